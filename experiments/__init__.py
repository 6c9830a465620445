"""Experiments: each runs `assoc`, asks `theory`, and returns one Dataset with both.

Every experiment is a module here with

- ``QUICK`` and ``FULL``: keyword arguments of a quick run (seconds, used by the tests)
  and of the full run (minutes, the published figure); the command line's
  ``--set NAME=VALUE`` is checked against them (`experiments._settings`);
- ``run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides)``
  returning one ``xarray.Dataset`` that holds the Monte Carlo estimates (dimension
  ``sample``) and the theory on the same coordinates;
- ``plot(ds)`` returning a ``matplotlib.figure.Figure`` that draws them together;
- ``summary(ds)`` returning a few lines of text for the terminal.

Modules here whose names do not start with ``_`` are the experiments (found, not listed).
They are installed with the package: the command ``assoc list | run NAME | show FILE``
(or ``python -m experiments ...``) runs them from any directory (`experiments._cli`).
"""

import importlib
import importlib.util
import os
import pkgutil
import sys
from pathlib import Path


def _import_past_namespace(name):
    """Import the installed package ``name`` where a directory of that name without an
    ``__init__.py`` on ``sys.path`` would shadow it as a namespace package.

    ``python -m experiments`` puts the current directory first on ``sys.path``, and Python
    prefers a directory ``assoc/`` found there (a clone of this repository, say) to a
    package that an editable install provides through its import hook. The directories
    that hold such a namespace are dropped from ``sys.path``, as ``python -P`` would
    leave out the current directory, so that this process and the worker processes it
    spawns (they copy its ``sys.path``) import the installed package.

    Raises
    ------
    ImportError
        If ``name`` is installed nowhere else, naming the shadowing directory.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is not None:  # missing (fails later) or a real package
        return
    shadows = {Path(location).parent.resolve() for location in spec.submodule_search_locations}
    sys.path[:] = [p for p in sys.path if Path(p or os.getcwd()).resolve() not in shadows]
    try:
        importlib.import_module(name)
    except ImportError:
        where = sorted(spec.submodule_search_locations)[0]
        raise ImportError(
            f"{name} is not installed, and the directory {where} (no __init__.py: a clone "
            f"of the repository?) is not the package; install the package "
            f'(python -m pip install "CLONE[experiments]", CLONE the clone\'s directory) '
            f"or run from another directory"
        ) from None


for _package in ("assoc", "theory"):
    _import_past_namespace(_package)

NAMES = tuple(
    m.name
    for m in pkgutil.iter_modules([str(Path(__file__).parent)])
    if not m.name.startswith("_")
)


def get(name):
    """The experiment module called ``name``."""
    if name not in NAMES:
        raise ValueError(f"name must be one of {list(NAMES)}; got {name!r}")
    return importlib.import_module(f"experiments.{name}")
