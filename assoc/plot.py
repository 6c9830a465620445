"""The few plot helpers that experiments and notebooks share (matplotlib)."""

import numpy as np

__all__ = ["errorbar", "mean_sem"]


def mean_sem(da, dim="sample"):
    """Mean over ``dim`` and its standard error (std with ddof=1 over sqrt(n))."""
    n = da.sizes[dim]
    sem = da.std(dim, ddof=1) / np.sqrt(n) if n > 1 else 0 * da.mean(dim)
    return da.mean(dim), sem


def errorbar(ax, da, x, *, dim="sample", **kwargs):
    """Plot the mean of ``da`` over ``dim`` against coordinate ``x``, with standard errors."""
    mean, sem = mean_sem(da, dim)
    kwargs.setdefault("fmt", "o")
    kwargs.setdefault("capsize", 2)
    kwargs.setdefault("markersize", 4)
    return ax.errorbar(mean[x], mean, yerr=sem, **kwargs)
