"""The `Recall` result and the spin dynamics shared by every model with pairwise couplings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._kernels import spins as _spins

# Random numbers drawn per kernel call: bounds the memory of sites/u to ~16 MB.
_DRAW_BLOCK = 1 << 20


@dataclass(frozen=True)
class Recall:
    """What a recall returns, for one cue or a batch of B cues.

    Attributes
    ----------
    s : ndarray of shape (N,) or (B, N)
        Final state.
    m : ndarray of shape (P,) or (B, P), float64
        Overlaps of the final state with the stored patterns.
    energy : float or ndarray of shape (B,)
        Energy of the final state.
    sweeps : int or ndarray of shape (B,)
        Sweeps (N single-spin updates each, or one parallel update) performed.
    converged : bool or ndarray of shape (B,)
        Whether the final state is a fixed point of the zero-temperature dynamics.
    m_mean : ndarray of shape (P,) or (B, P), or None
        Overlaps of the time-averaged state over the measured sweeps (Glauber
        dynamics), <m_mu> = (1/N) sum_i xi_i^mu <s_i>; None for zero-T dynamics.
    """

    s: np.ndarray
    m: np.ndarray
    energy: float | np.ndarray
    sweeps: int | np.ndarray
    converged: bool | np.ndarray
    m_mean: np.ndarray | None = None

    def __getitem__(self, b):
        """The result of cue ``b`` of a batch."""
        if self.s.ndim == 1:
            raise TypeError("a single-cue Recall has no batch axis to index")
        pick = lambda x: None if x is None else x[b]  # noqa: E731
        return Recall(*(pick(getattr(self, f)) for f in self.__dataclass_fields__))


def zero_T_async(J, s, *, max_sweeps, rng):
    """Zero-temperature asynchronous dynamics until no spin flips in a sweep.

    Each sweep visits every spin once, in a fresh random order per replica.

    Returns
    -------
    h, sweeps, converged
        Final local fields (float64), sweeps used and convergence flags per replica.
    """
    B, N = s.shape
    h = s.astype(np.float64) @ J
    sweeps = np.zeros(B, dtype=np.int64)
    active = np.ones(B, dtype=np.bool_)
    flips = np.zeros(B, dtype=np.int64)
    identity = np.broadcast_to(np.arange(N, dtype=np.int32), (B, N))
    while active.any() and sweeps.max() < max_sweeps:
        order = rng.permuted(identity, axis=1)
        _spins.zero_T_sweep(J, s, h, order, active, flips)
        sweeps += active
        active &= flips > 0
    return h, sweeps, ~active


def glauber(J, s, *, beta, sweeps, equilibrate, rng):
    """Heat-bath dynamics: ``equilibrate`` sweeps, then ``sweeps`` measured sweeps.

    A sweep is N single-site updates at sites drawn uniformly at random (random
    sequential updating); each update satisfies detailed balance with respect to
    exp(-beta E), so the Boltzmann distribution is stationary.

    Returns
    -------
    h, s_mean
        Final local fields and the time-averaged state over the measured sweeps.
    """
    B, N = s.shape
    h = s.astype(np.float64) @ J
    s_sum = np.zeros((B, N), dtype=np.float64)
    total = equilibrate + sweeps
    block = max(1, _DRAW_BLOCK // (B * N))
    for start in range(0, total, block):
        C = min(block, total - start)
        sites = rng.integers(0, N, size=(C, B, N), dtype=np.int32)
        u = rng.random((C, B, N))
        _spins.glauber_sweeps(J, s, h, beta, sites, u, s_sum, max(0, equilibrate - start))
    return h, s_sum / max(sweeps, 1)


def synchronous(J, s, *, max_sweeps):
    """Zero-temperature parallel dynamics s <- sign(J s) (ties keep s), as a matrix
    product over the batch, until a fixed point or a two-cycle.

    Returns
    -------
    h, sweeps
    """
    B = s.shape[0]
    sweeps = np.zeros(B, dtype=np.int64)
    previous = np.zeros_like(s)
    h = s.astype(np.float32) @ J
    active = np.ones(B, dtype=bool)
    while active.any() and sweeps.max() < max_sweeps:
        new = np.where(h > 0, 1, np.where(h < 0, -1, s)).astype(np.int8)
        changed = (new != s).any(axis=1)
        cycle = (new == previous).all(axis=1)
        previous[active] = s[active]
        s[active] = new[active]
        sweeps += active
        active &= changed & ~cycle
        h = s.astype(np.float32) @ J
    return h.astype(np.float64), sweeps
