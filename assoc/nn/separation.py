r"""Separation functions of the Hopfield update: softmax, sparsemax and alpha-entmax.

The update :math:`\xi \leftarrow X^T p(\beta X \xi)` of a modern Hopfield network weighs
the stored patterns (the rows of X) with a map p from scores to the probability simplex.
Each map here is a regularised argmax (Blondel, Martins & Niculae [1]_),

.. math::

    p_\alpha(\theta) = \operatorname*{argmax}_{p \in \Delta} \; p^T\theta + H_\alpha(p),
    \qquad
    H_\alpha(p) = \frac{1 - \sum_i p_i^\alpha}{\alpha(\alpha - 1)},

with the Tsallis entropy :math:`H_\alpha` (Shannon's :math:`-\sum_i p_i \ln p_i` at
alpha = 1): alpha = 1 gives the softmax, alpha = 2 the sparsemax of Martins & Astudillo
[2]_, 1 < alpha < 2 the entmax of Peters, Niculae & Martins [3]_, whose alpha Correia,
Niculae & Martins [4]_ learn per attention head. For alpha > 1 the weights are
:math:`p_i = [(\alpha - 1)\theta_i - \tau]_+^{1/(\alpha - 1)}`, exactly zero below the
threshold tau: sparsemax finds tau in closed form by sorting [2]_, entmax by bisection
to the precision of the dtype [3]_, [1]_.

The value of the maximum is the convex conjugate :math:`\Omega^*_\alpha(\theta)`
(:func:`conjugate`; the log-sum-exp at alpha = 1), whose gradient is
:math:`p_\alpha(\theta)`. It makes the Hopfield-Fenchel-Young energy of Santos et al.
[5]_, [6]_,
:math:`E(\xi) = -\beta^{-1}\Omega^*_\alpha(\beta X\xi) + \tfrac12 \xi^T\xi + \text{const}`,
of which the update is a concave-convex step: E never increases, and with alpha > 1 a
state can land exactly on a stored pattern.

Masked scores are -inf and get weight exactly 0. A row in which every score is -inf
(nothing to attend to) gets weights 0 everywhere, never NaN; a row holding a NaN score
gets NaN everywhere, as the softmax gives it (a NaN is never taken for a masked score).
Every map has exact derivatives of every order (``create_graph=True`` works): sparsemax
through autograd, entmax through a backward written in differentiable operations.

References
----------
.. [1] M. Blondel, A. F. T. Martins, V. Niculae, "Learning with Fenchel-Young losses",
   JMLR 21, 1 (2020), arXiv:1901.02324.
.. [2] A. F. T. Martins, R. F. Astudillo, "From softmax to sparsemax", ICML 2016,
   arXiv:1602.02068, Algorithm 1.
.. [3] B. Peters, V. Niculae, A. F. T. Martins, "Sparse sequence-to-sequence models",
   ACL 2019, arXiv:1905.05702, Eqs. (9)-(10) and Algorithm 1 (bisection).
.. [4] G. M. Correia, V. Niculae, A. F. T. Martins, "Adaptively sparse transformers",
   EMNLP 2019, arXiv:1909.00015.
.. [5] S. Santos, V. Niculae, D. McNamee, A. F. T. Martins, "Sparse and structured
   Hopfield networks", ICML 2024, arXiv:2402.13725.
.. [6] S. Santos, V. Niculae, D. McNamee, A. F. T. Martins, "Hopfield-Fenchel-Young
   networks: a unified framework for associative memory retrieval", arXiv:2411.08590
   (2024).
"""

from __future__ import annotations

import math
import numbers

import torch

from .._validation import check_choice, fail
from ..models.modern import check_entmax_alpha
from ._checks import check_broadcast, describe

__all__ = ["conjugate", "entmax", "max_entropy", "separate", "sparsemax"]

SEPARATIONS = ("softmax", "sparsemax", "entmax")


