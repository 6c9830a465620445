"""The multitasking network at medium load: P = alpha N^delta patterns retrieved at once.

The setting of Agliari, Annibale, Barra, Coolen & Tantari (J. Phys. A 46, 335101, 2013)
and Bartolucci & Annibale (J. Phys. A 47, 415001, 2014): P = alpha N^delta patterns,
each entry non-blank with probability 1 - d = c / N^delta, so that a spin sits in
Poisson(lambda = alpha c) patterns (``patterns_per_spin``) and a pattern spans
c N^(1 - delta) spins. Glauber dynamics (zero-temperature dynamics at T = 0) from a
random start; the overlap of each pattern in units of its non-blank fraction (the
fraction of its sites the state matches, less those it opposes; at T > 0 its modulus
averaged over the sweeps), their mean and their spread over the P patterns, beside
`theory.multitask.medium_load_parallel`: the symmetric state in which all P patterns
are retrieved with the same overlap m, stable between `medium_load_stable_below` and
T_c = 1 - d (temperatures here in units of 1 - d), unstable below, where the overlaps
become unequal.

Theory. The symmetric state is the low-load parallel state in the limit P -> infinity,
d -> 1 at fixed P (1 - d) = lambda (Poisson crosstalk); the published medium-load
equations could not be consulted (see `theory.multitask.medium_load_parallel`). The
figure draws it (solid) and the same state at each run's own P and d (dashed,
``m_theory_P``: the low-load law, Binomial(P - 1, 1 - d) other patterns at a site),
which the statistics use.

Finite N. Each overlap is a mean over N (1 - d) spins, so even the symmetric state
spreads over the patterns by about 1/sqrt(N (1 - d)); the random couplings between
patterns through the sites they share, of order N^(-(1 - delta)/2) (about 0.08 at
N = 50000, delta = 0.4), compete with the state's stability eigenvalue, which is small
(0.05-0.13) with many patterns per spin (lambda = 2) and large (0.3-0.7) with few
(lambda = 0.2). The standard error of a mean overlap (``m_mean_se``) takes the S P
pattern overlaps of a point as independent, from their spread over the patterns. In the
full run (N = 12500 and 50000, delta = 0.4, 3 networks a point; 80 s on 2 workers) the
mean overlap lies within 2.5 standard errors of ``m_theory_P`` at every T from the
stability edge to 0.8 (1 - d), at both lambda (gaps up to 0.015, and 0.055 = 2.5
standard errors at lambda = 0.2, N = 12500, T = 0.8); at T = 0.9,
next to T_c, it is 3.4-4.3 standard errors (0.02-0.04) above it at lambda = 2, the
transition rounded at finite N. At lambda = 0.2 the overlaps spread over the patterns
less than 1/sqrt(N (1 - d)) between T = 0.1 and 0.6 (1 - d): all patterns are retrieved
alike. At lambda = 2 they spread 3-4 times more than that at every T, at N = 50000 as at
12500: there the symmetric state describes the mean overlap only, and the unequal state
the network reaches is not computed here.
"""

import itertools

import numpy as np

from assoc import mc, patterns
from assoc._validation import check_int, check_real, fail
from assoc.models import Multitask
from theory import multitask as mt

QUICK = dict(
    N=(4000, 16000),
    patterns_per_spin=(0.2, 2.0),
    reduced_T=(0.0, 0.5),
    delta=0.4,
    samples=3,
    equilibrate=50,
    sweeps=150,
)
FULL = dict(
    N=(12500, 50000),
    patterns_per_spin=(0.2, 2.0),
    reduced_T=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    delta=0.4,
    samples=3,
    equilibrate=100,
    sweeps=400,
)
# P = alpha N^delta with alpha = 1/2 (lambda = 0.2) or 1 (lambda = 2): c = lambda / alpha.
ALPHA = {0.2: 0.5, 2.0: 1.0}


def check(cfg):
    """Loads among those with a declared alpha, and 0 < delta < 1 (P grows with N, more
    slowly than N); every run with at least one pattern and a non-blank fraction <= 1."""
    for lam in cfg["patterns_per_spin"]:
        if lam not in ALPHA:
            fail("patterns_per_spin", f"values among {sorted(ALPHA)}", lam)
    check_real("delta", cfg["delta"], low=0.0, high=1.0, closed=(False, False))
    for lam in cfg["patterns_per_spin"]:
        for N in cfg["N"]:
            P, nonblank = sizes(N, lam, cfg["delta"])
            check_int("N", P, low=1)  # at least one pattern
            check_real("N", nonblank, high=1.0)


