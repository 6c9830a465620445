r"""Replica theory of the classical Hopfield network: Hebbian couplings, ±1 spins.

``P = alpha N`` random patterns ``xi^mu`` are stored in the couplings
``J_ij = (1/N) sum_mu xi_i^mu xi_j^mu`` (``J_ii = 0``), and the network of ``N`` spins
has the energy ``H = -(1/2) sum_ij J_ij s_i s_j`` and temperature ``T = 1/beta``.
Amit, Gutfreund and Sompolinsky (AGS) [1]_ [2]_ computed its free energy with the
replica method under replica symmetry (RS), with one pattern condensed. The order
parameters are

- ``m``, the overlap with the condensed pattern;
- ``q``, the Edwards-Anderson order parameter;
- ``r``, the summed squared overlaps with the other patterns, scaled so that the
  crosstalk noise on each spin is Gaussian with variance ``alpha r``;
- ``C = beta (1 - q)``, the local susceptibility, which stays finite as ``T -> 0``.

RS saddle point. With :math:`\langle\langle\cdot\rangle\rangle` the average over
:math:`z \sim N(0, 1)`:

.. math::

    m = \langle\langle \tanh\beta(m + \sqrt{\alpha r}\,z) \rangle\rangle, \quad
    q = \langle\langle \tanh^2\beta(m + \sqrt{\alpha r}\,z) \rangle\rangle, \quad
    r = \frac{q}{(1 - \beta(1 - q))^2}.

At ``T = 0``, with :math:`y = m/\sqrt{2\alpha r}`, they reduce to one equation [1]_:

.. math::

    m = \operatorname{erf} y, \quad
    C = \sqrt{\tfrac{2}{\pi\alpha r}}\, e^{-y^2}, \quad r = (1 - C)^{-2}
    \quad\Longrightarrow\quad
    \sqrt{\alpha} = \frac{\operatorname{erf} y}{\sqrt 2\, y}
                    - \sqrt{\tfrac{2}{\pi}}\, e^{-y^2}.

The phase diagram [1]_ has three lines: spin-glass states appear below
``T_g = 1 + sqrt(alpha)`` (:func:`T_g`); retrieval states appear below ``T_M(alpha)``
(:func:`T_M`, the inverse of the capacity :func:`alpha_c`), ending at
``alpha_c(0) = 0.1379``; they become global minima of the free energy below
``T_c(alpha)`` (:func:`T_c`, inverse :func:`alpha_global`), ending at
``alpha = 0.0519`` at T = 0. Computed precisely, the T_M and T_c lines are slightly
reentrant: ``alpha_c(T)`` and ``alpha_global(T)`` first rise with T, to noses at
``alpha = 0.138189`` (T = 0.023) and ``alpha = 0.05313`` (T = 0.085). Each line is a
single-valued function of T, so ``alpha_c(T)`` and ``alpha_global(T)`` draw them
whole; ``T_M`` and ``T_c`` return their upper temperature.

Numerics. Write :math:`\sigma = \sqrt{\alpha r}` for the noise amplitude,
``rho = m / sigma`` and ``kappa = beta sigma``. Every average above is then a function
of ``(kappa, rho)`` alone, and the saddle point gives ``T`` and ``alpha`` explicitly:

.. math::

    m = \langle\langle\tanh\kappa(z + \rho)\rangle\rangle, \quad
    1 - q = \langle\langle\operatorname{sech}^2\kappa(z + \rho)\rangle\rangle, \quad
    T = \frac{m}{\kappa\rho}, \quad
    C = \frac{\kappa\rho(1 - q)}{m}, \quad
    \alpha = \frac{m^2 (1 - C)^2}{\rho^2 q}.

Every solution is then a one-dimensional root (in ``rho`` at fixed ``T``, in
``kappa`` at fixed ``rho``), bracketed, so no branch can be lost. At fixed ``T``,
``alpha(rho)`` has one maximum, ``alpha_c(T)``, at the saddle node where the
retrieval branch (``rho > rho_c(T)``) ends; the saddle nodes form the fold of the map
``(kappa, rho) -> (T, alpha)``, where its Jacobian, computed from the averages and
their derivatives, vanishes. Gaussian averages use Gauss-Legendre quadrature on two
panels, one resolving the kink of width ``1/kappa`` at ``z = -rho`` and one the
Gaussian: about 1e-15 accurate at every ``kappa``. Below ``T = 1e-10`` the retrieval
solvers use the ``T = 0`` equations (the ``O(T)`` corrections are below 1e-9). No
result is tabulated.

Where RS fails. The RS entropy (:func:`entropy`) of the retrieval state is negative
at ``T = 0`` (-0.00145 at alpha_c), and below the de Almeida-Thouless line
:func:`T_R` (exponentially small at small alpha; 0.0214 at alpha_c(0)) the RS
retrieval solution is unstable. One step of replica-symmetry breaking (1RSB) at
``T = 0``, set up by Crisanti, Amit and Gutfreund [3]_ and solved by Steffan and
Kühn [4]_, raises the capacity slightly, to 0.138186: :func:`rsb1_energy`,
:func:`rsb1_saddle_node`, :func:`alpha_c_1rsb`.

References
----------
.. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Statistical mechanics of neural
   networks near saturation", Ann. Phys. 173, 30 (1987).
.. [2] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Storing infinite numbers of
   patterns in a spin-glass model of neural networks", Phys. Rev. Lett. 55, 1530
   (1985).
.. [3] A. Crisanti, D. J. Amit, H. Gutfreund, "Saturation level of the Hopfield model
   for neural network", Europhys. Lett. 2, 337 (1986).
.. [4] H. Steffan, R. Kühn, "Replica symmetry breaking in attractor neural network
   models", Z. Phys. B 95, 249 (1994).
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
from scipy import optimize, special

from theory._checks import check_choice, check_finite, check_param

__all__ = [
    "RS",
    "RSB1",
    "T_M",
    "T_R",
    "T_c",
    "T_g",
    "alpha_c",
    "alpha_c_1rsb",
    "alpha_c_max",
    "alpha_global",
    "alpha_global_max",
    "energy",
    "entropy",
    "free_energy",
    "m_of_alpha",
    "rs_path",
    "rs_retrieval",
    "rs_spin_glass",
    "rsb1_energy",
    "rsb1_saddle_node",
]

_SQRT2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)
# Brackets for kappa = beta sqrt(alpha r): at the lower end T = 1 - O(kappa^2) and
# alpha = O(kappa^4); at the upper end T ~ 1e-12.
_KAPPA_MIN, _KAPPA_MAX = 1e-6, 1e12
# Below this temperature the retrieval solvers use the T = 0 equations: the O(T)
# corrections are then below 1e-9, and the fold of the kappa map is no longer resolved
# (nor is it within _T_MIN of T = 1).
_T_MIN = 1e-10
# T_c and alpha_global compare free energies that differ by O(alpha); below this load
# (1 - T below 1e-5) the difference is under the rounding of f.
_ALPHA_MIN_GLOBAL = 1e-11


class RS(NamedTuple):
    """A replica-symmetric saddle point: overlap, EA parameter, crosstalk, susceptibility."""

    m: float
    q: float
    r: float
    C: float


class RSB1(NamedTuple):
    """A one-step RSB saddle point at T = 0 (see :func:`rsb1_energy`)."""

    alpha: float
    m: float
    q0: float
    C: float
    mu: float
    r0: float
    r1: float


# ---------------------------------------------------------------------------------
# Helpers


def _map(scalar, x):
    """Apply a function of one scalar to a scalar (-> float) or over an array (-> ndarray)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return scalar(x.item())
    return np.array([scalar(v) for v in x.flat], dtype=float).reshape(x.shape)