def sparsemax(z, dim=-1):
    r"""Sparsemax: the Euclidean projection of the scores onto the probability simplex.

    :math:`p_i = [z_i - \tau]_+` with :math:`\tau = (\sum_{j \le k} z_{(j)} - 1) / k`
    over the k largest scores, k the largest index with
    :math:`1 + k z_{(k)} > \sum_{j \le k} z_{(j)}` (Martins & Astudillo 2016,
    Algorithm 1). Differentiable; the Jacobian is that of their Eq. (12).

    Parameters
    ----------
    z : Tensor
        Scores; -inf marks an entry that gets weight 0.
    dim : int, default=-1
        Axis along which the weights sum to one.

    Returns
    -------
    Tensor of the shape and dtype of z
        Weights, exactly 0 below the threshold; a row of -inf gives zeros.

    Examples
    --------
    >>> import torch
    >>> sparsemax(torch.tensor([2.0, 1.0, -1.0]))
    tensor([1., 0., 0.])
    >>> sparsemax(torch.tensor([0.5, 0.3, 0.1]))
    tensor([0.5333, 0.3333, 0.1333])
    """
    _check_scores(z, dim)
    return _guard_rows(_sparsemax, z, dim)


def entmax(z, alpha=1.5, dim=-1):
    r"""alpha-entmax: the Tsallis-regularised argmax, sparse for alpha > 1.

    :math:`p_i = [(\alpha - 1) z_i - \tau]_+^{1/(\alpha - 1)}` with tau such that the
    weights sum to one (Peters, Niculae & Martins 2019, Eq. 10), found by bisection on
    :math:`[\max_i (\alpha-1) z_i - 1, \max_i (\alpha-1) z_i - n^{1-\alpha}]` to the
    resolution of the dtype (float32 at least), then refined by one Newton step.
    Gradients with respect to z and alpha follow from the implicit function theorem
    applied to :math:`\sum_i p_i = 1` (Correia, Niculae & Martins 2019, Prop. 1 and
    Sec. 3.3), so alpha may be a learnable tensor.

    Parameters
    ----------
    z : Tensor
        Scores; -inf marks an entry that gets weight 0.
    alpha : float or Tensor, default=1.5
        1 <= alpha <= 2: 1 is the softmax, 2 the sparsemax, 1.5 the choice of Peters et
        al. The domain, and the `ValueError` that refuses a float outside it, are those
        of the NumPy ``assoc.models.modern.entmax`` (``ENTMAX_ALPHA``). A tensor (for
        instance one alpha per attention head) must broadcast against z with size 1
        along ``dim``, and must lie in (1, 2] (its values are not read to check).
    dim : int, default=-1
        Axis along which the weights sum to one.

    Returns
    -------
    Tensor of the shape and dtype of z
        Weights, exactly 0 below the threshold; a row of -inf gives zeros.

    Examples
    --------
    >>> import torch
    >>> p = entmax(torch.tensor([3.0, 1.0, 0.9, -4.0]), alpha=1.5)
    >>> [round(float(x), 4) for x in p]
    [1.0, 0.0, 0.0, 0.0]
    >>> entmax(torch.tensor([0.5, 0.3, 0.1]), alpha=2.0)  # the sparsemax
    tensor([0.5333, 0.3333, 0.1333])
    """
    _check_scores(z, dim)
    alpha = check_alpha(alpha, z.shape, dim)
    if isinstance(alpha, float) and alpha == 1.0:
        return _guard_rows(_softmax, z, dim)
    if isinstance(alpha, float) and alpha == 2.0:
        return _guard_rows(_sparsemax, z, dim)
    return _guard_rows(_entmax_bisect, z, dim, alpha)


