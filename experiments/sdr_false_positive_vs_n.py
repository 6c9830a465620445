"""False positives of a dendritic segment against the number of cells n, sparse and dense.

A segment with s = 24 synapses and NMDA threshold theta = 12 sees random inputs of a
active cells out of n. With a fixed (sparse codes: a = 64, 128, 256) its false positive
rate falls faster than any power of n; with a fixed fraction of active cells (a dense
code, a = n / 4) it tends to a constant, about 7e-3: the gain comes from sparsity, not
from size. This is the effect-of-n figure of Ahmad & Hawkins (arXiv:1601.00720, 2016),
whose curves follow Eq. (1) of Hawkins & Ahmad (Front. Neural Circuits 10:23, 2016),
``theory.dendritic.segment_false_positive``. (The authors' data for the dense curve
are those of a = n / 4.)

Monte Carlo: ``segments`` segments, each on s random cells of its own random pattern,
against ``queries`` independent random inputs per sample; a false positive is a
segment that fires. Rates carry Clopper-Pearson intervals; below about 1 / trials the
figure shows theory only.
"""

import numpy as np

from assoc import mc
from experiments import _sdr
from theory import dendritic

QUICK = dict(
    n=(300, 500, 700, 1000, 2000, 5000),
    activity=("64", "128", "256", "n/4"),
    s=24,
    theta=12,
    segments=400,
    queries=200,
    samples=2,
)
FULL = dict(
    n=(
        300,
        400,
        500,
        600,
        700,
        800,
        900,
        1000,
        1100,
        1300,
        1500,
        1700,
        2000,
        2500,
        3000,
        4000,
        5000,
        7000,
        10000,
        14000,
        20000,
    ),
    activity=("64", "128", "256", "n/4"),
    s=24,
    theta=12,
    segments=2000,
    queries=1000,
    samples=10,
)


def active_cells(activity, n):
    """Active cells of a code: a fixed count ("64") or a fraction of n ("n/4")."""
    return n // int(activity[2:]) if activity.startswith("n/") else int(activity)


def sample(activity, n, *, s, theta, segments, queries, rng):
    """False positives of random segments on random inputs at one (activity, n)."""
    a = active_cells(activity, n)
    return _sdr.false_positive_counts(n, a, s, theta, segments=segments, queries=queries, rng=rng)


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over (activity, n) beside Eq. (1)."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    params = {key: cfg[key] for key in ("s", "theta", "segments", "queries")}
    ds = mc.run(
        sample,
        {"activity": list(cfg["activity"]), "n": list(cfg["n"])},
        samples=cfg["samples"],
        seed=seed,
        params=params,
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sdr_false_positive_vs_n"},
    )
    ds["activity"].attrs["long_name"] = "active cells: a fixed count, or n/4 (dense)"
    ds = _sdr.add_rates(ds, "fp", "segment fires on a random input")
    a = np.array([[active_cells(c, n) for n in ds["n"].values] for c in ds["activity"].values])
    ds["a"] = (("activity", "n"), a)
    ds["a"].attrs["long_name"] = "active cells of the inputs and patterns"
    ds["fp_theory"] = (
        ("activity", "n"),
        dendritic.segment_false_positive(ds["n"].values[None, :], a, cfg["s"], cfg["theta"]),
    )
    ds["fp_theory"].attrs["long_name"] = "P_FP(n, a, s, theta), Hawkins & Ahmad 2016 Eq. (1)"
    return ds


def plot(ds):
    """False positive rate against n for each code, Monte Carlo over theory."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["activity"]))
    for activity, colour in zip(ds["activity"].values, colours):
        label = f"a = {activity}" + (" (dense)" if activity.startswith("n/") else "")
        _sdr.plot_rate(ax, ds.sel(activity=activity), "fp", "n", color=colour, label=label)
    _sdr.floor_note(ax, int(ds["fp_trials"].sum("sample").min()))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(bottom=max(1e-30, float(ds["fp_theory"].where(ds["fp_theory"] > 0).min())))
    ax.set_xlabel("cells n")
    ax.set_ylabel("probability of a false positive")
    ax.set_title(
        f"segment of s = {ds.attrs['s']} synapses, theta = {ds.attrs['theta']}: "
        "sparse codes gain from n, dense ones do not",
        fontsize=9,
    )
    ax.legend(fontsize=7, ncol=2)
    return fig


def summary(ds):
    """A few lines for the terminal."""
    largest = ds["n"].values[-1]
    lines = [_sdr.consistency(ds, "fp")]
    for activity in ds["activity"].values:
        theory = ds["fp_theory"].sel(activity=activity)
        lines.append(
            f"a = {activity:>4}: theory {float(theory[0]):.2e} at n = {ds['n'].values[0]},"
            f" {float(theory[-1]):.2e} at n = {largest}"
        )
    return "\n".join(lines)
