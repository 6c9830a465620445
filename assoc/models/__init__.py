"""Models sharing one pattern/state API: build, ``store(xi)``, ``recall(cue)``."""

from ._base import Recall
from .hopfield import Hopfield, hebb, pseudo_inverse, storkey
from .multitask import ExampleRecall, Multitask

__all__ = [
    "ExampleRecall",
    "Hopfield",
    "Multitask",
    "Recall",
    "hebb",
    "pseudo_inverse",
    "storkey",
]
