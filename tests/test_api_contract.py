"""The model API as a checked contract (docs/api.md), in the spirit of scikit-learn's
``check_estimator``: every model in ``assoc.MODELS`` is held to the same promises.

A new model is added to ``CASES`` (how to build it, what it stores, what cues it takes)
and must pass every test here unchanged.
"""

from __future__ import annotations

import inspect
import json
import pickle
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pytest

import assoc
from assoc import patterns
from assoc.models.sparsey import patches

N = 64


@dataclass
class Case:
    """A model to check: ``make()`` builds it, ``xi`` is what it stores, ``cues`` a batch
    of three cues, ``recall`` the keyword arguments of a recall, ``refused`` calls that
    must raise the "does not apply" ValueError."""

    make: object
    xi: np.ndarray
    cues: np.ndarray
    store: dict = field(default_factory=dict)
    recall: dict = field(default_factory=dict)
    refused: tuple = ()


def _spins(P):
    xi = patterns.random_spins(P, N, rng=0)
    return xi, patterns.flip(xi[:3], 0.1, rng=1)


def _sdr(P, n=N * 4, w=12):
    xi = patterns.sdr(P, n, w, rng=0)
    return xi, xi[:3].copy()


def _cases():
    spins, spin_cues = _spins(4)
    dense, dense_cues = _spins(40)
    diluted = patterns.diluted_spins(2, N, 0.3, rng=0)
    X = patterns.spherical(20, 16, radius=4.0, rng=0).astype(np.float64)
    sdr, sdr_cues = _sdr(20)
    image = patterns.sdr(8, 64, 12, rng=0)
    fields = [patches((8, 8), 4, 4), np.arange(4)[None, :]]
    return {
        "Hopfield": Case(
            lambda: assoc.Hopfield(N),
            spins,
            spin_cues,
            refused=(
                lambda net: net.recall(spin_cues, sweeps=5),
                lambda net: net.recall(spin_cues, equilibrate=2),
            ),
        ),
        "Hopfield(T=0.5)": Case(
            lambda: assoc.Hopfield(N, T=0.5, rule="storkey"),
            spins,
            spin_cues,
            recall={"sweeps": 3},
            refused=(lambda net: net.recall(spin_cues, sweeps=3, max_sweeps=5),),
        ),
        "Multitask": Case(
            lambda: assoc.Multitask(N),
            diluted,
            patterns.random_spins(3, N, rng=1),
            refused=(lambda net: net.recall(spin_cues, sweeps=5),),
        ),
        "DenseHopfield": Case(
            lambda: assoc.DenseHopfield(N, n=3),
            dense,
            dense_cues,
            refused=(lambda net: net.recall(dense_cues, equilibrate=5),),
        ),
        "DenseHopfield(exponential)": Case(
            lambda: assoc.DenseHopfield(N, F="exponential", T=0.5),
            dense,
            dense_cues,
            recall={"sweeps": 2},
            refused=(lambda net: assoc.DenseHopfield(N, F="exponential", n=3),),
        ),
        "PSpinHopfield": Case(
            lambda: assoc.PSpinHopfield(N, p=3),
            dense,
            dense_cues,
            refused=(lambda net: net.recall(dense_cues, sweeps=5),),
        ),
        "ModernHopfield": Case(
            lambda: assoc.ModernHopfield(beta=2.0),
            X,
            patterns.add_noise(X[:3], 0.3, rng=1),
            refused=(lambda net: assoc.ModernHopfield(separation="softmax", entmax_alpha=1.5),),
        ),
        "DendriticNeurons": Case(
            lambda: assoc.DendriticNeurons(N * 4, theta=6, synapses=10, segments=2),
            sdr,
            sdr_cues,
            store={"rng": 3},
        ),
        "Sparsey": Case(lambda: assoc.Sparsey(N * 4, Q=6, cells=4), sdr, sdr_cues, {"rng": 3}),
        "SparseyHierarchy": Case(
            lambda: assoc.SparseyHierarchy(64, fields, Q=4, cells=4),
            image,
            image[:3].copy(),
            store={"rng": 3},
        ),
    }


CASES = _cases()
IDS = list(CASES)


@pytest.fixture(params=IDS)
def case(request):
    return CASES[request.param]


def stored(case):
    return case.make().store(case.xi, **case.store)


def test_every_model_has_a_case_and_is_importable_from_assoc():
    covered = {type(c.make()) for c in CASES.values()}
    assert set(assoc.MODELS) == covered
    for cls in assoc.MODELS:
        assert getattr(assoc, cls.__name__) is cls
        assert issubclass(cls, assoc.Memory)
    for name in ("Recall", "patterns", "mc", "load"):
        assert hasattr(assoc, name)


def test_store_returns_the_model_and_counts_the_patterns(case):
    net = case.make()
    assert net.store(case.xi, **case.store) is net
    assert net.P == case.xi.shape[0]