# ---------------------------------------------------------------------------------
# Gaussian averages


def _folded_gauss(rho, reach):
    r"""Nodes and weights for :math:`\langle\langle g(z + \rho)\rangle\rangle`, g even or odd.

    Folding ``t = z + rho`` onto ``t >= 0``,
    ``<<g>> = int_0^inf dt [phi(t - rho) ± phi(t + rho)] g(t)`` (+ for even g, - for
    odd). The Gaussians are negligible (< e^-50) beyond 10 of ``rho``; ``g`` varies
    on the scale ``reach`` near ``t = 0`` and slowly beyond it. Two panels of 64
    Gauss-Legendre nodes each, split at ``reach``, resolve both scales.

    Returns
    -------
    t, even, odd : ndarray of shape (128,)
        Nodes and the weights for even and for odd ``g``.
    """
    lo, hi = max(0.0, rho - 10.0), rho + 10.0
    split = min(max(reach, lo), hi)
    half = 0.5 * np.array([split - lo, hi - split])
    mid = 0.5 * np.array([split + lo, hi + split])
    t = (half[:, None] * _GL_NODES + mid[:, None]).ravel()
    w = (half[:, None] * _GL_WEIGHTS).ravel()
    right = np.exp(-0.5 * (t - rho) ** 2 - _LOG_SQRT_2PI)
    left = np.exp(-0.5 * (t + rho) ** 2 - _LOG_SQRT_2PI)
    return t, w * (right + left), w * (right - left)


def _mean_abs(rho):
    """<<|z + rho|>> for z ~ N(0, 1)."""
    return rho * math.erf(rho / _SQRT2) + _SQRT_2_OVER_PI * math.exp(-0.5 * rho * rho)


# ---------------------------------------------------------------------------------
# RS at T = 0: one equation in y = m / sqrt(2 alpha r)


def _sqrt_alpha_T0(y):
    """sqrt(alpha) of the T = 0 RS solution with m = erf(y) (AGS)."""
    return math.erf(y) / (_SQRT2 * y) - _SQRT_2_OVER_PI * math.exp(-y * y)


def _d_sqrt_alpha_T0(y):
    """d sqrt(alpha) / dy along the T = 0 RS solutions."""
    g = math.exp(-y * y)
    return (2.0 * y * g / math.sqrt(math.pi) - math.erf(y)) / (
        _SQRT2 * y * y
    ) + 2.0 * _SQRT_2_OVER_PI * y * g


@functools.cache
def _y_c():
    """y at the T = 0 saddle node, where sqrt(alpha(y)) is largest."""
    return optimize.brentq(_d_sqrt_alpha_T0, 0.5, 5.0, xtol=1e-15, rtol=1e-15)


def _rs_T0(y, alpha):
    """The T = 0 RS saddle point with m = erf(y) at load alpha > 0."""
    m = math.erf(y)
    sigma = m / (_SQRT2 * y)
    C = _SQRT_2_OVER_PI * math.exp(-y * y) / sigma
    return RS(m, 1.0, sigma * sigma / alpha, C)


def _y_retrieval_T0(alpha):
    """The y > y_c with sqrt(alpha(y)) = sqrt(alpha), 0 < alpha <= alpha_c(0)."""
    excess = lambda y: _sqrt_alpha_T0(y) - math.sqrt(alpha)  # noqa: E731
    y_c = _y_c()
    if excess(y_c) <= 0.0:  # alpha = alpha_c(0): the saddle node itself
        return y_c
    # sqrt(alpha(y)) < 1 / (sqrt(2) y), so y = 1 / sqrt(alpha) lies beyond the root.
    return optimize.brentq(excess, y_c, 1.0 / math.sqrt(alpha), xtol=1e-14, rtol=1e-15)


# ---------------------------------------------------------------------------------
# RS at T > 0: the explicit map (kappa, rho) -> (T, alpha, saddle point)


def _rs_averages(kappa, rho):
    """m = <<tanh kappa t>>, 1 - q = <<sech^2 kappa t>>, <<ln(1 + e^{-2 kappa |t|})>>.

    With t = z + rho; the last is what ln 2cosh adds to kappa |t|.
    """
    t, even, odd = _folded_gauss(rho, 20.0 / kappa)
    u = kappa * t
    fermi = special.expit(-2.0 * u)  # (1 - tanh u) / 2, exact where tanh rounds to 1
    return (
        odd @ np.tanh(u),
        even @ (4.0 * fermi * (1.0 - fermi)),
        even @ np.logaddexp(0.0, -2.0 * u),
    )


def _spin_entropy(kappa, rho):
    """<<ln 2cosh u - u tanh u>> with u = kappa (z + rho): the entropy of one spin in its field.

    With u >= 0 (the average is even in u) it is ln(1 + e^{-2u}) + 2u / (1 + e^{2u}).
    """
    t, even, _ = _folded_gauss(rho, 20.0 / kappa)
    u = kappa * t
    return even @ (np.logaddexp(0.0, -2.0 * u) + 2.0 * u * special.expit(-2.0 * u))


def _sech4_average(kappa, rho):
    """<<sech^4 kappa (z + rho)>>, the replicon response of one spin."""
    t, even, _ = _folded_gauss(rho, 20.0 / kappa)
    fermi = special.expit(-2.0 * kappa * t)
    return even @ (4.0 * fermi * (1.0 - fermi)) ** 2


def _rs_state(kappa, rho):
    """Temperature, load and RS saddle point with m / sigma = rho, beta sigma = kappa."""
    m, one_minus_q, _ = _rs_averages(kappa, rho)
    sigma = m / rho
    q = 1.0 - one_minus_q
    C = kappa * one_minus_q / sigma
    r = q / (1.0 - C) ** 2
    return sigma / kappa, sigma * sigma / r, RS(m, q, r, C)


def _kappa_at_T(rho, T):
    """kappa of the RS solution with m / sigma = rho at temperature 0 < T < 1.

    T(kappa) = <<tanh kappa t>> / (kappa rho) falls from 1 at kappa -> 0 (the average
    is concave in kappa). As tanh x >= x - x^3/3, T >= 1 - kappa^2 (rho^2 + 3) / 3,
    which is above T at the lower bracket; T < T at kappa = 2 erf(rho / sqrt 2) / (rho T).
    """
    excess = lambda log_kappa: _rs_state(math.exp(log_kappa), rho)[0] - T  # noqa: E731
    lo = 0.5 * math.sqrt(3.0 * (1.0 - T) / (rho * rho + 3.0))
    hi = 2.0 * math.erf(rho / _SQRT2) / (rho * T)
    return math.exp(optimize.brentq(excess, math.log(lo), math.log(hi), xtol=1e-13))


def _kappa_at_alpha(rho, alpha):
    """kappa of the hottest RS solution with m / sigma = rho at load alpha.

    At fixed rho, alpha(kappa) rises from 0 at kappa -> 0 (T -> 1, where it is of order
    (kappa rho)^4 / rho^2) and stays above alpha once past it, down to T -> 0, for rho
    between the two T = 0 solutions at alpha (where alpha(T = 0) > alpha).
    """
    excess = lambda log_kappa: _rs_state(math.exp(log_kappa), rho)[1] - alpha  # noqa: E731
    bounds = math.log(_KAPPA_MIN / max(1.0, rho)), math.log(_KAPPA_MAX)
    return math.exp(optimize.brentq(excess, *bounds, xtol=1e-13))


