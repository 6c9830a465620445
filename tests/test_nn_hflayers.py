"""assoc.nn as a drop-in for hflayers: arguments, properties and checkpoints.

The oracle for the checkpoints is a reference written here from the paper (Ramsauer et
al. 2021, Eqs. 3 and 10: per head, A = softmax(beta xi X^T + mask), xi <- A X, Z = A V,
the heads concatenated through W_O) that reads its weights straight from a state dict in
the layout of hflayers, whose key names and shapes (below, ``hflayers_shapes``) are facts
read from the hflayers source (ml-jku/hopfield-layers, hflayers/activation.py and
__init__.py). Loading such a state dict into the matching assoc.nn layer must give the
reference's outputs and gradients, for every kind of layer and the combinations of its
arguments; the gradients, converted back with ``to_hflayers``, must be the reference's
gradients with respect to the hflayers tensors. No hflayers code is used.
"""

import inspect
import itertools
import math

import pytest

torch = pytest.importorskip("torch")

from torch.nn import functional as F  # noqa: E402

from assoc.nn import (  # noqa: E402
    Hopfield,
    HopfieldDecoderLayer,
    HopfieldEncoderLayer,
    HopfieldLayer,
    HopfieldPooling,
    from_hflayers,
    load_hflayers,
    to_hflayers,
)

pytestmark = pytest.mark.usefixtures("torch_one_thread")

DOUBLE = torch.float64

# ---------------------------------------------------------------------------------
# Facts from the hflayers source: argument lists, properties, state-dict layout

