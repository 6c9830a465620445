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


def test_recognition_and_its_capacity():
    # per-CM success (1 - (1 - pi)^cells) / (cells pi) against the sum over tied
    # competitors
    N, w, P, Q, cells = 1000, 20, 700, 24, 8
    pi = t.support_pmf(N, w, P - 1, cells)[-1]
    ties = np.arange(cells)
    direct = sum(comb(cells - 1, j) * pi**j * (1 - pi) ** (cells - 1 - j) / (1 + j) for j in ties)
    r = t.recognition(N, w, P, Q, cells)
    assert r.cm_correct == pytest.approx(direct, rel=1e-12)
    assert r.exact == pytest.approx(direct**Q) and r.overlap == pytest.approx(Q * direct)
    assert t.recognition(N, w, 1, Q, cells) == (1.0, 1.0, Q)
    P_c = t.capacity(N, w, Q, cells)
    at, above = t.recognition(N, w, P_c, Q, cells), t.recognition(N, w, P_c + 1, Q, cells)
    assert at.exact >= 0.5 > above.exact
    # sparser inputs store more items
    assert t.capacity(N, 10, Q, cells) > P_c > t.capacity(N, 40, Q, cells)


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
