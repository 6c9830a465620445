"""Where float64 ends: the p-spin model's fields, and theory at extreme parameters.

A model or a formula either computes what it is asked in float64, checked here against
exact (integer, rational or 50-digit decimal) arithmetic, or refuses it; it never
returns numbers that float64 could not hold (fields underflowing to 0, NaN, inf).
"""

import math
from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import pytest

from assoc import patterns
from assoc.models import PSpinHopfield
from assoc.models.dense import _elementary_times_factorial
from theory import dendritic as td
from theory import dense as tdense
from theory import modern as tm

getcontext().prec = 50


def exact_pspin(xi, s, p):
    """Fields h_i and energy of the p-spin model, exactly (Fractions), by the recurrence
    for k! e_k of N signs (independent of the kernels: Python integers throughout)."""
    P, N = xi.shape
    G = _elementary_times_factorial(p - 1, N - 1)
    F = _elementary_times_factorial(p, N)
    norm = Fraction(1, N ** (p - 1))
    M = [int(x) for x in xi.astype(np.int64) @ s.astype(np.int64)]
    h = []
    for i in range(N):
        total = 0
        for mu in range(P):
            x = M[mu] - int(xi[mu, i]) * int(s[i])
            total += int(xi[mu, i]) * sum(c * x**k for k, c in enumerate(G))
        h.append(norm * Fraction(total, math.factorial(p - 1)))
    E = -norm * Fraction(sum(sum(c * x**k for k, c in enumerate(F)) for x in M), math.factorial(p))
    return h, E


def accepted(N, p):
    try:
        PSpinHopfield(N, p)
    except ValueError:
        return False
    return True


N = 60
P_ACCEPTED = [p for p in range(2, N + 1) if accepted(N, p)]


def test_the_p_spin_model_is_refused_before_float64_gives_out():
    # the issue: p = 120 at N = 200 had every field 0 (every state a fixed point), and
    # p = 170 failed at store with an OverflowError
    for p in (120, 170):
        with pytest.raises(ValueError, match="p must be one whose fields float64 holds"):
            PSpinHopfield(200, p)
    assert accepted(200, 27) and 20 < max(P_ACCEPTED) < 40


@pytest.mark.parametrize("p", P_ACCEPTED[::3] + P_ACCEPTED[-1:])
def test_accepted_p_spin_fields_and_energies_match_exact_arithmetic(p):
    xi = patterns.random_spins(3, N, rng=p)
    s = patterns.flip(xi[0], 0.3, rng=p + 1)
    net = PSpinHopfield(N, p).store(xi)
    h_exact, E_exact = exact_pspin(xi, s, p)
    h = net.field(s)
    # the scale of a crosstalk term, N^-(p-1) sqrt(C(N - 1, p - 1)), and the criterion's
    # 2^-20 of it (or of the field itself)
    typical = math.sqrt(math.comb(N - 1, p - 1)) / float(N) ** (p - 1)
    for got, want in zip(h, h_exact):
        assert abs(got - float(want)) <= 2.0**-20 * max(abs(float(want)), typical)
        assert want == 0 or np.sign(got) == np.sign(want)
    assert net.energy(s) == pytest.approx(float(E_exact), rel=2.0**-20)


def _horner_error(N, p):
    """The largest error of float64 Horner (numpy.polyval) on k! e_(p-1) of N - 1 signs at
    the sums x of N - 1 signs, relative to the exact value, and the fraction of signs
    it gets right."""
    G = _elementary_times_factorial(p - 1, N - 1)
    x = np.arange((N - 1) % 2, N, 2)
    floats = np.polyval(np.array(G[::-1], dtype=np.float64), x.astype(np.float64))
    exact = np.array([float(sum(c * int(v) ** k for k, c in enumerate(G))) for v in x])
    error = np.max(np.abs(floats - exact) / np.maximum(np.abs(exact), 1))
    return error, np.mean(np.sign(floats) == np.sign(exact))


def test_float64_cannot_evaluate_the_fields_of_refused_p():
    # the premise of the refusal: beyond it float64 loses more than the 2^-20 allowed,
    # and further on it gets the signs of the fields wrong
    refused = [p for p in range(max(P_ACCEPTED) + 1, N + 1)]
    assert not any(accepted(N, p) for p in refused)
    assert _horner_error(N, max(P_ACCEPTED) + 15)[0] > 2.0**-20
    error, signs = _horner_error(N, N - 2)
    assert error > 1 and signs < 0.9


def lse(beta, a):
    """beta^-1 ln sum exp(beta a) in 50-digit decimals."""
    b = Decimal(beta)
    return float(sum((b * Decimal(float(x))).exp() for x in a).ln() / b)


@pytest.mark.parametrize("beta", [1e-300, 1e-12, 1.0, 30.0, 1e300])
def test_modern_energy_is_computed_at_every_beta(beta):
    xi = patterns.gaussian(5, 4, rng=0).astype(np.float64)
    s = xi[0] + 0.1
    a = xi @ s
    rest = 0.5 * s @ s + 0.5 * np.max(np.sum(xi * xi, axis=1))
    if beta < 1e-10:  # the limit beta -> 0: -mean(a)
        want = -np.mean(a) + rest
    elif beta > 1e10:  # beta -> inf: -max(a)
        want = -np.max(a) + rest
    else:
        want = -lse(beta, a) + math.log(5) / beta + rest
    assert tm.energy(xi, s, beta) == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("beta", "max_norm"), [(1e300, 2.0), (1.0, 1e-300), (1e-300, 2.0)])
def test_separation_threshold_at_extremes(beta, max_norm):
    P = 10
    b, M = Decimal(beta), Decimal(max_norm)
    want = 2 / (b * P) + (2 * (P - 1) * P * b * M * M).ln() / b
    if abs(want) > Decimal("1.7e308"):
        with pytest.raises(ValueError, match="beta must be such that the result is finite"):
            tm.separation_threshold(P, beta, max_norm)
    else:
        assert tm.separation_threshold(P, beta, max_norm) == pytest.approx(float(want), rel=1e-13)


def test_dense_theory_refuses_what_float64_cannot_hold():
    assert tdense.exponential_P_max(1000) == pytest.approx(
        math.exp(1000 * math.log(2) / 2) + 1, rel=1e-12
    )
    with pytest.raises(ValueError, match="N must be small enough that exp"):
        tdense.exponential_P_max(2100)
    assert tdense.alpha_to_full_power(1e308, 3) == 1e308 * (2 / 3)
    with pytest.raises(ValueError, match="alpha must be such that the result is finite"):
        tdense.alpha_from_full_power(1e308, 4)


def test_p_spin_theory_at_tiny_temperature_is_the_zero_temperature_one():
    # below (p - 1)! T = 1e-8 the T = 0 equations hold (their O(T) corrections, about
    # 3 T at p = 3, are measured here at T = 1e-6)
    zero = tdense.alpha_c(3)
    assert tdense.alpha_c(3, 1e-9) == zero
    assert tdense.alpha_c(3, 5e-324) == zero
    assert abs(tdense.alpha_c(3, 1e-6) - zero) < 5e-6


def test_huge_unions_are_the_full_set():
    # a union of 10^12 random SDRs covers every cell: the chain stops where it stands
    # still, exactly at the law of fewer sets
    many = td.union_size_pmf(40, 6, 10**12)
    assert many[40] == td.union_size_pmf(40, 6, 2000)[40]
    assert np.count_nonzero(many) == 1
    assert td.union_size_pmf(40, 0, 10**12, exact=True)[0] == 1
