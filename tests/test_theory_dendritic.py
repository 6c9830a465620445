"""Tests for theory.dendritic: paper values, brute-force enumeration, exact arithmetic."""

import functools
import itertools
import math
import operator
from fractions import Fraction

import numpy as np
import pytest

from theory import dendritic as d

# ---------------------------------------------------------------------------------
# Values printed in the papers


def test_frontiers_text_example_single_pattern():
    # Hawkins & Ahmad, Front. Neural Circuits 10:23 (2016), text after Eq. (1):
    # N = 200,000 cells, w = 2,000 active, synapses = theta = 10: "only 9.8 x 10^-21".
    p = d.segment_false_positive(200_000, 2_000, 10, 10)
    assert p == pytest.approx(9.8e-21, rel=5e-3)
    assert p == float(d.segment_false_positive(200_000, 2_000, 10, 10, exact=True))


def test_frontiers_text_example_twice_the_synapses():
    # Same text, 20 synapses with theta = 10 ("50% noise tolerance"): the
    # preprint (arXiv:1511.00083) prints 1.6 x 10^-18. Eq. (1) with these
    # parameters gives 1.65 x 10^-15: C(20, 10) = 184756 times the synapses = theta = 10
    # value 9.8e-21 is already 1.8e-15, so the printed exponent is a typo. We assert
    # the formula's value.
    p = d.segment_false_positive(200_000, 2_000, 20, 10)
    assert p == pytest.approx(1.6498987520079934e-15, rel=1e-14)
    assert round(p / 1e-15, 1) == 1.6


def test_frontiers_s1_tables():
    # Hawkins & Ahmad (2016), S1 Text error tables for N = 100,000, w = 2,000, as
    # tabulated in the authors' calculation notebook (numenta/htmresearch,
    # projects/sdr_paper/sdr_math_neuron_paper.ipynb, "Table 1B/1C/1D"): theta =
    # synapses, synapses = 2 theta, and segments holding k patterns of 2 theta synapses
    # (synapses = 2 k theta).
    printed = {
        (6, 6): 6.35308872941916e-11,
        (8, 8): 2.52507239284961e-14,
        (10, 10): 1.00163216178113e-17,
        (12, 6): 5.29386836275369e-8,
        (16, 8): 2.81724528327272e-10,
        (20, 10): 1.54192767258720e-12,
        (24, 12): 8.58694100276592e-15,
        (40, 10): 4.91541864813209e-9,  # k = 2
        (80, 10): 4.62568448037595e-6,  # k = 4
        (120, 10): 1.58799793094937e-4,  # k = 6
        (240, 20): 1.07990763941591e-7,  # k = 6
    }
    for (synapses, theta), value in printed.items():
        # The notebook evaluated the sums in sympy floats, good to ~1e-10 here.
        assert d.segment_false_positive(100_000, 2_000, synapses, theta) == pytest.approx(
            value, rel=2e-10
        )


def test_union_segment_figure():
    # Ahmad & Hawkins, arXiv:1601.00720 (2016), union-property figure (false
    # positives of a segment storing k = union patterns; data of the authors' script
    # projects/sdr_paper/sdr_paper_unions.py): N = 10,000, w = 200, 25 synapses
    # per pattern, theta = 15, effective synapses round(N (1 - (1 - 25/N)^k)).
    printed = {1: 5.30352419025194e-20, 2: 2.35602184920806e-14, 10: 1.27080441383853e-4}
    printed[19] = 4.53789479134073e-2
    for union, value in printed.items():
        p = d.union_segment_false_positive(10_000, 200, 25, 15, union, size="rounded")
        assert p == pytest.approx(value, rel=1e-12)
    # union = 3 is printed as 1.53934243906984e-11; the exact sum with the same 75
    # synapses is 1.5393424987e-11 (the script's sympy float sum lost 4e-8).
    rounded = d.union_segment_false_positive(10_000, 200, 25, 15, 3, size="rounded")
    assert rounded == pytest.approx(
        float(d.segment_false_positive(10_000, 200, 75, 15, exact=True)), rel=1e-14
    )
    # The rounded size is the script's, not the theory: the exact average over the
    # segment's size is higher, by 1.2 % at union = 10 and 0.8 % at 19.
    exact = d.union_segment_false_positive(10_000, 200, 25, 15, np.array([10, 19]))
    gap = exact / [printed[10], printed[19]] - 1
    assert np.all((5e-3 < gap) & (gap < 2e-2))


