"""Each spin kernel against a plain NumPy oracle, in both field representations."""

import numba
import numpy as np
import pytest

from assoc._kernels import spins as _spins
from assoc.models._base import CouplingFields, OverlapFields, logistic_thresholds


def _couplings(kind, rng, P, N, d):
    """(engine, J_reference): the reference fields of either engine are exact, so the
    oracle and the kernel agree on every tie h_i == 0."""
    xi = rng.choice([-1, 1], size=(P, N)).astype(np.int8)
    xi[rng.random((P, N)) < d] = 0
    if kind is not CouplingFields:
        J = xi.T.astype(np.int64) @ xi  # N J, integer: exact fields
        np.fill_diagonal(J, 0)
        return kind(xi), J, N
    # generic symmetric float32 couplings: no ties
    A = rng.standard_normal((N, N)).astype(np.float32)
    J = (A + A.T) / np.float32(2 * np.sqrt(N))
    np.fill_diagonal(J, 0.0)
    return CouplingFields(J), J, 1


def shuffle_reference(order, u):
    """Fisher-Yates, as the kernels shuffle: j uniform in 0..k from u[k]."""
    for k in range(len(order) - 1, 0, -1):
        j = int(u[k] * (k + 1))
        order[k], order[j] = order[j], order[k]


def sweeps_reference(J, s, u, z=None, until_fixed=False):
    """Plain NumPy: each visit recomputes h_i = J[i] @ s; returns s, flips, sweeps, s_sums."""
    s, flips, sums = s.copy(), 0, []
    for c in range(len(u)):
        order = np.arange(len(s))  # each sweep shuffles the identity afresh
        shuffle_reference(order, u[c])
        n = 0
        for k, i in enumerate(order):
            g = J[i].astype(np.float64) @ s - (0.0 if z is None else z[c, k])
            new = 1 if g > 0 else (-1 if g < 0 else s[i])
            n += new != s[i]
            s[i] = new
        flips += n
        sums.append(s.astype(float))
        if until_fixed and n == 0:
            break
    return s, flips, len(sums), sums


def _overlaps(dtype):
    return lambda xi: OverlapFields(xi, dtype=dtype)


# the kept overlaps in each of their three exact types (int16 is the default here)
ENGINES = [
    pytest.param(CouplingFields, 0.0, id="couplings"),
    pytest.param(_overlaps(np.int16), 0.0, id="overlaps"),
    pytest.param(_overlaps(np.int16), 0.3, id="overlaps-diluted"),
    pytest.param(_overlaps(np.float32), 0.0, id="overlaps-float32"),
    pytest.param(_overlaps(np.float64), 0.3, id="overlaps-float64-diluted"),
]


@pytest.mark.parametrize(("kind", "d"), ENGINES)
@pytest.mark.parametrize("B", [1, 3])
def test_zero_T_sweeps_match_numpy(kind, d, B):
    rng = np.random.default_rng(7)
    N, C = 41, 6
    engine, J, scale = _couplings(kind, rng, 5, N, d)
    s = rng.choice([-1, 1], size=(B, N)).astype(np.int8)
    start = s.copy()
    u = rng.random((B, C, N))
    active = np.arange(B) < max(1, B - 1)  # the last replica of a batch sits out
    kept = engine.start(s)
    done, flips, fixed = engine.sweeps(
        s, kept, u, np.empty((B, 0, 0)), np.zeros((B, N)), C, True, active
    )
    for b in range(B):
        if not active[b]:
            np.testing.assert_array_equal(s[b], start[b])
            assert done[b] == flips[b] == 0 and not fixed[b]
            continue
        want, n, swept, _ = sweeps_reference(J, start[b], u[b], until_fixed=True)
        np.testing.assert_array_equal(s[b], want)
        assert (flips[b], done[b], fixed[b]) == (n, swept, swept < C or n == 0)
    np.testing.assert_allclose(engine.fields(s, kept), s.astype(np.float64) @ J / scale, atol=1e-6)


@pytest.mark.parametrize(("kind", "d"), ENGINES)
@pytest.mark.parametrize("B", [1, 2])
def test_glauber_sweeps_match_numpy(kind, d, B):
    rng = np.random.default_rng(8)
    C, N, beta = 3, 31, 1.7
    engine, J, scale = _couplings(kind, rng, 4, N, d)
    s = rng.choice([-1, 1], size=(B, N)).astype(np.int8)
    u = rng.random((B, C, N))
    u_z = rng.random((B, C, N))
    z = logistic_thresholds(u_z, beta)  # in units of h, for the oracle
    kept = engine.start(s)
    s_sum = np.zeros((B, N))
    start = s.copy()
    done, flips, _ = engine.sweeps(
        s, kept, u, engine.thresholds(u_z, beta), s_sum, 1, False, np.ones(B, bool)
    )
    for b in range(B):
        want, n, _, sums = sweeps_reference(J / scale, start[b], u[b], z[b])
        np.testing.assert_array_equal(s[b], want)
        np.testing.assert_array_equal(s_sum[b], np.sum(sums[1:], axis=0))
        assert flips[b] == n and done[b] == C
    np.testing.assert_allclose(engine.fields(s, kept), s.astype(np.float64) @ J / scale, atol=1e-6)


def test_shuffle_is_uniform_over_permutations():
    # All 4! = 24 orders of a Fisher-Yates shuffle driven by uniforms are equally likely:
    # chi-square over 24 000 shuffles at significance 1e-3.
    from scipy import stats

    rng = np.random.default_rng(5)
    counts = {}
    for row in rng.random((24_000, 4)):
        order = np.arange(4)
        _spins._shuffle(order, row)  # the kernel's shuffle, as the reference does it
        reference = list(range(4))
        shuffle_reference(reference, row)
        assert order.tolist() == reference
        counts[tuple(reference)] = counts.get(tuple(reference), 0) + 1
    assert len(counts) == 24
    assert stats.chisquare(list(counts.values())).pvalue > 1e-3


