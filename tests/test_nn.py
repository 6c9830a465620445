"""The torch Hopfield layers against the NumPy modern Hopfield network, and their physics.

Oracles: ``assoc.models.modern.ModernHopfield`` (NumPy, float64) for the update and the
energy, ``theory.modern.energy`` (Ramsauer et al. 2021, Eq. 2, written apart from both)
for the energy, and torch's own attention for the fast path.
"""

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from assoc import patterns  # noqa: E402
from assoc.models.modern import ModernHopfield  # noqa: E402
from assoc.nn import (  # noqa: E402
    Hopfield,
    HopfieldLayer,
    HopfieldPooling,
    hopfield_energy,
    hopfield_update,
)
from assoc.nn.functional import Association, iterate  # noqa: E402
from theory import modern as theory_modern  # noqa: E402

SEPARATIONS = [("softmax", 1.5), ("sparsemax", 2.0), ("entmax", 1.5)]


def _entmax(separation, alpha):
    """The model's entmax_alpha: only entmax takes one."""
    return alpha if separation == "entmax" else None


def bare(**kwargs):
    """The bare modern Hopfield update: every pattern static, nothing normalised, no
    output projection."""
    options = dict(
        stored_pattern_as_static=True,
        state_pattern_as_static=True,
        pattern_projection_as_static=True,
        normalize_stored_pattern=False,
        normalize_state_pattern=False,
        normalize_pattern_projection=False,
        disable_out_projection=True,
    )
    return Hopfield(**(options | kwargs))


def spheres(B, K, d, radius, seed, dtype=np.float64):
    """B sets of K patterns on the sphere of the given radius, and cues near the first."""
    rng = np.random.default_rng(seed)
    Y = np.stack([patterns.spherical(K, d, radius=radius, rng=rng) for _ in range(B)])
    R = Y[:, :3] + 0.3 * radius / np.sqrt(d) * rng.standard_normal((B, 3, d))
    return Y.astype(dtype), R.astype(dtype)


pytestmark = pytest.mark.usefixtures("torch_one_thread")


# ---------------------------------------------------------------------------------
# The layer is the modern Hopfield network


@pytest.mark.parametrize(("separation", "alpha"), SEPARATIONS)
def test_one_forward_is_one_numpy_update(separation, alpha):
    Y, R = spheres(2, 20, 16, radius=3.0, seed=1, dtype=np.float32)
    layer = bare(scaling=0.7, separation=separation, entmax_alpha=alpha)
    out = layer((torch.from_numpy(Y), torch.from_numpy(R), torch.from_numpy(Y)))
    for b in range(2):
        net = ModernHopfield(
            beta=0.7, separation=separation, entmax_alpha=_entmax(separation, alpha)
        ).store(Y[b])
        want = net.update(R[b].astype(np.float64))
        np.testing.assert_allclose(out[b].detach().numpy(), want, atol=2e-5)


@pytest.mark.parametrize(("separation", "alpha"), SEPARATIONS)
def test_update_steps_are_numpy_iterations(separation, alpha):
    Y, R = spheres(2, 30, 8, radius=2.0, seed=2)
    steps = 4
    layer = bare(
        scaling=1.3,
        separation=separation,
        entmax_alpha=alpha,
        update_steps_max=steps,
        update_steps_eps=0.0,
        dtype=torch.float64,
    )
    out = layer((torch.from_numpy(Y), torch.from_numpy(R), torch.from_numpy(Y)))
    for b in range(2):
        net = ModernHopfield(
            beta=1.3, separation=separation, entmax_alpha=_entmax(separation, alpha)
        ).store(Y[b])
        xi = R[b]
        for _ in range(steps + 1):
            xi = net.update(xi)
        np.testing.assert_allclose(out[b].detach().numpy(), xi, atol=1e-12)


@pytest.mark.parametrize(("separation", "alpha"), SEPARATIONS)
def test_energy_is_the_numpy_energy_and_eq_2(separation, alpha):
    Y, R = spheres(3, 25, 8, radius=2.5, seed=3)
    layer = bare(scaling=0.9, separation=separation, entmax_alpha=alpha, update_steps_max=2)
    Yt, Rt = torch.from_numpy(Y), torch.from_numpy(R)
    E = hopfield_energy(Rt, Yt, 0.9, separation=separation, alpha=alpha)  # (B, L)
    E_layer = layer.double().energy((Yt, Rt, Yt), trajectory=True)  # (steps + 2, B, 1)
    for b in range(3):
        net = ModernHopfield(
            beta=0.9, separation=separation, entmax_alpha=_entmax(separation, alpha)
        ).store(Y[b])
        np.testing.assert_allclose(E[b].numpy(), net.energy(R[b]), rtol=1e-12)
        np.testing.assert_allclose(E_layer[0, b, 0].item(), net.energy(R[b]).sum(), rtol=1e-12)
        if separation == "softmax":
            for l in range(3):
                eq2 = theory_modern.energy(Y[b], R[b, l], 0.9)
                assert E[b, l].item() == pytest.approx(eq2, rel=1e-12)


@pytest.mark.parametrize(("separation", "alpha"), SEPARATIONS)
def test_energy_never_increases_along_updates(separation, alpha):
    # Ramsauer et al. (2021), Theorem 1; Santos et al. (2024), Prop. 1: the update is a
    # concave-convex step. Checked for random patterns, many betas, several heads.
    Y, R = spheres(4, 40, 6, radius=3.0, seed=4)
    R = R + np.random.default_rng(5).standard_normal(R.shape)  # far from the patterns
    Yt, Rt = torch.from_numpy(Y), torch.from_numpy(R)
    layer = bare(
        num_heads=3,
        scaling=[0.2, 1.0, 5.0],
        separation=separation,
        entmax_alpha=alpha,
        update_steps_max=6,
        update_steps_eps=0.0,
        dtype=torch.float64,
    )
    E = layer.energy((Yt, Rt, Yt), trajectory=True)
    assert E.shape == (8, 4, 3)
    assert (E >= -1e-12).all(), "E >= 0 (Lemma A1)"
    assert (E[1:] <= E[:-1] + 1e-10).all()
    assert (E[1] < E[0] - 1e-3).all(), "the first update lowers the energy of a far state"


