"""Transformer encoder and decoder layers whose attention is a Hopfield association.

:class:`HopfieldEncoderLayer` and :class:`HopfieldDecoderLayer` are the post-norm layers
of Vaswani et al. (NeurIPS 2017), ``torch.nn.TransformerEncoderLayer`` and
``torch.nn.TransformerDecoderLayer`` with ``norm_first=False``, in which a
:class:`~assoc.nn.Hopfield` layer takes the place of multi-head attention: with one
association step, no pattern normalisation and the softmax, they are those layers
(their tests copy the weights across and compare). They take their constructor
arguments, parameter names and properties from the ``hflayers`` layers of the same names
(Ramsauer et al., ICLR 2021), so that its checkpoints load, and their ``forward``
arguments from torch's layers (``is_causal`` included), so that they stack in
``torch.nn.TransformerEncoder`` and ``torch.nn.TransformerDecoder`` (pass
``enable_nested_tensor=False`` to the encoder: its nested-tensor path is for torch's own
layer only).

Departures from ``hflayers``: the copy of a Hopfield layer that a layer holds keeps a
scaling ``nn.Parameter`` it was given (shared, as the user meant it); ``forward`` also
takes torch's ``is_causal`` hints (without a mask, a causal one); ``activation`` may be a
callable or a name in ``torch.nn.functional`` ("gelu"); ``layer_norm_eps``, ``device``
and ``dtype`` are new keyword arguments; the decoder's ``output_size`` works (``hflayers``
reads an attribute it never sets); arguments are checked with clear errors, not asserts.
"""

from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_int, check_real, fail
from ._checks import describe
from .modules import Hopfield

__all__ = ["HopfieldDecoderLayer", "HopfieldEncoderLayer"]


class HopfieldEncoderLayer(nn.Module):
    r"""A post-norm Transformer encoder layer with a Hopfield self-association.

    .. math::

        x \leftarrow \mathrm{LN}(x + \mathrm{Dropout}(\mathrm{Hopfield}(x))), \qquad
        x \leftarrow \mathrm{LN}(x + \mathrm{Dropout}(W_2\,\mathrm{Dropout}(
        f(W_1 x + b_1)) + b_2)) .

    Parameters
    ----------
    hopfield_association : Hopfield
        The association; the layer holds a copy of it (as ``hflayers`` does, and as
        ``torch.nn.TransformerEncoder`` copies its layer) with its parameters reset. A
        scaling ``nn.Parameter`` that it was given is not copied: it stays shared.
        Its output_size must be the size of its state patterns (the residual).
    dim_feedforward : int, default=2048
        Width of the feed-forward block.
    dropout : float, default=0.1
        Dropout after the association, inside and after the feed-forward block.
    activation : str or callable, default="relu"
        The feed-forward activation: a callable, or the name of a function of
        ``torch`` (as ``hflayers`` takes it: "relu", "tanh", ...) or of
        ``torch.nn.functional`` ("gelu", as torch's layers take it).
    layer_norm_eps : float, default=1e-5
        Epsilon of the two LayerNorms.
    device, dtype : optional
        Of the new parameters.

    Examples
    --------
    >>> import torch
    >>> from assoc.nn import Hopfield
    >>> layer = HopfieldEncoderLayer(Hopfield(input_size=8, num_heads=2), dim_feedforward=16)
    >>> layer(torch.randn(3, 5, 8)).shape
    torch.Size([3, 5, 8])
    """

    def __init__(
        self,
        hopfield_association,
        dim_feedforward=2048,
        dropout=0.1,
        activation="relu",
        *,
        layer_norm_eps=1e-5,
        device=None,
        dtype=None,
    ):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.hopfield_association = _copy("hopfield_association", hopfield_association)
        d = _residual_size("hopfield_association", self.hopfield_association)
        width = check_int("dim_feedforward", dim_feedforward, low=1)
        p = _check_dropout(dropout)
        eps = check_real("layer_norm_eps", layer_norm_eps, low=0.0, closed=(False, True))
        self.linear_residual = nn.Linear(d, width, **factory)
        self.dropout_residual = nn.Dropout(p)
        self.linear_output = nn.Linear(width, d, **factory)
        self.norm_residual = nn.LayerNorm(d, eps=eps, **factory)
        self.norm_output = nn.LayerNorm(d, eps=eps, **factory)
        self.dropout_hopfield_association = nn.Dropout(p)
        self.dropout_output = nn.Dropout(p)
        self.activation_residual = _activation(activation)
        self.reset_parameters()

    def reset_parameters(self):
        """Every parameter as at construction (the association's included)."""
        for module in (
            self.hopfield_association,
            self.linear_residual,
            self.linear_output,
            self.norm_residual,
            self.norm_output,
        ):
            module.reset_parameters()

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        """Encode ``src``.

        Parameters
        ----------
        src : Tensor of shape (B, L, d), or (L, B, d) when not batch_first
        src_mask : Tensor of shape (L, L) or (B * num_heads, L, L), optional
            Bool (True: may not associate), uint8 or float (added to the scores), as
            ``torch.nn.TransformerEncoderLayer``'s; the association_mask.
        src_key_padding_mask : Tensor of shape (B, L), optional
            True where a position is padding; the stored_pattern_padding_mask.
        is_causal : bool, default=False
            Without src_mask, associate each position with those before it and itself
            only; with one, a hint that it is causal (as in torch), not read.

        Returns
        -------
        Tensor of the shape of src
        """
        mask = _causal(src_mask, is_causal, src, src, self.batch_first)
        z = self.hopfield_association(
            src, stored_pattern_padding_mask=src_key_padding_mask, association_mask=mask
        )
        src = self.norm_residual(src + self.dropout_hopfield_association(z))
        z = self.linear_output(
            self.dropout_residual(self.activation_residual(self.linear_residual(src)))
        )
        return self.norm_output(src + self.dropout_output(z))

    def get_association_matrix(self, input):
        """The association's :meth:`~assoc.nn.Hopfield.get_association_matrix`."""
        return self.hopfield_association.get_association_matrix(input)

    @property
    def self_attn(self):
        """The association, under the name that ``torch.nn.TransformerEncoder`` reads."""
        return self.hopfield_association

    @property
    def batch_first(self):
        return self.hopfield_association.batch_first

    @property
    def input_size(self):
        return self.hopfield_association.input_size

    @property
    def output_size(self):
        return self.linear_output.out_features


