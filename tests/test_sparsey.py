"""Sparsey: the CSA kernel against its NumPy steps, and the model's physics against
`theory.sparsey` (closed forms that share no code with the simulation)."""

import copy

import numpy as np
import pytest
from scipy import stats

from assoc import patterns
from assoc.models import CodeRecall, Sparsey, SparseyHierarchy
from assoc.models.sparsey import TRANSFORMS, Transform, patches
from theory import sparsey as theory

N, ACTIVE, Q, CELLS = 1000, 20, 24, 8  # input bits, w, CMs, cells per CM


def _probe(a, overlap, rng):
    """A random SDR of |a| bits sharing exactly ``overlap`` of them with ``a``."""
    on, off = np.flatnonzero(a), np.flatnonzero(~a)
    b = np.zeros_like(a)
    b[rng.choice(on, overlap, replace=False)] = True
    b[rng.choice(off, on.size - overlap, replace=False)] = True
    return b


@pytest.mark.parametrize("normalisation", ["input", "cell"])
def test_kernel_matches_the_numpy_steps(normalisation):
    rng = np.random.default_rng(0)
    xi = patterns.sdr(60, 300, 12, rng=rng)
    mac = Sparsey(300, Q=6, cells=5, normalisation=normalisation).store(xi[:40], rng=1)
    for x in xi[35:]:  # familiar and novel inputs
        steps = mac.csa(x, learning=True, rng=7)
        learner = copy.deepcopy(mac).store(x[None], rng=7, add=True)  # the same Q uniforms
        np.testing.assert_array_equal(learner.codes[-1], steps.winners)
        assert learner.G_learned[-1] == pytest.approx(steps.G, abs=1e-12)
        recalled = mac.recall(x)
        np.testing.assert_array_equal(recalled.winners, mac.csa(x).winners)
        assert recalled.G == pytest.approx(steps.G, abs=1e-12)
        np.testing.assert_allclose(steps.p_win.reshape(6, 5).sum(axis=1), 1.0)
    # Hebbian learning: every weight from an active input to a winner is 1, no other
    want = np.zeros((30, 300), dtype=bool)
    for x, code in zip(xi[:40], mac.codes):
        want[np.arange(6) * 5 + code] |= x
    np.testing.assert_array_equal(mac.weights, want)
    assert mac.saturation == pytest.approx(want.mean())


UNIFORM = Transform(chi=0.0)  # every code uniformly random: the theory's codes


def _recognition_runs(P, macs, seed):
    """``macs`` MACs with uniform random codes, each storing P random items and
    recognising all of them: per MAC the fraction recalled whole and the mean fraction of
    CMs right."""
    exact, correct = [], []
    for m in range(macs):
        rng = np.random.default_rng([seed, m])
        xi = patterns.sdr(P, N, ACTIVE, rng=rng)
        own = Sparsey(N, transform=UNIFORM).store(xi, rng=rng).recall(xi).m.diagonal()
        exact.append(np.mean(own == Q))
        correct.append(own.mean() / Q)
    return np.array(exact), np.array(correct)


def test_stored_items_come_back_whole_and_novel_inputs_are_unfamiliar():
    # P = 200 random SDRs (w = 20 of N = 1000), Q = 24, cells = 8: theory.recognition gives
    # exact recall with chance 1 - 9e-6 per item, so all 200 come back, with G = 1.
    # Novel inputs (uniform random codes): mean G 0.5719 and standard deviation 0.0402 per
    # input (theory.novel_familiarity); 100 inputs: tolerance 4 standard errors.
    P = 200
    xi = patterns.sdr(P, N, ACTIVE, rng=1)
    mac = Sparsey(N, transform=UNIFORM).store(xi, rng=2)
    assert mac.P == P
    assert theory.recognition(N, ACTIVE, P, Q, CELLS).exact > 0.9999
    r = mac.recall(xi)
    np.testing.assert_array_equal(r.G, 1.0)
    np.testing.assert_array_equal(r.winners, mac.codes)
    np.testing.assert_array_equal(r.m.diagonal(), Q)
    novel = mac.recall(patterns.sdr(100, N, ACTIVE, rng=3))
    want = theory.novel_familiarity(N, ACTIVE, P, Q, CELLS)
    assert novel.G.max() < 0.75
    assert abs(novel.G.mean() - want.mean) < 4 * want.std / np.sqrt(100)


