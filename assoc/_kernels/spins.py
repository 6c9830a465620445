"""Spin-update kernels for networks of Ising spins with symmetric pairwise couplings.

Plain functions on arrays; the caller has validated them. A state ``s`` is an int8
vector (N,). Local fields are kept incrementally, in one of two representations:

- couplings: ``h = J s`` (float64), J symmetric with zero diagonal; a flip of spin i
  to ``new`` adds ``2 new J[i]`` to h, reading the contiguous row J[i] (O(N));
- overlaps, for Hebbian couplings J = xi^T xi / N (zero diagonal): the unnormalised
  overlaps ``M = xi s`` are kept, and N h_i = sum_mu xi_i^mu M_mu - c_i s_i with
  c_i = sum_mu (xi_i^mu)^2; a flip costs O(P) and reads the row xi^T[i] (int8).
  M is float32 while every partial sum is an integer below 2^24 (P N < 2^24), else
  float64, so the fields are exact integers and ties h_i = 0 are exact.

Random numbers come in as arrays drawn from the caller's Generator, so every kernel
is deterministic. ``*_batch`` kernels run replicas (rows of 2-D arguments) in
parallel, one replica per thread.
"""

import numba
import numpy as np


@numba.njit(cache=True)
def zero_T_sweep(J, s, h, order):
    """One zero-temperature asynchronous sweep in ``order``, in place; returns the flips.

    Spin i takes sign(h_i); a tie h_i == 0 keeps s_i.
    """
    flips = 0
    for i in order:
        new = 1 if h[i] > 0.0 else (-1 if h[i] < 0.0 else s[i])
        if new != s[i]:
            _axpy(2.0 * new, J[i], h)
            s[i] = new
            flips += 1
    return flips


@numba.njit(cache=True)
def glauber_sweeps(J, s, h, beta, sites, u, s_sum, n_skip):
    """Heat-bath sweeps c = 0..C-1 at inverse temperature beta, in place; returns the flips.

    Site i = sites[c, k] is set to +1 with the conditional Boltzmann probability
    P(+1) = (1 + tanh(beta h_i)) / 2 when u[c, k] falls below it, else to -1. After
    every sweep c >= n_skip the state is added to ``s_sum`` (time averages).
    """
    flips = 0
    for c in range(sites.shape[0]):
        for k in range(sites.shape[1]):
            i = sites[c, k]
            new = 1 if u[c, k] < 0.5 * (1.0 + np.tanh(beta * h[i])) else -1
            if new != s[i]:
                _axpy(2.0 * new, J[i], h)
                s[i] = new
                flips += 1
        if c >= n_skip:
            s_sum += s
    return flips


@numba.njit(cache=True)
def zero_T_sweep_overlaps(xiT, c, s, M, order):
    """`zero_T_sweep` with fields from the kept overlaps M = xi s (Hebbian couplings)."""
    flips = 0
    for i in order:
        Nh = _dot(xiT[i], M) - c[i] * s[i]
        new = 1 if Nh > 0 else (-1 if Nh < 0 else s[i])
        if new != s[i]:
            _axpy(2 * new, xiT[i], M)
            s[i] = new
            flips += 1
    return flips


@numba.njit(cache=True)
def glauber_sweeps_overlaps(xiT, c, beta, s, M, sites, u, s_sum, n_skip):
    """`glauber_sweeps` with fields from the kept overlaps M = xi s (Hebbian couplings)."""
    beta_N = beta / s.shape[0]
    flips = 0
    for c_ in range(sites.shape[0]):
        for k in range(sites.shape[1]):
            i = sites[c_, k]
            Nh = _dot(xiT[i], M) - c[i] * s[i]
            new = 1 if u[c_, k] < 0.5 * (1.0 + np.tanh(beta_N * Nh)) else -1
            if new != s[i]:
                _axpy(2 * new, xiT[i], M)
                s[i] = new
                flips += 1
        if c_ >= n_skip:
            s_sum += s
    return flips


@numba.njit(cache=True, parallel=True)
def zero_T_sweep_batch(J, s, h, order, active, flips):
    """`zero_T_sweep` on each active replica b (rows of s, h, order); flips[b] out."""
    for b in numba.prange(s.shape[0]):
        flips[b] = zero_T_sweep(J, s[b], h[b], order[b]) if active[b] else 0


@numba.njit(cache=True, parallel=True)
def glauber_sweeps_batch(J, s, h, beta, sites, u, s_sum, n_skip, flips):
    """`glauber_sweeps` on each replica b (sites, u of shape (B, C, N)); flips[b] added."""
    for b in numba.prange(s.shape[0]):
        flips[b] += glauber_sweeps(J, s[b], h[b], beta, sites[b], u[b], s_sum[b], n_skip)


@numba.njit(cache=True, parallel=True)
def zero_T_sweep_overlaps_batch(xiT, c, s, M, order, active, flips):
    """`zero_T_sweep_overlaps` on each active replica b; flips[b] out."""
    for b in numba.prange(s.shape[0]):
        flips[b] = zero_T_sweep_overlaps(xiT, c, s[b], M[b], order[b]) if active[b] else 0


@numba.njit(cache=True, parallel=True)
def glauber_sweeps_overlaps_batch(xiT, c, beta, s, M, sites, u, s_sum, n_skip, flips):
    """`glauber_sweeps_overlaps` on each replica b; flips[b] added."""
    for b in numba.prange(s.shape[0]):
        flips[b] += glauber_sweeps_overlaps(
            xiT, c, beta, s[b], M[b], sites[b], u[b], s_sum[b], n_skip
        )


@numba.njit(cache=True, inline="always")
def _axpy(a, x, y):
    """y += a x, in the dtype of y."""
    cast = y.dtype.type
    for j in range(y.shape[0]):
        y[j] += cast(a) * cast(x[j])


@numba.njit(cache=True, fastmath=True)
def _dot(x, y):
    """sum_j x_j y_j, accumulated in the dtype of y."""
    cast = y.dtype.type
    total = cast(0)
    for j in range(x.shape[0]):
        total += cast(x[j]) * y[j]
    return total
