"""Checks of the tensors handed to the layers: shapes, dtypes and masks.

Every message goes through :func:`assoc._validation.fail`, so that it reads like every
other one in the package. The checks look at shapes and dtypes only, never at values:
reading a value would synchronise a GPU with the host.
"""

from __future__ import annotations

import torch

from .._validation import fail


def describe(x):
    if isinstance(x, torch.Tensor):
        return f"tensor of shape {tuple(x.shape)}, dtype {x.dtype}"
    return f"{x!r} ({type(x).__name__})"


def check_tensor(name, x, *, ndim, size=None, dtype=None):
    """A floating-point tensor with ``ndim`` axes, last axis ``size`` (if given) and
    dtype ``dtype`` (if given). Never casts."""
    if not isinstance(x, torch.Tensor):
        fail(name, "a torch.Tensor", describe(x), error=TypeError)
    if not x.is_floating_point():
        fail(name, "a floating-point tensor", f"dtype {x.dtype}", error=TypeError)
    if dtype is not None and x.dtype != dtype:
        fail(
            name,
            f"a tensor of the layer's dtype {dtype} (convert the layer or the input)",
            f"dtype {x.dtype}",
            error=TypeError,
        )
    if x.dim() != ndim:
        fail(name, f"a tensor with {ndim} axes", f"shape {tuple(x.shape)}")
    if size is not None and x.shape[-1] != size:
        fail(name, f"a tensor with last axis of size {size}", f"shape {tuple(x.shape)}")
    return x


def check_mask(name, mask, shapes):
    """A bool, uint8 or floating mask whose shape is one of ``shapes``; returned as an
    additive float mask in float32 or its own float dtype (0 keeps, -inf removes)."""
    if not isinstance(mask, torch.Tensor):
        fail(name, "a torch.Tensor (bool, uint8 or float)", describe(mask), error=TypeError)
    if not (mask.dtype in (torch.bool, torch.uint8) or mask.is_floating_point()):
        fail(
            name, "a bool, uint8 or floating-point tensor", f"dtype {mask.dtype}", error=TypeError
        )
    if not any(_same_shape(mask.shape, s) for s in shapes):
        expected = " or ".join(str(tuple(int(n) for n in s)) for s in shapes)
        fail(name, f"a tensor of shape {expected}", f"shape {tuple(mask.shape)}")
    if mask.is_floating_point():
        return mask
    removed = mask.bool()
    return torch.zeros(mask.shape, device=mask.device).masked_fill(removed, -torch.inf)


def _same_shape(shape, other):
    """Whether two shapes are equal, axis by axis (so that torch.compile can trace it
    with symbolic sizes)."""
    return len(shape) == len(other) and all(a == b for a, b in zip(shape, other, strict=True))


def check_broadcast(name, t, shape, dim=-1):
    """A floating-point tensor (one value per head, say) that broadcasts against a tensor
    of ``shape`` with size 1 along ``dim``. Its values are not read: that would
    synchronise with the device."""
    if not t.is_floating_point():
        fail(name, "a float or a floating-point tensor", describe(t), error=TypeError)
    padded = (1,) * (len(shape) - t.dim()) + tuple(t.shape)
    if (
        len(padded) != len(shape)
        or padded[dim] != 1
        or any(a not in (1, n) for a, n in zip(padded, shape))
    ):
        fail(
            name,
            f"a tensor broadcasting against shape {tuple(shape)} with size 1 along axis {dim}",
            f"shape {tuple(t.shape)}",
        )
    return t
