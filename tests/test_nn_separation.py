"""Softmax, sparsemax and entmax in torch against independent NumPy/SciPy oracles."""

import numpy as np
import pytest
from scipy.optimize import brentq

torch = pytest.importorskip("torch")

from assoc.models import modern  # noqa: E402
from assoc.nn import entmax, sparsemax  # noqa: E402
from assoc.nn.separation import conjugate, separate  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_one_thread")


def entmax_oracle(z, alpha):
    """p_i = [(alpha - 1) z_i - tau]_+^(1 / (alpha - 1)) with sum_i p_i = 1, tau from
    Brent's root finder in float64 (Peters, Niculae & Martins 2019, Eq. 10); masked
    entries (-inf) are left out."""
    z = np.asarray(z, dtype=np.float64)
    out = np.zeros_like(z)
    for row, p in zip(z.reshape(-1, z.shape[-1]), out.reshape(-1, z.shape[-1])):
        kept = np.isfinite(row)
        x = (alpha - 1.0) * row[kept]

        def mass(tau, x=x):
            return np.sum(np.maximum(x - tau, 0.0) ** (1.0 / (alpha - 1.0))) - 1.0

        tau = brentq(mass, x.max() - 1.0, x.max(), xtol=1e-15, rtol=1e-15)
        p[kept] = np.maximum(x - tau, 0.0) ** (1.0 / (alpha - 1.0))
        p[kept] /= p[kept].sum()
    return out


def scores(rng, shape, scale=2.0):
    return torch.from_numpy(scale * rng.standard_normal(shape))


@pytest.mark.parametrize("alpha", [1.2, 1.5, 1.8, 2.0])
def test_entmax_matches_root_finding_oracle(alpha):
    z = scores(np.random.default_rng(1), (6, 4, 9))
    np.testing.assert_allclose(entmax(z, alpha).numpy(), entmax_oracle(z, alpha), atol=1e-12)
    z32 = z.float()
    np.testing.assert_allclose(entmax(z32, alpha).numpy(), entmax_oracle(z32, alpha), atol=2e-6)


def test_sparsemax_is_entmax_2_and_matches_oracle_and_numpy_model():
    z = scores(np.random.default_rng(2), (5, 12))
    p = sparsemax(z)
    np.testing.assert_allclose(p.numpy(), entmax_oracle(z, 2.0), atol=1e-12)
    np.testing.assert_allclose(p.numpy(), modern.sparsemax(z.numpy()), atol=1e-12)
    np.testing.assert_allclose(entmax(z, 1.5).numpy(), modern.entmax(z.numpy(), 1.5), atol=1e-12)


def test_sparse_weights_are_exactly_zero_and_on_the_simplex():
    z = scores(np.random.default_rng(3), (50, 20), scale=3.0)
    for p in (sparsemax(z), entmax(z, 1.5), entmax(z.float(), 1.3)):
        assert (p == 0).any(dim=-1).all(), "every row of widely spread scores has zeros"
        assert (p >= 0).all()
        torch.testing.assert_close(p.sum(-1), torch.ones(50, dtype=p.dtype))
    # the zeros are exactly the entries below the threshold of the oracle
    np.testing.assert_array_equal(entmax(z, 1.5).numpy() == 0, entmax_oracle(z, 1.5) == 0)


def test_alpha_one_is_softmax_and_entmax_tends_to_it():
    z = scores(np.random.default_rng(4), (3, 7))
    torch.testing.assert_close(entmax(z, 1.0), torch.softmax(z, -1), rtol=0, atol=0)
    # |entmax_alpha - softmax| = O(alpha - 1)
    gaps = [(entmax(z, 1 + e) - torch.softmax(z, -1)).abs().max().item() for e in (0.02, 0.01)]
    assert gaps[1] < 0.6 * gaps[0] and gaps[1] < 0.02


def test_entmax_jacobian_is_the_closed_form():
    # d p / d z = diag(s) - s s^T / sum(s), s_i = p_i^(2 - alpha) on the support
    # (Peters, Niculae & Martins 2019, Prop. 1).
    alpha = 1.5
    z = scores(np.random.default_rng(5), (8,))
    J = torch.autograd.functional.jacobian(lambda x: entmax(x, alpha), z).numpy()
    p = entmax_oracle(z, alpha)
    s = np.where(p > 0, p ** (2 - alpha), 0.0)
    np.testing.assert_allclose(J, np.diag(s) - np.outer(s, s) / s.sum(), atol=1e-10)


