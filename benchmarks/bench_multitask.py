"""Sweeps per second of the multitasking network's overlap-based update at N = 10^5, K = 4.

    python -m benchmarks.bench_multitask            # N = 10^4, 2 10^4, 10^5
    python -m benchmarks.bench_multitask --quick    # N = 10^4, 10^5

Glauber sweeps at T = 0.2 (d = 0.2, started from sign(xi^1)), one replica, measured in
this run for:

- overlaps: fields h_i = sum_mu xi_i^mu m_mu - c_i s_i / N from the K kept overlaps,
  O(K) per update (`assoc.models._base.OverlapFields`);
- couplings: the full N x N coupling kernel (`CouplingFields`), O(N) per accepted flip,
  at the sizes where J fits in memory (at N = 10^5, J would take 40 GB);
- NumPy: a Python loop doing the overlap-based update with NumPy scalars and a K-vector
  dot product per update.
"""

import argparse
import time

import numpy as np

from assoc import patterns
from assoc.models import hebb
from assoc.models._base import CouplingFields, OverlapFields, logistic_thresholds

K, d, T = 4, 0.2, 0.2
J_LIMIT = 2 * 10**4  # largest N whose float32 J (1.6 GB) is built here


def numpy_sweep(xi, s, M, sites, z):
    """The baseline: N h_i = xi[:, i] . M - c_i s_i per update, overlaps kept in NumPy."""
    c = np.sum(xi.astype(np.int64) ** 2, axis=0)
    for i, zi in zip(sites, z):
        new = 1 if xi[:, i] @ M - c[i] * s[i] > zi else -1
        if new != s[i]:
            M += 2 * new * xi[:, i]
            s[i] = new


def sweeps_per_second(engine, xi, C, rng):
    N = xi.shape[1]
    s = np.where(xi[:1] == 0, 1, xi[:1]).astype(np.int8)
    kept = engine.start(s)
    u = rng.random((1, C, N))
    z = engine.thresholds(rng.random((1, C, N)), 1 / T)
    start = time.perf_counter()
    engine.sweeps(s, kept, u, z, np.zeros((1, N)), C, False, np.ones(1, bool))
    return C / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 10^4 and 10^5 only")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    small = patterns.diluted_spins(K, 64, d, rng=rng)
    sweeps_per_second(OverlapFields(small), small, 2, rng)
    sweeps_per_second(CouplingFields(hebb(small)), small, 2, rng)

    print(f"K = {K}, d = {d}, T = {T}, Glauber sweeps/s (one replica)")
    print(
        f"{'N':>7} {'overlaps':>10} {'couplings':>10} {'NumPy':>10}"
        f" {'ov/coupl':>9} {'ov/NumPy':>9}"
    )
    for N in (10**4, 10**5) if args.quick else (10**4, 2 * 10**4, 10**5):
        xi = patterns.diluted_spins(K, N, d, rng=rng)
        over = sweeps_per_second(OverlapFields(xi), xi, max(2, 2 * 10**6 // N), rng)
        coupled = np.nan
        if N <= J_LIMIT:
            coupled = sweeps_per_second(CouplingFields(hebb(xi)), xi, 4, rng)
        n = 20_000  # NumPy updates timed
        s = np.where(xi[0] == 0, 1, xi[0]).astype(np.int64)
        M = xi.astype(np.int64) @ s
        sites, z = rng.integers(0, N, n), N * logistic_thresholds(rng.random(n), 1 / T)
        start = time.perf_counter()
        numpy_sweep(xi.astype(np.int64), s, M, sites, z)
        numpy_rate = n / N / (time.perf_counter() - start)
        print(
            f"{N:7d} {over:10.1f} {coupled:10.2f} {numpy_rate:10.3f}"
            f" {over / coupled:9.0f} {over / numpy_rate:9.0f}"
        )
    print("couplings: nan where J (N^2 float32) is not built; at N = 10^5 it would take 40 GB.")


if __name__ == "__main__":
    main()
