r"""Hopfield layers: the modern Hopfield network as a PyTorch module.

A :class:`Hopfield` layer associates state patterns R (queries, L per batch element)
with stored patterns Y (keys, S per batch element) and returns the pattern projections
(values) that the association retrieves. Per head h, with the projections
:math:`W^h_Q, W^h_K, W^h_V` (each optional: a "static" pattern enters as it is),

.. math::

    \xi = R W^h_Q, \quad X = Y W^h_K, \quad V = P W^h_V, \qquad
    A = p\bigl(\beta_h\, \xi X^T + b\bigr), \qquad Z^h = A V ,

where p is the separation (softmax, sparsemax or entmax) and b an additive mask; the
output is the concatenation of the heads through :math:`W_O`. Extra update steps
replace :math:`\xi` by :math:`A X` and recompute A: the modern Hopfield update of
Ramsauer et al. [1]_ (their Eq. 3) in the space of the projected stored patterns, whose
energy (their Eq. 2) :meth:`Hopfield.energy` returns. With one step and the softmax
this is multi-head attention [2]_; with the softmax every step calls
``torch.nn.functional.scaled_dot_product_attention`` (the update is attention whose
values are the keys), so that the (L, S) association matrix is built only when asked
for (:meth:`Hopfield.association_matrix`) or for a sparse separation.

:class:`HopfieldPooling` queries the input with learned state patterns (attention
pooling, multiple-instance learning); :class:`HopfieldLayer` queries learned stored
patterns with the input (a trainable key-value memory).

The arguments, their order and defaults, and the read-only properties follow the
published ``hflayers`` code of Ramsauer et al., so that a model written for it ports by
changing the import; :mod:`assoc.nn.convert` loads its checkpoints. This implementation
is written anew; where it departs from ``hflayers`` (where that code is broken, and in
two defaults, each one argument away) the Notes of :class:`Hopfield` say how and why.

References
----------
.. [1] H. Ramsauer, B. Schäfl, J. Lehner, P. Seidl, M. Widrich, T. Adler, L. Gruber,
   M. Holzleitner, M. Pavlović, G. K. Sandve, V. Greiff, D. Kreil, M. Kopp,
   G. Klambauer, J. Brandstetter, S. Hochreiter, "Hopfield networks is all you need",
   ICLR 2021, arXiv:2008.02217.
.. [2] A. Vaswani et al., "Attention is all you need", NeurIPS 2017, arXiv:1706.03762.
"""

from __future__ import annotations

import inspect
import math
import numbers
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_choice, check_flag, check_int, check_real, fail
from ._checks import check_mask, check_tensor, describe
from .functional import STOPPING, UPDATE_STEPS_CAP, Association, iterate
from .separation import SEPARATIONS

__all__ = ["INITS", "Hopfield", "HopfieldLayer", "HopfieldPooling", "ProjectedPatterns"]

_GRADIENTS = ("unrolled", "one_step")

INITS = ("glorot", "hflayers")
"""The initialisations of the projections: Glorot-uniform weights (the default, as
``nn.MultiheadAttention``), or the N(0, 0.02^2) weights of ``hflayers``."""

# a per-head update limit that never stops its head (a negative one, as in hflayers)
_UNBOUNDED = torch.iinfo(torch.int64).max


class ProjectedPatterns(NamedTuple):
    """The patterns of an association, per head, as :meth:`Hopfield.projected_patterns`
    returns them.

    Attributes
    ----------
    state : Tensor of shape (B, num_heads, L, hidden_size)
        Projected state patterns xi, before the scaling beta.
    stored : Tensor of shape (B, num_heads, S', hidden_size)
        Projected stored patterns X (with the bias pattern and the zero pattern last,
        when the layer adds them: S' = S + concat_bias_pattern + add_zero_association).
    projection : Tensor of shape (B, num_heads, S', pattern_size)
        Projected pattern projections V, the rows that the association weighs.
    """

    state: torch.Tensor
    stored: torch.Tensor
    projection: torch.Tensor


class _Inspection:
    """The ``hflayers`` names of the inspection methods: results without gradient."""

    def get_association_matrix(
        self, input, stored_pattern_padding_mask=None, association_mask=None
    ):
        """:meth:`association_matrix` without gradient (the ``hflayers`` name)."""
        with torch.no_grad():
            return self.association_matrix(input, stored_pattern_padding_mask, association_mask)

    def get_projected_pattern_matrix(
        self, input, stored_pattern_padding_mask=None, association_mask=None
    ):
        """The projected pattern projections, (B, num_heads, S', pattern_size), without
        gradient (the ``hflayers`` name)."""
        with torch.no_grad():
            return self.projected_patterns(
                input, stored_pattern_padding_mask, association_mask
            ).projection


def _setting(name, doc):
    """A read-only property: the setting ``name`` of the Hopfield layer ``_core``."""
    return property(lambda self: self._core._settings[name], doc=doc)


def _normalised(norm, affine=False):
    """A read-only property: whether the LayerNorm ``norm`` of ``_core`` is on (and, with
    ``affine``, has a learned scale and shift)."""

    def get(self):
        module = getattr(self._core, norm)
        return module is not None and (not affine or module.elementwise_affine)

    what = "has a learned scale and shift" if affine else "is on"
    return property(get, doc=f"Whether the LayerNorm {norm} {what}.")


class _Properties:
    """The read-only properties of the ``hflayers`` layers (and of their settings that
    ``assoc.nn`` adds), read from the Hopfield layer ``_core``: the layer itself, or the
    one that a pooling or lookup layer wraps. ``update_steps_max`` and
    ``update_steps_eps`` may also be set (they are checked again)."""

    batch_first = _setting("batch_first", "Inputs and outputs are (batch, sequence, feature).")
    input_size = _setting("input_size", "The input_size argument (None if not given).")
    hidden_size = _setting("hidden_size", "Size d_k of the association space per head.")
    pattern_size = _setting("pattern_size", "Size d_v of the projected pattern projections.")
    output_size = _setting(
        "output_size",
        "Size of the output per state pattern (num_heads * pattern_size without the "
        "output projection).",
    )
    state_pattern_dim = _setting("state_pattern_dim", "Size of the state patterns taken.")
    stored_pattern_dim = _setting("stored_pattern_dim", "Size of the stored patterns taken.")
    pattern_projection_dim = _setting(
        "pattern_projection_dim", "Size of the pattern projections taken."
    )
    stored_pattern_as_static = _setting(
        "stored_pattern_as_static", "Stored patterns enter unprojected."
    )
    state_pattern_as_static = _setting(
        "state_pattern_as_static", "State patterns enter unprojected."
    )
    pattern_projection_as_static = _setting(
        "pattern_projection_as_static", "Pattern projections enter unprojected."
    )
    pattern_projection_as_connected = _setting(
        "pattern_projection_as_connected",
        "Pattern projections pass through the stored-pattern projection first.",
    )
    normalize_stored_pattern = _normalised("norm_stored_pattern")
    normalize_stored_pattern_affine = _normalised("norm_stored_pattern", affine=True)
    normalize_state_pattern = _normalised("norm_state_pattern")
    normalize_state_pattern_affine = _normalised("norm_state_pattern", affine=True)
    normalize_pattern_projection = _normalised("norm_pattern_projection")
    normalize_pattern_projection_affine = _normalised("norm_pattern_projection", affine=True)
    normalize_hopfield_space = _normalised("norm_hopfield_space")
    normalize_hopfield_space_affine = _normalised("norm_hopfield_space", affine=True)

    @property
    def scaling(self):
        """beta: a float, or a tensor of shape (num_heads,) (differentiable if learned;
        the Parameter itself if one was given)."""
        core = self._core
        if core.log_scaling is not None:
            return core.log_scaling.exp()
        if core.scaling_parameter is not None:
            return core.scaling_parameter
        if core.scaling_per_head is not None:
            return core.scaling_per_head
        return core._fixed_scaling

    @property
    def update_steps_max(self):
        """Update steps after the first association: an int, None (until convergence) or
        a tensor of one int per head (negative: until convergence). Settable."""
        return _given(self._core._settings["update_steps_max"])

    @update_steps_max.setter
    def update_steps_max(self, value):
        self._core._set_update_steps(value, self._core._settings["update_steps_eps"])

    @property
    def update_steps_eps(self):
        """The threshold of the stopping rule: a float or a tensor of one per head.
        Settable."""
        return _given(self._core._settings["update_steps_eps"])

    @update_steps_eps.setter
    def update_steps_eps(self, value):
        self._core._set_update_steps(self._core._settings["update_steps_max"], value)

    @property
    def entmax_alpha(self):
        """alpha of entmax: a float, or a tensor of shape (num_heads,) if learned."""
        core = self._core
        if core.alpha_logit is not None:
            return 1.0 + torch.sigmoid(core.alpha_logit)
        return core._settings["entmax_alpha"]


