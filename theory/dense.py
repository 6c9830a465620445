r"""Dense associative memories: many-spin Hebbian energies and what they store.

``P`` random patterns :math:`\xi^\mu \in \{-1, +1\}^N` (``mu = 1..P``, every entry an
independent fair sign) are stored in an energy that couples more than two spins at a
time. Three models, three kinds of result:

**Full power** (Krotov & Hopfield [1]_). :math:`E(s) = -\sum_\mu F(\xi^\mu\cdot s)`
with :math:`F(x) = x^n`. Their update sets spin ``i`` to the sign of lower energy,

.. math::

    s_i \leftarrow \operatorname{sgn} \sum_\mu \bigl[F(\xi^\mu_i + x_\mu)
        - F(-\xi^\mu_i + x_\mu)\bigr], \qquad x_\mu = \sum_{j \ne i} \xi^\mu_j s_j .

Started at a stored pattern, spin ``i`` flips when the energy change of the flip,
:math:`\Delta_i = \sum_\mu a_\mu\, g(x_\mu)` with :math:`a_\mu = \xi^\mu_i \xi^1_i` and
:math:`g(x) = F(x + 1) - F(x - 1)`, is negative. The pattern itself gives the signal
:math:`g(N - 1) = N^n - (N - 2)^n`; each other pattern an independent term of mean 0
and variance :math:`\langle g(x)^2\rangle` over :math:`x` a sum of ``N - 1`` random
signs (the crosstalk). :func:`crosstalk` gives both exactly, :func:`one_step_error`
the Gaussian probability of a flip, :func:`P_max` and :func:`P_max_finite_N` the
number of patterns all of whose spins are stable.

**Exponential** (Demircigil et al. [2]_). ``F(x) = exp(x)`` stores ``exp(alpha N)``
patterns: :func:`rate_function`, :func:`exponential_alpha_c`, :func:`exponential_P_max`.

**Distinct-index p-spin Hebbian model** (Gardner [3]_; Baldi & Venkatesh [4]_; Bovier &
Niederhauser [5]_). At temperature ``T = 1 / beta``, with load ``P = alpha N^(p-1)``,

.. math::

    H = -\sum_\mu N^{-(p-1)} \sum_{i_1 < \dots < i_p}
        \xi^\mu_{i_1} \cdots \xi^\mu_{i_p}\, s_{i_1} \cdots s_{i_p}
      = -\frac{N}{p!} \sum_\mu m_\mu^p + \dots .

For ``p >= 3`` the uncondensed patterns act as a Gaussian p-spin glass and there is no
Onsager reaction term (the derivation is in ``theory/README.md``). With one pattern
condensed, the replica-symmetric saddle point is, for :math:`z \sim N(0, 1)`,

.. math::

    m = \langle\langle \tanh \beta'\bigl(m^{p-1} + \sqrt{\alpha r}\, z\bigr)
        \rangle\rangle, \quad
    q = \langle\langle \tanh^2 \beta'\bigl(m^{p-1} + \sqrt{\alpha r}\, z\bigr)
        \rangle\rangle, \quad
    \beta' = \frac{\beta}{(p-1)!},

with the crosstalk :math:`r = (p-1)!\, q^{p-1}` for ``p >= 3`` and, at ``p = 2``, the
reaction-dressed :math:`r = q / (1 - C)^2`, :math:`C = \beta (1 - q)` of Amit,
Gutfreund and Sompolinsky (AGS) [6]_: ``p = 2`` is the Hopfield network exactly. At
``T = 0`` the equations reduce to :math:`m = \operatorname{erf} y`,
:math:`y = m^{p-1} / \sqrt{2 \alpha r}`. See :func:`rs_retrieval`, :func:`alpha_c`,
:func:`T_max`, and :func:`alpha_to_full_power` for the map to the full-power model.

Numerics. At ``T = 0`` everything is a function of ``y`` in closed form. At ``T > 0`` a
state is labelled by its overlap ``m``: the first equation is then monotonic in the
noise amplitude ``sigma = sqrt(alpha r)`` (a Brent root), the second gives ``q``, and
``alpha = sigma**2 / r`` follows, so the load along the solutions at fixed ``T`` is an
explicit function ``alpha(m)``; its maximum is ``alpha_c(T)``. Gaussian averages use
Gauss-Legendre panels that resolve the ``1 / beta'`` scale where the field vanishes.

References
----------
.. [1] D. Krotov, J. J. Hopfield, "Dense associative memory for pattern recognition",
   NIPS 2016, arXiv:1606.01164.
.. [2] M. Demircigil, J. Heusel, M. Löwe, S. Upgang, F. Vermet, "On a model of
   associative memory with huge storage capacity", J. Stat. Phys. 168, 288 (2017),
   arXiv:1702.01929.
.. [3] E. Gardner, "Multiconnected neural network models", J. Phys. A 20, 3453 (1987).
.. [4] P. Baldi, S. S. Venkatesh, "Number of stable points for spin-glasses and neural
   networks of higher orders", Phys. Rev. Lett. 58, 913 (1987).
.. [5] A. Bovier, B. Niederhauser, "The spin-glass phase-transition in the Hopfield
   model with p-spin interactions", arXiv:cond-mat/0108235 (2001).
.. [6] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Statistical mechanics of neural
   networks near saturation", Ann. Phys. 173, 30 (1987).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np
from scipy import optimize, special, stats

from theory._checks import check_finite, check_param, elementwise

__all__ = [
    "PSpinRS",
    "P_half",
    "P_max",
    "P_max_finite_N",
    "SignalNoise",
    "T_max",
    "alpha_c",
    "alpha_from_full_power",
    "alpha_to_full_power",
    "crosstalk",
    "exponential_P_max",
    "exponential_alpha_c",
    "one_step_error",
    "rate_function",
    "rs_retrieval",
]

_SQRT2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(48)
_Z_CUT = 12.0  # Gaussian weight beyond |z| = 12 is below 1e-32
_KINK = 20.0  # tanh(u) = sign(u) to 1e-17 for |u| > 20


class SignalNoise(NamedTuple):
    """Signal and crosstalk variance of the energy change of a one-spin flip."""

    signal: float
    variance: float


class PSpinRS(NamedTuple):
    """An RS retrieval saddle point of the p-spin model (see :func:`rs_retrieval`)."""

    m: float
    q: float
    r: float
    C: float


def _double_factorial(k):
    """k!! = k (k - 2) (k - 4) ..., with (-1)!! = 1."""
    return math.prod(range(k, 0, -2))


# ---------------------------------------------------------------------------------
# Full power F(x) = x^n: the crosstalk of a one-spin flip, exactly


@functools.cache
def _sign_sum_moments(M, jmax):
    r"""The even moments E[x^(2j)], j = 0..jmax, of x a sum of M random signs.

    :math:`\langle e^{tx}\rangle = \cosh^M t`. With :math:`u = t^2`,
    :math:`\cosh t = \sum_j a_j u^j`, :math:`a_j = 1/(2j)!`, the coefficients of
    :math:`b(u) = a(u)^M` obey J. C. P. Miller's recurrence for powers of a series,
    :math:`j\, b_j = \sum_{k=1}^{j} ((M + 1) k - j)\, a_k b_{j-k}`, and
    :math:`E[x^{2j}] = (2j)!\, b_j`, an integer.
    """
    a = [Fraction(1, math.factorial(2 * k)) for k in range(jmax + 1)]
    b = [Fraction(1)]
    for j in range(1, jmax + 1):
        b.append(sum(((M + 1) * k - j) * a[k] * b[j - k] for k in range(1, j + 1)) / j)
    return tuple(int(math.factorial(2 * j) * b[j]) for j in range(jmax + 1))


@functools.cache
def _crosstalk_exact(N, n):
    """The signal g(N - 1) and the crosstalk moment E[g(x)^2], as integers.

    g(x) = (x + 1)^n - (x - 1)^n = sum over odd k of 2 C(n, k) x^(n - k): every power has
    the parity of n - 1, so g(x)^2 has only even powers of x.
    """
    terms = [(2 * math.comb(n, k), n - k) for k in range(1, n + 1, 2)]
    moments = _sign_sum_moments(N - 1, n - 1)
    second = sum(c1 * c2 * moments[(e1 + e2) // 2] for c1, e1 in terms for c2, e2 in terms)
    return N**n - (N - 2) ** n, second


def _check_full_power(N, n):
    """N >= 2 spins and a power 2 <= n <= min(N, 1023 / log2 N).

    On the N + 1 overlaps x = -N, -N + 2, ..., N a power beyond N is a polynomial of
    lower degree (no new model), and below 1023 / log2 N the signal N^n - (N - 2)^n is
    finite in float64 (and the exact moments, whose cost grows fast with n, stay quick).
    """
    N = check_param("N", N, low=2, integer=True)
    top = min(N, int(1023 / math.log2(N)))
    if top < 2:
        raise ValueError(f"N must be small enough that N^2 is finite in float64; got {N}")
    return N, check_param("n", n, low=2, high=top, integer=True)


def crosstalk(N, P, n):
    r"""Signal and crosstalk variance of a one-spin flip at a stored pattern, exactly.

    For the full-power model :math:`F(x) = x^n` [1]_ started at pattern 1, the energy
    change of flipping spin ``i`` is :math:`\Delta_i = g(N-1) + \sum_{\mu \ge 2} a_\mu
    g(x_\mu)` (module notes). The signal is :math:`g(N-1) = N^n - (N-2)^n`; the
    ``P - 1`` crosstalk terms are independent with mean 0 and variance
    :math:`\langle g(x)^2\rangle`, :math:`x` a sum of ``N - 1`` random signs, computed
    exactly from the moments of ``x`` (no large-N expansion). At leading order the
    signal is :math:`2n N^{n-1}` and the variance :math:`4n^2 (2n-3)!!\,N^{n-1} (P-1)`.

    Parameters
    ----------
    N : int
        Number of spins, N >= 2.
    P : int
        Number of stored patterns, P >= 1.
    n : int
        Power of the interaction function, 2 <= n <= min(N, 1023 / log2 N) (n = 2 is the
        Hopfield network; see `_check_full_power`).

    Returns
    -------
    SignalNoise
        ``(signal, variance)`` of :math:`\Delta_i`; both exact integers, as floats.

    References
    ----------
    .. [1] Krotov, Hopfield, NIPS 2016, arXiv:1606.01164 (the signal and noise of
       their update rule, in their capacity estimate).
    """
    N, n = _check_full_power(N, n)
    P = check_param("P", P, low=1, integer=True)
    signal, second = _crosstalk_exact(N, n)
    variance = (P - 1) * second
    if variance >= 2**1024:
        raise ValueError(
            f"P must be small enough that the crosstalk variance (P - 1) <g^2> is finite "
            f"in float64 at N = {N}, n = {n}; got {P}"
        )
    return SignalNoise(float(signal), float(variance))


@elementwise
def one_step_error(N, P, n):
    r"""Probability that one spin of a stored pattern flips in one update.

    The network :math:`E = -\sum_\mu (\xi^\mu \cdot s)^n` [1]_ holds a stored
    pattern; one spin is updated once by the rule of the module notes, all other spins
    at the pattern. It flips when :math:`\Delta_i < 0`. With the crosstalk taken
    Gaussian, of the exact finite-N variance of :func:`crosstalk`,

    .. math::

        P_\mathrm{err} = \Phi\Bigl(-\frac{g(N-1)}{\sqrt{(P-1)\langle g(x)^2\rangle}}\Bigr)
                       \approx \Phi\Bigl(-\sqrt{\frac{N^{n-1}}{(2n-3)!!\,P}}\Bigr).

    A simulation estimates it as the fraction of (pattern, spin) pairs that flip;
    for a fixed set of patterns the spins are correlated, so its error bar comes from
    the spread of that fraction between independent sets. :math:`\Delta_i` is an
    integer and may vanish at finite N, where the sign of the update is a convention;
    for odd ``n``, odd ``N`` and odd ``P`` every term is 2 mod 4 and
    :math:`\Delta_i \ne 0`, so the comparison is convention-free there.

    Parameters
    ----------
    N : int or array_like
        Number of spins, N >= 2.
    P : int or array_like
        Number of stored patterns, P >= 1 (P = 1 has no crosstalk: 0).
    n : int or array_like
        Power of the interaction function, 2 <= n <= min(N, 1023 / log2 N).

    Returns
    -------
    float or ndarray
        The flip probability, in [0, 1/2].

    References
    ----------
    .. [1] Krotov, Hopfield, NIPS 2016, arXiv:1606.01164 (their capacity estimate).
    """
    N, n = _check_full_power(N, n)
    P = check_param("P", P, low=1, integer=True)
    if P == 1:
        return 0.0
    signal, second = _crosstalk_exact(N, n)
    snr2 = Fraction(signal * signal, (P - 1) * second)
    return 0.5 * math.erfc(math.sqrt(float(snr2) / 2.0))


@elementwise
def P_max(N, n):
    r"""Krotov and Hopfield's no-error capacity of the full-power model.

    .. math::

        P_\mathrm{max} = \frac{N^{n-1}}{2\,(2n-3)!!\,\ln N},

    the load at which the leading-order signal-to-noise ratio of a one-spin flip
    reaches :math:`\sqrt{2 \ln N}`, so that :math:`N P_\mathrm{err} \to 0` [1]_ (proved
    by Demircigil et al. [2]_ for any constant above 2 (2n - 3)!!).

    Parameters
    ----------
    N : int or array_like
        Number of spins, N >= 2.
    n : int or array_like
        Power of the interaction function, 2 <= n <= min(N, 1023 / log2 N) (n = 2:
        N / (2 ln N)).

    Returns
    -------
    float or ndarray

    See Also
    --------
    P_max_finite_N : the same criterion with the exact finite-N crosstalk.

    References
    ----------
    .. [1] Krotov, Hopfield, NIPS 2016, arXiv:1606.01164 (the no-error capacity).
    .. [2] Demircigil et al., J. Stat. Phys. 168, 288 (2017), as summarised in
       Ramsauer et al., ICLR 2021, arXiv:2008.02217, appendix A.3.1.
    """
    N, n = _check_full_power(N, n)
    log = (n - 1) * math.log(N) - math.log(2 * _double_factorial(2 * n - 3) * math.log(N))
    return math.exp(log)


@elementwise
def P_max_finite_N(N, n):
    r"""The no-error capacity of :func:`P_max` with the exact finite-N crosstalk.

    The same criterion, signal-to-noise ratio :math:`\sqrt{2 \ln N}`, with the exact
    signal :math:`g(N-1)` and crosstalk moment :math:`\langle g(x)^2\rangle` of
    :func:`crosstalk` in place of their leading orders:

    .. math::

        P_\mathrm{max} = 1 + \frac{g(N-1)^2}{2 \ln N\, \langle g(x)^2\rangle}.

    It approaches :func:`P_max` as ``N`` grows, with relative corrections below
    ``(n**2 + 2 ln N) / N``.

    Parameters
    ----------
    N : int or array_like
        Number of spins, N >= 2.
    n : int or array_like
        Power of the interaction function, 2 <= n <= min(N, 1023 / log2 N).

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] Krotov, Hopfield, NIPS 2016, arXiv:1606.01164 (their capacity estimate).
    """
    N, n = _check_full_power(N, n)
    signal, second = _crosstalk_exact(N, n)
    return 1.0 + float(Fraction(signal * signal, second)) / (2.0 * math.log(N))


@elementwise
def P_half(N, n):
    r"""The number of patterns at which a stored pattern is a fixed point with probability
    1/2, its N spins flipping independently with the :func:`one_step_error` P_err.

    :math:`(1 - P_\mathrm{err})^N = 1/2` gives

    .. math::

        P_{1/2} = 1 + \frac{g(N-1)^2}{z^2 \langle g(x)^2\rangle}, \qquad
        z = -\Phi^{-1}\bigl(1 - 2^{-1/N}\bigr),

    with the exact signal g(N - 1) and crosstalk moment of :func:`crosstalk` (a real
    number; :func:`P_max_finite_N` is the same with :math:`z^2 = 2 \ln N`, and both
    grow as N^(n-1) up to logarithms).

    Parameters
    ----------
    N : int or array_like
        Number of spins, N >= 2.
    n : int or array_like
        Power of the interaction function, 2 <= n <= min(N, 1023 / log2 N).

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] Krotov, Hopfield, NIPS 2016, arXiv:1606.01164 (the signal-to-noise ratio of
       a one-spin flip); the independence of the N spins is the approximation made here.
    """
    N, n = _check_full_power(N, n)
    signal, second = _crosstalk_exact(N, n)
    z = -stats.norm.ppf(-math.expm1(-math.log(2.0) / N))  # P_err = 1 - 2^(-1/N)
    return 1.0 + float(Fraction(signal * signal, second)) / (z * z)


# ---------------------------------------------------------------------------------
# Exponential F(x) = exp(x)


@elementwise
def rate_function(x):
    r"""Cramér's rate function of the mean of random signs.

    .. math::

        I(x) = \tfrac12\bigl[(1 + x)\ln(1 + x) + (1 - x)\ln(1 - x)\bigr],

    so that the mean of ``N`` random signs exceeds ``x`` with probability
    :math:`e^{-N I(x) + o(N)}`. :math:`I(1) = \ln 2`.

    Parameters
    ----------
    x : float or array_like
        -1 <= x <= 1.

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] Demircigil et al., J. Stat. Phys. 168, 288 (2017); Ramsauer et al., ICLR
       2021, arXiv:2008.02217, Theorem A10.
    """
    x = check_param("x", x, low=-1.0, high=1.0)
    return 0.5 * float(special.xlogy(1.0 + x, 1.0 + x) + special.xlogy(1.0 - x, 1.0 - x))


@elementwise
def exponential_alpha_c(rho=0.0):
    r"""Largest exponent alpha of the exponential model's capacity P = exp(alpha N).

    With :math:`F(x) = e^x`, ``P = exp(alpha N) + 1`` random patterns and a cue drawn
    uniformly at ``rho N`` flipped bits from a pattern, one synchronous update of all
    spins restores the pattern, for all patterns at once, with probability -> 1 as
    N -> infinity whenever [1]_

    .. math::

        \alpha < \frac{I(1 - 2\rho)}{2}

    (:func:`rate_function`). At ``rho = 0``: :math:`\ln 2 / 2`, i.e. ``2**(N/2)``
    patterns.

    Parameters
    ----------
    rho : float or array_like, default=0.0
        Fraction of flipped bits in the cue, 0 <= rho < 1/2.

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] Demircigil et al., J. Stat. Phys. 168, 288 (2017), as restated in Ramsauer
       et al., ICLR 2021, arXiv:2008.02217, Theorem A10.
    """
    rho = check_param("rho", rho, low=0.0, high=0.5, closed=(True, False))
    return 0.5 * rate_function(1.0 - 2.0 * rho)


@elementwise
def exponential_P_max(N, rho=0.0):
    r"""The exponential model's capacity at the edge of its theorem: exp(alpha_c N) + 1.

    Demircigil et al. [1]_ prove retrieval for ``P = exp(alpha N) + 1`` patterns at any
    ``alpha < alpha_c = I(1 - 2 rho) / 2`` (:func:`exponential_alpha_c`); this is the
    supremum of that family, an asymptotic (large-N) statement.

    Parameters
    ----------
    N : int or array_like
        Number of spins, N >= 1.
    rho : float or array_like, default=0.0
        Fraction of flipped bits in the cue, 0 <= rho < 1/2.

    Returns
    -------
    float or ndarray

    References
    ----------
    .. [1] Demircigil et al., J. Stat. Phys. 168, 288 (2017); Ramsauer et al., ICLR
       2021, arXiv:2008.02217, Theorem A10.
    """
    N = check_param("N", N, low=1, integer=True)
    exponent = N * exponential_alpha_c(rho)
    if exponent > math.log(np.finfo(np.float64).max):
        raise ValueError(
            f"N must be small enough that exp(alpha_c N) is finite in float64 "
            f"(alpha_c = {exponent / N:.6g}); got {N}"
        )
    return math.exp(exponent) + 1.0


# ---------------------------------------------------------------------------------
# Distinct-index p-spin model: conventions


def _check_p(p):
    """2 <= p <= 171, where (p - 1)! is finite in float64."""
    return check_param("p", p, low=2, high=171, integer=True)


@elementwise
def alpha_to_full_power(alpha, p):
    r"""Load of the full-power model with the same T = 0 retrieval as the p-spin model.

    With ``P = alpha N^(p-1)`` in the distinct-index model and ``P = alpha_F N^(n-1)``
    in the full-power model :math:`F(x) = x^n`, ``n = p``, the crosstalk of one pattern
    on a local field is :math:`\mathrm{He}_{p-1}(u)` (variance :math:`(p-1)!`) in the
    first and :math:`u^{p-1}` (variance :math:`(2p-3)!!`) in the second, for the same
    signal :math:`m^{p-1}`. Equal signal-to-noise ratios give

    .. math::

        \alpha_F = \alpha\,\frac{(p-1)!}{(2p-3)!!}.

    This maps the one-step signal-to-noise ratio at leading order in N and the T = 0
    RS equations (where q = 1) exactly; at T > 0 the full-power crosstalk is a
    different polynomial in q and the map does not hold.

    Parameters
    ----------
    alpha : float or array_like
        Load of the distinct-index model, alpha >= 0.
    p : int or array_like
        Number of interacting spins, 2 <= p <= 171 ((p - 1)! finite in float64; p = 2:
        the loads coincide).

    Returns
    -------
    float or ndarray

    See Also
    --------
    alpha_from_full_power : the inverse map.
    """
    alpha = check_param("alpha", alpha, low=0.0)
    p = _check_p(p)
    ratio = Fraction(math.factorial(p - 1), _double_factorial(2 * p - 3))
    return check_finite("alpha", alpha, alpha * float(ratio))


@elementwise
def alpha_from_full_power(alpha, n):
    r"""Load of the p-spin model (p = n) matching the full-power load alpha.

    The inverse of :func:`alpha_to_full_power`:
    :math:`\alpha_\mathrm{distinct} = \alpha\,(2n-3)!!/(n-1)!`.

    Parameters
    ----------
    alpha : float or array_like
        Load of the full-power model, ``P = alpha N^(n-1)``, alpha >= 0.
    n : int or array_like
        Power of the interaction function, 2 <= n <= 171.

    Returns
    -------
    float or ndarray
    """
    alpha = check_param("alpha", alpha, low=0.0)
    n = check_param("n", n, low=2, high=171, integer=True)
    ratio = Fraction(_double_factorial(2 * n - 3), math.factorial(n - 1))
    return check_finite("alpha", alpha, alpha * float(ratio))


# ---------------------------------------------------------------------------------
# Distinct-index p-spin model: RS at T = 0, a function of y = m^(p-1) / sqrt(2 alpha r)


def _alpha_T0(y, p):
    """The load of the T = 0 RS solution with m = erf(y)."""
    if p == 2:  # AGS: sqrt(alpha) = sigma (1 - C)
        return (math.erf(y) / (_SQRT2 * y) - _SQRT_2_OVER_PI * math.exp(-y * y)) ** 2
    return math.erf(y) ** (2 * p - 2) / (2.0 * math.factorial(p - 1) * y * y)


def _d_alpha_T0(y, p):
    """A function with the sign of d alpha / dy along the T = 0 solutions."""
    g = 2.0 / math.sqrt(math.pi) * y * math.exp(-y * y)
    if p == 2:  # d sqrt(alpha) / dy
        return (g - math.erf(y)) / (_SQRT2 * y * y) + 2.0 * _SQRT_2_OVER_PI * y * math.exp(-y * y)
    return (p - 1) * g - math.erf(y)  # (y erf(y) / 2) d ln alpha / dy


@functools.cache
def _y_c(p):
    """y at the T = 0 saddle node, the maximum of alpha(y)."""
    return optimize.brentq(_d_alpha_T0, 1e-3, 6.0, args=(p,), xtol=1e-15, rtol=1e-15)


def _rs_T0(y, p):
    """The T = 0 RS retrieval state with m = erf(y)."""
    m = math.erf(y)
    sigma = m ** (p - 1) / (_SQRT2 * y)
    C = math.factorial(p - 1) * _SQRT_2_OVER_PI * math.exp(-y * y) / sigma
    r = 1.0 / (1.0 - C) ** 2 if p == 2 else float(math.factorial(p - 1))
    return PSpinRS(m, 1.0, r, C)


def _y_retrieval_T0(alpha, p):
    """The y > y_c with alpha(y) = alpha > 0; alpha(y) < 1 / (2 (p-1)! y^2) brackets it."""
    y_c = _y_c(p)
    y_hi = max(y_c, 1.0 / math.sqrt(2.0 * math.factorial(p - 1) * alpha))
    return optimize.brentq(lambda y: _alpha_T0(y, p) - alpha, y_c, y_hi, xtol=1e-15)


# ---------------------------------------------------------------------------------
# Distinct-index p-spin model: RS at T > 0, a function of m


def _panels(edges):
    """Gauss-Legendre nodes and weights on consecutive panels between `edges`."""
    lo, hi = edges[:-1], edges[1:]
    half, mid = 0.5 * (hi - lo), 0.5 * (hi + lo)
    return (
        (half[:, None] * _GL_NODES + mid[:, None]).ravel(),
        (half[:, None] * _GL_WEIGHTS).ravel(),
    )


def _field_averages(beta1, a, sigma):
    r"""<<tanh beta1 h>> and <<sech^2 beta1 h>> for the field h = a + sigma z, z ~ N(0, 1).

    The integrand changes on the scale 1 / (beta1 sigma) in z around the zero of the
    field, z0 = -a / sigma, and on the scale 1 elsewhere: panels split at z0 and at
    z0 +- 20 / (beta1 sigma) resolve both. sech^2 = 4 e / (1 + e)^2, e = exp(-2 |u|),
    keeps 1 - q accurate when q is close to 1.
    """
    z0, width = -a / sigma, _KINK / (beta1 * sigma)
    edges = np.unique(np.clip([-_Z_CUT, z0 - width, z0, z0 + width, _Z_CUT], -_Z_CUT, _Z_CUT))
    z, w = _panels(edges)
    w = w * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    u = beta1 * (a + sigma * z)
    e = np.exp(-2.0 * np.abs(u))
    return float(w @ (np.sign(u) * (1.0 - e) / (1.0 + e))), float(w @ (4.0 * e / (1.0 + e) ** 2))


def _beta1(p, T):
    """beta' = beta / (p-1)!, the inverse temperature of the rescaled field m^(p-1) + ..."""
    return 1.0 / (math.factorial(p - 1) * T)


