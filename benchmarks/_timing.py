"""Wall-clock timing shared by the benchmarks."""

import time


def timed(f, *args):
    """(seconds, result) of one call f(*args)."""
    start = time.perf_counter()
    out = f(*args)
    return time.perf_counter() - start, out


def best(f, repeats=5, seconds=0.0):
    """Shortest wall time of f() over at least ``repeats`` calls and ``seconds`` in all:
    on a shared machine the shortest call is the one least disturbed."""
    times = []
    while len(times) < repeats or sum(times) < seconds:
        times.append(timed(f)[0])
    return min(times)
