r"""Exact combinatorics of sparse distributed representations and active dendrites.

An SDR is a set of ``a`` active cells (bits) out of ``n``; all SDRs of a given size
are equally likely. A dendritic segment holds ``s`` synapses onto a fixed set of
cells and fires (an NMDA spike) when at least ``theta`` of them are active. The error
rates of Ahmad & Hawkins [1]_ [2]_ and Hawkins & Ahmad [3]_ are tails of one
distribution: the overlap ``b = |S ∩ A|`` of a fixed set ``S`` of ``K`` cells with a
uniformly random set ``A`` of ``D`` cells out of ``N``, which is hypergeometric,

.. math::

    P(b) = \frac{\binom{K}{b}\binom{N-K}{D-b}}{\binom{N}{D}}
         = \binom{K}{b}\,\frac{D^{\underline{b}}\,(N-D)^{\underline{K-b}}}{N^{\underline{K}}},

with :math:`x^{\underline{k}} = x (x-1) \cdots (x-k+1)` the falling factorial.

Notation: ``n`` cells, ``a`` (the papers' ``w``) active cells, ``s`` synapses on a
segment, ``theta`` its threshold, ``v`` noise bits, ``M`` patterns.

Numerics. ``exact=True`` sums the integers and returns a :class:`fractions.Fraction`.
The default float path computes the largest term of the tail exactly in integers
and rounds it once, then walks away from it with the term ratio
``P(b+1)/P(b) = (K-b)(D-b) / ((b+1)(N-K-D+b+1))``, stopping once the rest of the
tail (bounded by a geometric series, since the terms are log-concave) is below
2**-64 of its largest term. Only positive terms are added, so there is no cancellation: the
result is within a few hundred ulps of the exact value however small it is, until it
underflows below about 1e-300 (use ``exact=True`` there).

Every function accepts NumPy arrays for its numeric arguments, broadcasts them, and
returns an array of results.

References
----------
.. [1] S. Ahmad, J. Hawkins, "Properties of sparse distributed representations and
   their application to hierarchical temporal memory", arXiv:1503.07469 (2015).
.. [2] S. Ahmad, J. Hawkins, "How do neurons operate on sparse distributed
   representations? A mathematical theory of sparsity, neurons and active
   dendrites", arXiv:1601.00720 (2016).
.. [3] J. Hawkins, S. Ahmad, "Why neurons have thousands of synapses, a theory of
   sequence memory in neocortex", Front. Neural Circuits 10:23 (2016).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np
from scipy import special

from theory._checks import check_param, elementwise

__all__ = [
    "ThresholdScan",
    "at_least_one",
    "detection_error",
    "exact_match_probability",
    "false_match_probability",
    "overlap_set_size",
    "sdr_count",
    "segment_false_negative",
    "segment_false_positive",
    "threshold_scan",
    "union_active_bits",
    "union_averaged_false_positive",
    "union_bound",
    "union_exact_match_probability",
    "union_false_match_probability",
    "union_input_false_positive",
    "union_segment_false_positive",
    "union_size_pmf",
]

# The float walk stops once the untouched rest of the tail is below this fraction of it.
_NEGLIGIBLE = 2.0**-64


def _count(name, x, high=None):
    """A non-negative integer, at most `high`."""
    return check_param(name, x, low=0, high=high, integer=True)


@functools.lru_cache(maxsize=256)
def _falling(x, k):
    """x (x-1) ... (x-k+1), exactly (cached: the denominators recur along a curve)."""
    return math.perm(x, k)


def _overlap_in_range(N, K, D, lo, hi, exact):
    """P(lo <= |S ∩ A| <= hi): S a fixed K-set, A a uniform random D-set of N cells."""
    K, D = min(K, D), max(K, D)  # the distribution is symmetric in K and D
    lo, hi = max(lo, 0, K + D - N), min(hi, K)
    if lo > hi:
        return Fraction(0) if exact else 0.0

    def weight(b):  # P(b) times the common denominator N^(K)
        return math.comb(K, b) * _falling(D, b) * _falling(N - D, K - b)

    denominator = _falling(N, K)
    if exact:
        total, w = 0, weight(lo)
        for b in range(lo, hi + 1):
            total += w
            if b < hi:  # the ratio P(b+1)/P(b) is exact in integers
                w = w * (K - b) * (D - b) // ((b + 1) * (N - K - D + b + 1))
        return Fraction(total, denominator)

    def up(b):  # P(b+1) / P(b)
        return (K - b) * (D - b) / ((b + 1) * (N - K - D + b + 1))

    def down(b):  # P(b-1) / P(b)
        return b * (N - K - D + b) / ((K - b + 1) * (D - b + 1))

    mode = (K + 1) * (D + 1) // (N + 2)
    peak = min(max(mode, lo), hi)  # the largest term of the range: P is unimodal
    terms = [weight(peak) / denominator]  # int / int rounds correctly
    for step, stop, sign in ((up, hi, 1), (down, lo, -1)):
        term, b = terms[0], peak
        while b != stop:
            ratio = step(b)
            term *= ratio
            b += sign
            terms.append(term)
            # Past the peak the ratios only fall, so the rest is below a geometric sum.
            if ratio < 1.0 and term * ratio / (1.0 - ratio) < _NEGLIGIBLE * terms[0]:
                break
    return min(math.fsum(terms), 1.0)


# ---------------------------------------------------------------------------------
# Counting SDRs


@elementwise
def sdr_count(n, a):
    r"""Number of distinct SDRs with ``a`` of ``n`` bits active, :math:`\binom{n}{a}`.

    The capacity of the code [1]_ (its number of unique representations; the
    probability that two random SDRs are identical is its inverse, see
    :func:`exact_match_probability`) and the number of possible input patterns of a
    population of ``n`` cells with ``a`` active [2]_.

    Parameters
    ----------
    n : int
        Number of bits (cells), n >= 0.
    a : int
        Number of active bits, 0 <= a <= n.

    Returns
    -------
    int
        Exact. About 2.37e84 for n = 2048, a = 40.
    """
    n = _count("n", n)
    return math.comb(n, _count("a", a, high=n))


@elementwise
def overlap_set_size(n, a, b, a_x=None):
    r"""Size of the overlap set :math:`|\Omega_x(n, a, b)|`.

    The number of SDRs with ``a`` of ``n`` bits active that share exactly ``b``
    active bits with a given SDR ``x`` of ``a_x`` active bits [1]_ (section on
    overlap sets):

    .. math:: |\Omega_x(n, a, b)| = \binom{a_x}{b} \binom{n - a_x}{a - b}.

    Parameters
    ----------
    n : int
        Number of bits, n >= 0.
    a : int
        Active bits of the counted SDRs, 0 <= a <= n.
    b : int
        Overlap, 0 <= b <= min(a, a_x).
    a_x : int, optional
        Active bits of ``x``, 0 <= a_x <= n; default ``a``.

    Returns
    -------
    int
        Exact; summed over b it gives :func:`sdr_count` ``(n, a)``.
    """
    n = _count("n", n)
    a = _count("a", a, high=n)
    a_x = a if a_x is None else _count("a_x", a_x, high=n)
    b = _count("b", b, high=min(a, a_x))
    return math.comb(a_x, b) * math.comb(n - a_x, a - b)


# ---------------------------------------------------------------------------------
# Matching two SDRs


@elementwise
def exact_match_probability(n, a, *, exact=False):
    r"""Probability that two random SDRs of ``a`` of ``n`` bits are identical.

    :math:`P(x = y) = 1 / \binom{n}{a}` [1]_ (section on capacity and the probability
    of mismatches).

    Parameters
    ----------
    n : int
        Number of bits, n >= 1.
    a : int
        Active bits, 0 <= a <= n.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    n = check_param("n", n, low=1, integer=True)
    count = math.comb(n, _count("a", a, high=n))
    return Fraction(1, count) if exact else 1 / count


