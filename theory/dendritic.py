r"""Exact combinatorics of sparse distributed representations and active dendrites.

An SDR is a set of ``w`` active cells (bits) out of ``N``; all SDRs of a given size
are equally likely. A dendritic segment holds ``synapses`` synapses onto a fixed set of
cells and fires (an NMDA spike) when at least ``theta`` of them are active. The error
rates of Ahmad & Hawkins [1]_ [2]_ and Hawkins & Ahmad [3]_ are tails of one
distribution: the overlap ``b = |S ∩ A|`` of a fixed set ``S`` of cells with a
uniformly random set ``A`` of cells out of ``N``, which is hypergeometric,

.. math::

    P(b) = \frac{\binom{|S|}{b}\binom{N-|S|}{|A|-b}}{\binom{N}{|A|}}
         = \binom{|S|}{b}\,
           \frac{|A|^{\underline{b}}\,(N-|A|)^{\underline{|S|-b}}}{N^{\underline{|S|}}},

with :math:`x^{\underline{k}} = x (x-1) \cdots (x-k+1)` the falling factorial.

Notation (the names of ``docs/glossary.md``): ``N`` cells, ``w`` active cells,
``synapses`` synapses on a segment, ``theta`` its threshold, ``v`` noise bits,
``union`` patterns in a union (stored on one segment, or making up one input).

Numerics. ``exact=True`` sums the integers and returns a :class:`fractions.Fraction`.
The default float path computes the largest term of the tail exactly in integers
and rounds it once, then walks away from it with the term ratio
``P(b+1)/P(b) = (|S|-b)(|A|-b) / ((b+1)(N-|S|-|A|+b+1))``, stopping once the rest of the
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


def _overlap_in_range(N, fixed, drawn, lo, hi, exact):
    """P(lo <= |S ∩ A| <= hi): S a fixed set of ``fixed`` cells, A a uniform random set
    of ``drawn`` cells, out of N cells."""
    small, large = min(fixed, drawn), max(fixed, drawn)  # symmetric in the two sizes
    lo, hi = max(lo, 0, small + large - N), min(hi, small)
    if lo > hi:
        return Fraction(0) if exact else 0.0

    def weight(b):  # P(b) times the common denominator N^(small)
        return math.comb(small, b) * _falling(large, b) * _falling(N - large, small - b)

    denominator = _falling(N, small)
    if exact:
        total, term = 0, weight(lo)
        for b in range(lo, hi + 1):
            total += term
            if b < hi:  # the ratio P(b+1)/P(b) is exact in integers
                term = term * (small - b) * (large - b) // ((b + 1) * (N - small - large + b + 1))
        return Fraction(total, denominator)

    def up(b):  # P(b+1) / P(b)
        return (small - b) * (large - b) / ((b + 1) * (N - small - large + b + 1))

    def down(b):  # P(b-1) / P(b)
        return b * (N - small - large + b) / ((small - b + 1) * (large - b + 1))

    mode = (small + 1) * (large + 1) // (N + 2)
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
def sdr_count(N, w):
    r"""Number of distinct SDRs with ``w`` of ``N`` bits active, :math:`\binom{N}{w}`.

    The capacity of the code [1]_ (its number of unique representations; the
    probability that two random SDRs are identical is its inverse, see
    :func:`exact_match_probability`) and the number of possible input patterns of a
    population of ``N`` cells with ``w`` active [2]_.

    Parameters
    ----------
    N : int
        Number of bits (cells), N >= 0.
    w : int
        Number of active bits, 0 <= w <= N.

    Returns
    -------
    int
        Exact. About 2.37e84 for N = 2048, w = 40.
    """
    N = _count("N", N)
    return math.comb(N, _count("w", w, high=N))


@elementwise
def overlap_set_size(N, w, b, w_x=None):
    r"""Size of the overlap set :math:`|\Omega_x(N, w, b)|`.

    The number of SDRs with ``w`` of ``N`` bits active that share exactly ``b``
    active bits with a given SDR ``x`` of ``w_x`` active bits [1]_ (section on
    overlap sets):

    .. math:: |\Omega_x(N, w, b)| = \binom{w_x}{b} \binom{N - w_x}{w - b}.

    Parameters
    ----------
    N : int
        Number of bits, N >= 0.
    w : int
        Active bits of the counted SDRs, 0 <= w <= N.
    b : int
        Overlap, 0 <= b <= min(w, w_x).
    w_x : int, optional
        Active bits of ``x``, 0 <= w_x <= N; default ``w``.

    Returns
    -------
    int
        Exact; summed over b it gives :func:`sdr_count` ``(N, w)``.
    """
    N = _count("N", N)
    w = _count("w", w, high=N)
    w_x = w if w_x is None else _count("w_x", w_x, high=N)
    b = _count("b", b, high=min(w, w_x))
    return math.comb(w_x, b) * math.comb(N - w_x, w - b)


# ---------------------------------------------------------------------------------
# Matching two SDRs


@elementwise
def exact_match_probability(N, w, *, exact=False):
    r"""Probability that two random SDRs of ``w`` of ``N`` bits are identical.

    :math:`P(x = y) = 1 / \binom{N}{w}` [1]_ (section on capacity and the probability
    of mismatches).

    Parameters
    ----------
    N : int
        Number of bits, N >= 1.
    w : int
        Active bits, 0 <= w <= N.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    count = math.comb(N, _count("w", w, high=N))
    return Fraction(1, count) if exact else 1 / count


