"""Parallel retrieval in the multitasking network: the attractors reached, run by run.

Monte Carlo from random starts (zero-T dynamics at T = 0, Glauber time averages at
T > 0) of a Hebbian network storing P diluted patterns (Agliari et al., PRL 109, 268101
(2012)), beside the low-load theory of `theory.multitask`. Runs from different starts
end in different attractors (for P = 3 at T = 0 the hierarchical state
m_k = (1 - d) d^(k-1) and the majority state, among others), so their overlaps are not
averaged together: each run's sorted overlaps are matched to the nearest stable
solution of the theory at its (d, T) (within ``match``, in the largest difference of an
overlap; farther runs are "other"), which names its class (the regime of that
solution: pure, hierarchical, parallel, mixture, ...). The Dataset holds every run,
the fraction of runs in each class per (P, T, d), and each class's mean overlaps beside
the mean of the theory solutions its runs were matched to. The last row of the figure
is the (d, T) map of the regime of the global minimum.

Finite N. An overlap that theory puts near zero is measured as |m| of a sum of N terms,
about 1/sqrt(N) (0.016 at N = 4000) even when its limit is 0, and sorting the overlaps
makes that a bias; near the edges of the parallel regime at T > 0 the transverse
curvature of the free energy is small (0.03 at d = 0.65, T = 0.2) and the overlaps
fluctuate by T / (N curvature) in variance, which the time average over ``sweeps`` only
partly removes. In the full run (N = 4000) each class lies within 1.14/sqrt(N) of its
states at T = 0 (up to 10 standard errors where the samples agree closely), within
2.9/sqrt(N) at T = 0.1 and 0.2, where 10 % and 29 % of the runs match no stable state.
"""

import itertools

import numpy as np
import xarray as xr

from assoc import mc, patterns
from assoc._validation import check_int, check_real
from assoc.models import Multitask
from theory import multitask as mt

QUICK = dict(
    N=2000,
    P=(2, 3),
    d=np.round(np.arange(0.1, 0.91, 0.1), 2),
    T=(0.0, 0.1),
    samples=4,
    starts=4,
    equilibrate=50,
    sweeps=100,
    match=0.08,
    regime_map=(13, 11),
)
FULL = dict(
    N=4000,
    P=(2, 3, 4),
    d=np.round(np.arange(0.05, 0.951, 0.05), 2),
    T=(0.0, 0.1, 0.2),
    samples=6,
    starts=4,
    equilibrate=100,
    sweeps=250,
    match=0.06,
    regime_map=(49, 26),
)
P_MAX = 4
REGIMES = ("paramagnetic", "pure", "hierarchical", "parallel", "mixture")
CLASSES = (*REGIMES, "other")
COLOURS = ("0.6", "tab:blue", "tab:green", "tab:orange", "tab:red", "k")


def check(cfg):
    """At most P_MAX patterns (the overlaps are kept padded to P_MAX), dilution in [0, 1]."""
    for P in cfg["P"]:
        check_int("P", P, low=1, high=P_MAX)
    for d in cfg["d"]:
        check_real("d", d, low=0.0, high=1.0)


def sample(P, T, d, *, N, starts, equilibrate, sweeps, rng):
    """P diluted patterns; ``starts`` random initial states; each run's sorted overlaps."""
    xi = patterns.diluted_spins(P, N, d, rng=rng)
    net = Multitask(N, T=T).store(xi)
    s0 = patterns.random_spins(starts, N, rng=rng)
    if T == 0:
        m = net.recall(s0, rng=rng, max_sweeps=1000).m
    else:
        m = net.recall(s0, rng=rng, sweeps=sweeps, equilibrate=equilibrate).m_mean
    out = np.full((starts, P_MAX), np.nan)
    out[:, :P] = -np.sort(-np.abs(m), axis=1)
    return {"m": out}


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run the Monte Carlo over (P, T, d) and class every run by the theory's attractors."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    params = {key: cfg[key] for key in ("N", "starts", "equilibrate", "sweeps")}
    ds = mc.run(
        sample,
        {"P": list(cfg["P"]), "T": list(cfg["T"]), "d": list(cfg["d"])},
        samples=cfg["samples"],
        seed=seed,
        params=params,
        dims={"m": ("start", "k")},
        executor=executor,
        store=store,
        progress=progress,
        attrs={
            "experiment": "multitask_regimes",
            "match": cfg["match"],
        },
    )
    ds = ds.assign_coords(k=np.arange(1, P_MAX + 1), state=list(CLASSES))
    ds["m"].attrs["long_name"] = "sorted overlaps m_1 >= m_2 >= ... of each run"
    dilutions, temperatures = cfg["regime_map"]
    ds = ds.assign_coords(
        d_map=np.linspace(0.02, 0.98, dilutions), T_map=np.linspace(0.0, 1.0, temperatures)
    )
    return add_theory(ds)


