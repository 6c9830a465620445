"""Estimates shared by the capacity experiments: where a retrieved fraction falls through
1/2, with a bootstrap error, and weighted straight-line fits."""

import numpy as np


def half_crossing(x, f):
    """First x where f falls through 1/2 (linear interpolation); NaN if it never does."""
    below = np.flatnonzero((f[:-1] >= 0.5) & (f[1:] < 0.5))
    if below.size == 0:
        return np.nan
    i = below[0]
    return x[i] + (f[i] - 0.5) / (f[i] - f[i + 1]) * (x[i + 1] - x[i])


def crossing(x, f, rng, n_boot=200):
    """x where the sample mean of f (rows: x, columns: samples) falls through 1/2, and the
    bootstrap error over samples."""
    estimate = half_crossing(x, f.mean(axis=1))
    picks = rng.integers(0, f.shape[1], size=(n_boot, f.shape[1]))
    boot = np.array([half_crossing(x, f[:, p].mean(axis=1)) for p in picks])
    boot = boot[np.isfinite(boot)]
    return estimate, (boot.std(ddof=1) if boot.size > 1 else np.nan)


def weighted_line(x, y, error):
    """Weighted least squares y = a + b x (weights 1 / error^2): ((a, b), covariance)."""
    (b, a), cov = np.polyfit(x, y, 1, w=1.0 / error, cov="unscaled")
    return (a, b), cov[::-1, ::-1]