def sizes(N, patterns_per_spin, delta):
    """Number of patterns P = alpha N^delta and non-blank fraction 1 - d = c / N^delta."""
    alpha = ALPHA[patterns_per_spin]
    return round(alpha * N**delta), patterns_per_spin / alpha / N**delta


def sample(patterns_per_spin, N, reduced_T, *, delta, equilibrate, sweeps, rng):
    """One network, one random start: the mean and the spread over the patterns of their
    overlaps (each in units of its own non-blank fraction)."""
    P, nonblank = sizes(N, patterns_per_spin, delta)
    xi = patterns.diluted_spins(P, N, 1.0 - nonblank, rng=rng)
    size = np.count_nonzero(xi, axis=1) / N
    net = Multitask(N, T=reduced_T * nonblank).store(xi)
    start = patterns.random_spins(1, N, rng=rng)
    if reduced_T == 0:
        m = np.abs(net.recall(start, rng=rng, max_sweeps=1000).m[0])
    else:  # |m| averaged over the sweeps: a small pattern near T_c may flip its sign
        r = net.recall(start, rng=rng, sweeps=sweeps, equilibrate=equilibrate, trace=True)
        m = np.abs(r.m_trace[0, -sweeps:]).mean(axis=0)
    overlap = m[size > 0] / size[size > 0]
    return {"m_mean": overlap.mean(), "m_spread": overlap.std(), "P": P}


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over (patterns_per_spin, N, reduced_T) beside the symmetric state."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {
            "patterns_per_spin": list(cfg["patterns_per_spin"]),
            "N": list(cfg["N"]),
            "reduced_T": list(cfg["reduced_T"]),
        },
        samples=cfg["samples"],
        seed=seed,
        params={key: cfg[key] for key in ("delta", "equilibrate", "sweeps")},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "multitask_medium_load"},
    )
    ds = ds.rename(P="patterns")
    ds["m_mean"].attrs["long_name"] = "mean over the patterns of their overlaps / (1 - d)"
    ds["m_spread"].attrs["long_name"] = "standard deviation over the patterns of that"
    ds["patterns"].attrs["long_name"] = "number of patterns P = alpha N^delta"
    return add_theory(ds)


def add_theory(ds):
    """The symmetric state's overlap and eigenvalue, its stability edge, 1/sqrt(N (1 - d))."""
    lam, T = ds["patterns_per_spin"].values, ds["reduced_T"].values
    state = np.array(
        [mt.medium_load_parallel(t, x) for x, t in itertools.product(lam, T)]
    ).reshape(lam.size, T.size, 2)
    ds["m_theory"] = (("patterns_per_spin", "reduced_T"), state[..., 0])
    ds["m_theory"].attrs["long_name"] = "symmetric parallel state, overlap / (1 - d)"
    ds["eigenvalue"] = (("patterns_per_spin", "reduced_T"), state[..., 1])
    ds["eigenvalue"].attrs["long_name"] = "its stability against unequal overlaps"
    ds["stable_below"] = ("patterns_per_spin", [mt.medium_load_stable_below(x) for x in lam])
    ds["stable_below"].attrs["long_name"] = "reduced T below which it is unstable"
    shape = [[sizes(n, x, ds.attrs["delta"]) for n in ds["N"].values] for x in lam]
    P, nonblank = np.array(shape).transpose(2, 0, 1)
    ds["finite_size"] = (("patterns_per_spin", "N"), 1.0 / np.sqrt(ds["N"].values * nonblank))
    ds["finite_size"].attrs["long_name"] = "1 / sqrt(N (1 - d)): an overlap's finite-N spread"
    ds["m_theory_P"] = (("patterns_per_spin", "N", "reduced_T"), finite_P(P, nonblank, T))
    ds["m_theory_P"].attrs["long_name"] = "the same state with the run's P and d (low load)"
    # the pattern overlaps of a cell as independent draws: S P of them, each sample's
    # spread (over its P patterns, ddof = 0) giving their variance
    n = ds["patterns"] - 1
    var = (ds["m_spread"] ** 2 / n).sum("sample") / ds.sizes["sample"] ** 2
    ds["m_mean_se"] = np.sqrt(var)
    ds["m_mean_se"].attrs["long_name"] = "standard error of the mean over samples of m_mean"
    return ds


