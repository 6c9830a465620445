"""State dicts of the ``hflayers`` layers, to and from the layers of :mod:`assoc.nn`.

A model written for ``hflayers`` (Ramsauer et al., ICLR 2021) runs on :mod:`assoc.nn`
by changing the import; its checkpoints load through :func:`load_hflayers`. The two
layouts differ in the Hopfield layers only:

=============================================  ==========================================
``hflayers``                                   :mod:`assoc.nn`
=============================================  ==========================================
``association_core.in_proj_weight`` (packed:   ``q_proj.weight``, ``k_proj.weight``,
rows of the projected state patterns, stored   ``v_proj.weight``, each left out for a
patterns, pattern projections; the ones not    static pattern
static), or ``q_proj_weight``,
``k_proj_weight``, ``v_proj_weight``
``association_core.in_proj_bias`` (the same    ``q_proj.bias``, ``k_proj.bias``,
order; the slot of the pattern projections     ``v_proj.bias``
is there even when they are static)
``association_core.out_proj.*``                ``out_proj.*``
``association_core.p_norm_weight``, ``_bias``  ``norm_hopfield_space.weight``, ``.bias``
``association_core.bias_k``, ``bias_v``,       ``bias_stored_pattern``,
(1, 1, num_heads * hidden_size)                ``bias_pattern_projection``,
                                               (num_heads, 1, hidden_size / pattern_size)
``_Hopfield__scaling`` (a Parameter scaling)   ``scaling_parameter``
``pooling_weights``, ``lookup_weights``,       the same names, (quantity, size)
``target_weights``: (1, quantity, size), or
(quantity, 1, size) when not batch_first
=============================================  ==========================================

The normalisations (``norm_*_pattern*``) and the transformer layers' own parameters
have the same names in both. ``hflayers`` packs the projections when the stored
patterns and pattern projections have the input's size, no pattern_size is given and
the pattern projections are not connected; otherwise it keeps them apart, as
:func:`to_hflayers` does too.

A fixed scaling is not in an ``hflayers`` state dict (it is an argument of its
constructor): a converted layer keeps the scaling it was built with (its extra state).
``hflayers`` never uses the bias patterns of ``concat_bias_pattern`` (it creates them
and never concatenates them), so a checkpoint trained there holds their initial values;
an ``assoc.nn`` layer with ``concat_bias_pattern=True`` uses them and computes another
function, and one built with ``concat_bias_pattern=False`` computes what ``hflayers``
computed: :func:`from_hflayers` then leaves them out. Bias patterns that one side has
and the other cannot hold are refused by name.
"""

from __future__ import annotations

import torch

from .._validation import fail
from .modules import Hopfield, HopfieldLayer, HopfieldPooling

__all__ = ["from_hflayers", "load_hflayers", "to_hflayers"]

_CORE = "association_core."
_NORMS = ("norm_stored_pattern.", "norm_state_pattern.", "norm_pattern_projection.")
_HFLAYERS_SCALING = "_Hopfield__scaling"
_LEARNED = {"pooling_weights", "lookup_weights", "target_weights"}


def load_hflayers(module, state_dict, strict=True):
    """Load a state dict saved from ``hflayers`` layers into ``module``.

    Parameters
    ----------
    module : torch.nn.Module
        An :mod:`assoc.nn` layer, or any module holding them (a model written for
        ``hflayers`` with the import changed), built with the arguments of the model
        that was saved.
    state_dict : mapping of str to Tensor
        Its state dict, as ``hflayers`` saved it.
    strict : bool, default=True
        As for ``torch.nn.Module.load_state_dict``.

    Returns
    -------
    The result of ``module.load_state_dict`` (missing and unexpected keys).

    Examples
    --------
    >>> import torch
    >>> from assoc.nn import HopfieldPooling
    >>> pool = HopfieldPooling(input_size=4, quantity=2)
    >>> saved = to_hflayers(pool)  # what hflayers.HopfieldPooling(4, quantity=2) saves
    >>> tuple(saved["pooling_weights"].shape), tuple(saved[
    ...     "hopfield.association_core.in_proj_weight"].shape)
    ((1, 2, 4), (12, 4))
    >>> load_hflayers(HopfieldPooling(input_size=4, quantity=2), saved)
    <All keys matched successfully>
    """
    return module.load_state_dict(from_hflayers(module, state_dict), strict=strict)


