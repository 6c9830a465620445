r"""Monte Carlo driver: a function run over a parameter grid times independent samples.

:func:`run` calls ``fn(**point, **params, rng=rng)`` at every point of a parameter grid,
``samples`` times, each call with its own random stream spawned from one
:class:`numpy.random.SeedSequence`, and gathers what ``fn`` returns into one
:class:`xarray.Dataset` with the grid's axes, then ``sample``, as dimensions. The same seed
gives the same Dataset in-process, on a local process pool and on a ``dask.distributed``
cluster. With ``store=DIR`` every finished grid point is written to disk as it finishes, and
a rerun with the same arguments resumes where the last one stopped.

Examples
--------
>>> import numpy as np
>>> from assoc import mc
>>> def one_step(N, alpha, *, rng):
...     xi = rng.choice([-1, 1], size=(round(alpha * N), N))  # P = alpha N patterns
...     h = xi.T @ (xi @ xi[0]) - len(xi) * xi[0]  # fields of J = xi^T xi, J_ii = 0
...     return {"m": np.mean(np.sign(h) * xi[0])}  # overlap after one update
>>> ds = mc.run(one_step, {"alpha": [0.05, 0.5]}, samples=4, seed=1,
...             params={"N": 200}, progress=False)
>>> ds["m"].dims
('alpha', 'sample')
>>> ds.attrs["N"], ds.attrs["seed"]
(200, 1)
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import functools
import hashlib
import json
import multiprocessing
import numbers
import os
import pickle
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numba
import numpy as np
import threadpoolctl
import xarray as xr
from tqdm.auto import tqdm

from . import __version__
from ._validation import check_int, fail

__all__ = ["process_pool", "run"]

# Attribute names the driver writes itself; params and attrs may not use them.
_PROVENANCE = ("fn", "seed", "assoc_version", "date")
_MANIFEST = "manifest.json"


def run(
    fn,
    grid,
    *,
    samples=1,
    seed=None,
    params=None,
    dims=None,
    executor=None,
    store=None,
    progress=True,
    attrs=None,
):
    r"""Run ``fn`` at every point of ``grid``, ``samples`` times, into one Dataset.

    Sample ``s`` of grid point ``k`` (grid points counted in C order, the last axis of
    ``grid`` fastest) draws from ``numpy.random.default_rng(child)`` with
    ``child = SeedSequence(seed).spawn(n_points)[k].spawn(samples)[s]``, so every sample
    has its own independent stream and the result does not depend on the executor, on
    the order in which points finish, or on resuming from ``store``.

    Parameters
    ----------
    fn : callable
        Called as ``fn(**point, **params, rng=rng)`` with ``rng`` a
        ``numpy.random.Generator``; returns a mapping from output names to numbers or
        numeric or bool arrays, with the same names, shapes and dtypes at every call.
        For ``executor`` other than None it must be picklable: a module-level function,
        a ``functools.partial`` of one, or an instance of a module-level class.
    grid : dict of str to 1-D sequence
        The grid axes, in order, and their values (numbers, bools or strings). They
        become the leading dimensions and the coordinates of the result; ``fn`` gets
        each value as a Python scalar.
    samples : int, default=1
        Independent samples per grid point: the ``sample`` dimension.
    seed : int or None, default=None
        Root entropy of the ``SeedSequence``. None draws fresh entropy, or, when
        ``store`` already holds a run, reuses that run's so that it resumes.
    params : dict of str to number or str, optional
        Fixed keyword arguments of ``fn``, recorded in the attributes (bools as 0/1).
    dims : dict of str to tuple of str, optional
        Names of the extra axes of array-valued outputs, e.g. ``{"m": ("mu",)}``; those
        not named are called ``<output>_dim_0``, ``<output>_dim_1``, ...
    executor : None, int, concurrent.futures.Executor or distributed.Client
        Where the grid points run, one task per point (all its samples): None runs
        them in this process, an int K in a new local process pool of K workers, an
        ``Executor`` or a ``dask.distributed`` ``Client`` on that executor.
    store : str or path-like, optional
        Directory that keeps finished grid points, created if missing. A rerun with the
        same ``fn`` (by qualified name), ``grid``, ``samples``, seed, ``params`` and
        ``dims`` computes only the points missing from it; one run per store at a time.
    progress : bool, default=True
        Show a progress bar over grid points (resumed points count as done).
    attrs : dict of str to number or str, optional
        More attributes for the result, e.g. ``{"model": "Hopfield"}``.

    Returns
    -------
    xarray.Dataset
        One variable per output of ``fn`` with dimensions ``(*grid, "sample", *extra)``,
        coordinates ``grid`` and ``sample = 0..samples-1``, and attributes ``params``,
        ``attrs``, ``fn`` (qualified name), ``seed`` (the root entropy used: an int, or
        its decimal string when it exceeds int64; ``int(ds.attrs["seed"])`` gives it
        back), ``assoc_version`` and ``date`` (UTC, ISO 8601).

    Raises
    ------
    ValueError
        On a bad argument, outputs whose names, shapes or dtypes change between calls,
        or a ``store`` written with other arguments (use a new directory).
    TypeError
        On an argument or output of the wrong type, or an ``fn`` that cannot be pickled
        for a process pool.

    Notes
    -----
    The store holds ``manifest.json`` (the arguments and their SHA-256 fingerprint) and
    one ``point_<k>.npz`` per finished grid point, each written to a temporary name and
    then renamed, so an interrupted run (an error in ``fn``, Ctrl-C, a killed job) leaves
    only whole points behind. ``fn`` is identified by its qualified name alone: after
    changing its code, or the arguments a ``functools.partial`` binds, use a new store.

    Worker processes import ``fn`` by name, so define it in a module (or, in a script,
    at top level and call :func:`run` under ``if __name__ == "__main__":``). A dask
    ``Client`` needs the ``dask`` extra (``pip install assoc[dask]``); dask is imported
    only when one is passed.

    Examples
    --------
    >>> import numpy as np
    >>> from assoc import mc
    >>> def gauss(mu, n, *, rng):
    ...     x = rng.normal(mu, size=n)
    ...     return {"mean": x.mean(), "x": x}
    >>> ds = mc.run(gauss, {"mu": [0.0, 1.0, 2.0]}, samples=5, seed=0,
    ...             params={"n": 10}, dims={"x": ("i",)}, progress=False)
    >>> ds["x"].dims, ds["x"].shape
    (('mu', 'sample', 'i'), (3, 5, 10))

    On a local pool of two processes, keeping finished points in ``runs/gauss`` (a rerun
    resumes): ``mc.run(gauss, grid, samples=5, executor=2, store="runs/gauss")``.
    """
    if not callable(fn):
        fail("fn", "a callable", repr(fn), error=TypeError)
    coords = _check_grid(grid)
    samples = check_int("samples", samples, low=1)
    params = _check_scalars("params", params, taken=(*coords, "rng", *_PROVENANCE))
    attrs = _check_scalars("attrs", attrs, taken=(*params, *_PROVENANCE))
    dims = _check_dims(dims)
    if seed is not None:
        seed = check_int("seed", seed, low=0)
    executor = _check_executor(executor, fn)
    name = _qualname(fn)
    arguments = {
        "fn": name,
        "grid": [[axis, values.tolist()] for axis, values in coords.items()],
        "samples": samples,
        "params": params,
        "dims": dims,
    }

    outputs = _Outputs(coords, dims)
    if store is None:
        entropy = np.random.SeedSequence(seed).entropy
    else:
        store = _check_store(store)
        entropy = _open_store(store, arguments, seed)
        for k in range(outputs.n):
            path = _point_path(store, k)
            if path.exists():
                outputs.add(k, _load_point(path))

    def task(k):
        return fn, outputs.point(k), params, entropy, k, samples

    todo = [k for k in range(outputs.n) if k not in outputs.blocks]
    with (
        tqdm(
            total=outputs.n,
            initial=outputs.n - len(todo),
            desc=name,
            unit="point",
            disable=not progress,
        ) as bar,
        contextlib.closing(_compute(executor, task, todo)) as results,
    ):
        for k, out in results:
            outputs.add(k, out)
            if store is not None:
                _save_point(_point_path(store, k), out)
            bar.update()

    provenance = {
        "fn": name,
        "seed": entropy if entropy < 2**63 else str(entropy),
        "assoc_version": __version__,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    recorded = {key: int(v) if isinstance(v, bool) else v for key, v in params.items()}
    return outputs.dataset(samples, attrs={**recorded, **attrs, **provenance})


def _run_point(fn, point, params, entropy, k, samples, in_worker=False):
    """All samples of grid point ``k``: ``{name: array of shape (samples, ...)}``.

    Runs in the workers, so it is a module-level function of picklable arguments. A
    worker runs its Numba kernels and BLAS calls on one thread: parallelism comes from
    the workers, and threads within them would only oversubscribe the cores.
    """
    if in_worker:
        numba.set_num_threads(1)
        threadpoolctl.threadpool_limits(1)  # BLAS too: its spinning threads steal cores
    where, rows = _where(point), []
    for s in range(samples):
        rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(k, s)))
        rows.append(_as_arrays(fn(**point, **params, rng=rng), f"{where}, sample {s}"))
    schema = _schema(rows[0])
    for s, row in enumerate(rows[1:], start=1):
        _check_like(_schema(row), schema, f"{where}, sample {s}", f"{where}, sample 0")
    return {name: np.stack([row[name] for row in rows]) for name in rows[0]}


def process_pool(workers):
    """The local pool of ``workers`` processes that ``run(..., executor=workers)`` uses;
    pass it as ``executor`` to share one pool between several runs. Processes are
    spawned, not forked: a forked child inherits the parent's Numba thread pool state."""
    context = multiprocessing.get_context("spawn")
    return concurrent.futures.ProcessPoolExecutor(workers, mp_context=context)


