"""theory.sparsey: exact enumeration on tiny systems and identities of the closed forms."""

import itertools
from math import comb

import numpy as np
import pytest

from theory import sparsey as t


def _subsets(N, w):
    return [frozenset(s) for s in itertools.combinations(range(N), w)]


@pytest.mark.parametrize(("N", "w", "wins"), [(5, 2, 3), (6, 3, 2), (7, 2, 4)])
def test_coverage_matches_enumeration(N, w, wins):
    # every sequence of ``wins`` random w-subsets, equally likely: how many bits of
    # {0..w-1} their union covers
    target, counts = frozenset(range(w)), np.zeros(w + 1)
    for sets in itertools.product(_subsets(N, w), repeat=wins):
        counts[len(target & frozenset().union(*sets))] += 1
    want = counts / counts.sum()
    np.testing.assert_allclose(t.coverage_pmf(N, w, wins)[wins], want, atol=1e-12)


def test_coverage_mean_is_w_times_the_chance_a_bit_is_hit():
    # each bit stays uncovered by one random w-subset with chance 1 - w/N
    pmf = t.coverage_pmf(1000, 20, 300)
    wins = np.arange(301)
    want = 20 * (1 - (1 - 20 / 1000) ** wins)
    np.testing.assert_allclose(pmf @ np.arange(21), want, rtol=1e-10)
    np.testing.assert_allclose(pmf.sum(axis=1), 1.0, atol=1e-12)


def test_support_of_one_cell_matches_enumeration():
    # P stored items, each a random 2-subset of 5 bits that picks the cell with chance
    # 1/cells: enumerate items and picks, weight picks by (1/cells)^j ((cells-1)/cells)^(P-j)
    N, w, P, cells = 5, 2, 3, 3
    target, want = frozenset(range(w)), np.zeros(w + 1)
    subsets = _subsets(N, w)
    for sets in itertools.product(subsets, repeat=P):
        for picks in itertools.product([0, 1], repeat=P):
            j = sum(picks)
            weight = (1 / cells) ** j * (1 - 1 / cells) ** (P - j) / len(subsets) ** P
            union = frozenset().union(*(s for s, p in zip(sets, picks) if p))
            want[len(target & union)] += weight
    np.testing.assert_allclose(t.support_pmf(N, w, P, cells), want, atol=1e-12)


def test_expansivity_and_transform():
    for p in t.VARIANTS.values():
        assert t.expansivity(1.0, **p) == pytest.approx(1 + p["chi"])
        assert t.expansivity(p["G_minus"], **p) == 1.0
        # expansivity 1: every cell equally likely, whatever V
        np.testing.assert_allclose(t.relative_likelihood([0.0, 0.5, 1.0], 1.0, **p), 1.0)
    p = t.VARIANTS["2014"]
    assert t.expansivity(0.6, **p) == pytest.approx(1 + 400 * 0.5**2)


def test_stored_win_probability_by_hand():
    # 2010 form (Rinkus's demonstration: chi = 400, sigmoid 1 / (1 + e^{-(100 V - 50) / 15})),
    # similarity 1/2: expansivity = 1 + 400/4 = 101; likelihood(1/2) = 1 + 100/2 = 51;
    # likelihood(0) = 1 + 100/(1 + e^{50/15}); p_A = 51 / (51 + 7 likelihood(0))
    likelihood0 = 1 + 100 / (1 + np.exp(50 / 15))
    want = 51 / (51 + 7 * likelihood0)
    assert t.stored_win_probability(0.5, 8, **t.VARIANTS["2010"]) == pytest.approx(want)
    similarity = np.linspace(0, 1, 21)
    for p in t.VARIANTS.values():
        p_A = t.stored_win_probability(similarity, 8, **p)
        assert p_A[0] == pytest.approx(1 / 8) and np.all(np.diff(p_A) >= -1e-15)
        np.testing.assert_allclose(t.code_intersection(similarity, 24, 8, **p), 24 * p_A)
    # the 2014 floor: inputs no more familiar than G_minus get random codes
    low = similarity[similarity <= t.VARIANTS["2014"]["G_minus"]]
    np.testing.assert_allclose(t.stored_win_probability(low, 8, **t.VARIANTS["2014"]), 1 / 8)