def _curie_weiss_gap(m, p, T):
    """tanh(beta' m^(p-1)) - m: positive exactly where a state of overlap m exists."""
    return math.tanh(_beta1(p, T) * m ** (p - 1)) - m


@functools.cache
def _curie_weiss_peak(p):
    """The maximum of m^(p-1) / artanh(m) over 0 < m < 1, and where it is (p >= 3).

    m = tanh(beta' m^(p-1)) reads beta' = artanh(m) / m^(p-1), which falls from infinity
    at m -> 0 to a minimum and rises back to infinity at m -> 1: two roots below the
    peak temperature, none above it.
    """
    res = optimize.minimize_scalar(
        lambda m: -(m ** (p - 1)) / math.atanh(m),
        bounds=(1e-9, 1.0 - 1e-12),
        method="bounded",
        options={"xatol": 1e-13},
    )
    return res.x, -res.fun


@functools.cache
def _overlap_range(p, T):
    """The overlaps (m_lo, m_hi) between the roots of m = tanh(beta' m^(p-1)), T > 0.

    At alpha = 0 the retrieval state is m_hi (Curie-Weiss); between the roots the
    crosstalk can be switched on. For p = 2, m_lo = 0. For p >= 3 the roots lie on
    either side of the peak of :func:`_curie_weiss_peak`, and the gap is negative
    below beta'^(-1 / (p-2)) (tanh x < x).
    """
    if p == 2:
        return 0.0, optimize.brentq(_curie_weiss_gap, 1e-12, 1.0, args=(p, T), xtol=1e-15)
    m_peak = _curie_weiss_peak(p)[0]
    floor = 0.5 * min(_beta1(p, T) ** (-1.0 / (p - 2)), m_peak)
    lo = optimize.brentq(_curie_weiss_gap, floor, m_peak, args=(p, T), xtol=1e-15)
    hi = optimize.brentq(_curie_weiss_gap, m_peak, 1.0, args=(p, T), xtol=1e-15)
    return lo, hi


