"""Single-spin-update kernels for Ising spins with symmetric pairwise couplings.

One update rule serves every temperature: spin i takes

    s_i <- sign(h_i - z),    a tie h_i == z keeps s_i,

with z = 0 at T = 0 and z logistic with scale T/2 at T > 0, for which
P(s_i = +1) = P(z < h_i) = (1 + tanh(h_i / T)) / 2: the heat-bath (Glauber)
probability. The caller draws the visiting order and the thresholds z from its
Generator, so every kernel is deterministic and no transcendental function runs
inside the loop.

States ``s`` are int8 vectors (N,). The local fields are kept incrementally, in one
of two representations:

- couplings: ``h = J s`` (float64), J symmetric with zero diagonal; a flip of spin i
  to ``new`` adds ``2 new J[i]`` to h, reading the contiguous row J[i] (O(N));
- overlaps, for Hebbian couplings J = xi^T xi / N (zero diagonal): the unnormalised
  overlaps ``M = xi s`` are kept, and N h_i = sum_mu xi_i^mu M_mu - c_i s_i with
  c_i = sum_mu (xi_i^mu)^2; a flip costs O(P) and reads the row xi^T[i] (int8).
  M is float32 while every partial sum is an integer below 2^24 (P N < 2^24), else
  float64, so the fields are exact integers and ties h_i = 0 are exact.

``*_batch`` kernels run replicas (rows of the arguments) in parallel, one per thread.
"""

import numba


@numba.njit(cache=True)
def sweeps(J, s, h, sites, z, s_sum, n_skip):
    """Sweeps c = 0..C-1 of updates s_i <- sign(h_i - z[c, k]) at i = sites[c, k], in
    place; after every sweep c >= n_skip the state is added to ``s_sum``. Returns the
    number of flips."""
    flips = 0
    for c in range(sites.shape[0]):
        for k in range(sites.shape[1]):
            i = sites[c, k]
            g = h[i] - z[c, k]
            new = 1 if g > 0.0 else (-1 if g < 0.0 else s[i])
            if new != s[i]:
                _axpy(2 * new, J[i], h)
                s[i] = new
                flips += 1
        if c >= n_skip:
            s_sum += s
    return flips


@numba.njit(cache=True)
def sweeps_overlaps(xiT, c, s, M, sites, z, s_sum, n_skip):
    """`sweeps` for Hebbian couplings, with N h_i from the kept overlaps M = xi s
    (z in the same units: N times the threshold)."""
    flips = 0
    for c_ in range(sites.shape[0]):
        for k in range(sites.shape[1]):
            i = sites[c_, k]
            g = _dot(xiT[i], M) - c[i] * s[i] - z[c_, k]
            new = 1 if g > 0.0 else (-1 if g < 0.0 else s[i])
            if new != s[i]:
                _axpy(2 * new, xiT[i], M)
                s[i] = new
                flips += 1
        if c_ >= n_skip:
            s_sum += s
    return flips


@numba.njit(cache=True, parallel=True)
def sweeps_batch(J, s, h, sites, z, s_sum, n_skip, active, flips):
    """`sweeps` on every active replica b (rows of s, h, sites, z, s_sum); flips[b] out."""
    for b in numba.prange(s.shape[0]):
        flips[b] = sweeps(J, s[b], h[b], sites[b], z[b], s_sum[b], n_skip) if active[b] else 0


@numba.njit(cache=True, parallel=True)
def sweeps_overlaps_batch(xiT, c, s, M, sites, z, s_sum, n_skip, active, flips):
    """`sweeps_overlaps` on every active replica b; flips[b] out."""
    for b in numba.prange(s.shape[0]):
        if active[b]:
            flips[b] = sweeps_overlaps(xiT, c, s[b], M[b], sites[b], z[b], s_sum[b], n_skip)
        else:
            flips[b] = 0


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
