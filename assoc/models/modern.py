r"""The modern continuous Hopfield network and its sparse and universal generalisations.

Ramsauer et al. [1]_ store P patterns xi^mu in R^N (here the rows of ``xi``, shape
(P, N); the paper stacks them as columns) and give a continuous state s in R^N the
energy (their Eq. 2)

.. math::

    E(s) = -\operatorname{lse}(\beta, \xi s) + \tfrac12 s^T s + \beta^{-1}\ln P
           + \tfrac12 M^2, \qquad
    \operatorname{lse}(\beta, a) = \beta^{-1}\ln\sum_\mu e^{\beta a_\mu},

M = max_mu ||xi^mu|| the largest pattern norm (``max_norm``). The update (their Eq. 3)

.. math::

    s \leftarrow \xi^T \operatorname{softmax}(\beta \xi s)

is the concave-convex procedure (CCCP) for E: it never raises the energy, and converges
to a fixed point near a single pattern, at a metastable average over a few patterns, or
at the global average of all of them.

Generalisations, as options of :class:`ModernHopfield`:

- ``separation``: softmax is the gradient of lse, the convex conjugate of the negative
  Shannon entropy. Replacing that entropy by a Tsallis entropy,
  Omega_alpha(p) = (sum_mu p_mu^alpha - 1) / (alpha (alpha - 1)), gives the
  Hopfield-Fenchel-Young networks [2]_: the update s <- xi^T entmax_alpha(beta xi s)
  with the energy E = -Omega*(beta xi s) / beta + s^T s / 2 - Omega(u) / beta + M^2 / 2
  (Omega* the convex conjugate, u the uniform weights; softmax gives back Eq. 2), which
  the update again never raises. entmax_alpha (1 < alpha <= 2) and sparsemax
  (alpha = 2) give weights that are exactly zero on all but a few patterns.
- ``similarity``: the Universal Hopfield Networks of Millidge et al. [3]_ write every
  single-shot associative memory as s <- xi^T sep(beta sim(xi, s)), with the
  similarity the dot product, the negative Euclidean distance -||xi^mu - s|| or the
  negative Manhattan distance -sum_i |xi^mu_i - s_i|. Only the dot product has an
  energy here; for the distances ``energy`` raises and ``Recall.energy`` is None.

The domain of entmax's alpha is [1, 2] (:data:`ENTMAX_ALPHA`): 1 is the softmax (the
limit alpha -> 1), 2 the sparsemax. The PyTorch separations of ``assoc.nn`` take the
same domain and refuse the same values with the same message (`check_entmax_alpha`).

The update is the attention of a transformer: for a batch of B queries it is two matrix
products, (B, N) x (N, P) and (B, P) x (P, N), and an exponential, all in NumPy (BLAS),
in the precision of the inputs (float32 or float64).

The binary-state exponential model of Demircigil et al. is
:class:`assoc.models.DenseHopfield` with ``F="exponential"``.

References
----------
.. [1] H. Ramsauer et al., "Hopfield networks is all you need", ICLR 2021,
   arXiv:2008.02217.
.. [2] S. Santos, V. Niculae, D. McNamee, A. F. T. Martins, "Sparse and structured
   Hopfield networks", ICML 2024, arXiv:2402.13725; "Hopfield-Fenchel-Young networks",
   arXiv:2411.08590.
.. [3] B. Millidge, T. Salvatori, Y. Song, T. Lukasiewicz, R. Bogacz, "Universal
   Hopfield networks", ICML 2022, arXiv:2202.04557.
"""

from __future__ import annotations

import numpy as np
from scipy import special
from scipy.spatial.distance import cdist

from .._validation import (
    as_generator,
    check_array,
    check_batch,
    check_choice,
    check_flag,
    check_int,
    check_real,
    fail,
)
from ..patterns import overlap
from .memory import Memory, Recall, not_applicable

__all__ = [
    "ENTMAX_ALPHA",
    "FIXED_POINTS",
    "ModernHopfield",
    "check_entmax_alpha",
    "entmax",
    "sparsemax",
]

FIXED_POINTS = ("single", "metastable", "global")