class _State(NamedTuple):
    alpha: float
    rs: PSpinRS


def _rs_at_m(m, p, T):
    """The RS solution with overlap m at temperature T > 0 (alpha = 0 off the range)."""
    off_range = _State(0.0, PSpinRS(m, m * m, 0.0, 0.0))
    if _curie_weiss_gap(m, p, T) <= 0.0:
        return off_range
    beta1, a = _beta1(p, T), m ** (p - 1)
    # <<tanh beta1 h>> < <<sign h>> = erf(a / (sqrt 2 sigma)), which is m at sigma_hi;
    # at sigma -> 0 the average is tanh(beta1 a) > m (to rounding, at the range's ends).
    sigma_hi = a / (_SQRT2 * special.erfinv(m))
    excess = lambda sigma: _field_averages(beta1, a, sigma)[0] - m  # noqa: E731
    if excess(1e-12 * sigma_hi) <= 0.0:
        return off_range
    sigma = optimize.brentq(excess, 1e-12 * sigma_hi, sigma_hi, xtol=1e-15 * sigma_hi)
    S = _field_averages(beta1, a, sigma)[1]
    q, C = 1.0 - S, S / T
    r = q / (1.0 - C) ** 2 if p == 2 else math.factorial(p - 1) * q ** (p - 1)
    return _State(sigma * sigma / r, PSpinRS(m, q, r, C))


