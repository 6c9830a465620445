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

import decimal
import math
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from scipy import fft, special, stats

from ._checks import check_param, check_real_array, check_size

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
    "sharp": dict(chi=1e6, gamma=2.0, G_minus=0.2, sigma1=1.0, sigma2=40.0, sigma3=0.8),
}
"""Parameters of the V -> likelihood transform for the 2010 and 2014 forms of the
expansivity, and the steep "sharp" one of the models' hierarchies (see
`assoc.models.sparsey.TRANSFORMS`)."""


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
    expansivity = check_real_array("expansivity", expansivity)
    if (expansivity < 1).any():
        raise ValueError(f"expansivity must be at least 1; got {expansivity[expansivity < 1][:3]}")
    return 1.0 + (expansivity - 1.0) / (1.0 + sigma1 * np.exp(-sigma2 * (V - sigma3)))


def _unit_interval(name, x):
    """x as a float64 array, every entry in [0, 1] (NaN rejected)."""
    x = check_real_array(name, x)
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
    check_size("wins, w", (wins, w), (wins + 1) * (w + 1) ** 2)
    return _coverage(N, w, wins)[:, 0]


def _hypergeometric(N, K, n):
    """P(j), j = 0..min(K, n): j of n cells drawn from N hit K marked ones, as exact
    ratios of binomials, correctly rounded and quick for any N (scipy's time grows
    with N)."""
    total = math.comb(N, n)
    return np.array(
        [math.comb(K, j) * math.comb(N - K, n - j) / total for j in range(min(K, n) + 1)]
    )