def test_logistic_thresholds_give_the_heat_bath_probability():
    # P(z < h) = (1 + tanh(beta h)) / 2 exactly in distribution; check the map u -> z is
    # the inverse CDF, and that u = 0 maps to -inf rather than NaN.
    u = np.array([0.0, 0.1, 0.5, 0.9])
    z = logistic_thresholds(u, 2.0)
    assert z[0] == -np.inf and z[2] == 0.0
    np.testing.assert_allclose(0.5 * (1 + np.tanh(2.0 * z[1:])), u[1:], rtol=1e-12)


def test_overlap_types_are_the_narrowest_exact():
    # int16 while N max|xi| < 2^15 and P N max|xi|^2 < 2^31; float32 below 2^24; float64
    xi = np.ones((10, 100), dtype=np.int8)
    assert OverlapFields(xi).dtype == np.int16
    assert OverlapFields(xi * np.int16(400)).dtype == np.float64  # N max|xi| = 40000
    assert OverlapFields(np.ones((2, 4000), np.int16) * 9).dtype == np.float32
    with pytest.raises(ValueError, match="dtype must be one of"):
        OverlapFields(xi * np.int16(400), dtype=np.int16)


def test_overlap_fields_are_exact_integers_over_N():
    rng = np.random.default_rng(3)
    xi = rng.choice([-1, 1], size=(6, 40)).astype(np.int8)
    s = rng.choice([-1, 1], size=(2, 40)).astype(np.int8)
    M = OverlapFields(xi).start(s)
    N_h = OverlapFields(xi).fields(s, M) * 40
    np.testing.assert_array_equal(N_h, np.round(N_h))


@numba.njit
def _kernel_dot(x, y):
    return _spins._dot(x, y)


@pytest.mark.parametrize("P", [0, 1, 15, 16, 17, 31, 32, 33, 48, 49, 400, 1001])
def test_field_dot_products_are_exact_in_every_path(P):
    # int8 rows against int16 overlaps (contiguous: the multiply-add path where the host
    # has AVX-512BW; strided: the plain loop), and against float32/float64 overlaps; the
    # oracle is an int64 NumPy dot product. Overlaps at the ends of int16 and |x| <= 8
    # keep every sum below 2^31, as OverlapFields guarantees.
    rng = np.random.default_rng(P)
    x = rng.integers(-8, 9, 2 * P, dtype=np.int8)
    y = rng.integers(-(2**15), 2**15, 2 * P, dtype=np.int16)
    y[:2] = -(2**15)
    for xs, ys in ((x[:P], y[:P]), (x[::2], y[::2])):
        want = int(xs.astype(np.int64) @ ys)
        assert _kernel_dot(xs, ys) == want
    small = y[:P] // 64  # below 2^24 in every partial sum
    want = int(x[:P].astype(np.int64) @ small)
    for dtype in (np.float32, np.float64):
        assert _kernel_dot(x[:P], small.astype(dtype)) == want


@pytest.mark.parametrize(
    "xi_dtype, top, N",
    [(np.int8, 1, 300), (np.int8, 0, 301), (np.int16, 9, 200), (np.int16, 400, 60)],
)
def test_start_overlaps_and_fields_equal_an_int64_reference_bit_for_bit(xi_dtype, top, N):
    # M = xi s and N h = xi^T M - c s from the kernels, in every kept type (int16,
    # float32, float64), against int64 NumPy arithmetic; diluted patterns (top 0: {-1, 0,
    # +1}) and sums of examples (int16) too.
    rng = np.random.default_rng(N)
    P = 37
    low = -1 if top <= 1 else -top
    xi = rng.integers(low, max(top, 1) + 1, size=(P, N)).astype(xi_dtype)
    s = rng.choice(np.array([-1, 1], np.int8), size=(3, N))
    M64 = s.astype(np.int64) @ xi.T.astype(np.int64)
    c = (xi.astype(np.int64) ** 2).sum(axis=0)
    Nh64 = M64 @ xi.astype(np.int64) - c * s
    for dtype in (np.int16, np.float32, np.float64):
        try:
            engine = OverlapFields(xi, dtype=dtype)
        except ValueError:
            continue  # not exact at this size: refused (test_overlap_types_...)
        M = engine.start(s)
        assert M.dtype == dtype
        np.testing.assert_array_equal(M.astype(np.int64), M64)
        np.testing.assert_array_equal(engine.fields(s, M), Nh64 / N)


def test_hebbian_couplings_are_compact_exact_integers_started_from_the_overlaps():
    # int16 N J = xi^T xi and int32 kept fields J s, equal to the int64 reference
    from assoc import Hopfield

    rng = np.random.default_rng(8)
    xi = rng.choice(np.array([-1, 1], np.int8), size=(40, 500))
    engine = Hopfield(500, fields="couplings").store(xi)._engine
    assert engine.J.dtype == np.int16
    NJ = xi.T.astype(np.int64) @ xi.astype(np.int64)
    np.fill_diagonal(NJ, 0)
    np.testing.assert_array_equal(engine.J, NJ)
    s = rng.choice(np.array([-1, 1], np.int8), size=(4, 500))
    h = engine.start(s)
    assert h.dtype == np.int32
    np.testing.assert_array_equal(h, s.astype(np.int64) @ NJ)
