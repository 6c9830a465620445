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
import io
import json
import math
import multiprocessing
import multiprocessing.connection
import numbers
import os
import pickle
import signal
import socket
import threading
import zipfile
from collections.abc import Mapping, Sized
from pathlib import Path

import numba
import numpy as np
import threadpoolctl
import xarray as xr
from tqdm.auto import tqdm

from . import __version__
from ._validation import check_int, check_size, fail

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

__all__ = ["process_pool", "run"]

# Attribute names the driver writes itself; params and attrs may not use them.
_PROVENANCE = ("fn", "seed", "assoc_version", "date")
_MANIFEST, _LOCK = "manifest.json", "lock"
_FORMAT = 2  # of the store: every point carries its store's fingerprint and a checksum
_MAX_WORKERS = 2**15


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
        ``dims`` computes only the points missing from it; one run per store at a time
        (a second is refused while the first holds it).
    progress : bool or str, default=True
        Show a progress bar: samples and grid points done (a point's samples count when
        the point finishes; resumed points count as done) and the time left. A string
        labels the bar (the command line passes the experiment's name); True labels it
        with ``fn``'s qualified name.
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
    The store holds ``manifest.json`` (the arguments and their SHA-256 fingerprint), one
    ``point_<k>.npz`` per finished grid point and a ``lock`` file. Every point carries
    the store's fingerprint, its index k and the SHA-256 of its arrays, and is written
    to a temporary name and then renamed, so an interrupted run (an error in ``fn``,
    Ctrl-C, a killed job) leaves only whole points behind, and the temporaries it left
    are deleted by the next run. A point copied from another store, renamed or damaged,
    and a damaged manifest, are refused with a `ValueError` naming the file (delete a
    point to compute it again). The lock is the operating system's (``flock``; the
    store must be on a file system that honours it, as local ones do): it goes with the
    process that holds it, however that ends. ``fn`` is identified by its qualified name
    alone: after changing its code, or the arguments a ``functools.partial`` binds, use
    a new store.

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
    check_size("samples", (math.prod(v.size for v in coords.values()), samples))
    params = _check_scalars("params", params, taken=(*coords, "rng", *_PROVENANCE))
    attrs = _check_scalars("attrs", attrs, taken=(*params, *_PROVENANCE))
    dims = _check_dims(dims)
    if seed is not None:
        seed = check_int("seed", seed, low=0, int64=False)
    executor = _check_executor(executor, fn)
    if not isinstance(progress, (bool, np.bool_, str)):
        fail("progress", "True, False or a label (a str)", repr(progress), error=TypeError)
    store = None if store is None else _check_store(store)
    name = _qualname(fn)
    arguments = {
        "fn": name,
        "grid": [[axis, values.tolist()] for axis, values in coords.items()],
        "samples": samples,
        "params": params,
        "dims": dims,
    }

    outputs = _Outputs(coords, dims)

    def task(k):
        return fn, outputs.point(k), params, kept.entropy, k, samples

    with (
        _Store(store, arguments, seed, outputs) as kept,  # resumes: outputs get its points
        tqdm(
            total=outputs.n * samples,
            initial=len(outputs.blocks) * samples,
            desc=progress if isinstance(progress, str) else name,
            unit="sample",
            postfix=f"{len(outputs.blocks)}/{outputs.n} points",
            disable=not progress,
        ) as bar,
        contextlib.closing(_compute(executor, task, outputs.missing())) as results,
    ):
        for k, out in results:
            outputs.add(k, out)
            kept.save(k, out)
            bar.set_postfix_str(f"{len(outputs.blocks)}/{outputs.n} points", refresh=False)
            bar.update(samples)

    entropy = kept.entropy
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
    pass it as ``executor`` to share one pool between several runs.

    Processes are spawned, not forked: a forked child inherits the parent's Numba thread
    pool state. A worker ignores Ctrl-C (the run stops the pool it owns, after the
    points running) and exits as soon as the process that made the pool dies, however
    it dies (a SIGKILL included), so that no worker outlives it.
    """
    workers = check_int("workers", workers, low=1, high=_MAX_WORKERS)
    context = multiprocessing.get_context("spawn")
    return concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker
    )


def _start_worker():
    """In a worker of `process_pool`: ignore SIGINT, and exit when the parent dies.

    The parent holds the write end of a pipe whose read end every spawned child keeps
    (``multiprocessing.parent_process().sentinel``); the operating system closes it
    when the parent dies, and the read end then becomes readable (end of file).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sentinel = multiprocessing.parent_process().sentinel
    threading.Thread(target=_exit_with_parent, args=(sentinel,), daemon=True).start()


