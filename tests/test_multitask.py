"""The multitasking Hebbian network: parallel retrieval and learning from examples."""

import numpy as np
import pytest

from assoc import patterns
from assoc.models import ExampleRecall, Multitask, hebb


@pytest.mark.parametrize("K", [2, 3])
def test_zero_T_hierarchical_state_from_random_starts(K):
    # Agliari et al., PRL 109, 268101 (2012): at T = 0 and low load the sorted overlaps
    # settle on the hierarchy m_k = (1 - d) d^(k-1). d = 0.3 is below the K = 3 stability
    # threshold d + d^2 < 1. Tolerance: 4 standard errors over B random starts plus
    # 2/sqrt(N) for the finite-N spread of the pattern statistics.
    N, d, B = 4000, 0.3, 16
    xi = patterns.diluted_spins(K, N, d, rng=K)
    r = Multitask(N).store(xi).recall(patterns.random_spins(B, N, rng=5), rng=6)
    m = -np.sort(-np.abs(r.m), axis=1)
    want = (1 - d) * d ** np.arange(K)
    tolerance = 4 * m.std(axis=0, ddof=1) / np.sqrt(B) + 2 / np.sqrt(N)
    np.testing.assert_array_less(np.abs(m.mean(axis=0) - want), tolerance)


def test_learned_couplings_follow_the_papers_normalisation():
    rng = np.random.default_rng(0)
    K, M, N, r = 3, 5, 60, 0.6
    xi = patterns.diluted_spins(K, N, 0.2, rng=rng)
    eta = patterns.noisy_examples(xi, M, r, rng=rng)
    R = r**2 + (1 - r**2) / M
    mean = eta.mean(axis=1)
    want = mean.T @ mean / (N * R)
    np.fill_diagonal(want, 0)
    net = Multitask(N, fields="couplings").learn(eta, r=r, xi=xi)
    np.testing.assert_allclose(net.J, want, atol=1e-6)
    flat = eta.reshape(K * M, N).astype(float)
    want = flat.T @ flat / (N * R * M)
    np.fill_diagonal(want, 0)
    net = Multitask(N, fields="couplings").learn(eta, r=r, supervised=False, xi=xi)
    np.testing.assert_allclose(net.J, want, atol=1e-6)


@pytest.mark.parametrize("supervised", [True, False])
def test_overlap_and_coupling_fields_agree_after_learning(supervised):
    rng = np.random.default_rng(1)
    K, M, N = 2, 7, 301
    xi = patterns.diluted_spins(K, N, 0.2, rng=rng)
    eta = patterns.noisy_examples(xi, M, 0.5, rng=rng)
    s = patterns.random_spins(4, N, rng=rng)
    a = Multitask(N, fields="overlaps").learn(eta, r=0.5, supervised=supervised)
    b = Multitask(N, fields="couplings").learn(eta, r=0.5, supervised=supervised)
    np.testing.assert_allclose(a.field(s), b.field(s), atol=1e-5)
    np.testing.assert_allclose(a.energy(s), b.energy(s), rtol=1e-5)


def test_learning_recall_reports_example_overlaps():
    K, M, N = 2, 10, 2000
    xi = patterns.diluted_spins(K, N, 0.1, rng=0)
    eta = patterns.noisy_examples(xi, M, 0.8, rng=1)
    net = Multitask(N).learn(eta, r=0.8, xi=xi)
    cue = np.where(xi[0] == 0, 1, xi[0]).astype(np.int8)
    r = net.recall(cue, rng=2)
    assert isinstance(r, ExampleRecall) and r.m_examples.shape == (K, M)
    # the archetype emerges from examples that each agree with it on a fraction r
    assert r.m[0] > 0.85 and np.all(r.m_examples[0] < r.m[0])
    batch = net.recall(np.stack([cue, cue]), rng=2)
    assert batch.m_examples.shape == (2, K, M)
    assert isinstance(batch[1], ExampleRecall)


def test_store_accepts_blanks_and_hebb_matches():
    xi = patterns.diluted_spins(3, 50, 0.5, rng=0)
    net = Multitask(50, fields="couplings").store(xi)
    np.testing.assert_array_equal(net.J, hebb(xi))


def test_bad_examples_are_rejected():
    net = Multitask(20)
    eta = np.ones((2, 3, 20), np.int8)
    with pytest.raises(ValueError, match="r must be in"):
        net.learn(eta, r=0.0)
    with pytest.raises(ValueError, match="eta must be an array of shape"):
        net.learn(np.ones((2, 3, 10), np.int8), r=0.5)
    with pytest.raises(ValueError, match="eta must be an array with entries in"):
        net.learn(2 * eta, r=0.5)
    with pytest.raises(ValueError, match="xi must be an array of K = 2"):
        net.learn(eta, r=0.5, xi=np.ones((3, 20), np.int8))
    with pytest.raises(ValueError, match="cue must be an array with entries in"):
        Multitask(20).store(eta[:, 0]).recall(np.zeros(20, np.int8))