def separate(z, separation="softmax", alpha=1.5, dim=-1):
    """The separation function named ``separation`` applied to the scores ``z``.

    Parameters
    ----------
    z : Tensor
        Scores.
    separation : {"softmax", "sparsemax", "entmax"}, default="softmax"
    alpha : float or Tensor, default=1.5
        The alpha of entmax (ignored otherwise).
    dim : int, default=-1
    """
    check_choice("separation", separation, SEPARATIONS)
    if separation == "softmax":
        _check_scores(z, dim)
        return _guard_rows(_softmax, z, dim)
    if separation == "sparsemax":
        return sparsemax(z, dim)
    return entmax(z, alpha, dim)


def separator(separation, alpha, *, masked=True):
    """The map z -> weights along the last axis, for an internal caller that has already
    checked its arguments. The sparse maps always guard their rows (-inf rows to 0, NaN
    rows to NaN); the softmax propagates NaN by itself and needs the guard only when
    scores may be ``masked`` (-inf)."""
    if separation == "softmax" or entmax_at(separation, alpha, 1.0):
        if not masked:
            return lambda z: _softmax(z, -1)
        f, args = _softmax, ()
    elif separation == "sparsemax" or entmax_at(separation, alpha, 2.0):
        f, args = _sparsemax, ()
    else:
        f, args = _entmax_bisect, (alpha,)
    return lambda z: _guard_rows(f, z, -1, *args)


def entmax_at(separation, alpha, value):
    """Whether the separation is entmax with a fixed alpha equal to ``value`` (1:
    softmax, 2: sparsemax); alpha means nothing to the other separations."""
    return separation == "entmax" and isinstance(alpha, float) and alpha == value


def tsallis_index(separation, alpha):
    """The alpha of the Tsallis entropy behind a separation: 1, 2 or entmax's alpha."""
    return {"softmax": 1.0, "sparsemax": 2.0}.get(separation, alpha)


def conjugate(z, p, alpha=1.0, dim=-1):
    r"""The convex conjugate :math:`\Omega^*_\alpha(z) = p^T z + H_\alpha(p)` at the weights
    p = p_alpha(z) of the separation (Blondel et al. 2020, Eq. 6).

    At alpha = 1 this is the log-sum-exp of z (p is not used); a row of -inf gives 0.
    Its gradient with respect to z is p, and with respect to alpha the partial
    derivative of :math:`H_\alpha(p)` (Danskin's theorem).

    Parameters
    ----------
    z : Tensor
        Scores.
    p : Tensor
        The weights of the separation at z (same shape).
    alpha : float or Tensor, default=1.0
        Tsallis index; 1 for the softmax, 2 for the sparsemax.
    dim : int, default=-1

    Returns
    -------
    Tensor
        z reduced along ``dim``.
    """
    empty = (z == -torch.inf).all(dim, keepdim=True)
    z = z.masked_fill(empty, 0.0)
    if isinstance(alpha, float) and alpha == 1.0:
        value = torch.logsumexp(z, dim, keepdim=True)
    else:
        value = torch.where(p > 0, p * z, 0.0).sum(dim, keepdim=True) + _tsallis(p, alpha, dim)
        value = value.masked_fill(torch.isnan(z).any(dim, keepdim=True), torch.nan)
    return value.masked_fill(empty, 0.0).squeeze(dim)


def max_entropy(n, alpha=1.0):
    r"""The largest Tsallis entropy on n outcomes, that of the uniform distribution:
    :math:`H_\alpha(1/n) = (1 - n^{1-\alpha}) / (\alpha(\alpha - 1))`, ln n at alpha = 1.

    The constant :math:`\beta^{-1} \ln K` of the modern Hopfield energy (Ramsauer et al.
    2021, Eq. 2) is :math:`\beta^{-1} H_1(1/K)`; with it the energy is non-negative for
    every alpha. ``n`` is a tensor of counts (0 gives 0).
    """
    n = n.clamp_min(1)
    if isinstance(alpha, float) and alpha == 1.0:
        return torch.log(n)
    return (1.0 - n ** (1.0 - alpha)) / (alpha * (alpha - 1.0))


