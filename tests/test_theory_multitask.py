"""Tests for theory.multitask: limits, exact derivations, brute force, published numbers."""

import itertools
import math

import numpy as np
import pytest
from scipy import optimize

from theory import multitask as mt

GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0  # d_3, the P = 3 hierarchical threshold
CROSSOVER = (1.0 + 2.0 * math.sqrt(2.0)) / 7.0  # P = 3: majority state takes over at T = 0


def curie_weiss(T):
    """Nonzero root of m = tanh(m / T), T < 1."""
    return optimize.brentq(lambda m: m - math.tanh(m / T), 1e-6, 1.0, xtol=1e-15)


# ---------------------------------------------------------------------------------
# The low-load equations


@pytest.mark.parametrize("T", [0.3, 0.6, 0.9])
def test_no_dilution_is_curie_weiss(T):
    # d = 0: every site has all P entries, the retrieval state is the Mattis state
    # m = tanh(beta m) of the Hopfield model at low load.
    m = curie_weiss(T)
    assert mt.self_consistency([m], 0.0, T)[0] == pytest.approx(m, abs=1e-14)
    assert mt.solutions(0.0, T, 1).m[0, 0] == pytest.approx(m, abs=1e-10)
    np.testing.assert_allclose(mt.global_minimum(0.0, T, 3), [m, 0.0, 0.0], atol=1e-10)


def test_gradient_and_hessian_of_the_free_energy():
    # grad f = m - Phi(m), and the Hessian is its derivative: central differences.
    rng = np.random.default_rng(3)
    m, d, T, h = rng.random(3) * 0.6, 0.35, 0.4, 1e-5
    steps = h * np.eye(3)
    grad = [(mt.free_energy(m + e, d, T) - mt.free_energy(m - e, d, T)) / (2 * h) for e in steps]
    np.testing.assert_allclose(grad, m - mt.self_consistency(m, d, T), atol=1e-9)
    jac = [
        (mt.self_consistency(m + e, d, T) - mt.self_consistency(m - e, d, T)) / (2 * h)
        for e in steps
    ]
    np.testing.assert_allclose(np.eye(3) - np.array(jac), mt.hessian(m, d, T), atol=1e-8)


def test_free_energy_tends_to_the_energy():
    # f = |m|^2/2 - <|h|> - T <ln(1 + exp(-2 beta |h|))>, within T ln 2 of the energy.
    m = np.array([0.5, 0.2, 0.1])
    for T in (1e-2, 1e-3):
        gap = mt.free_energy(m, 0.4, 0.0) - mt.free_energy(m, 0.4, T)
        assert 0.0 < gap <= T * math.log(2.0)


@pytest.mark.parametrize(
    ("d", "T", "P"), [(0.3, 0.1, 3), (0.6, 0.2, 3), (0.5, 0.0, 3), (0.7, 0.05, 4)]
)
def test_solutions_solve_and_are_classified(d, T, P):
    s = mt.solutions(d, T, P)
    np.testing.assert_allclose(mt.self_consistency(s.m, d, T), s.m, atol=1e-10)
    np.testing.assert_array_equal(s.stable, mt.is_stable(s.m, d, T))
    np.testing.assert_allclose(s.f, mt.free_energy(s.m, d, T))
    assert s.ground == 0 and np.all(np.diff(s.f) >= 0.0) and s.stable[s.ground]
    assert np.all(np.diff(s.m, axis=1) <= 0.0) and np.all(s.m >= 0.0)
    assert [0.0] * P in s.m.tolist()  # the paramagnet is always a solution
    again = mt.solutions(d, T, P, rng=0)
    np.testing.assert_array_equal(s.m, again.m)


def test_global_minimum_over_a_grid():
    m = mt.global_minimum(np.array([0.1, 0.3])[:, None], np.array([0.0, 0.05, 0.5]), 2)
    assert m.shape == (2, 3, 2)
    np.testing.assert_allclose(m[1, 0], mt.hierarchical_state(0.3, 2), atol=1e-12)
    assert mt.regime(m[0, 2]) == "pure"


# ---------------------------------------------------------------------------------
# Zero temperature


