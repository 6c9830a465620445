"""Tasks for the Hopfield layers (NumPy arrays; convert with ``torch.from_numpy``).

:func:`signal_bags` is a multiple-instance learning task in the spirit of the
bit-pattern demonstrations of Ramsauer et al. (ICLR 2021): a bag of +-1 bit patterns is
positive when one of its instances is a noisy copy of a signal pattern. Only the
presence of that one instance matters, wherever it sits in the bag, which is what an
attention (Hopfield) pooling learns and a mean over the bag dilutes.

The three example tasks of the ``hflayers`` code, written anew from their descriptions
(``notebooks/hflayers_examples.ipynb`` trains on them):

- :func:`bit_pattern_bags`: bags of 0/1 bit patterns, positive when one of a few signal
  patterns is implanted;
- :func:`latch_sequences`: one-hot sequences whose label is their first character, to
  be remembered across the sequence (Hochreiter & Schmidhuber 1997, the latch task);
- :func:`image_bags`: bags of images, positive when one shows a target digit (the
  MNIST-bags task of Ilse, Tomczak & Welling, ICML 2018, arXiv:1802.04712).
"""

from __future__ import annotations

import numpy as np

from .. import patterns
from .._validation import (
    as_generator,
    check_array,
    check_int,
    check_real,
    check_spins,
    fail,
)

__all__ = ["bit_pattern_bags", "image_bags", "latch_sequences", "signal_bags"]


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


def bit_pattern_bags(
    n_bags,
    *,
    n_instances=16,
    n_bits=8,
    n_signals=8,
    signals_per_bag=1,
    p_positive=0.5,
    rng=None,
):
    """Bags of random 0/1 bit patterns; a positive bag holds implanted signal patterns.

    The bit-pattern task of the ``hflayers`` demonstrations: ``n_signals`` distinct
    non-zero patterns are the signals; every other instance is a random non-zero pattern
    that is no signal (redrawn until it is neither); a positive bag gets
    ``signals_per_bag`` signals (drawn with replacement) at distinct random positions.
    A bag is positive exactly when it holds a signal, so a perfect classifier exists.

    Parameters
    ----------
    n_bags : int
    n_instances : int, default=16
        Instances per bag.
    n_bits : int, default=8
        Bits per instance; 2**n_bits - 1 > n_signals.
    n_signals : int, default=8
    signals_per_bag : int, default=1
        At most n_instances.
    p_positive : float, default=0.5
        Probability that a bag is positive.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    X : ndarray of shape (n_bags, n_instances, n_bits), int8 in {0, 1}
    y : ndarray of shape (n_bags,), bool
    signals : ndarray of shape (n_signals, n_bits), int8 in {0, 1}

    Examples
    --------
    >>> X, y, signals = bit_pattern_bags(4, rng=0)
    >>> X.shape, y.shape, signals.shape
    ((4, 16, 8), (4,), (8, 8))
    """
    n_bags = check_int("n_bags", n_bags, low=1)
    n_instances = check_int("n_instances", n_instances, low=1)
    n_bits = check_int("n_bits", n_bits, low=1, high=62)
    n_signals = check_int("n_signals", n_signals, low=1, high=2**n_bits - 2)
    signals_per_bag = check_int("signals_per_bag", signals_per_bag, low=1, high=n_instances)
    p_positive = check_real("p_positive", p_positive, low=0.0, high=1.0)
    g = as_generator(rng)
    weights = 1 << np.arange(n_bits, dtype=np.int64)
    codes = g.choice(2**n_bits - 1, size=n_signals, replace=False) + 1  # distinct, not 0
    signals = ((codes[:, None] & weights) > 0).astype(np.int8)

    X = g.integers(0, 2, size=(n_bags, n_instances, n_bits), dtype=np.int8)
    invalid = _invalid_instances(X, weights, codes)
    while invalid.any():
        X[invalid] = g.integers(0, 2, size=(int(invalid.sum()), n_bits), dtype=np.int8)
        invalid = _invalid_instances(X, weights, codes)
    y = g.random(n_bags) < p_positive
    for b in np.flatnonzero(y):
        where = g.choice(n_instances, size=signals_per_bag, replace=False)
        X[b, where] = signals[g.integers(0, n_signals, size=signals_per_bag)]
    return X, y, signals


