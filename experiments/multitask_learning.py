"""Learning archetypes from noisy examples: archetype overlap vs the number of examples M.

A multitasking network learns P diluted archetypes from M examples each (quality r,
dataset entropy rho = (1 - r^2)/(M r^2)), supervised (Hebb on the example sums of each
archetype) or unsupervised (Hebb on every example), as in Agliari, Alessandrelli, Barra &
Ricci-Tersenghi, J. Stat. Mech. (2023) 113401. Zero-temperature dynamics from random
starts; each run's sorted overlaps with the archetypes are matched to the nearest stable
state of the protocol's low-load theory (within ``match``) and classed: the global
minimum ("ground"), the unsupervised state that follows single examples,
m_k = r (1 - d) d^(k-1) ("example", whether or not it is the global minimum), another
stable state, or none ("unmatched").

Theory. Supervised: `theory.multitask.learned_solutions`, whose P = 1 ground state is
the exact majority vote (large-M limit (1 - d) erf(1/sqrt(2 entropy))). Unsupervised:
the example-by-example theory `unsupervised_solutions`, whose order parameters are the
overlaps with all P M examples, where its (2^M + 1)^P site configurations are at most
``EXAMPLE_CONFIGURATIONS``; beyond, the exchangeable theory the two protocols share
(`learned_solutions`), which has no single-example states. At small M the unsupervised
network keeps its examples as attractors: for P = 1 the single-example state is stable
for (M - 1) r^2 < 1 and is the global minimum for M <= 4 at r = 0.4, d = 0.2, so the
exchangeable theory does not describe it there.

In the full run (N = 10000) every class mean lies within 1.03/sqrt(N) of the states its
runs matched; where the 8 samples agree closely that is up to 20 standard errors (P = 2,
M = 12, unsupervised: 0.006 in m_1), a finite-N shift that the N -> infinity theory at
fixed P M leaves out.
"""

import functools
import itertools

import numpy as np
import xarray as xr

from assoc import mc, patterns
from assoc._validation import check_int, check_real
from assoc.models import Multitask
from theory import multitask as mt

QUICK = dict(
    N=3000,
    P=(1, 2),
    M=(1, 2, 3, 4, 8, 16, 32),
    protocol=("supervised", "unsupervised"),
    d=0.2,
    r=0.4,
    samples=4,
    starts=4,
    match=0.05,
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
    match=0.03,
)
P_MAX = 3
EXAMPLE_CONFIGURATIONS = 5000
CLASSES = ("example", "ground", "other stable", "unmatched")
COLOURS = ("C3", "C0", "C2", "k")


def check(cfg):
    """At most P_MAX patterns (the overlaps are kept padded to P_MAX), dilution in [0, 1]."""
    for P in cfg["P"]:
        check_int("P", P, low=1, high=P_MAX)
    check_real("d", cfg["d"], low=0.0, high=1.0)
    check_real("r", cfg["r"], low=0.0, high=1.0)


def sample(protocol, P, M, *, N, d, r, starts, rng):
    """Learn P archetypes from M examples each; each run's sorted archetype overlaps."""
    xi = patterns.diluted_spins(P, N, d, rng=rng)
    eta = patterns.noisy_examples(xi, M, r, rng=rng)
    net = Multitask(N).learn(eta, r=r, supervised=protocol == "supervised", xi=xi)
    m = net.recall(patterns.random_spins(starts, N, rng=rng), rng=rng, max_sweeps=1000).m
    out = np.full((starts, P_MAX), np.nan)
    out[:, :P] = -np.sort(-np.abs(m), axis=1)
    return {"m": out}


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run the Monte Carlo over (protocol, P, M) and class every run by the theory."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {"protocol": list(cfg["protocol"]), "P": list(cfg["P"]), "M": list(cfg["M"])},
        samples=cfg["samples"],
        seed=seed,
        params={key: cfg[key] for key in ("N", "d", "r", "starts")},
        dims={"m": ("start", "k")},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "multitask_learning", "match": cfg["match"]},
    )
    ds = ds.assign_coords(k=np.arange(1, P_MAX + 1), state=list(CLASSES))
    ds["m"].attrs["long_name"] = "sorted overlaps with the archetypes of each run"
    return add_theory(ds)