def from_hflayers(module, state_dict):
    """An ``hflayers`` state dict in the layout of ``module``'s layers.

    Parameters
    ----------
    module : torch.nn.Module
        As for :func:`load_hflayers`.
    state_dict : mapping of str to Tensor
        In the ``hflayers`` layout: the keys of its Hopfield, pooling and lookup layers
        are converted, every other key is kept.

    Returns
    -------
    dict
        Loadable by ``module.load_state_dict`` (with the extra state of each Hopfield
        layer, its scaling, taken from ``module``).
    """
    remaining = dict(state_dict)
    out = {}
    for prefix, layer in _layers(module):
        mine = _take(remaining, prefix, _hflayers_key)
        if isinstance(layer, Hopfield):
            mine = _hopfield_from_hflayers(layer, mine, prefix)
            mine["_extra_state"] = layer.get_extra_state()
        else:
            mine = {name: _learned_from_hflayers(layer, name, t) for name, t in mine.items()}
        out.update({prefix + name: t for name, t in mine.items()})
    out.update(remaining)
    return out


def to_hflayers(module, state_dict=None):
    """``module``'s state dict (or another dict of its tensors, such as their gradients)
    in the layout of ``hflayers``.

    Parameters
    ----------
    module : torch.nn.Module
        An :mod:`assoc.nn` layer, or any module holding them.
    state_dict : mapping of str to Tensor, optional
        Keys of ``module.state_dict()`` (all of them or some); default that state dict.

    Returns
    -------
    dict
        Keys and shapes as ``hflayers`` saves them. Parameters that ``hflayers`` cannot
        hold (a learned scaling or alpha, a bias pattern beside static patterns or of
        another size) are refused with a ValueError naming them.
    """
    remaining = dict(module.state_dict() if state_dict is None else state_dict)
    out = {}
    for prefix, layer in _layers(module):
        mine = _take(remaining, prefix, _own_keys(layer).__contains__)
        if isinstance(layer, Hopfield):
            mine = _hopfield_to_hflayers(layer, mine, prefix)
        else:
            mine = {name: _learned_to_hflayers(layer, t) for name, t in mine.items()}
        out.update({prefix + name: t for name, t in mine.items()})
    out.update(remaining)
    return out


# ---------------------------------------------------------------------------------
# the layers of a module and their keys


def _layers(module):
    """(prefix, layer) for every Hopfield, pooling and lookup layer in module."""
    for name, layer in module.named_modules():
        if isinstance(layer, (Hopfield, HopfieldPooling, HopfieldLayer)):
            yield (name + "." if name else ""), layer


def _own_keys(layer):
    """The state-dict keys of a layer that are its own (not of a wrapped layer)."""
    if isinstance(layer, Hopfield):
        return set(layer.state_dict())
    return {name for name, _ in layer.named_parameters(recurse=False)}


def _hflayers_key(name):
    """Whether ``name`` (relative to a layer) is a key of an hflayers layer itself."""
    return name.startswith((_CORE, *_NORMS)) or name in (_HFLAYERS_SCALING, *_LEARNED)


def _take(tensors, prefix, belongs):
    """Remove from ``tensors`` the keys under ``prefix`` that ``belongs`` to the layer
    there; returns them, relative to the prefix."""
    taken = {}
    for key in list(tensors):
        if key.startswith(prefix) and belongs(key[len(prefix) :]):
            taken[key[len(prefix) :]] = tensors.pop(key)
    return taken


# ---------------------------------------------------------------------------------
# the Hopfield layer


def _projections(layer):
    """The projected inputs (name, out rows) in hflayers' order, and whether hflayers
    packs their weights into one in_proj_weight."""
    H, d_k, d_v = layer.num_heads, layer.hidden_size, layer.pattern_size
    parts = [
        ("q", layer.q_proj, _mul(H, d_k)),
        ("k", layer.k_proj, _mul(H, d_k)),
        ("v", layer.v_proj, _mul(H, d_v)),
    ]
    return parts, layer._settings["hflayers_packed"]