def _compute(executor, task, todo):
    """Yield ``(k, outputs)`` for each grid point ``k`` in ``todo`` as it finishes.

    On leaving early (an error, Ctrl-C, the caller closing the generator) the points not
    started yet are cancelled.
    """
    if executor is None or not todo:
        for k in todo:
            yield k, _run_point(*task(k))
        return
    owned = isinstance(executor, int)
    if owned:
        executor = process_pool(executor)
    if isinstance(executor, concurrent.futures.Executor):
        submit, as_completed = executor.submit, concurrent.futures.as_completed
    else:
        import distributed

        submit = functools.partial(executor.submit, pure=False)
        as_completed = distributed.as_completed
    futures = {}
    try:
        for k in todo:
            futures[submit(_run_point, *task(k), True)] = k
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            if not future.done():
                future.cancel()
        if owned:
            executor.shutdown(cancel_futures=True)


class _Outputs:
    """The outputs of ``fn``, point by point, checked against the first point seen."""

    def __init__(self, coords, dims):
        self.coords, self.dims = coords, dims
        self.shape = tuple(values.size for values in coords.values())
        self.n = int(np.prod(self.shape))
        self.blocks = {}  # grid index k -> {name: array of shape (samples, ...)}
        self.first = None  # (k, schema) of the first point added
        self.extra = None  # {name: names of its axes after "sample"}

    def point(self, k):
        """The grid values of point ``k``, as keyword arguments of ``fn``."""
        index = np.unravel_index(k, self.shape)
        return {axis: values[i].item() for (axis, values), i in zip(self.coords.items(), index)}

    def add(self, k, out):
        """Keep the outputs of point ``k``, ``{name: array of shape (samples, ...)}``."""
        schema = _schema(out, skip=1)
        if self.first is None:
            self.first = (k, schema)
            self.extra = self._extra_dims(schema)
        else:
            k0, want = self.first
            _check_like(schema, want, _where(self.point(k)), _where(self.point(k0)))
        self.blocks[k] = out

    def _extra_dims(self, schema):
        """Names of the axes of each output after ``sample``; checked once, at the first point."""
        unknown = sorted(set(self.dims) - set(schema))
        if unknown:
            fail("dims", f"keyed by outputs of fn ({sorted(schema)})", f"{unknown}")
        extra, sizes = {}, {}
        for name, (shape, _) in schema.items():
            names = self.dims.get(name, tuple(f"{name}_dim_{i}" for i in range(len(shape))))
            if len(names) != len(shape):
                fail(f"dims[{name!r}]", f"{len(shape)} axis name(s), one per axis", f"{names}")
            for dim, size in zip(names, shape):
                if dim in self.coords or dim == "sample" or sizes.setdefault(dim, size) != size:
                    fail(
                        f"dims[{name!r}]",
                        "names other than the grid axes and 'sample', each of one size",
                        f"{dim!r} (size {size})",
                    )
            extra[name] = names
        clash = sorted(set(schema) & {*self.coords, "sample", *sizes})
        if clash:
            fail("the output names of fn", "distinct from the dimension names", f"{clash}")
        return extra

    def dataset(self, samples, attrs):
        block0 = self.blocks[0]
        data = {
            name: (
                (*self.coords, "sample", *self.extra[name]),
                np.stack([self.blocks[k][name] for k in range(self.n)]).reshape(
                    *self.shape, *block0[name].shape
                ),
            )
            for name in block0
        }
        return xr.Dataset(data, coords={**self.coords, "sample": np.arange(samples)}, attrs=attrs)