def test_noise_false_negatives():
    # Ahmad & Hawkins (2016), false negatives under noise: w = 128 active cells, a
    # segment of 30 synapses, v = round(f w) noise bits (authors' notebook,
    # "Impact of noise on false negatives").
    printed = {
        (8, 38): 7.90168637530306e-10,
        (8, 45): 1.20695707971664e-7,
        (8, 51): 3.45576265561118e-6,
        (12, 19): 2.48810797387309e-15,
        (12, 38): 1.09248135880715e-5,
        (16, 19): 2.65549705827547e-8,
        (16, 32): 5.90078912236923e-4,
    }
    for (theta, v), value in printed.items():
        assert d.segment_false_negative(128, 30, theta, v) == pytest.approx(value, rel=1e-9)
    # theta = 8, v = 26 is printed as 3.11341516283240e-16, but the sum of its
    # eight terms is 3.1419e-16 (a 0.9% sympy float error in the notebook); the
    # formula's value is asserted.
    exact = Fraction(
        sum(math.comb(30, c) * math.comb(98, 26 - c) for c in range(23, 27)),
        math.comb(128, 26),
    )
    assert d.segment_false_negative(128, 30, 8, 26, exact=True) == exact
    assert float(exact) == pytest.approx(3.1419333449968437e-16, rel=1e-15)


def test_2015_capacity_example():
    # Ahmad & Hawkins, arXiv:1503.07469 (2015): the standard HTM code N = 2048,
    # w = 40 has C(2048, 40) = 2.37 x 10^84 distinct SDRs.
    assert d.sdr_count(2048, 40) == math.comb(2048, 40)
    assert float(d.sdr_count(2048, 40)) == pytest.approx(2.37e84, rel=1e-3)
    assert d.exact_match_probability(2048, 40) == pytest.approx(1 / 2.3717785e84, rel=1e-7)


def test_union_probability_of_an_off_bit():
    # Ahmad & Hawkins (2015), unions: p0 = (1 - w/N)^k; for N = 2000, w = 40, k = 20
    # the fraction of bits on is 1 - 0.98^20 = 0.332392028...
    assert d.union_active_bits(2000, 40, 20) / 2000 == pytest.approx(0.332392028245, rel=1e-11)
    p_on = 1 - (1 - 40 / 2048) ** 20
    paper = d.union_exact_match_probability(2048, 40, 20, size="mean")
    assert paper == pytest.approx(p_on**40, rel=1e-12)


def test_union_papers_values_use_the_real_valued_mean_size():
    # The authors' calculations (numenta/htmresearch, projects/sdr_paper): sdr_math.ipynb
    # for Ahmad & Hawkins (2015), "Union Property" and "Inexact Matches with Unions", puts
    # the real-valued expected size N (1 - p0) into Eq. (7), binomials of a real argument
    # by the Gamma function; sdr_math_neuron_paper.ipynb (the 2016 paper) does the same
    # for a union of M patterns of 40 cells, N = 4000, theta = 15. The printed values
    # (sympy floats, good to ~1e-11 here):
    exact_match = {(1024, 2, 20): 0.00147042577155698, (1024, 20, 20): 1.83536456233615e-10}
    exact_match[(1024, 20, 40)] = 5.48218935058260e-6
    for (N, w, union), value in exact_match.items():
        paper = d.union_exact_match_probability(N, w, union, size="mean")
        assert paper == pytest.approx(value, rel=1e-12)
    inexact = {(1024, 20, 20): 1.23782572305677e-10, (1024, 19, 20): 5.55166122237973e-9}
    inexact[(1024, 18, 20)] = 1.18086573478834e-7
    inexact[(2048, 18, 20)] = 3.08795140545437e-12
    for (N, theta, union), value in inexact.items():
        paper = d.union_false_match_probability(N, 20, theta, union, size="mean")
        assert paper == pytest.approx(value, rel=1e-10)
        rounded = d.union_false_match_probability(N, 20, theta, union, size="rounded")
        assert abs(rounded / value - 1) > 5e-4  # the rounded size is not what they used
    neuron = {1: 1.745032216871438e-21, 2: 2.093468685928812e-16, 10: 1.673545205416077e-6}
    for union, value in neuron.items():
        paper = d.union_input_false_positive(4000, 40, 40, 15, union, size="mean")
        assert paper == pytest.approx(value, rel=1e-10)


