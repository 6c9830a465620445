"""The spin dynamics shared by every model of Ising spins (`SpinMemory`).

The dynamics are written once, over a *field engine* that keeps the local fields of a
batch of states: `CouplingFields` (h = J s, any symmetric J) or `OverlapFields`
(Hebbian J = xi^T xi / N through the overlaps M = xi s, O(P) per flip and no N x N
matrix). The engines call the kernels of `assoc._kernels.spins`.
"""

from __future__ import annotations

import contextlib

import numba
import numpy as np
import threadpoolctl

from .._kernels import spins as _spins
from .._validation import check_batch, check_flag, check_int, check_spins, fail
from ..patterns import overlap
from .memory import Memory, Recall, not_applicable

# Random numbers drawn per kernel call: bounds the memory of sites/u to ~16 MB.
_DRAW_BLOCK = 1 << 20


class SpinMemory(Memory):
    """What the models of N Ising spins that store patterns ``xi`` share: the checks of
    patterns and cues, partial cues, the options of the dynamics, traces and the
    `Recall` they end in."""

    _zeros = False  # whether patterns may hold 0 (diluted)
    _derived = ("beta",)

    @property
    def beta(self):
        """Inverse temperature 1/T (inf at T = 0)."""
        return np.inf if self.T == 0 else 1.0 / self.T

    def _check_state(self, s, name="s"):
        return check_spins(name, s, N=self.N, zeros=self._zeros)

    def _check_patterns(self, xi):
        return check_spins("xi", xi, N=self.N, ndim=(2,), zeros=self._zeros)

    def _cues(self, cue, rng):
        """The cues as a (B, N) int8 copy the dynamics may change, and whether one cue
        (not a batch) was given.

        Entries 0 of a cue are unknown bits (`assoc.patterns.mask`): each is set to +-1
        at random, drawn first from ``rng`` (nothing is drawn for a cue without 0s).
        """
        s = check_batch("cue", check_spins("cue", cue, N=self.N, zeros=True))
        single = s.ndim == 1
        s = np.array(s, dtype=np.int8, ndmin=2, order="C", copy=True)
        unknown = s == 0
        if unknown.any():
            s[unknown] = 2 * rng.integers(0, 2, size=int(unknown.sum()), dtype=np.int8) - 1
        return s, single

    def _options(self, *, max_sweeps, sweeps, equilibrate):
        """The options of the asynchronous dynamics at this model's T, checked; those
        that do not apply at this T are refused."""
        if self.T == 0:
            why = "at T = 0 (zero-temperature dynamics runs to a fixed point; see max_sweeps)"
            not_applicable("sweeps", sweeps, why)
            not_applicable("equilibrate", equilibrate, why)
            return {
                "max_sweeps": check_int(
                    "max_sweeps", 100 if max_sweeps is None else max_sweeps, low=1
                )
            }
        not_applicable(
            "max_sweeps",
            max_sweeps,
            f"at T = {self.T} > 0 (Glauber dynamics runs the given sweeps)",
        )
        if sweeps is None:
            fail("sweeps", "an integer >= 1 at T > 0", None)
        return {
            "sweeps": check_int("sweeps", sweeps, low=1),
            "equilibrate": check_int(
                "equilibrate", 0 if equilibrate is None else equilibrate, low=0
            ),
        }

    def _measure(self, s, kept=None):
        """(m, E): overlaps with the stored patterns and energies of the states s (B, N),
        from the quantities the engine keeps for them (computed when None)."""
        raise NotImplementedError

    def _mean_overlaps(self, s_mean):
        """Overlaps of time-averaged states s_mean (B, N) float64 with the patterns."""
        return overlap(self.xi, s_mean)

    def _tracer(self, trace):
        """A `Trace` of `_measure` when ``trace`` is true, else None."""
        return Trace(self._measure) if check_flag("trace", trace) else None

    def _recall(self, s, single, kept, n, s_mean, fixed, trace=None):
        """The `Recall` of the final states s, whose engine keeps ``kept``, after n sweeps.

        Overlaps and energies come from ``kept`` (`_measure`). A state is converged when
        ``fixed`` says the dynamics reached a sweep without a flip, else when it is a
        fixed point of the T = 0 dynamics, s_i h_i >= 0 for every i (fields computed
        only for those states). ``s_mean`` (T > 0) gives the overlaps of the
        time-averaged states.
        """
        m, energy = self._measure(s, kept)
        converged = np.zeros(s.shape[0], dtype=bool) if fixed is None else fixed.copy()
        rest = np.flatnonzero(~converged)
        if rest.size:
            h = self._engine.fields(s[rest], kept[rest])
            converged[rest] = np.all(s[rest] * h >= 0, axis=1)
        result = Recall(
            s=s,
            m=m,
            energy=energy,
            sweeps=n,
            converged=converged,
            m_mean=None if s_mean is None else self._mean_overlaps(s_mean),
            m_trace=None if trace is None else trace.m,
            energy_trace=None if trace is None else trace.energy,
        )
        return self._one_or_batch(result, single)


