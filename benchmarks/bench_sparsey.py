"""Items learned and recognised per second by Sparsey, against NumPy in the same run.

    python -m benchmarks.bench_sparsey            # about a minute
    python -m benchmarks.bench_sparsey --quick

- one MAC (Q = 24, K = 8, N = 1000 input bits, w = 20 active): learning 2000 random
  SDRs (one CSA pass and a weight update per item, in order) and recognising them (the
  CSA alone, and ``recall`` with the overlaps m against every stored code);
- fixed time: the time per item learned among the first 100 items and among items
  1900-2000 (the 2010 form of the CSA, which runs every step for every item), and the
  word operations counted by the kernel for each;
- the digits hierarchy of ``experiments.sparsey_digits`` (36 MACs over 3x3 patches, one
  MAC above) learning and recognising 1000 binarised 8x8 digits.

The baseline runs the same CSA steps (`assoc.models.sparsey`'s NumPy functions) on
dense bool weights: learning item by item (every MAC of a level at once), recognition
as one vectorised batch. Prints items per second and the ratio kernel / NumPy; the
first calls' compile (or cache-load) time is reported apart.
"""

import argparse

import numpy as np

from assoc import patterns
from assoc.models import Sparsey
from assoc.models.sparsey import (
    _unpack_bits,
    choose_winners,
    expansivity,
    familiarity,
    local_support,
    normalised_sums,
    relative_likelihoods,
    win_probabilities,
)
from benchmarks._timing import timed

Q, K, N, W = 24, 8, 1000, 20


def numpy_csa(weights, x, Q, transform, r, n=None):
    """The CSA on dense weights (M, Q K, n) and inputs x (M, n) of one item, all M MACs
    at once; winners (M, Q) drawn with uniforms r (M, Q), or recognised if r is None."""
    u = np.einsum("min,mn->mi", weights, x, dtype=np.int64)
    U = normalised_sums(u, np.maximum(x.sum(axis=1, keepdims=True), 1), n)
    V = local_support(U)
    G = familiarity(V, Q)
    rho = win_probabilities(relative_likelihoods(V, expansivity(G, transform), transform), Q)
    return choose_winners(rho, V, Q, r=r), G


def numpy_learn(weights, xs, Q, K, transform, rng, n=None):
    """Learn items xs (B, M, n) in order: CSA, then W[winners] |= x; returns winners."""
    M = weights.shape[0]
    out = np.empty((xs.shape[0], M, Q), dtype=np.int64)
    rows = np.arange(Q) * K
    for b, x in enumerate(xs):
        winners, _ = numpy_csa(weights, x, Q, transform, rng.random((M, Q)), n)
        cells = rows + winners
        for m in range(M):
            weights[m, cells[m]] |= x[m]
            if n is not None:
                n[m, cells[m]] = weights[m, cells[m]].sum(axis=1)
        out[b] = winners
    return out


def numpy_recognise(weights, xs, Q, transform, n=None):
    """Recognise items xs (B, M, n) as one batch (einsum over B and M)."""
    u = np.einsum("min,bmn->bmi", weights, xs, dtype=np.int64)
    U = normalised_sums(u, np.maximum(xs.sum(axis=2, keepdims=True), 1), n)
    return choose_winners(None, local_support(U), Q)


def bench_mac(P, rng):
    xi = patterns.sdr(P, N, W, rng=rng)
    compile_t, _ = timed(lambda: Sparsey(64, Q=2, K=2).learn(xi[:2, :64] | True, rng=0))
    Sparsey(N, Q=Q, K=K).learn(xi[:2], rng=0).recall(xi[:2])
    mac = Sparsey(N, Q=Q, K=K)
    t_learn, _ = timed(lambda: mac.learn(xi, rng=rng))
    packed = mac._pack(xi)
    t_recognise = min(timed(mac._level.recognise, packed)[0] for _ in range(3))
    t_recall, _ = timed(lambda: mac.recall(xi))

    # fixed time: items 0-100 against items P-100..P (of a fresh MAC), best of 5 repeats;
    # the 2010 form, so that both blocks run the sigmoid (in the 2014 form the first items,
    # with G <= G_minus, skip it: their codes are uniform draws)
    first, last = [], []
    for _ in range(5):
        fresh = Sparsey(N, Q=Q, K=K, transform="2010")
        first.append(timed(lambda f=fresh: f.learn(xi[:100], rng=rng))[0])
        fresh.learn(xi[100 : P - 100], rng=rng)
        last.append(timed(lambda f=fresh: f.learn(xi[P - 100 :], rng=rng))[0])

    n_numpy = min(P, 400)
    dense = np.zeros((1, Q * K, N), dtype=bool)
    t_np_learn, _ = timed(
        lambda: numpy_learn(dense, xi[:n_numpy, None, :], Q, K, mac.transform, rng)
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
    sparsey_digits.network().learn(x[:2], rng=0)
    net = sparsey_digits.network()
    t_learn, _ = timed(lambda: net.learn(x, rng=1))
    t_recall, _ = timed(lambda: net.recall(x))

    rng = np.random.default_rng(2)
    n_numpy = min(P, 200)
    units, t_np_learn, t_np_recall = x[:n_numpy], 0.0, 0.0
    for l, level in enumerate(net.levels):
        inputs = _unpack_bits(net._inputs(l, units), level.n)
        dense = np.zeros((level.M, level.Q * level.K, level.n), dtype=bool)
        count = np.zeros((level.M, level.Q * level.K), dtype=np.int64)
        t, units = timed(numpy_learn, dense, inputs, level.Q, level.K, net.transform, rng, count)
        t_np_learn += t
        t_np_recall += timed(numpy_recognise, dense, inputs, level.Q, net.transform, count)[0]
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
    print(f"one MAC, Q = {Q}, K = {K}, N = {N}, w = {W}, {P} items")
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
        " learning item by item, recognition as one batch."
    )


if __name__ == "__main__":
    main()
