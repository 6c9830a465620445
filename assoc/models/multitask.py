r"""The multitasking Hebbian network: diluted patterns, parallel retrieval, learning.

N Ising spins with Hebbian couplings J = (1/N) sum_mu xi^mu xi^mu^T (J_ii = 0) built
from P *diluted* archetypes xi^mu in {-1, 0, +1}^N, P(xi = 0) = d [1]_. A blank in
one pattern leaves its spins free to align with another, so at low load the network
retrieves several patterns at once: at T = 0 the hierarchical state m_k = (1-d) d^(k-1).

It also learns from noisy examples eta^{mu,a} = chi^{mu,a} xi^mu, a = 1..M,
P(chi = +-1) = (1 +- r)/2 [2]_, with the normalisation R = r^2 + (1 - r^2)/M:

- supervised (the examples of each archetype are grouped):
  J = 1/(N R M^2) sum_mu (sum_a eta^{mu,a}) (sum_b eta^{mu,b})^T;
- unsupervised (all P M examples in one pile):
  J = 1/(N R M) sum_{mu,a} eta^{mu,a} eta^{mu,a}^T.

The dynamics are the classical network's (`Hopfield`): the same kernels take these
couplings as they are, through the P overlaps (O(P) per spin, fields="overlaps", the
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
from typing import ClassVar

import numpy as np

from .._validation import check_array, check_flag, check_real, check_spins, fail
from ..patterns import overlap
from ._base import Recall
from .hopfield import Hopfield

__all__ = ["ExampleRecall", "Multitask"]


@dataclass(frozen=True, eq=False, repr=False)
class ExampleRecall(Recall):
    """`Recall` of a network that learned from examples.

    Attributes
    ----------
    m_examples : ndarray of shape (P, M) or (B, P, M), float64
        Overlaps of the final state with every example eta^{mu,a}.
    """

    m_examples: np.ndarray | None = None

    dims: ClassVar[dict] = {**Recall.dims, "m_examples": ("pattern", "example")}


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
    _params = ("N", "T", "fields")

    def __init__(self, N, *, T=0.0, fields="auto"):
        super().__init__(N, rule="hebb", T=T, fields=fields)
        self.eta = None
        self._learned = None

    def store(self, xi):
        """Store diluted archetypes ``xi`` (ndarray (P, N), int8 in {-1, 0, +1}); returns
        self."""
        super().store(xi)
        self.eta = self._learned = None
        return self

    def learn(self, eta, *, r, supervised=True, xi=None):
        r"""Build the couplings from examples ``eta`` of shape (P, M, N); returns self.

        Parameters
        ----------
        eta : ndarray of shape (P, M, N), int8 in {-1, 0, +1}
            M examples of each of P archetypes (`assoc.patterns.noisy_examples`).
        r : float
            Quality of the examples, 0 < r <= 1: sets R = r^2 + (1 - r^2)/M.
        supervised : bool, default=True
            Hebb on the example sums of each archetype, or on every example alone.
        xi : ndarray of shape (P, N), optional
            The archetypes, when known, to report overlaps with them (``Recall.m``).
            Without them ``m`` is the overlap with the sign of each example mean.
        """
        check_array("eta", eta, ndim=(3,), shape=(None, None, self.N), kinds="i")
        check_spins("eta", eta.reshape(-1, self.N), N=self.N, ndim=(2,), zeros=True)
        r = check_real("r", r, low=0.0, high=1.0, closed=(False, True))
        supervised = check_flag("supervised", supervised)
        P, M, N = eta.shape
        if P == 0 or M == 0:
            fail("eta", "at least one archetype and one example each", f"shape {eta.shape}")
        # sum_a eta^{mu,a}, |.| <= M
        total = eta.sum(axis=1, dtype=np.int16 if M < 2**15 else np.int32)
        if xi is None:
            xi = np.sign(total).astype(np.int8)
        elif check_spins("xi", xi, N=N, ndim=(2,), zeros=True).shape[0] != P:
            fail("xi", f"an array of P = {P} archetypes", f"shape {xi.shape}")
        self.xi, self.eta, self._learned = xi, eta, (r, bool(supervised))
        R = r**2 + (1 - r**2) / M
        if supervised:
            self._couple(total, 1.0 / (R * M**2))
        else:
            self._couple(eta.reshape(P * M, N), 1.0 / (R * M))
        return self

    def _state(self):
        if self.eta is None:
            return super()._state()
        r, supervised = self._learned
        return {"xi": self.xi, "eta": self.eta, "r": r, "supervised": supervised}

    def _restore(self, arrays):
        if "eta" not in arrays:
            return super()._restore(arrays)
        self.learn(
            arrays["eta"], r=float(arrays["r"]), supervised=bool(arrays["supervised"]),
            xi=arrays["xi"],
        )  # fmt: skip

    def _recall(self, s, single, *args, **kwargs):
        """As `SpinMemory._recall`; after `learn` an `ExampleRecall`, which also holds the
        overlaps with every example."""
        result = super()._recall(s, False, *args, **kwargs)
        if self.eta is not None:
            P, M, N = self.eta.shape
            m = overlap(self.eta.reshape(P * M, N), s).reshape(-1, P, M)
            result = ExampleRecall(**vars(result), m_examples=m)
        return self._one_or_batch(result, single)
