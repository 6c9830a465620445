r"""The modern Hopfield update and its energy on tensors: the core of the layers.

Patterns are rows, as everywhere in the package: stored patterns ``X`` of shape
(..., S, d), states ``xi`` of shape (..., L, d), L state patterns updated side by side,
each independently of the others. With scores :math:`z = \beta\,\xi X^T + b` (b an
additive mask, -inf removes a pattern) and a separation p (softmax, sparsemax or
entmax, :mod:`assoc.nn.separation`), the update of Ramsauer et al. [1]_ (their Eq. 3,
written for rows) is

.. math::

    \xi \leftarrow p(z)\, X ,

and its energy, per state pattern, is

.. math::

    E(\xi) = -\beta^{-1}\,\Omega^*(z) + \tfrac12 \xi^T\xi
             + \beta^{-1} H(1/K) + \tfrac12 M^2 ,

where :math:`\Omega^*` is the convex conjugate of the separation (the log-sum-exp for
the softmax, their Eq. 2; the Tsallis conjugate for the sparse ones, Santos et al.
[2]_), K the number of patterns not masked out, :math:`H(1/K)` the entropy of the
uniform weights on them (:math:`\ln K` for the softmax) and M the largest norm among
them. The constants make :math:`E \ge 0` (Ramsauer et al., Lemma A1); the update is a
concave-convex step of E, so E never increases along updates, and
:math:`\nabla_\xi E = \xi - p(z) X` is the step the update takes.

References
----------
.. [1] H. Ramsauer et al., "Hopfield networks is all you need", ICLR 2021,
   arXiv:2008.02217, Eqs. (2)-(3), Lemma A1.
.. [2] S. Santos, V. Niculae, D. McNamee, A. F. T. Martins, "Sparse and structured
   Hopfield networks", ICML 2024, arXiv:2402.13725.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import torch
from torch.nn import functional as F

from .._validation import check_choice, check_int, check_real, fail
from ._checks import check_broadcast, check_mask, describe
from .separation import (
    SEPARATIONS,
    check_alpha,
    conjugate,
    entmax_at,
    max_entropy,
    separator,
    tsallis_index,
)

__all__ = [
    "STOPPING",
    "UPDATE_STEPS_CAP",
    "Association",
    "Iteration",
    "hopfield_energy",
    "hopfield_update",
    "iterate",
]

UPDATE_STEPS_CAP = 1000
"""The most update steps an iteration "until convergence" runs (``steps=None``): past
it the iteration returns its last state with a `RuntimeWarning`. A state that keeps
moving by more than ``eps`` at the resolution of its dtype (float32 rounding can leave a
head oscillating by ~1e-6) would otherwise never stop."""

STOPPING = ("state", "hflayers")
"""The stopping rules of :func:`iterate`."""

# Steps after which the iteration asks the device whether any head still moves: 4, 8, 16,
# ... Between two of them it runs without reading anything back.
_FIRST_CHECK = 4


def hopfield_update(xi, X, beta=1.0, *, mask=None, separation="softmax", alpha=1.5, steps=1):
    r"""``steps`` updates :math:`\xi \leftarrow p(\beta\,\xi X^T + b)\,X` of the states.

    Parameters
    ----------
    xi : Tensor of shape (..., L, d)
        States, one per row.
    X : Tensor of shape (..., S, d)
        Stored patterns, one per row; the leading axes broadcast against those of xi.
    beta : float or Tensor, default=1.0
        Inverse temperature, > 0; a tensor broadcasts against the scores (..., L, S)
        with size 1 on the last axis (for instance one beta per head).
    mask : Tensor, optional
        Broadcasting against the scores (..., L, S): bool or uint8 (True/nonzero removes
        the pattern for that state) or float (added to the scores).
    separation : {"softmax", "sparsemax", "entmax"}, default="softmax"
    alpha : float or Tensor, default=1.5
        The alpha of entmax, 1 <= alpha <= 2.
    steps : int, default=1
        Number of updates.

    Returns
    -------
    Tensor of the broadcast shape (..., L, d)

    Examples
    --------
    >>> import torch
    >>> X = torch.tensor([[1.0, 1.0], [1.0, -1.0]])
    >>> hopfield_update(torch.tensor([[0.9, 0.5]]), X, beta=8.0)
    tensor([[1.0000, 0.9993]])
    """
    xi, X, beta, bias, separation, alpha = _checked(xi, X, beta, mask, separation, alpha)
    steps = check_int("steps", steps, low=1)
    update = Association(X, beta, bias, separation, alpha).update
    for _ in range(steps):
        xi = update(xi)
    return xi


def hopfield_energy(xi, X, beta=1.0, *, mask=None, separation="softmax", alpha=1.5):
    r"""Energy of each state, :math:`E = -\beta^{-1}\Omega^*(z) + \tfrac12 \xi^T\xi
    + \beta^{-1} H(1/K) + \tfrac12 M^2` (see the module docstring).

    For the softmax this is Eq. (2) of Ramsauer et al. (2021),
    ``theory.modern.energy``. Differentiable with respect to every argument; its
    gradient with respect to xi is :math:`\xi - p(z) X`.

    Parameters
    ----------
    xi, X, beta, mask, separation, alpha
        As in :func:`hopfield_update`.

    Returns
    -------
    Tensor of shape (..., L)
        The energy of each state, >= 0. A state for which every pattern is masked has
        no pattern to attend to: its energy is :math:`\tfrac12 \xi^T\xi`.

    Examples
    --------
    >>> import torch
    >>> X = torch.tensor([[3.0, 4.0]])
    >>> hopfield_energy(X, X, beta=2.0)  # a single pattern is a state of zero energy
    tensor([0.])
    """
    xi, X, beta, bias, separation, alpha = _checked(xi, X, beta, mask, separation, alpha)
    return Association(X, beta, bias, separation, alpha).energy(xi)


class Association:
    r"""The association of states with the stored patterns X (..., S, d), on checked
    arguments: scores, weights, update, retrieval of values, energy.

    Parameters
    ----------
    X : Tensor of shape (..., S, d)
    beta : float or Tensor broadcasting against the scores, size 1 on the last axis
    bias : Tensor broadcasting against the scores (additive mask), or None
    separation : {"softmax", "sparsemax", "entmax"}
    alpha : float or Tensor
        The alpha of entmax.

    With the softmax, :meth:`retrieve` (and so :meth:`update`) calls
    ``torch.nn.functional.scaled_dot_product_attention`` and never builds the (L, S)
    weights; :meth:`weights` builds them.
    """

    def __init__(self, X, beta, bias, separation, alpha):
        self.X, self.beta, self.bias = X, beta, bias
        self.softmax = separation == "softmax" or entmax_at(separation, alpha, 1.0)
        self.index = 1.0 if self.softmax else tsallis_index(separation, alpha)
        self.separate = separator(separation, alpha, masked=bias is not None)
        # states with every pattern masked attend to nothing: their rows are set to 0
        self.empty = None if bias is None else (bias == -torch.inf).all(-1, keepdim=True)

    def scores(self, xi):
        """z = beta xi X^T + bias, of shape (..., L, S)."""
        z = (xi * self.beta) @ self.X.transpose(-2, -1)
        return z if self.bias is None else z + self.bias

    def weights(self, xi):
        """p(z), of shape (..., L, S)."""
        return self.separate(self.scores(xi))

    def retrieve(self, xi, V, dropout=0.0):
        """p(z) V: the values V (..., S, d_v) that the states retrieve (dropout on p)."""
        if not self.softmax:
            return F.dropout(self.weights(xi), dropout, dropout > 0) @ V
        scale = 1.0
        if isinstance(self.beta, torch.Tensor):
            xi = xi * self.beta
        else:
            scale = self.beta
        X = self.X
        if not xi.shape[:-2] == X.shape[:-2] == V.shape[:-2]:
            batch = torch.broadcast_shapes(xi.shape[:-2], X.shape[:-2], V.shape[:-2])
            xi, X, V = (_expand_leading(t, batch) for t in (xi, X, V))
        bias = self.bias
        if self.empty is not None:
            bias = bias.masked_fill(self.empty, 0.0)
        z = F.scaled_dot_product_attention(
            xi, X, V, attn_mask=bias, dropout_p=dropout, scale=scale
        )
        _refuse_second_derivatives(z)
        return z if self.empty is None else z.masked_fill(self.empty, 0.0)

    def update(self, xi):
        """The update xi <- p(z) X."""
        return self.retrieve(xi, self.X)

    def energy(self, xi):
        """The energy of each state (see :func:`hopfield_energy`), shape (..., L)."""
        z = self.scores(xi)
        p = None if self.softmax else self.separate(z)
        X = self.X
        if self.bias is None:
            count = torch.full(z.shape[:-1], z.shape[-1], dtype=z.dtype, device=z.device)
            M2 = (X * X).sum(-1).amax(-1, keepdim=True)
        else:
            kept = z > -torch.inf
            count = kept.sum(-1).to(z.dtype)
            M2 = torch.where(kept, (X * X).sum(-1).unsqueeze(-2), 0.0).amax(-1)
        # beta and the Tsallis index per state: drop their axis of size 1 over patterns
        beta, index = (
            t.squeeze(-1) if isinstance(t, torch.Tensor) else t for t in (self.beta, self.index)
        )
        entropy = max_entropy(count, index)
        return (entropy - conjugate(z, p, self.index)) / beta + 0.5 * (xi * xi).sum(-1) + 0.5 * M2


class Iteration(NamedTuple):
    """What :func:`iterate` returns.

    Attributes
    ----------
    state : Tensor of shape (..., L, d)
        The last state, from which the last association starts.
    states : list of Tensor, or None
        The states along the updates, from the initial one to the one that the last
        association retrieves (only when asked for).
    """

    state: torch.Tensor
    states: list | None


def iterate(
    xi,
    association,
    *,
    steps,
    eps,
    limits=None,
    stopping="state",
    cap=UPDATE_STEPS_CAP,
    one_step=False,
    keep_states=False,
):
    r"""Up to ``steps`` updates :math:`\xi \leftarrow p(\beta\,\xi X^T + b)\,X` of the
    states by an :class:`Association` (``steps=None``: until every head has converged, at
    most ``cap`` updates, with a `RuntimeWarning` if some head is still moving then).

    The leading axes of xi but the last two are (batch, head). A head stops updating once
    its stopping rule says so, and never starts again:

    - ``stopping="state"``: once an update moves the L states of the head in that batch
      element by at most ``eps`` (Frobenius norm of the change). Each batch element stops
      on its own, so that its output never depends on the rest of the batch.
    - ``stopping="hflayers"``: the rule of the ``hflayers`` code: once the association
      matrix of the head changes by at most ``eps`` (Frobenius norm over (L, S)) in every
      element of the batch (the largest change over every leading axis but the last, the
      heads); the whole batch stops together. It builds the (L, S) matrix at every step.

    ``limits`` (a tensor broadcasting against the leading axes, one int per head) stops
    a head after that many updates; ``eps`` may be a tensor of one threshold per head
    too. With ``eps=0`` and no limits the rule is not computed: a head would stop only
    at an exact fixed point, where further updates change nothing. The rule runs on the
    device; on a GPU the host asks whether anything still moves only after steps 4, 8,
    16, ... (and at ``cap``), on the CPU after every step (reading a flag there costs no
    synchronisation); a finite iteration never asks while ``torch.compile`` traces it
    nor when the states are kept. Under ``torch.compile`` an iteration until
    convergence is refused (its length depends on the data).

    With ``one_step``, the updates run without gradient, and the state they reach enters
    the last association as if it were the initial state: gradients reach the stored
    patterns, beta and the masks through the last association only, and the initial
    state as if the earlier updates were the identity (Jacobian-free backpropagation of
    a fixed point, Fung et al., AAAI 2022, arXiv:2103.12803). Values are unchanged.
    """
    if steps is None and torch.compiler.is_compiling():
        raise ValueError(
            "update_steps_max must be an int (or per-head ints >= 0) under torch.compile: "
            "an iteration until convergence runs a number of steps that depends on the "
            "data, which one graph cannot hold; got update_steps_max=None (or a negative "
            "per-head limit)"
        )
    rule = (steps, eps, limits, stopping, cap, keep_states)
    if one_step:
        with torch.no_grad():
            last = _iterate(xi.detach(), association, *rule)
        state = last.state + (xi - xi.detach())
        states = None
        if last.states is not None:
            states = [xi, *last.states[1:-1], association.update(state)]
        return Iteration(state, states)
    return _iterate(xi, association, *rule)


def _iterate(xi, association, steps, eps, limits, stopping, cap, keep_states):
    state = xi
    states = [xi] if keep_states else None
    running = previous = None
    bound = cap if steps is None else steps
    # With a threshold of 0 and no limits per head, a head stops only where an update
    # leaves it exactly where it was, and every later update would too: the rule
    # changes nothing and is not computed.
    ruled = limits is not None or not (isinstance(eps, float) and eps == 0.0)
    # a finite iteration whose states are kept runs every step: steps + 2 states
    may_stop = steps is None or not (keep_states or torch.compiler.is_compiling())
    # on the CPU, reading a flag costs nothing like a device synchronisation: the host
    # looks at every step, stops as soon as no head moves, and freezes no head while
    # all of them move
    host = xi.device.type == "cpu" and not torch.compiler.is_compiling()
    step, check = 0, _FIRST_CHECK
    while step < bound:
        if not ruled:
            state = association.update(state)
        else:
            if stopping == "state":
                new = association.update(state)
                with torch.no_grad():
                    moving = _change(new, state) > eps
            else:
                weights = association.weights(state)
                new = weights @ association.X
                with torch.no_grad():
                    moving = None
                    if previous is not None:
                        moving = _largest_over_batch(weights, previous) > eps
                    previous = weights.detach()
            if limits is not None:
                moving = limits > step if moving is None else moving & (limits > step)
            if moving is None:  # the first step of the hflayers rule: every head updates
                state = new
            elif running is None and limits is None:  # the first update always applies
                state, running = new, moving
            else:
                running = moving if running is None else running & moving
                if host and bool(running.all()):
                    state = new
                else:
                    state = torch.where(running[..., None, None], new, state)
        if keep_states:
            states.append(state)
        step += 1
        at_cap = steps is None and step == bound
        if may_stop and (host or step == check or at_cap):
            if running is not None and not bool(running.any()):
                break
            if at_cap:
                warnings.warn(
                    f"the Hopfield update did not converge within {cap} steps (some head "
                    f"still moves by more than update_steps_eps = {_describe_eps(eps)}); "
                    "returning its last state. Raise update_steps_eps, give an int "
                    "update_steps_max, or a larger update_steps_cap.",
                    RuntimeWarning,
                    stacklevel=2,
                )
            if step == check:
                check *= 2
    if keep_states:
        states.append(association.update(state))
    return Iteration(state, states)


def _expand_leading(t, batch):
    """t (..., n, d) with its leading axes expanded to ``batch`` (t itself if they are:
    an expand to its own shape still costs a reduction in backward)."""
    if t.shape[:-2] == batch:
        return t
    return t.expand(*batch, *t.shape[-2:])


def _change(new, old):
    """The Frobenius norm of new - old over the last two axes."""
    return torch.linalg.vector_norm(new - old, dim=(-2, -1))


def _largest_over_batch(weights, previous):
    """The change of the association matrices, the largest over every leading axis but
    the last (the heads): the quantity of the ``hflayers`` stopping rule."""
    change = _change(weights, previous)
    return change.flatten(0, -2).amax(0) if change.dim() > 1 else change


def _describe_eps(eps):
    return f"{eps:g}" if isinstance(eps, float) else "per head"


def _refuse_second_derivatives(z):
    """A fused attention kernel has no derivative of its backward: refuse a backward pass
    that builds a graph (``create_graph=True``) through it, with the way out, instead of
    PyTorch's error at the second backward pass."""
    if not z.requires_grad or torch.compiler.is_compiling():
        return
    if "ScaledDotProduct" in z.grad_fn.name():
        z.register_hook(_no_graph_through_fused_attention)