class Hopfield(_Inspection, _Properties, nn.Module):
    r"""Association of state patterns with stored patterns by the modern Hopfield update.

    The first 33 arguments are those of ``hflayers.Hopfield``, in its order and with its
    defaults; the keyword-only ones after them are new. A state, stored or projection
    pattern "as static" enters the association unprojected (and is shared by the
    heads); with all three static, no normalisation and no output projection the layer
    is the bare modern Hopfield update :math:`\xi \leftarrow p(\beta \xi Y^T) P`.

    Parameters
    ----------
    input_size : int, optional
        Size of the state patterns (and, unless given apart, of the stored patterns and
        pattern projections). May be None only if every pattern is static.
    hidden_size : int, optional
        Size of the association space per head (d_k). Default input_size // num_heads.
    output_size : int, optional
        Size of the output projection. Default input_size.
    pattern_size : int, optional
        Size of the projected pattern projections per head (d_v). Default hidden_size.
    num_heads : int, default=1
        Number of parallel associations.
    scaling : float, sequence of float or Tensor, optional
        beta, the inverse temperature: one value, or one per head (a sequence or tensor
        of length num_heads). Default 1 / sqrt(hidden_size), or 1.0 when the layer is
        the bare update (all patterns static, nothing normalised in the association
        space, no output projection), as in ``hflayers``. An ``nn.Parameter`` (of one
        value or one per head) is used as it is: it is the parameter trained, shared
        with every other layer given it.
    update_steps_max : int, None, or sequence or Tensor of int, default=0
        Update steps after the first association (0: one association, attention);
        None: until every head has converged (at most ``update_steps_cap`` steps). One
        value per head limits each head apart (a negative one: until convergence).
    update_steps_eps : float, or sequence or Tensor of float, default=1e-4
        The threshold of the stopping rule (see ``stopping``), or one per head; 0 runs
        every step. Must be > 0 when some head runs until convergence.
    normalize_stored_pattern : bool, default=True
        Layer-normalise the stored patterns before their projection.
    normalize_stored_pattern_affine : bool, default=True
        Give that normalisation a learned scale and shift (ignored without it).
    normalize_stored_pattern_eps : float, default=1e-5
        Its epsilon.
    normalize_state_pattern, normalize_state_pattern_affine, normalize_state_pattern_eps
        The same for the state patterns (True, True, 1e-5).
    normalize_pattern_projection, normalize_pattern_projection_affine,
    normalize_pattern_projection_eps
        The same for the pattern projections (True, True, 1e-5).
    normalize_hopfield_space : bool, default=False
        Layer-normalise the projected state and stored patterns of each head (in the
        association space, shared scale and shift across heads).
    normalize_hopfield_space_affine : bool, default=False
        Give that normalisation a learned scale and shift.
    normalize_hopfield_space_eps : float, default=1e-5
        Its epsilon.
    stored_pattern_as_static : bool, default=False
        Use the stored patterns unprojected (their size must be hidden_size).
    state_pattern_as_static : bool, default=False
        Use the state patterns unprojected (their size must be hidden_size).
    pattern_projection_as_static : bool, default=False
        Use the pattern projections unprojected (their size must be pattern_size).
    pattern_projection_as_connected : bool, default=False
        Pass the pattern projections through the stored-pattern projection first
        (then through a projection of size num_heads * hidden_size -> num_heads *
        pattern_size, unless static). Needs projected stored patterns and pattern
        projections of the stored patterns' size.
    stored_pattern_size : int, optional
        Size of the stored patterns, if not input_size.
    pattern_projection_size : int, optional
        Size of the pattern projections, if not input_size.
    batch_first : bool, default=True
        Inputs and outputs are (batch, sequence, feature); otherwise (sequence, batch,
        feature).
    association_activation : str, optional
        Name of a function of ``torch`` (such as "tanh") applied to the output.
    dropout : float, default=0.0
        Dropout probability on the association matrix, in training.
    input_bias : bool, default=True
        Biases in the input and output projections.
    concat_bias_pattern : bool, default=False
        Append one learned stored pattern and its learned projection per head to the
        stored patterns: a default that every state pattern can associate with.
    add_zero_association : bool, default=False
        Append a zero stored pattern with a zero projection (a way to associate with
        nothing).
    disable_out_projection : bool, default=False
        Return the concatenated heads without the output projection.
    scaling_trainable : bool, default=False
        Learn beta, one per head, as beta = exp(log_scaling), a parameter initialised at
        the log of ``scaling``: beta stays positive.
    separation : {"softmax", "sparsemax", "entmax"}, default="softmax"
        The map from scores to association weights (:mod:`assoc.nn.separation`); the
        sparse ones give weights exactly 0 (Santos et al., ICML 2024).
    entmax_alpha : float, default=1.5
        alpha of entmax, 1 <= alpha <= 2 (1 < alpha < 2 when learned).
    entmax_alpha_trainable : bool, default=False
        Learn alpha, one per head, as alpha = 1 + sigmoid(alpha_logit) (Correia et al.,
        EMNLP 2019).
    update_gradient : {"unrolled", "one_step"}, default="unrolled"
        Differentiate through every update step, or through the last one only (the
        earlier steps run without gradient; see :func:`assoc.nn.functional.iterate`).
    init : {"glorot", "hflayers"}, default="glorot"
        Initialisation of the projections: Glorot-uniform weights (the output
        projection as ``nn.Linear``) and zero biases, or the weights drawn from
        N(0, 0.02^2) of ``hflayers``. Bias patterns: Glorot-normal, or N(0, 0.02^2).
    stopping : {"state", "hflayers"}, default="state"
        The stopping rule of the update steps: a head of a batch element stops once a
        step moves its projected state patterns by at most ``update_steps_eps``
        (Frobenius norm of the change); or the rule of ``hflayers``: a head stops, for
        the whole batch, once its association matrix changes by at most
        ``update_steps_eps`` in every batch element. See
        :func:`assoc.nn.functional.iterate`.
    update_steps_cap : int, default=1000
        The most update steps of a head that runs until convergence
        (:data:`assoc.nn.functional.UPDATE_STEPS_CAP`); reaching it returns the last
        state with a `RuntimeWarning`.
    device, dtype : optional
        Of the parameters, as for every torch module.

    Notes
    -----
    **Departures from hflayers**, each deliberate:

    - *Defaults, one argument away.* The projections start Glorot-uniform, not from
      N(0, 0.02^2) (``init="hflayers"``): the projected patterns then have a variance
      near 1 whatever input_size, so that the scores are O(1) at the start (from
      N(0, 0.02^2) an 8-bit input projects to variance 0.003 and every association
      starts uniform). The update steps stop per head *and batch element*, on the
      change of the projected state patterns, a GPU's host asking only after steps
      4, 8, 16, ... (``stopping="hflayers"``: the change of the association matrix, the
      whole batch together, every step): an element's output then does not depend on
      what else is in its batch, the test is on the state whose fixed point is sought,
      and a GPU is not synchronised with the host at every step. Both rules are exact
      to the threshold: a head that stops keeps its state.
    - *Defects of hflayers fixed.* The bias pattern of ``concat_bias_pattern`` takes
      part in the association (hflayers creates it and never concatenates it), and its
      projection has pattern_size entries per head (hflayers: hidden_size). One beta per
      head scales its own head (hflayers multiplies feature j by beta of head
      j mod num_heads). A static pattern serves every head of its own batch element
      (hflayers' ``repeat(1, num_heads, 1)`` tiles the batch: with more than one head
      and batch element, heads see the static patterns of other elements). An
      ``nn.Parameter`` scaling is trained and stays shared
      (hflayers refuses it: its type check wants exactly a ``torch.Tensor``; it refuses
      int scalings and int epsilons too). uint8 masks work (hflayers raises
      NameError). A state pattern whose stored patterns are all masked retrieves zeros,
      not NaN. ``HopfieldPooling(batch_first=False)`` returns (B, quantity *
      output_size) (hflayers: (quantity, B * output_size)). ``update_steps_max=None``
      stops at ``update_steps_cap`` with a warning (hflayers may loop for ever), and
      ``update_steps_eps=0`` is accepted with a finite update_steps_max. Turning a
      normalisation off needs no ``*_affine=False`` besides (hflayers asserts). The
      properties ``normalize_hopfield_space(_affine)`` work (hflayers raises
      AttributeError), ``output_size`` is the size of the output (num_heads *
      pattern_size without the output projection; hflayers then reports input_size),
      and ``normalize_hopfield_space_affine`` works without hidden_size given.
    - *Additions.* A scalar or per-head ``scaling`` is saved in the state dict (as extra
      state), so that a loaded layer uses the saved beta; ``update_steps_max`` and
      ``update_steps_eps`` may be set; sparse separations, learned alpha and beta, the
      one-step gradient and the energy are new. Second derivatives through the
      softmax path are refused with a clear error (PyTorch's fused attention has none;
      the unfused one, ``torch.nn.attention.sdpa_kernel(SDPBackend.MATH)``, gives them).
    - *Parameters.* The projections are four ``nn.Linear`` (``q_proj``, ``k_proj``,
      ``v_proj``, ``out_proj``), not hflayers' packed ``in_proj_weight``;
      :mod:`assoc.nn.convert` maps state dicts both ways.

    Examples
    --------
    >>> import torch
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> layer = Hopfield(input_size=8, num_heads=2)
    >>> layer(torch.randn(3, 5, 8)).shape
    torch.Size([3, 5, 8])
    >>> layer.association_matrix(torch.randn(3, 5, 8)).shape  # (B, heads, L, S)
    torch.Size([3, 2, 5, 5])
    """

    def __init__(
        self,
        input_size=None,
        hidden_size=None,
        output_size=None,
        pattern_size=None,
        num_heads=1,
        scaling=None,
        update_steps_max=0,
        update_steps_eps=1e-4,
        normalize_stored_pattern=True,
        normalize_stored_pattern_affine=True,
        normalize_stored_pattern_eps=1e-5,
        normalize_state_pattern=True,
        normalize_state_pattern_affine=True,
        normalize_state_pattern_eps=1e-5,
        normalize_pattern_projection=True,
        normalize_pattern_projection_affine=True,
        normalize_pattern_projection_eps=1e-5,
        normalize_hopfield_space=False,
        normalize_hopfield_space_affine=False,
        normalize_hopfield_space_eps=1e-5,
        stored_pattern_as_static=False,
        state_pattern_as_static=False,
        pattern_projection_as_static=False,
        pattern_projection_as_connected=False,
        stored_pattern_size=None,
        pattern_projection_size=None,
        batch_first=True,
        association_activation=None,
        dropout=0.0,
        input_bias=True,
        concat_bias_pattern=False,
        add_zero_association=False,
        disable_out_projection=False,
        *,
        scaling_trainable=False,
        separation="softmax",
        entmax_alpha=1.5,
        entmax_alpha_trainable=False,
        update_gradient="unrolled",
        init="glorot",
        stopping="state",
        update_steps_cap=UPDATE_STEPS_CAP,
        device=None,
        dtype=None,
    ):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        flags = {
            "normalize_stored_pattern": normalize_stored_pattern,
            "normalize_stored_pattern_affine": normalize_stored_pattern_affine,
            "normalize_state_pattern": normalize_state_pattern,
            "normalize_state_pattern_affine": normalize_state_pattern_affine,
            "normalize_pattern_projection": normalize_pattern_projection,
            "normalize_pattern_projection_affine": normalize_pattern_projection_affine,
            "normalize_hopfield_space": normalize_hopfield_space,
            "normalize_hopfield_space_affine": normalize_hopfield_space_affine,
            "stored_pattern_as_static": stored_pattern_as_static,
            "state_pattern_as_static": state_pattern_as_static,
            "pattern_projection_as_static": pattern_projection_as_static,
            "pattern_projection_as_connected": pattern_projection_as_connected,
            "batch_first": batch_first,
            "input_bias": input_bias,
            "concat_bias_pattern": concat_bias_pattern,
            "add_zero_association": add_zero_association,
            "disable_out_projection": disable_out_projection,
            "scaling_trainable": scaling_trainable,
            "entmax_alpha_trainable": entmax_alpha_trainable,
        }
        for name, value in flags.items():
            check_flag(name, value)

        H = self.num_heads = check_int("num_heads", num_heads, low=1)
        sizes = {
            "input_size": input_size,
            "hidden_size": hidden_size,
            "output_size": output_size,
            "pattern_size": pattern_size,
            "stored_pattern_size": stored_pattern_size,
            "pattern_projection_size": pattern_projection_size,
        }
        for name, value in sizes.items():
            if value is not None:
                check_int(name, value, low=1)
        if hidden_size is None and input_size is not None and input_size % H:
            fail("num_heads", f"a divisor of input_size = {input_size}", H)
        d_k = hidden_size if hidden_size is not None else _div(input_size, H)
        d_v = pattern_size if pattern_size is not None else d_k

        # sizes of the three inputs, and the projections
        stored_in = d_k if stored_pattern_as_static else (stored_pattern_size or input_size)
        state_in = d_k if state_pattern_as_static else input_size
        projection_in = (
            d_v if pattern_projection_as_static else (pattern_projection_size or input_size)
        )
        if pattern_projection_as_connected:
            if stored_pattern_as_static:
                fail(
                    "pattern_projection_as_connected",
                    "False when stored_pattern_as_static is True (nothing to connect to)",
                    True,
                )
            projection_in = pattern_projection_size or input_size
            if projection_in != stored_in:
                fail(
                    "pattern_projection_size",
                    f"the stored pattern size {stored_in} when the pattern projection is "
                    "connected",
                    projection_in,
                )
            if pattern_projection_as_static and d_v != d_k:
                fail(
                    "pattern_size",
                    f"hidden_size = {d_k} for static connected pattern projections",
                    d_v,
                )

        def linear(name, n_in, n_out):
            if n_in is None:
                fail(name, "given, to size the projection of its patterns", None)
            if n_out is None:
                fail("hidden_size", "given when input_size is None", None)
            return nn.Linear(n_in, n_out, bias=input_bias, **factory)

        self.q_proj = (
            None if state_pattern_as_static else linear("input_size", state_in, _mul(H, d_k))
        )
        self.k_proj = (
            None
            if stored_pattern_as_static
            else linear("stored_pattern_size", stored_in, _mul(H, d_k))
        )
        if pattern_projection_as_static:
            self.v_proj = None
        elif pattern_projection_as_connected:
            self.v_proj = linear("pattern_projection_size", H * d_k, _mul(H, d_v))
        else:
            self.v_proj = linear("pattern_projection_size", projection_in, _mul(H, d_v))
        if disable_out_projection:
            self.out_proj = None
            out_size = _mul(H, d_v)
        else:
            out_size = output_size if output_size is not None else input_size
            if d_v is None or out_size is None:
                fail(
                    "output_size",
                    "known (give input_size or output_size and pattern_size), or "
                    "disable_out_projection=True",
                    None,
                )
            self.out_proj = nn.Linear(H * d_v, out_size, bias=input_bias, **factory)

        # normalisations
        def layer_norm(name, size, on, affine, eps):
            if not on:
                return None
            if size is None:
                fail(name, "False when the size of its patterns is unknown (give input_size)", on)
            eps = check_real(f"{name}_eps", eps, low=0.0, closed=(False, True))
            return nn.LayerNorm(size, eps=eps, elementwise_affine=affine, **factory)

        self.norm_stored_pattern = layer_norm(
            "normalize_stored_pattern",
            stored_in,
            normalize_stored_pattern,
            normalize_stored_pattern_affine,
            normalize_stored_pattern_eps,
        )
        self.norm_state_pattern = layer_norm(
            "normalize_state_pattern",
            state_in,
            normalize_state_pattern,
            normalize_state_pattern_affine,
            normalize_state_pattern_eps,
        )
        self.norm_pattern_projection = layer_norm(
            "normalize_pattern_projection",
            projection_in,
            normalize_pattern_projection,
            normalize_pattern_projection_affine,
            normalize_pattern_projection_eps,
        )
        self.norm_hopfield_space = layer_norm(
            "normalize_hopfield_space",
            d_k,
            normalize_hopfield_space,
            normalize_hopfield_space_affine,
            normalize_hopfield_space_eps,
        )

        # the learned bias pattern
        if concat_bias_pattern:
            if d_k is None or d_v is None:
                fail("concat_bias_pattern", "False when hidden_size is unknown", True)
            self.bias_stored_pattern = nn.Parameter(torch.empty(H, 1, d_k, **factory))
            self.bias_pattern_projection = nn.Parameter(torch.empty(H, 1, d_v, **factory))
        else:
            self.register_parameter("bias_stored_pattern", None)
            self.register_parameter("bias_pattern_projection", None)

        # association: separation, alpha, steps, beta
        self.dropout = check_real("dropout", dropout, low=0.0, high=1.0, closed=(True, False))
        self.update_gradient = check_choice("update_gradient", update_gradient, _GRADIENTS)
        self.separation = check_choice("separation", separation, SEPARATIONS)
        self.init = check_choice("init", init, INITS)
        self.stopping = check_choice("stopping", stopping, STOPPING)
        self.update_steps_cap = check_int("update_steps_cap", update_steps_cap, low=1)
        self.association_activation = association_activation
        if association_activation is not None and not (
            isinstance(association_activation, str)
            and callable(getattr(torch, association_activation, None))
        ):
            fail(
                "association_activation",
                'None or the name of a function of torch, such as "tanh"',
                repr(association_activation),
            )
        if entmax_alpha_trainable:
            alpha = check_real(
                "entmax_alpha", entmax_alpha, low=1.0, high=2.0, closed=(False, False)
            )
            logit = math.log((alpha - 1.0) / (2.0 - alpha))
            self.alpha_logit = nn.Parameter(torch.full((H,), logit, **factory))
        else:
            self.register_parameter("alpha_logit", None)
            alpha = check_real("entmax_alpha", entmax_alpha, low=1.0, high=2.0)

        bare_update = (
            stored_pattern_as_static
            and state_pattern_as_static
            and pattern_projection_as_static
            and not pattern_projection_as_connected
            and not normalize_hopfield_space
            and disable_out_projection
        )
        self.register_buffer("update_limits", None, persistent=False)
        self.register_buffer("update_eps_per_head", None, persistent=False)
        self._settings = {
            "batch_first": batch_first,
            "input_size": input_size,
            "hidden_size": d_k,
            "pattern_size": d_v,
            "output_size": out_size,
            "state_pattern_dim": state_in,
            "stored_pattern_dim": stored_in,
            "pattern_projection_dim": projection_in,
            "stored_pattern_as_static": stored_pattern_as_static,
            "state_pattern_as_static": state_pattern_as_static,
            "pattern_projection_as_static": pattern_projection_as_static,
            "pattern_projection_as_connected": pattern_projection_as_connected,
            "concat_bias_pattern": concat_bias_pattern,
            "add_zero_association": add_zero_association,
            "bare_update": bare_update,
            "entmax_alpha": alpha,
            # whether hflayers packs the three input projections into one weight
            "hflayers_packed": (stored_pattern_size or input_size) == input_size
            and (pattern_projection_size or input_size) == input_size
            and pattern_size is None
            and not pattern_projection_as_connected,
        }
        self._set_update_steps(update_steps_max, update_steps_eps)

        if scaling is None and not bare_update and d_k is None:
            fail("hidden_size", "given, to set the default scaling 1 / sqrt(hidden_size)", None)
        if scaling is None:
            scaling = 1.0 if bare_update else 1.0 / math.sqrt(d_k)
        self.register_parameter("log_scaling", None)
        self.register_parameter("scaling_parameter", None)
        self.register_buffer("scaling_per_head", None, persistent=False)
        self._fixed_scaling = None
        if isinstance(scaling, nn.Parameter):
            _check_scaling(scaling, H)
            self.scaling_parameter = scaling
        elif scaling_trainable:
            beta = _check_scaling(scaling, H)
            log = torch.log(torch.as_tensor(beta, dtype=torch.float64).expand(H).clone())
            self.log_scaling = nn.Parameter(log.to(**_defined(factory)))
        else:
            self._set_fixed_scaling(_check_scaling(scaling, H), device, _defined(factory)["dtype"])
        self.reset_parameters()

    # ------------------------------------------------------------------------------
    # parameters and settings

    @property
    def _core(self):
        return self

    def reset_parameters(self):
        """Projections and bias patterns as ``init`` says (Glorot: projections
        Glorot-uniform with zero biases, the output projection as ``nn.Linear`` with a
        zero bias, bias patterns Glorot-normal; hflayers: every weight and bias pattern
        from N(0, 0.02^2), zero biases); normalisations to the identity."""
        glorot = self.init == "glorot"
        for proj in (self.q_proj, self.k_proj, self.v_proj):
            if proj is not None:
                _init_weight(proj.weight, glorot, nn.init.xavier_uniform_)
                if proj.bias is not None:
                    nn.init.zeros_(proj.bias)
        if self.out_proj is not None:
            if glorot:
                self.out_proj.reset_parameters()
            else:
                nn.init.normal_(self.out_proj.weight, mean=0.0, std=0.02)
            if self.out_proj.bias is not None:
                nn.init.zeros_(self.out_proj.bias)
        for norm in (
            self.norm_stored_pattern,
            self.norm_state_pattern,
            self.norm_pattern_projection,
            self.norm_hopfield_space,
        ):
            if norm is not None:
                norm.reset_parameters()
        if self.bias_stored_pattern is not None:
            _init_weight(self.bias_stored_pattern, glorot, nn.init.xavier_normal_)
            _init_weight(self.bias_pattern_projection, glorot, nn.init.xavier_normal_)

    def get_extra_state(self):
        """A fixed beta (float, or one per head) for the state dict; None if learned."""
        return {"scaling": self._fixed_scaling}

    def set_extra_state(self, state):
        """Restore a fixed beta saved by :meth:`get_extra_state`."""
        if not isinstance(state, dict) or "scaling" not in state:
            fail("the extra state of a Hopfield layer", 'a dict with key "scaling"', state)
        scaling = state["scaling"]
        if scaling is None or self._fixed_scaling is None:
            if (scaling is None) != (self._fixed_scaling is None):
                fail(
                    "the scaling in the state dict",
                    "fixed, as this layer's is"
                    if scaling is None
                    else "learned or a Parameter, as this layer's is",
                    "learned" if scaling is None else scaling,
                )
            return
        self._set_fixed_scaling(_check_scaling(scaling, self.num_heads), *self._factory())

    def _set_fixed_scaling(self, beta, device, dtype):
        self._fixed_scaling = beta
        per_head = None
        if not isinstance(beta, float):
            per_head = torch.tensor(beta, dtype=torch.float64).to(device=device, dtype=dtype)
        self.scaling_per_head = per_head

    def _set_update_steps(self, steps_max, steps_eps):
        """Check and set update_steps_max and update_steps_eps, and the per-head limits
        and thresholds that the iteration reads (buffers, not saved: they follow from
        the settings)."""
        H = self.num_heads
        steps_max, bound, limits = _check_steps_max(steps_max, H)
        steps_eps = _check_steps_eps(steps_eps, H, positive=bound is None)
        self._settings["update_steps_max"] = steps_max
        self._settings["update_steps_eps"] = steps_eps
        self._steps = bound
        device, dtype = self._factory()
        self.update_limits = None
        if limits is not None:
            self.update_limits = torch.tensor(limits, dtype=torch.int64, device=device)
        self.update_eps_per_head = None
        if isinstance(steps_eps, tuple):
            self.update_eps_per_head = torch.tensor(steps_eps, dtype=torch.float64).to(
                device=device, dtype=dtype
            )

    def _dtype(self):
        """The dtype of the projections (None for a layer without any parameter)."""
        for proj in (self.q_proj, self.k_proj, self.v_proj, self.out_proj):
            if proj is not None:
                return proj.weight.dtype
        return next((p.dtype for p in self.parameters()), None)

    def _factory(self):
        """The device and floating dtype of the layer's tensors (torch's defaults for a
        layer without any)."""
        for t in (*self.parameters(), *self.buffers()):
            if t.is_floating_point():
                return t.device, t.dtype
        return None, torch.get_default_dtype()

    # ------------------------------------------------------------------------------
    # the association

    def forward(self, input, stored_pattern_padding_mask=None, association_mask=None):
        """Associate and return the retrieved, projected patterns.

        Parameters
        ----------
        input : Tensor, or tuple (stored_pattern, state_pattern, pattern_projection)
            One tensor of shape (B, S, input_size) (self-association: it is stored
            pattern, state pattern and pattern projection at once), or three, of shapes
            (B, S, stored_pattern_size), (B, L, input_size) and (B, S,
            pattern_projection_size); with ``batch_first=False`` the first two axes are
            swapped.
        stored_pattern_padding_mask : Tensor of shape (B, S), optional
            bool (True: the stored pattern is padding, left out), uint8 (nonzero: left
            out) or float (added to the scores).
        association_mask : Tensor, optional
            Of shape (L, S), (B * num_heads, L, S) or (B, num_heads, L, S): bool (True:
            state pattern l may not associate with stored pattern s), uint8 (nonzero:
            may not) or float (added to the scores), as ``attn_mask`` of
            ``nn.MultiheadAttention``.

        Returns
        -------
        Tensor of shape (B, L, output_size)
            (L, B, output_size) with ``batch_first=False``. A state pattern whose
            stored patterns are all masked retrieves zeros.
        """
        patterns, bias = self._patterns(input, stored_pattern_padding_mask, association_mask)
        association = self._association(patterns, bias)
        state = self._iterate(association, patterns.state).state
        dropout = self.dropout if self.training else 0.0
        z = association.retrieve(state, patterns.projection, dropout)
        return self._output(z)

    def association_matrix(self, input, stored_pattern_padding_mask=None, association_mask=None):
        """The association matrix of the last update step, before dropout.

        Arguments as for :meth:`forward`; differentiable (wrap in ``torch.no_grad()``
        for inspection only).

        Returns
        -------
        Tensor of shape (B, num_heads, L, S')
            Rows on the simplex (zeros for a fully masked state pattern); S' counts the
            bias pattern and the zero pattern last, when the layer adds them.
        """
        patterns, bias = self._patterns(input, stored_pattern_padding_mask, association_mask)
        association = self._association(patterns, bias)
        weights = association.weights(self._iterate(association, patterns.state).state)
        return _full_heads(self.num_heads, weights)[0]

    def projected_patterns(self, input, stored_pattern_padding_mask=None, association_mask=None):
        """The state, stored and projection patterns of each head, as the association
        sees them (after normalisation and projection): a :class:`ProjectedPatterns`."""
        patterns, _ = self._patterns(input, stored_pattern_padding_mask, association_mask)
        return ProjectedPatterns(*_full_heads(self.num_heads, *patterns))

    def energy(
        self, input, stored_pattern_padding_mask=None, association_mask=None, *, trajectory=False
    ):
        r"""The Hopfield energy of the retrieved states, per batch element and head.

        In the association space of each head, with the projected stored patterns X
        (bias and zero patterns included), the state :math:`\xi = A X` that the last
        association A retrieves has the energy (Ramsauer et al. 2021, Eq. 2; Santos et
        al. 2024 for the sparse separations)
        :math:`E(\xi) = -\beta^{-1}\Omega^*(\beta X \xi + b) + \tfrac12 \xi^T\xi +
        \beta^{-1} H(1/K) + \tfrac12 M^2`, summed over the L state patterns (which the
        update treats independently); see :func:`assoc.nn.functional.hopfield_energy`.
        It never increases along update steps.

        Parameters
        ----------
        input, stored_pattern_padding_mask, association_mask
            As for :meth:`forward`.
        trajectory : bool, default=False
            Return the energy of every state along the updates: the projected state
            patterns, then the state retrieved by each of the update_steps_max + 1
            associations (a head that has stopped repeats its last state).

        Returns
        -------
        Tensor of shape (B, num_heads), or (steps + 2, B, num_heads)
            steps is update_steps_max (the largest, with one per head), or the steps
            taken until every head converged when some head runs until convergence.
            Differentiable with respect to the inputs and the parameters (with
            ``update_gradient="one_step"`` the states before the last are constants).
        """
        patterns, bias = self._patterns(input, stored_pattern_padding_mask, association_mask)
        association = self._association(patterns, bias)
        iteration = self._iterate(association, patterns.state, keep_states=trajectory)
        states = iteration.states if trajectory else [association.update(iteration.state)]
        E = torch.stack([association.energy(s).sum(-1) for s in states])
        E = E.expand(len(states), E.shape[1], self.num_heads)
        return E if trajectory else E[0]

    # ------------------------------------------------------------------------------
    # the steps

    def _patterns(self, input, padding_mask, association_mask):
        """Check, normalise and project the inputs; returns the ProjectedPatterns (with a
        head axis of size 1 for a static pattern) and the additive mask (or None)."""
        stored, state, projection = self._unpack(input)
        if not self.batch_first:
            transposed = {id(x): x.transpose(0, 1) for x in (stored, state, projection)}
            stored, state, projection = (transposed[id(x)] for x in (stored, state, projection))
        H, d_k = self.num_heads, self.hidden_size
        xi, X, V = self._project(stored, state, projection)
        xi, X = _heads(xi, self.q_proj, H, d_k), _heads(X, self.k_proj, H, d_k)
        V = _heads(V, self.v_proj is not None or self.pattern_projection_as_connected, H, -1)
        if self.norm_hopfield_space is not None:
            xi, X = self.norm_hopfield_space(xi), self.norm_hopfield_space(X)

        B, S = X.shape[0], X.shape[2]
        extra = 0
        if self.bias_stored_pattern is not None:
            X, V = _full_heads(H, X, V)
            X = torch.cat([X, self.bias_stored_pattern.expand(B, H, 1, -1)], dim=2)
            V = torch.cat([V, self.bias_pattern_projection.expand(B, H, 1, -1)], dim=2)
            extra += 1
        if self._settings["add_zero_association"]:
            X = torch.cat([X, X.new_zeros(*X.shape[:2], 1, X.shape[3])], dim=2)
            V = torch.cat([V, V.new_zeros(*V.shape[:2], 1, V.shape[3])], dim=2)
            extra += 1
        bias = self._bias(padding_mask, association_mask, B, xi.shape[2], S, xi.dtype)
        if bias is not None and extra:
            bias = F.pad(bias, (0, extra))
        return ProjectedPatterns(xi, X, V), bias

    def _project(self, stored, state, projection):
        """The normalised and projected state patterns, stored patterns and pattern
        projections, (B, n, size) each.

        Each input is layer-normalised without the affine map of its LayerNorm, which is
        folded into the projection after it: Linear(LN(x)) = x_n (W diag g)^T + (b + W c)
        for LN(x) = g x_n + c. One normalisation then serves an input given for several
        roles (one tensor for self-association; the stored patterns as their own
        projections), and torch's kernel has no scale and shift to learn (the sums of
        their gradients over the batch cost as much as the normalisation)."""
        roles = (
            (state, self.norm_state_pattern, self.q_proj),
            (stored, self.norm_stored_pattern, self.k_proj),
            # connected pattern projections pass through the stored patterns' projection
            (projection, self.norm_pattern_projection, self.k_proj)
            if self.pattern_projection_as_connected
            else (projection, self.norm_pattern_projection, self.v_proj),
        )
        normalised, out = {}, []
        for x, norm, proj in roles:
            if norm is not None:
                key = (id(x), norm.eps)
                if key not in normalised:
                    normalised[key] = _normalise(x, norm)
                x = normalised[key]
            out.append(_scale_shift(x, norm) if proj is None else F.linear(x, *_fold(norm, proj)))
        if self.pattern_projection_as_connected and self.v_proj is not None:
            out[2] = self.v_proj(out[2])
        return tuple(out)

    def _unpack(self, input):
        if isinstance(input, torch.Tensor):
            stored = state = projection = input
        elif isinstance(input, (tuple, list)) and len(input) == 3:
            stored, state, projection = input
        else:
            fail(
                "input",
                "a tensor or a tuple (stored_pattern, state_pattern, pattern_projection)",
                describe(input),
                error=TypeError,
            )
        dtype = self._dtype()
        check_tensor("state_pattern", state, ndim=3, size=self.state_pattern_dim, dtype=dtype)
        if dtype is None:
            dtype = state.dtype
        # static stored patterns of no given size must have the size of the states
        size = self.stored_pattern_dim or state.shape[-1]
        check_tensor("stored_pattern", stored, ndim=3, size=size, dtype=dtype)
        check_tensor(
            "pattern_projection",
            projection,
            ndim=3,
            size=self.pattern_projection_dim,
            dtype=dtype,
        )
        b = 0 if self.batch_first else 1
        axes = "(B, n, size)" if self.batch_first else "(n, B, size)"
        for name, x in (("stored_pattern", stored), ("pattern_projection", projection)):
            if x.shape[b] != state.shape[b]:
                fail(
                    name,
                    f"a tensor {axes} with the batch size B = {state.shape[b]} of the state "
                    "pattern",
                    f"shape {tuple(x.shape)}",
                )
        if projection.shape[1 - b] != stored.shape[1 - b]:
            fail(
                "pattern_projection",
                f"one row per stored pattern ({stored.shape[1 - b]})",
                f"shape {tuple(projection.shape)}",
            )
        return stored, state, projection

    def _bias(self, padding_mask, association_mask, B, L, S, dtype):
        """The masks as one additive float mask broadcasting against (B, H, L, S)."""
        H = self.num_heads
        bias = None
        if padding_mask is not None:
            bias = check_mask("stored_pattern_padding_mask", padding_mask, [(B, S)])
            bias = bias[:, None, None, :]
        if association_mask is not None:
            m = check_mask(
                "association_mask", association_mask, [(L, S), (B * H, L, S), (B, H, L, S)]
            )
            m = m.reshape(B, H, L, S) if m.dim() == 3 else m
            bias = m if bias is None else bias + m
        return None if bias is None else bias.to(dtype)

    def _association(self, patterns, bias):
        """The association of the projected patterns (beta and alpha in their dtype)."""
        dtype = patterns.state.dtype
        beta, alpha = self.scaling, self.entmax_alpha
        if isinstance(beta, torch.Tensor):
            beta = beta.to(dtype).reshape(-1, 1, 1)
        if isinstance(alpha, torch.Tensor):
            alpha = alpha.to(dtype).view(-1, 1, 1)
        return Association(patterns.stored, beta, bias, self.separation, alpha)

    def _iterate(self, association, state, keep_states=False):
        """The update steps from the projected state patterns."""
        return iterate(
            state,
            association,
            steps=self._steps,
            eps=self._settings["update_steps_eps"]
            if self.update_eps_per_head is None
            else self.update_eps_per_head,
            limits=self.update_limits,
            stopping=self.stopping,
            cap=self.update_steps_cap,
            one_step=self.update_gradient == "one_step",
            keep_states=keep_states,
        )

    def _output(self, z):
        """(B, H, L, d_v) -> (B, L, output_size), or (L, B, output_size)."""
        z = _full_heads(self.num_heads, z)[0].transpose(1, 2).flatten(2)
        if self.out_proj is not None:
            z = self.out_proj(z)
        if self.association_activation is not None:
            z = getattr(torch, self.association_activation)(z)
        return z if self.batch_first else z.transpose(0, 1)

    def extra_repr(self):
        return (
            f"num_heads={self.num_heads}, hidden_size={self.hidden_size}, "
            f"pattern_size={self.pattern_size}, output_size={self.output_size}, "
            f"update_steps_max={self._settings['update_steps_max']}, "
            f"separation={self.separation!r}, batch_first={self.batch_first}"
        )