def test_union_exact_match_formula_overestimates():
    # (1 - p0)^w draws the query's bits independently at the mean fraction on; the exact
    # average of C(u, w)/C(N, w) over the union's size is 38 % and 94 % lower at the
    # paper's codes (the review of issue 19), and the two agree for large unions.
    for (N, w), excess in {(1024, 20): 0.3813, (2048, 40): 0.9412}.items():
        paper = d.union_exact_match_probability(N, w, 20, size="mean")
        assert paper / d.union_exact_match_probability(N, w, 20) - 1 == pytest.approx(
            excess, abs=1e-4
        )
    assert d.union_exact_match_probability(N, w, 400, size="mean") == pytest.approx(
        d.union_exact_match_probability(N, w, 400), rel=0.01
    )


# ---------------------------------------------------------------------------------
# Brute force: enumerate every SDR of N = 12 bits


N_SMALL = 12


def sdrs(w):
    return [frozenset(c) for c in itertools.combinations(range(N_SMALL), w)]


@pytest.mark.parametrize("w, w_x", [(3, 3), (4, 6), (6, 2)])
def test_overlap_set_and_false_match_by_enumeration(w, w_x):
    x = frozenset(range(w_x))
    overlaps = [len(x & y) for y in sdrs(w)]
    for b in range(min(w, w_x) + 1):
        assert d.overlap_set_size(N_SMALL, w, b, w_x) == overlaps.count(b)
    for theta in range(w_x + 1):
        hits = sum(o >= theta for o in overlaps)
        assert d.false_match_probability(N_SMALL, w, theta, w_x, exact=True) == Fraction(
            hits, len(overlaps)
        )


@pytest.mark.parametrize("w, synapses", [(3, 5), (5, 4), (9, 7)])
def test_segment_false_positive_by_enumeration(w, synapses):
    segment = frozenset(range(synapses))
    inputs = sdrs(w)
    for theta in range(synapses + 1):
        hits = sum(len(segment & y) >= theta for y in inputs)
        p = d.segment_false_positive(N_SMALL, w, synapses, theta, exact=True)
        assert p == Fraction(hits, len(inputs))
        assert d.segment_false_positive(N_SMALL, w, synapses, theta) == float(p)


@pytest.mark.parametrize("w, synapses", [(5, 3), (6, 6), (7, 4)])
def test_segment_false_negative_by_enumeration(w, synapses):
    # The pattern is x = {0, ..., w-1} and the segment a fixed set of ``synapses`` of
    # its cells; the noisy inputs are all SDRs that keep exactly w - v cells of x.
    x, segment = frozenset(range(w)), frozenset(range(synapses))
    for v in range(min(w, N_SMALL - w) + 1):  # the v new cells lie outside x
        noisy = [y for y in sdrs(w) if len(x & y) == w - v]
        for theta in range(synapses + 1):
            misses = sum(len(segment & y) < theta for y in noisy)
            p = d.segment_false_negative(w, synapses, theta, v, exact=True)
            assert p == Fraction(misses, len(noisy))


def test_union_active_bits_by_enumeration():
    N, w, union = 8, 2, 3
    patterns = [frozenset(c) for c in itertools.combinations(range(N), w)]
    sizes = [len(frozenset().union(*u)) for u in itertools.product(patterns, repeat=union)]
    assert d.union_active_bits(N, w, union, exact=True) == Fraction(sum(sizes), len(sizes))
    assert d.union_active_bits(N, w, union) == pytest.approx(sum(sizes) / len(sizes), rel=1e-15)


# ---------------------------------------------------------------------------------
# The float path against exact Fractions


