r"""The classical Hopfield network: N Ising spins, pairwise couplings, E = -1/2 s^T J s.

Couplings (float32, symmetric, zero diagonal):

- Hebbian [1]_: J = (1/N) sum_mu xi^mu xi^mu^T;
- Storkey's incremental rule [2]_;
- the pseudo-inverse (projection) rule [3]_: J = (1/N) xi^T C^{-1} xi,
  C_{mu nu} = (1/N) xi^mu . xi^nu, which makes every stored pattern a fixed point
  up to alpha = P/N < 1, correlated or not.

References
----------
.. [1] J. J. Hopfield, PNAS 79, 2554 (1982).
.. [2] A. Storkey, ICANN'97, LNCS 1327, 451 (1997).
.. [3] L. Personnaz, I. Guyon, G. Dreyfus, J. Physique Lett. 46, L359 (1985);
       I. Kanter, H. Sompolinsky, PRA 35, 380 (1987).
"""

from __future__ import annotations

import numpy as np

from .._kernels import spins as _spins
from .._validation import (
    as_generator,
    check_choice,
    check_int,
    check_real,
    check_size,
    check_spins,
    fail,
    physical_memory,
)
from ._base import (
    CouplingFields,
    OverlapFields,
    SpinMemory,
    run_dynamics,
    synchronous,
)

__all__ = ["Hopfield", "hebb", "pseudo_inverse", "storkey"]


def hebb(xi):
    r"""Hebbian couplings J_ij = (1/N) sum_mu xi_i^mu xi_j^mu, J_ii = 0 (float32).

    Works for +-1 and diluted {-1, 0, +1} patterns alike (``xi`` of shape (P, N), int8).
    """
    return _hebb(_check_rule_patterns(xi, zeros=True))


def _hebb(patterns):
    """`hebb` of integer patterns (or sums of them, as `Multitask` learns), unchecked."""
    return _hebb_counts(patterns) / np.float32(patterns.shape[1])


def _check_rule_patterns(xi, zeros):
    """Patterns (P, N), int8 +-1 (or 0 too), whose (N, N) couplings fit in memory."""
    check_spins("xi", xi, ndim=(2,), zeros=zeros)
    check_size("xi", (xi.shape[1], xi.shape[1]))
    return xi


def _hebb_counts(xi):
    """N J = xi^T xi with zero diagonal, float32 (integers: exact below 2^24)."""
    x = xi.astype(np.float32)
    counts = x.T @ x
    np.fill_diagonal(counts, 0.0)
    return counts


def _compact_counts(patterns):
    """`_hebb_counts` as int16 where every |N J_ij| <= P max|xi|^2 fits it and every
    |N h_i| <= N P max|xi|^2 fits int32 (the kept fields), else None."""
    bound = patterns.shape[0] * float(np.abs(patterns).max(initial=0)) ** 2
    if bound < 2**15 and patterns.shape[1] * bound < 2**31:
        return _hebb_counts(patterns).astype(np.int16)
    return None


def storkey(xi):
    r"""Storkey's incremental rule (Storkey 1997), pattern by pattern:

    J^mu_ij = J^{mu-1}_ij + (1/N) (xi_i xi_j - xi_i h_ji - h_ij xi_j),
    h_ij = sum_{k != i, j} J^{mu-1}_ik xi_k, with xi = xi^mu and J_ii = 0.
    For +-1 patterns and zero diagonal, xi_i h_ji = xi_i h_j - J_ij with h = J xi
    (``xi`` of shape (P, N), int8 +-1).
    """
    _P, N = _check_rule_patterns(xi, zeros=False).shape
    J = np.zeros((N, N))
    for x in xi.astype(np.float64):
        h = J @ x
        J += (np.outer(x, x) - np.outer(x, h) - np.outer(h, x) + 2.0 * J) / N
        np.fill_diagonal(J, 0.0)
    return J.astype(np.float32)


def pseudo_inverse(xi):
    r"""Projection couplings J = (1/N) xi^T C^+ xi, C = xi xi^T / N, J_ii = 0 (float32).

    C^+ is the Moore-Penrose inverse, so linearly dependent patterns are allowed
    (``xi`` of shape (P, N), int8 in {-1, 0, +1}).
    """
    x = _check_rule_patterns(xi, zeros=True).astype(np.float64)
    N = xi.shape[1]
    J = x.T @ np.linalg.pinv(x @ x.T / N) @ x / N
    np.fill_diagonal(J, 0.0)
    return J.astype(np.float32)


_RULES = {"hebb": _hebb, "storkey": storkey, "pseudo_inverse": pseudo_inverse}

ALPHA_COUPLINGS = {"T = 0": 0.2, "T > 0": 0.5}
"""Loads from which sweeps from kept fields (a flip reads a row of int16 couplings, a
non-flip one field) beat sweeps from the overlaps (every update a P-term dot product)
once the couplings are built, at T = 0 and at T > 0 (where more spins flip): measured
by ``python -m benchmarks.bench_recall`` (its engines table, N = 2000)."""


