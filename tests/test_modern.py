"""The modern continuous Hopfield network: Ramsauer et al.'s bounds, energy descent, the
limits of beta, exact sparse separations and the universal similarities."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from scipy.spatial.distance import cdist

from assoc import patterns
from assoc.models import ModernHopfield, entmax, sparsemax
from theory import modern as theory


def update_reference(X, xi, beta):
    """Ramsauer et al. Eq. (3), one query at a time: xi <- X^T softmax(beta X xi)."""
    return np.array([X.T @ special.softmax(beta * (X @ q)) for q in np.atleast_2d(xi)])


def sparse_reference(a, alpha):
    """alpha-entmax (alpha = 1.5 or 2) of a short vector by enumerating its support S:
    p_S = ((alpha - 1) a_S - tau)^(1/(alpha-1)) with sum p_S = 1 solved in closed form
    (linear for alpha = 2, quadratic for alpha = 1.5); S is the one whose tau lies above
    every (alpha - 1) a_j outside it and below every one inside (the KKT conditions)."""
    z = (alpha - 1) * a
    for k in range(1, len(a) + 1):
        for S in itertools.combinations(range(len(a)), k):
            u = z[list(S)]
            if alpha == 2:
                tau = (u.sum() - 1) / k
            else:
                disc = u.sum() ** 2 - k * (np.sum(u**2) - 1)
                if disc < 0:
                    continue
                tau = (u.sum() - np.sqrt(disc)) / k
            rest = np.delete(z, list(S))
            if np.all(u > tau) and np.all(rest <= tau):
                p = np.zeros_like(a)
                p[list(S)] = (u - tau) ** (1 / (alpha - 1))
                return p
    raise AssertionError("no support satisfies the KKT conditions")


def test_update_is_ramsauers_eq3_in_float64_and_float32():
    X = patterns.gaussian(300, 16, rng=0).astype(np.float64)
    xi = patterns.gaussian(5, 16, rng=1).astype(np.float64)
    net = ModernHopfield(beta=0.7).store(X)
    np.testing.assert_allclose(net.update(xi), update_reference(X, xi, 0.7), rtol=1e-12)
    np.testing.assert_allclose(net.update(xi[0]), update_reference(X, xi[0], 0.7)[0], rtol=1e-12)
    single = ModernHopfield(beta=0.7).store(X.astype(np.float32))
    out = single.update(xi.astype(np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, update_reference(X, xi, 0.7), rtol=1e-4, atol=1e-5)


def test_energy_is_ramsauers_eq2():
    # theory.modern.energy evaluates Eq. (2) with scipy's logsumexp: an independent code.
    X = patterns.spherical(50, 8, radius=3.0, rng=0).astype(np.float64)
    xi = patterns.gaussian(4, 8, rng=1).astype(np.float64)
    net = ModernHopfield(beta=2.0).store(X)
    want = [theory.energy(X, q, 2.0) for q in xi]
    np.testing.assert_allclose(net.energy(xi), want, rtol=1e-12)
    assert net.energy(xi[0]) == pytest.approx(want[0], rel=1e-12)


def test_one_update_obeys_ramsauers_bound_on_every_well_separated_pattern():
    # Lemma A4 / Theorem 5 (arXiv:2008.02217): ||f(xi) - x_i|| <= 2 eps M, eps =
    # (K - 1) exp(-beta (Delta_i - 2 ||xi - x_i|| M)). 40 patterns on the sphere of radius
    # 3 in d = 16 and 10 near-copies of some of them (not separated); queries at the
    # patterns and 1 % away. beta = 3 puts the bound between 1e-9 and 1 for most, so
    # that it is informative and far above rounding.
    rng = np.random.default_rng(3)
    X = patterns.spherical(40, 16, radius=3.0, rng=rng).astype(np.float64)
    near = X[:10] + 0.05 * patterns.spherical(10, 16, rng=rng).astype(np.float64)
    X = np.concatenate([X, near])
    beta, M = 3.0, np.linalg.norm(X, axis=1).max()
    separated = theory.well_separated(X, beta)
    assert 10 < separated.sum() < len(X) - 10
    net = ModernHopfield(beta=beta).store(X)
    informative = 0
    for offset in (0.0, 0.01):
        xi = X + offset * M * patterns.spherical(len(X), 16, rng=rng).astype(np.float64)
        error = np.linalg.norm(net.update(xi) - X, axis=1)
        for i in np.flatnonzero(separated):
            bound = theory.retrieval_error_bound(X, xi[i], beta, i)
            assert error[i] <= bound
            informative += 1e-9 < bound < 1
    assert informative > 20


@settings(max_examples=50, deadline=None)
@given(
    K=st.integers(1, 30),
    d=st.integers(1, 10),
    beta=st.floats(0.01, 20.0),
    separation=st.sampled_from(["softmax", "sparsemax", "entmax"]),
    alpha=st.floats(1.1, 3.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_energy_never_increases_along_the_updates(K, d, beta, separation, alpha, seed):
    # The update is the concave-convex procedure of E (Ramsauer et al. Theorem 1;
    # Santos et al., arXiv:2402.13725, for the Tsallis entropies): E(f(xi)) <= E(xi), and
    # 0 <= E (Lemma A1).
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(K, d)) * rng.uniform(0.1, 3.0)
    net = ModernHopfield(beta=beta, separation=separation, alpha=alpha).store(X)
    xi = rng.normal(size=(3, d)) * 2
    E = net.energy(xi)
    for _ in range(12):
        xi = net.update(xi)
        E_new = net.energy(xi)
        assert np.all(E_new <= E + 1e-9 * (1 + np.abs(E)))
        assert np.all(E_new >= -1e-9 * (1 + np.abs(E)))
        E = E_new


def test_large_beta_retrieves_a_single_pattern_small_beta_the_global_average():
    # beta -> inf: softmax -> argmax, the fixed point is the pattern nearest the query;
    # beta -> 0: uniform weights, one update lands on the mean of the patterns (Ramsauer
    # et al. Sec. 3, the global fixed point), to O(beta M^2).
    X = patterns.spherical(200, 32, radius=4.0, rng=0).astype(np.float64)
    cue = patterns.add_noise(X[:5], 0.3, rng=1)
    sharp = ModernHopfield(beta=50.0).store(X)
    r = sharp.recall(cue)
    np.testing.assert_allclose(r.s, X[:5], atol=1e-12)
    assert (sharp.fixed_point_kind(r.s) == "single").all() and r.converged.all()
    blunt = ModernHopfield(beta=1e-6).store(X)
    r = blunt.recall(cue)
    np.testing.assert_allclose(r.s, np.broadcast_to(X.mean(axis=0), r.s.shape), atol=1e-4)
    assert (blunt.fixed_point_kind(r.s) == "global").all()


def test_metastable_state_averages_a_cluster():
    # Three patterns much closer to each other than to the rest: at moderate beta the
    # fixed point from one of them is an average of the three (a metastable state,
    # Ramsauer et al. Sec. 3), neither a single pattern nor the global average.
    rng = np.random.default_rng(2)
    far = patterns.spherical(30, 16, radius=4.0, rng=rng).astype(np.float64)
    centre = far[0]
    cluster = centre + 0.2 * rng.normal(size=(3, 16))
    X = np.concatenate([cluster, far[1:]])
    net = ModernHopfield(beta=1.0).store(X)
    r = net.recall(X[0])
    w = net.weights(r.s)
    assert r.converged and w[:3].sum() > 0.999 and w[:3].min() > 0.1
    assert net.fixed_point_kind(r.s) == "metastable"
    assert 2.0 < net.participation(r.s) < 3.0


@pytest.mark.parametrize("alpha", [1.5, 2.0])
def test_sparse_separations_are_exact(alpha):
    # Against the KKT enumeration over supports: same weights, the same exact zeros.
    rng = np.random.default_rng(int(alpha * 10))
    a = rng.normal(size=(40, 7)) * 2
    got = sparsemax(a) if alpha == 2 else entmax(a, alpha)
    want = np.array([sparse_reference(row, alpha) for row in a])
    np.testing.assert_array_equal(got == 0, want == 0)
    np.testing.assert_allclose(got, want, atol=1e-14)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(entmax(a, 2.0), sparsemax(a), atol=1e-14)


def test_sparse_weights_near_a_pattern_select_it_alone():
    # Near a separated pattern, sparsemax and entmax put weight exactly 0 on every other
    # pattern (Santos et al., arXiv:2402.13725: exact retrieval), softmax on none.
    X = patterns.spherical(500, 32, radius=4.0, rng=0).astype(np.float64)
    cue = patterns.add_noise(X[:6], 0.2, rng=1)
    for separation in ("sparsemax", "entmax"):
        net = ModernHopfield(beta=1.0, separation=separation).store(X)
        w = net.weights(cue)
        np.testing.assert_array_equal(np.count_nonzero(w, axis=1), 1)
        np.testing.assert_array_equal(w[np.arange(6), np.arange(6)], 1.0)
        np.testing.assert_array_equal(net.update(cue), X[:6])
    assert np.all(ModernHopfield(beta=1.0).store(X).weights(cue) > 0)


def test_entmax_tends_to_softmax_and_never_overflows():
    a = np.random.default_rng(0).normal(size=(5, 20))
    np.testing.assert_allclose(entmax(a, 1.0001), special.softmax(a, axis=1), atol=1e-4)
    huge = np.array([[1e300, -1e300, 0.0]])
    for w in (entmax(huge, 1.5), sparsemax(huge), ModernHopfield()._separate(huge)):
        np.testing.assert_array_equal(w, [[1.0, 0.0, 0.0]])


@pytest.mark.parametrize(
    ("similarity", "metric"), [("euclidean", "euclidean"), ("manhattan", "cityblock")]
)
def test_universal_similarities(similarity, metric):
    # Millidge et al. (arXiv:2202.04557): xi <- X^T softmax(-beta dist(X, xi)).
    X = patterns.gaussian(60, 10, rng=0).astype(np.float64)
    xi = patterns.gaussian(3, 10, rng=1).astype(np.float64)
    net = ModernHopfield(beta=0.8, similarity=similarity).store(X)
    want = special.softmax(-0.8 * cdist(xi, X, metric), axis=1) @ X
    np.testing.assert_allclose(net.update(xi), want, rtol=1e-12)
    r = net.recall(patterns.add_noise(X[:3], 0.1, rng=2))
    assert r.energy is None and r.converged.all()
    with pytest.raises(ValueError, match="similarity must be"):
        net.energy(xi)


def test_recall_result_shapes_and_convergence():
    X = patterns.spherical(100, 16, radius=4.0, rng=0)
    net = ModernHopfield(beta=2.0).store(X)
    one = net.recall(X[0] + np.float32(0.1))
    many = net.recall(X[:4], max_iter=1)
    assert one.s.shape == (16,) and one.m.shape == (100,) and np.ndim(one.energy) == 0
    assert one.s.dtype == np.float32 and one.converged
    assert many.s.shape == (4, 16) and (many.sweeps == 1).all()
    np.testing.assert_allclose(many.m, patterns.overlap(X, many.s))


BAD = [
    (lambda: ModernHopfield(beta=0.0), ValueError, "beta must be in"),
    (lambda: ModernHopfield(separation="hardmax"), ValueError, "separation must be one of"),
    (lambda: ModernHopfield(similarity="cosine"), ValueError, "similarity must be one of"),
    (lambda: ModernHopfield(alpha=1.0), ValueError, "alpha must be in"),
    (lambda: ModernHopfield().update(np.zeros(3)), ValueError, "no patterns stored"),
    (
        lambda: ModernHopfield().store(np.ones((3, 4), int)),
        TypeError,
        "X must be an array of dtype",
    ),
    (lambda: ModernHopfield().store(np.ones(4)), ValueError, "X must be an array with ndim"),
    (lambda: ModernHopfield().store(np.full((3, 4), np.nan)), ValueError, "X must be finite"),
    (
        lambda: ModernHopfield().store(np.ones((3, 4))).update(np.ones(5)),
        ValueError,
        "xi must be an array of shape",
    ),
    (
        lambda: ModernHopfield().store(np.ones((3, 4))).recall(np.ones(4, int)),
        TypeError,
        "xi must be an array of dtype",
    ),
    (
        lambda: ModernHopfield().store(np.ones((3, 4))).recall(np.ones(4), max_iter=0),
        ValueError,
        "max_iter must be in",
    ),
    (
        lambda: ModernHopfield().store(np.ones((3, 4))).recall(np.ones(4), tol=-1.0),
        ValueError,
        "tol must be in",
    ),
    (lambda: entmax(np.ones(3), 0.5), ValueError, "alpha must be in"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_occlude_blanks_the_last_entries():
    # The half-masked cue of the experiments and the notebook: the lower half of an image
    # stored row by row.
    x = np.arange(1.0, 9.0).reshape(2, 4)
    np.testing.assert_array_equal(patterns.occlude(x, 0.5), [[1, 2, 0, 0], [5, 6, 0, 0]])
    s = np.ones(6, np.int8)
    np.testing.assert_array_equal(patterns.occlude(s, 0.5, value=-1), [1, 1, 1, -1, -1, -1])
    np.testing.assert_array_equal(patterns.occlude(s, 0.0), s)
    with pytest.raises(ValueError, match="value must be representable"):
        patterns.occlude(s, 0.5, value=0.5)
    with pytest.raises(ValueError, match="fraction must be in"):
        patterns.occlude(s, 1.5)