def _exit_with_parent(sentinel):
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


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

    def missing(self):
        """The grid indices of the points not added yet."""
        return [k for k in range(self.n) if k not in self.blocks]

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
        if isinstance(values, Sized):
            check_size(f"grid[{axis!r}]", (len(values),))
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
        if coord.dtype.kind == "f" and not np.isfinite(coord).all():
            fail(f"grid[{axis!r}]", "finite numbers", f"{coord[~np.isfinite(coord)][:3]}")
        if np.unique(coord).size != coord.size:
            fail(f"grid[{axis!r}]", "distinct values", f"{coord.tolist()[:8]}")
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
        if isinstance(value, numbers.Real) and not math.isfinite(value):
            fail(f"{name}[{key!r}]", "a finite number or a string", value)
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
        executor = check_int("executor", executor, low=1, high=_MAX_WORKERS)
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


# The store: manifest.json, one point_<k>.npz per finished grid point, and a lock.


def _check_store(store):
    if not isinstance(store, (str, os.PathLike)):
        fail("store", "a directory path", repr(store), error=TypeError)
    store = Path(store)
    if store.exists() and not store.is_dir():
        fail("store", "a directory", f"{store} (a file)")
    return store


class _Store:
    """The directory ``path`` of a run's finished grid points (None: nothing is kept),
    held by this run alone from its opening to `close` (a lock on ``path/lock``).

    Opening it locks it, deletes what interrupted writes left (``*.tmp``), creates the
    manifest or checks it against ``arguments`` (with ``seed`` None the store's own
    entropy is used, so that the run resumes), and adds every finished point to
    ``outputs``, each checked against the manifest's fingerprint, its grid index and its
    checksum. A point that fails is refused, naming its file and how to recover.
    """

    def __init__(self, path, arguments, seed, outputs):
        self.path, self._lock = path, None
        if path is None:
            self.entropy = np.random.SeedSequence(seed).entropy
            return
        path.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(path)
        try:
            for leftover in path.glob("*.tmp"):
                leftover.unlink()
            self.entropy, self.fingerprint = self._manifest(arguments, seed)
            for k in range(outputs.n):
                if self._point(k).exists():
                    self._resume(outputs, k)
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def close(self):
        """Let another run use the store."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _manifest(self, arguments, seed):
        """(entropy, fingerprint) of the run this store holds; a new store records
        ``arguments``, an old one must hold the same."""
        manifest = self.path / _MANIFEST
        if not manifest.exists():
            others = sorted(p.name for p in self.path.iterdir() if p.name != _LOCK)
            if others:
                fail(
                    "store",
                    f"a new or empty directory, or one with an {_MANIFEST} from mc.run",
                    f"{self.path} (not empty, no {_MANIFEST}: {', '.join(others[:3])})",
                )
            arguments = {**arguments, "seed": np.random.SeedSequence(seed).entropy}
            fingerprint = _fingerprint(arguments)
            record = {"format": _FORMAT, "fingerprint": fingerprint, "arguments": arguments}
            _write_atomic(manifest, lambda f: f.write(json.dumps(record).encode()))
            return arguments["seed"], fingerprint
        recorded = self._read_manifest(manifest)
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
                f"{self.path}, written with another {', '.join(differ)}",
            )
        return arguments["seed"], recorded["fingerprint"]

    def _read_manifest(self, manifest):
        """The manifest's record, whole (its fingerprint that of its arguments)."""
        try:
            record = json.loads(manifest.read_bytes())
            arguments, fingerprint = record["arguments"], record["fingerprint"]
            whole = isinstance(arguments["seed"], int) and _fingerprint(arguments) == fingerprint
            why = "its fingerprint does not match its arguments"
        except (OSError, ValueError, KeyError, TypeError) as error:
            whole, why = False, f"{type(error).__name__}: {error}"
        if not whole:
            fail(
                "store",
                f"a directory of mc.run, with a whole {_MANIFEST}",
                f"{manifest}, damaged ({why}); delete the directory to start again",
            )
        if record.get("format") != _FORMAT:
            fail(
                "store",
                f"a store of this assoc (format {_FORMAT}: points carry their store's "
                "fingerprint and a checksum)",
                f"{self.path}, of format {record.get('format', 1)}; use a new directory",
            )
        return record

    def _point(self, k):
        return self.path / f"point_{k:06d}.npz"

    def _resume(self, outputs, k):
        """Add stored point k to ``outputs``."""
        out = self._load(k)
        try:
            outputs.add(k, out)
        except ValueError as error:
            self._refuse(k, f"its outputs differ from the other points' ({error})")

    def _load(self, k):
        """The outputs stored for point k, checked: the store's fingerprint, k and the
        checksum of the arrays, kept in the zip comment of the file."""
        try:
            with zipfile.ZipFile(self._point(k)) as npz:
                meta = json.loads(npz.comment)
                out = {
                    member.removesuffix(".npy"): np.lib.format.read_array(
                        io.BytesIO(npz.read(member)),
                        allow_pickle=False,  # CRC checked
                    )
                    for member in npz.namelist()
                }
        except (OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
            self._refuse(k, f"it cannot be read ({type(error).__name__}: {error})")
        if not isinstance(meta, dict) or meta.get("fingerprint") != self.fingerprint:
            self._refuse(k, "it was written by another run (its fingerprint differs)")
        if meta.get("point") != k:
            self._refuse(k, f"it holds grid point {meta.get('point')!r}, not {k}")
        if meta.get("sha256") != _checksum(out):
            self._refuse(k, "its data do not match its checksum (damaged)")
        return out

    def _refuse(self, k, why):
        fail(
            "store",
            "a directory of whole points of this run",
            f"{self._point(k)}: {why}; delete that file to compute its point again",
        )

    def save(self, k, out):
        """Keep the outputs of point k, bound to this store (`_load`)."""
        if self.path is None:
            return
        meta = {"fingerprint": self.fingerprint, "point": k, "sha256": _checksum(out)}

        def write(f):
            with zipfile.ZipFile(f, "w") as npz:
                npz.comment = json.dumps(meta).encode()
                for name, value in out.items():
                    with npz.open(f"{name}.npy", "w") as member:
                        np.lib.format.write_array(member, value, allow_pickle=False)

        _write_atomic(self._point(k), write)


def _lock(path):
    """Hold ``path/lock`` for this run: an exclusive lock that the operating system
    releases when the file is closed or the process ends, however it ends. A store
    another run holds is refused, naming that run (the lock file says which)."""
    f = open(path / _LOCK, "a+")  # held until _Store.close
    try:
        if fcntl is not None:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        f.seek(0)
        holder = f.read().strip() or "another run"
        f.close()
        fail(
            "store",
            "a directory no other run is using (one run per store at a time)",
            f"{path}, in use by {holder}; wait for it to end, or use another directory",
        )
    f.seek(0)
    f.truncate()
    since = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    f.write(f"process {os.getpid()} on {socket.gethostname()} since {since}\n")
    f.flush()
    return f


def _fingerprint(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _checksum(out):
    """SHA-256 of outputs ``{name: array}``: names, dtypes, shapes and bytes."""
    digest = hashlib.sha256()
    for name in sorted(out):
        value = np.ascontiguousarray(out[name])
        digest.update(json.dumps([name, value.dtype.str, value.shape]).encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


def _write_atomic(path, write):
    """Write ``path`` through ``write(binary file)`` under a temporary name, then rename it."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
