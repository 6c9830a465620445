"""One cue recalled as a user calls it, against a plain Numba kernel and a NumPy loop.

    python -m benchmarks.bench_recall            # N = 1000, 4000, 10000 (about 2 minutes)
    python -m benchmarks.bench_recall --quick    # N = 1000, 4000

Hebbian couplings, P = 0.1 N, one cue with 10 % of its bits flipped, one thread
(Numba and BLAS). Every time is the best of several calls, in this run:

- ``assoc``: ``Hopfield(N, T=T).store(xi)`` once, then ``recall(cue)`` end to end,
  split into the kernel's sweeps and everything else (cue checks, start overlaps,
  result, convergence check);
- plain Numba: the simple-but-good kernel written below, float32 J and float32 fields
  kept incrementally, a fresh permutation per sweep; its recall is h = J s (BLAS)
  then sweeps to a fixed point (T = 0) or 50 Glauber sweeps (T = 0.5);
- NumPy loop: what Python peers do, one row product J[i] @ s per update (T = 0 only).

Then the engines side by side (``fields="overlaps"`` and ``"couplings"``) on both
sides of `ALPHA_COUPLINGS` and of T = 0, with the engine ``fields="auto"`` settles on;
and a whole capacity curve through the public API (N = 2000, 8 loads in 0.05-0.2, 5
networks each, T = 0 from the patterns) against the NumPy loop on the same networks
(the loop timed on 8 cues a network and scaled to all of them).
"""

import argparse
import functools

import numba
import numpy as np
import threadpoolctl

from assoc import Hopfield, patterns
from assoc.models import hebb, hopfield
from assoc.models.hopfield import ALPHA_COUPLINGS
from benchmarks._timing import best, timed


@numba.njit(cache=True)
def plain_sweeps(J, h, s, z, orders):
    """Sweeps in the random ``orders``, s_i <- sign(h_i - z) (z empty: T = 0, until a
    sweep without a flip), the float32 fields h kept incrementally; the sweeps run."""
    for sweep in range(orders.shape[0]):
        flips = 0
        for i in orders[sweep]:
            zi = z[sweep, i] if z.shape[0] else np.float32(0.0)
            new = 1 if h[i] > zi else (-1 if h[i] < zi else s[i])
            if new != s[i]:
                for j in range(h.shape[0]):
                    h[j] += 2 * new * J[i, j]
                s[i] = new
                flips += 1
        if flips == 0 and z.shape[0] == 0:
            return sweep + 1
    return orders.shape[0]


def plain_recall(J, cue, z, sweeps, rng):
    """h = J s by BLAS, fresh permutations drawn from ``rng``, then the sweeps."""
    s = cue.copy()
    h = cue.astype(np.float32) @ J
    orders = rng.permuted(np.tile(np.arange(len(s)), (sweeps, 1)), axis=1)
    return plain_sweeps(J, h, s, z, orders)


def numpy_recall(J, cue, rng, max_sweeps=100):
    """The peers' loop: one row product per update, random order, to a fixed point."""
    s = cue.astype(np.float32)
    for _ in range(max_sweeps):
        flips = 0
        for i in rng.permutation(len(s)):
            h = J[i] @ s
            if h != 0.0 and (h > 0) != (s[i] > 0):
                s[i] = -s[i]
                flips += 1
        if flips == 0:
            break
    return s


class Clock:
    """Seconds spent in a function, wrapped in place: ``Clock(module, "name")``."""

    def __init__(self, owner, name):
        self.seconds, wrapped = 0.0, getattr(owner, name)

        def clocked(*args, **kwargs):
            elapsed, out = timed(functools.partial(wrapped, *args, **kwargs))
            self.seconds += elapsed
            return out

        setattr(owner, name, clocked)


def split_recall(net, cue, options, repeats, rng):
    """Best (total, sweeps) seconds of ``net.recall(cue, rng=rng)``: the sweeps are the
    dynamics (the kernel and the draws of its orders and thresholds), not the start
    overlaps, the checks or the result."""
    dynamics, start = Clock(hopfield, "run_dynamics"), Clock(net._engine, "start")
    results = []
    for _ in range(repeats):
        dynamics.seconds = start.seconds = 0.0
        total, _ = timed(functools.partial(net.recall, cue, rng=rng, **options))
        results.append((total, dynamics.seconds - start.seconds))
    del net._engine.start  # the class's again
    return min(results)


