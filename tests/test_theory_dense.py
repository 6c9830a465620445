"""Tests for theory.dense: brute-force crosstalk, Monte Carlo flips, RS roots, limits."""

import math

import numpy as np
import pytest
from _calculus import gradient
from scipy import integrate, optimize, special

from theory import dense, hopfield

# ---------------------------------------------------------------------------------
# Full power F(x) = x^n: crosstalk, one-step error, capacity


def _crosstalk_by_enumeration(N, n):
    """g(N-1) and E[g(x)^2], x a sum of N - 1 signs, summing the binomial exactly."""
    g = lambda x: (x + 1) ** n - (x - 1) ** n  # noqa: E731
    total = sum(math.comb(N - 1, k) * g(2 * k - (N - 1)) ** 2 for k in range(N))
    return g(N - 1), total / 2 ** (N - 1)


@pytest.mark.parametrize(("N", "n"), [(2, 2), (7, 2), (12, 3), (31, 4), (20, 5), (9, 8)])
def test_crosstalk_matches_binomial_enumeration(N, n):
    signal, second = _crosstalk_by_enumeration(N, n)
    got = dense.crosstalk(N, 11, n)
    assert got.signal == signal
    assert got.variance == pytest.approx(10 * second, rel=1e-15)


def test_crosstalk_leading_order():
    # Krotov & Hopfield: signal 2 n N^(n-1), variance 4 n^2 (2n-3)!! N^(n-1) (P - 1).
    N, P, n = 10**6, 5, 4
    got = dense.crosstalk(N, P, n)
    assert got.signal == pytest.approx(2 * n * N ** (n - 1), rel=1e-5)
    assert got.variance == pytest.approx(4 * n * n * 15 * N ** (n - 1) * (P - 1), rel=1e-4)


def test_one_step_error_of_the_hopfield_network():
    # n = 2: Delta / 4 = (N - 1) + crosstalk of variance (N - 1)(P - 1).
    for N, P in [(100, 61), (1000, 200), (64, 2)]:
        want = 0.5 * special.erfc(math.sqrt((N - 1) / (P - 1) / 2))
        assert dense.one_step_error(N, P, 2) == pytest.approx(want, rel=1e-14)
    assert dense.one_step_error(50, 1, 3) == 0.0


def _flip_fraction(N, P, n, trials, rng):
    """Fraction of the spins of pattern 0 that one KH update flips, for each trial.

    Fresh random patterns each trial; every spin i is updated once with all the others
    at pattern 0: it flips when E(flipped) - E(pattern) = sum_mu F(X_mu) - F(X_mu - 2 a_mu)
    is negative, X_mu = xi^mu . xi^0 and a_mu = xi^mu_i xi^0_i.
    """
    fractions = np.empty(trials)
    for t in range(trials):
        xi = 2 * rng.integers(0, 2, size=(P, N), dtype=np.int64) - 1
        overlap = xi @ xi[0]
        a = xi * xi[0]
        delta = (overlap[:, None] ** n - (overlap[:, None] - 2 * a) ** n).sum(axis=0)
        fractions[t] = np.mean(delta < 0)
    return fractions


@pytest.mark.parametrize(("N", "P", "n"), [(51, 513, 3), (100, 61, 2)])
def test_one_step_error_matches_monte_carlo(N, P, n):
    # Parities chosen so that Delta is never 0 (docstring); Delta is a sum of P - 1
    # independent terms, Gaussian to far better than the Monte Carlo error here
    # (excess kurtosis ~ 12 / P for n = 3). The spins of one trial share their
    # patterns, so the error bar is the spread of the per-trial fractions.
    fractions = _flip_fraction(N, P, n, trials=1500, rng=np.random.default_rng(20161))
    se = fractions.std(ddof=1) / math.sqrt(fractions.size)
    want = dense.one_step_error(N, P, n)
    assert want == pytest.approx(0.1, abs=0.002)
    assert abs(fractions.mean() - want) < 4 * se


def test_P_max_formula_and_finite_N_limit():
    # Krotov & Hopfield: P_max = N^(n-1) / (2 (2n-3)!! ln N); n = 2 gives N / (2 ln N).
    assert dense.P_max(1000, 2) == pytest.approx(1000 / (2 * math.log(1000)), rel=1e-14)
    assert dense.P_max(1000, 3) == pytest.approx(1000**2 / (6 * math.log(1000)), rel=1e-14)
    assert dense.P_max(100, 5) == pytest.approx(100**4 / (2 * 105 * math.log(100)), rel=1e-14)
    for n in (2, 3, 5, 8):
        for N in (10**2, 10**3, 10**5):
            ratio = dense.P_max_finite_N(N, n) / dense.P_max(N, n)
            assert abs(ratio - 1) < (n * n + 2 * math.log(N)) / N
    # At P = P_max_finite_N the exact signal-to-noise ratio is sqrt(2 ln N).
    N, n = 400, 3
    signal, variance = dense.crosstalk(N, 2, n)
    P = dense.P_max_finite_N(N, n)
    assert signal**2 / ((P - 1) * variance) == pytest.approx(2 * math.log(N), rel=1e-12)


