"""Tests of the Monte Carlo driver `assoc.mc.run`."""

import concurrent.futures
import datetime
import functools
import itertools
import json
import time

import numpy as np
import pytest
import xarray as xr

import assoc
from assoc import mc

GRID = {"a": [0.0, 1.5, -2.0], "b": [1, 2]}


def draw(a, b, *, rng, n=4):
    """A cheap fn with a float, an int, a bool and a vector output."""
    return {
        "x": rng.random(),
        "k": int(rng.integers(100)),
        "up": bool(a > b),
        "v": a + b * rng.normal(size=n),
    }


class FailAfter:
    """`draw` that counts its calls and raises KeyboardInterrupt after `limit` of them."""

    def __init__(self, limit=np.inf):
        self.limit, self.calls = limit, 0

    def __call__(self, **kwargs):
        self.calls += 1
        if self.calls > self.limit:
            raise KeyboardInterrupt
        return draw(**kwargs)


def index_slowest_first(i, *, rng):
    time.sleep(0.03 * (3 - i))
    return {"index": i}


def run(fn=draw, grid=GRID, **kwargs):
    return mc.run(fn, grid, **{"samples": 3, "seed": 5, "progress": False, **kwargs})


def assert_same(ds, want):
    """Bit-identical data, coords and dtypes; attrs equal but for the date."""
    xr.testing.assert_equal(ds, want)
    for name in want.variables:
        assert ds[name].dtype == want[name].dtype, name
    assert {**ds.attrs, "date": None} == {**want.attrs, "date": None}


def test_dataset_layout_and_attrs():
    ds = run(params={"n": 5}, dims={"v": ("i",)}, attrs={"model": "toy"})
    assert list(ds.data_vars) == ["x", "k", "up", "v"]
    assert ds["x"].dims == ("a", "b", "sample")
    assert ds["v"].dims == ("a", "b", "sample", "i")
    assert ds["v"].shape == (3, 2, 3, 5)
    assert [ds[v].dtype.kind for v in ("x", "k", "up")] == ["f", "i", "b"]
    np.testing.assert_array_equal(ds["a"], GRID["a"])
    np.testing.assert_array_equal(ds["b"], GRID["b"])
    np.testing.assert_array_equal(ds["sample"], [0, 1, 2])
    assert ds.attrs["n"] == 5 and ds.attrs["model"] == "toy" and ds.attrs["seed"] == 5
    assert ds.attrs["fn"].endswith(".draw")
    assert ds.attrs["assoc_version"] == assoc.__version__
    age = datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.fromisoformat(
        ds.attrs["date"]
    )
    assert datetime.timedelta(0) <= age < datetime.timedelta(minutes=5)
    assert all(isinstance(value, (int, float, str)) for value in ds.attrs.values())


def test_each_sample_draws_from_its_spawned_child():
    ds = run(samples=4)
    children = np.random.SeedSequence(5).spawn(6)
    for k, (i, j) in enumerate(itertools.product(range(3), range(2))):
        for s, child in enumerate(children[k].spawn(4)):
            want = draw(GRID["a"][i], GRID["b"][j], rng=np.random.default_rng(child))
            got = ds.isel(a=i, b=j, sample=s)
            for name, value in want.items():
                np.testing.assert_array_equal(got[name], value)


def draw_flag(a, b, *, rng, n, flag, **more):
    assert flag is True
    return draw(a, b, rng=rng, n=n)


def test_default_extra_dims_and_bool_params():
    ds = run(params={"n": 2, "flag": True}, fn=functools.partial(draw_flag))
    assert ds["v"].dims == ("a", "b", "sample", "v_dim_0")
    assert ds.attrs["flag"] == 1
    assert ds.attrs["fn"].endswith(".draw_flag")


def test_seed_none_records_the_entropy_it_used():
    ds = run(seed=None)
    assert isinstance(ds.attrs["seed"], str) and int(ds.attrs["seed"]) >= 2**63
    assert_same(run(seed=int(ds.attrs["seed"])), ds)


def test_seeds_give_different_samples():
    assert not np.array_equal(run(seed=1)["x"], run(seed=2)["x"])
    ds = run(samples=5)
    assert np.unique(ds["x"]).size == ds["x"].size


def test_process_pool_gives_the_same_dataset():
    assert_same(run(executor=2), run())


def fail_below_zero(a, b, *, rng):
    if a < 0:
        raise RuntimeError(f"a = {a}")
    return draw(a, b, rng=rng)


def test_an_error_in_a_worker_reaches_the_caller(tmp_path):
    with pytest.raises(RuntimeError, match=r"a = -2\.0"):
        run(fail_below_zero, executor=2, store=tmp_path)
    assert not (tmp_path / "point_000004.npz").exists()
    assert not (tmp_path / "point_000005.npz").exists()


def pick(model, T, *, rng):
    return {"same": model == "hopfield" and isinstance(T, float)}