# ---------------------------------------------------------------------------------
# The maps themselves, on rows with at least one finite score


def _softmax(z, dim):
    return torch.softmax(z, dim)


def _sparsemax(z, dim):
    work = _working_dtype(z)
    x = z.to(work)
    x_sorted = x.sort(dim, descending=True).values
    excess = x_sorted.cumsum(dim) - 1.0
    shape = [1] * x.dim()
    shape[dim] = x.shape[dim]
    k = torch.arange(1, x.shape[dim] + 1, device=x.device, dtype=work).view(shape)
    support = (k * x_sorted > excess).sum(dim, keepdim=True)
    tau = excess.gather(dim, support - 1) / support.to(work)
    return torch.clamp(x - tau, min=0.0).to(z.dtype)


def _entmax_bisect(z, dim, alpha):
    work = _working_dtype(z)
    if isinstance(alpha, torch.Tensor):
        alpha = alpha.to(work)
    return _Entmax.apply(z.to(work), alpha, dim).to(z.dtype)


class _Entmax(torch.autograd.Function):
    r"""alpha-entmax on rows with at least one finite score, with derivatives of every
    order.

    Forward: tau by bisection, refined by one Newton step, and the weights renormalised.
    Backward, on the support (p_i > 0), with :math:`s_i = p_i^{2-\alpha}` (Peters, Niculae
    & Martins 2019, Prop. 1; Correia, Niculae & Martins 2019, Prop. 1):

    .. math::

        \frac{\partial p}{\partial z} = \operatorname{diag}(s) - \frac{s s^T}{\sum_j s_j},
        \qquad
        \frac{\partial p_i}{\partial \alpha} = \frac{-p_i \ln p_i
        + s_i (z_i - \tau')}{\alpha - 1},
        \quad \tau' = \frac{\sum_j s_j z_j - \sum_j p_j \ln p_j}{\sum_j s_j} ,

    from differentiating :math:`p_i = ((\alpha - 1) z_i - \tau)^{1/(\alpha-1)}` under
    :math:`\sum_i p_i = 1`. The backward is written in differentiable operations on z,
    alpha and the saved output p, so that autograd differentiates it again: second
    derivatives (``create_graph=True``) are exact.
    """

    @staticmethod
    def forward(ctx, z, alpha, dim):
        p = _entmax_weights(z, alpha, dim)
        ctx.dim = dim
        ctx.alpha_is_tensor = isinstance(alpha, torch.Tensor)
        ctx.save_for_backward(z, p, alpha if ctx.alpha_is_tensor else None)
        ctx.alpha = None if ctx.alpha_is_tensor else alpha
        return p

    @staticmethod
    def backward(ctx, grad):
        z, p, alpha_tensor = ctx.saved_tensors
        alpha = alpha_tensor if ctx.alpha_is_tensor else ctx.alpha
        dim = ctx.dim
        support = p > 0
        s = _power(p, 2.0 - alpha, support)
        s_sum = s.sum(dim, keepdim=True)
        grad_z = s * grad - s * (s * grad).sum(dim, keepdim=True) / s_sum
        grad_alpha = None
        if ctx.needs_input_grad[1]:
            z_on = torch.where(support, z, 0.0)
            p_log_p = torch.where(support, p * torch.log(torch.where(support, p, 1.0)), 0.0)
            tau_slope = (
                (s * z_on).sum(dim, keepdim=True) - p_log_p.sum(dim, keepdim=True)
            ) / s_sum
            dp_dalpha = (s * (z_on - tau_slope) - p_log_p) / (alpha - 1.0)
            grad_alpha = (grad * dp_dalpha).sum_to_size(alpha_tensor.shape)
        return grad_z, grad_alpha, None


