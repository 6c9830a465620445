r"""The modern continuous Hopfield network: its energy and the bounds proved for it.

Ramsauer et al. [1]_ store ``P`` patterns :math:`\xi^\mu \in \mathbb{R}^N`, here the
rows of ``xi``, an ndarray of shape (P, N) as everywhere in the package (the paper
stacks them as the columns of a d x N matrix: its ``d`` is our ``N`` and its ``N`` our
``P``). A state (query) :math:`s \in \mathbb{R}^N` has the energy (their Eq. 2)

.. math::

    E(s) = -\operatorname{lse}(\beta, \xi s) + \tfrac12 s^T s
           + \beta^{-1}\ln P + \tfrac12 M^2, \qquad
    \operatorname{lse}(\beta, a) = \beta^{-1} \ln \sum_\mu e^{\beta a_\mu},
    \qquad M = \max_\mu \lVert \xi^\mu \rVert,

M the largest pattern norm (``max_norm``; the paper's M), which the update
:math:`s \leftarrow \xi^T \operatorname{softmax}(\beta \xi s)` (their Eq. 3, the
attention of a transformer) never increases. The functions here are the bounds the
paper proves:

- :func:`energy` and :func:`energy_bounds`: :math:`0 \le E \le 2M^2` (Lemma A1);
- :func:`separation`, :func:`separation_threshold`, :func:`well_separated`: the
  separation :math:`\Delta_\mu` of a pattern (Eq. 5) and the condition under which a
  fixed point lies within :math:`1/(\beta P M)` of it (Lemmas A5-A7);
- :func:`retrieval_error_bound`: one update lands within
  :math:`2\epsilon M` of the pattern (Lemma A4, Theorem 5);
- :func:`storage_constant`, :func:`storage_capacity`: exponentially many random
  patterns on a sphere are stored (Theorem 3).

References
----------
.. [1] H. Ramsauer, B. Schäfl, J. Lehner, P. Seidl, M. Widrich, T. Adler, L. Gruber,
   M. Holzleitner, M. Pavlović, G. K. Sandve, V. Greiff, D. Kreil, M. Kopp,
   G. Klambauer, J. Brandstetter, S. Hochreiter, "Hopfield networks is all you need",
   ICLR 2021, arXiv:2008.02217 (v3). Equation, lemma and theorem numbers refer to v3.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy import special

from theory._checks import check_finite, check_param

__all__ = [
    "EnergyBounds",
    "energy",
    "energy_bounds",
    "retrieval_error_bound",
    "separation",
    "separation_threshold",
    "storage_capacity",
    "storage_constant",
    "well_separated",
]


class EnergyBounds(NamedTuple):
    """Lower and upper bound of the energy of a state in the convex hull of the patterns."""

    lower: float
    upper: float


def _check_patterns(xi, min_count=1):
    """xi as a float64 array of shape (P, N), P >= min_count, finite real entries."""
    xi = np.asarray(xi)
    if xi.dtype == bool or not (
        np.issubdtype(xi.dtype, np.integer) or np.issubdtype(xi.dtype, np.floating)
    ):
        raise TypeError(f"xi must be a real array of shape (P, N); got dtype {xi.dtype}")
    if xi.ndim != 2 or xi.shape[0] < min_count or xi.shape[1] < 1:
        raise ValueError(
            f"xi must have shape (P, N) with P >= {min_count} patterns as rows and N >= 1; "
            f"got shape {xi.shape}"
        )
    xi = xi.astype(np.float64)
    if not np.all(np.isfinite(xi)):
        raise ValueError("xi must be finite; got NaN or inf entries")
    return xi


def _check_state(s, N, batch=False):
    """s as a float64 array of shape (N,) (or (B, N) with ``batch``), finite real entries."""
    s = np.asarray(s)
    shape = f"({N},)" + (f" or (B, {N})" if batch else "")
    if s.dtype == bool or not (
        np.issubdtype(s.dtype, np.integer) or np.issubdtype(s.dtype, np.floating)
    ):
        raise TypeError(f"s must be a real array of shape {shape}; got dtype {s.dtype}")
    if s.shape[-1:] != (N,) or s.ndim > (2 if batch else 1):
        raise ValueError(f"s must have shape {shape}, one entry per pattern unit; got {s.shape}")
    s = s.astype(np.float64)
    if not np.all(np.isfinite(s)):
        raise ValueError("s must be finite; got NaN or inf entries")
    return s


def _check_beta(beta):
    """beta > 0, a normal float64 (a subnormal one keeps too few digits to divide by)."""
    return check_param("beta", beta, low=np.finfo(np.float64).tiny)


def _max_norm(xi):
    """M = max_mu ||xi^mu||, the largest pattern norm."""
    return float(np.max(np.linalg.norm(xi, axis=1)))


def energy(xi, s, beta):
    r"""Energy of the state s in the modern Hopfield network (Ramsauer et al. Eq. 2).

    .. math::

        E = -\beta^{-1}\ln\sum_{\mu=1}^P e^{\beta \xi^{\mu T} s} + \tfrac12 s^T s
            + \beta^{-1}\ln P + \tfrac12 M^2,

    M the largest pattern norm. With a = xi s and d = a - max a the first and third terms
    are -max a - beta^-1 ln(1 + mean(expm1(beta d))): finite and accurate for every
    beta, the small (-> -mean a) and the large (-> -max a) alike.

    Parameters
    ----------
    xi : array_like of shape (P, N)
        Stored patterns, one per row.
    s : array_like of shape (N,)
        State (query).
    beta : float
        Inverse temperature, beta > 0 (a normal float64).

    Returns
    -------
    float
        Non-negative for every s (Lemma A1).

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Eq. (2).
    """
    xi = _check_patterns(xi)
    s = _check_state(s, xi.shape[1])
    beta = _check_beta(beta)
    a = xi @ s
    with np.errstate(over="ignore"):
        mean = np.mean(np.expm1(beta * (a - a.max())))  # in [-1, 0]
    lse = a.max() + math.log1p(mean) / beta  # lse(beta, a) - ln(P) / beta
    E = -lse + 0.5 * s @ s + 0.5 * _max_norm(xi) ** 2
    return float(check_finite("xi, s", "their entries", E))


def energy_bounds(xi, beta):
    r"""Bounds on the energy of any state in the convex hull of the patterns (Lemma A1).

    For every state :math:`E \ge \tfrac12 \lVert s - \xi^{\mu(s)} \rVert^2 \ge 0`, with
    :math:`\xi^{\mu(s)}` the pattern of largest :math:`\xi^{\mu T} s`. For a state in the
    convex hull of the patterns, :math:`s = \xi^T p` with ``p`` a probability vector,
    which every state is after one update,

    .. math::

        E \le \min\bigl(\beta^{-1}\ln P + \tfrac12 M^2,\; 2 M^2\bigr)

    (their Eqs. 22 and 25), M the largest pattern norm.

    Parameters
    ----------
    xi : array_like of shape (P, N)
        Stored patterns, one per row.
    beta : float
        Inverse temperature, beta > 0.

    Returns
    -------
    EnergyBounds
        ``(lower, upper)`` = ``(0, min(ln P / beta + M**2 / 2, 2 M**2))``.

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Lemma A1.
    """
    xi = _check_patterns(xi)
    beta = _check_beta(beta)
    M2 = _max_norm(xi) ** 2
    return EnergyBounds(0.0, min(math.log(xi.shape[0]) / beta + 0.5 * M2, 2.0 * M2))


def separation(xi):
    r"""Separation of each pattern from the others (Ramsauer et al. Eq. 5).

    .. math::

        \Delta_\mu = \xi^{\mu T} \xi^\mu - \max_{\nu \ne \mu} \xi^{\mu T} \xi^\nu ,

    which is :math:`\tfrac12 \min_{\nu\ne\mu}\lVert \xi^\mu - \xi^\nu\rVert^2` for
    patterns of equal norm. Pattern ``mu`` is separated from the others if
    :math:`\Delta_\mu > 0`.

    Parameters
    ----------
    xi : array_like of shape (P, N)
        Stored patterns, one per row, P >= 2.

    Returns
    -------
    ndarray of shape (P,), float64

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Eq. (5) and Definition 2.
    """
    xi = _check_patterns(xi, min_count=2)
    G = xi @ xi.T
    others = G.copy()
    np.fill_diagonal(others, -np.inf)
    return np.diag(G) - others.max(axis=1)


def separation_threshold(P, beta, max_norm):
    r"""Separation above which a pattern is "well separated" (Lemmas A5-A7, A1/A2).

    .. math::

        \Delta_\mathrm{min} = \frac{2}{\beta P}
            + \frac1\beta \ln\bigl(2 (P - 1) P \beta M^2\bigr),

    M = ``max_norm``. A pattern with :math:`\Delta_\mu \ge \Delta_\mathrm{min}` has a
    fixed point of the update in the ball :math:`\lVert s - \xi^\mu\rVert \le
    1/(\beta P M)`, to which the update converges from anywhere in that ball (the
    update is a contraction there).

    Parameters
    ----------
    P : int
        Number of stored patterns (the paper's N), P >= 2.
    beta : float
        Inverse temperature, beta > 0.
    max_norm : float
        Largest pattern norm (the paper's M), max_norm > 0.

    Returns
    -------
    float

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Lemma A5 (A2), Lemma A6 (A1),
       Lemma A7, Eqs. (142), (149), (165).
    """
    P = check_param("P", P, low=2, integer=True)
    beta = _check_beta(beta)
    M = check_param("max_norm", max_norm, low=0.0, closed=(False, True))
    log = math.log(2.0 * (P - 1) * P) + math.log(beta) + 2.0 * math.log(M)  # no overflow
    return check_finite("beta", beta, 2.0 / (beta * P) + log / beta)


def well_separated(xi, beta):
    r"""Which patterns meet the well-separation condition of Lemmas A5-A7.

    :math:`\Delta_\mu \ge \Delta_\mathrm{min}(P, \beta, M)`, with :math:`\Delta_\mu`
    from :func:`separation` and :math:`\Delta_\mathrm{min}` from
    :func:`separation_threshold`, M the largest pattern norm of ``xi``.

    Parameters
    ----------
    xi : array_like of shape (P, N)
        Stored patterns, one per row, P >= 2, not all zero.
    beta : float
        Inverse temperature, beta > 0.

    Returns
    -------
    ndarray of shape (P,), bool

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Lemma A7.
    """
    xi = _check_patterns(xi, min_count=2)
    M = _max_norm(xi)
    if M == 0.0:
        raise ValueError("xi must have a nonzero pattern; got all-zero patterns")
    return separation(xi) >= separation_threshold(xi.shape[0], beta, M)


def retrieval_error_bound(xi, s, beta, mu):
    r"""Bound on the distance of one update of s from pattern mu (Lemma A4, Theorem 5).

    After one update :math:`f(s) = \xi^T\operatorname{softmax}(\beta \xi s)`,

    .. math::

        \lVert f(s) - \xi^\mu \rVert \le 2 \epsilon M, \qquad
        \epsilon = (P - 1) \exp\bigl(-\beta(\Delta_\mu - 2 \lVert s - \xi^\mu\rVert M)
            \bigr),

    M the largest pattern norm. Lemma A4 gives the bound with
    :math:`\epsilon = (P-1) e^{-\beta c}` for any
    :math:`c \le \min_{\nu\ne\mu} s^T(\xi^\mu - \xi^\nu)`, and Cauchy-Schwarz gives
    :math:`\min_{\nu\ne\mu} s^T(\xi^\mu - \xi^\nu) \ge \Delta_\mu - 2\lVert s -
    \xi^\mu\rVert M` (their Eq. 145): so it holds for every query. Theorem 5 states it
    with :math:`\max(\lVert s - \xi^\mu\rVert, \lVert \xi^{\mu *} - \xi^\mu\rVert)` in
    place of :math:`\lVert s - \xi^\mu\rVert`, which can only make it larger. It is
    informative (below M) only when ``s`` is close to a well separated
    :math:`\xi^\mu`.

    Parameters
    ----------
    xi : array_like of shape (P, N)
        Stored patterns, one per row, P >= 2.
    s : array_like of shape (N,) or (B, N)
        State (query), or B of them.
    beta : float
        Inverse temperature, beta > 0.
    mu : int or array_like of int of shape (B,)
        Index of the pattern, 0 <= mu < P (one per query).

    Returns
    -------
    float or ndarray of shape (B,)
        ``2 epsilon M`` (inf where the exponent overflows).

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Lemma A4, Eqs. (145), (147),
       Theorem 5 (Eq. 8).
    """
    xi = _check_patterns(xi, min_count=2)
    s = _check_state(s, xi.shape[1], batch=True)
    beta = _check_beta(beta)
    P = xi.shape[0]
    if np.ndim(mu) == 0:
        mu = check_param("mu", mu, low=0, high=P - 1, integer=True)
    else:
        mu = np.asarray(mu)
        if not np.issubdtype(mu.dtype, np.integer) or mu.shape != s.shape[:1]:
            raise ValueError(f"mu must be {s.shape[:1]} integer indices; got {mu!r}")
        if np.any((mu < 0) | (mu >= P)):
            raise ValueError(f"mu must be in [0, {P - 1}]; got {mu[(mu < 0) | (mu >= P)][:3]}")
    M = _max_norm(xi)  # the separations come from one Gram matrix for every query
    margin = separation(xi)[mu] - 2.0 * np.linalg.norm(s - xi[mu], axis=-1) * M
    with np.errstate(over="ignore"):
        bound = 2.0 * M * (P - 1) * np.exp(-beta * margin)
    return float(bound) if bound.ndim == 0 else bound


def _check_sphere(N, failure, beta, max_norm):
    N = check_param("N", N, low=2, integer=True)
    failure = check_param("failure", failure, low=0.0, high=1.0, closed=(False, True))
    beta = _check_beta(beta)
    max_norm = check_param("max_norm", max_norm, low=0.0, closed=(False, True))
    return N, failure, beta, max_norm


def storage_constant(N, failure, beta, max_norm):
    r"""The base ``c`` of the storage capacity of Theorem 3 of Ramsauer et al.

    For random patterns on the sphere of radius :math:`M = K_R\sqrt{N-1}` (the
    theorem's ``K``, here :math:`K_R`; M = ``max_norm``, the norm of every pattern), in
    dimension N (the theorem's d), and failure probability ``failure``,

    .. math::

        a = \frac{2}{N-1}\bigl(1 + \ln(2\beta K_R^2 failure (N-1))\bigr), \quad
        b = \frac{2 K_R^2 \beta}{5}, \quad
        c = \frac{b}{W_0(\exp(a + \ln b))},

    with :math:`W_0` the upper branch of the Lambert W function.

    Parameters
    ----------
    N : int
        Pattern dimension (the paper's d), N >= 2.
    failure : float
        Failure probability, 0 < failure <= 1.
    beta : float
        Inverse temperature, beta > 0.
    max_norm : float
        Radius of the sphere of the patterns (the paper's M), max_norm > 0.

    Returns
    -------
    float
        3.1546 for beta = 1, K_R = 3, N = 20, failure = 0.001; 1.3718 for beta = 1, K_R = 1,
        N = 75, failure = 0.001 (the values quoted after the theorem).

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Theorem 3 (Theorem A5).
    """
    N, failure, beta, max_norm = _check_sphere(N, failure, beta, max_norm)
    log_K2 = 2.0 * math.log(max_norm) - math.log(N - 1)  # in logs: nothing overflows
    a = 2.0 / (N - 1) * (1.0 + math.log(2.0 * failure) + math.log(beta) + log_K2 + math.log(N - 1))
    log_b = math.log(0.4) + log_K2 + math.log(beta)
    log_c = log_b - _log_lambert_w(a + log_b)
    if log_c > math.log(np.finfo(np.float64).max):
        check_finite("beta, max_norm", (beta, max_norm), math.inf)
    return math.exp(log_c)


def _log_lambert_w(log_x):
    """ln W0(x) from ln x, x > 0: ln x where x is below 1e-300 (W0(x) = x (1 - x + ...)),
    W0 by scipy where x is finite, else from w + ln w = ln x by Newton's method (w > 1
    there, and the iteration converges quadratically from w = ln x)."""
    if log_x < -690.0:
        return log_x
    if log_x < 700.0:
        return math.log(special.lambertw(math.exp(log_x), 0).real)
    w = log_x
    for _ in range(50):
        step = (w + math.log(w) - log_x) / (1.0 + 1.0 / w)
        w -= step
        if abs(step) <= 1e-15 * w:
            break
    return math.log(w)


def storage_capacity(N, failure, beta, max_norm):
    r"""Number of random patterns on a sphere that are stored (Ramsauer et al. Theorem 3).

    With probability at least ``1 - failure``, the modern Hopfield network stores (in the
    sense of their Definition 1: each pattern has its own fixed point, with disjoint
    basins around the patterns)

    .. math::

        P \ge \sqrt{failure}\; c^{(N-1)/4}

    patterns drawn uniformly on the sphere of radius ``max_norm`` in dimension ``N``,
    with ``c`` from :func:`storage_constant`: exponentially many in ``N``.

    Parameters
    ----------
    N : int
        Pattern dimension (the paper's d), N >= 2.
    failure : float
        Failure probability, 0 < failure <= 1.
    beta : float
        Inverse temperature, beta > 0.
    max_norm : float
        Radius of the sphere of the patterns, max_norm > 0 (the theorem's
        ``K sqrt(d - 1)``, here ``K_R sqrt(N - 1)``).

    Returns
    -------
    float
        The lower bound on P.

    Raises
    ------
    ValueError
        If the theorem's condition :math:`c \ge (2/\sqrt{failure})^{4/(N-1)}` fails, i.e. the
        bound would be below 2 patterns and the theorem says nothing; a larger ``N``
        or ``max_norm`` helps.

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Theorem 3, Eq. (4).
    """
    N, failure, beta, max_norm = _check_sphere(N, failure, beta, max_norm)
    c = storage_constant(N, failure, beta, max_norm)
    log_bound = 0.5 * math.log(failure) + (N - 1) / 4.0 * math.log(c)
    if log_bound > math.log(np.finfo(np.float64).max):
        raise ValueError(
            "N, beta, max_norm must be small enough that the bound sqrt(failure) "
            f"c^((N - 1)/4) is finite in float64; got N = {N}, c = {c:.6g}"
        )
    bound = math.exp(log_bound)
    if bound < 2.0:
        raise ValueError(
            f"Theorem 3 needs c >= (2 / sqrt(failure))**(4 / (N - 1)), a bound of at least 2 "
            f"patterns; got c = {c:.6g}, bound {bound:.6g} for N = {N}, failure = {failure}, "
            f"beta = {beta}, max_norm = {max_norm} (increase N or max_norm)"
        )
    return bound
