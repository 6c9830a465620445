"""The store of `assoc.mc.run` under stress: foreign and damaged files, concurrent runs,
and runs interrupted by SIGINT and SIGKILL at random points on every executor.

Whatever happens, three things must hold: nothing recomputed (a rerun computes only
the points missing from the store), nothing mixed (the Dataset of a resumed run is
bit for bit that of an uninterrupted run), and nothing left running (no worker, no
resource tracker outlives a killed run). The runs that get killed are separate
processes, ``tests/_store_run.py``; ``-m slow`` interrupts them more often, in more
ways.
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from assoc import mc

psutil = pytest.importorskip("psutil")

RUN = Path(__file__).with_name("_store_run.py")
sys.path.insert(0, str(RUN.parent))
from _store_run import work  # noqa: E402  (a module of this directory, not a package)

POINTS, SAMPLES = 12, 3


def run(store, seed=11, **kwargs):
    """The run of `_store_run`, in this process."""
    grid = {"k": np.arange(POINTS)}
    return mc.run(
        work,
        grid,
        samples=SAMPLES,
        seed=seed,
        params={"pause": 0.0},
        store=store,
        progress=False,
        **kwargs,
    )


@pytest.fixture
def log(tmp_path, monkeypatch):
    """The file that `work` appends a line to at every call."""
    path = tmp_path / "calls.log"
    monkeypatch.setenv("ASSOC_STORE_LOG", str(path))
    return path


def calls(log):
    """The grid points `work` was called at, one entry per sample."""
    if not Path(log).exists():
        return []
    return [int(line.split()[0]) for line in Path(log).read_text().splitlines()]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The Dataset of an uninterrupted run without a store (pause 0: the same numbers)."""
    os.environ.setdefault("ASSOC_STORE_LOG", str(tmp_path_factory.mktemp("ref") / "log"))
    return run(None)


def assert_same(ds, want):
    xr.testing.assert_identical(ds.drop_attrs(), want.drop_attrs())
    same = {"date": 0, "pause": 0, "fn": 0}  # fn: __main__.work in a run of _store_run
    assert {**ds.attrs, **same} == {**want.attrs, **same}


def points(store):
    return sorted(int(p.name[6:12]) for p in Path(store).glob("point_*.npz"))


# ---- foreign and damaged files ----------------------------------------------------------


def test_a_point_of_another_run_is_refused_naming_its_file(tmp_path, log):
    run(tmp_path / "a")
    run(tmp_path / "b", seed=12)  # the same outputs, names, shapes and dtypes
    shutil.copy(tmp_path / "b" / "point_000003.npz", tmp_path / "a" / "point_000003.npz")
    with pytest.raises(ValueError, match=r"point_000003\.npz: it was written by another run"):
        run(tmp_path / "a")


def test_a_point_under_another_name_is_refused(tmp_path, log):
    run(tmp_path)
    shutil.copy(tmp_path / "point_000001.npz", tmp_path / "point_000002.npz")
    with pytest.raises(ValueError, match=r"point_000002\.npz: it holds grid point 1, not 2"):
        run(tmp_path)


def _rewrite(path, change):
    """Write the point file anew, its arrays changed by ``change``, its comment kept: a
    whole zip file whose data no longer match the checksum it carries."""
    with zipfile.ZipFile(path) as npz:
        comment = npz.comment
        arrays = {name: np.lib.format.read_array(npz.open(name)) for name in npz.namelist()}
    change(arrays)
    with zipfile.ZipFile(path, "w") as npz:
        npz.comment = comment
        for name, value in arrays.items():
            with npz.open(name, "w") as member:
                np.lib.format.write_array(member, value)


