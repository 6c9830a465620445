"""Central finite differences, the oracle of the stationarity tests of the theory."""

import numpy as np


def gradient(f, x, step=1e-6):
    """Gradient of f(*x) by central differences, steps relative to max(1, |x_i|)."""
    x = np.asarray(x, dtype=float)
    grad = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = step * max(1.0, abs(x[i]))
        grad[i] = (f(*(x + e)) - f(*(x - e))) / (2.0 * e[i])
    return grad
