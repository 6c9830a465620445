"""Models sharing one pattern/state API: build, ``store(xi)``, ``recall(cue)``."""

from ._base import Recall
from .dendritic import DendriticNeurons, Recognition
from .hopfield import Hopfield, hebb, pseudo_inverse, storkey
from .multitask import ExampleRecall, Multitask

__all__ = [
    "DendriticNeurons",
    "ExampleRecall",
    "Hopfield",
    "Multitask",
    "Recall",
    "Recognition",
    "hebb",
    "pseudo_inverse",
    "storkey",
]
