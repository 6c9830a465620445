"""The multitasking Hebbian network: parallel retrieval and learning from examples."""

import numpy as np
import pytest

from assoc import patterns
from assoc.models import ExampleRecall, Multitask
from theory import multitask as mt


@pytest.mark.parametrize("P", [2, 3])
def test_zero_T_hierarchical_state_from_random_starts(P):
    # Agliari et al., PRL 109, 268101 (2012): at T = 0 and low load the sorted overlaps
    # settle on the hierarchy m_k = (1 - d) d^(k-1). d = 0.3 is below the P = 3 stability
    # threshold d + d^2 < 1. Tolerance: 4 standard errors over B random starts plus
    # 2/sqrt(N) for the finite-N spread of the pattern statistics.
    N, d, B = 4000, 0.3, 16
    xi = patterns.diluted_spins(P, N, d, rng=P)
    r = Multitask(N).store(xi).recall(patterns.random_spins(B, N, rng=5), rng=6)
    m = -np.sort(-np.abs(r.m), axis=1)
    want = mt.hierarchical_state(d, P)
    tolerance = 4 * m.std(axis=0, ddof=1) / np.sqrt(B) + 2 / np.sqrt(N)
    np.testing.assert_array_less(np.abs(m.mean(axis=0) - want), tolerance)


def test_learned_couplings_follow_the_papers_normalisation():
    rng = np.random.default_rng(0)
    P, M, N, r = 3, 5, 60, 0.6
    xi = patterns.diluted_spins(P, N, 0.2, rng=rng)
    eta = patterns.noisy_examples(xi, M, r, rng=rng)
    R = r**2 + (1 - r**2) / M
    mean = eta.mean(axis=1)
    want = mean.T @ mean / (N * R)
    np.fill_diagonal(want, 0)
    s = patterns.random_spins(3, N, rng=rng)
    flat = eta.reshape(P * M, N).astype(float)
    want_unsupervised = flat.T @ flat / (N * R * M)
    np.fill_diagonal(want_unsupervised, 0)
    # the couplings, and the fields the dynamics use, of both engines
    for supervised, J in ((True, want), (False, want_unsupervised)):
        for fields in ("couplings", "overlaps"):
            net = Multitask(N, fields=fields).learn(eta, r=r, supervised=supervised, xi=xi)
            np.testing.assert_allclose(net.J, J, atol=1e-6)
            np.testing.assert_allclose(net.field(s), s @ J, atol=1e-6)


@pytest.mark.parametrize("supervised", [True, False])
def test_overlap_and_coupling_fields_agree_after_learning(supervised):
    rng = np.random.default_rng(1)
    P, M, N = 2, 7, 301
    xi = patterns.diluted_spins(P, N, 0.2, rng=rng)
    eta = patterns.noisy_examples(xi, M, 0.5, rng=rng)
    s = patterns.random_spins(4, N, rng=rng)
    a = Multitask(N, fields="overlaps").learn(eta, r=0.5, supervised=supervised)
    b = Multitask(N, fields="couplings").learn(eta, r=0.5, supervised=supervised)
    np.testing.assert_allclose(a.field(s), b.field(s), atol=1e-5)
    np.testing.assert_allclose(a.energy(s), b.energy(s), rtol=1e-5)


def test_learning_recall_reports_example_overlaps():
    P, M, N = 2, 10, 2000
    xi = patterns.diluted_spins(P, N, 0.1, rng=0)
    eta = patterns.noisy_examples(xi, M, 0.8, rng=1)
    net = Multitask(N).learn(eta, r=0.8, xi=xi)
    cue = np.where(xi[0] == 0, 1, xi[0]).astype(np.int8)
    r = net.recall(cue, rng=2)
    assert isinstance(r, ExampleRecall) and r.m_examples.shape == (P, M)
    # the archetype emerges from examples that each agree with it on a fraction r
    assert r.m[0] > 0.85 and np.all(r.m_examples[0] < r.m[0])
    batch = net.recall(np.stack([cue, cue]), rng=2)
    assert batch.m_examples.shape == (2, P, M)
    assert isinstance(batch[1], ExampleRecall)


def test_store_accepts_blanks_and_hebb_matches():
    xi = patterns.diluted_spins(3, 50, 0.5, rng=0)
    want = xi.T.astype(float) @ xi / 50
    np.fill_diagonal(want, 0)
    s = patterns.random_spins(2, 50, rng=1)
    for fields in ("couplings", "overlaps"):
        net = Multitask(50, fields=fields).store(xi)
        np.testing.assert_allclose(net.J, want, atol=1e-6)
        np.testing.assert_allclose(net.field(s), s @ want, atol=1e-12)