def _coverage(N, w, wins, starts=(0,)):
    """The chain of `coverage_pmf` from each of ``starts``: element [k, i, c] is the
    chance that a union covering starts[i] of the fixed input's w bits covers c of them
    after k more random inputs; shape (wins + 1, len(starts), w + 1)."""
    step = np.zeros((w + 1, w + 1))
    for c in range(w + 1):
        step[c, c:] = _hypergeometric(N, w - c, w)
    rows = np.empty((wins + 1, len(starts), w + 1))
    rows[0] = np.eye(w + 1)[list(starts)]
    for k in range(wins):
        rows[k + 1] = rows[k] @ step
    return rows


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
    N, w = _check_input(N, w)
    P = check_param("P", P, low=0, integer=True)
    cells = check_param("cells", cells, low=1, integer=True)
    check_size("P, w", (P, w), (P // cells + 1) * (w + 1) ** 2)  # the chain to the most wins
    most = int(stats.binom.ppf(1 - 1e-15, P, 1.0 / cells)) if P else 0
    weights = stats.binom.pmf(np.arange(most + 1), P, 1.0 / cells)
    return weights @ coverage_pmf(N, w, most)


def _allocation(factors, cells):
    r"""E[prod_k f_k(n_k)] over the numbers n_k of P items that fall in each of the
    ``cells`` cells of a CM, every item in a cell drawn uniformly and independently (n
    multinomial). ``factors`` holds (f, m) pairs: m of the cells carry the function f,
    given at n = 0..P (arrays (..., P + 1) that broadcast together); the m sum to cells.

    Given n the cells hold disjoint sets of independent items, so functions of one
    cell's items are independent; the multinomial couples them. Poissonisation makes
    it a product: independent Poisson(P/cells) counts conditioned on their sum being P
    are the multinomial counts, so the mean is the coefficient of z^P in
    prod_k sum_n f_k(n) Poisson(n; P/cells) z^n divided by Poisson(P; P), evaluated
    here by FFT.
    """
    P = factors[0][0].shape[-1] - 1
    poisson = stats.poisson.pmf(np.arange(P + 1), P / cells)
    size = fft.next_fast_len(cells * P + 1)
    spectrum = 1.0
    for f, m in factors:
        spectrum = spectrum * np.fft.rfft(f * poisson, size) ** m
    return np.fft.irfft(spectrum, size)[..., P] / stats.poisson.pmf(P, P)


class Recognition(NamedTuple):
    """Recognition of a stored item: per-CM success, exact-code and mean-overlap."""

    cm_correct: float
    exact: float
    overlap: float


def _check_input(N, w):
    """N >= 1 input bits, 1 <= w <= N of them active."""
    N = check_param("N", N, low=1, integer=True)
    return N, check_param("w", w, low=1, high=N, integer=True)


def _check_sizes(w, P, cells):
    """Refuse the P and cells whose laws (the coverage chain of P items, the
    multinomial of P items over the cells) exceed memory."""
    check_size("P, w", (P, w), (P + 1) * (w + 1) ** 2)
    check_size("cells", cells, cells * (P + 1))


def recognition(N, w, P, Q, cells, *, independent=False):
    r"""Recognition of one of P stored random items (w of N bits, uniform random codes).

    The stored item A's own cell in each CM has learned all of its bits (V = 1); a
    competitor ties with it when the union of the other items it won covers all w bits,
    and recognition, taking the first of equal cells, then fails in that CM whenever a
    tied competitor comes before A's cell (at a uniformly random place in the CM).

    One CM, exactly: the P - 1 other items fall in its cells by a multinomial; given
    those numbers n_k, competitor k ties independently with chance tie(n_k), the
    probability that n_k random items cover w given bits (`coverage_pmf`), so the chance
    c that A's cell wins is an average over the multinomial (`_allocation`).

    All CMs: they store the same P - 1 items, so they are correlated. Given the items
    (their overlaps with A) the CMs are independent, each failing with a chance set by
    the competitors' tie probability pi(items); its mean is pi and its second moment
    E[pi^2], the chance that competitors in two different CMs both tie, is exact by
    inclusion-exclusion over the bits each leaves uncovered:

        E[pi^2] = sum_{T1, T2 subsets of A} (-1)^{|T1| + |T2|} E_item[(1 - p h1)(1 - p h2)]^{P-1},

    p = 1/cells, h1 (h2) the indicator that an item meets T1 (T2), averaged with the
    hypergeometric chances C(N - t, w)/C(N, w) of missing t given bits. pi(items) is
    taken as gamma-distributed with these two moments (its skewness is then within 3 % of
    that of 2000 item sets drawn at P = 593 and 700, on which pi was computed exactly,
    and its shape moves exact recall by less than 0.001), the CM's success given pi as
    (1/cells) sum_j (1 - pi)^j (1 + kappa C(j, 2) pi^2), its j competitors ahead of A
    tying independently but for a pair correction kappa fixed by the exact mean c, and

        exact = E[c(pi)^Q],   overlap = Q c.

    Checked against simulation within its sampling error (within 0.001 at N = 1000,
    w = 20, Q = 24, cells = 8 and P = 500..800, 800 MACs per point).

    ``independent=True`` gives the simple approximation instead: competitors and CMs
    independent, each tying with the mean chance pi = `support_pmf`(N, w, P - 1,
    cells)[w], so c = (1 - (1 - pi)^cells) / (cells pi) and exact = c^Q. Its exact
    recall is low near capacity (0.50 against 0.536 at P = 593, 0.10 against 0.150 at
    P = 700, 0.006 against 0.018 at P = 800, in the example above), because items
    shared by all CMs make their failures come together.

    Returns
    -------
    Recognition
        (cm_correct = c, exact, overlap = Q c).
    """
    N, w = _check_input(N, w)
    P = check_param("P", P, low=1, integer=True)
    Q = check_param("Q", Q, low=1, integer=True)
    cells = check_param("cells", cells, low=1, integer=True)
    _check_sizes(w, P, cells)
    if independent:
        pi = support_pmf(N, w, P - 1, cells)[-1]
        # (1 - (1 - pi)^cells) / (cells pi), without cancellation for small pi
        c = 1.0 if pi <= 0.0 else -np.expm1(cells * np.log1p(-pi)) / (cells * pi)
        return Recognition(c, c**Q, Q * c)
    if P == 1 or cells == 1:
        return Recognition(1.0, 1.0, float(Q))
    tie = _coverage(N, w, P - 1)[:, 0, w]  # n random items cover all w bits
    # the first j of A's competitors clear of ties, j uniform in 0..cells-1
    clear = [_allocation([(1.0 - tie, j), (np.ones(P), cells - j)], cells) for j in range(cells)]
    c = float(np.clip(np.mean(clear), 0.0, 1.0))
    pi = float(stats.binom.pmf(np.arange(P), P - 1, 1.0 / cells) @ tie)
    exact = _shared_items_exact(c, pi, _two_module_ties(N, w, P - 1, cells, pi), Q, cells)
    return Recognition(c, exact, Q * c)


def _two_module_ties(N, w, others, cells, pi):
    """E[pi(items)^2]: the chance that a competitor in each of two CMs covers all w bits
    of the stored item, the ``others`` items shared (inclusion-exclusion of
    `recognition`, summed in decimal arithmetic with the digits its cancellations need).
    ``pi`` is the mean tie chance, to size the precision."""
    if pi <= 0.0:
        return 0.0
    with decimal.localcontext() as context:
        context.prec = int(2 * w * np.log10(2) - 2 * np.log10(pi)) + 25
        total = Decimal(math.comb(N, w))
        miss = [Decimal(math.comb(N - t, w)) / total for t in range(w + 1)]
        p = Decimal(1) / cells
        moment = Decimal(0)
        for union in range(w + 1):  # |T1 ∪ T2|; a, b, c bits in T1 only, T2 only, both
            for s1 in range(union + 1):
                for s2 in range(union - s1, union + 1):
                    a, b, both = union - s2, union - s1, s1 + s2 - union
                    count = math.factorial(w) // (
                        math.factorial(a)
                        * math.factorial(b)
                        * math.factorial(both)
                        * math.factorial(w - union)
                    )
                    hit1, hit2 = 1 - miss[s1], 1 - miss[s2]
                    hit_both = 1 - miss[s1] - miss[s2] + miss[union]
                    base = 1 - p * (hit1 + hit2) + p * p * hit_both
                    moment += (-1) ** (s1 + s2) * count * base**others
        return float(moment)


def _shared_items_exact(c, pi, pi2, Q, cells, nodes=128):
    """E[c(pi)^Q] over a gamma law of the tie chance pi with mean ``pi`` and second
    moment ``pi2``, c(pi) as in `recognition` with its pair correction fixed so that
    E[c(pi)] = ``c`` (Gauss-Legendre quadrature over the gamma's quantiles)."""
    variance = pi2 - pi**2
    if pi <= 0.0 or variance <= 1e-12 * pi**2:
        return c**Q
    u, weight = special.roots_legendre(nodes)
    weight = weight / 2
    x = stats.gamma.ppf((u + 1) / 2, pi**2 / variance, scale=variance / pi)
    x = np.minimum(x, 1.0)[:, None]
    ahead = np.arange(cells)
    clear = ((1.0 - x) ** ahead).mean(axis=1)
    pairs = ((1.0 - x) ** ahead * ahead * (ahead - 1) / 2).mean(axis=1) * x[:, 0] ** 2
    paired = weight @ pairs  # 0 with fewer than three cells, or ties too rare to pair
    kappa = (c - weight @ clear) / paired if paired > 0 else 0.0
    return float(weight @ np.clip(clear + kappa * pairs, 0.0, 1.0) ** Q)


class Familiarity(NamedTuple):
    """The familiarity G of a novel random input: its mean and standard deviation over
    inputs (and stored sets), the standard deviation of one CM's largest support, and
    the correlation of two CMs' largest supports."""

    mean: float
    std: float
    cm_std: float
    correlation: float


def novel_familiarity(N, w, P, Q, cells, *, independent=False):
    r"""Familiarity G of a novel random input B to a MAC storing P random items with
    uniform random codes.

    G = (1/Q) sum_q M_q / w, M_q the largest number of B's w bits that a cell of CM q
    has learned. One CM, exactly: the P items fall in its cells by a multinomial; given
    those numbers each cell's coverage of B follows `coverage_pmf` independently, so
    P(M <= s) is an average over the multinomial (`_allocation`), and with it the mean
    and the variance of M.

    The CMs store the same items, so their maxima are correlated: given the items
    (their overlaps with B) the CMs are independent, and

        Var(G) = [Var(M) - C] / (Q w^2) + C / w^2,   C = Var_items(E[M | items]),

    the covariance of two CMs' maxima. C is a variance of a symmetric function of P
    independent items, expanded in Hoeffding's (ANOVA) terms: C = P var(g1) +
    C(P, 2) var(g2) + ..., g1 the change of E[M] given one item's overlap j with B
    (the multinomial counts of items by overlap) and g2 the joint change given two items
    (their overlaps with B and with each other: in one cell they cover the union of
    their bits). Terms of three and more items are left out; they are positive, so the
    standard deviation errs low: 1-3 % against 100 MACs x 200 inputs at N = 1000,
    w = 20, Q = 24, cells = 8, P = 25..800 (and within 3 % at P = 25..1200 in the
    `sparsey_capacity` experiment), where the independent CMs give sd(M) / (w sqrt Q),
    1.2-3.4 times too small.

    ``independent=True`` gives that simple approximation: the cells of a CM independent
    (each learning Binomial(P, 1/cells) items, `support_pmf`), the CMs independent, mean
    E[max]/w (low by 0.002-0.003 here) and standard deviation sd(M) / (w sqrt Q).
    A stored item has G = 1 exactly (its cells learned all its bits).

    Returns
    -------
    Familiarity
        (mean, std, cm_std = sd(M)/w, correlation = C / Var(M)).
    """
    N, w = _check_input(N, w)
    Q = check_param("Q", Q, low=1, integer=True)
    cells = check_param("cells", cells, low=1, integer=True)
    if independent:
        F = np.cumsum(support_pmf(N, w, P, cells))
        p_max = np.diff(np.concatenate([[0.0], np.minimum(F, 1.0) ** cells]))
        V = np.arange(w + 1) / w
        mean = float(p_max @ V)
        cm_std = float(np.sqrt(max(p_max @ V**2 - mean**2, 0.0)))
        return Familiarity(mean, float(cm_std / np.sqrt(Q)), cm_std, 0.0)
    P = check_param("P", P, low=0, integer=True)
    _check_sizes(w, P, cells)
    if P == 0:
        return Familiarity(0.0, 0.0, 0.0, 0.0)
    # [n, start, s]: P(coverage <= s) after n items, from every start 0..w
    cdf = np.cumsum(_coverage(N, w, P, starts=range(w + 1)), axis=-1)
    F = _max_cdf(cdf, (), P, cells)
    pmf = np.diff(F, prepend=0.0)
    s = np.arange(w + 1)
    mean = pmf @ s
    variance = max(pmf @ s**2 - mean**2, 0.0)
    C = min(max(_shared_items_covariance(N, w, P, cells, cdf, mean), 0.0), variance)
    return Familiarity(
        float(mean / w),
        float(np.sqrt((variance - C) / Q + C) / w),
        float(np.sqrt(variance) / w),
        float(C / variance) if variance > 0 else 0.0,
    )


def _max_cdf(cdf, starts, others, cells):
    """P(M <= s), s = 0..w, for a CM whose first cells hold one item (or a union)
    covering ``starts[k]`` of the input's bits each, its ``others`` other items falling
    at random; ``cdf[n, start, s]`` cumulates `_coverage` over s."""
    rows = cdf[: others + 1]
    factors = [(rows[:, start, :].T, 1) for start in starts]
    factors.append((rows[:, 0, :].T, cells - len(starts)))
    F = _allocation(factors, cells)
    F[-1] = 1.0
    return np.clip(F, 0.0, 1.0)


def _mean_max(cdf, starts, others, cells):
    """E[M] for the CM of `_max_cdf`."""
    return float(np.sum(1.0 - _max_cdf(cdf, starts, others, cells)[:-1]))


def _shared_items_covariance(N, w, P, cells, cdf, mean):
    """C = Var_items(E[M | items]) to second order in Hoeffding's expansion over the P
    stored items (`novel_familiarity`): P var(g1) + C(P, 2) var(g2), g1 and g2 given by
    the overlaps of one or two items with the input (and with each other)."""
    overlap = _hypergeometric(N, w, w)  # an item's overlap j with B
    J = np.flatnonzero(overlap > 1e-14)
    g1 = {j: _mean_max(cdf, (j,), P - 1, cells) - mean for j in J}
    C = P * sum(overlap[j] * g1[j] ** 2 for j in J)
    if P < 2:
        return C
    apart = {
        (j1, j2): _mean_max(cdf, (j1, j2), P - 2, cells) if cells > 1 else 0.0
        for j1 in J
        for j2 in J
        if j1 <= j2
    }
    union = {}
    second = 0.0
    for j1 in J:
        for j2 in J:
            shared = _hypergeometric(w, j1, j2)
            for o, p_o in enumerate(shared):  # o: bits of B the two items share
                if p_o < 1e-14:
                    continue
                u = j1 + j2 - o
                if u not in union:
                    union[u] = _mean_max(cdf, (u,), P - 2, cells)
                h2 = (1 - 1 / cells) * apart[min(j1, j2), max(j1, j2)] + union[u] / cells
                g2 = h2 - mean - g1[j1] - g1[j2]
                second += overlap[j1] * overlap[j2] * p_o * g2**2
    return C + math.comb(P, 2) * second


def capacity(N, w, Q, cells, *, exact=0.5, independent=False):
    r"""Largest P for which a stored item is recognised exactly (its whole code) with
    chance at least ``exact``, by `recognition` (``independent`` as there): where
    crosstalk from the other codes' learned inputs starts to break recognition
    (bisection on P). N = 1000, w = 20, Q = 24, cells = 8: 601 items (593 with
    independent CMs).

    As P grows every cell learns every input, all cells of a CM tie and a code comes
    back whole by luck, with chance cells^-Q: recognition falls towards it, never below,
    so ``exact`` must lie above it (for one cell per CM, never: every item then has the
    one code there is). Loads are searched up to 2^20 items (`_first`).
    """
    exact = check_param("exact", exact, low=0.0, high=1.0, closed=(False, False))
    Q = check_param("Q", Q, low=1, integer=True)
    cells = check_param("cells", cells, low=1, integer=True)
    luck = float(cells) ** -Q
    if exact <= luck:
        raise ValueError(
            f"exact must be above cells^-Q = {luck:.6g}, the chance that a code comes back "
            f"whole by luck, which recognition never falls below; got {exact}"
        )
    return (
        _first(
            lambda P: recognition(N, w, P, Q, cells, independent=independent).exact < exact,
            2,
            "N, w, Q, cells, exact",
            (N, w, Q, cells, exact),
        )
        - 1
    )


def load_of_familiarity(N, w, Q, cells, G):
    r"""Smallest P at which the mean familiarity of a novel random input reaches G
    (`novel_familiarity`): in the 2014 form with G_minus = G, new items get uniform
    random codes up to about this load."""
    N, w = _check_input(N, w)
    G = check_param("G", G, low=0.0, high=1.0, closed=(False, False))
    Q = check_param("Q", Q, low=1, integer=True)
    cells = check_param("cells", cells, low=1, integer=True)

    def mean(P):
        _check_sizes(w, P, cells)
        cdf = np.cumsum(_coverage(N, w, P), axis=-1)
        return _mean_max(cdf, (), P, cells) / w

    return _first(lambda P: mean(P) >= G, 1, "N, w, Q, cells, G", (N, w, Q, cells, G))


_MOST_ITEMS = 2**20
"""The largest load the searches of `capacity` and `load_of_familiarity` try: the exact
laws of 2^20 items take seconds, and their cost grows with P."""


def _first(holds, start, names, values):
    """The least integer P >= start at which ``holds(P)``, a property that stays true
    once true: doubling to bracket it, then bisection. Beyond `_MOST_ITEMS` the search
    stops, refusing the parameters ``names`` = ``values``."""
    lo, hi = start - 1, start
    while not holds(hi):
        if hi >= _MOST_ITEMS:
            raise ValueError(
                f"{names} must give a load below 2^20 = {_MOST_ITEMS} items (where the "
                f"search ends: the exact laws cost more with every item); got {values}"
            )
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if holds(mid) else (mid, hi)
    return hi