def _rs_retrieval_above(alpha, T, rho_lo):
    """The RS solution at (alpha > 0, 0 < T < 1) with rho in [rho_lo, 2 / sqrt(alpha)].

    At fixed T, alpha(rho) has one maximum, at rho_c(T), and falls beyond it as
    alpha <= m^2 / (q rho^2) <= 1 / rho^2; the retrieval solution is the root beyond
    rho_c. rho_lo is rho_c(T), or any rho between the two roots; where
    alpha(rho_lo) <= alpha (the saddle node itself) the solution is at rho_lo.
    """
    excess = lambda rho: _rs_state(_kappa_at_T(rho, T), rho)[1] - alpha  # noqa: E731
    rho = rho_lo
    if excess(rho_lo) > 0.0:
        rho = optimize.brentq(excess, rho_lo, 2.0 / math.sqrt(alpha), xtol=1e-13)
    return _rs_state(_kappa_at_T(rho, T), rho)[2]


def _rs_fold(kappa, rho):
    """Jacobian d(ln T, ln alpha) / d(ln kappa, ln rho) of the map (kappa, rho) -> (T, alpha).

    It vanishes where the map folds: at fixed T, d alpha / d rho = 0, the saddle node.
    From m = <<tanh kappa t>>, S = 1 - q = <<sech^2 kappa t>> and their derivatives,
    with ln T = ln m - ln kappa - ln rho, ln C = ln kappa + ln rho + ln S - ln m and
    ln alpha = 2 ln(m / rho) + 2 ln(1 - C) - ln q.
    """
    t, even, odd = _folded_gauss(rho, 20.0 / kappa)
    u = kappa * t
    tanh = np.tanh(u)
    fermi = special.expit(-2.0 * u)
    sech2 = 4.0 * fermi * (1.0 - fermi)
    m, S = odd @ tanh, even @ sech2
    C = kappa * rho * S / m
    # d ln m, d ln S with respect to ln kappa (_k) and ln rho (_r); rho dm/drho = kappa rho S.
    m_k, m_r = kappa * (odd @ (t * sech2)) / m, C
    S_k = -2.0 * kappa * (even @ (t * sech2 * tanh)) / S
    S_r = -2.0 * kappa * rho * (odd @ (sech2 * tanh)) / S
    chi, eta = 2.0 * C / (1.0 - C), S / (1.0 - S)
    alpha_k = 2.0 * m_k - chi * (1.0 + S_k - m_k) + eta * S_k
    alpha_r = 2.0 * (m_r - 1.0) - chi * (1.0 + S_r - m_r) + eta * S_r
    return (m_k - 1.0) * alpha_r - (m_r - 1.0) * alpha_k


class _SaddleNode(NamedTuple):
    kappa: float
    rho: float
    T: float
    alpha: float
    state: RS


def _rs_spinodal(kappa):
    """The saddle node with beta sigma = kappa.

    The fold lies near rho = 2.1 for every kappa; it is bracketed by rho in [1, 4].
    """
    rho = optimize.brentq(lambda rho: _rs_fold(kappa, rho), 1.0, 4.0, xtol=1e-13)
    return _SaddleNode(kappa, rho, *_rs_state(kappa, rho))


@functools.lru_cache(maxsize=256)
def _rs_saddle_node(T):
    """The saddle node at temperature 0 < T < 1.

    Along the saddle nodes T = sigma / kappa falls from 1 to 0 as kappa grows. With
    rho <= 4, T >= 1 - 19 kappa^2 / 3 (see _kappa_at_T) is above T at the lower
    bracket; sigma = m / rho < 1, so T < T at kappa = 1 / T.
    """
    excess = lambda log_kappa: _rs_spinodal(math.exp(log_kappa)).T - T  # noqa: E731
    lo = 0.5 * math.sqrt(3.0 * (1.0 - T) / 19.0)
    log_kappa = optimize.brentq(excess, math.log(lo), -math.log(T), xtol=1e-13)
    return _rs_spinodal(math.exp(log_kappa))


@functools.cache
def _rs_peak():
    """The saddle node of largest alpha (the nose of the reentrant retrieval region)."""
    res = optimize.minimize_scalar(
        lambda log_kappa: -_rs_spinodal(math.exp(log_kappa)).alpha,
        bounds=(0.0, math.log(1e4)),
        method="bounded",
        options={"xatol": 1e-9},
    )
    return _rs_spinodal(math.exp(res.x))


def _rs_spinodal_at_alpha(alpha):
    """The hottest saddle node at load 0 < alpha <= alpha_c_max().

    Along the saddle nodes alpha rises from 0 (kappa -> 0, T -> 1, where
    alpha = 1.58 kappa^4) to its peak, then falls to alpha_c(0) (kappa -> infinity,
    T -> 0); T_M is on the rising side. The lower bracket resolves alpha >= 1e-20.
    """
    peak = _rs_peak()
    if peak.alpha <= alpha:
        return peak
    excess = lambda log_kappa: _rs_spinodal(math.exp(log_kappa)).alpha - alpha  # noqa: E731
    log_kappa = optimize.brentq(excess, math.log(_KAPPA_MIN), math.log(peak.kappa), xtol=1e-13)
    return _rs_spinodal(math.exp(log_kappa))


# ---------------------------------------------------------------------------------
# RS saddle points and the retrieval region


def _curie_weiss(T):
    """m = tanh(m / T), the alpha = 0 limit of the retrieval state (T < 1)."""
    if T == 0.0:
        return 1.0
    return optimize.brentq(lambda m: m - math.tanh(m / T), 1e-12, 1.0, xtol=1e-15)


def _check_T_retrieval(T):
    """T in [0, 1 - _T_MIN]; below _T_MIN the T = 0 equations are used.

    Retrieval states exist up to T = 1; within _T_MIN of it alpha_c(T) < 1e-20 and the
    fold of the kappa map is no longer resolved.
    """
    T = check_param("T", T, low=0.0, high=1.0 - _T_MIN)
    return 0.0 if T < _T_MIN else T


def _check_T_global(T):
    """T in [0, 1 - 1e-5] for alpha_global (see _ALPHA_MIN_GLOBAL)."""
    T = check_param("T", T, low=0.0, high=1.0 - 1e-5)
    return 0.0 if T < _T_MIN else T


def _alpha_c(T):
    T = _check_T_retrieval(T)
    if T == 0.0:
        return _sqrt_alpha_T0(_y_c()) ** 2
    return _rs_saddle_node(T).alpha


def alpha_c(T=0.0):
    r"""Critical load: the largest alpha with an RS retrieval solution at temperature T.

    The retrieval branch ends in a saddle node of the RS equations [1]_ (the
    spinodal). At ``T = 0`` it is the maximum over ``y`` of

    .. math::

        \alpha(y) = \Bigl(\frac{\operatorname{erf} y}{\sqrt 2\, y}
                    - \sqrt{\tfrac{2}{\pi}}\, e^{-y^2}\Bigr)^2,

    where Brent's root finder solves :math:`\alpha'(y) = 0`. At ``T > 0`` it is the
    fold of the map ``(kappa, rho) -> (T, alpha)`` of the module notes: the root in
    ``rho`` of its Jacobian, then the root in ``kappa`` of ``T(kappa) = T``.

    The RS retrieval region is slightly reentrant [2]_: ``alpha_c(T)`` rises from
    0.137906 at T = 0 to :func:`alpha_c_max` = 0.138189 at T = 0.0229, then falls to 0
    as T -> 1. Plotting ``alpha_c(T)`` against ``T`` draws the whole T_M line.

    Parameters
    ----------
    T : array_like, default=0.0
        Temperature, 0 <= T <= 1 - 1e-10 (no retrieval state exists at T >= 1).

    Returns
    -------
    float or ndarray
        0.137905566... at T = 0 (AGS: 0.138), where m = 0.96742.

    See Also
    --------
    T_M : the temperature where retrieval states appear at given alpha.
    alpha_c_1rsb : the T = 0 capacity with one step of replica-symmetry breaking.

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    .. [2] Steffan, Kühn, Z. Phys. B 95, 249 (1994), who call it "the recently
       discovered reentrant phase".
    """
    return _map(_alpha_c, T)


