"""Capacity of the Hopfield network: final overlap vs alpha at several N, beside AGS theory.

Zero-temperature asynchronous dynamics from the stored patterns (flip = 0) and from cues
with a fraction of their bits flipped; the replica-symmetric overlap m(alpha) of Amit,
Gutfreund & Sompolinsky (Ann. Phys. 173, 30 (1987)) up to alpha_c = 0.138, and the
one-step RSB capacity (Steffan & Kuehn, Z. Phys. B 95, 249 (1994)) on the same axes.

Finite-size extrapolation: for each N the retrieval transition alpha_c(N) is where the
fraction of patterns retrieved (final overlap above ``m_retrieved``) started from the
patterns themselves crosses 1/2, interpolated linearly in alpha, with a bootstrap error
over samples; a weighted least-squares fit alpha_c(N) = alpha_c(inf) + b N^(-1/2)
extrapolates it to N -> infinity. The exponent 1/2 is an assumption of the fit (finite-N
corrections to the Hopfield retrieval transition are slow), stated in the Dataset.
"""

import numpy as np

from assoc import Hopfield, mc, patterns
from assoc._validation import check_real, fail
from assoc.plot import errorbar
from experiments import _fit
from theory import hopfield as ags

QUICK = dict(
    N=(500, 1000, 2000),
    alpha=np.round(np.arange(0.06, 0.2001, 0.02), 3),
    flip=(0.0, 0.1),
    samples=4,
    cues=10,
)
FULL = dict(
    N=(500, 1000, 2000, 4000),
    alpha=np.round(np.arange(0.05, 0.2001, 0.01), 3),
    flip=(0.0, 0.1),
    samples=12,
    cues=20,
)
M_RETRIEVED = 0.9
FSS_EXPONENT = 0.5


def check(cfg):
    """Flip fractions in [0, 1], one of them 0: alpha_c(N) is measured from the stored
    patterns themselves."""
    for flip in cfg["flip"]:
        check_real("flip", flip, low=0.0, high=1.0)
    if 0.0 not in cfg["flip"]:
        fail("flip", "a list holding 0.0 (alpha_c(N) is measured from the patterns)", cfg["flip"])


def sample(N, flip, alpha, *, cues, rng):
    """One network of N spins with P = alpha N random patterns; recall ``cues`` of them at
    T = 0 from cues with a fraction ``flip`` of bits flipped."""
    P = max(1, round(alpha * N))
    xi = patterns.random_spins(P, N, rng=rng)
    k = min(cues, P)
    cue = patterns.flip(xi[:k], flip, rng=rng)
    r = Hopfield(N).store(xi).recall(cue, rng=rng, max_sweeps=500)
    m = r.m[np.arange(k), np.arange(k)]
    return {
        "m": m.mean(),
        "retrieved": np.mean(m > M_RETRIEVED),
        "sweeps": r.sweeps.mean(),
    }


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run the Monte Carlo and put the AGS theory and the extrapolation beside it."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"N": list(cfg["N"]), "flip": list(cfg["flip"]), "alpha": list(cfg["alpha"])},
        samples=cfg["samples"],
        seed=seed,
        params={"cues": cfg["cues"]},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "hopfield_capacity", "T": 0.0, "m_retrieved": M_RETRIEVED},
    )
    ds["m"].attrs["long_name"] = "final overlap with the cued pattern (mean over cues)"
    ds["retrieved"].attrs["long_name"] = f"fraction of cues ending with m > {M_RETRIEVED}"
    ds["sweeps"].attrs["long_name"] = "sweeps to a fixed point (mean over cues)"
    return add_theory(ds, seed=seed)


def add_theory(ds, *, seed=0):
    """AGS m(alpha), alpha_c (RS and 1RSB) and the finite-size extrapolation of the Monte
    Carlo retrieval transition."""
    alpha = ds["alpha"].values
    alpha_c = ags.alpha_c(0.0)
    below = alpha <= alpha_c
    m_theory = np.full(alpha.shape, np.nan)
    m_theory[below] = ags.m_of_alpha(alpha[below])
    ds["m_theory"] = ("alpha", m_theory)
    ds["m_theory"].attrs["long_name"] = "AGS replica-symmetric m(alpha), T = 0 (NaN: none)"
    ds["alpha_c_rs"] = alpha_c
    ds["alpha_c_rs"].attrs["long_name"] = "RS capacity (AGS 1987)"
    ds["alpha_c_1rsb"] = ags.alpha_c_1rsb()
    ds["alpha_c_1rsb"].attrs["long_name"] = "1RSB capacity (Steffan & Kuehn 1994)"

    retrieved = ds["retrieved"].sel(flip=0.0)
    rng = np.random.default_rng(seed)
    crossing, error = zip(*(_crossing(retrieved.sel(N=N), rng) for N in ds["N"].values))
    ds["alpha_c_N"] = ("N", np.array(crossing))
    ds["alpha_c_N"].attrs["long_name"] = "alpha where half the stored patterns are retrieved"
    ds["alpha_c_N_err"] = ("N", np.array(error))
    ds["alpha_c_N_err"].attrs["long_name"] = "bootstrap standard error of alpha_c_N"
    fit, slope, fit_err = _extrapolate(ds["N"].values, np.array(crossing), np.array(error))
    ds["alpha_c_inf"] = fit
    ds["alpha_c_inf"].attrs["long_name"] = (
        f"alpha_c_N extrapolated to N -> inf, fit a + b N^-{FSS_EXPONENT}"
    )
    ds["alpha_c_inf_err"] = fit_err
    ds["alpha_c_fss_slope"] = slope
    ds["alpha_c_fss_slope"].attrs["long_name"] = f"b of the fit a + b N^-{FSS_EXPONENT}"
    return ds


