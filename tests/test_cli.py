"""The experiments' command (`assoc`, `python -m experiments`): list, run with --set, the
record a run keeps, show, the progress bar, and a clone named assoc in the way."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from matplotlib import image

import assoc
import experiments
from experiments import _cli as cli
from experiments import _settings, dense_capacity, hopfield_capacity, sdr_false_positive_vs_s

ROOT = Path(__file__).resolve().parents[1]
# A grid of 2 x 2 x 1 points, 2 samples each: a run of a second
SMALL = [f"--set={s}" for s in ("N=200,400", "alpha=0.1,0.16", "flip=0.0", "samples=2")]


def run_cli(capsys, *argv):
    """(exit status, stdout, stderr) of the command line, in this process."""
    try:
        status = cli.main(list(map(str, argv)))
    except SystemExit as exit:
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    assert cli.main(["run", "hopfield_capacity", "--quick", *SMALL, "--out", str(out)]) == 0
    return out / "hopfield_capacity.nc"


def test_list_names_every_experiment_and_shows_one_experiments_settings(capsys):
    status, out, _ = run_cli(capsys, "list")
    assert status == 0
    assert [line.split()[0] for line in out.splitlines()] == list(experiments.NAMES)
    status, out, _ = run_cli(capsys, "list", "dense_capacity")
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[3:]}
    quick, full = dense_capacity.QUICK, dense_capacity.FULL
    assert rows.keys() == quick.keys()
    assert rows["samples"] == [str(quick["samples"]), str(full["samples"])]
    assert rows["N"] == [f"{n}:{N}" for cfg in (quick, full) for n, N in cfg["N"].items()]
    assert rows["load"][0] == ",".join(map(str, quick["load"]))


def test_set_takes_the_declared_types_shapes_and_entries():
    parse = _settings.parse
    got = parse(hopfield_capacity, ["N=300, 600", "alpha=0.1,0.15", "samples=3"], quick=True)
    assert got == {"N": (300, 600), "alpha": (0.1, 0.15), "samples": 3}
    assert type(got["N"][0]) is int and type(got["alpha"][0]) is float
    assert parse(hopfield_capacity, ["flip=0"], quick=True) == {"flip": (0.0,)}
    # a dict setting is set entry by entry; the others keep the quick or full value
    assert parse(dense_capacity, ["N.2=500"], quick=True)["N"] == {2: 500, 3: 61, 4: 30}
    assert parse(dense_capacity, ["N.2=500"], quick=False)["N"] == {2: 500, 3: 201, 4: 60}
    got = parse(dense_capacity, ["n=2,5", "N.5=40", "sizes.5=20,40"], quick=True)
    assert got["n"] == (2, 5) and got["N"][5] == 40 and got["sizes"][5] == (20, 40)
    # declared strings may hold commas; the longest declared word is taken
    got = parse(sdr_false_positive_vs_s, ["code=w=32,N=4000,w=32,N=2000"], quick=True)
    assert got == {"code": ("w=32,N=4000", "w=32,N=2000")}


@pytest.mark.parametrize(
    ("experiment", "assignments", "message"),
    [
        (hopfield_capacity, ["samples"], r"--set must be NAME=VALUE\[,VALUE...\]; got 'samples'"),
        (hopfield_capacity, ["sample=2"], r"NAME of --set .* one of \['N', 'alpha', .*'sample'"),
        (hopfield_capacity, ["samples=2", "samples=3"], "each setting at most once"),
        (hopfield_capacity, ["samples=2.5"], "samples must be integer values; got '2.5'"),
        (hopfield_capacity, ["samples=1,2"], r"samples must be one value \(declared: 4, 12\)"),
        (hopfield_capacity, ["samples=0"], "samples must be positive values"),
        (hopfield_capacity, ["alpha=0.1,x"], "alpha must be numeric values; got 'x'"),
        (hopfield_capacity, ["alpha=0.1,nan"], "alpha must be finite values"),
        (hopfield_capacity, ["alpha=0.2,0.1"], "alpha must be strictly increasing values"),
        (hopfield_capacity, ["flip=-0.1"], "flip must be non-negative values"),
        (hopfield_capacity, ["N.2=100"], "for N .it holds no entries"),
        (dense_capacity, ["N=500"], r"N must be set one entry at a time, N.KEY=VALUE \(KEY: 2,"),
        (dense_capacity, ["N.two=500"], "the KEY of N.KEY must be integer values; got 'two'"),
        (dense_capacity, ["sizes.2=400,200"], "sizes.2 must be strictly increasing"),
        (dense_capacity, ["n=2,5"], r"N must be given for every value of n \(set N.5=VALUE\)"),
        (sdr_false_positive_vs_s, ["code=w=32,N=2000,w=8"], r"code must be values among \["),
        (sdr_false_positive_vs_s, ["synapses=4,4"], "synapses must be distinct values"),
    ],
)
def test_set_refuses_what_the_experiment_does_not_declare(experiment, assignments, message):
    with pytest.raises(ValueError, match=message):
        _settings.parse(experiment, assignments, quick=True)


@pytest.mark.parametrize(
    ("name", "assignment", "message"),
    [
        ("hopfield_capacity", "flip=0.0,1.5", r"flip must be in \[0.0, 1.0\]; got 1.5"),
        ("hopfield_capacity", "flip=0.1", "flip must be a list holding 0.0"),
        ("multitask_regimes", "P=2,5", r"P must be in \[1, 4\]; got 5"),
        ("multitask_learning", "r=2", r"r must be in \[0.0, 1.0\]; got 2.0"),
        ("multitask_medium_load", "delta=1.5", r"delta must be in \(0.0, 1.0\); got 1.5"),
        ("sdr_false_positive_vs_n", "theta=30", r"theta must be in \[0, 24\]; got 30"),
        ("sdr_false_positive_vs_s", "synapses=30,40", r"synapses must be in \[1, 32\]; got 40"),
        ("sdr_unions", "w=2000", r"w must be in \[0, 1000\]; got 2000"),
        ("sdr_sets", "theta=9", r"theta must be in \[0, 8\]; got 9"),
        ("sdr_noise_robustness", "v=200", r"v must be in \[0, 128\]; got 200"),
        ("sdr_optimal_threshold", "synapses=60", r"synapses must be in \[0, 50\]; got 60"),
        ("modern_retrieval", "P=16,5000", r"P must be in \[1, 1797\]; got 5000"),
        ("sparsey_digits", "per_class=500", r"per_class must be in \[1, 174\]; got 500"),
        ("dense_capacity", "N.4=3000", "N.4 must be small enough that its arrays fit in memory"),
    ],
)
def test_set_refuses_values_the_experiment_cannot_run(name, assignment, message):
    """Ranges only the experiment knows (its ``check``) are refused by the parser, before
    any sample is drawn, not by a model at the first sample."""
    experiment = importlib.import_module(f"experiments.{name}")
    with pytest.raises(ValueError, match=message):
        _settings.parse(experiment, [assignment], quick=True)


def test_bad_set_is_an_error_before_anything_runs(tmp_path, capsys):
    # An unreachable scheduler and an output directory not yet made: the error comes
    # first, with the usage line, as argparse reports any bad argument.
    out = tmp_path / "out"
    argv = ["run", "hopfield_capacity", "--set", "alpha=abc", "--out", out]
    status, _, err = run_cli(capsys, *argv, "--scheduler", "tcp://127.0.0.1:9")
    assert status == 2
    assert "usage: assoc" in err and "alpha must be numeric values; got 'abc'" in err
    assert not out.exists()
    status, _, err = run_cli(capsys, "run", "hopfield_capacity", "--workers", "0")
    assert status == 2 and "--workers: must be an integer >= 1; got '0'" in err


def test_run_applies_the_settings_and_records_how_it_ran(small_run):
    ds = xr.load_dataset(small_run)
    want = hopfield_capacity.run(
        quick=True, progress=False, N=(200, 400), alpha=(0.1, 0.16), flip=(0.0,), samples=2
    )
    xr.testing.assert_equal(ds, want)
    assert ds["N"].values.tolist() == [200, 400] and ds.sizes["sample"] == 2
    assert ds.attrs["overrides"] == "N=200,400 alpha=0.1,0.16 flip=0.0 samples=2"
    assert ds.attrs["command"] == (
        f"assoc run hopfield_capacity --quick {' '.join(SMALL)} --out {small_run.parent}"
    )
    assert ds.attrs["assoc_version"] == assoc.__version__
    if (ROOT / ".git").exists():
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        assert re.fullmatch(f"{head}(-dirty)?", ds.attrs["git_commit"])
    else:  # a source tree without git: nothing to record
        assert "git_commit" not in ds.attrs


def test_show_prints_the_record_and_summary_and_draws_without_computing(
    small_run, tmp_path, capsys, monkeypatch
):
    def refuse(*args, **kwargs):
        raise AssertionError("show computed something")

    monkeypatch.setattr(assoc.mc, "run", refuse)
    monkeypatch.setattr(hopfield_capacity, "run", refuse)
    figure = tmp_path / "again.png"
    status, out, _ = run_cli(capsys, "show", small_run, "--figure", figure)
    assert status == 0
    ds = xr.load_dataset(small_run)
    record = dict(line.split(maxsplit=1) for line in out.split("\n\n")[0].splitlines())
    for key in ("experiment", "command", "overrides", "seed", "assoc_version", "date"):
        assert record[key] == str(ds.attrs[key])
    assert hopfield_capacity.summary(ds) in out
    # the figure drawn again from the file is the one the run drew, pixel for pixel
    drawn, again = (image.imread(path) for path in (small_run.with_suffix(".png"), figure))
    np.testing.assert_array_equal(again, drawn)


def test_show_refuses_a_file_that_is_not_a_run(tmp_path, capsys):
    path = tmp_path / "other.nc"
    xr.Dataset({"x": ("i", np.arange(3))}).to_netcdf(path, engine="h5netcdf")
    status, _, err = run_cli(capsys, "show", path)
    assert status == 2 and "FILE must be a Dataset written by run" in err
    status, _, err = run_cli(capsys, "show", tmp_path / "missing.nc")
    assert status == 2 and "missing.nc" in err


def test_progress_bar_names_the_experiment_and_counts_samples_and_points(tmp_path, capsys):
    argv = ["run", "hopfield_capacity", "--quick", *SMALL, "--out", tmp_path]
    status, _, err = run_cli(capsys, *argv)
    assert status == 0
    final = err.replace("\r", "\n").strip().splitlines()[-1]
    # 4 points x 2 samples; elapsed<remaining is tqdm's ETA
    assert re.match(r"hopfield_capacity: 100%.* 8/8 \[\d\d:\d\d<\d\d:\d\d, .*4/4 points\]", final)
    assert "experiments.hopfield_capacity" not in err


def test_python_m_experiments_is_the_same_command(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "experiments", "run", "hopfield_capacity", "--set", "bad=1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "usage: python -m experiments" in out.stderr and "got 'bad'" in out.stderr


def test_a_clone_named_assoc_in_the_current_directory_does_not_shadow_the_package(tmp_path):
    # `python -m experiments` puts the current directory first on sys.path; there
    # assoc/ (no __init__.py: a clone of the repository) would be imported as a namespace
    # package in place of an editable install. The worker processes of --workers must
    # import the installed package too.
    (tmp_path / "assoc").mkdir()
    (tmp_path / "assoc" / "pyproject.toml").write_text("")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    argv = ["run", "hopfield_capacity", SMALL[0], "--set=alpha=0.1", "--set=flip=0.0"]
    out = subprocess.run(
        [sys.executable, "-m", "experiments", *argv, "--set=samples=1", "--workers=2"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert xr.load_dataset(tmp_path / "results" / "hopfield_capacity.nc").sizes["N"] == 2


def test_a_namespace_directory_and_no_installed_package_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "assoc_clone").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError, match=r"assoc_clone is not installed, and the directory"):
        experiments._import_past_namespace("assoc_clone")
    assert str(tmp_path) not in sys.path
