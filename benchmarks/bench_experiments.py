"""Wall time of the hopfield_capacity grid on 1 and 2 local workers, and driver overhead.

    python -m benchmarks.bench_experiments            # the full grid (a few minutes)
    python -m benchmarks.bench_experiments --quick    # the quick grid (seconds)

Run from the repository root. Reports the wall time in-process (one worker) and on a
local process pool of two, their ratio (the speed-up), and how the in-process time
splits: inside the recall dynamics (the Numba kernels and their draws), inside the rest
of each sample (patterns, couplings), and outside the samples (the driver: seeds,
collecting outputs, the Dataset, the theory).
"""

import argparse
import time

import numba

from assoc import Hopfield
from experiments import hopfield_capacity


class _Timer:
    """Accumulates the time spent in a wrapped callable."""

    def __init__(self, f):
        self.f, self.seconds = f, 0.0

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.f(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick grid")
    args = parser.parse_args()
    hopfield_capacity.run(quick=True, progress=False, N=(100,), alpha=(0.1,), samples=1)

    recall, sample = _Timer(Hopfield.recall), _Timer(hopfield_capacity.sample)
    Hopfield.recall = lambda self, *a, **k: recall(self, *a, **k)
    hopfield_capacity.sample = sample
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    start = time.perf_counter()
    hopfield_capacity.run(quick=args.quick, progress=False)
    one = time.perf_counter() - start
    numba.set_num_threads(threads)
    Hopfield.recall, hopfield_capacity.sample = recall.f, sample.f

    start = time.perf_counter()
    hopfield_capacity.run(quick=args.quick, progress=False)
    threaded = time.perf_counter() - start

    start = time.perf_counter()
    hopfield_capacity.run(quick=args.quick, progress=False, executor=2)
    two = time.perf_counter() - start

    grid = "quick" if args.quick else "full"
    print(f"hopfield_capacity, {grid} grid")
    print(f"  1 worker, 1 thread:                {one:7.1f} s")
    print(
        f"  1 worker, cues on {threads} Numba threads: {threaded:7.1f} s"
        f"   speed-up {one / threaded:.2f}x"
    )
    print(f"  2 workers (processes):             {two:7.1f} s   speed-up {one / two:.2f}x")
    print("  time of the 1-thread run:")
    print(f"    recall dynamics        {recall.seconds / one:6.1%}")
    print(f"    rest of the samples    {(sample.seconds - recall.seconds) / one:6.1%}")
    print(f"    driver and theory      {1 - sample.seconds / one:6.1%}")


if __name__ == "__main__":
    main()
