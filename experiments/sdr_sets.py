"""A set of M SDRs kept as a list or as a union: false positives and capacity.

Ahmad & Hawkins (arXiv:1503.07469, 2015) store a set of M random SDRs (w of N bits
active) in two ways and ask how often a random SDR is mistaken for a member:

- as a list, matched one by one ("classifying a set of vectors"): the query is a false
  positive when it overlaps any stored SDR in at least theta bits. Given the query, the
  M matches are independent, so the rate is exactly 1 - (1 - fp)^M, fp the
  single-SDR false match (``theory.dendritic.at_least_one`` of
  ``false_match_probability``); the paper bounds it by M fp (``union_bound``), which is
  tight for M fp << 1 and loose near 1.
- as their union (bitwise OR): the query is a false positive when it overlaps the
  union in at least theta bits (theta = w: it lies inside the union). The exact rate
  averages over the union's random size (``union_false_match_probability``,
  ``union_exact_match_probability``); the paper's formulas put the expected size in
  its place, and for theta = w also draw the query's bits independently,
  (1 - p0)^w, p0 = (1 - w/N)^M (``size="mean"``), which overestimates.

Monte Carlo: per sample ``stores`` independent sets, each probed by ``queries``
independent random SDRs; the rate is the fraction of queries mistaken, its standard
error the spread of that fraction over the sets (queries of one set share it). The
third panel is theory only: the largest union that keeps the exact-match false
positive rate below a target (``union_capacity``), exactly and by the paper's formula,
at the paper's codes (N = 1024, w = 20 and N = 2048, w = 40).
"""

import functools

import numpy as np

from assoc import mc, patterns
from theory import dendritic

QUICK = dict(
    store=("list", "union"),
    M=(1, 2, 4, 8, 12, 16, 32, 64, 128),
    N=128,
    w=8,
    theta=(2, 3, 7, 8),
    stores=40,
    queries=200,
    samples=4,
)
FULL = dict(
    store=("list", "union"),
    M=(1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128, 192, 256),
    N=128,
    w=8,
    theta=(2, 3, 7, 8),
    stores=200,
    queries=500,
    samples=20,
)
# The capacity panel: the paper's codes, and target false positive rates.
CODES = ((1024, 20), (2048, 40))
TARGETS = np.logspace(-40, -1, 79)


def check(cfg):
    """The sizes and thresholds, checked by the exact theory drawn beside the run."""
    dendritic.union_false_match_probability(
        cfg["N"], cfg["w"], np.asarray(cfg["theta"]), max(cfg["M"])
    )


def sample(store, M, *, N, w, theta, stores, queries, rng):
    """Queries mistaken for members of ``stores`` random sets of M SDRs (kept as a list
    or as their union), at every threshold in ``theta``: the hits summed over the sets
    and their squares summed (the spread of the hit fraction over the sets)."""
    thresholds = np.asarray(theta)
    members = patterns.pack_sdr(patterns.sdr_indices(stores * M, N, w, rng=rng), N)
    members = members.reshape(stores, M, -1)
    probes = patterns.pack_sdr(patterns.sdr_indices(stores * queries, N, w, rng=rng), N)
    probes = probes.reshape(stores, queries, -1)
    hits = np.empty((stores, thresholds.size), dtype=np.int64)
    for k in range(stores):
        kept = members[k] if store == "list" else patterns.sdr_union(members[k])[None]
        best = patterns.sdr_overlap(kept, probes[k]).max(axis=1)  # over the members
        hits[k] = np.count_nonzero(best[:, None] >= thresholds, axis=0)
    return {"hits": hits.sum(axis=0), "hits_squared": (hits * hits).sum(axis=0)}


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over (store, M) at every threshold, beside the exact rates, the
    papers' formulas and the union's capacity."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    ds = mc.run(
        functools.partial(sample, theta=tuple(int(t) for t in cfg["theta"])),
        {"store": list(cfg["store"]), "M": list(cfg["M"])},
        samples=cfg["samples"],
        seed=seed,
        params={key: cfg[key] for key in ("N", "w", "stores", "queries")},
        dims={"hits": ("theta",), "hits_squared": ("theta",)},
        executor=executor,
        store=store,
        progress=progress,
        attrs={"experiment": "sdr_sets"},
    )
    ds = ds.assign_coords(theta=list(cfg["theta"]))
    ds["store"].attrs["long_name"] = "how the M SDRs are kept: a list, or their union"
    sets, queries = ds.sizes["sample"] * cfg["stores"], cfg["queries"]
    mean = ds["hits"].sum("sample") / sets / queries
    second = ds["hits_squared"].sum("sample") / sets / queries**2
    ds["fp"] = mean
    ds["fp_se"] = np.sqrt(np.maximum(second - mean**2, 0.0) / (sets - 1))
    ds["fp"].attrs["long_name"] = "fraction of random queries mistaken for a member"
    ds["fp_se"].attrs["long_name"] = "its standard error (spread over the sets)"
    ds["hits"].attrs["long_name"] = "queries mistaken, summed over the sets of a sample"
    ds["hits_squared"].attrs["long_name"] = "squares of each set's count, summed"
    return add_theory(ds)