def alpha_c_max():
    """Largest load with an RS retrieval solution at any temperature.

    The nose of the reentrant retrieval region (see :func:`alpha_c`): 0.138189 at
    T = 0.0229, where T_M meets the lower spinodal.

    Returns
    -------
    float
    """
    return _rs_peak().alpha


def rs_retrieval(alpha, T=0.0):
    r"""The RS retrieval saddle point (m > 0) at load alpha and temperature T.

    Solves the AGS equations [1]_

    .. math::

        m = \langle\langle \tanh\beta(m + \sqrt{\alpha r}\,z) \rangle\rangle, \quad
        q = \langle\langle \tanh^2\beta(m + \sqrt{\alpha r}\,z) \rangle\rangle, \quad
        r = \frac{q}{(1 - \beta(1 - q))^2}

    on the branch that continues the Curie-Weiss state ``m = tanh(m / T)`` of
    ``alpha = 0``: the stable side of the saddle node, ``rho > rho_c(T)``. At ``T = 0``
    it solves :math:`m = \operatorname{erf}(m/\sqrt{2\alpha r})`,
    :math:`C = \sqrt{2/(\pi\alpha r)}\,e^{-m^2/(2\alpha r)}`, :math:`r = (1 - C)^{-2}`.

    Parameters
    ----------
    alpha : float
        Load P / N, 0 <= alpha <= alpha_c(T).
    T : float, default=0.0
        Temperature, 0 <= T <= 1 - 1e-10; below 1e-10 the T = 0 solution is returned.

    Returns
    -------
    RS
        ``(m, q, r, C)`` with ``C = beta (1 - q)`` (finite at T = 0, where q = 1).

    Raises
    ------
    ValueError
        If T is outside [0, 1) or alpha outside [0, alpha_c(T)]: there the retrieval
        branch does not exist.

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    T = _check_T_retrieval(T)
    alpha = check_param("alpha", alpha, low=0.0)
    top = alpha_c(T)
    if alpha > top:
        raise ValueError(
            f"alpha must be in [0, alpha_c(T) = {top:.6f}] for a retrieval solution "
            f"at T = {T}; got {alpha}"
        )
    if alpha == 0.0:
        m = _curie_weiss(T)
        C = 0.0 if T == 0.0 else (1.0 - m * m) / T
        return RS(m, m * m, m * m / (1.0 - C) ** 2, C)
    if T == 0.0:
        return _rs_T0(_y_retrieval_T0(alpha), alpha)
    return _rs_retrieval_above(alpha, T, _rs_saddle_node(T).rho)


def rs_spin_glass(alpha, T=0.0):
    r"""The RS spin-glass saddle point (m = 0, q > 0) at load alpha and temperature T.

    With ``m = 0`` the AGS equations [1]_ reduce to one, solved for
    ``kappa = beta sqrt(alpha r)``:

    .. math::

        \kappa\,(T - S) = \sqrt{\alpha (1 - S)}, \quad
        S = 1 - q = \langle\langle \operatorname{sech}^2 \kappa z \rangle\rangle,

    with ``C = S / T`` and ``r = q / (1 - C)^2``. At ``T = 0``:
    :math:`\sqrt{\alpha r} = \sqrt{\alpha} + \sqrt{2/\pi}`, ``q = 1``.

    Parameters
    ----------
    alpha : float
        Load P / N > 0.
    T : float, default=0.0
        Temperature, 0 <= T < T_g(alpha) = 1 + sqrt(alpha); below 1e-10 the T = 0 solution
        is returned.

    Returns
    -------
    RS
        ``(0, q, r, C)``.

    Raises
    ------
    ValueError
        If alpha <= 0, or T is outside [0, T_g(alpha)): there only the paramagnet
        q = 0 exists.

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    alpha = check_param("alpha", alpha, low=0.0, closed=(False, True))
    T = check_param("T", T, low=0.0, high=T_g(alpha), closed=(True, False))
    if T < _T_MIN:  # the O(T) corrections are below 1e-9
        sigma = math.sqrt(alpha) + _SQRT_2_OVER_PI
        r = check_finite("alpha", alpha, sigma * sigma / alpha)  # r ~ 2 / (pi alpha)
        return RS(0.0, 1.0, r, _SQRT_2_OVER_PI / sigma)

    def excess(log_kappa):
        kappa = math.exp(log_kappa)
        S = _rs_averages(kappa, 0.0)[1]
        return kappa * (T - S) - math.sqrt(alpha * (1.0 - S))

    # excess < 0 as kappa -> 0 for T < T_g; S <= sqrt(2/pi) / kappa makes it > 0 at hi.
    hi = math.log((1.0 + math.sqrt(alpha)) / T)
    kappa = math.exp(optimize.brentq(excess, math.log(_KAPPA_MIN), hi, xtol=1e-13))
    S = _rs_averages(kappa, 0.0)[1]
    C = S / T
    return RS(0.0, 1.0 - S, (1.0 - S) / (1.0 - C) ** 2, C)


def rs_path(alpha, T=0.0, branch="retrieval"):
    """RS saddle points along a path in the (alpha, T) plane.

    ``alpha`` and ``T`` broadcast against each other; each point is solved on the
    requested branch with :func:`rs_retrieval` or :func:`rs_spin_glass`. Every point
    is located on its branch from the saddle node at its temperature (computed once
    per temperature), so no point can jump to another branch, as continuation from
    the previous point could near alpha_c.

    Parameters
    ----------
    alpha : array_like
        Loads.
    T : array_like, default=0.0
        Temperatures.
    branch : {"retrieval", "spin_glass"}, default="retrieval"

    Returns
    -------
    RS
        Fields are ndarrays of the broadcast shape.

    Raises
    ------
    ValueError
        If a point is outside the branch's domain (see the solvers): the retrieval
        branch is defined only up to alpha_c(T).
    """
    solvers = {"retrieval": rs_retrieval, "spin_glass": rs_spin_glass}
    branch = check_choice("branch", branch, solvers)
    alpha, T = np.broadcast_arrays(np.asarray(alpha), np.asarray(T))
    points = [solvers[branch](a, t) for a, t in zip(alpha.flat, T.flat)]
    fields = np.array(points, dtype=float).reshape((*alpha.shape, 4))
    return RS(*np.moveaxis(fields, -1, 0))


def m_of_alpha(alpha, T=0.0):
    """Retrieval overlap m along alpha at temperature T, defined up to alpha_c(T).

    Parameters
    ----------
    alpha : array_like
        Loads, 0 <= alpha <= alpha_c(T).
    T : float, default=0.0
        Temperature, 0 <= T <= 1 - 1e-10.

    Returns
    -------
    ndarray
        m on the retrieval branch (:func:`rs_retrieval`): 1 at alpha = 0, T = 0, and
        0.96742 at alpha_c(0) = 0.137906, beyond which there is no retrieval state.

    Raises
    ------
    ValueError
        If an alpha exceeds alpha_c(T).
    """
    return rs_path(alpha, T).m


# ---------------------------------------------------------------------------------
# Free energy