@pytest.mark.parametrize("P", [2, 3, 4, 5])
def test_hierarchical_state_is_a_fixed_point_iff_below_threshold(P):
    # Signal to noise: m_k > sum_{l>k} m_l for every level iff d < d_K.
    d_K = mt.hierarchical_threshold(P)
    for d in np.linspace(0.0, 0.98, 50):
        if abs(d - d_K) < 1e-6:
            continue
        m = mt.hierarchical_state(d, P)
        fixed = np.allclose(mt.self_consistency(m, d, 0.0), m, atol=1e-12)
        assert fixed == (d < d_K), (P, d)
        assert not fixed or mt.is_stable(m, d, 0.0)  # and then free of ties


def test_hierarchical_thresholds():
    assert mt.hierarchical_threshold(1) == mt.hierarchical_threshold(2) == 1.0
    assert mt.hierarchical_threshold(3) == pytest.approx(GOLDEN, abs=1e-14)
    # d_4 solves d + d^2 + d^3 = 1: the inverse of the tribonacci constant 1.839286755...
    assert mt.hierarchical_threshold(4) == pytest.approx(1.0 / 1.839286755214161, abs=1e-13)
    thresholds = [mt.hierarchical_threshold(P) for P in range(3, 30)]
    assert np.all(np.diff(thresholds) < 0.0) and 0.5 < thresholds[-1] < 0.5 + 1e-8
    # at the threshold itself the hierarchical field of xi = (+, -, -) ties
    m = mt.hierarchical_state(GOLDEN, 3)
    assert m[0] == pytest.approx(m[1] + m[2], abs=1e-15)
    assert not mt.is_stable(m, GOLDEN, 0.0)


@pytest.mark.parametrize("d", [0.1, 0.3, 0.5, 0.54, 0.55, 0.6, 0.7, 0.9])
def test_zero_temperature_states_for_three_patterns(d):
    s = mt.solutions(d, 0.0, 3)
    states = {tuple(np.round(m, 12)): (f, stable) for m, f, stable in zip(s.m, s.f, s.stable)}
    np.testing.assert_allclose(s.f, -0.5 * np.sum(s.m**2, axis=1), atol=1e-15)

    majority = tuple(np.round(mt.majority_state(d), 12))
    assert states[majority][1]  # a stable fixed point at every dilution
    hierarchical = tuple(np.round(mt.hierarchical_state(d, 3), 12))
    assert (hierarchical in states) == (d < GOLDEN)
    parallel = tuple(np.round([mt.parallel_state(d, 0.0, 3)] * 3, 12))
    assert states[parallel] == (pytest.approx(-1.5 * parallel[0] ** 2), False)
    assert parallel[0] == pytest.approx((1 - d) * (1 + d * d) / 2, abs=1e-15)
    assert not states[(round(1.0 - d, 12), 0.0, 0.0)][1]  # the pure state: blank sites tie
    # the ground state: hierarchical below (1 + 2 sqrt 2)/7, the majority state above
    ground = majority if d > CROSSOVER else hierarchical
    np.testing.assert_allclose(s.m[0], ground, atol=1e-12)


def test_two_patterns_at_zero_temperature():
    # P = 2: the hierarchical state (a, a d) is the ground state at every dilution; the
    # parallel state (1 - d)(1 + d)/2 ties on xi = (+, -).
    for d in (0.05, 0.4, 0.8, 0.95):
        s = mt.solutions(d, 0.0, 2)
        np.testing.assert_allclose(s.m[0], [1 - d, d * (1 - d)], atol=1e-14)
        assert mt.parallel_state(d, 0.0, 2) == pytest.approx((1 - d) * (1 + d) / 2)
        assert not mt.is_stable([mt.parallel_state(d, 0.0, 2)] * 2, d, 0.0)


def test_low_temperature_joins_zero_temperature():
    for d, ground in [(0.3, mt.hierarchical_state(0.3, 3)), (0.7, mt.majority_state(0.7))]:
        np.testing.assert_allclose(mt.global_minimum(d, 1e-3, 3), ground, atol=1e-9)