# The hflayers arguments of Hopfield (its positional ones), which the pooling and lookup
# layers pass on to the Hopfield layer they wrap.
_HOPFIELD_ARGUMENTS = tuple(
    name
    for name, p in inspect.signature(Hopfield).parameters.items()
    if p.kind is p.POSITIONAL_OR_KEYWORD
)


class _Wrapped(_Inspection, _Properties, nn.Module):
    """A Hopfield layer with some of its inputs learned: the inspection methods of
    :class:`Hopfield` on the prepared input, and its properties."""

    def __init__(self, quantity, arguments, options):
        super().__init__()
        given = {name: arguments[name] for name in _HOPFIELD_ARGUMENTS if name in arguments}
        self.hopfield = Hopfield(**given, **options)
        self._quantity = check_int("quantity", quantity, low=1)
        self._factory = {k: options[k] for k in ("device", "dtype") if k in options}

    @property
    def _core(self):
        return self.hopfield

    @property
    def quantity(self):
        """Number of learned patterns."""
        return self._quantity

    def association_matrix(self, input, stored_pattern_padding_mask=None, association_mask=None):
        """:meth:`Hopfield.association_matrix` of the prepared input."""
        return self.hopfield.association_matrix(
            self._prepare_input(input), stored_pattern_padding_mask, association_mask
        )

    def projected_patterns(self, input, stored_pattern_padding_mask=None, association_mask=None):
        """:meth:`Hopfield.projected_patterns` of the prepared input."""
        return self.hopfield.projected_patterns(
            self._prepare_input(input), stored_pattern_padding_mask, association_mask
        )

    def energy(
        self, input, stored_pattern_padding_mask=None, association_mask=None, *, trajectory=False
    ):
        """:meth:`Hopfield.energy` of the prepared input."""
        return self.hopfield.energy(
            self._prepare_input(input),
            stored_pattern_padding_mask,
            association_mask,
            trajectory=trajectory,
        )

    def _learned(self, size, trainable):
        """A parameter of ``quantity`` learned patterns of ``size``."""
        weights = torch.empty(self._quantity, size, **self._factory)
        return nn.Parameter(weights, requires_grad=trainable)

    def _expand(self, weights, B):
        """Learned patterns (quantity, size) as a batch, in the layer's axis order."""
        if self.batch_first:
            return weights.expand(B, *weights.shape)
        return weights.unsqueeze(1).expand(weights.shape[0], B, weights.shape[1])