@functools.cache
def _rs_saddle_node(p, T):
    """The retrieval saddle node at T > 0: the maximum over m of alpha(m).

    A grid of 48 overlaps between the Curie-Weiss roots brackets the maximum, which
    Brent's method then refines.
    """
    lo, hi = _overlap_range(p, T)
    grid = np.linspace(lo, hi, 50)[1:-1]
    alphas = [_rs_at_m(m, p, T).alpha for m in grid]
    k = int(np.argmax(alphas))
    res = optimize.minimize_scalar(
        lambda m: -_rs_at_m(m, p, T).alpha,
        bounds=(grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]),
        method="bounded",
        options={"xatol": 1e-13},
    )
    return _rs_at_m(res.x, p, T)


# ---------------------------------------------------------------------------------
# Distinct-index p-spin model: public functions


def _T_max(p):
    return 1.0 if p == 2 else _curie_weiss_peak(p)[1] / math.factorial(p - 1)


@elementwise
def T_max(p):
    r"""Highest temperature with a retrieval state in the p-spin model (at alpha = 0).

    At zero load the retrieval state solves the Curie-Weiss equation
    :math:`m = \tanh(\beta' m^{p-1})`, :math:`\beta' = \beta / (p-1)!`. For ``p = 2``
    it exists below T = 1 (continuous transition); for ``p >= 3`` it appears
    discontinuously, below

    .. math::

        T_\mathrm{max} = \frac{1}{(p-1)!}\,\max_{0<m<1} \frac{m^{p-1}}{\operatorname{artanh} m}.

    Parameters
    ----------
    p : int or array_like
        Number of interacting spins, 2 <= p <= 171 ((p - 1)! finite in float64).

    Returns
    -------
    float or ndarray
        1 for p = 2; 0.291291 for p = 3; 0.0826311 for p = 4.

    References
    ----------
    .. [1] Gardner, J. Phys. A 20, 3453 (1987).
    """
    return _T_max(_check_p(p))