def free_energy(m, q, r, alpha, T):
    r"""RS free energy per spin of the Hopfield network at T > 0 (AGS [1]_).

    .. math::

        f = \frac{\alpha}{2} + \frac{m^2}{2}
            + \frac{\alpha}{2\beta}\Bigl[\ln(1 - \beta(1 - q))
                                         - \frac{\beta q}{1 - \beta(1 - q)}\Bigr]
            + \frac{\alpha\beta r}{2}(1 - q)
            - \frac{1}{\beta}\langle\langle \ln 2\cosh\beta(m + \sqrt{\alpha r}\,z)
              \rangle\rangle.

    Its stationary points in (m, q, r) are the RS saddle points; ``alpha / 2`` removes
    the self-couplings ``J_ii``.

    Parameters
    ----------
    m : float
        Overlap, -1 <= m <= 1.
    q : float
        EA order parameter, 0 <= q <= 1 and q > 1 - T (so that 1 - beta (1 - q) > 0).
    r : float
        Crosstalk parameter, r >= 0.
    alpha : float
        Load, alpha >= 0.
    T : float
        Temperature, T > 0. At T = 0 use :func:`energy`, which takes C = beta (1 - q):
        below T ~ 1e-8, 1 - q is too small for a float q to carry C accurately.

    Returns
    -------
    float

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    T = check_param("T", T, low=0.0, closed=(False, True))
    m = check_param("m", m, low=-1.0, high=1.0)
    q = check_param("q", q, low=0.0, high=1.0)
    if 1.0 - q >= T:
        raise ValueError(f"q must be > 1 - T = {1.0 - T} so that 1 - beta (1 - q) > 0; got {q}")
    r = check_param("r", r, low=0.0)
    alpha = check_param("alpha", alpha, low=0.0)
    return _free_energy(m, (1.0 - q) / T, r, alpha, T)


def energy(m, C, r, alpha):
    r"""RS energy per spin at T = 0: the T -> 0 limit of :func:`free_energy`.

    With ``q -> 1`` and ``C = beta (1 - q)`` held finite [1]_,

    .. math::

        E = \frac{\alpha}{2} + \frac{m^2}{2} - \frac{\alpha}{2(1 - C)}
            + \frac{\alpha r C}{2} - \langle\langle |m + \sqrt{\alpha r}\,z| \rangle\rangle,

    stationary in (m, C, r) at the T = 0 saddle points, where it equals
    ``-m^2/2 - alpha (r - 1)/2``.

    Parameters
    ----------
    m : float
        Overlap, -1 <= m <= 1.
    C : float
        Susceptibility, 0 <= C < 1.
    r : float
        Crosstalk parameter, r >= 0.
    alpha : float
        Load, alpha >= 0.

    Returns
    -------
    float
        -1/2 for the retrieval state at alpha = 0.

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    m = check_param("m", m, low=-1.0, high=1.0)
    C = check_param("C", C, low=0.0, high=1.0, closed=(True, False))
    r = check_param("r", r, low=0.0)
    alpha = check_param("alpha", alpha, low=0.0)
    return _free_energy(m, C, r, alpha, 0.0)


def _free_energy(m, C, r, alpha, T):
    """The AGS free energy with q = 1 - T C, so that T = 0 (f = E) is included.

    (1/beta) <<ln 2cosh beta h>> = <<|h|>> + T <<ln(1 + e^{-2 beta |h|})>>.
    """
    sigma = math.sqrt(alpha * r)
    if sigma == 0.0:
        mean_abs_h = abs(m)
        log_cosh_excess = T * math.log1p(math.exp(-2.0 * abs(m) / T)) if T > 0.0 else 0.0
    else:
        rho = abs(m) / sigma
        mean_abs_h = sigma * _mean_abs(rho)
        log_cosh_excess = T * _rs_averages(sigma / T, rho)[2] if T > 0.0 else 0.0
    return (
        0.5 * alpha
        + 0.5 * m * m
        + 0.5 * alpha * T * math.log(1.0 - C)
        - 0.5 * alpha * (1.0 - T * C) / (1.0 - C)
        + 0.5 * alpha * r * C
        - mean_abs_h
        - log_cosh_excess
    )


def _free_energy_gap(alpha, state, T):
    """f(state) - f(spin glass) at (alpha, T), from C, which is exact down to T = 0."""
    glass = rs_spin_glass(alpha, T)
    return _free_energy(state.m, state.C, state.r, alpha, T) - _free_energy(
        0.0, glass.C, glass.r, alpha, T
    )


def _entropy(alpha, T, state):
    """The RS entropy per spin at a saddle point (see :func:`entropy`)."""
    C = state.C
    reaction = -0.5 * alpha * (math.log1p(-C) + C / (1.0 - C))
    if T == 0.0:
        return reaction
    sigma = math.sqrt(alpha * state.r)
    if sigma == 0.0:  # alpha = 0: the Curie-Weiss spin in the field m
        u = abs(state.m) / T
        return reaction + float(np.logaddexp(0.0, -2.0 * u) + 2.0 * u * special.expit(-2.0 * u))
    return reaction + _spin_entropy(sigma / T, abs(state.m) / sigma)


def entropy(alpha, T=0.0, branch="retrieval"):
    r"""RS entropy per spin, ``s = -df/dT``, at the retrieval or spin-glass saddle point.

    Differentiating :func:`free_energy` in T at fixed (m, q, r), which is the total
    derivative at a saddle point, and using ``r = q / (1 - C)^2`` there:

    .. math::

        s = -\frac{\alpha}{2}\Bigl[\ln(1 - C) + \frac{C}{1 - C}\Bigr]
            + \langle\langle \ln 2\cosh\beta h - \beta h \tanh\beta h \rangle\rangle,
        \qquad h = m + \sqrt{\alpha r}\,z .

    The second term, the entropy of independent spins in their fields, is O(T); the
    first, from the crosstalk, is negative. At ``T = 0`` only it is left,
    :math:`s_0 = -(\alpha/2)[\ln(1 - C) + C/(1 - C)] < 0` for every alpha > 0: an
    Ising system cannot have negative entropy, so the RS solution is not exact at low
    T. AGS [1]_ found this for the retrieval state: -0.00145 at alpha_c(0) (their
    -0.0014), small, which is why RS is close there (the 1RSB capacity moves by 0.2 %,
    :func:`alpha_c_1rsb`; RS is unstable below :func:`T_R`). On the spin-glass branch
    :math:`s_0 \to -1/(2\pi)` as alpha -> infinity, the Sherrington-Kirkpatrick RS value
    (there C -> sqrt(2 / (pi alpha)) -> 0).

    Parameters
    ----------
    alpha : array_like
        Load: 0 <= alpha <= alpha_c(T) on the retrieval branch, alpha > 0 on the
        spin-glass branch.
    T : array_like, default=0.0
        Temperature (the domain of :func:`rs_retrieval` or :func:`rs_spin_glass`);
        below 1e-10 the T = 0 value.
    branch : {"retrieval", "spin_glass"}, default="retrieval"

    Returns
    -------
    float or ndarray
        ``alpha`` and ``T`` broadcast against each other.

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    .. [2] Sherrington, Kirkpatrick, Phys. Rev. Lett. 35, 1792 (1975) (S(0) = -1/(2 pi)).
    """
    solvers = {"retrieval": rs_retrieval, "spin_glass": rs_spin_glass}
    branch = check_choice("branch", branch, solvers)

    def one(alpha, T):
        state = solvers[branch](alpha, T)  # checks alpha and T
        return _entropy(float(alpha), 0.0 if T < _T_MIN else float(T), state)

    alpha, T = np.broadcast_arrays(np.asarray(alpha), np.asarray(T))
    values = [one(a, t) for a, t in zip(alpha.flat, T.flat)]
    return values[0] if alpha.ndim == 0 else np.array(values).reshape(alpha.shape)


# ---------------------------------------------------------------------------------
# Phase diagram


