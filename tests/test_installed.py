"""The experiments as users outside the repository meet them: a wheel installed into a
fresh environment, and a real dask.distributed cluster (a scheduler and workers in
processes of their own, started with distributed's command-line tools, no PYTHONPATH).
Each gives the Dataset that `python -m experiments run hopfield_capacity --quick` gives
in the repository checkout."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import xarray as xr

import experiments
from experiments import _cli as cli

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUICK = ["run", "hopfield_capacity", "--quick"]
POINTS = 3 * 2 * 8  # the quick grid: N x flip x alpha
# Attributes that say where, when and by which command a run was made
WHERE_AND_WHEN = ("date", "command", "git_commit")
# Where a python imports the three packages from
WHERE_FROM = """
import assoc, experiments, theory
for package in (assoc, experiments, theory):
    print(package.__file__)
"""


def environment():
    """This process's environment without PYTHONPATH: only what is installed counts."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def command(name):
    """A console script of this environment (next to its python)."""
    path = BIN / name
    assert path.exists(), f"{path} missing: install the package (pip install -e .)"
    return str(path)


def assert_same_run(ds, reference, differ=WHERE_AND_WHEN):
    """Identical variables, coordinates and attributes, but for the attributes in
    ``differ``."""
    ds, reference = ds.copy(), reference.copy()
    for key in differ:
        ds.attrs.pop(key, None)
        reference.attrs.pop(key, None)
    xr.testing.assert_identical(ds, reference)


@pytest.fixture(scope="module")
def checkout_run(tmp_path_factory):
    """``run hopfield_capacity --quick`` from the repository checkout, in this process."""
    assert Path(experiments.__file__).is_relative_to(ROOT)
    out = tmp_path_factory.mktemp("checkout")
    assert cli.main([*QUICK, "--out", str(out)]) == 0
    return xr.load_dataset(out / "hopfield_capacity.nc")


