"""Every bad input raises a clear ValueError/TypeError naming the argument."""

import re

import numpy as np
import pytest

from assoc import Hopfield, patterns
from assoc.models import (
    DendriticNeurons,
    DenseHopfield,
    ModernHopfield,
    Multitask,
    PSpinHopfield,
    Sparsey,
    SparseyHierarchy,
    entmax,
    hebb,
    pseudo_inverse,
    sparsemax,
    sparsey,
    storkey,
)
from assoc.models.sparsey import patches
from theory import dendritic as theory_dendritic
from theory import dense as theory_dense
from theory import hopfield as theory_hopfield
from theory import modern as theory_modern
from theory import multitask as theory_multitask
from theory import sparsey as theory_sparsey

xi = patterns.random_spins(5, 20, rng=0)
F1, F2 = patches((8, 8), 4, 2), np.arange(9)[None]
VARIANT = theory_sparsey.VARIANTS["2014"]
xi_sphere = patterns.spherical(5, 8, radius=10.0, rng=0)
net = Hopfield(20).store(xi)
sdrs = patterns.sdr(4, 70, 5, rng=0)
mac = Sparsey(70, Q=4, cells=3).store(sdrs, rng=0)
V = sparsey.local_support(sparsey.normalised_sums(sparsey.input_sums(mac.weights, sdrs), 5))

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
    (lambda: PSpinHopfield(500, 400), ValueError, "p must be one whose fields"),
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
    # issue 16: the couplings, separations and CSA steps that took anything
    (lambda: hebb(xi.astype(str)), TypeError, "xi must be an array of dtype kind"),
    (lambda: hebb(xi * 2), ValueError, "xi must be an array with entries in"),
    (lambda: storkey(xi.astype(complex)), TypeError, "xi must be an array of dtype kind"),
    (lambda: storkey(patterns.diluted_spins(3, 20, 0.5, rng=0)), ValueError, "xi must be"),
    (lambda: pseudo_inverse(np.where(xi > 0, np.nan, 1.0)), TypeError, "xi must be an array"),
    (lambda: sparsemax(np.array([[0.5, np.nan]])), ValueError, "a must be finite"),
    (lambda: sparsemax(np.array([1j, 2j])), TypeError, "a must be an array of dtype kind"),
    (lambda: entmax(np.array(["1", "2"])), TypeError, "a must be an array of dtype kind"),
    (lambda: entmax(np.zeros((2, 0))), ValueError, "a must be an array of shape (..., P)"),
    (lambda: sparsey.familiarity(V * 2, 4), ValueError, "V must be an array of entries in"),
    (lambda: sparsey.familiarity(V, 5), ValueError, "V must be an array of shape (..., Q cells)"),
    (lambda: sparsey.input_sums(mac.weights, sdrs.astype(int)), TypeError, "x must be"),
    (lambda: sparsey.expansivity(np.nan, sparsey.TRANSFORMS["2014"]), ValueError, "G must"),
    (lambda: sparsey.win_probabilities(-V - 1, 4), ValueError, "likelihood must be positive"),
    (lambda: sparsey.choose_winners(V, V, 4, u=np.full((4, 3), 0.5)), ValueError, "u must"),
    # flags that took any object, and the active-bit count of the SDR packing
    (
        lambda: Multitask(20).learn(patterns.noisy_examples(xi, 2, 0.5), r=0.5, supervised="no"),
        TypeError,
        "supervised must be True or False",
    ),
    (lambda: Sparsey(70).store(sdrs, add=1), TypeError, "add must be True or False"),
    (lambda: mac.csa(sdrs[0], learning=None), TypeError, "learning must be True or False"),
    (lambda: net.recall(xi[0], trace="yes"), TypeError, "trace must be True or False"),
    (lambda: Sparsey(70, sequences=0), TypeError, "sequences must be True or False"),
    (lambda: patterns.pack_sdr(sdrs, w=5.0), TypeError, "w must be an integer"),
    (lambda: patterns.unpack_sdr(patterns.pack_sdr(sdrs), 70, w=[5]), TypeError, "w must be"),
    # theory functions that took strings, bools, complex and NaN
    (lambda: theory_sparsey.expansivity("0.5", **VARIANT), TypeError, "G must be an array of"),
    (lambda: theory_sparsey.relative_likelihood(0.5, 1j, **VARIANT), TypeError, "expansivity"),
    (lambda: theory_sparsey.relative_likelihood(0.5, np.nan, **VARIANT), ValueError, "expansiv"),
    (lambda: theory_dendritic.exact_match_probability(20, 3, exact=1), TypeError, "exact must"),
    (lambda: theory_multitask.global_minimum("0.3", 0.0, 2), TypeError, "d must be an array"),
    (lambda: theory_multitask.regime(np.array([True, False])), TypeError, "m must be an array"),
    (lambda: theory_multitask.solutions(0.3, 0.0, 2, rng=-1), ValueError, "rng must be"),
    (lambda: theory_hopfield.rs_path(0.05, branch=["retrieval"]), TypeError, "branch must be"),
    # hangs: capacity at one cell per CM or a tiny exact; dense theory at huge degrees
    (lambda: theory_sparsey.capacity(1000, 20, 24, 1), ValueError, "exact must be above"),
    (lambda: theory_sparsey.capacity(200, 10, 6, 4, exact=1e-300), ValueError, "exact must be"),
    (lambda: theory_dense.crosstalk(20, 5, 10**12), ValueError, "n must be in [2, 20]"),
    (lambda: theory_dense.P_max(10**4, 10**6), ValueError, "n must be in [2, 76]"),
    (lambda: theory_dense.T_max(10**12), ValueError, "p must be in [2, 171]"),
    (lambda: theory_dense.alpha_c(10**9), ValueError, "p must be in [2, 171]"),
    (lambda: theory_dense.exponential_P_max(10**6), ValueError, "N must be small enough"),
    # integers beyond int64, which reached NumPy, Numba or OverflowError
    (lambda: patterns.random_spins(2**64, 5), ValueError, "P must be in [1, 9223372036854775807]"),
    (lambda: patterns.sdr_indices(2, 2**70, 3), ValueError, "N must be in"),
    (lambda: Hopfield(20).recall(xi[0], max_sweeps=2**64), ValueError, "has no stored"),
    (lambda: net.recall(xi[0], max_sweeps=2**64), ValueError, "max_sweeps must be in"),
    (lambda: theory_dendritic.sdr_count(2**64, 3), ValueError, "N must be in"),
    # empty batches: ZeroDivisionError at T > 0, reshape errors for SDRs and images
    (
        lambda: Hopfield(20, T=1.0).store(xi).recall(xi[:0], sweeps=2),
        ValueError,
        "cue must be at least one state",
    ),
    (
        lambda: (
            DendriticNeurons(70, 2)
            .store(patterns.sdr_indices(2, 70, 5, rng=0))
            .recall(np.empty((0, 5), np.int64))
        ),
        ValueError,
        "cue must be at least one state",
    ),
    (lambda: mac.recall(sdrs[:0]), ValueError, "cue must be at least one state"),
    (
        lambda: SparseyHierarchy(16, [patches((4, 4), 2, 2)], Q=3, cells=2).store(
            np.zeros((0, 16), bool)
        ),
        ValueError,
        "xi must be at least one state",
    ),
    # the p-spin model where float64 cannot hold its fields
    (lambda: PSpinHopfield(200, 120), ValueError, "p must be one whose fields float64 holds"),
    (lambda: PSpinHopfield(200, 170), ValueError, "the largest p below this one that passes"),
    (lambda: DenseHopfield(10, n=10**12), ValueError, "n <= 289 for N = 10"),
    # foreign array kinds, lists for choices, negative seeds, sizes beyond memory
    (lambda: net.recall(np.asmatrix(xi[:2])), TypeError, "cue must be a numpy array (not a"),
    (lambda: patterns.flip(np.ma.masked_array(xi), 0.1), TypeError, "s must be a numpy array"),
    (lambda: Hopfield(20, rule=["hebb"]), TypeError, "rule must be one of"),
    (lambda: ModernHopfield(separation=["sparsemax"]), TypeError, "separation must be one of"),
    (lambda: patterns.random_spins(2, 5, rng=-1), ValueError, "rng must be None, a non-negat"),
    (lambda: patterns.random_spins(10**12, 10), ValueError, "fit in memory"),
    (lambda: patterns.random_spins(10**12, 10), ValueError, "(1000000000000, 10)"),
    (lambda: Sparsey(10**12), ValueError, "N, Q, cells must be small enough"),
    (lambda: patches((10**12, 10**12), 2, 2), ValueError, "shape must be small enough"),
    # theory at extreme parameters: refused where float64 cannot hold the result
    (lambda: theory_dense.alpha_from_full_power(1e308, 5), ValueError, "alpha must be such"),
    (lambda: theory_hopfield.rs_spin_glass(5e-324), ValueError, "alpha must be such that"),
    (lambda: theory_hopfield.energy(1e308, 0.2, 1.0, 0.05), ValueError, "m must be in [-1.0"),
    (lambda: theory_modern.separation_threshold(10, 5e-324, 2.0), ValueError, "beta must be"),
    (lambda: theory_multitask.dataset_entropy(5, 1e-200), ValueError, "r must be such that"),
    (lambda: theory_multitask.onset_temperatures(1e-300, 3), ValueError, "d must be 0 or"),
]


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, on purpose
@pytest.mark.parametrize(("call", "error", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_is_rejected_clearly(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