def T_g(alpha):
    r"""Spin-glass transition temperature :math:`T_g = 1 + \sqrt{\alpha}` (AGS [1]_).

    Below it the RS equations have a spin-glass solution (m = 0, q > 0); above it
    only the paramagnet q = 0.

    Parameters
    ----------
    alpha : array_like
        Load, alpha >= 0.

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    return _map(lambda alpha: 1.0 + math.sqrt(check_param("alpha", alpha, low=0.0)), alpha)


def _T_M(alpha):
    alpha = check_param("alpha", alpha, low=0.0, high=alpha_c_max())
    if alpha < 1e-20:  # 1 - T_M = 1.95 sqrt(alpha) < _T_MIN: unresolved, and below rounding
        return 1.0
    return _rs_spinodal_at_alpha(alpha).T


def T_M(alpha):
    """Temperature below which retrieval states exist at load alpha.

    The RS retrieval branch at load alpha ends at T_M(alpha) in a saddle node with
    m > 0, a discontinuous transition [1]_; T_M inverts :func:`alpha_c`. Because the
    retrieval region is reentrant (see :func:`alpha_c`), for
    alpha_c(0) < alpha <= alpha_c_max() retrieval states exist only between a lower
    spinodal and T_M; T_M is the upper one.

    Parameters
    ----------
    alpha : array_like
        Load, 0 <= alpha <= alpha_c_max() = 0.138189.

    Returns
    -------
    float or ndarray
        1 at alpha = 0, and 1 - T_M = 1.95 sqrt(alpha) at small alpha [1]_; 0.0458 at
        alpha_c(0).

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    return _map(_T_M, alpha)


@functools.lru_cache(maxsize=256)
def _alpha_global(T):
    """alpha where the retrieval and spin-glass free energies cross at temperature T."""
    if T == 0.0:
        top = alpha_c(0.0)
        gap = lambda alpha: _free_energy_gap(alpha, rs_retrieval(alpha), 0.0)  # noqa: E731
        return optimize.brentq(gap, 1e-3 * top, top, xtol=1e-14, rtol=1e-15)
    # Along the retrieval branch at T, parameterised by rho: the retrieval state is
    # metastable at the saddle node and the global minimum at small alpha <= 1 / rho^2.
    node = _rs_saddle_node(T)

    def gap(rho):
        _, alpha, state = _rs_state(_kappa_at_T(rho, T), rho)
        return _free_energy_gap(alpha, state, T)

    rho = optimize.brentq(gap, node.rho, math.sqrt(1e3 / node.alpha), xtol=1e-13)
    return _rs_state(_kappa_at_T(rho, T), rho)[1]


@functools.cache
def _global_nose():
    """(T, alpha) where alpha_global(T) is largest: the nose of the reentrant T_c line."""
    res = optimize.minimize_scalar(
        lambda T: -_alpha_global(T), bounds=(0.0, 0.5), method="bounded", options={"xatol": 1e-7}
    )
    return res.x, -res.fun


def alpha_global(T=0.0):
    """Largest alpha at which retrieval states are global minima of the RS free energy.

    Below it the retrieval state has a lower free energy than the spin-glass state at
    the same (alpha, T) [1]_; at T = 0 the energies (:func:`energy`) are compared.
    Brent's root finder locates it along the retrieval branch at T. Like
    :func:`alpha_c` it is reentrant: it rises from 0.05185 at T = 0 to
    :func:`alpha_global_max` = 0.05313 at T = 0.085, then falls to 0 as T -> 1, so
    plotting ``alpha_global(T)`` against ``T`` draws the whole T_c line.

    Parameters
    ----------
    T : array_like, default=0.0
        Temperature, 0 <= T <= 1 - 1e-5 (closer to 1, alpha_global < 1e-11 and the
        free energies it compares agree to rounding).

    Returns
    -------
    float or ndarray
        0.05185 at T = 0 (AGS: 0.051).

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    return _map(lambda T: _alpha_global(_check_T_global(T)), T)


def alpha_global_max():
    """Largest load at which retrieval states are global minima at any temperature.

    The nose of the reentrant T_c line (see :func:`alpha_global`): 0.05313 at
    T = 0.085, where T_c meets its lower branch.

    Returns
    -------
    float
    """
    return _global_nose()[1]


def _T_c(alpha):
    alpha = check_param("alpha", alpha, low=0.0, high=alpha_global_max())
    if alpha == 0.0:
        return 1.0
    if alpha < _ALPHA_MIN_GLOBAL:
        raise ValueError(
            f"alpha must be 0 or in [{_ALPHA_MIN_GLOBAL}, {alpha_global_max()}] for T_c: "
            f"below, the free-energy difference that decides it is under rounding; "
            f"got {alpha}"
        )
    T_nose, _ = _global_nose()
    top = _rs_spinodal_at_alpha(alpha)
    # The retrieval branch at alpha, parameterised by rho, from the saddle node (T_M,
    # where the state is metastable) to T_nose (where it is the global minimum).
    nose = _rs_retrieval_above(alpha, T_nose, top.rho)
    rho_nose = nose.m / math.sqrt(alpha * nose.r)

    def solution(rho):
        return _rs_state(_kappa_at_alpha(rho, alpha), rho)

    def gap(rho):
        T, _, state = solution(rho)
        return _free_energy_gap(alpha, state, T)

    if gap(rho_nose) >= 0.0:
        return T_nose  # alpha = alpha_global_max()
    return solution(optimize.brentq(gap, top.rho, rho_nose, xtol=1e-13))[0]


def T_c(alpha):
    """Temperature below which retrieval states are global minima of the free energy.

    At T_c(alpha) the RS free energy (:func:`free_energy`) of the retrieval state
    (:func:`rs_retrieval`) equals that of the spin-glass state (:func:`rs_spin_glass`)
    [1]_. Brent's root finder locates it along the retrieval branch at alpha, between
    the saddle node (T_M) and the nose of the line. The line is reentrant (see
    :func:`alpha_global`): for alpha_global(0) < alpha <= alpha_global_max() the
    retrieval states are global minima only between a lower branch and T_c; T_c is
    the upper one.

    Parameters
    ----------
    alpha : array_like
        Load, alpha = 0 or 1e-11 <= alpha <= alpha_global_max() = 0.05313 (below
        1e-11 the free energies it compares agree to rounding).

    Returns
    -------
    float or ndarray
        1 at alpha = 0, and 1 - T_c = 2.6 sqrt(alpha) at small alpha [1]_; 0.1687 at
        alpha_global(0). T_c < T_M.

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    return _map(_T_c, alpha)


def _replicon(alpha, T, state):
    """1 - alpha beta^2 <<sech^4 beta h>> / (1 - C)^2 = 1 - kappa^2 <<sech^4>> / q (AGS)."""
    sigma = math.sqrt(alpha * state.r)
    kappa = sigma / T
    return 1.0 - kappa * kappa * _sech4_average(kappa, state.m / sigma) / state.q


def _T_R(alpha):
    alpha = check_param("alpha", alpha, low=0.0, high=alpha_c(0.0))
    if alpha == 0.0:
        return 0.0
    # Leading order in T: <<sech^4 beta h>> = (4/3) T phi(rho) / sigma at the T = 0 state.
    cold = rs_retrieval(alpha)
    sigma = math.sqrt(alpha * cold.r)
    rho = cold.m / sigma
    T_0 = (
        4.0
        * alpha
        * math.exp(-0.5 * rho * rho - _LOG_SQRT_2PI)
        / (3.0 * sigma * (1.0 - cold.C) ** 2)
    )
    if T_0 < 2.0 * _T_MIN:  # the O(T) corrections are below 1e-9 relative
        return T_0
    # At leading order the replicon is 1 - T_0 / T: -1 at T_0 / 2 and 1/2 at 2 T_0.
    excess = lambda log_T: _replicon(alpha, math.exp(log_T), rs_retrieval(alpha, math.exp(log_T)))  # noqa: E731
    hi = min(2.0 * T_0, T_M(alpha) * (1.0 - 1e-12))
    return math.exp(optimize.brentq(excess, math.log(0.5 * T_0), math.log(hi), xtol=1e-13))


