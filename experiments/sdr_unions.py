"""False positives with unions: a segment that stores M patterns, an input of M patterns.

A segment can learn several patterns: it then holds the union of their synapses, about
s_M = n (1 - (1 - s/n)^M) of them, and fires on any input that activates theta of
those. Dually, an input can be the union of M patterns (several predictions at once),
with about a_M = n (1 - (1 - a/n)^M) active cells. Either way the false positive rate
is Eq. (1) of Hawkins & Ahmad (Front. Neural Circuits 10:23, 2016) at the larger size;
Ahmad & Hawkins (arXiv:1601.00720, 2016; union property) put the expected size,
rounded, into it (``theory.dendritic.union_segment_false_positive`` and
``union_input_false_positive``: ``fp_theory``). Averaging Eq. (1) over the exact
distribution of the union's size instead (``fp_theory_exact``, a hypergeometric chain)
is what the Monte Carlo measures; the two differ by a few per cent. The parameters
(a = 200, s = 25, theta = 15, n = 1000, 10000, 20000) are those of the union figure of
Ahmad & Hawkins (2016): a segment can hold a dozen patterns at n = 10000 before its
false positives reach 1e-3.

Monte Carlo: per sample ``segments`` segments, each on the union of M (or one)
subsamples of s cells of random patterns, against ``queries`` inputs, each the union
of one (or M) random patterns. Rates carry Clopper-Pearson intervals; below about
1 / trials the figure shows theory only.
"""

import numpy as np

from assoc import mc
from experiments import _sdr
from theory import dendritic

QUICK = dict(
    kind=("segment", "input"),
    n=(1000, 10000),
    M=(1, 2, 4, 8, 12, 19),
    a=200,
    s=25,
    theta=15,
    segments=150,
    queries=100,
    samples=2,
)
FULL = dict(
    kind=("segment", "input"),
    n=(1000, 10000, 20000),
    M=tuple(range(1, 20)),
    a=200,
    s=25,
    theta=15,
    segments=1000,
    queries=1000,
    samples=10,
)
_THEORY = {
    "segment": dendritic.union_segment_false_positive,
    "input": dendritic.union_input_false_positive,
}


def sample(kind, n, M, *, a, s, theta, segments, queries, rng):
    """False positives when the segment (kind "segment") or the input ("input") is a
    union of M patterns."""
    unions = {"union": M} if kind == "segment" else {"input_union": M}
    return _sdr.false_positive_counts(
        n, a, s, theta, segments=segments, queries=queries, rng=rng, **unions
    )


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over (kind, n, M) beside the papers' formula and its exact average."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    params = {key: cfg[key] for key in ("a", "s", "theta", "segments", "queries")}
    ds = mc.run(
        sample,
        {"kind": list(cfg["kind"]), "n": list(cfg["n"]), "M": list(cfg["M"])},
        samples=cfg["samples"],
        seed=seed,
        params=params,
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sdr_unions"},
    )
    ds["kind"].attrs["long_name"] = "what is a union of M patterns: the segment or the input"
    ds = _sdr.add_rates(ds, "fp", "segment fires on a random input")
    a, s, theta = cfg["a"], cfg["s"], cfg["theta"]
    shape = (ds.sizes["kind"], ds.sizes["n"], ds.sizes["M"])
    paper, exact = np.empty(shape), np.empty(shape)
    for i, kind in enumerate(ds["kind"].values):
        for j, n in enumerate(ds["n"].values):
            paper[i, j] = _THEORY[kind](int(n), a, s, theta, ds["M"].values)
            for k, M in enumerate(ds["M"].values):
                exact[i, j, k] = dendritic.union_averaged_false_positive(n, a, s, theta, M, kind)
    ds["fp_theory"] = (("kind", "n", "M"), paper)
    ds["fp_theory"].attrs["long_name"] = (
        "Eq. (1) at the expected union size, rounded (Ahmad & Hawkins 2016)"
    )
    ds["fp_theory_exact"] = (("kind", "n", "M"), exact)
    ds["fp_theory_exact"].attrs["long_name"] = (
        "Eq. (1) averaged over the exact distribution of the union size"
    )
    ds["union_size"] = (
        ("kind", "n", "M"),
        np.stack(
            [
                dendritic.union_active_bits(ds["n"].values[:, None], k, ds["M"].values)
                for k in (s if kind == "segment" else a for kind in ds["kind"].values)
            ]
        ),
    )
    ds["union_size"].attrs["long_name"] = "expected synapses (segment) or active cells (input)"
    return ds


def plot(ds):
    """False positive rate against M, one panel per kind of union, one curve per n."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained", sharey=True)
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["n"]))
    titles = {
        "segment": "a segment stores M patterns",
        "input": "the input is a union of M patterns",
    }
    for ax, kind in zip(axes, ds["kind"].values):
        for n, colour in zip(ds["n"].values, colours):
            point = ds.sel(kind=kind, n=n)
            _sdr.plot_rate(ax, point, "fp", "M", color=colour, label=f"n = {n}")
            exact = point["fp_theory_exact"].values
            ax.plot(ds["M"], np.where(exact > 0, exact, np.nan), ":", color=colour, lw=1.5)
        ax.plot([], [], "k:", label="exact average over union sizes")
        _sdr.floor_note(ax, int(ds["fp_trials"].sum("sample").min()))
        ax.set_yscale("log")
        ax.set_xlabel("patterns in the union M")
        ax.set_title(
            f"{titles[kind]} (a = {ds.attrs['a']}, s = {ds.attrs['s']}, "
            f"theta = {ds.attrs['theta']})",
            fontsize=9,
        )
        ax.legend(fontsize=7, loc="lower right")
    axes[0].set_ylabel("probability of a false positive")
    return fig


def summary(ds):
    """A few lines for the terminal."""
    rounded = _sdr.consistency(ds, "fp", "fp_theory")
    lines = [
        _sdr.consistency(ds, "fp", "fp_theory_exact"),
        "against the papers' rounded sizes instead: " + (rounded.partition("; ")[2] or rounded),
    ]
    for kind in ds["kind"].values:
        for n in ds["n"].values:
            fp = ds["fp_theory_exact"].sel(kind=kind, n=n)
            below = ds["M"].values[fp.values < 1e-3]
            if below.size == ds.sizes["M"]:
                text = f"below 1e-3 at every M up to {below.max()}"
            elif below.size:
                text = f"below 1e-3 up to M = {below.max()}"
            else:
                text = "above 1e-3 already at M = 1"
            lines.append(f"{kind:>7}, n = {n:5d}: false positives {text}")
    gap = np.abs(ds["fp_theory"] / ds["fp_theory_exact"] - 1).where(ds["fp_theory_exact"] > 0)
    lines.append(f"papers' rounded size vs exact average: up to {float(gap.max()):.1%} apart")
    return "\n".join(lines)
