"""Models sharing one pattern/state API: build, ``store(xi)``, ``recall(cue)``.

Every model derives from `Memory` and returns a `Recall` (or a subclass); see
``docs/api.md`` for the contract and ``docs/glossary.md`` for the names.
"""

from ._base import SpinMemory
from .dendritic import DendriticNeurons, Recognition
from .dense import DenseHopfield, PSpinHopfield
from .hopfield import Hopfield, hebb, pseudo_inverse, storkey
from .memory import Memory, Recall, load
from .modern import ModernHopfield, entmax, sparsemax
from .multitask import ExampleRecall, Multitask
from .sparsey import CodeRecall, Sparsey, SparseyHierarchy

MODELS = (
    Hopfield,
    Multitask,
    DenseHopfield,
    PSpinHopfield,
    ModernHopfield,
    DendriticNeurons,
    Sparsey,
    SparseyHierarchy,
)
"""Every model class, in the order of the README's table."""

__all__ = [
    "MODELS",
    "CodeRecall",
    "DendriticNeurons",
    "DenseHopfield",
    "ExampleRecall",
    "Hopfield",
    "Memory",
    "ModernHopfield",
    "Multitask",
    "PSpinHopfield",
    "Recall",
    "Recognition",
    "Sparsey",
    "SparseyHierarchy",
    "SpinMemory",
    "entmax",
    "hebb",
    "load",
    "pseudo_inverse",
    "sparsemax",
    "storkey",
]