@pytest.mark.parametrize(("separation", "alpha"), SEPARATIONS)
def test_energy_gradient_is_the_update_direction(separation, alpha):
    # grad_xi E = xi - X^T p(beta X xi): the step of the update (NumPy model).
    Y, R = spheres(1, 15, 5, radius=2.0, seed=6)
    xi = torch.from_numpy(R[0]).requires_grad_()
    E = hopfield_energy(xi, torch.from_numpy(Y[0]), 1.7, separation=separation, alpha=alpha)
    (grad,) = torch.autograd.grad(E.sum(), xi)
    net = ModernHopfield(
        beta=1.7, separation=separation, entmax_alpha=_entmax(separation, alpha)
    ).store(Y[0])
    np.testing.assert_allclose(grad.numpy(), R[0] - net.update(R[0]), atol=1e-12)


def test_gradcheck_through_unrolled_updates_and_energy():
    g = torch.Generator().manual_seed(7)
    X = torch.randn(2, 6, 4, dtype=torch.float64, generator=g).requires_grad_()
    xi = torch.randn(2, 3, 4, dtype=torch.float64, generator=g).requires_grad_()
    beta = torch.tensor([[[0.8]], [[1.4]]], dtype=torch.float64, requires_grad=True)
    alpha = torch.tensor([[[1.4]], [[1.7]]], dtype=torch.float64, requires_grad=True)

    def update(xi, X, beta):
        return hopfield_update(xi, X, beta, steps=4)

    def sparse_update(xi, X, alpha):
        return hopfield_update(xi, X, 1.1, separation="entmax", alpha=alpha, steps=3)

    assert torch.autograd.gradcheck(update, (xi, X, beta))
    assert torch.autograd.gradcheck(sparse_update, (xi, X, alpha))
    assert torch.autograd.gradcheck(lambda *a: hopfield_energy(*a), (xi, X, beta))
    assert torch.autograd.gradcheck(
        lambda xi, X, a: hopfield_energy(xi, X, 0.6, separation="entmax", alpha=a),
        (xi, X, alpha),
    )
    # and the whole layer, projections and normalisations included
    torch.manual_seed(0)
    layer = Hopfield(
        input_size=4, num_heads=2, update_steps_max=2, update_steps_eps=0.0, dtype=torch.float64
    )
    x = torch.randn(2, 5, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(layer, (x,))
    assert torch.autograd.gradcheck(lambda x: layer.energy(x), (x,))


def test_large_beta_retrieves_the_nearest_pattern():
    Y, _ = spheres(1, 50, 32, radius=1.0, seed=8)
    rng = np.random.default_rng(9)
    cues = Y[0, :10] + 0.4 / np.sqrt(32) * rng.standard_normal((10, 32))
    nearest = np.argmin(((cues[:, None] - Y[0][None]) ** 2).sum(-1), axis=1)
    layer = bare(scaling=500.0, dtype=torch.float64)
    Yt = torch.from_numpy(Y)
    out = layer((Yt, torch.from_numpy(cues[None]), Yt))[0].detach().numpy()
    np.testing.assert_allclose(out, Y[0, nearest], atol=1e-9)


def test_sparse_separation_gives_exact_zeros_and_exact_retrieval():
    Y, R = spheres(2, 30, 16, radius=2.0, seed=10)
    Yt, Rt = torch.from_numpy(Y), torch.from_numpy(R)
    for kind in ("sparsemax", "entmax"):
        layer = bare(scaling=4.0, separation=kind, dtype=torch.float64)
        A = layer.association_matrix((Yt, Rt, Yt))
        assert (A == 0).sum() > 0.8 * A.numel()
        torch.testing.assert_close(A.sum(-1), torch.ones(2, 1, 3, dtype=torch.float64))
        # a single surviving pattern: the output is that pattern, bit for bit
        single = (A > 0).sum(-1) == 1
        assert single.any()
        out = layer((Yt, Rt, Yt))
        winners = A.argmax(-1)[single]
        b_idx = torch.nonzero(single)[:, 0]
        assert torch.equal(out[b_idx, torch.nonzero(single)[:, 2]], Yt[b_idx, winners])


def test_alpha_means_nothing_to_sparsemax():
    # entmax_alpha = 1 makes entmax the softmax, never the sparsemax
    torch.manual_seed(21)
    x = torch.randn(2, 7, 8)
    default = Hopfield(input_size=8, separation="sparsemax")
    one = Hopfield(input_size=8, separation="sparsemax", entmax_alpha=1.0)
    one.load_state_dict(default.state_dict())
    torch.testing.assert_close(one(x), default(x))
    assert (one.association_matrix(x) == 0).any()
    X, xi = torch.randn(9, 4), torch.randn(3, 4)
    torch.testing.assert_close(
        hopfield_update(xi, X, 4.0, separation="sparsemax", alpha=1.0),
        hopfield_update(xi, X, 4.0, separation="sparsemax"),
    )


def test_softmax_association_is_dense():
    Y, R = spheres(1, 30, 16, radius=2.0, seed=10)
    Yt = torch.from_numpy(Y)
    A = bare(scaling=4.0, dtype=torch.float64).association_matrix((Yt, torch.from_numpy(R), Yt))
    assert (A > 0).all()


# ---------------------------------------------------------------------------------
# Fast path, stopping rule, gradients


@pytest.mark.parametrize("update_steps_max", [0, 2])
def test_attention_path_equals_explicit_association(update_steps_max):
    # With the softmax, forward retrieves through scaled_dot_product_attention; the
    # association matrix is built explicitly by separate(scores).
    torch.manual_seed(1)
    layer = Hopfield(
        input_size=12,
        num_heads=3,
        scaling=[0.1, 0.5, 2.0],
        concat_bias_pattern=True,
        update_steps_max=update_steps_max,
    )
    x = torch.randn(4, 7, 12)
    mask = torch.zeros(4, 7, dtype=torch.bool)
    mask[0, 3:] = True
    A = layer.association_matrix(x, mask)
    V = layer.projected_patterns(x, mask).projection
    want = layer.out_proj((A @ V).transpose(1, 2).flatten(2))
    torch.testing.assert_close(layer(x, mask), want, atol=1e-6, rtol=1e-5)


def test_batch_elements_stop_independently():
    # The stopping rule is per head and batch element: an element's output does not
    # depend on what else is in the batch (hflayers stops a head for the whole batch).
    torch.manual_seed(2)
    layer = Hopfield(input_size=8, num_heads=2, update_steps_max=20, update_steps_eps=1e-2)
    x = torch.randn(6, 5, 8)
    together = layer(x)
    alone = torch.cat([layer(x[b : b + 1]) for b in range(6)])
    torch.testing.assert_close(together, alone, atol=1e-6, rtol=1e-5)


def test_until_convergence_reaches_a_fixed_point():
    Y, R = spheres(2, 20, 8, radius=2.0, seed=11)
    Yt, Rt = torch.from_numpy(Y), torch.from_numpy(R)
    layer = bare(scaling=1.0, update_steps_max=None, update_steps_eps=1e-10, dtype=torch.float64)
    xi = layer((Yt, Rt, Yt))
    again = bare(scaling=1.0, dtype=torch.float64)((Yt, xi, Yt))
    torch.testing.assert_close(again, xi, atol=1e-9, rtol=0)


def test_trajectory_lengths():
    # a finite trajectory has update_steps_max + 2 states even when every head stops
    # early; until convergence, the steps taken (plus 2): on the CPU the host looks at
    # every step, so the iteration ends at the first step after which no batch element
    # moved by more than eps
    Y, R = spheres(2, 20, 8, radius=2.0, seed=11)
    Yt, Rt = torch.from_numpy(Y), torch.from_numpy(R)
    data = (Yt, Rt, Yt)
    E = bare(update_steps_max=10, update_steps_eps=0.1, dtype=torch.float64).energy(
        data, trajectory=True
    )
    assert E.shape == (12, 2, 1)
    torch.testing.assert_close(E[-2], E[-3])  # converged heads repeat their state
    E = bare(update_steps_max=None, update_steps_eps=0.1, dtype=torch.float64).energy(
        data, trajectory=True
    )
    assert (E[1:] <= E[:-1] + 1e-12).all()
    xi, stops = Rt, [None, None]
    for t in range(1, 100):
        new = hopfield_update(xi, Yt)
        for b in range(2):
            if stops[b] is None and (new[b] - xi[b]).norm() <= 0.1:
                stops[b] = t
        xi = new
    assert None not in stops and E.shape[0] - 2 == max(stops) > 4


def test_per_head_update_limits_are_those_of_separate_layers():
    # one update_steps_max (and update_steps_eps) per head, as hflayers takes them: each
    # head iterates as a layer with its own limit would (a negative one: to convergence)
    torch.manual_seed(20)
    common = dict(input_size=8, num_heads=2, disable_out_projection=True, dtype=torch.float64)
    x = torch.randn(3, 5, 8, dtype=torch.float64)

    def heads(**kwargs):
        layer = Hopfield(**common, **kwargs)
        layer.load_state_dict(reference.state_dict())
        return layer(x).unflatten(-1, (2, 4))

    reference = Hopfield(**common)
    mixed = heads(update_steps_max=torch.tensor([1, 3]), update_steps_eps=0.0)
    torch.testing.assert_close(
        mixed[..., 0, :], heads(update_steps_max=1, update_steps_eps=0.0)[..., 0, :]
    )
    torch.testing.assert_close(
        mixed[..., 1, :], heads(update_steps_max=3, update_steps_eps=0.0)[..., 1, :]
    )
    assert not torch.allclose(
        mixed[..., 0, :], heads(update_steps_max=3, update_steps_eps=0.0)[..., 0, :]
    )
    # thresholds per head: a huge one stops its head after the first update
    mixed = heads(update_steps_max=4, update_steps_eps=[1e9, 0.0])
    torch.testing.assert_close(mixed[..., 0, :], heads(update_steps_max=1)[..., 0, :])
    torch.testing.assert_close(
        mixed[..., 1, :], heads(update_steps_max=4, update_steps_eps=0.0)[..., 1, :]
    )
    # a negative limit runs its head until convergence
    mixed = heads(update_steps_max=[-1, 2], update_steps_eps=1e-9)
    converged = heads(update_steps_max=None, update_steps_eps=1e-9)
    torch.testing.assert_close(mixed[..., 0, :], converged[..., 0, :])
    torch.testing.assert_close(
        mixed[..., 1, :], heads(update_steps_max=2, update_steps_eps=1e-9)[..., 1, :]
    )


def test_until_convergence_stops_at_the_cap_with_a_warning():
    torch.manual_seed(21)
    common = dict(input_size=8, num_heads=2, update_steps_eps=1e-12, dtype=torch.float64)
    capped = Hopfield(**common, update_steps_max=None, update_steps_cap=5)
    finite = Hopfield(**common, update_steps_max=5)
    finite.load_state_dict(capped.state_dict())
    x = torch.randn(3, 5, 8, dtype=torch.float64)
    with pytest.warns(RuntimeWarning, match="did not converge within 5 steps"):
        out = capped(x)
    torch.testing.assert_close(out, finite(x))
    with pytest.warns(RuntimeWarning):
        assert capped.energy(x, trajectory=True).shape[0] == 5 + 2
    # a layer that converges says nothing
    quiet = Hopfield(input_size=8, num_heads=2, update_steps_max=None, update_steps_eps=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet(x.float())


def test_the_float32_iteration_of_issue_15_returns():
    # one head keeps moving by ~1e-6 at float32 resolution: without a cap it never stops
    torch.manual_seed(1)
    layer = Hopfield(16, num_heads=4, update_steps_max=None, update_steps_eps=1e-6)
    x = torch.randn(8, 10, 16)
    with pytest.warns(RuntimeWarning, match="within 1000 steps"):
        out = layer(x)
    assert torch.isfinite(out).all()


def test_hflayers_stopping_rule():
    # the rule of hflayers, written out: per head, the association matrices A_t; a head
    # stops, for the whole batch, once max_b ||A_t - A_(t-1)|| <= eps; output A_last V
    torch.manual_seed(22)
    eps, steps = 0.1, 8
    layer = Hopfield(
        input_size=8,
        num_heads=2,
        update_steps_max=steps,
        update_steps_eps=eps,
        stopping="hflayers",
        dtype=torch.float64,
    )
    x = torch.randn(4, 5, 8, dtype=torch.float64)
    xi, X, V = layer.projected_patterns(x)
    beta = layer.scaling

    def weights(state):
        return torch.softmax(beta * state @ X.transpose(-1, -2), -1)

    A = weights(xi)
    active = torch.ones(2, dtype=torch.bool)
    stopped = [None, None]
    for t in range(1, steps + 1):
        xi = torch.where(active[:, None, None], A @ X, xi)
        new = weights(xi)
        change = (new - A).flatten(-2).norm(dim=-1).amax(0)  # (heads,)
        A = new
        for h in range(2):
            if active[h] and change[h] <= eps:
                stopped[h] = t
        active = active & (change > eps)
        if not active.any():
            break
    assert stopped == [6, 3], "the heads stop early, at steps of their own"
    torch.testing.assert_close(layer.association_matrix(x), A)
    want = layer.out_proj((A @ V).transpose(1, 2).flatten(2))
    torch.testing.assert_close(layer(x), want)
    # the whole batch stops together: an element's output depends on its batch
    alone = torch.cat([layer(x[b : b + 1]) for b in range(4)])
    assert not torch.allclose(alone, layer(x))


def test_initialisations():
    # Glorot-uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)), sd a / sqrt(3); the
    # sample sd of n entries is within 5 of its standard errors, sd * sqrt((k - 1) / 4n)
    # (kurtosis k = 1.8 uniform, 3 normal)
    torch.manual_seed(23)
    glorot = Hopfield(64, num_heads=4, concat_bias_pattern=True)
    hflayers = Hopfield(64, num_heads=4, concat_bias_pattern=True, init="hflayers")
    a = math.sqrt(6 / 128)
    for proj in ("q_proj", "k_proj", "v_proj"):
        w = getattr(glorot, proj).weight
        assert w.abs().max() <= a
        assert abs(w.std().item() - a / math.sqrt(3)) < 5 * a / math.sqrt(3) * math.sqrt(
            0.8 / (4 * w.numel())
        )
        assert (getattr(glorot, proj).bias == 0).all()
    for w in (
        hflayers.q_proj.weight,
        hflayers.k_proj.weight,
        hflayers.v_proj.weight,
        hflayers.out_proj.weight,
        hflayers.bias_stored_pattern,
    ):
        se = 0.02 * math.sqrt(2 / (4 * w.numel()))
        assert abs(w.std().item() - 0.02) < 5 * se, w.shape
    for b in (hflayers.q_proj.bias, hflayers.out_proj.bias):
        assert (b == 0).all()


def test_second_derivatives_are_right_or_refused_clearly():
    from torch.nn.attention import SDPBackend, sdpa_kernel

    torch.manual_seed(24)
    common = dict(
        input_size=4, num_heads=2, update_steps_max=1, update_steps_eps=0.0, dtype=torch.float64
    )
    layer = Hopfield(**common)
    x = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    layer(x).sum().backward()  # a first derivative is untouched
    with pytest.raises(RuntimeError, match=r"second derivatives.*sdpa_kernel"):
        torch.autograd.grad(layer(x).square().sum(), x, create_graph=True)
    with sdpa_kernel(SDPBackend.MATH):  # the unfused attention: right to every order
        assert torch.autograd.gradgradcheck(layer, (x,))
    for options in (
        dict(separation="sparsemax"),
        dict(separation="entmax", entmax_alpha_trainable=True),
    ):
        sparse = Hopfield(**common, **options)
        assert torch.autograd.gradgradcheck(sparse, (x,))


def test_a_nan_in_the_input_gives_nan_never_a_silent_weight():
    torch.manual_seed(25)
    x = torch.randn(2, 5, 8)
    x[0, 2, 3] = torch.nan
    for separation in ("softmax", "sparsemax", "entmax"):
        out = Hopfield(input_size=8, separation=separation)(x)
        assert torch.isnan(out[0]).all() and torch.isfinite(out[1]).all(), separation


def test_one_step_gradient():
    torch.manual_seed(3)
    kwargs = dict(input_size=6, num_heads=2, update_steps_max=3, update_steps_eps=0.0)
    unrolled = Hopfield(**kwargs, dtype=torch.float64)
    one_step = Hopfield(**kwargs, update_gradient="one_step", dtype=torch.float64)
    one_step.load_state_dict(unrolled.state_dict())
    x = torch.randn(3, 4, 6, dtype=torch.float64)
    out_u, out_o = unrolled(x), one_step(x)
    torch.testing.assert_close(out_o, out_u, rtol=0, atol=1e-12)  # same values
    out_u.sum().backward()
    out_o.sum().backward()
    # the values enter after the last step only: same gradient
    torch.testing.assert_close(one_step.v_proj.weight.grad, unrolled.v_proj.weight.grad)
    # the keys enter every step: only the last one is differentiated
    assert not torch.allclose(one_step.k_proj.weight.grad, unrolled.k_proj.weight.grad)

    # the gradient with respect to the initial state is that of the last step at the
    # state it starts from (Jacobian-free backpropagation)
    Y, R = spheres(1, 10, 4, radius=2.0, seed=12)
    X, xi0 = torch.from_numpy(Y[0]), torch.from_numpy(R[0]).requires_grad_()
    association = Association(X, 1.5, None, "softmax", 1.0)
    last = iterate(xi0, association, steps=3, eps=0.0, one_step=True).state
    (g_one,) = torch.autograd.grad(association.update(last).pow(2).sum(), xi0)
    start = iterate(xi0, association, steps=3, eps=0.0).state.detach()
    start.requires_grad_()
    (g_last,) = torch.autograd.grad(association.update(start).pow(2).sum(), start)
    torch.testing.assert_close(g_one, g_last)


def test_learnable_beta_gets_a_gradient_changes_and_stays_positive():
    torch.manual_seed(4)
    layer = Hopfield(input_size=8, num_heads=2, scaling=0.5, scaling_trainable=True)
    assert layer.log_scaling.shape == (2,)
    torch.testing.assert_close(layer.scaling, torch.tensor([0.5, 0.5]))
    x, target = torch.randn(16, 6, 8), torch.randn(16, 6, 8)
    optimizer = torch.optim.Adam(layer.parameters(), lr=0.05)
    for _ in range(30):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(layer(x), target).backward()
        assert layer.log_scaling.grad.abs().min() > 0
        optimizer.step()
    assert (layer.scaling - 0.5).abs().min() > 1e-2
    assert (layer.scaling > 0).all()


@pytest.mark.parametrize("shape", [(2,), ()])
def test_a_scaling_parameter_is_the_one_trained_and_stays_shared(shape):
    # hflayers refuses an nn.Parameter; here it is used as it is, by every layer given it
    beta = torch.nn.Parameter(torch.full(shape, 0.7, dtype=torch.float64))
    torch.manual_seed(4)
    a, b = (Hopfield(input_size=8, num_heads=2, scaling=beta, dtype=torch.float64) for _ in "ab")
    model = torch.nn.ModuleList([a, b])
    assert a.scaling is beta and b.scaling is beta
    assert [p is beta for p in model.parameters()].count(True) == 1  # one parameter
    x = torch.randn(3, 5, 8, dtype=torch.float64)

    def loss():
        return (a(x) * b(x)).sum()

    loss().backward()
    # d loss / d beta by central differences: both layers' dependence counted
    h = 1e-6
    for i in range(beta.numel()):
        with torch.no_grad():
            beta.view(-1)[i] += h
            up = loss().item()
            beta.view(-1)[i] -= 2 * h
            down = loss().item()
            beta.view(-1)[i] += h
        assert beta.grad.view(-1)[i].item() == pytest.approx((up - down) / (2 * h), rel=1e-6)
    before = beta.detach().clone()
    torch.optim.SGD(model.parameters(), lr=0.01).step()
    assert not torch.equal(beta.detach(), before) and b.scaling is beta


def test_a_fixed_scaling_travels_in_the_state_dict(tmp_path):
    # a scalar or per-head beta is extra state: a loaded layer uses the saved one
    torch.manual_seed(5)
    x = torch.randn(2, 5, 8)
    for scaling, want in ((0.3, 0.3), ([0.2, 3.0], torch.tensor([0.2, 3.0]))):
        saved = Hopfield(input_size=8, num_heads=2, scaling=scaling)
        torch.save(saved.state_dict(), tmp_path / "layer.pt")
        loaded = Hopfield(input_size=8, num_heads=2)
        loaded.load_state_dict(torch.load(tmp_path / "layer.pt", weights_only=True))
        torch.testing.assert_close(loaded.scaling, want)
        torch.testing.assert_close(loaded(x), saved(x))
    with pytest.raises(ValueError, match="scaling in the state dict must be"):
        Hopfield(input_size=8, scaling_trainable=True).load_state_dict(
            Hopfield(input_size=8).state_dict(), strict=False
        )


def test_learnable_entmax_alpha_gets_a_gradient():
    torch.manual_seed(5)
    layer = Hopfield(input_size=8, num_heads=2, separation="entmax", entmax_alpha_trainable=True)
    torch.testing.assert_close(layer.entmax_alpha, torch.tensor([1.5, 1.5]))
    layer(torch.randn(4, 6, 8)).pow(2).sum().backward()
    assert (layer.alpha_logit.grad.abs() > 0).all()


# ---------------------------------------------------------------------------------
# Shapes and masks


def test_batch_first_false_is_the_transpose():
    torch.manual_seed(6)
    a = Hopfield(input_size=8, output_size=5, num_heads=2, batch_first=True)
    b = Hopfield(input_size=8, output_size=5, num_heads=2, batch_first=False)
    b.load_state_dict(a.state_dict())
    Y, R = torch.randn(3, 7, 8), torch.randn(3, 4, 8)
    mask = torch.zeros(3, 7, dtype=torch.bool)
    mask[1, 5:] = True
    out = a((Y, R, Y), mask)
    assert out.shape == (3, 4, 5)
    torch.testing.assert_close(
        b((Y.transpose(0, 1), R.transpose(0, 1), Y.transpose(0, 1)), mask), out.transpose(0, 1)
    )


@pytest.mark.parametrize("update_steps_max", [0, 2])
def test_padding_masks_bool_uint8_float_agree_and_remove_patterns(update_steps_max):
    torch.manual_seed(7)
    layer = Hopfield(input_size=8, num_heads=2, update_steps_max=update_steps_max)
    x = torch.randn(3, 6, 8)
    padded = torch.zeros(3, 6, dtype=torch.bool)
    padded[0, 4:] = True
    padded[2, 1] = True
    as_float = torch.zeros(3, 6).masked_fill(padded, -torch.inf)
    out = layer(x, padded)
    torch.testing.assert_close(layer(x, padded.to(torch.uint8)), out)
    torch.testing.assert_close(layer(x, as_float), out)
    A = layer.association_matrix(x, padded)
    assert (A.permute(0, 2, 1, 3)[padded[:, None, None, :].expand(3, 6, 2, 6)] == 0).all()
    # padding is the same as leaving the patterns out
    keep = ~padded[0]
    alone = layer((x[:1, keep], x[:1], x[:1, keep]))
    torch.testing.assert_close(out[:1], alone, atol=1e-6, rtol=1e-5)


def test_association_masks_2d_3d_4d_agree():
    torch.manual_seed(8)
    layer = Hopfield(input_size=8, num_heads=2, update_steps_max=1)
    x = torch.randn(3, 5, 8)
    causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    out = layer(x, association_mask=causal)
    m4 = causal.expand(3, 2, 5, 5)
    torch.testing.assert_close(layer(x, association_mask=m4), out)
    torch.testing.assert_close(layer(x, association_mask=m4.reshape(6, 5, 5)), out)
    torch.testing.assert_close(layer(x, association_mask=causal.to(torch.uint8)), out)
    A = layer.association_matrix(x, association_mask=causal)
    assert (A[..., causal] == 0).all()
    # a float mask is added to the scores: a large bias on one pattern selects it
    prior = torch.zeros(5, 5)
    prior[:, 2] = 50.0
    A = layer.association_matrix(x, association_mask=prior)
    assert (A[..., 2] > 0.999).all()


def test_fully_masked_state_retrieves_zeros_not_nan():
    torch.manual_seed(9)
    layer = Hopfield(input_size=8, update_steps_max=1, disable_out_projection=True)
    fast = Hopfield(input_size=8, disable_out_projection=True)
    x = torch.randn(2, 4, 8, requires_grad=True)
    mask = torch.zeros(2, 4, dtype=torch.bool)
    mask[1] = True
    for h in (layer, fast):
        out = h(x, mask)
        assert torch.isfinite(out).all() and (out[1] == 0).all()
        out.sum().backward()
        assert torch.isfinite(x.grad).all()
    E = layer.energy(x, mask)
    assert torch.isfinite(E).all() and (E[1] == 0).all()  # retrieved state 0, energy 0


def test_pooling_shapes_quantity_and_batch_first_false():
    torch.manual_seed(10)
    a = HopfieldPooling(input_size=6, output_size=4, quantity=3, num_heads=2)
    b = HopfieldPooling(input_size=6, output_size=4, quantity=3, num_heads=2, batch_first=False)
    b.load_state_dict(a.state_dict())
    x = torch.randn(5, 9, 6)  # 5 bags of 9 instances
    out = a(x)
    assert out.shape == (5, 12)
    torch.testing.assert_close(b(x.transpose(0, 1)), out)  # hflayers returns (3, 5 * 4)
    assert a.association_matrix(x).shape == (5, 2, 3, 9)
    assert a.energy(x).shape == (5, 2)
    mask = torch.zeros(5, 9, dtype=torch.uint8)
    mask[:, 6:] = 1
    torch.testing.assert_close(a(x, mask), a(x[:, :6]), atol=1e-6, rtol=1e-5)
    static = HopfieldPooling(input_size=6, hidden_size=6, state_pattern_as_static=True, quantity=2)
    assert static.pooling_weights.shape == (2, 6) and static(x).shape == (5, 12)


def test_lookup_layer_shapes_and_targets():
    torch.manual_seed(11)
    memory = HopfieldLayer(input_size=6, quantity=10, output_size=3)
    assert memory(torch.randn(4, 7, 6)).shape == (4, 7, 3)
    assert memory.target_weights is None
    separated = HopfieldLayer(
        input_size=6,
        quantity=10,
        lookup_weights_as_separated=True,
        lookup_targets_as_trainable=False,
        batch_first=False,
    )
    assert not separated.target_weights.requires_grad
    x = torch.randn(7, 4, 6)
    assert separated(x).shape == (7, 4, 6)
    assert separated.association_matrix(x).shape == (4, 1, 7, 10)


def test_bias_pattern_takes_part_and_zero_association():
    # hflayers creates the bias pattern but never concatenates it.
    torch.manual_seed(12)
    layer = Hopfield(
        input_size=8, num_heads=2, concat_bias_pattern=True, add_zero_association=True
    )
    x = torch.randn(3, 5, 8)
    A = layer.association_matrix(x)
    assert A.shape == (3, 2, 5, 7) and (A[..., 5] > 0).all() and (A[..., 6] > 0).all()
    out = layer(x)
    with torch.no_grad():
        layer.bias_pattern_projection.add_(1.0)
    assert not torch.allclose(layer(x), out)
    with torch.no_grad():
        layer.bias_stored_pattern.mul_(30.0)
    assert not torch.allclose(layer.association_matrix(x)[..., 5], A[..., 5])
    projected = layer.projected_patterns(x)
    assert projected.stored.shape == (3, 2, 7, 4)
    assert (projected.projection[:, :, 6] == 0).all()
    layer(x).sum().backward()
    assert layer.bias_stored_pattern.grad.abs().sum() > 0


def test_projected_patterns_and_activation():
    torch.manual_seed(13)
    layer = Hopfield(
        input_size=8,
        hidden_size=3,
        pattern_size=5,
        num_heads=2,
        association_activation="tanh",
        disable_out_projection=True,
    )
    Y, R = torch.randn(2, 6, 8), torch.randn(2, 4, 8)
    p = layer.projected_patterns((Y, R, Y))
    assert p.state.shape == (2, 2, 4, 3) and p.stored.shape == (2, 2, 6, 3)
    assert p.projection.shape == (2, 2, 6, 5)
    out = layer((Y, R, Y))
    assert out.shape == (2, 4, 10) and out.abs().max() < 1
    A = layer.get_association_matrix((Y, R, Y))
    want = torch.tanh((A @ p.projection).transpose(1, 2).flatten(2))
    torch.testing.assert_close(out, want)
    assert layer.get_projected_pattern_matrix((Y, R, Y)).shape == (2, 2, 6, 5)


def test_connected_pattern_projection():
    torch.manual_seed(14)
    layer = Hopfield(input_size=8, num_heads=2, pattern_projection_as_connected=True)
    assert layer.v_proj.weight.shape == (8, 8)
    assert layer(torch.randn(2, 5, 8)).shape == (2, 5, 8)


# ---------------------------------------------------------------------------------
# Precision, compilation, packaging


HALF = [
    dict(update_steps_max=0),
    dict(update_steps_max=2),
    dict(update_steps_max=1, separation="entmax", entmax_alpha_trainable=True),
]


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("options", HALF, ids=["attention", "steps", "entmax"])
def test_half_precision(dtype, options):
    # float16 keeps 11 significant bits, bfloat16 8: outputs within a few units of
    # 2^-8 of the float32 layer, energies (sums of squares) within 2 % of it.
    torch.manual_seed(15)
    layer = Hopfield(input_size=16, num_heads=4, **options)
    x = torch.randn(2, 6, 16)
    want, E_want = layer(x), layer.energy(x)
    layer = layer.to(dtype)
    x = x.to(dtype).requires_grad_()
    out, E = layer(x), layer.energy(x)
    assert out.dtype == E.dtype == dtype
    torch.testing.assert_close(out.float(), want, atol=3e-2, rtol=3e-2)
    torch.testing.assert_close(E.float(), E_want, atol=0, rtol=2e-2)
    (out.float().sum() + E.float().sum()).backward()
    assert torch.isfinite(x.grad).all()


COMPILED = {
    "attention": lambda: Hopfield(input_size=8, num_heads=2),
    "per-head steps and thresholds, hflayers rule, masks' zero pattern": lambda: Hopfield(
        input_size=8,
        num_heads=2,
        update_steps_max=[1, 3],
        update_steps_eps=[1e-3, 0.0],
        stopping="hflayers",
        add_zero_association=True,
    ),
    "entmax, learned alpha and beta, one-step gradient, bias pattern": lambda: Hopfield(
        input_size=8,
        num_heads=2,
        separation="entmax",
        entmax_alpha_trainable=True,
        scaling_trainable=True,
        update_steps_max=2,
        update_gradient="one_step",
        concat_bias_pattern=True,
    ),
    "sparsemax, static stored patterns, scaling Parameter, not batch first": lambda: Hopfield(
        input_size=8,
        hidden_size=8,
        num_heads=2,
        separation="sparsemax",
        stored_pattern_as_static=True,
        normalize_stored_pattern=False,
        normalize_hopfield_space=True,
        normalize_hopfield_space_affine=True,
        scaling=torch.nn.Parameter(torch.tensor([0.3, 0.6])),
        update_steps_max=1,
        batch_first=False,
        association_activation="tanh",
    ),
    "connected projections, hflayers init": lambda: Hopfield(
        input_size=8, num_heads=2, pattern_projection_as_connected=True, init="hflayers"
    ),
    "pooling": lambda: HopfieldPooling(input_size=8, num_heads=2, quantity=3, update_steps_max=1),
    "lookup": lambda: HopfieldLayer(
        input_size=8, quantity=6, lookup_weights_as_separated=True, update_steps_max=2
    ),
}


@pytest.mark.parametrize("name", list(COMPILED))
def test_compiles_in_one_graph_forward_and_backward(name):
    # fullgraph=True fails on any host synchronisation (.item(), bool(tensor)) or graph
    # break inside forward: every kind of layer and option, masks included
    torch.manual_seed(16)
    layer = COMPILED[name]()
    batch_first = getattr(layer, "batch_first", True)
    x = torch.randn(3, 5, 8) if batch_first else torch.randn(5, 3, 8)
    S = 6 if isinstance(layer, HopfieldLayer) else 5
    mask = torch.zeros(3, S, dtype=torch.bool)
    mask[0, 3:] = True
    compiled = torch.compile(layer, fullgraph=True, backend="eager")
    x1, x2 = (x.clone().requires_grad_() for _ in "12")
    out = compiled(x1, mask)
    out.square().sum().backward()
    grads = [p.grad.clone() for p in layer.parameters() if p.requires_grad]
    layer.zero_grad()
    want = layer(x2, mask)
    want.square().sum().backward()
    torch.testing.assert_close(out, want)
    torch.testing.assert_close(x1.grad, x2.grad)
    for g, p in zip(grads, [p for p in layer.parameters() if p.requires_grad], strict=True):
        torch.testing.assert_close(g, p.grad)


@pytest.mark.parametrize("steps", [None, [-1, 2]])
def test_compile_refuses_an_iteration_until_convergence_clearly(steps):
    layer = Hopfield(input_size=8, num_heads=2, update_steps_max=steps, update_steps_eps=1e-3)
    compiled = torch.compile(layer, fullgraph=True, backend="eager")
    with pytest.raises(
        RuntimeError, match=r"update_steps_max must be an int .* under torch.compile"
    ):
        compiled(torch.randn(2, 5, 8))


@pytest.mark.slow
@pytest.mark.parametrize("options", HALF, ids=["attention", "steps", "entmax"])
def test_inductor_compiles_forward_and_backward(options):
    # The default torch.compile backend (about a minute of compilation per layer here).
    torch.manual_seed(17)
    layer = Hopfield(input_size=8, num_heads=2, **options)
    compiled = torch.compile(layer, fullgraph=True)
    x = torch.randn(3, 5, 8, requires_grad=True)
    out = compiled(x)
    torch.testing.assert_close(out, layer(x), atol=1e-5, rtol=1e-5)
    (g_compiled,) = torch.autograd.grad(out.sum(), x)
    (g_eager,) = torch.autograd.grad(layer(x).sum(), x)
    torch.testing.assert_close(g_compiled, g_eager, atol=1e-5, rtol=1e-5)


def test_import_assoc_does_not_import_torch():
    code = """
import sys
import assoc, assoc.models
assert "torch" not in sys.modules
sys.modules["torch"] = None  # as if torch were not installed
try:
    import assoc.nn
except ImportError as error:
    assert "assoc[torch]" in str(error)
else:
    raise SystemExit("assoc.nn imported without torch")
"""
    subprocess.run([sys.executable, "-c", code], check=True)


HFLAYERS_HOPFIELD_ARGUMENTS = (
    # the parameters of hflayers.Hopfield.__init__, in order (ml-jku/hopfield-layers)
    "input_size hidden_size output_size pattern_size num_heads scaling update_steps_max "
    "update_steps_eps normalize_stored_pattern normalize_stored_pattern_affine "
    "normalize_stored_pattern_eps normalize_state_pattern normalize_state_pattern_affine "
    "normalize_state_pattern_eps normalize_pattern_projection "
    "normalize_pattern_projection_affine normalize_pattern_projection_eps "
    "normalize_hopfield_space normalize_hopfield_space_affine normalize_hopfield_space_eps "
    "stored_pattern_as_static state_pattern_as_static pattern_projection_as_static "
    "pattern_projection_as_connected stored_pattern_size pattern_projection_size batch_first "
    "association_activation dropout input_bias concat_bias_pattern add_zero_association "
    "disable_out_projection"
).split()


def test_arguments_port_from_hflayers():
    import inspect

    names = list(inspect.signature(Hopfield).parameters)
    assert names[: len(HFLAYERS_HOPFIELD_ARGUMENTS)] == HFLAYERS_HOPFIELD_ARGUMENTS
    layer = Hopfield(8, 4, 8, 4, 2, None, 0, 1e-4)  # positional, as in hflayers
    assert layer.scaling == pytest.approx(0.5)


# ---------------------------------------------------------------------------------
# Bad input

x3 = torch.randn(2, 5, 8)
net = Hopfield(input_size=8, num_heads=2)

BAD = [
    (lambda: Hopfield(input_size=8, num_heads=3), ValueError, "num_heads must be a divisor"),
    (lambda: Hopfield(input_size=0), ValueError, "input_size must be in"),
    (lambda: Hopfield(input_size=8.0), TypeError, "input_size must be an integer"),
    (lambda: Hopfield(), ValueError, "input_size must be given"),
    (lambda: Hopfield(8, scaling=-1.0), ValueError, "scaling must be in"),
    (lambda: Hopfield(8, scaling="big"), TypeError, "scaling must be a positive float"),
    (lambda: Hopfield(8, num_heads=2, scaling=[1.0, 2.0, 3.0]), ValueError, "scaling must be"),
    (lambda: Hopfield(8, update_steps_max=-1), ValueError, "update_steps_max must be in"),
    (
        lambda: Hopfield(8, update_steps_max=None, update_steps_eps=0.0),
        ValueError,
        "update_steps_eps must be in",
    ),
    (lambda: Hopfield(8, dropout=1.0), ValueError, "dropout must be in"),
    (lambda: Hopfield(8, batch_first=1), TypeError, "batch_first must be True or False"),
    (lambda: Hopfield(8, separation="argmax"), ValueError, "separation must be one of"),
    (lambda: Hopfield(8, entmax_alpha=2.5), ValueError, "entmax_alpha must be in"),
    (
        lambda: Hopfield(8, separation="entmax", entmax_alpha=2.0, entmax_alpha_trainable=True),
        ValueError,
        "entmax_alpha must be in",
    ),
    (lambda: Hopfield(8, update_gradient="implicit"), ValueError, "update_gradient must be"),
    (lambda: Hopfield(8, association_activation="nope"), ValueError, "association_activation"),
    (
        lambda: Hopfield(8, stored_pattern_as_static=True, pattern_projection_as_connected=True),
        ValueError,
        "pattern_projection_as_connected must be False",
    ),
    (lambda: bare(normalize_state_pattern=True), ValueError, "normalize_state_pattern must be"),
    (lambda: bare(disable_out_projection=False), ValueError, "output_size must be known"),
    (lambda: net(x3.numpy()), TypeError, "input must be a tensor or a tuple"),
    (lambda: net((x3, x3)), TypeError, "input must be a tensor or a tuple"),
    (lambda: net(x3[0]), ValueError, "state_pattern must be a tensor with 3 axes"),
    (lambda: net(torch.randn(2, 5, 7)), ValueError, "state_pattern must be a tensor with last"),
    (lambda: net(x3.double()), TypeError, "state_pattern must be a tensor of the layer's dtype"),
    (lambda: net(x3.long()), TypeError, "state_pattern must be a floating-point tensor"),
    (lambda: net((x3, torch.randn(3, 5, 8), x3)), ValueError, "stored_pattern must be a tensor"),
    (lambda: net((x3, x3, x3[:, :4])), ValueError, "pattern_projection must be one row per"),
    (
        lambda: net(x3, torch.zeros(2, 4, dtype=torch.bool)),
        ValueError,
        r"stored_pattern_padding_mask must be a tensor of shape \(2, 5\)",
    ),
    (
        lambda: net(x3, torch.zeros(2, 5, dtype=torch.int32)),
        TypeError,
        "stored_pattern_padding_mask must be a bool, uint8",
    ),
    (
        lambda: net(x3, association_mask=torch.zeros(5, 4, dtype=torch.bool)),
        ValueError,
        "association_mask must be a tensor of shape",
    ),
    (lambda: HopfieldPooling(8, quantity=0), ValueError, "quantity must be in"),
    (
        lambda: HopfieldLayer(8, pattern_projection_size=4),
        ValueError,
        "lookup_weights_as_separated must be True",
    ),
    (lambda: hopfield_update(x3, x3[..., :4]), ValueError, "X must be a tensor with last axis"),
    (lambda: hopfield_update(x3, x3.double()), TypeError, "X must be a tensor of the dtype"),
    (lambda: hopfield_update(x3, x3, beta=0.0), ValueError, "beta must be in"),
    (lambda: hopfield_update(x3, x3, beta=torch.ones(5)), ValueError, "beta must be a tensor"),
    (lambda: hopfield_update(x3, x3, steps=0), ValueError, "steps must be in"),
    (
        lambda: hopfield_energy(x3, x3, mask=torch.zeros(3, 3, dtype=torch.bool)),
        ValueError,
        "mask must be a tensor broadcasting",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
