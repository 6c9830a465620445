"""Learning archetypes from noisy examples: archetype overlap vs the number of examples M.

A multitasking network learns K diluted archetypes from M examples each (quality r,
dataset entropy rho = (1 - r^2)/(M r^2)), supervised (Hebb on the example sums of each
archetype) or unsupervised (Hebb on every example), as in Agliari, Alessandrelli, Barra &
Ricci-Tersenghi, J. Stat. Mech. (2023) 113401. Zero-temperature dynamics from random
starts; the sorted overlaps with the archetypes beside `theory.multitask`: for K = 1 the
exact finite-M majority vote and its large-M limit (1 - d) erf(1/sqrt(2 rho)); for K > 1
the ground state of the low-load theory of the learned network.
"""

import numpy as np

from assoc import mc, patterns
from assoc.models import Multitask
from assoc.plot import errorbar
from theory import multitask as mt

QUICK = dict(
    N=3000,
    K=(1, 2),
    M=(1, 2, 4, 8, 16, 32),
    protocol=("supervised", "unsupervised"),
    d=0.2,
    r=0.4,
    samples=3,
    starts=4,
)
FULL = dict(
    N=10000,
    K=(1, 2, 3),
    M=(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128),
    protocol=("supervised", "unsupervised"),
    d=0.2,
    r=0.4,
    samples=8,
    starts=8,
)
K_MAX = 3


def sample(protocol, K, M, *, N, d, r, starts, rng):
    """Learn K archetypes from M examples each; sorted archetype overlaps from random starts."""
    xi = patterns.diluted_spins(K, N, d, rng=rng)
    eta = patterns.noisy_examples(xi, M, r, rng=rng)
    net = Multitask(N).learn(eta, r=r, supervised=protocol == "supervised", xi=xi)
    m = net.recall(patterns.random_spins(starts, N, rng=rng), rng=rng, max_sweeps=1000).m
    out = np.full(K_MAX, np.nan)
    out[:K] = (-np.sort(-np.abs(m), axis=1)).mean(axis=0)
    return {"m": out}


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run the Monte Carlo over (protocol, K, M) and add the theory."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"protocol": list(cfg["protocol"]), "K": list(cfg["K"]), "M": list(cfg["M"])},
        samples=cfg["samples"],
        seed=seed,
        params={key: cfg[key] for key in ("N", "d", "r", "starts")},
        dims={"m": ("k",)},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "multitask_learning"},
    )
    ds = ds.assign_coords(k=np.arange(1, K_MAX + 1))
    ds["m"].attrs["long_name"] = "sorted overlaps with the archetypes (mean over starts)"
    return add_theory(ds)


def add_theory(ds):
    """rho, the exact K = 1 majority vote and its limit, the K > 1 learned ground state."""
    d, r = ds.attrs["d"], ds.attrs["r"]
    K, M = ds["K"].values, ds["M"].values
    ds["rho"] = ("M", [mt.dataset_entropy(m, r) for m in M])
    ds["rho"].attrs["long_name"] = "dataset entropy (1 - r^2) / (M r^2)"
    theory = np.full((K.size, M.size, K_MAX), np.nan)
    for a, k in enumerate(K):
        for b, m in enumerate(M):
            if k == 1:
                theory[a, b, 0] = mt.majority_overlap(d, m, r)
            else:
                theory[a, b, :k] = mt.learned_solutions(d, 0.0, k, m, r).m[0]
    ds["m_theory"] = (("K", "M", "k"), theory)
    ds["m_theory"].attrs["long_name"] = "T = 0 theory: majority vote (K = 1), learned ground state"
    ds["m_limit"] = ("M", [mt.majority_overlap_limit(d, x) for x in ds["rho"].values])
    ds["m_limit"].attrs["long_name"] = "large-M limit (1 - d) erf(1/sqrt(2 rho)), K = 1"
    return ds


def plot(ds):
    """Archetype overlaps vs M per K, both protocols, with the theory."""
    import matplotlib.pyplot as plt

    nK = ds.sizes["K"]
    fig, axes = plt.subplots(1, nK, figsize=(4.6 * nK, 4), layout="constrained", squeeze=False)
    for ax, K in zip(axes[0], ds["K"].values):
        for protocol, marker in zip(ds["protocol"].values, "os"):
            cut = ds["m"].sel(protocol=protocol, K=K)
            for k in range(K):
                errorbar(
                    ax,
                    cut.sel(k=k + 1),
                    "M",
                    fmt=marker,
                    color=f"C{k}",
                    mfc="none" if protocol == "unsupervised" else None,
                    label=f"{protocol}, m_{k + 1}",
                )
        for k in range(K):
            ax.plot(ds["M"], ds["m_theory"].sel(K=K)[:, k], "-", color=f"C{k}", lw=1)
        if K == 1:
            ax.plot(ds["M"], ds["m_limit"], "k:", lw=1, label="large-M limit")
        ax.set_xscale("log")
        ax.set_xlabel("examples per archetype M")
        ax.set_ylabel("overlap with the archetype")
        ax.set_title(f"K = {K}, d = {ds.attrs['d']}, r = {ds.attrs['r']}; lines: theory")
        ax.legend(fontsize=7)
    fig.suptitle(f"Learning from examples, N = {ds.attrs['N']}")
    return fig


def summary(ds):
    """The K = 1 overlaps at the largest M beside the theory."""
    M = ds["M"].values[-1]
    lines = []
    for protocol in ds["protocol"].values:
        m = float(ds["m"].sel(protocol=protocol, K=ds["K"].values[0], M=M, k=1).mean())
        want = float(ds["m_theory"].sel(K=ds["K"].values[0], M=M, k=1))
        lines.append(f"{protocol:12s} M = {M}: m_1 = {m:.3f} (theory {want:.3f})")
    return "\n".join(lines)
