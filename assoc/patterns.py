r"""Pattern families, corruptions and overlaps: one place for every model.

Every function that draws takes ``rng`` (None, an int seed, a SeedSequence or a
``numpy.random.Generator``) and consumes only that stream. Shapes follow the
shared API: patterns ``xi`` are ``(P, N)``, states ``s`` are ``(N,)`` or a batch
``(B, N)``.

=====================  =======================================  ======================
family                 function                                 dtype
=====================  =======================================  ======================
random spins           :func:`random_spins`                     int8 in {-1, +1}
biased spins           :func:`biased_spins`                     int8 in {-1, +1}
diluted spins          :func:`diluted_spins`                    int8 in {-1, 0, +1}
SDRs (w of n active)   :func:`sdr`                              bool
Gaussian               :func:`gaussian`                         float32
spherical              :func:`spherical`                        float32
noisy examples         :func:`noisy_examples`                   int8
=====================  =======================================  ======================
"""

from __future__ import annotations

import numpy as np

from ._validation import as_generator, check_array, check_int, check_real, check_spins, fail

__all__ = [
    "add_noise",
    "biased_spins",
    "diluted_spins",
    "flip",
    "gaussian",
    "hamming",
    "mask",
    "noisy_examples",
    "overlap",
    "random_spins",
    "sdr",
    "spherical",
]


def _sizes(P, N, n_name="N"):
    return check_int("P", P, low=1), check_int(n_name, N, low=1)


def random_spins(P, N, *, rng=None):
    """Unbiased random patterns, xi_i^mu = +-1 with probability 1/2 each.

    Returns
    -------
    ndarray of shape (P, N), int8
    """
    P, N = _sizes(P, N)
    return as_generator(rng).choice(np.array([-1, 1], dtype=np.int8), size=(P, N))


def biased_spins(P, N, a, *, rng=None):
    """Biased patterns with mean ``a``: P(xi = +1) = (1 + a) / 2.

    Parameters
    ----------
    a : float
        Mean activity, -1 <= a <= 1 (Amit, Gutfreund & Sompolinsky, PRA 35, 2293 (1987)).
    """
    P, N = _sizes(P, N)
    a = check_real("a", a, low=-1.0, high=1.0)
    up = as_generator(rng).random((P, N)) < 0.5 * (1.0 + a)
    return np.where(up, 1, -1).astype(np.int8)


def diluted_spins(P, N, d, *, rng=None):
    """Diluted patterns in {-1, 0, +1}: P(0) = d, P(+1) = P(-1) = (1 - d) / 2.

    The archetypes of the multitasking network (Agliari et al., PRL 109, 268101 (2012)).
    """
    P, N = _sizes(P, N)
    d = check_real("d", d, low=0.0, high=1.0)
    g = as_generator(rng)
    sign = g.choice(np.array([-1, 1], dtype=np.int8), size=(P, N))
    return np.where(g.random((P, N)) < d, np.int8(0), sign).astype(np.int8)


def sdr(P, n, w, *, rng=None):
    """Sparse distributed representations: P binary patterns of n bits, exactly w active.

    Returns
    -------
    ndarray of shape (P, n), bool
    """
    P, n = _sizes(P, n, "n")
    w = check_int("w", w, low=0, high=n)
    keys = as_generator(rng).random((P, n))
    active = np.argpartition(keys, w - 1, axis=1)[:, :w] if w else np.empty((P, 0), int)
    out = np.zeros((P, n), dtype=bool)
    np.put_along_axis(out, active, True, axis=1)
    return out


def gaussian(P, N, *, sigma=1.0, rng=None):
    """Continuous patterns with i.i.d. entries N(0, sigma^2), float32."""
    P, N = _sizes(P, N)
    sigma = check_real("sigma", sigma, low=0.0, closed=(False, True))
    return (sigma * as_generator(rng).standard_normal((P, N))).astype(np.float32)