def T_R(alpha):
    r"""The de Almeida-Thouless line of the RS retrieval state: RS is stable above T_R.

    The replicon eigenvalue of the RS retrieval saddle point [1]_,

    .. math::

        \lambda = 1 - \frac{\alpha\beta^2}{(1 - \beta(1 - q))^2}
        \bigl\langle\bigl\langle \operatorname{sech}^4 \beta(m + \sqrt{\alpha r}\,z)
        \bigr\rangle\bigr\rangle ,

    is positive (RS locally stable) for T > T_R(alpha) and negative below. In the
    variables of the module notes it is :math:`1 - \kappa^2 \langle\langle
    \operatorname{sech}^4 \kappa(z + \rho)\rangle\rangle / q`; Brent's root finder
    solves ``lambda = 0`` in ln T along the retrieval solutions at alpha. As T -> 0
    the average is :math:`(4/3)\,T\,\phi(\rho)/\sigma`, which gives the leading
    order

    .. math::

        T_R \simeq \frac{4\alpha\,\phi(\rho)}{3\sigma(1 - C)^2}
        = \frac{4\sqrt{\alpha}\,\phi(\rho)}{3(1 - C)}
        \;\to\; \sqrt{\frac{8}{9\pi}}\,\sqrt{\alpha}\,e^{-1/(2\alpha)}
        \quad (\alpha \to 0),

    with ``rho``, ``sigma``, ``C`` of the T = 0 solution; it is used where it is below
    2e-10 (alpha < 0.0224). T_R is far below T_M (0.00145 against 0.315 at
    alpha = 0.1; 0.0214 against 0.0458 at alpha_c(0)): the retrieval states are
    RS-stable in most of their region. Beyond alpha_c(0) the AT line meets the
    spinodal T_M at alpha = 0.138186, T = 0.0251, so the nose of the reentrant RS
    region (:func:`alpha_c_max`, T = 0.0229) lies where RS is unstable.

    Parameters
    ----------
    alpha : array_like
        Load, 0 <= alpha <= alpha_c(0) = 0.137906.

    Returns
    -------
    float or ndarray
        0 at alpha = 0; 5.42e-6 at alpha = 0.05, 0.00145 at 0.1, 0.0214 at alpha_c(0).

    References
    ----------
    .. [1] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987) (the stability of
       the retrieval solution; the small-alpha form is worked out here).
    """
    return _map(_T_R, alpha)


# ---------------------------------------------------------------------------------
# One step of replica-symmetry breaking at T = 0


def _rsb1_averages(rho, delta, nu):
    r"""Averages over z of the 1RSB inner measure, in units of sigma_0 = sqrt(alpha r0).

    The local field is ``h = w + delta y`` with ``w = rho + z``; ``y`` is weighted by
    ``exp(nu |h|)``. With :math:`u_\pm = (\pm w + \nu\delta^2)/\delta` and
    :math:`A_\pm = e^{\pm\nu w}\Phi(u_\pm)`,
    :math:`Z = \int Dy\, e^{\nu|h|} = e^{\nu^2\delta^2/2}(A_+ + A_-)`,
    :math:`\langle \operatorname{sign} h\rangle = (A_+ - A_-)/(A_+ + A_-)`.

    Returns
    -------
    m, one_minus_q0, g, log_z, abs_h : float
        ``<<<sign h>>>``, ``1 - <<<sign h>^2>>``, ``<<P(h = 0 | w) / Z>>``,
        ``<<ln Z>>`` and ``<<<|h|>>>``.
    """
    w, even, odd = _folded_gauss(rho, nu * delta * delta + 12.0 * delta)
    shift = nu * delta * delta
    u_plus, u_minus = (w + shift) / delta, (shift - w) / delta
    log_a_plus = nu * w + special.log_ndtr(u_plus)
    log_a_minus = -nu * w + special.log_ndtr(u_minus)
    log_a = np.logaddexp(log_a_plus, log_a_minus)
    p_minus = np.exp(log_a_minus - log_a)
    p_plus = 1.0 - p_minus
    density_at_0 = np.exp(-0.5 * (w / delta) ** 2 - _LOG_SQRT_2PI - 0.5 * shift * nu - log_a)
    mills_plus = np.exp(-0.5 * u_plus**2 - _LOG_SQRT_2PI - special.log_ndtr(u_plus))
    mills_minus = np.exp(-0.5 * u_minus**2 - _LOG_SQRT_2PI - special.log_ndtr(u_minus))
    # <|h|> - |w| - nu delta^2 and ln Z - nu |w| - nu^2 delta^2 / 2, even in w and
    # negligible beyond w = reach.
    abs_h_excess = p_plus * mills_plus + p_minus * (mills_minus - 2.0 * w / delta)
    mean_abs = _mean_abs(rho)
    return (
        odd @ (p_plus - p_minus),
        even @ (4.0 * p_plus * p_minus),
        even @ density_at_0 / delta,
        nu * mean_abs + 0.5 * shift * nu + even @ (log_a - nu * w),
        mean_abs + shift + delta * (even @ abs_h_excess),
    )


