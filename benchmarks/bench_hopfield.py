"""Spin updates per second of the Hopfield kernels, against baselines measured in this run.

    python -m benchmarks.bench_hopfield            # N = 1000, 4000, 10000 (about a minute)
    python -m benchmarks.bench_hopfield --quick    # N = 1000, 4000

For each N (P = 0.1 N, Hebbian couplings, one replica) and both ways of keeping the
local fields (``couplings``: h = J s, a flip reads a row of J; ``overlaps``: the P
overlaps, a flip costs O(P)):

- zero-T: asynchronous sweeps from random states to a fixed point;
- Glauber at T = 0.5 from a stored pattern (the retrieval state);
- NumPy baseline: the same updates written as one row dot product ``J[i] @ s`` per spin;
- bound: the time to stream one row of J (4N bytes) from memory per accepted flip,
  at the read bandwidth measured here by a Numba streaming loop;
- fields alone: the P-term dot products xi^T[i] . M of the overlaps kernel over the
  rows of a sweep's random order, nothing else: the least an exact single-spin update
  from the overlaps does, and so the ceiling of its ratio to NumPy.

Prints spin updates per second and the ratios kernel/NumPy and kernel/bound; the
first call's compile time is reported apart. Then ``Hopfield.recall`` as a user calls
it, with and without ``trace=True``: the untraced path is the kernels' (its Glauber
sweeps/s beside the kernel's above), the traced one adds a product with the patterns
per sweep.
"""

import argparse
import functools

import numba
import numpy as np

from assoc import Hopfield, patterns
from assoc._kernels import spins as _spins
from assoc.models import hebb
from assoc.models._base import (
    CouplingFields,
    OverlapFields,
    threads_for,
)
from benchmarks._timing import best, timed


@numba.njit(cache=True, fastmath=True)
def _stream(x):
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i]
    return total


