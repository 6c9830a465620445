"""Single-spin-update kernels for Ising spins with symmetric pairwise couplings.

One update rule serves every temperature: spin i takes

    s_i <- sign(h_i - z),    a tie h_i == z keeps s_i,

with z = 0 at T = 0 and z logistic with scale T/2 at T > 0, for which
P(s_i = +1) = P(z < h_i) = (1 + tanh(h_i / T)) / 2: the heat-bath (Glauber)
probability. A sweep visits every spin once, in a fresh random order (a Fisher-Yates
shuffle). The caller draws the uniforms ``u`` of the shuffles and the thresholds ``z``
from its Generator, so every kernel is deterministic, and no transcendental function
runs inside the loop.

States ``s`` are int8 vectors (N,). The local fields are kept incrementally, in one
of two representations:

- couplings: ``h = J s`` (float64), J symmetric with zero diagonal; a flip of spin i
  to ``new`` adds ``2 new J[i]`` to h, reading the contiguous row J[i] (O(N));
- overlaps, for Hebbian couplings J = xi^T xi / N (zero diagonal): the unnormalised
  overlaps ``M = xi s`` are kept, and N h_i = sum_mu xi_i^mu M_mu - c_i s_i with
  c_i = sum_mu (xi_i^mu)^2; a flip costs O(P) and reads the row xi^T[i] (int8).
  M is float32 while every partial sum is an integer below 2^24 (P N < 2^24), else
  float64, so the fields are exact integers and ties h_i = 0 are exact.

One kernel, `sweeps`, serves both representations (``fields = (J,)`` or
``(xiT, c)``), and the dense memories of :mod:`assoc._kernels.dense`, whose fields are
functions of kept overlaps (``fields = (xiT, kind, c, odd, e, scale)``): the decision of
spin i, `new_spin`, is chosen by the type of ``fields`` (a Numba overload), the rest
of the sweep is shared. ``fields[0]`` holds the rows a flip of spin i adds to the kept
quantities. It runs ``C = u.shape[0]`` sweeps: sweep c shuffles with ``u[c]`` and,
when ``z`` is not empty, uses the thresholds ``z[c]`` (an empty ``z`` of shape (0, 0)
means T = 0; in `sweeps_batch` (B, 0, 0)). After every sweep c >= n_skip the state is
added to ``s_sum``; with ``until_fixed`` it stops after the first sweep without a flip.
It returns (sweeps run, flips, whether a sweep without a flip was reached).
`sweeps_batch` runs the replicas (rows of the arguments) in parallel.
"""

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic, overload


@numba.njit(cache=True)
def sweeps(fields, s, kept, u, z, s_sum, n_skip, until_fixed):
    """Sweeps of s_i <- sign(h_i - z), the fields kept incrementally in ``kept``.

    ``fields`` holds the constant arrays of the representation: ``(J,)`` with
    ``kept = h = J s``, ``(xiT, c)`` with ``kept = M = xi s``, or a dense memory's.
    """
    order = np.arange(s.shape[0])
    thermal = z.shape[0] > 0
    flips = 0
    for sweep in range(u.shape[0]):
        _shuffle(order, u[sweep])
        n = 0
        for k in range(order.shape[0]):
            i = order[k]
            if k + 1 < order.shape[0]:
                prefetch_row(fields, order[k + 1])
            new = new_spin(fields, kept, s, i, z[sweep, k] if thermal else 0.0)
            if new != s[i]:
                _axpy(2 * new, fields[0][i], kept)
                s[i] = new
                n += 1
        flips += n
        if sweep >= n_skip:
            s_sum += s
        if until_fixed and n == 0:
            return sweep + 1, flips, True
    return u.shape[0], flips, False


@numba.njit(cache=True, parallel=True)
def sweeps_batch(fields, s, kept, u, z, s_sum, n_skip, until_fixed, active, done, flips, fixed):
    """`sweeps` on every active replica b (rows of s, kept, u, z, s_sum); done[b],
    flips[b], fixed[b] out."""
    for b in numba.prange(s.shape[0]):
        if active[b]:
            done[b], flips[b], fixed[b] = sweeps(
                fields, s[b], kept[b], u[b], z[b], s_sum[b], n_skip, until_fixed
            )


