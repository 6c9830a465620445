"""Retrieval in the modern Hopfield network vs beta and P, beside Ramsauer et al.'s bound.

The modern continuous Hopfield network of Ramsauer et al. (ICLR 2021, arXiv:2008.02217),
s <- xi^T softmax(beta xi s), storing P patterns xi^mu of N = 64 dimensions of two
families:

- ``sphere``: random patterns on the sphere of radius max_norm = sqrt(N) = 8 (their
  Theorem 3);
- ``digits``: the 8 x 8 images of scikit-learn's handwritten digits (bundled, no
  download), centred by the mean image and scaled to the same sphere. Images of the same
  digit are close to each other: the patterns are far less separated than random ones.

Each query is a stored pattern xi^mu (the target) corrupted in one of two ways:
``noise``, moved a distance 0.1 max_norm in a random direction, or ``half``, its lower
half (the last 32 pixels) set to 0. Measured, over the queries of each sample:

- the error of one update, ||f(s) - xi^mu|| / max_norm, and, for the ``noise`` queries,
  the bound of Lemma A4 / Theorem 5, 2 eps M with eps = (P - 1) exp(-beta (Delta_mu -
  2 ||s - xi^mu|| M)), M = max_norm (``theory.modern.retrieval_error_bound``; capped at
  2 M, which every update satisfies since it lies in the convex hull of the patterns),
  and the fraction of queries within it (it must be 1); the fraction of targets that
  meet the well-separation condition (Lemma A7);
- the error at the fixed point the iteration reaches, and what that fixed point is
  (``ModernHopfield.fixed_point_kind``): a single pattern, a metastable average of a few,
  or the global average of all of them. At small beta every query falls into the global
  average; in between, metastable states (for the digits, averages over images of one
  digit) take over before single patterns are retrieved.

Theory on the beta axis: the number of random patterns on the sphere that Theorem 3
guarantees to store (failure probability 0.001), NaN where it guarantees none.
"""

import functools

import numpy as np

from assoc import mc, patterns
from assoc._validation import check_int
from assoc.models import ModernHopfield
from assoc.plot import errorbar
from theory import modern as theory

QUICK = dict(
    family=("sphere", "digits"),
    cue=("noise", "half"),
    beta=(0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
    P=(16, 128, 512),
    samples=2,
    queries=8,
    bound_queries=2,
)
FULL = dict(
    family=("sphere", "digits"),
    cue=("noise", "half"),
    beta=tuple(np.round(np.logspace(-2, 1, 13), 4)),
    P=(8, 32, 128, 512, 1024, 1797),
    samples=4,
    queries=32,
    bound_queries=8,
)
N = 64
RADIUS = np.sqrt(N)  # max_norm of every pattern
NOISE = 0.1  # distance of a noise cue from its target, in units of max_norm
P_FAIL = 1e-3  # failure probability of Theorem 3


@functools.cache
def digits():
    """The 1797 digit images as rows (float64), centred and scaled to norm sqrt(N)."""
    from sklearn.datasets import load_digits

    x = load_digits().data
    x = x - x.mean(axis=0)
    return RADIUS * x / np.linalg.norm(x, axis=1, keepdims=True)


def stored(kind, P, rng):
    """P patterns of the family ``kind``, float64 rows of norm sqrt(N)."""
    if kind == "sphere":
        return patterns.spherical(P, N, radius=RADIUS, rng=rng).astype(np.float64)
    images = digits()
    return images[rng.choice(images.shape[0], size=P, replace=False)]


def check(cfg):
    """At most as many patterns as there are digit images, where the digits are stored."""
    if "digits" in cfg["family"]:
        check_int("P", max(cfg["P"]), low=1, high=digits().shape[0])


def sample(family, cue, beta, P, *, queries, bound_queries, rng):
    """One set of stored patterns; one update and the fixed point from each query."""
    xi = stored(family, P, rng)
    q = min(queries, P)
    target = rng.choice(P, size=q, replace=False)
    x = xi[target]
    if cue == "noise":
        direction = patterns.spherical(q, N, radius=NOISE * RADIUS, rng=rng)
        s = x + direction.astype(np.float64)
    else:
        s = patterns.occlude(x, 0.5)
    net = ModernHopfield(beta=beta).store(xi)
    M = net.max_norm
    one_step = np.linalg.norm(net.update(s) - x, axis=1)
    r = net.recall(s, max_iter=200, tol=1e-6)
    kind = net.fixed_point_kind(r.s)
    top = np.argmax(net.weights(r.s), axis=1)
    out = {
        "error_one_step": np.mean(one_step) / M,
        "error_fixed": np.mean(np.linalg.norm(r.s - x, axis=1)) / M,
        "retrieved": np.mean((kind == "single") & (top == target)),
        "single": np.mean(kind == "single"),
        "metastable": np.mean(kind == "metastable"),
        "global": np.mean(kind == "global"),
        "iterations": r.sweeps.mean(),
        "converged": r.converged.mean(),
        "separated": np.mean(theory.well_separated(xi, beta)[target]) if P > 1 else 1.0,
        "bound": np.nan,
        "bound_holds": np.nan,
    }
    if cue == "noise" and P > 1:
        b = min(bound_queries, q)
        bound = np.minimum(theory.retrieval_error_bound(xi, s[:b], beta, target[:b]), 2 * M)
        out["bound"] = np.mean(bound) / M
        out["bound_holds"] = np.mean(one_step[:b] <= bound)
    return out


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Run the Monte Carlo over (family, cue, beta, P) and add Theorem 3's capacity."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        sample,
        {key: list(cfg[key]) for key in ("family", "cue", "beta", "P")},
        samples=cfg["samples"],
        seed=seed,
        params={"queries": cfg["queries"], "bound_queries": cfg["bound_queries"]},
        executor=executor,
        store=store,
        progress=progress,
        attrs={
            "experiment": "modern_retrieval",
            "model": "ModernHopfield, softmax, dot product",
            "N": N,
            "max_norm": RADIUS,
            "noise": NOISE,
        },
    )
    _describe(ds)
    return add_theory(ds)


