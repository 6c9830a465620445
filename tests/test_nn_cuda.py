"""The torch Hopfield layers on a CUDA device give what they give on the CPU.

The oracle is the same layer on the CPU in float64 (itself checked against the NumPy modern
Hopfield network in test_nn.py). These tests need a CUDA device: CI has none, so there they
are skipped; they run wherever torch sees a GPU (``python -m pytest tests/test_nn_cuda.py``).
"""

import pytest

torch = pytest.importorskip("torch")

from assoc.nn import (  # noqa: E402
    Hopfield,
    HopfieldEncoderLayer,
    HopfieldLayer,
    HopfieldPooling,
    load_hflayers,
    to_hflayers,
)

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

LAYERS = [
    ("attention", lambda: Hopfield(input_size=32, num_heads=4)),
    ("steps", lambda: Hopfield(input_size=32, num_heads=4, update_steps_max=3)),
    ("sparsemax", lambda: Hopfield(input_size=32, num_heads=2, separation="sparsemax")),
    (
        "entmax",
        lambda: Hopfield(
            input_size=32, num_heads=2, separation="entmax", entmax_alpha_trainable=True
        ),
    ),
    ("pooling", lambda: HopfieldPooling(input_size=32, num_heads=4)),
    ("lookup", lambda: HopfieldLayer(input_size=32, quantity=20)),
    (
        "per-head steps, hflayers rule",
        lambda: Hopfield(
            input_size=32,
            num_heads=4,
            update_steps_max=[0, 1, 2, 3],
            update_steps_eps=0.0,
            stopping="hflayers",
        ),
    ),
    ("encoder", lambda: HopfieldEncoderLayer(Hopfield(32, num_heads=4), 64, dropout=0.0)),
]


@pytest.mark.parametrize("make", [m for _, m in LAYERS], ids=[n for n, _ in LAYERS])
def test_cuda_forward_backward_match_cpu(make):
    # float32 on the GPU (TF32 off) against float64 on the CPU: products of 32-term dot
    # products through softmax and LayerNorm, agreement to 1e-4.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.manual_seed(0)
    cpu = make().double()
    gpu = make().cuda()
    gpu.load_state_dict({k: v.float() for k, v in cpu.state_dict().items()})
    x = torch.randn(4, 12, 32, dtype=torch.float64, requires_grad=True)
    x_gpu = x.detach().float().cuda().requires_grad_()
    out, out_gpu = cpu(x), gpu(x_gpu)
    assert out_gpu.device.type == "cuda"
    torch.testing.assert_close(out_gpu.double().cpu(), out, atol=1e-4, rtol=1e-4)
    out.square().sum().backward()
    out_gpu.square().sum().backward()
    torch.testing.assert_close(x_gpu.grad.double().cpu(), x.grad, atol=1e-4, rtol=1e-4)
    for (name, p), p_gpu in zip(cpu.named_parameters(), gpu.parameters(), strict=True):
        torch.testing.assert_close(
            p_gpu.grad.double().cpu(), p.grad, atol=1e-4, rtol=1e-4, msg=name
        )


def test_cuda_half_precision_runs_and_is_close():
    torch.manual_seed(1)
    layer = Hopfield(input_size=32, num_heads=4, update_steps_max=2).cuda()
    x = torch.randn(4, 12, 32, device="cuda")
    want = layer(x)
    out = layer.to(torch.bfloat16)(x.to(torch.bfloat16))
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out.float(), want, atol=3e-2, rtol=3e-2)


def test_cuda_second_derivatives_refused_through_fused_attention_and_right_unfused():
    from torch.nn.attention import SDPBackend, sdpa_kernel

    torch.manual_seed(2)
    layer = Hopfield(input_size=8, num_heads=2, update_steps_max=1, update_steps_eps=0.0)
    layer = layer.double().cuda()
    x = torch.randn(2, 3, 8, dtype=torch.float64, device="cuda", requires_grad=True)
    with sdpa_kernel(SDPBackend.EFFICIENT_ATTENTION):
        with pytest.raises(RuntimeError, match="second derivatives"):
            torch.autograd.grad(layer(x).square().sum(), x, create_graph=True)
    with sdpa_kernel(SDPBackend.MATH):
        assert torch.autograd.gradgradcheck(layer, (x,))


def test_cuda_checkpoint_in_the_hflayers_layout_loads_on_the_device():
    torch.manual_seed(3)
    layer = HopfieldPooling(input_size=32, num_heads=4, quantity=2).cuda()
    saved = to_hflayers(layer)
    assert all(t.device.type == "cuda" for t in saved.values() if isinstance(t, torch.Tensor))
    copy = HopfieldPooling(input_size=32, num_heads=4, quantity=2).cuda()
    load_hflayers(copy, saved)
    x = torch.randn(4, 7, 32, device="cuda")
    assert torch.equal(copy(x), layer(x))
