"""False positives of a dendritic segment against the number of cells N, sparse and dense.

A segment with synapses = 24 synapses and NMDA threshold theta = 12 sees random inputs
of w active cells out of N. With w fixed (sparse codes: w = 64, 128, 256) its false
positive rate falls faster than any power of N; with a fixed fraction of active cells
(a dense code, w = N / 4) it tends to a constant, about 7e-3: the gain comes from
sparsity, not from size. This is the effect-of-n figure of Ahmad & Hawkins
(arXiv:1601.00720, 2016), whose curves follow Eq. (1) of Hawkins & Ahmad (Front. Neural
Circuits 10:23, 2016), ``theory.dendritic.segment_false_positive``. (The authors' data
for the dense curve are those of w = N / 4.)

The file keeps its name, ``sdr_false_positive_vs_n``, after the papers' figure; its
Dataset and figure use the names of ``docs/glossary.md`` (N cells, w active).

Monte Carlo: ``segments`` segments, each on ``synapses`` random cells of its own random
pattern,
against ``queries`` independent random inputs per sample; a false positive is a
segment that fires. Rates carry Clopper-Pearson intervals; below about 1 / trials the
figure shows theory only.
"""

import numpy as np

from assoc import mc
from experiments import _sdr
from theory import dendritic

QUICK = dict(
    N=(300, 500, 700, 1000, 2000, 5000),
    activity=("64", "128", "256", "N/4"),
    synapses=24,
    theta=12,
    segments=400,
    queries=200,
    samples=2,
)
FULL = dict(
    N=(
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
    activity=("64", "128", "256", "N/4"),
    synapses=24,
    theta=12,
    segments=2000,
    queries=1000,
    samples=10,
)


def active_cells(activity, N):
    """Active cells w of a code: a fixed count ("64") or a fraction of N ("N/4")."""
    return N // int(activity[2:]) if activity.startswith("N/") else int(activity)


def check(cfg):
    """The sizes of every point, checked by the theory drawn beside it."""
    for activity in cfg["activity"]:
        for N in cfg["N"]:
            dendritic.segment_false_positive(
                N, active_cells(activity, N), cfg["synapses"], cfg["theta"]
            )


def sample(activity, N, *, synapses, theta, segments, queries, rng):
    """False positives of random segments on random inputs at one (activity, N)."""
    w = active_cells(activity, N)
    return _sdr.false_positive_counts(
        N, w, synapses, theta, segments=segments, queries=queries, rng=rng
    )


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over (activity, N) beside Eq. (1)."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    params = {key: cfg[key] for key in ("synapses", "theta", "segments", "queries")}
    ds = mc.run(
        sample,
        {"activity": list(cfg["activity"]), "N": list(cfg["N"])},
        samples=cfg["samples"],
        seed=seed,
        params=params,
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sdr_false_positive_vs_n"},
    )
    ds["activity"].attrs["long_name"] = "active cells w: a fixed count, or N/4 (dense)"
    ds = _sdr.add_rates(ds, "fp", "segment fires on a random input")
    w = np.array([[active_cells(c, N) for N in ds["N"].values] for c in ds["activity"].values])
    ds["w"] = (("activity", "N"), w)
    ds["w"].attrs["long_name"] = "active cells of the inputs and patterns"
    ds["fp_theory"] = (
        ("activity", "N"),
        dendritic.segment_false_positive(
            ds["N"].values[None, :], w, cfg["synapses"], cfg["theta"]
        ),
    )
    ds["fp_theory"].attrs["long_name"] = _sdr.FP_THEORY
    return ds


def plot(ds):
    """False positive rate against N for each code, Monte Carlo over theory."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["activity"]))
    for activity, colour in zip(ds["activity"].values, colours):
        label = f"w = {activity}" + (" (dense)" if activity.startswith("N/") else "")
        _sdr.plot_rate(ax, ds.sel(activity=activity), "fp", "N", color=colour, label=label)
    _sdr.floor_note(ax, int(ds["fp_trials"].sum("sample").min()))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(bottom=max(1e-30, float(ds["fp_theory"].where(ds["fp_theory"] > 0).min())))
    ax.set_xlabel("cells N")
    ax.set_ylabel("probability of a false positive")
    ax.set_title(
        f"segment of {ds.attrs['synapses']} synapses, theta = {ds.attrs['theta']}: "
        "sparse codes gain from N, dense ones do not",
        fontsize=9,
    )
    ax.legend(fontsize=7, ncol=2)
    return fig


def summary(ds):
    """A few lines for the terminal."""
    largest = ds["N"].values[-1]
    lines = [_sdr.consistency(ds, "fp")]
    for activity in ds["activity"].values:
        theory = ds["fp_theory"].sel(activity=activity)
        lines.append(
            f"w = {activity:>4}: theory {float(theory[0]):.2e} at N = {ds['N'].values[0]},"
            f" {float(theory[-1]):.2e} at N = {largest}"
        )
    return "\n".join(lines)
