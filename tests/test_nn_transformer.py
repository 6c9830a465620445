"""The Hopfield encoder and decoder layers against torch's Transformer layers.

Oracle: ``torch.nn.TransformerEncoderLayer`` and ``TransformerDecoderLayer`` (post-norm),
whose weights are copied into the Hopfield layers: with one association step, no
pattern normalisation and the softmax, a Hopfield layer is multi-head attention, and the
two must agree to rounding, masks, padding, causality and stacking included.
"""

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from assoc.nn import Hopfield, HopfieldDecoderLayer, HopfieldEncoderLayer  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_one_thread")

D, HEADS, WIDTH = 8, 2, 16


def attention(batch_first, **kwargs):
    """A Hopfield layer that is multi-head attention."""
    off = dict(
        normalize_stored_pattern=False,
        normalize_state_pattern=False,
        normalize_pattern_projection=False,
    )
    return Hopfield(D, num_heads=HEADS, batch_first=batch_first, **off, **kwargs)


def copy_attention(hopfield, mha):
    """The weights of nn.MultiheadAttention into a Hopfield layer."""
    q, k, v = mha.in_proj_weight.chunk(3)
    bq, bk, bv = mha.in_proj_bias.chunk(3)
    with torch.no_grad():
        for proj, w, b in (
            (hopfield.q_proj, q, bq),
            (hopfield.k_proj, k, bk),
            (hopfield.v_proj, v, bv),
        ):
            proj.weight.copy_(w)
            proj.bias.copy_(b)
        hopfield.out_proj.load_state_dict(mha.out_proj.state_dict())


def copy_feedforward(ours, theirs, norms):
    with torch.no_grad():
        ours.linear_residual.load_state_dict(theirs.linear1.state_dict())
        ours.linear_output.load_state_dict(theirs.linear2.state_dict())
        for mine, torch_norm in norms:
            getattr(ours, mine).load_state_dict(getattr(theirs, torch_norm).state_dict())


@pytest.mark.parametrize("batch_first", [True, False])
def test_encoder_layer_is_torchs_with_attention(batch_first):
    torch.manual_seed(0)
    theirs = nn.TransformerEncoderLayer(D, HEADS, WIDTH, dropout=0.0, batch_first=batch_first)
    ours = HopfieldEncoderLayer(attention(batch_first), WIDTH, dropout=0.0)
    copy_attention(ours.hopfield_association, theirs.self_attn)
    copy_feedforward(ours, theirs, [("norm_residual", "norm1"), ("norm_output", "norm2")])
    x = torch.randn(3, 5, D) if batch_first else torch.randn(5, 3, D)
    padding = torch.zeros(3, 5, dtype=torch.bool)
    padding[1, 3:] = True
    causal = nn.Transformer.generate_square_subsequent_mask(5).isinf()
    for kwargs in (
        {},
        {"src_key_padding_mask": padding},
        {"src_mask": causal, "is_causal": True},
        {"src_mask": causal, "src_key_padding_mask": padding},
    ):
        torch.testing.assert_close(ours(x, **kwargs), theirs(x, **kwargs), atol=1e-5, rtol=1e-5)
    # without a mask, is_causal makes the causal one
    torch.testing.assert_close(ours(x, is_causal=True), theirs(x, src_mask=causal))
    assert not torch.allclose(ours(x, is_causal=True), ours(x))


@pytest.mark.parametrize("batch_first", [True, False])
def test_decoder_layer_is_torchs_with_attention(batch_first):
    torch.manual_seed(1)
    theirs = nn.TransformerDecoderLayer(D, HEADS, WIDTH, dropout=0.0, batch_first=batch_first)
    ours = HopfieldDecoderLayer(attention(batch_first), attention(batch_first), WIDTH, dropout=0.0)
    copy_attention(ours.hopfield_association_self, theirs.self_attn)
    copy_attention(ours.hopfield_association_cross, theirs.multihead_attn)
    copy_feedforward(
        ours,
        theirs,
        [
            ("norm_residual_self", "norm1"),
            ("norm_residual_cross", "norm2"),
            ("norm_output", "norm3"),
        ],
    )
    tgt, memory = torch.randn(3, 4, D), torch.randn(3, 6, D)
    if not batch_first:
        tgt, memory = tgt.transpose(0, 1), memory.transpose(0, 1)
    causal = nn.Transformer.generate_square_subsequent_mask(4).isinf()
    padding = torch.zeros(3, 6, dtype=torch.bool)
    padding[0, 4:] = True
    kwargs = {"tgt_mask": causal, "memory_key_padding_mask": padding}
    torch.testing.assert_close(ours(tgt, memory, **kwargs), theirs(tgt, memory, **kwargs))
    torch.testing.assert_close(
        ours(tgt, memory, tgt_is_causal=True), theirs(tgt, memory, tgt_mask=causal)
    )


