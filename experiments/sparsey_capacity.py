"""Sparsey: recognition of stored items and familiarity of novel ones as the number
stored grows, beside the theory of modules that share their items.

A macrocolumn (Q = 24 CMs of 8 cells, N = 1000 input bits) stores P random SDRs of
w = 20 active bits, one trial each, and recognises them (the CSA in recognition mode).
A stored item's own cells have learned all its bits (V = 1, G = 1); recognition fails
in a CM when a competitor has learned all of them too, by chance, from the union of the
items it won, and a novel input's familiarity G grows with the same crosstalk.

The theory (`theory.sparsey.recognition`, `novel_familiarity`) assumes uniformly random
codes; the run with ``codes = "uniform"`` draws them (a transform with chi = 0). All CMs
store the same items, so their failures come together: the exact-recall theory that
accounts for it sits on the simulation, the one that treats the CMs as independent
("independent") sits below it near capacity, and the spread of a novel input's G is
2-3x the independent value.

The other runs choose codes by familiarity (the 2014 form with its demonstration's
numbers and floors G_minus = 0.5, 0.2, 0): once stored items look familiar (G > G_minus,
from about 36 items on at G_minus = 0.2) a new item's code leans towards the cells that
already cover its bits. Capacity falls, and no closed theory is offered for it: the win
counts of the cells spread far beyond the binomial (``wins_spread``, their standard
deviation over the binomial one, 3-4 at P = 500 for G_minus = 0.2 and 0) and the items
a cell wins cluster on its bits, so that fewer competitors tie with a stored item than
random items with those win counts would make (``ties`` against ``ties_random``: 0.7-0.8
of them; equal with uniform codes): a cell's coverage of a stored item depends on
the whole history of the codes, not on how many items it won. The capacities are
measured.
"""

import numpy as np

from assoc import mc, patterns
from assoc.models import Sparsey
from assoc.models.sparsey import Transform
from assoc.plot import errorbar
from theory import sparsey as theory

CODES = {
    "uniform": Transform(chi=0.0),
    "G_minus=0.5": Transform(G_minus=0.5),
    "G_minus=0.2": Transform(G_minus=0.2),
    "G_minus=0": Transform(G_minus=0.0),
}
"""How codes are chosen: uniformly at random (the theory's assumption), or by
familiarity above a floor G_minus (the demonstration's transform)."""

QUICK = dict(P=(100, 400, 600, 700), codes=("uniform", "G_minus=0.2"), samples=4, cues=150)
FULL = dict(
    P=(25, 50, 100, 200, 300, 400, 450, 500, 550, 600, 650, 700, 800, 1000, 1200),
    codes=tuple(CODES),
    samples=24,
    cues=300,
)
N, ACTIVE, Q, CELLS = 1000, 20, 24, 8  # input bits, active bits w, CMs, cells per CM