@elementwise
def false_match_probability(N, w, theta, w_x=None, *, exact=False):
    r"""Probability that a random SDR matches a given one: overlap at least ``theta``.

    Eq. (7) of [1]_, the inexact-match false positive rate

    .. math::

        fp_w^N(\theta) = \frac{\sum_{b \ge \theta} |\Omega_x(N, w, b)|}{\binom{N}{w}}
                       = \sum_{b \ge \theta}
                         \frac{\binom{w_x}{b} \binom{N - w_x}{w - b}}{\binom{N}{w}},

    for a random SDR of ``w`` active bits against a fixed ``x`` of ``w_x`` (the
    overlap-set sizes of :func:`overlap_set_size`). With ``w_x = synapses`` it is the
    false positive rate of a segment, :func:`segment_false_positive`; with
    ``theta = w = w_x`` it is :func:`exact_match_probability`.

    Parameters
    ----------
    N : int
        Number of bits, N >= 1.
    w : int
        Active bits of the random SDR, 0 <= w <= N.
    theta : int
        Match threshold, 0 <= theta <= w_x.
    w_x : int, optional
        Active bits of the fixed SDR, 0 <= w_x <= N; default ``w``.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    w_x = w if w_x is None else _count("w_x", w_x, high=N)
    theta = _count("theta", theta, high=w_x)
    return _overlap_in_range(N, w_x, w, theta, w_x, exact)


# ---------------------------------------------------------------------------------
# A dendritic segment


@elementwise
def segment_false_positive(N, w, synapses, theta, *, exact=False):
    r"""Probability that a segment fires on a random input: its false positive rate.

    A segment with ``synapses`` synapses onto fixed cells and threshold ``theta`` sees
    a random pattern of ``w`` active cells out of ``N``; Eq. (1) of [3]_ (the
    subsampled false-match probability of [2]_), with the number of synapses written
    :math:`n_s`:

    .. math::

        P_{FP}(N, w, n_s, \theta) = \sum_{b=\theta}^{n_s}
            \frac{\binom{n_s}{b} \binom{N - n_s}{w - b}}{\binom{N}{w}}.

    Parameters
    ----------
    N : int
        Number of cells, N >= 1.
    w : int
        Active cells of the input, 0 <= w <= N.
    synapses : int
        Synapses on the segment, 0 <= synapses <= N.
    theta : int
        NMDA spike threshold, 0 <= theta <= synapses.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
        9.8e-21 for N = 200000, w = 2000, synapses = theta = 10 (the example of [3]_).
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    synapses = _count("synapses", synapses, high=N)
    theta = _count("theta", theta, high=synapses)
    return _overlap_in_range(N, synapses, w, theta, synapses, exact)