def test_a_wheel_in_a_fresh_environment_runs_from_anywhere(tmp_path, checkout_run):
    # Build from a copy of the tree, so that the build leaves nothing in the checkout.
    source = tmp_path / "source"
    skip = (".git", "__pycache__", "*.egg-info", "build", "dist", "results", ".*_cache")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*skip, "*.nbi", "*.nbc"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    build = [*pip, "wheel", str(source), "--no-deps", "--no-build-isolation"]
    subprocess.run([*build, "-w", str(tmp_path / "dist")], check=True)
    (wheel,) = (tmp_path / "dist").glob("assoc-*.whl")

    # A new environment whose only own package is the wheel; the dependencies are this
    # environment's site-packages, appended to its path by a .pth file, where the .pth
    # files of this environment (an editable install's import hook) are not run.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    purelib = [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    site = Path(subprocess.run(purelib, capture_output=True, text=True).stdout.strip())
    ours = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    (site / "dependencies.pth").write_text("\n".join(ours) + "\n")
    install = [*pip, "--python", python, "install", "--no-deps", "--no-index"]
    subprocess.run([*install, "--ignore-installed", str(wheel)], check=True)

    away = tmp_path / "away"
    away.mkdir()
    env = environment()
    files = subprocess.run(
        [python, "-c", WHERE_FROM], cwd=away, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(files) == 3 and all(Path(f).is_relative_to(site) for f in files), files

    run = subprocess.run(
        [str(venv / "bin" / "assoc"), *QUICK, "--out", "out"],
        cwd=away,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    ds = xr.load_dataset(away / "out" / "hopfield_capacity.nc")
    assert ds.attrs["command"] == "assoc run hopfield_capacity --quick --out out"
    assert "git_commit" not in ds.attrs  # installed: no checkout to name
    assert_same_run(ds, checkout_run)
    listed = subprocess.run(
        [python, "-m", "experiments", "list"], cwd=away, env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0 and "hopfield_capacity" in listed.stdout


@contextmanager
def started(argv, cwd, log):
    """A process (and its children: a new session) that is stopped on leaving, whatever
    happens: SIGTERM to its process group, SIGKILL if it is still there after 20 s."""
    with open(log, "w") as out:
        process = subprocess.Popen(
            argv, cwd=cwd, env=environment(), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 20)):
            try:
                os.killpg(process.pid, sig)
                process.wait(wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


def dask(role):
    """The command that starts a scheduler or a worker in this distributed version."""
    if (BIN / "dask").exists():
        return [command("dask"), role]
    return [command(f"dask-{role}")]


def scheduler_address(path):
    """The address in a scheduler file, or None while it is not (wholly) written."""
    try:
        return json.loads(path.read_text())["address"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The address of a scheduler with two single-thread workers, three processes (and
    the workers' nannies) started from an empty directory without PYTHONPATH; all of
    them stopped after the tests, also when one fails."""
    distributed = pytest.importorskip("distributed")
    where = tmp_path_factory.mktemp("cluster")
    address_file = where / "scheduler.json"
    scheduler = [*dask("scheduler"), "--host", "127.0.0.1", "--port", "0"]
    scheduler += ["--no-dashboard", "--scheduler-file", str(address_file)]
    with started(scheduler, where, where / "scheduler.log") as process:
        deadline = time.monotonic() + 120
        while (address := scheduler_address(address_file)) is None:
            assert process.poll() is None, (where / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "no scheduler after 120 s"
            time.sleep(0.1)
        worker = [*dask("worker"), address, "--nthreads", "1", "--no-dashboard"]
        with (
            started([*worker, "--name", "w0"], where, where / "w0.log"),
            started([*worker, "--name", "w1"], where, where / "w1.log"),
        ):
            with distributed.Client(address, timeout=60) as client:
                client.wait_for_workers(2, timeout=120)
            yield address


def assoc_command(argv, cwd, timeout=600):
    run = subprocess.run(
        [command("assoc"), *argv], cwd=cwd, env=environment(), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_a_real_cluster_gives_the_in_process_dataset(cluster, checkout_run, tmp_path):
    assoc_command([*QUICK, "--scheduler", cluster, "--out", "out"], cwd=tmp_path)
    ds = xr.load_dataset(tmp_path / "out" / "hopfield_capacity.nc")
    assert ds.attrs["command"].endswith(f"--scheduler {cluster} --out out")
    assert_same_run(ds, checkout_run)


def finished_points(store):
    """{file name: (inode, modification time)} of the grid points in the store (mc.run
    writes each point it computes to a new file, renamed into place)."""
    points = [p for p in store.glob("point_*") if not p.name.endswith(".tmp")]
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in points}


def test_an_interrupted_cluster_run_resumes_without_recomputing_a_point(
    cluster, checkout_run, tmp_path
):
    argv = [*QUICK, "--scheduler", cluster, "--store", "store", "--out", "out"]
    store = tmp_path / "store"
    with started([command("assoc"), *argv], tmp_path, tmp_path / "first.log") as first:
        deadline = time.monotonic() + 300
        while len(finished_points(store)) < POINTS // 6:
            assert first.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "no points after 300 s"
            time.sleep(0.02)
        first.send_signal(signal.SIGINT)  # Ctrl-C
        assert first.wait(60) == 130, (tmp_path / "first.log").read_text()[-3000:]
    assert "the same command resumes" in (tmp_path / "first.log").read_text()
    kept = finished_points(store)
    assert POINTS // 6 <= len(kept) < POINTS

    second = assoc_command(argv, cwd=tmp_path)
    # the bar starts at the points kept, and none of their files was written again
    assert re.search(r"(\d+)/48 points", second.stderr).group(1) == str(len(kept))
    now = finished_points(store)
    assert len(now) == POINTS and {name: now[name] for name in kept} == kept
    assert_same_run(xr.load_dataset(tmp_path / "out" / "hopfield_capacity.nc"), checkout_run)
