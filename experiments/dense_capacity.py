"""Capacity of dense associative memories F(x) = x^n: one-step error, overlap, N^(n-1) scaling.

Krotov & Hopfield's network (NIPS 2016, arXiv:1606.01164), E = -sum_mu (xi^mu . s)^n, at
n = 2 (the Hopfield network), 3 and 4, beside ``theory.dense``:

1. At one N for each n, P random patterns with P on a grid of ``load`` = P / P_c, P_c =
   alpha_c N^(n-1) the replica-symmetric capacity (the p-spin spinodal of Gardner,
   J. Phys. A 20, 3453 (1987), in the full-power normalisation, alpha_F = alpha (n-1)! /
   (2n-3)!!): the fraction of the spins of a stored pattern that one update flips,
   against the signal-to-noise law P_err (exact finite-N crosstalk, Gaussian); the
   fraction of stored patterns that are fixed points; and the overlap at the fixed point
   that zero-temperature asynchronous dynamics reaches from the pattern, against the RS
   overlap m(alpha) (up to P_c). Near and above the spinodal greedy dynamics at these N
   does not collapse, so the overlap stays high there: the one-step law is the test.
2. Scaling with N: for each n and several N, the P at which half the stored patterns are
   fixed points (every one of their N spins stable), interpolated in log P on a grid
   around the signal-to-noise prediction (1 - P_err)^N = 1/2 (spins independent), with a
   bootstrap error over samples; its slope on log-log axes against n - 1 (the
   prediction's own slope over the same N, which carries the ln N of P ~ N^(n-1) / ln N,
   is given too) and Krotov & Hopfield's P_max = N^(n-1) / (2 (2n-3)!! ln N).

N and P have the parities that make every field nonzero (n = 3: both odd; n = 2, 4: N
even, P odd), so that no update is a tie.
"""

import math
from pathlib import Path

import numpy as np
import xarray as xr

from assoc import __version__, mc, patterns
from assoc._validation import check_size
from assoc.models import DenseHopfield
from assoc.plot import errorbar
from experiments import _fit
from theory import dense as theory