def test_string_and_numeric_axes_reach_fn_as_python_scalars():
    ds = run(pick, {"model": ["hopfield", "dense"], "T": np.array([0.0, 0.5])})
    np.testing.assert_array_equal(ds["same"].all("sample"), [[True, True], [False, False]])
    assert ds["model"].dtype.kind == "U"


def test_the_dataset_round_trips_through_netcdf(tmp_path):
    pytest.importorskip("h5py")  # h5netcdf writes through h5py
    ds = run(params={"n": 2, "T": 0.5, "flag": True, "model": "toy"}, fn=draw_flag, seed=None)
    ds.to_netcdf(tmp_path / "ds.nc", engine="h5netcdf")
    xr.testing.assert_identical(xr.load_dataset(tmp_path / "ds.nc", engine="h5netcdf"), ds)


def test_results_are_placed_by_grid_index_not_finishing_order():
    grid = {"i": [0, 1, 2, 3]}
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        ds = run(index_slowest_first, grid, executor=pool)
    np.testing.assert_array_equal(ds["index"], np.repeat(grid["i"], 3).reshape(4, 3))


def test_dask_cluster_gives_the_same_dataset():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        ds = run(executor=client)
    assert_same(ds, run())


def test_store_resumes_an_interrupted_run(tmp_path):
    store = tmp_path / "run"
    first = FailAfter(limit=7)  # samples=3: points 0 and 1 finish, point 2 is cut short
    with pytest.raises(KeyboardInterrupt):
        run(first, store=store)
    assert sorted(p.name for p in store.glob("point_*")) == [
        "point_000000.npz",
        "point_000001.npz",
    ]

    second = FailAfter()
    ds = run(second, store=store)
    assert second.calls == (6 - 2) * 3
    assert_same(ds, run(FailAfter()))
    assert len(list(store.glob("point_*"))) == 6

    third = FailAfter()
    assert_same(run(third, store=store), ds)
    assert third.calls == 0


