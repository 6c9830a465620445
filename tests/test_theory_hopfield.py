"""Tests for theory.hopfield: published values, independent quadrature, limits, stationarity."""

import functools
import math

import numpy as np
import pytest
from _calculus import gradient
from scipy import integrate, optimize

from theory import hopfield as h

# ---------------------------------------------------------------------------------
# Oracles: the AGS equations by adaptive quadrature, independent of the module's rules


def gauss_average(f, kink=0.0):
    """<<f(z)>> over z ~ N(0, 1) by scipy.integrate.quad, split at a kink."""
    density = lambda z: math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)  # noqa: E731
    pieces = [(-14.0, kink), (kink, 14.0)] if -14.0 < kink < 14.0 else [(-14.0, 14.0)]
    return sum(
        integrate.quad(lambda z: density(z) * f(z), a, b, epsabs=1e-14, epsrel=1e-13, limit=400)[0]
        for a, b in pieces
    )


def ags_residuals(state, alpha, T):
    """m, q and r equations of AGS (1987) at T > 0, evaluated by quad."""
    m, q, r, _ = state
    beta, sigma = 1.0 / T, math.sqrt(alpha * r)
    kink = -m / sigma
    tanh = lambda z: math.tanh(beta * (m + sigma * z))  # noqa: E731
    return (
        gauss_average(tanh, kink) - m,
        gauss_average(lambda z: tanh(z) ** 2, kink) - q,
        q / (1.0 - beta * (1.0 - q)) ** 2 - r,
    )


def curie_weiss(T):
    return optimize.brentq(lambda m: m - math.tanh(m / T), 1e-9, 1.0, xtol=1e-15)


# ---------------------------------------------------------------------------------
# Published values


def test_alpha_c_at_zero_temperature():
    # AGS, PRL 55, 1530 (1985) and Ann. Phys. 173, 30 (1987): alpha_c = 0.138 at T = 0;
    # Steffan & Kühn, Z. Phys. B 95, 249 (1994), abstract: alpha_c^RS = 0.137905.
    assert h.alpha_c() == pytest.approx(0.1379, abs=5e-4)
    assert h.alpha_c() == pytest.approx(0.137905, abs=1e-6)


def test_overlap_at_alpha_c():
    # AGS (1987): the retrieval overlap drops discontinuously from m = 0.967 at alpha_c.
    assert h.rs_retrieval(h.alpha_c()).m == pytest.approx(0.967, abs=0.002)


def test_retrieval_becomes_ground_state_at_alpha_0_051():
    # AGS (1987): at T = 0 the retrieval states are global minima below alpha = 0.051.
    alpha = h.alpha_global(0.0)
    assert alpha == pytest.approx(0.051, abs=1e-3)
    retrieval, glass = h.rs_retrieval(alpha), h.rs_spin_glass(alpha)
    e_retrieval = h.energy(retrieval.m, retrieval.C, retrieval.r, alpha)
    assert e_retrieval == pytest.approx(h.energy(0.0, glass.C, glass.r, alpha), abs=1e-12)
    assert h.T_c(alpha) > 0.0  # the T_c line is reentrant: its upper branch


def test_spin_glass_transition_at_one_plus_sqrt_alpha():
    # AGS (1987): the spin-glass solution (q > 0) appears below T_g = 1 + sqrt(alpha).
    alphas = np.array([0.0, 0.01, 0.05, 0.138, 0.5])
    np.testing.assert_allclose(h.T_g(alphas), 1.0 + np.sqrt(alphas), rtol=1e-15)
    for alpha in (0.01, 0.1):
        T_g = h.T_g(alpha)
        q = [h.rs_spin_glass(alpha, T_g - d).q for d in (1e-3, 1e-4)]
        assert 0.0 < q[1] < q[0] < 5e-3  # q vanishes continuously at T_g
        assert q[0] / q[1] == pytest.approx(10.0, rel=0.02)
        with pytest.raises(ValueError, match="T must"):
            h.rs_spin_glass(alpha, T_g)