class HopfieldPooling(_Wrapped):
    r"""Hopfield pooling: ``quantity`` learned state patterns query the input.

    The input (B, S, d) holds the stored patterns (and pattern projections) of each
    batch element; learned state patterns associate with them, and the retrieved
    projections, flattened, are the pooled output (B, quantity * output_size): attention
    pooling, as in the multiple-instance learning of Ramsauer et al. (2021, Sec. 4).

    The arguments are those of ``hflayers.HopfieldPooling``, in its order and with its
    defaults; they and every keyword-only argument of :class:`Hopfield` (``*_eps``,
    separation, init, stopping, device, ...) configure the wrapped layer ``hopfield``.
    The departures from ``hflayers`` are those of :class:`Hopfield`; the state patterns
    are a parameter of shape (quantity, size) (``hflayers``: (1, quantity, size), or
    (quantity, 1, size) with ``batch_first=False``; :mod:`assoc.nn.convert` maps them).

    Parameters
    ----------
    input_size, hidden_size, output_size, pattern_size, num_heads, scaling,
    update_steps_max, update_steps_eps, normalize_stored_pattern, ...,
    disable_out_projection
        As for :class:`Hopfield`.
    quantity : int, default=1
        Number of learned state patterns.
    trainable : bool, default=True
        Whether the state patterns learn.
    **options
        The keyword-only arguments of :class:`Hopfield` and its ``normalize_*_eps``.

    Examples
    --------
    >>> import torch
    >>> pool = HopfieldPooling(input_size=6, quantity=2, batch_first=False)
    >>> pool(torch.randn(9, 4, 6)).shape  # 9 instances, a batch of 4 bags
    torch.Size([4, 12])
    """

    def __init__(
        self,
        input_size,
        hidden_size=None,
        output_size=None,
        pattern_size=None,
        num_heads=1,
        scaling=None,
        update_steps_max=0,
        update_steps_eps=1e-4,
        normalize_stored_pattern=True,
        normalize_stored_pattern_affine=True,
        normalize_state_pattern=True,
        normalize_state_pattern_affine=True,
        normalize_pattern_projection=True,
        normalize_pattern_projection_affine=True,
        normalize_hopfield_space=False,
        normalize_hopfield_space_affine=False,
        stored_pattern_as_static=False,
        state_pattern_as_static=False,
        pattern_projection_as_static=False,
        pattern_projection_as_connected=False,
        stored_pattern_size=None,
        pattern_projection_size=None,
        batch_first=True,
        association_activation=None,
        dropout=0.0,
        input_bias=True,
        concat_bias_pattern=False,
        add_zero_association=False,
        disable_out_projection=False,
        quantity=1,
        trainable=True,
        **options,
    ):
        super().__init__(quantity, locals(), options)
        check_flag("trainable", trainable)
        self.pooling_weights = self._learned(self.hopfield.state_pattern_dim, trainable)
        self.reset_parameters()

    def reset_parameters(self):
        """The Hopfield layer's parameters, and state patterns drawn from N(0, 0.02^2)
        (the initialisation of ``hflayers``)."""
        self.hopfield.reset_parameters()
        nn.init.normal_(self.pooling_weights, mean=0.0, std=0.02)

    def forward(self, input, stored_pattern_padding_mask=None, association_mask=None):
        """Pool the input.

        Parameters
        ----------
        input : Tensor, or tuple (stored_pattern, pattern_projection)
            Of shape (B, S, size), or (S, B, size) with ``batch_first=False``.
        stored_pattern_padding_mask : Tensor of shape (B, S), optional
        association_mask : Tensor of shape (quantity, S), (B * num_heads, quantity, S) or
            (B, num_heads, quantity, S), optional
            As for :meth:`Hopfield.forward`.

        Returns
        -------
        Tensor of shape (B, quantity * output_size), whatever ``batch_first``.
        """
        z = self.hopfield(
            self._prepare_input(input), stored_pattern_padding_mask, association_mask
        )
        return (z if self.batch_first else z.transpose(0, 1)).flatten(1)

    def _prepare_input(self, input):
        if isinstance(input, torch.Tensor):
            stored = projection = input
        elif isinstance(input, (tuple, list)) and len(input) == 2:
            stored, projection = input
        else:
            fail(
                "input",
                "a tensor or a tuple (stored_pattern, pattern_projection)",
                describe(input),
                error=TypeError,
            )
        check_tensor("stored_pattern", stored, ndim=3)
        B = stored.shape[0 if self.batch_first else 1]
        return stored, self._expand(self.pooling_weights, B), projection