def stable_states(P, T, d):
    """The stable solutions of the low-load theory (sorted overlaps, padded to P_MAX
    with NaN) and the index of each one's regime in CLASSES."""
    s = mt.solutions(d, T, P)
    m = np.full((s.stable.sum(), P_MAX), np.nan)
    m[:, :P] = s.m[s.stable]
    return m, np.array([REGIMES.index(mt.regime(x)) for x in s.m[s.stable]], dtype=int)


def classify(m, states, classes, match):
    """For each run (rows of m, shape (runs, P)): the index into CLASSES of the nearest
    of the stable ``states`` (S, P), whose regimes are ``classes`` (S,), and that state's
    overlaps (padded to P_MAX); "other" and NaN where none lies within ``match``."""
    gap = np.max(np.abs(m[:, None, :] - states[None, :, :]), axis=-1)
    nearest = np.argmin(gap, axis=1)
    close = gap[np.arange(len(m)), nearest] <= match
    label = np.where(close, classes[nearest], CLASSES.index("other"))
    theory = np.full((len(m), P_MAX), np.nan)
    theory[close, : m.shape[1]] = states[nearest[close]]
    return label, theory


def add_theory(ds):
    """Stable states and the class of every run; class fractions and class overlaps;
    global minimum, hierarchical, majority and parallel branches; the regime map."""
    P, T, d = ds["P"].values, ds["T"].values, ds["d"].values
    match = ds.attrs["match"]
    states = {(p, t, x): stable_states(p, t, x) for p in P for t in T for x in d}
    most = max(len(c) for _, c in states.values())
    m_stable = np.full((P.size, T.size, d.size, most, P_MAX), np.nan)
    stable_class = np.full((P.size, T.size, d.size, most), -1)
    label = np.empty(ds["m"].shape[:-1], dtype=int)
    m_matched = np.full(ds["m"].shape, np.nan)
    for (a, p), (b, t), (c, x) in itertools.product(enumerate(P), enumerate(T), enumerate(d)):
        m_s, classes = states[(p, t, x)]
        m_stable[a, b, c, : len(classes)] = m_s
        stable_class[a, b, c, : len(classes)] = classes
        runs = ds["m"].values[a, b, c].reshape(-1, P_MAX)
        found, theory = classify(runs[:, :p], m_s[:, :p], classes, match)
        label[a, b, c] = found.reshape(label.shape[3:])
        m_matched[a, b, c] = theory.reshape(m_matched.shape[3:])
    ds["m_stable"] = (("P", "T", "d", "solution", "k"), m_stable)
    ds["m_stable"].attrs["long_name"] = "stable solutions of the low-load theory"
    ds["stable_state"] = (("P", "T", "d", "solution"), stable_class)
    ds["stable_state"].attrs["long_name"] = "regime of each stable solution (index into state)"
    ds["run_state"] = (("P", "T", "d", "sample", "start"), label)
    ds["run_state"].attrs["long_name"] = "class of each run: its nearest stable solution"
    ds["m_matched"] = (("P", "T", "d", "sample", "start", "k"), m_matched)
    ds["m_matched"].attrs["long_name"] = "overlaps of the stable solution each run matched"

    code = xr.DataArray(np.arange(len(CLASSES)), coords={"state": ds["state"]})
    member = ds["run_state"] == code  # (P, T, d, sample, start, state)
    count = member.sum(("sample", "start"))
    ds["fraction"] = count / (ds.sizes["sample"] * ds.sizes["start"])
    ds["fraction"].attrs["long_name"] = "fraction of runs ending in each state"
    ds["runs"] = count
    ds["runs"].attrs["long_name"] = "runs ending in each state"
    # Runs of one sample share its patterns, and with them the O(1/sqrt(N)) offsets of
    # the finite network's states: the samples are the independent units.
    per_sample = ds["m"].where(member).mean("start")
    samples = per_sample.isel(k=0).notnull().sum("sample")
    ds["m_state"] = per_sample.mean("sample")
    ds["m_state_se"] = per_sample.std("sample", ddof=1) / np.sqrt(samples.where(samples > 1))
    ds["m_state_theory"] = ds["m_matched"].where(member).mean("start").mean("sample")
    ds["samples_in_state"] = samples
    ds["m_state"].attrs["long_name"] = (
        "sorted overlaps of the runs in each state (mean over samples of the sample means)"
    )
    ds["m_state_se"].attrs["long_name"] = "its standard error (spread over samples)"
    ds["m_state_theory"].attrs["long_name"] = "mean of the theory states those runs matched"
    ds["samples_in_state"].attrs["long_name"] = "samples with a run in each state"
    return add_branches(ds)


