r"""The modern continuous Hopfield network and its sparse and universal generalisations.

Ramsauer et al. [1]_ store K patterns x_mu in R^d (here the rows of ``X``, shape (K, d);
the paper stacks them as columns) and give a continuous state xi in R^d the energy
(their Eq. 2)

.. math::

    E(\xi) = -\operatorname{lse}(\beta, X\xi) + \tfrac12 \xi^T\xi + \beta^{-1}\ln K
             + \tfrac12 M^2, \qquad
    \operatorname{lse}(\beta, a) = \beta^{-1}\ln\sum_\mu e^{\beta a_\mu},

M the largest pattern norm. The update (their Eq. 3)

.. math::

    \xi \leftarrow X^T \operatorname{softmax}(\beta X \xi)

is the concave-convex procedure for E: it never raises the energy, and converges to a
fixed point near a single pattern, at a metastable average over a few patterns, or at
the global average of all of them.

Generalisations, as options of :class:`ModernHopfield`:

- ``separation``: softmax is the gradient of lse, the convex conjugate of the negative
  Shannon entropy. Replacing that entropy by a Tsallis entropy,
  Omega_alpha(p) = (sum_mu p_mu^alpha - 1) / (alpha (alpha - 1)), gives the
  Hopfield-Fenchel-Young networks [2]_: the update xi <- X^T entmax_alpha(beta X xi)
  with the energy E = -Omega*(beta X xi) / beta + xi^T xi / 2 - Omega(u) / beta + M^2/2
  (Omega* the convex conjugate, u the uniform weights; softmax gives back Eq. 2), which
  the update again never raises. entmax_alpha (alpha > 1) and sparsemax (alpha = 2)
  give weights that are exactly zero on all but a few patterns.
- ``similarity``: the Universal Hopfield Networks of Millidge et al. [3]_ write every
  single-shot associative memory as xi <- X^T sep(beta sim(X, xi)), with the
  similarity the dot product, the negative Euclidean distance -||x_mu - xi|| or the
  negative Manhattan distance -sum_i |x_mu,i - xi_i|. Only the dot product has an energy
  here; for the distances ``energy`` raises and ``Recall.energy`` is None.

The update is the attention of a transformer: for a batch of B queries it is two matrix
products, (B, d) x (d, K) and (B, K) x (K, d), and an exponential, all in NumPy (BLAS),
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

from .._validation import check_array, check_choice, check_int, check_real, fail
from ..patterns import overlap
from ._base import Recall

__all__ = ["FIXED_POINTS", "ModernHopfield", "entmax", "sparsemax"]

FIXED_POINTS = ("single", "metastable", "global")


def sparsemax(a):
    r"""The Euclidean projection of ``a`` onto the probability simplex, along the last axis.

    sparsemax(a) = argmin_{p in simplex} ||p - a||^2 = [a - tau]_+, with tau from the
    sorted entries a_(1) >= a_(2) >= ...: k = max{k : 1 + k a_(k) > sum_{j<=k} a_(j)},
    tau = (sum_{j<=k} a_(j) - 1) / k (Martins & Astudillo, ICML 2016, Algorithm 1).
    Exact: entries with a_mu <= tau are exactly 0.

    Parameters
    ----------
    a : ndarray of shape (..., K), float

    Returns
    -------
    ndarray of shape (..., K), same dtype
    """
    a = a - a.max(axis=-1, keepdims=True)  # sparsemax(a + c) = sparsemax(a); no rounding
    ranked = -np.sort(-a, axis=-1)  # of the largest entries against 1
    k = np.arange(1, a.shape[-1] + 1, dtype=a.dtype)
    cumulative = np.cumsum(ranked, axis=-1)
    support = np.sum(1 + k * ranked > cumulative, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, support - 1, axis=-1) - 1) / support.astype(a.dtype)
    return np.maximum(a - tau, 0)


def entmax(a, alpha):
    r"""alpha-entmax of ``a`` along the last axis, exactly, by bisection (alpha > 1).

    entmax_alpha(a) = argmax_{p in simplex} p.a + (sum_mu (p_mu - p_mu^alpha)) /
    (alpha (alpha - 1)) = [(alpha - 1) a - tau]_+^(1 / (alpha - 1)), with the threshold
    tau where the weights sum to 1 (Peters, Niculae & Martins, ACL 2019, Eq. 9;
    Blondel et al., AISTATS 2019). With z = (alpha - 1) (a - max a), so that max z = 0,
    tau lies in [-1, -K^(1 - alpha)]; the bisection halves that interval until its
    ends are adjacent floats, then the weights are normalised. alpha = 2 is sparsemax,
    alpha -> 1 tends to softmax. Entries with z_mu <= tau are exactly 0.

    Parameters
    ----------
    a : ndarray of shape (..., K), float
    alpha : float
        alpha > 1.

    Returns
    -------
    ndarray of shape (..., K), same dtype
    """
    alpha = check_real("alpha", alpha, low=1.0, closed=(False, True))
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
    entropy (alpha -> 1: sum p ln p)."""
    return (np.sum(p**alpha, axis=-1) - 1) / (alpha * (alpha - 1))