def test_hopfield_mixtures_published():
    # d = 0 is the Hopfield model at low load (Amit, Gutfreund, Sompolinsky, PRA 32,
    # 1007 (1985)): at T = 0 the pure state (E = -1/2) and the symmetric 3-mixture
    # (m = 1/2, E = -3/8) are stable, the 2-mixture is not; the 3-mixture becomes
    # stable below T = 0.46 (abstract: "Below T ~ 0.46 T_c additional dynamically
    # stable states appear").
    s = mt.solutions(0.0, 0.0, 3)
    np.testing.assert_allclose(s.m, [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0, 0, 0]])
    np.testing.assert_allclose(s.f, [-0.5, -0.375, -0.25, 0.0])
    np.testing.assert_array_equal(s.stable, [True, True, False, False])
    for T, stable in [(0.455, True), (0.465, False)]:
        assert mt.is_stable([mt.parallel_state(0.0, T, 3)] * 3, 0.0, T) == stable


# ---------------------------------------------------------------------------------
# Finite temperature


@pytest.mark.parametrize("d", [0.2, 0.5, 0.8])
def test_paramagnetic_transition_at_one_minus_d(d):
    T_c = mt.critical_temperature(d)
    assert T_c == pytest.approx(1.0 - d)
    above, below = mt.global_minimum(d, [T_c * (1 + 1e-3), T_c * (1 - 1e-4)], 2)
    assert np.all(above == 0.0) and below[0] > 0.0
    # the overlap vanishes continuously, as sqrt(T_c - T)
    amplitude = [np.linalg.norm(mt.global_minimum(d, T_c * (1 - e), 2)) for e in (1e-4, 1e-6)]
    assert amplitude[1] / amplitude[0] == pytest.approx(0.1, rel=0.02)


def test_global_minimum_converges_on_the_T_c_line():
    # At T = T_c = 1 - d the paramagnet is a quartic minimum: descent creeps towards it
    # (m ~ 1e-4 after its 400 steps) with a gradient ~ m^3 already below tolerance, and the
    # regime map of the multitask_regimes experiment (grids linspace(0.02, 0.98, 49) in d,
    # linspace(0, 1, 26) in T) showed these points as condensed. They are paramagnetic.
    d_map, T_map = np.linspace(0.02, 0.98, 49), np.linspace(0.0, 1.0, 26)
    for P, d, T in [(2, 5, 22), (2, 33, 8), (4, 25, 12), (4, 31, 9)]:
        assert T_map[T] == pytest.approx(1.0 - d_map[d], abs=1e-15)  # on the line
        m = mt.global_minimum(d_map[d], T_map[T], P)
        assert np.all(m == 0.0), (P, d_map[d], T_map[T], m)
        assert mt.regime(m) == "paramagnetic"


def test_onset_temperatures():
    # Level k switches on where the Hessian along an empty pattern vanishes; for small
    # d, at T_k -> (1 - d) d^(k-1), the level's own T = 0 amplitude.
    d = 0.02
    np.testing.assert_allclose(mt.onset_temperatures(d, 4), mt.hierarchical_state(d, 4), rtol=1e-6)
    assert np.all(np.isnan(mt.onset_temperatures(0.0, 3)[1:]))  # Hopfield: pure down to T = 0
    np.testing.assert_allclose(mt.onset_temperatures(0.8, 3), [0.2, 0.2, 0.2])  # parallel
    # the global minimum changes there: pure above T_2, hierarchical below
    T_2 = mt.onset_temperatures(0.4, 2)[1]
    assert T_2 < 0.6
    above, below = mt.global_minimum(0.4, [T_2 * 1.001, T_2 * 0.999], 2)
    assert mt.regime(above) == "pure" and mt.regime(below) == "hierarchical"


def test_parallel_regime():
    # For d > 2/3 the quartic term of f makes the parallel state condense at T_c, and
    # it is the global minimum down to T_low; a little below d = 2/3 the window opens
    # below T_c; further below there is none.
    assert np.isnan(mt.parallel_regime(0.5, 3)).all()
    for d, P, opens_at_T_c in [(0.7, 2, True), (0.9, 4, True), (0.65, 4, False), (0.62, 2, False)]:
        low, high = mt.parallel_regime(d, P)
        assert 0.0 < low < high <= 1.0 - d
        assert (high == 1.0 - d) == opens_at_T_c
        for T, inside in [(low * 0.99, False), (low * 1.01, True), (high * 0.99, True)]:
            assert (mt.regime(mt.global_minimum(d, T, P)) == "parallel") == inside
        if not opens_at_T_c:
            assert mt.regime(mt.global_minimum(d, high * 1.01, P)) != "parallel"
        m = mt.parallel_state(d, low * 1.01, P)
        np.testing.assert_allclose(mt.global_minimum(d, low * 1.01, P), [m] * P, atol=1e-10)
    assert mt.parallel_state(0.8, 0.2, 3) == 0.0  # at T_c


