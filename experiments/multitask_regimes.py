"""Parallel retrieval in the multitasking network: sorted overlaps vs dilution d.

Monte Carlo from random starts (zero-T dynamics at T = 0, Glauber time averages at
T > 0) of a Hebbian network storing P diluted patterns (Agliari et al., PRL 109, 268101
(2012)), beside the low-load theory of `theory.multitask`: the global minimum of the
free energy, the hierarchical state m_k = (1 - d) d^(k-1), the P = 3 majority state and
the parallel (equal-amplitude) state; the fraction of runs ending in each regime; and
the (d, T) phase diagram of the regimes of the global minimum.
"""

import numpy as np

from assoc import mc, patterns
from assoc.models import Multitask
from assoc.plot import errorbar
from theory import multitask as mt

QUICK = dict(
    N=2000,
    P=(2, 3),
    d=np.round(np.arange(0.1, 0.91, 0.1), 2),
    T=(0.0, 0.1),
    samples=2,
    starts=8,
    equilibrate=50,
    sweeps=100,
)
FULL = dict(
    N=4000,
    P=(2, 3, 4),
    d=np.round(np.arange(0.05, 0.951, 0.05), 2),
    T=(0.0, 0.05, 0.1, 0.2),
    samples=3,
    starts=8,
    equilibrate=100,
    sweeps=200,
)
P_MAX = 4
REGIMES = ("paramagnetic", "pure", "hierarchical", "parallel", "mixture")


def sample(P, T, d, *, N, starts, equilibrate, sweeps, rng):
    """P diluted patterns; ``starts`` random initial states; sorted final overlaps."""
    xi = patterns.diluted_spins(P, N, d, rng=rng)
    net = Multitask(N, T=T).store(xi)
    s0 = patterns.random_spins(starts, N, rng=rng)
    if T == 0:
        m = net.recall(s0, rng=rng, max_sweeps=1000).m
    else:
        m = net.recall(s0, rng=rng, sweeps=sweeps, equilibrate=equilibrate).m_mean
    m = -np.sort(-np.abs(m), axis=1)
    labels = mt.regime(m, atol=3 / np.sqrt(N))
    sorted_m = np.full(P_MAX, np.nan)
    sorted_m[:P] = m.mean(axis=0)
    return {
        "m": sorted_m,
        "fraction": np.array([np.mean(labels == name) for name in REGIMES]),
    }


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run the Monte Carlo over (P, T, d) and put the theory's branches beside it."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    params = {key: cfg[key] for key in ("N", "starts", "equilibrate", "sweeps")}
    ds = mc.run(
        sample,
        {"P": list(cfg["P"]), "T": list(cfg["T"]), "d": list(cfg["d"])},
        samples=cfg["samples"],
        seed=seed,
        params=params,
        dims={"m": ("k",), "fraction": ("regime",)},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "multitask_regimes"},
    )
    ds = ds.assign_coords(k=np.arange(1, P_MAX + 1), regime=list(REGIMES))
    ds["m"].attrs["long_name"] = "sorted overlaps m_1 >= m_2 >= ... (mean over starts)"
    ds["fraction"].attrs["long_name"] = "fraction of random starts ending in each regime"
    return add_theory(ds)