class Trace:
    """Records ``measure(s) -> (m, E)`` of a batch at the start and after every sweep."""

    def __init__(self, measure):
        self.measure, self._m, self._E = measure, [], []

    def __call__(self, s):
        m, E = self.measure(s)
        self._m.append(np.array(m, dtype=np.float64))
        self._E.append(np.array(E, dtype=np.float64))

    @property
    def m(self):
        """ndarray of shape (B, steps, P)."""
        return np.stack(self._m, axis=1)

    @property
    def energy(self):
        """ndarray of shape (B, steps)."""
        return np.stack(self._E, axis=1)


class _Fields:
    """A field engine: keeps the local fields of a batch of states and runs the sweeps of
    `assoc._kernels.spins` on it, the replicas in parallel when there are several.

    The kernels compare ``unit`` h_i (the field in the units the engine keeps) with
    thresholds in the same units, which `thresholds` draws.
    """

    unit = 1.0

    def thresholds(self, u, beta):
        """Heat-bath thresholds at inverse temperature beta from uniforms u, in the
        kernels' units (`logistic_thresholds` times ``unit``)."""
        return logistic_thresholds(u, beta, self.unit)

    def sweeps(self, s, kept, u, z, s_sum, n_skip, until_fixed, active):
        """Run ``u.shape[1]`` sweeps on every active replica, with thresholds ``z`` from
        `thresholds` (empty at T = 0); returns (done, flips, fixed)."""
        B = s.shape[0]
        done, flips = np.zeros(B, np.int64), np.zeros(B, np.int64)
        fixed = np.zeros(B, np.bool_)
        if B > 1 and numba.get_num_threads() > 1:
            self._batch(s, kept, u, z, s_sum, n_skip, until_fixed, active, done, flips, fixed)
        else:
            for b in np.flatnonzero(active):
                done[b], flips[b], fixed[b] = self._one(
                    s[b], kept[b], u[b], z[b], s_sum[b], n_skip, until_fixed
                )
        return done, flips, fixed


class CouplingFields(_Fields):
    """Local fields h = J s of a batch, kept incrementally; a flip reads a row of J.

    ``J`` float32 couplings, with float64 fields; or Hebbian couplings as the integers
    N J / scale = xi^T xi (zero diagonal), with ``hebb`` the `OverlapFields` of those
    patterns: the kept fields are then ``unit`` h, exact (ties h_i = 0 too), int32
    where J is int16 (half the bytes a flip reads), and they start from the overlaps,
    h = xi^T (xi s) - c s, in O(N P) rather than O(N^2).
    """

    def __init__(self, J, unit=1.0, hebb=None):
        self.J, self.unit, self.hebb = J, unit, hebb

    def start(self, s):
        h = np.empty(s.shape, dtype=np.float64)
        if self.hebb is None:
            _spins.overlaps(self.J, s, h)  # J s = sum_i s_i J[i], J symmetric
            return h
        _spins.pattern_fields(self.hebb.xiT, self.hebb.c, s, self.hebb.start(s), h)
        return h.astype(np.int32 if self.J.dtype == np.int16 else np.float64, copy=False)

    def fields(self, s, h):
        return h / self.unit

    def _one(self, *args):
        return _spins.sweeps((self.J,), *args)

    def _batch(self, *args):
        _spins.sweeps_batch((self.J,), *args)


