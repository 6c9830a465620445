"""Forward + backward time of the Hopfield layer against attention baselines in this run.

    python -m benchmarks.bench_nn            # CPU table, and the GPU table if CUDA is there
    python -m benchmarks.bench_nn --quick    # fewer repetitions
    python -m benchmarks.bench_nn --threads 1

``Hopfield(input_size=64, num_heads=4)``, float32, on a batch of B bags of 16 state
patterns and S stored patterns (the stored patterns are also the pattern projections):
B = 32, S = 128 on the CPU; B = 256, S = 1024 on the GPU. Each row is the time of one
forward and backward pass (sum of the output as the loss), the best of several repeats,
and its ratio against two baselines measured in the same run:

- ``sdpa+4linear``: ``torch.nn.functional.scaled_dot_product_attention`` between four
  ``nn.Linear`` layers (query, key, value and output projections), the same arithmetic as
  the layer without its normalisations;
- ``nn.MultiheadAttention(64, 4, batch_first=True)``.

Rows: the layer without normalisation and with its default three LayerNorms, with one
update step (the fast path through scaled_dot_product_attention) and with three extra
update steps (the explicit association, update_steps_eps=0 so that every step runs).
Target: the one-step layer without normalisation within 1.2x of sdpa+4linear.
"""

import argparse
import time

import torch
from torch import nn
from torch.nn import functional as F

from assoc.nn import Hopfield

D, HEADS, L = 64, 4, 16


class SDPAWithLinear(nn.Module):
    """The baseline: four linear projections around scaled_dot_product_attention."""

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.out = (nn.Linear(D, D) for _ in range(4))

    def forward(self, stored, state):
        def heads(x):
            return x.unflatten(-1, (HEADS, D // HEADS)).transpose(1, 2)

        z = F.scaled_dot_product_attention(
            heads(self.q(state)), heads(self.k(stored)), heads(self.v(stored))
        )
        return self.out(z.transpose(1, 2).flatten(2))


def contenders(device):
    """(name, module, call) for every row."""
    mha = nn.MultiheadAttention(D, HEADS, batch_first=True)
    rows = [
        ("sdpa+4linear", SDPAWithLinear(), lambda m, Y, R: m(Y, R)),
        ("nn.MultiheadAttention", mha, lambda m, Y, R: m(R, Y, Y, need_weights=False)[0]),
    ]
    off = dict(
        normalize_stored_pattern=False,
        normalize_state_pattern=False,
        normalize_pattern_projection=False,
    )
    for steps in (0, 3):
        for label, norm in (("no normalisation", off), ("default, 3 LayerNorms", {})):
            layer = Hopfield(
                input_size=D, num_heads=HEADS, update_steps_max=steps, update_steps_eps=0.0, **norm
            )
            rows.append(
                (f"Hopfield 1+{steps} steps, {label}", layer, lambda m, Y, R: m((Y, R, Y)))
            )
    return [(name, module.to(device), call) for name, module, call in rows]


def fwd_bwd_times(rows, Y, R, repeats, inner):
    """Per row, the best over ``repeats`` rounds of the mean time of ``inner`` forward +
    backward passes; the rows take turns within each round, so that a shared machine's
    load falls on all of them alike."""
    sync = torch.cuda.synchronize if Y.is_cuda else (lambda: None)
    for _, module, call in rows:  # warm up
        for _ in range(3):
            call(module, Y, R).sum().backward()
    best = {name: float("inf") for name, _, _ in rows}
    for _ in range(repeats):
        for name, module, call in rows:
            sync()
            t = time.perf_counter()
            for _ in range(inner):
                module.zero_grad(set_to_none=True)
                call(module, Y, R).sum().backward()
            sync()
            best[name] = min(best[name], (time.perf_counter() - t) / inner)
    return best


def table(device, B, S, repeats, inner):
    torch.manual_seed(0)
    Y = torch.randn(B, S, D, device=device, requires_grad=True)
    R = torch.randn(B, L, D, device=device, requires_grad=True)
    times = fwd_bwd_times(contenders(device), Y, R, repeats, inner)
    base, mha = times["sdpa+4linear"], times["nn.MultiheadAttention"]
    print(f"\n{device}: batch {B}, {L} state and {S} stored patterns, d = {D}, {HEADS} heads")
    print(f"{'':42} {'ms':>8} {'/ sdpa+4linear':>15} {'/ MHA':>7}")
    for name, t in times.items():
        print(f"{name:42} {1e3 * t:8.3f} {t / base:15.2f} {t / mha:7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    repeats, inner = (5, 5) if args.quick else (15, 10)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    table("cpu", 32, 128, repeats, inner)
    if torch.cuda.is_available():
        table("cuda", 256, 1024, repeats, inner)
    else:
        print("\nno CUDA device here: the GPU table (batch 256, 1024 stored patterns) is skipped")


if __name__ == "__main__":
    main()