class HopfieldDecoderLayer(nn.Module):
    r"""A post-norm Transformer decoder layer with a Hopfield self-association and a
    Hopfield cross-association with the encoder's output (the memory).

    .. math::

        x \leftarrow \mathrm{LN}(x + \mathrm{Dropout}(\mathrm{Hopfield_{self}}(x))), \quad
        x \leftarrow \mathrm{LN}(x + \mathrm{Dropout}(\mathrm{Hopfield_{cross}}(
        m, x, m))), \quad
        x \leftarrow \mathrm{LN}(x + \mathrm{FF}(x)) ,

    the cross-association storing the memory m (stored patterns and pattern
    projections) and taking x as state patterns.

    Parameters
    ----------
    hopfield_association_self, hopfield_association_cross : Hopfield
        The two associations, copied as in :class:`HopfieldEncoderLayer`; both return
        patterns of the size of the state patterns of the first.
    dim_feedforward, dropout, activation, layer_norm_eps, device, dtype
        As for :class:`HopfieldEncoderLayer`.

    Examples
    --------
    >>> import torch
    >>> from assoc.nn import Hopfield
    >>> layer = HopfieldDecoderLayer(Hopfield(8), Hopfield(8), dim_feedforward=16)
    >>> layer(torch.randn(3, 4, 8), torch.randn(3, 6, 8)).shape
    torch.Size([3, 4, 8])
    """

    def __init__(
        self,
        hopfield_association_self,
        hopfield_association_cross,
        dim_feedforward=2048,
        dropout=0.1,
        activation="relu",
        *,
        layer_norm_eps=1e-5,
        device=None,
        dtype=None,
    ):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.hopfield_association_self = _copy(
            "hopfield_association_self", hopfield_association_self
        )
        self.hopfield_association_cross = _copy(
            "hopfield_association_cross", hopfield_association_cross
        )
        d = _residual_size("hopfield_association_self", self.hopfield_association_self)
        cross = self.hopfield_association_cross
        if cross.output_size != d or cross.state_pattern_dim != d:
            fail(
                "hopfield_association_cross",
                f"a Hopfield layer with state patterns and output of size {d}",
                f"state_pattern_dim {cross.state_pattern_dim}, output_size {cross.output_size}",
            )
        if cross.batch_first != self.hopfield_association_self.batch_first:
            fail(
                "hopfield_association_cross",
                "a Hopfield layer with the batch_first of hopfield_association_self",
                f"batch_first={cross.batch_first}",
            )
        width = check_int("dim_feedforward", dim_feedforward, low=1)
        p = _check_dropout(dropout)
        eps = check_real("layer_norm_eps", layer_norm_eps, low=0.0, closed=(False, True))
        self.linear_residual = nn.Linear(d, width, **factory)
        self.dropout_residual = nn.Dropout(p)
        self.linear_output = nn.Linear(width, d, **factory)
        self.norm_residual_self = nn.LayerNorm(d, eps=eps, **factory)
        self.norm_residual_cross = nn.LayerNorm(d, eps=eps, **factory)
        self.norm_output = nn.LayerNorm(d, eps=eps, **factory)
        self.dropout_hopfield_association_self = nn.Dropout(p)
        self.dropout_hopfield_association_cross = nn.Dropout(p)
        self.dropout_output = nn.Dropout(p)
        self.activation_residual = _activation(activation)
        self.reset_parameters()

    def reset_parameters(self):
        """Every parameter as at construction (the associations' included)."""
        for module in (
            self.hopfield_association_self,
            self.hopfield_association_cross,
            self.linear_residual,
            self.linear_output,
            self.norm_residual_self,
            self.norm_residual_cross,
            self.norm_output,
        ):
            module.reset_parameters()

    def forward(
        self,
        tgt,
        memory,
        tgt_mask=None,
        memory_mask=None,
        tgt_key_padding_mask=None,
        memory_key_padding_mask=None,
        tgt_is_causal=False,
        memory_is_causal=False,
    ):
        """Decode ``tgt`` against ``memory``.

        Parameters
        ----------
        tgt : Tensor of shape (B, L, d), or (L, B, d) when not batch_first
        memory : Tensor of shape (B, S, d), or (S, B, d)
        tgt_mask, memory_mask : Tensor of shape (L, L) and (L, S), optional
            The association masks of the self- and cross-association (as torch's).
        tgt_key_padding_mask, memory_key_padding_mask : Tensor of shape (B, L) and
            (B, S), optional
            True where a position of tgt (of memory) is padding.
        tgt_is_causal, memory_is_causal : bool, default=False
            Without the mask, a causal one; with it, a hint (as in torch), not read.

        Returns
        -------
        Tensor of the shape of tgt
        """
        first = self.batch_first
        mask = _causal(tgt_mask, tgt_is_causal, tgt, tgt, first)
        z = self.hopfield_association_self(
            tgt, stored_pattern_padding_mask=tgt_key_padding_mask, association_mask=mask
        )
        x = self.norm_residual_self(tgt + self.dropout_hopfield_association_self(z))
        mask = _causal(memory_mask, memory_is_causal, x, memory, first)
        z = self.hopfield_association_cross(
            (memory, x, memory),
            stored_pattern_padding_mask=memory_key_padding_mask,
            association_mask=mask,
        )
        x = self.norm_residual_cross(x + self.dropout_hopfield_association_cross(z))
        z = self.linear_output(
            self.dropout_residual(self.activation_residual(self.linear_residual(x)))
        )
        return self.norm_output(x + self.dropout_output(z))

    def get_association_matrix_self(self, input):
        """The self-association's :meth:`~assoc.nn.Hopfield.get_association_matrix`."""
        return self.hopfield_association_self.get_association_matrix(input)

    def get_association_matrix_cross(self, input):
        """The cross-association's :meth:`~assoc.nn.Hopfield.get_association_matrix`."""
        return self.hopfield_association_cross.get_association_matrix(input)

    @property
    def self_attn(self):
        """The self-association, under the name that ``torch.nn.TransformerDecoder``
        reads."""
        return self.hopfield_association_self

    @property
    def multihead_attn(self):
        """The cross-association, under the name of torch's decoder layer."""
        return self.hopfield_association_cross

    @property
    def batch_first(self):
        return self.hopfield_association_self.batch_first

    @property
    def input_size(self):
        return self.hopfield_association_self.input_size

    @property
    def output_size(self):
        return self.linear_output.out_features


