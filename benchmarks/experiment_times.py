"""Wall time of every experiment's command, quick and full, on 1 and 2 local workers.

    python -m benchmarks.experiment_times                     # everything (an hour or more)
    python -m benchmarks.experiment_times --runs quick        # the quick runs (minutes)
    python -m benchmarks.experiment_times --runs full --workers 2 NAME ...

Each time is that of the whole command a user types, ``assoc run NAME [--quick]
--workers W`` (as ``python -m experiments``, in a new process, writing to a temporary
directory): interpreter start, imports, the worker pool, the run, the Dataset and the
figure. Printed as the rows of the README's table, then the range of the machine's
one-minute load average before the runs: on a shared machine other work stretches the
times. Not part of ``python -m benchmarks`` (it runs for too long).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

from experiments import NAMES


def wall_time(name, quick, workers):
    """(seconds, load average before) of one command, which must succeed."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as out:
        argv = [sys.executable, "-m", "experiments", "run", name, "--workers", str(workers)]
        argv += ["--out", out, *(["--quick"] if quick else [])]
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start, load


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="default: all")
    parser.add_argument("--runs", nargs="+", choices=("quick", "full"), default=("quick", "full"))
    parser.add_argument("--workers", nargs="+", type=int, choices=(1, 2), default=(1, 2))
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(NAMES))
    if unknown:
        parser.error(f"NAME must be among {list(NAMES)}; got {unknown}")
    columns = [(run, workers) for run in ("quick", "full") for workers in (1, 2)]
    header = [f"{run}, {workers} worker{'s' * (workers > 1)}" for run, workers in columns]
    print(f"| experiment | {' | '.join(header)} |")
    print(f"|---{'|---' * len(columns)}|")
    loads = []
    for name in args.names or NAMES:
        cells = []
        for run, workers in columns:
            if run in args.runs and workers in args.workers:
                seconds, load = wall_time(name, run == "quick", workers)
                cells.append(f"{seconds:.1f} s")
                loads.append(load)
            else:
                cells.append("")
        print(f"| `{name}` | {' | '.join(cells)} |", flush=True)
    print(f"load average before the runs: {min(loads):.1f} to {max(loads):.1f}")


if __name__ == "__main__":
    main()