def test_exact_recall_near_capacity_is_that_of_shared_items():
    # P = 700 (beyond capacity, 601): 60 MACs with uniform codes. The fraction of items
    # recalled whole, 0.1506 by the theory of CMs sharing their items, 0.1017 if they
    # were independent; the mean fraction of CMs right, exactly 0.90887. Tolerance: 4
    # standard errors of the mean over MACs (0.0023 and 0.0006 here; measured 0.1516 and
    # 0.9096), which puts the independent value ~20 of them away.
    P = 700
    exact, correct = _recognition_runs(P, 60, seed=30)
    shared = theory.recognition(N, ACTIVE, P, Q, CELLS)
    alone = theory.recognition(N, ACTIVE, P, Q, CELLS, independent=True)
    se_exact, se_correct = (v.std(ddof=1) / np.sqrt(v.size) for v in (exact, correct))
    assert abs(exact.mean() - shared.exact) < 4 * se_exact
    assert abs(exact.mean() - alone.exact) > 8 * se_exact
    assert abs(correct.mean() - shared.cm_correct) < 4 * se_correct


@pytest.mark.slow
@pytest.mark.parametrize("P", [500, 593, 700, 800])
def test_recognition_theory_within_the_error_of_400_macs(P):
    # the same at four loads around capacity with 400 MACs each (standard errors 0.001
    # of exact recall, 0.0001-0.0003 of the fraction of CMs right)
    exact, correct = _recognition_runs(P, 400, seed=P)
    want = theory.recognition(N, ACTIVE, P, Q, CELLS)
    se_exact, se_correct = (v.std(ddof=1) / np.sqrt(v.size) for v in (exact, correct))
    assert abs(exact.mean() - want.exact) < 4 * se_exact
    assert abs(correct.mean() - want.cm_correct) < 4 * se_correct


def test_spread_of_novel_familiarity_is_that_of_shared_items():
    # 40 MACs storing P = 200 items with uniform codes, 100 novel inputs each: G has
    # mean 0.5719 (exact) and standard deviation 0.0402 (Hoeffding's expansion to two
    # items; it reads 1-3 % low), where independent CMs would give 0.0153. Tolerances:
    # 4 standard errors of the mean; 4 of the standard deviation (about 1.2 % each, the
    # inputs taken as independent) plus the 3 %.
    P = 200
    G = []
    for m in range(40):
        rng = np.random.default_rng([31, m])
        mac = Sparsey(N, transform=UNIFORM).store(patterns.sdr(P, N, ACTIVE, rng=rng), rng=rng)
        G.append(mac.recall(patterns.sdr(100, N, ACTIVE, rng=rng)).G)
    G = np.concatenate(G)
    want = theory.novel_familiarity(N, ACTIVE, P, Q, CELLS)
    assert abs(G.mean() - want.mean) < 4 * G.std() / np.sqrt(G.size)
    assert abs(G.std() / want.std - 1) < 4 / np.sqrt(2 * G.size) + 0.03
    assert G.std() > 2 * theory.novel_familiarity(N, ACTIVE, P, Q, CELLS, independent=True).std


def test_recognition_fails_where_the_crosstalk_theory_says():
    # Beyond capacity (601 items here) ties with saturated cells break recall: at P = 800
    # each CM recalls its cell with chance 0.8044 (exact), the whole code comes back with
    # chance 0.018. The mean recalled overlap over 300 items of one MAC: tolerance 4
    # standard errors.
    P = 800
    xi = patterns.sdr(P, N, ACTIVE, rng=4)
    mac = Sparsey(N, transform=UNIFORM).store(xi, rng=5)
    overlap = mac.recall(xi[:300]).m.diagonal()
    want = theory.recognition(N, ACTIVE, P, Q, CELLS)
    assert abs(overlap.mean() - want.overlap) < 4 * overlap.std() / np.sqrt(300)
    assert (overlap == Q).mean() < 0.05