def _copy(name, hopfield):
    """A deep copy of a Hopfield layer that keeps a scaling Parameter it shares."""
    if not isinstance(hopfield, Hopfield):
        fail(name, "an assoc.nn.Hopfield layer", describe(hopfield), error=TypeError)
    shared = hopfield.scaling_parameter
    return copy.deepcopy(hopfield, {} if shared is None else {id(shared): shared})


def _residual_size(name, hopfield):
    """The size of the residual stream: the state patterns', which the output keeps."""
    d = hopfield.state_pattern_dim
    if d is None or hopfield.output_size != d:
        fail(
            name,
            "a Hopfield layer whose output has the size of its state patterns (the residual)",
            f"state_pattern_dim {d}, output_size {hopfield.output_size}",
        )
    return d


def _check_dropout(p):
    return check_real("dropout", p, low=0.0, high=1.0, closed=(True, False))


def _activation(activation):
    """A callable, or the function that a string names in ``torch`` (as hflayers looks
    it up) or else in ``torch.nn.functional`` ("gelu", as torch's layers take it)."""
    if callable(activation):
        return activation
    if isinstance(activation, str):
        for namespace in (torch, F):
            if callable(getattr(namespace, activation, None)):
                return getattr(namespace, activation)
    fail(
        "activation",
        "a callable or the name of a function of torch or torch.nn.functional",
        repr(activation),
    )


def _causal(mask, is_causal, state, stored, batch_first):
    """``mask``, or with is_causal and no mask, the causal mask: True above the
    diagonal (state position l may associate with stored positions s <= l only)."""
    if mask is not None or not is_causal:
        return mask
    axis = 1 if batch_first else 0
    L, S = state.shape[axis], stored.shape[axis]
    return torch.ones(L, S, dtype=torch.bool, device=state.device).triu(1)
