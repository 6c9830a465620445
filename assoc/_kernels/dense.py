r"""Single-spin-update kernels for dense associative memories, from kept overlaps.

The energy of a state s of N Ising spins is a sum over the P stored patterns of a
function of the overlap x_mu = xi^mu . s (an integer, |x_mu| <= N),
E = -scale_E sum_mu F(x_mu). The local field of spin i is half the energy it gains by
pointing down, h_i = (E(s_i = -1) - E(s_i = +1)) / 2, so that s_i <- sign(h_i) lowers
the energy and the heat-bath update sets s_i = +1 with probability
(1 + tanh(beta h_i)) / 2, as for the pairwise kernels of :mod:`assoc._kernels.spins`.
With x_mu = M_mu - xi_i^mu s_i the overlap of the other N - 1 spins and xi_i^mu = +-1,

    h_i = scale * sum_mu xi_i^mu G(x_mu),

for three kinds of G:

- ``POLYNOMIAL``: G is a polynomial of definite parity, G(x) = Gamma(x^2) or
  x Gamma(x^2), the coefficients ``c`` of Gamma (highest first) given by the caller:
  (x + 1)^n - (x - 1)^n for F(x) = x^n, or the elementary symmetric polynomial e_{p-1}
  of the other N - 1 signs (a polynomial in their sum x) for the distinct-index p-spin
  model.
- ``RECTIFIED``: G(x) = F(x + 1) - F(x - 1) for F(x) = max(x, 0)^n: the polynomial for
  x >= 1, F(1) - F(-1) = 1 at x = 0, 0 for x <= -1.
- ``EXPONENTIAL``: G(x) = exp(x - c), scale = sinh(1) exp(c), with the shift
  c = max_mu M_mu, the same for every spin of a state, so that x - c <= 1 and nothing
  overflows; x - c is an integer in [-2N - 1, 1], and exp is read from the caller's
  table ``e[j] = exp(j - 2N - 1)``. Fields are returned as h_i exp(-c).

The overlaps M = xi s are kept (int32, shape (P,)) and a flip of spin i to ``new`` adds
2 new xi^T[i] to them: O(P) per flip, and no coupling tensor is ever built.

The sums over mu are compiled with ``fastmath`` (reassociated, vectorised): every term
is finite (the caller checks that the polynomials cannot overflow), and for the
polynomial kinds every term and partial sum is an integer, exact in float64 while
below 2^53 (the caller states when that holds), so the order of the additions changes
nothing and ties h_i = 0 are exact. The comparison with the threshold is compiled
without it.

The update rule and the sweeps are those of :mod:`assoc._kernels.spins`, run with
``fields = (xiT, kind, c, odd, e, scale)``: s_i <- sign(h_i - z) (a tie keeps s_i),
z = 0 at T = 0 and logistic thresholds of scale T/2 drawn by the caller at T > 0. This
module gives `spins.new_spin` its dense case.
"""

import math

import numba
from numba.extending import overload

from .spins import _sign, new_spin

POLYNOMIAL, RECTIFIED, EXPONENTIAL = 0, 1, 2
LOG_SINH_1 = math.log(math.sinh(1.0))


@numba.njit(cache=True, fastmath=True)
def _horner(c, odd, x):
    """Gamma(x^2) (or x Gamma(x^2) when odd), Gamma with coefficients c, highest first."""
    y = x * x
    g = c[0]
    for j in range(1, c.shape[0]):
        g = g * y + c[j]
    return x * g if odd else g


@numba.njit(cache=True, inline="always")
def _rectify(g, x):
    """G(x) of F = max(x, 0)^n from the polynomial g = G(x): g for x >= 1,
    F(1) - F(-1) = 1 at x = 0, 0 for x <= -1."""
    return g if x >= 1.0 else (1.0 if x == 0.0 else 0.0)