def spherical(P, N, *, radius=1.0, rng=None):
    """Continuous patterns uniform on the sphere ||x|| = radius in R^N, float32.

    The stored patterns of the modern Hopfield network's capacity theorem (Ramsauer et
    al., arXiv:2008.02217, Theorem 3).
    """
    P, N = _sizes(P, N)
    radius = check_real("radius", radius, low=0.0, closed=(False, True))
    x = as_generator(rng).standard_normal((P, N))
    return (radius * x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def noisy_examples(xi, M, r, *, rng=None):
    r"""M noisy examples of each archetype: eta^{mu,a}_i = chi^{mu,a}_i xi^mu_i.

    P(chi = +1) = (1 + r) / 2, P(chi = -1) = (1 - r) / 2, so E[eta xi] = r xi^2; blank
    entries (xi = 0) stay blank (Agliari et al., J. Stat. Mech. (2023) 113401).

    Parameters
    ----------
    xi : ndarray of shape (K, N), int8 in {-1, 0, +1}
        Archetypes.
    M : int
        Examples per archetype.
    r : float
        Quality of the examples, 0 <= r <= 1.

    Returns
    -------
    ndarray of shape (K, M, N), int8
    """
    check_spins("xi", xi, ndim=(2,), zeros=True)
    M = check_int("M", M, low=1)
    r = check_real("r", r, low=0.0, high=1.0)
    K, N = xi.shape
    keep = as_generator(rng).random((K, M, N)) < 0.5 * (1.0 + r)
    return np.where(keep, xi[:, None, :], -xi[:, None, :]).astype(np.int8)


def flip(s, fraction, *, rng=None):
    """Flip the sign of exactly round(fraction * N) randomly chosen entries of each state.

    Zeros of diluted states stay zero. A cue made from a pattern this way has overlap
    m = 1 - 2 fraction with it (for +-1 spins). Returns a new array.
    """
    check_spins("s", s, ndim=(1, 2), zeros=True)
    fraction = check_real("fraction", fraction, low=0.0, high=1.0)
    chosen = _choose_entries(s.shape, fraction, as_generator(rng))
    out = s.copy()
    out[chosen] = -out[chosen]
    return out


def mask(s, fraction, *, rng=None):
    """Set exactly round(fraction * N) randomly chosen entries of each state to 0.

    Works on spins (int8) and continuous states (float). Returns a new array.
    """
    check_array("s", s, ndim=(1, 2), kinds="if")
    fraction = check_real("fraction", fraction, low=0.0, high=1.0)
    out = s.copy()
    out[_choose_entries(s.shape, fraction, as_generator(rng))] = 0
    return out


def add_noise(x, sigma, *, rng=None):
    """x + N(0, sigma^2) noise, entrywise, for continuous states; keeps x's float dtype."""
    check_array("x", x, ndim=(1, 2), kinds="f")
    sigma = check_real("sigma", sigma, low=0.0)
    noise = as_generator(rng).standard_normal(x.shape)
    return (x + sigma * noise).astype(x.dtype)


def overlap(xi, s):
    r"""Mattis overlaps m_mu = (1/N) sum_i xi_i^mu s_i (SDRs: the count of shared active bits).

    Parameters
    ----------
    xi : ndarray of shape (P, N)
        Stored patterns.
    s : ndarray of shape (N,) or (B, N)
        States, of the same family as ``xi``.

    Returns
    -------
    ndarray of shape (P,) or (B, P), float64
    """
    check_array("xi", xi, ndim=(2,))
    check_array("s", s, ndim=(1, 2), shape=(None, xi.shape[1]))
    if (xi.dtype == bool) != (s.dtype == bool):
        fail(
            "s",
            f"of the same family as xi (dtype {xi.dtype})",
            f"dtype {s.dtype}",
            error=TypeError,
        )
    x = xi.astype(np.float64)
    m = s.astype(np.float64) @ x.T
    return m if xi.dtype == bool else m / xi.shape[1]


def hamming(a, b):
    """Number of entries in which ``a`` and ``b`` differ (along the last axis)."""
    check_array("a", a, ndim=(1, 2))
    check_array("b", b, ndim=(1, 2), shape=(None, a.shape[-1]))
    return np.count_nonzero(a != b, axis=-1)


def _choose_entries(shape, fraction, rng):
    """Boolean mask choosing exactly round(fraction * N) entries in each row."""
    N = shape[-1]
    k = round(fraction * N)
    keys = rng.random(shape)
    if k == 0:
        return np.zeros(shape, dtype=bool)
    threshold = np.partition(keys, k - 1, axis=-1)[..., k - 1 : k]
    return keys <= threshold