def test_small_alpha_lines_approach_one_like_sqrt_alpha():
    # AGS (1985, 1987): near alpha = 0, T_M = 1 - 1.95 sqrt(alpha) and
    # T_c = 1 - 2.6 sqrt(alpha); T_g = 1 + sqrt(alpha).
    alpha = 1e-6
    assert (1.0 - h.T_M(alpha)) / math.sqrt(alpha) == pytest.approx(1.95, abs=0.01)
    assert (1.0 - h.T_c(alpha)) / math.sqrt(alpha) == pytest.approx(2.6, abs=0.01)
    assert h.T_M(0.0) == h.T_c(0.0) == h.T_M(1e-30) == 1.0
    assert (1.0 - h.T_c(1e-11)) / math.sqrt(1e-11) == pytest.approx(2.6, abs=0.01)


def test_one_step_rsb_capacity():
    # Steffan & Kühn, Z. Phys. B 95, 249 (1994), abstract: alpha_c^1RSB = 0.138186,
    # slightly above the RS value (Crisanti, Amit & Gutfreund, EPL 2, 337 (1986) had
    # estimated 0.144).
    assert h.alpha_c_1rsb() == pytest.approx(0.13819, abs=2e-5)
    assert h.alpha_c_1rsb() > h.alpha_c()
    state = h.rsb1_saddle_node()
    assert 0.99 < state.q0 < 1.0  # a genuine 1RSB solution: q0 < q1 = 1
    assert 0.0 < state.C < 1.0 and 1.0 < state.mu < 1e3 and state.r1 > state.r0
    assert state.m == pytest.approx(h.rs_retrieval(h.alpha_c()).m, abs=2e-3)


# ---------------------------------------------------------------------------------
# The solutions solve the AGS equations (independent quadrature)


@pytest.mark.parametrize(("alpha", "T"), [(0.02, 0.5), (0.1, 0.1), (0.13, 0.03), (0.001, 0.9)])
def test_retrieval_solves_ags_equations(alpha, T):
    state = h.rs_retrieval(alpha, T)
    np.testing.assert_allclose(ags_residuals(state, alpha, T), 0.0, atol=1e-10)
    assert state.C == pytest.approx((1.0 - state.q) / T, rel=1e-12)


@pytest.mark.parametrize(("alpha", "T"), [(0.05, 0.5), (0.1, 1.2), (0.14, 0.01)])
def test_spin_glass_solves_ags_equations(alpha, T):
    state = h.rs_spin_glass(alpha, T)
    assert state.m == 0.0 and state.q > 0.0
    np.testing.assert_allclose(ags_residuals(state, alpha, T), 0.0, atol=1e-10)


def test_zero_temperature_equations():
    # m = erf(m / sqrt(2 alpha r)), C = sqrt(2/(pi alpha r)) exp(-m^2/(2 alpha r)),
    # r = (1 - C)^-2, on both branches.
    for alpha in (0.01, 0.07, 0.13):
        for state in (h.rs_retrieval(alpha), h.rs_spin_glass(alpha)):
            var = alpha * state.r
            assert state.m == pytest.approx(math.erf(state.m / math.sqrt(2 * var)), abs=1e-14)
            C = math.sqrt(2 / (math.pi * var)) * math.exp(-(state.m**2) / (2 * var))
            assert state.C == pytest.approx(C, rel=1e-12)
            assert state.r == pytest.approx((1 - state.C) ** -2, rel=1e-12)


def test_free_energies_are_stationary_at_the_solutions():
    for alpha, T in [(0.05, 0.3), (0.12, 0.05)]:
        for state in (h.rs_retrieval(alpha, T), h.rs_spin_glass(alpha, T)):
            f = functools.partial(h.free_energy, alpha=alpha, T=T)
            np.testing.assert_allclose(gradient(f, state[:3]), 0.0, atol=1e-7)
    for alpha in (0.05, 0.12):
        for state in (h.rs_retrieval(alpha), h.rs_spin_glass(alpha)):
            e = functools.partial(h.energy, alpha=alpha)
            np.testing.assert_allclose(gradient(e, [state.m, state.C, state.r]), 0.0, atol=1e-7)
            # At the saddle point E = -m^2/2 - alpha (r - 1)/2.
            expected = -0.5 * state.m**2 - 0.5 * alpha * (state.r - 1.0)
            assert e(state.m, state.C, state.r) == pytest.approx(expected, abs=1e-14)