class HopfieldLayer(_Wrapped):
    r"""Hopfield lookup: the input's state patterns query ``quantity`` learned stored
    patterns, a trainable key-value memory.

    The stored patterns are parameters (``lookup_weights``); the pattern projections
    are the same parameters, or learned targets of their own (``target_weights``). The
    arguments are those of ``hflayers.HopfieldLayer``, in its order and with its
    defaults, and every keyword-only argument of :class:`Hopfield`; the departures from
    ``hflayers`` are those of :class:`Hopfield`, and the learned patterns are parameters
    of shape (quantity, size) (``hflayers``: (1, quantity, size), or (quantity, 1, size)
    with ``batch_first=False``; :mod:`assoc.nn.convert` maps them).

    Parameters
    ----------
    input_size, hidden_size, output_size, pattern_size, num_heads, scaling,
    update_steps_max, update_steps_eps
        As for :class:`Hopfield`.
    lookup_weights_as_separated : bool, default=False
        Learn targets (pattern projections) apart from the stored patterns.
    lookup_targets_as_trainable : bool, default=True
        Whether those targets learn.
    normalize_stored_pattern, ..., disable_out_projection
        As for :class:`Hopfield`.
    quantity : int, default=1
        Number of learned stored patterns.
    trainable : bool, default=True
        Whether the stored patterns learn.
    **options
        The keyword-only arguments of :class:`Hopfield` and its ``normalize_*_eps``.

    Examples
    --------
    >>> import torch
    >>> memory = HopfieldLayer(input_size=6, quantity=10, lookup_weights_as_separated=True)
    >>> memory(torch.randn(4, 3, 6)).shape
    torch.Size([4, 3, 6])
    """

    def __init__(
        self,
        input_size,
        hidden_size=None,
        output_size=None,
        pattern_size=None,
        num_heads=1,
        scaling=None,
        update_steps_max=0,
        update_steps_eps=1e-4,
        lookup_weights_as_separated=False,
        lookup_targets_as_trainable=True,
        normalize_stored_pattern=True,
        normalize_stored_pattern_affine=True,
        normalize_state_pattern=True,
        normalize_state_pattern_affine=True,
        normalize_pattern_projection=True,
        normalize_pattern_projection_affine=True,
        normalize_hopfield_space=False,
        normalize_hopfield_space_affine=False,
        stored_pattern_as_static=False,
        state_pattern_as_static=False,
        pattern_projection_as_static=False,
        pattern_projection_as_connected=False,
        stored_pattern_size=None,
        pattern_projection_size=None,
        batch_first=True,
        association_activation=None,
        dropout=0.0,
        input_bias=True,
        concat_bias_pattern=False,
        add_zero_association=False,
        disable_out_projection=False,
        quantity=1,
        trainable=True,
        **options,
    ):
        super().__init__(quantity, locals(), options)
        for name, value in (
            ("lookup_weights_as_separated", lookup_weights_as_separated),
            ("lookup_targets_as_trainable", lookup_targets_as_trainable),
            ("trainable", trainable),
        ):
            check_flag(name, value)
        size = self.hopfield.stored_pattern_dim
        self.lookup_weights = self._learned(size, trainable)
        if lookup_weights_as_separated:
            target = self.hopfield.pattern_projection_dim
            self.target_weights = self._learned(target, lookup_targets_as_trainable)
        else:
            if self.hopfield.pattern_projection_dim != size:
                fail(
                    "lookup_weights_as_separated",
                    f"True when the pattern projections ({self.hopfield.pattern_projection_dim})"
                    f" and the stored patterns ({size}) differ in size",
                    False,
                )
            self.register_parameter("target_weights", None)
        self.reset_parameters()

    def reset_parameters(self):
        """The Hopfield layer's parameters, and stored patterns and targets drawn from
        N(0, 0.02^2) (the initialisation of ``hflayers``)."""
        self.hopfield.reset_parameters()
        nn.init.normal_(self.lookup_weights, mean=0.0, std=0.02)
        if self.target_weights is not None:
            nn.init.normal_(self.target_weights, mean=0.0, std=0.02)

    def forward(self, input, stored_pattern_padding_mask=None, association_mask=None):
        """Look the input's state patterns up in the memory.

        Parameters
        ----------
        input : Tensor of shape (B, L, input_size)
            (L, B, input_size) with ``batch_first=False``.
        stored_pattern_padding_mask : Tensor of shape (B, quantity), optional
        association_mask : Tensor of shape (L, quantity), ..., optional
            As for :meth:`Hopfield.forward`.

        Returns
        -------
        Tensor of shape (B, L, output_size), or (L, B, output_size).
        """
        return self.hopfield(
            self._prepare_input(input), stored_pattern_padding_mask, association_mask
        )

    def _prepare_input(self, input):
        check_tensor("input", input, ndim=3)
        B = input.shape[0 if self.batch_first else 1]
        stored = self._expand(self.lookup_weights, B)
        targets = stored if self.target_weights is None else self._expand(self.target_weights, B)
        return stored, input, targets