def _hopfield_to_hflayers(layer, tensors, prefix):
    tensors = dict(tensors)
    out = {}
    parts, packed = _projections(layer)
    weights = [(p, tensors.pop(f"{p}_proj.weight", None)) for p, proj, _ in parts if proj]
    if packed:
        present = [w for _, w in weights if w is not None]
        if present:
            out[_CORE + "in_proj_weight"] = torch.cat(present)
    else:
        for p, w in weights:
            if w is not None:
                out[f"{_CORE}{p}_proj_weight"] = w
    biases = []
    for p, proj, rows in parts:
        bias = tensors.pop(f"{p}_proj.bias", None)
        if proj is not None:
            biases.append(bias)
        elif p == "v" and biases:  # the slot of static pattern projections
            biases.append(None if any(b is None for b in biases) else biases[0].new_zeros(rows))
    if biases and all(b is not None for b in biases):
        out[_CORE + "in_proj_bias"] = torch.cat(biases)
    for name in ("weight", "bias"):
        if f"out_proj.{name}" in tensors:
            out[f"{_CORE}out_proj.{name}"] = tensors.pop(f"out_proj.{name}")
        if f"norm_hopfield_space.{name}" in tensors:
            out[f"{_CORE}p_norm_{name}"] = tensors.pop(f"norm_hopfield_space.{name}")
    for name in list(tensors):
        if name.startswith(_NORMS):
            out[name] = tensors.pop(name)
    for ours, theirs, static in (
        ("bias_stored_pattern", "bias_k", "stored_pattern_as_static"),
        ("bias_pattern_projection", "bias_v", "pattern_projection_as_static"),
    ):
        if ours in tensors:
            t = tensors.pop(ours)
            if layer._settings[static]:
                fail(
                    f"{prefix}{ours}",
                    "absent: hflayers holds no bias pattern beside static patterns",
                    f"a tensor of shape {tuple(t.shape)}",
                )
            if t.shape[-1] != layer.hidden_size:
                fail(
                    f"{prefix}{ours}",
                    f"of hidden_size {layer.hidden_size} per head, the size hflayers holds",
                    f"pattern_size {t.shape[-1]}",
                )
            out[_CORE + theirs] = t.transpose(0, 1).reshape(1, 1, -1)
    if "scaling_parameter" in tensors:
        out[_HFLAYERS_SCALING] = tensors.pop("scaling_parameter")
    tensors.pop("_extra_state", None)
    if tensors:
        names = ", ".join(prefix + name for name in sorted(tensors))
        fail(
            "the parameters to convert",
            "ones that an hflayers layer holds (it learns no scaling or entmax alpha)",
            names,
        )
    return out


def _hopfield_from_hflayers(layer, tensors, prefix):
    tensors = dict(tensors)
    out = {}
    parts, _ = _projections(layer)
    packed = tensors.pop(_CORE + "in_proj_weight", None)
    bias = tensors.pop(_CORE + "in_proj_bias", None)
    start = 0
    for p, proj, rows in parts:
        if proj is None:
            if p == "v" and bias is not None:
                start += rows  # the unused slot of static pattern projections
            continue
        weight = (
            tensors.pop(f"{_CORE}{p}_proj_weight", None)
            if packed is None
            else packed[start : start + rows]
        )
        if weight is not None:
            out[f"{p}_proj.weight"] = weight
        if bias is not None:
            out[f"{p}_proj.bias"] = bias[start : start + rows]
        start += rows
    if bias is not None and start != bias.shape[0]:
        fail(
            f"{prefix}{_CORE}in_proj_bias",
            f"a tensor of {start} entries for this layer",
            f"shape {tuple(bias.shape)}",
        )
    for name in ("weight", "bias"):
        if f"{_CORE}out_proj.{name}" in tensors:
            out[f"out_proj.{name}"] = tensors.pop(f"{_CORE}out_proj.{name}")
        if f"{_CORE}p_norm_{name}" in tensors:
            out[f"norm_hopfield_space.{name}"] = tensors.pop(f"{_CORE}p_norm_{name}")
    for name in list(tensors):
        if name.startswith(_NORMS):
            out[name] = tensors.pop(name)
    H = layer.num_heads
    for ours, theirs in (("bias_stored_pattern", "bias_k"), ("bias_pattern_projection", "bias_v")):
        t = tensors.pop(_CORE + theirs, None)
        mine = getattr(layer, ours)
        if t is None or mine is None:
            continue  # hflayers never used its bias patterns; see the module docstring
        if t.numel() != mine.numel():
            fail(
                f"{prefix}{_CORE}{theirs}",
                f"{mine.numel()} entries (num_heads * the size of this layer's bias pattern)",
                f"shape {tuple(t.shape)}",
            )
        out[ours] = t.reshape(H, -1).unsqueeze(1)
    if _HFLAYERS_SCALING in tensors:
        out["scaling_parameter"] = tensors.pop(_HFLAYERS_SCALING)
    out.update(tensors)  # anything else: load_state_dict names it
    return out


# ---------------------------------------------------------------------------------
# the learned patterns of the pooling and lookup layers


def _learned_to_hflayers(layer, t):
    """(quantity, size) -> (1, quantity, size), or (quantity, 1, size)."""
    return t.unsqueeze(0 if layer.batch_first else 1)


def _learned_from_hflayers(layer, name, t):
    """(1, quantity, size) or (quantity, 1, size) -> (quantity, size)."""
    want = (1, layer.quantity) if layer.batch_first else (layer.quantity, 1)
    if t.dim() != 3 or tuple(t.shape[:2]) != want:
        fail(
            name,
            f"a tensor of shape ({want[0]}, {want[1]}, size) (hflayers, batch_first="
            f"{layer.batch_first})",
            f"shape {tuple(t.shape)}",
        )
    return t.reshape(layer.quantity, t.shape[-1])


def _mul(H, d):
    return None if d is None else H * d