# ---------------------------------------------------------------------------------
# Limits


def test_zero_temperature_limit_of_the_finite_temperature_solution():
    # The corrections are O(T) (they make the retrieval region reentrant).
    for alpha in (0.05, 0.1, 0.13):
        cold = h.rs_retrieval(alpha, 0.0)
        for T, tol in [(1e-6, 1e-6), (0.01, 2e-3)]:
            warm = h.rs_retrieval(alpha, T)
            assert warm.m == pytest.approx(cold.m, abs=tol / 10)
            assert warm.C == pytest.approx(cold.C, abs=tol)
            assert warm.r == pytest.approx(cold.r, rel=tol)
            assert 1.0 - warm.q == pytest.approx(T * warm.C, rel=1e-12)
    assert h.alpha_c(1e-6) == pytest.approx(h.alpha_c(0.0), abs=1e-7)
    # Below T = 1e-10 the T = 0 equations are used.
    assert h.rs_retrieval(0.1, 1e-12) == h.rs_retrieval(0.1, 0.0)


def test_small_alpha_is_curie_weiss():
    assert h.rs_retrieval(1e-6, 0.0).m == 1.0
    assert h.rs_retrieval(0.0, 0.0) == (1.0, 1.0, 1.0, 0.0)
    for T in (0.3, 0.7, 0.95):
        assert h.rs_retrieval(1e-10, T).m == pytest.approx(curie_weiss(T), abs=1e-4)
        assert h.rs_retrieval(0.0, T).m == pytest.approx(curie_weiss(T), abs=1e-14)


def test_retrieval_disappears_discontinuously_at_T_M():
    for alpha in (0.01, 0.05, 0.1):
        T_M = h.T_M(alpha)
        assert h.alpha_c(T_M) == pytest.approx(alpha, rel=1e-12)
        below = h.rs_retrieval(alpha, T_M * (1 - 1e-9))
        assert below.m > 0.3  # m jumps from a finite value to 0
        path = h.rs_path(alpha, np.linspace(0.0, T_M * (1 - 1e-6), 6))
        assert np.all(np.diff(path.m) < 0.0) and path.m[-1] > 0.3
        with pytest.raises(ValueError, match="alpha must"):
            h.rs_retrieval(alpha, T_M * (1 + 1e-6))


# ---------------------------------------------------------------------------------
# The phase diagram


def test_phase_diagram_lines_are_ordered_and_inverse():
    alphas = np.linspace(0.0, 0.05, 6)
    T_c, T_M, T_g = h.T_c(alphas), h.T_M(alphas), h.T_g(alphas)
    assert np.all(T_c[1:] < T_M[1:]) and np.all(T_M[1:] < T_g[1:])
    assert np.all(np.diff(T_c) < 0.0) and np.all(np.diff(T_M) < 0.0)
    np.testing.assert_allclose(h.alpha_global(T_c[1:]), alphas[1:], rtol=1e-9)
    np.testing.assert_allclose(h.alpha_c(T_M[1:]), alphas[1:], rtol=1e-9)


def test_reentrant_noses():
    # Steffan & Kühn (1994) place alpha_c^1RSB "within the reentrant phase" of RS.
    T_nose = h.T_M(h.alpha_c_max())
    assert 0.01 < T_nose < 0.05
    assert h.alpha_c_max() == pytest.approx(h.alpha_c(T_nose), rel=1e-12)
    assert h.alpha_c(0.0) < h.alpha_c_1rsb() < h.alpha_c_max()
    assert h.alpha_c(np.array([T_nose / 2, 2 * T_nose])).max() < h.alpha_c_max()
    assert h.T_M(h.alpha_c(0.0)) > 0.0  # T_M is the upper spinodal
    T_global = h.T_c(h.alpha_global_max())
    assert h.alpha_global_max() == pytest.approx(h.alpha_global(T_global), rel=1e-10)
    assert h.alpha_global(0.0) < h.alpha_global_max()


