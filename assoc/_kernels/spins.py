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
from numba.extending import overload


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


@numba.njit(cache=True, fastmath=True)
def _dot(x, y):
    """sum_j x_j y_j, accumulated in the dtype of y (exact for integers below 2^24)."""
    cast = y.dtype.type
    total = cast(0)
    for j in range(x.shape[0]):
        total += cast(x[j]) * y[j]
    return total