def example_level(protocol, P, M):
    """Whether the unsupervised theory is taken example by example (small M)."""
    return protocol == "unsupervised" and (2 ** int(M) + 1) ** int(P) <= EXAMPLE_CONFIGURATIONS


def stable_states(protocol, P, M, d, r):
    """The stable states of the protocol's theory at T = 0 (sorted overlaps, padded to
    P_MAX; the global minimum first) and each one's class index: "example" for the
    unsupervised single-example state (the global minimum at small M), "ground" for the
    global minimum otherwise, "other stable" for the rest."""
    m = _stable_overlaps(example_level(protocol, P, M), P, M, d, r)
    classes = np.full(len(m), CLASSES.index("other stable"))
    classes[0] = CLASSES.index("ground")  # the global minimum comes first
    if protocol == "unsupervised":  # the single-example state, ground state or not
        example = np.all(np.abs(m[:, :P] - r * mt.hierarchical_state(d, P)) < 1e-9, axis=1)
        classes[example] = CLASSES.index("example")
    return m, classes


@functools.cache
def _stable_overlaps(by_example, P, M, d, r):
    """Stable states of the example-by-example (unsupervised) or the exchangeable theory
    at T = 0, sorted overlaps padded to P_MAX; each solved once (the protocols share the
    exchangeable one)."""
    solve = mt.unsupervised_solutions if by_example else mt.learned_solutions
    s = solve(d, 0.0, P, M, r)
    m = np.full((int(s.stable.sum()), P_MAX), np.nan)
    m[:, :P] = s.m[s.stable]
    m.flags.writeable = False
    return m


def classify(m, states, classes, match):
    """For each run (rows of m, shape (runs, P)): the class of the nearest stable state
    and its overlaps (padded to P_MAX); "unmatched" and NaN beyond ``match``."""
    gap = np.max(np.abs(m[:, None, :] - states[None, :, :]), axis=-1)
    nearest = np.argmin(gap, axis=1)  # ties go to the lower free energy
    close = gap[np.arange(len(m)), nearest] <= match
    label = np.where(close, classes[nearest], CLASSES.index("unmatched"))
    theory = np.full((len(m), P_MAX), np.nan)
    theory[close, : m.shape[1]] = states[nearest[close]]
    return label, theory