def add_branches(ds):
    """Global minimum, hierarchical, majority and parallel branches; the regime map."""
    P, T, d = ds["P"].values, ds["T"].values, ds["d"].values
    ground = np.full((P.size, T.size, d.size, P_MAX), np.nan)
    hierarchy = np.full((P.size, d.size, P_MAX), np.nan)
    parallel = np.full((P.size, T.size, d.size), np.nan)
    for a, k in enumerate(P):
        ground[a, ..., :k] = mt.global_minimum(d[None, :], T[:, None], k)
        hierarchy[a, :, :k] = [mt.hierarchical_state(x, k) for x in d]
        parallel[a] = [[mt.parallel_state(x, t, k) for x in d] for t in T]
    ds["m_ground"] = (("P", "T", "d", "k"), ground)
    ds["m_ground"].attrs["long_name"] = "global minimum of the free energy (sorted overlaps)"
    ds["m_hierarchical"] = (("P", "d", "k"), hierarchy)
    ds["m_hierarchical"].attrs["long_name"] = "hierarchical state (1 - d) d^(k-1), T = 0"
    ds["m_parallel"] = (("P", "T", "d"), parallel)
    ds["m_parallel"].attrs["long_name"] = "amplitude of the parallel state m_1 = ... = m_P"
    majority = np.full((d.size, P_MAX), np.nan)
    majority[:, :3] = [mt.majority_state(x) for x in d]
    ds["m_majority"] = (("d", "k"), majority)
    ds["m_majority"].attrs["long_name"] = "P = 3 majority state at T = 0"
    ds["d_hierarchical"] = ("P", [mt.hierarchical_threshold(k) for k in P])
    ds["d_hierarchical"].attrs["long_name"] = (
        "largest d where the hierarchy is a T = 0 fixed point"
    )

    d_map, T_map = ds["d_map"].values, ds["T_map"].values
    labels = [mt.regime(mt.global_minimum(d_map[None, :], T_map[:, None], k)) for k in P]
    codes = np.vectorize(REGIMES.index)(np.array(labels))
    ds["regime_map"] = (("P", "T_map", "d_map"), codes)
    ds["regime_map"].attrs["long_name"] = "regime of the global minimum: index into state"
    return ds


