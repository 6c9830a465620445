r"""The multitasking Hebbian network: diluted patterns, parallel retrieval, learning.

N Ising spins with Hebbian couplings J = (1/N) sum_mu xi^mu xi^mu^T (J_ii = 0) built
from K *diluted* archetypes xi^mu in {-1, 0, +1}^N, P(xi = 0) = d [1]_. A blank in
one pattern leaves its spins free to align with another, so at low load the network
retrieves several patterns at once: at T = 0 the hierarchical state m_k = (1-d) d^(k-1).

It also learns from noisy examples eta^{mu,a} = chi^{mu,a} xi^mu, a = 1..M,
P(chi = +-1) = (1 +- r)/2 [2]_, with the normalisation R = r^2 + (1 - r^2)/M:

- supervised (the examples of each archetype are grouped):
  J = 1/(N R M^2) sum_mu (sum_a eta^{mu,a}) (sum_b eta^{mu,b})^T;
- unsupervised (all K M examples in one pile):
  J = 1/(N R M) sum_{mu,a} eta^{mu,a} eta^{mu,a}^T.

The dynamics are the classical network's (`Hopfield`): the same kernels take these
couplings as they are, through the K overlaps (O(K) per spin, fields="overlaps", the
default) or through the N x N matrix.

References
----------
.. [1] E. Agliari, A. Barra, A. Galluzzi, F. Guerra, F. Moauro, "Multitasking
       associative networks", PRL 109, 268101 (2012).
.. [2] E. Agliari, A. Alessandrelli, A. Barra, F. Ricci-Tersenghi, "Parallel learning
       by multitasking neural networks", J. Stat. Mech. (2023) 113401.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_real, check_spins, fail
from ..patterns import overlap
from ._base import Recall
from .hopfield import Hopfield

__all__ = ["ExampleRecall", "Multitask"]


@dataclass(frozen=True)
class ExampleRecall(Recall):
    """`Recall` of a network that learned from examples.

    Attributes
    ----------
    m_examples : ndarray of shape (K, M) or (B, K, M), float64
        Overlaps of the final state with every example eta^{mu,a}.
    """

    m_examples: np.ndarray | None = None


class Multitask(Hopfield):
    r"""Hebbian network of N +-1 spins storing diluted patterns or learning from examples.

    Parameters
    ----------
    N : int
        Number of spins.
    T : float, default=0.0
        Temperature (Glauber dynamics at T > 0, as in `Hopfield`).
    fields : {"auto", "couplings", "overlaps"}, default="auto"
        As in `Hopfield`; "auto" keeps the fields through the overlaps.

    Examples
    --------
    >>> import numpy as np
    >>> from assoc import patterns
    >>> xi = patterns.diluted_spins(2, 4000, 0.3, rng=0)
    >>> net = Multitask(4000).store(xi)
    >>> r = net.recall(patterns.random_spins(1, 4000, rng=1)[0], rng=2)
    >>> np.sort(np.abs(r.m)).round(1).tolist()  # hierarchical: (1 - d) d, (1 - d)
    [0.2, 0.7]
    """

    _zeros = True

    def __init__(self, N, *, T=0.0, fields="auto"):
        super().__init__(N, rule="hebb", T=T, fields=fields)
        self.eta = None

    def store(self, xi):
        """Store diluted archetypes ``xi`` (ndarray (K, N), int8 in {-1, 0, +1}); returns
        self."""
        super().store(xi)
        self.eta = None
        return self

    def learn(self, eta, *, r, supervised=True, xi=None):
        r"""Build the couplings from examples ``eta`` of shape (K, M, N); returns self.

        Parameters
        ----------
        eta : ndarray of shape (K, M, N), int8 in {-1, 0, +1}
            M examples of each of K archetypes (`assoc.patterns.noisy_examples`).
        r : float
            Quality of the examples, 0 < r <= 1: sets R = r^2 + (1 - r^2)/M.
        supervised : bool, default=True
            Hebb on the example sums of each archetype, or on every example alone.
        xi : ndarray of shape (K, N), optional
            The archetypes, when known, to report overlaps with them (``Recall.m``).
            Without them ``m`` is the overlap with the sign of each example mean.
        """
        check_array("eta", eta, ndim=(3,), shape=(None, None, self.N), kinds="i")
        check_spins("eta", eta.reshape(-1, self.N), N=self.N, ndim=(2,), zeros=True)
        r = check_real("r", r, low=0.0, high=1.0, closed=(False, True))
        K, M, N = eta.shape
        if K == 0 or M == 0:
            fail("eta", "at least one archetype and one example each", f"shape {eta.shape}")
        # sum_a eta^{mu,a}, |.| <= M
        total = eta.sum(axis=1, dtype=np.int16 if M < 2**15 else np.int32)
        if xi is None:
            xi = np.sign(total).astype(np.int8)
        elif check_spins("xi", xi, N=N, ndim=(2,), zeros=True).shape[0] != K:
            fail("xi", f"an array of K = {K} archetypes", f"shape {xi.shape}")
        self.xi, self.eta = xi, eta
        R = r**2 + (1 - r**2) / M
        if supervised:
            self._couple(total, 1.0 / (R * M**2))
        else:
            self._couple(eta.reshape(K * M, N), 1.0 / (R * M))
        return self

    def recall(self, cue, **kwargs):
        """As `Hopfield.recall`; after `learn` the result also holds the overlaps with
        every example (`ExampleRecall`)."""
        result = super().recall(cue, **kwargs)
        if self.eta is None:
            return result
        K, M, N = self.eta.shape
        m = overlap(self.eta.reshape(K * M, N), result.s).reshape((*result.s.shape[:-1], K, M))
        return ExampleRecall(**vars(result), m_examples=m)
