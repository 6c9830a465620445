"""Neurons with active dendrites: segments, neurons, unions; error rates against the
combinatorics of theory.dendritic (Monte Carlo within binomial error, fixed seeds)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assoc import patterns
from assoc.models import DendriticNeurons, Recognition
from theory import dendritic as theory


def sets(x):
    return [set(row.tolist()) for row in np.atleast_2d(x)]


def within_binomial_error(hits, trials, p, inflation=1.0):
    """|hits - trials p| below 4 binomial standard deviations (times sqrt(inflation), for
    a variance inflated by correlated trials)."""
    sigma = math.sqrt(trials * p * (1 - p) * inflation)
    return abs(hits - trials * p) < 4 * sigma


# ---------------------------------------------------------------------------------
# Structure


def test_segments_subsample_their_patterns():
    N, w, synapses = 300, 20, 8
    xi = patterns.sdr_indices(12, N, w, rng=0)
    net = DendriticNeurons(N, 4, synapses=synapses, segments=3).store(xi, rng=1)
    assert (net.n_segments, net.neurons, net.P) == (12, 4, 12)
    np.testing.assert_array_equal(net.synapse_counts, synapses)
    for held, pattern in zip(sets(patterns.unpack_sdr(net.W, N)), sets(xi)):
        assert held <= pattern


def test_a_union_segment_holds_the_union_of_its_patterns_subsamples():
    N, w, synapses, union = 200, 30, 10, 3
    xi = patterns.sdr_indices(6 * union, N, w, rng=2)
    net = DendriticNeurons(N, 5, synapses=synapses, union=union).store(xi, rng=3)
    assert (net.n_segments, net.P) == (6, 18)
    for k, words in enumerate(net.W):
        held = set(patterns.unpack_sdr(words, N).tolist())
        own = sets(xi[k * union : (k + 1) * union])
        assert held <= set().union(*own)
        assert all(len(held & pattern) >= synapses for pattern in own)
        assert len(held) == net.synapse_counts[k]


def test_without_synapses_a_segment_takes_every_active_cell():
    xi = patterns.sdr_indices(4, 100, 9, rng=4)
    net = DendriticNeurons(100, 9).store(xi)
    np.testing.assert_array_equal(patterns.unpack_sdr(net.W, 100), xi)
    # bool patterns, as patterns.sdr makes them, store the same segments
    dense = patterns.sdr(4, 100, 9, rng=5)
    net = DendriticNeurons(100, 9).store(dense)
    np.testing.assert_array_equal(net.W, patterns.pack_sdr(dense))


def test_recall_matches_a_set_oracle_for_every_input_form():
    N, w, theta = 150, 12, 3
    xi = patterns.sdr_indices(20, N, w, rng=5)
    net = DendriticNeurons(N, theta, synapses=6, segments=4).store(xi, rng=6)
    x = patterns.sdr_indices(9, N, 25, rng=7)
    r = net.recall(x)
    segments = sets(patterns.unpack_sdr(net.W, N))
    want = np.array([[len(S & q) for S in segments] for q in sets(x)])
    assert r.m.dtype == np.float64
    np.testing.assert_array_equal(r.m, want)
    np.testing.assert_array_equal(r.spikes, want >= theta)
    np.testing.assert_array_equal(r.fires, (want >= theta).reshape(9, 5, 4).any(axis=2))
    dense = np.zeros((9, N), dtype=bool)
    np.put_along_axis(dense, x, True, axis=1)
    np.testing.assert_array_equal(r.s, dense)  # s: the input, one bool per cell
    assert r.energy is None and (r.sweeps == 1).all() and r.converged.all()
    for same in (net.recall(dense), net.recall(patterns.pack_sdr(x, N))):
        assert same == r
    single = net.recall(x[2])
    assert isinstance(single, Recognition) and single.fires.shape == (5,)
    assert single == r[2] == net.recall(x[2:3])[0]
    assert net.recall(x, rng=3) == r  # deterministic: rng is unused


def test_the_recognition_is_a_dataset_with_named_dimensions():
    xi = patterns.sdr_indices(8, 100, 10, rng=8)
    net = DendriticNeurons(100, 3, synapses=5, segments=2).store(xi, rng=9)
    ds = net.recall(xi[:3]).to_dataset()
    assert ds["m"].dims == ds["spikes"].dims == ("cue", "segment")
    assert ds["fires"].dims == ("cue", "neuron") and ds["s"].dims == ("cue", "unit")
    assert ds.sizes["segment"] == 8 and ds.sizes["neuron"] == 4


def test_save_and_load_give_the_same_recognition(tmp_path):
    import assoc

    xi = patterns.sdr_indices(12, 200, 15, rng=10)
    net = DendriticNeurons(200, 4, synapses=8, segments=2, union=3).store(xi, rng=11)
    net.save(tmp_path / "net.npz")
    back = assoc.load(tmp_path / "net.npz")
    assert isinstance(back, DendriticNeurons) and back.P == 12
    cues = patterns.sdr_indices(5, 200, 30, rng=12)
    assert back.recall(cues) == net.recall(cues)
    np.testing.assert_array_equal(back.W, net.W)


@settings(max_examples=25, deadline=None)
@given(
    N=st.integers(64, 400),
    data=st.data(),
)
def test_every_stored_pattern_fires_its_neuron(N, data):
    w = data.draw(st.integers(2, 40))
    synapses = data.draw(st.integers(1, w))
    theta = data.draw(st.integers(1, synapses))
    segments = data.draw(st.integers(1, 4))
    seed = data.draw(st.integers(0, 2**32 - 1))
    xi = patterns.sdr_indices(3 * segments, N, w, rng=seed)
    net = DendriticNeurons(N, theta, synapses=synapses, segments=segments)
    r = net.store(xi, rng=seed).recall(xi)
    assert r.fires[np.arange(3 * segments), np.arange(3 * segments) // segments].all()


# ---------------------------------------------------------------------------------
# Error rates against theory. Random segments against independent random inputs: for a
# fixed segment every random input fires it with the same probability, so any two
# (segment, input) trials are uncorrelated and the count has the binomial variance.


@pytest.mark.parametrize("theta, p_order", [(6, 3e-3), (7, 5e-4)])
def test_segment_false_positives_match_eq_1(theta, p_order):
    # Hawkins & Ahmad, Front. Neural Circuits 10:23 (2016), Eq. (1): N = 1000, w = 64,
    # 24 synapses. 2000 segments x 1000 inputs = 2e6 trials.
    N, w, synapses = 1000, 64, 24
    rng = np.random.default_rng(10 + theta)
    xi = patterns.sdr_indices(2000, N, w, rng=rng)
    net = DendriticNeurons(N, theta, synapses=synapses).store(xi, rng=rng)
    hits = np.count_nonzero(net.recall(patterns.sdr_indices(1000, N, w, rng=rng)).spikes)
    p = theory.segment_false_positive(N, w, synapses, theta)
    assert p == pytest.approx(p_order, rel=0.1)
    assert within_binomial_error(hits, 2_000_000, p)


def test_segment_false_negatives_match_the_hypergeometric_tail():
    # Ahmad & Hawkins, arXiv:1601.00720, robustness to noise: w = 64 active cells, 24
    # synapses, theta = 12, v = 24 cells replaced: P_FN = 0.0313. 10 populations of 1000
    # patterns, each cued by a noisy copy; the patterns are independent.
    N, w, synapses, theta, v = 1000, 64, 24, 12, 24
    rng = np.random.default_rng(20)
    misses = 0
    for _ in range(10):
        xi = patterns.sdr_indices(1000, N, w, rng=rng)
        net = DendriticNeurons(N, theta, synapses=synapses).store(xi, rng=rng)
        spikes = net.recall(patterns.sdr_noise(xi, v, N, rng=rng)).spikes
        misses += np.count_nonzero(~np.diagonal(spikes))
    p = theory.segment_false_negative(w, synapses, theta, v)
    assert p == pytest.approx(0.0313, rel=1e-2)
    assert within_binomial_error(misses, 10_000, p)


def test_a_neuron_fires_falsely_when_any_of_its_segments_does():
    # 20 independent segments: P = 1 - (1 - P_FP)^20 exactly (the segments are independent
    # of one another and of the input). 5000 neurons x 100 inputs; a neuron's chance
    # depends on its segments only through their rare mutual overlaps, so sharing it
    # among 100 inputs inflates the variance by far less than the 4-sigma tolerance.
    N, w, synapses, theta, segments = 1000, 64, 24, 8, 20
    rng = np.random.default_rng(30)
    xi = patterns.sdr_indices(5000 * segments, N, w, rng=rng)
    net = DendriticNeurons(N, theta, synapses=synapses, segments=segments).store(xi, rng=rng)
    hits = np.count_nonzero(net.recall(patterns.sdr_indices(100, N, w, rng=rng)).fires)
    p = theory.at_least_one(theory.segment_false_positive(N, w, synapses, theta), segments)
    assert p == pytest.approx(1.18e-3, rel=1e-2)
    assert within_binomial_error(hits, 500_000, p)


def _overlap_law(N, k):
    """P(b) that two random k-sets of N cells share b cells, exactly (theory.dendritic's
    overlap sets), b = 0..k."""
    return [theory.overlap_set_size(N, k, b, k) / theory.sdr_count(N, k) for b in range(k + 1)]


def test_a_segment_storing_two_patterns():
    # Union property (Ahmad & Hawkins 2016): two subsamples of 24 cells give 48 - b
    # synapses, b ~ the overlap law; P_FP averaged over b. 2000 segments x 2000 inputs.
    # Segments of different sizes fire with different chances (b = 0, 1, 2 mostly), which
    # correlates inputs sharing a segment: the variance grows by 1 + 2000 Var(q)/p < 1.05.
    N, w, synapses, theta = 1000, 64, 24, 10
    p = sum(
        weight * theory.segment_false_positive(N, w, 2 * synapses - b, theta)
        for b, weight in enumerate(_overlap_law(N, synapses))
        if 2 * synapses - b >= theta
    )
    rng = np.random.default_rng(40)
    xi = patterns.sdr_indices(4000, N, w, rng=rng)
    net = DendriticNeurons(N, theta, synapses=synapses, union=2).store(xi, rng=rng)
    hits = np.count_nonzero(net.recall(patterns.sdr_indices(2000, N, w, rng=rng)).spikes)
    assert within_binomial_error(hits, 4_000_000, p, inflation=1.05)
    # the papers' formula, at the expected union size rounded (47), is near it
    papers = theory.union_segment_false_positive(N, w, synapses, theta, 2, size="rounded")
    assert papers == pytest.approx(p, rel=0.1)


def test_an_input_that_is_the_union_of_two_patterns():
    # The input is the union of 2 random patterns of w = 64: 128 - b active cells, b ~ the
    # overlap law; P_FP averaged over b. 500 segments x 2000 inputs (inflation < 1.1 from
    # the spread of input sizes, as above).
    N, w, synapses, theta = 1000, 64, 24, 8
    p = sum(
        weight * theory.segment_false_positive(N, 2 * w - b, synapses, theta)
        for b, weight in enumerate(_overlap_law(N, w))
    )
    rng = np.random.default_rng(50)
    xi = patterns.sdr_indices(500, N, w, rng=rng)
    net = DendriticNeurons(N, theta, synapses=synapses).store(xi, rng=rng)
    x = patterns.pack_sdr(patterns.sdr_indices(4000, N, w, rng=rng), N)
    hits = np.count_nonzero(net.recall(patterns.sdr_union(x.reshape(2000, 2, -1))).spikes)
    assert within_binomial_error(hits, 1_000_000, p, inflation=1.1)
    papers = theory.union_input_false_positive(N, w, synapses, theta, 2, size="mean")
    assert papers == pytest.approx(p, rel=0.1)


# ---------------------------------------------------------------------------------
# Bad input

xi_ok = patterns.sdr_indices(6, 100, 10, rng=0)
net_ok = DendriticNeurons(100, 3, synapses=5).store(xi_ok, rng=0)

BAD = [
    (lambda: DendriticNeurons(0, 3), ValueError, "N must be in"),
    (lambda: DendriticNeurons(100, 0), ValueError, "theta must be in"),
    (lambda: DendriticNeurons(100, 5, synapses=4), ValueError, "synapses must be in \\[5, 100\\]"),
    (lambda: DendriticNeurons(100, 3, segments=0), ValueError, "segments must be in"),
    (lambda: DendriticNeurons(100, 3, union=1.5), TypeError, "union must be an integer"),
    (lambda: DendriticNeurons(100, 3).recall(xi_ok), ValueError, "no stored patterns"),
    (lambda: DendriticNeurons(100, 3).n_segments, ValueError, "no stored patterns"),
    (lambda: DendriticNeurons(100, 3).W, ValueError, "no stored patterns"),
    (lambda: DendriticNeurons(100, 3, segments=4).store(xi_ok), ValueError, "multiple of"),
    (lambda: DendriticNeurons(100, 3, synapses=12).store(xi_ok), ValueError, "synapses = 12"),
    (lambda: DendriticNeurons(50, 3).store(xi_ok), ValueError, "xi must be active-cell"),
    (lambda: DendriticNeurons(100, 3).store(xi_ok[0]), ValueError, "xi must be an array with"),
    (
        lambda: DendriticNeurons(100, 3).store(np.eye(100, dtype=bool)[:, :50]),
        ValueError,
        "xi must be an array of shape \\(\\*, 100\\)",
    ),
    (
        lambda: DendriticNeurons(4, 1).store(np.array([[1, 1, 0, 0], [1, 0, 0, 0]], bool)),
        ValueError,
        "xi must be SDRs with equal numbers of active cells; got counts \\[1 2\\]",
    ),
    (lambda: net_ok.recall(np.array([1, 2, 2])), ValueError, "2 twice in row 0"),
    (lambda: net_ok.recall(np.zeros(3, np.uint64)), ValueError, "cue must be 2 words per SDR"),
    (lambda: net_ok.recall(np.zeros(50, bool)), ValueError, "cue must be bool SDRs of the N = "),
    (lambda: net_ok.recall([1, 2]), TypeError, "cue must be a numpy array"),
    (lambda: net_ok.recall(xi_ok, rng="x"), TypeError, "rng must be"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
