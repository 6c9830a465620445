"""Sparsey: recognition of stored items and familiarity of stored vs novel items as the
number stored grows, beside the crosstalk theory.

A macrocolumn (Q = 24 CMs of 8 cells, N = 1000 input bits) stores P random SDRs of
w = 20 active bits, one trial each, and recognises them (the CSA in recognition mode).
A stored item's own cells have learned all its bits (V = 1, G = 1); recognition fails
in a CM when a competitor has learned all of them too, by chance, from the union of the
items it won (`theory.sparsey.recognition`); a novel input's familiarity G grows with
the same crosstalk (`theory.sparsey.novel_familiarity`). The theory assumes uniformly
random codes: the 2014 CSA draws those while the items look novel, G <= G_minus. The
grid runs G_minus = 0 (the 2010 form), 0.2 (the 2014 default) and 0.9 (codes uniform up
to capacity): with a low floor the chance similarity of random items biases new codes
towards already-used cells, and capacity falls below the theory's.
"""

import numpy as np

from assoc import mc, patterns
from assoc.models import Sparsey
from assoc.models.sparsey import Transform
from assoc.plot import errorbar
from theory import sparsey as theory

QUICK = dict(P=(50, 200, 400, 600, 800), G_minus=(0.2, 0.9), samples=2, cues=60)
FULL = dict(
    P=(25, 50, 100, 200, 300, 400, 500, 600, 700, 800, 1000, 1200),
    G_minus=(0.0, 0.2, 0.9),
    samples=8,
    cues=200,
)
N, ACTIVE, Q, CELLS = 1000, 20, 24, 8  # input bits, active bits w, CMs, cells per CM


def sample(G_minus, P, *, cues, rng):
    """One MAC stores P random SDRs, then recognises ``cues`` of them and as many novel
    ones."""
    xi = patterns.sdr(P, N, ACTIVE, rng=rng)
    mac = Sparsey(N, Q=Q, cells=CELLS, transform=Transform(G_minus=G_minus)).store(xi, rng=rng)
    k = min(cues, P)
    stored = mac.recall(xi[:k])
    overlap = stored.m[np.arange(k), np.arange(k)]
    novel = mac.recall(patterns.sdr(cues, N, ACTIVE, rng=rng))
    return {
        "exact": np.mean(overlap == Q),
        "overlap": overlap.mean() / Q,
        "G_stored": stored.G.mean(),
        "G_novel": novel.G.mean(),
        "saturation": mac.saturation,
    }


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Recognition and familiarity vs P, Monte Carlo and theory."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"G_minus": list(cfg["G_minus"]), "P": list(cfg["P"])},
        samples=cfg["samples"],
        seed=seed,
        params={"cues": cfg["cues"]},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sparsey_capacity", "N": N, "w": ACTIVE, "Q": Q, "cells": CELLS},
    )
    ds["exact"].attrs["long_name"] = "fraction of stored items whose whole code comes back"
    ds["overlap"].attrs["long_name"] = "recalled code overlap with the stored code / Q"
    ds["G_stored"].attrs["long_name"] = "familiarity G of stored items"
    ds["G_novel"].attrs["long_name"] = "familiarity G of novel random inputs"
    ds["saturation"].attrs["long_name"] = "fraction of weights set to 1"
    recognition = [theory.recognition(N, ACTIVE, int(P), Q, CELLS) for P in ds["P"].values]
    ds["exact_theory"] = ("P", np.array([r.exact for r in recognition]))
    ds["overlap_theory"] = ("P", np.array([r.cm_correct for r in recognition]))
    familiar = [theory.novel_familiarity(N, ACTIVE, int(P), Q, CELLS) for P in ds["P"].values]
    ds["G_novel_theory"] = ("P", np.array([f.mean for f in familiar]))
    for name in ("exact_theory", "overlap_theory", "G_novel_theory"):
        ds[name].attrs["long_name"] = "theory.sparsey, uniform random codes"
    ds["capacity_theory"] = theory.capacity(N, ACTIVE, Q, CELLS)
    ds["capacity_theory"].attrs["long_name"] = "largest P with exact recall >= 1/2 (theory)"
    return ds


def plot(ds):
    """Exact recognition and G (stored, novel) vs P, beside the theory."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    P = ds["P"].values
    for G_minus, colour in zip(ds["G_minus"].values, ("C0", "C1", "C2")):
        point = ds.sel(G_minus=G_minus)
        label = f"G_minus = {G_minus:g}"
        errorbar(axes[0], point["exact"], "P", color=colour, fmt="o-", label=label)
        errorbar(axes[1], point["G_novel"], "P", color=colour, fmt="o-", label=f"novel, {label}")
        errorbar(axes[1], point["G_stored"], "P", color=colour, fmt="s", mfc="none")
    dense = np.unique(np.linspace(P.min(), P.max(), 80).astype(int))
    exact = [theory.recognition(N, ACTIVE, int(p), Q, CELLS).exact for p in dense]
    axes[0].plot(dense, exact, "k-", lw=1, label="theory (uniform codes)")
    axes[0].axvline(float(ds["capacity_theory"]), color="k", ls=":", lw=1, label="capacity")
    axes[0].set_ylabel("fraction of stored items recalled exactly")
    G_novel = [theory.novel_familiarity(N, ACTIVE, int(p), Q, CELLS).mean for p in dense]
    axes[1].plot(dense, G_novel, "k-", lw=1, label="theory, novel input")
    axes[1].axhline(1.0, color="k", ls="--", lw=1, label="stored items (squares): G = 1")
    axes[1].set_ylabel("familiarity G")
    for ax in axes:
        ax.set_xlabel("P, items stored")
        ax.legend(fontsize=8)
    fig.suptitle(
        f"Sparsey MAC, Q = {ds.attrs['Q']}, cells = {ds.attrs['cells']}, N = {N}, w = {ACTIVE}"
    )
    return fig


def summary(ds):
    """Capacity from the theory and where the Monte Carlo crosses 1/2."""
    lines = [f"theory: capacity (exact recall >= 1/2) P = {int(ds['capacity_theory'])}"]
    P = ds["P"].values
    for G_minus in ds["G_minus"].values:
        exact = ds["exact"].sel(G_minus=G_minus).mean("sample").values
        above = P[exact >= 0.5]
        novel = ds["G_novel"].sel(G_minus=G_minus).mean("sample").values
        lines.append(
            f"G_minus = {G_minus:g}: exact recall >= 1/2 up to P = "
            f"{above.max() if above.size else 'none'}; G_novel {novel[0]:.2f} (P = {P[0]})"
            f" to {novel[-1]:.2f} (P = {P[-1]}); G_stored = "
            f"{float(ds['G_stored'].sel(G_minus=G_minus).min()):.3f} at least"
        )
    return "\n".join(lines)