def test_float_path_matches_fractions_at_moderate_sizes():
    rng = np.random.default_rng(3)
    for _ in range(200):
        N = int(rng.integers(20, 3000))
        w, synapses = (int(x) for x in rng.integers(0, N + 1, size=2))
        theta = int(rng.integers(0, synapses + 1))
        exact = d.segment_false_positive(N, w, synapses, theta, exact=True)
        assert d.segment_false_positive(N, w, synapses, theta) == pytest.approx(
            float(exact), rel=1e-12, abs=1e-300
        )
        v = int(rng.integers(0, w + 1))
        synapses_fn = int(rng.integers(0, w + 1))
        theta_fn = int(rng.integers(0, synapses_fn + 1))
        exact = d.segment_false_negative(w, synapses_fn, theta_fn, v, exact=True)
        assert d.segment_false_negative(w, synapses_fn, theta_fn, v) == pytest.approx(
            float(exact), rel=1e-12, abs=1e-300
        )


@pytest.mark.parametrize(
    "args",
    [
        (200_000, 2_000, 20, 20),  # about 1e-40
        (200_000, 4_000, 40, 30),  # about 1e-41
        (200_000, 2_000, 400, 40),  # the tail far above the mean overlap of 4
        (200_000, 4_000, 4_000, 60),  # a wide distribution around 80
        (1_000, 500, 500, 1),  # P = 1 - 1e-300: no cancellation on the way to 1
    ],
)
def test_float_path_matches_fractions_at_large_sizes(args):
    exact = float(d.segment_false_positive(*args, exact=True))
    assert d.segment_false_positive(*args) == pytest.approx(exact, rel=1e-12)


def test_tiny_probability_near_1e_minus_40():
    p = d.segment_false_positive(200_000, 2_000, 20, 20)
    assert 1e-41 < p < 1e-39
    assert p == pytest.approx(float(d.segment_false_positive(200_000, 2_000, 20, 20, exact=True)))


def test_tails_are_complementary():
    N, w, synapses = 50_000, 1_000, 40
    for theta in range(1, synapses + 1):
        fires = d.segment_false_positive(N, w, synapses, theta, exact=True)
        below = d.segment_false_positive(N, w, synapses, 0, exact=True) - fires
        assert below == sum(
            Fraction(d.overlap_set_size(N, w, b, synapses), d.sdr_count(N, w))
            for b in range(theta)
        )


# ---------------------------------------------------------------------------------
# Many patterns


def test_at_least_one_and_union_bound():
    assert d.at_least_one(1e-40, 1000) == pytest.approx(1e-37, rel=1e-12)
    assert d.at_least_one(0.1, 2) == pytest.approx(0.19, rel=1e-15)
    assert d.at_least_one(0.0, 5) == 0.0
    assert d.at_least_one(1.0, 3) == 1.0
    assert d.union_bound(0.1, 2) == pytest.approx(0.2)
    assert d.union_bound(0.3, 5) == 1.0
    p = np.logspace(-30, 0, 31)
    assert np.all(d.at_least_one(p, 50) <= d.union_bound(p, 50))


def test_union_rates_at_the_rounded_size_are_eq_7_there():
    N, w, union, theta = 2048, 40, 10, 20
    size = round(N * (1 - (1 - w / N) ** union))
    assert d.union_false_match_probability(N, w, theta, union, size="rounded") == pytest.approx(
        float(d.false_match_probability(N, w, theta, w_x=size, exact=True)), rel=1e-12
    )
    N, w, synapses, theta, union = 100_000, 2_000, 20, 10, 5
    active = round(d.union_active_bits(N, w, union))
    rounded = d.union_input_false_positive(N, w, synapses, theta, union, size="rounded")
    assert rounded == pytest.approx(
        d.segment_false_positive(N, active, synapses, theta), rel=1e-15
    )