HOPFIELD_ARGUMENTS = (
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
_WRAPPED_MIDDLE = (
    "normalize_stored_pattern normalize_stored_pattern_affine normalize_state_pattern "
    "normalize_state_pattern_affine normalize_pattern_projection "
    "normalize_pattern_projection_affine normalize_hopfield_space "
    "normalize_hopfield_space_affine stored_pattern_as_static state_pattern_as_static "
    "pattern_projection_as_static pattern_projection_as_connected stored_pattern_size "
    "pattern_projection_size batch_first association_activation dropout input_bias "
    "concat_bias_pattern add_zero_association disable_out_projection quantity trainable"
).split()
_FIRST = HOPFIELD_ARGUMENTS[:8]
POOLING_ARGUMENTS = [*_FIRST, *_WRAPPED_MIDDLE]
LOOKUP_ARGUMENTS = [
    *_FIRST,
    "lookup_weights_as_separated",
    "lookup_targets_as_trainable",
    *_WRAPPED_MIDDLE,
]

_COMMON_PROPERTIES = (
    "batch_first scaling stored_pattern_dim state_pattern_dim pattern_projection_dim "
    "input_size hidden_size output_size pattern_size update_steps_max update_steps_eps "
    "stored_pattern_as_static state_pattern_as_static pattern_projection_as_static "
    "normalize_stored_pattern normalize_stored_pattern_affine normalize_state_pattern "
    "normalize_state_pattern_affine normalize_pattern_projection "
    "normalize_pattern_projection_affine"
).split()
PROPERTIES = {
    Hopfield: [*_COMMON_PROPERTIES, "normalize_hopfield_space", "normalize_hopfield_space_affine"],
    HopfieldPooling: [*_COMMON_PROPERTIES, "quantity"],
    HopfieldLayer: [*_COMMON_PROPERTIES, "quantity"],
}
SETTABLE = {"update_steps_max", "update_steps_eps"}


def hflayers_shapes(c):
    """Key -> shape of the state dict of ``hflayers.Hopfield(**c)`` (static execution
    aside): its projections packed into in_proj_weight when the stored patterns and
    pattern projections have input_size, no pattern_size is given and they are not
    connected; the bias in_proj_bias with a slot for the pattern projections even when
    they are static; bias_k and bias_v of num_heads * head_dim each."""
    E, H = c["input_size"], c.get("num_heads", 1)
    d_k = c.get("hidden_size") or E // H
    d_v = c.get("pattern_size") or d_k
    q_static, k_static, v_static = (
        c.get(f"{name}_as_static", False)
        for name in ("state_pattern", "stored_pattern", "pattern_projection")
    )
    connected = c.get("pattern_projection_as_connected", False)
    kdim = c.get("stored_pattern_size") or E
    vdim = c.get("pattern_projection_size") or E
    packed = kdim == E and vdim == E and c.get("pattern_size") is None and not connected
    rows = {"q": 0 if q_static else H * d_k, "k": 0 if k_static else H * d_k}
    rows["v"] = 0 if v_static else H * d_v
    core = "association_core."
    shapes = {}
    if packed and sum(rows.values()):
        shapes[core + "in_proj_weight"] = (sum(rows.values()), E)
    if not packed:
        columns = {"q": E, "k": kdim, "v": H * d_k if connected and not k_static else vdim}
        for p in "qkv":
            if rows[p]:
                shapes[f"{core}{p}_proj_weight"] = (rows[p], columns[p])
    bias = c.get("input_bias", True)
    if bias and sum(rows.values()):
        shapes[core + "in_proj_bias"] = (rows["q"] + rows["k"] + H * d_v,)
    if not c.get("disable_out_projection", False):
        out = c.get("output_size") or E
        shapes[core + "out_proj.weight"] = (out, H * d_v)
        if bias:
            shapes[core + "out_proj.bias"] = (out,)
    if c.get("normalize_hopfield_space_affine", False):
        shapes[core + "p_norm_weight"] = shapes[core + "p_norm_bias"] = (d_k,)
    if c.get("concat_bias_pattern", False):
        if not k_static:
            shapes[core + "bias_k"] = (1, 1, H * d_k)
        if not v_static:
            shapes[core + "bias_v"] = (1, 1, H * d_k)
    for norm, size in (
        ("stored_pattern", kdim),
        ("state_pattern", E),
        ("pattern_projection", vdim),
    ):
        if c.get(f"normalize_{norm}", True) and c.get(f"normalize_{norm}_affine", True):
            shapes[f"norm_{norm}.weight"] = shapes[f"norm_{norm}.bias"] = (size,)
    return shapes


def random_state(shapes, seed, c=None):
    """Random tensors of those shapes (the unused slot of static pattern projections in
    in_proj_bias zero, as the round trip writes it)."""
    g = torch.Generator().manual_seed(seed)
    state = {k: 0.5 * torch.randn(s, generator=g, dtype=DOUBLE) for k, s in shapes.items()}
    for k in state:
        if k.endswith("norm_stored_pattern.weight") or "norm_state_pattern.weight" in k:
            state[k] = state[k] + 1.0
    key = "association_core.in_proj_bias"
    if c is not None and c.get("pattern_projection_as_static") and key in state:
        H = c.get("num_heads", 1)
        d_v = c.get("pattern_size") or c.get("hidden_size") or c["input_size"] // H
        state[key][-H * d_v :] = 0.0
    return state


# ---------------------------------------------------------------------------------
# The reference, from the paper, reading the hflayers layout


def reference(c, T, stored, state, projection, padding=None, association_mask=None):
    """Ramsauer et al. (2021), the Hopfield layer: per head h, xi = R W_Q^h, X = Y W_K^h,
    V = P W_V^h (a static pattern as it is, for every head), A = softmax(beta_h xi X^T +
    mask), update_steps_max updates xi <- A X, output (A V)_heads W_O^T. Inputs and
    output batch-first. ``T`` holds the weights in the hflayers layout."""
    core = "association_core."
    E, H = c["input_size"], c.get("num_heads", 1)
    d_k = c.get("hidden_size") or E // H
    d_v = c.get("pattern_size") or d_k
    q_static, k_static, v_static = (
        c.get(f"{name}_as_static", False)
        for name in ("state_pattern", "stored_pattern", "pattern_projection")
    )
    connected = c.get("pattern_projection_as_connected", False)

    def layer_norm(x, name, eps_name):
        if not c.get(f"normalize_{name}", True):
            return x
        w, b = T.get(f"norm_{name}.weight"), T.get(f"norm_{name}.bias")
        return F.layer_norm(x, x.shape[-1:], w, b, c.get(eps_name, 1e-5))

    Y = layer_norm(stored, "stored_pattern", "normalize_stored_pattern_eps")
    R = layer_norm(state, "state_pattern", "normalize_state_pattern_eps")
    P = layer_norm(projection, "pattern_projection", "normalize_pattern_projection_eps")

    # the weights and biases of the three projections
    sizes = {"q": H * d_k, "k": H * d_k, "v": H * d_v}
    static = {"q": q_static, "k": k_static, "v": v_static}
    W, b = {}, {}
    if core + "in_proj_weight" in T:
        rows = iter(T[core + "in_proj_weight"].split([sizes[p] for p in "qkv" if not static[p]]))
        W = {p: next(rows) for p in "qkv" if not static[p]}
    else:
        W = {p: T[f"{core}{p}_proj_weight"] for p in "qkv" if not static[p]}
    if core + "in_proj_bias" in T:
        slots = [sizes[p] for p in "qk" if not static[p]] + [sizes["v"]]
        parts = iter(T[core + "in_proj_bias"].split(slots))
        b = {p: next(parts) for p in "qk" if not static[p]}
        b["v"] = next(parts)

    def project(x, p):
        return x @ W[p].T + (b[p] if p in b else 0.0)

    def heads(x, d):  # (B, n, H d) -> (B, H, n, d); a static pattern serves every head
        return x.unflatten(-1, (H, d)).transpose(1, 2)

    xi = R.unsqueeze(1).expand(-1, H, -1, -1) if q_static else heads(project(R, "q"), d_k)
    X = Y.unsqueeze(1).expand(-1, H, -1, -1) if k_static else heads(project(Y, "k"), d_k)
    if connected:
        V = project(P, "k")
        V = heads(V if v_static else project(V, "v"), d_v)
    else:
        V = P.unsqueeze(1).expand(-1, H, -1, -1) if v_static else heads(project(P, "v"), d_v)
    if c.get("normalize_hopfield_space", False):
        w, bb = T.get(core + "p_norm_weight"), T.get(core + "p_norm_bias")
        eps = c.get("normalize_hopfield_space_eps", 1e-5)
        xi, X = (F.layer_norm(t, (d_k,), w, bb, eps) for t in (xi, X))

    B, S = X.shape[0], X.shape[2]
    mask = torch.zeros(B, H, xi.shape[2], S, dtype=DOUBLE)
    if padding is not None:
        mask = mask.masked_fill(padding[:, None, None, :], -math.inf)
    if association_mask is not None:
        mask = mask.masked_fill(association_mask, -math.inf)
    if c.get("concat_bias_pattern", False):
        X = torch.cat([X, T[core + "bias_k"].view(H, 1, d_k).expand(B, -1, -1, -1)], 2)
        V = torch.cat([V, T[core + "bias_v"].view(H, 1, d_v).expand(B, -1, -1, -1)], 2)
        mask = F.pad(mask, (0, 1))
    if c.get("add_zero_association", False):
        X = F.pad(X, (0, 0, 0, 1))
        V = F.pad(V, (0, 0, 0, 1))
        mask = F.pad(mask, (0, 1))

    scaling = c.get("scaling")
    if scaling is None:
        scaling = 1.0 / math.sqrt(d_k)
    beta = torch.as_tensor(scaling, dtype=DOUBLE).reshape(-1, 1, 1)
    for _ in range(c.get("update_steps_max", 0)):
        xi = torch.softmax(beta * xi @ X.transpose(-1, -2) + mask, -1) @ X
    A = torch.softmax(beta * xi @ X.transpose(-1, -2) + mask, -1)
    Z = (A @ V).transpose(1, 2).flatten(2)
    if not c.get("disable_out_projection", False):
        Z = Z @ T[core + "out_proj.weight"].T
        if core + "out_proj.bias" in T:
            Z = Z + T[core + "out_proj.bias"]
    if c.get("association_activation"):
        Z = getattr(torch, c["association_activation"])(Z)
    return Z


def inputs_for(c, seed, B=3, L=4, S=5):
    E = c["input_size"]
    d_k = c.get("hidden_size") or E // c.get("num_heads", 1)
    d_v = c.get("pattern_size") or d_k
    stored = d_k if c.get("stored_pattern_as_static") else c.get("stored_pattern_size") or E
    state = d_k if c.get("state_pattern_as_static") else E
    proj = c.get("pattern_projection_size") or E
    if c.get("pattern_projection_as_static"):
        proj = d_v
    if c.get("pattern_projection_as_connected"):
        proj = stored
    g = torch.Generator().manual_seed(seed)
    return tuple(
        torch.randn(B, n, d, generator=g, dtype=DOUBLE, requires_grad=True)
        for n, d in ((S, stored), (L, state), (S, proj))
    )


STATIC = {
    "stored_pattern": "stored_pattern_as_static",
    "state_pattern": "state_pattern_as_static",
    "pattern_projection": "pattern_projection_as_static",
}


def configurations():
    """Every combination of static patterns, packed or separate projections, biases and
    bias patterns; then each other argument, alone or with a few others."""
    out = []
    for statics, separate, bias, bias_pattern in itertools.product(
        itertools.product([False, True], repeat=3), [False, True], [True, False], [False, True]
    ):
        c = dict(input_size=6, num_heads=2, hidden_size=3, input_bias=bias)
        if separate:
            c["pattern_size"] = 3
        for (name, flag), on in zip(STATIC.items(), statics, strict=True):
            c[flag] = on
            if on:
                c[f"normalize_{name}"] = c[f"normalize_{name}_affine"] = False
        if bias_pattern:
            if statics[0] or statics[2]:
                continue  # hflayers holds no bias pattern beside static patterns
            c["concat_bias_pattern"] = True
        out.append(c)
    out += [
        dict(input_size=6, num_heads=2, pattern_size=4),
        dict(input_size=6, num_heads=3, hidden_size=2, output_size=5),
        dict(input_size=6, num_heads=2, stored_pattern_size=4),
        dict(input_size=6, num_heads=2, pattern_projection_size=5),
        dict(input_size=6, num_heads=2, pattern_projection_as_connected=True),
        dict(
            input_size=6,
            num_heads=2,
            stored_pattern_size=4,
            pattern_projection_size=4,
            pattern_projection_as_connected=True,
            hidden_size=3,
        ),
        dict(
            input_size=6,
            num_heads=2,
            hidden_size=3,
            pattern_projection_as_connected=True,
            pattern_projection_as_static=True,
            normalize_pattern_projection=False,
        ),
        dict(input_size=6, num_heads=2, disable_out_projection=True),
        dict(input_size=6, num_heads=2, disable_out_projection=True, pattern_size=4),
        dict(
            input_size=6,
            num_heads=2,
            normalize_stored_pattern_affine=False,
            normalize_state_pattern=False,
            normalize_pattern_projection_eps=1e-3,
        ),
        dict(input_size=6, num_heads=2, normalize_hopfield_space=True),
        dict(
            input_size=6,
            num_heads=2,
            normalize_hopfield_space=True,
            normalize_hopfield_space_affine=True,
            normalize_hopfield_space_eps=1e-3,
        ),
        dict(input_size=6, num_heads=2, update_steps_max=3, update_steps_eps=0.0),
        dict(input_size=6, num_heads=2, scaling=0.7, update_steps_max=2, update_steps_eps=0.0),
        dict(
            input_size=6, num_heads=2, scaling=[0.3, 2.0], update_steps_max=1, update_steps_eps=0.0
        ),
        dict(input_size=6, num_heads=2, add_zero_association=True, concat_bias_pattern=True),
        dict(input_size=6, num_heads=2, association_activation="tanh"),
    ]
    return out


CONFIGS = configurations()


def _id(c):
    return ",".join(f"{k}={v}" for k, v in c.items() if k not in ("input_size",))


def _masks(B=3, L=4, S=5):
    padding = torch.zeros(B, S, dtype=torch.bool)
    padding[1, 3:] = True
    association = torch.zeros(L, S, dtype=torch.bool)
    association[0, 0] = association[2, 1] = True
    return padding, association


@pytest.mark.parametrize("c", CONFIGS, ids=[_id(c) for c in CONFIGS])
def test_hflayers_checkpoint_gives_the_papers_outputs_and_gradients(c):
    T = random_state(hflayers_shapes(c), seed=len(_id(c)), c=c)
    layer = Hopfield(**c, dtype=DOUBLE)
    assert str(load_hflayers(layer, T)) == "<All keys matched successfully>"
    Y, R, P = inputs_for(c, seed=1)
    padding, association = _masks()
    out = layer((Y, R, P), padding, association)
    T_grad = {k: v.clone().requires_grad_() for k, v in T.items()}
    want = reference(c, T_grad, Y, R, P, padding, association)
    torch.testing.assert_close(out, want, rtol=1e-12, atol=1e-12)

    # gradients: with respect to the inputs, and to every hflayers tensor
    weight = torch.randn(out.shape, generator=torch.Generator().manual_seed(2), dtype=DOUBLE)
    ours = torch.autograd.grad((out * weight).sum(), [Y, R, P, *layer.parameters()])
    theirs = torch.autograd.grad((want * weight).sum(), [Y, R, P, *T_grad.values()])
    for g_ours, g_theirs in zip(ours[:3], theirs[:3], strict=True):
        torch.testing.assert_close(g_ours, g_theirs, rtol=1e-10, atol=1e-12)
    names = [name for name, _ in layer.named_parameters()]
    converted = to_hflayers(layer, dict(zip(names, ours[3:], strict=True)))
    assert set(converted) == set(T)
    for key, g in zip(T_grad, theirs[3:], strict=True):
        torch.testing.assert_close(converted[key], g, rtol=1e-10, atol=1e-12, msg=key)

    # and back: the state dict in the hflayers layout is the one loaded
    back = to_hflayers(layer)
    assert set(back) == set(T)
    for key in T:
        assert torch.equal(back[key], T[key]), key


def test_unused_bias_patterns_of_hflayers_are_left_out():
    # hflayers creates bias_k and bias_v and never uses them: a layer built without
    # concat_bias_pattern computes what hflayers computed from such a checkpoint
    c = dict(input_size=6, num_heads=2, concat_bias_pattern=True)
    T = random_state(hflayers_shapes(c), seed=3)
    layer = Hopfield(input_size=6, num_heads=2, dtype=DOUBLE)
    assert str(load_hflayers(layer, T)) == "<All keys matched successfully>"
    Y, R, P = inputs_for(c, seed=4)
    without = dict(c, concat_bias_pattern=False)
    torch.testing.assert_close(layer((Y, R, P)), reference(without, T, Y, R, P))
    # with it, the bias patterns take part: another function
    used = Hopfield(**c, dtype=DOUBLE)
    load_hflayers(used, T)
    torch.testing.assert_close(used((Y, R, P)), reference(c, T, Y, R, P))
    assert not torch.allclose(used((Y, R, P)), layer((Y, R, P)))


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("kind", ["pooling", "lookup", "lookup_separated"])
def test_pooling_and_lookup_checkpoints(kind, batch_first):
    q, E, H = 3, 6, 2
    c = dict(input_size=E, num_heads=H, update_steps_max=1, update_steps_eps=0.0)
    shapes = {f"hopfield.{k}": s for k, s in hflayers_shapes(c).items()}
    learned = (1, q, E) if batch_first else (q, 1, E)
    if kind == "pooling":
        layer = HopfieldPooling(**c, quantity=q, batch_first=batch_first, dtype=DOUBLE)
        shapes["pooling_weights"] = learned
    else:
        separated = kind == "lookup_separated"
        layer = HopfieldLayer(
            **c,
            quantity=q,
            batch_first=batch_first,
            lookup_weights_as_separated=separated,
            dtype=DOUBLE,
        )
        shapes["lookup_weights"] = learned
        if separated:
            shapes["target_weights"] = learned
    T = random_state(shapes, seed=5)
    assert str(load_hflayers(layer, T)) == "<All keys matched successfully>"
    inner = {k.removeprefix("hopfield."): v for k, v in T.items() if k.startswith("hopfield.")}
    g = torch.Generator().manual_seed(6)
    x = torch.randn(4, 5, E, generator=g, dtype=DOUBLE)
    given = x if batch_first else x.transpose(0, 1)
    if kind == "pooling":
        states = T["pooling_weights"].reshape(q, E).expand(4, q, E)
        want = reference(c, inner, x, states, x).flatten(1)
    else:
        stored = T["lookup_weights"].reshape(q, E).expand(4, q, E)
        targets = T.get("target_weights", T["lookup_weights"]).reshape(q, E).expand(4, q, E)
        want = reference(c, inner, stored, x, targets)
        want = want if batch_first else want.transpose(0, 1)
    torch.testing.assert_close(layer(given), want, rtol=1e-12, atol=1e-12)
    back = to_hflayers(layer)
    assert set(back) == set(T) and all(torch.equal(back[k], T[k]) for k in T)


def test_transformer_layer_checkpoints():
    # the encoder and decoder layers keep the parameter names of hflayers'
    E, H, width = 6, 2, 8
    c = dict(input_size=E, num_heads=H)
    hopfield = {f"hopfield_association.{k}": s for k, s in hflayers_shapes(c).items()}
    own = {
        "linear_residual.weight": (width, E),
        "linear_residual.bias": (width,),
        "linear_output.weight": (E, width),
        "linear_output.bias": (E,),
    }
    norms = {
        f"{n}.{p}": (E,) for n in ("norm_residual", "norm_output") for p in ("weight", "bias")
    }
    T = random_state(hopfield | own | norms, seed=7)
    encoder = HopfieldEncoderLayer(Hopfield(**c), dim_feedforward=width, dropout=0.0).double()
    assert str(load_hflayers(encoder, T)) == "<All keys matched successfully>"
    x = torch.randn(3, 5, E, dtype=DOUBLE, generator=torch.Generator().manual_seed(8))
    inner = {k.removeprefix("hopfield_association."): v for k, v in T.items() if "hop" in k}
    h = F.layer_norm(
        x + reference(c, inner, x, x, x), (E,), T["norm_residual.weight"], T["norm_residual.bias"]
    )
    ff = torch.relu(h @ T["linear_residual.weight"].T + T["linear_residual.bias"])
    ff = ff @ T["linear_output.weight"].T + T["linear_output.bias"]
    want = F.layer_norm(h + ff, (E,), T["norm_output.weight"], T["norm_output.bias"])
    torch.testing.assert_close(encoder(x), want, rtol=1e-12, atol=1e-12)

    decoder = HopfieldDecoderLayer(Hopfield(**c), Hopfield(**c), dim_feedforward=width)
    keys = set(to_hflayers(decoder))
    for prefix in ("hopfield_association_self.", "hopfield_association_cross."):
        assert {prefix + k for k in hflayers_shapes(c)} <= keys
    assert {"norm_residual_self.weight", "norm_residual_cross.bias", "norm_output.weight"} <= keys


def test_a_model_holding_layers_converts_key_by_key():
    # a model written for hflayers: only the keys of its Hopfield layers change
    model = torch.nn.Sequential(HopfieldPooling(4, quantity=2), torch.nn.Linear(8, 1))
    saved = to_hflayers(model)
    assert "0.pooling_weights" in saved and "1.weight" in saved
    assert saved["0.pooling_weights"].shape == (1, 2, 4)
    assert "0.hopfield.association_core.in_proj_weight" in saved
    converted = from_hflayers(model, saved)
    mine = model.state_dict()
    assert set(converted) == set(mine)
    for k, v in mine.items():
        if isinstance(v, torch.Tensor):
            assert torch.equal(converted[k], v), k


CONVERSION_BAD = [
    (
        lambda: to_hflayers(Hopfield(4, scaling_trainable=True)),
        ValueError,
        "the parameters to convert must be ones that an hflayers layer holds.*log_scaling",
    ),
    (
        lambda: to_hflayers(Hopfield(4, separation="entmax", entmax_alpha_trainable=True)),
        ValueError,
        "alpha_logit",
    ),
    (
        lambda: to_hflayers(Hopfield(4, num_heads=2, pattern_size=3, concat_bias_pattern=True)),
        ValueError,
        "bias_pattern_projection must be of hidden_size 2 per head",
    ),
    (
        lambda: from_hflayers(
            HopfieldPooling(4, quantity=2),
            {"pooling_weights": torch.zeros(2, 1, 4)},
        ),
        ValueError,
        r"pooling_weights must be a tensor of shape \(1, 2, size\)",
    ),
    (
        lambda: from_hflayers(
            Hopfield(4),
            {
                "association_core.in_proj_weight": torch.zeros(12, 4),
                "association_core.in_proj_bias": torch.zeros(13),
            },
        ),
        ValueError,
        "in_proj_bias must be a tensor of 12 entries",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), CONVERSION_BAD, ids=[b[2] for b in CONVERSION_BAD]
)
def test_conversion_refuses_what_the_other_side_cannot_hold(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------------------------
# Arguments and properties


@pytest.mark.parametrize(
    ("cls", "names"),
    [
        (Hopfield, HOPFIELD_ARGUMENTS),
        (HopfieldPooling, POOLING_ARGUMENTS),
        (HopfieldLayer, LOOKUP_ARGUMENTS),
    ],
)
def test_every_hflayers_argument_in_its_place(cls, names):
    parameters = inspect.signature(cls).parameters
    positional = [
        n for n, p in parameters.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    assert positional == names


def test_all_arguments_positionally_as_hflayers_takes_them():
    # the pooling and lookup layers of the bit-pattern demo, every argument in place
    head = [8, 4, 6, 4, 2, 0.5, 1, 1e-3]
    middle = [True, True, True, False, False, False, False, False, False, False, False]
    middle += [False, None, None, False, "tanh", 0.0, True, False, True, False]
    pool = HopfieldPooling(*head, *middle, 3, False)
    assert pool.quantity == 3 and not pool.pooling_weights.requires_grad
    assert pool.batch_first is False and pool.hidden_size == 4 and pool.output_size == 6
    assert not pool.normalize_state_pattern_affine and pool.update_steps_eps == 1e-3
    assert pool(torch.randn(5, 2, 8)).shape == (2, 18)
    lookup = HopfieldLayer(*head, True, False, *middle, 7, True)
    assert lookup.target_weights is not None and not lookup.target_weights.requires_grad
    assert lookup.quantity == 7 and lookup.scaling == 0.5 and lookup.update_steps_max == 1
    assert lookup(torch.randn(5, 2, 8)).shape == (5, 2, 6)


@pytest.mark.parametrize("cls", [Hopfield, HopfieldPooling, HopfieldLayer])
def test_every_hflayers_property_reads_and_only_the_steps_can_be_set(cls):
    layer = cls(
        8,
        hidden_size=3,
        pattern_size=5,
        num_heads=2,
        scaling=0.25,
        update_steps_max=2,
        stored_pattern_size=8,
        normalize_state_pattern_affine=False,
        normalize_hopfield_space=True,
        **({"quantity": 4} if cls is not Hopfield else {}),
    )
    want = dict(
        batch_first=True,
        scaling=0.25,
        stored_pattern_dim=8,
        state_pattern_dim=8,
        pattern_projection_dim=8,
        input_size=8,
        hidden_size=3,
        output_size=8,
        pattern_size=5,
        update_steps_max=2,
        update_steps_eps=1e-4,
        stored_pattern_as_static=False,
        state_pattern_as_static=False,
        pattern_projection_as_static=False,
        normalize_stored_pattern=True,
        normalize_stored_pattern_affine=True,
        normalize_state_pattern=True,
        normalize_state_pattern_affine=False,
        normalize_pattern_projection=True,
        normalize_pattern_projection_affine=True,
        normalize_hopfield_space=True,
        normalize_hopfield_space_affine=False,
        quantity=4,
    )
    for name in PROPERTIES[cls]:
        assert getattr(layer, name) == want[name], name
        if name in SETTABLE:
            continue
        with pytest.raises(AttributeError):
            setattr(layer, name, want[name])
    layer.update_steps_max = 5
    assert layer.update_steps_max == 5
    with pytest.raises(ValueError, match="update_steps_max must be in"):
        layer.update_steps_max = -1
    layer.update_steps_eps = 0.5
    assert layer.update_steps_eps == 0.5


def test_sizes_of_static_and_unprojected_layers():
    static = Hopfield(
        8,
        hidden_size=4,
        num_heads=2,
        stored_pattern_as_static=True,
        normalize_stored_pattern=False,
        disable_out_projection=True,
    )
    assert static.stored_pattern_dim == 4 and static.state_pattern_dim == 8
    assert static.output_size == 2 * 4  # the heads, concatenated: what the layer returns
    assert static((torch.randn(2, 5, 4), torch.randn(2, 3, 8), torch.randn(2, 5, 8))).shape == (
        2,
        3,
        8,
    )


def test_per_head_tensors_of_update_limits_are_taken_and_returned():
    layer = Hopfield(
        8,
        num_heads=2,
        update_steps_max=torch.tensor([1, 3]),
        update_steps_eps=torch.tensor([1e-3, 1e-2]),
    )
    assert torch.equal(layer.update_steps_max, torch.tensor([1, 3]))
    torch.testing.assert_close(layer.update_steps_eps, torch.tensor([1e-3, 1e-2]))
    assert layer(torch.randn(2, 5, 8)).shape == (2, 5, 8)
