"""Single-spin-update kernels for Ising spins with symmetric pairwise couplings.

One update rule serves every temperature: spin i takes

    s_i <- sign(h_i - z),    a tie h_i == z keeps s_i,

with z = 0 at T = 0 and z logistic with scale T/2 at T > 0, for which
P(s_i = +1) = P(z < h_i) = (1 + tanh(h_i / T)) / 2: the heat-bath (Glauber)
probability. A sweep visits every spin once, in a fresh random order (a Fisher-Yates
shuffle of the identity, so that sweep c depends on u[c] alone). The caller draws the
uniforms ``u`` of the shuffles and the thresholds ``z`` from its Generator, so every
kernel is deterministic, and no transcendental function runs inside the loop.

States ``s`` are int8 vectors (N,). The local fields are kept incrementally, in one
of two representations:

- couplings: ``h = J s`` (float64), J symmetric with zero diagonal; a flip of spin i
  to ``new`` adds ``2 new J[i]`` to h, reading the contiguous row J[i] (O(N));
- overlaps, for Hebbian couplings J = xi^T xi / N (zero diagonal): the unnormalised
  overlaps ``M = xi s`` are kept, and N h_i = sum_mu xi_i^mu M_mu - c_i s_i with
  c_i = sum_mu (xi_i^mu)^2; a flip costs O(P) and reads the row xi^T[i] (int8).
  M holds integers exactly (int16, float32 or float64, see ``OverlapFields``), so the
  fields are exact integers and ties h_i = 0 are exact.

M is int16 where the overlaps fit (the sums in int32), and the P-term dot products
sum_mu xi_i^mu M_mu are then multiply-add instructions, 32 products a step where the
processor has them (AVX-512BW), written as LLVM vector code because Numba's loop
vectoriser stops at 8-lane steps on these cores; elsewhere a plain loop.

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

import llvmlite.binding as llvm
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
        for k in range(order.shape[0]):  # each sweep's order depends on its u alone
            order[k] = k
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


@numba.njit(cache=True)
def overlaps(xiT, s, M):
    """M = xi s for a batch: s (B, N) int8, xiT = xi^T (N, P) integers, M (B, P) out,
    summed in the dtype of M (exact where the sums fit it). Also the fields h = J s of
    symmetric integer couplings, as ``overlaps(J, s, h)``."""
    for b in range(s.shape[0]):
        M[b] = 0
        for i in range(s.shape[1]):
            _axpy(s[b, i], xiT[i], M[b])


@numba.njit(cache=True)
def pattern_fields(xiT, c, s, M, h):
    """h[b, i] = sum_mu xi_i^mu M[b, mu] - c_i s[b, i] for a batch (N / scale times the
    fields of Hebbian couplings from the kept overlaps M = xi s), exact where `_dot` is."""
    for b in range(s.shape[0]):
        for i in range(s.shape[1]):
            h[b, i] = _dot(xiT[i], M[b]) - c[i] * s[b, i]


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


@numba.njit(cache=True)
def _sign(g, s_i):
    """sign(g), 0 keeping s_i."""
    up, down = g > 0.0, g < 0.0
    return np.int8(up) - np.int8(down) + np.int8(not (up or down)) * s_i


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


# The host has AVX-512BW and Numba compiles for it: the int8 x int16 dot products use its
# 32-lane multiply-adds (LLVM's loop vectoriser stops at 8-lane ones on these cores).
_MULTIPLY_ADD = (
    numba.config.CPU_NAME is None
    and numba.config.CPU_FEATURES is None
    and bool(llvm.get_host_cpu_features().get("avx512bw", False))
)


def _dot(x, y):
    """sum_j x_j y_j of integer rows x and kept overlaps y, exact."""
    raise NotImplementedError  # compiled through the overload below


@overload(_dot, inline="always")
def _integer_dot(x, y):
    """int16 y: accumulated in int32 (the caller bounds the sum below 2^31); the
    products of int16 pairs compile to multiply-add instructions. Inlined where it is
    called, so that the sweep's loop holds it."""
    if y.dtype != numba.int16:
        return None
    if _MULTIPLY_ADD and x.dtype == numba.int8 and x.layout == y.layout == "C":
        return lambda x, y: _multiply_add_dot(x, y)

    def dot(x, y):
        total = np.int32(0)
        for j in range(x.shape[0]):
            total = np.int32(total + np.int32(x[j]) * np.int32(y[j]))
        return total

    return dot


@overload(_dot, jit_options={"fastmath": True})
def _float_dot(x, y):
    """float y: accumulated in the dtype of y (float32 exact for integers below 2^24),
    reassociated and vectorised (fastmath: a function of its own)."""
    if y.dtype == numba.int16:
        return None

    def dot(x, y):
        cast = y.dtype.type
        total = cast(0)
        for j in range(x.shape[0]):
            total += cast(x[j]) * y[j]
        return total

    return dot


@intrinsic
def _multiply_add_dot(typingctx, x, y):
    """sum_j x_j y_j (int32) of a contiguous int8 x and int16 y of the same length, by
    vpmaddwd: 32 products summed pairwise per instruction, then 16, then one by one."""

    def codegen(context, builder, signature, args):
        x, y = (context.make_array(t)(context, builder, a) for t, a in zip(signature.args, args))
        x_data, y_data, n = x.data, y.data, builder.extract_value(x.shape, 0)
        i8, i16, i32, i64 = (ir.IntType(b) for b in (8, 16, 32, 64))
        total = cgutils.alloca_once_value(builder, i32(0))
        done = i64(0)
        for lanes, name in ((32, "llvm.x86.avx512.pmaddw.d.512"), (16, "llvm.x86.avx2.pmadd.wd")):
            words, sums = ir.VectorType(i16, lanes), ir.VectorType(i32, lanes // 2)
            multiply_add = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(sums, [words, words]), name
            )
            add_up = cgutils.get_or_insert_function(
                builder.module,
                ir.FunctionType(i32, [sums]),
                f"llvm.vector.reduce.add.v{lanes // 2}i32",
            )
            acc = cgutils.alloca_once_value(builder, ir.Constant(sums, None))
            chunks = builder.udiv(builder.sub(n, done), i64(lanes))
            with cgutils.for_range(builder, chunks) as loop:
                j = builder.add(done, builder.mul(loop.index, i64(lanes)))
                xs = builder.bitcast(
                    builder.gep(x_data, [j]), ir.VectorType(i8, lanes).as_pointer()
                )
                ys = builder.bitcast(builder.gep(y_data, [j]), words.as_pointer())
                product = builder.call(
                    multiply_add,
                    [builder.sext(builder.load(xs, align=1), words), builder.load(ys, align=2)],
                )
                builder.store(builder.add(builder.load(acc), product), acc)
            builder.store(
                builder.add(builder.load(total), builder.call(add_up, [builder.load(acc)])), total
            )
            done = builder.add(done, builder.mul(chunks, i64(lanes)))
        with cgutils.for_range_slice(builder, done, n, i64(1)) as (j, _):
            xj = builder.sext(builder.load(builder.gep(x_data, [j])), i32)
            yj = builder.sext(builder.load(builder.gep(y_data, [j])), i32)
            builder.store(builder.add(builder.load(total), builder.mul(xj, yj)), total)
        return builder.load(total)

    return types.int32(x, y), codegen
