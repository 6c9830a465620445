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

Where RS fails (p >= 3). :func:`free_energy`, :func:`energy`, :func:`entropy`,
:func:`rs_spin_glass` and :func:`T_R` give the RS thermodynamics. Its T = 0 entropy is
negative, :math:`-\alpha C^2/(4 (p-2)!)`: -0.0448 (p = 3) and -0.0232 (p = 4) at the
RS capacity, against -0.00145 for Hopfield. The RS retrieval state is unstable
(de Almeida-Thouless) below :func:`T_R`, and the whole reentrant rise of the RS
``alpha_c(p, T)`` lies there: the AT line meets the spinodal at its nose, on the
Nishimori line T = alpha, where RS is exact. One step of RSB at T = 0
(:func:`rsb1_energy`, :func:`rsb1_saddle_node`) raises the capacity from 0.1261 to
0.1537 (p = 3) and from 0.0330 to 0.0382 (p = 4), close to the RS capacity at the
Nishimori nose (0.1549, 0.0384) and with its overlap (0.651 against 0.643 for p = 3).

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
import itertools
import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np
from scipy import optimize, special, stats

from theory import hopfield
from theory._checks import check_choice, check_finite, check_param, elementwise

__all__ = [
    "T_R",
    "PSpinRS",
    "P_half",
    "P_max",
    "P_max_finite_N",
    "SignalNoise",
    "T_max",
    "alpha_c",
    "alpha_c_1rsb",
    "alpha_from_full_power",
    "alpha_global",
    "alpha_to_full_power",
    "crosstalk",
    "energy",
    "entropy",
    "exponential_P_max",
    "exponential_alpha_c",
    "free_energy",
    "one_step_error",
    "rate_function",
    "rs_retrieval",
    "rs_spin_glass",
    "rsb1_energy",
    "rsb1_saddle_node",
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
    """The y > y_c with alpha(y) = alpha > 0; alpha(y) < 1 / (2 (p-1)! y^2) brackets it
    (moved out by 1 % where erf(y) rounds to 1 there and the load rounds above alpha)."""
    y_c = _y_c(p)
    y_hi = max(y_c, 1.0 / math.sqrt(2.0 * math.factorial(p - 1) * alpha))
    if _alpha_T0(y_hi, p) > alpha:
        y_hi *= 1.01
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
    crosstalk variance carries the factor :math:`q^{p-1}`. That rise is an RS result
    where RS is unstable: the spinodal lies below the AT line :func:`T_R` up to its
    nose on the Nishimori line T = alpha, and the T = 0 entropy there is negative
    (:func:`entropy`); with one step of RSB the T = 0 capacity is
    :func:`alpha_c_1rsb` (0.1537 for p = 3, 0.0382 for p = 4).

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


# ---------------------------------------------------------------------------------
# Distinct-index p-spin model: RS free energy, entropy, stability, spin glass


def _reaction(p, C, T):
    """(1 - q^p - p q^(p-1) (1 - q)) / T^2 with q = 1 - T C, exact down to T = 0.

    The polynomial is sum_{k=2}^p (-1)^k (k - 1) C(p, k) (1 - q)^k; where p (1 - q) is
    small its series (in powers of T C) has no cancellation.
    """
    eps = T * C
    if p * eps > 0.1:
        q = 1.0 - eps
        return (1.0 - q**p - p * q ** (p - 1) * eps) / (T * T)
    terms = ((-1) ** k * (k - 1) * math.comb(p, k) * eps ** (k - 2) for k in range(2, p + 1))
    return C * C * math.fsum(terms)


def _free_energy(m, C, r, alpha, p, T):
    """The p-spin RS free energy (p >= 3) with q = 1 - T C, so that T = 0 is included."""
    F = math.factorial(p - 1)
    a, sigma = m ** (p - 1), math.sqrt(alpha * r)
    eps = T * C  # 1 - q
    if T == 0.0:
        one_minus_q_p = p * C
    elif eps < 0.5:
        one_minus_q_p = -math.expm1(p * math.log1p(-eps)) / T
    else:
        one_minus_q_p = (1.0 - max(0.0, 1.0 - eps) ** p) / T
    if sigma == 0.0:
        mean_abs_h = abs(a)
        log_cosh_excess = T * math.log1p(math.exp(-2.0 * abs(a) / (F * T))) if T > 0.0 else 0.0
    else:
        rho = abs(a) / sigma
        mean_abs_h = sigma * hopfield._mean_abs(rho)
        log_cosh_excess = T * hopfield._rs_averages(sigma / T / F, rho)[2] if T > 0.0 else 0.0
    return (
        (p - 1) * m * a / math.factorial(p)
        - alpha * one_minus_q_p / (2.0 * math.factorial(p))
        + alpha * r * C / (2.0 * F * F)
        - mean_abs_h / F
        - log_cosh_excess
    )


def _check_order_parameters(m, q, r, alpha):
    return (
        check_param("m", m, low=-1.0, high=1.0),
        check_param("q", q, low=0.0, high=1.0),
        check_param("r", r, low=0.0),
        check_param("alpha", alpha, low=0.0),
    )


def free_energy(m, q, r, alpha, p, T):
    r"""RS free energy per spin of the p-spin Hebbian model at T > 0.

    From the replicated crosstalk, a Gaussian p-spin glass of covariance
    :math:`N\alpha q_{ab}^p/p!` (``theory/README.md``), with replica-symmetric ``q`` and
    its conjugate written through ``r`` (:math:`\hat q = \alpha\beta^2 r/(p-1)!^2`):

    .. math::

        f = \frac{(p-1)\,m^p}{p!} - \frac{\alpha\beta}{2\,p!}(1 - q^p)
            + \frac{\alpha\beta r}{2\,(p-1)!^2}(1 - q)
            - \frac{1}{\beta}\langle\langle \ln 2\cosh \beta'(m^{p-1}
              + \sqrt{\alpha r}\,z)\rangle\rangle, \qquad \beta' = \frac{\beta}{(p-1)!}.

    Its stationary points in (m, q, r) are the RS equations of :func:`rs_retrieval`
    (m, q as there, r = (p-1)! q^(p-1)); ``-alpha beta / (2 p!)`` is the annealed
    crosstalk of one replica. For ``p = 2`` this reaction-free form is not the
    Hopfield network's, and the AGS free energy of :func:`theory.hopfield.free_energy`
    is returned (as :func:`rs_retrieval` uses the AGS equations there).

    Parameters
    ----------
    m : float
        Overlap, -1 <= m <= 1.
    q : float
        EA order parameter, 0 <= q <= 1 (p = 2: q > 1 - T).
    r : float
        Crosstalk parameter, r >= 0.
    alpha : float
        Load P / N^(p-1), alpha >= 0.
    p : int
        Number of interacting spins, 2 <= p <= 171.
    T : float
        Temperature, T > 0 (at T = 0 use :func:`energy`).

    Returns
    -------
    float

    References
    ----------
    .. [1] Gardner, J. Phys. A 20, 3453 (1987) (the replica calculation; the form here
       is derived in ``theory/README.md``).
    """
    p = _check_p(p)
    if p == 2:
        return hopfield.free_energy(m, q, r, alpha, T)
    T = check_param("T", T, low=0.0, closed=(False, True))
    m, q, r, alpha = _check_order_parameters(m, q, r, alpha)
    return check_finite("T", T, _free_energy(m, (1.0 - q) / T, r, alpha, p, T))


def energy(m, C, r, alpha, p):
    r"""RS energy per spin of the p-spin Hebbian model at T = 0.

    The T -> 0 limit of :func:`free_energy` with ``q -> 1``, ``C = beta (1 - q)`` finite:

    .. math::

        E = \frac{(p-1)\,m^p}{p!} - \frac{\alpha C}{2\,(p-1)!}
            + \frac{\alpha r C}{2\,(p-1)!^2}
            - \frac{\langle\langle |m^{p-1} + \sqrt{\alpha r}\,z| \rangle\rangle}{(p-1)!},

    stationary at the T = 0 saddle point (``r = (p-1)!``), where it equals
    ``-m^p / p! - alpha C / (p-1)!``. ``p = 2``: the AGS energy
    (:func:`theory.hopfield.energy`).

    Parameters
    ----------
    m : float
        Overlap, -1 <= m <= 1.
    C : float
        Susceptibility, C >= 0 (p = 2: C < 1).
    r : float
        Crosstalk parameter, r >= 0.
    alpha : float
        Load, alpha >= 0.
    p : int
        Number of interacting spins, 2 <= p <= 171.

    Returns
    -------
    float
        -1/p! for the retrieval state at alpha = 0.
    """
    p = _check_p(p)
    if p == 2:
        return hopfield.energy(m, C, r, alpha)
    m = check_param("m", m, low=-1.0, high=1.0)
    C = check_param("C", C, low=0.0)
    r = check_param("r", r, low=0.0)
    alpha = check_param("alpha", alpha, low=0.0)
    return check_finite("C, r", (C, r), _free_energy(m, C, r, alpha, p, 0.0))


def _sg_load(kappa, p, T):
    """The load of the m = 0 solution with beta' sqrt(alpha r) = kappa at T > 0, and 1 - q."""
    F = math.factorial(p - 1)
    S = hopfield._rs_averages(kappa, 0.0)[1]
    sigma = kappa * T * F
    return sigma * sigma / (F * (1.0 - S) ** (p - 1)), S


@functools.cache
def _sg_spinodal(p, T):
    """log kappa where the spin-glass load is smallest at T > 0 (p >= 3).

    alpha(kappa) = (kappa T (p-1)!)^2 / ((p-1)! q^(p-1)) grows as kappa^(2(2-p)) at small
    kappa (q ~ kappa^2) and as kappa^2 at large kappa (q -> 1): one minimum between.
    """
    res = optimize.minimize_scalar(
        lambda log_kappa: _sg_load(math.exp(log_kappa), p, T)[0],
        bounds=(math.log(1e-2), math.log(1e3)),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return res.x


def _rs_spin_glass(alpha, p, T):
    F = math.factorial(p - 1)
    if T == 0.0:
        sigma = math.sqrt(alpha * F)
        return PSpinRS(0.0, 1.0, float(F), F * _SQRT_2_OVER_PI / sigma)
    log_lo = _sg_spinodal(p, T)
    least = _sg_load(math.exp(log_lo), p, T)[0]
    if alpha < least:
        raise ValueError(
            f"alpha must be >= {least:.6g} at T = {T}, or T must be lower, for a spin-glass "
            f"solution at p = {p} (otherwise only the paramagnet q = 0); got alpha = {alpha}"
        )
    # alpha(kappa) >= (kappa T)^2 (p-1)!, so it exceeds alpha at the upper bracket.
    log_hi = max(log_lo, math.log(math.sqrt(alpha / F) / T))
    excess = lambda log_kappa: _sg_load(math.exp(log_kappa), p, T)[0] - alpha  # noqa: E731
    log_kappa = (
        log_lo if excess(log_lo) >= 0.0 else optimize.brentq(excess, log_lo, log_hi, xtol=1e-13)
    )
    S = _sg_load(math.exp(log_kappa), p, T)[1]
    return PSpinRS(0.0, 1.0 - S, F * (1.0 - S) ** (p - 1), S / T)


def rs_spin_glass(alpha, p, T=0.0):
    r"""The RS spin-glass saddle point (m = 0, q > 0) of the p-spin Hebbian model.

    With m = 0 the RS equations read :math:`q = \langle\langle \tanh^2 \kappa z
    \rangle\rangle`, :math:`\kappa = \beta'\sqrt{\alpha r}`, :math:`r = (p-1)!\,q^{p-1}`,
    so the load is explicit in kappa, :math:`\alpha = (\kappa T (p-1)!)^2/((p-1)!\,q^{p-1})`.
    For ``p >= 3`` it has a minimum (the glass appears discontinuously, q jumping from
    0); the solution returned is the branch of large q, a Brent root beyond the
    minimum. At T = 0: q = 1, r = (p-1)!, :math:`C = (p-1)!\sqrt{2/\pi}/\sqrt{\alpha (p-1)!}`,
    energy :math:`-\sqrt{2\alpha/(\pi (p-1)!)}`. ``p = 2``: the AGS spin glass
    (:func:`theory.hopfield.rs_spin_glass`).

    RS is not exact for this state: its T = 0 entropy is :math:`-(p-1)/(2\pi)` for every
    alpha (:func:`entropy`; -1/(2 pi) is Sherrington-Kirkpatrick's at p = 2), and the
    glass of a p-spin model (p >= 3) is one-step RSB.

    Parameters
    ----------
    alpha : float
        Load, alpha > 0 (at T > 0 and p >= 3, above the spinodal load of the glass).
    p : int
        Number of interacting spins, 2 <= p <= 171.
    T : float, default=0.0
        Temperature, T >= 0 (p = 2: T < 1 + sqrt(alpha)); where (p-1)! T < 1e-8 the
        T = 0 solution is returned.

    Returns
    -------
    PSpinRS
        ``(0, q, r, C)``.
    """
    p = _check_p(p)
    if p == 2:
        state = hopfield.rs_spin_glass(alpha, T)
        return PSpinRS(*state)
    alpha = check_param("alpha", alpha, low=0.0, closed=(False, True))
    T = check_param("T", T, low=0.0)
    return _rs_spin_glass(alpha, p, 0.0 if math.factorial(p - 1) * T < 1e-8 else T)


def _entropy(alpha, p, T, state):
    """The p-spin RS entropy per spin at a saddle point, p >= 3 (see :func:`entropy`)."""
    reaction = -alpha * _reaction(p, state.C, T) / (2.0 * math.factorial(p))
    if T == 0.0:
        return reaction
    F = math.factorial(p - 1)
    a, sigma = abs(state.m) ** (p - 1), math.sqrt(alpha * state.r)
    if sigma == 0.0:  # alpha = 0: the Curie-Weiss spin in the field a
        u = a / (F * T)
        return reaction + float(np.logaddexp(0.0, -2.0 * u) + 2.0 * u * special.expit(-2.0 * u))
    return reaction + hopfield._spin_entropy(sigma / (F * T), a / sigma)


def entropy(alpha, p, T=0.0, branch="retrieval"):
    r"""RS entropy per spin, ``s = -df/dT``, of the p-spin retrieval or spin-glass state.

    The T-derivative of :func:`free_energy` at the saddle point, where
    ``r = (p-1)! q^(p-1)``:

    .. math::

        s = \langle\langle \ln 2\cosh u - u \tanh u \rangle\rangle
            - \frac{\alpha\beta^2}{2\,p!}\bigl[1 - q^p - p\,q^{p-1}(1 - q)\bigr],
        \qquad u = \beta'(m^{p-1} + \sqrt{\alpha r}\,z).

    The first term (independent spins in their fields) is O(T); the bracket is
    :math:`\binom{p}{2}(1 - q)^2 + \dots`, so at ``T = 0``

    .. math::

        s_0 = -\frac{\alpha C^2}{4\,(p-2)!} < 0 .

    On the retrieval branch at the RS capacity this is -0.0448 (p = 3) and -0.0232
    (p = 4), 31 and 16 times the Hopfield value -0.00145 (p = 2, AGS form,
    :func:`theory.hopfield.entropy`): the RS retrieval state of the dense model is far
    from exact at low T, and its capacity :func:`alpha_c` is an RS estimate
    (:func:`alpha_c_1rsb` goes one step beyond). On the spin-glass branch
    :math:`s_0 = -(p-1)/(2\pi)` for every alpha.

    Parameters
    ----------
    alpha : float
        Load (the domain of :func:`rs_retrieval` or :func:`rs_spin_glass`).
    p : int
        Number of interacting spins, 2 <= p <= 171.
    T : float, default=0.0
        Temperature (the domain of the branch's solver).
    branch : {"retrieval", "spin_glass"}, default="retrieval"

    Returns
    -------
    float
    """
    solvers = {"retrieval": rs_retrieval, "spin_glass": rs_spin_glass}
    branch = check_choice("branch", branch, solvers)
    p = _check_p(p)
    if p == 2:
        return hopfield.entropy(alpha, T, branch)
    state = solvers[branch](alpha, p, T)  # checks alpha and T
    T = 0.0 if math.factorial(p - 1) * T < 1e-8 else float(T)
    return _entropy(float(alpha), p, T, state)


def _replicon(alpha, p, T, state):
    """1 - alpha beta^2 q^(p-2) <<sech^4 beta' h>> / (p-2)!, p >= 3."""
    F = math.factorial(p - 1)
    sigma = math.sqrt(alpha * state.r)
    kappa = sigma / (F * T)
    sech4 = hopfield._sech4_average(kappa, state.m ** (p - 1) / sigma)
    return 1.0 - alpha * state.q ** (p - 2) * sech4 / (math.factorial(p - 2) * T * T)


@functools.cache
def _T_R(alpha, p):
    if alpha == 0.0:
        return 0.0
    F = math.factorial(p - 1)
    sigma = math.sqrt(alpha * F)
    rho = rs_retrieval(alpha, p).m ** (p - 1) / sigma
    # Leading order in T: <<sech^4 beta' h>> = (4/3) (p-1)! T phi(rho) / sigma.
    T_0 = (
        4.0
        * (p - 1)
        * alpha
        * math.exp(-0.5 * rho * rho)
        / (3.0 * math.sqrt(2.0 * math.pi) * sigma)
    )
    if F * T_0 < 2e-8:  # the T = 0 equations are used below (p-1)! T = 1e-8
        return T_0

    # At leading order the replicon is 1 - T_0 / T: -1 at T_0 / 2 and 1/2 at 2 T_0.
    def excess(log_T):
        T = math.exp(log_T)
        return _replicon(alpha, p, T, rs_retrieval(alpha, p, T))

    return math.exp(optimize.brentq(excess, math.log(0.5 * T_0), math.log(2.0 * T_0), xtol=1e-13))


@elementwise
def T_R(alpha, p):
    r"""The de Almeida-Thouless line of the RS retrieval state of the p-spin model.

    The replicon eigenvalue of the RS saddle point: the crosstalk term
    :math:`(\alpha\beta^2/p!)\sum_{a<b} q_{ab}^p` has curvature
    :math:`\alpha\beta^2 q^{p-2}/(p-2)!` in the replicon direction and one spin's
    replicon response is :math:`\langle\langle\operatorname{sech}^4\rangle\rangle`, so

    .. math::

        \lambda = 1 - \frac{\alpha\beta^2 q^{p-2}}{(p-2)!}
        \langle\langle \operatorname{sech}^4 \beta'(m^{p-1} + \sqrt{\alpha r}\,z)
        \rangle\rangle,

    the form of de Almeida and Thouless [1]_ (at p = 2 without the reaction factor
    1/(1 - C)^2 of AGS, which :func:`theory.hopfield.T_R` has and which is used there).
    RS is locally stable for T > T_R (lambda > 0), and on the Nishimori line T = alpha
    (where RS is exact) lambda > 0. Along the RS spinodal alpha_c(p, T) lambda < 0 for
    every T below the nose of the reentrant region, where the AT line meets it on the
    Nishimori line (T = alpha = 0.1548586 for p = 3, 0.0383535 for p = 4): the
    reentrant rise of the RS capacity lies entirely where RS is unstable, and only the
    falling side T > T_nose is RS-stable. As T -> 0, with rho = m^(p-1)/sigma,
    sigma = sqrt(alpha (p-1)!) of the T = 0 solution,
    :math:`T_R \simeq 4(p-1)\alpha\,\phi(\rho)/(3\sigma)`, used where (p-1)! T_R < 2e-8.

    Parameters
    ----------
    alpha : float or array_like
        Load, 0 <= alpha <= alpha_c(p) (T = 0).
    p : int or array_like
        Number of interacting spins, 2 <= p <= 171.

    Returns
    -------
    float or ndarray
        p = 3: 0.00389 at alpha = alpha_c(3) / 2, 0.0622 at alpha_c(3); p = 4:
        0.000559 and 0.0159.

    References
    ----------
    .. [1] de Almeida, Thouless, J. Phys. A 11, 983 (1978).
    .. [2] Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987) (p = 2).
    """
    p = _check_p(p)
    if p == 2:
        return hopfield.T_R(alpha)
    alpha = check_param("alpha", alpha, low=0.0, high=_alpha_c(p, 0.0))
    return _T_R(alpha, p)


# ---------------------------------------------------------------------------------
# Distinct-index p-spin model: one step of RSB at T = 0


def rsb1_energy(m, q0, C, mu, r0, r1, alpha, p):
    r"""One-step RSB energy per spin of the p-spin Hebbian model at T = 0.

    The Parisi ansatz (q1 within a state, q0 between states, block size x) in the
    replicated crosstalk of :func:`free_energy` gives, with conjugates written through
    r1, r0 as in RS,

    .. math::

        f = \frac{(p-1)\,m^p}{p!}
            - \frac{\alpha\beta}{2\,p!}\bigl[1 + (x - 1) q_1^p - x q_0^p\bigr]
            + \frac{\alpha\beta}{2\,(p-1)!^2}\bigl[r_1(1 - q_1) + x(r_1 q_1 - r_0 q_0)\bigr]
            - \frac{1}{\beta x}\int Dz\,\ln\int Dy\,\bigl[2\cosh\beta' h\bigr]^x,

    :math:`h = m^{p-1} + \sqrt{\alpha r_0}\,z + \sqrt{\alpha(r_1 - r_0)}\,y`. At T -> 0
    with q1 -> 1, ``C = beta (1 - q1)`` and ``mu = beta x`` finite:

    .. math::

        E = \frac{(p-1)\,m^p}{p!} - \frac{\alpha C}{2\,(p-1)!}
            - \frac{\alpha\mu}{2\,p!}(1 - q_0^p)
            + \frac{\alpha}{2\,(p-1)!^2}\bigl[r_1 C + \mu(r_1 - r_0 q_0)\bigr]
            - \frac{1}{\mu}\int Dz\,\ln\int Dy\, e^{\mu|h|/(p-1)!} .

    The structure is that of the Hopfield 1RSB energy of Crisanti, Amit and Gutfreund
    [1]_ without its reaction terms (here the crosstalk is a Gaussian p-spin glass); as
    q0 -> 1, r1 -> r0 it becomes the RS :func:`energy` for every mu. The inner
    integral is the closed form of :func:`theory.hopfield.rsb1_energy`. ``p = 2``: the
    Hopfield 1RSB energy (:func:`theory.hopfield.rsb1_energy`).

    Parameters
    ----------
    m : float
        Overlap, -1 <= m <= 1.
    q0 : float
        Overlap between states, 0 < q0 < 1.
    C : float
        Susceptibility within a state, C >= 0 (p = 2: C < 1).
    mu : float
        Scaled Parisi parameter beta x > 0.
    r0, r1 : float
        Crosstalk parameters, 0 < r0 < r1.
    alpha : float
        Load P / N^(p-1) > 0.
    p : int
        Number of interacting spins, 2 <= p <= 171.

    Returns
    -------
    float

    References
    ----------
    .. [1] Crisanti, Amit, Gutfreund, Europhys. Lett. 2, 337 (1986) (p = 2).
    .. [2] Gardner, J. Phys. A 20, 3453 (1987) (the replicated p-spin crosstalk).
    """
    p = _check_p(p)
    if p == 2:
        return hopfield.rsb1_energy(m, q0, C, mu, r0, r1, alpha)
    m = check_param("m", m, low=-1.0, high=1.0)
    q0 = check_param("q0", q0, low=0.0, high=1.0, closed=(False, False))
    C = check_param("C", C, low=0.0)
    mu = check_param("mu", mu, low=0.0, closed=(False, True))
    r0 = check_param("r0", r0, low=0.0, closed=(False, True))
    r1 = check_param("r1", r1, low=r0, closed=(False, True))
    alpha = check_param("alpha", alpha, low=0.0, closed=(False, True))
    F = math.factorial(p - 1)
    a, sigma0 = m ** (p - 1), math.sqrt(alpha * r0)
    extremes = ("alpha, C, r0, r1, mu", (alpha, C, r0, r1, mu))
    if not 0.0 < sigma0 < math.inf:
        check_finite(*extremes, math.nan)
    log_z = hopfield._rsb1_averages(abs(a) / sigma0, math.sqrt((r1 - r0) / r0), mu * sigma0 / F)[3]
    return check_finite(
        *extremes,
        (
            (p - 1) * m * a / math.factorial(p)
            - alpha * C / (2.0 * F)
            - alpha * mu * -math.expm1(p * math.log(q0)) / (2.0 * math.factorial(p))
            + alpha * (r1 * C + mu * (r1 - r0 * q0)) / (2.0 * F * F)
            - log_z / mu
        ),
    )


def _rsb1_state(rho, delta, nu, p):
    """The p-spin 1RSB point with scaled parameters (rho, delta, nu) and two residuals.

    rho = m^(p-1) / sigma_0, delta = sqrt((r1 - r0) / r0), nu = mu sigma_0 / (p-1)!,
    sigma_0 = sqrt(alpha r0). The averages give m, q0 and C; sigma_0 = m^(p-1) / rho and
    r0 = (p-1)! q0^(p-1) give alpha. The residuals: the r1 equation r1 = (p-1)!, i.e.
    delta^2 = q0^(1-p) - 1, divided by (1 - q0) q0^(1-p) so that it stays finite as
    delta -> 0; and dE/dmu = 0 times mu^2.
    """
    F = math.factorial(p - 1)
    m, one_minus_q0, g, log_z, abs_h = hopfield._rsb1_averages(rho, delta, nu)
    q0 = 1.0 - one_minus_q0
    sigma0 = m ** (p - 1) / rho
    r0 = F * q0 ** (p - 1)
    alpha = sigma0 * sigma0 / r0
    mu = nu * F / sigma0
    state = hopfield.RSB1(alpha, m, q0, 2.0 * F * g / sigma0, mu, r0, float(F))
    # (1 - q0^(p-1)) / (1 - q0) = 1 + q0 + ... + q0^(p-2), without cancellation.
    if one_minus_q0 == 0.0:  # delta -> 0: q0 = 1 to rounding, the residual's limit
        return state, 1.0 - p, math.nan
    width = delta * delta * q0 ** (p - 1) / one_minus_q0 - math.fsum(q0**k for k in range(p - 1))
    slope = (
        alpha * (p - 1) * -math.expm1(p * math.log(q0)) * mu * mu / (2.0 * math.factorial(p))
        + log_z
        - nu * abs_h
    )
    return state, width, slope


def _rsb1_at_rho(rho, p):
    """The p-spin 1RSB retrieval saddle point with m^(p-1) / sqrt(alpha r0) = rho, or None.

    For each nu, delta solves the r1 equation (its residual rises from 1 - p at
    delta -> 0 through one zero, where one exists). The nu equation is negative at
    large nu (where q0 -> 1) and, coming down from large nu, changes sign at the 1RSB
    retrieval solution; a second, smaller root carries a state of smaller m and q0
    and is not this branch. Scanned in factors of 1.5 from nu = 1e4, refined by Brent's method;
    None where the scan meets no sign change before the r1 equation stops having a root.
    """

    def delta_at(nu):
        width = lambda log_delta: _rsb1_state(rho, math.exp(log_delta), nu, p)[1]  # noqa: E731
        return math.exp(optimize.brentq(width, math.log(1e-5), math.log(50.0), xtol=1e-14))

    def slope(log_nu):
        nu = math.exp(log_nu)
        try:
            delta = delta_at(nu)
        except ValueError:  # no root of the r1 equation
            return math.nan
        return _rsb1_state(rho, delta, nu, p)[2]

    grid = np.log(1e4) - np.log(1.5) * np.arange(40)  # down to nu = 1.1e-3
    previous = slope(grid[0])
    for hi, lo in itertools.pairwise(grid):
        value = slope(lo)
        if math.isnan(value):
            return None
        if previous < 0.0 <= value:
            nu = math.exp(optimize.brentq(slope, lo, hi, xtol=1e-13))
            return _rsb1_state(rho, delta_at(nu), nu, p)[0]
        previous = value
    return None


@functools.cache
def _rsb1_saddle_node(p):
    """The maximum of alpha over rho along the 1RSB retrieval branch (p >= 3).

    A grid of rho from 0.6 to 1.2 times the RS saddle node's brackets the maximum,
    which Brent's method refines.
    """
    rho_rs = _SQRT2 * _y_c(p)

    def load(rho):
        state = _rsb1_at_rho(rho, p)
        return -math.inf if state is None else state.alpha

    grid = rho_rs * np.linspace(0.6, 1.2, 13)
    k = int(np.argmax([load(rho) for rho in grid]))
    res = optimize.minimize_scalar(
        lambda rho: -load(rho),
        bounds=(grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]),
        method="bounded",
        options={"xatol": 1e-9},
    )
    return _rsb1_at_rho(res.x, p)


def rsb1_saddle_node(p):
    r"""The 1RSB retrieval saddle point of the p-spin model at its T = 0 capacity.

    Solves the stationarity equations of :func:`rsb1_energy`. With
    :math:`\langle\cdot\rangle = \int Dy\,(\cdot)\,e^{\mu|h|/(p-1)!}/Z` and
    :math:`Z = \int Dy\, e^{\mu|h|/(p-1)!}`:

    .. math::

        r_1 = (p-1)!, \quad r_0 = (p-1)!\,q_0^{p-1}, \quad
        m = \int Dz\,\langle\operatorname{sign} h\rangle, \quad
        q_0 = \int Dz\,\langle\operatorname{sign} h\rangle^2, \quad
        C = 2(p-1)!\int Dz\,\frac{P(h = 0 \mid z)}{Z},

    and :math:`\partial E/\partial\mu = 0`, which at the other equations reads
    :math:`\alpha(p-1)(1 - q_0^p)\mu^2/(2\,p!) + \int Dz \ln Z
    - (\mu/(p-1)!)\int Dz\langle|h|\rangle = 0`. As for p = 2
    (:func:`theory.hopfield.rsb1_saddle_node`), in ``rho = m^(p-1)/sqrt(alpha r0)``,
    ``delta = sqrt((r1 - r0)/r0)`` and ``nu = mu sqrt(alpha r0)/(p-1)!`` the averages
    give m, q0 and C and alpha follows explicitly; for each rho two nested roots give
    delta and nu, and the capacity is the maximum of alpha over rho (a grid, then
    Brent's method). ``p = 2``: the Hopfield 1RSB solution of Steffan and Kühn.

    RSB changes the p-spin capacity far more than Hopfield's (0.2 %): +21.9 % for
    p = 3 and +15.8 % for p = 4, with an overlap well below the RS one and q0 far
    from 1, as the RS entropies (:func:`entropy`) announced. It is a one-step result;
    whether further steps move it is not computed here.

    Parameters
    ----------
    p : int
        Number of interacting spins, 2 <= p <= 160 (beyond, p! overflows float64 in the
        equations).

    Returns
    -------
    theory.hopfield.RSB1
        ``(alpha, m, q0, C, mu, r0, r1)``: p = 3: alpha = 0.153737, m = 0.6508,
        q0 = 0.6909, mu = 6.037; p = 4: alpha = 0.0381953, m = 0.8183, q0 = 0.8378,
        mu = 24.35; p = 2: 0.138186.

    References
    ----------
    .. [1] Crisanti, Amit, Gutfreund, Europhys. Lett. 2, 337 (1986); Steffan, Kühn,
       Z. Phys. B 95, 249 (1994) (p = 2).
    """
    p = check_param("p", p, low=2, high=160, integer=True)
    if p == 2:
        return hopfield.rsb1_saddle_node()
    return _rsb1_saddle_node(p)


@elementwise
def alpha_c_1rsb(p):
    """T = 0 capacity of the p-spin Hebbian model with one step of RSB.

    The largest alpha = P / N^(p-1) with a 1RSB retrieval solution
    (:func:`rsb1_saddle_node`).

    Parameters
    ----------
    p : int or array_like
        Number of interacting spins, 2 <= p <= 160.

    Returns
    -------
    float or ndarray
        0.138186 (p = 2, Steffan & Kühn), 0.153737 (p = 3; RS 0.126095),
        0.0381953 (p = 4; RS 0.0329767).
    """
    return float(rsb1_saddle_node(p).alpha)


@functools.cache
def _alpha_global(p):
    def gap(alpha):
        retrieval, glass = rs_retrieval(alpha, p), _rs_spin_glass(alpha, p, 0.0)
        return _free_energy(
            *retrieval[:1], retrieval.C, retrieval.r, alpha, p, 0.0
        ) - _free_energy(0.0, glass.C, glass.r, alpha, p, 0.0)

    top = _alpha_c(p, 0.0)
    return optimize.brentq(gap, 1e-3 * top, top, xtol=1e-15, rtol=1e-15)


@elementwise
def alpha_global(p):
    r"""Largest load at which the RS retrieval state is the RS ground state, T = 0.

    The retrieval energy :math:`-m^p/p! - \alpha C/(p-1)!` (:func:`energy` at the
    saddle point) equals the RS spin-glass energy :math:`-\sqrt{2\alpha/(\pi (p-1)!)}`
    (:func:`rs_spin_glass`); Brent's root finder between 0 and alpha_c(p). ``p = 2``:
    the AGS value (:func:`theory.hopfield.alpha_global`).

    Only T = 0 is given. At T > 0 and p >= 3 every glassy RS competitor has a negative
    entropy where the comparison would be made (the paramagnet, whose
    :math:`s = \ln 2 - \alpha/(2\,p!\,T^2)` is negative below
    :math:`T = \sqrt{\alpha/(2\,p!\ln 2)}` and whose free energy then undercuts both
    others, and the spin glass, :math:`s_0 = -(p-1)/(2\pi)`): the line needs the 1RSB
    glass, which is not computed. The RS spin-glass energy lies below the true one
    (as for Sherrington-Kirkpatrick), so this RS alpha_global is a lower estimate.

    Parameters
    ----------
    p : int or array_like
        Number of interacting spins, 2 <= p <= 171.

    Returns
    -------
    float or ndarray
        0.051854 (p = 2), 0.088789 (p = 3), 0.016379 (p = 4).
    """
    p = _check_p(p)
    if p == 2:
        return hopfield.alpha_global(0.0)
    return _alpha_global(p)