def _check_T(T, p):
    """T in [0, T_max(p)); where (p - 1)! T < 1e-8 the T = 0 equations are used (their
    O(T) corrections, about 3 T in alpha_c at p = 3, are then below 1e-7, and the
    saddle node is no longer resolved at T > 0)."""
    top = _T_max(p)
    T = check_param("T", T, low=0.0)
    if T >= top:
        raise ValueError(
            f"T must be in [0, T_max(p) = {top:.6f}) for p = {p}: no retrieval state "
            f"exists above; got {T}"
        )
    return 0.0 if math.factorial(p - 1) * T < 1e-8 else T


@functools.cache
def _alpha_c(p, T):
    if T == 0.0:
        return _alpha_T0(_y_c(p), p)
    return _rs_saddle_node(p, T).alpha


@elementwise
def alpha_c(p, T=0.0):
    r"""Critical load of the p-spin Hebbian model: where the RS retrieval branch ends.

    The largest ``alpha = P / N^(p-1)`` with a replica-symmetric retrieval solution
    (the spinodal, a saddle node of the equations of the module notes). At ``T = 0`` it
    is the maximum over ``y`` of

    .. math::

        \alpha(y) = \frac{\operatorname{erf}(y)^{2p-2}}{2\,(p-1)!\,y^2}, \qquad
        \operatorname{erf} y = \frac{2(p-1)}{\sqrt\pi}\, y\, e^{-y^2}
        \text{ at the maximum},

    for ``p >= 3`` [1]_, and the AGS value 0.1379 for ``p = 2`` [2]_. At ``T > 0`` it is
    the maximum over the overlap of the load along the solutions. Unlike ``p = 2``,
    ``alpha_c(T)`` grows markedly with ``T`` at low temperature for ``p >= 3``: the
    crosstalk variance carries the factor :math:`q^{p-1}`.

    Parameters
    ----------
    p : int or array_like
        Number of interacting spins, 2 <= p <= 171 ((p - 1)! finite in float64).
    T : float or array_like, default=0.0
        Temperature, 0 <= T < :func:`T_max` (p).

    Returns
    -------
    float or ndarray
        At T = 0: 0.137906 (p = 2), 0.126095 (p = 3), 0.0329767 (p = 4),
        0.00719886 (p = 5).

    See Also
    --------
    alpha_to_full_power : the same load for F(x) = x^n.

    References
    ----------
    .. [1] Gardner, J. Phys. A 20, 3453 (1987); the equations are derived in
       ``theory/README.md``.
    .. [2] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).
    """
    p = _check_p(p)
    return _alpha_c(p, _check_T(T, p))


