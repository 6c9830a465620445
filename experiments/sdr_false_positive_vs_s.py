"""False positives of a dendritic segment against its number of synapses s, theta = s / 2.

A segment that tolerates half of its synapses missing (theta = s / 2) sees random
inputs of a active cells out of n. For sparse codes its false positive rate falls
exponentially with s, a decade every few synapses; for a dense code (a = n / 4) it falls
slowly: sparse codes let a segment recognise a pattern reliably from a few dozen
synapses. This is the effect-of-s figure of Ahmad & Hawkins (arXiv:1601.00720, 2016)
with its four codes (a = 32 of n = 2000 and of 4000, a = 512 and a = 4000 of 16000);
theory: Eq. (1) of Hawkins & Ahmad (Front. Neural Circuits 10:23, 2016),
``theory.dendritic.segment_false_positive``.

Monte Carlo: ``segments`` segments, each on s random cells of its own random pattern,
against ``queries`` independent random inputs per sample. Rates carry Clopper-Pearson
intervals; below about 1 / trials the figure shows theory only.
"""

import numpy as np

from assoc import mc
from experiments import _sdr
from theory import dendritic

QUICK = dict(
    code=("a=32,n=2000", "a=32,n=4000", "a=512,n=16000", "a=4000,n=16000"),
    s=(2, 4, 6, 8, 12, 16, 24, 30),
    segments=200,
    queries=100,
    samples=2,
)
FULL = dict(
    code=("a=32,n=2000", "a=32,n=4000", "a=512,n=16000", "a=4000,n=16000"),
    s=tuple(range(2, 31, 2)),
    segments=2000,
    queries=1000,
    samples=10,
)


def code_sizes(code):
    """(a, n) of a code written "a=32,n=2000"."""
    fields = dict(item.split("=") for item in code.split(","))
    return int(fields["a"]), int(fields["n"])


def sample(code, s, *, segments, queries, rng):
    """False positives at threshold s // 2 of random segments of s synapses."""
    a, n = code_sizes(code)
    return _sdr.false_positive_counts(n, a, s, s // 2, segments=segments, queries=queries, rng=rng)


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over (code, s) beside Eq. (1)."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"code": list(cfg["code"]), "s": list(cfg["s"])},
        samples=cfg["samples"],
        seed=seed,
        params={"segments": cfg["segments"], "queries": cfg["queries"]},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sdr_false_positive_vs_s", "theta_rule": "theta = s // 2"},
    )
    ds = _sdr.add_rates(ds, "fp", "segment fires on a random input")
    sizes = np.array([code_sizes(c) for c in ds["code"].values])
    ds["a"] = ("code", sizes[:, 0])
    ds["a"].attrs["long_name"] = "active cells"
    ds["n"] = ("code", sizes[:, 1])
    ds["n"].attrs["long_name"] = "cells"
    ds["theta"] = ("s", ds["s"].values // 2)
    ds["theta"].attrs["long_name"] = "NMDA threshold, s // 2"
    s = ds["s"].values[None, :]
    ds["fp_theory"] = (
        ("code", "s"),
        dendritic.segment_false_positive(sizes[:, 1:], sizes[:, :1], s, s // 2),
    )
    ds["fp_theory"].attrs["long_name"] = "P_FP(n, a, s, s // 2), Hawkins & Ahmad 2016 Eq. (1)"
    return ds


def plot(ds):
    """False positive rate against s for each code, Monte Carlo over theory."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["code"]))
    for code, colour in zip(ds["code"].values, colours):
        a, n = code_sizes(code)
        label = f"a = {a}, n = {n}" + (" (dense)" if 4 * a >= n else "")
        _sdr.plot_rate(ax, ds.sel(code=code), "fp", "s", color=colour, label=label)
    _sdr.floor_note(ax, int(ds["fp_trials"].sum("sample").min()))
    ax.set_yscale("log")
    ax.set_xlabel("synapses on the segment s (threshold theta = s / 2)")
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
            f"{code:>15}: theory {float(theory[0]):.2e} at s = {ds['s'].values[0]},"
            f" {float(theory[-1]):.2e} at s = {ds['s'].values[-1]}"
        )
    return "\n".join(lines)
