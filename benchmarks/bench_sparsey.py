"""Items learned and recognised per second by Sparsey, against NumPy in the same run.

    python -m benchmarks.bench_sparsey            # about a minute
    python -m benchmarks.bench_sparsey --quick

- one MAC (Q = 24, cells = 8, N = 1000 input bits, w = 20 active): storing 2000 random
  SDRs (one CSA pass and a weight update per item, in order) and recognising them (the
  CSA alone, and ``recall`` with the overlaps m against every stored code);
- fixed time: the time per item learned among the first 100 items and among items
  1900-2000 (the 2010 form of the CSA, which runs every step for every item), and the
  word operations counted by the kernel for each;
- the digits hierarchy of ``experiments.sparsey_digits`` (36 MACs over 3x3 patches, one
  MAC above) learning and recognising 1000 binarised 8x8 digits.

The baseline runs the same CSA steps (`assoc.models.sparsey`'s NumPy functions) on
dense bool weights: storing item by item (every MAC of a level at once), recognition
as one vectorised batch. Prints items per second and the ratio kernel / NumPy; the
first calls' compile (or cache-load) time is reported apart.
"""

import argparse

import numpy as np

from assoc import patterns
from assoc.models import Sparsey
from assoc.models.sparsey import (
    TRANSFORMS,
    choose_winners,
    expansivity,
    familiarity,
    local_support,
    normalised_sums,
    relative_likelihoods,
    win_probabilities,
)
from assoc.patterns import _bools
from benchmarks._timing import timed

Q, CELLS, N, ACTIVE = 24, 8, 1000, 20  # CMs, cells per CM, input bits, active bits w


def numpy_csa(weights, x, Q, transform, u_draw, learned=None):
    """The CSA on dense weights (macs, Q cells, bits) and inputs x (macs, bits) of one
    item, all MACs at once; winners (macs, Q) drawn with uniforms u_draw (macs, Q), or
    recognised if u_draw is None."""
    u = np.einsum("mib,mb->mi", weights, x, dtype=np.int64)
    U = normalised_sums(u, np.maximum(x.sum(axis=1, keepdims=True), 1), learned)
    V = local_support(U)
    G = familiarity(V, Q)
    likelihood = relative_likelihoods(V, expansivity(G, transform), transform)
    return choose_winners(win_probabilities(likelihood, Q), V, Q, u=u_draw), G


def numpy_learn(weights, xs, Q, cells, transform, rng, learned=None):
    """Store items xs (B, macs, bits) in order: CSA, then W[winners] |= x; returns the
    winners."""
    macs = weights.shape[0]
    out = np.empty((xs.shape[0], macs, Q), dtype=np.int64)
    rows = np.arange(Q) * cells
    for b, x in enumerate(xs):
        winners, _ = numpy_csa(weights, x, Q, transform, rng.random((macs, Q)), learned)
        chosen = rows + winners
        for m in range(macs):
            weights[m, chosen[m]] |= x[m]
            if learned is not None:
                learned[m, chosen[m]] = weights[m, chosen[m]].sum(axis=1)
        out[b] = winners
    return out


def numpy_recognise(weights, xs, Q, transform, learned=None):
    """Recognise items xs (B, macs, bits) as one batch (einsum over B and the MACs)."""
    u = np.einsum("mib,Bmb->Bmi", weights, xs, dtype=np.int64)
    U = normalised_sums(u, np.maximum(xs.sum(axis=2, keepdims=True), 1), learned)
    return choose_winners(None, local_support(U), Q)


