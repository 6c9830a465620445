"""The optimal NMDA threshold: false positives against false negatives under noise.

Raising a segment's threshold theta cuts its false positives (Eq. (1) of Hawkins &
Ahmad, Front. Neural Circuits 10:23, 2016) and costs false negatives when noise
replaces some of the pattern's active cells (Ahmad & Hawkins, arXiv:1601.00720,
robustness to noise); their sum has a minimum at an intermediate theta.

Two parts, on one theta axis:

- Monte Carlo at one population where every rate can be measured (N = 500, w = 50, a
  segment of 20 synapses, v cells of each pattern replaced): false positives,
  false negatives and their sum against theta, with ``theory.dendritic`` beside, and
  the threshold where the sum is least, simulated and predicted.
- The optimal-threshold figure of Ahmad & Hawkins (2016): the median false positive
  rate over their grid of populations (N = 1000 ... 17000, w / N = 0.5 ... 3 %,
  20 ... 50 synapses; the grid of the authors' script), falling by ten orders of
  magnitude from theta = 3 to 12; and, with a fraction of each pattern's cells replaced
  by noise, the median of false positives plus false negatives over the grid points
  where the segment fits in its pattern (synapses <= w), whose minimum is the typical
  optimal threshold
  (``theory.dendritic.threshold_scan``).

Monte Carlo: per sample ``stored`` patterns, one segment each, probed by noisy copies
(false negatives: own segment silent; false positives: another pattern's segment
fires, pairs mu < nu). Every theta comes from the same overlaps. Rates carry
Clopper-Pearson intervals; the interval of the sum adds the ends of the two 97.5 %
intervals (at least 95 %).
"""

import numpy as np

from experiments import _sdr
from theory import dendritic

QUICK = dict(N=500, w=50, synapses=20, v=(15, 20, 25), stored=200, samples=5, noise=(0.1, 0.3))
FULL = dict(
    N=500, w=50, synapses=20, v=(15, 20, 25), stored=1000, samples=40, noise=(0.1, 0.2, 0.3)
)

# The grid of the optimal-threshold figure (the authors' compute_optimal_threshold.py).
GRID_N = np.arange(1000, 21000, 4000)
GRID_SPARSITY = np.array([0.005, 0.01, 0.015, 0.02, 0.025, 0.03])
GRID_SYNAPSES = np.arange(20, 51, 5)


def check(cfg):
    """The sizes and noise levels, checked by the theory beside the run."""
    _sdr.check_recognition(cfg, np.arange(1, cfg["synapses"] + 1))


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over the noise v (every theta at once), the theory, and the scan."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    theta = np.arange(1, cfg["synapses"] + 1)
    ds = _sdr.recognition_dataset(
        cfg, theta, "sdr_optimal_threshold",
        seed=seed, executor=executor, store=store, progress=progress,
    )  # fmt: skip
    ds["error"] = ds["fp"] + ds["fn"]
    ds["error"].attrs["long_name"] = "false positives plus false negatives, Monte Carlo"
    fp, fn = (_sdr.pooled_interval(ds, name, level=0.975) for name in ("fp", "fn"))
    ds["error_low"] = fp[2] + fn[2]
    ds["error_high"] = np.minimum(fp[3] + fn[3], 2.0)
    for bound in ("low", "high"):
        ds[f"error_{bound}"].attrs["long_name"] = (
            f"{bound} end of a >= 95% interval of error (sum of the 97.5% ends)"
        )

    ds["error_theory"] = ds["fp_theory"] + ds["fn_theory"]
    ds["error_theory"].attrs["long_name"] = "P_FP + P_FN"
    ds["theta_opt_theory"] = ds["error_theory"].idxmin("theta")
    ds["theta_opt_theory"].attrs["long_name"] = "theta minimising P_FP + P_FN"
    resolved = ds["error"].min("theta") > 0
    ds["theta_opt"] = ds["error"].idxmin("theta").astype(float).where(resolved)
    ds["theta_opt"].attrs["long_name"] = (
        "theta minimising the Monte Carlo error (NaN: no error seen at the minimum)"
    )
    return add_scan(ds, cfg["noise"])