def test_full_power_functions_broadcast():
    got = dense.P_max(np.array([100, 1000]), 3)
    assert got.shape == (2,)
    assert got[1] == dense.P_max(1000, 3)
    assert dense.one_step_error(51, [1, 513], 3)[0] == 0.0


# ---------------------------------------------------------------------------------
# Exponential F(x) = exp(x) (Demircigil et al.)


def test_exponential_capacity():
    # rho = 0: alpha_c = I(1) / 2 = ln 2 / 2, i.e. P = 2^(N/2) + 1 (Demircigil et al.;
    # "N = 2^(d/2)" in Ramsauer et al.).
    assert dense.rate_function(1.0) == pytest.approx(math.log(2), rel=1e-15)
    assert dense.rate_function(0.0) == 0.0
    assert dense.exponential_alpha_c() == pytest.approx(math.log(2) / 2, rel=1e-15)
    assert dense.exponential_P_max(40) == pytest.approx(2.0**20 + 1, rel=1e-12)
    # I(x) = (1/2)[(1+x) ln(1+x) + (1-x) ln(1-x)], even, increasing on [0, 1].
    x = 0.6
    assert dense.rate_function(x) == pytest.approx(
        0.5 * (1.6 * math.log(1.6) + 0.4 * math.log(0.4)), rel=1e-15
    )
    assert dense.rate_function(-x) == dense.rate_function(x)
    rhos = np.linspace(0, 0.49, 20)
    assert np.all(np.diff(dense.exponential_alpha_c(rhos)) < 0)
    assert dense.exponential_alpha_c(0.25) == pytest.approx(0.5 * dense.rate_function(0.5))


# ---------------------------------------------------------------------------------
# p-spin Hebbian model: T = 0


def _own_alpha_c_T0(p):
    """An independent root: maximise alpha(m) = m^(2p-2) / (2 (p-1)! erfinv(m)^2)."""
    res = optimize.minimize_scalar(
        lambda m: -(m ** (2 * p - 2)) / (2 * math.factorial(p - 1) * special.erfinv(m) ** 2),
        bounds=(0.05, 0.9999),
        method="bounded",
        options={"xatol": 1e-12},
    )
    return -res.fun, res.x


@pytest.mark.parametrize("p", [3, 4, 5])
def test_alpha_c_T0_matches_own_root(p):
    alpha, m = _own_alpha_c_T0(p)
    assert dense.alpha_c(p) == pytest.approx(alpha, rel=1e-12)
    state = dense.rs_retrieval(dense.alpha_c(p), p)
    assert state.m == pytest.approx(m, abs=1e-6)  # m is flat at the maximum
    # The state solves m = erf(m^(p-1) / sqrt(2 alpha r)) with r = (p-1)!, q = 1.
    assert state.r == math.factorial(p - 1)
    assert state.m == pytest.approx(
        math.erf(state.m ** (p - 1) / math.sqrt(2 * dense.alpha_c(p) * state.r)), abs=1e-14
    )


def test_alpha_c_values():
    # Distinct-index convention P = alpha N^(p-1), and the full-power one.
    want = {2: 0.13790556649, 3: 0.12609521539, 4: 0.032976686533, 5: 0.0071988564175}
    for p, alpha in want.items():
        assert dense.alpha_c(p) == pytest.approx(alpha, rel=1e-9)
    assert dense.alpha_to_full_power(dense.alpha_c(3), 3) == pytest.approx(
        0.084063476924, rel=1e-9
    )
    assert dense.alpha_to_full_power(dense.alpha_c(4), 4) == pytest.approx(
        0.013190674613, rel=1e-9
    )


def test_rs_retrieval_T0_branch():
    for p in (3, 4):
        top = dense.alpha_c(p)
        ms = [dense.rs_retrieval(a, p).m for a in np.linspace(0, top, 7)]
        assert ms[0] == 1.0
        assert np.all(np.diff(ms) < 0)  # the overlap falls along the branch
        assert ms[-1] > 0.8


# ---------------------------------------------------------------------------------
# p-spin Hebbian model: T > 0


def _gauss_average(f, a, sigma):
    """<<f(a + sigma z)>> over z ~ N(0, 1) by adaptive quadrature (an independent oracle)."""
    z0 = -a / sigma
    return integrate.quad(
        lambda z: f(a + sigma * z) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi),
        -14.0,
        14.0,
        points=[z0],
        limit=400,
        epsabs=1e-14,
        epsrel=1e-12,
    )[0]