def _no_graph_through_fused_attention(grad):
    if torch.is_grad_enabled():
        raise RuntimeError(
            "second derivatives (create_graph=True) of a softmax Hopfield association "
            "cannot pass through PyTorch's fused attention kernel, which has no derivative "
            "of its backward; run the forward pass under "
            "torch.nn.attention.sdpa_kernel(torch.nn.attention.SDPBackend.MATH), whose "
            "attention is differentiable to every order (or use a sparse separation)"
        )
    return grad


def _checked(xi, X, beta, mask, separation, alpha):
    """Check the arguments of the public functions; returns them ready for the core."""
    for name, t in (("xi", xi), ("X", X)):
        if not isinstance(t, torch.Tensor) or not t.is_floating_point():
            fail(name, "a floating-point torch.Tensor", describe(t), error=TypeError)
        if t.dim() < 2:
            fail(name, "a tensor of shape (..., n, d)", f"shape {tuple(t.shape)}")
    if X.dtype != xi.dtype:
        fail("X", f"a tensor of the dtype of xi ({xi.dtype})", f"dtype {X.dtype}", error=TypeError)
    if X.shape[-1] != xi.shape[-1]:
        fail("X", f"a tensor with last axis d = {xi.shape[-1]}", f"shape {tuple(X.shape)}")
    try:
        batch = torch.broadcast_shapes(xi.shape[:-2], X.shape[:-2])
    except RuntimeError:
        fail(
            "X",
            f"leading axes broadcasting against xi's {tuple(xi.shape[:-2])}",
            f"shape {tuple(X.shape)}",
        )
    score_shape = (*batch, xi.shape[-2], X.shape[-2])
    if isinstance(beta, torch.Tensor):
        check_broadcast("beta", beta, score_shape)
    else:
        beta = check_real("beta", beta, low=0.0, closed=(False, True))
    check_choice("separation", separation, SEPARATIONS)
    if separation == "entmax":
        alpha = check_alpha(alpha, score_shape, -1)
    bias = None
    if mask is not None:
        bias = check_mask("mask", mask, [mask.shape])
        try:
            torch.broadcast_shapes(bias.shape, score_shape)
        except RuntimeError:
            fail(
                "mask",
                f"a tensor broadcasting against the scores {score_shape}",
                f"shape {tuple(mask.shape)}",
            )
        bias = bias.to(xi.dtype)
    return xi, X, beta, bias, separation, alpha