def test_bad_examples_are_rejected():
    net = Multitask(20)
    eta = np.ones((2, 3, 20), np.int8)
    with pytest.raises(ValueError, match="r must be in"):
        net.learn(eta, r=0.0)
    with pytest.raises(ValueError, match="eta must be an array of shape"):
        net.learn(np.ones((2, 3, 10), np.int8), r=0.5)
    with pytest.raises(ValueError, match="eta must be an array with entries in"):
        net.learn(2 * eta, r=0.5)
    with pytest.raises(ValueError, match="xi must be an array of P = 2"):
        net.learn(eta, r=0.5, xi=np.ones((3, 20), np.int8))
    with pytest.raises(ValueError, match="cue must be an array with entries in"):
        Multitask(20).store(eta[:, 0]).recall(np.full(20, 2, np.int8))


def _hierarchical_configuration(xi, rng):
    """s_i = sign of the first pattern that is not blank at i (random where all are)."""
    s = patterns.random_spins(1, xi.shape[1], rng=rng)[0]
    for x in xi[::-1]:
        s = np.where(x != 0, x, s)
    return s.astype(np.int8)


def test_K3_hierarchy_is_left_beyond_its_stability_threshold():
    # theory.multitask: the hierarchical state is a T = 0 fixed point iff d + d^2 < 1
    # (d < 0.618 for P = 3); beyond, the network moves to the majority state
    # a (1 - a^2/2, d + a^2/2, d^2 + a^2/2), a = 1 - d. Started in the hierarchical
    # configuration at N = 40000 (overlap noise ~ 1/sqrt(N) = 0.005): at d = 0.45 it stays;
    # at d = 0.65 it leaves by ~0.02 and lands on the majority state.
    N, noise = 40_000, 3 / np.sqrt(40_000)
    for d in (0.45, 0.65):
        xi = patterns.diluted_spins(3, N, d, rng=3)
        s = _hierarchical_configuration(xi, rng=4)
        r = Multitask(N).store(xi).recall(s, rng=5)
        moved = np.abs(r.m - patterns.overlap(xi, s)).max()
        if d < mt.hierarchical_threshold(3):
            assert moved < noise
        else:
            assert moved > noise
            np.testing.assert_allclose(r.m, mt.majority_state(d), atol=noise)


def test_glauber_overlaps_match_the_global_minimum_at_finite_T():
    # P = 2, d = 0.3, T = 0.1: theory.multitask's global minimum of the low-load free
    # energy (exact enumeration). Time averages over 300 sweeps of B = 4 replicas at
    # N = 4000; tolerance 4 standard errors over replicas plus 2/sqrt(N) for finite N.
    P, d, T, N, B = 2, 0.3, 0.1, 4000, 4
    xi = patterns.diluted_spins(P, N, d, rng=7)
    s = np.stack([_hierarchical_configuration(xi, rng=b) for b in range(B)])
    r = Multitask(N, T=T).store(xi).recall(s, sweeps=300, equilibrate=50, rng=8)
    m = -np.sort(-np.abs(r.m_mean), axis=1)
    want = mt.global_minimum(d, T, P)
    tolerance = 4 * m.std(axis=0, ddof=1) / np.sqrt(B) + 2 / np.sqrt(N)
    np.testing.assert_array_less(np.abs(m.mean(axis=0) - want), tolerance)


@pytest.mark.parametrize(("supervised", "M"), [(True, 3), (True, 8), (False, 8), (False, 16)])
def test_learning_one_archetype_matches_the_exact_majority_vote(supervised, M):
    # P = 1 at T = 0: the network ends at +-sign(sum_a eta^a), whose overlap with the
    # archetype is the binomial majority vote of theory.multitask (Agliari et al. 2023).
    # Over S networks the standard error is sqrt(var / (S N)); 5 of them for tolerance.
    # Unsupervised, the M examples are themselves attractors until they are numerous
    # enough to merge into the archetype (at M = 3, r = 0.4 the network still retrieves
    # single examples, m ~ r (1 - d)): the test takes M in the learning regime.
    N, d, r, S = 4000, 0.2, 0.4, 6
    rng = np.random.default_rng(M)
    m = []
    for _ in range(S):
        xi = patterns.diluted_spins(1, N, d, rng=rng)
        eta = patterns.noisy_examples(xi, M, r, rng=rng)
        net = Multitask(N).learn(eta, r=r, supervised=supervised, xi=xi)
        m.append(abs(net.recall(patterns.random_spins(1, N, rng=rng)[0], rng=rng).m[0]))
    want = mt.majority_overlap(d, M, r)
    assert abs(np.mean(m) - want) < 5 * np.sqrt((1 - d) / (S * N))