LONG_NAMES = {
    "error_one_step": "||f(s) - xi^mu|| / max_norm after one update (mean over queries)",
    "error_fixed": "||s* - xi^mu|| / max_norm at the fixed point (mean over queries)",
    "retrieved": "fraction of fixed points that are the target pattern alone",
    "single": "fraction of fixed points near a single pattern",
    "metastable": "fraction of fixed points averaging a few patterns",
    "global": "fraction of fixed points averaging over more than P/2 patterns",
    "iterations": "updates to convergence (mean over queries)",
    "converged": "fraction of queries that converged",
    "separated": "fraction of targets meeting the well-separation condition (Lemma A7)",
    "bound": "Ramsauer's bound 2 eps M / max_norm, capped at 2 (noise cues; NaN: half cues)",
    "bound_holds": "fraction of queries whose one-step error is within the bound",
    "P_theorem3": (
        f"random patterns on the sphere stored with probability {1 - P_FAIL} (Theorem 3;"
        " NaN: no guarantee)"
    ),
}
"""The ``long_name`` of every variable of the Dataset."""


def _describe(ds):
    for name, text in LONG_NAMES.items():
        if name in ds:
            ds[name].attrs["long_name"] = text


def add_theory(ds):
    """Theorem 3's guaranteed number of random patterns on the sphere, on the beta axis."""
    capacity = []
    for beta in ds["beta"].values:
        try:
            capacity.append(theory.storage_capacity(N, P_FAIL, float(beta), RADIUS))
        except ValueError:  # the theorem guarantees nothing at this beta
            capacity.append(np.nan)
    ds["P_theorem3"] = ("beta", capacity)
    _describe(ds)
    return ds


def plot(ds):
    """One-step error and bound vs beta; fixed-point error vs P; fixed-point kinds vs beta."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), layout="constrained")
    P_mid = ds["P"].values[len(ds["P"]) // 2]
    beta_ref = ds["beta"].values[np.argmin(np.abs(np.log(ds["beta"].values)))]
    colours = {"sphere": "C0", "digits": "C3"}
    for kind, colour in colours.items():
        point = ds.sel(family=kind, cue="noise", P=P_mid)
        errorbar(
            axes[0], point["error_one_step"], "beta", color=colour, label=f"{kind}: one update"
        )
        bound = point["bound"].mean("sample")
        axes[0].plot(
            point["beta"], bound, color=colour, ls="--", label=f"{kind}: bound (capped at 2)"
        )
        for cue, marker in (("noise", "o"), ("half", "s")):
            errorbar(
                axes[1],
                ds["error_fixed"].sel(family=kind, cue=cue, beta=beta_ref),
                "P",
                color=colour,
                fmt=marker + "-",
                mfc="none" if cue == "half" else colour,
                label=f"{kind}, {cue} cue",
            )
        point = ds.sel(family=kind, cue="half", P=P_mid)
        for name, style in (("single", "-"), ("metastable", "--"), ("global", ":")):
            axes[2].plot(
                point["beta"],
                point[name].mean("sample"),
                color=colour,
                ls=style,
                marker="o",
                ms=3,
                label=f"{kind}: {name}",
            )
    axes[0].set_xscale("log")
    axes[0].set_yscale("log")
    axes[0].axhline(np.finfo(np.float64).eps, color="grey", lw=0.8, ls=":")
    axes[0].set_ylim(1e-17, 5)
    axes[0].set_xlabel("beta")
    axes[0].set_ylabel("||f(s) - xi^mu|| / max_norm (dotted: float64 epsilon)")
    axes[0].set_title(f"one update from 0.1 max_norm away, P = {P_mid}", fontsize=9)
    axes[0].legend(fontsize=7)
    axes[1].set_xscale("log")
    axes[1].set_xlabel("P stored patterns")
    axes[1].set_ylabel("||s* - xi^mu|| / max_norm at the fixed point")
    axes[1].set_title(f"beta = {beta_ref:g}", fontsize=9)
    axes[1].legend(fontsize=7)
    axes[2].set_xscale("log")
    axes[2].set_xlabel("beta")
    axes[2].set_ylabel("fraction of fixed points")
    axes[2].set_title(f"half-masked cues, P = {P_mid}", fontsize=9)
    axes[2].legend(fontsize=7)
    fig.suptitle("Modern Hopfield network (N = 64): retrieval beside Ramsauer et al.'s bound")
    return fig


def summary(ds):
    """A few lines for the terminal."""
    lines = [
        f"bound holds for {float(ds['bound_holds'].mean()):.3f} of the noise queries (must be 1)"
    ]
    beta_ref = ds["beta"].values[np.argmin(np.abs(np.log(ds["beta"].values)))]
    for kind in ds["family"].values:
        for cue in ds["cue"].values:
            p = ds.sel(family=kind, cue=cue, beta=beta_ref)
            error = p["error_fixed"].mean("sample").values
            retrieved = p["retrieved"].mean("sample").values
            cells = ", ".join(
                f"P={P}: {e:.3f}/{r:.2f}" for P, e, r in zip(ds["P"].values, error, retrieved)
            )
            lines.append(f"{kind:6s} {cue:5s} beta={beta_ref:g} error/retrieved: {cells}")
    return "\n".join(lines)