def _crossing(retrieved, rng):
    """alpha where the sample-mean retrieved fraction crosses 1/2, and its bootstrap error."""
    f = retrieved.transpose("alpha", "sample").values
    return _fit.crossing(retrieved["alpha"].values, f, rng)


def _extrapolate(N, alpha_c, error):
    """Weighted least squares alpha_c(N) = a + b N^-x; returns a, b and the error of a."""
    ok = np.isfinite(alpha_c) & np.isfinite(error) & (error > 0)
    if ok.sum() < 3:
        return np.nan, np.nan, np.nan
    (a, b), cov = _fit.weighted_line(N[ok] ** -FSS_EXPONENT, alpha_c[ok], error[ok])
    return a, b, np.sqrt(cov[0, 0])


def plot(ds):
    """Overlap and retrieved fraction vs alpha, and the extrapolation of alpha_c(N)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["N"]))
    for flip, marker in zip(ds["flip"].values, "os"):
        for N, colour in zip(ds["N"].values, colours):
            point = ds.sel(N=N, flip=flip)
            label = f"N = {N}, cue flip {flip:g}"
            errorbar(
                axes[0],
                point["m"],
                "alpha",
                color=colour,
                fmt=marker,
                label=label,
                mfc="none" if flip else colour,
            )
            errorbar(
                axes[1],
                point["retrieved"],
                "alpha",
                color=colour,
                fmt=marker + "-",
                mfc="none" if flip else colour,
            )
    for ax in axes[:2]:
        for name, style in (("alpha_c_rs", "--"), ("alpha_c_1rsb", ":")):
            ax.axvline(
                float(ds[name]),
                color="k",
                ls=style,
                lw=1,
                label=f"{name[8:].upper()} alpha_c = {float(ds[name]):.4f}",
            )
        ax.set_xlabel("alpha = P / N")
    alpha = np.linspace(0.0, float(ds["alpha_c_rs"]), 60)
    axes[0].plot(alpha, ags.m_of_alpha(alpha), "k-", label="AGS m(alpha), RS")
    axes[0].set_ylabel("final overlap m")
    axes[0].legend(fontsize=7)
    axes[1].set_ylabel(f"fraction retrieved (m > {ds.attrs['m_retrieved']})")

    x = ds["N"].values ** -FSS_EXPONENT
    axes[2].errorbar(x, ds["alpha_c_N"], yerr=ds["alpha_c_N_err"], fmt="o", label="Monte Carlo")
    a, da = float(ds["alpha_c_inf"]), float(ds["alpha_c_inf_err"])
    if np.isfinite(a):
        xs = np.linspace(0, x.max() * 1.05, 50)
        b = float(ds["alpha_c_fss_slope"])
        axes[2].plot(xs, a + b * xs, "C0-", lw=1, label=f"fit: alpha_c(inf) = {a:.4f} +- {da:.4f}")
    axes[2].axhline(float(ds["alpha_c_rs"]), color="k", ls="--", lw=1, label="RS")
    axes[2].axhline(float(ds["alpha_c_1rsb"]), color="k", ls=":", lw=1, label="1RSB")
    axes[2].set_xlabel(f"N^-{FSS_EXPONENT}")
    axes[2].set_ylabel("alpha_c(N)")
    axes[2].set_xlim(left=0)
    axes[2].legend(fontsize=7)
    fig.suptitle("Hopfield network at T = 0: Monte Carlo beside AGS theory")
    return fig


def summary(ds):
    """A few lines for the terminal."""
    lines = [f"alpha_c: RS {float(ds['alpha_c_rs']):.4f}, 1RSB {float(ds['alpha_c_1rsb']):.4f}"]
    for N, a, e in zip(ds["N"].values, ds["alpha_c_N"].values, ds["alpha_c_N_err"].values):
        lines.append(f"N = {N:5d}: alpha_c(N) = {a:.4f} +- {e:.4f}")
    lines.append(
        f"extrapolated alpha_c(inf) = {float(ds['alpha_c_inf']):.4f}"
        f" +- {float(ds['alpha_c_inf_err']):.4f}"
    )
    return "\n".join(lines)
