"""Dense and modern Hopfield updates per second, against baselines measured in this run.

    python -m benchmarks.bench_dense            # about half a minute
    python -m benchmarks.bench_dense --quick    # fewer repetitions

Dense associative memory, F(x) = x^3, N = 1000 spins, P = 10^4 patterns (one replica):

- zero-T asynchronous sweeps from a stored pattern (almost no flips: the cost of the
  fields) and from a random state (many flips, each adding a row of xi^T to the kept
  overlaps), and Glauber sweeps at a temperature where a few percent of the updates flip;
- NumPy baseline: the same update written with NumPy, one spin at a time, from the same
  kept overlaps: x = M - xi_i s_i, h_i = xi_i . ((x + 1)^3 - (x - 1)^3) / 2;
- GEMM peak: the float32 matrix-product rate of this machine (numpy/BLAS, 2048^2, on
  every thread), measured here; a field term (one pattern, one spin) is counted as 4
  flops (x, x^2, the polynomial's multiply-add, the product with xi added to the sum).
  The kernel runs one replica on one thread (replicas of a batch run in parallel).

Modern Hopfield network, 256 queries (N = 64) against P = 10^4 stored patterns, float32,
softmax: ``ModernHopfield.update`` (two GEMMs and an exponential) against a plain NumPy
loop over queries (a matrix-vector product each), and against the GEMM peak (counting
the 4 B P N flops of the two matrix products).

Prints rates and ratios; the first calls (compile or cache load) are timed apart.
"""

import argparse

import numpy as np

from assoc import patterns
from assoc.models import DenseHopfield, ModernHopfield
from benchmarks._timing import best


def gemm_peak(repeat, n=2048):
    """float32 FLOP/s of an n x n matrix product (numpy/BLAS, every thread)."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    a @ a
    return 2 * n**3 / best(lambda: a @ a, repeat)


def numpy_dense_sweep(xi, s, M, order):
    """The baseline: each visit recomputes the field from the kept overlaps with NumPy."""
    for i in order:
        column = xi[:, i].astype(np.int64)
        x = M - column * s[i]
        h = 0.5 * column @ ((x + 1) ** 3 - (x - 1) ** 3)
        new = 1 if h > 0 else (-1 if h < 0 else s[i])
        if new != s[i]:
            M += 2 * new * column
            s[i] = new


def bench_dense(repeat, rng):
    N, P, sweeps = 1000, 10_000, 4
    xi = patterns.random_spins(P, N, rng=rng)
    net = DenseHopfield(N, n=3).store(xi)
    engine = net._engine
    one, skip = np.ones(1, bool), np.zeros((1, N))
    z0 = np.empty((1, 0, 0))

    def run(start, u, z):
        s = start.copy()
        M = engine.start(s)
        return engine.sweeps(s, M, u, z, skip, sweeps, False, one)[1][0]

    compile_t = best(lambda: run(xi[:1], rng.random((1, 1, N)), z0), 1)
    u = rng.random((1, sweeps, N))
    T = 1.5 * N**2  # the fields at a pattern are ~3 N^2: a few percent of updates flip
    z = engine.thresholds(rng.random((1, sweeps, N)), 1.0 / T)
    random_state = patterns.random_spins(1, N, rng=rng)
    rows = {}
    for name, start, zz in (
        ("zero-T from a pattern", xi[:1], z0),
        ("zero-T from random", random_state, z0),
        (f"Glauber T = {T:.0f}", xi[:1], z),
    ):
        flips = run(start, u, zz)
        seconds = best(lambda start=start, zz=zz: run(start, u, zz), repeat)
        rows[name] = (sweeps * N / seconds, flips / (sweeps * N))

    s = xi[0].astype(np.int64)
    M = xi.astype(np.int64) @ s
    order = rng.permutation(N)[:200]
    numpy_rate = len(order) / best(lambda: numpy_dense_sweep(xi, s.copy(), M.copy(), order), 3)
    return compile_t, rows, numpy_rate, P


def numpy_modern(xi, queries, beta):
    """The baseline: one query at a time, softmax(beta xi q) then xi^T p."""
    out = np.empty_like(queries)
    for b, q in enumerate(queries):
        a = beta * (xi @ q)
        p = np.exp(a - a.max())
        out[b] = (p / p.sum()) @ xi
    return out


def bench_modern(repeat, rng):
    B, P, N = 256, 10_000, 64
    xi = patterns.spherical(P, N, radius=np.sqrt(N), rng=rng)
    queries = patterns.add_noise(xi[:B], 0.3, rng=rng)
    net = ModernHopfield(beta=1.0 / np.sqrt(N)).store(xi)
    compile_t = best(lambda: net.update(queries), 1)
    seconds = best(lambda: net.update(queries), repeat)
    baseline = best(lambda: numpy_modern(xi, queries, net.beta), max(1, repeat // 3))
    np.testing.assert_allclose(net.update(queries), numpy_modern(xi, queries, net.beta), atol=1e-4)
    return compile_t, seconds, baseline, 4 * B * P * N


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    rng = np.random.default_rng(0)

    peak = gemm_peak(repeat)
    print(f"GEMM peak (float32, 2048^2, numpy/BLAS): {peak / 1e9:.0f} GFLOP/s\n")

    compile_t, rows, numpy_rate, P = bench_dense(repeat, rng)
    print(
        f"dense F = x^3, N = 1000, P = {P}; first call (compile or cache load) {compile_t:.2f} s"
    )
    print(f"{'dynamics':>24} {'updates/s':>10} {'flipped':>8} {'x NumPy':>8} {'of GEMM peak':>13}")
    for name, (rate, flipped) in rows.items():
        print(
            f"{name:>24} {rate:10.3g} {flipped:8.3f} {rate / numpy_rate:8.1f}"
            f" {4 * P * rate / peak:13.3f}"
        )
    print(f"{'NumPy, one spin a call':>24} {numpy_rate:10.3g}")

    compile_t, seconds, baseline, flops = bench_modern(repeat, rng)
    print(
        f"\nmodern update, 256 queries x P = 10^4 patterns, N = 64, float32 (first call"
        f" {compile_t * 1e3:.0f} ms)"
    )
    print(
        f"{seconds * 1e3:8.2f} ms per update: x{baseline / seconds:.1f} a NumPy loop over"
        f" queries ({baseline * 1e3:.1f} ms), {flops / seconds / peak:.2f} of GEMM peak"
    )


if __name__ == "__main__":
    main()