def test_m_of_alpha_follows_the_retrieval_branch():
    alphas = np.linspace(0.0, h.alpha_c(), 8)
    m = h.m_of_alpha(alphas)
    assert m[0] == 1.0 and m[-1] == pytest.approx(0.9674, abs=1e-4)
    assert np.all(np.diff(m) < 0.0)
    assert m[3] == h.rs_retrieval(alphas[3]).m
    warm = h.m_of_alpha(alphas[:-1], T=0.2)
    assert np.all(warm < m[:-1])
    path = h.rs_path([[0.01], [0.02]], [0.1, 0.2, 0.3], branch="spin_glass")
    assert path.q.shape == (2, 3) and np.all(path.m == 0.0)


# ---------------------------------------------------------------------------------
# One-step RSB


def test_rsb1_energy_is_stationary_at_the_capacity():
    state = h.rsb1_saddle_node()
    e = functools.partial(h.rsb1_energy, alpha=state.alpha)
    params = [state.m, state.q0, state.C, state.mu, state.r0, state.r1]
    grad = gradient(e, params, step=1e-7)
    np.testing.assert_allclose(grad * np.abs(params), 0.0, atol=1e-7)


def test_rsb1_energy_matches_double_quadrature():
    # The inner average int Dy exp(mu |h|) by quad instead of its closed form.
    m, q0, C, mu, r0, r1, alpha = 0.96, 0.99, 0.1, 5.0, 1.4, 1.45, 0.13
    s0, s1 = math.sqrt(alpha * r0), math.sqrt(alpha * (r1 - r0))

    def log_z(z):
        w = m + s0 * z
        return math.log(gauss_average(lambda y: math.exp(mu * abs(w + s1 * y)), -w / s1))

    D = 1 - C - mu * (1 - q0)
    expected = (
        alpha / 2
        + m * m / 2
        + alpha / (2 * mu) * math.log(D / (1 - C))
        - alpha * q0 / (2 * D)
        + alpha / 2 * (r1 * C + mu * (r1 - r0 * q0))
        - gauss_average(log_z, -m / s0) / mu
    )
    assert h.rsb1_energy(m, q0, C, mu, r0, r1, alpha) == pytest.approx(expected, abs=1e-10)


def test_rsb1_energy_reduces_to_rs():
    state, alpha = h.rs_retrieval(0.1), 0.1
    rsb = h.rsb1_energy(state.m, 1 - 1e-12, state.C, 3.0, state.r, state.r * (1 + 1e-12), alpha)
    assert rsb == pytest.approx(h.energy(state.m, state.C, state.r, alpha), abs=1e-9)


# ---------------------------------------------------------------------------------
# The de Almeida-Thouless line of the retrieval state, and the RS entropy


def sech4_average(m, sigma, T):
    """<<sech^4 beta (m + sigma z)>> by quad in u = beta (m + sigma z), where it is sharp."""
    density = lambda u: math.exp(-0.5 * ((u * T - m) / sigma) ** 2) / math.sqrt(2 * math.pi)  # noqa: E731
    integrand = lambda u: T / sigma * density(u) / math.cosh(u) ** 4  # noqa: E731
    return integrate.quad(integrand, -40.0, 40.0, epsabs=1e-15, epsrel=1e-12, limit=400)[0]


def replicon_by_quadrature(alpha, T):
    """AGS (1987): 1 - alpha beta^2 <<sech^4 beta h>> / (1 - beta (1 - q))^2 on retrieval."""
    m, q, r, _ = h.rs_retrieval(alpha, T)
    return 1.0 - alpha / T**2 * sech4_average(m, math.sqrt(alpha * r), T) / (1 - (1 - q) / T) ** 2


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.13])
def test_replicon_vanishes_on_T_R(alpha):
    T_R = h.T_R(alpha)
    assert replicon_by_quadrature(alpha, T_R) == pytest.approx(0.0, abs=1e-9)
    assert replicon_by_quadrature(alpha, 0.9 * T_R) < -0.05  # RS unstable below
    assert replicon_by_quadrature(alpha, 1.1 * T_R) > 0.05