# ---------------------------------------------------------------------------------
# helpers


def _heads(x, projected, H, d):
    """(B, n, H d) -> (B, H, n, d) if ``projected``, else (B, 1, n, size) (a static
    pattern, shared by the heads)."""
    if not projected:
        return x.unsqueeze(1)
    return x.view(*x.shape[:-1], H, d).transpose(1, 2)


def _normalise(x, norm):
    """Layer normalisation of x as ``norm`` does it, without its affine map. (A constant
    unit scale takes the faster path of torch's CPU kernel: without any, its backward is
    slower than with a learned one.)"""
    ones = x.new_ones(norm.normalized_shape)
    return F.layer_norm(x, norm.normalized_shape, ones, eps=norm.eps)


def _fold(norm, proj):
    """(weight, bias) of ``proj`` with the affine map (g, c) of the LayerNorm ``norm``
    folded in, (W diag g, b + W c); None without a projection."""
    if proj is None:
        return None
    weight, bias = proj.weight, proj.bias
    if norm is None or not norm.elementwise_affine:
        return weight, bias
    if norm.bias is not None:
        bias = weight @ norm.bias if bias is None else torch.addmv(bias, weight, norm.bias)
    return weight * norm.weight, bias


def _scale_shift(x, norm):
    """The affine map of the LayerNorm ``norm`` (if any) on normalised x."""
    if norm is None or not norm.elementwise_affine:
        return x
    return x * norm.weight if norm.bias is None else torch.addcmul(norm.bias, x, norm.weight)


