"""SDRs as index arrays and bit-packed words: conversions, overlaps, unions, noise,
subsamples, the popcount kernels, and the rejection of bad SDRs."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from assoc import patterns
from assoc._kernels import sdr as kernels
from theory import dendritic as theory


@st.composite
def sdr_batches(draw, max_n=300, max_rows=12):
    """(N, w, indices (P, w)) with random distinct cells in each row."""
    N = draw(st.integers(1, max_n))
    w = draw(st.integers(0, min(N, 70)))
    P = draw(st.integers(1, max_rows))
    seed = draw(st.integers(0, 2**32 - 1))
    return N, w, patterns.sdr_indices(P, N, w, rng=seed)


def as_sets(x):
    return [set(row.tolist()) for row in np.atleast_2d(x)]


# ---------------------------------------------------------------------------------
# Random SDRs and the conversions


@settings(max_examples=40, deadline=None)
@given(sdr_batches())
def test_sdr_indices_are_distinct_sorted_and_in_range(batch):
    N, w, x = batch
    assert x.dtype == np.int64 and x.shape[1] == w
    assert np.all((x >= 0) & (x < N))
    assert np.all(np.diff(x, axis=1) > 0)


def test_sdr_indices_draw_every_subset_equally_often():
    # N = 6, w = 3: 20 subsets; 40000 draws give 2000 each. Chi-square with 19 degrees
    # of freedom, fixed seed; the test fails below a p-value of 1e-3.
    x = patterns.sdr_indices(40_000, 6, 3, rng=11)
    subsets = list(itertools.combinations(range(6), 3))
    codes = (x * np.array([36, 6, 1])).sum(axis=1)
    counts = np.array([np.count_nonzero(codes == 36 * i + 6 * j + k) for i, j, k in subsets])
    assert counts.sum() == 40_000
    assert stats.chisquare(counts).pvalue > 1e-3


@settings(max_examples=60, deadline=None)
@given(sdr_batches())
def test_pack_and_unpack_are_inverse(batch):
    N, w, x = batch
    words = patterns.pack_sdr(x, N, w=w)
    assert words.dtype == np.uint64 and words.shape == (x.shape[0], (N + 63) // 64)
    np.testing.assert_array_equal(patterns.unpack_sdr(words, N, w=w), x)
    np.testing.assert_array_equal(patterns.active_bits(words), w)
    # the same words from the bool form, and from unsorted indices
    dense = np.zeros((x.shape[0], N), dtype=bool)
    np.put_along_axis(dense, x, True, axis=1)
    np.testing.assert_array_equal(patterns.pack_sdr(dense), words)
    np.testing.assert_array_equal(patterns.pack_sdr(x[:, ::-1], N), words)
    # single SDRs keep their rank
    assert patterns.pack_sdr(x[0], N).shape == ((N + 63) // 64,)
    np.testing.assert_array_equal(patterns.unpack_sdr(words[0], N), x[0])


def test_packed_bit_layout_is_cell_i_in_bit_i_mod_64_of_word_i_div_64():
    words = patterns.pack_sdr(np.array([0, 63, 64, 129]), 130)
    assert words.tolist() == [1 | 1 << 63, 1, 2]


@settings(max_examples=60, deadline=None)
@given(sdr_batches(), st.integers(0, 70), st.integers(1, 70), st.integers(0, 2**32 - 1))
def test_packed_and_index_overlaps_are_identical(batch, w_s, B, seed):
    N, _, xi = batch
    w_s = min(w_s, N)
    s = patterns.sdr_indices(B, N, w_s, rng=seed)
    packed = patterns.sdr_overlap(patterns.pack_sdr(xi, N), patterns.pack_sdr(s, N))
    indexed = patterns.sdr_index_overlap(xi, s, N)
    want = [[len(q & p) for p in as_sets(xi)] for q in as_sets(s)]
    np.testing.assert_array_equal(packed, want)
    np.testing.assert_array_equal(indexed, want)
    assert packed.dtype == indexed.dtype == np.int32
    # and the shared API's overlap on bool SDRs (count of shared active bits)
    dense = np.zeros((xi.shape[0], N), dtype=bool)
    np.put_along_axis(dense, xi, True, axis=1)
    dense_s = np.zeros((B, N), dtype=bool)
    np.put_along_axis(dense_s, s, True, axis=1)
    np.testing.assert_array_equal(patterns.overlap(dense, dense_s), want)


def test_overlap_kernel_over_many_blocks_and_queries():
    # P and B not multiples of the kernel's block of 64 patterns
    N = 2048
    xi = patterns.sdr_indices(1000, N, 40, rng=1)
    s = patterns.sdr_indices(77, N, 40, rng=2)
    got = patterns.sdr_overlap(patterns.pack_sdr(xi, N), patterns.pack_sdr(s, N))
    np.testing.assert_array_equal(got, patterns.sdr_index_overlap(xi, s, N))
    single = patterns.sdr_overlap(patterns.pack_sdr(xi, N), patterns.pack_sdr(s[5], N))
    np.testing.assert_array_equal(single, got[5])
    # the kernel that shares the blocks among threads (used for large batches)
    parallel = np.empty_like(got)
    kernels.overlaps_parallel(patterns.pack_sdr(xi, N), patterns.pack_sdr(s, N), parallel)
    np.testing.assert_array_equal(parallel, got)


def test_popcount_matches_numpy_on_edge_words():
    rng = np.random.default_rng(3)
    words = np.concatenate(
        [
            np.array([0, 1, 2**63, 2**64 - 1, 0x5555555555555555], dtype=np.uint64),
            rng.integers(0, 2**64 - 1, size=200, dtype=np.uint64, endpoint=True),
        ]
    ).reshape(-1, 5)
    out = np.empty(words.shape[0], dtype=np.int64)
    kernels.active_bits(words, out)
    np.testing.assert_array_equal(out, np.bitwise_count(words).sum(axis=1))
    overlaps = np.empty((words.shape[0], words.shape[0]), dtype=np.int32)
    kernels.overlaps(words, words, overlaps)
    want = np.bitwise_count(words[:, None, :] & words[None, :, :]).sum(axis=2)
    np.testing.assert_array_equal(overlaps, want)


def test_match_is_overlap_at_least_theta():
    N = 500
    xi = patterns.pack_sdr(patterns.sdr_indices(50, N, 60, rng=4), N)
    s = patterns.pack_sdr(patterns.sdr_indices(20, N, 60, rng=5), N)
    m = patterns.sdr_overlap(xi, s)
    for theta in (0, 5, 8, 60):
        np.testing.assert_array_equal(patterns.sdr_match(xi, s, theta), m >= theta)


# ---------------------------------------------------------------------------------
# Unions, noise, subsamples


@settings(max_examples=30, deadline=None)
@given(sdr_batches(max_rows=6))
def test_union_is_the_set_union(batch):
    N, _, x = batch
    union = patterns.sdr_union(patterns.pack_sdr(x, N))
    assert set(patterns.unpack_sdr(union, N).tolist()) == set().union(*as_sets(x))


def test_union_size_matches_its_expectation():
    # Ahmad & Hawkins (arXiv:1503.07469), unions: E|X| = N (1 - (1 - w/N)^k). 2000
    # unions of k = 20 SDRs (N = 2048, w = 40); the mean's tolerance is 4 standard errors.
    N, w, union = 2048, 40, 20
    x = patterns.pack_sdr(patterns.sdr_indices(2000 * union, N, w, rng=6), N)
    sizes = patterns.active_bits(patterns.sdr_union(x.reshape(2000, union, -1)))
    sem = sizes.std(ddof=1) / np.sqrt(sizes.size)
    assert abs(sizes.mean() - theory.union_active_bits(N, w, union)) < 4 * sem


@settings(max_examples=40, deadline=None)
@given(sdr_batches(), st.data())
def test_noise_replaces_exactly_v_cells_by_inactive_ones(batch, data):
    N, w, x = batch
    v = data.draw(st.integers(0, min(w, N - w)))
    y = patterns.sdr_noise(x, v, N, rng=data.draw(st.integers(0, 2**32 - 1)))
    assert y.shape == x.shape and np.all(np.diff(y, axis=1) > 0)
    assert np.all((y >= 0) & (y < N))
    for before, after in zip(as_sets(x), as_sets(y)):
        assert len(before & after) == w - v and len(after) == w


def test_noise_choices_are_uniform():
    # N = 6, w = 2, v = 1 from {0, 1}: drop one of 2 cells, add one of the 4 inactive:
    # 8 outcomes, 1000 expected each. Chi-square, 7 degrees of freedom, fixed seed.
    y = patterns.sdr_noise(np.tile([0, 1], (8000, 1)), 1, 6, rng=7)
    codes = y[:, 0] * 6 + y[:, 1]
    outcomes = [k * 6 + c for k in (0, 1) for c in range(2, 6)]
    counts = np.array([np.count_nonzero(codes == o) for o in outcomes])
    assert counts.sum() == 8000
    assert stats.chisquare(counts).pvalue > 1e-3


def test_subsample_is_a_uniform_subset():
    x = np.array([[40, 3, 17, 8, 25]])
    for synapses in range(6):
        y = patterns.sdr_subsample(x, synapses, rng=synapses)
        assert y.shape == (1, synapses) and set(y[0].tolist()) <= set(x[0].tolist())
    # 10 subsets of 2 of 5 cells, 1000 expected each; chi-square, fixed seed
    y = patterns.sdr_subsample(np.tile(x, (10_000, 1)), 2, rng=8)
    codes = y[:, 0] * 64 + y[:, 1]
    pairs = list(itertools.combinations(sorted(x[0].tolist()), 2))
    counts = np.array([np.count_nonzero(codes == i * 64 + j) for i, j in pairs])
    assert counts.sum() == 10_000
    assert stats.chisquare(counts).pvalue > 1e-3


# ---------------------------------------------------------------------------------
# Bad SDRs are rejected, naming the argument, the expectation and the value

x_ok = patterns.sdr_indices(3, 100, 5, rng=0)
words_ok = patterns.pack_sdr(x_ok, 100)

BAD = [
    (lambda: patterns.pack_sdr(np.array([[1, 2, 3], [4, 5, 5]]), 10), "5 twice in row 1"),
    (lambda: patterns.pack_sdr(np.array([1, 2, 10]), 10), "in \\[0, 9\\]; got 10 in row 0"),
    (lambda: patterns.pack_sdr(np.array([1, -2, 3]), 10), "got -2 in row 0"),
    (lambda: patterns.pack_sdr(x_ok, 100, w=4), "x must be SDRs of w = 4 active cells"),
    (lambda: patterns.pack_sdr(x_ok, None), "N must be the number of cells"),
    (lambda: patterns.pack_sdr(np.zeros((2, 8), bool), 9), "N must be the length 8"),
    (lambda: patterns.pack_sdr(np.eye(4, dtype=bool), w=2), "got 1 in row 0"),
    (lambda: patterns.unpack_sdr(words_ok, 100, w=6), "words must be SDRs of w = 6"),
    (lambda: patterns.unpack_sdr(words_ok, 200), "words must be 4 words per SDR"),
    (lambda: patterns.unpack_sdr(words_ok | np.uint64(1 << 40), 100), "no bit set at or beyond"),
    (
        lambda: patterns.unpack_sdr(np.array([[1], [3]], dtype=np.uint64), 64),
        "equal numbers of active cells",
    ),
    (lambda: patterns.sdr_overlap(words_ok, words_ok[:, :1]), "s must be 2 words per SDR"),
    (lambda: patterns.sdr_index_overlap(x_ok, np.array([1, 1, 2]), 100), "1 twice"),
    (lambda: patterns.sdr_match(words_ok, words_ok, -1), "theta must be in"),
    (
        lambda: patterns.sdr_union(words_ok[0]),
        "words must be an array of shape \\(..., k, words\\)",
    ),
    (lambda: patterns.sdr_noise(x_ok, 6, 100), "v must be in \\[0, 5\\]"),
    (lambda: patterns.sdr_noise(x_ok, 1, 50), "x must be active-cell indices in \\[0, 49\\]"),
    (lambda: patterns.sdr_subsample(x_ok, 6), "synapses must be in \\[0, 5\\]"),
    (lambda: patterns.sdr_indices(2, 10, 11), "w must be in \\[0, 10\\]"),
]

BAD_TYPES = [
    (lambda: patterns.pack_sdr(x_ok.astype(float), 100), "x must be an array of dtype kind"),
    (lambda: patterns.pack_sdr([1, 2], 10), "x must be a numpy array"),
    (lambda: patterns.sdr_overlap(x_ok, x_ok), "xi must be bit-packed SDRs, a uint64 array"),
    (lambda: patterns.unpack_sdr(words_ok.astype(np.int64), 100), "use patterns.pack_sdr"),
    (lambda: patterns.sdr_indices(2, 10, 2.0), "w must be an integer"),
]


@pytest.mark.parametrize(("call", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_sdrs_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(("call", "message"), BAD_TYPES, ids=[m for _, m in BAD_TYPES])
def test_sdrs_of_the_wrong_type_are_rejected(call, message):
    with pytest.raises(TypeError, match=message):
        call()