def test_T_R_vanishes_like_the_small_alpha_asymptote():
    # As alpha -> 0, m, r -> 1 and C -> 0 exponentially, and <<sech^4 beta h>> ->
    # (4/3) T phi(1/sqrt(alpha))/sqrt(alpha): T_R -> sqrt(8/(9 pi)) sqrt(alpha) e^(-1/(2 alpha)).
    # With sech^2 in place of sech^4 (area 2, not 4/3) the ratio would be 1.5.
    asymptote = lambda a: math.sqrt(8 / (9 * math.pi) * a) * math.exp(-0.5 / a)  # noqa: E731
    assert h.T_R(0.02) / asymptote(0.02) == pytest.approx(1.0, abs=1e-7)  # leading order
    assert h.T_R(0.03) / asymptote(0.03) == pytest.approx(1.0, abs=2e-5)  # solved
    assert h.T_R(0.0) == 0.0


def test_T_R_lies_far_below_T_M():
    alphas = np.array([0.05, 0.1, h.alpha_c()])
    T_R = h.T_R(alphas)
    np.testing.assert_allclose(T_R, [5.4192e-6, 1.45025e-3, 0.0213838], rtol=1e-4)
    assert np.all(T_R / h.T_M(alphas) < [1e-4, 0.01, 0.5])
    # At T = 0 the RS retrieval state is unstable for every alpha > 0.
    assert replicon_by_quadrature(0.05, 1e-7) < 0


def test_entropy_at_zero_temperature_and_capacity():
    # AGS (1987): the T = 0 RS entropy of the retrieval state is negative, -0.0014 at
    # alpha_c; -(alpha/2)[ln(1 - C) + C/(1 - C)], C the T = 0 susceptibility.
    assert h.entropy(h.alpha_c()) == pytest.approx(-0.0014, abs=1e-4)
    state, alpha = h.rs_retrieval(0.1), 0.1
    C = state.C
    assert h.entropy(alpha) == pytest.approx(-alpha / 2 * (math.log(1 - C) + C / (1 - C)))
    assert h.entropy(0.0) == 0.0


def test_entropy_of_the_spin_glass_tends_to_sherrington_kirkpatrick():
    # Sherrington & Kirkpatrick, PRL 35, 1792 (1975): RS ground-state entropy -1/(2 pi);
    # the Hopfield spin glass becomes SK as alpha -> infinity (C ~ sqrt(2/(pi alpha))).
    assert h.entropy(1e8, branch="spin_glass") == pytest.approx(-1 / (2 * math.pi), rel=1e-3)


def test_entropy_is_minus_the_temperature_derivative_of_the_free_energy():
    step = 1e-5
    for alpha, T, branch in [
        (0.05, 0.3, "retrieval"),
        (0.12, 0.05, "retrieval"),
        (0.1, 0.01, "retrieval"),
        (0.05, 0.5, "spin_glass"),
        (0.1, 1.2, "spin_glass"),
    ]:
        solve = h.rs_retrieval if branch == "retrieval" else h.rs_spin_glass
        f = [h.free_energy(*solve(alpha, t)[:3], alpha, t) for t in (T - step, T + step)]
        assert h.entropy(alpha, T, branch) == pytest.approx(-(f[1] - f[0]) / (2 * step), abs=1e-8)
    # One-sided at T = 0: f(T) = E - s(0) T + o(T).
    state = h.rs_retrieval(0.12)
    E = h.energy(state.m, state.C, state.r, 0.12)
    slope = [(h.free_energy(*h.rs_retrieval(0.12, T)[:3], 0.12, T) - E) / T for T in (1e-4, 1e-5)]
    assert -slope[1] == pytest.approx(h.entropy(0.12), abs=1e-5)
    assert abs(slope[1] + h.entropy(0.12)) < abs(slope[0] + h.entropy(0.12))