@elementwise
def false_match_probability(n, a, theta, a_x=None, *, exact=False):
    r"""Probability that a random SDR matches a given one: overlap at least ``theta``.

    Eq. (7) of [1]_, the inexact-match false positive rate

    .. math::

        fp_a^n(\theta) = \frac{\sum_{b \ge \theta} |\Omega_x(n, a, b)|}{\binom{n}{a}}
                       = \sum_{b \ge \theta}
                         \frac{\binom{a_x}{b} \binom{n - a_x}{a - b}}{\binom{n}{a}},

    for a random SDR of ``a`` active bits against a fixed ``x`` of ``a_x`` (the
    overlap-set sizes of :func:`overlap_set_size`). With ``a_x = s`` it is the false
    positive rate of a segment, :func:`segment_false_positive`; with
    ``theta = a = a_x`` it is :func:`exact_match_probability`.

    Parameters
    ----------
    n : int
        Number of bits, n >= 1.
    a : int
        Active bits of the random SDR, 0 <= a <= n.
    theta : int
        Match threshold, 0 <= theta <= a_x.
    a_x : int, optional
        Active bits of the fixed SDR, 0 <= a_x <= n; default ``a``.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    n = check_param("n", n, low=1, integer=True)
    a = _count("a", a, high=n)
    a_x = a if a_x is None else _count("a_x", a_x, high=n)
    theta = _count("theta", theta, high=a_x)
    return _overlap_in_range(n, a_x, a, theta, a_x, exact)


# ---------------------------------------------------------------------------------
# A dendritic segment


@elementwise
def segment_false_positive(n, a, s, theta, *, exact=False):
    r"""Probability that a segment fires on a random input: its false positive rate.

    A segment with ``s`` synapses onto fixed cells and threshold ``theta`` sees a
    random pattern of ``a`` active cells out of ``n``; Eq. (1) of [3]_ (the
    subsampled false-match probability of [2]_):

    .. math::

        P_{FP}(n, a, s, \theta) = \sum_{b=\theta}^{s}
            \frac{\binom{s}{b} \binom{n - s}{a - b}}{\binom{n}{a}}.

    Parameters
    ----------
    n : int
        Number of cells, n >= 1.
    a : int
        Active cells of the input, 0 <= a <= n.
    s : int
        Synapses on the segment, 0 <= s <= n.
    theta : int
        NMDA spike threshold, 0 <= theta <= s.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
        9.8e-21 for n = 200000, a = 2000, s = theta = 10 (the example of [3]_).
    """
    n = check_param("n", n, low=1, integer=True)
    a = _count("a", a, high=n)
    s = _count("s", s, high=n)
    theta = _count("theta", theta, high=s)
    return _overlap_in_range(n, s, a, theta, s, exact)


@elementwise
def segment_false_negative(a, s, theta, v, *, exact=False):
    r"""Probability that a segment misses its pattern when ``v`` of its bits are noise.

    The segment's ``s`` synapses are a random subset of the ``a`` active cells of a
    pattern; the input replaces ``v`` of those ``a`` cells by cells outside the
    pattern, which the segment does not see. The synapses that stay active are
    hypergeometric, and the segment fails when fewer than ``theta`` remain [2]_
    (section on robustness to noise):

    .. math::

        P_{FN}(a, s, \theta, v) = \sum_{b=0}^{\theta - 1}
            \frac{\binom{a - v}{b} \binom{v}{s - b}}{\binom{a}{s}}.

    The sum runs over ``b`` synapses still active; counting instead the ``s - b``
    synapses lost to noise gives the equivalent form
    :math:`\sum_{c > s - \theta} \binom{s}{c}\binom{a - s}{v - c} / \binom{a}{v}`.

    Parameters
    ----------
    a : int
        Active cells of the pattern, a >= 0.
    s : int
        Synapses on the segment, 0 <= s <= a.
    theta : int
        NMDA spike threshold, 0 <= theta <= s.
    v : int
        Active bits replaced by noise, 0 <= v <= a.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    a = _count("a", a)
    s = _count("s", s, high=a)
    theta = _count("theta", theta, high=s)
    v = _count("v", v, high=a)
    return _overlap_in_range(a, s, a - v, 0, theta - 1, exact)