def _invalid_instances(X, weights, codes):
    """Instances that are all zeros or a signal."""
    code = (X.astype(np.int64) * weights).sum(-1)
    return (code == 0) | np.isin(code, codes)


def latch_sequences(n_sequences, *, length=32, n_characters=20, rng=None):
    """One-hot sequences whose label is their first character, 0 or 1.

    The latch task of the ``hflayers`` demonstrations: the first character is the
    signal (0 or 1, with probability 1/2 each), every later one uniform on 2 ..
    n_characters - 1, so that the label must be carried over the whole sequence.

    Parameters
    ----------
    n_sequences : int
    length : int, default=32
    n_characters : int, default=20
        At least 3.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    X : ndarray of shape (n_sequences, length, n_characters), int8 one-hot
    y : ndarray of shape (n_sequences,), bool
        Whether the first character is 1.

    Examples
    --------
    >>> X, y = latch_sequences(3, length=5, n_characters=4, rng=0)
    >>> X.shape, bool((X[:, 0, 1] == y).all()), bool((X[:, 1:, :2] == 0).all())
    ((3, 5, 4), True, True)
    """
    n_sequences = check_int("n_sequences", n_sequences, low=1)
    length = check_int("length", length, low=1)
    n_characters = check_int("n_characters", n_characters, low=3)
    g = as_generator(rng)
    characters = g.integers(2, n_characters, size=(n_sequences, length))
    y = g.random(n_sequences) < 0.5
    characters[:, 0] = y
    X = (characters[..., None] == np.arange(n_characters)).astype(np.int8)
    return X, y


def image_bags(images, labels, n_bags, *, target=9, mean_size=10, sd_size=2, rng=None):
    """Bags of images drawn at random; a bag is positive when one shows ``target``.

    The MNIST-bags task of Ilse, Tomczak & Welling (ICML 2018): bag sizes drawn from a
    normal distribution, rounded (at least 1), images drawn at random from ``images``;
    the label says whether the bag holds an image of the target digit. Bags are padded
    to the largest with zero images.

    Parameters
    ----------
    images : ndarray of shape (n, ...), numeric
        The images to draw from (scikit-learn's digits, say: (1797, 8, 8)).
    labels : ndarray of shape (n,), int
        Their labels.
    n_bags : int
    target : int, default=9
        The label that makes a bag positive.
    mean_size, sd_size : float, default=10, 2
        Of the normal distribution of the bag sizes.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    X : ndarray of shape (n_bags, largest, ...), the dtype of images
    padding : ndarray of shape (n_bags, largest), bool
        True where a row is padding (the ``stored_pattern_padding_mask`` of the layers).
    y : ndarray of shape (n_bags,), bool

    Examples
    --------
    >>> import numpy as np
    >>> images, labels = np.zeros((20, 8, 8)), np.arange(20) % 10
    >>> X, padding, y = image_bags(images, labels, 5, rng=0)
    >>> X.shape[0], X.shape[2:], padding.shape[0], y.dtype
    (5, (8, 8), 5, dtype('bool'))
    """
    check_array("images", images, kinds="iuf")
    if images.ndim < 2 or images.shape[0] == 0:
        fail("images", "an array of shape (n, ...) of at least one image", f"shape {images.shape}")
    check_array("labels", labels, ndim=(1,), shape=(images.shape[0],), kinds="iu")
    n_bags = check_int("n_bags", n_bags, low=1)
    target = check_int("target", target)
    mean_size = check_real("mean_size", mean_size, low=1.0)
    sd_size = check_real("sd_size", sd_size, low=0.0)
    g = as_generator(rng)
    sizes = np.maximum(1, np.round(g.normal(mean_size, sd_size, n_bags))).astype(np.int64)
    largest = int(sizes.max())
    chosen = g.integers(0, images.shape[0], size=(n_bags, largest))
    padding = np.arange(largest)[None, :] >= sizes[:, None]
    X = np.where(padding.reshape(*padding.shape, *[1] * (images.ndim - 1)), 0, images[chosen])
    y = ((labels[chosen] == target) & ~padding).any(1)
    return X.astype(images.dtype), padding, y