@pytest.mark.parametrize(("alpha", "p", "T"), [(0.1, 3, 0.05), (0.03, 4, 0.02), (0.12, 2, 0.2)])
def test_rs_retrieval_solves_the_equations(alpha, p, T):
    s = dense.rs_retrieval(alpha, p, T)
    beta1 = 1.0 / (math.factorial(p - 1) * T)
    a, sigma = s.m ** (p - 1), math.sqrt(alpha * s.r)
    assert s.m == pytest.approx(
        _gauss_average(lambda h: math.tanh(beta1 * h), a, sigma), abs=1e-10
    )
    assert s.q == pytest.approx(
        _gauss_average(lambda h: math.tanh(beta1 * h) ** 2, a, sigma), abs=1e-10
    )
    assert s.C == pytest.approx((1 - s.q) / T, rel=1e-12)
    if p == 2:  # AGS: the reaction term dresses the crosstalk
        assert s.r == pytest.approx(s.q / (1 - s.C) ** 2, rel=1e-12)
    else:  # no reaction term
        assert s.r == pytest.approx(math.factorial(p - 1) * s.q ** (p - 1), rel=1e-12)


def test_alpha_c_finite_T_continues_to_T0():
    # The finite-T saddle node (maximum of alpha(m) at fixed T) approaches the T = 0
    # root linearly in T.
    a0 = dense.alpha_c(3)
    gaps = [dense.alpha_c(3, T) - a0 for T in (1e-3, 1e-4, 1e-5)]
    assert all(g > 0 for g in gaps)
    assert gaps[0] / gaps[1] == pytest.approx(10, rel=0.05)
    assert gaps[1] / gaps[2] == pytest.approx(10, rel=0.05)
    assert gaps[2] < 5e-6
    for p, alpha in [(3, 0.1), (4, 0.02), (2, 0.13)]:
        cold, zero = dense.rs_retrieval(alpha, p, 1e-6), dense.rs_retrieval(alpha, p)
        assert cold.m == pytest.approx(zero.m, abs=1e-5)
        assert cold.q == pytest.approx(1.0, abs=1e-5)
        assert cold.C == pytest.approx(zero.C, rel=1e-4)
        assert cold.r == pytest.approx(zero.r, rel=1e-4)


def test_alpha_c_curve_and_T_max():
    # alpha = 0: Curie-Weiss m = tanh(beta' m^(p-1)), first order for p >= 3.
    T_max = dense.T_max(3)
    m = np.linspace(0.01, 0.99, 200001)
    assert T_max == pytest.approx(np.max(m**2 / np.arctanh(m)) / 2, rel=1e-9)
    assert dense.T_max(2) == 1.0
    Ts = np.linspace(0, 0.99 * T_max, 9)
    curve = dense.alpha_c(3, Ts)
    assert curve.shape == Ts.shape
    assert curve[-1] < 0.3 * curve[0]  # the branch closes as T -> T_max
    # rs_retrieval at alpha = 0 is the Curie-Weiss state
    T = 0.2
    s = dense.rs_retrieval(0.0, 3, T)
    assert s.m == pytest.approx(math.tanh(s.m**2 / (2 * T)), abs=1e-14)
    assert s.m > 0.9


@pytest.mark.parametrize(("alpha", "p"), [(0.1, 3), (0.03, 4), (0.006, 5)])
def test_nishimori_line(alpha, p):
    # For p >= 3 the crosstalk is a Gaussian p-spin glass: the model is a planted
    # p-spin model whose Nishimori line is T = alpha. There the local field has mean
    # equal to its variance and <<tanh h>> = <<tanh^2 h>>: every RS solution has m = q.
    s = dense.rs_retrieval(alpha, p, T=alpha)
    assert s.m == pytest.approx(s.q, abs=1e-10)


@pytest.mark.parametrize(("N", "n"), [(50, 2), (400, 3), (1600, 4)])
def test_P_half_solves_its_defining_equation(N, n):
    # (1 - P_err(P))^N = 1/2 at P_half, P_err = one_step_error (a Gaussian tail, real P
    # through the bracketing odd loads: below at floor, above at ceil)
    P = dense.P_half(N, n)
    half = [(1 - dense.one_step_error(N, k, n)) ** N for k in (math.floor(P), math.ceil(P))]
    assert half[0] > 0.5 > half[1]