@pytest.mark.parametrize("variant", ["2010", "2014"])
def test_code_intersection_matches_the_closed_form(variant):
    # One item A stored in an empty MAC; probes B sharing a fraction x of A's bits. The
    # number of A's cells in B's code is Binomial(Q, p_A(x)) (theory.code_intersection);
    # 200 probes per x: tolerance 4 binomial standard errors of the mean.
    rng = np.random.default_rng(8)
    a = patterns.sdr(1, N, ACTIVE, rng=rng)[0]
    mac = Sparsey(N, transform=variant).store(a[None], rng=rng)
    n = 200
    for overlap in (0, 4, 8, 12, 16, 20):
        shared = [
            np.sum(
                mac.csa(_probe(a, overlap, rng), learning=True, rng=rng).winners == mac.codes[0]
            )
            for _ in range(n)
        ]
        similarity = overlap / ACTIVE
        p_A = theory.stored_win_probability(similarity, CELLS, **theory.VARIANTS[variant])
        se = np.sqrt(Q * p_A * (1 - p_A) / n)
        assert abs(np.mean(shared) - Q * p_A) <= 4 * se + 1e-9, (overlap, np.mean(shared))
    assert theory.code_intersection(0.0, Q, CELLS, **theory.VARIANTS[variant]) == Q / CELLS


def test_theory_and_model_use_the_same_published_parameters():
    for name, transform in TRANSFORMS.items():
        assert theory.VARIANTS[name] == {
            key: getattr(transform, key)
            for key in ("chi", "gamma", "G_minus", "sigma1", "sigma2", "sigma3")
        }


@pytest.mark.parametrize("variant", ["2010", "2014"])
def test_winners_are_uniform_when_nothing_is_familiar(variant):
    # Inputs on disjoint bits: every item has G = 0, so the expansivity is 1 and every
    # p_win = 1/cells.
    # 1000 items: chi-square against uniform in each of the 24 CMs, and over all of
    # them together (168 degrees of freedom); fixed seed.
    xi = np.zeros((1000, 4000), dtype=bool)
    xi[np.repeat(np.arange(1000), 4), np.arange(4000)] = True
    mac = Sparsey(4000, transform=variant).store(xi, rng=9)
    np.testing.assert_array_equal(mac.G_learned, 0.0)
    counts = np.stack([np.bincount(mac.codes[:, q], minlength=CELLS) for q in range(Q)])
    p = stats.chisquare(counts, axis=1).pvalue
    assert p.min() > 1e-3 / Q
    total = stats.chisquare(counts, axis=1).statistic.sum()
    assert stats.chi2.sf(total, Q * (CELLS - 1)) > 1e-3


def test_storing_takes_the_same_work_for_the_2000th_item_as_for_the_20th():
    # Fixed time: the CSA reads the weights (Q cells N bits) and nothing that grows with
    # the items stored; the word operations counted by the kernel are the same.
    xi = patterns.sdr(2000, N, ACTIVE, rng=10)
    mac = Sparsey(N).store(xi, rng=11)
    assert mac.ops[19] == mac.ops[1999] == Q * CELLS * 16 + Q * 16
    assert np.all(mac.ops == mac.ops[0])
    assert mac._level.W.shape == (1, Q * CELLS, 16)


def test_sequences_give_an_item_a_code_for_each_context():
    # Sequences A B C and D B E: B gets a new code after D (its H input is new), and
    # recall with H input brings back each sequence's own codes, G = 1 throughout.
    a, b, c, d, e = patterns.sdr(5, N, ACTIVE, rng=12)
    sequences = np.stack([[a, b, c], [d, b, e]])
    mac = Sparsey(N, sequences=True).learn_sequences(sequences, rng=13)
    codes = mac.codes.reshape(2, 3, Q)
    assert np.sum(codes[0, 1] == codes[1, 1]) < Q / 2
    r = mac.recall_sequences(sequences)
    assert isinstance(r, CodeRecall) and r.s.shape == (2, 3, Q * CELLS)
    np.testing.assert_array_equal(r.winners, codes)
    np.testing.assert_array_equal(r.G, 1.0)


