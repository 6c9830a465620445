"""assoc: associative memory and its statistical mechanics.

Subpackages: :mod:`assoc.patterns` (pattern families, corruptions, overlaps),
:mod:`assoc.models` (the networks), :mod:`assoc.mc` (the Monte Carlo driver) and
:mod:`assoc.nn` (PyTorch layers, optional). Every model, result and `load` is
importable from here: ``from assoc import Hopfield, Recall, load, patterns, mc``.
"""

__version__ = "0.2.0"

from . import mc, models, patterns
from .models import *  # noqa: F403  (every public name of assoc.models)

__all__ = ["__version__", "mc", "models", "patterns", *models.__all__]