def sample(codes, P, *, cues, rng):
    """One MAC stores P random SDRs, then recognises ``cues`` of them and as many novel
    ones."""
    xi = patterns.sdr(P, N, ACTIVE, rng=rng)
    mac = Sparsey(N, Q=Q, cells=CELLS, transform=CODES[codes]).store(xi, rng=rng)
    k = min(cues, P)
    stored = mac.recall(xi[:k])
    overlap = stored.m[np.arange(k), np.arange(k)]
    novel = mac.recall(patterns.sdr(cues, N, ACTIVE, rng=rng))
    wins = np.stack([np.bincount(mac.codes[:, q], minlength=CELLS) for q in range(Q)])
    # competitors (cells other than an item's own) that have learned all of a stored
    # item's bits, and as many as random items with the cells' win counts would give
    covered = (xi.astype(np.float32) @ mac.weights.T.astype(np.float32)).reshape(P, Q, CELLS)
    own = np.zeros((P, Q, CELLS), dtype=bool)
    own[np.arange(P)[:, None], np.arange(Q), mac.codes] = True
    tie = theory.coverage_pmf(N, ACTIVE, int(wins.max()))[:, -1][wins]  # (Q, CELLS)
    return {
        "exact": np.mean(overlap == Q),
        "overlap": overlap.mean() / Q,
        "G_stored": stored.G.mean(),
        "G_novel": novel.G.mean(),
        "G_novel_sd": novel.G.std(ddof=1),
        "saturation": mac.saturation,
        "wins_spread": wins.std() / np.sqrt(P / CELLS * (1 - 1 / CELLS)),
        "ties": np.mean(covered[~own] == ACTIVE),
        "ties_random": np.mean(np.broadcast_to(tie, own.shape)[~own]),
    }


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Recognition and familiarity vs P, Monte Carlo and theory."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"codes": list(cfg["codes"]), "P": list(cfg["P"])},
        samples=cfg["samples"],
        seed=seed,
        params={"cues": cfg["cues"]},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sparsey_capacity", "N": N, "w": ACTIVE, "Q": Q, "cells": CELLS},
    )
    names = {
        "exact": "fraction of stored items whose whole code comes back",
        "overlap": "fraction of CMs that recall the stored cell",
        "G_stored": "familiarity G of stored items",
        "G_novel": "familiarity G of novel random inputs, mean",
        "G_novel_sd": "familiarity G of novel random inputs, standard deviation",
        "saturation": "fraction of weights set to 1",
        "wins_spread": "sd of the cells' win counts / binomial sd",
        "ties": "fraction of competitors that learned all bits of a stored item",
        "ties_random": "the same for random items with the cells' win counts",
    }
    for name, text in names.items():
        ds[name].attrs["long_name"] = text
    P = [int(p) for p in ds["P"].values]
    shared = [theory.recognition(N, ACTIVE, p, Q, CELLS) for p in P]
    alone = [theory.recognition(N, ACTIVE, p, Q, CELLS, independent=True) for p in P]
    familiar = [theory.novel_familiarity(N, ACTIVE, p, Q, CELLS) for p in P]
    theories = {
        "exact_theory": ([r.exact for r in shared], "theory.sparsey.recognition"),
        "exact_independent": ([r.exact for r in alone], "independent CMs"),
        "overlap_theory": ([r.cm_correct for r in shared], "theory.sparsey.recognition"),
        "G_novel_theory": ([f.mean for f in familiar], "theory.sparsey.novel_familiarity"),
        "G_novel_sd_theory": ([f.std for f in familiar], "theory.sparsey.novel_familiarity"),
        "G_novel_sd_independent": (
            [f.cm_std / np.sqrt(Q) for f in familiar],
            "independent CMs, sd(M) / (w sqrt Q)",
        ),
    }
    for name, (values, text) in theories.items():
        ds[name] = ("P", np.array(values))
        ds[name].attrs["long_name"] = f"{text}, uniform random codes"
    ds["capacity_theory"] = theory.capacity(N, ACTIVE, Q, CELLS)
    ds["capacity_independent"] = theory.capacity(N, ACTIVE, Q, CELLS, independent=True)
    ds["capacity_theory"].attrs["long_name"] = "largest P with exact recall >= 1/2 (theory)"
    ds["capacity_independent"].attrs["long_name"] = "the same, CMs taken as independent"
    ds["capacity"] = ("codes", [_crossing(ds["exact"].sel(codes=c)) for c in ds["codes"].values])
    ds["capacity"].attrs["long_name"] = "P where the mean exact recall crosses 1/2 (simulation)"
    return ds


def _crossing(exact):
    """The P at which the mean of ``exact`` (P, sample) falls through 1/2, linear between
    grid points (NaN if it does not within the grid)."""
    mean, P = exact.mean("sample").values, exact["P"].values
    below = np.flatnonzero(mean < 0.5)
    if below.size == 0 or below[0] == 0:
        return np.nan
    i = below[0]
    return float(P[i - 1] + (mean[i - 1] - 0.5) / (mean[i - 1] - mean[i]) * (P[i] - P[i - 1]))