def test_hierarchy_band_and_critical_period():
    rng = np.random.default_rng(14)
    x = rng.random((300, 64)) < 0.3
    x[:10, :32] = False  # the top half of the first items: too few active bits
    fields = [patches((8, 8), 4, 4), np.arange(4)[None]]
    net = SparseyHierarchy(
        64, fields, Q=(4, 8), cells=(8, 16), bands=[(2, None), (1, None)], freeze=(0.3, None)
    ).store(x, rng=15)
    active = x[:, fields[0]].sum(axis=2) >= 2
    assert not active[:10, :2].any()
    np.testing.assert_array_equal(net.codes[0][..., 0] >= 0, active)
    # frozen MACs stop at the first item past the threshold and then answer like
    # recognisers: their learning-time codes are their recalled codes
    saturation = net.levels[0].n_set / (4 * 8 * 16)
    assert np.all(saturation >= 0.3) and np.all(saturation < 0.3 + 4 * 16 / (4 * 8 * 16))
    recalled = net.recall(x)
    assert recalled.winners.shape == (300, 1, 8) and recalled.s.shape == (300, 128)
    assert np.all(recalled.G > 0) and net.ops.shape == (300,)
    assert recalled.to_dataset()["winners"].dims == ("cue", "mac", "cm")


@pytest.mark.parametrize("normalisation", ["input", "cell"])
def test_hierarchy_recalls_the_codes_it_stored(normalisation):
    # Each level learns the codes the level below recognises, so a stored item is
    # recalled with its stored codes at every level. With the "input" normalisation its
    # top-level cells have learned all of its top-level input: G = 1. The demonstration's
    # transform redraws most of a familiar patch's code while learning (the max-V cell
    # wins a CM of 16 cells with chance 0.64 at G = 1): a level above that learned the
    # drawn codes would find the stored items unfamiliar.
    rng = np.random.default_rng(27)
    x = rng.random((150, 64)) < 0.3
    fields = [patches((8, 8), 3, 1), np.arange(36)[None]]
    net = SparseyHierarchy(
        64, fields, Q=(4, 16), cells=(16, 32), transform="2014", normalisation=normalisation
    ).store(x, rng=28)
    r = net.recall(x)
    np.testing.assert_array_equal(r.winners, net.codes[-1])
    np.testing.assert_array_equal(r.m.diagonal(), 16)
    if normalisation == "input":
        np.testing.assert_array_equal(r.G, 1.0)
    else:  # a stored item's cells are shared by other items: G = w / n < 1
        assert 0 < r.G.min() and r.G.max() <= 1
    below = net.levels[0].recognise(net._inputs(0, x))[0]
    np.testing.assert_array_equal(below, net.codes[0])
    assert theory.stored_win_probability(1.0, 16, **theory.VARIANTS["2014"]) < 0.65


def test_save_and_load_keep_recall_and_further_storing_bit_identical(tmp_path):
    import assoc

    xi = patterns.sdr(120, 300, 12, rng=16)
    mac = Sparsey(300, Q=6, cells=5, transform=Transform(G_minus=0.4), freeze=0.5)
    mac.store(xi[:60], rng=17)
    mac.save(tmp_path / "mac.npz")
    back = assoc.load(tmp_path / "mac.npz")
    assert isinstance(back, Sparsey) and back.transform == mac.transform and back.P == 60
    assert back.recall(xi) == mac.recall(xi)
    for model in (mac, back):
        model.store(xi[60:], rng=18, add=True)
    assert back.recall(xi) == mac.recall(xi) and back.P == 120
    np.testing.assert_array_equal(back.codes, mac.codes)
    np.testing.assert_array_equal(back.weights, mac.weights)
    # the hierarchy, with its list of fields
    rng = np.random.default_rng(19)
    x = rng.random((80, 64)) < 0.3
    fields = [patches((8, 8), 4, 4), np.arange(4)[None]]
    net = SparseyHierarchy(64, fields, Q=(4, 8), cells=(8, 16), bands=[(2, None), (1, None)])
    net.store(x[:40], rng=20)
    net.save(tmp_path / "net.npz")
    back = assoc.load(tmp_path / "net.npz")
    assert back.recall(x) == net.recall(x)
    for model in (net, back):
        model.store(x[40:], rng=21, add=True)
    assert back.recall(x) == net.recall(x) and back.P == 80
    assert repr(back) == repr(net)


