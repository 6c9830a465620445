r"""Neurons with active dendrites recognising sparse distributed representations (SDRs).

The HTM neuron of Hawkins & Ahmad [1]_: a dendritic segment k holds synapses S_k onto a
subsample of the cells active in a pattern it has learned, and fires (an NMDA spike)
when at least theta of them are active in the input x,

.. math:: \mathrm{spike}_k(x) = [\,|S_k \cap x| \ge \theta\,].

A neuron has many segments (proximal and distal: each is the same threshold unit on
the input it watches) and recognises a pattern when any of them fires. A segment may
store the union of several patterns, its synapses the union of their subsamples [2]_.

The error rates of this model are the combinatorics of :mod:`theory.dendritic`: the
false positive rate of one segment on a random input is Eq. (1) of [1]_, a neuron with
n_segments independent segments fires falsely with probability
1 - (1 - P_FP)^n_segments, and noise that replaces v of the w active cells of a pattern
makes its segment miss with the hypergeometric tail of [2]_.

The synapses of all segments are kept bit-packed, (n_segments, ceil(N / 64)) uint64
(`DendriticNeurons.W`), and one batch of inputs is matched against all of them by the
popcount kernel ``assoc._kernels.sdr.overlaps``.

References
----------
.. [1] J. Hawkins, S. Ahmad, "Why neurons have thousands of synapses, a theory of
   sequence memory in neocortex", Front. Neural Circuits 10:23 (2016).
.. [2] S. Ahmad, J. Hawkins, "How do neurons operate on sparse distributed
   representations? A mathematical theory of sparsity, neurons and active dendrites",
   arXiv:1601.00720 (2016).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .._kernels import sdr as _sdr
from .._validation import as_generator, check_array, check_batch, check_int, check_size, fail
from ..patterns import (
    _bools,
    _check_indices,
    _check_words,
    _words,
    active_bits,
    pack_sdr,
    sdr_overlap,
    sdr_subsample,
    sdr_union,
    unpack_sdr,
)
from .memory import Memory, Recall

__all__ = ["DendriticNeurons", "Recognition"]


@dataclass(frozen=True, eq=False, repr=False)
class Recognition(Recall):
    """What a population of dendritic neurons answers to one input or a batch of B.

    The `Recall` fields: ``s`` is the input, one bool per cell, shape (N,) or (B, N);
    ``m`` the overlaps |S_k ∩ x| of the input with the synapses of each of the
    n_segments segments (float64, shape (n_segments,) or (B, n_segments); a segment
    holds ``union`` patterns, so these are overlaps with segments, not with single
    patterns); ``energy`` None (a threshold unit minimises nothing); ``sweeps`` 1 and
    ``converged`` True (one deterministic pass).

    Attributes
    ----------
    spikes : ndarray of shape (n_segments,) or (B, n_segments), bool
        Segments that fire: m >= theta (an NMDA spike).
    fires : ndarray of shape (neurons,) or (B, neurons), bool
        Neurons that recognise the input: any of their segments fires.
    """

    spikes: np.ndarray | None = None
    fires: np.ndarray | None = None

    dims: ClassVar[dict] = {
        **Recall.dims,
        "m": ("segment",),
        "spikes": ("segment",),
        "fires": ("neuron",),
    }


class DendriticNeurons(Memory):
    r"""A population of neurons with active dendrites on an input of N cells.

    ``store(xi)`` gives every pattern a segment's worth of synapses: ``synapses`` of its
    active cells chosen at random (all of them if synapses is None). A segment holds the
    union of ``union`` consecutive patterns' synapses, and a neuron owns ``segments``
    consecutive segments, so P patterns make n_segments = P / union segments and
    P / (union segments) neurons.

    Parameters
    ----------
    N : int
        Number of input cells, N >= 1.
    theta : int
        NMDA spike threshold: active synapses a segment needs to fire, 1 <= theta <= N.
    synapses : int, optional
        Synapses a segment grows per stored pattern, theta <= synapses <= N (at most the
        pattern's w active cells). Default: every active cell of the pattern.
    segments : int, default=1
        Segments per neuron.
    union : int, default=1
        Patterns stored on one segment.

    Examples
    --------
    >>> from assoc import patterns
    >>> xi = patterns.sdr_indices(1000, 2048, 40, rng=0)
    >>> net = DendriticNeurons(2048, theta=10, synapses=20, segments=10).store(xi, rng=1)
    >>> net.neurons, net.n_segments, net.P
    (100, 1000, 1000)
    >>> cue = patterns.sdr_noise(xi[:50], 10, 2048, rng=2)  # a quarter of each replaced
    >>> r = net.recall(cue)
    >>> bool(r.fires[range(50), np.arange(50) // 10].all())  # each owner recognises it
    True
    """

    _params = ("N", "theta", "synapses", "segments", "union")

    def __init__(self, N, theta, *, synapses=None, segments=1, union=1):
        self.N = check_int("N", N, low=1)
        self.theta = check_int("theta", theta, low=1, high=self.N)
        if synapses is not None:
            synapses = check_int("synapses", synapses, low=self.theta, high=self.N)
        self.synapses = synapses
        self.segments = check_int("segments", segments, low=1)
        self.union = check_int("union", union, low=1)
        self._W = None
        self._P = 0

    # ---- stored state -----------------------------------------------------------------

    def _is_stored(self):
        return self._W is not None

    def _count(self):
        return self._P

    def _state(self):
        return {"W": self._W, "P": self._P}

    def _restore(self, arrays):
        W = np.ascontiguousarray(arrays["W"], dtype=np.uint64)
        _check_words("W", W, N=self.N, ndim=(2,))
        self._W, self._P = W, int(arrays["P"])

    # ---- properties -------------------------------------------------------------------

    @property
    def W(self):
        """Synapses of every segment, bit-packed: ndarray of shape (n_segments,
        ceil(N / 64)), uint64 (cell i is bit i % 64 of word i // 64; see
        :func:`~assoc.patterns.pack_sdr`)."""
        self._stored()
        return self._W

    @property
    def n_segments(self):
        """Number of segments, P / union."""
        self._stored()
        return self._W.shape[0]

    @property
    def neurons(self):
        """Number of neurons, n_segments / segments."""
        self._stored()
        return self.n_segments // self.segments

    @property
    def synapse_counts(self):
        """Synapses of each segment, ndarray of shape (n_segments,), int64 (synapses
        times union, less the cells that the stored patterns' subsamples share)."""
        self._stored()
        return active_bits(self._W)

    # ---- verbs ------------------------------------------------------------------------

    def store(self, xi, *, rng=None):
        """Grow segments on the patterns ``xi``; returns self. Replaces what was stored.

        Parameters
        ----------
        xi : ndarray of shape (P, w), int; or of shape (P, N), bool
            The patterns: their active cells (distinct, in range(N)), or one bool per
            cell (as :func:`~assoc.patterns.sdr` makes them), w active in each; P a
            multiple of ``union * segments``, w >= synapses.
        rng : None, int, SeedSequence or numpy.random.Generator
            Draws the subsamples: ``synapses`` uniforms per pattern (nothing if synapses
            is None).
        """
        rng = as_generator(rng)
        if isinstance(xi, np.ndarray) and xi.dtype == bool:
            check_array("xi", xi, ndim=(2,), shape=(None, self.N), kinds="b")
            counts = np.unique(np.count_nonzero(xi, axis=1))
            if counts.size > 1:
                fail("xi", "SDRs with equal numbers of active cells", f"counts {counts[:6]}")
            xi = unpack_sdr(pack_sdr(xi), self.N)
        xi = _check_indices("xi", xi, N=self.N, ndim=(2,))
        P, w = xi.shape
        per_neuron = self.union * self.segments
        if P == 0 or P % per_neuron:
            fail(
                "xi",
                f"a positive multiple of union * segments = {per_neuron} patterns",
                f"{P} patterns",
            )
        if self.synapses is not None and w < self.synapses:
            fail(
                "xi",
                f"patterns of at least synapses = {self.synapses} active cells",
                f"w = {w}",
            )
        if self.synapses is not None:
            xi = sdr_subsample(xi, self.synapses, rng=rng)
        words = pack_sdr(xi, self.N)
        self._W = sdr_union(words.reshape(P // self.union, self.union, -1))
        self._P = P
        return self

    def recall(self, cue, *, rng=None):
        """Match inputs against every segment: which segments spike, which neurons fire.

        Deterministic: ``rng`` is unused (validated only, as in every model's recall).

        Parameters
        ----------
        cue : ndarray of shape (w,) or (B, w), signed int; (N,) or (B, N), bool; or
            (ceil(N / 64),) or (B, ceil(N / 64)), uint64
            The inputs: their active cells (indices), one bool per cell, or bit-packed
            words (:func:`~assoc.patterns.pack_sdr`: uint64 always means packed words).
            Bool and packed inputs may have any number of active cells, e.g. a union of
            patterns.
        rng : None, int, SeedSequence or numpy.random.Generator
            Unused.

        Returns
        -------
        Recognition
            ``s`` the input as bool, ``m`` = |S_k ∩ x| for every segment k, float64,
            ``spikes`` m >= theta, ``fires`` any spike among a neuron's segments.
        """
        self._stored()
        as_generator(rng)
        if isinstance(cue, np.ndarray) and cue.dtype == np.uint64:
            words = _check_words("cue", cue, N=self.N)
        elif isinstance(cue, np.ndarray) and cue.dtype == np.bool_:
            if cue.shape[-1:] != (self.N,):
                fail("cue", f"bool SDRs of the N = {self.N} cells", f"shape {cue.shape}")
            check_array("cue", cue, ndim=(1, 2), kinds="b")
            words = pack_sdr(cue)
        else:
            cue = _check_indices("cue", cue, N=self.N)
            check_size("N", (*cue.shape[:-1], _words(self.N)))
            words = np.zeros((*cue.shape[:-1], _words(self.N)), dtype=np.uint64)
            _sdr.pack(cue.reshape(-1, cue.shape[-1]), words.reshape(-1, words.shape[-1]))
        check_batch("cue", words)
        single = words.ndim == 1
        words = words.reshape(-1, words.shape[-1])
        B = words.shape[0]
        overlap = sdr_overlap(self._W, words)
        spikes = overlap >= self.theta
        fires = spikes.reshape(B, self.n_segments // self.segments, self.segments).any(axis=-1)
        result = Recognition(
            s=_bools(words, self.N),
            m=overlap.astype(np.float64),
            energy=None,
            sweeps=np.ones(B, dtype=np.int64),
            converged=np.ones(B, dtype=bool),
            spikes=spikes,
            fires=fires,
        )
        return self._one_or_batch(result, single)