def test_independent_recognition_and_its_capacity():
    # per-CM success (1 - (1 - pi)^cells) / (cells pi) against the sum over tied
    # competitors
    N, w, P, Q, cells = 1000, 20, 700, 24, 8
    pi = t.support_pmf(N, w, P - 1, cells)[-1]
    ties = np.arange(cells)
    direct = sum(comb(cells - 1, j) * pi**j * (1 - pi) ** (cells - 1 - j) / (1 + j) for j in ties)
    r = t.recognition(N, w, P, Q, cells, independent=True)
    assert r.cm_correct == pytest.approx(direct, rel=1e-12)
    assert r.exact == pytest.approx(direct**Q) and r.overlap == pytest.approx(Q * direct)
    assert t.recognition(N, w, 1, Q, cells, independent=True) == (1.0, 1.0, Q)
    P_c = t.capacity(N, w, Q, cells, independent=True)
    at = t.recognition(N, w, P_c, Q, cells, independent=True)
    above = t.recognition(N, w, P_c + 1, Q, cells, independent=True)
    assert at.exact >= 0.5 > above.exact
    # sparser inputs store more items
    assert t.capacity(N, 10, Q, cells, independent=True) > P_c
    assert P_c > t.capacity(N, 40, Q, cells, independent=True)


# ---- exact enumeration of tiny MACs: a fixed input {0, 1} of N = 5 bits; the other
# items every 2-subset, assigned to the cells of each CM in every way


def _tiny_items(N, w, others):
    """Every tuple of ``others`` w-subsets of range(N), equally likely."""
    return itertools.product(_subsets(N, w), repeat=others)


def _unions(items, cell_of, cells):
    """The bits each cell has learned: the union of the items assigned to it."""
    return [
        frozenset().union(*(s for s, c in zip(items, cell_of) if c == k)) for k in range(cells)
    ]


def _cover_chance(items, target, p):
    """Chance that the union of the items a cell wins (each with chance p,
    independently) covers ``target``."""
    total = 0.0
    for picks in itertools.product([0, 1], repeat=len(items)):
        union = frozenset().union(*(s for s, k in zip(items, picks) if k))
        j = sum(picks)
        total += p**j * (1 - p) ** (len(items) - j) * (target <= union)
    return total


def test_one_cm_recognition_is_exact():
    # A in a CM of 3 cells at a uniform place, 3 other items in any cells: A's cell
    # wins unless a competitor before it covers A (recognition takes the first of equal
    # cells). Enumerated over items, assignments and places.
    N, w, P, cells = 5, 2, 4, 3
    A = frozenset(range(w))
    wins = []
    for items in _tiny_items(N, w, P - 1):
        for cell_of in itertools.product(range(cells), repeat=P - 1):
            unions = _unions(items, cell_of, cells)
            wins += [not any(A <= unions[k] for k in range(place)) for place in range(cells)]
    r = t.recognition(N, w, P, 1, cells)
    assert r.cm_correct == pytest.approx(np.mean(wins), abs=1e-12)
    assert r.exact == pytest.approx(np.mean(wins), abs=1e-12)  # one CM: nothing shared
    # competitors taken as independent miss the multinomial coupling of the cells
    alone = t.recognition(N, w, P, 1, cells, independent=True)
    assert abs(alone.cm_correct - np.mean(wins)) > 1e-3


def test_two_module_tie_moment_is_exact():
    # E[pi^2]: competitors in two CMs both cover A, the same 3 other items shared
    N, w, others, cells = 5, 2, 3, 3
    A = frozenset(range(w))
    chances = [_cover_chance(items, A, 1 / cells) for items in _tiny_items(N, w, others)]
    pi = np.mean(chances)
    assert pi == pytest.approx(t.support_pmf(N, w, others, cells)[-1], rel=1e-12)
    moment = t._two_module_ties(N, w, others, cells, pi)
    assert moment == pytest.approx(np.mean(np.square(chances)), rel=1e-12)
    assert moment > 1.2 * pi**2  # the CMs' ties are correlated


