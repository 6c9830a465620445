"""Query-vs-population SDR overlaps per second, against baselines measured in this run.

    python -m benchmarks.bench_dendritic            # 10^5 stored segments (about a minute)
    python -m benchmarks.bench_dendritic --quick    # 2 x 10^4 stored segments

SDRs of N = 2048 cells with w = 40 active; P stored segments (or patterns) bit-packed,
32 uint64 words (256 bytes) each; batches of B queries. For each B:

- kernel: the popcount kernels behind ``assoc.patterns.sdr_overlap``:
  ``overlaps`` on one thread and ``overlaps_parallel`` on all of Numba's threads
  (``sdr_overlap`` takes the second when B P words exceeds 2^22 word operations);
- NumPy baseline: ``assoc.patterns.sdr_index_overlap``, the same overlaps from the
  index arrays with a lookup table per query;
- bound: the time to stream the P packed rows (P x 256 bytes) once per query at the
  read bandwidth of a Numba loop over the same array, measured here on as many
  threads as the kernel; an unbatched query cannot beat it (PERFORMANCE.md: 0.95 of it
  is reachable), a batch reads each row once for all its queries and can.

Prints comparisons (query-pattern overlaps) per second, kernel/NumPy and kernel/bound.
"""

import argparse
import time

import numba
import numpy as np

from assoc import patterns
from assoc._kernels import sdr as kernels
from benchmarks._timing import best

N_CELLS, ACTIVE = 2048, 40


@numba.njit(cache=True, fastmath=True, parallel=True)
def _stream(words):
    """Sum of every word of the packed rows: one read of the whole array."""
    totals = np.zeros(words.shape[0], dtype=np.uint64)
    for i in numba.prange(words.shape[0]):
        total = np.uint64(0)
        for word in range(words.shape[1]):
            total += words[i, word]
        totals[i] = total
    return totals.sum()


def bandwidth(words):
    """Bytes per second of one streaming read of ``words``."""
    return words.nbytes / best(lambda: _stream(words))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 x 10^4 stored segments")
    args = parser.parse_args()
    P = 20_000 if args.quick else 100_000
    rng = np.random.default_rng(0)

    xi = patterns.sdr_indices(P, N_CELLS, ACTIVE, rng=rng)
    stored = patterns.pack_sdr(xi, N_CELLS)
    queries = patterns.sdr_indices(256, N_CELLS, ACTIVE, rng=rng)
    packed = patterns.pack_sdr(queries, N_CELLS)

    start = time.perf_counter()
    out = np.empty((2, 64), dtype=np.int32)
    kernels.overlaps(stored[:64], packed[:2], out)
    kernels.overlaps_parallel(stored[:64], packed[:2], out)
    _stream(stored[:64])
    print(f"first calls (compile or cache load): {time.perf_counter() - start:.2f} s")
    threads = numba.get_num_threads()
    print(
        f"P = {P} stored SDRs of N = {N_CELLS}, w = {ACTIVE}: {stored.nbytes / 2**20:.1f} MiB"
        f" packed; Numba threads: {threads}"
    )

    row_bytes = stored.shape[1] * 8
    bound = {}
    for t in sorted({1, threads}):
        numba.set_num_threads(t)
        bound[t] = bandwidth(stored) / row_bytes  # comparisons/s of a single query
        print(f"streaming read, {t} thread(s): {bound[t] * row_bytes / 1e9:.1f} GB/s")
    numba.set_num_threads(threads)

    numpy_rate = {}
    for B in (1, 4, 16):
        t = best(lambda B=B: patterns.sdr_index_overlap(xi, queries[:B], N_CELLS), 2, 0)
        numpy_rate[B] = B * P / t
    print(
        f"\n{'B':>4} {'threads':>7} {'comparisons/s':>14} {'x NumPy':>8} {'x bound':>8}"
        f" {'GB/s of rows':>13}"
    )
    for B in (1, 4, 16, 64, 256):
        out = np.empty((B, P), dtype=np.int32)
        for t in sorted({1, threads}):
            numba.set_num_threads(t)
            kernel = kernels.overlaps if t == 1 else kernels.overlaps_parallel
            seconds = best(lambda B=B, k=kernel, out=out: k(stored, packed[:B], out))
            rate = B * P / seconds
            baseline = numpy_rate[min(B, 16)]
            print(
                f"{B:4d} {t:7d} {rate:14.3g} {rate / baseline:8.1f} {rate / bound[t]:8.2f}"
                f" {stored.nbytes / seconds / 1e9:13.1f}"
            )
    numba.set_num_threads(threads)
    print(
        f"\nNumPy baseline (index arrays, a lookup table per query): "
        f"{numpy_rate[1]:.3g} comparisons/s at B = 1, {numpy_rate[16]:.3g} at B = 16"
        " (x NumPy uses B = 16 for larger batches)."
        "\nx bound: over P / (time to stream the P packed rows once), on as many threads;"
        " above 1 only when a batch reuses each row from cache."
    )


if __name__ == "__main__":
    main()
