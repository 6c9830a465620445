"""``python -m assoc``: store random patterns, recall them from corrupted cues, print overlaps.

A one-screen demonstration of the classical Hopfield network at zero temperature:
below alpha_c ~ 0.138 (Amit, Gutfreund & Sompolinsky 1987) cues with 10 % of their
bits flipped are cleaned up to m ~ 1; above it retrieval breaks down.
"""

import argparse

import numpy as np

from assoc import Hopfield, patterns


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m assoc", description=__doc__.splitlines()[0])
    parser.add_argument("--N", type=int, default=1000, help="number of spins (default 1000)")
    parser.add_argument("--flip", type=float, default=0.1, help="fraction of cue bits flipped")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    print(f"Hopfield network, N = {args.N}, T = 0, cues with {args.flip:.0%} of bits flipped")
    print(f"{'alpha':>6} {'P':>5} {'m(cue)':>7} {'m(final)':>9} {'retrieved':>10}")
    for alpha in (0.05, 0.10, 0.125, 0.15, 0.20):
        P = max(1, round(alpha * args.N))
        xi = patterns.random_spins(P, args.N, rng=rng)
        cue = patterns.flip(xi[:50], args.flip, rng=rng)
        r = Hopfield(args.N).store(xi).recall(cue, rng=rng)
        m = np.diagonal(r.m)
        m0 = np.diagonal(patterns.overlap(xi[:50], cue))
        print(f"{alpha:6.3f} {P:5d} {m0.mean():7.3f} {m.mean():9.3f} {np.mean(m > 0.99):10.0%}")


if __name__ == "__main__":
    main()