def _entmax_weights(z, alpha, dim):
    """The entmax weights of scores z (no gradient): bisection on tau to the resolution of
    the dtype, one Newton step, renormalisation. Masked scores (-inf) get weight 0."""
    kept = z > -torch.inf
    a1 = alpha - 1.0
    x = torch.where(kept, z, 0.0) * a1
    top = torch.where(kept, x, -torch.inf).amax(dim, keepdim=True)
    n = kept.sum(dim, keepdim=True).to(z.dtype)
    lo, hi = top - 1.0, top - n ** (-a1)
    for _ in range(_bisection_steps(z.dtype)):
        tau = 0.5 * (lo + hi)
        too_low = _weights(x - tau, kept, a1).sum(dim, keepdim=True) >= 1.0
        lo = torch.where(too_low, tau, lo)
        hi = torch.where(too_low, hi, tau)
    tau = 0.5 * (lo + hi)
    slope = _weights_slope(x - tau, kept, a1).sum(dim, keepdim=True)
    tau = tau + (_weights(x - tau, kept, a1).sum(dim, keepdim=True) - 1.0) / slope
    p = _weights(x - tau, kept, a1)
    return p / p.sum(dim, keepdim=True)


def _power(p, exponent, support):
    """p ** exponent on the support, 0 elsewhere; gradients finite everywhere."""
    return torch.where(support, torch.exp(exponent * torch.log(torch.where(support, p, 1.0))), 0.0)


def _weights(u, kept, a1):
    """u_+^(1 / a1), exactly 0 where u <= 0 or the entry is masked."""
    return _power(u, 1.0 / a1, kept & (u > 0))


def _weights_slope(u, kept, a1):
    """d/du u_+^(1 / a1) = u_+^(1/a1 - 1) / a1."""
    return _power(u, 1.0 / a1 - 1.0, kept & (u > 0)) / a1


def _tsallis(p, alpha, dim):
    """H_alpha(p) = (1 - sum_i p_i^alpha) / (alpha (alpha - 1)) for p on the simplex."""
    p_alpha = _power(p, alpha, p > 0)
    return (1.0 - p_alpha.sum(dim, keepdim=True)) / (alpha * (alpha - 1.0))


def _bisection_steps(dtype):
    """Halvings of an interval of length < 1 down to the resolution of ``dtype``."""
    return math.ceil(-math.log2(torch.finfo(dtype).eps)) + 2


def _working_dtype(z):
    """float32 for half-precision scores, the scores' own dtype otherwise."""
    return z.dtype if z.dtype in (torch.float32, torch.float64) else torch.float32


def _guard_rows(separation, z, dim, *args):
    """``separation`` on z, with rows in which every score is -inf set to 0 and rows
    holding a NaN set to NaN (as the softmax does): a NaN score is never taken for a
    masked one."""
    empty = (z == -torch.inf).all(dim, keepdim=True)
    nan = torch.isnan(z).any(dim, keepdim=True)
    p = separation(z.masked_fill(empty | nan, 0.0), dim, *args)
    return p.masked_fill(empty, 0.0).masked_fill(nan, torch.nan)


def _check_scores(z, dim):
    if not isinstance(z, torch.Tensor) or not z.is_floating_point():
        fail("z", "a floating-point torch.Tensor", describe(z), error=TypeError)
    if z.dim() == 0 or not -z.dim() <= dim < z.dim():
        fail("dim", f"an axis of z (shape {tuple(z.shape)})", dim)


def check_alpha(alpha, shape, dim):
    """alpha as a float in [1, 2] (the domain of the NumPy entmax, checked by the same
    `assoc.models.modern.check_entmax_alpha`), or a tensor broadcasting against scores
    of ``shape`` with size 1 on ``dim`` (its values, on the device, are not read)."""
    if isinstance(alpha, torch.Tensor):
        return check_broadcast("alpha", alpha, shape, dim)
    if not isinstance(alpha, numbers.Real):
        fail("alpha", "a float or a floating-point tensor", describe(alpha), error=TypeError)
    return check_entmax_alpha(alpha)
