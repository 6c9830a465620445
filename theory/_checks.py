"""Domain checks for theory functions (theory never imports assoc).

Every message reads ``"<name> must be <expected>; got <given>"``, as in `assoc`.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os

import numpy as np

INT64 = (-(2**63), 2**63 - 1)
"""The integers an integer parameter may take: those of a numpy int64."""


def check_param(name, x, *, low=None, high=None, closed=(True, True), integer=False):
    """A finite real (or integer, within int64) scalar in the interval; returns float (or
    int).

    Raises ValueError (TypeError for a non-number) naming the argument, the expected
    range and the value given.
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, kind):
        raise TypeError(
            f"{name} must be {'an integer' if integer else 'a real number'}; got {x!r}"
        )
    if integer:
        x = int(x)
        low = INT64[0] if low is None else max(low, INT64[0])
        high = INT64[1] if high is None else min(high, INT64[1])
    else:
        x = float(x)
        if not math.isfinite(x):
            raise ValueError(f"{name} must be finite; got {x}")
    too_low = low is not None and (x < low or (x == low and not closed[0]))
    too_high = high is not None and (x > high or (x == high and not closed[1]))
    if too_low or too_high:
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        interval = f"{'[' if closed[0] else '('}{lo}, {hi}{']' if closed[1] else ')'}"
        raise ValueError(f"{name} must be in {interval}; got {x}")
    return x


def check_flag(name, x):
    """True or False (a Python or numpy bool); returns bool."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {x!r}")
    return bool(x)


def check_choice(name, x, choices):
    """One of ``choices`` (strings); returns str."""
    if not isinstance(x, str) or x not in choices:
        error = ValueError if isinstance(x, str) else TypeError
        raise error(f"{name} must be one of {list(choices)}; got {x!r}")
    return str(x)


def check_real_array(name, x):
    """``x`` (array_like of real numbers, not bools or strings) as a float64 ndarray with
    finite entries."""
    a = np.asarray(x)
    if a.dtype.kind not in "iuf" or isinstance(x, (np.matrix, np.ma.MaskedArray)):
        raise TypeError(f"{name} must be an array of real numbers; got dtype {a.dtype}")
    a = a.astype(np.float64)
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite; got {int(np.sum(~np.isfinite(a)))} NaN or inf")
    return a


def check_rng(rng):
    """``rng`` (None, a non-negative int seed, a SeedSequence or a Generator) as a numpy
    Generator."""
    expected = "None, a non-negative int seed, a SeedSequence or a numpy Generator"
    if isinstance(rng, (bool, np.bool_)) or not (
        rng is None
        or isinstance(rng, (numbers.Integral, np.random.SeedSequence, np.random.Generator))
    ):
        raise TypeError(f"rng must be {expected}; got {rng!r}")
    if isinstance(rng, numbers.Integral) and rng < 0:
        raise ValueError(f"rng must be {expected}; got {rng}")
    return np.random.default_rng(rng)


@functools.cache
def _memory():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_size(name, value, count, itemsize=8):
    """Refuse a ``name`` of ``value`` that would have a function allocate ``count``
    entries of ``itemsize`` bytes, more than the machine's memory."""
    memory = _memory()
    if memory is not None and count * itemsize > memory:
        raise ValueError(
            f"{name} must be small enough that the {count:.3g} entries it asks for fit in "
            f"memory ({memory / 2**30:.3g} GiB); got {value}"
        )


def check_finite(name, value, result):
    """``result``, refused when some entry of it is NaN or inf: float64 cannot hold what
    ``name`` = ``value`` asks for."""
    if not np.isfinite(np.asarray(result, dtype=np.float64)).all():
        raise ValueError(f"{name} must be such that the result is finite in float64; got {value}")
    return result


def elementwise(scalar):
    """Let a function of scalars take arrays: broadcast them and map over elements.

    Only the parameters that may be passed by position are mapped; keyword-only ones
    (``exact``, ``size``, ...) are options, passed through unchanged (and ``exact`` is
    checked to be a bool). With any array argument the result is an ndarray of floats
    (of Fractions or ints, dtype object, when the scalar function returns those).
    """
    signature = inspect.signature(scalar)
    mapped = [
        name
        for name, p in signature.parameters.items()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]

    @functools.wraps(scalar)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        if "exact" in bound.arguments:
            check_flag("exact", bound.arguments["exact"])
        arrays = {
            name: value
            for name, value in bound.arguments.items()
            if name in mapped and value is not None and np.ndim(value) > 0
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