@elementwise
def segment_false_negative(w, synapses, theta, v, *, exact=False):
    r"""Probability that a segment misses its pattern when ``v`` of its bits are noise.

    The segment's synapses (:math:`n_s` of them) are a random subset of the ``w`` active
    cells of a pattern; the input replaces ``v`` of those ``w`` cells by cells outside
    the pattern, which the segment does not see. The synapses that stay active are
    hypergeometric, and the segment fails when fewer than ``theta`` remain [2]_
    (section on robustness to noise):

    .. math::

        P_{FN}(w, n_s, \theta, v) = \sum_{b=0}^{\theta - 1}
            \frac{\binom{w - v}{b} \binom{v}{n_s - b}}{\binom{w}{n_s}}.

    The sum runs over ``b`` synapses still active; counting instead the
    :math:`n_s - b` synapses lost to noise gives the equivalent form
    :math:`\sum_{c > n_s - \theta} \binom{n_s}{c}\binom{w - n_s}{v - c} / \binom{w}{v}`.

    Parameters
    ----------
    w : int
        Active cells of the pattern, w >= 0.
    synapses : int
        Synapses on the segment, 0 <= synapses <= w.
    theta : int
        NMDA spike threshold, 0 <= theta <= synapses.
    v : int
        Active bits replaced by noise, 0 <= v <= w.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    w = _count("w", w)
    synapses = _count("synapses", synapses, high=w)
    theta = _count("theta", theta, high=synapses)
    v = _count("v", v, high=w)
    return _overlap_in_range(w, synapses, w - v, 0, theta - 1, exact)


@elementwise
def detection_error(N, w, synapses, theta, v, *, exact=False):
    r"""False positives plus false negatives of a segment: the error to minimise.

    :math:`P_{FP}(N, w, n_s, \theta) + P_{FN}(w, n_s, \theta, v)` (:math:`n_s` the
    synapses), the total error that the optimal-threshold analysis of [2]_ trades off:
    raising ``theta`` cuts false positives and costs false negatives under noise.

    Parameters
    ----------
    N, w, synapses, theta : int
        As in :func:`segment_false_positive`.
    v : int
        Noise bits, as in :func:`segment_false_negative` (0 <= v <= w).
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
        At most 2.
    """
    fp = segment_false_positive(N, w, synapses, theta, exact=exact)
    return fp + segment_false_negative(w, synapses, theta, v, exact=exact)


# ---------------------------------------------------------------------------------
# Many patterns: many segments, many stored SDRs, unions


@elementwise
def at_least_one(probability, events):
    r"""Probability that at least one of ``events`` independent events occurs.

    :math:`1 - (1 - p)^k` for k events of probability p each, e.g. that some of a
    neuron's k segments fires falsely [2]_. Computed as ``-expm1(k log1p(-p))``, so it
    stays accurate down to p ~ 1e-300, where it equals k p to rounding.

    Parameters
    ----------
    probability : float
        Probability p of one event, 0 <= p <= 1.
    events : int
        Number k of events, k >= 0.

    Returns
    -------
    float
        Never more than :func:`union_bound` ``(probability, events)``.
    """
    p = check_param("probability", probability, low=0.0, high=1.0)
    k = _count("events", events)
    if p == 1.0:  # log1p(-1) = -inf
        return 1.0 if k > 0 else 0.0
    return 0.0 - math.expm1(k * math.log1p(-p))


@elementwise
def union_bound(probability, events):
    r"""Union bound on the probability that any of ``events`` events occurs.

    :math:`\min(1, k p)` for k events of probability p each, valid whether or not the
    events are independent: the bound of [1]_ on false positives when classifying
    against a list of k stored SDRs, :math:`fp_X(\theta) \le \sum_{i} fp_{w}^{N}(\theta)`
    (section on classifying a set of vectors), and of a neuron with k segments [2]_.

    Parameters
    ----------
    probability : float
        Probability p of one event, 0 <= p <= 1.
    events : int
        Number k of events, k >= 0.

    Returns
    -------
    float
    """
    p = check_param("probability", probability, low=0.0, high=1.0)
    return min(1.0, _count("events", events) * p)


@elementwise
def union_active_bits(N, w, union, *, exact=False):
    r"""Expected number of active bits in the union (OR) of ``union`` random SDRs.

    Each bit stays off in one SDR with probability 1 - w/N, so in the union of k =
    ``union`` SDRs with :math:`p_0 = (1 - w/N)^k` and [1]_ (section on unions)

    .. math:: E|X| = N (1 - p_0) = N \left(1 - (1 - w/N)^k\right).

    This is exact for the mean. With ``w`` replaced by the synapses of one pattern, it
    is the expected synapse count of a segment that stores ``union`` patterns [2]_ (the
    union property).

    Parameters
    ----------
    N : int
        Number of bits, N >= 1.
    w : int
        Active bits of each SDR, 0 <= w <= N.
    union : int
        Number of SDRs in the union, union >= 0.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    union = _count("union", union)
    if exact:
        return N * (1 - Fraction(N - w, N) ** union)
    if w == N:  # log1p(-1) = -inf
        return float(N) if union > 0 else 0.0
    return N * (0.0 - math.expm1(union * math.log1p(-w / N)))


