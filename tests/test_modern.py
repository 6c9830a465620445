"""The modern continuous Hopfield network: Ramsauer et al.'s bounds, energy descent, the
limits of beta, exact sparse separations and the universal similarities."""

import itertools
import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from scipy.spatial.distance import cdist

import assoc
from assoc import patterns
from assoc.models import ModernHopfield, entmax, sparsemax
from theory import modern as theory


def update_reference(xi, s, beta):
    """Ramsauer et al. Eq. (3), one query at a time: s <- xi^T softmax(beta xi s)."""
    return np.array([xi.T @ special.softmax(beta * (xi @ q)) for q in np.atleast_2d(s)])


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
    xi = patterns.gaussian(300, 16, rng=0).astype(np.float64)
    s = patterns.gaussian(5, 16, rng=1).astype(np.float64)
    net = ModernHopfield(beta=0.7).store(xi)
    np.testing.assert_allclose(net.update(s), update_reference(xi, s, 0.7), rtol=1e-12)
    np.testing.assert_allclose(net.update(s[0]), update_reference(xi, s[0], 0.7)[0], rtol=1e-12)
    single = ModernHopfield(beta=0.7).store(xi.astype(np.float32))
    out = single.update(s.astype(np.float32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, update_reference(xi, s, 0.7), rtol=1e-4, atol=1e-5)


def test_energy_is_ramsauers_eq2():
    # theory.modern.energy evaluates Eq. (2) with scipy's logsumexp: an independent code.
    xi = patterns.spherical(50, 8, radius=3.0, rng=0).astype(np.float64)
    s = patterns.gaussian(4, 8, rng=1).astype(np.float64)
    net = ModernHopfield(beta=2.0).store(xi)
    want = [theory.energy(xi, q, 2.0) for q in s]
    np.testing.assert_allclose(net.energy(s), want, rtol=1e-12)
    assert net.energy(s[0]) == pytest.approx(want[0], rel=1e-12)


def test_one_update_obeys_ramsauers_bound_on_every_well_separated_pattern():
    # Lemma A4 / Theorem 5 (arXiv:2008.02217): ||f(s) - xi^mu|| <= 2 eps M, eps =
    # (P - 1) exp(-beta (Delta_mu - 2 ||s - xi^mu|| M)). 40 patterns on the sphere of radius
    # 3 in N = 16 and 10 near-copies of some of them (not separated); queries at the
    # patterns and 1 % away. beta = 3 puts the bound between 1e-9 and 1 for most, so
    # that it is informative and far above rounding.
    rng = np.random.default_rng(3)
    xi = patterns.spherical(40, 16, radius=3.0, rng=rng).astype(np.float64)
    near = xi[:10] + 0.05 * patterns.spherical(10, 16, rng=rng).astype(np.float64)
    xi = np.concatenate([xi, near])
    beta, M = 3.0, np.linalg.norm(xi, axis=1).max()
    separated = theory.well_separated(xi, beta)
    assert 10 < separated.sum() < len(xi) - 10
    net = ModernHopfield(beta=beta).store(xi)
    informative = 0
    for offset in (0.0, 0.01):
        s = xi + offset * M * patterns.spherical(len(xi), 16, rng=rng).astype(np.float64)
        error = np.linalg.norm(net.update(s) - xi, axis=1)
        for mu in np.flatnonzero(separated):
            bound = theory.retrieval_error_bound(xi, s[mu], beta, mu)
            assert error[mu] <= bound
            informative += 1e-9 < bound < 1
    assert informative > 20


def test_large_beta_retrieves_a_single_pattern_small_beta_the_global_average():
    # beta -> inf: softmax -> argmax, the fixed point is the pattern nearest the query;
    # beta -> 0: uniform weights, one update lands on the mean of the patterns (Ramsauer
    # et al. Sec. 3, the global fixed point), to O(beta M^2).
    xi = patterns.spherical(200, 32, radius=4.0, rng=0).astype(np.float64)
    cue = patterns.add_noise(xi[:5], 0.3, rng=1)
    sharp = ModernHopfield(beta=50.0).store(xi)
    r = sharp.recall(cue)
    np.testing.assert_allclose(r.s, xi[:5], atol=1e-12)
    assert (sharp.fixed_point_kind(r.s) == "single").all() and r.converged.all()
    blunt = ModernHopfield(beta=1e-6).store(xi)
    r = blunt.recall(cue)
    np.testing.assert_allclose(r.s, np.broadcast_to(xi.mean(axis=0), r.s.shape), atol=1e-4)
    assert (blunt.fixed_point_kind(r.s) == "global").all()


def test_metastable_state_averages_a_cluster():
    # Three patterns much closer to each other than to the rest: at moderate beta the
    # fixed point from one of them is an average of the three (a metastable state,
    # Ramsauer et al. Sec. 3), neither a single pattern nor the global average.
    rng = np.random.default_rng(2)
    far = patterns.spherical(30, 16, radius=4.0, rng=rng).astype(np.float64)
    centre = far[0]
    cluster = centre + 0.2 * rng.normal(size=(3, 16))
    xi = np.concatenate([cluster, far[1:]])
    net = ModernHopfield(beta=1.0).store(xi)
    r = net.recall(xi[0])
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
    xi = patterns.spherical(500, 32, radius=4.0, rng=0).astype(np.float64)
    cue = patterns.add_noise(xi[:6], 0.2, rng=1)
    for separation in ("sparsemax", "entmax"):
        net = ModernHopfield(beta=1.0, separation=separation).store(xi)
        w = net.weights(cue)
        np.testing.assert_array_equal(np.count_nonzero(w, axis=1), 1)
        np.testing.assert_array_equal(w[np.arange(6), np.arange(6)], 1.0)
        np.testing.assert_array_equal(net.update(cue), xi[:6])
    assert np.all(ModernHopfield(beta=1.0).store(xi).weights(cue) > 0)


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
    # Millidge et al. (arXiv:2202.04557): s <- xi^T softmax(-beta dist(xi, s)).
    xi = patterns.gaussian(60, 10, rng=0).astype(np.float64)
    s = patterns.gaussian(3, 10, rng=1).astype(np.float64)
    net = ModernHopfield(beta=0.8, similarity=similarity).store(xi)
    want = special.softmax(-0.8 * cdist(s, xi, metric), axis=1) @ xi
    np.testing.assert_allclose(net.update(s), want, rtol=1e-12)
    r = net.recall(patterns.add_noise(xi[:3], 0.1, rng=2))
    assert r.energy is None and r.converged.all()
    with pytest.raises(ValueError, match="similarity must be"):
        net.energy(s)


def test_recall_result_shapes_and_convergence():
    xi = patterns.spherical(100, 16, radius=4.0, rng=0)
    net = ModernHopfield(beta=2.0).store(xi)
    one = net.recall(xi[0] + np.float32(0.1))
    many = net.recall(xi[:4], max_iter=1)
    assert one.s.shape == (16,) and one.m.shape == (100,) and np.ndim(one.energy) == 0
    assert one.s.dtype == np.float32 and one.converged
    assert many.s.shape == (4, 16) and (many.sweeps == 1).all()
    np.testing.assert_allclose(many.m, patterns.overlap(xi, many.s))


# ---------------------------------------------------------------------------------
# One entmax domain for NumPy and PyTorch


ALPHAS = [1.0, 1.0001, 1.01, 1.1, 1.25, 1.5, 1.75, 1.9, 1.999, 2.0]
BAD_ALPHAS = [0.5, 0.999, 2.0001, 2.5, 3.0, -1.0, float("nan"), float("inf")]


def test_numpy_and_torch_entmax_agree_on_one_domain():
    # The same scores in float64: assoc.models.entmax (bisection to adjacent floats) and
    # assoc.nn.separation.entmax (bisection and a Newton step) agree over alpha in [1, 2],
    # zeros included; outside it both refuse alpha with the same ValueError.
    torch = pytest.importorskip("torch")
    from assoc.nn import separation

    a = np.random.default_rng(7).normal(size=(64, 12)) * 3
    a[:8] *= 40  # some rows with a single dominant score
    for alpha in ALPHAS:
        mine = entmax(a, alpha)
        theirs = separation.entmax(torch.from_numpy(a), alpha).numpy()
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-10, err_msg=f"alpha {alpha}")
        if alpha > 1.0:
            np.testing.assert_array_equal(mine == 0, theirs == 0)
    for alpha in BAD_ALPHAS:
        with pytest.raises(ValueError) as numpy_error:
            entmax(a, alpha)
        with pytest.raises(ValueError) as torch_error:
            separation.entmax(torch.from_numpy(a), alpha)
        assert str(numpy_error.value) == str(torch_error.value)
        assert str(numpy_error.value).startswith("alpha must be")