def test_layers_stack_in_torchs_encoder_and_decoder():
    torch.manual_seed(2)
    encoder = nn.TransformerEncoder(
        HopfieldEncoderLayer(Hopfield(D, num_heads=HEADS), WIDTH), 2, enable_nested_tensor=False
    )
    decoder = nn.TransformerDecoder(
        HopfieldDecoderLayer(Hopfield(D, num_heads=HEADS), Hopfield(D, num_heads=HEADS), WIDTH), 2
    )
    src, tgt = torch.randn(3, 7, D), torch.randn(3, 4, D)
    causal = nn.Transformer.generate_square_subsequent_mask(4)
    out = decoder(tgt, encoder(src), tgt_mask=causal, tgt_is_causal=True)
    assert out.shape == (3, 4, D)
    out.sum().backward()
    assert all(p.grad is not None for p in encoder.parameters())
    # torch's clones are independent layers
    assert encoder.layers[0].hopfield_association is not encoder.layers[1].hopfield_association


def test_the_layer_holds_a_reset_copy_and_keeps_a_shared_scaling():
    beta = nn.Parameter(torch.tensor([0.5, 2.0]))
    given = Hopfield(D, num_heads=HEADS, scaling=beta)
    before = given.q_proj.weight.detach().clone()
    a = HopfieldEncoderLayer(given, WIDTH)
    b = HopfieldEncoderLayer(given, WIDTH)
    assert a.hopfield_association is not given and torch.equal(given.q_proj.weight, before)
    assert a.hopfield_association.scaling is beta and b.hopfield_association.scaling is beta
    (a(torch.randn(2, 3, D)) + b(torch.randn(2, 3, D))).sum().backward()
    assert beta.grad is not None and (beta.grad != 0).all()


def test_properties_dropout_and_association_matrices():
    torch.manual_seed(3)
    layer = HopfieldEncoderLayer(
        Hopfield(D, num_heads=HEADS), WIDTH, dropout=0.5, activation="gelu"
    )
    assert layer.batch_first and layer.input_size == D and layer.output_size == D
    assert layer.self_attn is layer.hopfield_association
    x = torch.randn(2, 5, D)
    layer.train()
    assert not torch.allclose(layer(x), layer(x))  # dropout draws anew
    layer.eval()
    torch.testing.assert_close(layer(x), layer(x))
    assert layer.get_association_matrix(x).shape == (2, HEADS, 5, 5)
    decoder = HopfieldDecoderLayer(Hopfield(D), Hopfield(D), WIDTH, activation=torch.tanh)
    assert (
        decoder.output_size == D and decoder.multihead_attn is decoder.hopfield_association_cross
    )
    memory = torch.randn(2, 6, D)
    assert decoder.get_association_matrix_cross((memory, x, memory)).shape == (2, 1, 5, 6)
    assert decoder.get_association_matrix_self(x).shape == (2, 1, 5, 5)


BAD = [
    (
        lambda: HopfieldEncoderLayer(nn.MultiheadAttention(D, 2)),
        TypeError,
        "hopfield_association must be an assoc.nn.Hopfield",
    ),
    (
        lambda: HopfieldEncoderLayer(Hopfield(D, output_size=4)),
        ValueError,
        "whose output has the size",
    ),
    (
        lambda: HopfieldEncoderLayer(Hopfield(D), activation="nope"),
        ValueError,
        "activation must be",
    ),
    (
        lambda: HopfieldEncoderLayer(Hopfield(D), dim_feedforward=0),
        ValueError,
        "dim_feedforward must be in",
    ),
    (lambda: HopfieldEncoderLayer(Hopfield(D), dropout=1.0), ValueError, "dropout must be in"),
    (
        lambda: HopfieldDecoderLayer(Hopfield(D), Hopfield(D, batch_first=False)),
        ValueError,
        "hopfield_association_cross must be a Hopfield layer with the batch_first",
    ),
    (
        lambda: HopfieldDecoderLayer(Hopfield(D), Hopfield(4)),
        ValueError,
        "hopfield_association_cross must be a Hopfield layer with state patterns",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
