"""Sparsey: similar inputs get similar codes; code overlap vs input overlap beside the CSA's
closed form.

An empty macrocolumn (Q = 24 CMs of 8 cells, N = 1000 input bits) stores one random SDR
A of w = 20 active bits; probes B share a fraction x = ``similarity`` of A's active bits.
The CSA in learning mode chooses B's code: each CM picks A's cell with chance
p_A(x) = likelihood(x) / (likelihood(x) + (cells - 1) likelihood(0)), so the code of B
shares on average Q p_A(x) cells with A's (`theory.sparsey.code_intersection`; Rinkus,
Front. Neuroanat. 4:17 (2010); Front. Comput. Neurosci. 8:160 (2014)). Both forms of the
expansivity(G) are run: "2010" (it grows from G = 0) and "2014" (it is 1 up to
G_minus = 0.2).
"""

import numpy as np

from assoc import mc, patterns
from assoc.models import Sparsey
from assoc.plot import errorbar
from theory import sparsey as theory

OVERLAP_THEORY = "Q p_A(similarity), theory.sparsey.code_intersection"

QUICK = dict(similarity=np.round(np.linspace(0.0, 1.0, 6), 3), samples=4, probes=25)
FULL = dict(similarity=np.round(np.linspace(0.0, 1.0, 21), 3), samples=16, probes=100)
N, ACTIVE, Q, CELLS = 1000, 20, 24, 8  # input bits, active bits w, CMs, cells per CM


def sample(variant, similarity, *, probes, rng):
    """One empty MAC stores a random A; ``probes`` probes sharing round(similarity w) of
    A's bits get codes from the CSA in learning mode (without being stored)."""
    a = patterns.sdr(1, N, ACTIVE, rng=rng)[0]
    mac = Sparsey(N, Q=Q, cells=CELLS, transform=variant).store(a[None], rng=rng)
    on, off = np.flatnonzero(a), np.flatnonzero(~a)
    shared = round(similarity * ACTIVE)
    overlap = np.empty(probes)
    for p in range(probes):
        b = np.zeros(N, dtype=bool)
        b[rng.choice(on, shared, replace=False)] = True
        b[rng.choice(off, ACTIVE - shared, replace=False)] = True
        code = mac.csa(b, learning=True, rng=rng).winners
        overlap[p] = np.sum(code == mac.codes[0])
    return {"overlap": overlap.mean()}


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Code overlap of probes with the stored code, and its closed form."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"variant": ["2010", "2014"], "similarity": list(cfg["similarity"])},
        samples=cfg["samples"],
        seed=seed,
        params={"probes": cfg["probes"]},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sparsey_similarity", "N": N, "w": ACTIVE, "Q": Q, "cells": CELLS},
    )
    ds["overlap"].attrs["long_name"] = "cells shared by the probe's code and A's code"
    want = [
        theory.code_intersection(
            ds["similarity"].values, Q, CELLS, **theory.VARIANTS[str(variant)]
        )
        for variant in ds["variant"].values
    ]
    ds["overlap_theory"] = (("variant", "similarity"), np.array(want))
    ds["overlap_theory"].attrs["long_name"] = OVERLAP_THEORY
    p_A = ds["overlap_theory"] / Q
    # standard error of a sample's mean over the probes, from the binomial law
    ds["overlap_theory_se"] = np.sqrt(Q * p_A * (1 - p_A) / cfg["probes"] / cfg["samples"])
    ds["overlap_theory_se"].attrs["long_name"] = "binomial standard error of the MC mean"
    return ds


def plot(ds):
    """Code overlap vs input overlap, Monte Carlo and closed form, for both variants."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
    similarity = np.linspace(0, 1, 201)
    for variant, colour in zip(ds["variant"].values, ("C0", "C1")):
        mc_mean = ds["overlap"].sel(variant=variant)
        errorbar(ax, mc_mean, "similarity", color=colour, label=f"MC {variant}")
        curve = theory.code_intersection(similarity, Q, CELLS, **theory.VARIANTS[str(variant)])
        ax.plot(similarity, curve, color=colour, lw=1, label=f"closed form {variant}")
    ax.axhline(Q / CELLS, color="k", ls=":", lw=1, label="Q/cells (novel input)")
    ax.set_xlabel("input similarity |A ∩ B| / w")
    ax.set_ylabel("code overlap |C(A) ∩ C(B)| (cells)")
    ax.set_title(
        f"Sparsey MAC, Q = {Q}, cells = {CELLS}, N = {N}, w = {ACTIVE}: one stored item",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    return fig


def summary(ds):
    """Largest deviation of the Monte Carlo from the closed form, in standard errors."""
    mean = ds["overlap"].mean("sample")
    z = np.abs(mean - ds["overlap_theory"]) / np.maximum(ds["overlap_theory_se"], 1e-12)
    lines = []
    for variant in ds["variant"].values:
        row = mean.sel(variant=variant)
        lines.append(
            f"{variant}: code overlap {float(row[0]):.2f} (similarity 0, Q/cells = "
            f"{Q / CELLS}) to {float(row[-1]):.2f} (similarity 1); max |MC - theory| = "
            f"{float(z.sel(variant=variant).max()):.1f} standard errors"
        )
    return "\n".join(lines)
