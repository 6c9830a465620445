"""Forward + backward time of the Hopfield layer against attention baselines in this run.

    python -m benchmarks.bench_nn            # one CPU thread; the GPU table if CUDA is there
    python -m benchmarks.bench_nn --quick    # fewer repetitions
    python -m benchmarks.bench_nn --threads 2

``Hopfield(input_size=64, num_heads=4)``, float32, on a batch of B bags of 16 state
patterns and S stored patterns (the stored patterns are also the pattern projections):
B = 32, S = 128 on the CPU; B = 256, S = 1024 on the GPU. Each row is the time of one
forward and backward pass (sum of the output as the loss), the best of several rounds
in which the rows take turns, and its ratio against three baselines measured in the same
run:

- ``sdpa+4linear``: ``torch.nn.functional.scaled_dot_product_attention`` between four
  ``nn.Linear`` layers (query, key, value and output projections), the arithmetic of
  one association step without the layer's normalisations;
- ``sdpa loop``: the same with 1 + 3 passes of scaled_dot_product_attention, the first
  three retrieving the keys (the update steps, written by hand), the last the values;
- ``nn.MultiheadAttention(64, 4, batch_first=True)``.

Rows: the default layer (three LayerNorms) and the layer without normalisation, with one
association step and with ``update_steps_max=3`` (``update_steps_eps=0``, every step run;
and the default 1e-4 with its stopping rule). Targets: the default layer within 1.15x of
sdpa+4linear, with update_steps_max=3 within 1.15x of the sdpa loop, and one step never
slower than nn.MultiheadAttention. On the CPU a row's time is the CPU time of the thread
that runs it (``time.thread_time``), so that other processes on a shared machine do not
count; on the GPU it is wall time between synchronisations.
"""

import argparse
import time

import torch
from torch import nn
from torch.nn import functional as F

from assoc.nn import Hopfield

D, HEADS, L, STEPS = 64, 4, 16, 3


class SDPAWithLinear(nn.Module):
    """The baseline: four linear projections around scaled_dot_product_attention, with
    ``steps`` update passes (attention whose values are the keys) before the last."""

    def __init__(self, steps=0):
        super().__init__()
        self.steps = steps
        self.q, self.k, self.v, self.out = (nn.Linear(D, D) for _ in range(4))

    def forward(self, stored, state):
        def heads(x):
            return x.unflatten(-1, (HEADS, D // HEADS)).transpose(1, 2)

        q, k, v = heads(self.q(state)), heads(self.k(stored)), heads(self.v(stored))
        for _ in range(self.steps):
            q = F.scaled_dot_product_attention(q, k, k)
        z = F.scaled_dot_product_attention(q, k, v)
        return self.out(z.transpose(1, 2).flatten(2))


def contenders(device):
    """(name, module, call) for every row."""
    mha = nn.MultiheadAttention(D, HEADS, batch_first=True)
    rows = [
        ("sdpa+4linear", SDPAWithLinear(), lambda m, Y, R: m(Y, R)),
        ("sdpa loop", SDPAWithLinear(STEPS), lambda m, Y, R: m(Y, R)),
        ("nn.MultiheadAttention", mha, lambda m, Y, R: m(R, Y, Y, need_weights=False)[0]),
    ]
    off = dict(
        normalize_stored_pattern=False,
        normalize_state_pattern=False,
        normalize_pattern_projection=False,
    )
    layers = [
        ("Hopfield default", {}),
        ("Hopfield no normalisation", off),
        (f"Hopfield default, {STEPS} steps", dict(update_steps_max=STEPS, update_steps_eps=0.0)),
        (
            f"Hopfield no normalisation, {STEPS} steps",
            dict(update_steps_max=STEPS, update_steps_eps=0.0, **off),
        ),
        (f"Hopfield default, {STEPS} steps, eps 1e-4", dict(update_steps_max=STEPS)),
    ]
    for label, options in layers:
        layer = Hopfield(input_size=D, num_heads=HEADS, **options)
        rows.append((label, layer, lambda m, Y, R: m((Y, R, Y))))
    return [(name, module.to(device), call) for name, module, call in rows]


def fwd_bwd_times(rows, Y, R, repeats, inner):
    """Per row, the best over ``repeats`` rounds of the mean time of ``inner`` forward +
    backward passes; the rows take turns within each round, so that a shared machine's
    load falls on all of them alike."""
    if Y.is_cuda:
        sync, clock = torch.cuda.synchronize, time.perf_counter
    else:
        sync, clock = (lambda: None), time.thread_time
    for _, module, call in rows:  # warm up
        for _ in range(3):
            call(module, Y, R).sum().backward()
    best = {name: float("inf") for name, _, _ in rows}
    for _ in range(repeats):
        for name, module, call in rows:
            sync()
            t = clock()
            for _ in range(inner):
                module.zero_grad(set_to_none=True)
                call(module, Y, R).sum().backward()
            sync()
            best[name] = min(best[name], (clock() - t) / inner)
    return best


def table(device, B, S, repeats, inner):
    torch.manual_seed(0)
    Y = torch.randn(B, S, D, device=device, requires_grad=True)
    R = torch.randn(B, L, D, device=device, requires_grad=True)
    times = fwd_bwd_times(contenders(device), Y, R, repeats, inner)
    base, loop, mha = times["sdpa+4linear"], times["sdpa loop"], times["nn.MultiheadAttention"]
    print(f"\n{device}: batch {B}, {L} state and {S} stored patterns, d = {D}, {HEADS} heads")
    print(f"{'':42} {'ms':>8} {'/ sdpa+4linear':>15} {'/ sdpa loop':>12} {'/ MHA':>7}")
    for name, t in times.items():
        print(f"{name:42} {1e3 * t:8.3f} {t / base:15.2f} {t / loop:12.2f} {t / mha:7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    repeats, inner = (8, 3) if args.quick else (30, 5)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    table("cpu", 32, 128, repeats, inner)
    if torch.cuda.is_available():
        table("cuda", 256, 1024, repeats, inner)
    else:
        print("\nno CUDA device here: the GPU table (batch 256, 1024 stored patterns) is skipped")


if __name__ == "__main__":
    main()
