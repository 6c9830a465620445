"""Dense associative memories and the p-spin Hebbian model: kernels against brute force,
dynamics against replica and signal-to-noise theory."""

import dataclasses
import itertools
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import assoc
from assoc import Hopfield, patterns
from assoc.models import DenseHopfield, PSpinHopfield, _base
from assoc.models.dense import _elementary_times_factorial
from theory import dense as theory


def brute_energy(model, xi, s, shift=0):
    """E(s) from its definition: F of every overlap, or the p-spin sum over every set of
    p distinct indices; for the exponential E exp(-shift)."""
    x = xi.astype(np.int64) @ s.astype(np.int64)
    if isinstance(model, PSpinHopfield):
        p, N = model.p, model.N
        total = sum(
            np.prod(xi[:, idx].astype(np.int64) * s[list(idx)], axis=1).sum()
            for idx in itertools.combinations(range(N), p)
        )
        return -total / N ** (p - 1)
    if model.F == "power":
        return -float(np.sum(x.astype(float) ** model.n))
    if model.F == "rectified":
        return -float(np.sum(np.maximum(x, 0).astype(float) ** model.n))
    return -float(np.sum(np.exp((x - shift).astype(float))))


def brute_field(model, xi, s, i):
    """h_i = (E(s_i = -1) - E(s_i = +1)) / 2 from two energies computed from scratch
    (for the exponential times exp(-c), c the largest overlap of s, as the model gives)."""
    up, down = s.copy(), s.copy()
    up[i], down[i] = 1, -1
    c = (xi.astype(np.int64) @ s).max()
    return 0.5 * (brute_energy(model, xi, down, c) - brute_energy(model, xi, up, c))


MODELS = [
    lambda N: DenseHopfield(N, n=2),
    lambda N: DenseHopfield(N, n=3),
    lambda N: DenseHopfield(N, n=4),
    lambda N: DenseHopfield(N, F="rectified", n=3),
    lambda N: DenseHopfield(N, F="rectified", n=4),
    lambda N: DenseHopfield(N, n=10),  # a polynomial of more than four coefficients
    lambda N: DenseHopfield(N, F="exponential"),
    lambda N: PSpinHopfield(N, 2),
    lambda N: PSpinHopfield(N, 3),
    lambda N: PSpinHopfield(N, 4),
]


