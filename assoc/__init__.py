"""assoc: associative memory and its statistical mechanics.

Subpackages: :mod:`assoc.patterns` (pattern families, corruptions, overlaps),
:mod:`assoc.models` (the networks), :mod:`assoc.mc` (the Monte Carlo driver) and
:mod:`assoc.nn` (PyTorch layers, optional).
"""

__version__ = "0.1.0"

from . import models, patterns
from .models import Hopfield, Recall

__all__ = ["Hopfield", "Recall", "__version__", "models", "patterns"]