@elementwise
def detection_error(n, a, s, theta, v, *, exact=False):
    r"""False positives plus false negatives of a segment: the error to minimise.

    :math:`P_{FP}(n, a, s, \theta) + P_{FN}(a, s, \theta, v)`, the total error that
    the optimal-threshold analysis of [2]_ trades off: raising ``theta`` cuts false
    positives and costs false negatives under noise.

    Parameters
    ----------
    n, a, s, theta : int
        As in :func:`segment_false_positive`.
    v : int
        Noise bits, as in :func:`segment_false_negative` (0 <= v <= a).
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
        At most 2.
    """
    fp = segment_false_positive(n, a, s, theta, exact=exact)
    return fp + segment_false_negative(a, s, theta, v, exact=exact)


# ---------------------------------------------------------------------------------
# Many patterns: M segments, M stored SDRs, unions


@elementwise
def at_least_one(p, M):
    r"""Probability that at least one of ``M`` independent events of probability p occurs.

    :math:`1 - (1 - p)^M`, e.g. that some of a neuron's ``M`` segments fires
    falsely [2]_. Computed as ``-expm1(M log1p(-p))``, so it stays accurate down to
    p ~ 1e-300, where it equals M p to rounding.

    Parameters
    ----------
    p : float
        Probability of one event, 0 <= p <= 1.
    M : int
        Number of events, M >= 0.

    Returns
    -------
    float
        Never more than :func:`union_bound` ``(p, M)``.
    """
    p = check_param("p", p, low=0.0, high=1.0)
    M = _count("M", M)
    if p == 1.0:  # log1p(-1) = -inf
        return 1.0 if M > 0 else 0.0
    return 0.0 - math.expm1(M * math.log1p(-p))


