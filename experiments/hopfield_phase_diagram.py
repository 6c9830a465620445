"""Phase diagram of the Hopfield network: Glauber Monte Carlo over (alpha, T) beside AGS.

Glauber (heat-bath) dynamics started at a stored pattern; the overlap with it, averaged
over the measured sweeps, shows where retrieval survives. Over it the lines of Amit,
Gutfreund & Sompolinsky (Ann. Phys. 173, 30 (1987)): T_g(alpha) = 1 + sqrt(alpha)
(spin-glass transition), T_M(alpha) (retrieval states appear below it) and T_c(alpha)
(retrieval states become global minima of the free energy below it); the
de Almeida-Thouless line T_R(alpha) of the retrieval state (its replica-symmetric
solution is unstable below it, T_R <= 0.0214); and the RS retrieval overlap m(alpha, T)
on the same grid.
"""

import numpy as np

from assoc import Hopfield, mc, patterns
from assoc.plot import errorbar
from theory import hopfield as ags

QUICK = dict(
    N=800,
    alpha=np.round(np.arange(0.02, 0.1601, 0.02), 3),
    T=np.round(np.arange(0.1, 1.201, 0.1), 2),
    samples=2,
    cues=4,
    equilibrate=30,
    sweeps=60,
)
FULL = dict(
    N=2000,
    alpha=np.round(np.arange(0.01, 0.1601, 0.01), 3),
    T=np.round(np.arange(0.05, 1.201, 0.05), 2),
    samples=2,
    cues=4,
    equilibrate=50,
    sweeps=150,
)
M_RETRIEVAL = 0.3


def sample(alpha, T, *, N, cues, equilibrate, sweeps, rng):
    """One network with P = alpha N patterns; Glauber dynamics at T from ``cues`` of them."""
    P = max(1, round(alpha * N))
    xi = patterns.random_spins(P, N, rng=rng)
    k = min(cues, P)
    r = Hopfield(N, T=T).store(xi).recall(xi[:k], sweeps=sweeps, equilibrate=equilibrate, rng=rng)
    return {"m": r.m_mean[np.arange(k), np.arange(k)].mean()}


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run the Monte Carlo over (alpha, T) and add the AGS lines and overlaps."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    params = {key: cfg[key] for key in ("N", "cues", "equilibrate", "sweeps")}
    ds = mc.run(
        sample,
        {"alpha": list(cfg["alpha"]), "T": list(cfg["T"])},
        samples=cfg["samples"],
        seed=seed,
        params=params,
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "hopfield_phase_diagram", "m_retrieval": M_RETRIEVAL},
    )
    ds["m"].attrs["long_name"] = "time-averaged overlap with the initial pattern"
    return add_theory(ds)


def add_theory(ds):
    """T_g, T_M, T_c, T_R on the alpha axis; the RS retrieval overlap on the (alpha, T) grid."""
    alpha, T = ds["alpha"].values, ds["T"].values
    ds["T_g"] = ("alpha", ags.T_g(alpha))
    ds["T_g"].attrs["long_name"] = "spin-glass temperature 1 + sqrt(alpha)"
    for name, line, end, text in (
        ("T_M", ags.T_M, ags.alpha_c(0.0), "retrieval states exist below T_M"),
        ("T_c", ags.T_c, ags.alpha_global(0.0), "retrieval states are global minima below T_c"),
    ):
        ds[name] = ("alpha", _line(line, alpha, end))
        ds[name].attrs["long_name"] = text + f" (NaN: never, alpha > {end:.4f})"
    end = ags.alpha_c(0.0)
    ds["T_R"] = ("alpha", _line(ags.T_R, alpha, end))
    ds["T_R"].attrs["long_name"] = (
        f"AT line: the RS retrieval solution is unstable below T_R (NaN: alpha > {end:.4f})"
    )
    m = np.zeros((alpha.size, T.size))
    for i, a in enumerate(alpha):
        for j, t in enumerate(T):
            if t < ds["T_M"].values[i]:  # False for NaN: no retrieval state
                m[i, j] = ags.rs_retrieval(a, t).m
    ds["m_theory"] = (("alpha", "T"), m)
    ds["m_theory"].attrs["long_name"] = "AGS RS retrieval overlap (0 where no retrieval state)"
    return ds


def _line(line, alpha, end):
    """A transition line on the alpha axis, NaN beyond the alpha where it ends at T = 0."""
    values = np.full(alpha.shape, np.nan)
    values[alpha <= end] = line(alpha[alpha <= end])
    return values


def plot(ds):
    """Monte Carlo overlap as a map over (alpha, T) with the AGS lines; m(T) cuts."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    m = ds["m"].mean("sample").transpose("T", "alpha")
    mesh = left.pcolormesh(
        ds["alpha"], ds["T"], m, cmap="viridis", vmin=0, vmax=1, shading="nearest"
    )
    fig.colorbar(mesh, ax=left, label="Monte Carlo <m>")
    alpha = np.linspace(0, float(ds["alpha"].max()), 80)
    left.plot(alpha, ags.T_g(alpha), "w--", label="T_g = 1 + sqrt(alpha)")
    # T_M and T_c drawn as alpha_c(T) and alpha_global(T): T_c is re-entrant near 0.05
    T = np.linspace(0.0, 0.999, 80)
    left.plot([ags.alpha_c(t) for t in T], T, "w-", label="T_M (retrieval appears)")
    left.plot([ags.alpha_global(t) for t in T], T, "w:", label="T_c (retrieval global min.)")
    alpha = np.linspace(0.02, float(ags.alpha_c(0.0)), 16)  # T_R(0.02) = 1e-12
    left.plot(alpha, ags.T_R(alpha), "w-.", label="T_R (RS retrieval unstable below)")
    left.set_xlabel("alpha = P / N")
    left.set_ylabel("T")
    left.set_ylim(float(ds["T"].min()) - 0.05, float(ds["T"].max()) + 0.05)
    left.legend(fontsize=7, loc="upper right")

    colours = plt.cm.plasma(np.linspace(0, 0.85, 4))
    picks = ds["alpha"].values[:: max(1, ds.sizes["alpha"] // 4)][:4]
    for a, colour in zip(picks, colours):
        cut = ds.sel(alpha=a)
        errorbar(right, cut["m"], "T", color=colour, label=f"alpha = {a:g} (MC)")
        if np.isfinite(cut["T_M"]):  # the RS overlap up to T_M, where it drops to 0
            T = np.linspace(0.0, float(cut["T_M"]) - 1e-9, 40)
            m = [ags.rs_retrieval(a, t).m for t in T]
            right.plot(np.append(T, T[-1]), np.append(m, 0.0), "-", color=colour, lw=1)
    right.set_xlabel("T")
    right.set_ylabel("overlap m")
    right.legend(fontsize=7)
    right.set_title("lines: AGS RS retrieval overlap", fontsize=9)
    fig.suptitle(f"Hopfield phase diagram, Glauber dynamics, N = {ds.attrs['N']}")
    return fig


def summary(ds):
    """Where the Monte Carlo overlap stays above m_retrieval, per alpha."""
    lines = []
    m = ds["m"].mean("sample")
    for a in ds["alpha"].values:
        hot = ds["T"].values[m.sel(alpha=a).values < M_RETRIEVAL]
        T_loss = hot.min() if hot.size else np.inf
        lines.append(
            f"alpha = {a:.3f}: m < {M_RETRIEVAL} from T = {T_loss:g};"
            f" AGS T_M = {float(ds['T_M'].sel(alpha=a)):.3f}"
        )
    return "\n".join(lines)