def rs_retrieval(alpha, p, T=0.0):
    r"""The RS retrieval saddle point of the p-spin Hebbian model.

    Solves, on the branch that continues the Curie-Weiss state of zero load (the
    stable side of the saddle node),

    .. math::

        m = \langle\langle \tanh \beta'(m^{p-1} + \sqrt{\alpha r}\, z) \rangle\rangle,
        \quad
        q = \langle\langle \tanh^2 \beta'(m^{p-1} + \sqrt{\alpha r}\, z) \rangle\rangle,
        \quad \beta' = \beta / (p-1)!,

    with :math:`r = (p-1)!\, q^{p-1}` for ``p >= 3`` (no Onsager reaction term) and
    :math:`r = q / (1 - C)^2` for ``p = 2`` (AGS). At ``T = 0``, :math:`q = 1`,
    :math:`m = \operatorname{erf}(m^{p-1} / \sqrt{2 \alpha r})`.

    Parameters
    ----------
    alpha : float
        Load P / N^(p-1), 0 <= alpha <= alpha_c(p, T).
    p : int
        Number of interacting spins, 2 <= p <= 171 ((p - 1)! finite in float64).
    T : float, default=0.0
        Temperature, 0 <= T < T_max(p).

    Returns
    -------
    PSpinRS
        ``(m, q, r, C)``: overlap, Edwards-Anderson parameter, crosstalk per unit load
        (the noise variance on the rescaled field is ``alpha r``) and local
        susceptibility ``C = beta (1 - q)``, finite at T = 0.

    Raises
    ------
    ValueError
        If p, T or alpha is out of range; for alpha > alpha_c(p, T) there is no
        retrieval state.

    References
    ----------
    .. [1] Gardner, J. Phys. A 20, 3453 (1987).
    .. [2] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987) (p = 2).
    """
    p = _check_p(p)
    T = _check_T(T, p)
    alpha = check_param("alpha", alpha, low=0.0)
    top = _alpha_c(p, T)
    if alpha > top:
        raise ValueError(
            f"alpha must be in [0, alpha_c(p, T) = {top:.6g}] for a retrieval state at "
            f"p = {p}, T = {T}; got {alpha}"
        )
    if T == 0.0:
        if alpha == 0.0:
            return PSpinRS(1.0, 1.0, 1.0 if p == 2 else float(math.factorial(p - 1)), 0.0)
        return _rs_T0(_y_retrieval_T0(alpha, p), p)
    if alpha == 0.0:
        m = _overlap_range(p, T)[1]
        C = (1.0 - m * m) / T
        r = m * m / (1.0 - C) ** 2 if p == 2 else math.factorial(p - 1) * m ** (2 * p - 2)
        return PSpinRS(m, m * m, r, C)
    m_c, m_hi = _rs_saddle_node(p, T).rs.m, _overlap_range(p, T)[1]
    m = optimize.brentq(lambda m: _rs_at_m(m, p, T).alpha - alpha, m_c, m_hi, xtol=1e-15)
    return _rs_at_m(m, p, T).rs