def add_scan(ds, noise):
    """The median false positive rate over the figure's grid, and the median error at
    each noise fraction over the grid points with synapses <= w; their minimising
    thetas."""
    theta = ds["theta"].values
    grid = np.meshgrid(GRID_N, GRID_SPARSITY, GRID_SYNAPSES)
    N, sparsity, synapses = (x.ravel() for x in grid)
    w = np.rint(sparsity * N).astype(int)
    fp = dendritic.segment_false_positive(N[:, None], w[:, None], synapses[:, None], theta)
    ds["scan_fp_median"] = ("theta", np.median(fp, axis=0))
    ds["scan_fp_median"].attrs["long_name"] = (
        f"median P_FP over the grid of Ahmad & Hawkins 2016 ({N.size} populations)"
    )
    fits = synapses <= w
    error, best = [], []
    for f in noise:
        scan = dendritic.threshold_scan(
            N[fits], w[fits], synapses[fits], np.rint(f * w[fits]).astype(int), theta=theta
        )
        error.append(scan.summary)
        best.append(scan.theta_opt)
    ds = ds.assign_coords(noise=np.asarray(noise, dtype=float))
    ds["noise"].attrs["long_name"] = "fraction of each pattern's active cells replaced"
    ds["scan_error_median"] = (("noise", "theta"), np.array(error))
    ds["scan_error_median"].attrs["long_name"] = (
        f"median P_FP + P_FN over the grid points with synapses <= w ({int(fits.sum())})"
    )
    ds["scan_theta_opt"] = ("noise", np.array(best))
    ds["scan_theta_opt"].attrs["long_name"] = "theta minimising scan_error_median"
    return ds


def plot(ds):
    """Left: the Monte Carlo population; right: the scan over the figure's grid."""
    import matplotlib.pyplot as plt

    fig, (ax, right) = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["v"]))
    for v, colour in zip(ds["v"].values, colours):
        point = ds.sel(v=v)
        seen = (point["fp_hits"] + point["fn_hits"]).sum("sample").values > 0
        _sdr.plot_rate(
            ax, point, "error", "theta", color=colour, label=f"FP + FN, v = {v}", seen=seen
        )
        ax.plot(ds["theta"], point["fn_theory"], "--", color=colour, lw=0.8)
        best = int(point["theta_opt_theory"])
        ax.plot(best, float(point["error_theory"].sel(theta=best)), "*", color=colour, ms=10)
    ax.plot(ds["theta"], ds["fp_theory"].isel(v=0), "k--", lw=0.8, label="FP alone, theory")
    ax.plot([], [], "--", color=colours[-1], lw=0.8, label="FN alone, theory")
    _sdr.floor_note(ax, int(ds["fn_trials"].sum("sample").min()))
    ax.set_yscale("log")
    ax.set_ylim(1e-7, 2)
    ax.set_xlabel("NMDA threshold theta")
    ax.set_ylabel("probability of an error")
    ax.set_title(
        f"N = {ds.attrs['N']}, w = {ds.attrs['w']}, {ds.attrs['synapses']} synapses; "
        "stars: optimal theta (theory)",
        fontsize=9,
    )
    ax.legend(fontsize=7, loc="lower right")

    right.plot(ds["theta"], ds["scan_fp_median"], "k-", label="median FP (no noise)")
    colours = plt.cm.plasma(np.linspace(0, 0.8, ds.sizes["noise"]))
    for f, colour in zip(ds["noise"].values, colours):
        curve = ds["scan_error_median"].sel(noise=f)
        best = int(ds["scan_theta_opt"].sel(noise=f))
        right.plot(ds["theta"], curve, "-", color=colour, label=f"median FP + FN, noise {f:.0%}")
        right.plot(best, float(curve.sel(theta=best)), "*", color=colour, ms=10)
    right.set_yscale("log")
    right.set_xlabel("NMDA threshold theta")
    right.set_ylabel("median over the grid of populations")
    right.set_title("the grid of Ahmad & Hawkins 2016 (theory)", fontsize=9)
    right.legend(fontsize=7)
    return fig


def summary(ds):
    """A few lines for the terminal."""
    lines = [_sdr.consistency(ds, "fp"), _sdr.consistency(ds, "fn")]
    for v in ds["v"].values:
        point = ds.sel(v=v)
        best = int(point["theta_opt_theory"])
        line = (
            f"v = {v}: optimal theta {best} (theory, error "
            f"{float(point['error_theory'].sel(theta=best)):.2e}); Monte Carlo: "
        )
        if np.isfinite(point["theta_opt"]):
            found = int(point["theta_opt"])
            line += f"theta {found}, error {float(point['error'].sel(theta=found)):.2e}"
        else:
            line += "no error seen at the minimum (below 1 / trials)"
        lines.append(line)
    for f in ds["noise"].values:
        lines.append(
            f"grid, noise {f:.0%}: typical optimal theta {int(ds['scan_theta_opt'].sel(noise=f))}"
        )
    return "\n".join(lines)