def test_P_half_docstring_keeps_its_latex():
    # It was a non-raw string: "\frac", "\rangle" and "\bigl" had become a form feed, a
    # carriage return and a backspace.
    doc = dense.P_half.__doc__
    assert not [c for c in doc if ord(c) < 32 and c not in "\n\t"]
    for command in (r"\frac", r"\rangle", r"\bigl", r"\Phi^{-1}"):
        assert command in doc


def test_nose_of_the_retrieval_region_is_on_the_nishimori_line():
    # The largest alpha_c(T), found by maximisation, sits where alpha_c(T) = T.
    T_star = optimize.brentq(lambda T: dense.alpha_c(3, T) - T, 0.1, 0.2, xtol=1e-13)
    nose = optimize.minimize_scalar(
        lambda T: -dense.alpha_c(3, T), bounds=(0.12, 0.19), method="bounded",
        options=dict(xatol=1e-10),
    )  # fmt: skip
    assert nose.x == pytest.approx(T_star, abs=1e-6)


# ---------------------------------------------------------------------------------
# p = 2 is the Hopfield network (AGS)


def _own_ags_alpha_c():
    """AGS at T = 0: m = erf(y), sigma = m / (sqrt2 y), C = sqrt(2/pi) e^(-y^2) / sigma,
    sqrt(alpha) = sigma (1 - C) = sqrt(alpha r) (1 - C); the largest alpha over y."""

    def sqrt_alpha(y):
        return math.erf(y) / (math.sqrt(2) * y) - math.sqrt(2 / math.pi) * math.exp(-y * y)

    res = optimize.minimize_scalar(
        lambda y: -sqrt_alpha(y), bounds=(0.5, 4.0), method="bounded", options={"xatol": 1e-12}
    )
    return sqrt_alpha(res.x) ** 2


def test_p2_is_ags_at_T0():
    alpha_c = _own_ags_alpha_c()
    assert alpha_c == pytest.approx(0.1379, abs=5e-5)
    assert dense.alpha_c(2) == pytest.approx(alpha_c, rel=1e-12)
    # The state solves the AGS T = 0 equations.
    alpha = 0.1
    s = dense.rs_retrieval(alpha, 2)
    x = s.m / math.sqrt(2 * alpha * s.r)
    assert s.m == pytest.approx(math.erf(x), abs=1e-14)
    assert s.C == pytest.approx(
        math.sqrt(2 / (math.pi * alpha * s.r)) * math.exp(-x * x), rel=1e-12
    )
    assert s.r == pytest.approx((1 - s.C) ** -2, rel=1e-12)
    # Without the reaction term (C -> 0 in r, i.e. the p >= 3 form (p-1)! q^(p-1) at
    # p = 2) the m equation would be m = erf(m / sqrt(2 alpha)): a smaller crosstalk.
    assert math.erf(s.m / math.sqrt(2 * alpha)) > s.m


def test_p2_matches_theory_hopfield():
    for T in (0.0, 0.05, 0.4):
        assert dense.alpha_c(2, T) == pytest.approx(hopfield.alpha_c(T), rel=1e-10)
        s, h = dense.rs_retrieval(0.08, 2, T), hopfield.rs_retrieval(0.08, T)
        assert (s.m, s.q, s.r, s.C) == pytest.approx((h.m, h.q, h.r, h.C), rel=1e-9)


# ---------------------------------------------------------------------------------
# Conventions


def test_full_power_conversion():
    # (p-1)! / (2p-3)!!: 1, 2/3, 6/15, 24/105 for p = 2..5.
    for p, factor in [(2, 1.0), (3, 2 / 3), (4, 0.4), (5, 24 / 105)]:
        assert dense.alpha_to_full_power(1.0, p) == pytest.approx(factor, rel=1e-15)
    alphas = np.array([0.0, 0.01, 0.3])
    for p in (2, 3, 6):
        back = dense.alpha_from_full_power(dense.alpha_to_full_power(alphas, p), p)
        np.testing.assert_allclose(back, alphas, rtol=1e-15)


def test_full_power_conversion_matches_one_step_snr():
    # At leading order in N the one-step noise-to-signal ratio is alpha (p-1)! in the
    # distinct-index model and alpha_F (2n-3)!! with F(x) = x^n: they agree under the map.
    N, n, alpha = 10**5, 3, 0.05
    alpha_F = dense.alpha_to_full_power(alpha, n)
    signal, variance = dense.crosstalk(N, round(alpha_F * N ** (n - 1)) + 1, n)
    assert variance / signal**2 == pytest.approx(alpha * math.factorial(n - 1), rel=1e-3)


# ---------------------------------------------------------------------------------
# p-spin Hebbian model: RS free energy, entropy, stability, spin glass


def _log_2cosh(u):
    return abs(u) + math.log1p(math.exp(-2.0 * abs(u)))


