"""The Python Hopfield packages side by side with `assoc`, where they are installed.

    python -m pip install "assoc[peers]"      # hopfieldkit, hopfieldnetwork, neurodynex3
    python -m benchmarks.bench_peers [--quick]

The peers are an optional extra, never a dependency of the package; a peer that is not
installed is said so and left out. The same workloads run through each one's own API,
in this run, on one thread (BLAS held to one):

- one cue recalled at T = 0 to a fixed point (Hebbian couplings, P = 0.1 N, 10 % of
  the cue's bits flipped), N = 1000, 4000, 10000; the store is not timed (each peer's
  couplings are set to the Hebbian matrix of `assoc.models.hebb`, in float64);
- a capacity curve: N = 2000, 8 loads in 0.05-0.2, 5 networks each, T = 0 from every
  stored pattern, store included, as a user writes it in a loop. A peer's recalls are
  timed on 8 patterns a network and scaled to all of them.

neurodynex3 stores with a Python double loop over the N^2 couplings per pattern
(hours at N = 2000): in the capacity curve too its couplings are set from
`assoc.models.hebb`, and its store is not timed. hopfieldnetwork and neurodynex3 draw
their update orders from NumPy's global generator, which is seeded here.
"""

import argparse
import functools
import importlib.util

import numpy as np
import threadpoolctl

from assoc import Hopfield, patterns
from assoc.models import hebb
from benchmarks._timing import best, timed

# Each peer: store(xi) by its own API, given(J) a network with the couplings J, and
# recall(net, cue) to a fixed point.


def _hopfieldkit():
    from hopfieldkit import HopfieldNetwork

    def store(xi):
        return HopfieldNetwork(xi.shape[1]).fit(xi)

    def given(J):
        net = HopfieldNetwork(J.shape[0])
        net.weights = J
        return net

    def recall(net, cue):
        return net.recall(cue, order="random", max_steps=100, seed=1)

    return store, given, recall


def _hopfieldnetwork():
    from hopfieldnetwork import HopfieldNetwork

    def store(xi):
        net = HopfieldNetwork(xi.shape[1])
        net.train_pattern(xi.T)  # all patterns at once, columns
        return net

    def given(J):
        net = HopfieldNetwork(J.shape[0])
        net.w = J
        return net

    def recall(net, cue):
        net.set_initial_neurons_state(cue.copy())
        net.update_neurons(1, "async", run_max=True)
        return net.S

    return store, given, recall


def _neurodynex3():
    from neurodynex3.hopfield_network.network import HopfieldNetwork

    def given(J):
        net = HopfieldNetwork(J.shape[0])
        net.weights = J
        net.set_dynamics_sign_async()
        return net

    def store(xi):  # its store_patterns is a Python loop over N^2 couplings per pattern
        return given(hebb(xi).astype(np.float64))

    def recall(net, cue):
        net.set_state_from_pattern(cue)
        while True:
            before = net.state
            net.iterate()
            if np.array_equal(before, net.state):
                return net.state

    return store, given, recall


PEERS = {
    "hopfieldkit": _hopfieldkit,
    "hopfieldnetwork": _hopfieldnetwork,
    "neurodynex3": _neurodynex3,
}
# neurodynex3's couplings come from assoc, so its store is not timed in the capacity curve
STORE_TIMED = {"hopfieldkit": True, "hopfieldnetwork": True, "neurodynex3": False}


def single_cue(peers, Ns, rng):
    print(f"{'N':>6} {'package':>16} {'recall ms':>10} {'x assoc':>8}")
    for N in Ns:
        xi = patterns.random_spins(N // 10, N, rng=rng)
        cue = patterns.flip(xi[0], 0.1, rng=rng)
        net = Hopfield(N).store(xi)
        net.recall(cue, rng=rng)
        ours = best(lambda net=net, cue=cue: net.recall(cue, rng=rng), 10)
        print(f"{N:6d} {'assoc':>16} {1e3 * ours:10.3f}")
        J = hebb(xi).astype(np.float64)
        for name, (_, given, recall) in peers.items():
            t = best(functools.partial(recall, given(J), cue), 1)
            print(f"{N:6d} {name:>16} {1e3 * t:10.1f} {t / ours:8.0f}")


def capacity_curve(peers, rng, N=2000, networks=5, cues=8):
    alphas = np.linspace(0.05, 0.2, 8)
    ours, theirs = 0.0, dict.fromkeys(peers, 0.0)
    for alpha in alphas:
        for _ in range(networks):
            xi = patterns.random_spins(int(alpha * N), N, rng=rng)
            ours += timed(lambda xi=xi: Hopfield(N).store(xi).recall(xi, rng=rng))[0]
            for name, (store, _, recall) in peers.items():
                t_store, net = timed(store, xi)
                t_recall, _ = timed(
                    lambda r=recall, net=net, xi=xi: [r(net, x) for x in xi[:cues]]
                )
                theirs[name] += STORE_TIMED[name] * t_store + t_recall * len(xi) / cues
    print(f"\ncapacity curve, N = {N}, 8 loads x {networks} networks: assoc {ours:.2f} s")
    for name, t in theirs.items():
        print(f"{name:>16} {t:8.0f} s  x assoc {t / ours:6.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1000 and 4000 only")
    args = parser.parse_args()
    peers = {}
    for name, adapter in PEERS.items():
        if importlib.util.find_spec(name) is None:
            print(f"{name}: not installed, left out")
        else:
            peers[name] = adapter()
    np.random.seed(0)  # noqa: NPY002  (the peers' own global generator)
    rng = np.random.default_rng(0)
    with threadpoolctl.threadpool_limits(1):
        single_cue(peers, (1000, 4000) if args.quick else (1000, 4000, 10000), rng)
        if peers:
            capacity_curve(peers, rng)
    print("\nx assoc: the package's time over assoc's, the same workload in this run.")


if __name__ == "__main__":
    main()
