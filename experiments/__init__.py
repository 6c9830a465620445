"""Experiments: each runs `assoc`, asks `theory`, and returns one Dataset with both.

Every experiment is a module here with

- ``QUICK`` and ``FULL``: keyword arguments of a quick run (seconds, used by the tests)
  and of the full run (minutes, the published figure);
- ``run(*, quick=False, seed=0, executor=None, store=None, progress=True, **overrides)``
  returning one ``xarray.Dataset`` that holds the Monte Carlo estimates (dimension
  ``sample``) and the theory on the same coordinates;
- ``plot(ds)`` returning a ``matplotlib.figure.Figure`` that draws them together;
- ``summary(ds)`` returning a few lines of text for the terminal.

Modules here whose names do not start with ``_`` are the experiments (found, not listed).

Run them from the repository: ``python -m experiments list`` and
``python -m experiments run NAME [--quick] [--out DIR] [--workers K] [--scheduler ADDR]``.
"""

import importlib
import pkgutil
from pathlib import Path

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