def new_spin(fields, kept, s, i, z):
    """sign(h_i - z), a tie h_i == z keeping s_i: the new value of spin i."""
    raise NotImplementedError  # compiled through the overloads for each ``fields``


@overload(new_spin, inline="always")
def _pairwise_new_spin(fields, kept, s, i, z):
    """Couplings: h_i is kept; overlaps: N h_i = sum_mu xi_i^mu M_mu - c_i s_i."""
    if len(fields) == 1:

        def decide(fields, kept, s, i, z):
            return _sign(kept[i] - z, s[i])

    elif len(fields) == 2:

        def decide(fields, kept, s, i, z):
            return _sign(_dot(fields[0][i], kept) - fields[1][i] * s[i] - z, s[i])

    else:
        return None
    return decide


_PREFETCH_BYTES = 512


def prefetch_row(fields, i):
    """Ask the cache for the row of ``fields[0]`` that the next update reads."""
    raise NotImplementedError  # compiled through the overload below


@overload(prefetch_row, inline="always")
def _prefetch_row_impl(fields, i):
    """The sweep's order is known ahead: the next spin's row (a row of patterns, read by
    every update) is fetched while this one is decided, its first ``_PREFETCH_BYTES``
    (the hardware's stream prefetcher follows a longer row). A row of J is read only
    on a flip, and is left alone."""
    if len(fields) == 1:
        return lambda fields, i: None

    def prefetch(fields, i):
        row = fields[0][i]
        for offset in range(0, min(row.size * row.itemsize, _PREFETCH_BYTES), 64):
            _prefetch(row, offset)

    return prefetch


@intrinsic
def _prefetch(typingctx, row, offset):
    """llvm.prefetch (read, high locality) of the byte ``offset`` of a 1-d array."""

    def codegen(context, builder, signature, args):
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        byte = ir.IntType(8).as_pointer()
        address = builder.gep(builder.bitcast(data, byte), [args[1]])
        i32 = ir.IntType(32)
        llvm_prefetch = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(ir.VoidType(), [byte, i32, i32, i32]),
            "llvm.prefetch.p0i8",
        )
        builder.call(llvm_prefetch, [address, i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(row, offset), codegen


@numba.njit(cache=True, inline="always")
def _sign(g, s_i):
    """sign(g), 0 keeping s_i."""
    return 1 if g > 0.0 else (-1 if g < 0.0 else s_i)


@numba.njit(cache=True)
def _shuffle(order, u):
    """Fisher-Yates shuffle of ``order`` in place, with uniforms u in [0, 1)."""
    for k in range(order.shape[0] - 1, 0, -1):
        j = int(u[k] * (k + 1))
        order[k], order[j] = order[j], order[k]


@numba.njit(cache=True)
def _axpy(a, x, y):
    """y += a x, in the dtype of y."""
    cast = y.dtype.type
    for j in range(y.shape[0]):
        y[j] += cast(a) * cast(x[j])


def _dot(x, y):
    """sum_j x_j y_j of integer rows x and kept overlaps y, exact."""
    raise NotImplementedError  # compiled through the overload below


@overload(_dot, inline="always", jit_options={"fastmath": True})
def _dot_impl(x, y):
    """Accumulated in int32 for int16 y (the caller bounds the sum below 2^31; the
    products of int16 pairs compile to multiply-add instructions), else in the
    dtype of y (float32 exact for integers below 2^24)."""
    if y.dtype == numba.int16:

        def dot(x, y):
            total = np.int32(0)
            for j in range(x.shape[0]):
                total = np.int32(total + np.int32(x[j]) * np.int32(y[j]))
            return total

        return dot

    def dot(x, y):
        cast = y.dtype.type
        total = cast(0)
        for j in range(x.shape[0]):
            total += cast(x[j]) * y[j]
        return total

    return dot