def test_entropy_at_zero_load_is_curie_weiss():
    for T in (0.3, 0.8):
        m = curie_weiss(T)
        want = math.log(2 * math.cosh(m / T)) - m * m / T
        assert h.entropy(0.0, T) == pytest.approx(want, rel=1e-12)
    np.testing.assert_allclose(h.entropy([0.0, 0.0], [0.3, 0.8])[1], h.entropy(0.0, 0.8))


# ---------------------------------------------------------------------------------
# Domains


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: h.rs_retrieval(-0.1), "alpha must"),
        (lambda: h.rs_retrieval(0.2), "alpha must"),  # beyond alpha_c: no retrieval
        (lambda: h.rs_retrieval(0.1, 0.5), "alpha must"),
        (lambda: h.rs_retrieval(0.01, -0.1), "T must"),
        (lambda: h.rs_retrieval(0.01, 1.0), "T must"),
        (lambda: h.rs_spin_glass(0.0), "alpha must"),
        (lambda: h.rs_spin_glass(0.1, -1.0), "T must"),
        (lambda: h.rs_path([0.1, 0.2]), "alpha must"),
        (lambda: h.rs_path(0.1, branch="paramagnet"), "branch must"),
        (lambda: h.m_of_alpha([0.05, 0.2]), "alpha must"),
        (lambda: h.m_of_alpha([0.05], T=1.5), "T must"),
        (lambda: h.alpha_c(-0.1), "T must"),
        (lambda: h.alpha_c([0.5, 1.0]), "T must"),
        (lambda: h.alpha_global(1.0), "T must"),
        (lambda: h.alpha_global(1.0 - 1e-6), "T must"),  # free energies equal to rounding
        (lambda: h.T_g(-0.01), "alpha must"),
        (lambda: h.T_M(-0.01), "alpha must"),
        (lambda: h.T_M(0.139), "alpha must"),
        (lambda: h.T_c(-0.01), "alpha must"),
        (lambda: h.T_c(0.06), "alpha must"),
        (lambda: h.T_c(1e-12), "alpha must"),  # free energies equal to rounding
        (lambda: h.free_energy(0.5, 0.9, 1.0, 0.1, 0.0), "T must"),
        (lambda: h.free_energy(0.5, 0.2, 1.0, 0.1, 0.5), "q must"),  # 1 - beta(1 - q) < 0
        (lambda: h.free_energy(0.5, 0.9, 1.0, -0.1, 0.5), "alpha must"),
        (lambda: h.energy(0.5, 1.0, 1.0, 0.1), "C must"),
        (lambda: h.energy(0.5, 0.1, -1.0, 0.1), "r must"),
        (lambda: h.rsb1_energy(0.9, 1.0, 0.1, 5.0, 1.4, 1.5, 0.1), "q0 must"),
        (lambda: h.rsb1_energy(0.9, 0.9, 0.1, 5.0, 1.4, 1.3, 0.1), "r1 must"),
        (lambda: h.rsb1_energy(0.9, 0.9, 0.1, 50.0, 1.4, 1.5, 0.1), "mu must"),
        (lambda: h.rsb1_energy(0.9, 0.9, 0.1, 5.0, 1.4, 1.5, 0.0), "alpha must"),
        (lambda: h.T_R(-0.01), "alpha must"),
        (lambda: h.T_R(0.1385), "alpha must"),
        (lambda: h.entropy(0.2), "alpha must"),
        (lambda: h.entropy(0.1, -0.1), "T must"),
        (lambda: h.entropy(0.0, branch="spin_glass"), "alpha must"),
        (lambda: h.entropy(0.1, branch="paramagnet"), "branch must"),
    ],
)
def test_rejects_parameters_outside_the_domain(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_rejects_non_numbers():
    with pytest.raises(TypeError, match="alpha must be a real number"):
        h.rs_retrieval("0.1")
    with pytest.raises(TypeError, match="T must be a real number"):
        h.alpha_c(True)