@pytest.mark.parametrize("size", ["distribution", "mean", "rounded"])
def test_a_union_of_one_is_the_pattern(size):
    # One pattern has exactly w cells: every form of the union rates is Eq. (7) / (1).
    N, w, synapses, theta = 500, 30, 12, 6
    one = {"union": 1, "size": size}
    assert d.union_false_match_probability(N, w, theta, **one) == pytest.approx(
        d.false_match_probability(N, w, theta), rel=1e-12
    )
    assert d.union_segment_false_positive(N, w, synapses, theta, **one) == pytest.approx(
        d.segment_false_positive(N, w, synapses, theta), rel=1e-12
    )
    assert d.union_input_false_positive(N, w, synapses, theta, **one) == pytest.approx(
        d.segment_false_positive(N, w, synapses, theta), rel=1e-12
    )
    assert d.union_exact_match_probability(8, 3, 1) == pytest.approx(1 / math.comb(8, 3))


# ---------------------------------------------------------------------------------
# The optimal threshold


def test_threshold_scan_finds_the_interior_minimum():
    N, sparsity, synapses = np.meshgrid([4_000, 10_000, 20_000], [0.01, 0.02], [20, 30, 40])
    w = np.rint(sparsity * N).astype(int)
    v = np.rint(0.25 * w).astype(int)
    scan = d.threshold_scan(N, w, synapses, v)
    assert scan.theta.tolist() == list(range(1, 21))
    assert scan.error.shape == (18, 20)
    assert scan.summary == pytest.approx(np.median(scan.error, axis=0))
    assert 1 < scan.theta_opt < 20
    assert scan.summary[scan.theta.tolist().index(scan.theta_opt)] == scan.summary.min()
    i, t = 4, 7  # one entry, recomputed
    point = (N.ravel()[i], w.ravel()[i], synapses.ravel()[i], t, v.ravel()[i])
    assert scan.error[i, t - 1] == d.detection_error(*(int(x) for x in point))


def test_threshold_scan_without_noise_is_the_false_positive_rate():
    scan = d.threshold_scan(10_000, 200, [20, 25], 0, theta=[5, 10, 15], statistic="mean")
    fp = d.segment_false_positive(10_000, 200, np.array([[20], [25]]), [5, 10, 15])
    assert scan.error == pytest.approx(fp, rel=1e-15)
    assert scan.theta_opt == 15


# ---------------------------------------------------------------------------------
# Arrays and domain errors


def test_arrays_broadcast_like_scalars():
    N = np.array([1_000, 5_000, 20_000])
    got = d.segment_false_positive(N[:, None], 50, 20, [5, 10])
    assert got.shape == (3, 2)
    for i, j in np.ndindex(got.shape):
        assert got[i, j] == d.segment_false_positive(int(N[i]), 50, 20, [5, 10][j])
    counts = d.sdr_count(2048, [1, 40])
    assert counts.tolist() == [2048, math.comb(2048, 40)]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: d.sdr_count(10, 11), "w must be in \\[0, 10\\]; got 11"),
        (lambda: d.sdr_count(-1, 0), "N must be in"),
        (lambda: d.segment_false_positive(100, 10, 5, 6), "theta must be in \\[0, 5\\]"),
        (lambda: d.segment_false_positive(100, 101, 5, 3), "w must be in"),
        (lambda: d.segment_false_positive(100, 10, -5, 3), "synapses must be in"),
        (lambda: d.segment_false_negative(10, 11, 3, 2), "synapses must be in \\[0, 10\\]"),
        (lambda: d.segment_false_negative(10, 5, 3, 11), "v must be in"),
        (lambda: d.segment_false_negative(10, 5, -1, 2), "theta must be in"),
        (lambda: d.overlap_set_size(10, 3, 4), "b must be in \\[0, 3\\]"),
        (lambda: d.false_match_probability(10, 3, 5, w_x=4), "theta must be in"),
        (lambda: d.at_least_one(1.5, 3), "probability must be in"),
        (lambda: d.at_least_one(0.5, -1), "events must be in"),
        (lambda: d.union_active_bits(10, 3, -1), "union must be in"),
        (lambda: d.union_segment_false_positive(100, 10, 5, 11, 2), "theta must be in"),
        (lambda: d.threshold_scan(100, 10, 5, 2, theta=[6]), "theta must be in \\[0, 5\\]"),
        (lambda: d.threshold_scan(100, 10, 5, 2, statistic="max"), "statistic must be"),
    ],
)
def test_domain_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_integers_are_rejected():
    with pytest.raises(TypeError, match="theta must be an integer"):
        d.segment_false_positive(100, 10, 5, 2.0)
    with pytest.raises(TypeError, match="N must be an integer"):
        d.segment_false_positive(np.array([100.0]), 10, 5, 2)


