"""False negatives of a dendritic segment against noise, for several NMDA thresholds.

A segment holds 30 synapses onto cells of a pattern of w = 128 active cells. The
input is the pattern with v of its active cells replaced by random others (noise v / w);
the segment misses it when fewer than theta of its synapses stay active. The miss rate
is a hypergeometric tail (``theory.dendritic.segment_false_negative``, Ahmad & Hawkins,
arXiv:1601.00720, robustness to noise): with theta = 8 the segment still recognises
its pattern at 40 % noise with a miss rate near 3e-6 (7e-4 at 50 %); raising theta buys fewer false
positives at the price of robustness, which the false positive rate of the same
segments on the other patterns' cues shows (``fp``, Eq. (1) of Hawkins & Ahmad, Front.
Neural Circuits 10:23, 2016). This is the noise figure of Ahmad & Hawkins (2016).

Monte Carlo: ``stored`` patterns of w random cells out of N per sample, one segment
each; every pattern is probed by a noisy copy. A false negative is a cue its own
segment misses; a false positive is a cue that fires another pattern's segment
(pairs mu < nu, so that the counts are binomial). Rates carry Clopper-Pearson
intervals; below about 1 / trials the figure shows theory only.
"""

import numpy as np

from experiments import _sdr

NOISE = "fraction of the active cells replaced, v / w"

QUICK = dict(
    N=2048,
    w=128,
    synapses=30,
    theta=(8, 12, 16),
    v=(13, 26, 38, 51, 64, 77, 90),
    stored=200,
    samples=5,
)
FULL = dict(
    N=2048,
    w=128,
    synapses=30,
    theta=(8, 12, 16),
    v=(6, 13, 19, 26, 32, 38, 45, 51, 58, 64, 70, 77, 83, 90, 96, 102),
    stored=1000,
    samples=100,
)


def check(cfg):
    """The sizes, noise levels and thresholds, checked by the theory beside the run."""
    _sdr.check_recognition(cfg, np.asarray(cfg["theta"]))


def run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides):
    """Monte Carlo over the noise v (every theta from the same overlaps) beside theory."""
    cfg = {**(QUICK if quick else FULL), **overrides}
    theta = np.asarray(cfg["theta"])
    ds = _sdr.recognition_dataset(
        cfg, theta, "sdr_noise_robustness",
        seed=seed, executor=executor, store=store, progress=progress,
    )  # fmt: skip
    ds = ds.assign_coords(noise=("v", ds["v"].values / cfg["w"]))
    ds["noise"].attrs["long_name"] = NOISE
    return ds


def plot(ds):
    """False negatives against noise, one curve per theta; false positives beside."""
    import matplotlib.pyplot as plt

    fig, (ax, right) = plt.subplots(
        1, 2, figsize=(11, 4.5), layout="constrained", width_ratios=(2, 1)
    )
    colours = plt.cm.viridis(np.linspace(0, 0.85, ds.sizes["theta"]))
    for theta, colour in zip(ds["theta"].values, colours):
        point = ds.sel(theta=theta)
        _sdr.plot_rate(ax, point, "fn", "noise", color=colour, label=f"theta = {theta}")
    _sdr.floor_note(ax, int(ds["fn_trials"].sum("sample").min()))
    ax.set_yscale("log")
    ax.set_xlabel("noise: fraction v / w of the active cells replaced")
    ax.set_ylabel("probability of a false negative")
    ax.set_title(
        f"segment of {ds.attrs['synapses']} synapses on a pattern of w = {ds.attrs['w']}",
        fontsize=9,
    )
    ax.legend(fontsize=7)
    # to the other patterns' segments the cues are random patterns at any noise: pool v
    hits = ds["fp_hits"].sum(("v", "sample"))
    trials = int(ds["fp_trials"].sum(("v", "sample")))
    low, high = _sdr.binomial_interval(hits.values, trials)
    rate = hits.values / trials
    seen = hits.values > 0
    right.plot(ds["theta"], ds["fp_theory"].isel(v=0), "k-", lw=1.2, label="theory, Eq. (1)")
    right.errorbar(
        ds["theta"].values[seen],
        rate[seen],
        yerr=[rate[seen] - low[seen], high[seen] - rate[seen]],
        fmt="o",
        mfc="none",
        capsize=2,
        label="Monte Carlo",
    )
    _sdr.floor_note(right, trials)
    right.set_yscale("log")
    right.set_xlabel("theta")
    right.set_ylabel(f"probability of a false positive (N = {ds.attrs['N']})")
    right.set_title("the price of a low threshold", fontsize=9)
    right.legend(fontsize=7)
    return fig


def summary(ds):
    """A few lines for the terminal."""
    lines = [_sdr.consistency(ds, "fn"), _sdr.consistency(ds, "fp")]
    for theta in ds["theta"].values:
        fn = ds["fn_theory"].sel(theta=theta)
        tolerable = ds["noise"].values[fn.values < 1e-2]
        limit = f"{tolerable.max():.0%}" if tolerable.size else "none of the noise levels"
        lines.append(f"theta = {theta:2d}: false negatives below 1e-2 up to noise {limit}")
    return "\n".join(lines)