def rsb1_energy(m, q0, C, mu, r0, r1, alpha):
    r"""One-step RSB energy per spin of the Hopfield network at T = 0.

    The 1RSB free energy [1]_ [2]_, with Parisi parameter ``x``, overlaps ``q1``
    (within a state) and ``q0`` (between states) and their conjugates ``r1``, ``r0``,
    has the T = 0 limit ``q1 -> 1``, ``x -> 0`` with ``C = beta (1 - q1)`` and
    ``mu = beta x`` finite:

    .. math::

        E = \frac{\alpha}{2} + \frac{m^2}{2}
            + \frac{\alpha}{2\mu}\ln\frac{D}{1 - C} - \frac{\alpha q_0}{2D}
            + \frac{\alpha}{2}\bigl[r_1 C + \mu (r_1 - r_0 q_0)\bigr]
            - \frac{1}{\mu}\int Dz\,\ln \int Dy\, e^{\mu |h|},

    with :math:`D = 1 - C - \mu(1 - q_0)` and
    :math:`h = m + \sqrt{\alpha r_0}\,z + \sqrt{\alpha(r_1 - r_0)}\,y`. It follows
    from the finite-T 1RSB free energy

    .. math::

        f = \frac{\alpha}{2} + \frac{m^2}{2} + \frac{\alpha}{2\beta}\Bigl[
              \bigl(1 - \tfrac{1}{x}\bigr)\ln\Lambda_1 + \tfrac{1}{x}\ln\Lambda_0
              - \frac{\beta q_0}{\Lambda_0}\Bigr]
            + \frac{\alpha\beta}{2}\bigl[r_1(1 - q_1) + x(r_1 q_1 - r_0 q_0)\bigr]
            - \frac{1}{\beta x}\int Dz\,\ln\int Dy\,
              \bigl[2\cosh\beta h\bigr]^x,

    :math:`\Lambda_1 = 1 - \beta(1 - q_1)`,
    :math:`\Lambda_0 = \Lambda_1 - \beta x (q_1 - q_0)` (eigenvalues of the
    replica matrix ``(1 - beta) 1 - beta Q``). As ``q0 -> 1``, ``r1 -> r0`` it
    becomes the RS :func:`energy` for every ``mu``.

    Parameters
    ----------
    m : float
        Overlap, -1 <= m <= 1.
    q0 : float
        Overlap between states, 0 < q0 < 1.
    C : float
        Susceptibility within a state, 0 <= C < 1.
    mu : float
        Scaled Parisi parameter beta x > 0.
    r0, r1 : float
        Crosstalk parameters, 0 < r0 < r1.
    alpha : float
        Load, alpha > 0.

    Returns
    -------
    float

    References
    ----------
    .. [1] Crisanti, Amit, Gutfreund, Europhys. Lett. 2, 337 (1986).
    .. [2] Steffan, Kühn, Z. Phys. B 95, 249 (1994).
    """
    m = check_param("m", m, low=-1.0, high=1.0)
    q0 = check_param("q0", q0, low=0.0, high=1.0, closed=(False, False))
    C = check_param("C", C, low=0.0, high=1.0, closed=(True, False))
    mu = check_param("mu", mu, low=0.0, closed=(False, True))
    r0 = check_param("r0", r0, low=0.0, closed=(False, True))
    r1 = check_param("r1", r1, low=r0, closed=(False, True))
    alpha = check_param("alpha", alpha, low=0.0, closed=(False, True))
    D = 1.0 - C - mu * (1.0 - q0)
    if D <= 0.0:
        raise ValueError(f"mu must be < (1 - C) / (1 - q0) = {(1 - C) / (1 - q0)}; got {mu}")
    sigma0 = math.sqrt(alpha * r0)
    extremes = ("alpha, r0, r1, mu", (alpha, r0, r1, mu))  # where float64 cannot follow
    if not 0.0 < sigma0 < math.inf:
        check_finite(*extremes, math.nan)
    log_z = _rsb1_averages(abs(m) / sigma0, math.sqrt((r1 - r0) / r0), mu * sigma0)[3]
    return check_finite(
        *extremes,
        (
            0.5 * alpha
            + 0.5 * m * m
            + 0.5 * alpha / mu * math.log(D / (1.0 - C))
            - 0.5 * alpha * q0 / D
            + 0.5 * alpha * (r1 * C + mu * (r1 - r0 * q0))
            - log_z / mu
        ),
    )


def _rsb1_state(rho, delta, nu):
    """The 1RSB point with scaled parameters (rho, delta, nu) and its two residuals.

    m, q0 and C follow from the averages; sigma_0 = m / rho fixes alpha through
    r0 = q0 / D^2. The residuals are those of the equation for r1 - r0, divided by
    (1 - q0) / q0 so that it stays finite as delta -> 0, and of dE/dmu = 0, times
    2 mu^2 / sigma_0^2. The second is only needed where the first vanishes, which
    makes D > 0.
    """
    m, one_minus_q0, g, log_z, abs_h = _rsb1_averages(rho, delta, nu)
    q0 = 1.0 - one_minus_q0
    sigma0 = m / rho
    C = 2.0 * g / sigma0
    mu = nu / sigma0
    D = 1.0 - C - mu * one_minus_q0
    alpha = (sigma0 * D) ** 2 / q0
    r0 = q0 / D**2
    r1 = r0 + one_minus_q0 / (D * (1.0 - C))
    state = RSB1(alpha, m, q0, C, mu, r0, r1)
    # alpha (r1 - r0) = (sigma0 delta)^2, divided by (1 - q0) sigma0^2 / q0.
    width = delta * delta * q0 * (1.0 - C) / one_minus_q0 - D
    if D <= 0.0:
        return state, width, math.nan
    slope = (
        2.0 * (log_z - nu * abs_h)
        + D * one_minus_q0 / q0 * (nu * nu / (1.0 - C) - nu * sigma0)
        - (sigma0 * D) ** 2 / q0 * math.log(D / (1.0 - C))
    )
    return state, width, slope


def _rsb1_at_rho(rho):
    """The 1RSB retrieval saddle point with m / sqrt(alpha r0) = rho.

    For each nu, delta solves the r1 equation (its residual rises from -D at
    delta -> 0 through one zero); nu then solves dE/dmu = 0, positive at small nu and
    negative at large nu. Both are bracketed over several decades.
    """

    def delta_at(nu):
        width = lambda log_delta: _rsb1_state(rho, math.exp(log_delta), nu)[1]  # noqa: E731
        return math.exp(optimize.brentq(width, math.log(1e-4), math.log(2.0), xtol=1e-14))

    def slope(log_nu):
        nu = math.exp(log_nu)
        return _rsb1_state(rho, delta_at(nu), nu)[2]

    nu = math.exp(optimize.brentq(slope, math.log(1e-2), math.log(1e4), xtol=1e-13))
    return _rsb1_state(rho, delta_at(nu), nu)[0]


@functools.cache
def rsb1_saddle_node():
    r"""The 1RSB retrieval saddle point at the T = 0 capacity alpha_c^{1RSB}.

    Solves the stationarity equations of :func:`rsb1_energy`. With
    :math:`\langle\cdot\rangle = \int Dy\,(\cdot)\,e^{\mu|h|} / Z`,
    :math:`Z = \int Dy\, e^{\mu|h|}`:

    .. math::

        r_0 = \frac{q_0}{D^2}, \quad r_1 - r_0 = \frac{1 - q_0}{D(1 - C)}, \quad
        m = \int Dz\,\langle \operatorname{sign} h\rangle, \quad
        q_0 = \int Dz\,\langle \operatorname{sign} h\rangle^2, \quad
        C = 2\int Dz\,\frac{P(h = 0 \mid z)}{Z}, \quad
        \frac{\partial E}{\partial \mu} = 0.

    In the variables ``rho = m / sqrt(alpha r0)``, ``delta = sqrt((r1 - r0) / r0)`` and
    ``nu = mu sqrt(alpha r0)`` the averages give m, q0 and C, and r0 = q0 / D^2 gives
    alpha explicitly, as in the RS case; for each ``rho`` two nested one-dimensional
    roots give ``delta`` (the r1 equation) and ``nu`` (dE/dmu = 0), and the capacity is
    the maximum of ``alpha`` over ``rho`` (Brent's method, within 0.3 of the RS saddle
    node).

    Returns
    -------
    RSB1
        ``alpha = 0.138186...`` (Steffan & Kühn [2]_: 0.138186; RS: 0.137906), with
        ``m = 0.9668``, ``q0 < 1`` and finite ``mu``: a genuine 1RSB solution.

    References
    ----------
    .. [1] Crisanti, Amit, Gutfreund, Europhys. Lett. 2, 337 (1986).
    .. [2] Steffan, Kühn, Z. Phys. B 95, 249 (1994).
    """
    rho_rs = _SQRT2 * _y_c()
    res = optimize.minimize_scalar(
        lambda rho: -_rsb1_at_rho(rho).alpha,
        bounds=(rho_rs - 0.3, rho_rs + 0.3),
        method="bounded",
        options={"xatol": 1e-9},
    )
    return _rsb1_at_rho(res.x)


def alpha_c_1rsb():
    """T = 0 capacity with one step of replica-symmetry breaking.

    The largest alpha with a 1RSB retrieval solution (see :func:`rsb1_saddle_node`).

    Returns
    -------
    float
        0.138186..., above the RS value alpha_c(0) = 0.137906 (Steffan & Kühn [1]_;
        Crisanti, Amit & Gutfreund's earlier estimate was 0.144).

    References
    ----------
    .. [1] Steffan, Kühn, Z. Phys. B 95, 249 (1994).
    """
    return rsb1_saddle_node().alpha