class OverlapFields(_Fields):
    """Fields of Hebbian couplings J = (scale / N) xi^T xi (zero diagonal) from the kept
    overlaps M = xi s: N h_i = scale (sum_mu xi_i^mu M_mu - c_i s_i), c_i = sum_mu
    (xi_i^mu)^2. ``xi`` holds integers (int8 or int16: patterns, or sums of examples).

    The arithmetic is exact: |M_mu| <= N max|xi| and |N h_i| <= P N max|xi|^2. M is
    kept in the narrowest type that holds them, int16 with int32 sums (a multiply-add
    instruction per pair of patterns), else float32 (every integer below 2^24), else
    float64; ``dtype`` chooses one of those three where it is exact.
    """

    def __init__(self, xi, scale=1.0, dtype=None):
        P, self.N = xi.shape
        self.xiT = np.ascontiguousarray(xi.T)
        self.scale = scale
        self.unit = self.N / scale  # the kernels decide on N h / scale
        top = float(np.abs(xi).max(initial=0))
        bound = P * self.N * top**2
        exact = [np.float64]
        if bound < 2**24:
            exact.insert(0, np.float32)
        if self.N * top < 2**15 and bound < 2**31:
            exact.insert(0, np.int16)
        if dtype is not None and dtype not in exact:
            fail("dtype", f"one of {[t.__name__ for t in exact]} (exact here)", dtype)
        self.dtype = exact[0] if dtype is None else dtype
        self.c = np.einsum("pi,pi->i", xi, xi, dtype=np.int64).astype(np.float64)
        # M = xi s summed in the kept type where every partial sum (at most N max|xi|)
        # fits it (int16: twice the lanes of int32), else in int32 or int64
        if self.dtype == np.int16:
            self._sum = np.int16
        else:
            self._sum = np.int32 if self.N * top < 2**31 else np.int64

    def start(self, s):
        M = np.empty((s.shape[0], self.xiT.shape[1]), dtype=self._sum)
        _spins.overlaps(self.xiT, s, M)
        return M.astype(self.dtype, copy=False)

    def fields(self, s, M):
        NJs = np.empty(s.shape, dtype=np.float64)  # sum_mu xi_i^mu M_mu - c_i s_i
        _spins.pattern_fields(self.xiT, self.c, s, M, NJs)
        return self.scale * NJs / self.N

    def energy(self, M):
        """E = -s.J.s / 2 = -(scale / 2N) (sum_mu M_mu^2 - sum_i c_i) of +-1 states
        with overlaps M, O(P) each."""
        M = M.astype(np.float64)
        return -0.5 * self.scale * (np.sum(M * M, axis=-1) - self.c.sum()) / self.N

    def _one(self, *args):
        return _spins.sweeps((self.xiT, self.c), *args)

    def _batch(self, *args):
        _spins.sweeps_batch((self.xiT, self.c), *args)


def threads_for(s):
    """A context for a batch's dynamics: when the replicas run on several Numba threads,
    BLAS is held to one thread, whose idle workers would otherwise spin on the cores
    the replicas need (docs/performance.md: oversubscription halves the speed)."""
    if s.shape[0] > 1 and numba.get_num_threads() > 1:
        return threadpoolctl.threadpool_limits(1)
    return contextlib.nullcontext()


def _run(engine, s, kept, u, z, s_sum, n_skip, until_fixed, active, observe):
    """``engine.sweeps`` over a block of sweeps; with ``observe``, one sweep at a time on
    the same random numbers, ``observe(s)`` after each (so a traced run is the untraced
    one). Returns (done, flips, fixed) per replica."""
    if observe is None:
        return engine.sweeps(s, kept, u, z, s_sum, n_skip, until_fixed, active)
    B = s.shape[0]
    done, flips = np.zeros(B, np.int64), np.zeros(B, np.int64)
    fixed = np.zeros(B, np.bool_)
    active = active.copy()
    for c in range(u.shape[1]):
        one = (np.ascontiguousarray(u[:, c : c + 1]), np.ascontiguousarray(z[:, c : c + 1]))
        d, f, x = engine.sweeps(s, kept, *one, s_sum, max(0, n_skip - c), until_fixed, active)
        done, flips, fixed = done + d, flips + f, fixed | x
        observe(s)
        if until_fixed:
            active &= ~x
            if not active.any():
                break
    return done, flips, fixed


