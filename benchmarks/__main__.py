"""Run every benchmark: ``python -m benchmarks [--quick]``."""

import sys

from benchmarks import bench_experiments, bench_hopfield

for bench in (bench_hopfield, bench_experiments):
    print(f"== {bench.__name__}")
    bench.main()
    print()
sys.exit(0)