def _as_arrays(out, where):
    """The outputs of one call of ``fn`` as ``{name: ndarray}``, checked."""
    if not isinstance(out, Mapping) or not out:
        fail(
            "the return value of fn",
            "a non-empty mapping of output names to values",
            f"{type(out).__name__} at {where}",
            error=TypeError,
        )
    arrays = {}
    for name, value in out.items():
        if not isinstance(name, str):
            fail("the output names of fn", "strings", f"{name!r} at {where}", error=TypeError)
        arrays[name] = np.asarray(value)
        if arrays[name].dtype.kind not in "biuf":
            fail(
                f"output {name!r}",
                "a number or a numeric or bool array",
                f"{type(value).__name__} of dtype {arrays[name].dtype} at {where}",
                error=TypeError,
            )
    return arrays


def _schema(out, skip=0):
    """``{name: (shape, dtype)}`` of the outputs, leaving out their first ``skip`` axes."""
    return {name: (value.shape[skip:], value.dtype) for name, value in out.items()}


def _check_like(schema, want, where, want_where):
    """The same output names, shapes and dtypes in ``schema`` as in ``want``."""
    if schema.keys() != want.keys():
        fail(
            "the outputs of fn",
            f"the same at every call: {sorted(want)} at {want_where}",
            f"{sorted(schema)} at {where}",
        )
    for name, (shape, dtype) in schema.items():
        if (shape, dtype) != want[name]:
            fail(
                f"output {name!r}",
                f"of one shape and dtype: {want[name][0]}, {want[name][1]} at {want_where}",
                f"{shape}, {dtype} at {where}",
            )