def plot(ds):
    """Exact recognition vs P (linear, and logarithmic near capacity), and the mean and
    spread of a novel input's G, beside the theory."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 9), layout="constrained")
    (linear, log), (mean_ax, sd_ax) = axes
    P = ds["P"].values
    dense = np.unique(np.linspace(P.min(), P.max(), 120).astype(int))
    shared = [theory.recognition(N, ACTIVE, int(p), Q, CELLS).exact for p in dense]
    alone = [
        theory.recognition(N, ACTIVE, int(p), Q, CELLS, independent=True).exact for p in dense
    ]
    for ax in (linear, log):
        for codes, colour in zip(ds["codes"].values, ("C0", "C1", "C2", "C3")):
            errorbar(ax, ds["exact"].sel(codes=codes), "P", color=colour, fmt="o", label=codes)
        ax.plot(dense, shared, "k-", lw=1, label="theory, CMs sharing their items")
        ax.plot(dense, alone, "k--", lw=1, label="theory, independent CMs")
        ax.axvline(float(ds["capacity_theory"]), color="k", ls=":", lw=1, label="capacity")
        ax.set_ylabel("fraction of stored items recalled exactly")
    log.set_yscale("log")
    log.set_xlim(400, 900)
    log.set_ylim(1e-3, 1.2)
    if "uniform" in ds["codes"]:
        uniform = ds.sel(codes="uniform")
        errorbar(mean_ax, uniform["G_novel"], "P", color="C0", fmt="o", label="uniform codes")
        errorbar(sd_ax, uniform["G_novel_sd"], "P", color="C0", fmt="o", label="uniform codes")
    theory_mean, theory_sd = ds["G_novel_theory"].values, ds["G_novel_sd_theory"].values
    mean_ax.plot(P, theory_mean, "k-", lw=1, label="theory, mean")
    mean_ax.fill_between(
        P, theory_mean - theory_sd, theory_mean + theory_sd, color="k", alpha=0.15, lw=0,
        label="theory, mean +- sd",
    )  # fmt: skip
    mean_ax.axhline(1.0, color="k", ls="--", lw=1, label="stored items: G = 1")
    mean_ax.set_ylabel("familiarity G of a novel input")
    sd_ax.plot(P, theory_sd, "k-", lw=1, label="theory, CMs sharing their items")
    sd_ax.plot(P, ds["G_novel_sd_independent"], "k--", lw=1, label="theory, independent CMs")
    sd_ax.set_ylabel("standard deviation of a novel input's G")
    for ax in axes.ravel():
        ax.set_xlabel("P, items stored")
        ax.legend(fontsize=7)
    fig.suptitle(
        f"Sparsey MAC, Q = {ds.attrs['Q']}, cells = {ds.attrs['cells']}, N = {N}, w = {ACTIVE}"
    )
    return fig


def summary(ds):
    """Capacities (theory and simulation), and the largest deviations of the uniform-code
    simulation from the theory in standard errors."""
    lines = [
        f"theory: capacity (exact recall >= 1/2) P = {int(ds['capacity_theory'])} "
        f"({int(ds['capacity_independent'])} with independent CMs)"
    ]
    for codes in ds["codes"].values:
        crossing = float(ds["capacity"].sel(codes=codes))
        at = ds.sel(codes=codes).sel(P=500, method="nearest").mean("sample")
        lines.append(
            f"{codes}: exact recall crosses 1/2 at P = {crossing:.0f}; at P = {int(at['P'])} "
            f"win counts {float(at['wins_spread']):.2f} x binomial sd, ties "
            f"{float(at['ties'] / at['ties_random']):.2f} x those of random items"
        )
    if "uniform" in ds["codes"]:
        uniform = ds.sel(codes="uniform")
        n = uniform.sizes["sample"]
        se = np.maximum(uniform["exact"].std("sample", ddof=1) / np.sqrt(n), 1e-3)
        for name in ("exact_theory", "exact_independent"):
            z = np.abs(uniform["exact"].mean("sample") - ds[name]) / se
            lines.append(
                f"uniform codes, {name}: max |MC - theory| = {float(z.max()):.1f} standard errors"
            )
        ratio = uniform["G_novel_sd"].mean("sample") / ds["G_novel_sd_theory"]
        alone = uniform["G_novel_sd"].mean("sample") / ds["G_novel_sd_independent"]
        lines.append(
            f"sd of a novel input's G over the theory: {float(ratio.min()):.3f}.."
            f"{float(ratio.max()):.3f} (over independent CMs: {float(alone.min()):.2f}.."
            f"{float(alone.max()):.2f})"
        )
    return "\n".join(lines)