def test_union_size_pmf_by_exact_enumeration():
    # N = 7 cells, union = 3 sets of k = 3: every one of C(7, 3)^3 triples enumerated
    N, k, union = 7, 3, 3
    sets = list(itertools.combinations(range(N), k))
    counts = np.zeros(N + 1)
    for triple in itertools.product(sets, repeat=union):
        counts[len(set().union(*triple))] += 1
    pmf = d.union_size_pmf(N, k, union)
    np.testing.assert_allclose(pmf, counts / counts.sum(), atol=1e-14)
    # its mean is the papers' expected union size
    assert pmf @ np.arange(N + 1) == pytest.approx(d.union_active_bits(N, k, union), rel=1e-12)


# ---------------------------------------------------------------------------------
# Unions, exactly: every tuple of sets and every query enumerated on N = 8 cells


def _masks(N, k):
    """Every k-set of N cells as a bit mask."""
    return [sum(1 << i for i in c) for c in itertools.combinations(range(N), k)]


def _unions(N, k, union):
    """{mask of the union: number of ordered tuples of ``union`` k-sets giving it}."""
    counts = {}
    for sets in itertools.product(_masks(N, k), repeat=union):
        mask = functools.reduce(operator.or_, sets)
        counts[mask] = counts.get(mask, 0) + 1
    return counts


def _fraction_over(unions, queries, theta):
    """P(|union & query| >= theta) over the weighted unions and the uniform queries."""
    hits = sum(n * sum((u & q).bit_count() >= theta for q in queries) for u, n in unions.items())
    return Fraction(hits, sum(unions.values()) * len(queries))


N_UNION = 8


def test_union_false_and_exact_match_by_enumeration():
    # The union of 3 random pairs of 8 cells against every random pair.
    unions, queries = _unions(N_UNION, 2, 3), _masks(N_UNION, 2)
    for theta in range(3):
        want = _fraction_over(unions, queries, theta)
        got = d.union_false_match_probability(N_UNION, 2, theta, 3, exact=True)
        assert got == want
        assert d.union_false_match_probability(N_UNION, 2, theta, 3) == pytest.approx(
            float(want), rel=1e-13
        )
    inside = _fraction_over(unions, queries, 2)  # both of the pair's cells in the union
    assert d.union_exact_match_probability(N_UNION, 2, 3, exact=True) == inside
    # the paper's (1 - p0)^w is not it: 1 - (3/4)^3 = 37/64, squared, is 7 % high
    paper = d.union_exact_match_probability(N_UNION, 2, 3, size="mean", exact=True)
    assert paper == Fraction(37, 64) ** 2 and paper > inside


def test_union_segment_false_positive_by_enumeration():
    # A segment holding the union of 3 random pairs of synapses; inputs of 3 cells.
    unions, inputs = _unions(N_UNION, 2, 3), _masks(N_UNION, 3)
    for theta in range(4):
        want = _fraction_over(unions, inputs, theta)
        assert d.union_segment_false_positive(N_UNION, 3, 2, theta, 3, exact=True) == want


def test_union_input_false_positive_by_enumeration():
    # A segment of 3 fixed synapses; the input the union of 3 random pairs of cells.
    segment = 0b111
    unions = _unions(N_UNION, 2, 3)
    for theta in range(4):
        want = _fraction_over(unions, [segment], theta)
        assert d.union_input_false_positive(N_UNION, 2, 3, theta, 3, exact=True) == want


def test_union_size_pmf_exact_matches_enumeration_and_floats():
    unions = _unions(N_UNION, 2, 3)
    want = [Fraction(0)] * (N_UNION + 1)
    for mask, n in unions.items():
        want[mask.bit_count()] += Fraction(n, sum(unions.values()))
    assert d.union_size_pmf(N_UNION, 2, 3, exact=True).tolist() == want
    exact = d.union_size_pmf(300, 12, 8, exact=True)
    exact = exact.astype(float)  # the float chain drops sizes below 1e-30 of the largest
    np.testing.assert_allclose(d.union_size_pmf(300, 12, 8), exact, rtol=1e-10, atol=1e-30)


