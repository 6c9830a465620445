"""Models sharing one pattern/state API: build, ``store(xi)``, ``recall(cue)``."""

from ._base import Recall
from .hopfield import Hopfield, hebb, pseudo_inverse, storkey

__all__ = ["Hopfield", "Recall", "hebb", "pseudo_inverse", "storkey"]
