"""Learning archetypes from noisy examples: archetype overlap vs the number of examples M.

A multitasking network learns P diluted archetypes from M examples each (quality r,
dataset entropy rho = (1 - r^2)/(M r^2)), supervised (Hebb on the example sums of each
archetype) or unsupervised (Hebb on every example), as in Agliari, Alessandrelli, Barra &
Ricci-Tersenghi, J. Stat. Mech. (2023) 113401. Zero-temperature dynamics from random
starts; the sorted overlaps with the archetypes beside `theory.multitask`: for P = 1 the
exact finite-M majority vote and its large-M limit (1 - d) erf(1/sqrt(2 entropy)); for P > 1
the ground state of the low-load theory of the learned network.
"""

import numpy as np

from assoc import mc, patterns
from assoc.models import Multitask
from assoc.plot import errorbar
from theory import multitask as mt

QUICK = dict(
    N=3000,
    P=(1, 2),
    M=(1, 2, 4, 8, 16, 32),
    protocol=("supervised", "unsupervised"),
    d=0.2,
    r=0.4,
    samples=3,
    starts=4,
)
FULL = dict(
    N=10000,
    P=(1, 2, 3),
    M=(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128),
    protocol=("supervised", "unsupervised"),
    d=0.2,
    r=0.4,
    samples=8,
    starts=8,
)
P_MAX = 3


def sample(protocol, P, M, *, N, d, r, starts, rng):
    """Learn P archetypes from M examples each; sorted archetype overlaps from random starts."""
    xi = patterns.diluted_spins(P, N, d, rng=rng)
    eta = patterns.noisy_examples(xi, M, r, rng=rng)
    net = Multitask(N).learn(eta, r=r, supervised=protocol == "supervised", xi=xi)
    m = net.recall(patterns.random_spins(starts, N, rng=rng), rng=rng, max_sweeps=1000).m
    out = np.full(P_MAX, np.nan)
    out[:P] = (-np.sort(-np.abs(m), axis=1)).mean(axis=0)
    return {"m": out}


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run the Monte Carlo over (protocol, P, M) and add the theory."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"protocol": list(cfg["protocol"]), "P": list(cfg["P"]), "M": list(cfg["M"])},
        samples=cfg["samples"],
        seed=seed,
        params={key: cfg[key] for key in ("N", "d", "r", "starts")},
        dims={"m": ("k",)},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "multitask_learning"},
    )
    ds = ds.assign_coords(k=np.arange(1, P_MAX + 1))
    ds["m"].attrs["long_name"] = "sorted overlaps with the archetypes (mean over starts)"
    return add_theory(ds)


def add_theory(ds):
    """The dataset entropy, the exact P = 1 majority vote and its limit, the P > 1
    learned ground state."""
    d, r = ds.attrs["d"], ds.attrs["r"]
    P, M = ds["P"].values, ds["M"].values
    ds["entropy"] = ("M", [mt.dataset_entropy(m, r) for m in M])
    ds["entropy"].attrs["long_name"] = "dataset entropy (1 - r^2) / (M r^2)"
    theory = np.full((P.size, M.size, P_MAX), np.nan)
    for a, k in enumerate(P):
        for b, m in enumerate(M):
            if k == 1:
                theory[a, b, 0] = mt.majority_overlap(d, m, r)
            else:
                theory[a, b, :k] = mt.learned_solutions(d, 0.0, k, m, r).m[0]
    ds["m_theory"] = (("P", "M", "k"), theory)
    ds["m_theory"].attrs["long_name"] = "T = 0 theory: majority vote (P = 1), learned ground state"
    ds["m_limit"] = ("M", [mt.majority_overlap_limit(d, x) for x in ds["entropy"].values])
    ds["m_limit"].attrs["long_name"] = "large-M limit (1 - d) erf(1/sqrt(2 entropy)), P = 1"
    return ds


def plot(ds):
    """Archetype overlaps vs M per P, both protocols, with the theory."""
    import matplotlib.pyplot as plt

    nP = ds.sizes["P"]
    fig, axes = plt.subplots(1, nP, figsize=(4.6 * nP, 4), layout="constrained", squeeze=False)
    for ax, P in zip(axes[0], ds["P"].values):
        for protocol, marker in zip(ds["protocol"].values, "os"):
            cut = ds["m"].sel(protocol=protocol, P=P)
            for k in range(P):
                errorbar(
                    ax,
                    cut.sel(k=k + 1),
                    "M",
                    fmt=marker,
                    color=f"C{k}",
                    mfc="none" if protocol == "unsupervised" else None,
                    label=f"{protocol}, m_{k + 1}",
                )
        for k in range(P):
            ax.plot(ds["M"], ds["m_theory"].sel(P=P)[:, k], "-", color=f"C{k}", lw=1)
        if P == 1:
            ax.plot(ds["M"], ds["m_limit"], "k:", lw=1, label="large-M limit")
        ax.set_xscale("log")
        ax.set_xlabel("examples per archetype M")
        ax.set_ylabel("overlap with the archetype")
        ax.set_title(f"P = {P}, d = {ds.attrs['d']}, r = {ds.attrs['r']}; lines: theory")
        ax.legend(fontsize=7)
    fig.suptitle(f"Learning from examples, N = {ds.attrs['N']}")
    return fig


def summary(ds):
    """The P = 1 overlaps at the largest M beside the theory."""
    M = ds["M"].values[-1]
    lines = []
    for protocol in ds["protocol"].values:
        m = float(ds["m"].sel(protocol=protocol, P=ds["P"].values[0], M=M, k=1).mean())
        want = float(ds["m_theory"].sel(P=ds["P"].values[0], M=M, k=1))
        lines.append(f"{protocol:12s} M = {M}: m_1 = {m:.3f} (theory {want:.3f})")
    return "\n".join(lines)