def test_store_replaces_and_add_learns_on():
    xi = patterns.sdr(40, 300, 12, rng=24)
    once = Sparsey(300, Q=6, cells=5).store(xi[20:], rng=25)
    again = Sparsey(300, Q=6, cells=5).store(xi[:20], rng=26).store(xi[20:], rng=25)
    assert again.P == 20 and again.recall(xi) == once.recall(xi)  # as if fresh
    both = Sparsey(300, Q=6, cells=5).store(xi[:20], rng=26).store(xi[20:], rng=25, add=True)
    whole = Sparsey(300, Q=6, cells=5).store(xi[:20], rng=26)
    assert both.P == 40 and whole.P == 20
    np.testing.assert_array_equal(both.codes[:20], whole.codes)
    # a failed store leaves what was stored
    with pytest.raises(ValueError):
        whole.store(np.zeros((2, 300), bool))
    assert whole.P == 20


def test_a_single_cue_is_row_0_of_a_batch_of_one():
    xi = patterns.sdr(30, N, ACTIVE, rng=22)
    mac = Sparsey(N).store(xi, rng=23)
    assert mac.recall(xi[3]) == mac.recall(xi[3:4])[0] == mac.recall(xi, rng=1)[3]
    assert mac.recall(xi[3]).to_dataset()["winners"].dims == ("cm",)


BAD = [
    (lambda: Sparsey(0), ValueError, "N must be in"),
    (lambda: Sparsey(10, transform="2012"), ValueError, "transform must be one of"),
    (lambda: Sparsey(10, normalisation="row"), ValueError, "normalisation must be one of"),
    (lambda: Sparsey(10, freeze=0.0), ValueError, "freeze must be in"),
    (lambda: Transform(G_minus=1.0), ValueError, "G_minus must be in"),
    (lambda: Transform(gamma=0.0), ValueError, "gamma must be in"),
    (lambda: Sparsey(10).store(np.ones((2, 10))), TypeError, "xi must be an array of dtype"),
    (lambda: Sparsey(10).store(np.ones((2, 9), bool)), ValueError, "xi must be an array of"),
    (lambda: Sparsey(10).store(np.zeros((2, 10), bool)), ValueError, "at least one active"),
    (lambda: Sparsey(10).recall(np.ones(10, bool)), ValueError, "no stored patterns"),
    (lambda: Sparsey(10).codes, ValueError, "no stored patterns"),
    (lambda: Sparsey(10).csa(np.ones(10, bool)), ValueError, "no stored patterns"),
    (
        lambda: SparseyHierarchy(64, [np.array([[0, 1]])]).recall(np.ones(64, bool)),
        ValueError,
        "no stored patterns",
    ),
    (lambda: Sparsey(10, cells=0), ValueError, "cells must be in"),
    (lambda: Sparsey(10).learn_sequences(np.ones((1, 2, 10), bool)), ValueError, "sequences"),
    (
        lambda: SparseyHierarchy(64, [np.array([[0, 64]])], Q=4, cells=4),
        ValueError,
        r"fields\[0\] must be indices",
    ),
    (lambda: SparseyHierarchy(64, [np.array([[0, 1]])], Q=(2, 3)), ValueError, "Q must be"),
    (lambda: patches((8, 8), 9, 1), ValueError, "size must be in"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