def plot(ds):
    """Per T, the runs of each class beside the stable states (the class mean where its
    runs share one state, every run where they do not, and for "other"); the fraction
    of runs in each class; the regime map of the global minimum."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D

    nP, nT = ds.sizes["P"], ds.sizes["T"]
    fig, axes = plt.subplots(
        nT + 2, nP, figsize=(4.6 * nP, 3.4 * (nT + 2)), layout="constrained", squeeze=False
    )
    styles = ("-", "--", ":", "-.")
    for a, P in enumerate(ds["P"].values):
        for b, T in enumerate(ds["T"].values):
            ax = axes[b, a]
            cut = ds.sel(P=P, T=T)
            for state in range(len(CLASSES) - 1):  # theory: every stable state, by class
                stable = cut["stable_state"] == state
                for k in range(P):
                    m = cut["m_stable"].isel(k=k).where(stable)
                    d = np.broadcast_to(ds["d"].values[:, None], m.shape)
                    ax.plot(d, m, "_", color=COLOURS[state], ms=9, mew=1.5)
            single = single_state(cut)  # (d, state): the class's runs share one state
            for state, name in enumerate(CLASSES):  # Monte Carlo
                if name == "paramagnetic" or not (cut["runs"].sel(state=name) > 0).any():
                    continue
                x = ds["d"].values + 0.006 * (state - 2)
                one = single.sel(state=name)
                for k in range(P):  # class means where the class is one state ...
                    point = cut.sel(state=name, k=k + 1)
                    ax.errorbar(
                        x,
                        point["m_state"].where(one),
                        yerr=point["m_state_se"].where(one),
                        fmt="o",
                        ms=3,
                        capsize=0,
                        color=COLOURS[state],
                    )
                runs = cut["m"].isel(k=slice(0, P)).transpose("d", "sample", "start", "k")
                mixed = (cut["run_state"] == state) & ~single.sel(state=name)
                where = np.broadcast_to(mixed.transpose("d", "sample", "start").values[..., None],
                                        runs.shape)  # fmt: skip
                d = np.broadcast_to(x[:, None, None, None], runs.shape)
                ax.plot(d[where], runs.values[where], ".", ms=2, color=COLOURS[state])  # ... runs
            ax.axvline(float(ds["d_hierarchical"].sel(P=P)), color="grey", lw=0.8)
            ax.set_title(f"P = {P}, T = {T:g}: runs by attractor", fontsize=9)
            ax.set_xlabel("dilution d")
            ax.set_ylabel("sorted overlaps m_k")

        ax = axes[nT, a]
        for state, name in enumerate(CLASSES):
            fraction = ds["fraction"].sel(P=P, state=name)
            if not (fraction > 0).any():
                continue
            for b, T in enumerate(ds["T"].values):
                ax.plot(ds["d"], fraction.sel(T=T), styles[b % 4], color=COLOURS[state])
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("dilution d")
        ax.set_ylabel("fraction of runs")
        ax.set_title(f"P = {P}: where the runs end", fontsize=9)
        ax.legend(
            [Line2D([], [], ls=styles[b % 4], color="k") for b in range(nT)],
            [f"T = {T:g}" for T in ds["T"].values],
            fontsize=7,
        )

        ax = axes[nT + 1, a]
        cmap = ListedColormap(COLOURS[:-1])
        mesh = ax.pcolormesh(
            ds["d_map"],
            ds["T_map"],
            ds["regime_map"].sel(P=P),
            cmap=cmap,
            vmin=-0.5,
            vmax=len(REGIMES) - 0.5,
            shading="nearest",
        )
        ax.plot(ds["d_map"], 1 - ds["d_map"], "k-", lw=0.8)
        ax.set_xlabel("dilution d")
        ax.set_ylabel("T")
        ax.set_title(f"P = {P}: regime of the global minimum", fontsize=9)
    bar = fig.colorbar(mesh, ax=axes[nT + 1, :], ticks=range(len(REGIMES)))
    bar.ax.set_yticklabels(REGIMES)
    handles = [Line2D([], [], ls="", marker="o", color=c) for c in COLOURS]
    handles += [Line2D([], [], ls="", marker="_", ms=9, mew=1.5, color="k")]
    fig.legend(
        handles,
        [*CLASSES, "theory: stable states"],
        loc="outside lower center",
        ncols=len(handles),
        fontsize=8,
    )
    fig.suptitle(
        f"Multitasking network, N = {ds.attrs['N']}: each run classed by the nearest "
        f"stable state (within {ds.attrs['match']:g})"
    )
    return fig


def single_state(ds):
    """Whether the runs of a class all matched the same stable state (then their mean
    is drawn against it; several mixtures share the class "mixture" at P = 4, and the
    runs are drawn one by one)."""
    matched = ds["m_matched"].isel(k=0)
    code = xr.DataArray(np.arange(len(CLASSES)), coords={"state": ds["state"]})
    member = ds["run_state"] == code
    values = matched.where(member)
    spread = values.max(("sample", "start")) - values.min(("sample", "start"))
    return (spread < 1e-12) & (member.sum(("sample", "start")) > 0) & (code != len(CLASSES) - 1)


def deviations(ds):
    """(class mean - theory) / standard error for every class seen in at least 3 samples
    and every overlap the theory puts above 3 / sqrt(N) (below, |m| of N terms is biased
    upward)."""
    floor = 3 / np.sqrt(ds.attrs["N"])
    z = (ds["m_state"] - ds["m_state_theory"]) / ds["m_state_se"]
    return z.where((ds["samples_in_state"] >= 3) & (ds["m_state_theory"] > floor))


def summary(ds):
    """Fractions of runs per class at T = 0, and the largest class deviation per P."""
    lines = []
    z = deviations(ds)
    for P in ds["P"].values:
        cut = ds.sel(P=P, T=ds["T"].values[0])
        shares = cut["fraction"].mean("d")
        text = ", ".join(
            f"{name} {float(shares.sel(state=name)):.0%}"
            for name in CLASSES
            if float(shares.sel(state=name)) > 0
        )
        worst = float(np.abs(z.sel(P=P)).max())
        lines.append(
            f"P = {P}: runs at T = {cut['T'].item():g} end in {text} (mean over d); "
            f"largest |class mean - theory| = {worst:.1f} standard errors"
        )
    return "\n".join(lines)
