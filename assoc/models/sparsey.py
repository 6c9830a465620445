r"""Sparsey: modular sparse distributed codes chosen by familiarity (Rinkus).

A macrocolumn (MAC) is Q competitive modules (CMs) of ``cells`` binary cells each; a
code is exactly one active cell per CM, an SDR of Q active cells out of Q * cells. Afferent
weights are binary and learned in a single trial: every weight from an active input to a
winner is set to 1 [R10]_. The code of an input is chosen by the Code Selection
Algorithm (CSA), whose steps are the functions of this module, each with its equation
(Rinkus writes eta for the expansivity, mu for the relative likelihood and rho for the
win probability; here they go by their names, since those letters mean other things in
`assoc`):

======  ====================================================  ========================
step    equation                                              function
======  ====================================================  ========================
1       u_i = sum_j x_j W_ji  (U; likewise h from the         :func:`input_sums`
        previous code, H, and d from above, D)
2       U_i = u_i / w, w = number of active inputs            :func:`normalised_sums`
        (or u_i / max(w, n_i), n_i the cell's learned inputs)
3       V_i = U_i^phi H_i^lam D_i^psi                         :func:`local_support`
4       G = (1/Q) sum_q max_{i in q} V_i                      :func:`familiarity`
5       expansivity = 1 + chi max(0, (G - G_-) / (1 - G_-))   :func:`expansivity`
        ^gamma
6       likelihood_i = 1 + (expansivity - 1)                  :func:`relative_likelihoods`
        / (1 + s1 e^{-s2 (V_i - s3)})
7       p_win_i = likelihood_i / sum_{k in q} likelihood_k    :func:`win_probabilities`
8       winner of CM q ~ p_win (learning), argmax V           :func:`choose_winners`
        (recognition, the first of equal cells)
======  ====================================================  ========================

The key is step 5: the more familiar the input (G -> 1), the more expansive the sigmoid
and the likelier every CM picks its cell of highest support, reactivating the stored
code; for a novel input (G -> 0) the expansivity -> 1, every likelihood is 1 and the
code is drawn uniformly, a new random code. Recognition takes the cell of highest
support and returns a stored code whole; learning draws, and with the default transform
a CM picks the stored item's cell with probability 0.79 at G = 1 (cells = 8,
likelihood(1)/likelihood(0) = 26), so that re-presenting a stored item in learning mode
redraws about a fifth of its cells. In between, codes of similar inputs intersect in
proportion to their similarity [R10]_, [R14]_.

The functions above are the textbook (NumPy) form, used by :meth:`Sparsey.csa` to show
every intermediate; learning and recall run the same steps fused in the Numba kernels
of `assoc._kernels.sparsey` on bit-packed weights. Neither reads the stored items: the
cost of storing or retrieving one item is O(Q cells N / 64) word operations, whatever
the number already stored (fixed time, [R14]_). (``recall`` also reports the overlaps m
of the code with every stored code, the shared API's bookkeeping: O(P Q cells / 64),
outside the CSA.)

Transform variants (:class:`Transform`), with the same sigmoid in V:

- ``"2010"`` [R10]_: the expansivity grows with familiarity from G = 0 on,
  1 + chi G^gamma (G_- = 0);
- ``"2014"`` [R14]_: expansivity 1 for G <= G_-: a MAC treats every input whose
  familiarity is below G_- as fully novel, so that codes of novel inputs stay uniform
  and random as the MAC fills up.

Parameters and defaults (symbols from the papers). The papers tune the transform per
simulation; its defaults here are those of Rinkus's own demonstration of the CSA
[RD]_ (expansivity - 1 = 400 G^2 at most, a sigmoid of eccentricity 15 and inflection 50
on a V scale of 100, i.e. s2 = 100/15, s3 = 0.5, no familiarity floor). The floor G_- of
the "2014" variant is the lower G cut-off of the later code; its value is not given in
the sources we could read, and 0.2 is chosen here. The demonstration shows CMs of 5
cells; its sigmoid gives a cell of full support at most e^{s2 s3} ~ 28 times the
likelihood of one of none, too little for CMs of tens of cells, so `SparseyHierarchy`
uses a steeper "sharp" variant (:data:`TRANSFORMS`).

==========  =========  ======================================================  =========
parameter   default    meaning                                                 source
==========  =========  ======================================================  =========
Q, cells    24, 8      CMs per MAC, cells per CM (~70 and ~20 in cortex)       [R10]_
phi         1          exponent of U in V                                      [R14]_
lam         1          exponent of H in V (sequences)                          [R14]_
psi         1          exponent of D in V (top-down)                           [R14]_
chi         400        maximal expansivity: expansivity(G = 1) = 1 + chi       [RD]_
gamma       2          power of the (rescaled) familiarity in the expansivity  [RD]_
G_-         0 / 0.2    familiarity below which expansivity = 1 ("2010" /       [RD]_/here
                       "2014")
s1, s2, s3  1, 100/15, sigmoid: horizontal scale, steepness, inflection in V   [RD]_
            0.5        (``sigma1``, ``sigma2``, ``sigma3`` of `Transform`)
band        (1, N)     a MAC is active when its active inputs lie in the band  [R14]_
freeze      None       fraction of set weights that ends the critical period   [R14]_
norm.       "input"    step 2: U = u / w ("input", the papers) or              here
                       u / max(w, n_i) ("cell")
==========  =========  ======================================================  =========

The "cell" normalisation is an option added here, not from the papers: with binary
weights learned by OR, a cell that has won for many inputs has learned a superset of
most new inputs and gets U = 1 for them, tying with the cell that stored the input
itself. Dividing by the cell's own number of learned inputs when that is larger keeps
such broad cells from matching everything; it leaves V unchanged for a cell that has
learned one input of the probe's size (the closed forms of `theory.sparsey` for one
stored item hold for both) and matters for strongly correlated inputs (digits).

References
----------
.. [R10] G. J. Rinkus, "A cortical sparse distributed coding model linking mini- and
         macrocolumn-scale functionality", Front. Neuroanat. 4:17 (2010).
.. [R14] G. J. Rinkus, "Sparsey: event recognition via deep hierarchical sparse
         distributed codes", Front. Comput. Neurosci. 8:160 (2014).
.. [RL17] G. J. Rinkus, J. Leveille, "Superposed episodic and semantic memory via
          sparse distributed representation", arXiv:1710.07829 (2017).
.. [RD] G. J. Rinkus, "V-to-mu_Demo", Neurithmic Systems (github.com/Neurithmic-Systems/
        V-to-mu_Demo), class Mac: eta = ((G - G_low)/(1 - G_low))^gamma x 400,
        mu = eta / (1 + exp(-(100 V - 50) / 15)) + 1, gamma = 2, G_low = 0.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from typing import ClassVar, NamedTuple

import numpy as np

from .._kernels import sparsey as _kernel
from .._validation import (
    as_generator,
    check_array,
    check_batch,
    check_choice,
    check_flag,
    check_int,
    check_real,
    check_size,
    fail,
)
from ..patterns import _bools, pack_sdr, sdr_overlap
from .memory import Memory, Recall

__all__ = [
    "CSA",
    "TRANSFORMS",
    "CodeRecall",
    "Sparsey",
    "SparseyHierarchy",
    "Transform",
    "choose_winners",
    "expansivity",
    "familiarity",
    "input_sums",
    "local_support",
    "normalised_sums",
    "patches",
    "relative_likelihoods",
    "win_probabilities",
]


@dataclass(frozen=True)
class Transform:
    r"""The familiarity-contingent V -> likelihood transform (CSA steps 5 and 6).

    expansivity(G) = 1 + chi max(0, (G - G_minus) / (1 - G_minus))^gamma, and
    likelihood(V) = 1 + (expansivity - 1) / (1 + sigma1 exp(-sigma2 (V - sigma3)))
    (Rinkus's eta and mu, [R14]_).

    Attributes
    ----------
    chi : float
        Maximal expansivity, chi >= 0: expansivity(G = 1) = 1 + chi, the largest
        likelihood. A cell of support V = 1 is then likelihood(1)/likelihood(0) times
        likelier than one of V = 0 (26 with the defaults, which put likelihood(0) =
        1 + chi / (1 + e^{10/3}) well above 1).
    gamma : float
        Power of the rescaled familiarity, gamma > 0.
    G_minus : float
        Familiarity at and below which the expansivity is 1 (all likelihoods 1),
        0 <= G_minus < 1.
    sigma1, sigma2, sigma3 : float
        Horizontal scale (> 0), steepness (>= 0) and inflection point of the sigmoid.
    """

    chi: float = 400.0
    gamma: float = 2.0
    G_minus: float = 0.0
    sigma1: float = 1.0
    sigma2: float = 100.0 / 15.0
    sigma3: float = 0.5

    def __post_init__(self):
        check_real("chi", self.chi, low=0.0)
        check_real("gamma", self.gamma, low=0.0, closed=(False, True))
        check_real("G_minus", self.G_minus, low=0.0, high=1.0, closed=(True, False))
        check_real("sigma1", self.sigma1, low=0.0, closed=(False, True))
        check_real("sigma2", self.sigma2, low=0.0)
        check_real("sigma3", self.sigma3)

    def __repr__(self):
        changed = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if getattr(self, f.name) != f.default
        ]
        return f"Transform({', '.join(changed)})"


TRANSFORMS = {
    "2010": Transform(),
    "2014": Transform(G_minus=0.2),
    "sharp": Transform(chi=1e6, G_minus=0.2, sigma2=40.0, sigma3=0.8),
}
"""The published variants: ``"2010"`` [R10]_ (no familiarity floor) and ``"2014"``
[R14]_ (expansivity 1 below G_minus), with the numbers of Rinkus's demonstration [RD]_;
and ``"sharp"``, chosen here for `SparseyHierarchy`: the 2014 form with a sigmoid so
steep and high that at G = 1 the likelihood is 1.1 at V = 0.4, 7 at 0.5, 340 at 0.6,
1.8e4 at 0.7, 5e5 at 0.8 and 1e6 from 0.9 on: a cell of support 1 wins a CM of 32 cells
whose other cells have support 0 with chance 0.99997 (0.46 in the "2014" form), so a
familiar input gets its own code back, while cells of support above about 0.9 stay
nearly equally likely."""


# ---- the CSA, step by step (NumPy) ---------------------------------------------------


def _check_unit(name, x, shape=None, *, scalar=False):
    """An array of floats in [0, 1] (supports, familiarities, probabilities), of
    ``shape`` if given; with ``scalar`` a float in [0, 1] too."""
    if scalar and not isinstance(x, np.ndarray):
        return check_real(name, x, low=0.0, high=1.0)
    check_array(name, x, ndim=None if shape is None else (len(shape),), shape=shape, kinds="f")
    if ((x < 0) | (x > 1)).any():
        fail(name, "an array of entries in [0, 1]", f"values {x[(x < 0) | (x > 1)][:3]}")
    return x


def _check_cms(name, x, Q):
    """An array (..., Q cells), cells per CM Q (the number of CMs) dividing its last axis."""
    Q = check_int("Q", Q, low=1)
    if x.ndim == 0 or x.shape[-1] % Q or x.shape[-1] == 0:
        fail(name, f"an array of shape (..., Q cells) for Q = {Q} CMs", f"shape {x.shape}")
    return Q


def input_sums(W, x):
    r"""Step 1: raw input sums u_i = sum_j x_j W_ji, the active inputs cell i listens to.

    Parameters
    ----------
    W : ndarray of shape (Q cells, N), bool
        Binary afferent weights of the MAC's cells (rows) from its N inputs.
    x : ndarray of shape (N,) or (B, N), bool
        Active inputs.

    Returns
    -------
    ndarray of shape (Q cells,) or (B, Q cells), int64
    """
    check_array("W", W, ndim=(2,), kinds="b")
    check_array("x", x, ndim=(1, 2), shape=(None, W.shape[1]), kinds="b")
    return x.astype(np.int64) @ W.T.astype(np.int64)


def normalised_sums(u, w, learned=None):
    r"""Step 2: U_i = u_i / w, with w the number of active inputs (the largest u_i can
    be), so that U_i = 1 when cell i has learned every active input [R14]_.

    With ``learned``, the number of inputs n_i each cell has learned (shape
    (Q cells,), or the trailing axes of u), U_i = u_i / max(w, n_i) instead: the
    "cell" normalisation of `Sparsey`.
    ``w`` is an int, or an array of shape (B, 1) for u of shape (B, Q cells).
    """
    check_array("u", u, kinds="iu")
    if u.ndim == 0:
        fail("u", "an array of shape (..., Q cells)", "a 0-d array")
    if u.size and u.min() < 0:
        fail("u", "input sums, non-negative integers", f"{u.min()}")
    if isinstance(w, np.ndarray):
        check_array("w", w, shape=(*u.shape[:-1], 1), kinds="iu")
        if w.size and w.min() < 1:
            fail("w", "numbers of active inputs, at least 1", f"{w.min()}")
    else:
        w = check_int("w", w, low=1)
    if learned is not None:
        check_array("learned", learned, ndim=tuple(range(1, u.ndim + 1)), kinds="iu")
        if learned.shape != u.shape[u.ndim - learned.ndim :]:
            fail("learned", f"an array of shape {u.shape[-1:]} or {u.shape}", learned.shape)
    return u / (w if learned is None else np.maximum(w, learned))


def local_support(U, H=None, D=None, *, phi=1.0, lam=1.0, psi=1.0):
    r"""Step 3: V_i = U_i^phi H_i^lam D_i^psi, the evidence that cell i should win [R14]_.

    An input field that is absent (H on the first item of a sequence, D where nothing
    is above) is left out of the product. In [R10]_ V = U. U, H and D lie in [0, 1];
    phi, lam and psi are positive.
    """
    _check_unit("U", U)
    for name, field in (("H", H), ("D", D)):
        if field is not None:
            _check_unit(name, field, shape=U.shape)
    phi = check_real("phi", phi, low=0.0, closed=(False, True))
    lam = check_real("lam", lam, low=0.0, closed=(False, True))
    psi = check_real("psi", psi, low=0.0, closed=(False, True))
    V = U**phi
    for field, power in ((H, lam), (D, psi)):
        if field is not None:
            V = V * field**power
    return V


def familiarity(V, Q):
    r"""Step 4: global familiarity G = (1/Q) sum_q max_{i in CM q} V_i [R10]_.

    G = 1 when every CM holds a cell that has learned the whole input (a stored item);
    G is near 0 for an input unlike anything stored.

    Parameters
    ----------
    V : ndarray of shape (Q cells,) or (B, Q cells)
    Q : int

    Returns
    -------
    float or ndarray of shape (B,)
    """
    Q = _check_cms("V", _check_unit("V", V), Q)
    return V.reshape(*V.shape[:-1], Q, V.shape[-1] // Q).max(axis=-1).mean(axis=-1)


def expansivity(G, transform):
    r"""Step 5: expansivity = 1 + chi max(0, (G - G_minus) / (1 - G_minus))^gamma.

    The familiarity-contingent expansivity of the V -> likelihood sigmoid (Rinkus's
    eta, [R10]_, [R14]_); 1 (no preference, a uniform draw) for G <= G_minus. ``G`` in
    [0, 1], a float or an array; ``transform`` a `Transform` or a variant's name.
    """
    G, t = _check_unit("G", G, scalar=True), _transform(transform)
    return 1.0 + t.chi * np.maximum(0.0, (G - t.G_minus) / (1.0 - t.G_minus)) ** t.gamma


def relative_likelihoods(V, expansivity, transform):
    r"""Step 6: likelihood_i = 1 + (expansivity - 1) / (1 + sigma1 exp(-sigma2 (V_i -
    sigma3))), Rinkus's mu_i [R14]_.

    ``expansivity`` (>= 1) is a float or an array of shape (B,) for V of shape (B, Q
    cells); ``transform`` a `Transform` or a variant's name.
    """
    _check_unit("V", V)
    if V.ndim == 0:
        fail("V", "an array of shape (..., Q cells)", "a 0-d array")
    t = _transform(transform)
    if isinstance(expansivity, np.ndarray):
        check_array("expansivity", expansivity, shape=V.shape[:-1], kinds="f")
        if expansivity.size and expansivity.min() < 1:
            fail("expansivity", "at least 1", f"{expansivity.min()}")
    else:
        expansivity = check_real("expansivity", expansivity, low=1.0)
    expansivity = np.asarray(expansivity, dtype=np.float64)[..., None]
    return 1.0 + (expansivity - 1.0) / (1.0 + t.sigma1 * np.exp(-t.sigma2 * (V - t.sigma3)))


def win_probabilities(likelihood, Q):
    r"""Step 7: p_win_i = likelihood_i / sum_{k in CM(i)} likelihood_k, the chance that
    cell i wins its CM (Rinkus's rho_i); likelihoods are positive."""
    check_array("likelihood", likelihood, kinds="f")
    Q = _check_cms("likelihood", likelihood, Q)
    if (likelihood <= 0).any():
        fail("likelihood", "positive", f"{likelihood[likelihood <= 0][:3]}")
    by_cm = likelihood.reshape(*likelihood.shape[:-1], Q, likelihood.shape[-1] // Q)
    return (by_cm / by_cm.sum(axis=-1, keepdims=True)).reshape(likelihood.shape)


def choose_winners(p_win, V, Q, *, u=None):
    r"""Step 8: one winner per CM [R14]_.

    Learning (uniforms ``u`` of shape (..., Q) given) draws the winner of CM q from
    p_win by inverse CDF: the first cell whose cumulative p_win exceeds u_q.
    Recognition (``u`` None) takes the cell of largest V, the first of equal cells;
    ``p_win`` may then be None.

    Returns
    -------
    ndarray of shape (..., Q), int64
        The winning cell k in 0..cells-1 of each CM.
    """
    if p_win is None and u is None:
        _check_unit("V", V)
        Q = _check_cms("V", V, Q)
        return np.argmax(V.reshape(*V.shape[:-1], Q, V.shape[-1] // Q), axis=-1)
    _check_unit("p_win", p_win)
    _check_unit("V", V, shape=p_win.shape)
    Q = _check_cms("p_win", p_win, Q)
    if u is not None:
        _check_unit("u", u, shape=(*p_win.shape[:-1], Q))
    if u is None:
        return np.argmax(V.reshape(*V.shape[:-1], Q, V.shape[-1] // Q), axis=-1)
    cumulative = np.cumsum(p_win.reshape(*p_win.shape[:-1], Q, p_win.shape[-1] // Q), axis=-1)
    below = cumulative <= u[..., None] * cumulative[..., -1:]
    return np.minimum(below.sum(axis=-1), cumulative.shape[-1] - 1)


class CSA(NamedTuple):
    """Every intermediate of one pass of the CSA (see the module table): the sums u, U,
    the support V, the familiarity G, the expansivity, the relative likelihoods, the win
    probabilities p_win and the winners."""

    u: np.ndarray
    U: np.ndarray
    V: np.ndarray
    G: float
    expansivity: float
    likelihood: np.ndarray
    p_win: np.ndarray
    winners: np.ndarray


@dataclass(frozen=True, eq=False, repr=False)
class CodeRecall(Recall):
    """`Recall` of a Sparsey memory, for one cue or a batch of B cues.

    ``s`` is the code (the one-hot winners of the Q CMs, of every MAC of the level),
    ``m`` its overlaps (shared active cells) with the stored codes, ``sweeps`` 1 (one
    pass of the CSA), ``converged`` True and ``energy`` None: the CSA minimises no
    energy.

    Attributes
    ----------
    G : float or ndarray of shape (B,)
        Global familiarity of the cue (mean over the level's active MACs).
    winners : ndarray, int64
        The winning cell of each CM: shape (Q,) or (B, Q) for a `Sparsey` MAC,
        (macs, Q) or (B, macs, Q) for the top level of a `SparseyHierarchy` (-1: MAC
        inactive).
    """

    G: float | np.ndarray = 0.0
    winners: np.ndarray | None = None

    dims: ClassVar[dict] = {**Recall.dims, "G": (), "winners": ("mac", "cm")}


def _code_bits(winners, cells):
    """One-hot codes of ``winners`` (..., macs, Q) as bool (..., macs Q cells); -1 gives
    no bit."""
    *lead, macs, Q = winners.shape
    bits = np.zeros((*lead, macs, Q, cells), dtype=bool)
    on = winners >= 0
    np.put_along_axis(bits, np.where(on, winners, 0)[..., None], on[..., None], axis=-1)
    return bits.reshape(*lead, macs * Q * cells)


def _code_recall(stored, bits, G, winners):
    """The `CodeRecall` of codes ``bits`` (B, units), bool, against the packed stored
    codes."""
    B = bits.shape[0]
    return CodeRecall(
        s=bits, m=sdr_overlap(stored, pack_sdr(bits)).astype(np.float64), energy=None,
        sweeps=np.ones(B, dtype=np.int64), converged=np.ones(B, dtype=bool), G=G,
        winners=winners,
    )  # fmt: skip


def _joined(learned):
    """The parts recorded by each store call, joined: a list of one tuple of arrays."""
    if len(learned) > 1:
        learned = [tuple(np.concatenate(part) for part in zip(*learned))]
    return learned


class _Level:
    """``macs`` MACs of Q CMs of ``cells`` cells over inputs of ``bits`` bits each:
    packed weights and the kernel calls. ``band`` bounds the active inputs of an active
    MAC."""

    def __init__(
        self, macs, bits, Q, cells, *, band, freeze, transform, phi, lam, norm, horizontal
    ):
        self.macs, self.bits, self.Q, self.cells = macs, bits, Q, cells
        check_size("N, Q, cells", (macs, Q * cells, (bits + 63) // 64 + horizontal * Q * cells))
        self.band = np.array(band, dtype=np.int64)
        self.transform = np.array(astuple(transform))
        self.exponents = np.array([phi, lam], dtype=np.float64)
        self.norm = _NORMALISATIONS.index(norm)
        self.W = np.zeros((macs, Q * cells, (bits + 63) // 64), dtype=np.uint64)
        H = (Q * cells + 63) // 64 if horizontal else 0
        self.WH = np.zeros((macs, Q * cells, H), dtype=np.uint64)
        self.n_w = np.zeros((macs, Q * cells), dtype=np.int64)
        self.n_set = np.zeros(macs, dtype=np.int64)
        weights = Q * cells * bits
        self.freeze_at = weights + 1 if freeze is None else int(np.ceil(freeze * weights))

    def run(self, x, starts, *, learning, rng):
        """The CSA on packed inputs x (B, macs, words) in order: learning (uniforms drawn
        from ``rng``), or recall of sequences (``learning`` False, ``rng`` unused)."""
        B = x.shape[0]
        shape = (B, self.macs, self.Q)
        u = rng.random(shape) if learning else np.zeros(shape)
        out = self._outputs(B)
        _kernel.learn(
            self.W, self.WH, self.n_w, self.n_set, self.freeze_at, x, self.band, starts,
            self.exponents, self.norm, self.transform, u, learning, out,
        )  # fmt: skip
        return out

    def recognise(self, x):
        """The CSA in recognition mode on independent packed inputs x (B, macs, words)."""
        out = self._outputs(x.shape[0])
        _kernel.recognise(
            self.W, self.n_w, x, self.band, self.exponents, self.norm, self.transform, out
        )
        return out

    def _outputs(self, B):
        return (
            np.zeros((B, self.macs, self.Q), dtype=np.int64),
            np.zeros((B, self.macs)),
            np.zeros((B, self.macs), dtype=np.int64),
        )

    def clear(self):
        """Forget everything learned: every weight 0, the critical period open again."""
        for name in self._ARRAYS:
            setattr(self, name, np.zeros_like(getattr(self, name)))

    # ---- what `_state` saves of a level ---------------------------------------------

    _ARRAYS = ("W", "WH", "n_w", "n_set")

    def state(self, prefix):
        return {f"{prefix}{name}": getattr(self, name) for name in self._ARRAYS}

    def restore(self, arrays, prefix):
        for name in self._ARRAYS:
            mine = getattr(self, name)
            saved = np.asarray(arrays[f"{prefix}{name}"])
            if saved.shape != mine.shape or saved.dtype != mine.dtype:
                fail(
                    f"the saved {prefix}{name}",
                    f"an array of shape {mine.shape}, dtype {mine.dtype}",
                    f"shape {saved.shape}, dtype {saved.dtype}",
                )
            setattr(self, name, np.ascontiguousarray(saved))


_NORMALISATIONS = ("input", "cell")


def _tuples(value):
    """``value`` with every list, tuple or array in it a tuple of Python scalars."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_tuples(v) for v in value)
    return value.item() if isinstance(value, np.generic) else value


def _transform(transform):
    if isinstance(transform, Transform):
        return transform
    return TRANSFORMS[check_choice("transform", transform, TRANSFORMS)]


class Sparsey(Memory):
    r"""A Sparsey macrocolumn: Q CMs of ``cells`` binary cells over N binary inputs.

    Stores items (or sequences) in a single trial each and recognises them in one pass
    of the CSA; see the module docstring for the steps and the parameters' sources.
    ``store(xi)`` stores the items in place of what was stored, as on every model;
    ``store(xi, add=True)`` learns them after it, each in the same fixed time.

    Parameters
    ----------
    N : int
        Number of input bits.
    Q : int, default=24
        Competitive modules (CMs): the number of active cells of every code.
    cells : int, default=8
        Cells per CM.
    transform : {"2010", "2014", "sharp"} or Transform, default="2014"
        The V -> likelihood transform: the published variant, or one with other
        parameters.
    phi : float, default=1.0
        Exponent of the bottom-up support U in V.
    lam : float, default=1.0
        Exponent of the horizontal support H in V (with ``sequences``).
    freeze : float, optional
        Critical period: learning stops once this fraction of the Q cells N afferent
        weights is 1. None: never. A frozen MAC stores nothing new, so it picks its
        codes by recognition (argmax V) from then on, also in `store`.
    normalisation : {"input", "cell"}, default="input"
        Step 2: U = u / w (the papers) or u / max(w, n_i) (see the module docstring).
    sequences : bool, default=False
        Give the cells horizontal (H) weights from the MAC's previous code, so that an
        item's code depends on the items before it (:meth:`learn_sequences`).

    Examples
    --------
    >>> from assoc import patterns
    >>> xi = patterns.sdr(200, 1000, 20, rng=0)
    >>> mac = Sparsey(1000).store(xi, rng=1)
    >>> r = mac.recall(xi[:5])
    >>> r.G.tolist(), r.m[:, :5].diagonal().tolist()  # G = 1, all 24 cells back
    ([1.0, 1.0, 1.0, 1.0, 1.0], [24.0, 24.0, 24.0, 24.0, 24.0])
    >>> novel = mac.recall(patterns.sdr(1, 1000, 20, rng=3)[0])
    >>> bool(novel.G < 0.7), int(novel.m.max()) < 24
    (True, True)
    """

    _params = (
        "N",
        "Q",
        "cells",
        "transform",
        "phi",
        "lam",
        "freeze",
        "normalisation",
        "sequences",
    )

    def __init__(
        self,
        N,
        *,
        Q=24,
        cells=8,
        transform="2014",
        phi=1.0,
        lam=1.0,
        freeze=None,
        normalisation="input",
        sequences=False,
    ):
        self.N = check_int("N", N, low=1)
        self.Q = check_int("Q", Q, low=1)
        self.cells = check_int("cells", cells, low=1)
        self._transform = _transform(transform)
        self.transform = transform
        self.phi = check_real("phi", phi, low=0.0, closed=(False, True))
        self.lam = check_real("lam", lam, low=0.0, closed=(False, True))
        if freeze is not None:
            freeze = check_real("freeze", freeze, low=0.0, high=1.0, closed=(False, True))
        self.freeze = freeze
        self.normalisation = check_choice("normalisation", normalisation, _NORMALISATIONS)
        self.sequences = check_flag("sequences", sequences)
        self._level = _Level(
            1, self.N, self.Q, self.cells, band=(1, self.N), freeze=freeze,
            transform=self._transform, phi=self.phi, lam=self.lam,
            norm=self.normalisation, horizontal=self.sequences,
        )  # fmt: skip
        # what each store call adds: (winners, G, ops, packed codes); joined on demand,
        # so that storing appends in O(items) whatever was stored before
        self._empty = (
            np.empty((0, self.Q), dtype=np.int64),
            np.empty(0),
            np.empty(0, dtype=np.int64),
            np.empty((0, (self.Q * self.cells + 63) // 64), dtype=np.uint64),
        )
        self._learned, self._P = [self._empty], 0

    def _clear(self):
        self._level.clear()
        self._learned, self._P = [self._empty], 0

    # ---- stored state -----------------------------------------------------------------

    def _is_stored(self):
        return self._P > 0

    def _count(self):
        return self._P

    _RECORDS = ("winners", "G", "ops", "codes")

    def _state(self):
        return {
            **self._level.state("level:"),
            **dict(zip(self._RECORDS, self._joined())),
        }

    def _restore(self, arrays):
        self._level.restore(arrays, "level:")
        records = tuple(np.asarray(arrays[name]) for name in self._RECORDS)
        for record, empty in zip(records, self._empty):
            if record.dtype != empty.dtype or record.shape[1:] != empty.shape[1:]:
                fail("the saved records", "the codes of this Sparsey", f"shape {record.shape}")
        self._learned = [records]
        self._P = records[0].shape[0]

    # ---- properties -------------------------------------------------------------------

    @property
    def codes(self):
        """The winners of every item stored, ndarray of shape (P, Q), int64."""
        self._stored()
        return self._joined()[0]

    @property
    def G_learned(self):
        """The familiarity of each item when it was stored, ndarray of shape (P,)."""
        self._stored()
        return self._joined()[1]

    @property
    def ops(self):
        """Word operations (popcounts and weight words written) spent on each item
        stored, ndarray of shape (P,), int64: the same for every item, however many were
        stored before it."""
        self._stored()
        return self._joined()[2]

    def _joined(self):
        self._learned = _joined(self._learned)
        return self._learned[0]

    @property
    def weights(self):
        """Afferent weights, ndarray of shape (Q cells, N), bool (cell q cells + k of CM
        q)."""
        self._stored()
        return _bools(self._level.W[0], self.N)

    @property
    def saturation(self):
        """Fraction of the afferent weights set to 1."""
        self._stored()
        return float(self._level.n_set[0]) / (self.Q * self.cells * self.N)

    # ---- verbs ------------------------------------------------------------------------

    def store(self, xi, *, rng=None, add=False):
        """Store the items ``xi`` one after the other, one trial each (the CSA in learning
        mode); returns self.

        Parameters
        ----------
        xi : ndarray of shape (P, N), bool
            The items, each with at least one active bit.
        rng : None, int, SeedSequence or numpy.random.Generator
            Draws P Q uniforms, the winners of each item's CMs.
        add : bool, default=False
            Learn the items after those stored before (single-trial learning goes on,
            each in the same fixed time) instead of storing them in place of what was
            stored, as ``store`` does on every model.
        """
        rng = as_generator(rng)
        xi = self._check_inputs("xi", xi, ndim=(2,))
        if not check_flag("add", add):
            self._clear()
        starts = np.ones(xi.shape[0], dtype=bool)
        self._keep(self._level.run(self._pack(xi), starts, learning=True, rng=rng))
        return self

    def learn_sequences(self, sequences, *, rng=None, add=False):
        """Store sequences (ndarray (S, L, N), bool: S sequences of L items), item after
        item, each code chosen with H input from the code before it; returns self. Needs
        ``sequences=True``. A storing verb, like `store` (``rng`` and ``add`` as there):
        it needs nothing stored."""
        rng = as_generator(rng)
        seq = self._check_sequences(sequences)
        if not check_flag("add", add):
            self._clear()
        out = self._level.run(
            self._pack(seq.reshape(-1, self.N)), self._starts(seq), learning=True, rng=rng
        )
        self._keep(out)
        return self

    def recall(self, cue, *, rng=None):
        """Recognise ``cue`` (ndarray (N,) or (B, N), bool): the CSA in recognition mode.

        Deterministic (the cell of largest V in each CM): ``rng`` is unused, validated
        only. Returns a `CodeRecall`.
        """
        self._stored()
        as_generator(rng)
        cue = check_batch("cue", self._check_inputs("cue", cue))
        rows = cue.reshape(-1, self.N)
        out = self._level.recognise(self._pack(rows))
        return self._one_or_batch(self._result(out), cue.ndim == 1)

    def recall_sequences(self, sequences, *, rng=None):
        """Recognise sequences (S, L, N) item after item with H input from the code
        recalled before; a `CodeRecall` with batch shape (S, L). Deterministic: ``rng``
        is unused, validated only."""
        self._stored()
        as_generator(rng)
        seq = check_batch("sequences", self._check_sequences(sequences))
        S, L, _ = seq.shape
        rows = self._pack(seq.reshape(-1, self.N))
        out = self._level.run(rows, self._starts(seq), learning=False, rng=None)
        values = (getattr(self._result(out), f.name) for f in fields(CodeRecall))
        return CodeRecall(*(None if v is None else v.reshape(S, L, *v.shape[1:]) for v in values))

    def csa(self, x, *, learning=False, rng=None):
        """One pass of the CSA on ``x`` (ndarray (N,), bool), step by step in NumPy,
        without storing and with the U input only; returns `CSA` with every
        intermediate. With ``learning`` the winners are drawn from p_win (Q uniforms
        from ``rng``), else recognised."""
        self._stored()
        rng = as_generator(rng)
        x = self._check_inputs("x", x, ndim=(1,))
        u_draw = rng.random(self.Q) if check_flag("learning", learning) else None
        u = input_sums(self.weights, x)
        learned = self._level.n_w[0] if self.normalisation == "cell" else None
        U = normalised_sums(u, np.count_nonzero(x), learned)
        V = local_support(U, phi=self.phi)
        G = familiarity(V, self.Q)
        expansion = expansivity(G, self._transform)
        likelihood = relative_likelihoods(V, expansion, self._transform)
        p_win = win_probabilities(likelihood, self.Q)
        winners = choose_winners(p_win, V, self.Q, u=u_draw)
        return CSA(u, U, V, float(G), float(expansion), likelihood, p_win, winners)

    def _keep(self, out):
        winners, G, ops = out
        packed = pack_sdr(_code_bits(winners, self.cells))
        self._learned.append((winners[:, 0], G[:, 0], ops[:, 0], packed))
        self._P += winners.shape[0]

    def _result(self, out):
        winners, G, _ = out
        bits = _code_bits(winners, self.cells)
        return _code_recall(self._joined()[3], bits, G[:, 0], winners[:, 0])

    def _pack(self, rows):
        return pack_sdr(rows)[:, None, :]

    def _starts(self, seq):
        starts = np.zeros(seq.shape[:2], dtype=bool)
        starts[:, 0] = True
        return starts.ravel()

    def _check_inputs(self, name, x, ndim=(1, 2)):
        check_array(name, x, ndim=ndim, shape=(None, self.N), kinds="b")
        empty = np.flatnonzero(~x.reshape(-1, self.N).any(axis=1))
        if empty.size:
            fail(name, "inputs with at least one active bit", f"none in row {empty[0]}")
        return x

    def _check_sequences(self, sequences):
        if not self.sequences:
            fail("sequences", "learned by a Sparsey(..., sequences=True)", "a MAC without H")
        check_array("sequences", sequences, ndim=(3,), shape=(None, None, self.N), kinds="b")
        if 0 in sequences.shape[:2]:
            fail("sequences", "at least one sequence of at least one item", sequences.shape)
        self._check_inputs("sequences", sequences.reshape(-1, self.N), ndim=(2,))
        return sequences


def patches(shape, size, stride):
    """Receptive fields of square patches of an image: the level-1 fields of a
    `SparseyHierarchy` over images raveled row by row.

    Parameters
    ----------
    shape : tuple of int
        (height, width) of the image.
    size : int
        Side of a patch.
    stride : int
        Step between patches (``stride < size`` overlaps them).

    Returns
    -------
    ndarray of shape (macs, size * size), int64
        Pixel indices of each patch, patches row by row.

    Examples
    --------
    >>> patches((8, 8), 4, 2).shape
    (9, 16)
    """
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        fail("shape", "a (height, width) pair", shape)
    height, width = (check_int("shape", side, low=1) for side in shape)
    size = check_int("size", size, low=1, high=min(height, width))
    stride = check_int("stride", stride, low=1)
    macs = ((height - size) // stride + 1) * ((width - size) // stride + 1)
    check_size("shape", (macs, size * size))
    rows = np.arange(0, height - size + 1, stride)
    cols = np.arange(0, width - size + 1, stride)
    corner = (rows[:, None] * width + cols[None, :]).ravel()
    offsets = (np.arange(size)[:, None] * width + np.arange(size)[None, :]).ravel()
    return corner[:, None] + offsets[None, :]


class SparseyHierarchy(Memory):
    r"""Levels of Sparsey MACs, each MAC over a receptive field of the level below [R14]_.

    A level-1 MAC reads the input bits of its field; a MAC of level l > 1 reads the codes
    of the level-(l-1) MACs in its field (their Q cells bits each, none for an inactive
    MAC). A MAC is active on an item only if the number of its active input bits lies in
    its level's band, and its afferent weights freeze once the fraction ``freeze`` of
    them is set (its critical period, [R14]_). Every MAC runs the CSA of `Sparsey` on its
    own field. Levels learn bottom-up: a level stores a whole batch (drawing each item's
    code in learning mode), then recognises it, and the level above learns the codes it
    recognises. Those are the codes the level gives the items when they are recalled;
    the codes drawn while learning are not in general (with the "cell" normalisation a
    winner's support for an input falls as it learns others, and at a finite contrast a
    familiar input's code is redrawn in part), and a level above that learned them
    would find the recalled items unfamiliar. The recognised codes are each item's
    codes (`codes`), and a stored item is recalled with them.

    Parameters
    ----------
    N : int
        Input bits.
    fields : list of ndarray of shape (macs, field size), int
        For each level, the receptive field of each of its MACs: input bits (level 1)
        or MACs of the level below.
    Q, cells : int or sequence of int, optional
        CMs per MAC and cells per CM, per level (an int: the same at every level).
        Default: Q = 8, cells = 32 at the first level, Q = 32, cells = 64 above it.
    bands : sequence of (int, int or None), optional
        For each level, the least and most active input bits of an active MAC (None:
        no upper bound). Default: (1, None) at every level.
    freeze : float or sequence of (float or None), optional
        For each level, the fraction of set weights that ends a MAC's critical period.
    transform : {"2010", "2014", "sharp"} or Transform, default="sharp"
        The V -> likelihood transform of every MAC; "sharp" by default: with the
        demonstration's transform ("2014") the cell of full support wins a CM of 32
        cells only with chance 0.46 at G = 1 (0.29 with 64 cells), so even a familiar
        input gets a largely new code, and the MACs' weights saturate.
    phi : float, default=1.0
        Exponent of U in V.
    normalisation : {"input", "cell"}, default="cell"
        Step 2 of the CSA in every MAC (see `Sparsey`); "cell" by default, since the
        inputs of a hierarchy's MACs (image patches, codes of the level below) are
        strongly correlated.

    """

    _params = ("N", "fields", "Q", "cells", "bands", "freeze", "transform", "phi", "normalisation")

    def __init__(
        self,
        N,
        fields,
        *,
        Q=None,
        cells=None,
        bands=None,
        freeze=None,
        transform="sharp",
        phi=1.0,
        normalisation="cell",
    ):
        self.N = check_int("N", N, low=1)
        if not isinstance(fields, (list, tuple)) or not fields:
            fail("fields", "a non-empty list of (macs, field size) index arrays", fields)
        L = len(fields)
        # kept as given, sequences as tuples: what a saved file gives back
        self.Q, self.cells, self.bands, self.freeze = map(_tuples, (Q, cells, bands, freeze))
        Q = [8] + [32] * (L - 1) if Q is None else self._per_level("Q", Q, L)
        cells = [32] + [64] * (L - 1) if cells is None else self._per_level("cells", cells, L)
        bands = [(1, None)] * L if bands is None else self._per_level("bands", bands, L)
        for l, band in enumerate(bands):
            if not isinstance(band, (tuple, list)) or len(band) != 2:
                fail(f"bands[{l}]", "a (least, most) pair, most None for no bound", band)
        freeze = self._per_level("freeze", freeze, L)
        self.transform = transform
        self._transform = transform = _transform(transform)
        self.phi = phi = check_real("phi", phi, low=0.0, closed=(False, True))
        self.normalisation = norm = check_choice("normalisation", normalisation, _NORMALISATIONS)
        self.levels, below = [], (self.N, 1)  # (units of the level below, bits per unit)
        for l, field in enumerate(fields):
            check_array(f"fields[{l}]", field, ndim=(2,), kinds="iu")
            if 0 in field.shape:
                fail(
                    f"fields[{l}]",
                    "at least one MAC of at least one input",
                    f"shape {field.shape}",
                )
            if field.size and (field.min() < 0 or field.max() >= below[0]):
                fail(
                    f"fields[{l}]",
                    f"indices in [0, {below[0] - 1}]",
                    f"{field.min()}..{field.max()}",
                )
            q = check_int(f"Q[{l}]", Q[l], low=1)
            k = check_int(f"cells[{l}]", cells[l], low=1)
            bits = field.shape[1] * below[1]
            lo, hi = bands[l]
            band = (
                check_int(f"bands[{l}][0]", lo, low=1, high=bits),
                bits if hi is None else check_int(f"bands[{l}][1]", hi, low=lo),
            )
            if freeze[l] is not None:
                check_real(f"freeze[{l}]", freeze[l], low=0.0, high=1.0, closed=(False, True))
            self.levels.append(
                _Level(
                    field.shape[0],
                    bits,
                    q,
                    k,
                    band=band,
                    freeze=freeze[l],
                    transform=transform,
                    phi=phi,
                    lam=1.0,
                    norm=norm,
                    horizontal=False,
                )
            )
            below = (field.shape[0], q * k)
        self.fields = [np.asarray(f, dtype=np.int64) for f in fields]
        # what each store call adds: (ops, packed top codes, winners per level), joined
        # on demand
        empty = [np.empty((0, lv.macs, lv.Q), dtype=np.int64) for lv in self.levels]
        top = self.levels[-1]
        words = (top.macs * top.Q * top.cells + 63) // 64
        self._empty = (np.empty(0, dtype=np.int64), np.empty((0, words), dtype=np.uint64), *empty)
        self._learned, self._P = [self._empty], 0

    def _clear(self):
        for level in self.levels:
            level.clear()
        self._learned, self._P = [self._empty], 0

    # ---- stored state -----------------------------------------------------------------

    def _is_stored(self):
        return self._P > 0

    def _count(self):
        return self._P

    def _state(self):
        joined = self._joined()
        state = {"ops": joined[0], "codes": joined[1]}
        for l, level in enumerate(self.levels):
            state.update(level.state(f"level{l}:"))
            state[f"winners{l}"] = joined[2 + l]
        return state

    def _restore(self, arrays):
        records = [np.asarray(arrays["ops"]), np.asarray(arrays["codes"])]
        for l, level in enumerate(self.levels):
            level.restore(arrays, f"level{l}:")
            records.append(np.asarray(arrays[f"winners{l}"]))
        for record, empty in zip(records, self._empty):
            if record.dtype != empty.dtype or record.shape[1:] != empty.shape[1:]:
                fail("the saved records", "the codes of this hierarchy", f"shape {record.shape}")
        self._learned = [tuple(records)]
        self._P = records[0].shape[0]

    # ---- properties -------------------------------------------------------------------

    @property
    def codes(self):
        """Winners of every MAC for each item stored, as the MAC recognised the item once
        it had stored its batch: a list over levels of ndarrays of shape (P, macs, Q),
        int64 (-1: inactive)."""
        self._stored()
        return list(self._joined()[2:])

    @property
    def ops(self):
        """Word operations spent on each item stored (learning it and recognising it), all
        levels together, ndarray of shape (P,), int64."""
        self._stored()
        return self._joined()[0]

    def _joined(self):
        self._learned = _joined(self._learned)
        return self._learned[0]

    # ---- verbs ------------------------------------------------------------------------

    def store(self, xi, *, rng=None, add=False):
        """Store the items ``xi`` (ndarray (P, N), bool), one trial each, level by level,
        each level learning the codes the level below recognises once it has stored them
        all; returns self. Draws P sum_l macs_l Q_l uniforms from ``rng``. With ``add``
        the items are learned after those stored before, else in their place (see
        `Sparsey.store`)."""
        rng = as_generator(rng)
        check_batch("xi", check_array("xi", xi, ndim=(2,), shape=(None, self.N), kinds="b"))
        if not check_flag("add", add):
            self._clear()
        starts = np.ones(xi.shape[0], dtype=bool)
        ops = np.zeros(xi.shape[0], dtype=np.int64)
        units, codes = xi, []
        for l, level in enumerate(self.levels):
            inputs = self._inputs(l, units)
            learning_ops = level.run(inputs, starts, learning=True, rng=rng)[2]
            winners, _, recognition_ops = level.recognise(inputs)  # what recall will give
            codes.append(winners)
            ops += learning_ops.sum(axis=1) + recognition_ops.sum(axis=1)
            units = winners
        packed = pack_sdr(_code_bits(units, self.levels[-1].cells))
        self._learned.append((ops, packed, *codes))
        self._P += xi.shape[0]
        return self

    def recall(self, cue, *, rng=None):
        """Recognise ``cue`` (ndarray (N,) or (B, N), bool) level by level; a `CodeRecall`
        of the top level (its code, overlaps with the stored top-level codes, and G, the
        mean familiarity of its active MACs). Deterministic: ``rng`` is unused,
        validated only."""
        self._stored()
        as_generator(rng)
        check_batch("cue", check_array("cue", cue, ndim=(1, 2), shape=(None, self.N), kinds="b"))
        units = cue.reshape(-1, self.N)
        for l, level in enumerate(self.levels):
            winners, G, _ = level.recognise(self._inputs(l, units))
            units = winners
        active = winners[..., 0] >= 0
        G = np.where(
            active.any(axis=1), (G * active).sum(axis=1) / np.maximum(active.sum(axis=1), 1), 0.0
        )
        bits = _code_bits(winners, self.levels[-1].cells)
        result = _code_recall(self._joined()[1], bits, G, winners)
        return self._one_or_batch(result, cue.ndim == 1)

    def _inputs(self, l, units):
        """Packed inputs (B, macs_l, words) of level l from the input bits (l = 0) or
        from the winners (B, macs, Q) of the level below."""
        field = self.fields[l]
        if l == 0:
            bits = units[:, field]
        else:
            below = self.levels[l - 1]
            codes = _code_bits(units, below.cells).reshape(units.shape[0], below.macs, -1)
            bits = codes[:, field].reshape(units.shape[0], field.shape[0], -1)
        B, macs, size = bits.shape
        return pack_sdr(bits.reshape(B * macs, size)).reshape(B, macs, -1)

    @staticmethod
    def _per_level(name, value, L):
        if value is None or np.isscalar(value):
            return [value] * L
        if len(value) != L:
            fail(name, f"one value, or one per level ({L})", f"{len(value)} values")
        return list(value)