ENTMAX_ALPHA = (1.0, 2.0)
"""The closed interval of entmax's alpha, for NumPy (`entmax`, `ModernHopfield`) and
PyTorch (``assoc.nn``) alike: 1 is the softmax, 2 the sparsemax."""


def check_entmax_alpha(alpha, name="alpha"):
    """``alpha`` of entmax as a float in :data:`ENTMAX_ALPHA`, [1, 2]; a `ValueError`
    (or a `TypeError` for a non-real) naming ``name`` otherwise.

    The one check of that domain, shared by `entmax`, `ModernHopfield` and the
    separations of ``assoc.nn``, so that they refuse the same values alike.
    """
    low, high = ENTMAX_ALPHA
    return check_real(name, alpha, low=low, high=high)


def _check_scores(a):
    """Scores of shape (..., P), P >= 1: finite floats; returned C-contiguous, so that
    the sums, and the result, do not depend on the memory layout."""
    check_array("a", a, kinds="f")
    if a.ndim == 0 or a.shape[-1] == 0:
        fail("a", "an array of shape (..., P) with P >= 1", f"shape {a.shape}")
    return np.ascontiguousarray(a)


def sparsemax(a):
    r"""The Euclidean projection of ``a`` onto the probability simplex, along the last axis.

    sparsemax(a) = argmin_{p in simplex} ||p - a||^2 = [a - tau]_+, with tau from the
    sorted entries a_(1) >= a_(2) >= ...: k = max{k : 1 + k a_(k) > sum_{j<=k} a_(j)},
    tau = (sum_{j<=k} a_(j) - 1) / k (Martins & Astudillo, ICML 2016, Algorithm 1).
    Exact: entries with a_mu <= tau are exactly 0.

    Parameters
    ----------
    a : ndarray of shape (..., P), float

    Returns
    -------
    ndarray of shape (..., P), same dtype
    """
    a = _check_scores(a)
    a = a - a.max(axis=-1, keepdims=True)  # sparsemax(a + c) = sparsemax(a); no rounding
    ranked = -np.sort(-a, axis=-1)  # of the largest entries against 1
    k = np.arange(1, a.shape[-1] + 1, dtype=a.dtype)
    cumulative = np.cumsum(ranked, axis=-1)
    support = np.sum(1 + k * ranked > cumulative, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, support - 1, axis=-1) - 1) / support.astype(a.dtype)
    return np.maximum(a - tau, 0)


def entmax(a, alpha=1.5):
    r"""alpha-entmax of ``a`` along the last axis, exactly, by bisection (1 <= alpha <= 2).

    entmax_alpha(a) = argmax_{p in simplex} p.a + (sum_mu (p_mu - p_mu^alpha)) /
    (alpha (alpha - 1)) = [(alpha - 1) a - tau]_+^(1 / (alpha - 1)), with the threshold
    tau where the weights sum to 1 (Peters, Niculae & Martins, ACL 2019, Eq. 9;
    Blondel et al., AISTATS 2019). With z = (alpha - 1) (a - max a), so that max z = 0,
    tau lies in [-1, -P^(1 - alpha)]; the bisection halves that interval until its
    ends are adjacent floats, then the weights are normalised. Entries with
    z_mu <= tau are exactly 0. alpha = 2 is `sparsemax` (computed by it), alpha = 1
    the softmax, the limit alpha -> 1 (computed as the softmax).

    Parameters
    ----------
    a : ndarray of shape (..., P), float
    alpha : float, default=1.5
        In [1, 2] (:data:`ENTMAX_ALPHA`, the domain of ``assoc.nn.separation.entmax``
        too).

    Returns
    -------
    ndarray of shape (..., P), same dtype

    Raises
    ------
    ValueError
        If alpha is outside [1, 2] or not finite ("alpha must be in [1.0, 2.0]; got
        ..."), as the PyTorch entmax.
    """
    a = _check_scores(a)
    alpha = check_entmax_alpha(alpha)
    if alpha == 1.0:
        return special.softmax(a, axis=-1)
    if alpha == 2.0:
        return sparsemax(a)
    z = (alpha - 1) * (a - a.max(axis=-1, keepdims=True))  # max z = 0: tau in [-1, 0)
    power = 1 / (alpha - 1)
    lo = np.full((*z.shape[:-1], 1), -1.0, dtype=z.dtype)
    hi = np.full_like(lo, -(a.shape[-1] ** (1 - alpha)))
    while True:
        mid = lo + (hi - lo) / 2
        open_ = (mid > lo) & (mid < hi)
        if not open_.any():
            break
        heavy = np.sum(np.maximum(z - mid, 0) ** power, axis=-1, keepdims=True) >= 1
        lo = np.where(open_ & heavy, mid, lo)
        hi = np.where(open_ & ~heavy, mid, hi)
    p = np.maximum(z - lo, 0) ** power
    return p / p.sum(axis=-1, keepdims=True)