def add_theory(ds):
    """Stable states, the class of every run, class fractions and overlaps; the ground
    states of both protocols, the single-example state, the P = 1 majority vote and its
    limit."""
    d, r, match = ds.attrs["d"], ds.attrs["r"], ds.attrs["match"]
    protocols, P, M = ds["protocol"].values, ds["P"].values, ds["M"].values
    ground = np.full((protocols.size, P.size, M.size, P_MAX), np.nan)
    example = np.full((P.size, M.size, P_MAX), np.nan)
    by_example = np.zeros((protocols.size, P.size, M.size), dtype=bool)
    label = np.empty(ds["m"].shape[:-1], dtype=int)
    matched = np.full(ds["m"].shape, np.nan)
    found_states = {
        (protocol, p, m): stable_states(protocol, p, m, d, r)
        for protocol, p, m in itertools.product(protocols, P, M)
    }
    most = max(len(classes) for _, classes in found_states.values())
    m_stable = np.full((protocols.size, P.size, M.size, most, P_MAX), np.nan)
    grid = itertools.product(enumerate(protocols), enumerate(P), enumerate(M))
    for (a, protocol), (b, p), (c, m) in grid:
        states, classes = found_states[(protocol, p, m)]
        m_stable[a, b, c, : len(states)] = states
        ground[a, b, c] = states[0]
        by_example[a, b, c] = example_level(protocol, p, m)
        if np.any(classes == CLASSES.index("example")):
            example[b, c, :p] = r * mt.hierarchical_state(d, p)
        runs = ds["m"].values[a, b, c].reshape(-1, P_MAX)[:, :p]
        found, theory = classify(runs, states[:, :p], classes, match)
        label[a, b, c] = found.reshape(label.shape[3:])
        matched[a, b, c] = theory.reshape(matched.shape[3:])
    ds["m_stable"] = (("protocol", "P", "M", "solution", "k"), m_stable)
    ds["m_stable"].attrs["long_name"] = "stable states of the protocol's T = 0 theory"
    ds["m_theory"] = (("protocol", "P", "M", "k"), ground)
    ds["m_theory"].attrs["long_name"] = "global minimum of the protocol's T = 0 theory"
    ds["example_level"] = (("protocol", "P", "M"), by_example)
    ds["example_level"].attrs["long_name"] = "unsupervised theory taken example by example"
    ds["m_example"] = (("P", "M", "k"), example)
    ds["m_example"].attrs["long_name"] = (
        "single-example state r (1 - d) d^(k-1) where the unsupervised theory has it stable"
    )
    ds["run_state"] = (("protocol", "P", "M", "sample", "start"), label)
    ds["run_state"].attrs["long_name"] = "class of each run's nearest stable state"
    ds["m_matched"] = (("protocol", "P", "M", "sample", "start", "k"), matched)
    ds["m_matched"].attrs["long_name"] = "overlaps of the stable state each run matched"

    code = xr.DataArray(np.arange(len(CLASSES)), coords={"state": ds["state"]})
    member = ds["run_state"] == code
    count = member.sum(("sample", "start"))
    ds["runs"] = count
    ds["fraction"] = count / (ds.sizes["sample"] * ds.sizes["start"])
    ds["fraction"].attrs["long_name"] = "fraction of runs ending in each class of state"
    # Runs of one sample share its archetypes and examples: the samples are the units.
    per_sample = ds["m"].where(member).mean("start")
    samples = per_sample.isel(k=0).notnull().sum("sample")
    ds["samples_in_state"] = samples
    ds["m_state"] = per_sample.mean("sample")
    ds["m_state_se"] = per_sample.std("sample", ddof=1) / np.sqrt(samples.where(samples > 1))
    ds["m_state_theory"] = ds["m_matched"].where(member).mean("start").mean("sample")
    ds["m_state"].attrs["long_name"] = "sorted overlaps of the runs in each class"
    ds["m_state_se"].attrs["long_name"] = "its standard error (spread over samples)"
    ds["m_state_theory"].attrs["long_name"] = "mean of the stable states those runs matched"

    ds["entropy"] = ("M", [mt.dataset_entropy(x, r) for x in M])
    ds["entropy"].attrs["long_name"] = "dataset entropy (1 - r^2) / (M r^2)"
    ds["m_majority"] = ("M", [mt.majority_overlap(d, x, r) for x in M])
    ds["m_majority"].attrs["long_name"] = "P = 1 majority vote, exact at finite M"
    ds["m_limit"] = ("M", [mt.majority_overlap_limit(d, x) for x in ds["entropy"].values])
    ds["m_limit"].attrs["long_name"] = "large-M limit (1 - d) erf(1/sqrt(2 entropy)), P = 1"
    return ds


def deviations(ds):
    """(class mean - theory) / standard error, for classes seen in at least 3 samples and
    overlaps the theory puts above 3 / sqrt(N)."""
    floor = 3 / np.sqrt(ds.attrs["N"])
    z = (ds["m_state"] - ds["m_state_theory"]) / ds["m_state_se"]
    return z.where((ds["samples_in_state"] >= 3) & (ds["m_state_theory"] > floor))


