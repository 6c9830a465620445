r"""Pattern families, corruptions and overlaps: one place for every model.

Every function that draws takes ``rng`` (None, an int seed, a SeedSequence or a
``numpy.random.Generator``) and consumes only that stream. Shapes follow the
shared API: patterns ``xi`` are ``(P, N)``, states ``s`` are ``(N,)`` or a batch
``(B, N)``.

=====================  =======================================  ======================
family                 function                                 dtype
=====================  =======================================  ======================
random spins           :func:`random_spins`                     int8 in {-1, +1}
biased spins           :func:`biased_spins`                     int8 in {-1, +1}
diluted spins          :func:`diluted_spins`                    int8 in {-1, 0, +1}
SDRs (w of N active)   :func:`sdr`                              bool
SDRs as index arrays   :func:`sdr_indices`                      int64 (P, w)
SDRs as packed words   :func:`pack_sdr`                         uint64 (P, ceil(N/64))
Gaussian               :func:`gaussian`                         float32
spherical              :func:`spherical`                        float32
noisy examples         :func:`noisy_examples`                   int8
=====================  =======================================  ======================

SDRs (sparse distributed representations) come in three forms that convert into one
another: bool arrays (:func:`sdr`), index arrays of the active cells
(:func:`sdr_indices`) and bit-packed uint64 words (:func:`pack_sdr`,
:func:`unpack_sdr`), whose overlaps a popcount kernel computes (:func:`sdr_overlap`).
The SDR section at the end of this module lists them.
"""

from __future__ import annotations

import numba
import numpy as np

from ._kernels import sdr as _sdr
from ._validation import (
    as_generator,
    check_array,
    check_int,
    check_real,
    check_size,
    check_spins,
    fail,
)

__all__ = [
    "active_bits",
    "add_noise",
    "biased_spins",
    "diluted_spins",
    "flip",
    "gaussian",
    "hamming",
    "mask",
    "noisy_examples",
    "occlude",
    "overlap",
    "pack_sdr",
    "random_spins",
    "sdr",
    "sdr_index_overlap",
    "sdr_indices",
    "sdr_match",
    "sdr_noise",
    "sdr_overlap",
    "sdr_subsample",
    "sdr_union",
    "spherical",
    "unpack_sdr",
]


def _sizes(P, N):
    """P and N, checked, with the (P, N) float64 draws of a pattern family in memory."""
    P, N = check_int("P", P, low=1), check_int("N", N, low=1)
    check_size("P, N", (P, N))
    return P, N


def _finite(name, value, x):
    """x, whose entries must be finite: a ``name`` of ``value`` that overflows its dtype
    is refused."""
    if not np.isfinite(x).all():
        fail(name, f"small enough that every entry is finite in {x.dtype}", value)
    return x


def random_spins(P, N, *, rng=None):
    """Unbiased random patterns, xi_i^mu = +-1 with probability 1/2 each.

    Returns
    -------
    ndarray of shape (P, N), int8
    """
    P, N = _sizes(P, N)
    return as_generator(rng).choice(np.array([-1, 1], dtype=np.int8), size=(P, N))


def biased_spins(P, N, a, *, rng=None):
    """Biased patterns with mean ``a``: P(xi = +1) = (1 + a) / 2.

    Parameters
    ----------
    a : float
        Mean activity, -1 <= a <= 1 (Amit, Gutfreund & Sompolinsky, PRA 35, 2293 (1987)).
    """
    P, N = _sizes(P, N)
    a = check_real("a", a, low=-1.0, high=1.0)
    up = as_generator(rng).random((P, N)) < 0.5 * (1.0 + a)
    return np.where(up, 1, -1).astype(np.int8)


def diluted_spins(P, N, d, *, rng=None):
    """Diluted patterns in {-1, 0, +1}: P(0) = d, P(+1) = P(-1) = (1 - d) / 2.

    The archetypes of the multitasking network (Agliari et al., PRL 109, 268101 (2012)).
    """
    P, N = _sizes(P, N)
    d = check_real("d", d, low=0.0, high=1.0)
    g = as_generator(rng)
    sign = g.choice(np.array([-1, 1], dtype=np.int8), size=(P, N))
    return np.where(g.random((P, N)) < d, np.int8(0), sign).astype(np.int8)