def _flip_a_byte(path):
    """Flip the last byte of the numbers of the first output (a bit error on disk)."""
    with zipfile.ZipFile(path) as npz:
        first = npz.infolist()[0]
    end = first.header_offset + 30 + len(first.filename) + first.compress_size
    data = bytearray(path.read_bytes())
    data[end - 1] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE = {
    "a flipped byte": (_flip_a_byte, "it cannot be read"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:100]), "it cannot be read"),
    "empty": (lambda p: p.write_bytes(b""), "it cannot be read"),
    "not a zip file": (lambda p: p.write_text("point"), "it cannot be read"),
    "no fingerprint": (
        lambda p: _rewrite_comment(p, b""),
        "it cannot be read",
    ),
    "a changed number": (
        lambda p: _rewrite(p, lambda a: a["x.npy"].__setitem__((0, 0), 0.5)),
        "its data do not match its checksum",
    ),
    "a missing output": (
        lambda p: _rewrite(p, lambda a: a.pop("point.npy")),
        "its data do not match its checksum",
    ),
}


def _rewrite_comment(path, comment):
    with zipfile.ZipFile(path, "a") as npz:
        npz.comment = comment


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_point_is_refused_naming_its_file(tmp_path, log, damage):
    run(tmp_path)
    spoil, why = DAMAGE[damage]
    spoil(tmp_path / "point_000004.npz")
    with pytest.raises(ValueError, match=rf"point_000004\.npz: {why}.*delete that file"):
        run(tmp_path)
    (tmp_path / "point_000004.npz").unlink()  # as the message says: then it is recomputed
    before = len(calls(log))
    assert_same(run(tmp_path), run(None))
    assert calls(log)[before:] == [4] * SAMPLES + list(np.repeat(range(POINTS), SAMPLES))