def _tsallis(p, alpha):
    """Omega_alpha(p) = (sum p^alpha - 1) / (alpha (alpha - 1)), the negative Tsallis
    entropy (alpha > 1)."""
    return (np.sum(p**alpha, axis=-1) - 1) / (alpha * (alpha - 1))


class ModernHopfield(Memory):
    r"""Modern continuous Hopfield network: s <- xi^T sep(beta sim(xi, s)).

    Parameters
    ----------
    beta : float, default=1.0
        Inverse temperature, beta > 0.
    separation : {"softmax", "sparsemax", "entmax"}, default="softmax"
        Separation function of the weights: softmax (Ramsauer et al.), sparsemax or
        alpha-entmax (Hopfield-Fenchel-Young networks).
    similarity : {"dot", "euclidean", "manhattan"}, default="dot"
        Similarity of a state to each pattern: xi^mu . s, -||xi^mu - s||_2 or
        -||xi^mu - s||_1 (Universal Hopfield Networks).
    entmax_alpha : float, optional
        alpha of entmax, in [1, 2] (:data:`ENTMAX_ALPHA`; 1 is the softmax, 2 the
        sparsemax); None means 1.5. Only with ``separation="entmax"``: refused with the
        others (their ``entmax_alpha`` is None).

    Notes
    -----
    ``recall`` iterates the update from the cues to a fixed point; with the dot product
    it is the CCCP of E [1]_ [2]_, so that the energy it traces never increases. The
    network is deterministic: ``recall`` takes ``rng`` for the common signature of the
    models and draws nothing from it.

    References
    ----------
    .. [1] Ramsauer et al., ICLR 2021, arXiv:2008.02217, Eqs. (2)-(3), Theorem 1.
    .. [2] Santos et al., ICML 2024, arXiv:2402.13725 (sparsemax, entmax).

    Examples
    --------
    >>> from assoc import patterns
    >>> xi = patterns.spherical(1000, 64, radius=8.0, rng=0).astype(np.float64)
    >>> net = ModernHopfield(beta=1.0).store(xi)
    >>> cue = patterns.add_noise(xi[:4], 0.5, rng=1)
    >>> r = net.recall(cue)
    >>> bool(np.allclose(r.s, xi[:4], atol=1e-6)), net.fixed_point_kind(r.s).tolist()
    (True, ['single', 'single', 'single', 'single'])
    """

    _params = ("beta", "separation", "similarity", "entmax_alpha")

    def __init__(self, *, beta=1.0, separation="softmax", similarity="dot", entmax_alpha=None):
        self.beta = check_real("beta", beta, low=0.0, closed=(False, True))
        self.separation = check_choice(
            "separation", separation, {"softmax", "sparsemax", "entmax"}
        )
        self.similarity = check_choice("similarity", similarity, {"dot", "euclidean", "manhattan"})
        if separation == "entmax":
            alpha = 1.5 if entmax_alpha is None else entmax_alpha
            self.entmax_alpha = check_entmax_alpha(alpha, "entmax_alpha")
        else:
            not_applicable(
                "entmax_alpha", entmax_alpha, f'with separation="{separation}" (entmax only)'
            )
            self.entmax_alpha = None
        self.xi = None

    @property
    def N(self):
        """Dimension of the patterns and states."""
        self._stored()
        return self.xi.shape[1]

    @property
    def max_norm(self):
        """Largest pattern norm, max_mu ||xi^mu|| (Ramsauer et al.'s M)."""
        self._stored()
        return self._max_norm

    def store(self, xi):
        """Store the patterns ``xi`` (ndarray of shape (P, N), float32 or float64, one per
        row, P >= 1, N >= 1); returns self."""
        check_array("xi", xi, ndim=(2,), kinds="f")
        if xi.shape[0] < 1 or xi.shape[1] < 1:
            fail("xi", "an array of shape (P, N) with P >= 1 and N >= 1", f"shape {xi.shape}")
        self.xi = xi
        self._max_norm = float(np.sqrt(np.max(np.sum(xi.astype(np.float64) ** 2, axis=1))))
        return self

    def _check_state(self, s, name="s"):
        return check_array(name, s, ndim=(1, 2), shape=(None, self.xi.shape[1]), kinds="f")

    def scores(self, s):
        """beta sim(xi, s): the arguments of the separation, shape (..., P)."""
        self._stored()
        return self._scores(self._check_state(s))

    def _scores(self, s):
        xi = self.xi.astype(np.result_type(self.xi, s), copy=False)
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, naming beta
            if self.similarity == "dot":
                a = (self.beta * s) @ xi.T
            else:
                metric = "euclidean" if self.similarity == "euclidean" else "cityblock"
                d = cdist(np.atleast_2d(s).astype(np.float64), xi.astype(np.float64), metric)
                d = d.astype(xi.dtype, copy=False)
                a = -self.beta * (d[0] if s.ndim == 1 else d)
        if not np.isfinite(a).all():
            fail("beta", f"small enough that beta sim(xi, s) is finite in {a.dtype}", self.beta)
        return a

    def weights(self, s):
        """sep(beta sim(xi, s)), the weight of each pattern in the update, shape (..., P)."""
        return self._separate(self.scores(s))

    @property
    def _alpha(self):
        """The alpha of the Tsallis entropy behind the separation (1: Shannon)."""
        return {"softmax": 1.0, "sparsemax": 2.0}.get(self.separation, self.entmax_alpha)

    def _separate(self, a):
        if self.separation == "softmax":
            return special.softmax(a, axis=-1)
        if self.separation == "sparsemax":
            return sparsemax(a)
        return entmax(a, self.entmax_alpha)

    def update(self, s):
        """One update, s <- xi^T sep(beta sim(xi, s)), for one state (N,) or a batch (B, N).

        With softmax the exponentials are taken in place and the N-vectors, not the P
        weights, are normalised: (e^(a - max a) xi) / sum e^(a - max a).
        """
        self._stored()
        return self._update(self._check_state(s))

    def _update(self, s):
        a = self._scores(s)
        xi = self.xi.astype(a.dtype, copy=False)
        if self.separation != "softmax":
            return self._separate(a) @ xi
        a -= a.max(axis=-1, keepdims=True)
        np.exp(a, out=a)
        return (a @ xi) / a.sum(axis=-1, keepdims=True)

    def energy(self, s):
        r"""The energy, float or ndarray of shape (B,) (``similarity="dot"`` only).

        E = -Omega*(beta xi s) / beta + s^T s / 2 - Omega(u) / beta + max_norm^2 / 2
        with Omega the negative entropy of the separation (Shannon for softmax and
        entmax at alpha = 1: Ramsauer et al. Eq. 2, -lse(beta, xi s) + s^T s / 2 +
        ln(P) / beta + max_norm^2 / 2; Tsallis for sparsemax and entmax, Santos et al.)
        and Omega*(a) = p.a - Omega(p) at p = sep(a). E >= 0. Computed in float64.
        """
        self._stored()
        if self.similarity != "dot":
            fail(
                "similarity",
                '"dot" for an energy (the distance similarities have none)',
                repr(self.similarity),
            )
        return self._energy(self._check_state(s))

    def _energy(self, s):
        s = s.astype(np.float64)
        xi = self.xi.astype(np.float64)
        a = self.beta * (s @ xi.T)
        P = xi.shape[0]
        alpha = self._alpha
        if alpha == 1.0:
            conjugate = special.logsumexp(a, axis=-1)
            uniform = -np.log(P)
        else:
            p = self._separate(a)
            conjugate = np.sum(p * a, axis=-1) - _tsallis(p, alpha)
            uniform = (P ** (1 - alpha) - 1) / (alpha * (alpha - 1))
        norm2 = np.sum(s * s, axis=-1)
        return (-conjugate - uniform) / self.beta + 0.5 * norm2 + 0.5 * self._max_norm**2

    def _measure(self, s):
        """(m, E) of a batch of states; E None for the distance similarities."""
        return overlap(self.xi, s), self._energy(s) if self.similarity == "dot" else None

    def recall(self, cue, *, rng=None, max_iter=100, tol=1e-6, trace=False):
        """Iterate the update from ``cue`` to a fixed point.

        Parameters
        ----------
        cue : ndarray of shape (N,) or (B, N), float
            Initial states (queries); not modified.
        rng : None, int or numpy.random.Generator
            Unused: the iteration is deterministic (checked, for the common signature of
            the models' ``recall``).
        max_iter : int, default=100
            Most updates per state.
        tol : float, default=1e-6
            A state has converged when an update moves it by at most
            ``tol * max_norm`` in Euclidean norm; it is not updated after that.
        trace : bool, default=False
            Record the overlaps and the energy at the start and after each iteration
            (``Recall.m_trace`` of shape (B, L + 1, P), ``Recall.energy_trace`` of shape
            (B, L + 1), L the iterations run; a converged state repeats its last row).
            ``energy_trace`` is None for the distance similarities, which have no
            energy. With the dot product the traced energy never increases (CCCP).

        Returns
        -------
        Recall
            ``s``: the final states, in the dtype of the cue and patterns; ``m``: their
            overlaps (1/N) xi s, float64; ``energy`` (None for the distance
            similarities); ``sweeps``: updates made; ``converged``.
        """
        self._stored()
        as_generator(rng)
        max_iter = check_int("max_iter", max_iter, low=1)
        tol = check_real("tol", tol, low=0.0)
        check_flag("trace", trace)
        cue = check_batch("cue", self._check_state(cue, name="cue"))
        single = cue.ndim == 1
        s = np.array(cue, ndmin=2, dtype=np.result_type(self.xi, cue), copy=True)
        B = s.shape[0]
        iterations = np.zeros(B, dtype=np.int64)
        converged = np.zeros(B, dtype=bool)
        steps = [self._measure(s)] if trace else None
        step = tol * self._max_norm
        for _ in range(max_iter):
            active = np.flatnonzero(~converged)
            if active.size == 0:
                break
            new = self._update(s[active])
            moved = np.sqrt(np.sum((new - s[active]) ** 2, axis=1))
            s[active] = new
            iterations[active] += 1
            converged[active] = moved <= step
            if trace:
                steps.append(self._measure(s))
        m, energy = self._measure(s)
        m_trace = energy_trace = None
        if trace:
            m_trace = np.stack([m_ for m_, _ in steps], axis=1)
            if energy is not None:
                energy_trace = np.stack([E for _, E in steps], axis=1)
        result = Recall(
            s=s,
            m=m,
            energy=energy,
            sweeps=iterations,
            converged=converged,
            m_trace=m_trace,
            energy_trace=energy_trace,
        )
        return self._one_or_batch(result, single)

    def participation(self, s):
        """Effective number of patterns in the update of s, 1 / sum_mu p_mu^2 with
        p = sep(beta sim(xi, s)): 1 for a single pattern, P for the global average."""
        p = self.weights(s).astype(np.float64)
        return 1.0 / np.sum(p * p, axis=-1)

    def fixed_point_kind(self, s):
        """Classify (fixed) states as in Ramsauer et al. (Sec. 3): "single" (the update
        retrieves one pattern, participation < 1.5), "global" (an average over more than
        half of the P patterns) or "metastable" (an average over a few).

        Returns
        -------
        ndarray of str, shape () or (B,)
            Entries of :data:`FIXED_POINTS`.
        """
        n = self.participation(s)
        kind = np.where(n < 1.5, 0, np.where(n > self.P / 2, 2, 1))
        return np.asarray(FIXED_POINTS)[kind]