def _free_energy_by_quadrature(m, q, r, alpha, p, T):
    """The p-spin RS free energy of theory/README.md, its Gaussian average by quad."""
    F, beta = math.factorial(p - 1), 1.0 / T
    a, sigma = m ** (p - 1), math.sqrt(alpha * r)
    average = _gauss_average(lambda h: _log_2cosh(beta * h / F), a, sigma)
    return (
        (p - 1) * m**p / math.factorial(p)
        - alpha * beta * (1 - q**p) / (2 * math.factorial(p))
        + alpha * beta * r * (1 - q) / (2 * F * F)
        - T * average
    )


def test_free_energy_matches_quadrature():
    for m, q, r, alpha, p, T in [(0.8, 0.7, 1.3, 0.1, 3, 0.1), (0.95, 0.9, 5.0, 0.02, 4, 0.03)]:
        want = _free_energy_by_quadrature(m, q, r, alpha, p, T)
        assert dense.free_energy(m, q, r, alpha, p, T) == pytest.approx(want, abs=1e-12)


@pytest.mark.parametrize(("alpha", "p", "T"), [(0.1, 3, 0.05), (0.03, 4, 0.02), (0.3, 3, 0.1)])
def test_free_energy_is_stationary_at_the_solutions(alpha, p, T):
    solve = dense.rs_retrieval if alpha < dense.alpha_c(p, T) else dense.rs_spin_glass
    state = solve(alpha, p, T)
    f = lambda m, q, r: dense.free_energy(m, q, r, alpha, p, T)  # noqa: E731
    np.testing.assert_allclose(gradient(f, state[:3]), 0.0, atol=1e-7)


@pytest.mark.parametrize("p", [3, 4])
def test_energy_is_stationary_at_zero_temperature(p):
    alpha = 0.7 * dense.alpha_c(p)
    for state in (dense.rs_retrieval(alpha, p), dense.rs_spin_glass(alpha, p)):
        e = lambda m, C, r: dense.energy(m, C, r, alpha, p)  # noqa: E731
        x = [state.m, state.C, state.r]
        np.testing.assert_allclose(gradient(e, x)[1:], 0.0, atol=1e-8)
        if state.m > 0:
            assert gradient(e, x)[0] == pytest.approx(0.0, abs=1e-8)
        # E = -m^p / p! - alpha C / (p-1)! at the saddle point (signal and crosstalk).
        want = -(state.m**p) / math.factorial(p) - alpha * state.C / math.factorial(p - 1)
        assert e(*x) == pytest.approx(want, abs=1e-14)
    assert dense.energy(1.0, 0.0, 2.0, 0.0, 3) == pytest.approx(-1 / 6, abs=1e-15)


def test_zero_temperature_entropy_at_the_rs_capacity():
    # Issue 17 quotes -0.045 (p = 3) and -0.023 (p = 4) against AGS's -0.0014 for p = 2:
    # s_0 = -alpha C^2 / (4 (p-2)!) at alpha_c.
    s = [dense.entropy(dense.alpha_c(p), p) for p in (2, 3, 4)]
    np.testing.assert_allclose(s, [-0.0014451, -0.0448385, -0.0232249], rtol=1e-4)
    for p in (3, 4):
        state = dense.rs_retrieval(dense.alpha_c(p), p)
        want = -dense.alpha_c(p) * state.C**2 / (4 * math.factorial(p - 2))
        assert dense.entropy(dense.alpha_c(p), p) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(
    ("alpha", "p", "T", "branch"),
    [
        (0.06, 3, 0.05, "retrieval"),
        (0.12, 3, 0.1, "retrieval"),
        (0.02, 4, 0.03, "retrieval"),
        (0.3, 3, 0.1, "spin_glass"),
        (0.02, 4, 1e-3, "spin_glass"),
    ],
)
def test_entropy_is_minus_the_temperature_derivative_of_the_free_energy(alpha, p, T, branch):
    solve = dense.rs_retrieval if branch == "retrieval" else dense.rs_spin_glass
    step = 1e-5 * T
    f = [dense.free_energy(*solve(alpha, p, t)[:3], alpha, p, t) for t in (T - step, T + step)]
    want = -(f[1] - f[0]) / (2 * step)
    assert dense.entropy(alpha, p, T, branch) == pytest.approx(want, abs=1e-7)