def test_phase_lines():
    d = np.array([0.1, 0.5, 0.8])
    lines = mt.phase_lines(d, 3)
    np.testing.assert_allclose(lines.T_c, 1.0 - d)
    assert lines.T_onset.shape == (3, 3)
    np.testing.assert_allclose(lines.T_onset[:, 0], lines.T_c)
    assert np.all(np.diff(lines.T_onset, axis=1) <= 0.0)
    assert np.isnan(lines.T_parallel_low[:2]).all()
    assert lines.T_parallel_high[2] == pytest.approx(0.2, abs=1e-15)
    assert 0.0 < lines.T_parallel_low[2] < 0.2


def test_regime_labels():
    assert mt.regime([0.0, 0.0]) == "paramagnetic"
    assert mt.regime([0.7, 0.0, 0.0]) == "pure"
    assert mt.regime([0.3, 0.3, 0.3]) == "parallel"
    assert mt.regime([0.7, 0.21, 0.063]) == "hierarchical"
    assert mt.regime([0.3, 0.3, 0.0]) == "mixture"
    assert mt.regime(mt.majority_state(0.6)) == "mixture"
    assert mt.regime(np.zeros((2, 4, 3))).shape == (2, 4)


# ---------------------------------------------------------------------------------
# Learning from examples


def majority_by_enumeration(d, M, r):
    """(1 - d) E[sign(sum_a chi^a)], summing over all 2^M example configurations."""
    total = 0.0
    for chi in itertools.product((1, -1), repeat=M):
        agree = chi.count(1)
        weight = ((1 + r) / 2) ** agree * ((1 - r) / 2) ** (M - agree)
        total += weight * np.sign(sum(chi))
    return (1.0 - d) * total


