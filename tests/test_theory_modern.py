"""Tests for theory.modern: paper values, hand-computed cases, bounds as properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from theory import modern


def _update(xi, s, beta):
    """One step of the modern Hopfield update, s <- xi^T softmax(beta xi s), in NumPy."""
    a = beta * (xi @ s)
    p = np.exp(a - a.max())
    return xi.T @ (p / p.sum())


# ---------------------------------------------------------------------------------
# Values printed in the paper


def test_storage_constants_printed_after_theorem_3():
    # Ramsauer et al. (2021), after Theorem 3: c >= 3.1546 for beta = 1, K_R = 3, N = 20,
    # p = 0.001 (a + ln b > 1.27), and c >= 1.3718 for beta = 1, K_R = 1, N = 75,
    # p = 0.001 (a + ln b < -0.94); the radius is max_norm = K_R sqrt(N - 1) (the paper's d is N).
    assert modern.storage_constant(20, 0.001, 1.0, 3 * math.sqrt(19)) == pytest.approx(
        3.1546, abs=1e-4
    )
    assert modern.storage_constant(75, 0.001, 1.0, math.sqrt(74)) == pytest.approx(
        1.3718, abs=1e-4
    )
    c = modern.storage_constant(20, 0.001, 1.0, 3 * math.sqrt(19))
    assert modern.storage_capacity(20, 0.001, 1.0, 3 * math.sqrt(19)) == pytest.approx(
        math.sqrt(0.001) * c ** (19 / 4), rel=1e-15
    )


def test_storage_capacity_is_exponential_in_d():
    # At fixed K_R = M / sqrt(N - 1), c tends to b / W0(b) as N grows: log P is linear in N.
    logs = [
        math.log(modern.storage_capacity(N, 0.01, 1.0, 2 * math.sqrt(N - 1)))
        for N in (200, 400, 600)
    ]
    assert logs[2] - logs[1] == pytest.approx(logs[1] - logs[0], rel=1e-2)
    assert logs[2] - logs[1] > 10


def test_energy_bounds_printed():
    # 0 <= E <= 2 M^2 (Lemma A1): with P = 1 and s = xi^1 the energy is exactly 0.
    xi = np.array([[3.0, 4.0]])
    assert modern.energy(xi, xi[0], 2.0) == pytest.approx(0.0, abs=1e-14)
    assert modern.energy_bounds(xi, 2.0) == (0.0, 12.5)  # min(ln 1 / beta + M^2 / 2, 2 M^2)


# ---------------------------------------------------------------------------------
# Hand-computed cases


def test_energy_by_hand():
    xi = np.eye(2)
    # s = 0: -ln(2) / beta + 0 + ln(2) / beta + 1/2
    assert modern.energy(xi, [0.0, 0.0], 1.7) == pytest.approx(0.5, rel=1e-15)
    # s = xi^1: -(1/3) ln(e^3 + 1) + 1/2 + ln(2) / 3 + 1/2
    want = -math.log(math.exp(3) + 1) / 3 + 1 + math.log(2) / 3
    assert modern.energy(xi, [1.0, 0.0], 3.0) == pytest.approx(want, rel=1e-14)


def test_energy_log_sum_exp_is_stable():
    xi = np.array([[100.0, 0.0], [0.0, 100.0], [70.0, 70.0]])
    s = np.array([100.0, 0.0])
    for beta in (1e-3, 1.0, 1e3):
        e = modern.energy(xi, s, beta)
        assert math.isfinite(e) and e >= 0.0
    # beta -> infinity: E -> -max_mu xi^mu . s + |s|^2 / 2 + M^2 / 2 = 0 here.
    assert modern.energy(xi, s, 1e6) == pytest.approx(0.0, abs=1e-3)


def test_separation_by_hand():
    np.testing.assert_array_equal(modern.separation(np.eye(3)), [1.0, 1.0, 1.0])
    # Gram matrix [[4, 2, 0], [2, 2, 1], [0, 1, 1]]
    xi = np.array([[2.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    np.testing.assert_allclose(modern.separation(xi), [2.0, 0.0, 0.0])
    # Equal norms: Delta_mu = min_nu |xi^mu - xi^nu|^2 / 2
    rng = np.random.default_rng(3)
    Y = rng.normal(size=(6, 4))
    Y /= np.linalg.norm(Y, axis=1, keepdims=True)
    dist2 = ((Y[:, None] - Y[None]) ** 2).sum(-1) + np.diag(np.full(6, np.inf))
    np.testing.assert_allclose(modern.separation(Y), 0.5 * dist2.min(axis=1), rtol=1e-12)


def test_well_separation_by_hand():
    # P = 2, M = 1: threshold 2 / (2 beta) + ln(2 * 1 * 2 * beta) / beta.
    assert modern.separation_threshold(2, 10.0, 1.0) == pytest.approx(0.1 + math.log(40) / 10)
    assert modern.separation_threshold(2, 1.0, 1.0) == pytest.approx(1 + math.log(4))
    # Orthonormal patterns have Delta = 1: well separated at beta = 10, not at beta = 1.
    assert modern.well_separated(np.eye(2), 10.0).tolist() == [True, True]
    assert modern.well_separated(np.eye(2), 1.0).tolist() == [False, False]


def test_retrieval_error_bound_by_hand():
    xi = np.eye(2)
    beta = 2.0
    # s = xi^1: f(s) = (e^2, 1) / (e^2 + 1), at distance sqrt(2) / (e^2 + 1) from xi^1;
    # the bound is 2 (P - 1) exp(-beta Delta) M = 2 e^-2.
    bound = modern.retrieval_error_bound(xi, xi[0], beta, 0)
    assert bound == pytest.approx(2 * math.exp(-2), rel=1e-15)
    assert np.linalg.norm(_update(xi, xi[0], beta) - xi[0]) == pytest.approx(
        math.sqrt(2) / (math.exp(2) + 1), rel=1e-14
    )
    assert np.linalg.norm(_update(xi, xi[0], beta) - xi[0]) <= bound
    # A query at distance 0.1 pays exp(2 beta 0.1 M) = e^0.4.
    s = np.array([1.0, 0.1])
    assert modern.retrieval_error_bound(xi, s, beta, 0) == pytest.approx(
        2 * math.exp(-2 * (1 - 0.2)), rel=1e-14
    )
    # Several queries at once: the bounds one by one
    batch = modern.retrieval_error_bound(xi, np.stack([xi[0], s, xi[1]]), beta, [0, 0, 1])
    np.testing.assert_allclose(batch, [2 * math.exp(-2), 2 * math.exp(-1.6), 2 * math.exp(-2)])
    # Far from the pattern the bound is uninformative but finite or inf, never an error.
    assert modern.retrieval_error_bound(xi, [-1e3, 0.0], 50.0, 0) == math.inf


# ---------------------------------------------------------------------------------
# Properties


def _patterns(min_P=1):
    return st.integers(min_P, 6).flatmap(
        lambda P: st.integers(1, 5).flatmap(
            lambda N: arrays(np.float64, (P, N), elements=st.floats(-3, 3, width=64))
        )
    )


@settings(max_examples=60, deadline=None)
@given(xi=_patterns(), data=st.data(), beta=st.floats(1e-2, 1e2))
def test_energy_is_nonnegative_and_bounded_on_the_hull(xi, data, beta):
    P, N = xi.shape
    s = data.draw(arrays(np.float64, N, elements=st.floats(-10, 10, width=64)))
    weights = data.draw(arrays(np.float64, P, elements=st.floats(0, 1, width=64)))
    scale = 1.0 + np.max(np.abs(xi)) ** 2
    assert modern.energy(xi, s, beta) >= -1e-12 * scale  # Lemma A1, any state
    lower, upper = modern.energy_bounds(xi, beta)
    hull = xi.T @ (weights + 1e-3) / np.sum(weights + 1e-3)
    for state in (hull, _update(xi, s, beta)):  # one update lands in the hull
        assert lower - 1e-12 * scale <= modern.energy(xi, state, beta) <= upper + 1e-12 * scale


@settings(max_examples=60, deadline=None)
@given(xi=_patterns(), data=st.data(), beta=st.floats(1e-2, 1e2))
def test_update_never_raises_the_energy(xi, data, beta):
    s = data.draw(arrays(np.float64, xi.shape[1], elements=st.floats(-10, 10, width=64)))
    scale = 1.0 + np.max(np.abs(xi)) ** 2 + s @ s
    new = _update(xi, s, beta)
    assert modern.energy(xi, new, beta) <= modern.energy(xi, s, beta) + 1e-12 * scale


@settings(max_examples=80, deadline=None)
@given(xi=_patterns(min_P=2), data=st.data(), beta=st.floats(1e-2, 30))
def test_retrieval_error_bound_holds(xi, data, beta):
    P, N = xi.shape
    mu = data.draw(st.integers(0, P - 1))
    noise = data.draw(arrays(np.float64, N, elements=st.floats(-0.5, 0.5, width=64)))
    s = xi[mu] + noise
    error = np.linalg.norm(_update(xi, s, beta) - xi[mu])
    assert error <= modern.retrieval_error_bound(xi, s, beta, mu) * (1 + 1e-12) + 1e-12


def test_well_separated_patterns_have_a_nearby_fixed_point():
    # Lemma A7: iterating the update from xi^mu stays within 1 / (beta P M) of xi^mu.
    rng = np.random.default_rng(11)
    xi = rng.normal(size=(20, 64))
    xi *= 3.0 / np.linalg.norm(xi, axis=1, keepdims=True)
    beta = 8.0
    assert np.all(modern.well_separated(xi, beta))
    radius = 1.0 / (beta * 20 * 3.0)
    for mu in range(20):
        s = xi[mu].copy()
        for _ in range(5):
            s = _update(xi, s, beta)
            assert np.linalg.norm(s - xi[mu]) <= radius


# ---------------------------------------------------------------------------------
# Domain errors


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: modern.energy(np.ones(3), np.ones(3), 1.0), "xi must have shape"),
        (lambda: modern.energy(np.ones((2, 3)), np.ones(2), 1.0), "s must have shape"),
        (lambda: modern.energy(np.ones((2, 3)), np.ones(3), 0.0), "beta must"),
        (lambda: modern.energy([[1.0, np.nan]], [1.0, 1.0], 1.0), "xi must be finite"),
        (lambda: modern.energy(np.eye(2), [np.inf, 0.0], 1.0), "s must be finite"),
        (lambda: modern.separation(np.ones((1, 3))), "xi must have shape"),
        (lambda: modern.well_separated(np.zeros((2, 3)), 1.0), "xi must have a nonzero"),
        (lambda: modern.retrieval_error_bound(np.eye(2), [1.0, 0.0], 1.0, 2), "mu must"),
        (lambda: modern.separation_threshold(1, 1.0, 1.0), "P must"),
        (lambda: modern.separation_threshold(2, 1.0, 0.0), "max_norm must"),
        (lambda: modern.storage_constant(1, 0.1, 1.0, 1.0), "N must"),
        (lambda: modern.storage_constant(10, 0.0, 1.0, 1.0), "failure must"),
        (lambda: modern.storage_capacity(3, 0.001, 1.0, 1.0), "Theorem 3 needs"),
        (lambda: modern.energy_bounds(np.eye(2), -1.0), "beta must"),
    ],
)
def test_domain_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors_name_the_argument():
    with pytest.raises(TypeError, match="xi must be a real array"):
        modern.energy(np.array([["a", "b"]]), ["a", "b"], 1.0)
    with pytest.raises(TypeError, match="s must be a real array"):
        modern.energy(np.eye(2), np.array([1 + 1j, 0]), 1.0)
    with pytest.raises(TypeError, match="mu must be an integer"):
        modern.retrieval_error_bound(np.eye(2), [1.0, 0.0], 1.0, 0.5)
