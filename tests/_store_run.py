"""A run of `assoc.mc.run` with a store, in its own process, for tests/test_store.py.

``python tests/_store_run.py STORE EXECUTOR POINTS SAMPLES`` runs `work` over a grid of
POINTS points, SAMPLES samples each, keeping them in STORE; EXECUTOR is "inline" (this
process), "pool" (a local process pool of two workers) or "dask" (a dask.distributed
LocalCluster of two worker processes). Every call of `work` appends "k s" to the file
named by the environment variable ASSOC_STORE_LOG, so that a test can tell which
points were computed, in which run. On success the run prints "done", then writes the
Dataset to STORE.nc.
"""

import os
import sys
import time

import numpy as np

from assoc import mc


def work(k, *, rng, pause):
    """A sample: a few random numbers, after ``pause`` seconds (so that a run can be
    interrupted in the middle)."""
    time.sleep(pause)
    x = rng.random(3)
    with open(os.environ["ASSOC_STORE_LOG"], "a") as log:
        log.write(f"{k} {x[0]!r}\n")
    return {"x": x, "point": k}


def main(store, executor, points, samples):
    grid = {"k": np.arange(int(points))}
    kwargs = dict(
        samples=int(samples), seed=11, params={"pause": 0.02}, store=store, progress=False
    )
    if executor == "dask":
        import distributed

        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            ds = mc.run(work, grid, executor=client, **kwargs)
    else:
        ds = mc.run(work, grid, executor={"inline": None, "pool": 2}[executor], **kwargs)
    print("done", flush=True)
    ds.to_netcdf(f"{store}.nc", engine="h5netcdf")


if __name__ == "__main__":
    main(*sys.argv[1:])
