"""False positives with unions: a segment that stores several patterns, an input of several.

A segment can learn ``union`` patterns: it then holds the union of their synapses and
fires on any input that activates theta of those. Dually, an input can be the union of
k = ``union`` patterns (several predictions at once). Either way the false positive
rate is Eq. (1) of Hawkins & Ahmad (Front. Neural Circuits 10:23, 2016) at the union's
size, which is random: ``theory.dendritic.union_segment_false_positive`` and
``union_input_false_positive`` average Eq. (1) over its exact law (``fp_theory``, a
hypergeometric chain). The papers put the expected size N (1 - (1 - n/N)^k) in its place
(n the synapses or active cells per pattern; ``fp_paper``): rounded to an integer in the
authors' script for the segment figure of Ahmad & Hawkins (arXiv:1601.00720, 2016; union
property), real-valued in their calculation of the input union. The rounded size is up
to 7 % off the exact rate (6.7 % low at N = 1000, union = 2), the real-valued one under
1 %. The parameters
(w = 200, 25 synapses per pattern, theta = 15, N = 1000, 10000, 20000) are those of the
union figure: a segment can hold a dozen patterns at N = 10000 before its false
positives reach 1e-3 (``theory.dendritic.union_capacity``).

Monte Carlo: per sample ``segments`` segments, each on the union of ``union`` (or one)
subsamples of ``synapses`` cells of random patterns, against ``queries`` inputs, each
the union of one (or ``union``) random patterns. Rates carry Clopper-Pearson intervals;
below about 1 / trials the figure shows theory only.
"""

import numpy as np

from assoc import mc
from experiments import _sdr
from theory import dendritic

QUICK = dict(
    kind=("segment", "input"),
    N=(1000, 10000),
    union=(1, 2, 4, 8, 12, 19),
    w=200,
    synapses=25,
    theta=15,
    segments=150,
    queries=100,
    samples=2,
)
FULL = dict(
    kind=("segment", "input"),
    N=(1000, 10000, 20000),
    union=tuple(range(1, 20)),
    w=200,
    synapses=25,
    theta=15,
    segments=1000,
    queries=1000,
    samples=10,
)
KIND = "what is a union of patterns: the segment or the input"
_THEORY = {
    "segment": dendritic.union_segment_false_positive,
    "input": dendritic.union_input_false_positive,
}
# How the papers put the union's size in: the authors' segment script rounds it, their
# input calculation keeps it real-valued.
PAPER_SIZE = {"segment": "rounded", "input": "mean"}


def check(cfg):
    """The sizes of every point, checked by the theory drawn beside it."""
    for kind in cfg["kind"]:
        for N in cfg["N"]:
            _THEORY[kind](N, cfg["w"], cfg["synapses"], cfg["theta"], max(cfg["union"]))


def sample(kind, N, union, *, w, synapses, theta, segments, queries, rng):
    """False positives when the segment (kind "segment") or the input ("input") is a
    union of ``union`` patterns."""
    unions = {"union": union} if kind == "segment" else {"input_union": union}
    return _sdr.false_positive_counts(
        N, w, synapses, theta, segments=segments, queries=queries, rng=rng, **unions
    )


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over (kind, N, union) beside the exact rate and the papers'."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    params = {key: cfg[key] for key in ("w", "synapses", "theta", "segments", "queries")}
    ds = mc.run(
        sample,
        {"kind": list(cfg["kind"]), "N": list(cfg["N"]), "union": list(cfg["union"])},
        samples=cfg["samples"],
        seed=seed,
        params=params,
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sdr_unions"},
    )
    ds["kind"].attrs["long_name"] = KIND
    ds = _sdr.add_rates(ds, "fp", "segment fires on a random input")
    w, synapses, theta = cfg["w"], cfg["synapses"], cfg["theta"]
    dims = ("kind", "N", "union")
    N, union = ds["N"].values[:, None], ds["union"].values[None, :]
    exact = [_THEORY[kind](N, w, synapses, theta, union) for kind in ds["kind"].values]
    ds["fp_theory"] = (dims, np.stack(exact))
    ds["fp_theory"].attrs["long_name"] = (
        "Eq. (1) averaged over the exact distribution of the union size"
    )
    paper = [
        _THEORY[kind](N, w, synapses, theta, union, size=PAPER_SIZE[kind])
        for kind in ds["kind"].values
    ]
    ds["fp_paper"] = (dims, np.stack(paper))
    ds["fp_paper"].attrs["long_name"] = (
        "Eq. (1) at the expected union size, rounded (segment) or real-valued (input), as "
        "the authors computed it"
    )
    ds["union_size"] = (
        dims,
        np.stack(
            [
                dendritic.union_active_bits(ds["N"].values[:, None], k, ds["union"].values)
                for k in (synapses if kind == "segment" else w for kind in ds["kind"].values)
            ]
        ),
    )
    ds["union_size"].attrs["long_name"] = "expected synapses (segment) or active cells (input)"
    return ds


def plot(ds):
    """False positive rate against the union, one panel per kind of union, one curve per
    N."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained", sharey=True)
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["N"]))
    titles = {
        "segment": "a segment stores a union of patterns",
        "input": "the input is a union of patterns",
    }
    for ax, kind in zip(axes, ds["kind"].values):
        for N, colour in zip(ds["N"].values, colours):
            point = ds.sel(kind=kind, N=N)
            _sdr.plot_rate(ax, point, "fp", "union", color=colour, label=f"N = {N}")
            paper = point["fp_paper"].values
            ax.plot(ds["union"], np.where(paper > 0, paper, np.nan), ":", color=colour, lw=1.5)
        ax.plot([], [], "k:", label=f"papers: expected size, {PAPER_SIZE[kind]}")
        _sdr.floor_note(ax, int(ds["fp_trials"].sum("sample").min()))
        ax.set_yscale("log")
        ax.set_xlabel("patterns in the union (union)")
        ax.set_title(
            f"{titles[kind]} (w = {ds.attrs['w']}, {ds.attrs['synapses']} synapses, "
            f"theta = {ds.attrs['theta']})",
            fontsize=9,
        )
        ax.legend(fontsize=7, loc="lower right")
    axes[0].set_ylabel("probability of a false positive")
    return fig


def summary(ds):
    """A few lines for the terminal."""
    paper = _sdr.consistency(ds, "fp", "fp_paper")
    lines = [
        _sdr.consistency(ds, "fp", "fp_theory"),
        "against the papers' expected sizes instead: " + (paper.partition("; ")[2] or paper),
    ]
    for kind in ds["kind"].values:
        for N in ds["N"].values:
            fp = ds["fp_theory"].sel(kind=kind, N=N)
            below = ds["union"].values[fp.values < 1e-3]
            if below.size == ds.sizes["union"]:
                text = f"below 1e-3 at every union up to {below.max()}"
            elif below.size:
                text = f"below 1e-3 up to union = {below.max()}"
            else:
                text = "above 1e-3 already at union = 1"
            lines.append(f"{kind:>7}, N = {N:5d}: false positives {text}")
    for kind in ds["kind"].values:
        cut = ds.sel(kind=kind)
        gap = (cut["fp_paper"] / cut["fp_theory"] - 1).where(cut["fp_theory"] > 0)
        lines.append(
            f"{kind:>7}: papers' {PAPER_SIZE[kind]} size vs exact average: "
            f"{float(gap.min()):+.1%} to {float(gap.max()):+.1%}"
        )
    return "\n".join(lines)