@numba.njit(cache=True, fastmath=True)
def _polynomial_sum(c, odd, rectified, xi_i, s_i, M):
    """sum_mu xi_i^mu G(M_mu - xi_i^mu s_i) for a polynomial G (module notes).

    Four coefficients (F = x^n up to n = 8) run an unrolled Horner scheme, which
    vectorises; longer ones the loop of `_horner`."""
    total = 0.0
    if c.shape[0] != 4:
        for mu in range(M.shape[0]):
            x = float(M[mu] - xi_i[mu] * s_i)
            g = _horner(c, odd, x)
            total += xi_i[mu] * (_rectify(g, x) if rectified else g)
        return total
    c0, c1, c2, c3 = c[0], c[1], c[2], c[3]
    if rectified:
        for mu in range(M.shape[0]):
            x = float(M[mu] - xi_i[mu] * s_i)
            y = x * x
            g = ((c0 * y + c1) * y + c2) * y + c3
            g = x * g if odd else g
            total += xi_i[mu] * _rectify(g, x)
        return total
    for mu in range(M.shape[0]):
        x = float(M[mu] - xi_i[mu] * s_i)
        y = x * x
        g = ((c0 * y + c1) * y + c2) * y + c3
        total += xi_i[mu] * (x * g if odd else g)
    return total


@numba.njit(cache=True, fastmath=True)
def _exponential_sum(e, xi_i, s_i, M):
    """(sum_mu xi_i^mu exp(x_mu - c), c), c = max_mu M_mu; exp from the table e."""
    c = M[0]
    for mu in range(1, M.shape[0]):
        c = max(c, M[mu])
    offset = e.shape[0] - 2 - c  # e[x - c + 2N + 1] = exp(x - c)
    total = 0.0
    for mu in range(M.shape[0]):
        total += xi_i[mu] * e[M[mu] - xi_i[mu] * s_i + offset]
    return total, float(c)


@numba.njit(cache=True)
def field_sum(kind, c, odd, e, xi_i, s_i, M):
    """(sum_mu xi_i^mu G(x_mu), shift c) of spin i; c = 0 except for EXPONENTIAL."""
    if kind == EXPONENTIAL:
        return _exponential_sum(e, xi_i, s_i, M)
    return _polynomial_sum(c, odd, kind == RECTIFIED, xi_i, s_i, M), 0.0


@numba.njit(cache=True)
def _exceeds(total, log_scale, z):
    """A number with the sign of total exp(log_scale) - z (z may be -inf), compared
    through logarithms: never inf - inf, never NaN."""
    if total == 0.0:
        return -z
    if z == 0.0 or (total > 0.0) != (z > 0.0):
        return total
    d = math.log(abs(total)) + log_scale - math.log(abs(z))
    return total if d > 0.0 else (-total if d < 0.0 else 0.0)


@numba.njit(cache=True)
def _new_spin(kind, total, shift, scale, z, s_i):
    """sign(h_i - z), h_i = scale total (times exp(shift) for EXPONENTIAL); a tie keeps s_i."""
    if kind == EXPONENTIAL:
        g = _exceeds(total, shift + LOG_SINH_1, z)
    else:
        g = scale * total - z
    return _sign(g, s_i)


@overload(new_spin, inline="always")
def _dense_new_spin(fields, kept, s, i, z):
    """The decision of spin i in the sweeps of :mod:`assoc._kernels.spins` for
    ``fields = (xiT, kind, c, odd, e, scale)`` and the kept overlaps M."""
    if len(fields) != 6:
        return None

    def decide(fields, kept, s, i, z):
        xiT, kind, c, odd, e, scale = fields
        total, shift = field_sum(kind, c, odd, e, xiT[i], s[i], kept)
        return _new_spin(kind, total, shift, scale, z, s[i])

    return decide


@numba.njit(cache=True)
def fields(kind, c, odd, e, scale, xiT, s, M, h):
    """h[b, i] for every spin of a batch of states (h_i exp(-c) for EXPONENTIAL)."""
    for b in range(s.shape[0]):
        for i in range(s.shape[1]):
            total, _ = field_sum(kind, c, odd, e, xiT[i], s[b, i], M[b])
            h[b, i] = scale * total


@numba.njit(cache=True)
def energies(kind, c, odd, M, E):
    """E[b] = -sum_mu F(M[b, mu]), F(x) = Gamma(x^2) or x Gamma(x^2) with coefficients c
    (for RECTIFIED 0 at x <= 0); for EXPONENTIAL -ln sum_mu exp(M[b, mu]), shifted by the
    largest overlap."""
    for b in range(M.shape[0]):
        total = 0.0
        if kind == EXPONENTIAL:
            top = M[b].max()
            for mu in range(M.shape[1]):
                total += math.exp(M[b, mu] - top)
            E[b] = -(top + math.log(total))
            continue
        for mu in range(M.shape[1]):
            x = float(M[b, mu])
            if kind != RECTIFIED or x > 0.0:
                total += _horner(c, odd, x)
        E[b] = -total
