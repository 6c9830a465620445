"""assoc: associative memory and its statistical mechanics."""

__version__ = "0.1.0"