def _maxima(N, w, P, cells, modules):
    """Every equally likely draw of P items and their cells in ``modules`` CMs: the
    largest coverage of {0..w-1} by a cell of each CM, shape (draws, modules)."""
    B = frozenset(range(w))
    return np.array(
        [
            [max(len(B & u) for u in _unions(items, cm, cells)) for cm in cms]
            for items in _tiny_items(N, w, P)
            for cms in itertools.product(itertools.product(range(cells), repeat=P), repeat=modules)
        ],
        dtype=float,
    )


@pytest.mark.parametrize("P", [1, 2])
def test_novel_familiarity_is_exact_for_one_and_two_items(P):
    # a novel input {0, 1}; P stored items in two CMs of 3 cells. With one or two items
    # the Hoeffding expansion over the shared items stops: mean, spread and correlation
    # of the CMs' maxima exact
    N, w, Q, cells = 5, 2, 2, 3
    M = _maxima(N, w, P, cells, Q)
    f = t.novel_familiarity(N, w, P, Q, cells)
    assert f.mean == pytest.approx(M.mean() / w, abs=1e-12)
    assert f.cm_std == pytest.approx(M[:, 0].std() / w, abs=1e-12)
    assert f.std == pytest.approx(M.mean(axis=1).std() / w, abs=1e-12)
    covariance = np.mean(M[:, 0] * M[:, 1]) - M[:, 0].mean() * M[:, 1].mean()
    assert f.correlation == pytest.approx(covariance / M[:, 0].var(), abs=1e-12)
    # independent CMs: too narrow
    assert t.novel_familiarity(N, w, P, Q, cells, independent=True).std < 0.9 * f.std


def test_largest_support_of_one_cm_is_exact_for_three_items():
    N, w, P, cells = 5, 2, 3, 3
    M = _maxima(N, w, P, cells, 1)
    f = t.novel_familiarity(N, w, P, 1, cells)
    assert f.mean == pytest.approx(M.mean() / w, abs=1e-12)
    assert f.cm_std == pytest.approx(M.std() / w, abs=1e-12)


def test_recognition_with_shared_items_and_its_capacity():
    # the shared items raise exact recall near capacity (the CMs fail together), and
    # with it the capacity; the per-CM success hardly changes
    N, w, Q, cells = 1000, 20, 24, 8
    for P in (593, 700, 800):
        shared = t.recognition(N, w, P, Q, cells)
        alone = t.recognition(N, w, P, Q, cells, independent=True)
        assert shared.exact > 1.05 * alone.exact and shared.exact > shared.cm_correct**Q
        assert abs(shared.cm_correct - alone.cm_correct) < 1e-3
        assert shared.overlap == pytest.approx(Q * shared.cm_correct)
    assert t.recognition(N, w, 1, Q, cells) == (1.0, 1.0, Q)
    assert t.recognition(N, w, 300, Q, 1) == (1.0, 1.0, Q)  # no competitors
    P_c = t.capacity(N, w, Q, cells)
    assert t.recognition(N, w, P_c, Q, cells).exact >= 0.5
    assert t.recognition(N, w, P_c + 1, Q, cells).exact < 0.5
    assert P_c > t.capacity(N, w, Q, cells, independent=True)


def test_novel_familiarity_grows_with_load():
    G = [t.novel_familiarity(1000, 20, P, 24, 8).mean for P in (0, 50, 200, 800)]
    assert G[0] == 0.0 and np.all(np.diff(G) > 0) and G[-1] < 1
    P = t.load_of_familiarity(1000, 20, 24, 8, 0.5)
    assert t.novel_familiarity(1000, 20, P - 1, 24, 8).mean < 0.5
    assert t.novel_familiarity(1000, 20, P, 24, 8).mean >= 0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: t.stored_win_probability(1.5, 8, **t.VARIANTS["2010"]), "similarity must be"),
        (lambda: t.stored_win_probability(0.5, 0, **t.VARIANTS["2010"]), "cells must be in"),
        (lambda: t.code_intersection(0.5, 0, 8, **t.VARIANTS["2010"]), "Q must be in"),
        (lambda: t.coverage_pmf(10, 11, 2), "w must be in"),
        (lambda: t.capacity(1000, 20, 24, 8, exact=1.0), "exact must be in"),
    ],
)
def test_bad_parameters_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