def bench_mac(P, rng):
    xi = patterns.sdr(P, N, ACTIVE, rng=rng)
    compile_t, _ = timed(lambda: Sparsey(64, Q=2, cells=2).store(xi[:2, :64] | True, rng=0))
    Sparsey(N, Q=Q, cells=CELLS).store(xi[:2], rng=0).recall(xi[:2])
    mac = Sparsey(N, Q=Q, cells=CELLS)
    t_learn, _ = timed(lambda: mac.store(xi, rng=rng))
    packed = mac._pack(xi)
    t_recognise = min(timed(mac._level.recognise, packed)[0] for _ in range(3))
    t_recall, _ = timed(lambda: mac.recall(xi))

    # fixed time: items 0-100 against items P-100..P (of a fresh MAC), best of 5 repeats;
    # the 2010 form, so that both blocks run the sigmoid (in the 2014 form the first items,
    # with G <= G_minus, skip it: their codes are uniform draws)
    first, last = [], []
    for _ in range(5):
        fresh = Sparsey(N, Q=Q, cells=CELLS, transform="2010")
        first.append(timed(lambda f=fresh: f.store(xi[:100], rng=rng))[0])
        fresh.store(xi[100 : P - 100], rng=rng, add=True)
        last.append(timed(lambda f=fresh: f.store(xi[P - 100 :], rng=rng, add=True))[0])

    n_numpy = min(P, 400)
    dense = np.zeros((1, Q * CELLS, N), dtype=bool)
    transform = TRANSFORMS[mac.transform]
    t_np_learn, _ = timed(
        lambda: numpy_learn(dense, xi[:n_numpy, None, :], Q, CELLS, transform, rng)
    )
    t_np_recall, _ = timed(lambda: numpy_recognise(mac.weights[None], xi[:, None, :], Q, None))
    return dict(
        compile=compile_t,
        learn=P / t_learn,
        recognise=P / t_recognise,
        recall=P / t_recall,
        numpy_learn=n_numpy / t_np_learn,
        numpy_recognise=P / t_np_recall,
        first=100 / min(first),
        last=100 / min(last),
        ops=(mac.ops[19], mac.ops[P - 1]),
    )


def bench_digits(P):
    from experiments import sparsey_digits

    grey, _ = sparsey_digits.digits()
    x = np.resize(grey >= sparsey_digits.THRESHOLD, (P, 64))
    sparsey_digits.network().store(x[:2], rng=0)
    net = sparsey_digits.network()
    t_learn, _ = timed(lambda: net.store(x, rng=1))
    t_recall, _ = timed(lambda: net.recall(x))

    rng = np.random.default_rng(2)
    n_numpy = min(P, 200)
    units, t_np_learn, t_np_recall = x[:n_numpy], 0.0, 0.0
    transform = TRANSFORMS[net.transform]
    for l, level in enumerate(net.levels):
        inputs = _bools(net._inputs(l, units), level.bits)
        dense = np.zeros((level.macs, level.Q * level.cells, level.bits), dtype=bool)
        count = np.zeros((level.macs, level.Q * level.cells), dtype=np.int64)
        t, units = timed(numpy_learn, dense, inputs, level.Q, level.cells, transform, rng, count)
        t_np_learn += t
        t_np_recall += timed(numpy_recognise, dense, inputs, level.Q, transform, count)[0]
    return dict(
        learn=P / t_learn,
        recall=P / t_recall,
        numpy_learn=n_numpy / t_np_learn,
        numpy_recall=n_numpy / t_np_recall,
    )  # recall: recognition level by level plus the overlaps with the stored codes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer items")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    P = 1000 if args.quick else 2000

    mac = bench_mac(P, rng)
    print(f"first calls (compile or cache load): {mac['compile']:.2f} s\n")
    print(f"one MAC, Q = {Q}, cells = {CELLS}, N = {N}, w = {ACTIVE}, {P} items")
    print(f"{'':>12} {'items/s':>10} {'NumPy':>10} {'x NumPy':>8}")
    for what in ("learn", "recognise"):
        rate, base = mac[what], mac[f"numpy_{what}"]
        print(f"{what:>12} {rate:10.3g} {base:10.3g} {rate / base:8.1f}")
    print(
        f"recall() with the overlaps m against all {P} stored codes: {mac['recall']:.3g} "
        "items/s (the O(P) bookkeeping of the shared API, outside the CSA)"
    )
    print(
        f"fixed time: items 1-100 at {mac['first']:.3g}/s, items {P - 99}-{P} at "
        f"{mac['last']:.3g}/s (ratio {mac['last'] / mac['first']:.2f}); word operations "
        f"per item {mac['ops'][0]} (item 20) and {mac['ops'][1]} (item {P})\n"
    )
    digits = bench_digits(500 if args.quick else 1000)
    print("digits hierarchy (36 MACs of 8 x 32 cells over 3x3 patches, one of 32 x 64 above)")
    print(f"{'':>12} {'items/s':>10} {'NumPy':>10} {'x NumPy':>8}")
    for what in ("learn", "recall"):
        rate, base = digits[what], digits[f"numpy_{what}"]
        print(f"{what:>12} {rate:10.3g} {base:10.3g} {rate / base:8.1f}")
    print(
        "\nNumPy: the same CSA steps on dense bool weights (assoc.models.sparsey's functions),"
        " storing item by item, recognition as one batch."
    )


if __name__ == "__main__":
    main()
