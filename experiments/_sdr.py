"""What the SDR experiments share: Monte Carlo counts of a dendritic segment's errors,
binomial confidence intervals, the exact distribution of union sizes, and the plot of
a rate beside its theory.

Monte Carlo counts are pooled over samples: a rate is hits / trials, with a two-sided
Clopper-Pearson interval. Where no hit was seen the rate is below what the run can
resolve (about 3 / trials at 95 %), and the figures show theory only there.
"""

import functools

import numpy as np
import xarray as xr
from scipy import stats

from assoc import mc, patterns
from assoc.models import DendriticNeurons
from theory import dendritic

LEVEL = 0.95
FP_THEORY = "P_FP(N, w, synapses, theta), Hawkins & Ahmad 2016 Eq. (1)"
FN_THEORY = "P_FN(w, synapses, theta, v), Ahmad & Hawkins 2016"


def false_positive_counts(
    N, w, synapses, theta, *, segments, queries, union=1, input_union=1, rng
):
    """False positives of ``segments`` segments on ``queries`` random inputs.

    Each segment learns ``union`` random patterns of w active cells out of N,
    ``synapses`` synapses on each; each input is the union of ``input_union`` random
    patterns of w active cells, drawn
    independently of the segments. For a segment of a given size every random input
    crosses its threshold with the same probability, so the events of two
    (segment, input) pairs are uncorrelated and the hits have the binomial variance;
    with unions, the spread of segment sizes adds a little to it (relative covariance
    below 1e-2 at the parameters of the experiments).
    """
    xi = patterns.sdr_indices(segments * union, N, w, rng=rng)
    net = DendriticNeurons(N, theta, synapses=synapses, union=union).store(xi, rng=rng)
    x = patterns.pack_sdr(patterns.sdr_indices(queries * input_union, N, w, rng=rng), N)
    x = patterns.sdr_union(x.reshape(queries, input_union, -1))
    return {
        "fp_hits": np.count_nonzero(net.recall(x).spikes),
        "fp_trials": segments * queries,
    }


def recognition_counts(N, w, synapses, v, *, thetas, stored, rng):
    """False negatives and false positives of ``stored`` segments, one per pattern,
    probed by noisy copies of their patterns (v of the w active cells replaced), at
    every threshold in ``thetas``.

    A pattern's own segment misses it when fewer than theta synapses stay active (a
    false negative; patterns are independent, so the misses are binomial). Cue mu
    against the segment of another pattern nu is a false positive when it crosses
    theta; only pairs mu < nu are counted, which makes every two of them uncorrelated
    (cue mu and segment mu are not independent, so the pair (nu, mu) would be
    correlated with (mu, nu)).
    """
    xi = patterns.sdr_indices(stored, N, w, rng=rng)
    net = DendriticNeurons(N, 1, synapses=synapses).store(xi, rng=rng)
    m = net.recall(patterns.sdr_noise(xi, v, N, rng=rng)).m  # m[mu, nu]
    own = np.diagonal(m)
    others = m[np.triu_indices(stored, k=1)]
    thetas = np.asarray(thetas)
    return {
        "fn_hits": np.count_nonzero(own[:, None] < thetas, axis=0),
        "fn_trials": stored,
        "fp_hits": np.count_nonzero(others[:, None] >= thetas, axis=0),
        "fp_trials": others.size,
    }


def check_recognition(cfg, theta):
    """The sizes, noise levels and thresholds of a recognition run, checked by its theory."""
    v = np.asarray(cfg["v"])[:, None]
    dendritic.detection_error(cfg["N"], cfg["w"], cfg["synapses"], np.asarray(theta), v)


def recognition_dataset(cfg, theta, experiment, *, seed, executor, store, progress):
    """`recognition_counts` over the noise levels ``cfg["v"]`` for every threshold in
    ``theta`` at once, with the false negative and false positive rates and their theory
    (Ahmad & Hawkins 2016; Hawkins & Ahmad 2016, Eq. (1))."""
    ds = mc.run(
        functools.partial(recognition_counts, thetas=tuple(int(t) for t in theta)),
        {"v": list(cfg["v"])},
        samples=cfg["samples"],
        seed=seed,
        params={key: cfg[key] for key in ("N", "w", "synapses", "stored")},
        dims={"fn_hits": ("theta",), "fp_hits": ("theta",)},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": experiment},
    )
    ds = ds.assign_coords(theta=theta)
    ds = add_rates(ds, "fn", "own segment misses the noisy pattern")
    ds = add_rates(ds, "fp", "another pattern's segment fires on the cue")
    N, w, synapses = cfg["N"], cfg["w"], cfg["synapses"]
    v = ds["v"].values[:, None]
    fn = dendritic.segment_false_negative(w, synapses, theta, v)
    ds["fn_theory"] = (("v", "theta"), fn)
    ds["fn_theory"].attrs["long_name"] = FN_THEORY
    fp = dendritic.segment_false_positive(N, w, synapses, theta)
    ds["fp_theory"] = (("v", "theta"), np.broadcast_to(fp, (v.size, theta.size)).copy())
    ds["fp_theory"].attrs["long_name"] = FP_THEORY
    return ds


