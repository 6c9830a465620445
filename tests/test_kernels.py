"""Each spin kernel against a plain NumPy oracle."""

import numpy as np

from assoc._kernels import spins


def _couplings(rng, P, N):
    xi = rng.choice([-1, 1], size=(P, N)).astype(np.int8)
    J = (xi.T.astype(np.float32) @ xi) / np.float32(N)
    np.fill_diagonal(J, 0.0)
    return xi, J


def zero_T_reference(J, s, order):
    s = s.copy()
    for i in order:
        h = J[i].astype(np.float64) @ s
        if h != 0:
            s[i] = 1 if h > 0 else -1
    return s


def glauber_reference(J, s, beta, sites, u):
    s = s.copy()
    for i, ui in zip(sites, u):
        h = J[i].astype(np.float64) @ s
        s[i] = 1 if ui < 0.5 * (1 + np.tanh(beta * h)) else -1
    return s


def test_zero_T_sweep_matches_numpy():
    rng = np.random.default_rng(7)
    _xi, J = _couplings(rng, 5, 40)
    s = rng.choice([-1, 1], size=(3, 40)).astype(np.int8)
    order = np.stack([rng.permutation(40) for _ in range(3)]).astype(np.int32)
    want = [zero_T_reference(J, s[b], order[b]) for b in range(3)]
    h = s.astype(np.float64) @ J
    active = np.array([True, True, False])
    flips = np.zeros(3, dtype=np.int64)
    start = s.copy()
    spins.zero_T_sweep(J, s, h, order, active, flips)
    np.testing.assert_array_equal(s[:2], np.array(want[:2]))
    np.testing.assert_array_equal(s[2], start[2])  # inactive replica untouched
    np.testing.assert_array_equal(flips, [(s[0] != start[0]).sum(), (s[1] != start[1]).sum(), 0])
    np.testing.assert_allclose(h, s.astype(np.float64) @ J, atol=1e-9)


def test_glauber_sweeps_match_numpy():
    rng = np.random.default_rng(8)
    _xi, J = _couplings(rng, 4, 30)
    C, B, N, beta = 3, 2, 30, 1.7
    s = rng.choice([-1, 1], size=(B, N)).astype(np.int8)
    sites = rng.integers(0, N, size=(C, B, N), dtype=np.int32)
    u = rng.random((C, B, N))
    want = s.copy()
    want_sum = np.zeros((B, N))
    for c in range(C):
        for b in range(B):
            want[b] = glauber_reference(J, want[b], beta, sites[c, b], u[c, b])
        if c >= 1:
            want_sum += want
    h = s.astype(np.float64) @ J
    s_sum = np.zeros((B, N))
    spins.glauber_sweeps(J, s, h, beta, sites, u, s_sum, 1)
    np.testing.assert_array_equal(s, want)
    np.testing.assert_array_equal(s_sum, want_sum)
    np.testing.assert_allclose(h, s.astype(np.float64) @ J, atol=1e-9)