def _full_heads(H, *tensors):
    """Expand a head axis of size 1 (a static pattern) to H heads (views, no copies)."""
    return tuple(t if t.shape[1] == H else t.expand(t.shape[0], H, *t.shape[2:]) for t in tensors)


def _init_weight(weight, glorot, glorot_init):
    """``glorot_init`` (Glorot), or N(0, 0.02^2) (hflayers)."""
    if glorot:
        glorot_init(weight)
    else:
        nn.init.normal_(weight, mean=0.0, std=0.02)


def _check_scaling(scaling, H):
    """beta as a positive float, or a tuple of H positive floats (from a sequence or a
    tensor; a tensor's values are read once, here)."""
    if isinstance(scaling, torch.Tensor):
        if not scaling.is_floating_point() or scaling.numel() not in (1, H) or scaling.dim() > 1:
            fail(
                "scaling",
                f"a positive float, or one per head (shape ({H},))",
                describe(scaling),
                error=TypeError if not scaling.is_floating_point() else ValueError,
            )
        scaling = scaling.detach().cpu().reshape(-1).tolist()
    if isinstance(scaling, (list, tuple)):
        if len(scaling) not in (1, H):
            fail("scaling", f"one value or one per head ({H})", f"{len(scaling)} values")
        values = tuple(check_real("scaling", s, low=0.0, closed=(False, True)) for s in scaling)
        return values[0] if len(values) == 1 else values
    if not isinstance(scaling, numbers.Real):
        fail("scaling", "a positive float, or one per head", describe(scaling), error=TypeError)
    return check_real("scaling", scaling, low=0.0, closed=(False, True))


