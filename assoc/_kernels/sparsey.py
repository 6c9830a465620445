r"""Sparsey's code selection algorithm (CSA) for levels of macrocolumns, on packed bits.

A level holds ``macs`` macrocolumns (MACs), each of Q competitive modules (CMs) of
``cells`` binary cells; cell i = q cells + k is cell k of CM q. Its afferent weights are
binary and kept as bit-packed rows, in the layout of `assoc._kernels.sdr`: ``W[m, i]``
holds the inputs of MAC m that cell i listens to (bottom-up, U), ``WH[m, i]`` the cells
of the MAC's own previous code (horizontal, H; shape (macs, Q cells, 0) when the MAC has
no H input). Inputs are packed rows too, ``x[b, m]`` the input of MAC m for item b.

For one MAC and one input the CSA is (Rinkus, Front. Comput. Neurosci. 8:160 (2014);
his eta, mu and rho are called expansivity, likelihood and p_win here):

1. u_i = |W_i ∩ x|, h_i = |WH_i ∩ c(t-1)|                  raw sums (popcount)
2. U_i = u_i / w, H_i = h_i / Q                                  w = |x| active inputs
   (normalisation 1: U_i = u_i / max(w, n_i), n_i = |W_i| the cell's learned inputs)
3. V_i = U_i^phi H_i^lam (the H factor only within a sequence)   local support
4. G = (1/Q) sum_q max_{i in q} V_i                              global familiarity
5. expansivity = 1 + chi max(0, (G - G_minus) / (1 - G_minus))^gamma
6. likelihood_i = 1 + (expansivity - 1) / (1 + sigma1 exp(-sigma2 (V_i - sigma3)))
7. p_win_i = likelihood_i / sum_{k in q} likelihood_k            win probability
8. learning: the winner of CM q is drawn from p_win with the uniform u_q (inverse
   CDF); recognition: the cell of largest V (the first of equals).

``transform`` holds (chi, gamma, G_minus, sigma1, sigma2, sigma3). Learning then sets
the weights from every active input (and previous-code cell) to every winner to 1,
unless the MAC's critical period is over: it ends (the weights freeze) once
``n_set[m] >= freeze_at`` of its U weights are 1. A frozen MAC stores nothing new, so
it chooses its codes as in recognition (step 8, argmax) even while the levels above
learn: a random new code would stand for nothing. A MAC takes part in an item only if
``band[0] <= w <= band[1]``; otherwise its winners are -1 and G = 0.

The work per item is O(macs Q cells (words + H words)) word operations, whatever the
number of items stored: storage and retrieval take fixed time. ``ops[b]`` counts the
popcounts and weight words written for item b, so that this can be checked.
"""

import numba
import numpy as np

from .sdr import _and_count, _bit, _count, _popcount


