"""Spin-update kernels for networks with pairwise couplings J (symmetric, zero diagonal).

Plain functions on arrays. States ``s`` are int8 batches (B, N); local fields
``h = s @ J`` are float64 (B, N) and are kept incrementally: a flip of spin i to
``new`` adds ``2 new J[i]`` to the fields, reading the contiguous row J[i] (J is
symmetric). Random numbers come in as arrays drawn by the caller's Generator, so the
kernels are deterministic. Replicas of a batch run in parallel (prange).
"""

import numba
import numpy as np


@numba.njit(cache=True, parallel=True)
def zero_T_sweep(J, s, h, order, active, flips):
    """One zero-temperature asynchronous sweep per active replica, in place.

    Spin i = order[b, k] takes sign(h_i); a tie h_i == 0 keeps s_i. ``flips[b]``
    receives the number of spins flipped in replica b (0 for inactive replicas).
    """
    B, N = s.shape
    for b in numba.prange(B):
        n = 0
        if active[b]:
            for k in range(N):
                i = order[b, k]
                new = 1 if h[b, i] > 0.0 else (-1 if h[b, i] < 0.0 else s[b, i])
                if new != s[b, i]:
                    _add_row(h[b], J[i], 2.0 * new)
                    s[b, i] = new
                    n += 1
        flips[b] = n


@numba.njit(cache=True, parallel=True)
def glauber_sweeps(J, s, h, beta, sites, u, s_sum, n_skip):
    """Heat-bath (Glauber) sweeps at inverse temperature beta, in place.

    For sweep c and replica b, site i = sites[c, b, k] is set to +1 with probability
    P(+1) = (1 + tanh(beta h_i)) / 2, the conditional Boltzmann probability, using
    the uniform number u[c, b, k]. After every sweep c >= n_skip the state is added
    to ``s_sum`` (for time averages).
    """
    C, B, N = sites.shape
    for b in numba.prange(B):
        for c in range(C):
            for k in range(N):
                i = sites[c, b, k]
                new = 1 if u[c, b, k] < 0.5 * (1.0 + np.tanh(beta * h[b, i])) else -1
                if new != s[b, i]:
                    _add_row(h[b], J[i], 2.0 * new)
                    s[b, i] = new
            if c >= n_skip:
                for j in range(N):
                    s_sum[b, j] += s[b, j]


@numba.njit(cache=True, inline="always")
def _add_row(h, Ji, scale):
    for j in range(h.shape[0]):
        h[j] += scale * Ji[j]