def _per_head(name, value, H, check):
    """A tuple of H values from a sequence or a 1-d tensor, each through ``check``."""
    if isinstance(value, torch.Tensor):
        if value.dim() != 1:
            fail(name, f"one value per head, a 1-d tensor of length {H}", describe(value))
        value = value.detach().cpu().tolist()
    if len(value) != H:
        fail(name, f"one value per head ({H})", f"{len(value)} values")
    return tuple(check(v) for v in value)


def _check_steps_max(value, H):
    """update_steps_max as given (None, an int, or a tuple of H ints, negative for no
    limit), the number of steps to run (None: until convergence) and the per-head
    limits (None when every head has the same)."""
    if value is None:
        return None, None, None
    if isinstance(value, (torch.Tensor, list, tuple)):
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            fail("update_steps_max", "integers", f"dtype {value.dtype}", error=TypeError)
        limits = _per_head(
            "update_steps_max", value, H, lambda v: check_int("update_steps_max", v)
        )
        if len(set(limits)) == 1:
            value = limits[0] if limits[0] >= 0 else None
            return value, value, None
        bound = None if min(limits) < 0 else max(limits)
        return limits, bound, tuple(_UNBOUNDED if n < 0 else n for n in limits)
    value = check_int("update_steps_max", value, low=0)
    return value, value, None


def _check_steps_eps(value, H, positive):
    """update_steps_eps as a float or a tuple of H floats, >= 0 (> 0 if ``positive``)."""
    closed = (not positive, True)

    def check(v):
        return check_real("update_steps_eps", v, low=0.0, closed=closed)

    if isinstance(value, (torch.Tensor, list, tuple)):
        values = _per_head("update_steps_eps", value, H, check)
        return values[0] if len(set(values)) == 1 else values
    return check(value)


def _given(value):
    """A per-head setting (a tuple) as a tensor, as ``hflayers`` returns it."""
    if isinstance(value, tuple):
        dtype = torch.int64 if isinstance(value[0], int) else torch.get_default_dtype()
        return torch.tensor(value, dtype=dtype)
    return value


def _div(n, H):
    return None if n is None else n // H


def _mul(H, d):
    return None if d is None else H * d


def _defined(factory):
    """The factory keyword arguments that are set (dtype defaults to torch's)."""
    out = {k: v for k, v in factory.items() if v is not None}
    out.setdefault("dtype", torch.get_default_dtype())
    return out