@pytest.mark.parametrize("branch", ["retrieval", "spin_glass"])
def test_zero_temperature_entropy_is_the_slope_of_the_free_energy(branch):
    # f(T) = E - s_0 T + o(T): the one-sided slope from the T = 0 energy, independent of
    # the closed form of s_0. On the glass s_0 = -(p-1)/(2 pi) (-1/(2 pi) at p = 2 is
    # Sherrington & Kirkpatrick's, PRL 35, 1792 (1975)).
    p, alpha = 3, 0.1
    solve = dense.rs_retrieval if branch == "retrieval" else dense.rs_spin_glass
    cold = solve(alpha, p)
    E = dense.energy(cold.m, cold.C, cold.r, alpha, p)
    slope = [
        (dense.free_energy(*solve(alpha, p, T)[:3], alpha, p, T) - E) / T for T in (1e-3, 1e-4)
    ]
    s_0 = dense.entropy(alpha, p, 0.0, branch)
    assert -slope[1] == pytest.approx(s_0, abs=2e-4)
    assert abs(slope[1] + s_0) < abs(slope[0] + s_0)
    if branch == "spin_glass":
        assert s_0 == pytest.approx(-(p - 1) / (2 * math.pi), rel=1e-12)


def test_spin_glass_solves_the_equations():
    for alpha, p, T in [(0.3, 3, 0.1), (0.05, 4, 0.01)]:
        s = dense.rs_spin_glass(alpha, p, T)
        beta1 = 1.0 / (math.factorial(p - 1) * T)
        tanh2 = _gauss_average(
            lambda h, b=beta1: math.tanh(b * h) ** 2, 0.0, math.sqrt(alpha * s.r)
        )
        assert s.m == 0.0 and s.q > 0.5
        assert s.q == pytest.approx(tanh2, abs=1e-10)
        assert s.r == pytest.approx(math.factorial(p - 1) * s.q ** (p - 1), rel=1e-12)
    with pytest.raises(ValueError, match=r"alpha must be >= 0\.127.*or T must be lower"):
        dense.rs_spin_glass(0.1, 3, 0.1)  # below the glass's spinodal load: paramagnet


def _replicon_by_quadrature(alpha, p, T):
    """1 - alpha beta^2 q^(p-2) <<sech^4 beta' h>> / (p-2)!, by quad in u = beta' h."""
    s = dense.rs_retrieval(alpha, p, T)
    width = math.factorial(p - 1) * T  # h = width u
    a, sigma = s.m ** (p - 1), math.sqrt(alpha * s.r)

    def integrand(u):
        density = math.exp(-0.5 * ((width * u - a) / sigma) ** 2) / math.sqrt(2 * math.pi)
        return width / sigma * density / math.cosh(u) ** 4

    sech4 = integrate.quad(integrand, -40, 40, epsabs=1e-15, epsrel=1e-12, limit=400)[0]
    return 1 - alpha * s.q ** (p - 2) * sech4 / (math.factorial(p - 2) * T * T)


@pytest.mark.parametrize(("fraction", "p"), [(0.5, 3), (1.0, 3), (1.0, 4)])
def test_replicon_vanishes_on_T_R(fraction, p):
    alpha = fraction * dense.alpha_c(p)
    T_R = dense.T_R(alpha, p)
    assert _replicon_by_quadrature(alpha, p, T_R) == pytest.approx(0.0, abs=1e-9)
    assert _replicon_by_quadrature(alpha, p, 0.9 * T_R) < -0.05
    assert _replicon_by_quadrature(alpha, p, 1.1 * T_R) > 0.05


def test_T_R_small_alpha_and_p2():
    # Leading order as T -> 0: T_R = 4 (p-1) alpha phi(rho) / (3 sigma), sigma^2 = alpha (p-1)!,
    # at the T = 0 state; the solved root approaches it as alpha (and T_R) falls.
    p = 3
    for alpha, tol in [(0.015, 1e-9), (0.03, 1e-5), (0.05, 1e-3)]:
        rho = dense.rs_retrieval(alpha, p).m ** 2 / math.sqrt(2 * alpha)
        leading = 8 * alpha * math.exp(-rho * rho / 2) / (3 * math.sqrt(2 * math.pi * 2 * alpha))
        assert dense.T_R(alpha, p) == pytest.approx(leading, rel=tol)
    assert dense.T_R(0.0, 3) == 0.0
    assert dense.T_R(0.1, 2) == hopfield.T_R(0.1)


@pytest.mark.parametrize(("p", "T_nose"), [(3, 0.1548586), (4, 0.0383535)])
def test_rs_is_stable_on_the_nishimori_line_and_unstable_below_its_nose(p, T_nose):
    # RS is exact on the Nishimori line T = alpha of the planted model (Nishimori, Prog.
    # Theor. Phys. 66, 1169 (1981)): the replicon is positive there, and the AT line
    # meets the spinodal alpha_c(p, T) at its nose, on that line.
    for alpha in (0.5 * T_nose, 0.9 * T_nose):
        assert _replicon_by_quadrature(alpha, p, alpha) > 0.3
    at_nose = _replicon_by_quadrature(dense.alpha_c(p, T_nose), p, T_nose)
    assert abs(at_nose) < 1e-3
    below = 0.7 * T_nose
    assert _replicon_by_quadrature(dense.alpha_c(p, below), p, below) < -0.1