@elementwise
def union_bound(p, M):
    r"""Union bound on the probability that any of ``M`` events of probability p occurs.

    :math:`\min(1, M p)`, valid whether or not the events are independent: the bound
    of [1]_ on false positives when classifying against a list of ``M`` stored SDRs,
    :math:`fp_X(\theta) \le \sum_{i} fp_{a}^{n}(\theta)` (section on classifying a
    set of vectors), and of a neuron with ``M`` segments [2]_.

    Parameters
    ----------
    p : float
        Probability of one event, 0 <= p <= 1.
    M : int
        Number of events, M >= 0.

    Returns
    -------
    float
    """
    p = check_param("p", p, low=0.0, high=1.0)
    return min(1.0, _count("M", M) * p)


@elementwise
def union_active_bits(n, a, M, *, exact=False):
    r"""Expected number of active bits in the union (OR) of ``M`` random SDRs.

    Each bit stays off in one SDR with probability 1 - a/n, so in the union with
    :math:`p_0 = (1 - a/n)^M` and [1]_ (section on unions)

    .. math:: E|X| = n (1 - p_0) = n \left(1 - (1 - a/n)^M\right).

    This is exact for the mean. With ``a`` replaced by the synapses ``s`` of one
    pattern, it is the expected synapse count of a segment that stores ``M``
    patterns [2]_ (the union property).

    Parameters
    ----------
    n : int
        Number of bits, n >= 1.
    a : int
        Active bits of each SDR, 0 <= a <= n.
    M : int
        Number of SDRs in the union, M >= 0.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    n = check_param("n", n, low=1, integer=True)
    a = _count("a", a, high=n)
    M = _count("M", M)
    if exact:
        return n * (1 - Fraction(n - a, n) ** M)
    if a == n:  # log1p(-1) = -inf
        return float(n) if M > 0 else 0.0
    return n * (0.0 - math.expm1(M * math.log1p(-a / n)))


def _union_size(n, a, M):
    """The union's expected active bits rounded to the nearest integer, as the papers
    use it in place of an SDR's size."""
    return round(union_active_bits(n, a, M))