def plot(ds):
    """Per P: every stable state of the theory, the global minima and the single-example
    state, with the runs (class means of "example" and "ground", each run of the other
    classes); below, the fraction of runs in each class."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    nP = ds.sizes["P"]
    fig, axes = plt.subplots(
        2, nP, figsize=(4.8 * nP, 7.6), layout="constrained", squeeze=False, height_ratios=(3, 2)
    )
    markers = {"supervised": "o", "unsupervised": "s"}
    lines = {"supervised": "-", "unsupervised": "--"}
    shift = {"supervised": 0.97, "unsupervised": 1.03}
    for a, P in enumerate(ds["P"].values):
        ax = axes[0, a]
        for protocol in ds["protocol"].values:
            cut = ds.sel(protocol=protocol, P=P)
            M = ds["M"].values * shift[protocol]
            stable = cut["m_stable"].isel(k=slice(0, P)).values  # (M, solution, k)
            ax.plot(np.broadcast_to(M[:, None, None], stable.shape).ravel(), stable.ravel(),
                    "_", color="0.6", ms=6)  # fmt: skip
            runs = cut["m"].isel(k=slice(0, P)).values  # (M, sample, start, k)
            for state in ("other stable", "unmatched"):
                where = (cut["run_state"] == CLASSES.index(state)).values[..., None]
                x = np.broadcast_to(M[:, None, None, None], runs.shape)[
                    np.broadcast_to(where, runs.shape)
                ]
                colour = COLOURS[CLASSES.index(state)]
                ax.plot(x, runs[np.broadcast_to(where, runs.shape)], ".", color=colour, ms=2)
            for k in range(P):
                ax.plot(M, cut["m_theory"].isel(k=k), lines[protocol], color=f"C{k}", lw=1)
                for name in ("example", "ground"):
                    point = cut.sel(state=name).isel(k=k)
                    ax.errorbar(
                        M,
                        point["m_state"],
                        yerr=point["m_state_se"],
                        fmt=markers[protocol],
                        ms=4,
                        capsize=0,
                        color=f"C{k}",
                        mec=COLOURS[CLASSES.index(name)],
                        mfc=f"C{k}" if name == "ground" else "none",
                    )
        for k in range(P):
            ax.plot(ds["M"], ds["m_example"].sel(P=P).isel(k=k), ":", color=f"C{k}", lw=2)
        if P == 1:
            ax.plot(ds["M"], ds["m_limit"], color="0.5", ls="-.", lw=1)
        ax.set_xscale("log")
        ax.set_xlabel("examples per archetype M")
        ax.set_ylabel("sorted overlaps with the archetypes")
        unsupervised = ds["example_level"].sel(protocol="unsupervised", P=P)
        M_max = int(ds["M"].where(unsupervised).max()) if unsupervised.any() else 0
        ax.set_title(
            f"P = {P}, d = {ds.attrs['d']}, r = {ds.attrs['r']}\nunsupervised theory "
            f"example by example for M <= {M_max}, exchangeable beyond",
            fontsize=8,
        )

        ax = axes[1, a]
        for protocol in ds["protocol"].values:
            for state, name in enumerate(CLASSES):
                fraction = ds["fraction"].sel(protocol=protocol, P=P, state=name)
                if (fraction > 0).any():
                    ax.plot(ds["M"], fraction, lines[protocol], color=COLOURS[state])
        ax.set_xscale("log")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("examples per archetype M")
        ax.set_ylabel("fraction of runs")
    handles = [Line2D([], [], ls=lines[p], marker=markers[p], color="k") for p in lines]
    handles += [Line2D([], [], ls="-", marker="o", mfc="none", color=c) for c in COLOURS]
    handles += [
        Line2D([], [], ls=":", lw=2, color="k"),
        Line2D([], [], ls="", marker="_", color="0.6"),
        Line2D([], [], ls="-.", color="0.5"),
    ]
    labels = [*lines, *(f"class: {name}" for name in CLASSES)]
    labels += ["single-example state", "stable states", "P = 1, large-M limit"]
    fig.legend(handles, labels, loc="outside lower center", ncols=5, fontsize=8)
    fig.suptitle(
        f"Learning from examples, N = {ds.attrs['N']}: each run classed by the nearest "
        f"stable state (within {ds.attrs['match']:g})",
        fontsize=10,
    )
    return fig


def summary(ds):
    """Where the runs end, and the largest class deviation from theory, per protocol."""
    lines = []
    z = np.abs(deviations(ds))
    for protocol in ds["protocol"].values:
        shares = ds["fraction"].sel(protocol=protocol).mean(("P", "M"))
        text = ", ".join(f"{n} {float(shares.sel(state=n)):.0%}" for n in CLASSES)
        worst = float(z.sel(protocol=protocol).max())
        lines.append(
            f"{protocol:12s} runs end in: {text}; largest |class mean - theory| = "
            f"{worst:.1f} standard errors"
        )
    P1 = ds.sel(P=ds["P"].values[0], M=ds["M"].values[-1], k=1)
    lines.append(
        f"P = {int(P1['P'])}, M = {int(P1['M'])}: supervised ground state "
        f"{float(P1['m_theory'].sel(protocol='supervised')):.3f}, majority vote "
        f"{float(P1['m_majority']):.3f}"
    )
    return "\n".join(lines)