@numba.njit(cache=True)
def learn(
    W, WH, n_w, n_set, freeze_at, x, band, starts, exponents, norm, transform, u, learning, out
):
    """The CSA over a batch of items for every MAC of a level, in order within each MAC
    (an item's code can depend on what the items before it stored). Serial: a parallel
    launch costs more than a level's work on one item.

    ``starts[b]`` marks the first item of a sequence (no H input). With ``learning``
    False the weights are left alone (recall of sequences). ``n_w[m, i]`` counts the
    weights of cell i set to 1 (kept up to date here), ``norm`` picks step 2. ``out`` is
    (winners (B, macs, Q) int64, G (B, macs) float64, ops (B, macs) int64); ``u`` holds
    the uniforms (B, macs, Q) of the draws.
    """
    winners, G, ops = out
    macs, QK = W.shape[0], W.shape[1]
    Q = winners.shape[2]
    for m in range(macs):
        V = np.empty(QK)
        previous = np.zeros(WH.shape[2], dtype=np.uint64)
        in_sequence = False
        for b in range(x.shape[0]):
            if starts[b]:
                in_sequence = False
            code = winners[b, m]
            w = _count(x[b, m])
            if w < band[0] or w > band[1]:
                code[:] = -1
                G[b, m] = 0.0
                in_sequence = False
                continue
            plastic = learning and n_set[m] < freeze_at
            G[b, m] = _choose(
                W[m],
                WH[m],
                n_w[m],
                norm,
                x[b, m],
                w,
                previous,
                in_sequence,
                exponents,
                transform,
                u[b, m],
                plastic,
                V,
                code,
            )
            ops[b, m] = QK * (W.shape[2] + (WH.shape[2] if in_sequence else 0))
            if plastic:
                for q in range(Q):
                    i = q * (QK // Q) + code[q]
                    new = _set_weights(W[m, i], x[b, m])
                    n_w[m, i] += new
                    n_set[m] += new
                    if in_sequence:
                        _set_weights(WH[m, i], previous)
                    ops[b, m] += W.shape[2] + (WH.shape[2] if in_sequence else 0)
            if WH.shape[2] > 0:
                previous[:] = 0
                for q in range(Q):
                    word, bit = _bit(q * (QK // Q) + code[q])
                    previous[word] |= bit
                in_sequence = True


@numba.njit(cache=True, parallel=True)
def recognise(W, n_w, x, band, exponents, norm, transform, out):
    """The CSA in recognition mode (deterministic) on independent items (no H input),
    items in parallel; ``out`` as for `learn`."""
    winners, G, ops = out
    B, macs = x.shape[0], x.shape[1]
    QK = W.shape[1]
    no_previous = np.zeros(0, dtype=np.uint64)
    no_draws = np.zeros(0)
    for t in numba.prange(B * macs):
        b, m = t // macs, t % macs
        code = winners[b, m]
        w = _count(x[b, m])
        if w < band[0] or w > band[1]:
            code[:] = -1
            G[b, m] = 0.0
            continue
        V = np.empty(QK)
        G[b, m] = _choose(
            W[m],
            W[m, :, :0],
            n_w[m],
            norm,
            x[b, m],
            w,
            no_previous,
            False,
            exponents,
            transform,
            no_draws,
            False,
            V,
            code,
        )
        ops[b, m] = QK * W.shape[2]


@numba.njit
def _set_weights(row, x):
    """row |= x; returns the number of weights that went from 0 to 1."""
    new = np.uint64(0)
    for word in range(row.shape[0]):
        new += _popcount(x[word] & ~row[word])
        row[word] |= x[word]
    return np.int64(new)


@numba.njit
def _choose(
    W, WH, n_w, norm, x, w, previous, in_sequence, exponents, transform, u, learning, V, code
):
    """Steps 1-8 for one MAC and one input of w active bits: the winners into ``code``;
    returns G."""
    QK, Q = W.shape[0], code.shape[0]
    cells = QK // Q
    phi, lam = exponents[0], exponents[1]
    for i in range(QK):
        scale = max(w, n_w[i]) if norm == 1 else w
        U = np.float64(_and_count(W[i], x)) / scale
        V[i] = U if phi == 1.0 else U**phi
        if in_sequence:
            H = np.float64(_and_count(WH[i], previous)) / Q
            V[i] *= H if lam == 1.0 else H**lam
    G = 0.0
    for q in range(Q):
        G += V[q * cells : (q + 1) * cells].max()
    G /= Q
    if learning:
        chi, gamma, G_minus, sigma1, sigma2, sigma3 = transform
        expansion = 1.0 + chi * max(0.0, (G - G_minus) / (1.0 - G_minus)) ** gamma
        likelihood = np.empty(cells)
        for q in range(Q):
            if expansion == 1.0:  # every likelihood 1: the inverse CDF of the uniform law
                code[q] = min(np.int64(u[q] * cells), cells - 1)
                continue
            total = 0.0
            for k in range(cells):
                likelihood[k] = 1.0 + (expansion - 1.0) / (
                    1.0 + sigma1 * np.exp(-sigma2 * (V[q * cells + k] - sigma3))
                )
                total += likelihood[k]
            threshold = u[q] * total
            code[q] = cells - 1  # u_q total can round up to the total
            cumulative = 0.0
            for k in range(cells):
                cumulative += likelihood[k]
                if threshold < cumulative:
                    code[q] = k
                    break
    else:
        for q in range(Q):
            code[q] = np.argmax(V[q * cells : (q + 1) * cells])
    return G