def finite_P(P, nonblank, T):
    """The symmetric state at each run's P and 1 - d (lambda = P (1 - d)), over T."""
    return np.array(
        [
            [mt.medium_load_parallel(t, p * a, patterns=int(p)).m for t in T]
            for p, a in zip(P.ravel(), nonblank.ravel())
        ]
    ).reshape(*P.shape, len(T))


T_LINE = np.linspace(0, 1, 201)


def plot(ds):
    """Mean overlap (top) and its spread over the patterns (bottom) against T / (1 - d),
    one column per number of patterns per spin."""
    import matplotlib.pyplot as plt

    from assoc.plot import errorbar

    lam = ds["patterns_per_spin"].values
    fig, axes = plt.subplots(
        2, lam.size, figsize=(5.2 * lam.size, 7), layout="constrained", squeeze=False
    )
    colours = plt.cm.viridis(np.linspace(0, 0.8, ds.sizes["N"]))
    for a, x in enumerate(lam):
        cut = ds.sel(patterns_per_spin=x)
        for row, name in enumerate(("m_mean", "m_spread")):
            ax = axes[row, a]
            edge = float(cut["stable_below"])
            ax.axvspan(0, edge, color="0.9", label="symmetric state unstable")
            for N, colour in zip(ds["N"].values, colours):
                P = int(cut["patterns"].sel(N=N).isel(reduced_T=0, sample=0))
                errorbar(
                    ax, cut[name].sel(N=N), "reduced_T", color=colour, label=f"N = {N}, P = {P}"
                )
                if name == "m_mean":
                    _, nonblank = sizes(N, x, ds.attrs["delta"])
                    ax.plot(
                        T_LINE,
                        finite_P(np.array([P]), np.array([nonblank]), T_LINE)[0],
                        color=colour,
                        ls="--",
                        lw=1,
                        label=f"the same state at P = {P} (low-load law)",
                    )
                if name == "m_spread":
                    ax.axhline(
                        float(cut["finite_size"].sel(N=N)),
                        color=colour,
                        ls=":",
                        lw=1,
                        label=f"1/sqrt(N (1 - d)), N = {N}",
                    )
            if name == "m_mean":
                m = [mt.medium_load_parallel(t, x).m for t in T_LINE]
                ax.plot(T_LINE, m, "k-", lw=1, label="symmetric parallel state, P -> inf")
                ax.set_ylabel("overlap / (1 - d), mean over the patterns")
                ax.set_title(f"{x:g} patterns per spin (delta = {ds.attrs['delta']})", fontsize=9)
            else:
                ax.set_ylabel("spread of the overlaps over the patterns")
            ax.set_xlabel("T / (1 - d)")
            ax.legend(fontsize=7)
    fig.suptitle(
        "Multitasking network at medium load: all patterns retrieved at once\n"
        "(at 2 patterns per spin unequally: the symmetric state gives their mean only)"
    )
    return fig


def summary(ds):
    """Mean overlap against the symmetric state at the run's P, in standard errors (the
    spread over the patterns), where the state is stable."""
    lines = []
    for x in ds["patterns_per_spin"].values:
        cut = ds.sel(patterns_per_spin=x)
        stable = cut["reduced_T"] > cut["stable_below"]
        gap = (cut["m_mean"].mean("sample") - cut["m_theory_P"]).where(stable)
        z = gap / cut["m_mean_se"]
        lines.append(
            f"{x:g} patterns per spin: symmetric state stable above T/(1-d) = "
            f"{float(cut['stable_below']):.3f}; there the mean overlap is within "
            f"{float(np.abs(gap).max()):.3f} ({float(np.abs(z).max()):.1f} standard errors) "
            f"of it at the run's P; spread over patterns "
            f"{float(cut['m_spread'].where(stable).mean()):.3f} (1/sqrt(N(1-d)) = "
            f"{float(cut['finite_size'].min()):.3f}..{float(cut['finite_size'].max()):.3f})"
        )
    return "\n".join(lines)