def test_alpha_global_at_zero_temperature():
    # Retrieval and spin-glass energies cross; p = 2 is AGS's 0.051.
    assert dense.alpha_global(2) == hopfield.alpha_global(0.0)
    for p, want in [(3, 0.088789), (4, 0.016379)]:
        alpha = dense.alpha_global(p)
        assert alpha == pytest.approx(want, rel=1e-4)
        state, glass = dense.rs_retrieval(alpha, p), dense.rs_spin_glass(alpha, p)
        e_glass = -math.sqrt(2 * alpha / (math.pi * math.factorial(p - 1)))
        assert dense.energy(0.0, glass.C, glass.r, alpha, p) == pytest.approx(e_glass, abs=1e-14)
        e = dense.energy(state.m, state.C, state.r, alpha, p)
        assert e == pytest.approx(e_glass, abs=1e-12)


def test_p2_reduces_to_theory_hopfield():
    alpha, T = 0.1, 0.2
    state = hopfield.rs_retrieval(alpha, T)
    f = dense.free_energy(*state[:3], alpha, 2, T)
    assert f == hopfield.free_energy(*state[:3], alpha, T)
    assert dense.energy(0.9, 0.1, 1.2, alpha, 2) == hopfield.energy(0.9, 0.1, 1.2, alpha)
    assert dense.entropy(alpha, 2, T) == hopfield.entropy(alpha, T)
    assert tuple(dense.rs_spin_glass(alpha, 2, T)) == tuple(hopfield.rs_spin_glass(alpha, T))
    args = (0.96, 0.99, 0.1, 5.0, 1.4, 1.45, 0.13)
    assert dense.rsb1_energy(*args, 2) == hopfield.rsb1_energy(*args)
    # Steffan & Kühn, Z. Phys. B 95, 249 (1994): alpha_c^1RSB = 0.138186.
    assert dense.alpha_c_1rsb(2) == pytest.approx(0.138186, abs=1e-6)


# ---------------------------------------------------------------------------------
# p-spin Hebbian model: one step of RSB at T = 0


def test_rsb1_energy_matches_double_quadrature():
    m, q0, C, mu, r0, r1, alpha, p = 0.8, 0.9, 0.4, 6.0, 1.5, 2.0, 0.15, 3
    F = math.factorial(p - 1)
    s0, s1 = math.sqrt(alpha * r0), math.sqrt(alpha * (r1 - r0))

    def log_z(w):
        return math.log(_gauss_average(lambda h: math.exp(mu * abs(h) / F), w, s1))

    want = (
        (p - 1) * m**p / math.factorial(p)
        - alpha * C / (2 * F)
        - alpha * mu * (1 - q0**p) / (2 * math.factorial(p))
        + alpha * (r1 * C + mu * (r1 - r0 * q0)) / (2 * F * F)
        - _gauss_average(log_z, m ** (p - 1), s0) / mu
    )
    assert dense.rsb1_energy(m, q0, C, mu, r0, r1, alpha, p) == pytest.approx(want, abs=1e-10)


@pytest.mark.parametrize("p", [3, 4])
def test_rsb1_energy_reduces_to_rs(p):
    alpha = 0.5 * dense.alpha_c(p)
    s = dense.rs_retrieval(alpha, p)
    for mu in (1.0, 30.0):
        rsb = dense.rsb1_energy(s.m, 1 - 1e-12, s.C, mu, s.r, s.r * (1 + 1e-12), alpha, p)
        assert rsb == pytest.approx(dense.energy(s.m, s.C, s.r, alpha, p), abs=1e-9)


@pytest.mark.parametrize("p", [3, 4])
def test_rsb1_saddle_node_is_stationary_in_every_parameter(p):
    state = dense.rsb1_saddle_node(p)
    x = [state.m, state.q0, state.C, state.mu, state.r0, state.r1]
    e = lambda *x: dense.rsb1_energy(*x, state.alpha, p)  # noqa: E731
    np.testing.assert_allclose(gradient(e, x, step=1e-7) * np.abs(x), 0.0, atol=1e-8)
    assert 0.5 < state.q0 < 0.9 and state.mu > 1.0  # a genuine 1RSB state: q0 < q1 = 1
    assert state.r1 == math.factorial(p - 1)
    assert state.r0 == pytest.approx(math.factorial(p - 1) * state.q0 ** (p - 1), rel=1e-12)