def _integer_couplings_exact(patterns):
    """Whether every partial sum of patterns^T patterns is an integer below 2^24."""
    return patterns.shape[0] * float(np.abs(patterns).max(initial=0)) ** 2 < 2**24


class Hopfield(SpinMemory):
    r"""Hopfield network of N +-1 spins with energy E(s) = -1/2 sum_ij J_ij s_i s_j.

    Parameters
    ----------
    N : int
        Number of spins.
    rule : {"hebb", "storkey", "pseudo_inverse"}, default="hebb"
        Learning rule for the couplings.
    T : float, default=0.0
        Temperature of the dynamics. At T = 0, ``recall`` runs zero-temperature
        dynamics (s_i <- sign h_i) to a fixed point; at T > 0 it runs Glauber
        heat-bath dynamics, P(s_i = +1) = (1 + tanh(h_i / T)) / 2.
    fields : {"auto", "couplings", "overlaps"}, default="auto"
        How asynchronous dynamics keeps the local fields: from the N x N couplings
        (a flip reads a row of J, O(N)), or, for the Hebbian rule only, from the P
        overlaps (h_i = sum_mu xi_i^mu m_mu - alpha s_i; every update costs O(P), J is
        never built). Hebbian fields are exact integers either way (int16 couplings
        where they fit), so ties are exact and both give the same states. "auto" takes
        "couplings" for the other rules; for the Hebbian rule "overlaps", and at loads
        alpha >= ``ALPHA_COUPLINGS`` (0.2 at T = 0, 0.5 at T > 0) it builds the
        couplings once the recalls have spent as much work as that costs
        (`_choose_engine`).

    Examples
    --------
    >>> from assoc import patterns
    >>> xi = patterns.random_spins(50, 1000, rng=0)
    >>> net = Hopfield(1000).store(xi)
    >>> cue = patterns.flip(xi[:3], 0.1, rng=1)
    >>> r = net.recall(cue, rng=2)
    >>> bool((r.m[[0, 1, 2], [0, 1, 2]] > 0.99).all())
    True
    """

    _params = ("N", "rule", "T", "fields")

    def __init__(self, N, *, rule="hebb", T=0.0, fields="auto"):
        self.N = check_int("N", N, low=1)
        self.rule = check_choice("rule", rule, _RULES)
        self.T = check_real("T", T, low=0.0)
        fields = check_choice("fields", fields, {"auto", "couplings", "overlaps"})
        if fields == "overlaps" and self.rule != "hebb":
            fail("fields", '"couplings" or "auto" for the rule ' + repr(self.rule), '"overlaps"')
        self.fields = fields
        self.xi = None

    @property
    def _engine_kind(self):
        if self.fields == "auto":
            return "overlaps" if self.rule == "hebb" else "couplings"
        return self.fields

    @property
    def alpha(self):
        """Load alpha = P/N of the stored patterns."""
        return self.P / self.N

    @property
    def J(self):
        """Couplings, ndarray of shape (N, N), float32 (built on first use)."""
        self._stored()
        if self._J is None:
            self._J = _RULES[self.rule](self._hebb_patterns)
            if self._hebb_scale != 1.0:
                self._J *= np.float32(self._hebb_scale)
        return self._J

    def store(self, xi):
        """Store the patterns ``xi`` (ndarray of shape (P, N), int8 +-1); returns self."""
        self.xi = self._check_patterns(xi)
        if self._engine_kind == "couplings":
            check_size("xi", (self.N, self.N), 4)  # the couplings, float32
        self._couple(self.xi)
        return self

    def _couple(self, patterns, scale=1.0):
        """Couplings from ``patterns`` by the rule (for Hebb: J = scale patterns^T patterns
        / N), and the field engine that keeps the local fields."""
        self._hebb_patterns, self._hebb_scale, self._J = patterns, scale, None
        # the overlaps with the stored patterns, for every engine's results
        self._overlaps = OverlapFields(self.xi)
        hebb = OverlapFields(patterns, scale) if self.rule == "hebb" else None
        if self._engine_kind == "overlaps":
            self._engine = hebb
        elif hebb is not None and _integer_couplings_exact(patterns):
            self._engine = self._hebb_couplings(hebb)
        else:
            self._engine = CouplingFields(self.J)
        self._hebb, self._sweeps_run = hebb, 0

    def _hebb_couplings(self, hebb):
        """The kept-field engine of Hebbian couplings N J / scale = patterns^T patterns:
        integers, exact in int16 (or float32)."""
        counts = _compact_counts(hebb.xiT.T)
        counts = _hebb_counts(hebb.xiT.T) if counts is None else counts
        return CouplingFields(counts, unit=self.N / hebb.scale, hebb=hebb)

    def _choose_engine(self, sweeps):
        """``fields="auto"``, after a recall of ``sweeps`` replica-sweeps on the overlaps:
        once the recalls have run N of them (N^2 P multiply-adds, what building the
        couplings costs), at loads alpha >= `ALPHA_COUPLINGS` where the couplings fit
        in a quarter of the memory, build them and keep the fields from them (a sweep
        then reads O(N) per flip, not O(P) per spin). Results do not change, only time:
        both engines are exact and draw the same random numbers."""
        self._sweeps_run += sweeps
        memory = physical_memory()
        alpha = ALPHA_COUPLINGS["T = 0" if self.T == 0 else "T > 0"]
        if (
            self._sweeps_run >= self.N
            and self._hebb.xiT.shape[1] >= alpha * self.N  # patterns learned
            and memory is not None
            and 6 * self.N**2 <= memory / 4  # int16 J and its float32 product
        ):
            self._engine = self._hebb_couplings(self._hebb)

    def field(self, s):
        """Local fields h = J s, float64, of shape s.shape."""
        self._stored()
        s = self._check_state(s)
        return self._engine.fields(s, self._engine.start(s))

    def energy(self, s):
        """E(s) = -1/2 s^T J s, float or ndarray of shape (B,)."""
        self._stored()
        s = self._check_state(s)
        return -0.5 * np.sum(s * self._engine.fields(s, self._engine.start(s)), axis=-1)

    def _measure(self, s, kept=None):
        """Overlaps from the kept ones where the engine keeps them, else from the exact
        integer kernel; Hebbian energies from the overlaps with the learned patterns,
        -(scale / 2N) (sum_mu M_mu^2 - sum_i c_i), others -s.h / 2 from the kept fields."""
        kept = self._engine.start(s) if kept is None else kept
        M = kept if self._engine is self._hebb else None
        if self._hebb is not None:
            M = self._hebb.start(s) if M is None else M
            E = self._hebb.energy(M)
        else:
            E = -0.5 * np.sum(s * self._engine.fields(s, kept), axis=-1)
        if M is None or self._hebb_patterns is not self.xi:
            M = self._overlaps.start(s)
        return M / self.N, E

    def _mean_overlaps(self, s_mean):
        """From the kernel, without a float copy of the patterns."""
        m = np.empty((s_mean.shape[0], self.P))
        _spins.overlaps(self._overlaps.xiT, s_mean, m)
        return m / self.N

    def recall(
        self,
        cue,
        *,
        rng=None,
        dynamics="async",
        max_sweeps=None,
        sweeps=None,
        equilibrate=None,
        trace=False,
    ):
        """Run the dynamics from ``cue`` (one state (N,) or a batch (B, N), int8).

        Parameters
        ----------
        cue : ndarray of shape (N,) or (B, N), int8
            Initial states, entries +-1, or 0 for an unknown bit (`patterns.mask`),
            which starts at +-1 drawn from ``rng``; not modified.
        rng : None, int or numpy.random.Generator
            Draws the unknown bits of the cue, then the update order (T = 0) or orders
            and heat-bath thresholds (T > 0); unused by synchronous dynamics.
        dynamics : {"async", "sync"}, default="async"
            Asynchronous (one spin at a time) or synchronous (all spins at once,
            T = 0 only) updates.
        max_sweeps : int, default=100
            T = 0 only: stop at a fixed point or after this many sweeps.
        sweeps : int
            T > 0 only, required: measured Glauber sweeps.
        equilibrate : int, default=0
            T > 0 only: sweeps run before measuring.
        trace : bool, default=False
            Record the overlaps and the energy at the start and after every sweep
            (``Recall.m_trace``, ``Recall.energy_trace``); costs a product with the
            patterns per sweep.

        Returns
        -------
        Recall
            ``m`` holds the final overlaps; at T > 0 ``m_mean`` holds the overlaps of
            the state averaged over the measured sweeps.
        """
        self._stored()
        check_choice("dynamics", dynamics, {"async", "sync"})
        if dynamics == "sync" and self.T > 0:
            fail("dynamics", '"async" at T > 0 (Glauber dynamics)', '"sync"')
        options = self._options(max_sweeps=max_sweeps, sweeps=sweeps, equilibrate=equilibrate)
        observe = self._tracer(trace)
        rng = as_generator(rng)
        s, single = self._cues(cue, rng)
        if dynamics == "sync":
            kept, n = synchronous(self._engine, s, observe=observe, **options)
            s_mean = fixed = None
        else:
            kept, n, s_mean, fixed = run_dynamics(
                self._engine, s, T=self.T, rng=rng, options=options, observe=observe
            )
        result = self._recall(s, single, kept, n, s_mean, fixed, trace=observe)
        if self.fields == "auto" and dynamics == "async" and self._engine is self._hebb:
            self._choose_engine(int(np.sum(n)))
        return result