def add_theory(ds):
    """Global minimum, hierarchical, majority and parallel branches; the regime map."""
    P, T, d = ds["P"].values, ds["T"].values, ds["d"].values
    ground = np.full((P.size, T.size, d.size, P_MAX), np.nan)
    hierarchy = np.full((P.size, d.size, P_MAX), np.nan)
    parallel = np.full((P.size, T.size, d.size), np.nan)
    for a, k in enumerate(P):
        ground[a, ..., :k] = mt.global_minimum(d[None, :], T[:, None], k)
        hierarchy[a, :, :k] = [mt.hierarchical_state(x, k) for x in d]
        parallel[a] = [[mt.parallel_state(x, t, k) for x in d] for t in T]
    ds["m_ground"] = (("P", "T", "d", "k"), ground)
    ds["m_ground"].attrs["long_name"] = "global minimum of the free energy (sorted overlaps)"
    ds["m_hierarchical"] = (("P", "d", "k"), hierarchy)
    ds["m_hierarchical"].attrs["long_name"] = "hierarchical state (1 - d) d^(k-1), T = 0"
    ds["m_parallel"] = (("P", "T", "d"), parallel)
    ds["m_parallel"].attrs["long_name"] = "amplitude of the parallel state m_1 = ... = m_K"
    majority = np.full((d.size, P_MAX), np.nan)
    majority[:, :3] = [mt.majority_state(x) for x in d]
    ds["m_majority"] = (("d", "k"), majority)
    ds["m_majority"].attrs["long_name"] = "P = 3 majority state at T = 0"
    ds["d_hierarchical"] = ("P", [mt.hierarchical_threshold(k) for k in P])
    ds["d_hierarchical"].attrs["long_name"] = (
        "largest d where the hierarchy is a T = 0 fixed point"
    )

    d_map, T_map = np.linspace(0.02, 0.98, 49), np.linspace(0.0, 1.0, 26)
    ds = ds.assign_coords(d_map=d_map, T_map=T_map)
    labels = [mt.regime(mt.global_minimum(d_map[None, :], T_map[:, None], k)) for k in P]
    codes = np.vectorize(REGIMES.index)(np.array(labels))
    ds["regime_map"] = (("P", "T_map", "d_map"), codes)
    ds["regime_map"].attrs["long_name"] = "regime of the global minimum: index into regime"
    return ds


def plot(ds):
    """Sorted overlaps vs d per P (top) and the theory's regime map (bottom)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    nP = ds.sizes["P"]
    fig, axes = plt.subplots(2, nP, figsize=(4.5 * nP, 7.5), layout="constrained", squeeze=False)
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["T"]))
    for a, P in enumerate(ds["P"].values):
        ax = axes[0, a]
        for T, colour in zip(ds["T"].values, colours):
            cut = ds.sel(P=P, T=T)
            for k in range(P):
                errorbar(
                    ax,
                    cut["m"].sel(k=k + 1),
                    "d",
                    markersize=3,
                    capsize=0,
                    color=colour,
                    label=f"MC, T = {T:g}" if k == 0 else None,
                )
                ax.plot(ds["d"], cut["m_ground"][:, k], "-", color=colour, lw=1)
        for k in range(P):
            ax.plot(
                ds["d"],
                ds["m_hierarchical"].sel(P=P)[:, k],
                "k--",
                lw=0.8,
                label="hierarchical (T = 0)" if k == 0 else None,
            )
        if P == 3:
            for k in range(3):
                ax.plot(
                    ds["d"],
                    ds["m_majority"][:, k],
                    "r:",
                    lw=1,
                    label="majority (T = 0)" if k == 0 else None,
                )
        ax.axvline(float(ds["d_hierarchical"].sel(P=P)), color="grey", lw=0.8)
        ax.set_title(f"P = {P}; lines: global minimum")
        ax.set_xlabel("dilution d")
        ax.set_ylabel("sorted overlaps m_k")
        ax.legend(fontsize=7)

        ax = axes[1, a]
        cmap = ListedColormap(["lightgrey", "tab:blue", "tab:green", "tab:orange", "tab:red"])
        mesh = ax.pcolormesh(
            ds["d_map"],
            ds["T_map"],
            ds["regime_map"].sel(P=P),
            cmap=cmap,
            vmin=-0.5,
            vmax=len(REGIMES) - 0.5,
            shading="nearest",
        )
        ax.plot(ds["d_map"], 1 - ds["d_map"], "k-", lw=0.8)
        ax.set_xlabel("dilution d")
        ax.set_ylabel("T")
        ax.set_title(f"P = {P}: regime of the global minimum")
    bar = fig.colorbar(mesh, ax=axes[1, :], ticks=range(len(REGIMES)))
    bar.ax.set_yticklabels(REGIMES)
    fig.suptitle(f"Multitasking network, N = {ds.attrs['N']}: Monte Carlo beside theory")
    return fig


def summary(ds):
    """Largest deviation of the T = 0 Monte Carlo from the global minimum, per P."""
    lines = []
    for P in ds["P"].values:
        cut = ds.sel(P=P, T=ds["T"].values[0])
        gap = np.abs(cut["m"].mean("sample") - cut["m_ground"]).max()
        lines.append(
            f"P = {P}: max |m_MC - m_theory| at T = {cut['T'].item():g}: {float(gap):.3f}"
        )
    return "\n".join(lines)
