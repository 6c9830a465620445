r"""Neurons with active dendrites recognising sparse distributed representations (SDRs).

The HTM neuron of Hawkins & Ahmad [1]_: a dendritic segment holds s synapses onto a
subsample of the cells active in a pattern it has learned, and fires (an NMDA spike)
when at least theta of them are active in the input x,

.. math:: \mathrm{spike}_k(x) = [\,|S_k \cap x| \ge \theta\,].

A neuron has many segments (proximal and distal: each is the same threshold unit on
the input it watches) and recognises a pattern when any of them fires. A segment may
store the union of several patterns, its synapses the union of their subsamples [2]_.

The error rates of this model are the combinatorics of :mod:`theory.dendritic`: the
false positive rate of one segment on a random input is Eq. (1) of [1]_, a neuron with
K independent segments fires falsely with probability 1 - (1 - P_FP)^K, and noise that
replaces v of the a active cells of a pattern makes its segment miss with the
hypergeometric tail of [2]_.

The synapses of all segments are kept bit-packed (K, ceil(n / 64)) uint64, and one
batch of inputs is matched against all of them by the popcount kernel
``assoc._kernels.sdr.overlaps``.

References
----------
.. [1] J. Hawkins, S. Ahmad, "Why neurons have thousands of synapses, a theory of
   sequence memory in neocortex", Front. Neural Circuits 10:23 (2016).
.. [2] S. Ahmad, J. Hawkins, "How do neurons operate on sparse distributed
   representations? A mathematical theory of sparsity, neurons and active dendrites",
   arXiv:1601.00720 (2016).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .._validation import as_generator, check_array, check_int, fail
from ..patterns import (
    _check_indices,
    _check_words,
    active_bits,
    pack_sdr,
    sdr_overlap,
    sdr_subsample,
    sdr_union,
    unpack_sdr,
)

__all__ = ["DendriticNeurons", "Recognition"]


@dataclass(frozen=True)
class Recognition:
    """What a population of dendritic neurons answers to one input or a batch of B.

    Attributes
    ----------
    overlap : ndarray of shape (K,) or (B, K), int32
        Active synapses of each of the K segments, |S_k ∩ x|.
    spikes : ndarray of shape (K,) or (B, K), bool
        Segments that fire: overlap >= theta (an NMDA spike).
    fires : ndarray of shape (N,) or (B, N), bool
        Neurons that recognise the input: any of their segments fires.
    """

    overlap: np.ndarray
    spikes: np.ndarray
    fires: np.ndarray

    def __getitem__(self, b):
        """The answer to input ``b`` of a batch."""
        if self.fires.ndim == 1:
            raise TypeError("a single-input Recognition has no batch axis to index")
        return Recognition(*(getattr(self, f.name)[b] for f in fields(self)))


class DendriticNeurons:
    r"""A population of neurons with active dendrites on an input of n cells.

    ``store(xi)`` gives every pattern a segment's worth of synapses: ``s`` of its
    active cells chosen at random (all of them if s is None). A segment holds the
    union of ``union`` consecutive patterns' synapses, and a neuron owns ``segments``
    consecutive segments, so P patterns make P / union segments and
    P / (union segments) neurons.

    Parameters
    ----------
    n : int
        Number of input cells, n >= 1.
    theta : int
        NMDA spike threshold: active synapses a segment needs to fire, theta >= 1.
    s : int, optional
        Synapses per stored pattern, s >= theta (at most the pattern's active cells).
        Default: every active cell of the pattern.
    segments : int, default=1
        Segments per neuron.
    union : int, default=1
        Patterns stored on one segment.

    Examples
    --------
    >>> from assoc import patterns
    >>> xi = patterns.sdr_indices(1000, 2048, 40, rng=0)
    >>> net = DendriticNeurons(2048, theta=10, s=20, segments=10).store(xi, rng=1)
    >>> net.neurons, net.K
    (100, 1000)
    >>> cue = patterns.sdr_noise(xi[:50], 10, 2048, rng=2)  # a quarter of each replaced
    >>> r = net.recall(cue)
    >>> bool(r.fires[range(50), np.arange(50) // 10].all())  # each owner recognises it
    True
    """

    def __init__(self, n, theta, *, s=None, segments=1, union=1):
        self.n = check_int("n", n, low=1)
        self.theta = check_int("theta", theta, low=1)
        self.s = None if s is None else check_int("s", s, low=self.theta, high=self.n)
        self.segments = check_int("segments", segments, low=1)
        self.union = check_int("union", union, low=1)
        self.synapses = None

    @property
    def K(self):
        """Number of segments."""
        return self._stored().shape[0]

    @property
    def neurons(self):
        """Number of neurons N = K / segments."""
        return self.K // self.segments

    @property
    def synapse_counts(self):
        """Synapses of each segment, ndarray of shape (K,), int64 (s times union, less
        the cells that the stored patterns' subsamples share)."""
        return active_bits(self._stored())

    def store(self, xi, *, rng=None):
        """Grow segments on the patterns ``xi``; returns self.

        Parameters
        ----------
        xi : ndarray of shape (P, a), int; or of shape (P, n), bool
            The patterns: their active cells (distinct, in range(n)), or one bool per
            cell (as :func:`~assoc.patterns.sdr` makes them), a active in each; P a
            multiple of ``union * segments``, a >= s.
        rng : None, int, SeedSequence or numpy.random.Generator
            Draws the subsamples: s uniforms per pattern (nothing if s is None).
        """
        if isinstance(xi, np.ndarray) and xi.dtype == bool:
            check_array("xi", xi, ndim=(2,), shape=(None, self.n), kinds="b")
            counts = np.unique(np.count_nonzero(xi, axis=1))
            if counts.size > 1:
                fail("xi", "SDRs with equal numbers of active cells", f"counts {counts[:6]}")
            xi = unpack_sdr(pack_sdr(xi), self.n)
        xi = _check_indices("xi", xi, n=self.n, ndim=(2,))
        P, a = xi.shape
        per_neuron = self.union * self.segments
        if P == 0 or P % per_neuron:
            fail(
                "xi",
                f"a positive multiple of union * segments = {per_neuron} patterns",
                f"{P} patterns",
            )
        if self.s is not None and a < self.s:
            fail("xi", f"patterns of at least s = {self.s} active cells", f"a = {a}")
        if self.s is not None:
            xi = sdr_subsample(xi, self.s, rng=as_generator(rng))
        words = pack_sdr(xi, self.n)
        self.synapses = sdr_union(words.reshape(P // self.union, self.union, -1))
        return self

    def recall(self, x):
        """Match inputs against every segment: which segments spike, which neurons fire.

        Parameters
        ----------
        x : ndarray of shape (a,) or (B, a), signed int; (n,) or (B, n), bool; or (W,)
            or (B, W), uint64
            The inputs: their active cells (indices), one bool per cell, or bit-packed
            words (:func:`~assoc.patterns.pack_sdr`, W = ceil(n / 64): uint64 always
            means packed words). Bool and packed inputs may have any number of active
            cells, e.g. a union of patterns.

        Returns
        -------
        Recognition
        """
        synapses = self._stored()
        if isinstance(x, np.ndarray) and x.dtype == np.uint64:
            words = _check_words("x", x, n=self.n)
        elif isinstance(x, np.ndarray) and x.dtype == np.bool_ and x.shape[-1:] != (self.n,):
            fail("x", f"bool SDRs of the n = {self.n} cells", f"shape {x.shape}")
        else:
            words = pack_sdr(x, self.n)
        overlap = sdr_overlap(synapses, words)
        spikes = overlap >= self.theta
        fires = spikes.reshape(*spikes.shape[:-1], self.neurons, self.segments).any(axis=-1)
        return Recognition(overlap=overlap, spikes=spikes, fires=fires)

    def _stored(self):
        if self.synapses is None:
            raise ValueError("no patterns stored; call store(xi) first")
        return self.synapses

    def __repr__(self):
        K = "none" if self.synapses is None else self.K
        return (
            f"DendriticNeurons(n={self.n}, theta={self.theta}, s={self.s}, "
            f"segments={self.segments}, union={self.union}, K={K})"
        )
