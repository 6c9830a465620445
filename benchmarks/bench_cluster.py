"""The hopfield_capacity grid on a dask.distributed cluster, against a local process pool.

    python -m benchmarks.bench_cluster            # the full grid (about a minute a run)
    python -m benchmarks.bench_cluster --quick    # the quick grid (seconds)

Both run the grid on two single-thread workers that are started and warm before the
clock starts (a small grid first, so that each worker has imported the package and
loaded its compiled kernels): a local pool of two spawned processes (`mc.process_pool`)
and a cluster of a scheduler and two workers in processes of their own
(``distributed.deploy.subprocess.SubprocessCluster``), driven from this process as
``assoc run --scheduler`` drives a remote one. Reported: the wall times, the cluster's
speed as a fraction of the pool's (what the scheduler costs; floor 0.85), and the CPU
time of this process (the driver: submitting points, collecting their outputs, the
Dataset and the theory) and of the scheduler's process, as shares of the cluster run's
wall time. The two Datasets must be equal (the same seed).
"""

import argparse
import time

import xarray as xr

from assoc import mc
from experiments import hopfield_capacity

FLOOR = 0.85  # the cluster's speed as a fraction of the pool's, at least
WARM_UP = dict(N=(100,), alpha=(0.1, 0.12), samples=1)  # 4 points: both workers get one


def _timed_run(executor, quick):
    """(wall seconds, CPU seconds of this process, Dataset) of one run of the grid."""
    hopfield_capacity.run(quick=True, progress=False, executor=executor, **WARM_UP)
    wall, cpu = time.perf_counter(), time.process_time()
    ds = hopfield_capacity.run(quick=quick, progress=False, executor=executor)
    return time.perf_counter() - wall, time.process_time() - cpu, ds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick grid")
    args = parser.parse_args()
    try:
        from distributed import Client
        from distributed.deploy.subprocess import SubprocessCluster
    except ImportError:
        print("bench_cluster needs the dask extra: python -m pip install 'assoc[dask]'")
        return

    with mc.process_pool(2) as pool:
        pool_wall, pool_cpu, pool_ds = _timed_run(pool, args.quick)
    with (
        SubprocessCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=120)
        scheduler_cpu = client.run_on_scheduler(time.process_time)
        wall, cpu, ds = _timed_run(client, args.quick)
        scheduler_cpu = client.run_on_scheduler(time.process_time) - scheduler_cpu
    xr.testing.assert_equal(ds, pool_ds)

    grid = "quick" if args.quick else "full"
    points = ds["m"].size // ds.sizes["sample"]
    speed = pool_wall / wall
    verdict = "ok" if speed >= FLOOR else "BELOW THE FLOOR"
    print(f"hopfield_capacity, {grid} grid ({points} points x {ds.sizes['sample']} samples)")
    print("  two single-thread workers, warm; the same Dataset on both")
    print(f"  local process pool:       {pool_wall:7.1f} s  driver CPU {pool_cpu / pool_wall:.1%}")
    print(f"  dask.distributed cluster: {wall:7.1f} s  driver CPU {cpu / wall:.1%}")
    print(f"  cluster speed / pool      {speed:7.2f}    (floor {FLOOR}: {verdict})")
    print(f"  scheduler process CPU     {scheduler_cpu / wall:7.1%}    of the cluster run")


if __name__ == "__main__":
    main()