QUICK = dict(
    n=(2, 3, 4),
    N={2: 200, 3: 61, 4: 30},
    load=(0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
    samples=4,
    cues=10,
    sizes={2: (100, 200, 400), 3: (31, 61, 121), 4: (16, 30, 60)},
    factor=(0.5, 0.71, 1.0, 1.41, 2.0),
    scaling_samples=4,
    scaling_cues=20,
)
FULL = dict(
    n=(2, 3, 4),
    N={2: 1000, 3: 201, 4: 60},
    load=(0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0),
    samples=12,
    cues=20,
    sizes={2: (100, 200, 400, 800, 1600), 3: (31, 61, 121, 241, 481), 4: (16, 30, 60, 120)},
    factor=(0.35, 0.5, 0.71, 1.0, 1.41, 2.0, 2.83),
    scaling_samples=12,
    scaling_cues=20,
)


def alpha_c_full_power(n):
    """The RS capacity alpha_c of the p-spin model (p = n), as P / N^(n-1) of F = x^n."""
    return theory.alpha_to_full_power(theory.alpha_c(n), n)


def odd_P(P):
    """The odd integer nearest P, at least 1."""
    return max(1, 2 * int(np.floor(P / 2)) + 1)


def _fields_at_patterns(xi, n, cues):
    """The network, the fields at the first ``cues`` patterns and which spins they flip."""
    net = DenseHopfield(xi.shape[1], n=n).store(xi)
    k = min(cues, xi.shape[0])
    unstable = xi[:k] * net.field(xi[:k]) < 0
    return net, k, unstable


def at_load(load, *, n, N, cues, rng):
    """One set of P = load P_c patterns: one-step errors, stable patterns, final overlap."""
    P = odd_P(load * alpha_c_full_power(n) * N ** (n - 1))
    xi = patterns.random_spins(P, N, rng=rng)
    net, k, unstable = _fields_at_patterns(xi, n, cues)
    r = net.recall(xi[:k], rng=rng, max_sweeps=200)
    return {
        "p_error": unstable.mean(),
        "stable": np.mean(~unstable.any(axis=1)),
        "m": np.diagonal(r.m).mean(),
        "sweeps": r.sweeps.mean(),
    }


def at_factor(factor, *, n, N, P_half, cues, rng):
    """One set of P = factor P_half patterns: the fraction of stored patterns that are
    fixed points."""
    xi = patterns.random_spins(odd_P(factor * P_half), N, rng=rng)
    _, _, unstable = _fields_at_patterns(xi, n, cues)
    return {"stable": np.mean(~unstable.any(axis=1)), "p_error": unstable.mean()}


def P_half_theory(N, n):
    """The least odd P at or above `theory.dense.P_half`, where (1 - P_err)^N = 1/2: half
    the patterns are fixed points if their spins are independent."""
    P = math.ceil(theory.P_half(N, n))
    return P if P % 2 else P + 1


def check(cfg):
    """The largest pattern sets of both parts fit in memory (one byte a spin)."""
    for n in cfg["n"]:
        N = cfg["N"][n]
        P = odd_P(max(cfg["load"]) * alpha_c_full_power(n) * N ** (n - 1))
        check_size(f"N.{n}", (P, N), itemsize=1)
        for N in cfg["sizes"][n]:
            check_size(f"sizes.{n}", (odd_P(max(cfg["factor"]) * P_half_theory(N, n)), N), 1)


def _seed(seed, *key):
    return int(np.random.SeedSequence([seed, *key]).generate_state(1)[0])


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run both parts (Monte Carlo) and put the theory beside them."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    owned = isinstance(executor, int)
    if owned:  # one pool for every call of mc.run
        executor = mc.process_pool(executor)
    try:
        loads, scaling = [], []
        for n in cfg["n"]:
            N = cfg["N"][n]
            loads.append(
                mc.run(
                    at_load,
                    {"load": list(cfg["load"])},
                    samples=cfg["samples"],
                    seed=_seed(seed, 1, n, N),
                    params={"n": n, "N": N, "cues": cfg["cues"]},
                    executor=executor,
                    store=None if store is None else Path(store) / f"load_n{n}",
                    progress=progress,
                )
            )
            sizes = []
            for N in cfg["sizes"][n]:
                P_half = P_half_theory(N, n)
                ds = mc.run(
                    at_factor,
                    {"factor": list(cfg["factor"])},
                    samples=cfg["scaling_samples"],
                    seed=_seed(seed, 2, n, N),
                    params={"n": n, "N": N, "P_half": P_half, "cues": cfg["scaling_cues"]},
                    executor=executor,
                    store=None if store is None else Path(store) / f"scaling_n{n}_N{N}",
                    progress=progress,
                )
                ds["scaling_N"], ds["P_half_theory"] = N, P_half
                sizes.append(ds.rename(sample="scaling_sample"))
            scaling.append(xr.concat(sizes, dim="size").assign_coords(size=np.arange(len(sizes))))
    finally:
        if owned:
            executor.shutdown()
    ds = xr.concat(loads, dim="n").assign_coords(n=list(cfg["n"]))
    ds["N"] = ("n", [cfg["N"][n] for n in cfg["n"]])
    scaled = xr.concat(scaling, dim="n", join="outer", fill_value=np.nan).assign_coords(
        n=list(cfg["n"])
    )
    for name in ("stable", "p_error"):
        ds[f"scaling_{name}"] = scaled[name]
    ds["scaling_N"], ds["P_half_theory"] = scaled["scaling_N"], scaled["P_half_theory"]
    ds.attrs = {
        "experiment": "dense_capacity",
        "model": "DenseHopfield, F(x) = x^n",
        "T": 0.0,
        "cues": cfg["cues"],
        "scaling_cues": cfg["scaling_cues"],
        "seed": seed,
        "seeds": "each mc.run call draws from SeedSequence([seed, part, n, N])",
        "assoc_version": __version__,
    }
    _describe(ds)
    return add_theory(ds, seed=seed)


LONG_NAMES = {
    "p_error": "fraction of the spins of stored patterns flipped by one update",
    "stable": "fraction of the stored patterns that are fixed points",
    "m": "overlap at the fixed point reached from a stored pattern (mean over cues)",
    "sweeps": "sweeps to the fixed point (mean over cues)",
    "N": "number of spins (part 1)",
    "scaling_stable": "fraction of stored patterns that are fixed points (part 2)",
    "scaling_p_error": "one-step error probability (part 2)",
    "scaling_N": "number of spins (part 2)",
    "P_half_theory": "P with (1 - P_err)^N = 1/2, P_err from signal-to-noise theory",
    "P_c_rs": "RS capacity alpha_c N^(n-1) (full-power units)",
    "alpha_c_rs": "RS alpha_c of P = alpha N^(n-1) (full power)",
    "P": "number of stored patterns",
    "p_error_theory": "signal-to-noise P_err (Krotov & Hopfield)",
    "m_theory": "RS overlap m at alpha = load alpha_c, T = 0 (NaN: beyond alpha_c)",
    "P_c": "P at which half the stored patterns are fixed points",
    "P_c_err": "bootstrap standard error of P_c",
    "P_max_theory": "Krotov & Hopfield P_max = N^(n-1) / (2 (2n-3)!! ln N)",
    "slope": "d ln P_c / d ln N, weighted least squares",
    "slope_err": "standard error of slope",
    "slope_theory": "d ln P_half_theory / d ln N over the same N",
}
"""The ``long_name`` of every variable of the Dataset."""


def _describe(ds):
    for name, text in LONG_NAMES.items():
        if name in ds:
            ds[name].attrs["long_name"] = text


def add_theory(ds, *, seed=0):
    """The signal-to-noise P_err and RS m on the load grid; the measured and predicted
    capacity P_c(N) and their log-log slopes."""
    n, load = ds["n"].values, ds["load"].values
    N = ds["N"].values
    ds["P_c_rs"] = ("n", [alpha_c_full_power(k) * N_k ** (k - 1) for k, N_k in zip(n, N)])
    ds["alpha_c_rs"] = ("n", [alpha_c_full_power(k) for k in n])
    P = np.array(
        [[odd_P(x * alpha_c_full_power(k) * N_k ** (k - 1)) for x in load] for k, N_k in zip(n, N)]
    )
    ds["P"] = (("n", "load"), P)
    ds["p_error_theory"] = (
        ("n", "load"),
        [[theory.one_step_error(N_k, P_kl, k) for P_kl in P_k] for k, N_k, P_k in zip(n, N, P)],
    )
    m = np.full(P.shape, np.nan)
    for a, k in enumerate(n):
        for b, x in enumerate(load):
            if x <= 1.0:
                m[a, b] = theory.rs_retrieval(x * theory.alpha_c(k), k).m
    ds["m_theory"] = (("n", "load"), m)

    rng = np.random.default_rng(seed)
    P_grid = ds["P_half_theory"] * ds["factor"]
    crossing = np.full(ds["scaling_N"].shape, np.nan)
    error = np.full_like(crossing, np.nan)
    for a in range(n.size):
        for b in range(ds.sizes["size"]):
            if np.isnan(ds["scaling_N"].values[a, b]):
                continue
            f = ds["scaling_stable"].isel(n=a, size=b).transpose("factor", "scaling_sample").values
            x = np.log(P_grid.isel(n=a, size=b).values)
            crossing[a, b], error[a, b] = _fit.crossing(x, f, rng)
    ds["P_c"] = (("n", "size"), np.exp(crossing))
    ds["P_c_err"] = (("n", "size"), np.exp(crossing) * error)
    N2 = ds["scaling_N"].values
    P_max = [
        [theory.P_max(int(x), k) if np.isfinite(x) else np.nan for x in row]
        for k, row in zip(n, N2)
    ]
    ds["P_max_theory"] = (("n", "size"), P_max)
    slope, slope_err, slope_theory = [], [], []
    for a in range(n.size):
        ok = np.isfinite(crossing[a]) & np.isfinite(error[a]) & (error[a] > 0)
        s, e = _fit_slope(np.log(N2[a, ok]), crossing[a, ok], error[a, ok])
        slope.append(s)
        slope_err.append(e)
        known = np.isfinite(N2[a])
        slope_theory.append(
            np.polyfit(np.log(N2[a, known]), np.log(ds["P_half_theory"].values[a, known]), 1)[0]
        )
    ds["slope"] = ("n", slope)
    ds["slope_err"] = ("n", slope_err)
    ds["slope_theory"] = ("n", slope_theory)
    _describe(ds)
    return ds


def _fit_slope(x, y, error):
    """Weighted least squares y = a + b x; returns b and its standard error."""
    if x.size < 2:
        return np.nan, np.nan
    (_, b), cov = _fit.weighted_line(x, y, error)
    return b, np.sqrt(cov[1, 1])


def plot(ds):
    """One-step error and overlap against P / P_c; P_c(N) on log-log axes."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), layout="constrained")
    load = np.linspace(float(ds["load"].min()), float(ds["load"].max()), 200)
    for k, colour in zip(ds["n"].values, ("C0", "C1", "C2")):
        point = ds.sel(n=k)
        N = int(point["N"])
        P_c_rs = float(point["P_c_rs"])
        errorbar(axes[0], point["p_error"], "load", color=colour, label=f"n = {k}, N = {N}")
        P_err = [theory.one_step_error(N, odd_P(x * P_c_rs), int(k)) for x in load]
        axes[0].plot(load, P_err, color=colour, lw=1)
        errorbar(axes[1], point["m"], "load", color=colour, label=f"n = {k}, N = {N}")
        errorbar(axes[1], point["stable"], "load", color=colour, fmt="s", mfc="none", alpha=0.6)
        axes[1].plot(point["load"], point["m_theory"], color=colour, lw=1)
        good = np.isfinite(point["P_c"].values)
        axes[2].errorbar(
            point["scaling_N"].values[good],
            point["P_c"].values[good],
            yerr=point["P_c_err"].values[good],
            fmt="o",
            color=colour,
            label=f"n = {k}: slope {float(point['slope']):.2f} +- {float(point['slope_err']):.2f}"
            f" (theory {float(point['slope_theory']):.2f})",
        )
        known = np.isfinite(point["scaling_N"].values)
        axes[2].plot(
            point["scaling_N"].values[known],
            point["P_half_theory"].values[known],
            color=colour,
            lw=1,
        )
        axes[2].plot(
            point["scaling_N"].values[known],
            point["P_max_theory"].values[known],
            color=colour,
            lw=1,
            ls=":",
        )
    axes[0].set_yscale("log")
    axes[0].set_ylim(1e-4, 0.5)
    axes[0].set_ylabel("one-step error P_err (lines: signal-to-noise)")
    axes[1].set_ylabel("final overlap m (lines: RS); squares: fixed-point fraction")
    for ax in axes[:2]:
        ax.axvline(1.0, color="k", ls="--", lw=1)
        ax.set_xlabel("P / P_c (RS capacity alpha_c N^(n-1))")
        ax.legend(fontsize=7)
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    axes[2].xaxis.set_minor_formatter(plt.NullFormatter())
    axes[2].set_xlabel("N")
    axes[2].set_ylabel("P_c: half the patterns are fixed points")
    axes[2].legend(fontsize=7, title="lines: (1 - P_err)^N = 1/2; dotted: P_max", title_fontsize=7)
    fig.suptitle("Dense associative memory F(x) = x^n at T = 0: Monte Carlo beside theory")
    return fig


def summary(ds):
    """A few lines for the terminal."""
    lines = []
    for k in ds["n"].values:
        p = ds.sel(n=k)
        p_mc = p["p_error"].mean("sample")
        at = int(np.argmin(np.abs(p["load"].values - 1.0)))
        lines.append(
            f"n = {k}, N = {int(p['N'])}: P_c(RS) = {float(p['P_c_rs']):.0f};"
            f" at P = {int(p['P'][at])}: P_err {float(p_mc[at]):.4f}"
            f" (theory {float(p['p_error_theory'][at]):.4f}),"
            f" m {float(p['m'].mean('sample')[at]):.4f} (RS {float(p['m_theory'][at]):.4f});"
            f" capacity slope {float(p['slope']):.2f} +- {float(p['slope_err']):.2f}"
            f" (theory {float(p['slope_theory']):.2f}, asymptotic {k - 1})"
        )
    return "\n".join(lines)
