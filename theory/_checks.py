"""Domain checks for theory functions (theory never imports assoc)."""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np


def check_param(name, x, *, low=None, high=None, closed=(True, True), integer=False):
    """A finite real (or integer) scalar in the interval; returns float (or int).

    Raises ValueError (TypeError for a non-number) naming the argument, the expected
    range and the value given.
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, kind):
        raise TypeError(
            f"{name} must be {'an integer' if integer else 'a real number'}; got {x!r}"
        )
    x = int(x) if integer else float(x)
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite; got {x}")
    too_low = low is not None and (x < low or (x == low and not closed[0]))
    too_high = high is not None and (x > high or (x == high and not closed[1]))
    if too_low or too_high:
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        interval = f"{'[' if closed[0] else '('}{lo}, {hi}{']' if closed[1] else ')'}"
        raise ValueError(f"{name} must be in {interval}; got {x}")
    return x


def elementwise(scalar):
    """Let a function of scalars take arrays: broadcast them and map over elements.

    ``exact`` is a flag, not a parameter, and is passed through unchanged. With any
    array argument the result is an ndarray of floats (of Fractions or ints, dtype
    object, when the scalar function returns those).
    """
    signature = inspect.signature(scalar)

    @functools.wraps(scalar)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arrays = {
            name: value
            for name, value in bound.arguments.items()
            if name != "exact" and value is not None and np.ndim(value) > 0
        }
        if not arrays:
            return scalar(**bound.arguments)
        broadcast = np.broadcast_arrays(*(np.asarray(v) for v in arrays.values()))
        shape = broadcast[0].shape
        results = []
        for index in np.ndindex(shape):
            point = dict(bound.arguments)
            point.update((name, b[index].item()) for name, b in zip(arrays, broadcast))
            results.append(scalar(**point))
        dtype = float if all(isinstance(r, float) for r in results) else object
        return np.array(results, dtype=dtype).reshape(shape)

    return wrapper
