"""Models sharing one pattern/state API: build, ``store(xi)``, ``recall(cue)``."""

from ._base import Recall
from .dendritic import DendriticNeurons, Recognition
from .dense import DenseHopfield, PSpinHopfield
from .hopfield import Hopfield, hebb, pseudo_inverse, storkey
from .modern import ModernHopfield, entmax, sparsemax
from .multitask import ExampleRecall, Multitask
from .sparsey import CodeRecall, Sparsey, SparseyHierarchy

__all__ = [
    "CodeRecall",
    "DendriticNeurons",
    "DenseHopfield",
    "ExampleRecall",
    "Hopfield",
    "ModernHopfield",
    "Multitask",
    "PSpinHopfield",
    "Recall",
    "Recognition",
    "Sparsey",
    "SparseyHierarchy",
    "entmax",
    "hebb",
    "pseudo_inverse",
    "sparsemax",
    "storkey",
]