def _where(point):
    return ", ".join(f"{axis}={value!r}" for axis, value in point.items())


def _check_grid(grid):
    if not isinstance(grid, Mapping) or not grid:
        fail(
            "grid",
            "a non-empty dict of axis names to 1-D sequences of values",
            repr(grid),
            error=TypeError,
        )
    coords = {}
    for axis, values in grid.items():
        if not isinstance(axis, str) or axis in ("sample", "rng"):
            fail("the grid axis names", "strings other than 'sample' and 'rng'", repr(axis))
        coord = np.asarray(values)
        if (
            coord.ndim != 1
            or coord.size == 0
            or coord.dtype.kind not in "biufU"
            or (coord.dtype.kind == "U" and not all(isinstance(v, str) for v in values))
        ):
            fail(
                f"grid[{axis!r}]",
                "a non-empty 1-D sequence of numbers, bools or strings (not mixed)",
                f"shape {coord.shape}, dtype {coord.dtype}, values {np.ravel(coord)[:4].tolist()}",
            )
        coords[axis] = coord
    return coords


def _check_scalars(name, mapping, *, taken):
    """A dict of str to number or str (netCDF attributes), clear of the names in ``taken``."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        fail(name, "a dict of names to numbers or strings", repr(mapping), error=TypeError)
    checked = {}
    for key, value in mapping.items():
        if not isinstance(key, str) or key in taken:
            fail(f"the keys of {name}", f"strings other than {sorted(set(taken))}", repr(key))
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, (str, numbers.Real)):
            fail(
                f"{name}[{key!r}]",
                "a number or a string (bind other values with functools.partial)",
                f"{value!r}",
                error=TypeError,
            )
        checked[key] = value
    return checked


def _check_dims(dims):
    if dims is None:
        return {}
    if not isinstance(dims, Mapping):
        fail("dims", "a dict of output names to tuples of axis names", repr(dims), error=TypeError)
    for name, names in dims.items():
        if not isinstance(names, (tuple, list)) or not all(isinstance(d, str) for d in names):
            fail(f"dims[{name!r}]", "a tuple of axis names", repr(names), error=TypeError)
        if len(set(names)) != len(names):
            fail(f"dims[{name!r}]", "distinct axis names", repr(names))
    return {name: tuple(names) for name, names in dims.items()}


def _check_executor(executor, fn):
    if executor is None:
        return None
    if isinstance(executor, numbers.Integral):
        executor = check_int("executor", executor, low=1)
    elif not hasattr(executor, "submit"):
        fail(
            "executor",
            "None, a number of processes, a concurrent.futures.Executor or a "
            "dask.distributed Client",
            repr(executor),
            error=TypeError,
        )
    if isinstance(executor, (int, concurrent.futures.ProcessPoolExecutor)):
        try:
            pickle.dumps(fn)
        except (pickle.PicklingError, AttributeError, TypeError) as error:
            fail(
                "fn",
                "picklable to run in other processes (a module-level function, or a "
                "functools.partial of one)",
                f"{fn!r} ({error})",
                error=TypeError,
            )
    return executor


def _qualname(fn):
    while isinstance(fn, functools.partial):
        fn = fn.func
    named = fn if hasattr(fn, "__qualname__") else type(fn)
    return f"{named.__module__}.{named.__qualname__}"


# The store: manifest.json and one point_<k>.npz per finished grid point.


def _check_store(store):
    if not isinstance(store, (str, os.PathLike)):
        fail("store", "a directory path", repr(store), error=TypeError)
    store = Path(store)
    if store.exists() and not store.is_dir():
        fail("store", "a directory", f"{store} (a file)")
    return store


def _open_store(store, arguments, seed):
    """Create ``store``, or check that it holds a run of ``arguments``; return the entropy.

    With ``seed`` None the store's own entropy is used, so that the run resumes.
    """
    manifest = store / _MANIFEST
    if not manifest.exists():
        if store.exists() and any(store.iterdir()):
            fail(
                "store",
                f"a new or empty directory, or one with an {_MANIFEST} from mc.run",
                f"{store} (not empty, no {_MANIFEST})",
            )
        arguments = {**arguments, "seed": np.random.SeedSequence(seed).entropy}
        store.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"fingerprint": _fingerprint(arguments), "arguments": arguments})
        _write_atomic(manifest, lambda f: f.write(text.encode()))
        return arguments["seed"]
    recorded = json.loads(manifest.read_text())
    arguments = {**arguments, "seed": recorded["arguments"]["seed"] if seed is None else seed}
    if _fingerprint(arguments) != recorded["fingerprint"]:
        differ = [
            key
            for key, value in arguments.items()
            if _fingerprint(value) != _fingerprint(recorded["arguments"].get(key))
        ]
        fail(
            "store",
            "a new directory, or one written by a run with the same arguments",
            f"{store}, written with another {', '.join(differ)}",
        )
    return arguments["seed"]


def _fingerprint(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _point_path(store, k):
    return store / f"point_{k:06d}.npz"


def _save_point(path, out):
    def write(f):
        with zipfile.ZipFile(f, "w") as npz:
            for name, value in out.items():
                with npz.open(f"{name}.npy", "w") as member:
                    np.lib.format.write_array(member, value, allow_pickle=False)

    _write_atomic(path, write)


def _load_point(path):
    with np.load(path) as npz:
        return {name: npz[name] for name in npz.files}


def _write_atomic(path, write):
    """Write ``path`` through ``write(binary file)`` under a temporary name, then rename it."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