@pytest.mark.parametrize(
    "function, args",
    [
        (d.union_exact_match_probability, (300, 6, 12)),
        (d.union_false_match_probability, (300, 12, 6, 6)),
        (d.union_false_match_probability, (300, 12, 12, 9)),
        (d.union_segment_false_positive, (400, 30, 10, 8, 5)),
        (d.union_input_false_positive, (400, 20, 15, 6, 4)),
    ],
)
def test_union_rates_float_path_matches_fractions(function, args):
    exact = float(function(*args, exact=True))
    assert 0.0 < exact < 1.0
    assert function(*args) == pytest.approx(exact, rel=1e-10)


def test_union_capacity_is_the_last_union_below_the_rate():
    # Stepping k by hand with the rate functions gives the same k, for every kind and size.
    def by_hand(rate_of, size, rate):
        k = 0
        while rate_of(k + 1, size) <= rate:
            k += 1
        return k

    cases = [
        (
            dict(kind="match"),
            lambda k, size: d.union_exact_match_probability(128, 8, k, size=size),
        ),
        (
            dict(kind="match", theta=6),
            lambda k, size: d.union_false_match_probability(128, 8, 6, k, size=size),
        ),
        (
            dict(kind="segment", theta=4, synapses=5),
            lambda k, size: d.union_segment_false_positive(128, 8, 5, 4, k, size=size),
        ),
        (
            dict(kind="input", theta=4, synapses=6),
            lambda k, size: d.union_input_false_positive(128, 8, 6, 4, k, size=size),
        ),
    ]
    for options, rate_of in cases:
        for size in ("distribution", "mean"):
            for rate in (1e-9, 1e-4, 0.05):
                want = by_hand(rate_of, size, rate)
                assert d.union_capacity(128, 8, rate, size=size, **options) == want


def test_union_capacity_of_the_paper_codes():
    # The largest union of N = 2048, w = 40 SDRs that a random SDR lies inside with
    # probability at most 1e-9: 46; by the paper's (1 - p0)^w, which overestimates the
    # rate, one less. A segment of N = 10000 holds 12 patterns (w = 200, 25 synapses,
    # theta = 15) below 1e-3, as the union figure of Ahmad & Hawkins (2016) shows.
    assert d.union_capacity(2048, 40, 1e-9) == 46
    assert d.union_capacity(2048, 40, 1e-9, size="mean") == 45
    assert d.union_exact_match_probability(2048, 40, 46) <= 1e-9
    assert d.union_exact_match_probability(2048, 40, 47) > 1e-9
    assert d.union_capacity(10_000, 200, 1e-3, kind="segment", theta=15, synapses=25) == 12
    # no single SDR is safe at rate 0; a segment that needs more than w active cells
    # never fires, whatever it stores
    assert d.union_capacity(100, 5, 0.0) == 0
    assert d.union_capacity(100, 5, 0.1, kind="segment", theta=6, synapses=10) == math.inf


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: d.union_false_match_probability(100, 5, 3, 2, size="median"), "size must be"),
        (lambda: d.union_exact_match_probability(100, 5, 2, size="rounded"), "size must be"),
        (lambda: d.union_input_false_positive(100, 5, 4, 3, 2, size="mean", exact=True), "exact"),
        (lambda: d.union_capacity(100, 5, 1.0), "rate must be in"),
        (lambda: d.union_capacity(100, 5, 0.1, kind="list"), "kind must be"),
        (lambda: d.union_capacity(100, 5, 0.1, synapses=3), "synapses must be None"),
        (lambda: d.union_capacity(100, 5, 0.1, kind="segment", theta=2), "synapses must be"),
        (lambda: d.union_capacity(100, 5, 0.1, kind="input", synapses=4), "theta must be"),
        (lambda: d.union_size_pmf(100, 101, 2), "w must be in"),
    ],
)
def test_union_domain_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