def read_bandwidth(nbytes=512 << 20):
    """Bytes per second of a one-thread streaming read of a float32 array from memory."""
    x = np.ones(nbytes // 4, dtype=np.float32)
    _stream(x[:16])
    best = min(timed(lambda: _stream(x))[0] for _ in range(3))
    return nbytes / best


@numba.njit(cache=True)
def _fields_alone(xiT, M, u):
    total = 0
    order = np.arange(xiT.shape[0])
    for sweep in range(u.shape[0]):
        _spins._shuffle(order, u[sweep])
        for k in range(order.shape[0]):
            if k + 1 < order.shape[0]:
                _spins.prefetch_row((xiT, M), order[k + 1])
            total += _spins._dot(xiT[order[k]], M)
    return total


def fields_alone(engine, xi, rng):
    """Updates per second of the overlaps kernel's field evaluations alone."""
    C = max(1, int(2e6 // engine.N))
    M = engine.start(xi[:1])[0]
    u = rng.random((C, engine.N))
    _fields_alone(engine.xiT, M, u[:1])
    t, _ = timed(lambda: _fields_alone(engine.xiT, M, u))
    return C * engine.N / t


def numpy_glauber(J, s, beta, sites, u):
    """The baseline: a row dot product per update, no kept fields."""
    for i, ui in zip(sites, u):
        h = J[i] @ s
        s[i] = 1.0 if ui < 0.5 * (1.0 + np.tanh(beta * h)) else -1.0


def numpy_zero_T(J, s, order):
    for i in order:
        h = J[i] @ s
        if h != 0.0:
            s[i] = 1.0 if h > 0 else -1.0


def bench(engine, xi, bandwidth, rng):
    """Zero-T and Glauber (T = 0.5) rates of one field engine on one replica; the
    random draws are timed apart."""
    N = xi.shape[1]
    row = 4 * N / bandwidth  # seconds to stream one row of J
    one = np.ones(1, bool)

    # zero-T from a random state: sweeps in fresh random orders until a fixed point
    s = patterns.random_spins(1, N, rng=rng)
    kept = engine.start(s)
    u = rng.random((1, 200, N))
    z0 = np.empty((1, 0, 0))
    t_zero, (sweeps, flips, _) = timed(
        lambda: engine.sweeps(s, kept, u, z0, np.empty((1, N)), 200, True, one)
    )
    zero = dict(updates=sweeps[0] * N / t_zero, ratio_bound=t_zero / (flips[0] * row))

    # Glauber at T = 0.5 from a stored pattern
    beta, C = 2.0, max(1, int(2e6 // N))

    def draw():
        return rng.random((1, C, N)), engine.thresholds(rng.random((1, C, N)), beta)

    t_draw, (u, z) = timed(draw)
    s = xi[:1].copy()
    kept = engine.start(s)
    t_glauber, (_, flips, _) = timed(
        lambda: engine.sweeps(s, kept, u, z, np.zeros((1, N)), C, False, one)
    )
    glauber = dict(
        updates=C * N / t_glauber,
        with_draws=C * N / (t_glauber + t_draw),
        accept=flips[0] / (C * N),
        ratio_bound=t_glauber / (flips[0] * row),
    )

    # the same on two replicas at once, one per core (the batch kernel), with BLAS held
    # to one thread as the models hold it (its idle threads would spin on the cores)
    u2, z2 = np.concatenate([u, u]), np.concatenate([z, z])
    s = np.concatenate([xi[:1], xi[:1]])
    with threads_for(s):
        kept = engine.start(s)
        t_two, _ = timed(
            lambda: engine.sweeps(s, kept, u2, z2, np.zeros((2, N)), C, False, np.ones(2, bool))
        )
    glauber["two_replicas"] = 2 * C * N / t_two
    return zero, glauber


def numpy_rates(J, xi, rng, seconds):
    """Updates per second of the NumPy baselines (zero-T, Glauber) for a bounded time."""
    N = J.shape[0]
    n = max(200, min(N, int(seconds * 2e4)))
    sites, u = rng.integers(0, N, n), rng.random(n)
    x = xi[0].astype(np.float32)
    t_g, _ = timed(lambda: numpy_glauber(J, x, 2.0, sites, u))
    x = patterns.random_spins(1, N, rng=rng)[0].astype(np.float32)
    t_z, _ = timed(lambda: numpy_zero_T(J, x, rng.permutation(N)[:n]))
    return n / t_z, n / t_g


def recall_times(N, rng):
    """Seconds per ``Hopfield(N).recall`` of one cue (10 % flipped, P = 0.1 N), untraced
    and traced, at T = 0 (to a fixed point) and T = 0.5 (50 Glauber sweeps)."""
    xi = patterns.random_spins(N // 10, N, rng=rng)
    cue = patterns.flip(xi[0], 0.1, rng=rng)
    times = {}
    for T, options in ((0.0, {}), (0.5, {"sweeps": 50})):
        net = Hopfield(N, T=T).store(xi)
        for trace in (False, True):
            call = functools.partial(net.recall, cue, rng=1, trace=trace, **options)
            times[T, trace] = best(call, 3)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1000 and 4000 only")
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    xi = patterns.random_spins(6, 64, rng=rng)
    compile_t, _ = timed(
        lambda: [
            bench(E(x), xi, 1e10, rng)
            for E, x in ((CouplingFields, hebb(xi)), (OverlapFields, xi))
        ]
    )
    print(f"first calls (compile or cache load): {compile_t:.2f} s")
    bandwidth = read_bandwidth()
    print(f"streaming read bandwidth: {bandwidth / 1e9:.1f} GB/s (one thread)\n")
    print(
        f"{'N':>6} {'fields':>9} {'kernel':>8} {'updates/s':>10} {'sweeps/s':>9} {'accept':>7}"
        f" {'x NumPy':>8} {'time/bound':>11} {'x NumPy (+draws)':>17}"
    )
    for N in (1000, 4000) if args.quick else (1000, 4000, 10000):
        xi = patterns.random_spins(N // 10, N, rng=rng)
        J = hebb(xi)
        numpy_zero, numpy_glauber_rate = numpy_rates(J, xi, rng, seconds=2.0)
        for name, engine in (("couplings", CouplingFields(J)), ("overlaps", OverlapFields(xi))):
            zero, glauber = bench(engine, xi, bandwidth, rng)
            print(
                f"{N:6d} {name:>9} {'zero-T':>8} {zero['updates']:10.3g}"
                f" {zero['updates'] / N:9.0f} {'':>7} {zero['updates'] / numpy_zero:8.0f}"
                f" {zero['ratio_bound']:11.2f}"
            )
            print(
                f"{N:6d} {name:>9} {'Glauber':>8} {glauber['updates']:10.3g}"
                f" {glauber['updates'] / N:9.0f} {glauber['accept']:7.3f}"
                f" {glauber['updates'] / numpy_glauber_rate:8.0f} {glauber['ratio_bound']:11.2f}"
                f" {glauber['with_draws'] / numpy_glauber_rate:17.0f}"
            )
            print(
                f"{N:6d} {name:>9} {'2 repl.':>8} {glauber['two_replicas']:10.3g}"
                f" {glauber['two_replicas'] / N:9.0f} {'':>7}"
                f" {glauber['two_replicas'] / numpy_glauber_rate:8.0f}"
            )
        alone = fields_alone(OverlapFields(xi), xi, rng)
        print(
            f"{N:6d} {'overlaps':>9} {'fields':>8} {alone:10.3g} {alone / N:9.0f} {'':>7}"
            f" {alone / numpy_glauber_rate:8.0f}"
        )
    print("\nHopfield.recall(cue) end to end, one cue, P = 0.1 N (ms per call):")
    print(f"{'N':>6} {'T':>4} {'untraced':>9} {'traced':>9} {'traced/untraced':>16}")
    for N in (1000, 4000) if args.quick else (1000, 4000, 10000):
        times = recall_times(N, rng)
        for T in (0.0, 0.5):
            plain, traced = times[T, False], times[T, True]
            print(f"{N:6d} {T:4.1f} {1e3 * plain:9.2f} {1e3 * traced:9.2f} {traced / plain:16.2f}")
    print(
        "\n2 repl.: Glauber on two replicas at once (one per core), updates/s of both together."
        "\nfields: the overlaps kernel's P-term dot products alone, the ceiling of its ratio."
        "\nx NumPy: updates/s over a NumPy loop doing one row dot product J[i] @ s per update"
        " (+draws: with the time to draw the sites and thresholds from the Generator)."
        "\ntime/bound: kernel time over the time to stream one row of J (4N bytes) from memory"
        " per accepted flip (target <= 2 at N = 4000, couplings)."
    )


if __name__ == "__main__":
    main()