def binomial_interval(hits, trials, level=LEVEL):
    """Clopper-Pearson interval of a binomial rate, elementwise; (0, 1) where trials = 0."""
    hits, trials = np.broadcast_arrays(np.asarray(hits, float), np.asarray(trials, float))
    tail = (1.0 - level) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(hits > 0, stats.beta.ppf(tail, hits, trials - hits + 1), 0.0)
        high = np.where(hits < trials, stats.beta.ppf(1 - tail, hits + 1, trials - hits), 1.0)
    return np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=1.0)


def pooled_interval(ds, name, level=LEVEL):
    """Hits and trials of ``name`` pooled over samples, and the Clopper-Pearson interval
    of their rate: (hits, trials, low, high) as DataArrays."""
    hits, trials = xr.broadcast(
        ds[f"{name}_hits"].sum("sample"), ds[f"{name}_trials"].sum("sample")
    )
    low, high = binomial_interval(hits.values, trials.values, level)
    return hits, trials, hits.copy(data=low), hits.copy(data=high)


def add_rates(ds, name, long_name, level=LEVEL):
    """Pool ``{name}_hits`` and ``{name}_trials`` over samples into ``name`` with its
    interval ``{name}_low``, ``{name}_high``; returns ds."""
    hits, trials, low, high = pooled_interval(ds, name, level)
    ds[name] = hits / trials
    ds[name].attrs["long_name"] = f"{long_name}, Monte Carlo (pooled over samples)"
    for bound, values in (("low", low), ("high", high)):
        ds[f"{name}_{bound}"] = values
        ds[f"{name}_{bound}"].attrs["long_name"] = (
            f"{bound} end of the {level:.0%} Clopper-Pearson interval of {name}"
        )
    ds[f"{name}_hits"].attrs["long_name"] = f"{long_name}: events counted"
    ds[f"{name}_trials"].attrs["long_name"] = f"{long_name}: trials"
    return ds


def binomial_pvalues(ds, name, theory=None):
    """Two-sided exact binomial p-values of the pooled counts of ``name`` under the rate
    ``theory`` (default ``{name}_theory``), where the Monte Carlo saw a hit (NaN
    elsewhere): 2 min(P(X <= hits), P(X >= hits)), capped at 1. Exact, so that rates
    near 0 or 1, where a normal z-score misleads, are judged right."""
    hits, trials, _, _ = pooled_interval(ds, name)
    p = ds[theory or f"{name}_theory"]
    below = stats.binom.cdf(hits, trials, p)
    above = stats.binom.sf(hits - 1, trials, p)
    return hits.copy(data=np.minimum(1.0, 2 * np.minimum(below, above))).where(hits > 0)


def consistency(ds, name, theory=None):
    """One line: how many resolved points agree with theory at the 5 % level, and the
    smallest exact binomial p-value."""
    pvalues = binomial_pvalues(ds, name, theory).values.ravel()
    pvalues = pvalues[np.isfinite(pvalues)]
    if not pvalues.size:
        return f"{name}: no point resolved by the Monte Carlo"
    return (
        f"{name}: {pvalues.size} points resolved by the Monte Carlo; "
        f"{np.count_nonzero(pvalues > 0.05)} agree with theory at the 5 % level "
        f"(exact binomial test), smallest p-value {pvalues.min():.2g}"
    )


def plot_rate(ax, ds, name, x, *, color, label, marker="o", seen=None):
    """Monte Carlo ``name`` with its interval against coordinate ``x``, only where a hit
    was seen (or where ``seen``); the theory ``{name}_theory`` as a line (where it is not
    zero)."""
    if seen is None:
        seen = ds[f"{name}_hits"].sum("sample").values > 0
    xs = ds[x].values
    rate = ds[name].values
    theory = ds[f"{name}_theory"].values
    shown = np.where(theory > 0, theory, np.nan)  # an impossible event has no place on a log axis
    ax.plot(xs, shown, "-", color=color, lw=1.2, label=f"{label}, theory")
    if seen.any():
        yerr = [rate[seen] - ds[f"{name}_low"].values[seen], ds[f"{name}_high"].values[seen]]
        yerr[1] = yerr[1] - rate[seen]
        ax.errorbar(
            xs[seen],
            rate[seen],
            yerr=yerr,
            fmt=marker,
            color=color,
            ms=4,
            capsize=2,
            mfc="none",
            label=f"{label}, Monte Carlo",
        )


def floor_note(ax, trials):
    """A dotted line at 1 / trials: below it the Monte Carlo resolves nothing, and the
    figure shows theory only."""
    ax.axhline(1.0 / trials, color="0.5", ls=":", lw=1)
    ax.annotate(
        f"1 / trials = {1.0 / trials:.0e}: below, theory only",
        (0.99, 1.0 / trials),
        xycoords=("axes fraction", "data"),
        ha="right",
        va="bottom",
        fontsize=7,
        color="0.4",
    )