def add_theory(ds):
    """Exact rates, the paper's formulas, z-scores, and the union's capacity."""
    N, w = ds.attrs["N"], ds.attrs["w"]
    M, theta = ds["M"].values[:, None], ds["theta"].values[None, :]
    single = dendritic.false_match_probability(N, w, theta)
    exact = {
        "list": dendritic.at_least_one(single, M),
        "union": dendritic.union_false_match_probability(N, w, theta, M),
    }
    paper = {
        "list": dendritic.union_bound(single, M),
        "union": np.where(
            theta == w,
            dendritic.union_exact_match_probability(N, w, M, size="mean"),
            dendritic.union_false_match_probability(N, w, theta, M, size="mean"),
        ),
    }
    stores = ds["store"].values
    dims = ("store", "M", "theta")
    ds["fp_theory"] = (dims, np.stack([exact[s] for s in stores]))
    ds["fp_theory"].attrs["long_name"] = "exact: 1 - (1 - fp)^M (list), size-averaged (union)"
    ds["fp_paper"] = (dims, np.stack([paper[s] for s in stores]))
    ds["fp_paper"].attrs["long_name"] = (
        "Ahmad & Hawkins 2015: union bound M fp (list); mean union size, and (1 - p0)^w "
        "at theta = w (union)"
    )
    for name in ("theory", "paper"):
        z = (ds["fp"] - ds[f"fp_{name}"]) / ds["fp_se"]
        ds[f"z_{name}"] = z.where(ds["fp_se"] > 0)
        ds[f"z_{name}"].attrs["long_name"] = f"(Monte Carlo - fp_{name}) / standard error"

    ds = ds.assign_coords(target=TARGETS, code=[f"N={n}, w={k}" for n, k in CODES])
    capacity = [
        [[dendritic.union_capacity(n, k, r, size=size) for r in TARGETS] for n, k in CODES]
        for size in ("distribution", "mean")
    ]
    ds["capacity"] = (("size", "code", "target"), np.array(capacity, dtype=float))
    ds = ds.assign_coords(size=["exact", "paper"])
    ds["capacity"].attrs["long_name"] = (
        "largest union whose exact-match false positive rate is at most the target"
    )
    return ds