def _union_size(N, w, union):
    """The union's expected active bits rounded to the nearest integer, as the papers
    use it in place of an SDR's size."""
    return round(union_active_bits(N, w, union))


@elementwise
def union_exact_match_probability(N, w, union, *, exact=False):
    r"""Probability that a random SDR lies entirely inside the union of ``union`` SDRs.

    A random SDR of ``w`` active bits is a false positive of the union when each of
    its bits is on there, which [1]_ (section on unions) takes as independent events
    of probability :math:`1 - p_0`:

    .. math:: p_{fp} = (1 - p_0)^w, \qquad p_0 = (1 - w/N)^k, \quad k = \mathrm{union}.

    Treating the bits as independent makes this an approximation to the exact
    combinatorial probability (bits of an SDR are drawn without replacement); it is
    the formula of the paper.

    Parameters
    ----------
    N : int
        Number of bits, N >= 1.
    w : int
        Active bits of every SDR, 0 <= w <= N.
    union : int
        Number of SDRs in the union, union >= 1.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    union = check_param("union", union, low=1, integer=True)
    on = union_active_bits(N, w, union, exact=exact) / N
    return on**w


@elementwise
def union_false_match_probability(N, w, theta, union, *, exact=False):
    r"""Probability that a random SDR matches the union of ``union`` SDRs (overlap >=
    theta).

    The inexact match of [1]_ (section on the robustness of unions): Eq. (7) with the
    fixed SDR replaced by the union ``X``, whose size ``w_X`` is the expected count of
    :func:`union_active_bits` rounded to the nearest integer,

    .. math::

        fp_X(\theta) = \sum_{b \ge \theta}
            \frac{\binom{w_X}{b} \binom{N - w_X}{w - b}}{\binom{N}{w}}.

    Parameters
    ----------
    N : int
        Number of bits, N >= 1.
    w : int
        Active bits of every SDR, 0 <= w <= N.
    theta : int
        Match threshold, 0 <= theta <= w.
    union : int
        Number of SDRs in the union, union >= 1.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (of the formula at integer w_X).

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    theta = _count("theta", theta, high=w)
    union = check_param("union", union, low=1, integer=True)
    return _overlap_in_range(N, _union_size(N, w, union), w, theta, w, exact)


