r"""Kernels for sparse distributed representations (SDRs) on bit-packed words.

An SDR of N bits is packed into ceil(N / 64) uint64 words: cell i is bit i % 64 of
word i // 64. The overlap of two SDRs is the number of cells active in both,

    |x ∩ y| = sum_k popcount(x_k & y_k)  (over the words k),

which a plain bit-trick popcount computes; LLVM recognises it and emits the vector
popcount instruction (AVX-512 VPOPCNTDQ) where the CPU has one. (numba 0.68 rejects
``np.bitwise_count`` inside njit.)

Random SDRs are drawn with Floyd's algorithm [1]_, which picks k distinct values of
range(size), every k-subset equally likely, from exactly k uniforms in [0, 1): at step
j = size - k, ..., size - 1 it takes t = floor(u (j + 1)), or j when t is taken
already.
The caller draws the uniforms from its Generator, so every kernel is deterministic.

References
----------
.. [1] J. Bentley, R. Floyd, "Programming pearls: a sample of brilliance",
   Commun. ACM 30, 754 (1987).
"""

import numba
import numpy as np

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)
_ONE = np.uint64(1)

# Patterns per block of the overlap kernel: 64 rows of 2048 bits stay in L1 while every
# query of the batch passes over them.
_BLOCK = 64


