"""PyTorch Hopfield layers: the modern Hopfield network inside deep networks.

``pip install "assoc[torch]"``, then ``from assoc.nn import Hopfield``. Importing
:mod:`assoc` never imports torch; importing :mod:`assoc.nn` does.

- :class:`Hopfield`, :class:`HopfieldPooling`, :class:`HopfieldLayer`: the layers, with
  the arguments of the ``hflayers`` code of Ramsauer et al. (ICLR 2021);
- :mod:`assoc.nn.functional`: the update and its energy on tensors;
- :mod:`assoc.nn.separation`: softmax, sparsemax and entmax (with their conjugates).
"""

try:
    import torch  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised only without torch
    raise ImportError(
        'assoc.nn needs PyTorch: pip install "assoc[torch]" (or install torch)'
    ) from error

from . import functional, separation
from .functional import hopfield_energy, hopfield_update
from .modules import Hopfield, HopfieldLayer, HopfieldPooling, ProjectedPatterns
from .separation import entmax, sparsemax

__all__ = [
    "Hopfield",
    "HopfieldLayer",
    "HopfieldPooling",
    "ProjectedPatterns",
    "entmax",
    "functional",
    "hopfield_energy",
    "hopfield_update",
    "separation",
    "sparsemax",
]
