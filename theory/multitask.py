r"""Low-load theory of the multitasking Hebbian network: diluted patterns, parallel retrieval.

``N`` Ising spins store ``P`` diluted archetypes :math:`\xi^\mu \in \{-1, 0, +1\}^N`,
i.i.d. with :math:`P(\xi = 0) = d`, :math:`P(\xi = \pm 1) = (1 - d)/2`, in the Hebbian
couplings :math:`J_{ij} = \frac1N \sum_\mu \xi_i^\mu \xi_j^\mu` (:math:`J_{ii} = 0`) [1]_.
The order parameters are the Mattis overlaps
:math:`m_\mu = \frac1N \sum_i \xi_i^\mu s_i`. Write :math:`a = 1 - d` for the fraction of
non-blank entries and :math:`\langle\cdot\rangle_\xi` for the average over one site's
entries :math:`(\xi^1, \dots, \xi^P)`, computed here exactly as a sum over the
:math:`3^P` configurations with their probabilities.

Self-consistency and free energy. At low load (``P`` finite, ``N -> inf``) the free
energy per spin is [1]_ [2]_

.. math::

    f(m) = \tfrac12 \textstyle\sum_\mu m_\mu^2
           - \tfrac1\beta \langle \ln 2\cosh(\beta\, m\cdot\xi) \rangle_\xi,
    \qquad
    m_\mu = \langle \xi^\mu \tanh(\beta\, m\cdot\xi) \rangle_\xi
    \quad (\nabla f = 0),

and a solution is a local minimum (stable) when every eigenvalue of the Hessian
:math:`\delta_{\mu\nu} - \beta \langle \xi^\mu\xi^\nu \operatorname{sech}^2(\beta\,
m\cdot\xi)\rangle_\xi` is positive. Both are invariant under permutations of the
patterns and sign flips of each overlap, so solutions are reported in the canonical
form :math:`m_1 \ge m_2 \ge \dots \ge m_P \ge 0`.

Zero temperature. As ``T -> 0`` the free energy becomes the energy
:math:`E(m) = \frac12 \sum m_\mu^2 - \langle |m\cdot\xi| \rangle_\xi` and the
self-consistency :math:`m_\mu = \langle \xi^\mu \operatorname{sign}(m\cdot\xi)\rangle`,
with :math:`\operatorname{sign}(0) = 0`, the limit of ``tanh`` (a spin in zero field
points up or down with equal probability). :math:`E` is a quadratic with unit Hessian
minus a convex function that is piecewise linear on the cells cut out by the planes
:math:`m\cdot\xi = 0`. So a fixed point where no configuration :math:`\xi \ne 0` has
zero field is a strict local minimum (stable), and a fixed point with a tie sits on a
ridge: the curvature along the tied :math:`\xi` is :math:`-\infty` (unstable). At a
fixed point :math:`E = -\frac12 \sum m_\mu^2`.

The hierarchical state [1]_. Let the spin follow the first non-blank pattern:
:math:`s_i = \xi_i^1` where :math:`\xi_i^1 \ne 0`, else :math:`\xi_i^2` where that is
non-blank, and so on. A site's first non-blank entry is at level ``k`` with probability
:math:`a d^{k-1}`, and the deeper entries there average to zero, so

.. math::

    m_k = (1 - d)\, d^{k-1}.

Signal to noise: at a site whose first non-blank entry is at level ``k`` the field is
:math:`m_k \xi^k + \sum_{l>k} m_l \xi^l`, which has the sign of :math:`\xi^k` for
every configuration of the deeper entries iff :math:`m_k > \sum_{l>k} m_l` (equality
gives a tie, for :math:`\xi^l = -\xi^k` at every deeper level). With the values above
this reads :math:`1 > d + d^2 + \dots + d^{P-k}`, hardest at ``k = 1``, so the
hierarchical state is a (stable) T = 0 fixed point iff

.. math::

    \sum_{j=1}^{P-1} d^j < 1 \iff d < d_P:\quad
    d_2 = 1,\; d_3 = \tfrac{\sqrt5 - 1}{2} = 0.6180,\; d_4 = 0.5437,\;
    d_P \downarrow \tfrac12\ (P\to\infty).

(At ``d = 0`` only level 1 is ever reached: the pure Hopfield state.)

Other T = 0 fixed points, ``P = 3``. Where :math:`m_1 < m_2 + m_3` with
:math:`m_1 > m_2 > m_3 > 0`, a site with three non-blank entries follows their majority
and a site with two follows the higher-ranked one, which gives the majority state

.. math::

    m = (1-d)\,\bigl(1 - \tfrac{a^2}{2},\; d + \tfrac{a^2}{2},\; d^2 + \tfrac{a^2}{2}\bigr),

consistent (:math:`m_1 < m_2 + m_3 \iff 5d^2 - 4d + 1 > 0`) and tie-free, hence stable,
for every ``0 < d < 1``; at ``d = 0`` it is the symmetric 3-mixture ``(1/2, 1/2, 1/2)``.
Its energy is below the hierarchical one iff :math:`7d^2 - 2d - 1 > 0`, that is for
:math:`d > (1 + 2\sqrt2)/7 = 0.5469`: at strong dilution the majority state is the
ground state, and the hierarchical state is metastable up to ``d_3``. The
equal-amplitude state :math:`m_\mu = (1-d)\langle \operatorname{sign}(1 +
\xi^2 + \dots + \xi^P)\rangle` (``(1 - d)(1 + d^2)/2`` for ``P = 3``) is a fixed point
too, but for ``d > 0`` ties (one ``+1`` against one ``-1``) make it unstable; so are
the pure state and every state with a pattern left at zero.

Finite temperature. Linearising the self-consistency at ``m = 0`` gives
:math:`m = \beta(1-d) m`: the paramagnet is stable above :math:`T_c = 1 - d` [1]_ [3]_.
Just below :math:`T_c` the quartic term of :math:`f`,
:math:`\frac{\beta^3}{12}\langle(m\cdot\xi)^4\rangle = \frac{\beta^3}{12}[3a^2(\sum
m^2)^2 + a(1 - 3a)\sum m^4]`, decides which direction condenses: for
``d < 2/3`` the pure state, for ``d > 2/3`` the parallel state with all ``P`` overlaps
equal. With levels ``1..k`` condensed and the rest empty, the Hessian along every
empty pattern is :math:`1 - \beta a \langle \operatorname{sech}^2(\beta\, m\cdot\xi)
\rangle`; level ``k + 1`` switches on where it vanishes for the best state with ``k``
patterns (:func:`onset_temperatures`). For small ``d`` this happens at
:math:`T_{k+1} \to (1-d)d^k`, the level's own ``T = 0`` overlap: the only sites left
without a field are those where levels ``1..k`` are all blank. The parallel state is a
local minimum where its transverse Hessian eigenvalue
:math:`1 - \beta\langle((\xi^1)^2 - \xi^1\xi^2)\operatorname{sech}^2(\beta m\sum_\nu
\xi^\nu)\rangle` is positive, and the global minimum on a window of ``T``
(:func:`parallel_regime`): from :math:`T_c` down for ``d > 2/3``, and, for ``d`` a
little below 2/3, on a window that opens below :math:`T_c` (first-order at its top).
At ``d = 0`` this is the Hopfield model, whose symmetric 3-mixture becomes stable below
``T = 0.46`` [4]_.

Learning from examples [2]_. Each archetype is seen only through ``M`` examples
:math:`\eta^{\mu,a} = \chi^{\mu,a}\xi^\mu` with :math:`P(\chi = \pm1) = (1 \pm r)/2`
(blanks stay blank). The supervised couplings are built from the example means
:math:`\bar\eta^\mu = \frac1M\sum_a \eta^{\mu,a}`,
:math:`J = \frac{1}{NR}\sum_\mu \bar\eta^\mu\bar\eta^{\mu\,T}`, the unsupervised ones
from all ``P M`` examples, :math:`J = \frac{1}{NRM}\sum_{\mu,a}\eta^{\mu,a}\eta^{\mu,a\,T}`,
with :math:`R = r^2 + (1 - r^2)/M = \langle\bar\chi^2\rangle`, which keeps
:math:`T_c = 1 - d`. The low-load theory is the one above with the pattern entries
:math:`\bar\eta^\mu/\sqrt R`; the archetype overlap is
:math:`m_\mu = \langle \xi^\mu \tanh(\beta\, n\cdot\bar\eta/\sqrt R)\rangle`.
Under the ansatz that all examples of a pattern have the same overlap (they are
exchangeable), the unsupervised field :math:`\frac1{RM}\sum_{\mu,a}\eta^{\mu,a}_i
(\eta^{\mu,a}\cdot s)/N` equals the supervised one, so the two protocols have the same
self-consistency, for every ``P`` and ``M`` [2]_. For ``P = 1`` the ``T = 0`` state of
the supervised network is the majority vote :math:`s_i = \operatorname{sign}\sum_a
\eta_i^a` (the unsupervised one shares it only under that ansatz: at small ``M`` its
examples stay attractors of lower energy, :math:`\sum_a m_a^2` being larger on an
example than on the majority state, and zero-temperature dynamics from random starts
ends on one of them), with archetype overlap

.. math::

    m = (1 - d)\,[P(\textstyle\sum_a \chi^a > 0) - P(\sum_a \chi^a < 0)]
    \xrightarrow{M\to\infty} (1 - d)\operatorname{erf}\bigl(1/\sqrt{2\rho}\bigr),
    \qquad \rho = \frac{1 - r^2}{M r^2},

the dataset entropy (rho in [2]_; ``entropy`` here; ties, possible for even ``M``, give
:math:`\operatorname{sign}(0) = 0`).

References
----------
.. [1] E. Agliari, A. Barra, A. Galluzzi, F. Guerra, F. Moauro, "Multitasking
   associative networks", Phys. Rev. Lett. 109, 268101 (2012), arXiv:1111.5191.
.. [2] E. Agliari, A. Alessandrelli, A. Barra, F. Ricci-Tersenghi, "Parallel learning
   by multitasking neural networks", J. Stat. Mech. (2023) 113401, arXiv:2308.04106.
.. [3] E. Agliari, A. Barra, A. Galluzzi, M. Isopi, "Multitasking network with fast
   noise", arXiv:1304.4488 (2013).
.. [4] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Spin-glass models of neural
   networks", Phys. Rev. A 32, 1007 (1985).
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import NamedTuple

import numpy as np
from scipy import optimize, stats

from theory._checks import check_finite, check_param, check_real_array, check_rng, check_size

__all__ = [
    "MediumLoad",
    "ParallelRegime",
    "PhaseLines",
    "Solutions",
    "critical_temperature",
    "dataset_entropy",
    "example_normalisation",
    "free_energy",
    "global_minimum",
    "hessian",
    "hierarchical_state",
    "hierarchical_threshold",
    "is_stable",
    "learned_solutions",
    "majority_overlap",
    "majority_overlap_limit",
    "majority_state",
    "medium_load_parallel",
    "medium_load_stable_below",
    "onset_temperatures",
    "parallel_regime",
    "parallel_state",
    "phase_lines",
    "regime",
    "self_consistency",
    "solutions",
    "unsupervised_solutions",
]

# 3^P configurations are enumerated exactly; P = 8 is 6561 of them.
_P_MAX = 8
# |h| below this is a tie at T = 0 (overlaps are O(1) sums of probabilities).
_TIE = 1e-10
# Stationary points: |grad f| below _CONVERGED; two are the same state within _SAME.
_CONVERGED = 1e-11
_SAME = 1e-7
_STEP = 0.1 * _SAME  # a converged Newton step (see _newton)
_DESCENT_STEPS = 400
_NEWTON_STEPS = 60
_RANDOM_STARTS = 24
# Lattice probes of the T = 0 cells (see _probes_T0): spacing 1/L, at most ~_PROBES points.
_PROBES = 6000


class Solutions(NamedTuple):
    """Solutions of the low-load self-consistency, canonical and sorted by free energy.

    Attributes
    ----------
    m : ndarray of shape (S, P)
        Mattis overlaps with the archetypes, m_1 >= m_2 >= ... >= 0.
    n : ndarray of shape (S, P)
        The self-consistency's order parameters: ``m`` itself for stored archetypes,
        the overlaps with the normalised example means for learned couplings.
    f : ndarray of shape (S,)
        Free energy per spin (the energy at T = 0), ascending.
    stable : ndarray of shape (S,), bool
        Every Hessian eigenvalue positive (at T = 0: no tied field); always true of the
        global minimum, which at T = T_c is the paramagnet, a quartic minimum with a
        singular Hessian.
    ground : int
        Index of the global minimum of f (always 0: the list is sorted by f).
    """

    m: np.ndarray
    n: np.ndarray
    f: np.ndarray
    stable: np.ndarray
    ground: int


class ParallelRegime(NamedTuple):
    """Temperatures between which the parallel state is the global minimum (NaN: never)."""

    T_low: float
    T_high: float


class PhaseLines(NamedTuple):
    """Transition lines of the multitasking network over a grid of dilutions.

    Attributes
    ----------
    d : ndarray of shape (D,)
        Dilutions.
    T_c : ndarray of shape (D,)
        Paramagnetic transition, 1 - d.
    T_onset : ndarray of shape (D, P)
        Temperature at which level k switches on (column k - 1; column 0 is T_c).
    T_parallel_low, T_parallel_high : ndarray of shape (D,)
        The temperatures between which the parallel state is the global minimum (NaN
        where it never is).
    """

    d: np.ndarray
    T_c: np.ndarray
    T_onset: np.ndarray
    T_parallel_low: np.ndarray
    T_parallel_high: np.ndarray


# ---------------------------------------------------------------------------------
# The law of one site's pattern entries, and the averages over it


class _SiteLaw(NamedTuple):
    """The joint law of the entries a Hebbian network stores at one site.

    ``v`` (C, K) are the stored entries (K = P patterns, or P M examples), ``p`` (C,)
    their probabilities (all positive), ``g`` (C, P) = E[xi | v], which turns an average
    of tanh into an archetype overlap. ``block`` entries in a row belong to one
    archetype: permuting the archetypes, flipping the sign of one and permuting the
    entries within its block are the symmetries of the law.
    """

    v: np.ndarray
    p: np.ndarray
    g: np.ndarray
    block: int = 1


_MAX_SITE_CLASSES = 10**7  # the exact site averages enumerate every class


def _product_law(values, probs, readout, P):
    """P i.i.d. archetypes with one-archetype law (values, probs, readout), zero atoms
    dropped; ``values`` (K,) for one entry per archetype, (K, B) for a block of B."""
    keep = probs > 0.0
    values, probs, readout = values[keep], probs[keep], readout[keep]
    K = len(values)
    if K**P > _MAX_SITE_CLASSES:
        raise ValueError(
            f"P must leave at most {_MAX_SITE_CLASSES:.0e} site classes ({K}^P for the "
            f"{K} values of one archetype's entries); got P = {P}"
        )
    index = np.array(list(itertools.product(range(K), repeat=P))).reshape(-1, P)
    v = values[index].reshape(len(index), -1)
    return _SiteLaw(v, np.prod(probs[index], axis=1), readout[index], v.shape[1] // P)


@functools.lru_cache(maxsize=128)
def _archetype_law(d, P):
    """Archetypes: entries -1, 0, +1 with probabilities (1-d)/2, d, (1-d)/2."""
    values = np.array([-1.0, 0.0, 1.0])
    probs = np.array([0.5 * (1.0 - d), d, 0.5 * (1.0 - d)])
    law = _product_law(values, probs, values, P)
    return law._replace(g=law.v)  # the stored entries are the archetypes


@functools.lru_cache(maxsize=128)
def _example_law(d, P, M, r):
    """Normalised example means: entries xi chi_bar / sqrt(R), chi_bar = (1/M) sum_a chi^a.

    chi_bar = (2j - M)/M with j ~ Binomial(M, (1 + r)/2). Equal entries are merged, and
    the readout is E[xi | entry] = sign(entry) (P(chi_bar = c) - P(chi_bar = -c)) /
    (P(chi_bar = c) + P(chi_bar = -c)) at |entry| = c / sqrt(R).
    """
    q = 0.5 * (1.0 + r)
    j = np.arange(M // 2 + 1, M + 1)  # the majority agrees with xi: chi_bar = c > 0
    c = (2 * j - M) / M
    right, wrong = stats.binom.pmf(j, M, q), stats.binom.pmf(M - j, M, q)
    tie = stats.binom.pmf(M // 2, M, q) if M % 2 == 0 else 0.0
    vote = np.divide(right - wrong, right + wrong, out=np.zeros_like(c), where=right + wrong > 0)
    scale = 1.0 / math.sqrt(example_normalisation(M, r))
    a = 1.0 - d
    values = np.concatenate([-c[::-1], [0.0], c]) * scale
    half = 0.5 * a * (right + wrong)
    probs = np.concatenate([half[::-1], [d + a * tie], half])
    readout = np.concatenate([-vote[::-1], [0.0], vote])
    return _product_law(values, probs, readout, P)


@functools.lru_cache(maxsize=32)
def _unsupervised_law(d, P, M, r):
    """Every example on its own: the block of an archetype's M entries xi chi^a / sqrt(R M).

    A block is blank (probability d) or xi (chi^1, ..., chi^M) with xi = +-1. The signs
    c in {+-1}^M arise from xi = +1, chi = c and from xi = -1, chi = -c, with
    probabilities (a/2) q^j (1 - q)^(M-j) and (a/2) q^(M-j) (1 - q)^j, q = (1 + r)/2, j the
    +1 entries of c; the readout E[xi | c] is their difference over their sum.
    """
    q, a = 0.5 * (1.0 + r), 1.0 - d
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=M)))
    j = np.count_nonzero(signs > 0.0, axis=1)
    up, down = q**j * (1.0 - q) ** (M - j), q ** (M - j) * (1.0 - q) ** j
    scale = 1.0 / math.sqrt(example_normalisation(M, r) * M)
    values = np.vstack([np.zeros((1, M)), signs * scale])
    probs = np.concatenate([[d], 0.5 * a * (up + down)])
    vote = np.divide(up - down, up + down, out=np.zeros_like(up), where=up + down > 0.0)
    return _product_law(values, probs, np.concatenate([[0.0], vote]), P)


def _fields(law, n):
    """h = n . v for every configuration: shape (..., C)."""
    return n @ law.v.T


def _sign(h):
    """sign with sign(0) = 0, a tie being |h| <= _TIE."""
    return np.where(np.abs(h) <= _TIE, 0.0, np.sign(h))


def _response(h, beta):
    """tanh(beta h), and its T = 0 limit sign(h)."""
    return _sign(h) if math.isinf(beta) else np.tanh(beta * h)


def _rhs(law, n, beta):
    """<v tanh(beta n . v)>: the right-hand side of the self-consistency."""
    return (_response(_fields(law, n), beta) * law.p) @ law.v


def _readout(law, n, beta):
    """<g tanh(beta n . v)> = <xi tanh(beta n . v)>: the archetype overlaps."""
    return (_response(_fields(law, n), beta) * law.p) @ law.g


def _free_energy(law, n, beta):
    """f(n) = |n|^2 / 2 - (1/beta) <ln 2 cosh(beta n . v)>; at T = 0, |n|^2/2 - <|n . v|>."""
    x = np.abs(_fields(law, n))
    if math.isinf(beta):
        return 0.5 * np.sum(n * n, axis=-1) - x @ law.p
    log_2cosh = x + np.log1p(np.exp(-2.0 * beta * x)) / beta
    return 0.5 * np.sum(n * n, axis=-1) - log_2cosh @ law.p


def _sech2(x):
    """sech^2 x, without overflow."""
    e = np.exp(-2.0 * np.abs(x))
    return 4.0 * e / (1.0 + e) ** 2


def _hessian(law, n, beta):
    """delta - beta <v v^T sech^2(beta n . v)>: shape (..., P, P), finite beta."""
    w = beta * _sech2(beta * _fields(law, n)) * law.p
    return np.eye(law.v.shape[1]) - np.einsum("...c,ck,cl->...kl", w, law.v, law.v)


def _stable(law, n, beta):
    """All Hessian eigenvalues positive; at T = 0, no tie among the configurations v != 0."""
    if math.isinf(beta):
        tied = (np.abs(_fields(law, n)) <= _TIE) & np.any(law.v != 0.0, axis=1)
        return ~np.any(tied, axis=-1)
    return np.linalg.eigvalsh(_hessian(law, n, beta))[..., 0] > 1e-12


# ---------------------------------------------------------------------------------
# Finding all solutions


def _canonical(n, block=1):
    """The representative of the symmetry class of n.

    One entry per archetype (``block`` = 1): |n| sorted in decreasing order. Blocks of
    examples: each block's sign made to give it a non-negative sum, its entries sorted in
    decreasing order, the blocks in decreasing lexicographic order.
    """
    if block == 1:
        return -np.sort(-np.abs(n), axis=-1)
    blocks = n.reshape(*n.shape[:-1], -1, block)
    blocks = blocks * np.where(blocks.sum(axis=-1, keepdims=True) < 0.0, -1.0, 1.0)
    blocks = -np.sort(-blocks, axis=-1).reshape(-1, *blocks.shape[-2:])
    for row in blocks:
        row[:] = row[np.lexsort(-row.T[::-1])]
    return blocks.reshape(n.shape)


def _distinct(n):
    """The rows of n, dropping each that lies within _SAME of an earlier one."""
    n = np.unique(n, axis=0)
    near = np.max(np.abs(n[:, None, :] - n[None, :, :]), axis=-1) <= _SAME
    return n[~np.any(np.tril(near, k=-1), axis=1)]


def _starts(law, rng, extra=()):
    """Starting points, in units of the largest overlap <|v|>.

    m = 0, the uniform mixtures of the first j patterns, the `extra` ones and
    _RANDOM_STARTS random canonical points drawn from `rng`.
    """
    P = law.v.shape[1]
    scale = np.abs(law.v[:, 0]) @ law.p
    uniform = np.tril(np.ones((P, P)))
    # examples of one archetype may also be anti-aligned: random signs within blocks
    low = 0.0 if law.block == 1 else -0.5
    random = np.random.default_rng(rng).uniform(low, 1.0, (_RANDOM_STARTS * law.block, P))
    return scale * np.vstack([np.zeros((1, P)), uniform, *extra, _canonical(random, law.block)])


def _descend(law, n, beta):
    """Iterate n <- <v tanh(beta n . v)> until it stops moving.

    This is the concave-convex procedure for f = |n|^2/2 - (convex): every step lowers f,
    so it ends in a local minimum (a stable solution) or, at T = 0, a fixed point.
    """
    for _ in range(_DESCENT_STEPS):
        new = _rhs(law, n, beta)
        if np.max(np.abs(new - n)) < 0.1 * _CONVERGED:
            return new
        n = new
    return n


def _newton(law, n, beta):
    """Newton's method on grad f = n - <v tanh(beta n . v)> = 0; the rows that converge.

    A row has converged when its gradient is below _CONVERGED and its Newton step below
    _STEP. The step decides near a degenerate minimum: at T_c the paramagnet is a
    quartic minimum, where |grad| ~ |n|^3 is below _CONVERGED already at |n| ~ 1e-4,
    and Newton's steps (each a third of the way there) go on to n = 0.
    """
    step_cap = np.abs(law.v[:, 0]) @ law.p
    for _ in range(_NEWTON_STEPS):
        grad = n - _rhs(law, n, beta)
        step = np.einsum("...kl,...l->...k", np.linalg.pinv(_hessian(law, n, beta)), grad)
        size = np.max(np.abs(step), axis=-1, keepdims=True)
        converged = (np.max(np.abs(grad), axis=-1) < _CONVERGED) & (size[..., 0] < _STEP)
        if np.all(converged):
            break
        n = n - step * np.minimum(1.0, step_cap / np.maximum(size, 1e-300))
    return n[converged]


# Lattice spacing 1/L at which the probes meet every face (cell of every dimension) of the
# arrangement of planes m . xi = 0 in the canonical chamber: 4, 12 and 100 faces for
# P = 2, 3, 4 (found by counting the distinct sign vectors sign(m . xi) as L grows).
_LATTICE = {1: 1, 2: 2, 3: 4, 4: 10}


@functools.cache
def _probes_T0(P):
    """Canonical points t / L, t in {0, ..., L}^P sorted in decreasing order.

    The T = 0 map is constant on each face of the arrangement of planes m . xi = 0, so
    probes that meet every face see every value it takes, and with it every fixed point.
    For P <= 4, L is the spacing that does (_LATTICE); for larger P the finest lattice
    of at most _PROBES points, which misses some faces.
    """
    L = _LATTICE.get(P)
    if L is None:
        L = 1
        while math.comb(L + 1 + P, P) <= _PROBES:
            L += 1
    t = np.array(list(itertools.combinations_with_replacement(range(L, -1, -1), P)), float)
    return t / L


def _stationary(law, beta, rng, extra=(), saddles=True):
    """All solutions found from the starts, canonical and distinct (see `solutions`).

    ``saddles=False`` keeps only the minima reached by descent (at T > 0).
    """
    starts = _starts(law, rng, extra)
    if math.isinf(beta):
        probes = np.vstack([starts, _probes_T0(law.v.shape[1])])
        images = np.unique(_canonical(_rhs(law, probes, beta), law.block), axis=0)
        candidates = np.vstack([images, _descend(law, images, beta)])
        fixed = np.max(np.abs(_rhs(law, candidates, beta) - candidates), axis=-1) < _CONVERGED
        return _distinct(_canonical(candidates[fixed], law.block))
    minima = _descend(law, starts, beta)
    found = _newton(law, np.vstack([minima, starts]) if saddles else minima, beta)
    return _distinct(_canonical(found, law.block))


def _solutions(law, beta, rng, extra=(), saddles=True):
    """The Solutions of a site law at inverse temperature beta, sorted by free energy."""
    n = _stationary(law, beta, rng, extra, saddles)
    f = _free_energy(law, n, beta)
    order = np.argsort(f, kind="stable")
    n, f = n[order], f[order]
    m = n if law.g is law.v else _readout(law, n, beta)
    if law.block > 1:  # examples: the archetype overlaps in canonical form
        m = _canonical(m)
    stable = _stable(law, n, beta)
    stable[0] = True  # the global minimum, even where its Hessian is singular (T = T_c)
    return Solutions(m, n, f, stable, 0)


# ---------------------------------------------------------------------------------
# Argument checks


def _check_d(d):
    return check_param("d", d, low=0.0, high=1.0, closed=(True, False))


def _check_T(T):
    return check_param("T", T, low=0.0)


def _check_P(P):
    return check_param("P", P, low=1, high=_P_MAX, integer=True)


def _beta(T):
    return math.inf if T == 0.0 else 1.0 / T


def _check_m(m):
    m = check_real_array("m", m)
    if m.ndim == 0 or not 1 <= m.shape[-1] <= _P_MAX or not np.all(np.isfinite(m)):
        raise ValueError(
            f"m must be a finite array of shape (..., P) with 1 <= P <= {_P_MAX}; "
            f"got shape {m.shape}"
        )
    return m


# ---------------------------------------------------------------------------------
# The low-load equations


def self_consistency(m, d, T):
    r"""Right-hand side of the low-load self-consistency, averaged exactly over 3^P sites.

    .. math::

        \Phi_\mu(m) = \langle \xi^\mu \tanh(\beta\, m\cdot\xi) \rangle_\xi,

    and at ``T = 0`` :math:`\langle \xi^\mu \operatorname{sign}(m\cdot\xi)\rangle_\xi`
    with sign(0) = 0 [1]_. A solution is a fixed point, ``m = Phi(m)``.

    Parameters
    ----------
    m : array_like of shape (..., P)
        Mattis overlaps, 1 <= P <= 8.
    d : float
        Dilution, 0 <= d < 1.
    T : float
        Temperature, T >= 0.

    Returns
    -------
    ndarray of shape (..., P)

    References
    ----------
    .. [1] Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 109, 268101 (2012).
    """
    m, d, T = _check_m(m), _check_d(d), _check_T(T)
    return _rhs(_archetype_law(d, m.shape[-1]), m, _beta(T))


def free_energy(m, d, T):
    r"""Low-load free energy per spin, or at T = 0 the energy per spin.

    .. math::

        f(m) = \tfrac12 \textstyle\sum_\mu m_\mu^2
               - \tfrac1\beta\langle \ln 2\cosh(\beta\, m\cdot\xi)\rangle_\xi,
        \qquad
        E(m) = \tfrac12 \textstyle\sum_\mu m_\mu^2 - \langle |m\cdot\xi|\rangle_\xi,

    whose stationary points are the solutions of :func:`self_consistency` [1]_ [2]_.

    Parameters
    ----------
    m : array_like of shape (..., P)
        Mattis overlaps, 1 <= P <= 8.
    d : float
        Dilution, 0 <= d < 1.
    T : float
        Temperature, T >= 0.

    Returns
    -------
    float or ndarray of shape (...)
        ``-(1/2) sum m^2`` at any T = 0 fixed point.

    References
    ----------
    .. [1] Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 109, 268101 (2012).
    .. [2] Agliari, Barra, Galluzzi, Isopi, arXiv:1304.4488 (2013).
    """
    m, d, T = _check_m(m), _check_d(d), _check_T(T)
    f = _free_energy(_archetype_law(d, m.shape[-1]), m, _beta(T))
    return f if np.ndim(f) else float(f)


def hessian(m, d, T):
    r"""Hessian of the free energy, :math:`\delta_{\mu\nu} - \beta\langle \xi^\mu\xi^\nu
    \operatorname{sech}^2(\beta\, m\cdot\xi)\rangle_\xi`.

    Parameters
    ----------
    m : array_like of shape (..., P)
        Mattis overlaps, 1 <= P <= 8.
    d : float
        Dilution, 0 <= d < 1.
    T : float
        Temperature, T > 0 (at T = 0 the energy is piecewise quadratic with unit
        Hessian, and :func:`is_stable` tests for ties instead).

    Returns
    -------
    ndarray of shape (..., P, P)
    """
    m, d = _check_m(m), _check_d(d)
    T = check_param("T", T, low=0.0, closed=(False, True))
    return check_finite("T", T, _hessian(_archetype_law(d, m.shape[-1]), m, 1.0 / T))


def is_stable(m, d, T):
    """Whether a solution is a local minimum of the free energy.

    At T > 0: every eigenvalue of :func:`hessian` positive. At T = 0: no configuration
    xi != 0 has zero field ``m . xi`` (a tie puts the fixed point on a ridge of the
    energy; without one the energy is locally a quadratic with unit Hessian).

    Parameters
    ----------
    m : array_like of shape (..., P)
        A solution (this function does not check that it solves the equations).
    d : float
        Dilution, 0 <= d < 1.
    T : float
        Temperature, T >= 0.

    Returns
    -------
    bool or ndarray of shape (...), bool
    """
    m, d, T = _check_m(m), _check_d(d), _check_T(T)
    stable = _stable(_archetype_law(d, m.shape[-1]), m, _beta(T))
    return stable if np.ndim(stable) else bool(stable)


def solutions(d, T, P, *, rng=0):
    """All solutions of the low-load self-consistency, classified, ground state first.

    At T > 0 the solver starts from m = 0, from the uniform mixtures of the first j
    patterns (j = 1..P), from the hierarchical state and from 24 random canonical points
    drawn from ``rng``; it descends from each by iterating m <- Phi(m) (the
    concave-convex procedure for f = |m|^2/2 - a convex function: every step lowers f)
    and runs Newton's method both from the starts (finding saddles too) and from the
    minima reached. At T = 0 the map Phi is constant on the
    faces (cells of every dimension) cut out by the planes m . xi = 0; it is evaluated
    on the starts and on lattice points that meet every face (checked for P <= 4, so
    that the list is then complete), and every image that Phi maps to itself is a fixed
    point. Solutions are deduplicated up to permutations and sign flips and given in
    the form m_1 >= ... >= m_P >= 0.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.
    T : float
        Temperature, T >= 0.
    P : int
        Number of patterns, 1 <= P <= 8.
    rng : int, numpy.random.Generator or None, default=0
        Seeds the random starts (the only draws).

    Returns
    -------
    Solutions
        ``m`` (S, P), ``f`` (S,) ascending, ``stable`` (S,), ``ground`` = 0; ``n`` = ``m``.

    References
    ----------
    .. [1] Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 109, 268101 (2012).
    .. [2] Agliari, Barra, Galluzzi, Isopi, arXiv:1304.4488 (2013).
    """
    d, T, P = _check_d(d), _check_T(T), _check_P(P)
    check_rng(rng)
    return _archetype_solutions(d, T, P, rng)


def _archetype_solutions(d, T, P, rng, saddles=True):
    """`solutions` on checked arguments, the hierarchical state among the starts."""
    hierarchy = d ** np.arange(P)[None, :]
    return _solutions(_archetype_law(d, P), _beta(T), rng, extra=(hierarchy,), saddles=saddles)


def global_minimum(d, T, P):
    """Overlaps of the global minimum of the free energy, over a grid of (d, T).

    At T > 0 only the minima reached by descent from the starts of :func:`solutions`
    (with its default seed) are compared, which is faster than finding every saddle; at
    T = 0 every fixed point is.

    Parameters
    ----------
    d : array_like
        Dilutions, 0 <= d < 1.
    T : array_like
        Temperatures, T >= 0, broadcast against ``d``.
    P : int
        Number of patterns, 1 <= P <= 8.

    Returns
    -------
    ndarray of shape broadcast(d, T).shape + (P,)
        Canonical overlaps m_1 >= ... >= m_P >= 0.
    """
    P = _check_P(P)
    d, T = np.broadcast_arrays(check_real_array("d", d), check_real_array("T", T))
    out = np.empty((*d.shape, P))
    for index in np.ndindex(d.shape):
        d_i, T_i = _check_d(d[index].item()), _check_T(T[index].item())
        out[index] = _archetype_solutions(d_i, T_i, P, 0, saddles=False).m[0]
    return out


def regime(m, *, atol=1e-6):
    """Name the retrieval regime of canonical overlaps m_1 >= ... >= m_P >= 0.

    ``"paramagnetic"`` (all zero), ``"pure"`` (one nonzero), ``"parallel"`` (all P
    equal and nonzero), ``"hierarchical"`` (at least two nonzero, each above the sum
    of all below it: m_k > m_{k+1} + ... + m_P, the signal-to-noise condition of the
    hierarchical state), else ``"mixture"``.

    Parameters
    ----------
    m : array_like of shape (..., P)
        Canonical overlaps, e.g. from :func:`global_minimum`.
    atol : float, default=1e-6
        Overlaps below atol are zero; overlaps within atol are equal.

    Returns
    -------
    str or ndarray of shape (...), str
    """
    m = _check_m(m)
    atol = check_param("atol", atol, low=0.0, closed=(False, True))
    on = m > atol
    count = on.sum(axis=-1)
    equal = np.all(np.abs(m - m[..., :1]) <= atol, axis=-1)
    below = np.cumsum(m[..., ::-1], axis=-1)[..., ::-1] - m  # sum_{l > k} m_l
    dominant = np.all(~on[..., :-1] | (m[..., :-1] > below[..., :-1] + atol), axis=-1)
    labels = np.select(
        [count == 0, count == 1, equal & (m.shape[-1] > 1), dominant],
        ["paramagnetic", "pure", "parallel", "hierarchical"],
        "mixture",
    )
    return labels if labels.ndim else str(labels)


# ---------------------------------------------------------------------------------
# Zero temperature


def hierarchical_state(d, P):
    """The hierarchical T = 0 state, m_k = (1 - d) d^(k - 1) [1]_.

    A (stable) fixed point of the T = 0 self-consistency iff d < d_P
    (:func:`hierarchical_threshold`); its energy is -(1/2) sum m_k^2.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.
    P : int
        Number of patterns, P >= 1.

    Returns
    -------
    ndarray of shape (P,)

    References
    ----------
    .. [1] Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 109, 268101 (2012), and
       Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023) 113401.
    """
    d, P = _check_d(d), check_param("P", P, low=1, integer=True)
    check_size("P", P, P)
    return (1.0 - d) * d ** np.arange(P)


def hierarchical_threshold(P):
    r"""Largest dilution d_P at which the hierarchical state is a T = 0 fixed point.

    Signal to noise (module docstring): the state is a fixed point iff
    :math:`m_k > \sum_{l>k} m_l` for every level, which for
    :math:`m_k = (1-d)d^{k-1}` is :math:`\sum_{j=1}^{P-1} d^j < 1`. So
    ``d_1 = d_2 = 1`` (every d < 1), ``d_3 = (sqrt(5) - 1)/2``, ``d_4 = 0.54369``
    (the inverse of the tribonacci constant), decreasing to 1/2.

    Parameters
    ----------
    P : int
        Number of patterns, P >= 1.

    Returns
    -------
    float
    """
    P = check_param("P", P, low=1, integer=True)
    check_size("P", P, P)
    if P <= 2:
        return 1.0
    return optimize.brentq(lambda d: np.sum(d ** np.arange(1, P)) - 1.0, 0.5, 1.0, xtol=1e-15)


def majority_state(d):
    r"""The P = 3 majority state at T = 0, the ground state for d > (1 + 2 sqrt 2)/7.

    Where :math:`m_1 < m_2 + m_3` a site with three non-blank entries follows their
    majority and one with two follows the higher-ranked pattern, so with ``a = 1 - d``

    .. math::

        m = a\,\bigl(1 - \tfrac{a^2}{2},\; d + \tfrac{a^2}{2},\; d^2 + \tfrac{a^2}{2}\bigr),

    a stable fixed point for every d (module docstring); its energy
    ``-(1/2) sum m^2`` is below the hierarchical state's iff 7 d^2 - 2 d - 1 > 0.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.

    Returns
    -------
    ndarray of shape (3,)
    """
    d = _check_d(d)
    a = 1.0 - d
    return a * np.array([1.0 - a * a / 2.0, d + a * a / 2.0, d * d + a * a / 2.0])


# ---------------------------------------------------------------------------------
# Finite temperature


def critical_temperature(d):
    """Paramagnetic transition T_c = 1 - d, where beta (1 - d) = 1 linearises Phi [1]_.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.

    Returns
    -------
    float

    References
    ----------
    .. [1] Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 109, 268101 (2012).
    """
    return 1.0 - _check_d(d)


@functools.lru_cache(maxsize=128)
def _sum_law(d, P):
    """The law of S = xi^1 + ... + xi^P, by the numbers of +1 and -1 entries.

    Rows (E[xi^1 | counts], E[(xi^1)^2 | counts], S, probability of the counts).
    """
    a = 1.0 - d
    rows = []
    for plus, minus in itertools.product(range(P + 1), repeat=2):
        if plus + minus <= P:
            weight = math.factorial(P) / (
                math.factorial(plus) * math.factorial(minus) * math.factorial(P - plus - minus)
            )
            p = weight * (a / 2) ** (plus + minus) * d ** (P - plus - minus)
            rows.append(((plus - minus) / P, (plus + minus) / P, plus - minus, p))
    return np.array(rows)


def _parallel_amplitude(d, P, beta):
    """Root m > 0 of m = <xi^1 tanh(beta m S)>, S = sum_nu xi^nu (0 if none)."""
    xi1, _, S, p = _sum_law(d, P).T
    if math.isinf(beta):
        return float(np.sum(p * xi1 * np.sign(S)))
    if beta * (1.0 - d) <= 1.0:
        return 0.0
    gap = lambda m: np.sum(p * xi1 * np.tanh(beta * m * S)) - m  # noqa: E731
    return optimize.brentq(gap, 1e-300, 1.0 - d, xtol=1e-15, rtol=1e-14)


def parallel_state(d, T, P):
    r"""Amplitude of the parallel state m_1 = ... = m_P = m.

    The nonzero root of :math:`m = \langle \xi^1\tanh(\beta m\sum_\nu\xi^\nu)\rangle`
    (0 at and above T_c = 1 - d). At T = 0 it is
    :math:`(1-d)\langle\operatorname{sign}(1 + \xi^2 + \dots + \xi^P)\rangle`, e.g.
    ``(1 - d)(1 + d)/2`` for P = 2 and ``(1 - d)(1 + d^2)/2`` for P = 3; for d > 0 it
    then has ties and is unstable.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.
    T : float
        Temperature, T >= 0.
    P : int
        Number of patterns, 1 <= P <= 8.

    Returns
    -------
    float
    """
    d, T, P = _check_d(d), _check_T(T), _check_P(P)
    return _parallel_amplitude(d, P, _beta(T))


def _parallel_transverse(d, P, T):
    """Transverse Hessian eigenvalue of the parallel state, 1 - beta <(xi1^2 - xi1 xi2) sech^2>."""
    beta = 1.0 / T
    m = _parallel_amplitude(d, P, beta)
    _, xi1_sq, S, p = _sum_law(d, P).T
    # E[xi^1 xi^2 | plus, minus] = ((plus - minus)^2 - (plus + minus)) / (P (P - 1))
    xi1_xi2 = (S * S - P * xi1_sq) / (P * (P - 1))
    return 1.0 - beta * np.sum(p * (xi1_sq - xi1_xi2) * _sech2(beta * m * S))


def _sign_changes(g, Ts):
    """g on the grid Ts, and its roots between grid points where it changes sign.

    Each root (refined by brentq) comes with whether g is positive after it, along Ts.
    """
    values = np.array([g(T) for T in Ts])
    roots = []
    for i in np.flatnonzero((values[:-1] > 0.0) != (values[1:] > 0.0)):
        roots.append((optimize.brentq(g, Ts[i + 1], Ts[i], xtol=1e-13), values[i + 1] > 0.0))
    return values, roots


def _is_parallel_ground(d, P, T):
    """Whether the global minimum at (d, T) is the parallel state."""
    return regime(_archetype_solutions(d, T, P, 0, saddles=False).m[0]) == "parallel"


def parallel_regime(d, P):
    """Where the parallel state m_1 = ... = m_P is the global minimum of the free energy.

    The parallel state (:func:`parallel_state`) is a local minimum where its transverse
    Hessian eigenvalue, 1 - beta <((xi^1)^2 - xi^1 xi^2) sech^2(beta m sum xi)>, is
    positive: on a window of T whose ends are found on a grid and refined by brentq. For
    d > 2/3 the window opens at T_c = 1 - d (the quartic term of f, module docstring);
    for d a little below 2/3 it opens lower. Near either end another state can be lower
    in f (a first-order transition), so each end is then moved inwards, by bisection on
    the global minimum (:func:`global_minimum`), to where the parallel state wins.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.
    P : int
        Number of patterns, 2 <= P <= 8.

    Returns
    -------
    ParallelRegime
        ``T_low < T_high <= 1 - d``, both NaN where the parallel state is never the
        global minimum.
    """
    d, P = _check_d(d), check_param("P", P, low=2, high=_P_MAX, integer=True)
    T_c = 1.0 - d
    Ts = T_c * np.geomspace(1.0 - 1e-6, 1e-6, 200)
    values, roots = _sign_changes(lambda T: _parallel_transverse(d, P, T), Ts)
    at_T_c = values[0] > 0.0  # the quartic term makes the parallel state the minimum there
    if at_T_c:
        roots.insert(0, (T_c, True))
    if not roots or not roots[0][1]:
        return ParallelRegime(math.nan, math.nan)
    high = roots[0][0]
    low = roots[1][0] if len(roots) > 1 else 0.0
    inside = np.linspace(high, low, 9)[1:-1]
    wins = [T for T in inside if _is_parallel_ground(d, P, T)]
    if not wins:
        return ParallelRegime(math.nan, math.nan)

    def margin(T):
        return 1.0 if _is_parallel_ground(d, P, T) else -1.0

    if not at_T_c and not _is_parallel_ground(d, P, high * (1.0 - 1e-6)):
        high = optimize.bisect(margin, wins[0], high * (1.0 - 1e-6), xtol=1e-10)
    if low > 0.0 and not _is_parallel_ground(d, P, low * (1.0 + 1e-6)):
        low = optimize.bisect(margin, low * (1.0 + 1e-6), wins[-1], xtol=1e-10)
    return ParallelRegime(low, high)


def _empty_eigenvalue(law, n, beta):
    """Hessian along an empty pattern at state n: 1 - beta (1 - d) <sech^2(beta n . xi)>."""
    a = np.abs(law.v[:, 0]) @ law.p
    return 1.0 - beta * a * (_sech2(beta * _fields(law, n)) @ law.p)


def _best_with(d, k, T):
    """Hessian along a (k+1)-th pattern at the best state that uses k patterns."""
    best = _archetype_solutions(d, T, k, 0, saddles=False).n[0]
    return _empty_eigenvalue(_archetype_law(d, k), best, 1.0 / T)


def onset_temperatures(d, P):
    """Temperatures at which the levels of the hierarchy switch on.

    Level 1 switches on at T_c = 1 - d. Level k + 1 switches on where the best state
    with k condensed patterns (the global minimum of f restricted to them) becomes
    unstable along an empty pattern, where 1 - beta (1 - d) <sech^2(beta m . xi)>
    first vanishes below T_k (a grid of T, then brentq). Below that temperature the
    global minimum has at least k + 1 condensed patterns; above it the best k-pattern
    state is a local minimum, and the global one unless a first-order transition to more
    patterns comes first (near d = 2/3: at d = 0.65, P = 4, the parallel state takes
    over at T = 0.2812, above T_4 = 0.2734; see :func:`parallel_regime`). For small d,
    T_k -> (1 - d) d^(k-1): a level switches on at a temperature equal to its T = 0
    overlap, because only the sites where all higher levels are blank (a fraction
    d^(k-1)) feel no field from them.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.
    P : int
        Number of patterns, 1 <= P <= 8.

    Returns
    -------
    ndarray of shape (P,)
        T_1 = T_c >= T_2 >= ... ; T_(k+1) = T_k where level k + 1 switches on together
        with level k (every level when d > 2/3: the parallel state), NaN where it never
        does (d = 0: the Hopfield pure state is the global minimum down to T = 0).
    """
    d, P = _check_d(d), _check_P(P)
    if 0.0 < d and d ** (P - 1) < np.finfo(np.float64).tiny:
        raise ValueError(
            f"d must be 0 or large enough that the weight d^(P-1) of the last level is a "
            f"normal float64 (d >= {np.finfo(np.float64).tiny ** (1 / (P - 1)):.3g} for "
            f"P = {P}); got {d}"
        )
    onset = np.full(P, math.nan)
    onset[0] = 1.0 - d
    for k in range(1, P if d > 0.0 else 1):
        top = onset[k - 1] * (1.0 - 1e-4)
        Ts = top * np.geomspace(1.0, 1e-2 * d, 24)  # for small d, T_(k+1) / T_k -> d
        values, roots = _sign_changes(lambda T, k=k: _best_with(d, k, T), Ts)
        if values[0] <= 0.0:
            onset[k] = onset[k - 1]
        elif roots:
            onset[k] = roots[0][0]
        else:
            break
    return onset


def phase_lines(d, P):
    """The transition lines of the multitasking network over a grid of dilutions.

    Parameters
    ----------
    d : array_like of shape (D,)
        Dilutions, 0 <= d < 1.
    P : int
        Number of patterns, 2 <= P <= 8.

    Returns
    -------
    PhaseLines
        ``T_c`` (:func:`critical_temperature`), ``T_onset`` (:func:`onset_temperatures`,
        one row per d), ``T_parallel_low`` and ``T_parallel_high``
        (:func:`parallel_regime`).
    """
    P = check_param("P", P, low=2, high=_P_MAX, integer=True)
    d = np.atleast_1d(check_real_array("d", d))
    parallel = np.array([parallel_regime(x, P) for x in d]).reshape(d.size, 2)
    return PhaseLines(
        d,
        np.array([critical_temperature(x) for x in d]),
        np.array([onset_temperatures(x, P) for x in d]).reshape(d.size, P),
        parallel[:, 0],
        parallel[:, 1],
    )


# ---------------------------------------------------------------------------------
# Learning from examples


def _check_M(M):
    M = check_param("M", M, low=1, integer=True)
    check_size("M", M, M)  # the law of the M examples' sum
    return M


def _check_r(r):
    return check_param("r", r, low=0.0, high=1.0)


def _check_learning(d, T, P, M, r):
    """The arguments shared by the solvers of the networks that learn from examples."""
    return _check_d(d), _check_T(T), _check_P(P), _check_M(M), _check_r(r)


def dataset_entropy(M, r):
    """Dataset entropy (1 - r^2) / (M r^2) [1]_ (infinite at r = 0).

    Parameters
    ----------
    M : int
        Examples per archetype, M >= 1.
    r : float
        Quality of the examples, 0 <= r <= 1.

    Returns
    -------
    float

    References
    ----------
    .. [1] Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023) 113401.
    """
    M, r = _check_M(M), _check_r(r)
    if r == 0.0:
        return math.inf
    return check_finite("r", r, (1.0 - r * r) / M / r / r)


def example_normalisation(M, r):
    """Coupling normalisation R = r^2 + (1 - r^2)/M = E[chi_bar^2] [1]_.

    Parameters
    ----------
    M : int
        Examples per archetype, M >= 1.
    r : float
        Quality of the examples, 0 <= r <= 1.

    Returns
    -------
    float
        ``r^2 (1 + rho)``.

    References
    ----------
    .. [1] Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023) 113401.
    """
    M, r = _check_M(M), _check_r(r)
    return r * r + (1.0 - r * r) / M


def majority_overlap(d, M, r):
    r"""Archetype overlap at T = 0 for P = 1: the majority vote of M examples, exactly.

    Both protocols' T = 0 state is :math:`s_i = \operatorname{sign}\sum_a \eta_i^a =
    \xi_i \operatorname{sign}\sum_a\chi_i^a` on non-blank sites, a tie (even M) or a
    blank site giving a random spin; so

    .. math::

        m = (1 - d)\,[P(j > M/2) - P(j < M/2)], \qquad j \sim \mathrm{Bin}(M, (1+r)/2),

    ``j`` being the number of examples that agree with the archetype.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.
    M : int
        Examples per archetype, M >= 1.
    r : float
        Quality of the examples, 0 <= r <= 1.

    Returns
    -------
    float

    References
    ----------
    .. [1] Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023) 113401.
    """
    d, M, r = _check_d(d), _check_M(M), _check_r(r)
    q = 0.5 * (1.0 + r)
    right = stats.binom.sf(M // 2, M, q)  # j > M/2
    wrong = stats.binom.cdf((M - 1) // 2, M, q)  # j < M/2
    return (1.0 - d) * float(right - wrong)


def majority_overlap_limit(d, entropy):
    """Large-M limit of :func:`majority_overlap` at a fixed dataset entropy:
    (1 - d) erf(1/sqrt(2 entropy)).

    By the central limit theorem sum_a chi^a / M = r (1 + sqrt(entropy) z), z ~ N(0, 1), and
    P(1 + sqrt(entropy) z > 0) - P(< 0) = erf(1/sqrt(2 entropy)) [1]_.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.
    entropy : float
        Dataset entropy, entropy >= 0 (:func:`dataset_entropy`).

    Returns
    -------
    float

    References
    ----------
    .. [1] Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023) 113401.
    """
    d, entropy = _check_d(d), check_param("entropy", entropy, low=0.0)
    return (1.0 - d) * (1.0 if entropy == 0.0 else math.erf(1.0 / math.sqrt(2.0 * entropy)))


def learned_solutions(d, T, P, M, r, *, rng=0):
    r"""Solutions of the low-load theory of a network that learned from M examples.

    Supervised and unsupervised couplings (module docstring) share the self-consistency

    .. math::

        n_\mu = \langle v^\mu \tanh(\beta\, n\cdot v)\rangle, \qquad
        m_\mu = \langle \xi^\mu \tanh(\beta\, n\cdot v)\rangle, \qquad
        v^\mu = \xi^\mu \bar\chi^\mu / \sqrt R,

    averaged exactly over the binomial law of :math:`\bar\chi = \frac1M\sum_a\chi^a`
    [1]_; the free energy is that of :func:`free_energy` with ``v`` for ``xi``. With
    r = 1 (perfect examples) it is the archetype theory, :func:`solutions`; with P = 1
    and T = 0 the ground state has ``m`` = :func:`majority_overlap`. The solver is that
    of :func:`solutions`; at T = 0 its lattice probes are checked to meet every face only
    for the archetypes' planes, so with examples the list may miss states.

    Parameters
    ----------
    d : float
        Dilution, 0 <= d < 1.
    T : float
        Temperature, T >= 0.
    P : int
        Number of archetypes, 1 <= P <= 8 ((M + 2)^P site configurations are summed).
    M : int
        Examples per archetype, M >= 1.
    r : float
        Quality of the examples, 0 <= r <= 1.
    rng : int, numpy.random.Generator or None, default=0
        Seeds the random starts.

    Returns
    -------
    Solutions
        ``m`` the archetype overlaps, ``n`` the overlaps with the normalised example
        means, sorted by free energy (ground state first).

    References
    ----------
    .. [1] Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023) 113401.
    """
    d, T, P, M, r = _check_learning(d, T, P, M, r)
    check_rng(rng)
    return _solutions(_example_law(d, P, M, r), _beta(T), rng)


def unsupervised_solutions(d, T, P, M, r, *, rng=0):
    r"""Solutions of the low-load theory of the unsupervised network, example by example.

    Hebb on every example, :math:`J = \frac{1}{NRM}\sum_{\mu,a}\eta^{\mu,a}
    \eta^{\mu,a\,T}`, is a Hopfield network storing the P M examples, whose order
    parameters are the overlaps with every example:

    .. math::

        n_{\mu a} = \langle v^{\mu a} \tanh(\beta\, n\cdot v)\rangle, \qquad
        m_\mu = \langle \xi^\mu \tanh(\beta\, n\cdot v)\rangle, \qquad
        v^{\mu a} = \xi^\mu \chi^{\mu a} / \sqrt{RM},

    averaged exactly over the :math:`2^M` signs of an archetype's examples (and its
    blanks). Where all examples of an archetype have the same overlap, n_{mu a} =
    n_mu / sqrt(M), this is :func:`learned_solutions` [1]_; without that ansatz the
    network also has the states that follow single examples or mixtures of a few, which
    zero-temperature dynamics from random starts reaches at small M. For P = 1 the
    single-example state, s = xi chi^1 on the non-blank sites, is a fixed point iff
    (M - 1) r^2 < 1 (its own example's signal 1 against the crosstalk r^2 sum_{b>1}
    chi^b chi^1 of the others), with archetype overlap m = r (1 - d). For P > 1 a state
    that follows one example leaves the archetype's blanks to the other archetypes, as
    the hierarchical state does. The solver is that of :func:`solutions` with the
    symmetries of the examples (permutations within an archetype, the sign of a whole
    archetype); at T = 0 its lattice probes meet every face only for P M <= 4, and for
    larger P M the list holds the states reached from its starts (24 M random ones).

    Parameters
    ----------
    d, T, M, r, rng
        As in :func:`learned_solutions`.
    P : int
        Number of archetypes, 1 <= P <= 8, with (2^M + 1)^P <= 1e7 site configurations.

    Returns
    -------
    Solutions
        ``m`` the archetype overlaps m_1 >= ... >= m_P >= 0, ``n`` the P M example
        overlaps (blocks of M, each archetype's sign making its sum non-negative, its
        entries and the blocks in decreasing order), sorted by free energy.

    References
    ----------
    .. [1] Agliari, Alessandrelli, Barra, Ricci-Tersenghi, J. Stat. Mech. (2023) 113401.
    """
    d, T, P, M, r = _check_learning(d, T, P, M, r)
    if (2**M + 1) ** P > _MAX_SITE_CLASSES:
        raise ValueError(
            f"M must leave at most {_MAX_SITE_CLASSES:.0e} site classes ((2^M + 1)^P); "
            f"got M = {M} with P = {P}"
        )
    check_rng(rng)
    return _solutions(_unsupervised_law(d, P, M, r), _beta(T), rng)


# ---------------------------------------------------------------------------------
# Medium load: P ~ N^delta patterns, each spin in a finite number of them


class MediumLoad(NamedTuple):
    """The symmetric parallel state at medium load.

    Attributes
    ----------
    m : float
        Overlap of every pattern with the state, in units of its non-blank fraction
        1 - d (the fraction of its non-blank sites that the state matches, less those it
        opposes).
    eigenvalue : float
        Curvature of the free energy against unequal overlaps,
        1 - beta' <sech^2(beta' m (1 + S))> (beta' = (1 - d)/T): the state is stable where
        it is positive (NaN at T = 0, where ties make it unstable).
    """

    m: float
    eigenvalue: float


@functools.lru_cache(maxsize=64)
def _crosstalk_law(patterns_per_spin, others=None):
    """The law of S, the sum of the other patterns' entries at a pattern's non-blank site:
    k others, each +-1, with k ~ Poisson(patterns_per_spin) (``others`` None: P -> inf)
    or k ~ Binomial(others, patterns_per_spin / (others + 1)) (P = others + 1 patterns,
    1 - d = patterns_per_spin / P). Returns the values of S and their probabilities."""
    lam = patterns_per_spin
    if others is None:
        kmax = int(lam + 12.0 * math.sqrt(lam) + 25.0)  # P(k > kmax) < 1e-17, lam <= 50
        counts = stats.poisson.pmf(np.arange(kmax + 1), lam)
    else:  # the same cut: the binomial's tail is below the Poisson's of the same mean
        kmax = min(others, int(lam + 12.0 * math.sqrt(lam) + 25.0))
        counts = stats.binom.pmf(np.arange(kmax + 1), others, lam / (others + 1))
    values, probs = [], []
    for k, weight in enumerate(counts):
        up = np.arange(k + 1)
        values.append(2 * up - k)
        probs.append(weight * stats.binom.pmf(up, k, 0.5))
    values, probs = np.concatenate(values), np.concatenate(probs)
    merged = np.unique(values)
    return merged.astype(float), np.bincount(np.searchsorted(merged, values), weights=probs)


def _check_reduced_T(reduced_T):
    """0, or a normal float64 (1 / reduced_T must be finite)."""
    reduced_T = check_param("reduced_T", reduced_T, low=0.0)
    if 0.0 < reduced_T < np.finfo(np.float64).tiny:
        raise ValueError(f"reduced_T must be 0 or a normal float64; got {reduced_T}")
    return reduced_T


def _check_patterns_per_spin(patterns_per_spin):
    """0, or in [1e-12, 50]: below 1e-12 the stability edge, lambda / 2 to O(lambda^2),
    sits at temperatures the solvers of the parallel state do not resolve."""
    lam = check_param("patterns_per_spin", patterns_per_spin, low=0.0, high=50.0)
    if 0.0 < lam < 1e-12:
        raise ValueError(f"patterns_per_spin must be 0 or in [1e-12, 50]; got {lam}")
    return lam


def _check_patterns(patterns, lam):
    """None (P -> infinity), or an integer P >= 2 with 1 - d = lam / P <= 1."""
    if patterns is None:
        return None
    patterns = check_param("patterns", patterns, low=2, integer=True)
    if lam > patterns:
        raise ValueError(
            f"patterns must be at least patterns_per_spin (1 - d = patterns_per_spin / "
            f"patterns <= 1); got patterns = {patterns} with patterns_per_spin = {lam}"
        )
    return patterns


def medium_load_parallel(reduced_T, patterns_per_spin, *, patterns=None):
    r"""The symmetric parallel state of the multitasking network at medium load.

    The setting of Agliari et al. [1]_ and Bartolucci & Annibale [2]_: P = alpha N^delta
    patterns (0 < delta < 1), each entry non-blank with probability
    :math:`1 - d = c/N^\delta`, so that a spin is non-blank in a Poisson number of
    patterns of mean :math:`\lambda = \alpha c` (``patterns_per_spin``) while each pattern
    has :math:`cN^{1-\delta} \to \infty` non-blank sites. Its overlap, in units of
    1 - d, is then a mean over infinitely many sites, and the field on a spin involves
    only its own patterns, :math:`h_i = (1 - d)\sum_{\nu \ni i} \xi_i^\nu m_\nu`: there is
    no Gaussian crosstalk, and the temperature's scale is 1 - d (``reduced_T`` =
    T / (1 - d)). With every overlap equal (all P patterns retrieved in parallel),

    .. math::

        m = \langle \tanh(\beta' m (1 + S)) \rangle, \qquad
        S = \textstyle\sum_{j=1}^{k} \sigma_j,\ k \sim \mathrm{Poisson}(\lambda),\
        \sigma_j = \pm 1, \qquad (1)

    :math:`\beta' = 1/` ``reduced_T``, which condenses below ``reduced_T`` = 1 (T_c =
    1 - d). At T = 0, :math:`m = P(S \in \{0, 1\}) = E|S_K|/\lambda` (K ~ Poisson(λ)),
    the largest mean overlap any state can have, since the overlaps' mean over patterns
    is :math:`E[s_i \sum_{\nu\ni i}\xi_i^\nu]/\lambda`. Raising the overlap of one pattern
    alone changes its own by :math:`\beta'\langle\mathrm{sech}^2\rangle` and the others'
    by O(1 - d) each, so the state is stable against unequal overlaps where

    .. math::

        1 - \beta'\langle\operatorname{sech}^2(\beta' m(1 + S))\rangle > 0 \qquad (2)

    near T_c it is :math:`2\epsilon/(1 + 3\lambda)` (ε = 1 − T / T_c), positive; at low T
    the ties 1 + S = 0 make it negative, and unequal overlaps take over.

    Where this comes from. (1) is the low-load self-consistency of the parallel state,
    :func:`parallel_state`, in the limit P -> infinity, d -> 1 at fixed P (1 - d) = λ and
    T / (1 - d): the number of other patterns non-blank at a pattern's site,
    Binomial(P - 1, 1 - d) at low load, becomes Poisson(λ), and (2) is the limit of the
    low-load transverse eigenvalue (the coupling term
    :math:`\beta\langle\xi^1\xi^2\mathrm{sech}^2\rangle` is O(1 - d) and drops out).
    With ``patterns`` = P the binomial law is kept: the state and eigenvalue are then
    exactly those of the low-load theory at d = 1 - λ/P (checked to 1e-12 in
    tests/test_theory_multitask.py, two codes sharing nothing), the theory of a network
    with these P and d as N -> infinity; the Poisson limit differs from it by O(1/P):
    by 0.008-0.011 in m and 0.001-0.06 in the eigenvalue at P = 10 (λ = 0.2, 2), 16
    times less at P = 160. The published medium-load theory was not available to compare
    equations with: only the abstracts and introductions of [1]_ and [2]_ could be read.
    (1) and (2) reproduce what the abstracts state: in the absence of cross-talk
    (λ = 0) every pattern is retrieved alike at every T below T_c (Curie-Weiss, (2)
    positive throughout), and with cross-talk the symmetric state turns unstable as T is
    lowered (:func:`medium_load_stable_below`) [2]_; for delta < 1 all patterns are
    retrieved at once in a large region below T_c [1]_. The extensive load with finite
    connectivity (P = alpha N, each pattern on finitely many spins) of [3]_ [4]_ [5]_ is
    a different regime: there a pattern's overlap is a sum over a finite clique, which
    does not self-average, and (1) does not apply; it is not implemented here.

    Validity. (1) and (2) hold for N -> infinity when two patterns share many sites
    (:math:`c^2 N^{1-2\delta} \to \infty`, delta < 1/2); at finite N the random couplings
    between patterns through their shared sites, of order :math:`N^{-(1-\delta)/2}`,
    compete with a small eigenvalue. Measured against Glauber dynamics
    (experiments/multitask_medium_load, delta = 0.4, N = 12500 and 50000, P = 22-76):
    where the state is stable the mean overlap is within 2.5 standard errors of it at the
    run's ``patterns`` up to T = 0.8 (1 - d) (gaps up to 0.015, one of 0.055), 3.4-4.3
    above it at T = 0.9 and λ = 2 (the transition rounded at finite N); at λ = 2 the
    overlaps of single patterns spread 3-4 times more than finite N explains (the
    unequal state is not computed here).

    Parameters
    ----------
    reduced_T : float
        Temperature in units of 1 - d, >= 0.
    patterns_per_spin : float
        Mean number λ of patterns in which a spin is non-blank, 0 <= λ <= 50.
    patterns : int, optional
        Number of patterns P >= max(2, λ) (1 - d = λ / P): the other patterns at a site
        are Binomial(P - 1, 1 - d), the low-load law; None for P -> infinity (Poisson).

    Returns
    -------
    MediumLoad
        ``m`` (0 at and above ``reduced_T`` = 1) and the ``eigenvalue``.

    References
    ----------
    .. [1] E. Agliari, A. Annibale, A. Barra, A. C. C. Coolen, D. Tantari, "Immune
       networks: multi-tasking capabilities at medium load", J. Phys. A 46, 335101
       (2013), arXiv:1302.7259.
    .. [2] S. Bartolucci, A. Annibale, "Associative networks with diluted patterns:
       dynamical analysis at low and medium load", J. Phys. A 47, 415001 (2014),
       arXiv:1405.2454.
    .. [3] E. Agliari, A. Annibale, A. Barra, A. C. C. Coolen, D. Tantari, "Immune
       networks: multitasking capabilities near saturation", J. Phys. A 46, 415003
       (2013), arXiv:1305.5936.
    .. [4] E. Agliari, A. Annibale, A. Barra, A. C. C. Coolen, D. Tantari, "Retrieving
       infinite numbers of patterns in a spin-glass model of immune networks",
       arXiv:1305.2076.
    .. [5] P. Sollich, D. Tantari, A. Annibale, A. Barra, "Extensive parallel processing
       on scale-free networks", PRL 113, 238106 (2014), arXiv:1404.3654.
    """
    reduced_T = _check_reduced_T(reduced_T)
    lam = _check_patterns_per_spin(patterns_per_spin)
    P = _check_patterns(patterns, lam)
    S, p = _crosstalk_law(lam, None if P is None else P - 1)
    if reduced_T == 0.0:
        return MediumLoad(float(p @ _sign(1.0 + S)), math.nan)
    beta = 1.0 / reduced_T
    if beta <= 1.0:
        return MediumLoad(0.0, 1.0 - beta)
    m = optimize.brentq(
        lambda m: p @ np.tanh(beta * m * (1.0 + S)) - m, 1e-300, 1.0, xtol=1e-15, rtol=1e-14
    )
    own = p @ _sech2(beta * m * (1.0 + S))
    if P is None:
        return MediumLoad(m, float(1.0 - beta * own))
    # the coupling to a second pattern non-blank at the site (probability 1 - d = lam / P):
    # E[sigma sech^2(beta m (1 + sigma + S''))], S'' over the P - 2 others
    S2, p2 = _crosstalk_law(lam * (P - 1) / P, P - 2)
    pair = 0.5 * (p2 @ _sech2(beta * m * (2.0 + S2)) - p2 @ _sech2(beta * m * S2))
    return MediumLoad(m, float(1.0 - beta * (own - lam / P * pair)))


def medium_load_stable_below(patterns_per_spin, *, patterns=None):
    """The reduced temperature below which the symmetric parallel state at medium load
    is unstable (:func:`medium_load_parallel`'s eigenvalue crosses zero; it is stable
    from there up to T_c, reduced_T = 1); 0 without crosstalk (patterns_per_spin = 0).

    Parameters
    ----------
    patterns_per_spin : float
        Mean number of patterns in which a spin is non-blank, 0 <= λ <= 50.
    patterns : int, optional
        Number of patterns, as in :func:`medium_load_parallel` (None: P -> infinity).

    Returns
    -------
    float
    """
    lam = _check_patterns_per_spin(patterns_per_spin)
    P = _check_patterns(patterns, lam)
    if lam == 0.0:
        return 0.0

    def eigenvalue(T):
        return medium_load_parallel(T, lam, patterns=P).eigenvalue

    low = min(1e-3, lam / 4)
    return optimize.brentq(eigenvalue, low, 1.0 - 1e-9, xtol=1e-12 * min(1.0, lam))
