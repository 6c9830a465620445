"""False positives of a dendritic segment against its number of synapses, theta = half.

A segment that tolerates half of its synapses missing (theta = synapses // 2) sees
random inputs of w active cells out of N. For sparse codes its false positive rate
falls exponentially with the synapses, a decade every few of them; for a dense code
(w = N / 4) it falls slowly: sparse codes let a segment recognise a pattern reliably
from a few dozen synapses. This is the effect-of-s figure of Ahmad & Hawkins
(arXiv:1601.00720, 2016) with its four codes (w = 32 of N = 2000 and of 4000, w = 512
and w = 4000 of 16000); theory: Eq. (1) of Hawkins & Ahmad (Front. Neural Circuits
10:23, 2016), ``theory.dendritic.segment_false_positive``.

The file keeps its name, ``sdr_false_positive_vs_s``, after the papers' figure; its
Dataset and figure use the names of ``docs/glossary.md`` (``synapses``, N, w).

Monte Carlo: ``segments`` segments, each on ``synapses`` random cells of its own random
pattern,
against ``queries`` independent random inputs per sample. Rates carry Clopper-Pearson
intervals; below about 1 / trials the figure shows theory only.
"""

import numpy as np

from assoc import mc
from assoc._validation import check_int
from experiments import _sdr
from theory import dendritic

CODES = ("w=32,N=2000", "w=32,N=4000", "w=512,N=16000", "w=4000,N=16000")
THETA_RULE = "theta = synapses // 2"
FP_THEORY = "P_FP(N, w, synapses, synapses // 2), Hawkins & Ahmad 2016 Eq. (1)"
QUICK = dict(
    code=CODES,
    synapses=(2, 4, 6, 8, 12, 16, 24, 30),
    segments=200,
    queries=100,
    samples=2,
)
FULL = dict(
    code=CODES,
    synapses=tuple(range(2, 31, 2)),
    segments=2000,
    queries=1000,
    samples=10,
)


def code_sizes(code):
    """(w, N) of a code written "w=32,N=2000"."""
    fields = dict(item.split("=") for item in code.split(","))
    return int(fields["w"]), int(fields["N"])


def check(cfg):
    """The sizes of every point, checked by the theory drawn beside it."""
    for code in cfg["code"]:
        w, N = code_sizes(code)
        for synapses in cfg["synapses"]:
            check_int("synapses", synapses, low=1, high=w)  # sampled from a pattern's w cells
            dendritic.segment_false_positive(N, w, synapses, synapses // 2)


def sample(code, synapses, *, segments, queries, rng):
    """False positives at threshold synapses // 2 of random segments."""
    w, N = code_sizes(code)
    return _sdr.false_positive_counts(
        N, w, synapses, synapses // 2, segments=segments, queries=queries, rng=rng
    )


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over (code, synapses) beside Eq. (1)."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"code": list(cfg["code"]), "synapses": list(cfg["synapses"])},
        samples=cfg["samples"],
        seed=seed,
        params={"segments": cfg["segments"], "queries": cfg["queries"]},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sdr_false_positive_vs_s", "theta_rule": THETA_RULE},
    )
    ds = _sdr.add_rates(ds, "fp", "segment fires on a random input")
    sizes = np.array([code_sizes(c) for c in ds["code"].values])
    ds["w"] = ("code", sizes[:, 0])
    ds["w"].attrs["long_name"] = "active cells"
    ds["N"] = ("code", sizes[:, 1])
    ds["N"].attrs["long_name"] = "cells"
    ds["theta"] = ("synapses", ds["synapses"].values // 2)
    ds["theta"].attrs["long_name"] = "NMDA threshold, synapses // 2"
    synapses = ds["synapses"].values[None, :]
    ds["fp_theory"] = (
        ("code", "synapses"),
        dendritic.segment_false_positive(sizes[:, 1:], sizes[:, :1], synapses, synapses // 2),
    )
    ds["fp_theory"].attrs["long_name"] = FP_THEORY
    return ds


def plot(ds):
    """False positive rate against the synapses for each code, Monte Carlo over theory."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["code"]))
    for code, colour in zip(ds["code"].values, colours):
        w, N = code_sizes(code)
        label = f"w = {w}, N = {N}" + (" (dense)" if 4 * w >= N else "")
        _sdr.plot_rate(ax, ds.sel(code=code), "fp", "synapses", color=colour, label=label)
    _sdr.floor_note(ax, int(ds["fp_trials"].sum("sample").min()))
    ax.set_yscale("log")
    ax.set_xlabel("synapses on the segment (threshold theta = synapses // 2)")
    ax.set_ylabel("probability of a false positive")
    ax.set_title("half the synapses suffice: sparse codes need few of them", fontsize=9)
    ax.legend(fontsize=7, ncol=2, loc="lower left")
    return fig


def summary(ds):
    """A few lines for the terminal."""
    lines = [_sdr.consistency(ds, "fp")]
    for code in ds["code"].values:
        theory = ds["fp_theory"].sel(code=code)
        lines.append(
            f"{code:>15}: theory {float(theory[0]):.2e} at {ds['synapses'].values[0]} synapses,"
            f" {float(theory[-1]):.2e} at {ds['synapses'].values[-1]}"
        )
    return "\n".join(lines)