def test_gradcheck_scores_and_learnable_alpha():
    rng = np.random.default_rng(6)
    z = scores(rng, (3, 6)).requires_grad_()
    alpha = torch.tensor([[1.3], [1.6], [1.9]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda z, a: entmax(z, a), (z, alpha))
    assert torch.autograd.gradcheck(sparsemax, (z,))
    # masked entries and a learnable alpha: gradients stay finite
    zm = z.detach().clone()
    zm[0, :2] = -torch.inf
    zm.requires_grad_()
    assert torch.autograd.gradcheck(lambda a: entmax(zm, a), (alpha,))
    entmax(zm, alpha).pow(2).sum().backward()
    assert torch.isfinite(zm.grad).all() and (zm.grad[0, :2] == 0).all()


def test_second_derivatives_pass_gradgradcheck():
    # The entmax backward is written in differentiable operations (a Newton step with a
    # frozen slope gave a right first and a wrong second derivative); sparsemax is
    # differentiated by autograd through its closed form.
    rng = np.random.default_rng(10)
    z = scores(rng, (3, 6)).requires_grad_()
    alpha = torch.tensor([[1.3], [1.6], [1.9]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda z, a: entmax(z, a), (z, alpha))
    assert torch.autograd.gradgradcheck(lambda z: entmax(z, 1.5), (z,))
    assert torch.autograd.gradgradcheck(sparsemax, (z,))
    zm = z.detach().clone()
    zm[0, :2] = -torch.inf
    assert torch.autograd.gradgradcheck(lambda a: entmax(zm, a), (alpha,))


def test_entmax_hessian_of_the_conjugate_is_the_jacobian():
    # d^2 Omega*(z) / dz^2 = d p / dz = diag(s) - s s^T / sum(s) (Peters et al., Prop. 1):
    # a second derivative through entmax checked against the closed form
    alpha = 1.5
    z = scores(np.random.default_rng(11), (7,)).requires_grad_()
    (p,) = torch.autograd.grad(conjugate(z, entmax(z, alpha), alpha), z, create_graph=True)
    H = torch.stack([torch.autograd.grad(p[i], z, retain_graph=True)[0] for i in range(7)])
    q = entmax_oracle(z.detach(), alpha)
    s = np.where(q > 0, q ** (2 - alpha), 0.0)
    np.testing.assert_allclose(H.numpy(), np.diag(s) - np.outer(s, s) / s.sum(), atol=1e-10)


@pytest.mark.parametrize("kind", ["softmax", "sparsemax", "entmax"])
def test_a_nan_score_makes_its_row_nan(kind):
    # as the softmax does; a NaN is never taken for a masked score (weight 0)
    z = scores(np.random.default_rng(12), (3, 5))
    z[0, 2] = torch.nan
    z[2, :] = -torch.inf
    p = separate(z, kind)
    assert torch.isnan(p[0]).all()
    assert torch.isfinite(p[1]).all() and (p[2] == 0).all()
    assert torch.isnan(conjugate(z, p, {"softmax": 1.0, "sparsemax": 2.0}.get(kind, 1.5))[0])


def test_conjugate_gradient_is_the_separation():
    # d Omega*(z) / dz = p(z) (Danskin), for every separation.
    z = scores(np.random.default_rng(7), (4, 6)).requires_grad_()
    for alpha in (1.0, 1.5, 2.0):
        p = entmax(z, alpha)
        (grad,) = torch.autograd.grad(conjugate(z, p, alpha).sum(), z)
        torch.testing.assert_close(grad, p.detach(), rtol=0, atol=1e-9)


@pytest.mark.parametrize("kind", ["softmax", "sparsemax", "entmax"])
def test_masked_rows_give_zeros_not_nan(kind):
    z = scores(np.random.default_rng(8), (3, 5))
    z[0] = -torch.inf
    z[1, 1:] = -torch.inf
    z.requires_grad_()
    p = separate(z, kind)
    assert torch.isfinite(p).all()
    assert (p[0] == 0).all() and p[1, 0] == 1 and (p[1, 1:] == 0).all()
    (p * torch.arange(5.0, dtype=p.dtype)).sum().backward()
    assert torch.isfinite(z.grad).all() and (z.grad[0] == 0).all()


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_keeps_its_dtype(dtype):
    z = scores(np.random.default_rng(9), (4, 10)).float()
    for f in (sparsemax, lambda x: entmax(x, 1.5)):
        p = f(z.to(dtype))
        assert p.dtype == dtype
        torch.testing.assert_close(p.float(), f(z), atol=2e-2, rtol=0)


BAD = [
    (lambda: entmax(torch.zeros(3), 2.5), ValueError, "alpha must be in"),
    (lambda: entmax(torch.zeros(3), "1.5"), TypeError, "alpha must be a float"),
    (lambda: entmax(torch.zeros(2, 3), torch.ones(3) * 1.5), ValueError, "alpha must be a"),
    (lambda: sparsemax(np.zeros(3)), TypeError, "z must be a floating-point"),
    (lambda: sparsemax(torch.zeros(3, dtype=torch.int64)), TypeError, "z must be"),
    (lambda: sparsemax(torch.zeros(3), dim=1), ValueError, "dim must be an axis"),
    (lambda: separate(torch.zeros(3), "argmax"), ValueError, "separation must be one of"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
