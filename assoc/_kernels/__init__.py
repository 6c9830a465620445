"""Numba kernels: plain functions on arrays, compiled with ``cache=True``."""
