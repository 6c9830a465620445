"""Every bad input raises a clear ValueError/TypeError naming the argument."""

import re

import numpy as np
import pytest

from assoc import Hopfield, patterns
from assoc.models import (
    DenseHopfield,
    ModernHopfield,
    Multitask,
    PSpinHopfield,
    SparseyHierarchy,
)
from assoc.models.sparsey import patches
from theory import multitask as theory_multitask
from theory import sparsey as theory_sparsey

xi = patterns.random_spins(5, 20, rng=0)
F1, F2 = patches((8, 8), 4, 2), np.arange(9)[None]
VARIANT = theory_sparsey.VARIANTS["2014"]
xi_sphere = patterns.spherical(5, 8, radius=10.0, rng=0)
net = Hopfield(20).store(xi)

BAD = [
    # (call, error, message)
    (lambda: patterns.random_spins(0, 10), ValueError, "P must be in"),
    (lambda: patterns.random_spins(3, 2.5), TypeError, "N must be an integer"),
    (lambda: patterns.random_spins(True, 5), TypeError, "P must be an integer"),
    (lambda: patterns.biased_spins(3, 5, 1.5), ValueError, "a must be in"),
    (lambda: patterns.diluted_spins(3, 5, -0.1), ValueError, "d must be in"),
    (lambda: patterns.diluted_spins(3, 5, np.nan), ValueError, "d must be a finite"),
    (lambda: patterns.sdr(3, 10, 11), ValueError, "w must be in"),
    (lambda: patterns.gaussian(3, 5, sigma=0.0), ValueError, "sigma must be in"),
    (lambda: patterns.spherical(3, 5, radius=-1.0), ValueError, "radius must be in"),
    (lambda: patterns.noisy_examples(xi, 3, 1.2), ValueError, "r must be in"),
    (lambda: patterns.noisy_examples(xi, 0, 0.5), ValueError, "M must be in"),
    (lambda: patterns.flip(xi, 1.5), ValueError, "fraction must be in"),
    (lambda: patterns.flip(xi.astype(np.int64), 0.1), TypeError, "s must be an int8 array"),
    (lambda: patterns.flip(xi * 2, 0.1), ValueError, "s must be an array with entries in"),
    (lambda: patterns.flip(xi.astype(float), 0.1), TypeError, "s must be an array of dtype"),
    (lambda: patterns.mask([1, -1], 0.1), TypeError, "s must be a numpy array"),
    (lambda: patterns.add_noise(np.array([1.0, np.nan]), 0.1), ValueError, "x must be finite"),
    (lambda: patterns.overlap(xi, xi[:, :5]), ValueError, "s must be an array of shape"),
    (lambda: patterns.overlap(xi, xi[0] > 0), TypeError, "same family as xi"),
    (lambda: patterns.random_spins(2, 5, rng="seed"), TypeError, "rng must be None"),
    (lambda: Hopfield(0), ValueError, "N must be in"),
    (lambda: Hopfield(10, T=-1.0), ValueError, "T must be in"),
    (lambda: Hopfield(10, rule="hebbian"), ValueError, "rule must be one of"),
    (lambda: Hopfield(10, rule="storkey", fields="overlaps"), ValueError, "fields must be"),
    (lambda: Hopfield(10).recall(xi[0, :10]), ValueError, "has no stored patterns"),
    (lambda: Hopfield(10).store(xi), ValueError, "xi must be an array with last axis N = 10"),
    (lambda: Hopfield(20).store(xi[0]), ValueError, "xi must be an array with ndim"),
    (lambda: net.recall(xi[0, :10]), ValueError, "cue must be an array with last axis"),
    (lambda: net.recall(xi[0].astype(np.float32)), TypeError, "cue must be an array of dtype"),
    (
        lambda: net.recall(np.full(20, 3, np.int8)),
        ValueError,
        "cue must be an array with entries in",
    ),
    (lambda: net.recall(xi[0], dynamics="parallel"), ValueError, "dynamics must be one of"),
    (lambda: net.recall(xi[0], max_sweeps=0), ValueError, "max_sweeps must be in"),
    (lambda: Hopfield(20, T=1.0).store(xi).recall(xi[0]), ValueError, "sweeps must be"),
    (
        lambda: Hopfield(20, T=1.0).store(xi).recall(xi[0], sweeps=5, dynamics="sync"),
        ValueError,
        "dynamics must be",
    ),
    (lambda: net.energy(xi[:, :3]), ValueError, "s must be an array with last axis"),
    # the other models' inputs that reached Numba, NumPy or ZeroDivisionError before
    (lambda: Multitask(20).learn(np.ones((1, 0, 20), np.int8), r=0.5), ValueError, "eta must"),
    (lambda: DenseHopfield(20, F="exponential").store(xi[:0]), ValueError, "xi must be at"),
    (lambda: PSpinHopfield(500, 400), ValueError, "p must be in"),
    (lambda: SparseyHierarchy(64, [F1, F2], bands=(2, None)), ValueError, "bands[0] must be"),
    (lambda: SparseyHierarchy(64, [F1], bands=[(100, None)]), ValueError, "bands[0][0] must"),
    (lambda: SparseyHierarchy(64, [F1[:0]]), ValueError, "fields[0] must be at least one"),
    (lambda: patches(8, 4, 2), ValueError, "shape must be a (height, width) pair"),
    (
        lambda: theory_sparsey.stored_win_probability(np.nan, 8, **VARIANT),
        ValueError,
        "similarity must",
    ),
    (lambda: theory_sparsey.expansivity(0.5, **(VARIANT | {"G_minus": 1.0})), ValueError, "G_"),
    (
        lambda: ModernHopfield(beta=1e307).store(xi_sphere).update(xi_sphere[0]),
        ValueError,
        "beta must be",
    ),
    (lambda: DenseHopfield(20, F="exponential", n=3), ValueError, "n does not apply"),
    (lambda: ModernHopfield(entmax_alpha=1.5), ValueError, "entmax_alpha does not apply"),
    (
        lambda: ModernHopfield(separation="entmax", entmax_alpha=2.5),
        ValueError,
        "entmax_alpha must be in [1.0, 2.0]",
    ),
    (lambda: patterns.sdr_subsample(np.array([[3, 5, 3]]), 2), ValueError, "3 twice in row 0"),
    (lambda: theory_multitask.learned_solutions(0.2, 0.0, 8, 10, 0.5), ValueError, "P must"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