@pytest.mark.parametrize("M", [1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize("r", [0.0, 0.3, 0.8])
def test_majority_overlap_by_enumeration(M, r):
    want = majority_by_enumeration(0.25, M, r)
    assert mt.majority_overlap(0.25, M, r) == pytest.approx(want, abs=1e-14)


@pytest.mark.parametrize("rho", [0.5, 1.0, 2.0])
def test_majority_overlap_large_M(rho):
    # At fixed rho = (1 - r^2)/(M r^2), the exact overlap tends to (1 - d) erf(1/sqrt(2 rho)),
    # with an error O(1/M).
    limit = mt.majority_overlap_limit(0.2, rho)
    assert limit == pytest.approx(0.8 * math.erf(1 / math.sqrt(2 * rho)))
    for M in (100, 10_000):
        r = 1.0 / math.sqrt(1.0 + M * rho)
        assert mt.dataset_entropy(M, r) == pytest.approx(rho)
        assert abs(mt.majority_overlap(0.2, M, r) - limit) < 0.3 / M


def test_dataset_entropy_and_normalisation():
    M, r = 7, 0.6
    rho = mt.dataset_entropy(M, r)
    assert rho == pytest.approx(0.64 / (7 * 0.36))
    assert mt.example_normalisation(M, r) == pytest.approx(r * r * (1 + rho))
    assert mt.dataset_entropy(M, 0.0) == math.inf and mt.majority_overlap_limit(0.3, 0.0) == 0.7


@pytest.mark.parametrize("M", [1, 4, 7])
def test_learned_single_archetype_is_the_majority_vote(M):
    for d, r in [(0.0, 0.4), (0.3, 0.7)]:
        s = mt.learned_solutions(d, 0.0, 1, M, r)
        assert s.m[0, 0] == pytest.approx(mt.majority_overlap(d, M, r), abs=1e-13)


def test_perfect_examples_are_the_archetypes():
    # r = 1: every example is its archetype, R = 1, and the theories coincide.
    for T in (0.0, 0.1):
        learned, stored = mt.learned_solutions(0.3, T, 3, 5, 1.0), mt.solutions(0.3, T, 3)
        np.testing.assert_allclose(learned.m[0], stored.m[0], atol=1e-10)
        np.testing.assert_allclose(learned.n[0], stored.m[0], atol=1e-10)


def test_learned_transition_stays_at_one_minus_d():
    # R = <chi_bar^2> keeps <v^2> = 1 - d, so T_c does not depend on M or r.
    d, M, r = 0.4, 6, 0.5
    T_c = 1.0 - d
    assert np.all(mt.learned_solutions(d, T_c * 1.01, 2, M, r).m[0] == 0.0)
    assert mt.learned_solutions(d, T_c * 0.99, 2, M, r).m[0, 0] > 0.0


# ---------------------------------------------------------------------------------
# The unsupervised network, example by example


@pytest.mark.parametrize("M", [2, 3, 4, 6, 7, 8])
def test_single_example_state_iff_crosstalk_below_signal(M):
    # s = xi chi^1 on the non-blank sites: its own example's field a against the others'
    # a r^2 sum_b chi^b chi^1, at worst (M - 1) a r^2. A fixed point (stable, m = r (1 - d))
    # iff (M - 1) r^2 < 1: r = 0.4 gives M <= 7.
    d, r = 0.2, 0.4
    s = mt.unsupervised_solutions(d, 0.0, 1, M, r)
    single = np.isclose(s.m[:, 0], r * (1 - d), atol=1e-12) & np.isclose(
        s.n[:, 0], (1 - d) / np.sqrt(mt.example_normalisation(M, r) * M), atol=1e-12
    )
    assert single.any() == ((M - 1) * r * r < 1)
    assert s.stable[single].all()


@pytest.mark.parametrize(("P", "M", "T"), [(1, 3, 0.0), (1, 5, 0.2), (2, 2, 0.0), (2, 3, 0.15)])
def test_exchangeable_solutions_are_unsupervised_solutions(P, M, T):
    # All examples of an archetype at the same overlap n_mu / sqrt(M): the learned
    # (exchangeable) theory, a stationary point of the example-by-example one.
    d, r = 0.3, 0.5
    learned = mt.learned_solutions(d, T, P, M, r)
    unsupervised = mt.unsupervised_solutions(d, T, P, M, r)
    for m, f in zip(learned.m, learned.f):
        same = np.isclose(unsupervised.f, f, atol=1e-10)
        same &= np.all(np.abs(unsupervised.m - m) < 1e-8, axis=1)
        assert same.any(), (m, f)
    # their free energies are those of the same network, so none is lower than the
    # unsupervised ground state
    assert unsupervised.f[0] <= learned.f[0] + 1e-12


def test_unsupervised_with_perfect_or_single_examples():
    # r = 1: M copies of each archetype, the archetype network. M = 1: the one example
    # per archetype is the stored pattern, supervised or not.
    d = 0.3
    perfect = mt.unsupervised_solutions(d, 0.1, 2, 3, 1.0)
    np.testing.assert_allclose(perfect.m[0], mt.solutions(d, 0.1, 2).m[0], atol=1e-9)
    one = mt.unsupervised_solutions(d, 0.0, 3, 1, 0.6)
    np.testing.assert_allclose(one.m[0], mt.learned_solutions(d, 0.0, 3, 1, 0.6).m[0], atol=1e-12)
    np.testing.assert_allclose(one.m[0], 0.6 * mt.hierarchical_state(d, 3), atol=1e-12)


def test_unsupervised_ground_state_at_small_M_is_an_example():
    # P = 1, d = 0.2, r = 0.4: the network stores its examples; at M = 3 and 4 following
    # one of them (m = 0.32) is lower in energy than the majority vote (0.454) that the
    # exchangeable theory predicts, at M = 8 the majority vote is the ground state.
    for M in (3, 4):
        s = mt.unsupervised_solutions(0.2, 0.0, 1, M, 0.4)
        assert s.m[0, 0] == pytest.approx(0.32, abs=1e-12)
        majority = mt.majority_overlap(0.2, M, 0.4)
        assert np.any(np.isclose(s.m[s.stable, 0], majority, atol=1e-12))
    s = mt.unsupervised_solutions(0.2, 0.0, 1, 8, 0.4)
    assert s.m[0, 0] == pytest.approx(mt.majority_overlap(0.2, 8, 0.4), abs=1e-12)


# ---------------------------------------------------------------------------------
# Medium load


def crosstalk_sum(lam, function):
    """E[function(S)] over S = sum of k ~ Poisson(lam) random signs, by direct sums."""
    total = 0.0
    for k in range(60):
        weight = math.exp(-lam) * lam**k / math.factorial(k)
        total += weight * sum(math.comb(k, j) / 2**k * function(2 * j - k) for j in range(k + 1))
    return total


def test_medium_load_without_crosstalk_is_curie_weiss():
    # No spin in two patterns: every pattern is a Curie-Weiss magnet, m = tanh(m / T),
    # stable at every T below T_c: "in the absence of patterns cross-talk, all patterns
    # are recalled symmetrically for any temperature below criticality" (Bartolucci &
    # Annibale, J. Phys. A 47, 415001 (2014), abstract; its equations were not available).
    for T in (0.3, 0.7):
        state = mt.medium_load_parallel(T, 0.0)
        assert state.m == pytest.approx(curie_weiss(T), abs=1e-12)
        assert state.eigenvalue == pytest.approx(1 - (1 - state.m**2) / T, abs=1e-12)
    assert mt.medium_load_stable_below(0.0) == 0.0


@pytest.mark.parametrize("lam", [0.2, 1.0, 2.0, 5.0])
def test_medium_load_parallel_state_by_direct_sums(lam):
    # the self-consistency, and one pattern's own response beta <sech^2>, by finite
    # differences of an independent evaluation; at T = 0 the overlap is E|S_K| / lam,
    # K ~ Poisson(lam), the largest mean overlap of any state
    T = 0.45
    state = mt.medium_load_parallel(T, lam)

    def own(mu, m):  # pattern at overlap mu, every other at m
        return crosstalk_sum(lam, lambda S: math.tanh((mu + m * S) / T))

    assert own(state.m, state.m) == pytest.approx(state.m, abs=1e-12)
    h = 1e-6
    slope = (own(state.m + h, state.m) - own(state.m - h, state.m)) / (2 * h)
    assert 1 - slope == pytest.approx(state.eigenvalue, abs=1e-8)
    bound = crosstalk_sum(lam, abs) / lam  # E|S_K|: S_K is the same sum of K signs
    assert mt.medium_load_parallel(0.0, lam).m == pytest.approx(bound, abs=1e-12)


@pytest.mark.parametrize("lam", [0.2, 2.0])
def test_medium_load_near_and_below_T_c(lam):
    # Below T_c = 1 (units of 1 - d), with eps = 1 - T: m^2 = 3 eps / (1 + 3 lam) and the
    # eigenvalue 2 eps / (1 + 3 lam), from the cubic terms; zero above T_c.
    eps = 1e-5
    state = mt.medium_load_parallel(1 - eps, lam)
    assert state.m**2 == pytest.approx(3 * eps / (1 + 3 * lam), rel=1e-3)
    assert state.eigenvalue == pytest.approx(2 * eps / (1 + 3 * lam), rel=1e-3)
    assert mt.medium_load_parallel(1.2, lam).m == 0.0
    # the ties 1 + S = 0 make it unstable as T falls: the eigenvalue changes sign once
    # (with cross-talk "symmetric retrieval becomes unstable as temperature is lowered",
    # Bartolucci & Annibale 2014, abstract)
    edge = mt.medium_load_stable_below(lam)
    assert mt.medium_load_parallel(edge * 0.99, lam).eigenvalue < 0
    assert mt.medium_load_parallel(edge * 1.01, lam).eigenvalue > 0
    assert mt.medium_load_parallel(0.9, lam).eigenvalue > 0


@pytest.mark.parametrize(("lam", "P"), [(0.2, 3), (0.2, 8), (2.0, 4), (2.0, 8), (5.0, 8)])
@pytest.mark.parametrize("T", [0.0, 0.3, 0.6, 0.9])
def test_medium_load_at_finite_P_is_the_low_load_parallel_state(lam, P, T):
    # With P patterns kept (other patterns at a site Binomial(P - 1, 1 - d)), the
    # medium-load state is the low-load parallel state at d = 1 - lam / P, in units of
    # 1 - d, and its eigenvalue the low-load Hessian's along (1, -1, 0, ...): computed
    # here by the exact sum over the 3^P site configurations, code shared with nothing
    # in the medium-load solver.
    a = lam / P
    state = mt.medium_load_parallel(T, lam, patterns=P)
    m = mt.parallel_state(1 - a, a * T, P)
    assert state.m == pytest.approx(m / a, abs=1e-12)
    if T == 0.0:
        return
    v = np.zeros(P)
    v[:2] = (1.0, -1.0)
    transverse = v @ mt.hessian(np.full(P, m), 1 - a, a * T) @ v / 2
    assert state.eigenvalue == pytest.approx(transverse, abs=1e-12)


@pytest.mark.parametrize("lam", [0.2, 2.0])
@pytest.mark.parametrize("T", [0.0, 0.5, 0.8])
def test_medium_load_is_the_large_P_limit(lam, T):
    # P -> infinity at fixed lam = P (1 - d): Binomial(P - 1, lam / P) -> Poisson(lam),
    # the gap closing as 1/P (halving from P = 80 to 160; what is left after
    # extrapolating it away is below 1e-4).
    limit = mt.medium_load_parallel(T, lam)
    gaps = []
    for P in (80, 160):
        state = mt.medium_load_parallel(T, lam, patterns=P)
        gaps.append(np.array([state.m - limit.m, state.eigenvalue - limit.eigenvalue]))
    for g80, g160 in zip(*gaps):
        if math.isnan(g80):  # the eigenvalue at T = 0
            continue
        assert abs(g160) < 0.01 and g80 / g160 == pytest.approx(2.0, abs=0.1)
        assert abs(2 * g160 - g80) < 1e-4
    edge = mt.medium_load_stable_below(lam, patterns=160)
    assert edge == pytest.approx(mt.medium_load_stable_below(lam), abs=0.01)


def test_medium_load_patterns_argument():
    assert mt.medium_load_parallel(0.5, 0.0, patterns=2) == mt.medium_load_parallel(0.5, 0.0)
    with pytest.raises(ValueError, match="patterns must be at least patterns_per_spin"):
        mt.medium_load_parallel(0.5, 3.0, patterns=2)
    with pytest.raises(ValueError, match="patterns must be in"):
        mt.medium_load_parallel(0.5, 0.5, patterns=1)


# ---------------------------------------------------------------------------------
# Domain errors


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mt.solutions(1.0, 0.1, 2), "d must be in"),
        (lambda: mt.solutions(-0.1, 0.1, 2), "d must be in"),
        (lambda: mt.solutions(0.3, -0.1, 2), "T must be in"),
        (lambda: mt.solutions(0.3, 0.1, 0), "P must be in"),
        (lambda: mt.global_minimum([0.2, 1.2], 0.1, 2), "d must be in"),
        (lambda: mt.hierarchical_state(0.3, 0), "P must be in"),
        (lambda: mt.hessian([0.1, 0.2], 0.3, 0.0), "T must be in"),
        (lambda: mt.self_consistency(0.5, 0.3, 0.1), "m must be"),
        (lambda: mt.free_energy([np.nan], 0.3, 0.1), "m must be"),
        (lambda: mt.majority_overlap(0.3, 0, 0.5), "M must be in"),
        (lambda: mt.majority_overlap(0.3, 5, 1.5), "r must be in"),
        (lambda: mt.majority_overlap_limit(0.3, -1.0), "entropy must be in"),
        (lambda: mt.unsupervised_solutions(0.3, 0.0, 3, 9, 0.5), "M must leave"),
        (lambda: mt.unsupervised_solutions(0.3, 0.0, 1, 0, 0.5), "M must be in"),
        (lambda: mt.medium_load_parallel(-0.1, 1.0), "reduced_T must be in"),
        (lambda: mt.medium_load_parallel(0.5, 60.0), "patterns_per_spin must be in"),
    ],
)
def test_domain_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors():
    with pytest.raises(TypeError, match="P must be an integer"):
        mt.solutions(0.3, 0.1, 2.5)