@elementwise
def union_exact_match_probability(n, a, M, *, exact=False):
    r"""Probability that a random SDR lies entirely inside the union of ``M`` SDRs.

    A random SDR of ``a`` active bits is a false positive of the union when each of
    its bits is on there, which [1]_ (section on unions) takes as independent events
    of probability :math:`1 - p_0`:

    .. math:: p_{fp} = (1 - p_0)^a, \qquad p_0 = (1 - a/n)^M.

    Treating the bits as independent makes this an approximation to the exact
    combinatorial probability (bits of an SDR are drawn without replacement); it is
    the formula of the paper.

    Parameters
    ----------
    n : int
        Number of bits, n >= 1.
    a : int
        Active bits of every SDR, 0 <= a <= n.
    M : int
        Number of SDRs in the union, M >= 1.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    n = check_param("n", n, low=1, integer=True)
    a = _count("a", a, high=n)
    M = check_param("M", M, low=1, integer=True)
    on = union_active_bits(n, a, M, exact=exact) / n
    return on**a


@elementwise
def union_false_match_probability(n, a, theta, M, *, exact=False):
    r"""Probability that a random SDR matches the union of ``M`` SDRs (overlap >= theta).

    The inexact match of [1]_ (section on the robustness of unions): Eq. (7) with the
    fixed SDR replaced by the union ``X``, whose size ``a_X`` is the expected count of
    :func:`union_active_bits` rounded to the nearest integer,

    .. math::

        fp_X(\theta) = \sum_{b \ge \theta}
            \frac{\binom{a_X}{b} \binom{n - a_X}{a - b}}{\binom{n}{a}}.

    Parameters
    ----------
    n : int
        Number of bits, n >= 1.
    a : int
        Active bits of every SDR, 0 <= a <= n.
    theta : int
        Match threshold, 0 <= theta <= a.
    M : int
        Number of SDRs in the union, M >= 1.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (of the formula at integer a_X).

    Returns
    -------
    float or Fraction
    """
    n = check_param("n", n, low=1, integer=True)
    a = _count("a", a, high=n)
    theta = _count("theta", theta, high=a)
    M = check_param("M", M, low=1, integer=True)
    return _overlap_in_range(n, _union_size(n, a, M), a, theta, a, exact)


@elementwise
def union_segment_false_positive(n, a, s, theta, M, *, exact=False):
    r"""False positive rate of a segment that stores ``M`` patterns (the union property).

    A segment that learns ``M`` patterns with ``s`` synapses each holds their union:
    on average :math:`s_M = n (1 - (1 - s/n)^M)` distinct synapses
    (:func:`union_active_bits` with ``s`` for ``a``). Its false positive rate is
    :func:`segment_false_positive` with ``s_M``, rounded to an integer, for ``s``
    [2]_ (union property). For ``M s << n``, ``s_M ≈ M s``.

    Parameters
    ----------
    n : int
        Number of cells, n >= 1.
    a : int
        Active cells of the input, 0 <= a <= n.
    s : int
        Synapses per stored pattern, 0 <= s <= n.
    theta : int
        NMDA spike threshold, 0 <= theta <= M s.
    M : int
        Number of stored patterns, M >= 1.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (of the formula at integer s_M).

    Returns
    -------
    float or Fraction
    """
    n = check_param("n", n, low=1, integer=True)
    a = _count("a", a, high=n)
    s = _count("s", s, high=n)
    M = check_param("M", M, low=1, integer=True)
    theta = _count("theta", theta, high=M * s)
    synapses = _union_size(n, s, M)
    return _overlap_in_range(n, synapses, a, theta, synapses, exact)


@elementwise
def union_input_false_positive(n, a, s, theta, M, *, exact=False):
    r"""False positive rate of a segment whose input is the union of ``M`` patterns.

    When the input is the union of ``M`` random patterns of ``a`` active cells (e.g.
    several simultaneous predictions), it has on average
    :math:`a_M = n (1 - (1 - a/n)^M)` active cells; the false positive rate is
    :func:`segment_false_positive` with ``a_M``, rounded to an integer, for ``a``
    [2]_ (union property).

    Parameters
    ----------
    n : int
        Number of cells, n >= 1.
    a : int
        Active cells of each pattern in the union, 0 <= a <= n.
    s : int
        Synapses on the segment, 0 <= s <= n.
    theta : int
        NMDA spike threshold, 0 <= theta <= s.
    M : int
        Number of patterns in the input, M >= 1.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (of the formula at integer a_M).

    Returns
    -------
    float or Fraction
    """
    n = check_param("n", n, low=1, integer=True)
    a = _count("a", a, high=n)
    s = _count("s", s, high=n)
    theta = _count("theta", theta, high=s)
    M = check_param("M", M, low=1, integer=True)
    return _overlap_in_range(n, s, _union_size(n, a, M), theta, s, exact)


# ---------------------------------------------------------------------------------
# The optimal threshold


class ThresholdScan(NamedTuple):
    """Detection error as a function of the threshold over a grid of parameters.

    Attributes
    ----------
    theta : ndarray of shape (T,), int
        The thresholds scanned.
    error : ndarray of shape (P, T), float
        :func:`detection_error` at each of the P grid points and each threshold.
    summary : ndarray of shape (T,), float
        Its median (or mean) over the grid points.
    theta_opt : int
        The threshold that minimises ``summary`` (the smallest, if several do).
    """

    theta: np.ndarray
    error: np.ndarray
    summary: np.ndarray
    theta_opt: int


def threshold_scan(n, a, s, v, theta=None, statistic="median"):
    r"""Find the threshold that minimises the typical error over a range of neurons.

    The optimal-threshold analysis of [2]_: for each point of a grid of populations
    ``n``, activities ``a``, segment sizes ``s`` and noise levels ``v``, the
    :func:`detection_error` (false positives plus false negatives) is computed as a
    function of ``theta``; its median (or mean) over the grid is minimised.

    Parameters
    ----------
    n, a, s, v : int or array_like of int
        The grid points, broadcast against each other and flattened (build a full
        grid with :func:`numpy.meshgrid`; for noise as a fraction f of the active
        bits pass ``v = np.rint(f * a).astype(int)``).
    theta : array_like of int, optional
        Thresholds to scan, each 0 <= theta <= min(s); default 1, ..., min(s).
    statistic : {"median", "mean"}, default="median"
        How the errors of the grid points are summarised at each threshold.

    Returns
    -------
    ThresholdScan
        The thresholds, the errors, their summary and the minimising threshold.
    """
    summarise = {"median": np.median, "mean": np.mean}
    if statistic not in summarise:
        raise ValueError(f"statistic must be 'median' or 'mean'; got {statistic!r}")
    points = [np.ravel(x) for x in np.broadcast_arrays(n, a, s, v)]
    if points[0].size == 0:
        raise ValueError("n, a, s, v must give at least one grid point; got none")
    s_min = int(points[2].min())
    if theta is None:
        theta = np.arange(1, s_min + 1)
    theta = np.atleast_1d(theta)
    if theta.size == 0:
        raise ValueError(f"theta must hold at least one threshold <= min(s) = {s_min}")
    for t in theta:
        _count("theta", t.item(), high=s_min)
    n, a, s, v = (x[:, None] for x in points)
    error = detection_error(n, a, s, theta[None, :], v)
    summary = summarise[statistic](error, axis=0)
    return ThresholdScan(theta, error, summary, int(theta[np.argmin(summary)]))


def union_size_pmf(n, k, M):
    r"""P(|X_1 ∪ ... ∪ X_M| = u), u = 0..n, for M independent random k-sets of n cells.

    Adding a k-set to a union of u cells adds k - b new cells, b hypergeometric (n cells,
    u of them in the union, k drawn; its pmf by log-gamma, far faster here than
    scipy.stats.hypergeom): a Markov chain from u = k. Probabilities below
    1e-24 of the largest are dropped at each step. Its mean is :func:`union_active_bits`.

    Returns
    -------
    ndarray of shape (n + 1,)
    """
    n = check_param("n", n, low=1, integer=True)
    k = _count("k", k, high=n)
    M = check_param("M", M, low=1, integer=True)
    p = np.zeros(n + 1)
    p[k] = 1.0
    b = np.arange(k + 1)[None, :]
    for _ in range(M - 1):
        u = np.flatnonzero(p > 1e-24 * p.max())[:, None]
        possible = (b <= u) & (k - b <= n - u)
        with np.errstate(invalid="ignore"):  # log C(x, y) by log-gamma, NaN off support
            log_step = _log_comb(u, b) + _log_comb(n - u, k - b) - _log_comb(n, k)
        step = np.where(possible, np.exp(np.where(possible, log_step, 0.0)), 0.0)
        new = np.zeros_like(p)
        np.add.at(new, np.minimum(u + k - b, n), p[u] * step)
        p = new
    return p


def _log_comb(x, y):
    """log C(x, y) for 0 <= y <= x (NaN or inf outside)."""
    return special.gammaln(x + 1) - special.gammaln(y + 1) - special.gammaln(x - y + 1)


def union_averaged_false_positive(n, a, s, theta, M, kind):
    r"""False positive rate averaged over the distribution of union sizes
    (:func:`union_size_pmf`), where :func:`union_segment_false_positive` and
    :func:`union_input_false_positive` put the expected size, rounded.

    ``kind`` "segment": the segment holds the union of M subsamples of s cells, and
    P_FP(n, a, |union|, theta) is averaged; "input": the input is the union of M
    patterns of a cells, and P_FP(n, |union|, s, theta) is averaged.
    """
    if kind not in ("segment", "input"):
        raise ValueError(f'kind must be "segment" or "input"; got {kind!r}')
    p = union_size_pmf(n, s if kind == "segment" else a, M)
    u = np.flatnonzero(p > 0)
    if kind == "segment":
        u = u[u >= theta]  # smaller segments never fire
        rate = segment_false_positive(n, a, u, theta)
    else:
        rate = segment_false_positive(n, u, s, theta)
    return float(np.sum(p[u] * rate))