def test_recall_takes_cue_and_rng_first(case):
    parameters = inspect.signature(type(case.make()).recall).parameters
    names = list(parameters)
    assert names[1] == "cue"
    assert "rng" in parameters and parameters["rng"].default is None
    assert parameters["rng"].kind is inspect.Parameter.KEYWORD_ONLY


def test_single_cue_is_row_zero_of_a_batch_of_one(case):
    net = stored(case)
    one = net.recall(case.cues[0], rng=1, **case.recall)
    batch = net.recall(case.cues[:1], rng=1, **case.recall)
    assert not one.batched and batch.batched
    assert one == batch[0]


def test_results_have_the_documented_fields(case):
    net = stored(case)
    r = net.recall(case.cues, rng=1, **case.recall)
    B, P = case.cues.shape[0], net.P
    assert isinstance(r, assoc.Recall)
    assert r.s.shape[0] == B and r.s.ndim == 2
    assert r.m.shape == (B, r.m.shape[1]) and r.m.dtype == np.float64
    assert r.energy is None or (r.energy.shape == (B,) and r.energy.dtype == np.float64)
    assert r.sweeps.shape == (B,) and r.sweeps.dtype == np.int64
    assert r.converged.shape == (B,) and r.converged.dtype == np.bool_
    if isinstance(net, assoc.models.SpinMemory | assoc.ModernHopfield):
        assert r.m.shape == (B, P)
    ds = r.to_dataset()
    assert ds.sizes["cue"] == B and "s" in ds and "m" in ds
    assert ds["m"].dims[0] == "cue"


def test_results_compare_without_raising(case):
    net = stored(case)
    a = net.recall(case.cues, rng=1, **case.recall)
    b = net.recall(case.cues, rng=1, **case.recall)
    other = net.recall(case.cues[::-1].copy(), rng=1, **case.recall)
    assert a == b and not (a != b)
    assert (a == other) is False
    assert (a == "a string") is False


def test_reprs_are_one_short_line(case):
    net = case.make()
    for text in (repr(net), repr(stored(case))):
        assert "\n" not in text and len(text) < 120, text
    assert "nothing stored" in repr(net)
    assert f"{case.xi.shape[0]} patterns stored" in repr(stored(case))
    r = stored(case).recall(case.cues, rng=1, **case.recall)
    assert "\n" not in repr(r) and len(repr(r)) < 200, repr(r)
    assert "\n" not in repr(r[0])


def _public(net):
    """Public attributes and methods other than the parameters and the storing verbs."""
    verbs = {"store", "learn", "learn_sequences", "save", "load"}
    skip = {*type(net)._params, *type(net)._derived, *verbs}
    return [name for name in dir(type(net)) if not name.startswith("_") and name not in skip]


def test_before_store_everything_raises_the_same_error(case):
    net = case.make()
    message = f"{type(net).__name__} has no stored patterns; call store(xi) first"
    names = _public(net)
    assert "recall" in names and "P" in names
    for name in names:
        member = inspect.getattr_static(net, name)
        with pytest.raises(ValueError) as error:
            if isinstance(member, property):
                getattr(net, name)
            elif callable(member):
                getattr(net, name)(case.cues[0])
            else:
                continue
        assert str(error.value) == message, name
    with pytest.raises(ValueError, match="no stored patterns"):
        net.save("never-written.npz")


def test_options_that_do_not_apply_are_refused(case):
    net = stored(case)
    for call in case.refused:
        with pytest.raises(ValueError, match="does not apply"):
            call(net)


def test_save_and_load_give_the_same_model(case, tmp_path):
    net = stored(case)
    path = tmp_path / "model.npz"
    net.save(path)
    for loaded in (assoc.load(path), type(net).load(path), pickle.loads(pickle.dumps(net))):
        assert type(loaded) is type(net) and repr(loaded) == repr(net)
        a = net.recall(case.cues, rng=7, **case.recall)
        b = loaded.recall(case.cues, rng=7, **case.recall)
        assert a == b
        # and it goes on as the original would: store more, recall again
        c = loaded.store(case.xi, **case.store).recall(case.cues, rng=8, **case.recall)
        assert c == stored(case).recall(case.cues, rng=8, **case.recall)


def test_files_that_are_not_the_model_are_refused(case, tmp_path):
    net = stored(case)
    path = tmp_path / "model.npz"
    net.save(path)
    other = assoc.Hopfield(8) if not isinstance(net, assoc.Hopfield) else assoc.Sparsey(8)
    with pytest.raises(ValueError, match=f"must be a {type(other).__name__}"):
        type(other).load(path)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError, match="damaged or truncated"):
        assoc.load(truncated)
    newer = tmp_path / "newer.npz"
    with np.load(path) as f:
        arrays = {key: f[key] for key in f.files}
    meta = json.loads(str(arrays["__meta__"]))
    meta["format"] += 1
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez(newer, **arrays)
    with pytest.raises(ValueError, match="format"):
        assoc.load(newer)
    with zipfile.ZipFile(tmp_path / "empty.npz", "w"):
        pass
    with pytest.raises(ValueError, match="not a model saved by assoc"):
        assoc.load(tmp_path / "empty.npz")
