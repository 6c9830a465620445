"""Each spin kernel against a plain NumPy oracle, in both field representations."""

import numpy as np
import pytest

from assoc.models._base import CouplingFields, OverlapFields, logistic_thresholds


def _couplings(kind, rng, P, N, d):
    """(engine, J_reference): the reference fields of either engine are exact, so the
    oracle and the kernel agree on every tie h_i == 0."""
    xi = rng.choice([-1, 1], size=(P, N)).astype(np.int8)
    xi[rng.random((P, N)) < d] = 0
    if kind is OverlapFields:
        J = xi.T.astype(np.int64) @ xi  # N J, integer: exact fields
        np.fill_diagonal(J, 0)
        return OverlapFields(xi), J, N
    # generic symmetric float32 couplings: no ties
    A = rng.standard_normal((N, N)).astype(np.float32)
    J = (A + A.T) / np.float32(2 * np.sqrt(N))
    np.fill_diagonal(J, 0.0)
    return CouplingFields(J), J, 1


def zero_T_reference(J, s, order):
    s = s.copy()
    for i in order:
        h = J[i].astype(np.float64) @ s
        if h != 0:
            s[i] = 1 if h > 0 else -1
    return s


def glauber_reference(J, s, beta, sites, u):
    s, flips = s.copy(), 0
    for i, ui in zip(sites, u):
        h = J[i].astype(np.float64) @ s
        new = 1 if ui < 0.5 * (1 + np.tanh(beta * h)) else -1
        flips += new != s[i]
        s[i] = new
    return s, flips


ENGINES = [
    pytest.param(CouplingFields, 0.0, id="couplings"),
    pytest.param(OverlapFields, 0.0, id="overlaps"),
    pytest.param(OverlapFields, 0.3, id="overlaps-diluted"),
]


@pytest.mark.parametrize(("kind", "d"), ENGINES)
@pytest.mark.parametrize("B", [1, 3])
def test_zero_T_sweep_matches_numpy(kind, d, B):
    rng = np.random.default_rng(7)
    engine, J, scale = _couplings(kind, rng, 5, 41, d)
    s = rng.choice([-1, 1], size=(B, 41)).astype(np.int8)
    start = s.copy()
    order = np.stack([rng.permutation(41) for _ in range(B)]).astype(np.int32)[:, None]
    active = np.arange(B) < max(1, B - 1)  # the last replica of a batch sits out
    flips = np.zeros(B, dtype=np.int64)
    kept = engine.start(s)
    engine.sweeps(s, kept, order, np.zeros((B, 1, 41)), np.zeros((B, 41)), 1, active, flips)
    for b in range(B):
        want = zero_T_reference(J, start[b], order[b, 0]) if active[b] else start[b]
        np.testing.assert_array_equal(s[b], want)
        assert flips[b] == np.sum(s[b] != start[b])
    np.testing.assert_allclose(engine.fields(s, kept), s.astype(np.float64) @ J / scale, atol=1e-6)


@pytest.mark.parametrize(("kind", "d"), ENGINES)
@pytest.mark.parametrize("B", [1, 2])
def test_glauber_sweeps_match_numpy(kind, d, B):
    rng = np.random.default_rng(8)
    C, N, beta = 3, 31, 1.7
    engine, J, scale = _couplings(kind, rng, 4, N, d)
    s = rng.choice([-1, 1], size=(B, N)).astype(np.int8)
    sites = rng.integers(0, N, size=(B, C, N), dtype=np.int32)
    u = rng.random((B, C, N))
    want, want_sum, want_flips = s.copy(), np.zeros((B, N)), np.zeros(B, dtype=np.int64)
    for b in range(B):
        for c in range(C):
            want[b], n = glauber_reference(J, want[b], beta / scale, sites[b, c], u[b, c])
            want_flips[b] += n
            if c >= 1:
                want_sum[b] += want[b]
    kept = engine.start(s)
    s_sum, flips = np.zeros((B, N)), np.zeros(B, dtype=np.int64)
    z = logistic_thresholds(u, beta)
    engine.sweeps(s, kept, sites, z, s_sum, 1, np.ones(B, bool), flips)
    np.testing.assert_array_equal(s, want)
    np.testing.assert_array_equal(s_sum, want_sum)
    np.testing.assert_array_equal(flips, want_flips)
    np.testing.assert_allclose(engine.fields(s, kept), s.astype(np.float64) @ J / scale, atol=1e-6)


def test_logistic_thresholds_give_the_heat_bath_probability():
    # P(z < h) = (1 + tanh(beta h)) / 2 exactly in distribution; check the map u -> z is
    # the inverse CDF, and that u = 0 maps to -inf rather than NaN.
    u = np.array([0.0, 0.1, 0.5, 0.9])
    z = logistic_thresholds(u, 2.0)
    assert z[0] == -np.inf and z[2] == 0.0
    np.testing.assert_allclose(0.5 * (1 + np.tanh(2.0 * z[1:])), u[1:], rtol=1e-12)


def test_overlap_fields_are_exact_integers_over_N():
    rng = np.random.default_rng(3)
    xi = rng.choice([-1, 1], size=(6, 40)).astype(np.int8)
    s = rng.choice([-1, 1], size=(2, 40)).astype(np.int8)
    M = OverlapFields(xi).start(s)
    N_h = OverlapFields(xi).fields(s, M) * 40
    np.testing.assert_array_equal(N_h, np.round(N_h))
