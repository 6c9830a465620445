"""The experiments' command line: ``assoc`` (installed with the package) or, the same,
``python -m experiments``.

::

    assoc list [NAME]          the experiments; with NAME, its settings (quick and full)
    assoc run NAME [--quick] [--set NAME=VALUE[,VALUE...]]... [--seed S] [--out DIR]
                   [--store DIR] [--workers W | --scheduler ADDRESS]
    assoc show FILE [--figure PNG]

``run`` writes ``DIR/NAME.nc`` (the Dataset, netCDF) and ``DIR/NAME.png`` (its figure),
and records in the Dataset's attributes the command line (``command``), the settings
changed with ``--set`` (``overrides``), the package version (``assoc_version``) and,
when the experiments run from a git checkout, its commit (``git_commit``; ``-dirty``
when files differ from it), beside the ``seed`` and the ``date`` (UTC). ``--set`` is
checked against what the experiment declares before anything runs
(`experiments._settings`). With ``--store`` finished grid points are kept on disk and
an interrupted run resumes; ``--scheduler`` runs on a ``dask.distributed`` cluster
whose workers have this package installed. ``show`` prints that record and the
summary of a saved Dataset and draws its figure again, without computing anything.
"""

import argparse
import datetime
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import matplotlib
import numpy as np

import assoc
from experiments import NAMES, _settings, get

RECORD = ("experiment", "command", "overrides", "seed", "assoc_version", "git_commit", "date")
"""The attributes ``show`` prints: what ran, how, and from which code."""


def main(argv=None, prog="assoc"):
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(prog)
    args = parser.parse_args(argv)
    matplotlib.use("Agg")
    if args.command == "list":
        return _list(args.name)
    if args.command == "show":
        try:
            ds = _load_run(args.file)
        except (OSError, ValueError) as error:
            parser.error(str(error))
        return _show(ds, args.figure or args.file.with_suffix(".png"))
    experiment = get(args.name)
    try:
        overrides = _settings.parse(experiment, args.assignments, quick=args.quick)
    except ValueError as error:
        parser.error(str(error))
    record = {
        "command": " ".join([prog, *map(shlex.quote, argv)]),
        "overrides": " ".join(args.assignments),
        "assoc_version": assoc.__version__,
    }
    commit = _git_commit()
    if commit is not None:
        record["git_commit"] = commit
    if args.scheduler is None:
        return _run(experiment, args, overrides, record, executor=args.workers)
    try:
        from distributed import Client
    except ImportError:
        parser.error('--scheduler needs dask.distributed: python -m pip install "assoc[dask]"')
    with Client(args.scheduler) as client:
        return _run(experiment, args, overrides, record, executor=client)


def _parser(prog):
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Monte Carlo experiments beside theory: one Dataset and one figure each.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list the experiments, or one's settings")
    listing.add_argument("name", nargs="?", choices=NAMES, metavar="NAME", help="its settings")
    run = commands.add_parser("run", help="run one experiment")
    run.add_argument("name", choices=NAMES, metavar="NAME", help="an experiment (assoc list)")
    run.add_argument("--quick", action="store_true", help="the quick settings (seconds)")
    run.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE[,VALUE...]",
        help="change a setting (repeatable; `list NAME` shows them); NAME.KEY=VALUE sets "
        "one entry of a setting that holds one value per key",
    )
    run.add_argument("--out", type=Path, default=Path("results"), help="output directory")
    run.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    run.add_argument("--store", type=Path, help="keep finished points here and resume")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_count, help="local process pool of W workers")
    where.add_argument("--scheduler", help="address of a dask.distributed scheduler")
    show = commands.add_parser("show", help="summary and figure of a saved run")
    show.add_argument("file", type=Path, help="a Dataset written by run (NAME.nc)")
    show.add_argument("--figure", type=Path, help="where to draw it (default FILE.png)")
    return parser


def _count(text):
    """A positive integer, for argparse."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1; got {text!r}")
    return int(text)


def _list(name):
    if name is None:
        for each in NAMES:
            print(f"{each:28s} {get(each).__doc__.strip().splitlines()[0]}")
        return 0
    experiment = get(name)
    print(experiment.__doc__.strip().splitlines()[0])
    print(f"\n{'setting':16s} {'quick':36s} full")
    for key, quick in experiment.QUICK.items():
        print(f"{key:16s} {_shown(quick):36s} {_shown(experiment.FULL[key])}")
    return 0


def _shown(value):
    if isinstance(value, dict):
        return " ".join(f"{key}:{_shown(entry)}" for key, entry in value.items())
    if isinstance(value, (tuple, list, np.ndarray)):
        return ",".join(map(str, np.asarray(value).tolist()))
    return str(value)


def _run(experiment, args, overrides, record, executor):
    start = time.perf_counter()
    try:
        ds = experiment.run(
            quick=args.quick,
            seed=args.seed,
            executor=executor,
            store=args.store,
            progress=args.name,
            **overrides,
        )
    except KeyboardInterrupt:
        resume = f"; finished points are kept in {args.store}" if args.store else ""
        print(f"interrupted{resume}: the same command resumes", file=sys.stderr)
        return 130
    elapsed = time.perf_counter() - start
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    ds.attrs.update({"date": ds.attrs.get("date", now), **record})
    args.out.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(args.out / f"{args.name}.nc", engine="h5netcdf")
    experiment.plot(ds).savefig(args.out / f"{args.name}.png", dpi=150)
    print(experiment.summary(ds))
    print(f"{elapsed:.1f} s; wrote {args.out / args.name}.nc and .png")
    return 0


def _load_run(path):
    """The Dataset that ``run`` wrote to ``path``."""
    import xarray as xr

    ds = xr.load_dataset(path, engine="h5netcdf")
    if ds.attrs.get("experiment") not in NAMES:
        raise ValueError(
            f"FILE must be a Dataset written by run (attribute experiment one of "
            f"{list(NAMES)}); got {path} with experiment={ds.attrs.get('experiment')!r}"
        )
    return ds


def _show(ds, figure):
    experiment = get(ds.attrs["experiment"])
    for key in RECORD:
        value = ds.attrs.get(key, "(not recorded)")
        print(f"{key:14s} {value if value != '' else '(none)'}")
    print()
    print(experiment.summary(ds))
    experiment.plot(ds).savefig(figure, dpi=150)
    print(f"wrote {figure}")
    return 0


def _git_commit():
    """The commit of the git checkout the experiments run from, ``-dirty`` when tracked
    files differ from it; None when they are not in a checkout's top level (an installed
    wheel) or git is missing."""
    package = Path(__file__).resolve().parent
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # read only: never take the index lock

    def git(*command):
        return subprocess.run(
            ["git", *command], cwd=package, env=env, capture_output=True, text=True, timeout=30
        )

    try:
        top = git("rev-parse", "--show-toplevel")
        if top.returncode or Path(top.stdout.strip()).resolve() != package.parent:
            return None
        commit = git("rev-parse", "HEAD").stdout.strip()
        dirty = git("diff", "--quiet", "HEAD", "--").returncode != 0
    except (OSError, subprocess.TimeoutExpired):
        return None
    if not commit:
        return None
    return f"{commit}-dirty" if dirty else commit