def zero_T_async(engine, s, *, max_sweeps, rng, observe=None):
    """Zero-temperature asynchronous dynamics, in place, until no spin flips in a sweep.

    Each sweep visits every spin once, in a fresh random order per replica. Sweeps run in
    chunks (4, 8, 16, ...) per kernel call; the uniforms of a chunk's shuffles are drawn
    at once. With ``observe`` (a `Trace`), ``observe(s)`` is called at the start and
    after every sweep, on the same random numbers.

    Returns
    -------
    kept, sweeps, converged
        What the engine keeps for the final states (fields or overlaps), sweeps used
        and whether each replica reached a sweep without a flip.
    """
    B, N = s.shape
    sweeps = np.zeros(B, dtype=np.int64)
    converged = np.zeros(B, dtype=np.bool_)
    z, s_sum = np.empty((B, 0, 0)), np.empty((B, N))
    chunk = 4
    with threads_for(s):
        kept = engine.start(s)
        if observe is not None:
            observe(s)
        while not converged.all() and sweeps.max() < max_sweeps:
            C = int(min(chunk, max_sweeps - sweeps.max(), max(1, _DRAW_BLOCK // (B * N))))
            u = rng.random((B, C, N))
            done, _, fixed = _run(engine, s, kept, u, z, s_sum, C, True, ~converged, observe)
            sweeps += done
            converged |= fixed
            chunk *= 2
        return kept, sweeps, converged


def glauber(engine, s, *, beta, sweeps, equilibrate, rng, observe=None):
    """Heat-bath dynamics, in place: ``equilibrate`` sweeps, then ``sweeps`` measured ones.

    Each sweep visits every spin once in a fresh random order and sets
    s_i <- sign(h_i - z) with logistic z of scale T/2, so that P(s_i = +1) =
    (1 + tanh(beta h_i)) / 2: every update satisfies detailed balance with respect to
    exp(-beta E), so the Boltzmann distribution is stationary. With ``observe`` (a
    `Trace`), ``observe(s)`` is called at the start and after every sweep, on the same
    random numbers.

    Returns
    -------
    kept, s_mean, flips
        What the engine keeps for the final states, the time-averaged state over the
        measured sweeps and the number of accepted flips per replica.
    """
    B, N = s.shape
    s_sum = np.zeros((B, N), dtype=np.float64)
    flips = np.zeros(B, dtype=np.int64)
    everyone = np.ones(B, dtype=np.bool_)
    total = equilibrate + sweeps
    block = max(1, _DRAW_BLOCK // (B * N))
    with threads_for(s):
        kept = engine.start(s)
        if observe is not None:
            observe(s)
        for start in range(0, total, block):
            C = min(block, total - start)
            u = rng.random((B, C, N))
            z = engine.thresholds(rng.random((B, C, N)), beta)
            skip = max(0, equilibrate - start)
            flips += _run(engine, s, kept, u, z, s_sum, skip, False, everyone, observe)[1]
        return kept, s_sum / max(sweeps, 1), flips


def logistic_thresholds(u, beta, unit=1.0):
    """z = (unit / (2 beta)) ln(u / (1 - u)) from uniforms u: P(z < unit h) =
    (1 + tanh(beta h)) / 2.

    u = 0 gives z = -inf (the spin goes up), never NaN. One new array, computed in place
    (these arrays are the size of many sweeps).
    """
    z = 1.0 - u
    with np.errstate(divide="ignore"):
        np.divide(u, z, out=z)
        np.log(z, out=z)
    z *= 0.5 * unit / beta
    return z


def run_dynamics(engine, s, *, T, rng, options, observe=None):
    """The asynchronous dynamics every spin model runs from ``recall``, in place.

    At T = 0, `zero_T_async` to a fixed point (at most ``options["max_sweeps"]``); at
    T > 0, `glauber` for ``equilibrate`` then ``sweeps`` measured sweeps (``options``
    from `SpinMemory._options`).

    Returns
    -------
    kept, n, s_mean, fixed
        What the engine keeps for the final states, sweeps run per replica, the
        time-averaged state (None at T = 0) and which replicas reached a sweep without a
        flip (None at T > 0).
    """
    if T == 0:
        kept, n, fixed = zero_T_async(engine, s, rng=rng, observe=observe, **options)
        return kept, n, None, fixed
    kept, s_mean, _ = glauber(engine, s, beta=1.0 / T, rng=rng, observe=observe, **options)
    return kept, np.full(s.shape[0], options["equilibrate"] + options["sweeps"]), s_mean, None


def synchronous(engine, s, *, max_sweeps, observe=None):
    """Zero-temperature parallel dynamics s <- sign(J s) (ties keep s), in place, the
    fields of the whole batch from the engine at each step (exact where its fields are),
    until a fixed point or a two-cycle. With ``observe``, ``observe(s)`` is called at
    the start and after every step.

    Returns
    -------
    kept, sweeps
        What the engine keeps for the final states, and the steps run per replica.
    """
    B = s.shape[0]
    sweeps = np.zeros(B, dtype=np.int64)
    previous = np.zeros_like(s)
    kept = engine.start(s)
    h = engine.fields(s, kept)
    active = np.ones(B, dtype=bool)
    if observe is not None:
        observe(s)
    while active.any() and sweeps.max() < max_sweeps:
        new = np.where(h > 0, 1, np.where(h < 0, -1, s)).astype(np.int8)
        changed = (new != s).any(axis=1)
        cycle = (new == previous).all(axis=1)
        previous[active] = s[active]
        s[active] = new[active]
        sweeps += active
        active &= changed & ~cycle
        kept = engine.start(s)
        h = engine.fields(s, kept)
        if observe is not None:
            observe(s)
    return kept, sweeps