def sdr(P, N, w, *, rng=None):
    """Sparse distributed representations: P binary patterns of N bits, exactly w active.

    Returns
    -------
    ndarray of shape (P, N), bool
    """
    P, N = _sizes(P, N)
    w = check_int("w", w, low=0, high=N)
    keys = as_generator(rng).random((P, N))
    active = np.argpartition(keys, w - 1, axis=1)[:, :w] if w else np.empty((P, 0), int)
    out = np.zeros((P, N), dtype=bool)
    np.put_along_axis(out, active, True, axis=1)
    return out


def gaussian(P, N, *, sigma=1.0, rng=None):
    """Continuous patterns with i.i.d. entries N(0, sigma^2), float32."""
    P, N = _sizes(P, N)
    sigma = check_real("sigma", sigma, low=0.0, closed=(False, True))
    with np.errstate(over="ignore"):
        xi = (sigma * as_generator(rng).standard_normal((P, N))).astype(np.float32)
    return _finite("sigma", sigma, xi)


def spherical(P, N, *, radius=1.0, rng=None):
    """Continuous patterns uniform on the sphere ||x|| = radius in R^N, float32.

    The stored patterns of the modern Hopfield network's capacity theorem (Ramsauer et
    al., arXiv:2008.02217, Theorem 3).
    """
    P, N = _sizes(P, N)
    radius = check_real("radius", radius, low=0.0, closed=(False, True))
    x = as_generator(rng).standard_normal((P, N))
    with np.errstate(over="ignore"):
        xi = (radius * x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return _finite("radius", radius, xi)


def noisy_examples(xi, M, r, *, rng=None):
    r"""M noisy examples of each archetype: eta^{mu,a}_i = chi^{mu,a}_i xi^mu_i.

    P(chi = +1) = (1 + r) / 2, P(chi = -1) = (1 - r) / 2, so E[eta xi] = r xi^2; blank
    entries (xi = 0) stay blank (Agliari et al., J. Stat. Mech. (2023) 113401).

    Parameters
    ----------
    xi : ndarray of shape (P, N), int8 in {-1, 0, +1}
        Archetypes.
    M : int
        Examples per archetype.
    r : float
        Quality of the examples, 0 <= r <= 1.

    Returns
    -------
    ndarray of shape (P, M, N), int8
    """
    check_spins("xi", xi, ndim=(2,), zeros=True)
    M = check_int("M", M, low=1)
    r = check_real("r", r, low=0.0, high=1.0)
    P, N = xi.shape
    check_size("M", (P, M, N))
    keep = as_generator(rng).random((P, M, N)) < 0.5 * (1.0 + r)
    return np.where(keep, xi[:, None, :], -xi[:, None, :]).astype(np.int8)


def flip(s, fraction, *, rng=None):
    """Flip the sign of exactly round(fraction * N) randomly chosen entries of each state.

    Zeros of diluted states stay zero. A cue made from a pattern this way has overlap
    m = 1 - 2 fraction with it (for +-1 spins). Returns a new array.
    """
    check_spins("s", s, ndim=(1, 2), zeros=True)
    fraction = check_real("fraction", fraction, low=0.0, high=1.0)
    chosen = _choose_entries(s.shape, fraction, as_generator(rng))
    out = s.copy()
    out[chosen] = -out[chosen]
    return out


def mask(s, fraction, *, rng=None):
    """Set exactly round(fraction * N) randomly chosen entries of each state to 0.

    Works on spins (int8) and continuous states (float). Returns a new array.
    """
    check_array("s", s, ndim=(1, 2), kinds="if")
    fraction = check_real("fraction", fraction, low=0.0, high=1.0)
    out = s.copy()
    out[_choose_entries(s.shape, fraction, as_generator(rng))] = 0
    return out


def occlude(s, fraction, *, value=0):
    """Set the last round(fraction * N) entries of each state to ``value``: a contiguous
    block, such as the lower part of an image stored row by row (``fraction=0.5``: the
    half-masked cue). ``value`` must be representable in the dtype of s (for spins: -1 or
    +1 keeps a valid state). Returns a new array.
    """
    check_array("s", s, ndim=(1, 2), kinds="if")
    fraction = check_real("fraction", fraction, low=0.0, high=1.0)
    value = check_real("value", value)
    if np.asarray(value).astype(s.dtype) != value:
        fail("value", f"representable in the dtype of s ({s.dtype})", value)
    out = s.copy()
    out[..., s.shape[-1] - round(fraction * s.shape[-1]) :] = value
    return out


def add_noise(x, sigma, *, rng=None):
    """x + N(0, sigma^2) noise, entrywise, for continuous states; keeps x's float dtype."""
    check_array("x", x, ndim=(1, 2), kinds="f")
    sigma = check_real("sigma", sigma, low=0.0)
    noise = as_generator(rng).standard_normal(x.shape)
    with np.errstate(over="ignore"):
        return _finite("sigma", sigma, (x + sigma * noise).astype(x.dtype))


def overlap(xi, s):
    r"""Mattis overlaps m_mu = (1/N) sum_i xi_i^mu s_i (SDRs: the count of shared active bits).

    Parameters
    ----------
    xi : ndarray of shape (P, N)
        Stored patterns.
    s : ndarray of shape (N,) or (B, N)
        States, of the same family as ``xi``.

    Returns
    -------
    ndarray of shape (P,) or (B, P), float64
    """
    check_array("xi", xi, ndim=(2,))
    check_array("s", s, ndim=(1, 2), shape=(None, xi.shape[1]))
    if (xi.dtype == bool) != (s.dtype == bool):
        fail(
            "s",
            f"of the same family as xi (dtype {xi.dtype})",
            f"dtype {s.dtype}",
            error=TypeError,
        )
    m = s.astype(_product_type(xi, s)) @ xi.astype(_product_type(xi, s)).T
    m = m.astype(np.float64)
    return m if xi.dtype == bool else m / xi.shape[1]


def _product_type(a, b):
    """float32 where every partial sum of a row-by-row product of the integer (or bool)
    arrays a and b is an integer below 2^24 (exact, and single-precision BLAS), else
    float64."""
    if a.dtype.kind not in "biu" or b.dtype.kind not in "biu":
        return np.float64
    top = [max(abs(int(x.min(initial=0))), abs(int(x.max(initial=0)))) for x in (a, b)]
    return np.float32 if a.shape[-1] * top[0] * top[1] < 2**24 else np.float64


def hamming(a, b):
    """Number of entries in which ``a`` and ``b`` differ (along the last axis)."""
    check_array("a", a, ndim=(1, 2))
    check_array("b", b, ndim=(1, 2), shape=(None, a.shape[-1]))
    if a.ndim == b.ndim == 2 and a.shape[0] != b.shape[0] and 1 not in (a.shape[0], b.shape[0]):
        fail("b", f"one state, or a batch of B = {a.shape[0]} as a", f"shape {b.shape}")
    return np.count_nonzero(a != b, axis=-1)


def _choose_entries(shape, fraction, rng):
    """Boolean mask choosing exactly round(fraction * N) entries in each row."""
    N = shape[-1]
    k = round(fraction * N)
    keys = rng.random(shape)
    if k == 0:
        return np.zeros(shape, dtype=bool)
    threshold = np.partition(keys, k - 1, axis=-1)[..., k - 1 : k]
    return keys <= threshold


# =====================================================================================
# SDRs: index arrays and bit-packed words
#
# Stable names, built on by other models: sdr_indices, pack_sdr, unpack_sdr,
# sdr_overlap, sdr_index_overlap, sdr_match, sdr_union, sdr_noise, sdr_subsample,
# active_bits; the kernels of assoc._kernels.sdr (overlaps, pack, unpack, sample,
# replace, first_repeat, active_bits, and the inline _popcount and _and_count); the
# checks _check_indices and _check_words.
#
# An SDR of N cells with w of them active is
#
# - an index array: the w active cells, distinct, in range(N); a batch is (P, w);
# - bit-packed words: ceil(N / 64) uint64, cell i is bit i % 64 of word i // 64; a
#   batch is (P, words). Packed words also hold sets of any size, such as unions;
# - a bool array (P, N), as ``sdr`` makes it.
#
# pack_sdr turns indices or bools into words, unpack_sdr words into indices.
# =====================================================================================


def sdr_indices(P, N, w, *, rng=None):
    """P random SDRs of N cells with exactly w active, as index arrays.

    Every set of w cells is equally likely (Floyd's algorithm on w uniforms per SDR,
    drawn from ``rng``); the time grows as P w log w, not with N.

    Parameters
    ----------
    P : int
        Number of SDRs, P >= 1.
    N : int
        Number of cells, N >= 1.
    w : int
        Active cells per SDR, 0 <= w <= N.
    rng : None, int, SeedSequence or numpy.random.Generator
        Draws P w uniforms.

    Returns
    -------
    ndarray of shape (P, w), int64
        The active cells of each SDR, ascending.
    """
    P, N = check_int("P", P, low=1), check_int("N", N, low=1)
    w = check_int("w", w, low=0, high=N)
    check_size("P, w", (P, w))
    check_size("N", (_words(N),))  # the kernel's bitmap of the cells
    out = np.empty((P, w), dtype=np.int64)
    _sdr.sample(as_generator(rng).random((P, w)), N, out)
    return out


def pack_sdr(x, N=None, *, w=None):
    """SDRs as bit-packed uint64 words, from index arrays or bool arrays.

    Parameters
    ----------
    x : ndarray of shape (w,) or (P, w), int; or of shape (N,) or (P, N), bool
        Active-cell indices (distinct, in range(N)), or one bool per cell.
    N : int, optional
        Number of cells; required for index arrays, ``x.shape[-1]`` for bool arrays.
    w : int, optional
        If given, every SDR must have exactly w active cells.

    Returns
    -------
    ndarray of shape (words,) or (P, words), uint64
        words = ceil(N / 64) per SDR; cell i is bit i % 64 of word i // 64.
    """
    check_array("x", x, ndim=(1, 2), kinds="biu")
    if w is not None:
        w = check_int("w", w, low=0)
    if x.dtype == bool:
        if N is not None and check_int("N", N, low=1) != x.shape[-1]:
            fail("N", f"the length {x.shape[-1]} of the bool SDRs x (or None)", N)
        N = x.shape[-1]
        if w is not None:
            _check_counts("x", np.count_nonzero(_rows(x), axis=1), w)
        words = _words(N)
        padded = np.zeros((*x.shape[:-1], 8 * words), dtype=np.uint8)
        padded[..., : (N + 7) // 8] = np.packbits(x, axis=-1, bitorder="little")
        return padded.view("<u8").astype(np.uint64)
    if N is None:
        fail("N", "the number of cells when x holds active-cell indices", None)
    N = check_int("N", N, low=1)
    x = _check_indices("x", x, N=N, w=w)
    rows = _rows(x)
    check_size("N", (rows.shape[0], _words(N)))
    words = np.zeros((rows.shape[0], _words(N)), dtype=np.uint64)
    _sdr.pack(rows, words)
    return words.reshape(*x.shape[:-1], words.shape[-1])


def unpack_sdr(words, N, *, w=None):
    """Index arrays of bit-packed SDRs: the inverse of :func:`pack_sdr`.

    Parameters
    ----------
    words : ndarray of shape (words,) or (P, words), uint64
        Packed SDRs of N cells, ceil(N / 64) words each, all with the same number of
        active cells (unions of different sizes stay packed).
    N : int
        Number of cells.
    w : int, optional
        If given, every SDR must have exactly w active cells.

    Returns
    -------
    ndarray of shape (w,) or (P, w), int64
        The active cells of each SDR, ascending.
    """
    N = check_int("N", N, low=1)
    words = _check_words("words", words, N=N)
    rows = _rows(words)
    counts = _counts(words)
    if w is not None:
        w = check_int("w", w, low=0)
        _check_counts("words", counts, w)
    if rows.shape[0] and np.any(counts != counts[0]):
        fail(
            "words",
            "SDRs with equal numbers of active cells",
            f"counts {np.unique(counts)[:6].tolist()}",
        )
    out = np.empty((rows.shape[0], counts[0] if rows.shape[0] else 0), dtype=np.int64)
    _sdr.unpack(rows, out)
    return out.reshape(*words.shape[:-1], out.shape[1])


def active_bits(words):
    """Number of active cells of each packed SDR (or union).

    Parameters
    ----------
    words : ndarray of shape (words,) or (..., words), uint64

    Returns
    -------
    int or ndarray of shape (...,), int64
    """
    words = _check_words("words", words, ndim=None)
    out = _counts(words)
    return out.reshape(words.shape[:-1]) if words.ndim > 1 else int(out[0])


def _counts(words):
    """Active cells of each row of checked packed words, (rows,) int64, by the kernel."""
    rows = np.ascontiguousarray(_rows(words))
    out = np.empty(rows.shape[0], dtype=np.int64)
    _sdr.active_bits(rows, out)
    return out


def _bools(words, N):
    """Packed SDRs (..., ceil(N / 64)) uint64 as bool arrays (..., N): the inverse of
    :func:`pack_sdr` on bool SDRs, for words already checked."""
    as_bytes = np.ascontiguousarray(words, dtype="<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=-1, bitorder="little")[..., :N].astype(bool)


def sdr_overlap(xi, s):
    r"""Overlaps of packed SDRs: the number of cells active in both, by popcount.

    :math:`|\xi^\mu \cap s| = \sum_k \mathrm{popcount}(\xi^\mu_k \,\&\, s_k)` over the
    words k, for every pattern and query (the overlap of Ahmad & Hawkins,
    arXiv:1503.07469, section on overlap and matching); the count the shared pattern API
    calls m for SDRs. Runs the Numba kernel ``assoc._kernels.sdr.overlaps``, in parallel
    over blocks of patterns when the work (B P words operations) outweighs the launch of
    Numba's threads.

    Parameters
    ----------
    xi : ndarray of shape (P, words), uint64
        Packed patterns (or segments: any sets of cells).
    s : ndarray of shape (words,) or (B, words), uint64
        Packed queries.

    Returns
    -------
    ndarray of shape (P,) or (B, P), int32
    """
    xi = np.ascontiguousarray(_check_words("xi", xi, ndim=(2,)))
    s = _check_words("s", s, W=xi.shape[1])
    queries = np.ascontiguousarray(s.reshape(-1, xi.shape[1]))
    out = np.empty((queries.shape[0], xi.shape[0]), dtype=np.int32)
    if numba.get_num_threads() > 1 and out.size * xi.shape[1] > _PARALLEL_WORK:
        _sdr.overlaps_parallel(xi, queries, out)
    else:
        _sdr.overlaps(xi, queries, out)
    return out[0] if s.ndim == 1 else out


def sdr_index_overlap(xi, s, N):
    """Overlaps of SDRs given as index arrays (NumPy, a lookup table per query).

    The same numbers as :func:`sdr_overlap` on the packed SDRs: for each query a bool
    table of its N cells is built, and each pattern's active cells are looked up in it.

    Parameters
    ----------
    xi : ndarray of shape (P, w), int
        Patterns' active cells.
    s : ndarray of shape (w_s,) or (B, w_s), int
        Queries' active cells.
    N : int
        Number of cells.

    Returns
    -------
    ndarray of shape (P,) or (B, P), int32
    """
    N = check_int("N", N, low=1)
    xi = _check_indices("xi", xi, N=N, ndim=(2,))
    s = _check_indices("s", s, N=N)
    queries = _rows(s)
    B, (P, w) = queries.shape[0], xi.shape
    check_size("N", (B, N), 1)
    table = np.zeros((B, N), dtype=bool)
    table[np.arange(B)[:, None], queries] = True
    out = np.empty((B, P), dtype=np.int32)
    chunk = max(1, (1 << 24) // max(1, P * w))  # bounds the gathered (chunk, P, w) table
    for lo in range(0, B, chunk):
        out[lo : lo + chunk] = table[lo : lo + chunk][:, xi].sum(axis=-1)
    return out[0] if s.ndim == 1 else out


def sdr_match(xi, s, theta):
    r"""Whether each query matches each pattern: an overlap of at least theta cells.

    :math:`\mathrm{match}(\xi^\mu, s) = [\,|\xi^\mu \cap s| \ge \theta\,]`, the inexact
    match of Ahmad & Hawkins (arXiv:1503.07469, section on overlap and matching); for a
    dendritic segment the condition of an NMDA spike.

    Parameters
    ----------
    xi : ndarray of shape (P, words), uint64
        Packed patterns.
    s : ndarray of shape (words,) or (B, words), uint64
        Packed queries.
    theta : int
        Threshold, theta >= 0.

    Returns
    -------
    ndarray of shape (P,) or (B, P), bool
    """
    theta = check_int("theta", theta, low=0)
    return sdr_overlap(xi, s) >= theta


def sdr_union(words):
    r"""Union (bitwise OR) of k packed SDRs: :math:`X = x^1 \cup \dots \cup x^k`.

    On average :math:`N (1 - (1 - w/N)^k)` cells are active in the union of k random
    SDRs of w cells (Ahmad & Hawkins, arXiv:1503.07469, section on unions).

    Parameters
    ----------
    words : ndarray of shape (k, words) or (..., k, words), uint64
        Packed SDRs; the union is taken over the axis of length k.

    Returns
    -------
    ndarray of shape (words,) or (..., words), uint64
    """
    words = _check_words("words", words, ndim=None)
    if words.ndim < 2:
        fail(
            "words",
            "an array of shape (..., k, words): k packed SDRs",
            f"shape {words.shape}",
        )
    return np.bitwise_or.reduce(words, axis=-2)


def sdr_noise(x, v, N, *, rng=None):
    """Noisy SDRs: v of the w active cells of each replaced by v cells that were inactive.

    The result still has exactly w active cells and shares w - v of them with x (the
    noise model of Ahmad & Hawkins, arXiv:1601.00720, robustness to noise). The cells
    dropped and the cells added are uniform among the possible choices.

    Parameters
    ----------
    x : ndarray of shape (w,) or (P, w), int
        Active cells of the SDRs, distinct, in range(N).
    v : int
        Cells replaced, 0 <= v <= min(w, N - w).
    N : int
        Number of cells.
    rng : None, int, SeedSequence or numpy.random.Generator
        Draws 2 v uniforms per SDR.

    Returns
    -------
    ndarray of the shape of x, int64
        The new active cells of each SDR, ascending.
    """
    N = check_int("N", N, low=1)
    x = _check_indices("x", x, N=N)
    w = x.shape[-1]
    v = check_int("v", v, low=0, high=min(w, N - w))
    rows = np.sort(_rows(x), axis=1)
    g = as_generator(rng)
    u_drop, u_new = g.random((rows.shape[0], v)), g.random((rows.shape[0], v))
    out = np.empty_like(rows)
    _sdr.replace(rows, N, u_drop, u_new, out)
    return out.reshape(x.shape)


def sdr_subsample(x, synapses, *, rng=None):
    """A random subset of ``synapses`` of the active cells of each SDR (a segment's
    synapses).

    A dendritic segment forms synapses onto some of the w cells active in the pattern it
    learns (Hawkins & Ahmad, Front. Neural Circuits 10:23 (2016)); every subset of
    ``synapses`` cells is equally likely.

    Parameters
    ----------
    x : ndarray of shape (w,) or (P, w), int
        Active cells of the SDRs (distinct, non-negative).
    synapses : int
        Cells kept, 0 <= synapses <= w.
    rng : None, int, SeedSequence or numpy.random.Generator
        Draws ``synapses`` uniforms per SDR.

    Returns
    -------
    ndarray of shape (synapses,) or (P, synapses), int64
        The cells kept, ascending.
    """
    x = _check_indices("x", x)
    w = x.shape[-1]
    synapses = check_int("synapses", synapses, low=0, high=w)
    rows = np.sort(_rows(x), axis=1)
    position = np.empty((rows.shape[0], synapses), dtype=np.int64)
    _sdr.sample(as_generator(rng).random(position.shape), w, position)
    return np.take_along_axis(rows, position, axis=1).reshape(*x.shape[:-1], synapses)


# Word operations above which sdr_overlap shares the patterns among Numba's threads
# (about a millisecond of work; below it the launch costs more than it saves).
_PARALLEL_WORK = 1 << 22


def _words(N):
    """Words of 64 bits that hold N cells."""
    return (N + 63) // 64


def _rows(x):
    """x as a 2-D array of rows (its last axis), also when that axis is empty."""
    return x.reshape(int(np.prod(x.shape[:-1])), x.shape[-1])


def _check_indices(name, x, *, N=None, w=None, ndim=(1, 2)):
    """SDRs as index arrays: integers, w per row (if given), distinct within each row,
    in range(N) (non-negative if N is None). Returns them as C-contiguous int64.

    Repeats are found with one bitmap of the cells, O(P w) time."""
    check_array(name, x, ndim=ndim, kinds="iu")
    if N is not None:
        check_size("N", (_words(N),))  # the bitmap of the cells that finds repeats
    if w is not None and x.shape[-1] != w:
        fail(name, f"SDRs of w = {w} active cells: an array of shape (..., {w})", x.shape)
    rows = _rows(x)
    if rows.size:
        low, high = rows.min(), rows.max()
        if low < 0 or (N is not None and high >= N):
            bad = low if low < 0 else high
            row = np.flatnonzero((rows == bad).any(axis=1))[0]
            hint = "non-negative" if N is None else f"in [0, {N - 1}]"
            fail(name, f"active-cell indices {hint}", f"{bad} in row {row}")
        if high > np.iinfo(np.int64).max:
            fail(name, "active-cell indices below 2^63", f"{high}")
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        if N is None:  # no bitmap of the largest index: sort the rows
            ordered = np.sort(rows, axis=1)
            twice = np.argwhere(ordered[:, 1:] == ordered[:, :-1])
            row, k = twice[0] if twice.size else (-1, 0)
            rows = ordered
        else:
            row, k = _sdr.first_repeat(rows, N)
        if row >= 0:
            fail(name, "SDRs with distinct active cells", f"{rows[row, k]} twice in row {row}")
    return np.ascontiguousarray(x, dtype=np.int64)


def _check_words(name, words, *, N=None, w=None, W=None, ndim=(1, 2)):
    """Bit-packed SDRs: uint64 with ceil(N / 64) words per row (or W, if given), no bit
    set at or beyond cell N, and w active cells per row (if given)."""
    check_array(name, words, ndim=ndim, kinds="biuf")
    if words.dtype != np.uint64:
        fail(
            name,
            "bit-packed SDRs, a uint64 array (use patterns.pack_sdr)",
            f"dtype {words.dtype}",
            error=TypeError,
        )
    if words.ndim == 0:
        fail(name, "an array of shape (..., words) of packed words", "a 0-d array")
    if N is not None:
        W = _words(N)
    if W is not None and words.shape[-1] != W:
        cells = f"N = {N} cells" if N is not None else "the patterns"
        fail(name, f"{W} words per SDR for {cells}: shape (..., {W})", f"shape {words.shape}")
    if N is not None and N % 64 and np.any(words[..., -1] >> np.uint64(N % 64)):
        fail(name, f"SDRs of N = {N} cells (no bit set at or beyond N)", "bits beyond N")
    if w is not None:
        _check_counts(name, _counts(words), w)
    return words


def _check_counts(name, counts, w):
    """Every SDR has exactly w active cells."""
    wrong = np.flatnonzero(counts != w)
    if wrong.size:
        fail(name, f"SDRs of w = {w} active cells", f"{counts[wrong[0]]} in row {wrong[0]}")
