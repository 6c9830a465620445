"""Argument checks shared by every public function.

One helper writes every message, so all of them read alike:
``"<name> must be <expected>; got <given>"``.
"""

from __future__ import annotations

import functools
import math
import numbers
import os

import numpy as np

INT64 = (-(2**63), 2**63 - 1)
"""The integers every size, count and index must lie in (those of a numpy int64)."""


def fail(name, expected, given, *, error=ValueError):
    """Raise ``error`` saying that ``name`` must be ``expected`` and was ``given``."""
    raise error(f"{name} must be {expected}; got {given}")


def _describe(x):
    if isinstance(x, np.ndarray):
        return f"{type(x).__name__} of shape {x.shape}, dtype {x.dtype}"
    text = repr(x)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(x).__name__})"


def check_int(name, x, *, low=None, high=None, int64=True):
    """An integer (not bool) in [low, high], and in the range of int64 unless ``int64``
    is False (a seed may be any non-negative integer); returned as int."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Integral):
        fail(name, "an integer", _describe(x), error=TypeError)
    x = int(x)
    if int64:
        low = INT64[0] if low is None else max(low, INT64[0])
        high = INT64[1] if high is None else min(high, INT64[1])
    if (low is not None and x < low) or (high is not None and x > high):
        fail(name, _interval(low, high, closed=(True, True)), x)
    return x


def check_real(name, x, *, low=None, high=None, closed=(True, True)):
    """A finite real number in the interval (endpoints closed as told); returned as float."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        fail(name, "a real number", _describe(x), error=TypeError)
    x = float(x)
    if not np.isfinite(x):
        fail(name, "a finite number", x)
    if (low is not None and (x < low or (x == low and not closed[0]))) or (
        high is not None and (x > high or (x == high and not closed[1]))
    ):
        fail(name, _interval(low, high, closed=closed), x)
    return x


def check_flag(name, x):
    """True or False (a Python or numpy bool); returned as bool."""
    if not isinstance(x, (bool, np.bool_)):
        fail(name, "True or False", _describe(x), error=TypeError)
    return bool(x)


def check_choice(name, x, choices):
    """One of ``choices`` (strings); returned as str."""
    if not isinstance(x, str):
        fail(name, f"one of {sorted(choices)}", _describe(x), error=TypeError)
    if x not in choices:
        fail(name, f"one of {sorted(choices)}", repr(x))
    return str(x)


def _interval(low, high, closed):
    lo = "-inf" if low is None else low
    hi = "inf" if high is None else high
    return f"in {'[' if closed[0] else '('}{lo}, {hi}{']' if closed[1] else ')'}"


def check_array(name, x, *, ndim=None, shape=None, kinds="biuf"):
    """A numpy array of one of the dtype ``kinds``, with ``ndim`` in a tuple and a shape
    matching ``shape`` (None entries match anything). Never casts; returns the array.

    ``np.matrix`` (whose products and indexing differ) and masked arrays (whose masks
    every computation would ignore) are refused."""
    if not isinstance(x, np.ndarray) or isinstance(x, (np.matrix, np.ma.MaskedArray)):
        fail(name, "a numpy array (not a matrix or a masked array)", _describe(x), error=TypeError)
    if x.dtype.kind not in kinds:
        fail(
            name, f"an array of dtype kind in {sorted(kinds)}", f"dtype {x.dtype}", error=TypeError
        )
    if ndim is not None and x.ndim not in ndim:
        fail(name, f"an array with ndim in {ndim}", f"shape {x.shape}")
    if shape is not None:
        want = shape[-x.ndim :] if len(shape) >= x.ndim else shape
        if len(want) != x.ndim or any(w is not None and w != g for w, g in zip(want, x.shape)):
            pretty = "(" + ", ".join("*" if w is None else str(w) for w in shape) + ")"
            fail(name, f"an array of shape {pretty}", f"shape {x.shape}")
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        fail(name, "finite (no NaN or inf)", f"{int(np.sum(~np.isfinite(x)))} non-finite entries")
    return x


def check_batch(name, x):
    """A batch (B, ...) of at least one row."""
    if x.ndim > 1 and x.shape[0] == 0:
        fail(name, "at least one state (a batch of B >= 1)", f"shape {x.shape}")
    return x


def check_spins(name, x, *, N=None, ndim=(1, 2), zeros=False):
    """Integer spins in {-1, +1} (or {-1, 0, +1} with ``zeros``), as int8 (no cast)."""
    check_array(name, x, ndim=ndim, kinds="i")
    if x.dtype != np.int8:
        fail(name, "an int8 array (use x.astype(np.int8))", f"dtype {x.dtype}", error=TypeError)
    if N is not None and x.shape[-1] != N:
        fail(name, f"an array with last axis N = {N}", f"shape {x.shape}")
    alphabet = (-1, 0, 1) if zeros else (-1, 1)
    # reductions, no sort: the values are listed only when the check fails
    if x.size and (x.min() < -1 or x.max() > 1 or (not zeros and not x.all())):
        values = np.unique(x)
        fail(name, f"an array with entries in {set(alphabet)}", f"values {values[:6].tolist()}")
    return x


@functools.cache
def physical_memory():
    """Bytes of physical memory of this machine (None where the OS does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return None


def check_size(name, shape, itemsize=8):
    """Refuse, before allocating it, an array of ``shape`` (entries of ``itemsize``
    bytes) larger than the physical memory; ``name`` names the sizes that set it."""
    count = math.prod(shape)
    memory = physical_memory()
    if memory is not None and count * itemsize > memory:
        fail(
            name,
            f"small enough that its arrays fit in memory ({_bytes(memory)})",
            f"{tuple(shape)}, {count:.3g} entries of {itemsize} bytes, {_bytes(count * itemsize)}",
        )


def as_generator(rng):
    """``rng`` (None, a non-negative int seed, a SeedSequence or a Generator) as a numpy
    Generator."""
    expected = "None, a non-negative int seed, a SeedSequence or a numpy Generator"
    if isinstance(rng, (bool, np.bool_)) or not (
        rng is None
        or isinstance(rng, (numbers.Integral, np.random.SeedSequence, np.random.Generator))
    ):
        fail("rng", expected, _describe(rng), error=TypeError)
    if isinstance(rng, numbers.Integral) and rng < 0:
        fail("rng", expected, rng)
    return np.random.default_rng(rng)