@numba.njit(inline="always")
def _popcount(x):
    """Number of set bits of the uint64 x (SWAR; compiled to a popcount instruction)."""
    x = x - ((x >> _ONE) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    return (x * _H01) >> np.uint64(56)


@numba.njit(inline="always")
def _and_count(x, y):
    """|x ∩ y| of two packed rows."""
    total = np.uint64(0)
    for word in range(x.shape[0]):
        total += _popcount(x[word] & y[word])
    return total


@numba.njit(inline="always")
def _overlap_block(xi, s, out, k):
    """The overlaps of block k of ``_BLOCK`` patterns with every query: the block meets
    all the queries while it sits in L1, so a batch streams the patterns once."""
    lo = k * _BLOCK
    hi = min(lo + _BLOCK, xi.shape[0])
    for b in range(s.shape[0]):
        for mu in range(lo, hi):
            out[b, mu] = _and_count(xi[mu], s[b])


@numba.njit(cache=True)
def overlaps(xi, s, out):
    """out[b, mu] = |xi^mu ∩ s^b| for packed patterns xi (P, W) and queries s (B, W)."""
    for k in range((xi.shape[0] + _BLOCK - 1) // _BLOCK):
        _overlap_block(xi, s, out, k)


@numba.njit(cache=True, parallel=True)
def overlaps_parallel(xi, s, out):
    """`overlaps` with the blocks of patterns shared among Numba's threads."""
    for k in numba.prange((xi.shape[0] + _BLOCK - 1) // _BLOCK):
        _overlap_block(xi, s, out, k)


@numba.njit(cache=True)
def _count(row):
    """Number of set bits of a packed row."""
    total = np.uint64(0)
    for word in range(row.shape[0]):
        total += _popcount(row[word])
    return np.int64(total)


@numba.njit(cache=True)
def _bit(cell):
    """(word, mask) of bit ``cell`` of a packed row."""
    return cell >> 6, _ONE << np.uint64(cell & 63)


@numba.njit(cache=True)
def active_bits(words, out):
    """out[i] = number of set bits of the packed row words[i]."""
    for i in range(words.shape[0]):
        out[i] = _count(words[i])


@numba.njit(cache=True)
def pack(indices, words):
    """Set bit indices[i, k] of row i of ``words`` (zeroed by the caller) for every k."""
    for i in range(indices.shape[0]):
        for k in range(indices.shape[1]):
            word, bit = _bit(indices[i, k])
            words[i, word] |= bit


@numba.njit(cache=True)
def unpack(words, indices):
    """The set bits of each packed row, ascending, into indices[i, :] (counts checked by
    the caller)."""
    for i in range(words.shape[0]):
        _bits(words[i], indices[i])


@numba.njit(cache=True)
def first_repeat(indices, size):
    """(row, position) of the first index that repeats an earlier one of its row, or
    (-1, -1); the indices lie in range(size). One bitmap of size bits, cleared row by
    row."""
    taken = np.zeros((size + 63) // 64, dtype=np.uint64)
    for i in range(indices.shape[0]):
        repeat = -1
        for k in range(indices.shape[1]):
            word, bit = _bit(indices[i, k])
            if taken[word] & bit:
                repeat = k
                break
            taken[word] |= bit
        for k in range(indices.shape[1] if repeat < 0 else repeat):
            taken[indices[i, k] >> 6] = 0
        if repeat >= 0:
            return i, repeat
    return -1, -1


@numba.njit(cache=True)
def _floyd(u, size, out, taken):
    """Floyd's sample of len(u) distinct values of range(size) into ``out``, ascending.

    ``taken`` is a zeroed bitmap of at least size bits, zeroed again on return. The values
    come out ascending from a scan of the bitmap when that is cheaper than a sort.
    """
    k = u.shape[0]
    for step in range(k):
        j = size - k + step
        t = min(np.int64(u[step] * (j + 1)), j)  # u (j + 1) can round up to j + 1
        word, bit = _bit(t)
        if taken[word] & bit:
            t = j
            word, bit = _bit(t)
        taken[word] |= bit
        out[step] = t
    if 8 * k * np.log2(k + 1) > (size + 63) // 64:
        _bits(taken[: (size + 63) // 64], out)
        taken[: (size + 63) // 64] = 0
    else:
        out.sort()
        for step in range(k):
            taken[out[step] >> 6] = 0


@numba.njit(inline="always")
def _bits(words, out):
    """The set bits of one packed row, ascending, into ``out``: each set bit is isolated
    as x & -x and located by popcount(low - 1)."""
    k = 0
    for word in range(words.shape[0]):
        x = words[word]
        while x:
            low = x & (~x + _ONE)
            out[k] = 64 * word + np.int64(_popcount(low - _ONE))
            k += 1
            x ^= low


@numba.njit(cache=True)
def sample(u, size, out):
    """Row i of ``out`` gets u.shape[1] distinct values of range(size), ascending, from
    the uniforms u[i] (Floyd's algorithm)."""
    taken = np.zeros((size + 63) // 64, dtype=np.uint64)
    for i in range(u.shape[0]):
        _floyd(u[i], size, out[i], taken)


@numba.njit(cache=True)
def replace(x, N, u_drop, u_new, out):
    """Noise on SDRs: v of the w active cells of each row of x replaced by v cells that
    were inactive, every choice equally likely; rows of ``out`` ascending.

    x (rows, w) holds ascending cell indices in range(N). The cells dropped are the
    positions Floyd picks in range(w) from u_drop[i] (v uniforms); the cells added are
    the ranks Floyd picks in range(N - w) from u_new[i], mapped to the inactive cells:
    the k-th inactive cell (from 0) is k plus the number of active cells below it.
    """
    rows, w = x.shape
    v = u_drop.shape[1]
    taken = np.zeros((N + 63) // 64, dtype=np.uint64)
    drop = np.empty(v, dtype=np.int64)
    rank = np.empty(v, dtype=np.int64)
    for i in range(rows):
        _floyd(u_drop[i], w, drop, taken)
        _floyd(u_new[i], N - w, rank, taken)
        k, dropped, below = 0, 0, 0
        for position in range(w):  # the cells kept
            if dropped < v and drop[dropped] == position:
                dropped += 1
            else:
                out[i, k] = x[i, position]
                k += 1
        for added in range(v):  # the cells added: walk the active cells below each rank
            cell = rank[added] + below
            while below < w and x[i, below] <= cell:
                below += 1
                cell = rank[added] + below
            out[i, k] = cell
            k += 1
        out[i].sort()
