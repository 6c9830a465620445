"""``python -m experiments list`` | ``run NAME [--quick] [--out DIR] [--workers K] ...``.

``run`` writes ``DIR/NAME.nc`` (the Dataset, netCDF) and ``DIR/NAME.png`` (its figure).
With ``--store``, finished grid points are kept on disk and an interrupted run resumes.
"""

import argparse
import sys
import time
from pathlib import Path

import matplotlib

from experiments import NAMES, get


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m experiments", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the experiments")
    run = commands.add_parser("run", help="run one experiment")
    run.add_argument("name", choices=NAMES)
    run.add_argument("--quick", action="store_true", help="the quick settings (seconds)")
    run.add_argument("--out", type=Path, default=Path("results"), help="output directory")
    run.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    run.add_argument("--store", type=Path, help="keep finished points here and resume")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="local process pool of K workers")
    where.add_argument("--scheduler", help="address of a dask.distributed scheduler")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name in NAMES:
            print(f"{name:28s} {get(name).__doc__.strip().splitlines()[0]}")
        return 0

    matplotlib.use("Agg")
    if args.scheduler:
        from distributed import Client

        with Client(args.scheduler) as client:
            return _run(args, executor=client)
    return _run(args, executor=args.workers)


def _run(args, executor):
    experiment = get(args.name)
    start = time.perf_counter()
    ds = experiment.run(quick=args.quick, seed=args.seed, executor=executor, store=args.store)
    elapsed = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(args.out / f"{args.name}.nc", engine="h5netcdf")
    experiment.plot(ds).savefig(args.out / f"{args.name}.png", dpi=150)
    print(experiment.summary(ds))
    print(f"{elapsed:.1f} s; wrote {args.out / args.name}.nc and .png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
