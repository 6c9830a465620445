"""PyTorch Hopfield layers: the modern Hopfield network inside deep networks.

``pip install "assoc[torch]"``, then ``from assoc.nn import Hopfield``. Importing
:mod:`assoc` never imports torch; importing :mod:`assoc.nn` does.

- :class:`Hopfield`, :class:`HopfieldPooling`, :class:`HopfieldLayer`: the layers, with
  the arguments and properties of the ``hflayers`` code of Ramsauer et al. (ICLR 2021);
- :class:`HopfieldEncoderLayer`, :class:`HopfieldDecoderLayer`: post-norm Transformer
  layers built on them (:mod:`assoc.nn.transformer`);
- :mod:`assoc.nn.convert`: ``hflayers`` checkpoints in and out (:func:`load_hflayers`);
- :mod:`assoc.nn.functional`: the update and its energy on tensors;
- :mod:`assoc.nn.separation`: softmax, sparsemax and entmax (with their conjugates);
- :mod:`assoc.nn.datasets`: the tasks of the examples (NumPy arrays).

``docs/nn.md`` is the guide: porting from ``hflayers``, the departures, speed.
"""

try:
    import torch  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised only without torch
    raise ImportError(
        'assoc.nn needs PyTorch: pip install "assoc[torch]" (or install torch)'
    ) from error

from . import convert, functional, separation, transformer
from .convert import from_hflayers, load_hflayers, to_hflayers
from .functional import hopfield_energy, hopfield_update
from .modules import Hopfield, HopfieldLayer, HopfieldPooling, ProjectedPatterns
from .separation import entmax, sparsemax
from .transformer import HopfieldDecoderLayer, HopfieldEncoderLayer

__all__ = [
    "Hopfield",
    "HopfieldDecoderLayer",
    "HopfieldEncoderLayer",
    "HopfieldLayer",
    "HopfieldPooling",
    "ProjectedPatterns",
    "convert",
    "entmax",
    "from_hflayers",
    "functional",
    "hopfield_energy",
    "hopfield_update",
    "load_hflayers",
    "separation",
    "sparsemax",
    "to_hflayers",
    "transformer",
]