@settings(max_examples=60, deadline=None)
@given(
    which=st.integers(0, len(MODELS) - 1),
    N=st.integers(4, 9),
    P=st.integers(1, 9),
    sweeps=st.integers(0, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_kept_overlap_fields_equal_energy_differences_from_scratch(which, N, P, sweeps, seed):
    # After sweeps that keep the overlaps M = xi s incrementally, M is exact and every
    # field equals half the energy difference of the flip, both energies from scratch.
    rng = np.random.default_rng(seed)
    model = MODELS[which](N)
    xi = patterns.random_spins(P, N, rng=rng)
    model.store(xi)
    engine = model._engine
    s = patterns.random_spins(2, N, rng=rng)
    M = engine.start(s)
    engine.sweeps(
        s,
        M,
        rng.random((2, sweeps, N)),
        np.empty((2, 0, 0)),
        np.zeros((2, N)),
        sweeps,
        False,
        np.ones(2, bool),
    )
    np.testing.assert_array_equal(M, s.astype(np.int64) @ xi.T.astype(np.int64))
    h = engine.fields(s, M)
    want = np.array([[brute_field(model, xi, s[b], i) for i in range(N)] for b in range(2)])
    np.testing.assert_allclose(h, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
    if engine.exact:  # integer sums: every tie h_i = 0 is exact
        np.testing.assert_array_equal(np.sign(h), np.sign(want))


@settings(max_examples=25, deadline=None)
@given(N=st.integers(700, 1500), P=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_exponential_fields_at_large_arguments_are_finite_and_exact(N, P, seed):
    # exp(N) overflows float64 beyond N = 709; near a stored pattern the fields are
    # exp(N)-sized. Shifted by the largest overlap they stay finite and equal the energy
    # difference from scratch (taken with the same shift).
    rng = np.random.default_rng(seed)
    xi = patterns.random_spins(P, N, rng=rng)
    s = patterns.flip(xi[:1], 0.01, rng=rng)
    model = DenseHopfield(N, F="exponential").store(xi)
    h = model.field(s)
    E = model.energy(s)
    assert np.all(np.isfinite(h)) and np.all(np.isfinite(E))
    spins = rng.choice(N, size=8, replace=False)
    want = [brute_field(model, xi, s[0], i) for i in spins]
    np.testing.assert_allclose(h[0, spins], want, rtol=1e-12)
    x = xi.astype(np.int64) @ s[0]
    np.testing.assert_allclose(E[0], -(x.max() + np.log(np.exp(x - x.max()).sum())))
    # zero-T and Glauber dynamics run there without a NaN
    r = model.recall(s, rng=rng)
    assert r.m[0, 0] == 1.0 and np.isfinite(r.energy).all()
    hot = DenseHopfield(N, F="exponential", T=1e300).store(xi).recall(s, sweeps=1, rng=rng)
    assert np.isfinite(hot.energy).all()


@settings(max_examples=30, deadline=None)
@given(which=st.integers(0, len(MODELS) - 1), N=st.integers(5, 60), seed=st.integers(0, 2**32 - 1))
def test_zero_T_dynamics_never_raises_the_energy(which, N, seed):
    rng = np.random.default_rng(seed)
    model = MODELS[which](N)
    xi = patterns.random_spins(int(rng.integers(1, 40)), N, rng=rng)
    model.store(xi)
    engine = model._engine
    s = patterns.random_spins(3, N, rng=rng)
    M = engine.start(s)
    E = model._energies(M)
    flips, active, z = np.ones(3, np.int64), np.ones(3, bool), np.empty((3, 0, 0))
    while flips.any():
        _, flips, _ = engine.sweeps(
            s, M, rng.random((3, 1, N)), z, np.zeros((3, N)), 1, False, active
        )
        E_new = model._energies(M)
        assert np.all(E_new <= E + 1e-12 * np.abs(E))
        E = E_new
    assert np.all(s * engine.fields(s, M) >= 0)  # a fixed point: every spin along its field


def test_elementary_symmetric_polynomials_of_signs_by_enumeration():
    # k! e_k(y) as a polynomial in x = sum y, against the sum over all k-subsets of n
    # signs, for every configuration of n = 7 signs.
    n = 7
    for k in range(0, 6):
        f = _elementary_times_factorial(k, n)
        for y in itertools.product([-1, 1], repeat=n):
            e = sum(math.prod(c) for c in itertools.combinations(y, k))
            x = sum(y)
            assert sum(a * x**j for j, a in enumerate(f)) == math.factorial(k) * e
    assert _elementary_times_factorial(3, n) == [0, -(3 * n - 2), 0, 1]


def test_two_body_models_are_the_hopfield_network():
    # F(x) = x^2: h_i = 2 N (J s)_i; the p = 2 distinct-index model: h_i = (J s)_i, with
    # Hebbian J = xi^T xi / N, zero diagonal (Hopfield, PNAS 79, 2554 (1982)).
    xi = patterns.random_spins(15, 80, rng=0)
    s = patterns.random_spins(4, 80, rng=1)
    h = Hopfield(80).store(xi).field(s)
    np.testing.assert_allclose(PSpinHopfield(80, 2).store(xi).field(s), h, atol=1e-12)
    np.testing.assert_allclose(DenseHopfield(80, n=2).store(xi).field(s), 160 * h, atol=1e-9)


@pytest.mark.parametrize(
    "model",
    [
        DenseHopfield(7, n=3, T=40.0),
        DenseHopfield(7, F="rectified", n=2, T=6.0),
        DenseHopfield(7, F="exponential", T=300.0),
        PSpinHopfield(7, 3, T=0.4),
    ],
    ids=["power", "rectified", "exponential", "p-spin"],
)
def test_glauber_samples_the_boltzmann_distribution(model, boltzmann_pvalue):
    # N = 7 spins, P = 3 patterns: final states of B independent chains against exact
    # enumeration of p(s) ~ exp(-E(s) / T); chi-square at significance 1e-3.
    rng = np.random.default_rng(11)
    N, B = 7, 20_000
    xi = patterns.random_spins(3, N, rng=rng)
    model.store(xi)
    s = patterns.random_spins(B, N, rng=rng)
    _base.glauber(model._engine, s, beta=model.beta, sweeps=1, equilibrate=30, rng=rng)
    energy = lambda states: np.array([brute_energy(model, xi, x) for x in states])  # noqa: E731
    assert boltzmann_pvalue(s, energy, model.beta) > 1e-3


def test_p3_overlap_matches_replica_symmetric_theory_below_alpha_c():
    # p = 3, T = 0, alpha = 0.08 (alpha_c = 0.1261): RS m(alpha) = 0.98464 (Gardner,
    # J. Phys. A 20, 3453 (1987), computed by theory.dense.rs_retrieval). Zero-T dynamics
    # from 10 stored patterns in each of 12 networks of N = 200 spins (P = 3200).
    # Tolerance: 4 standard errors over networks plus a finite-size allowance of 0.005
    # (a fixed point near a pattern differs from the N -> inf overlap by the O(N^-1/2)
    # fluctuations of its few unstable spins; 0.005 is one spin in 200).
    N, alpha, networks = 200, 0.08, 12
    rng = np.random.default_rng(2024)
    m = []
    for _ in range(networks):
        xi = patterns.random_spins(round(alpha * N * N), N, rng=rng)
        r = PSpinHopfield(N, 3).store(xi).recall(xi[:10], rng=rng)
        assert r.converged.all()
        m.append(np.diagonal(r.m).mean())
    sem = np.std(m, ddof=1) / np.sqrt(networks)
    assert abs(np.mean(m) - theory.rs_retrieval(alpha, 3).m) < 4 * sem + 0.005


def test_p3_retrieval_state_is_lost_far_above_alpha_c():
    # alpha = 0.4, three times the RS spinodal 0.126: started at a pattern, the dynamics
    # leaves it (one update already flips 13 % of the spins, next test).
    N = 100
    xi = patterns.random_spins(4000, N, rng=5)
    r = PSpinHopfield(N, 3).store(xi).recall(xi[:10], rng=6)
    assert np.diagonal(r.m).mean() < 0.8


def test_p3_one_step_error_and_the_map_to_the_full_power_load():
    # At a stored pattern the field of the distinct-index model is N^-2 times
    # C(N-1, 2) + sum_{mu >= 2} a_mu e_2(x_mu), a_mu = +-1, x_mu a sum of N - 1 random
    # signs; elementary symmetric polynomials of independent signs are orthonormal up to
    # E[e_2^2] = C(N-1, 2), so P_err = Phi(-sqrt(C(N-1, 2) / (P - 1))) with the crosstalk
    # taken Gaussian. theory.dense maps the load onto F = x^3 at alpha_F = 2 alpha / 3
    # (same signal-to-noise ratio at leading order in 1/N): its P_err there agrees to
    # O(1/N). 40 pattern sets of P = 4000 at N = 100, 4000 spins: 4 binomial standard
    # errors.
    N, P, sets = 100, 4000, 40
    rng = np.random.default_rng(9)
    flips = 0
    for _ in range(sets):
        xi = patterns.random_spins(P, N, rng=rng)
        flips += np.count_nonzero(xi[0] * PSpinHopfield(N, 3).store(xi).field(xi[0]) < 0)
    measured = flips / (sets * N)
    p = stats.norm.cdf(-np.sqrt(math.comb(N - 1, 2) / (P - 1)))
    assert abs(measured - p) < 4 * np.sqrt(p * (1 - p) / (sets * N))
    P_full = round(theory.alpha_to_full_power(P / N**2, 3) * N**2)
    assert abs(theory.one_step_error(N, P_full, 3) - p) < 3 / N


@pytest.mark.parametrize(
    ("n", "N", "P", "sets"),
    # N and P of the parities that make every field nonzero (no ties; theory.dense),
    # P where the one-step error is about 10 %
    [(2, 100, 61, 150), (3, 51, 529, 250), (4, 30, 1097, 300)],
)
def test_one_step_error_matches_signal_to_noise_theory(n, N, P, sets):
    # Krotov & Hopfield (arXiv:1606.01164, Sec. 2): started at a stored pattern, each spin
    # flips in one update with P_err = Phi(-signal / noise), the crosstalk of the P - 1
    # other patterns Gaussian with the exact finite-N variance (theory.dense). Measured on
    # the N spins of pattern 0 in `sets` independent sets of patterns; the crosstalks on
    # different spins are uncorrelated, so the count is binomial. Tolerance: 4 binomial
    # standard errors (the Gaussian approximation of a sum of P - 1 symmetric terms is
    # off by O(1/P) in the tail, far below that).
    rng = np.random.default_rng(n)
    flips = 0
    for _ in range(sets):
        xi = patterns.random_spins(P, N, rng=rng)
        h = DenseHopfield(N, n=n).store(xi).field(xi[0])
        assert np.all(h != 0)
        flips += np.count_nonzero(xi[0] * h < 0)
    trials = sets * N
    p = theory.one_step_error(N, P, n)
    assert 0.05 < p < 0.2
    assert abs(flips / trials - p) < 4 * np.sqrt(p * (1 - p) / trials)


def test_far_more_patterns_than_spins_in_memory_of_order_P_N():
    # N = 100, n = 4: P = 2000 = 20 N patterns are retrieved from 10 % noise (P_c RS =
    # 0.0132 N^3 = 13 200, theory.dense), and P = 20 000 runs in O(P N) memory.
    xi = patterns.random_spins(20_000, 100, rng=0)
    small = DenseHopfield(100, n=4).store(xi[:2000])
    r = small.recall(patterns.flip(xi[:8], 0.1, rng=1), rng=2)
    np.testing.assert_array_equal(np.diagonal(r.m), 1.0)
    assert small.exact
    big = DenseHopfield(100, n=4).store(xi)
    assert big._engine.xiT.nbytes == xi.nbytes
    assert big.recall(xi[:2], rng=3, max_sweeps=3).s.shape == (2, 100)


def test_exponential_model_retrieves_from_heavy_noise():
    # Demircigil et al. (J. Stat. Phys. 168, 288 (2017), Theorem 3): P = exp(alpha N)
    # patterns with alpha < I(1 - 2 rho) / 2 are retrieved from cues with a fraction rho
    # flipped. N = 200, rho = 0.2: alpha_c = 0.0965, exp(alpha_c N) = 2.4e8; P = 500.
    assert np.log(500) / 200 < theory.exponential_alpha_c(0.2)
    xi = patterns.random_spins(500, 200, rng=0)
    net = DenseHopfield(200, F="exponential").store(xi)
    r = net.recall(patterns.flip(xi[:20], 0.2, rng=1), rng=2)
    np.testing.assert_array_equal(np.diagonal(r.m), 1.0)
    assert net.alpha == pytest.approx(np.log(500) / 200)


def test_recall_api_single_batch_and_seeds():
    xi = patterns.random_spins(300, 60, rng=0)
    net = DenseHopfield(60, n=3, T=100.0).store(xi)
    one = net.recall(xi[0], sweeps=3, rng=1)
    many = net.recall(xi[:4], sweeps=3, rng=1)
    assert one.s.shape == (60,) and one.m.shape == (300,) and np.ndim(one.energy) == 0
    assert many.s.shape == (4, 60) and many.m_mean.shape == (4, 300)
    again = net.recall(xi[:4], sweeps=3, rng=1)
    np.testing.assert_array_equal(many.s, again.s)
    np.testing.assert_allclose(many.energy, net.energy(many.s))
    assert PSpinHopfield(60, 3).store(xi).alpha == pytest.approx(300 / 3600)


# ---------------------------------------------------------------------------------
# The model contract: defaults, refused options, partial cues, traces, persistence


def test_pspin_model_is_built_by_its_parent():
    # PSpinHopfield used to set N, p and T itself and skip DenseHopfield.__init__: it had
    # no F, no n, and nothing to save them from.
    net = PSpinHopfield(10)
    assert (net.N, net.p, net.T, net.F, net.n) == (10, 3, 0.0, "power", 3)
    assert repr(net) == "PSpinHopfield(N=10; nothing stored)"
    assert repr(PSpinHopfield(12, 4, T=0.1)) == "PSpinHopfield(N=12, p=4, T=0.1; nothing stored)"


def test_power_defaults_to_three_and_the_exponential_has_none():
    assert DenseHopfield(10).n == 3 and DenseHopfield(10, n=5).n == 5
    assert DenseHopfield(10, F="rectified").n == 3
    assert DenseHopfield(10, F="exponential").n is None
    xi = patterns.random_spins(4, 10, rng=0)
    assert repr(DenseHopfield(10).store(xi)) == "DenseHopfield(N=10, n=3; 4 patterns stored)"


@pytest.mark.parametrize(
    "model",
    [
        lambda: DenseHopfield(30, n=3),
        lambda: DenseHopfield(30, F="rectified", n=4, T=50.0),
        lambda: DenseHopfield(30, F="exponential"),
        lambda: PSpinHopfield(30, 3),
        lambda: PSpinHopfield(30, 4, T=0.02),
    ],
    ids=["power", "rectified-hot", "exponential", "p3", "p4-hot"],
)
def test_save_load_and_pickle_give_bit_identical_recalls(model, tmp_path):
    net = model()
    xi = patterns.random_spins(40, 30, rng=1)
    net.store(xi)
    cue = patterns.mask(patterns.flip(xi[:5], 0.2, rng=2), 0.2, rng=3)
    options = {"sweeps": 4, "equilibrate": 2} if net.T > 0 else {}
    want = net.recall(cue, rng=4, **options)
    net.save(tmp_path / "net.npz")
    for other in (assoc.load(tmp_path / "net.npz"), pickle.loads(pickle.dumps(net))):
        assert type(other) is type(net) and repr(other) == repr(net)
        assert other.recall(cue, rng=4, **options) == want
        np.testing.assert_array_equal(other.xi, xi)
    assert type(net).load(tmp_path / "net.npz").P == 40


@pytest.mark.parametrize("model", [DenseHopfield(12), PSpinHopfield(12)], ids=["dense", "pspin"])
def test_before_store_every_accessor_raises_the_same_error(model):
    cue = np.ones(12, np.int8)
    calls = [
        lambda: model.P,
        lambda: model.alpha,
        lambda: model.exact,
        lambda: model.field(cue),
        lambda: model.energy(cue),
        lambda: model.recall(cue),
        lambda: model.field("not a state"),  # the stored check comes first
        lambda: model.recall(cue, max_sweeps=-1),
        lambda: model.save("never.npz"),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=f"{type(model).__name__} has no stored patterns"):
            call()


def test_one_cue_is_row_zero_of_a_batch_of_one():
    xi = patterns.random_spins(50, 40, rng=0)
    for net in (DenseHopfield(40).store(xi), PSpinHopfield(40, T=0.05).store(xi)):
        options = {"sweeps": 3} if net.T > 0 else {}
        one = net.recall(xi[0], rng=5, trace=True, **options)
        batch = net.recall(xi[:1], rng=5, trace=True, **options)
        assert one == batch[0] and not one.batched and batch.batched


def test_partial_cues_draw_their_unknown_bits_first():
    # 0 entries of a cue are unknown bits, set to +-1 from rng before the dynamics: the
    # known half of a pattern recalls it (n = 4, P = 200 = 2 N: far below capacity).
    xi = patterns.random_spins(200, 100, rng=0)
    net = DenseHopfield(100, n=4).store(xi)
    cue = patterns.mask(xi[:6], 0.5, rng=1)
    assert (cue == 0).sum() == 300
    r = net.recall(cue, rng=2)
    np.testing.assert_array_equal(np.diagonal(r.m), 1.0)
    assert r == net.recall(cue, rng=2)
    start = net.recall(cue, rng=2, max_sweeps=1, trace=True).m_trace[:, 0]
    rng = np.random.default_rng(2)
    filled = cue.copy()
    filled[cue == 0] = 2 * rng.integers(0, 2, size=300, dtype=np.int8) - 1
    np.testing.assert_allclose(start, patterns.overlap(xi, filled))


def test_trace_records_every_sweep():
    xi = patterns.random_spins(300, 50, rng=0)
    cold = DenseHopfield(50, n=3).store(xi)
    cue = patterns.flip(xi[:4], 0.3, rng=1)
    r = cold.recall(cue, rng=2, trace=True)
    L = int(r.sweeps.max())
    assert r.m_trace.shape == (4, L + 1, 300) and r.energy_trace.shape == (4, L + 1)
    np.testing.assert_allclose(r.m_trace[:, 0], patterns.overlap(xi, cue))
    np.testing.assert_allclose(r.energy_trace[:, 0], cold.energy(cue))
    np.testing.assert_allclose(r.m_trace[:, -1], r.m)
    np.testing.assert_allclose(r.energy_trace[:, -1], r.energy)
    # the trace does not change the dynamics
    assert cold.recall(cue, rng=2) == untraced(r)
    hot = PSpinHopfield(50, 3, T=0.1).store(xi[:100])
    r = hot.recall(cue, rng=3, sweeps=5, equilibrate=2, trace=True)
    assert r.m_trace.shape == (4, 8, 100) and r.energy_trace.shape == (4, 8)
    np.testing.assert_allclose(r.energy_trace[:, -1], r.energy)
    assert hot.recall(cue, rng=3, sweeps=5, equilibrate=2) == untraced(r)
    assert cold.recall(cue, rng=2).m_trace is None


def untraced(r):
    """The result ``r`` with its traces left out."""
    return dataclasses.replace(r, m_trace=None, energy_trace=None)


ZERO_T_MODELS = [
    lambda N: DenseHopfield(N, n=2),
    lambda N: DenseHopfield(N, n=3),
    lambda N: DenseHopfield(N, n=4),
    lambda N: DenseHopfield(N, F="rectified", n=3),
    lambda N: DenseHopfield(N, F="exponential"),
    lambda N: PSpinHopfield(N, 2),
    lambda N: PSpinHopfield(N, 3),
    lambda N: PSpinHopfield(N, 4),
]


@settings(max_examples=40, deadline=None)
@given(
    which=st.integers(0, len(ZERO_T_MODELS) - 1),
    N=st.integers(4, 40),
    P=st.integers(1, 60),
    flipped=st.floats(0.0, 0.5),
    masked=st.floats(0.0, 0.5),
    seed=st.integers(0, 2**32 - 1),
)
def test_traced_energy_never_increases_at_T0(which, N, P, flipped, masked, seed):
    # Asynchronous T = 0 dynamics sets each spin along its field h_i = (E(s_i = -1) -
    # E(s_i = +1)) / 2: every flip lowers E (Krotov & Hopfield; Demircigil et al.; for
    # the exponential the reported -ln(-E) is increasing in E). The traced energy, one
    # value per sweep, never increases; the last row is the final energy.
    rng = np.random.default_rng(seed)
    net = ZERO_T_MODELS[which](N)
    xi = patterns.random_spins(P, N, rng=rng)
    net.store(xi)
    cue = patterns.mask(patterns.flip(xi[: min(P, 3)], flipped, rng=rng), masked, rng=rng)
    r = net.recall(cue, rng=rng, trace=True)
    E = r.energy_trace
    assert np.all(np.diff(E, axis=1) <= 1e-12 * (1 + np.abs(E[:, :-1])))
    np.testing.assert_array_equal(E[:, -1], r.energy)
    assert r.converged.all()


BAD = [
    (lambda: DenseHopfield(1), ValueError, "N must be in"),
    (lambda: DenseHopfield(10, F="cubic"), ValueError, "F must be one of"),
    (lambda: DenseHopfield(10, n=1), ValueError, "n must be in"),
    (lambda: DenseHopfield(10, n=2.0), TypeError, "n must be an integer"),
    (lambda: DenseHopfield(10, T=-1.0), ValueError, "T must be in"),
    (lambda: PSpinHopfield(10, p=1), ValueError, "p must be in"),
    (lambda: DenseHopfield(10).recall(np.ones(10, np.int8)), ValueError, "has no stored patterns"),
    (lambda: DenseHopfield(10, F="exponential", n=3), ValueError, "n does not apply"),
    (
        lambda: (
            DenseHopfield(10, n=None)
            .store(np.ones((3, 10), np.int8))
            .recall(np.ones(10, np.int8), sweeps=5)
        ),
        ValueError,
        "sweeps does not apply",
    ),
    (
        lambda: (
            DenseHopfield(10, T=1.0)
            .store(np.ones((3, 10), np.int8))
            .recall(np.ones(10, np.int8), sweeps=5, max_sweeps=5)
        ),
        ValueError,
        "max_sweeps does not apply",
    ),
    (
        lambda: (
            PSpinHopfield(10, T=1.0)
            .store(np.ones((3, 10), np.int8))
            .recall(np.ones(10, np.int8), sweeps=5, trace=1)
        ),
        TypeError,
        "trace must be True or False",
    ),
    (
        lambda: DenseHopfield(10).store(np.ones((3, 10), np.int64)),
        TypeError,
        "xi must be an int8 array",
    ),
    (
        lambda: DenseHopfield(10).store(np.ones((3, 9), np.int8)),
        ValueError,
        "xi must be an array with last axis N = 10",
    ),
    (
        lambda: DenseHopfield(10).store(np.ones((3, 10), np.int8)).recall(np.full(10, 2, np.int8)),
        ValueError,
        "cue must be an array with entries in",
    ),
    (
        lambda: (
            DenseHopfield(10, T=1.0).store(np.ones((3, 10), np.int8)).recall(np.ones(10, np.int8))
        ),
        ValueError,
        "sweeps must be",
    ),
    (
        lambda: DenseHopfield(500, n=120).store(np.ones((3, 500), np.int8)),
        ValueError,
        "n must be small enough that the fields fit in float64",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.slow
@pytest.mark.parametrize(("alpha", "m_rs"), [(0.03, 0.99996), (0.05, 0.99838), (0.08, 0.98464)])
def test_p3_overlap_matches_rs_at_N_400(alpha, m_rs):
    # As the default-suite test, at N = 400 and three loads, 16 networks x 20 patterns:
    # 4 standard errors plus one spin in 400.
    N, networks = 400, 16
    assert theory.rs_retrieval(alpha, 3).m == pytest.approx(m_rs, abs=1e-5)
    rng = np.random.default_rng(round(alpha * 1000))
    m = []
    for _ in range(networks):
        xi = patterns.random_spins(round(alpha * N * N), N, rng=rng)
        r = PSpinHopfield(N, 3).store(xi).recall(xi[:20], rng=rng)
        m.append(np.diagonal(r.m).mean())
    sem = np.std(m, ddof=1) / np.sqrt(networks)
    assert abs(np.mean(m) - m_rs) < 4 * sem + 1 / N


@pytest.mark.slow
@pytest.mark.parametrize(("n", "N", "P"), [(3, 101, 2001), (5, 21, 1421), (4, 50, 4001)])
def test_one_step_error_with_many_pattern_sets(n, N, P):
    # The signal-to-noise law of the default suite, to 4 binomial standard errors of
    # 1500 pattern sets (the tolerance shrinks to about 0.003).
    rng = np.random.default_rng(n * 100 + N)
    flips, sets = 0, 1500
    for _ in range(sets):
        xi = patterns.random_spins(P, N, rng=rng)
        flips += np.count_nonzero(xi[0] * DenseHopfield(N, n=n).store(xi).field(xi[0]) < 0)
    p = theory.one_step_error(N, P, n)
    assert abs(flips / (sets * N) - p) < 4 * np.sqrt(p * (1 - p) / (sets * N))
