"""Pattern families, corruptions and overlaps."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assoc import patterns


def test_random_spins_are_unbiased_int8():
    xi = patterns.random_spins(200, 500, rng=0)
    assert xi.dtype == np.int8 and xi.shape == (200, 500)
    assert set(np.unique(xi)) == {-1, 1}
    # mean of 1e5 +-1 entries: standard error 1/sqrt(1e5) = 0.0032; allow 4 of them
    assert abs(xi.mean()) < 4 / np.sqrt(xi.size)


def test_biased_spins_have_mean_a():
    xi = patterns.biased_spins(200, 500, 0.3, rng=0)
    se = np.sqrt((1 - 0.3**2) / xi.size)
    assert abs(xi.mean() - 0.3) < 4 * se


def test_diluted_spins_have_blank_fraction_d():
    d = 0.4
    xi = patterns.diluted_spins(100, 1000, d, rng=0)
    assert set(np.unique(xi)) <= {-1, 0, 1}
    blank = np.mean(xi == 0)
    assert abs(blank - d) < 4 * np.sqrt(d * (1 - d) / xi.size)
    assert abs(xi[xi != 0].mean()) < 4 / np.sqrt(np.count_nonzero(xi))


@settings(max_examples=30, deadline=None)
@given(N=st.integers(1, 300), data=st.data())
def test_sdr_has_exactly_w_active_bits(N, data):
    w = data.draw(st.integers(0, N))
    x = patterns.sdr(7, N, w, rng=data.draw(st.integers(0, 2**32 - 1)))
    assert x.dtype == bool and x.shape == (7, N)
    np.testing.assert_array_equal(x.sum(axis=1), w)


def test_sdr_active_bits_are_uniform():
    x = patterns.sdr(4000, 20, 5, rng=1)
    freq = x.mean(axis=0)
    se = np.sqrt(0.25 * 0.75 / 4000)
    assert np.all(np.abs(freq - 0.25) < 5 * se)


def test_continuous_families():
    g = patterns.gaussian(300, 200, sigma=2.0, rng=0)
    assert g.dtype == np.float32 and abs(g.std() - 2.0) < 0.05
    x = patterns.spherical(10, 64, radius=3.0, rng=0)
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 3.0, rtol=1e-5)


def test_noisy_examples_have_quality_r():
    xi = patterns.diluted_spins(3, 2000, 0.2, rng=0)
    eta = patterns.noisy_examples(xi, 50, 0.6, rng=1)
    assert eta.shape == (3, 50, 2000) and eta.dtype == np.int8
    np.testing.assert_array_equal(eta[:, :, xi[0] == 0][0], 0)  # blanks stay blank
    agree = (eta * xi[:, None, :]).sum() / (50 * np.count_nonzero(xi))
    n = 50 * np.count_nonzero(xi)
    assert abs(agree - 0.6) < 4 * np.sqrt((1 - 0.6**2) / n)


@settings(max_examples=30, deadline=None)
@given(N=st.integers(1, 200), fraction=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_flip_changes_exactly_round_fraction_N_entries(N, fraction, seed):
    xi = patterns.random_spins(3, N, rng=seed)
    cue = patterns.flip(xi, fraction, rng=seed + 1)
    k = round(fraction * N)
    np.testing.assert_array_equal(patterns.hamming(xi, cue), k)
    np.testing.assert_allclose(np.diagonal(patterns.overlap(xi, cue)), 1 - 2 * k / N)


def test_flip_keeps_blanks_and_mask_sets_zeros():
    xi = patterns.diluted_spins(2, 500, 0.5, rng=0)
    cue = patterns.flip(xi, 0.5, rng=1)
    np.testing.assert_array_equal(cue == 0, xi == 0)
    x = patterns.gaussian(2, 100, rng=0)
    masked = patterns.mask(x, 0.25, rng=1)
    np.testing.assert_array_equal((masked == 0).sum(axis=1), 25)


def test_add_noise_has_sigma():
    x = np.zeros((100, 1000), dtype=np.float32)
    y = patterns.add_noise(x, 0.5, rng=0)
    assert y.dtype == np.float32 and abs(y.std() - 0.5) < 0.01


def test_overlap_of_sdrs_counts_shared_bits():
    a = np.zeros((2, 10), bool)
    a[0, [1, 2, 3]] = True
    a[1, [3, 4, 5]] = True
    s = np.zeros(10, bool)
    s[[2, 3, 4]] = True
    np.testing.assert_array_equal(patterns.overlap(a, s), [2, 2])


def test_same_seed_same_patterns():
    for make in (
        lambda r: patterns.random_spins(4, 50, rng=r),
        lambda r: patterns.sdr(4, 50, 5, rng=r),
        lambda r: patterns.diluted_spins(4, 50, 0.3, rng=r),
    ):
        np.testing.assert_array_equal(make(3), make(3))
        np.testing.assert_array_equal(make(np.random.default_rng(3)), make(3))
        assert not np.array_equal(make(3), make(4))


def test_generator_stream_is_consumed():
    g = np.random.default_rng(0)
    assert not np.array_equal(
        patterns.random_spins(2, 50, rng=g), patterns.random_spins(2, 50, rng=g)
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_overlap_batch_shape(seed):
    xi = patterns.random_spins(5, 40, rng=seed)
    assert patterns.overlap(xi, xi[:3]).shape == (3, 5)
    assert patterns.overlap(xi, xi[0]).shape == (5,)