def test_rsb1_capacities():
    # Computed here (no published 1RSB value of this model was available): above the RS
    # capacities, as for p = 2, and just below the RS capacity at the Nishimori nose.
    got = dense.alpha_c_1rsb([3, 4])
    np.testing.assert_allclose(got, [0.1537373, 0.0381953], rtol=1e-5)
    assert np.all(got > dense.alpha_c([3, 4]))
    assert np.all(got < [0.1548586, 0.0383535])
    assert dense.rsb1_saddle_node(3).m == pytest.approx(0.6508, abs=1e-3)


def test_rsb1_retrieval_energy_lies_above_rs():
    # At the same load the 1RSB retrieval energy is above the RS one (replica free
    # energies are maximised over the breaking), by little where RS is nearly exact.
    p = 3
    alpha = 0.8 * dense.alpha_c(p)
    rs = dense.rs_retrieval(alpha, p)
    node = dense.rsb1_saddle_node(p)
    rho = optimize.brentq(
        lambda rho: dense._rsb1_at_rho(rho, p).alpha - alpha,
        node.m ** (p - 1) / math.sqrt(node.alpha * node.r0),
        4.0,
        xtol=1e-12,
    )
    s = dense._rsb1_at_rho(rho, p)
    e_rsb = dense.rsb1_energy(s.m, s.q0, s.C, s.mu, s.r0, s.r1, alpha, p)
    gap = e_rsb - dense.energy(rs.m, rs.C, rs.r, alpha, p)
    assert 0 < gap < 1e-3 and s.m > rs.m


# ---------------------------------------------------------------------------------
# Domain errors


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: dense.alpha_c(1), "p must"),
        (lambda: dense.alpha_c(3, -0.1), "T must"),
        (lambda: dense.alpha_c(3, 0.3), "T must"),
        (lambda: dense.alpha_c(2, 1.0), "T must"),
        (lambda: dense.rs_retrieval(0.2, 3), "alpha must"),
        (lambda: dense.rs_retrieval(-0.1, 3), "alpha must"),
        (lambda: dense.one_step_error(1, 10, 3), "N must"),
        (lambda: dense.one_step_error(10, 0, 3), "P must"),
        (lambda: dense.crosstalk(10, 3, 1), "n must"),
        (lambda: dense.P_max(10, 1), "n must"),
        (lambda: dense.rate_function(1.5), "x must"),
        (lambda: dense.exponential_alpha_c(0.5), "rho must"),
        (lambda: dense.exponential_P_max(0), "N must"),
        (lambda: dense.alpha_to_full_power(-1.0, 3), "alpha must"),
        (lambda: dense.alpha_from_full_power(0.1, 1), "n must"),
        (lambda: dense.alpha_c(3, float("nan")), "T must"),
        (lambda: dense.free_energy(0.9, 1.2, 1.0, 0.1, 3, 0.1), "q must"),
        (lambda: dense.free_energy(0.9, 0.9, 1.0, 0.1, 3, 0.0), "T must"),
        (lambda: dense.free_energy(0.9, 0.9, -1.0, 0.1, 3, 0.1), "r must"),
        (lambda: dense.energy(0.9, -0.1, 2.0, 0.1, 3), "C must"),
        (lambda: dense.energy(1.5, 0.1, 2.0, 0.1, 3), "m must"),
        (lambda: dense.entropy(0.2, 3), "alpha must"),
        (lambda: dense.entropy(0.1, 3, branch="glass"), "branch must"),
        (lambda: dense.rs_spin_glass(0.0, 3), "alpha must"),
        (lambda: dense.rs_spin_glass(0.1, 3, -0.1), "T must"),
        (lambda: dense.T_R(0.13, 3), "alpha must"),
        (lambda: dense.T_R(0.1, 1), "p must"),
        (lambda: dense.alpha_global(1), "p must"),
        (lambda: dense.rsb1_energy(0.8, 1.0, 0.4, 6.0, 1.5, 2.0, 0.15, 3), "q0 must"),
        (lambda: dense.rsb1_energy(0.8, 0.9, 0.4, 6.0, 2.5, 2.0, 0.15, 3), "r1 must"),
        (lambda: dense.rsb1_energy(0.8, 0.9, 0.4, 0.0, 1.5, 2.0, 0.15, 3), "mu must"),
        (lambda: dense.rsb1_energy(0.8, 0.9, 0.4, 6.0, 1.5, 2.0, 0.0, 3), "alpha must"),
        (lambda: dense.rsb1_saddle_node(161), "p must"),
        (lambda: dense.alpha_c_1rsb(1), "p must"),
    ],
)
def test_domain_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors_name_the_argument():
    with pytest.raises(TypeError, match="N must be an integer"):
        dense.one_step_error(10.5, 3, 3)
    with pytest.raises(TypeError, match="p must be an integer"):
        dense.alpha_c(3.0)