def test_entmax_alpha_is_the_models_option_for_entmax_only():
    assert ModernHopfield(separation="entmax").entmax_alpha == 1.5
    assert ModernHopfield(separation="entmax", entmax_alpha=2).entmax_alpha == 2.0
    assert ModernHopfield().entmax_alpha is None
    assert ModernHopfield(separation="sparsemax", entmax_alpha=None).entmax_alpha is None
    # the ends of the domain: entmax at 1 is the softmax (Shannon energy), at 2 sparsemax
    xi = patterns.gaussian(30, 6, rng=0).astype(np.float64)
    s = patterns.gaussian(4, 6, rng=1).astype(np.float64)
    for alpha, same in ((1.0, "softmax"), (2.0, "sparsemax")):
        one = ModernHopfield(beta=0.8, separation="entmax", entmax_alpha=alpha).store(xi)
        other = ModernHopfield(beta=0.8, separation=same).store(xi)
        np.testing.assert_allclose(one.update(s), other.update(s), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(one.energy(s), other.energy(s), rtol=1e-12)


# ---------------------------------------------------------------------------------
# The model contract: recall, traces, persistence


def test_recall_traces_overlaps_and_energy_per_iteration():
    xi = patterns.spherical(80, 16, radius=4.0, rng=0).astype(np.float64)
    net = ModernHopfield(beta=0.5).store(xi)
    cue = patterns.add_noise(xi[:5], 0.5, rng=1)
    r = net.recall(cue, trace=True)
    L = int(r.sweeps.max())
    assert r.m_trace.shape == (5, L + 1, 80) and r.energy_trace.shape == (5, L + 1)
    assert r.m_trace.dtype == np.float64
    np.testing.assert_allclose(r.m_trace[:, 0], patterns.overlap(xi, cue))
    np.testing.assert_allclose(r.energy_trace[:, 0], net.energy(cue))
    np.testing.assert_array_equal(r.m_trace[:, -1], r.m)
    np.testing.assert_array_equal(r.energy_trace[:, -1], r.energy)
    # a query that converged early repeats its last row
    for b in range(5):
        done = int(r.sweeps[b])
        np.testing.assert_array_equal(
            r.m_trace[b, done:], r.m_trace[b, done : done + 1].repeat(L + 1 - done, axis=0)
        )
    untraced = net.recall(cue)
    assert untraced.m_trace is None and untraced.energy_trace is None
    np.testing.assert_array_equal(untraced.s, r.s)
    # the distances have overlaps to trace but no energy
    far = ModernHopfield(beta=0.5, similarity="euclidean").store(xi).recall(cue, trace=True)
    assert far.energy is None and far.energy_trace is None
    assert far.m_trace.shape == (5, int(far.sweeps.max()) + 1, 80)


@settings(max_examples=50, deadline=None)
@given(
    P=st.integers(1, 30),
    N=st.integers(1, 10),
    beta=st.floats(0.01, 20.0),
    separation=st.sampled_from(["softmax", "sparsemax", "entmax"]),
    alpha=st.floats(1.0, 2.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_traced_energy_never_increases(P, N, beta, separation, alpha, seed):
    # recall iterates the update, the concave-convex procedure of E (Ramsauer et al.
    # Theorem 1; Santos et al., arXiv:2402.13725, for the Tsallis entropies): along the
    # trace E never increases, and stays >= 0 (Lemma A1).
    rng = np.random.default_rng(seed)
    xi = rng.normal(size=(P, N)) * rng.uniform(0.1, 3.0)
    entmax_alpha = alpha if separation == "entmax" else None
    net = ModernHopfield(beta=beta, separation=separation, entmax_alpha=entmax_alpha)
    r = net.store(xi).recall(rng.normal(size=(3, N)) * 2, max_iter=15, trace=True, rng=seed)
    E = r.energy_trace
    assert np.all(np.diff(E, axis=1) <= 1e-9 * (1 + np.abs(E[:, :-1])))
    assert np.all(E >= -1e-9 * (1 + np.abs(E)))


@pytest.mark.parametrize(
    "options",
    [{}, {"separation": "entmax", "entmax_alpha": 1.3}, {"similarity": "manhattan"}],
    ids=["softmax", "entmax", "manhattan"],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_load_and_pickle_give_identical_recalls(options, dtype, tmp_path):
    net = ModernHopfield(beta=0.7, **options).store(
        patterns.spherical(40, 8, radius=3.0, rng=0).astype(dtype)
    )
    cue = patterns.add_noise(net.xi[:3], 0.3, rng=1)
    want = net.recall(cue, trace=True)
    net.save(tmp_path / "modern.npz")
    for other in (assoc.load(tmp_path / "modern.npz"), pickle.loads(pickle.dumps(net))):
        assert repr(other) == repr(net) and other.xi.dtype == dtype
        assert other.recall(cue, trace=True) == want
    assert "entmax_alpha=1.3" in repr(net) or "entmax" not in repr(net)


def test_before_store_every_accessor_raises_the_same_error():
    net = ModernHopfield()
    s = np.zeros(4)
    calls = [
        lambda: net.P,
        lambda: net.N,
        lambda: net.max_norm,
        lambda: net.scores(s),
        lambda: net.weights(s),
        lambda: net.update(s),
        lambda: net.energy(s),
        lambda: net.recall(s),
        lambda: net.recall("not a state", max_iter=-1),  # the stored check comes first
        lambda: net.participation(s),
        lambda: net.fixed_point_kind(s),
        lambda: net.save("never.npz"),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="ModernHopfield has no stored patterns"):
            call()


def test_one_cue_is_row_zero_of_a_batch_of_one_and_rng_is_unused():
    xi = patterns.spherical(50, 8, radius=3.0, rng=0).astype(np.float64)
    net = ModernHopfield(beta=2.0).store(xi)
    one = net.recall(xi[0] + 0.1, trace=True)
    batch = net.recall(xi[:1] + 0.1, trace=True, rng=np.random.default_rng(3))
    assert one == batch[0] and not one.batched
    assert net.recall(xi[:3], rng=1) == net.recall(xi[:3], rng=2)


BAD = [
    (lambda: ModernHopfield(beta=0.0), ValueError, "beta must be in"),
    (lambda: ModernHopfield(separation="hardmax"), ValueError, "separation must be one of"),
    (lambda: ModernHopfield(similarity="cosine"), ValueError, "similarity must be one of"),
    (
        lambda: ModernHopfield(separation="entmax", entmax_alpha=2.5),
        ValueError,
        "entmax_alpha must be in [1.0, 2.0]; got 2.5",
    ),
    (
        lambda: ModernHopfield(separation="sparsemax", entmax_alpha=1.5),
        ValueError,
        'entmax_alpha does not apply with separation="sparsemax"',
    ),
    (lambda: ModernHopfield(entmax_alpha=1.5), ValueError, "entmax_alpha does not apply"),
    (lambda: ModernHopfield().update(np.zeros(3)), ValueError, "has no stored patterns"),
    (
        lambda: ModernHopfield().store(np.ones((3, 4))).recall(np.ones(4), rng="seed"),
        TypeError,
        "rng must be None",
    ),
    (
        lambda: ModernHopfield().store(np.ones((3, 4))).recall(np.ones(4), trace="yes"),
        TypeError,
        "trace must be True or False",
    ),
    (
        lambda: ModernHopfield().store(np.ones((3, 4), int)),
        TypeError,
        "xi must be an array of dtype",
    ),
    (lambda: ModernHopfield().store(np.ones(4)), ValueError, "xi must be an array with ndim"),
    (lambda: ModernHopfield().store(np.full((3, 4), np.nan)), ValueError, "xi must be finite"),
    (
        lambda: ModernHopfield().store(np.ones((3, 4))).update(np.ones(5)),
        ValueError,
        "s must be an array of shape",
    ),
    (
        lambda: ModernHopfield().store(np.ones((3, 4))).recall(np.ones(4, int)),
        TypeError,
        "cue must be an array of dtype",
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
    (lambda: entmax(np.ones(3), 0.5), ValueError, "alpha must be in [1.0, 2.0]; got 0.5"),
    (lambda: entmax(np.ones(3), 2.5), ValueError, "alpha must be in [1.0, 2.0]; got 2.5"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
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