@elementwise
def union_segment_false_positive(N, w, synapses, theta, union, *, exact=False):
    r"""False positive rate of a segment that stores ``union`` patterns (the union
    property).

    A segment that learns k = ``union`` patterns with :math:`n_s` synapses each holds
    their union: on average :math:`N (1 - (1 - n_s/N)^k)` distinct synapses
    (:func:`union_active_bits` with the synapses for ``w``). Its false positive rate is
    :func:`segment_false_positive` with that count, rounded to an integer, for the
    synapses [2]_ (union property). For :math:`k n_s \ll N` the count is about
    :math:`k n_s`.

    Parameters
    ----------
    N : int
        Number of cells, N >= 1.
    w : int
        Active cells of the input, 0 <= w <= N.
    synapses : int
        Synapses per stored pattern, 0 <= synapses <= N.
    theta : int
        NMDA spike threshold, 0 <= theta <= union synapses.
    union : int
        Number of stored patterns, union >= 1.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (of the formula at the integer count).

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    synapses = _count("synapses", synapses, high=N)
    union = check_param("union", union, low=1, integer=True)
    theta = _count("theta", theta, high=union * synapses)
    held = _union_size(N, synapses, union)
    return _overlap_in_range(N, held, w, theta, held, exact)


@elementwise
def union_input_false_positive(N, w, synapses, theta, union, *, exact=False):
    r"""False positive rate of a segment whose input is the union of ``union`` patterns.

    When the input is the union of k = ``union`` random patterns of ``w`` active cells
    (e.g. several simultaneous predictions), it has on average
    :math:`w_k = N (1 - (1 - w/N)^k)` active cells; the false positive rate is
    :func:`segment_false_positive` with :math:`w_k`, rounded to an integer, for ``w``
    [2]_ (union property).

    Parameters
    ----------
    N : int
        Number of cells, N >= 1.
    w : int
        Active cells of each pattern in the union, 0 <= w <= N.
    synapses : int
        Synapses on the segment, 0 <= synapses <= N.
    theta : int
        NMDA spike threshold, 0 <= theta <= synapses.
    union : int
        Number of patterns in the input, union >= 1.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (of the formula at integer w_k).

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    synapses = _count("synapses", synapses, high=N)
    theta = _count("theta", theta, high=synapses)
    union = check_param("union", union, low=1, integer=True)
    return _overlap_in_range(N, synapses, _union_size(N, w, union), theta, synapses, exact)


# ---------------------------------------------------------------------------------
# The optimal threshold


class ThresholdScan(NamedTuple):
    """Detection error as a function of the threshold over a grid of parameters.

    Attributes
    ----------
    theta : ndarray of shape (thresholds,), int
        The thresholds scanned.
    error : ndarray of shape (points, thresholds), float
        :func:`detection_error` at each grid point and each threshold.
    summary : ndarray of shape (thresholds,), float
        Its median (or mean) over the grid points.
    theta_opt : int
        The threshold that minimises ``summary`` (the smallest, if several do).
    """

    theta: np.ndarray
    error: np.ndarray
    summary: np.ndarray
    theta_opt: int