def plot(ds):
    """List false positives against M (Monte Carlo, exact, union bound); union false
    positives as a ratio to the exact rate (Monte Carlo, paper); the union's capacity."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained")
    N, w, theta = ds.attrs["N"], ds.attrs["w"], ds["theta"].values
    ax = axes[0]
    for i, t in enumerate(theta[theta < w - 2]):
        point = ds.sel(store="list", theta=t)
        seen = point["fp"].values > 0
        ax.errorbar(
            point["M"].values[seen],
            point["fp"].values[seen],
            yerr=point["fp_se"].values[seen],
            fmt="o",
            ms=4,
            capsize=2,
            mfc="none",
            color=f"C{i}",
            label=f"theta = {t}: Monte Carlo",
        )
        ax.plot(ds["M"], point["fp_theory"], "-", color=f"C{i}", label="exact 1 - (1 - fp)^M")
        ax.plot(ds["M"], point["fp_paper"], ":", color=f"C{i}", lw=1.5, label="union bound M fp")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylabel("probability that a random SDR is taken for a member")
    ax.set_title(f"a list of M SDRs (N = {N}, w = {w}): overlap >= theta with one", fontsize=9)

    ax = axes[1]
    for i, t in enumerate(theta[theta >= w - 1]):
        point = ds.sel(store="union", theta=t)
        exact = point["fp_theory"].values
        seen = point["fp"].values > 0
        ax.errorbar(
            point["M"].values[seen],
            point["fp"].values[seen] / exact[seen],
            yerr=point["fp_se"].values[seen] / exact[seen],
            fmt="o",
            ms=4,
            capsize=2,
            mfc="none",
            color=f"C{i}",
            label=f"theta = {t}: Monte Carlo",
        )
        paper = "(1 - p0)^w" if t == w else "Eq. (7) at the mean size"
        ax.plot(ds["M"], point["fp_paper"] / exact, ":", color=f"C{i}", lw=1.5, label=paper)
    ax.axhline(1.0, color="k", lw=1, label="exact (size-averaged)")
    ax.set_ylim(0.6, 2.2)  # the paper's (1 - p0)^w leaves the axis at small M (330 at M = 1)
    ax.set_xscale("log")
    ax.set_ylabel("false positive rate / exact rate")
    ax.set_title(f"their union (N = {N}, w = {w}): overlap >= theta", fontsize=9)
    for ax in axes[:2]:
        ax.set_xlabel("SDRs in the set, M")
        ax.legend(fontsize=7)

    ax = axes[2]
    for i, code in enumerate(ds["code"].values):
        for size, style in (("exact", "-"), ("paper", ":")):
            ax.step(
                ds["target"],
                ds["capacity"].sel(size=size, code=code),
                style,
                where="post",
                color=f"C{i}",
                label=f"{code}, {'exact' if size == 'exact' else '(1 - p0)^w'}",
            )
    ax.set_xscale("log")
    ax.set_xlabel("target false positive rate (exact match, theta = w)")
    ax.set_ylabel("largest union M (theory)")
    ax.set_title("capacity of a union (the paper's formula: often one less)", fontsize=9)
    ax.legend(fontsize=7)
    return fig


def resolved_points(ds):
    """Where the standard error describes the Monte Carlo: some query mistaken, and the
    rate below 0.99 (near 1 a few rare sets with a bit left off decide the mean, and
    its spread is far from Gaussian)."""
    return (ds["fp"] > 0) & (ds["fp"] < 0.99)


def summary(ds):
    """Largest deviations of the Monte Carlo from the exact rates and from the paper's,
    in standard errors, and the capacities."""
    lines = []
    for store in ds["store"].values:
        point = ds.sel(store=store)
        resolved = resolved_points(point)
        for name in ("theory", "paper"):
            z = np.abs(point[f"z_{name}"].where(resolved))
            where = z.argmax(...)
            at = {k: int(v) for k, v in where.items()}
            lines.append(
                f"{store:>5}: {'exact' if name == 'theory' else 'paper'} rate, max |z| = "
                f"{float(z.max()):.1f} at M = {int(point['M'][at['M']])}, "
                f"theta = {int(point['theta'][at['theta']])}; "
                f"{int(resolved.sum())} points resolved by the Monte Carlo"
            )
    for code in ds["code"].values:
        both = ds["capacity"].sel(code=code)
        differ = int((both.sel(size="exact") != both.sel(size="paper")).sum())
        lines.append(f"capacity, {code}: the paper's formula differs at {differ} targets")
    return "\n".join(lines)
