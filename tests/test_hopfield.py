"""Physics of the classical Hopfield network."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from assoc import Hopfield, patterns
from assoc.models import _base, hebb, pseudo_inverse, storkey


@pytest.mark.parametrize("fields", ["couplings", "overlaps"])
def test_retrieval_below_capacity(fields):
    # alpha = 0.05 is far below alpha_c = 0.138 (AGS 1987): cues at m = 0.8 are retrieved.
    N, P = 1000, 50
    xi = patterns.random_spins(P, N, rng=1)
    cue = patterns.flip(xi, 0.1, rng=2)
    r = Hopfield(N, fields=fields).store(xi).recall(cue, rng=3)
    assert np.mean(np.diagonal(r.m) > 0.99) >= 0.95
    assert r.converged.all()


@pytest.mark.parametrize("fields", ["couplings", "overlaps"])
def test_no_retrieval_above_capacity(fields):
    # alpha = 0.2 > alpha_c = 0.138: AGS (Ann. Phys. 173, 30 (1987)) has no retrieval state,
    # so even started at the pattern the dynamics runs away (m ~ 0.3 at N = 2000).
    N, P = 2000, 400
    xi = patterns.random_spins(P, N, rng=4)
    r = Hopfield(N, fields=fields).store(xi).recall(xi[:20], rng=5)
    assert np.diagonal(r.m).mean() < 0.6


def test_pseudo_inverse_stores_correlated_patterns_hebb_loses():
    # Biased patterns (a = 0.4) at alpha = 0.75: the projection rule makes each one a
    # fixed point (Kanter & Sompolinsky 1987); Hebbian couplings are swamped by the bias.
    xi = patterns.biased_spins(150, 200, 0.4, rng=0)
    pinv = Hopfield(200, rule="pseudo_inverse").store(xi).recall(xi, rng=1)
    hebbian = Hopfield(200).store(xi).recall(xi, rng=1)
    np.testing.assert_array_equal(np.diagonal(pinv.m), 1.0)
    assert np.diagonal(hebbian.m).mean() < 0.6


def test_couplings_are_symmetric_float32_with_zero_diagonal():
    xi = patterns.random_spins(10, 60, rng=0)
    for rule in (hebb, storkey, pseudo_inverse):
        J = rule(xi)
        assert J.dtype == np.float32
        np.testing.assert_allclose(J, J.T, atol=1e-6)
        np.testing.assert_array_equal(np.diagonal(J), 0.0)


def test_storkey_first_pattern_is_hebbian_and_stores_more():
    xi = patterns.random_spins(30, 200, rng=0)
    np.testing.assert_allclose(storkey(xi[:1]), hebb(xi[:1]), atol=1e-7)
    cue = patterns.flip(xi, 0.1, rng=3)
    r = Hopfield(200, rule="storkey").store(xi).recall(cue, rng=1)
    np.testing.assert_array_equal(np.diagonal(r.m), 1.0)


def test_pseudo_inverse_is_the_projector_onto_the_patterns():
    xi = patterns.random_spins(20, 100, rng=0)
    J = pseudo_inverse(xi).astype(np.float64)
    Pr = J + np.diag(np.diag(xi.T @ np.linalg.pinv(xi @ xi.T.astype(float)) @ xi))
    np.testing.assert_allclose(Pr @ Pr, Pr, atol=1e-5)
    np.testing.assert_allclose(xi @ Pr, xi, atol=1e-5)


def test_synchronous_fixed_point_and_energy():
    xi = patterns.random_spins(20, 500, rng=0)
    net = Hopfield(500).store(xi)
    r = net.recall(patterns.flip(xi[:4], 0.1, rng=1), dynamics="sync")
    np.testing.assert_array_equal(np.diagonal(r.m), 1.0)
    assert r.converged.all()
    J = xi.T.astype(float) @ xi / 500  # E = -1/2 s J s, the Hebbian J written out
    np.fill_diagonal(J, 0)
    want = -0.5 * np.einsum("bi,ij,bj->b", r.s, J, r.s)
    np.testing.assert_allclose(r.energy, want, rtol=1e-12)
    np.testing.assert_allclose(net.energy(r.s), want, rtol=1e-12)


def test_hebbian_field_engines_agree_exactly_ties_included():
    # Both engines keep exact integer fields N h for Hebbian couplings, so from the same
    # draws they take the same path, ties h_i = 0 (which keep s_i) included: N = 1000 is
    # even and P = 100, so ties are common. Synchronous updates agree too.
    xi = patterns.random_spins(100, 1000, rng=3)
    cues = patterns.random_spins(20, 1000, rng=4)
    runs = [Hopfield(1000, fields=f).store(xi) for f in ("couplings", "overlaps")]
    for dynamics in ("async", "sync"):
        a, b = (net.recall(cues, rng=5, dynamics=dynamics) for net in runs)
        np.testing.assert_array_equal(a.s, b.s)
        np.testing.assert_array_equal(a.sweeps, b.sweeps)
    hot = [Hopfield(1000, fields=f, T=0.3).store(xi) for f in ("couplings", "overlaps")]
    a, b = (net.recall(cues[:4], rng=6, sweeps=3) for net in hot)
    np.testing.assert_array_equal(a.s, b.s)


@settings(max_examples=40, deadline=None)
@given(
    N=st.integers(2, 40),
    P=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    random_couplings=st.booleans(),
)
def test_zero_T_async_never_raises_energy(N, P, seed, random_couplings):
    rng = np.random.default_rng(seed)
    xi = patterns.random_spins(P, N, rng=rng)
    if random_couplings:
        A = rng.standard_normal((N, N)).astype(np.float32)
        J = (A + A.T) / np.float32(2 * np.sqrt(N))
        np.fill_diagonal(J, 0.0)
        engine = _base.CouplingFields(J)
    else:
        J = hebb(xi)
        engine = _base.OverlapFields(xi)
    s = patterns.random_spins(3, N, rng=rng)
    kept = engine.start(s)
    energy = lambda s: -0.5 * np.einsum("bi,ij,bj->b", s, J.astype(np.float64), s)  # noqa: E731
    E = energy(s)
    active, flips = np.ones(3, bool), np.ones(3, np.int64)
    z, unused = np.empty((3, 0, 0)), np.zeros((3, N))
    while flips.any():
        _, flips, _ = engine.sweeps(s, kept, rng.random((3, 1, N)), z, unused, 1, False, active)
        E_new = energy(s)
        assert np.all(E_new <= E + 1e-6 * (1 + np.abs(E)))
        E = E_new
    # a sweep without flips ends at a fixed point: s_i h_i >= 0 for every i
    assert np.all(s * (s.astype(np.float64) @ J) >= -1e-6)


def test_glauber_samples_the_boltzmann_distribution(boltzmann_pvalue):
    # N = 8 spins, random couplings, T = 1: final states of B independent chains against
    # exact enumeration of p(s) ~ exp(-beta E(s)). Chi-square at significance 1e-3.
    rng = np.random.default_rng(11)
    N, B, beta = 8, 40_000, 1.0
    A = rng.standard_normal((N, N)).astype(np.float32)
    J = (A + A.T) / np.float32(2.0)
    np.fill_diagonal(J, 0.0)
    s = patterns.random_spins(B, N, rng=rng)
    _base.glauber(_base.CouplingFields(J), s, beta=beta, sweeps=1, equilibrate=40, rng=rng)
    energy = lambda s: -0.5 * np.einsum("ki,ij,kj->k", s, J.astype(np.float64), s)  # noqa: E731
    assert boltzmann_pvalue(s, energy, beta) > 1e-3


@pytest.mark.parametrize("fields", ["couplings", "overlaps"])
def test_glauber_time_average_tracks_curie_weiss_at_low_load(fields):
    # One pattern (alpha -> 0): the Mattis state has m = tanh(beta m) (AGS 1985, alpha = 0).
    N, T, B = 2000, 0.8, 8
    xi = patterns.random_spins(1, N, rng=0)
    r = (
        Hopfield(N, T=T, fields=fields)
        .store(xi)
        .recall(np.repeat(xi, B, 0), sweeps=400, equilibrate=50, rng=1)
    )
    m_cw = brentq(lambda m: m - np.tanh(m / T), 1e-3, 1.0)
    m = r.m_mean[:, 0]
    # Five standard errors over B independent replicas, plus O(1/N) finite-size shift.
    tolerance = 5 * m.std(ddof=1) / np.sqrt(B) + 2.0 / N
    assert abs(m.mean() - m_cw) < tolerance


def test_same_seed_same_result_different_seed_different_result():
    xi = patterns.random_spins(60, 400, rng=0)
    cue = patterns.flip(xi[:5], 0.3, rng=1)
    net = Hopfield(400, T=0.6).store(xi)
    a = net.recall(cue, sweeps=5, rng=42)
    b = net.recall(cue, sweeps=5, rng=42)
    c = net.recall(cue, sweeps=5, rng=43)
    np.testing.assert_array_equal(a.s, b.s)
    assert not np.array_equal(a.s, c.s)
    assert not np.array_equal(
        patterns.random_spins(3, 50, rng=1), patterns.random_spins(3, 50, rng=2)
    )


def test_single_cue_and_batch_agree_in_shape():
    xi = patterns.random_spins(10, 200, rng=0)
    net = Hopfield(200).store(xi)
    one = net.recall(xi[0], rng=1)
    many = net.recall(xi[:3], rng=1)
    assert one.s.shape == (200,) and one.m.shape == (10,) and np.ndim(one.energy) == 0
    assert many.s.shape == (3, 200) and many.m.shape == (3, 10) and many.energy.shape == (3,)
    assert many[1].s.shape == (200,)
    assert net.alpha == pytest.approx(0.05)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    alpha=st.floats(0.02, 0.4),
    flip=st.floats(0.0, 0.5),
    setup=st.sampled_from(
        [
            ("hebb", "overlaps"),
            ("hebb", "couplings"),
            ("storkey", "auto"),
            ("pseudo_inverse", "auto"),
        ]
    ),
    dynamics=st.sampled_from(["async", "sync"]),
)
def test_traced_energy_never_rises_at_T0(seed, alpha, flip, setup, dynamics):
    # Asynchronous T = 0 dynamics with symmetric J, J_ii = 0 lowers E = -s.J.s/2 at every
    # flip (Hopfield 1982); the synchronous rule lowers it only at a fixed point, so for
    # it only the trace's shape and its last entry are checked.
    rule, fields = setup
    N = 120
    rng = np.random.default_rng(seed)
    xi = patterns.random_spins(max(1, round(alpha * N)), N, rng=rng)
    net = Hopfield(N, rule=rule, fields=fields).store(xi)
    cues = patterns.flip(xi[np.arange(3) % len(xi)], flip, rng=rng)
    r = net.recall(cues, rng=rng, trace=True, dynamics=dynamics)
    L = int(r.sweeps.max())
    assert r.m_trace.shape == (3, L + 1, xi.shape[0]) and r.energy_trace.shape == (3, L + 1)
    np.testing.assert_allclose(r.energy_trace[:, 0], net.energy(cues), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(r.m_trace[:, 0], patterns.overlap(xi, cues), atol=1e-12)
    np.testing.assert_allclose(r.energy_trace[:, -1], r.energy, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(r.m_trace[:, -1], r.m, atol=1e-12)
    if dynamics == "async":
        assert np.all(np.diff(r.energy_trace, axis=1) <= 1e-9 * N)


@pytest.mark.parametrize("T", [0.0, 0.5])
def test_a_traced_recall_is_the_untraced_one(T):
    # The trace only observes: the same rng gives the same run, sweep for sweep.
    xi = patterns.random_spins(20, 200, rng=0)
    net = Hopfield(200, T=T).store(xi)
    cues = patterns.flip(xi[:4], 0.3, rng=1)
    options = {"sweeps": 6, "equilibrate": 2} if T else {}
    plain = net.recall(cues, rng=2, **options)
    traced = net.recall(cues, rng=2, trace=True, **options)
    np.testing.assert_array_equal(plain.s, traced.s)
    np.testing.assert_array_equal(plain.sweeps, traced.sweeps)
    assert plain.m_mean is None or np.array_equal(plain.m_mean, traced.m_mean)
    assert plain.m_trace is None and plain.energy_trace is None


@pytest.mark.parametrize("fields", ["couplings", "overlaps"])
def test_half_masked_cues_are_retrieved_at_low_load(fields):
    # Half of each cue unknown (0, patterns.mask): the unknown bits start at random, so
    # the cue starts at m ~ 0.5 +- 1/sqrt(2N), well inside the basin at alpha = 0.05
    # (AGS 1987: the retrieval state has m = 0.9993 there); every cue is retrieved.
    N = 1000
    xi = patterns.random_spins(50, N, rng=0)
    cues = patterns.mask(xi[:20], 0.5, rng=1)
    assert np.count_nonzero(cues == 0) == 20 * N // 2
    r = Hopfield(N, fields=fields).store(xi).recall(cues, rng=2)
    assert set(np.unique(r.s)) == {-1, 1}
    assert np.all(np.diagonal(r.m) > 0.99)
    # the unknown bits are drawn from rng: same seed, same state; another, another
    again = Hopfield(N, fields=fields).store(xi).recall(cues, rng=2)
    np.testing.assert_array_equal(r.s, again.s)


def test_unknown_bits_start_at_random_from_rng():
    # A fully masked cue is a uniformly random state: its mean over 400 cues x 100 spins
    # is 0 within 4 standard errors (1/sqrt(40000) = 0.005).
    net = Hopfield(100).store(patterns.random_spins(1, 100, rng=0))
    r = net.recall(np.zeros((400, 100), np.int8), rng=1, max_sweeps=1)
    assert abs(r.s.mean()) < 0.02


@pytest.mark.parametrize("T", [0.0, 0.4])
def test_the_engine_changes_the_time_never_the_result(T):
    # auto at T = 0 and alpha >= 0.2 (0.5 at T > 0) builds the int16 couplings once the
    # recalls have run N replica-sweeps; from the same seeds every engine, before and
    # after that switch, gives the same states, overlaps, energies and sweeps (all
    # exact integers). N = 200 is even and P = 80 too: ties h_i = 0 are common.
    from assoc.models.hopfield import ALPHA_COUPLINGS

    N, P = 200, 80
    assert ALPHA_COUPLINGS["T = 0"] * N <= P < ALPHA_COUPLINGS["T > 0"] * N
    xi = patterns.random_spins(P, N, rng=1)
    nets = {f: Hopfield(N, T=T, fields=f).store(xi) for f in ("auto", "overlaps", "couplings")}
    options = {} if T == 0 else {"sweeps": 3}
    engines = []
    for seed in range(12):
        cues = patterns.flip(xi[:10], 0.2, rng=100 + seed)
        a, b, c = (net.recall(cues, rng=seed, **options) for net in nets.values())
        for other in (b, c):
            assert a == other  # Recall compares every array
        engines.append(type(nets["auto"]._engine).__name__)
    if T == 0:  # switched once N replica-sweeps had run, and stayed
        assert engines[0] == "OverlapFields" and engines[-1] == "CouplingFields"
    else:
        assert set(engines) == {"OverlapFields"}
