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
import itertools
import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np
from scipy import special

from theory._checks import check_choice, check_flag, check_param, check_size, elementwise

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
    "union_bound",
    "union_capacity",
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
    neuron's k segments fires falsely [2]_. It is also the exact probability that a
    random SDR matches any of a list of k independent random SDRs ("classifying a set of
    vectors" [1]_): given the query, each stored SDR matches it independently with the
    same probability, :func:`false_match_probability`; :func:`union_bound` is the
    paper's bound on it. Computed as ``-expm1(k log1p(-p))``, so it stays accurate down
    to p ~ 1e-300, where it equals k p to rounding.

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
    Tight for k p << 1; where :math:`kp` nears 1 the exact :func:`at_least_one` is
    :math:`1 - e^{-kp}` and the bound is loose (1 against 0.63 at k p = 1).

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


# The size of a union, and what the papers put in its place. A union of k random SDRs
# has a random number of active bits; the exact rates below average over its law
# (size="distribution"). The authors' calculations put the expected size in its place:
# real-valued, with binomial coefficients of a real argument by the Gamma function
# (size="mean"), or rounded to an integer (size="rounded").
_SIZES = ("distribution", "mean", "rounded")
# The float union-size chain drops sizes below this fraction of the most likely one.
_PMF_FLOOR = 1e-30


def _check_size(size, allowed=_SIZES):
    if size not in allowed:
        raise ValueError(f"size must be one of {allowed}; got {size!r}")
    return size


def _check_exact_size(N, w, union):
    """Refuse a ``union`` whose exact counts, up to C(N, w)^union, exceed memory."""
    check_size("union", union, union * math.log2(math.comb(N, w)) / 64)


def _union_size_counts(N, w, union):
    """{u: number of ordered ``union``-tuples of w-sets of N cells whose union has u
    cells}, exactly; the counts add up to C(N, w)^union.

    A union of u cells grows by w - b cells when a w-set with b of its cells inside the
    union is added, which C(u, b) C(N - u, w - b) of the w-sets do. Once every union is
    the same absorbing set (all N cells, or none when w = 0) the count only multiplies
    by C(N, w) per further set.
    """
    _check_exact_size(N, w, union)
    counts = {w: math.comb(N, w)}
    for k in range(1, union):
        if len(counts) == 1 and next(iter(counts)) in (N, 0):
            return {u: count * math.comb(N, w) ** (union - k) for u, count in counts.items()}
        grown = {}
        for u, count in counts.items():
            for b in range(max(0, w - (N - u)), min(w, u) + 1):
                v = u + w - b
                grown[v] = grown.get(v, 0) + count * math.comb(u, b) * math.comb(N - u, w - b)
        counts = grown
    return counts


def _union_size_chain(N, w):
    """P(|X| = u), u = 0..N, for the unions X of 1, 2, 3, ... random w-sets of N cells,
    in floats: the chain of :func:`_union_size_counts` with each step's hypergeometric
    law from log-gamma (far faster here than scipy.stats.hypergeom), sizes below
    _PMF_FLOOR of the most likely one dropped."""
    check_size("N", N, N + 1)
    p = np.zeros(N + 1)
    p[w] = 1.0
    b = np.arange(w + 1)[None, :]
    while True:
        yield p
        size = np.flatnonzero(p > _PMF_FLOOR * p.max())[:, None]
        possible = (b <= size) & (w - b <= N - size)
        with np.errstate(invalid="ignore"):  # log C(x, y) by log-gamma, NaN off support
            log_step = _log_comb(size, b) + _log_comb(N - size, w - b) - _log_comb(N, w)
        step = np.where(possible, np.exp(np.where(possible, log_step, 0.0)), 0.0)
        grown = np.zeros_like(p)
        np.add.at(grown, np.minimum(size + w - b, N), p[size] * step)
        p = grown


def _union_size_probabilities(N, w, union):
    """P(|X| = u), u = 0..N, for the union of ``union`` random w-sets (floats); once the
    chain stands still (all of its mass on one absorbing size) it is that law."""
    chain = _union_size_chain(N, w)
    p = next(chain)
    for _ in range(union - 1):
        q = next(chain)
        if np.array_equal(q, p):
            break
        p = q
    return p


def _expected(p, rate_at):
    """sum_u p[u] rate_at(u) over the sizes u of positive probability."""
    return math.fsum(p[u] * rate_at(int(u)) for u in np.flatnonzero(p))


def _log_comb(x, y):
    """log C(x, y) for real 0 <= y <= x (NaN or inf outside)."""
    return special.gammaln(x + 1) - special.gammaln(y + 1) - special.gammaln(x - y + 1)


def union_size_pmf(N, w, union, *, exact=False):
    r"""Law of the size of the union of ``union`` independent random SDRs of ``w`` of ``N``
    bits: :math:`P(|X_1 \cup \dots \cup X_k| = u)`, u = 0..N.

    Adding an SDR to a union of u bits adds w - b new ones, where the overlap b with
    the union is hypergeometric, :math:`\binom{u}{b}\binom{N-u}{w-b}/\binom{N}{w}`: a
    Markov chain from u = w. Its mean is :func:`union_active_bits`; the error rates of
    unions average over it. The float path computes each step from log-gamma (relative
    error below 1e-10) and drops sizes below 1e-30 of the most likely one.

    Parameters
    ----------
    N, w : int
        As in :func:`union_active_bits`.
    union : int
        Number of SDRs in the union, union >= 1.
    exact : bool, default=False
        Return :class:`~fractions.Fraction` probabilities (object array).

    Returns
    -------
    ndarray of shape (N + 1,)
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    union = check_param("union", union, low=1, integer=True)
    if not check_flag("exact", exact):
        return _union_size_probabilities(N, w, union)
    _check_exact_size(N, w, union)
    check_size("N", N, N + 1)
    pmf = np.array([Fraction(0)] * (N + 1), dtype=object)
    total = math.comb(N, w) ** union
    for u, count in _union_size_counts(N, w, union).items():
        pmf[u] = Fraction(count, total)
    return pmf


def _size_averaged(N, w, union, rate_at, exact):
    """E[rate_at(|X|)] over the union X of ``union`` random w-sets of N cells."""
    if exact:
        _check_exact_size(N, w, union)
        total = math.comb(N, w) ** union
        counts = _union_size_counts(N, w, union)
        return sum(Fraction(count, total) * rate_at(u) for u, count in counts.items())
    return _expected(_union_size_probabilities(N, w, union), rate_at)


def _tail_at_real_size(N, size, drawn, theta):
    r"""Eq. (7) of [1]_ at a real-valued set size:
    :math:`\sum_{b \ge \theta} \binom{s}{b}\binom{N - s}{d - b} / \binom{N}{d}`, s = ``size``
    real, d = ``drawn`` an integer, binomials by the Gamma function, the sum running over
    the b where every argument is non-negative."""
    b = np.arange(theta, min(drawn, math.floor(size)) + 1)
    b = b[drawn - b <= N - size]
    terms = _log_comb(size, b) + _log_comb(N - size, drawn - b) - _log_comb(N, drawn)
    return math.fsum(np.exp(terms))


def _union_rate(N, w, union, size, exact, rate_at, rate_at_real):
    """A union's rate: averaged over its size, or at the expected size (real or rounded).

    ``rate_at(u, exact)`` is the rate at an integer size u, ``rate_at_real(s)`` at a real
    one.
    """
    if size == "distribution":
        return _size_averaged(N, w, union, lambda u: rate_at(u, exact), exact)
    if size == "rounded":
        return rate_at(round(union_active_bits(N, w, union)), exact)
    if exact:
        raise ValueError(
            'exact=True needs size "distribution" or "rounded" (a real size has no '
            f"rational rate); got size={size!r}"
        )
    return rate_at_real(union_active_bits(N, w, union))


def _union_overlap_rate(N, w, union, other, theta, size, exact):
    """P(|X ∩ A| >= theta): X the union of ``union`` random w-sets of N cells, A an
    independent random set of ``other`` cells (the overlap is symmetric in the two)."""
    return _union_rate(
        N,
        w,
        union,
        _check_size(size),
        exact,
        lambda u, exact: _overlap_in_range(N, u, other, theta, other, exact),
        lambda s: _tail_at_real_size(N, s, other, theta),
    )


@elementwise
def union_exact_match_probability(N, w, union, *, size="distribution", exact=False):
    r"""Probability that a random SDR lies entirely inside the union of ``union`` SDRs.

    A random SDR of ``w`` of ``N`` bits is a false positive of the union X of k =
    ``union`` random SDRs when all its bits are on there. Given :math:`|X| = u` that has
    probability :math:`\binom{u}{w}/\binom{N}{w}`, so exactly

    .. math:: p_{fp} = \sum_u P(|X| = u)\, \binom{u}{w} \Big/ \binom{N}{w}

    (``size="distribution"``, :func:`union_size_pmf`). [1]_ (section on unions) takes each
    of the w bits on independently with the mean probability :math:`1 - p_0`,
    :math:`p_0 = (1 - w/N)^k`:

    .. math:: p_{fp} \approx (1 - p_0)^w

    (``size="mean"``). Drawing the w bits without replacement makes the exact rate lower
    (:math:`\binom{u}{w}/\binom{N}{w} < (u/N)^w`), averaging over the spread of the
    union's size makes it higher (the rate is convex in u); the first wins, and the
    paper's formula overestimates: by 38 % at N = 1024, w = 20, k = 20 and 94 % at
    N = 2048, w = 40, k = 20, by a factor 3.6e7 for one SDR (k = 1), by under 1 % once
    the union holds most bits (k >= 100 at N = 1024, w = 20).

    Parameters
    ----------
    N : int
        Number of bits, N >= 1.
    w : int
        Active bits of every SDR, 0 <= w <= N.
    union : int
        Number of SDRs in the union, union >= 1.
    size : {"distribution", "mean"}, default="distribution"
        Average over the union's size (exact), or the paper's formula.
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` instead of a float.

    Returns
    -------
    float or Fraction
        1.33e-10 at N = 1024, w = 20, k = 20 (the paper's formula: 1.84e-10).
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    union = check_param("union", union, low=1, integer=True)
    if _check_size(size, ("distribution", "mean")) == "mean":
        return (union_active_bits(N, w, union, exact=exact) / N) ** w
    return _union_overlap_rate(N, w, union, w, w, size, exact)  # theta = w: inside


@elementwise
def union_false_match_probability(N, w, theta, union, *, size="distribution", exact=False):
    r"""Probability that a random SDR matches the union of ``union`` SDRs: an overlap of at
    least ``theta`` bits.

    The inexact match of [1]_ (section on the robustness of unions): Eq. (7) with the
    fixed SDR replaced by the union X of k = ``union`` random SDRs, averaged over the
    union's size u (``size="distribution"``, exact),

    .. math::

        fp_X(\theta) = \sum_u P(|X| = u) \sum_{b \ge \theta}
            \frac{\binom{u}{b} \binom{N - u}{w - b}}{\binom{N}{w}}.

    The authors' calculation (the notebook of [1]_, numenta/htmresearch,
    projects/sdr_paper/sdr_math.ipynb) puts the expected size
    :math:`N (1 - (1 - w/N)^k)` (:func:`union_active_bits`), real-valued, in place of u,
    the binomials of a real argument by the Gamma function (``size="mean"``); rounding
    that size instead (``size="rounded"``) is a further approximation. Both are low,
    the rate being convex in u: at N = 1024, w = 20, k = 20 the mean size gives 2.1 %,
    5.0 % and 6.8 % less than the exact rate at theta = 14, 18 and 20.

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
    size : {"distribution", "mean", "rounded"}, default="distribution"
        How the union's size enters (see above).
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (size "distribution" or "rounded").

    Returns
    -------
    float or Fraction
        At theta = w, :func:`union_exact_match_probability`.
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    theta = _count("theta", theta, high=w)
    union = check_param("union", union, low=1, integer=True)
    return _union_overlap_rate(N, w, union, w, theta, size, exact)


@elementwise
def union_segment_false_positive(
    N, w, synapses, theta, union, *, size="distribution", exact=False
):
    r"""False positive rate of a segment that stores ``union`` patterns (the union
    property).

    A segment that learns k = ``union`` patterns with :math:`n_s` synapses each (a
    random subsample of each pattern's cells) holds their union, whose size u is that of
    the union of k random :math:`n_s`-sets (:func:`union_size_pmf`, mean
    :math:`N (1 - (1 - n_s/N)^k)`). Its false positive rate is
    :func:`segment_false_positive` at u synapses, averaged over u (``size="distribution"``,
    exact). [2]_ (union property) evaluates it at the expected size: the authors' script
    for the union figure (numenta/htmresearch, projects/sdr_paper/sdr_paper_unions.py)
    rounds it to an integer (``size="rounded"``), which the papers' printed values follow;
    ``size="mean"`` keeps it real-valued. At the figure's parameters (N = 10000,
    w = 200, 25 synapses, theta = 15, k = 2..19) the rounded size is 4.4 % below to 5.2 %
    above the exact average, the real-valued one 0.1–0.3 % below.

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
    size : {"distribution", "mean", "rounded"}, default="distribution"
        How the segment's size enters (see above).
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (size "distribution" or "rounded").

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    synapses = _count("synapses", synapses, high=N)
    union = check_param("union", union, low=1, integer=True)
    theta = _count("theta", theta, high=union * synapses)
    return _union_overlap_rate(N, synapses, union, w, theta, size, exact)


@elementwise
def union_input_false_positive(N, w, synapses, theta, union, *, size="distribution", exact=False):
    r"""False positive rate of a segment whose input is the union of ``union`` patterns.

    When the input is the union of k = ``union`` random patterns of ``w`` active cells
    (several simultaneous predictions, say), its size u is that of the union
    (:func:`union_size_pmf`, mean :math:`w_k = N (1 - (1 - w/N)^k)`), and the false
    positive rate is :func:`segment_false_positive` with u active cells, averaged over u
    (``size="distribution"``, exact). The authors' calculation for [2]_ (union property;
    numenta/htmresearch, projects/sdr_paper/sdr_math_neuron_paper.ipynb) puts the
    real-valued :math:`w_k` in its place (``size="mean"``); ``size="rounded"`` rounds it.
    Both are within 1 % of the exact average at N = 1000–20000, w = 200, 25 synapses,
    theta = 15, k = 2..19.

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
    size : {"distribution", "mean", "rounded"}, default="distribution"
        How the input's size enters (see above).
    exact : bool, default=False
        Return a :class:`~fractions.Fraction` (size "distribution" or "rounded").

    Returns
    -------
    float or Fraction
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    synapses = _count("synapses", synapses, high=N)
    theta = _count("theta", theta, high=synapses)
    union = check_param("union", union, low=1, integer=True)
    return _union_overlap_rate(N, w, union, synapses, theta, size, exact)


_KINDS = ("match", "segment", "input")


def union_capacity(N, w, rate, *, kind="match", theta=None, synapses=None, size="distribution"):
    r"""Largest union whose false positive rate stays at or below ``rate``.

    The capacity of a union [1]_ [2]_: the largest k such that

    - ``kind="match"``: a random SDR of w bits lies inside the union of k SDRs
      (:func:`union_exact_match_probability`), or, given ``theta``, overlaps it in at
      least theta bits (:func:`union_false_match_probability`), with probability at most
      ``rate``;
    - ``kind="segment"``: a segment storing k patterns of ``synapses`` synapses each fires
      (``theta``) on a random input of w cells with probability at most ``rate``
      (:func:`union_segment_false_positive`);
    - ``kind="input"``: a segment of ``synapses`` synapses fires on the union of k random
      inputs of w cells with probability at most ``rate``
      (:func:`union_input_false_positive`).

    Every rate grows with k (a larger union contains a smaller one), so the union-size
    chain (:func:`union_size_pmf`) is stepped one pattern at a time until the rate first
    exceeds ``rate``. With ``size="distribution"`` the rate is exact, averaged over the
    union's size; "mean" (for an exact match the paper's :math:`(1 - p_0)^w`) and
    "rounded" give the capacity of the papers' approximations.

    Parameters
    ----------
    N : int
        Number of bits (cells), N >= 1.
    w : int
        Active bits of every SDR (input pattern), 0 <= w <= N.
    rate : float
        Largest false positive rate accepted, 0 <= rate < 1.
    kind : {"match", "segment", "input"}, default="match"
        What the union is, as above.
    theta : int, optional
        Match (NMDA spike) threshold: at most w ("match"; None: an exact match), at most
        ``synapses`` ("segment", "input", where it is required).
    synapses : int, optional
        Synapses per stored pattern ("segment") or on the segment ("input"); none for
        "match".
    size : {"distribution", "mean", "rounded"}, default="distribution"
        How the union's size enters the rate ("mean" only, for an exact match).

    Returns
    -------
    int or float
        k >= 0 (0 when a single pattern already exceeds ``rate``); ``math.inf`` when no
        union ever does (a segment whose threshold exceeds w never fires).
    """
    N = check_param("N", N, low=1, integer=True)
    w = _count("w", w, high=N)
    rate = check_param("rate", rate, low=0.0, high=1.0, closed=(True, False))
    size = _check_size(size)
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}; got {kind!r}")
    if (synapses is None) != (kind == "match"):
        wanted = "None" if kind == "match" else "an integer"
        raise ValueError(f'synapses must be {wanted} for kind="{kind}"; got {synapses!r}')
    if kind == "match":
        theta = w if theta is None else _count("theta", theta, high=w)
        drawn, fires_at = w, lambda u: _overlap_in_range(N, u, w, theta, w, False)
        if theta == w and size != "rounded":
            approximate = functools.partial(union_exact_match_probability, N, w)
        else:
            approximate = functools.partial(union_false_match_probability, N, w, theta)
    else:
        synapses = _count("synapses", synapses, high=N)
        if theta is None:
            raise ValueError(f'theta must be an integer for kind="{kind}"; got None')
        theta = _count("theta", theta, high=synapses)
        if kind == "segment":
            drawn, fires_at = synapses, lambda u: _overlap_in_range(N, u, w, theta, u, False)
            approximate = functools.partial(union_segment_false_positive, N, w, synapses, theta)
        else:
            drawn = w
            fires_at = lambda u: _overlap_in_range(N, synapses, u, theta, synapses, False)  # noqa: E731
            approximate = functools.partial(union_input_false_positive, N, w, synapses, theta)
    if fires_at(N) <= rate:  # the rate of a union that covers every cell, its limit
        return math.inf
    fires_at = functools.cache(fires_at)
    chain, previous = _union_size_chain(N, drawn), None
    for k in itertools.count(1):
        p = next(chain)
        fp = _expected(p, fires_at) if size == "distribution" else approximate(k, size=size)
        if fp > rate:
            return k - 1
        if size == "distribution" and np.array_equal(p, previous):  # stands still
            raise ValueError(
                f"rate must be below {fp!r}, the largest rate the float chain reaches (it "
                f"drops union sizes below {_PMF_FLOOR} of the most likely); got {rate!r}"
            )
        previous = p


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
    statistic = check_choice("statistic", statistic, summarise)
    for name, x in (("N", N), ("w", w), ("synapses", synapses), ("v", v)):
        for y in np.ravel(np.asarray(x, dtype=object)):
            _count(name, y)
    points = [np.ravel(x) for x in np.broadcast_arrays(N, w, synapses, v)]
    if points[0].size == 0:
        raise ValueError("N, w, synapses, v must give at least one grid point; got none")
    fewest = int(points[2].min())
    check_size("synapses", fewest, fewest)  # the thresholds 1..min(synapses)
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