def threshold_scan(N, w, synapses, v, theta=None, statistic="median"):
    r"""Find the threshold that minimises the typical error over a range of neurons.

    The optimal-threshold analysis of [2]_: for each point of a grid of populations
    ``N``, activities ``w``, segment sizes ``synapses`` and noise levels ``v``, the
    :func:`detection_error` (false positives plus false negatives) is computed as a
    function of ``theta``; its median (or mean) over the grid is minimised.

    Parameters
    ----------
    N, w, synapses, v : int or array_like of int
        The grid points, broadcast against each other and flattened (build a full
        grid with :func:`numpy.meshgrid`; for noise as a fraction f of the active
        bits pass ``v = np.rint(f * w).astype(int)``).
    theta : array_like of int, optional
        Thresholds to scan, each 0 <= theta <= min(synapses); default 1, ...,
        min(synapses).
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
    points = [np.ravel(x) for x in np.broadcast_arrays(N, w, synapses, v)]
    if points[0].size == 0:
        raise ValueError("N, w, synapses, v must give at least one grid point; got none")
    fewest = int(points[2].min())
    if theta is None:
        theta = np.arange(1, fewest + 1)
    theta = np.atleast_1d(theta)
    if theta.size == 0:
        raise ValueError(f"theta must hold at least one threshold <= min(synapses) = {fewest}")
    for t in theta:
        _count("theta", t.item(), high=fewest)
    N, w, synapses, v = (x[:, None] for x in points)
    error = detection_error(N, w, synapses, theta[None, :], v)
    summary = summarise[statistic](error, axis=0)
    return ThresholdScan(theta, error, summary, int(theta[np.argmin(summary)]))


def union_size_pmf(N, k, union):
    r"""P(|X_1 ∪ ... ∪ X_union| = n_u), n_u = 0..N, for ``union`` independent random
    k-sets of N cells.

    Adding a k-set to a union of n_u cells adds k - b new cells, b hypergeometric (N
    cells, n_u of them in the union, k drawn; its pmf by log-gamma, far faster here than
    scipy.stats.hypergeom): a Markov chain from n_u = k. Probabilities below 1e-24 of
    the largest are dropped at each step. Its mean is :func:`union_active_bits`.

    Returns
    -------
    ndarray of shape (N + 1,)
    """
    N = check_param("N", N, low=1, integer=True)
    k = _count("k", k, high=N)
    union = check_param("union", union, low=1, integer=True)
    p = np.zeros(N + 1)
    p[k] = 1.0
    b = np.arange(k + 1)[None, :]
    for _ in range(union - 1):
        size = np.flatnonzero(p > 1e-24 * p.max())[:, None]
        possible = (b <= size) & (k - b <= N - size)
        with np.errstate(invalid="ignore"):  # log C(x, y) by log-gamma, NaN off support
            log_step = _log_comb(size, b) + _log_comb(N - size, k - b) - _log_comb(N, k)
        step = np.where(possible, np.exp(np.where(possible, log_step, 0.0)), 0.0)
        new = np.zeros_like(p)
        np.add.at(new, np.minimum(size + k - b, N), p[size] * step)
        p = new
    return p


def _log_comb(x, y):
    """log C(x, y) for 0 <= y <= x (NaN or inf outside)."""
    return special.gammaln(x + 1) - special.gammaln(y + 1) - special.gammaln(x - y + 1)


def union_averaged_false_positive(N, w, synapses, theta, union, kind):
    r"""False positive rate averaged over the distribution of union sizes
    (:func:`union_size_pmf`), where :func:`union_segment_false_positive` and
    :func:`union_input_false_positive` put the expected size, rounded.

    ``kind`` "segment": the segment holds the union of ``union`` subsamples of
    ``synapses`` cells, and P_FP(N, w, size, theta) is averaged over its size;
    "input": the input is the union of ``union`` patterns of ``w`` cells, and
    P_FP(N, size, synapses, theta) is averaged.
    """
    if kind not in ("segment", "input"):
        raise ValueError(f'kind must be "segment" or "input"; got {kind!r}')
    p = union_size_pmf(N, synapses if kind == "segment" else w, union)
    size = np.flatnonzero(p > 0)
    if kind == "segment":
        size = size[size >= theta]  # smaller segments never fire
        rate = segment_false_positive(N, w, size, theta)
    else:
        rate = segment_false_positive(N, size, synapses, theta)
    return float(np.sum(p[size] * rate))
