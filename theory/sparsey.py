r"""Sparsey macrocolumns: code intersections, crosstalk and capacity.

A macrocolumn (MAC) has Q competitive modules (CMs) of ``cells`` binary cells each; a
code is one active cell per CM. Binary afferent weights are set to 1 from every active
input to every winner. The Code Selection Algorithm (CSA) computes for each cell the
normalised support V (the fraction of the active inputs it has learned), the
familiarity G = (1/Q) sum_q max_{i in q} V_i, the expansivity

    expansivity(G) = 1 + chi max(0, (G - G_minus) / (1 - G_minus))^gamma,

the relative likelihoods
likelihood(V) = 1 + (expansivity - 1) / (1 + sigma1 exp(-sigma2 (V - sigma3))), and
draws one winner per CM with probability p_win_i = likelihood_i / sum_{k in q}
likelihood_k (learning), or takes the cell of largest V (recognition) [R10]_, [R14]_.
(Rinkus writes eta, mu and rho for the expansivity, the likelihood and p_win; those
letters mean other things in this package.)

Two published forms of the expansivity are offered as parameter sets
(:data:`VARIANTS`): ``"2010"`` (G_minus = 0, [R10]_) and ``"2014"`` (expansivity 1
below G_minus, [R14]_). The numbers are those of Rinkus's demonstration of the CSA
(chi = 400, gamma = 2, sigma = (1, 100/15, 0.5); github.com/Neurithmic-Systems/
V-to-mu_Demo, class Mac), G_minus = 0.2 chosen here; the functions take any values.

Everything below is computed from these definitions alone; nothing is simulated.

References
----------
.. [R10] G. J. Rinkus, Front. Neuroanat. 4:17 (2010).
.. [R14] G. J. Rinkus, Front. Comput. Neurosci. 8:160 (2014).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import stats

from ._checks import check_param

__all__ = [
    "VARIANTS",
    "Familiarity",
    "Recognition",
    "capacity",
    "code_intersection",
    "coverage_pmf",
    "expansivity",
    "load_of_familiarity",
    "novel_familiarity",
    "recognition",
    "relative_likelihood",
    "stored_win_probability",
    "support_pmf",
]

VARIANTS = {
    "2010": dict(chi=400.0, gamma=2.0, G_minus=0.0, sigma1=1.0, sigma2=100 / 15, sigma3=0.5),
    "2014": dict(chi=400.0, gamma=2.0, G_minus=0.2, sigma1=1.0, sigma2=100 / 15, sigma3=0.5),
}
"""Parameters of the V -> likelihood transform for the 2010 and 2014 forms of the
expansivity."""


def expansivity(G, *, chi, gamma, G_minus, **_):
    r"""expansivity(G) = 1 + chi max(0, (G - G_minus) / (1 - G_minus))^gamma [R10]_,
    [R14]_.

    Accepts a variant's parameters as keywords (``**VARIANTS["2014"]``); broadcasts G.
    """
    check_param("chi", chi, low=0.0)
    check_param("gamma", gamma, low=0.0, closed=(False, True))
    check_param("G_minus", G_minus, low=0.0, high=1.0, closed=(True, False))
    G = _unit_interval("G", G)
    return 1.0 + chi * np.maximum(0.0, (G - G_minus) / (1.0 - G_minus)) ** gamma


def relative_likelihood(V, expansivity, *, sigma1, sigma2, sigma3, **_):
    r"""likelihood(V) = 1 + (expansivity - 1) / (1 + sigma1 exp(-sigma2 (V - sigma3)))
    [R14]_."""
    check_param("sigma1", sigma1, low=0.0, closed=(False, True))
    check_param("sigma2", sigma2, low=0.0)
    check_param("sigma3", sigma3)
    V = _unit_interval("V", V)
    return 1.0 + (expansivity - 1.0) / (1.0 + sigma1 * np.exp(-sigma2 * (V - sigma3)))


def _unit_interval(name, x):
    """x as a float64 array, every entry in [0, 1] (NaN rejected)."""
    x = np.asarray(x, dtype=np.float64)
    bad = ~((x >= 0) & (x <= 1))
    if np.any(bad):
        raise ValueError(f"{name} must be in [0, 1]; got {x[bad][:3]}")
    return x


def stored_win_probability(similarity, cells, **transform):
    r"""Chance p_A that one CM of a MAC that has learned one item A picks A's cell for a
    probe B sharing the fraction ``similarity`` of its active inputs with A (CSA in
    learning mode).

    In an empty MAC that learned A, A's winner in each CM has learned exactly A's
    inputs: its support is V = |A ∩ B| / |B| = similarity, every other cell has V = 0,
    so G = similarity and, writing x for the similarity,

        p_A(x) = likelihood(x) / (likelihood(x) + (cells - 1) likelihood(0)),

    the likelihoods taken at the expansivity of G = x. The CMs draw independently
    given G: the number of A's cells in B's code is Binomial(Q, p_A). For x = 0 (a
    novel probe) the expansivity is 1 and p_A = 1/cells.

    Parameters
    ----------
    similarity : float or array_like
        Input overlap |A ∩ B| / |B|, 0 <= similarity <= 1.
    cells : int
        Cells per CM.
    **transform
        chi, gamma, G_minus, sigma1, sigma2, sigma3 (e.g. ``**VARIANTS["2010"]``).
    """
    cells = check_param("cells", cells, low=1, integer=True)
    similarity = _unit_interval("similarity", similarity)
    expansion = expansivity(similarity, **transform)
    stored = relative_likelihood(similarity, expansion, **transform)
    other = relative_likelihood(0.0, expansion, **transform)
    return stored / (stored + (cells - 1) * other)


def code_intersection(similarity, Q, cells, **transform):
    r"""Expected intersection E|C(B) ∩ C(A)| = Q p_A(similarity) of the code of a probe
    B with the code of the one item A stored in an empty MAC
    (`stored_win_probability`).

    Similar inputs get similar codes: it rises from Q/cells at similarity 0 (a novel
    input gets a random code) towards Q at similarity 1 (the stored code comes back)
    [R10]_.
    """
    Q = check_param("Q", Q, low=1, integer=True)
    return Q * stored_win_probability(similarity, cells, **transform)


def coverage_pmf(N, w, wins):
    r"""Distribution of how many of the w active bits of a fixed input are among the
    bits learned by a cell that won for ``wins`` other random inputs.

    Inputs are random SDRs: w active bits out of N, every set equally likely. A cell's
    weights are the union of the inputs it won for. Adding one input to a union that
    covers c of the fixed input's w bits covers j more of its w - c uncovered bits,
    with the hypergeometric chance C(w - c, j) C(N - w + c, w - j) / C(N, w); the count
    after ``wins`` inputs is this Markov chain started at c = 0, evaluated exactly.

    Returns
    -------
    ndarray of shape (wins + 1, w + 1)
        Row k is the distribution of the covered count c = 0..w after k inputs.
    """
    N = check_param("N", N, low=1, integer=True)
    w = check_param("w", w, low=1, high=N, integer=True)
    wins = check_param("wins", wins, low=0, integer=True)
    c = np.arange(w + 1)
    step = np.zeros((w + 1, w + 1))
    for j in range(w + 1):
        step[c, np.minimum(c + j, w)] += stats.hypergeom.pmf(j, N, w - c, w) * (j <= w - c)
    pmf = np.zeros((wins + 1, w + 1))
    pmf[0, 0] = 1.0
    for k in range(wins):
        pmf[k + 1] = pmf[k] @ step
    return pmf


def support_pmf(N, w, P, cells):
    r"""Distribution of u, the number of a fixed input's w bits that one cell has
    learned, after P other random inputs were stored with uniform random codes.

    Each stored item picks the cell with chance 1/cells, so the cell won
    wins ~ Binomial(P, 1/cells) times; given the wins, u follows `coverage_pmf`.
    (Uniform random codes: what the CSA draws while the stored inputs look novel,
    G <= G_minus in the 2014 form.)

    Returns
    -------
    ndarray of shape (w + 1,)
    """
    P = check_param("P", P, low=0, integer=True)
    cells = check_param("cells", cells, low=1, integer=True)
    most = int(stats.binom.ppf(1 - 1e-15, P, 1.0 / cells)) if P else 0
    weights = stats.binom.pmf(np.arange(most + 1), P, 1.0 / cells)
    return weights @ coverage_pmf(N, w, most)


class Recognition(NamedTuple):
    """Recognition of a stored item: per-CM success, exact-code and mean-overlap."""

    cm_correct: float
    exact: float
    overlap: float


def recognition(N, w, P, Q, cells):
    r"""Recognition of one of P stored random items (w of N bits, uniform random codes).

    The stored item's own cell in each CM has learned all of its bits (V = 1). A
    competitor in its CM, having won for Binomial(P - 1, 1/cells) of the other items,
    ties with it when it has learned all w bits by chance: probability
    pi = `support_pmf`(N, w, P - 1, cells)[w]. With t ~ Binomial(cells - 1, pi) ties
    split evenly, the CM picks the stored cell with chance

        c = E[1 / (1 + t)] = (1 - (1 - pi)^cells) / (cells pi),

    the code comes back whole with chance c^Q and the recalled code shares Q c cells
    with it on average. Approximations: competitors and CMs are treated as independent
    (their counts are in fact multinomial over shared items).

    Returns
    -------
    Recognition
        (cm_correct = c, exact = c^Q, overlap = Q c).
    """
    P = check_param("P", P, low=1, integer=True)
    Q = check_param("Q", Q, low=1, integer=True)
    cells = check_param("cells", cells, low=1, integer=True)
    pi = support_pmf(N, w, P - 1, cells)[-1]
    # (1 - (1 - pi)^cells) / (cells pi), without cancellation for small pi
    c = 1.0 if pi <= 0.0 else -np.expm1(cells * np.log1p(-pi)) / (cells * pi)
    return Recognition(c, c**Q, Q * c)


class Familiarity(NamedTuple):
    """Mean and standard deviation of the familiarity G of a novel random input."""

    mean: float
    std: float


def novel_familiarity(N, w, P, Q, cells):
    r"""Familiarity G of a novel random input to a MAC storing P random items.

    In each CM the cells have learned u_k of the input's w bits, i.i.d. by
    `support_pmf`(N, w, P, cells); the CM's largest support is max_k u_k / w, with
    distribution F(c)^cells - F(c - 1)^cells (F the CDF of u), and G averages Q such
    CMs (treated as independent): mean E[max]/w, standard deviation sd(max)/(w sqrt Q).
    A stored item has G = 1 exactly (its cells learned all its bits).
    """
    Q = check_param("Q", Q, low=1, integer=True)
    cells = check_param("cells", cells, low=1, integer=True)
    F = np.cumsum(support_pmf(N, w, P, cells))
    p_max = np.diff(np.concatenate([[0.0], np.minimum(F, 1.0) ** cells]))
    V = np.arange(w + 1) / w
    mean = float(p_max @ V)
    return Familiarity(mean, float(np.sqrt(max(p_max @ V**2 - mean**2, 0.0) / Q)))


def capacity(N, w, Q, cells, *, exact=0.5):
    r"""Largest P for which a stored item is recognised exactly (its whole code) with
    chance at least ``exact``, by `recognition`: where crosstalk from the other codes'
    learned inputs starts to break recognition (bisection on P)."""
    exact = check_param("exact", exact, low=0.0, high=1.0, closed=(False, False))
    return _first(lambda P: recognition(N, w, P, Q, cells).exact < exact, 2) - 1


def load_of_familiarity(N, w, Q, cells, G):
    r"""Smallest P at which the mean familiarity of a novel random input reaches G
    (`novel_familiarity`): in the 2014 form with G_minus = G, new items get uniform
    random codes up to about this load."""
    G = check_param("G", G, low=0.0, high=1.0, closed=(False, False))
    return _first(lambda P: novel_familiarity(N, w, P, Q, cells).mean >= G, 1)


def _first(holds, start):
    """The least integer P >= start at which ``holds(P)``, a property that stays true
    once true: doubling to bracket it, then bisection."""
    lo, hi = start - 1, start
    while not holds(hi):
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if holds(mid) else (mid, hi)
    return hi