MANIFESTS = {
    "truncated": lambda text: text[: len(text) // 2],
    "not JSON": lambda text: "manifest",
    "a list": lambda text: "[1, 2]",
    "no arguments": lambda text: json.dumps({"fingerprint": json.loads(text)["fingerprint"]}),
    "another fingerprint": lambda text: text.replace('"fingerprint": "', '"fingerprint": "0'),
}


@pytest.mark.parametrize("damage", list(MANIFESTS))
def test_a_damaged_manifest_is_refused_naming_it(tmp_path, log, damage):
    run(tmp_path)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(MANIFESTS[damage](manifest.read_text()))
    with pytest.raises(ValueError, match=r"manifest\.json, damaged .*delete the directory"):
        run(tmp_path)


def test_a_store_of_the_old_format_is_refused(tmp_path, log):
    run(tmp_path)
    manifest = tmp_path / "manifest.json"
    record = json.loads(manifest.read_text())
    del record["format"]  # as assoc 0.2 wrote it, its points without fingerprints
    manifest.write_text(json.dumps(record))
    with pytest.raises(ValueError, match="of format 1; use a new directory"):
        run(tmp_path)


def test_what_interrupted_writes_left_is_cleared(tmp_path, log):
    (tmp_path / "manifest.json.tmp").write_text('{"fing')  # killed creating the store
    ds = run(tmp_path)
    assert not list(tmp_path.glob("*.tmp"))
    (tmp_path / "point_000005.npz").rename(tmp_path / "point_000005.npz.tmp")  # mid-rename
    before = len(calls(log))
    assert_same(run(tmp_path), ds)
    assert calls(log)[before:] == [5] * SAMPLES
    assert not list(tmp_path.glob("*.tmp"))


# ---- one run per store ------------------------------------------------------------------


def nested(k, *, rng, pause, store):
    """`work`, and, inside it, another run on the same store."""
    run(store)
    return work(k, rng=rng, pause=pause)


def test_a_second_run_on_a_store_in_use_is_refused(tmp_path, log):
    grid = {"k": np.arange(2)}
    params = {"pause": 0.0, "store": str(tmp_path)}
    in_use = rf"store must be a directory no other run is using.*in use by process {os.getpid()}"
    with pytest.raises(ValueError, match=in_use):
        mc.run(nested, grid, params=params, store=tmp_path, progress=False)
    (tmp_path / "manifest.json").unlink()  # a store of nested's; the lock is left
    assert_same(run(tmp_path), run(None))  # free: it went with the run that held it


def launch(store, executor, log, points=POINTS, samples=SAMPLES):
    """`_store_run` in a process of its own (its own process group)."""
    return subprocess.Popen(
        [sys.executable, str(RUN), str(store), executor, str(points), str(samples)],
        env={**os.environ, "ASSOC_STORE_LOG": str(log)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_two_runs_started_together_compute_every_point_once(tmp_path):
    log = tmp_path / "calls.log"
    runs = [launch(tmp_path / "store", "inline", log) for _ in range(2)]
    outcomes = [r.communicate(timeout=120) for r in runs]
    done = [out for out, _ in outcomes if out.startswith("done")]
    # the loser may read the lock file before the winner has written its name in it
    refused = [err for _, err in outcomes if re.search(r"in use by (process|another run)", err)]
    assert len(done) >= 1 and len(done) + len(refused) == 2, outcomes
    assert sorted(calls(log)) == list(np.repeat(range(POINTS), SAMPLES))


# ---- interruptions ----------------------------------------------------------------------


def descendants(pid):
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def interrupt(store, executor, log, how, rng):
    """Run `_store_run` on ``store`` and interrupt it ``how`` ("SIGKILL", "SIGINT" to
    the run, "group SIGINT" to its process group as Ctrl-C in a terminal does) once a
    random number of points is stored, a random moment later. Returns the points
    stored then; asserts that no process of the run is left."""
    have = len(points(store))
    target = have + rng.randint(1, 3)
    proc = launch(store, executor, log)
    deadline = time.monotonic() + 120
    while len(points(store)) < target and proc.poll() is None:
        assert time.monotonic() < deadline, "the run stored nothing"
        time.sleep(0.01)
    time.sleep(rng.uniform(0.0, 0.05))
    family = descendants(proc.pid)
    if proc.poll() is None:
        sig = signal.SIGKILL if how == "SIGKILL" else signal.SIGINT
        (os.killpg if how == "group SIGINT" else os.kill)(proc.pid, sig)
    out, err = proc.communicate(timeout=60)  # returns only once every pipe is closed
    assert proc.returncode != 0 or out.startswith("done"), err
    _, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, f"left running after {how}: {[p.cmdline()[:3] for p in alive]}"
    return points(store)


def resume(store, executor, log, reference):
    """Finish the run on ``store``: nothing recomputed, the reference's numbers."""
    stored = set(points(store))
    before = len(calls(log))
    proc = launch(store, executor, log)
    out, err = proc.communicate(timeout=300)
    assert out.startswith("done"), err
    computed = calls(log)[before:]
    assert not stored & set(computed), "stored points were computed again"
    assert sorted(computed) == list(np.repeat(sorted(set(range(POINTS)) - stored), SAMPLES))
    with xr.open_dataset(f"{store}.nc", engine="h5netcdf") as ds:
        assert_same(ds.load(), reference)


QUICK = [("inline", "SIGINT"), ("pool", "SIGKILL"), ("dask", "SIGKILL")]


@pytest.mark.parametrize(("executor", "how"), QUICK)
def test_an_interrupted_run_resumes_and_leaves_nothing_running(tmp_path, reference, executor, how):
    if executor == "dask":
        pytest.importorskip("distributed")
    rng = random.Random(f"{executor} {how}")
    store, log = tmp_path / "store", tmp_path / "calls.log"
    interrupt(store, executor, log, how, rng)
    resume(store, "inline", log, reference)


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["inline", "pool", "dask"])
@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT", "group SIGINT"])
def test_runs_interrupted_again_and_again_resume(tmp_path, reference, executor, how):
    if executor == "dask":
        pytest.importorskip("distributed")
    rng = random.Random(f"{executor} {how} again")
    store, log = tmp_path / "store", tmp_path / "calls.log"
    for _ in range(3):
        if len(interrupt(store, executor, log, how, rng)) == POINTS:
            break
    resume(store, executor, log, reference)


@pytest.mark.slow
def test_the_command_line_killed_leaves_no_worker(tmp_path):
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "experiments", "run", "hopfield_capacity", "--quick"),
            *("--workers", "2", "--out", str(tmp_path), "--store", str(tmp_path / "store")),
        ],
        cwd=RUN.parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not points(tmp_path / "store") and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    family = descendants(proc.pid)
    assert len(family) >= 2  # the workers (and the resource tracker)
    proc.kill()
    proc.communicate(timeout=60)  # blocked while any process holds its pipes
    _, alive = psutil.wait_procs(family, timeout=30)
    assert not alive
