"""Synthetic tasks for the Hopfield layers (NumPy arrays; convert with ``torch.from_numpy``).

:func:`signal_bags` is a multiple-instance learning task in the spirit of the
bit-pattern demonstrations of Ramsauer et al. (ICLR 2021): a bag of +-1 bit patterns is
positive when one of its instances is a noisy copy of a signal pattern. Only the
presence of that one instance matters, wherever it sits in the bag, which is what an
attention (Hopfield) pooling learns and a mean over the bag dilutes.
"""

from __future__ import annotations

import numpy as np

from .. import patterns
from .._validation import as_generator, check_int, check_real, check_spins, fail

__all__ = ["signal_bags"]


def signal_bags(
    n_bags, signal, *, bag_sizes=(4, 12), p_positive=0.5, flips=1, min_distance=3, rng=None
):
    """Bags of random +-1 patterns; a positive bag holds one noisy copy of ``signal``.

    Parameters
    ----------
    n_bags : int
        Number of bags.
    signal : ndarray of shape (N,), int8
        The signal pattern.
    bag_sizes : (int, int), default=(4, 12)
        Smallest and largest number of instances; each bag's size is uniform between
        them, and bags are padded to the largest.
    p_positive : float, default=0.5
        Probability that a bag is positive.
    flips : int, default=1
        Bits of the signal flipped in its copy (a fresh choice per positive bag).
    min_distance : int, default=3
        Every other instance differs from the signal in at least this many bits
        (resampled until it does), so that no negative bag holds a signal by chance;
        must exceed ``flips``.
    rng : None, int, SeedSequence or Generator
        Consumed for the instances, the sizes, the labels, the positions and the flips.

    Returns
    -------
    X : ndarray of shape (n_bags, bag_sizes[1], N), int8
        The instances (padding rows are random patterns too).
    padding : ndarray of shape (n_bags, bag_sizes[1]), bool
        True where a row is padding (the ``stored_pattern_padding_mask`` of the layers).
    y : ndarray of shape (n_bags,), bool
        Whether the bag holds the signal.

    Examples
    --------
    >>> from assoc import patterns
    >>> signal = patterns.random_spins(1, 16, rng=0)[0]
    >>> X, padding, y = signal_bags(5, signal, rng=1)
    >>> X.shape, padding.shape, y.shape
    ((5, 12, 16), (5, 12), (5,))
    """
    n_bags = check_int("n_bags", n_bags, low=1)
    signal = check_spins("signal", signal, ndim=(1,))
    N = signal.shape[0]
    if not (isinstance(bag_sizes, (tuple, list)) and len(bag_sizes) == 2):
        fail("bag_sizes", "a pair (smallest, largest)", repr(bag_sizes), error=TypeError)
    smallest = check_int("bag_sizes[0]", bag_sizes[0], low=1)
    largest = check_int("bag_sizes[1]", bag_sizes[1], low=smallest)
    p_positive = check_real("p_positive", p_positive, low=0.0, high=1.0)
    flips = check_int("flips", flips, low=0, high=N)
    min_distance = check_int("min_distance", min_distance, low=flips + 1, high=N)
    g = as_generator(rng)

    X = patterns.random_spins(n_bags * largest, N, rng=g).reshape(n_bags, largest, N)
    close = (X != signal).sum(-1) < min_distance
    while close.any():
        X[close] = patterns.random_spins(int(close.sum()), N, rng=g)
        close = (X != signal).sum(-1) < min_distance
    sizes = g.integers(smallest, largest + 1, n_bags)
    padding = np.arange(largest)[None, :] >= sizes[:, None]
    y = g.random(n_bags) < p_positive
    positive = np.flatnonzero(y)
    where = (g.random(positive.size) * sizes[positive]).astype(np.int64)
    copies = np.broadcast_to(signal, (positive.size, N)).copy()
    X[positive, where] = patterns.flip(copies, flips / N, rng=g)
    return X, padding, y