def test_store_with_seed_none_resumes_with_the_recorded_entropy(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        run(FailAfter(limit=4), seed=None, store=tmp_path)
    entropy = json.loads((tmp_path / "manifest.json").read_text())["arguments"]["seed"]
    ds = run(FailAfter(), seed=None, store=tmp_path)
    assert int(ds.attrs["seed"]) == entropy
    assert_same(ds, run(FailAfter(), seed=entropy))


def test_store_resumed_on_a_process_pool(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        run(FailAfter(limit=10), store=tmp_path)
    assert_same(run(FailAfter(), store=tmp_path, executor=2), run(FailAfter()))


@pytest.mark.parametrize(
    "change",
    [
        {"samples": 4},
        {"seed": 6},
        {"grid": {"b": [1, 2], "a": [0.0, 1.5, -2.0]}},
        {"grid": {"a": [0.0, 1.5, -2.1], "b": [1, 2]}},
        {"params": {"n": 3}},
        {"dims": {"v": ("i",)}},
        {"fn": draw_flag, "params": {"n": 4, "flag": True}},
    ],
)
def test_store_refuses_other_arguments(tmp_path, change):
    run(store=tmp_path)
    with pytest.raises(ValueError, match=r"store must be .* written with another"):
        run(store=tmp_path, **change)


def test_store_refuses_a_foreign_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="store must be a new or empty directory"):
        run(store=tmp_path)


def test_progress_bar_counts_resumed_points(tmp_path, capsys):
    with pytest.raises(KeyboardInterrupt):
        run(FailAfter(limit=7), store=tmp_path, progress=True)
    assert "2/6" in capsys.readouterr().err
    run(FailAfter(), store=tmp_path, progress=True)
    err = capsys.readouterr().err
    assert "2/6" in err and "6/6" in err and "0/6" not in err
    run()
    assert capsys.readouterr().err == ""


def ragged(n, *, rng):
    return {"v": np.zeros(n)}


def retyped(n, *, rng):
    return {"v": 1 if n == 1 else 1.5}


def renamed(n, *, rng):
    return {"x" if rng.random() < 0.5 else "y": 1.0}


@pytest.mark.parametrize(
    ("fn", "grid", "match"),
    [
        (
            ragged,
            {"n": [1, 2]},
            r"output 'v' must be of one shape and dtype: \(1,\), float64 at n=1; got \(2,\)",
        ),
        (retyped, {"n": [1, 2]}, "output 'v' must be of one shape and dtype: .*int64 at n=1"),
        (renamed, {"n": [1]}, r"the outputs of fn must be the same at every call: \['x'\]"),
    ],
)
def test_inconsistent_outputs_are_refused(fn, grid, match):
    with pytest.raises(ValueError, match=match):
        run(fn, grid, samples=10)


@pytest.mark.parametrize(
    ("out", "error", "match"),
    [
        ({"s": "text"}, TypeError, "output 's' must be a number or a numeric or bool array"),
        ({"c": 1j}, TypeError, "output 'c' must be a number"),
        ({"o": [1, None]}, TypeError, "output 'o' must be a number"),
        ([1.0], TypeError, "the return value of fn must be a non-empty mapping"),
        ({}, TypeError, "the return value of fn must be a non-empty mapping"),
        ({1: 1.0}, TypeError, "the output names of fn must be strings"),
        ({"a": 1.0}, ValueError, "the output names of fn must be distinct"),
        ({"sample": 1.0}, ValueError, "the output names of fn must be distinct"),
    ],
)
def test_bad_outputs_are_refused(out, error, match):
    with pytest.raises(error, match=match):
        run(lambda a, b, *, rng: out)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"fn": 3}, TypeError, "fn must be a callable"),
        ({"grid": [("a", [1])]}, TypeError, "grid must be a non-empty dict"),
        ({"grid": {}}, TypeError, "grid must be a non-empty dict"),
        ({"grid": {"a": []}}, ValueError, r"grid\['a'\] must be a non-empty 1-D"),
        ({"grid": {"a": [[1, 2]]}}, ValueError, r"grid\['a'\] must be a non-empty 1-D"),
        ({"grid": {"a": 1.0}}, ValueError, r"grid\['a'\] must be a non-empty 1-D"),
        ({"grid": {"a": [None]}}, ValueError, r"grid\['a'\] must be a non-empty 1-D"),
        ({"grid": {"a": [1, "x"]}}, ValueError, r"grid\['a'\] must be .* \(not mixed\)"),
        ({"grid": {"sample": [1]}}, ValueError, "grid axis names must be strings other"),
        ({"samples": 0}, ValueError, "samples must be in"),
        ({"samples": 2.0}, TypeError, "samples must be an integer"),
        ({"seed": -1}, ValueError, "seed must be in"),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
        ({"params": {"a": 1}}, ValueError, "keys of params must be strings other"),
        ({"params": {"seed": 1}}, ValueError, "keys of params must be strings other"),
        ({"params": {"n": [1, 2]}}, TypeError, r"params\['n'\] must be a number or a string"),
        ({"attrs": {"n": 1}, "params": {"n": 4}}, ValueError, "keys of attrs must be"),
        ({"attrs": {"date": "x"}}, ValueError, "keys of attrs must be"),
        ({"dims": {"v": "i"}}, TypeError, r"dims\['v'\] must be a tuple of axis names"),
        ({"dims": {"v": ("i", "i")}}, ValueError, r"dims\['v'\] must be distinct"),
        ({"dims": {"v": ("i", "j")}}, ValueError, r"dims\['v'\] must be 1 axis name"),
        ({"dims": {"w": ("i",)}}, ValueError, "dims must be keyed by outputs of fn"),
        ({"dims": {"v": ("a",)}}, ValueError, r"dims\['v'\] must be names other than"),
        ({"executor": 0}, ValueError, "executor must be in"),
        ({"executor": "processes"}, TypeError, "executor must be None, a number"),
        ({"store": 3}, TypeError, "store must be a directory path"),
        # issue 16: values that got through, or failed deep inside
        ({"progress": None}, TypeError, "progress must be True, False or a label"),
        ({"progress": 1}, TypeError, "progress must be True, False or a label"),
        ({"grid": {"a": [0.0, 0.0]}}, ValueError, r"grid\['a'\] must be distinct values"),
        ({"grid": {"a": [np.nan]}}, ValueError, r"grid\['a'\] must be finite numbers"),
        ({"grid": {"a": range(10**12)}}, ValueError, r"grid\['a'\] must be small enough"),
        ({"samples": 10**12}, ValueError, "samples must be small enough that its arrays fit"),
        ({"executor": 10**12}, ValueError, "executor must be in"),
        ({"params": {"n": float("inf")}}, ValueError, r"params\['n'\] must be a finite number"),
    ],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        run(**kwargs)


def test_a_seed_beyond_int64_is_taken():
    # integers beyond int64 are refused everywhere but here: any non-negative integer
    # is the entropy of a SeedSequence
    assert run(seed=2**200).attrs["seed"] == str(2**200)


@pytest.mark.parametrize(
    ("workers", "error", "match"),
    [(0, ValueError, "workers must be in"), (2.0, TypeError, "workers must be an integer")],
)
def test_process_pool_refuses_bad_workers(workers, error, match):
    with pytest.raises(error, match=match):
        mc.process_pool(workers)


def test_shared_dim_of_two_sizes_is_refused():
    def two(a, b, *, rng):
        return {"u": np.zeros(2), "w": np.zeros(3)}

    with pytest.raises(ValueError, match=r"dims\['w'\] must be .* each of one size"):
        run(two, dims={"u": ("i",), "w": ("i",)})


def test_unpicklable_fn_is_refused_for_processes():
    with pytest.raises(TypeError, match="fn must be picklable"):
        run(lambda a, b, *, rng: {"x": 1.0}, executor=2)


def test_store_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(ValueError, match="store must be a directory"):
        run(store=tmp_path / "f")