class ModernHopfield:
    r"""Modern continuous Hopfield network: xi <- X^T sep(beta sim(X, xi)).

    Parameters
    ----------
    beta : float, default=1.0
        Inverse temperature, beta > 0.
    separation : {"softmax", "sparsemax", "entmax"}, default="softmax"
        Separation function of the weights: softmax (Ramsauer et al.), sparsemax or
        alpha-entmax (Hopfield-Fenchel-Young networks).
    similarity : {"dot", "euclidean", "manhattan"}, default="dot"
        Similarity of a state to each pattern: x_mu . xi, -||x_mu - xi||_2 or
        -||x_mu - xi||_1 (Universal Hopfield Networks).
    alpha : float, default=1.5
        alpha of entmax, alpha > 1 (only with ``separation="entmax"``).

    Examples
    --------
    >>> from assoc import patterns
    >>> X = patterns.spherical(1000, 64, radius=8.0, rng=0).astype(np.float64)
    >>> net = ModernHopfield(beta=1.0).store(X)
    >>> cue = patterns.add_noise(X[:4], 0.5, rng=1)
    >>> r = net.recall(cue)
    >>> bool(np.allclose(r.s, X[:4], atol=1e-6)), net.fixed_point_kind(r.s).tolist()
    (True, ['single', 'single', 'single', 'single'])
    """

    def __init__(self, *, beta=1.0, separation="softmax", similarity="dot", alpha=1.5):
        self.beta = check_real("beta", beta, low=0.0, closed=(False, True))
        self.separation = check_choice(
            "separation", separation, {"softmax", "sparsemax", "entmax"}
        )
        self.similarity = check_choice("similarity", similarity, {"dot", "euclidean", "manhattan"})
        self.alpha = check_real("alpha", alpha, low=1.0, closed=(False, True))
        self.X = None

    @property
    def K(self):
        """Number of stored patterns."""
        return self._stored().shape[0]

    @property
    def M(self):
        """Largest pattern norm, M = max_mu ||x_mu||."""
        self._stored()
        return self._M

    def store(self, X):
        """Store the patterns ``X`` (ndarray of shape (K, d), float32 or float64, one per
        row); returns self."""
        check_array("X", X, ndim=(2,), kinds="f")
        if X.shape[0] < 1 or X.shape[1] < 1:
            fail("X", "an array of shape (K, d) with K >= 1 and d >= 1", f"shape {X.shape}")
        self.X = X
        self._M = float(np.sqrt(np.max(np.sum(X.astype(np.float64) ** 2, axis=1))))
        return self

    def scores(self, xi):
        """beta sim(X, xi): the arguments of the separation, shape (..., K)."""
        X, xi = self._stored(), self._check_state(xi)
        X = X.astype(np.result_type(X, xi), copy=False)
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, naming beta
            if self.similarity == "dot":
                a = (self.beta * xi) @ X.T
            else:
                metric = "euclidean" if self.similarity == "euclidean" else "cityblock"
                d = cdist(np.atleast_2d(xi).astype(np.float64), X.astype(np.float64), metric)
                d = d.astype(X.dtype, copy=False)
                a = -self.beta * (d[0] if xi.ndim == 1 else d)
        if not np.isfinite(a).all():
            fail("beta", f"small enough that beta sim(X, xi) is finite in {a.dtype}", self.beta)
        return a

    def weights(self, xi):
        """sep(beta sim(X, xi)), the weight of each pattern in the update, shape (..., K)."""
        return self._separate(self.scores(xi))

    def _separate(self, a):
        if self.separation == "softmax":
            return special.softmax(a, axis=-1)
        if self.separation == "sparsemax":
            return sparsemax(a)
        return entmax(a, self.alpha)

    def update(self, xi):
        """One update, xi <- X^T sep(beta sim(X, xi)), for one state (d,) or a batch (B, d).

        With softmax the exponentials are taken in place and the d-vectors, not the K
        weights, are normalised: (e^(a - max a) X) / sum e^(a - max a).
        """
        a = self.scores(xi)
        X = self.X.astype(a.dtype, copy=False)
        if self.separation != "softmax":
            return self._separate(a) @ X
        a -= a.max(axis=-1, keepdims=True)
        np.exp(a, out=a)
        return (a @ X) / a.sum(axis=-1, keepdims=True)

    def energy(self, xi):
        r"""The energy, float or ndarray of shape (B,) (``similarity="dot"`` only).

        E = -Omega*(beta X xi) / beta + xi^T xi / 2 - Omega(u) / beta + M^2 / 2 with
        Omega the negative entropy of the separation (Shannon for softmax: Ramsauer et
        al. Eq. 2, -lse(beta, X xi) + xi^T xi / 2 + ln(K) / beta + M^2 / 2; Tsallis for
        sparsemax and entmax) and Omega*(a) = p.a - Omega(p) at p = sep(a). E >= 0.
        Computed in float64.
        """
        if self.similarity != "dot":
            fail(
                "similarity",
                '"dot" for an energy (the distance similarities have none)',
                repr(self.similarity),
            )
        xi = self._check_state(xi).astype(np.float64)
        X = self._stored().astype(np.float64)
        a = self.beta * (xi @ X.T)
        K = X.shape[0]
        if self.separation == "softmax":
            conjugate = special.logsumexp(a, axis=-1)
            uniform = -np.log(K)
        else:
            alpha = 2.0 if self.separation == "sparsemax" else self.alpha
            p = self._separate(a)
            conjugate = np.sum(p * a, axis=-1) - _tsallis(p, alpha)
            uniform = (K ** (1 - alpha) - 1) / (alpha * (alpha - 1))
        norm2 = np.sum(xi * xi, axis=-1)
        return (-conjugate - uniform) / self.beta + 0.5 * norm2 + 0.5 * self.M**2

    def recall(self, xi, *, max_iter=100, tol=1e-6):
        """Iterate the update from ``xi`` to a fixed point.

        Parameters
        ----------
        xi : ndarray of shape (d,) or (B, d), float
            Initial states (queries); not modified.
        max_iter : int, default=100
            Most updates per state.
        tol : float, default=1e-6
            A state has converged when an update moves it by at most ``tol * M`` in
            Euclidean norm (M the largest pattern norm); it is not updated after that.

        Returns
        -------
        Recall
            ``s``: the final states; ``m``: their overlaps (1/d) X xi; ``energy``
            (None for the distance similarities); ``sweeps``: updates made;
            ``converged``.
        """
        X = self._stored()
        state = self._check_state(xi)
        max_iter = check_int("max_iter", max_iter, low=1)
        tol = check_real("tol", tol, low=0.0)
        single = state.ndim == 1
        state = np.array(state, ndmin=2, dtype=np.result_type(X, state), copy=True)
        B = state.shape[0]
        iterations = np.zeros(B, dtype=np.int64)
        converged = np.zeros(B, dtype=bool)
        step = tol * self.M
        for _ in range(max_iter):
            active = np.flatnonzero(~converged)
            if active.size == 0:
                break
            new = self.update(state[active])
            moved = np.sqrt(np.sum((new - state[active]) ** 2, axis=1))
            state[active] = new
            iterations[active] += 1
            converged[active] = moved <= step
        energy = self.energy(state) if self.similarity == "dot" else None
        result = Recall(
            s=state,
            m=overlap(X, state),
            energy=energy,
            sweeps=iterations,
            converged=converged,
        )
        return result[0] if single else result

    def participation(self, xi):
        """Effective number of patterns in the update of xi, 1 / sum_mu p_mu^2 with
        p = sep(beta sim(X, xi)): 1 for a single pattern, K for the global average."""
        p = self.weights(xi).astype(np.float64)
        return 1.0 / np.sum(p * p, axis=-1)

    def fixed_point_kind(self, xi):
        """Classify (fixed) states as in Ramsauer et al. (Sec. 3): "single" (the update
        retrieves one pattern, participation < 1.5), "global" (an average over more than
        half of the K patterns) or "metastable" (an average over a few).

        Returns
        -------
        ndarray of str, shape () or (B,)
            Entries of :data:`FIXED_POINTS`.
        """
        n = self.participation(xi)
        kind = np.where(n < 1.5, 0, np.where(n > self.K / 2, 2, 1))
        return np.asarray(FIXED_POINTS)[kind]

    def _stored(self):
        if self.X is None:
            raise ValueError("no patterns stored; call store(X) first")
        return self.X

    def _check_state(self, xi):
        return check_array("xi", xi, ndim=(1, 2), shape=(None, self._stored().shape[1]), kinds="f")

    def __repr__(self):
        K = "none" if self.X is None else self.X.shape[0]
        options = f"separation={self.separation!r}, similarity={self.similarity!r}"
        if self.separation == "entmax":
            options += f", alpha={self.alpha}"
        return f"ModernHopfield(beta={self.beta}, {options}, K={K})"
