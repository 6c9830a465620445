r"""The modern continuous Hopfield network: its energy and the bounds proved for it.

Ramsauer et al. [1]_ store ``K`` patterns :math:`x_i \in \mathbb{R}^d`, here the rows
of ``X``, an ndarray of shape (K, d) as everywhere in the package (the paper stacks
them as the columns of a d x N matrix, and its ``N`` is our ``K``). A state (query)
:math:`\xi \in \mathbb{R}^d` has the energy (their Eq. 2)

.. math::

    E(\xi) = -\operatorname{lse}(\beta, X\xi) + \tfrac12 \xi^T\xi
             + \beta^{-1}\ln K + \tfrac12 M^2, \qquad
    \operatorname{lse}(\beta, a) = \beta^{-1} \ln \sum_i e^{\beta a_i},
    \qquad M = \max_i \lVert x_i \rVert,

which the update :math:`\xi \leftarrow X^T \operatorname{softmax}(\beta X \xi)` (their
Eq. 3, the attention of a transformer) never increases. The functions here are the
bounds the paper proves:

- :func:`energy` and :func:`energy_bounds`: :math:`0 \le E \le 2M^2` (Lemma A1);
- :func:`separation`, :func:`separation_threshold`, :func:`well_separated`: the
  separation :math:`\Delta_i` of a pattern (Eq. 5) and the condition under which a
  fixed point lies within :math:`1/(\beta K M)` of it (Lemmas A5-A7);
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

from theory._checks import check_param

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


def _check_patterns(X, min_count=1):
    """X as a float64 array of shape (K, d), K >= min_count, finite real entries."""
    X = np.asarray(X)
    if X.dtype == bool or not (
        np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating)
    ):
        raise TypeError(f"X must be a real array of shape (K, d); got dtype {X.dtype}")
    if X.ndim != 2 or X.shape[0] < min_count or X.shape[1] < 1:
        raise ValueError(
            f"X must have shape (K, d) with K >= {min_count} patterns as rows and d >= 1; "
            f"got shape {X.shape}"
        )
    X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite; got NaN or inf entries")
    return X


def _check_state(xi, d, batch=False):
    """xi as a float64 array of shape (d,) (or (q, d) with ``batch``), finite real entries."""
    xi = np.asarray(xi)
    shape = f"({d},)" + (f" or (q, {d})" if batch else "")
    if xi.dtype == bool or not (
        np.issubdtype(xi.dtype, np.integer) or np.issubdtype(xi.dtype, np.floating)
    ):
        raise TypeError(f"xi must be a real array of shape {shape}; got dtype {xi.dtype}")
    if xi.shape[-1:] != (d,) or xi.ndim > (2 if batch else 1):
        raise ValueError(
            f"xi must have shape {shape}, one entry per pattern dimension; got {xi.shape}"
        )
    xi = xi.astype(np.float64)
    if not np.all(np.isfinite(xi)):
        raise ValueError("xi must be finite; got NaN or inf entries")
    return xi


def _check_beta(beta):
    return check_param("beta", beta, low=0.0, closed=(False, True))


def _radius(X):
    """M = max_i ||x_i||, the largest pattern norm."""
    return float(np.max(np.linalg.norm(X, axis=1)))


def energy(X, xi, beta):
    r"""Energy of the state xi in the modern Hopfield network (Ramsauer et al. Eq. 2).

    .. math::

        E = -\beta^{-1}\ln\sum_{i=1}^K e^{\beta x_i^T\xi} + \tfrac12 \xi^T\xi
            + \beta^{-1}\ln K + \tfrac12 M^2,

    with the log-sum-exp evaluated stably (shifted by its largest exponent).

    Parameters
    ----------
    X : array_like of shape (K, d)
        Stored patterns, one per row.
    xi : array_like of shape (d,)
        State (query).
    beta : float
        Inverse temperature, beta > 0.

    Returns
    -------
    float
        Non-negative for every xi (Lemma A1).

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Eq. (2).
    """
    X = _check_patterns(X)
    xi = _check_state(xi, X.shape[1])
    beta = _check_beta(beta)
    lse = special.logsumexp(beta * (X @ xi)) / beta
    return float(-lse + 0.5 * xi @ xi + math.log(X.shape[0]) / beta + 0.5 * _radius(X) ** 2)


def energy_bounds(X, beta):
    r"""Bounds on the energy of any state in the convex hull of the patterns (Lemma A1).

    For every state :math:`E \ge \tfrac12 \lVert \xi - x_\xi \rVert^2 \ge 0`, with
    :math:`x_\xi` the pattern of largest :math:`x_i^T\xi`. For a state in the convex
    hull of the patterns, :math:`\xi = X^T p` with ``p`` a probability vector, which
    every state is after one update,

    .. math::

        E \le \min\bigl(\beta^{-1}\ln K + \tfrac12 M^2,\; 2 M^2\bigr)

    (their Eqs. 22 and 25).

    Parameters
    ----------
    X : array_like of shape (K, d)
        Stored patterns, one per row.
    beta : float
        Inverse temperature, beta > 0.

    Returns
    -------
    EnergyBounds
        ``(lower, upper)`` = ``(0, min(ln K / beta + M**2 / 2, 2 M**2))``.

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Lemma A1.
    """
    X = _check_patterns(X)
    beta = _check_beta(beta)
    M2 = _radius(X) ** 2
    return EnergyBounds(0.0, min(math.log(X.shape[0]) / beta + 0.5 * M2, 2.0 * M2))


def separation(X):
    r"""Separation of each pattern from the others (Ramsauer et al. Eq. 5).

    .. math::

        \Delta_i = x_i^T x_i - \max_{j \ne i} x_i^T x_j ,

    which is :math:`\tfrac12 \min_{j\ne i}\lVert x_i - x_j\rVert^2` for patterns of
    equal norm. Pattern ``i`` is separated from the others if :math:`\Delta_i > 0`.

    Parameters
    ----------
    X : array_like of shape (K, d)
        Stored patterns, one per row, K >= 2.

    Returns
    -------
    ndarray of shape (K,), float64

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Eq. (5) and Definition 2.
    """
    X = _check_patterns(X, min_count=2)
    G = X @ X.T
    others = G.copy()
    np.fill_diagonal(others, -np.inf)
    return np.diag(G) - others.max(axis=1)


def separation_threshold(K, beta, M):
    r"""Separation above which a pattern is "well separated" (Lemmas A5-A7, A1/A2).

    .. math::

        \Delta_\mathrm{min} = \frac{2}{\beta K} + \frac1\beta \ln\bigl(2 (K - 1) K \beta M^2\bigr).

    A pattern with :math:`\Delta_i \ge \Delta_\mathrm{min}` has a fixed point of the
    update in the ball :math:`\lVert \xi - x_i\rVert \le 1/(\beta K M)`, to which the
    update converges from anywhere in that ball (the update is a contraction there).

    Parameters
    ----------
    K : int
        Number of stored patterns (the paper's N), K >= 2.
    beta : float
        Inverse temperature, beta > 0.
    M : float
        Largest pattern norm, M > 0.

    Returns
    -------
    float

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Lemma A5 (A2), Lemma A6 (A1),
       Lemma A7, Eqs. (142), (149), (165).
    """
    K = check_param("K", K, low=2, integer=True)
    beta = _check_beta(beta)
    M = check_param("M", M, low=0.0, closed=(False, True))
    return 2.0 / (beta * K) + math.log(2.0 * (K - 1) * K * beta * M * M) / beta


def well_separated(X, beta):
    r"""Which patterns meet the well-separation condition of Lemmas A5-A7.

    :math:`\Delta_i \ge \Delta_\mathrm{min}(K, \beta, M)`, with :math:`\Delta_i` from
    :func:`separation` and :math:`\Delta_\mathrm{min}` from
    :func:`separation_threshold`, ``M`` the largest pattern norm of ``X``.

    Parameters
    ----------
    X : array_like of shape (K, d)
        Stored patterns, one per row, K >= 2, not all zero.
    beta : float
        Inverse temperature, beta > 0.

    Returns
    -------
    ndarray of shape (K,), bool

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Lemma A7.
    """
    X = _check_patterns(X, min_count=2)
    M = _radius(X)
    if M == 0.0:
        raise ValueError("X must have a nonzero pattern; got all-zero patterns")
    return separation(X) >= separation_threshold(X.shape[0], beta, M)


def retrieval_error_bound(X, xi, beta, i):
    r"""Bound on the distance of one update of xi from pattern i (Lemma A4, Theorem 5).

    After one update :math:`f(\xi) = X^T\operatorname{softmax}(\beta X\xi)`,

    .. math::

        \lVert f(\xi) - x_i \rVert \le 2 \epsilon M, \qquad
        \epsilon = (K - 1) \exp\bigl(-\beta(\Delta_i - 2 \lVert\xi - x_i\rVert M)\bigr).

    Lemma A4 gives the bound with :math:`\epsilon = (K-1) e^{-\beta c}` for any
    :math:`c \le \min_{j\ne i} \xi^T(x_i - x_j)`, and Cauchy-Schwarz gives
    :math:`\min_{j\ne i}\xi^T(x_i - x_j) \ge \Delta_i - 2\lVert\xi - x_i\rVert M`
    (their Eq. 145): so it holds for every query. Theorem 5 states it with
    :math:`\max(\lVert\xi - x_i\rVert, \lVert x_i^* - x_i\rVert)` in place of
    :math:`\lVert\xi - x_i\rVert`, which can only make it larger. It is informative
    (below ``M``) only when ``xi`` is close to a well separated ``x_i``.

    Parameters
    ----------
    X : array_like of shape (K, d)
        Stored patterns, one per row, K >= 2.
    xi : array_like of shape (d,) or (q, d)
        State (query), or q of them.
    beta : float
        Inverse temperature, beta > 0.
    i : int or array_like of int of shape (q,)
        Index of the pattern, 0 <= i < K (one per query).

    Returns
    -------
    float or ndarray of shape (q,)
        ``2 epsilon M`` (inf where the exponent overflows).

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Lemma A4, Eqs. (145), (147),
       Theorem 5 (Eq. 8).
    """
    X = _check_patterns(X, min_count=2)
    xi = _check_state(xi, X.shape[1], batch=True)
    beta = _check_beta(beta)
    K = X.shape[0]
    if np.ndim(i) == 0:
        i = check_param("i", i, low=0, high=K - 1, integer=True)
    else:
        i = np.asarray(i)
        if not np.issubdtype(i.dtype, np.integer) or i.shape != xi.shape[:1]:
            raise ValueError(f"i must be {xi.shape[:1]} integer indices; got {i!r}")
        if np.any((i < 0) | (i >= K)):
            raise ValueError(f"i must be in [0, {K - 1}]; got {i[(i < 0) | (i >= K)][:3]}")
    M = _radius(X)  # the separations come from one Gram matrix for every query
    margin = separation(X)[i] - 2.0 * np.linalg.norm(xi - X[i], axis=-1) * M
    with np.errstate(over="ignore"):
        bound = 2.0 * M * (K - 1) * np.exp(-beta * margin)
    return float(bound) if bound.ndim == 0 else bound


def _check_sphere(d, p, beta, M):
    d = check_param("d", d, low=2, integer=True)
    p = check_param("p", p, low=0.0, high=1.0, closed=(False, True))
    beta = _check_beta(beta)
    M = check_param("M", M, low=0.0, closed=(False, True))
    return d, p, beta, M


def storage_constant(d, p, beta, M):
    r"""The base ``c`` of the storage capacity of Theorem 3 of Ramsauer et al.

    For random patterns on the sphere of radius :math:`M = K_R\sqrt{d-1}` (the
    theorem's ``K``, here :math:`K_R`) and failure probability ``p``,

    .. math::

        a = \frac{2}{d-1}\bigl(1 + \ln(2\beta K_R^2 p (d-1))\bigr), \quad
        b = \frac{2 K_R^2 \beta}{5}, \quad
        c = \frac{b}{W_0(\exp(a + \ln b))},

    with :math:`W_0` the upper branch of the Lambert W function.

    Parameters
    ----------
    d : int
        Pattern dimension, d >= 2.
    p : float
        Failure probability, 0 < p <= 1.
    beta : float
        Inverse temperature, beta > 0.
    M : float
        Radius of the sphere of the patterns, M > 0.

    Returns
    -------
    float
        3.1546 for beta = 1, K_R = 3, d = 20, p = 0.001; 1.3718 for beta = 1, K_R = 1,
        d = 75, p = 0.001 (the values quoted after the theorem).

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Theorem 3 (Theorem A5).
    """
    d, p, beta, M = _check_sphere(d, p, beta, M)
    K2 = M * M / (d - 1)
    a = 2.0 / (d - 1) * (1.0 + math.log(2.0 * beta * K2 * p * (d - 1)))
    b = 2.0 * K2 * beta / 5.0
    return float(b / special.lambertw(b * math.exp(a), 0).real)


def storage_capacity(d, p, beta, M):
    r"""Number of random patterns on a sphere that are stored (Ramsauer et al. Theorem 3).

    With probability at least ``1 - p``, the modern Hopfield network stores (in the
    sense of their Definition 1: each pattern has its own fixed point, with disjoint
    basins around the patterns)

    .. math::

        K \ge \sqrt{p}\; c^{(d-1)/4}

    patterns drawn uniformly on the sphere of radius ``M`` in dimension ``d``, with
    ``c`` from :func:`storage_constant`: exponentially many in ``d``.

    Parameters
    ----------
    d : int
        Pattern dimension, d >= 2.
    p : float
        Failure probability, 0 < p <= 1.
    beta : float
        Inverse temperature, beta > 0.
    M : float
        Radius of the sphere of the patterns, M > 0 (the theorem's
        ``K sqrt(d - 1)``).

    Returns
    -------
    float
        The lower bound on K.

    Raises
    ------
    ValueError
        If the theorem's condition :math:`c \ge (2/\sqrt{p})^{4/(d-1)}` fails, i.e. the
        bound would be below 2 patterns and the theorem says nothing; a larger ``d``
        or ``M`` helps.

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Theorem 3, Eq. (4).
    """
    d, p, beta, M = _check_sphere(d, p, beta, M)
    c = storage_constant(d, p, beta, M)
    bound = math.sqrt(p) * c ** ((d - 1) / 4.0)
    if bound < 2.0:
        raise ValueError(
            f"Theorem 3 needs c >= (2 / sqrt(p))**(4 / (d - 1)), a bound of at least 2 "
            f"patterns; got c = {c:.6g}, bound {bound:.6g} for d = {d}, p = {p}, "
            f"beta = {beta}, M = {M} (increase d or M)"
        )
    return bound