def recall_table(Ns, rng):
    print(f"{'N':>6} {'T':>4} {'assoc ms':>9} {'sweeps':>7} {'other %':>8} {'plain ms':>9}"
          f" {'x plain':>8} {'NumPy ms':>9} {'x NumPy':>8}")  # fmt: skip
    for N in Ns:
        xi = patterns.random_spins(N // 10, N, rng=rng)
        cue = patterns.flip(xi[0], 0.1, rng=rng)
        J = hebb(xi)
        repeats = 20 if N < 10000 else 5
        for T, options in ((0.0, {}), (0.5, {"sweeps": 50})):
            net = Hopfield(N, T=T, fields="overlaps").store(xi)
            net.recall(cue, rng=rng, **options)  # compile or load the kernels
            total, kernel = split_recall(net, cue, options, repeats, rng)
            z = np.zeros((0, N), np.float32)
            if T > 0:  # logistic thresholds of scale T/2 (heat bath)
                u = rng.random((options["sweeps"], N))
                z = (0.5 * T * np.log(u / (1 - u))).astype(np.float32)
            sweeps = 100 if T == 0 else options["sweeps"]
            plain = functools.partial(plain_recall, J, cue, z, sweeps, rng)
            plain()
            plain = best(plain, repeats)
            row = (
                f"{N:6d} {T:4.1f} {1e3 * total:9.3f} {1e3 * kernel:7.3f}"
                f" {100 * (total - kernel) / total:8.0f} {1e3 * plain:9.3f} {plain / total:8.1f}"
            )
            if T == 0:
                loop = best(functools.partial(numpy_recall, J, cue, rng), 1)
                row += f" {1e3 * loop:9.1f} {loop / total:8.0f}"
            print(row)


def engine_table(rng, N=2000):
    """Recall times of both engines at loads on both sides of ALPHA_COUPLINGS, T = 0 and
    0.5, and the engine auto settles on after 2N replica-sweeps."""
    print(f"\n{'alpha':>6} {'T':>4} {'overlaps ms':>12} {'couplings ms':>13} {'auto':>10}")
    for alpha in (0.1, 0.2, 0.4, 0.8):
        xi = patterns.random_spins(int(alpha * N), N, rng=rng)
        cue = patterns.flip(xi[:1], 0.1, rng=rng)
        for T, options in ((0.0, {}), (0.5, {"sweeps": 20})):
            times = {}
            for fields in ("overlaps", "couplings"):
                net = Hopfield(N, T=T, fields=fields).store(xi)
                net.recall(cue, rng=0, **options)
                times[fields] = best(functools.partial(net.recall, cue, rng=1, **options), 5)
            auto = Hopfield(N, T=T).store(xi)
            for k in range(2 * N // max(1, int(auto.recall(cue, rng=0, **options).sweeps[0]))):
                auto.recall(cue, rng=k, **options)
            chosen = "couplings" if type(auto._engine).__name__ == "CouplingFields" else "overlaps"
            faster = min(times, key=times.get)
            print(
                f"{alpha:6.2f} {T:4.1f} {1e3 * times['overlaps']:12.3f}"
                f" {1e3 * times['couplings']:13.3f} {chosen:>10}"
                f"{'' if chosen == faster else '  (not the faster)'}"
            )


def capacity_curve(rng, N=2000, networks=5, loop_cues=8):
    """Seconds of a capacity curve through the public API, and of the NumPy loop."""
    alphas = np.linspace(0.05, 0.2, 8)
    api = loop = 0.0
    for alpha in alphas:
        for _ in range(networks):
            xi = patterns.random_spins(int(alpha * N), N, rng=rng)
            api += timed(lambda xi=xi: Hopfield(N).store(xi).recall(xi, rng=rng))[0]
            J = hebb(xi)
            t, _ = timed(lambda J=J, xi=xi: [numpy_recall(J, x, rng) for x in xi[:loop_cues]])
            loop += t * len(xi) / loop_cues
    print(
        f"\ncapacity curve, N = {N}, 8 loads x {networks} networks, T = 0 from the patterns:"
        f" assoc {api:.2f} s, NumPy loop {loop:.0f} s (scaled from {loop_cues} cues a"
        f" network), x NumPy {loop / api:.0f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1000 and 4000 only")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    numba.set_num_threads(1)
    with threadpoolctl.threadpool_limits(1):
        recall_table((1000, 4000) if args.quick else (1000, 4000, 10000), rng)
        engine_table(rng)
        capacity_curve(rng)
    print(
        "\nother %: the share of recall(cue) outside the kernel's sweeps."
        "\nx plain / x NumPy: the plain kernel's / the NumPy loop's time over assoc's."
        "\nauto: the engine fields='auto' uses after 2N replica-sweeps, from the overlaps to"
        f" the couplings at alpha >= {ALPHA_COUPLINGS}."
    )


if __name__ == "__main__":
    main()
