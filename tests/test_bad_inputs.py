"""Every public function of `assoc` (but `assoc.nn`) and of `theory`, fed bad values.

Each argument of each function gets the family of bad values of its kind: wrong types,
NaN and inf, values out of range or beyond int64, huge sizes, arrays of the wrong
shape, dtype or alphabet, empty batches, non-contiguous views, and the foreign array
kinds (lists, ``np.matrix``, masked arrays). Each value is either refused with a
`ValueError` or `TypeError` whose message names the argument, or gives the same result
as the well-formed call (a non-contiguous view, a numpy scalar), as its family says.

A new public function is covered by one line in `CASES`; `test_every_public_function_
has_a_case` fails until it has one. The default run feeds every value that must be
refused, and a seeded sample of the others, to every function; ``-m slow`` feeds all
of them.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import random
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import assoc
from assoc import mc, patterns
from assoc.models import (
    DendriticNeurons,
    DenseHopfield,
    Hopfield,
    ModernHopfield,
    Multitask,
    PSpinHopfield,
    Sparsey,
    SparseyHierarchy,
    sparsey,
)
from assoc.models import modern as modern_models
from theory import dendritic as td
from theory import dense as tdense
from theory import hopfield as th
from theory import modern as tm
from theory import multitask as tmt
from theory import sparsey as tsp

# extreme values warn of overflows on their way to a refusal or a finite limit
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

REFUSE = "refused"  # a ValueError/TypeError naming the argument
SAME = "same"  # the result of the well-formed call
REFUSE_OR_SAME = "refused or same"
REFUSE_OR_FINITE = "refused or finite"  # or any result free of NaN and inf
EXPECTATIONS = (REFUSE, SAME, REFUSE_OR_SAME, REFUSE_OR_FINITE)


# ---- argument kinds and their families of values ---------------------------------------


@dataclasses.dataclass
class Arg:
    """An argument: its well-formed value and the family of values it is fed, each
    ``(label, make, expectation)`` with ``make()`` building the value."""

    good: object
    variants: list

    def make_good(self):
        return self.good() if callable(self.good) else self.good


def _const(value):
    return lambda: value


def integer(good, low=None, high=None, *, none=False, huge=REFUSE, big=REFUSE, theory=False):
    """An int argument. ``huge``: what 10^12 must give (a size: refused, before any
    allocation; a parameter that allocates nothing: refused or finite; a count of
    sweeps, which would run for ever: None, not fed); ``big``: what integers beyond
    int64 must give; ``theory``: the argument also takes arrays (elementwise), so a list
    gives a finite array or is refused."""
    v = [
        ("float", good + 0.5, REFUSE),
        ("integral float", float(good), REFUSE),
        ("string", str(good), REFUSE),
        ("bool", True, REFUSE),
        ("complex", complex(good), REFUSE),
        ("NaN", math.nan, REFUSE),
        ("numpy int", np.int64(good), SAME),
        ("list", [good], REFUSE_OR_FINITE if theory else REFUSE),
        ("beyond int64", 2**64 + good, big),
        ("below -int64", -(2**64), REFUSE),
    ]
    if huge is not None:
        v.append(("huge", 10**12, huge))
    if not none:
        v.append(("None", None, REFUSE))
    if low is not None:
        v.append(("below range", low - 1, REFUSE))
    if high is not None:
        v.append(("above range", high + 1, REFUSE))
    return Arg(good, [(label, _const(x), e) for label, x, e in v])


def real(good, low=None, high=None, closed=(True, True), *, none=False, theory=False):
    """A float argument in [low, high] (ends closed as told)."""
    v = [
        ("string", str(good), REFUSE),
        ("bool", True, REFUSE),
        ("complex", complex(good), REFUSE),
        ("NaN", math.nan, REFUSE),
        ("inf", math.inf, REFUSE),
        ("-inf", -math.inf, REFUSE),
        ("numpy float", np.float64(good), SAME),
        ("list", [good], REFUSE_OR_FINITE if theory else REFUSE),
    ]
    if not none:
        v.append(("None", None, REFUSE))
    if low is not None:
        v.append(("below range", low - 1.0, REFUSE))
        if not closed[0]:
            v.append(("open lower end", float(low), REFUSE))
    if high is not None:
        v.append(("above range", high + 1.0, REFUSE))
        if not closed[1]:
            v.append(("open upper end", float(high), REFUSE))

    def inside(x):
        return (low is None or x > low or (x == low and closed[0])) and (
            high is None or x < high or (x == high and closed[1])
        )

    for label, x in (
        ("subnormal", 5e-324),
        ("-subnormal", -5e-324),
        ("1e308", 1e308),
        ("-1e308", -1e308),
        ("tiny normal", 2.3e-308),
        ("1 - eps", 1.0 - 2.0**-53),
    ):
        if inside(x):
            v.append((label, x, REFUSE_OR_FINITE))
    return Arg(good, [(label, _const(x), e) for label, x, e in v])


def flag(good):
    """A bool argument."""
    v = [
        ("int", 1, REFUSE),
        ("string", "yes", REFUSE),
        ("None", None, REFUSE),
        ("list", [good], REFUSE),
        ("numpy bool", np.bool_(good), SAME),
    ]
    return Arg(good, [(label, _const(x), e) for label, x, e in v])


def choice(good, *, none=False):
    """A string argument naming one of a few options."""
    v = [
        ("list", [good], REFUSE),
        ("number", 3, REFUSE),
        ("unknown", good.upper() + "_x", REFUSE),
        ("numpy str", np.str_(good), SAME),
    ]
    if not none:
        v.append(("None", None, REFUSE))
    return Arg(good, [(label, _const(x), e) for label, x, e in v])


def rng():
    """A random generator argument (good: the seed 0)."""
    v = [
        ("negative seed", lambda: -1, REFUSE),
        ("string", lambda: "seed", REFUSE),
        ("float", lambda: 1.5, REFUSE),
        ("bool", lambda: True, REFUSE),
        ("list", lambda: [1, 2], REFUSE),
        ("RandomState", lambda: np.random.RandomState(0), REFUSE),
        ("SeedSequence", lambda: np.random.SeedSequence(0), SAME),
        ("numpy int", lambda: np.int64(0), SAME),
        ("Generator", lambda: np.random.default_rng(0), SAME),
    ]
    return Arg(0, v)


def path_arg(good):
    """A file path argument."""
    v = [
        ("number", lambda: 3, REFUSE),
        ("None", lambda: None, REFUSE),
        ("list", lambda: [str(good())], REFUSE),
    ]
    return Arg(good, v)


def _with(x, index, value):
    x = x.copy()
    x[index] = value
    return x


def _strided(x):
    """A non-contiguous view holding the values of x."""
    wide = np.repeat(x, 2, axis=-1)
    return wide[..., ::2]


def _read_only(x):
    x = x.copy()
    x.flags.writeable = False
    return x


def _masked(x):
    mask = np.zeros(x.shape, bool)
    mask.flat[0] = True
    return np.ma.masked_array(x, mask=mask)


def array(
    good,
    *,
    bad=(),
    fixed_last=True,
    dtypes=(np.float64, np.int64, np.bool_, np.complex128, object, str),
    empty=REFUSE_OR_FINITE,
    theory=False,
    any_ndim=False,
):
    """An ndarray argument built by ``good()``; ``bad``: the alphabet's own bad values,
    ``(label, make(x) -> value)`` from a good x, refused; ``fixed_last``: the length of
    the last axis is given (N), so one entry fewer is refused; ``dtypes``: other dtypes
    of the same values, refused (those the kind allows are left out); ``empty``: an
    empty batch; ``theory``: array_like accepted (a list gives the same result);
    ``any_ndim``: leading axes of any number are accepted."""
    x0 = good()
    lists = REFUSE_OR_SAME if theory else REFUSE
    v = [
        ("list", lambda: good().tolist(), lists),
        ("masked array", lambda: _masked(good()), REFUSE_OR_SAME if theory else REFUSE),
        ("0-d array", lambda: good().ravel()[:1].reshape(()), REFUSE),
        ("non-contiguous", lambda: _strided(good()), SAME),
        ("read-only", lambda: _read_only(good()), SAME),
    ]
    if not any_ndim:
        v.append(("two more axes", lambda: good()[None, None], REFUSE))
    if x0.ndim == 2:
        v.append(("np.matrix", lambda: np.asmatrix(good()), lists))
        v.append(("Fortran order", lambda: np.asfortranarray(good()), SAME))
    if x0.ndim >= 2 and empty is not None:
        v.append(("empty batch", lambda: good()[:0], empty))
    elif x0.ndim == 1 and empty is not None:
        v.append(("empty batch", lambda: good()[None][:0], empty))
    if fixed_last:
        v.append(("one entry fewer", lambda: np.ascontiguousarray(good()[..., :-1]), REFUSE))
    for dtype in dtypes:
        if np.dtype(dtype) != x0.dtype:
            label = f"dtype {np.dtype(dtype).name}"
            v.append((label, lambda d=dtype: good().astype(d), REFUSE))
    for label, make in bad:
        v.append((label, lambda make=make: make(good()), REFUSE))
    return Arg(good, v)


def spins(good, *, zeros=False, empty=REFUSE_OR_FINITE, **kwargs):
    """Ising spins, int8 in {-1, +1} (``zeros``: 0 too)."""
    bad = [("entry 2", lambda x: _with(x, (..., 0), 2))]
    if not zeros:
        bad.append(("entry 0", lambda x: _with(x, (..., 1), 0)))
    return array(
        good,
        bad=bad,
        dtypes=(np.float64, np.int64, np.bool_, np.complex128, object),
        empty=empty,
        **kwargs,
    )


def floats(good, *, empty=REFUSE_OR_FINITE, theory=False, **kwargs):
    """Continuous values, finite floats."""
    bad = [
        ("NaN entry", lambda x: _with(x, (..., 0), np.nan)),
        ("inf entry", lambda x: _with(x, (..., 0), np.inf)),
    ]
    dtypes = (np.bool_, np.complex128, object, str) + (() if theory else (np.int64,))
    return array(good, bad=bad, dtypes=dtypes, empty=empty, theory=theory, **kwargs)


def bool_sdrs(good, *, empty=REFUSE_OR_FINITE, dtypes=(np.uint8, np.float64, object), **kwargs):
    """SDRs as one bool per cell."""
    return array(good, dtypes=dtypes, empty=empty, **kwargs)


def index_sdrs(good, N, *, empty=REFUSE_OR_FINITE):
    """SDRs as index arrays of their active cells (distinct, in range(N))."""
    bad = [
        ("repeated cell", lambda x: _with(x, (..., 1), x[..., 0])),
        ("negative cell", lambda x: _with(x, (..., 0), -1)),
        ("cell N", lambda x: _with(x, (..., 0), N)),
    ]
    return array(
        good, bad=bad, fixed_last=False, dtypes=(np.float64, np.complex128, object), empty=empty
    )


def words(good, *, empty=REFUSE_OR_FINITE, N=None, **kwargs):
    """Bit-packed SDRs, uint64 words."""
    bad = (
        []
        if N is None or N % 64 == 0
        else [("bit beyond N", lambda x: _with(x, (..., -1), x[..., -1] | np.uint64(1 << 63)))]
    )
    return array(good, bad=bad, dtypes=(np.int64, np.float64, object), empty=empty, **kwargs)


# ---- the well-formed inputs -------------------------------------------------------------

N = 16
XI = patterns.random_spins(3, N, rng=0)
DILUTED = patterns.diluted_spins(2, N, 0.3, rng=0)
ETA = patterns.noisy_examples(DILUTED, 3, 0.6, rng=1)
CONTINUOUS = patterns.gaussian(4, 8, rng=0).astype(np.float64)
BOOL = patterns.sdr(4, 70, 5, rng=0)
INDEX = patterns.sdr_indices(4, 70, 5, rng=0)
WORDS = patterns.pack_sdr(INDEX, 70)
FIELDS = sparsey.patches((4, 4), 2, 2)


def spins_xi():
    return XI.copy()


def spins_cue():
    return patterns.flip(XI[:2], 0.2, rng=1)


def stored(model, xi, **kwargs):
    return lambda: model.store(xi, **kwargs)


HOPFIELD = Hopfield(N).store(XI)
HOT = Hopfield(N, T=0.5).store(XI)
DENSE = DenseHopfield(N, n=3).store(XI)
PSPIN = PSpinHopfield(N, 3).store(XI)
MULTITASK = Multitask(N).learn(ETA, r=0.6)
MODERN = ModernHopfield(beta=2.0).store(CONTINUOUS)
DENDRITIC = DendriticNeurons(70, 2, synapses=4).store(INDEX, rng=0)
SPARSEY = Sparsey(70, Q=4, cells=3).store(BOOL, rng=0)
SEQUENCES = Sparsey(70, Q=4, cells=3, sequences=True).learn_sequences(BOOL[None], rng=0)
HIERARCHY = SparseyHierarchy(16, [FIELDS], Q=3, cells=2).store(
    patterns.sdr(3, 16, 4, rng=0), rng=0
)
TRANSFORM = tsp.VARIANTS["2014"]


def draw(a, *, rng):
    return {"x": a + rng.random()}


def _tmp_dir():
    return tempfile.mkdtemp(prefix="assoc-bad-inputs-")


def _saved_model():
    path = Path(_tmp_dir()) / "net.npz"
    HOPFIELD.save(path)
    return path


@dataclasses.dataclass
class Case:
    """A public function, the arguments to feed and the fixed ones."""

    name: str
    call: object
    args: dict
    fixed: dict = dataclasses.field(default_factory=dict)
    slow: bool = False  # its well-formed call takes long: fewer values by default
    covers: tuple = ()  # the public names (module.name) this case covers
    aliases: dict = dataclasses.field(default_factory=dict)  # other names a message may use
    sentinels: bool = False  # NaN or inf are documented results (e.g. "NaN where none")


def case(name, call, fixed=None, slow=False, covers=None, aliases=None, sentinels=False, **args):
    """A `Case`; ``aliases``: {argument: other argument names}, for a value refused as
    not matching another argument (xi of the wrong length for the states s)."""
    covers = (name,) if covers is None else covers
    return Case(name, call, args, fixed or {}, slow, covers, aliases or {}, sentinels)


def method(obj, name):
    """``obj.name`` called on a fresh copy of a model made by ``obj()``, or on obj."""
    if callable(obj) and not isinstance(obj, assoc.Memory):
        return lambda **kw: getattr(obj(), name)(**kw)
    return lambda **kw: getattr(obj, name)(**kw)


def _sdr_batch(x):
    return x


P_ = "assoc.patterns."
M_ = "assoc.models."

CASES = [
    # ---- assoc.patterns
    case(P_ + "random_spins", patterns.random_spins, P=integer(3, 1), N=integer(5, 1), rng=rng()),
    case(
        P_ + "biased_spins",
        patterns.biased_spins,
        P=integer(3, 1),
        N=integer(5, 1),
        a=real(0.2, -1.0, 1.0),
        rng=rng(),
    ),
    case(
        P_ + "diluted_spins",
        patterns.diluted_spins,
        P=integer(3, 1),
        N=integer(5, 1),
        d=real(0.3, 0.0, 1.0),
        rng=rng(),
    ),
    case(P_ + "sdr", patterns.sdr, P=integer(3, 1), N=integer(20, 1), w=integer(4, 0), rng=rng()),
    case(
        P_ + "gaussian",
        patterns.gaussian,
        P=integer(3, 1),
        N=integer(5, 1),
        sigma=real(1.0, 0.0, closed=(False, True)),
        rng=rng(),
    ),
    case(
        P_ + "spherical",
        patterns.spherical,
        P=integer(3, 1),
        N=integer(5, 1),
        radius=real(2.0, 0.0, closed=(False, True)),
        rng=rng(),
    ),
    case(
        P_ + "noisy_examples",
        patterns.noisy_examples,
        xi=spins(lambda: DILUTED.copy(), zeros=True, fixed_last=False),
        M=integer(3, 1),
        r=real(0.5, 0.0, 1.0),
        rng=rng(),
    ),
    case(
        P_ + "flip",
        patterns.flip,
        s=spins(spins_cue, zeros=True, fixed_last=False),
        fraction=real(0.25, 0.0, 1.0),
        rng=rng(),
    ),
    case(
        P_ + "mask",
        patterns.mask,
        s=array(spins_cue, dtypes=(np.bool_, np.complex128, object, str), fixed_last=False),
        fraction=real(0.25, 0.0, 1.0),
        rng=rng(),
    ),
    case(
        P_ + "occlude",
        patterns.occlude,
        s=array(spins_cue, dtypes=(np.bool_, np.complex128, object, str), fixed_last=False),
        fraction=real(0.25, 0.0, 1.0),
        value=real(1.0),
    ),
    case(
        P_ + "add_noise",
        patterns.add_noise,
        x=floats(lambda: CONTINUOUS.copy(), fixed_last=False),
        sigma=real(0.5, 0.0),
        rng=rng(),
    ),
    case(
        P_ + "overlap",
        patterns.overlap,
        xi=array(spins_xi, dtypes=(np.complex128, object, str), empty=REFUSE_OR_FINITE),
        s=array(spins_cue, dtypes=(np.complex128, object, str, np.bool_)),
        aliases={"xi": ("s",)},
    ),
    case(
        P_ + "hamming",
        patterns.hamming,
        a=array(spins_xi, dtypes=(np.complex128, object, str)),
        b=array(spins_xi, dtypes=(np.complex128, object, str)),
        aliases={"a": ("b",)},
    ),
    case(
        P_ + "sdr_indices",
        patterns.sdr_indices,
        P=integer(3, 1),
        N=integer(20, 1),
        w=integer(4, 0),
        rng=rng(),
    ),
    case(
        P_ + "pack_sdr",
        patterns.pack_sdr,
        x=index_sdrs(lambda: INDEX.copy(), 70),
        N=integer(70, 1),
        w=integer(5, 0, none=True),
        covers=(P_ + "pack_sdr",),
    ),
    case(
        P_ + "pack_sdr (bools)",
        patterns.pack_sdr,
        x=bool_sdrs(lambda: BOOL.copy(), dtypes=(np.float64, object, str), fixed_last=False),
        w=integer(5, 0, none=True),
        covers=(),
    ),
    case(
        P_ + "unpack_sdr",
        patterns.unpack_sdr,
        words=words(lambda: WORDS.copy(), N=70),
        N=integer(70, 1),
        w=integer(5, 0, none=True),
    ),
    case(
        P_ + "active_bits",
        patterns.active_bits,
        words=words(lambda: WORDS.copy(), any_ndim=True, fixed_last=False),
    ),
    case(
        P_ + "sdr_overlap",
        patterns.sdr_overlap,
        xi=words(lambda: WORDS.copy()),
        s=words(lambda: WORDS[:2].copy()),
        aliases={"xi": ("s",)},
    ),
    case(
        P_ + "sdr_index_overlap",
        patterns.sdr_index_overlap,
        xi=index_sdrs(lambda: INDEX.copy(), 70),
        s=index_sdrs(lambda: INDEX[:2].copy(), 70),
        N=integer(70, 1),
    ),
    case(
        P_ + "sdr_match",
        patterns.sdr_match,
        xi=words(lambda: WORDS.copy()),
        s=words(lambda: WORDS[:2].copy()),
        theta=integer(2, 0, huge=REFUSE_OR_FINITE),
        aliases={"xi": ("s",)},
    ),
    case(
        P_ + "sdr_union",
        patterns.sdr_union,
        words=words(lambda: WORDS.copy(), any_ndim=True, fixed_last=False),
    ),
    case(
        P_ + "sdr_noise",
        patterns.sdr_noise,
        x=index_sdrs(lambda: INDEX.copy(), 70),
        v=integer(2, 0, 5),
        N=integer(70, 1),
        rng=rng(),
    ),
    case(
        P_ + "sdr_subsample",
        patterns.sdr_subsample,
        x=array(
            lambda: INDEX.copy(),
            bad=[
                ("repeated cell", lambda x: _with(x, (..., 1), x[..., 0])),
                ("negative cell", lambda x: _with(x, (..., 0), -1)),
            ],
            fixed_last=False,
            dtypes=(np.float64, np.complex128, object),
        ),
        synapses=integer(3, 0, 5),
        rng=rng(),
    ),
]

SPARSEY_U = sparsey.normalised_sums(sparsey.input_sums(SPARSEY.weights, BOOL[:2]), 5)
SPARSEY_V = sparsey.local_support(SPARSEY_U)
SPARSEY_P = sparsey.win_probabilities(
    sparsey.relative_likelihoods(SPARSEY_V, 2.0, sparsey.TRANSFORMS["2014"]), 4
)


def unit_floats(good, *, empty=REFUSE_OR_FINITE, fixed_last=True, any_ndim=False):
    """Floats in [0, 1]."""
    return array(
        good,
        bad=[
            ("NaN entry", lambda x: _with(x, (..., 0), np.nan)),
            ("entry above 1", lambda x: _with(x, (..., 0), 1.5)),
            ("negative entry", lambda x: _with(x, (..., 0), -0.5)),
        ],
        dtypes=(np.bool_, np.complex128, object, str),
        empty=empty,
        fixed_last=fixed_last,
        any_ndim=any_ndim,
    )


def transform_arg():
    v = [
        ("list", lambda: ["2014"], REFUSE),
        ("number", lambda: 3, REFUSE),
        ("unknown", lambda: "2020", REFUSE),
        ("None", lambda: None, REFUSE),
        ("dict", lambda: dict(TRANSFORM), REFUSE),
        ("variant name", lambda: "2014", REFUSE_OR_FINITE),
    ]
    return Arg(sparsey.TRANSFORMS["2014"], v)


def shape_arg(good):
    v = [
        ("one side", lambda: good[:1], REFUSE),
        ("three sides", lambda: (*good, 1), REFUSE),
        ("list", lambda: list(good), SAME),
        ("string", lambda: "4x4", REFUSE),
        ("float side", lambda: (4.0, 4), REFUSE),
        ("zero side", lambda: (0, 4), REFUSE),
        ("huge side", lambda: (10**12, 10**12), REFUSE),
        ("array", lambda: np.array(good), REFUSE_OR_SAME),
    ]
    return Arg(good, v)


def fields_arg():
    v = [
        ("array not list", lambda: FIELDS.copy(), REFUSE),
        ("empty list", lambda: [], REFUSE),
        ("float field", lambda: [FIELDS.astype(float)], REFUSE),
        ("cell beyond N", lambda: [_with(FIELDS, (0, 0), 16)], REFUSE),
        ("negative cell", lambda: [_with(FIELDS, (0, 0), -1)], REFUSE),
        ("1-D field", lambda: [FIELDS[0]], REFUSE),
        ("no MAC", lambda: [FIELDS[:0]], REFUSE),
        ("list of lists", lambda: [FIELDS.tolist()], REFUSE),
        ("np.matrix", lambda: [np.asmatrix(FIELDS)], REFUSE),
        ("tuple", lambda: (FIELDS.copy(),), SAME),
    ]
    return Arg(lambda: [FIELDS.copy()], v)


def per_level(good, low=1):
    """An int, or one per level (here one level)."""
    base = integer(good, low, none=True, huge=REFUSE_OR_FINITE)
    base.variants = [v for v in base.variants if v[0] != "list"]
    more = [
        ("one per level", lambda: [good], REFUSE_OR_FINITE),
        ("two for one level", lambda: [good, good], REFUSE),
        ("list of floats", lambda: [good + 0.5], REFUSE),
        ("empty list", lambda: [], REFUSE),
    ]
    return Arg(good, base.variants + more)


def grid_arg():
    v = [
        ("list", lambda: [("a", [1.0])], REFUSE),
        ("empty", lambda: {}, REFUSE),
        ("empty axis", lambda: {"a": []}, REFUSE),
        ("nested", lambda: {"a": [[1.0]]}, REFUSE),
        ("None value", lambda: {"a": [None]}, REFUSE),
        ("mixed", lambda: {"a": [1.0, "x"]}, REFUSE),
        ("NaN value", lambda: {"a": [math.nan]}, REFUSE),
        ("complex value", lambda: {"a": [1j]}, REFUSE),
        ("name sample", lambda: {"sample": [1.0]}, REFUSE),
        ("repeated value", lambda: {"a": [1.0, 1.0]}, REFUSE),
        ("huge axis", lambda: {"a": range(10**12)}, REFUSE),
        ("array axis", lambda: {"a": np.array([0.0, 1.0])}, SAME),
    ]
    return Arg(lambda: {"a": [0.0, 1.0]}, v)


def progress_arg():
    """True, False or a label."""
    v = [
        ("int", lambda: 1, REFUSE),
        ("None", lambda: None, REFUSE),
        ("list", lambda: [False], REFUSE),
        ("numpy bool", lambda: np.False_, SAME),
    ]
    return Arg(False, v)


def executor_arg():
    v = [
        ("zero", lambda: 0, REFUSE),
        ("string", lambda: "processes", REFUSE),
        ("float", lambda: 2.0, REFUSE),
        ("bool", lambda: True, REFUSE),
        ("huge", lambda: 10**12, REFUSE),
        ("beyond int64", lambda: 2**64, REFUSE),
    ]
    return Arg(None, v)


def store_arg():
    v = [
        ("number", lambda: 3, REFUSE),
        ("list", lambda: [_tmp_dir()], REFUSE),
        ("a file", lambda: tempfile.mkstemp()[1], REFUSE),
        ("fresh directory", _tmp_dir, SAME),
    ]
    return Arg(None, v)


def mapping_arg(good):
    v = [
        ("list", lambda: list(good.items()), REFUSE),
        ("number", lambda: 3, REFUSE),
        ("list value", lambda: {k: [1, 2] for k in good}, REFUSE),
        ("NaN value", lambda: {k: math.nan for k in good}, REFUSE),
        ("reserved key", lambda: {"seed": 1}, REFUSE),
    ]
    return Arg(good, v)


def dims_arg():
    v = [
        ("string axes", lambda: {"x": "i"}, REFUSE),
        ("repeated axes", lambda: {"x": ("i", "i")}, REFUSE),
        ("unknown output", lambda: {"y": ()}, REFUSE),
        ("list", lambda: [("x", ())], REFUSE),
        ("no axes", lambda: {"x": ()}, SAME),
    ]
    return Arg(None, v)


def model_kind():
    v = [
        ("string", lambda: "Hopfield", REFUSE),
        ("another model", lambda: DenseHopfield, REFUSE),
        ("not a model", lambda: int, REFUSE),
        ("the class", lambda: Hopfield, SAME),
    ]
    return Arg(None, v)


def _pool_workers(workers):
    """The number of processes of `mc.process_pool`, the pool shut down."""
    pool = mc.process_pool(workers)
    pool.shutdown()
    return pool._max_workers


S_ = "assoc.models.sparsey."

CASES += [
    # ---- assoc.models: couplings and separations
    case(M_ + "hebb", assoc.models.hebb, xi=spins(spins_xi, zeros=True, fixed_last=False)),
    case(M_ + "storkey", assoc.models.storkey, xi=spins(spins_xi, fixed_last=False)),
    case(
        M_ + "pseudo_inverse",
        assoc.models.pseudo_inverse,
        xi=spins(spins_xi, zeros=True, fixed_last=False),
    ),
    case(
        M_ + "sparsemax",
        assoc.models.sparsemax,
        a=floats(lambda: CONTINUOUS.copy(), fixed_last=False, any_ndim=True),
    ),
    case(
        M_ + "entmax",
        assoc.models.entmax,
        a=floats(lambda: CONTINUOUS.copy(), fixed_last=False, any_ndim=True),
        alpha=real(1.5, 1.0, 2.0),
    ),
    case(
        M_ + "modern.check_entmax_alpha",
        modern_models.check_entmax_alpha,
        alpha=real(1.5, 1.0, 2.0),
        covers=(),
    ),
    # ---- assoc.models: constructors
    case(
        M_ + "Hopfield",
        Hopfield,
        N=integer(10, 1, huge=REFUSE_OR_FINITE),
        rule=choice("hebb"),
        T=real(0.0, 0.0),
        fields=choice("auto"),
    ),
    case(
        M_ + "Multitask",
        Multitask,
        N=integer(10, 1, huge=REFUSE_OR_FINITE),
        T=real(0.0, 0.0),
        fields=choice("auto"),
    ),
    case(
        M_ + "DenseHopfield",
        DenseHopfield,
        N=integer(10, 2, huge=REFUSE_OR_FINITE),
        F=choice("power"),
        n=integer(3, 2, none=True, huge=REFUSE_OR_FINITE),
        T=real(0.0, 0.0),
    ),
    case(
        M_ + "PSpinHopfield",
        PSpinHopfield,
        N=integer(10, 2, huge=REFUSE_OR_FINITE),
        p=integer(3, 2, huge=REFUSE_OR_FINITE),
        T=real(0.0, 0.0),
    ),
    case(
        M_ + "ModernHopfield",
        ModernHopfield,
        beta=real(1.0, 0.0, closed=(False, True)),
        separation=choice("entmax"),
        similarity=choice("dot"),
        entmax_alpha=real(1.5, 1.0, 2.0, none=True),
    ),
    case(
        M_ + "DendriticNeurons",
        DendriticNeurons,
        N=integer(70, 1, huge=REFUSE_OR_FINITE),
        theta=integer(2, 1, huge=REFUSE_OR_FINITE),
        synapses=integer(4, 2, 70, none=True, huge=REFUSE_OR_FINITE),
        segments=integer(1, 1, huge=REFUSE_OR_FINITE),
        union=integer(1, 1, huge=REFUSE_OR_FINITE),
    ),
    case(
        M_ + "Sparsey",
        Sparsey,
        N=integer(70, 1, huge=REFUSE_OR_FINITE),
        Q=integer(4, 1, huge=REFUSE_OR_FINITE),
        cells=integer(3, 1, huge=REFUSE_OR_FINITE),
        transform=transform_arg(),
        phi=real(1.0, 0.0, closed=(False, True)),
        lam=real(1.0, 0.0, closed=(False, True)),
        freeze=real(0.5, 0.0, 1.0, closed=(False, True), none=True),
        normalisation=choice("input"),
        sequences=flag(False),
    ),
    case(
        M_ + "SparseyHierarchy",
        SparseyHierarchy,
        N=integer(16, 1, huge=REFUSE_OR_FINITE),
        fields=fields_arg(),
        Q=per_level(3),
        cells=per_level(2),
        transform=transform_arg(),
        phi=real(1.0, 0.0, closed=(False, True)),
        normalisation=choice("cell"),
    ),
    case(
        S_ + "Transform",
        sparsey.Transform,
        chi=real(400.0, 0.0),
        gamma=real(2.0, 0.0, closed=(False, True)),
        G_minus=real(0.2, 0.0, 1.0, closed=(True, False)),
        sigma1=real(1.0, 0.0, closed=(False, True)),
        sigma2=real(5.0, 0.0),
        sigma3=real(0.5),
    ),
    # ---- assoc.models: verbs
    case(M_ + "Hopfield.store", method(lambda: Hopfield(N), "store"), xi=spins(spins_xi)),
    case(
        M_ + "Hopfield.recall",
        method(HOPFIELD, "recall"),
        cue=spins(spins_cue, zeros=True),
        rng=rng(),
        dynamics=choice("async"),
        max_sweeps=integer(50, 1, none=True, huge=None),
        trace=flag(False),
    ),
    case(
        M_ + "Hopfield.recall (T > 0)",
        method(HOT, "recall"),
        cue=spins(spins_cue, zeros=True),
        sweeps=integer(3, 1, huge=None),
        equilibrate=integer(1, 0, none=True, huge=None),
        fixed={"rng": 0},
        covers=(),
    ),
    case(M_ + "Hopfield.field", method(HOPFIELD, "field"), s=spins(spins_cue)),
    case(M_ + "Hopfield.energy", method(HOPFIELD, "energy"), s=spins(spins_cue)),
    case(
        M_ + "Multitask.store",
        method(lambda: Multitask(N), "store"),
        xi=spins(lambda: DILUTED.copy(), zeros=True),
    ),
    case(
        M_ + "Multitask.learn",
        method(lambda: Multitask(N), "learn"),
        eta=spins(lambda: ETA.copy(), zeros=True),
        r=real(0.6, 0.0, 1.0, closed=(False, True)),
        supervised=flag(True),
        xi=spins(lambda: DILUTED.copy(), zeros=True, empty=REFUSE),
    ),
    case(
        M_ + "Multitask.recall",
        method(MULTITASK, "recall"),
        cue=spins(spins_cue, zeros=True),
        rng=rng(),
    ),
    case(
        M_ + "DenseHopfield.store", method(lambda: DenseHopfield(N), "store"), xi=spins(spins_xi)
    ),
    case(
        M_ + "DenseHopfield.recall",
        method(DENSE, "recall"),
        cue=spins(spins_cue, zeros=True),
        rng=rng(),
        max_sweeps=integer(50, 1, none=True, huge=None),
        trace=flag(False),
    ),
    case(M_ + "DenseHopfield.field", method(DENSE, "field"), s=spins(spins_cue)),
    *(
        case(
            M_ + f"{type(net).__name__}.{verb}",
            method(net, verb),
            s=spins(spins_cue, zeros=net is MULTITASK),  # diluted states: 0 is a state
        )
        for net in (PSPIN, MULTITASK)
        for verb in ("field", "energy")
    ),
    case(M_ + "DenseHopfield.energy", method(DENSE, "energy"), s=spins(spins_cue)),
    case(
        M_ + "PSpinHopfield.store",
        method(lambda: PSpinHopfield(N, 3), "store"),
        xi=spins(spins_xi),
    ),
    case(
        M_ + "PSpinHopfield.recall",
        method(PSPIN, "recall"),
        cue=spins(spins_cue, zeros=True),
        rng=rng(),
    ),
    case(
        M_ + "ModernHopfield.store",
        method(lambda: ModernHopfield(), "store"),
        xi=floats(lambda: CONTINUOUS.copy(), empty=REFUSE, fixed_last=False),
    ),
    case(
        M_ + "ModernHopfield.recall",
        method(MODERN, "recall"),
        cue=floats(lambda: CONTINUOUS[:2] + 0.1),
        rng=rng(),
        max_iter=integer(20, 1, huge=None),
        tol=real(1e-6, 0.0),
        trace=flag(False),
    ),
    *(
        case(
            M_ + f"ModernHopfield.{verb}",
            method(MODERN, verb),
            s=floats(lambda: CONTINUOUS[:2] + 0.1),
        )
        for verb in ("scores", "weights", "update", "energy", "participation", "fixed_point_kind")
    ),
    case(
        M_ + "DendriticNeurons.store",
        method(lambda: DendriticNeurons(70, 2, synapses=4), "store"),
        xi=index_sdrs(lambda: INDEX.copy(), 70, empty=REFUSE),
        rng=rng(),
    ),
    case(
        M_ + "DendriticNeurons.store (bools)",
        method(lambda: DendriticNeurons(70, 2, synapses=4), "store"),
        xi=bool_sdrs(lambda: BOOL.copy(), empty=REFUSE, dtypes=(np.float64, object)),
        fixed={"rng": 0},
        covers=(),
    ),
    case(
        M_ + "DendriticNeurons.recall",
        method(DENDRITIC, "recall"),
        cue=index_sdrs(lambda: INDEX[:2].copy(), 70),
        rng=rng(),
    ),
    case(
        M_ + "DendriticNeurons.recall (bools)",
        method(DENDRITIC, "recall"),
        cue=bool_sdrs(lambda: BOOL[:2].copy(), dtypes=(np.float64, object)),
        covers=(),
    ),
    case(
        M_ + "DendriticNeurons.recall (words)",
        method(DENDRITIC, "recall"),
        cue=words(lambda: WORDS[:2].copy(), N=70),
        covers=(),
    ),
    case(
        M_ + "Sparsey.store",
        method(lambda: Sparsey(70, Q=4, cells=3), "store"),
        xi=bool_sdrs(lambda: BOOL.copy()),
        rng=rng(),
        add=flag(False),
    ),
    case(
        M_ + "Sparsey.learn_sequences",
        method(lambda: Sparsey(70, Q=4, cells=3, sequences=True), "learn_sequences"),
        sequences=bool_sdrs(lambda: BOOL[None].copy()),
        rng=rng(),
        add=flag(False),
    ),
    case(
        M_ + "Sparsey.recall",
        method(SPARSEY, "recall"),
        cue=bool_sdrs(lambda: BOOL[:2].copy()),
        rng=rng(),
    ),
    case(
        M_ + "Sparsey.recall_sequences",
        method(SEQUENCES, "recall_sequences"),
        sequences=bool_sdrs(lambda: BOOL[None].copy()),
        rng=rng(),
    ),
    case(
        M_ + "Sparsey.csa",
        method(SPARSEY, "csa"),
        x=bool_sdrs(lambda: BOOL[0].copy(), empty=None),
        learning=flag(True),
        rng=rng(),
    ),
    case(
        M_ + "SparseyHierarchy.store",
        method(lambda: SparseyHierarchy(16, [FIELDS], Q=3, cells=2), "store"),
        xi=bool_sdrs(lambda: patterns.sdr(3, 16, 4, rng=0)),
        rng=rng(),
        add=flag(False),
    ),
    case(
        M_ + "SparseyHierarchy.recall",
        method(HIERARCHY, "recall"),
        cue=bool_sdrs(lambda: patterns.sdr(2, 16, 4, rng=1)),
        rng=rng(),
    ),
    case(M_ + "Memory.save", method(HOPFIELD, "save"), path=path_arg(_saved_model)),
    case(M_ + "load", assoc.load, path=path_arg(_saved_model), kind=model_kind()),
    # ---- assoc.models.sparsey: the CSA step by step
    case(
        S_ + "input_sums",
        sparsey.input_sums,
        W=bool_sdrs(lambda: SPARSEY.weights),
        x=bool_sdrs(lambda: BOOL[:2].copy()),
        aliases={"W": ("x",)},
    ),
    case(
        S_ + "normalised_sums",
        sparsey.normalised_sums,
        u=array(
            lambda: sparsey.input_sums(SPARSEY.weights, BOOL[:2]),
            bad=[("negative sum", lambda x: _with(x, (..., 0), -1))],
            dtypes=(np.float64, np.complex128, object, str, np.bool_),
            any_ndim=True,
            fixed_last=False,
        ),
        w=integer(5, 1, huge=REFUSE_OR_FINITE),
    ),
    case(
        S_ + "local_support",
        sparsey.local_support,
        U=unit_floats(lambda: SPARSEY_U.copy(), fixed_last=False, any_ndim=True),
        H=unit_floats(lambda: SPARSEY_U.copy(), fixed_last=True),
        phi=real(1.0, 0.0, closed=(False, True)),
        lam=real(1.0, 0.0, closed=(False, True)),
        aliases={"U": ("H",)},
    ),
    case(
        S_ + "familiarity",
        sparsey.familiarity,
        V=unit_floats(lambda: SPARSEY_V.copy(), fixed_last=True, any_ndim=True),
        Q=integer(4, 1, huge=REFUSE),
    ),
    case(
        S_ + "expansivity",
        sparsey.expansivity,
        G=real(0.5, 0.0, 1.0),
        transform=transform_arg(),
    ),
    case(
        S_ + "relative_likelihoods",
        sparsey.relative_likelihoods,
        V=unit_floats(lambda: SPARSEY_V.copy(), fixed_last=False, any_ndim=True),
        expansivity=real(2.0, 1.0),
        transform=transform_arg(),
    ),
    case(
        S_ + "win_probabilities",
        sparsey.win_probabilities,
        likelihood=array(
            lambda: sparsey.relative_likelihoods(SPARSEY_V, 2.0, sparsey.TRANSFORMS["2014"]),
            bad=[
                ("NaN entry", lambda x: _with(x, (..., 0), np.nan)),
                ("negative entry", lambda x: _with(x, (..., 0), -1.0)),
            ],
            dtypes=(np.bool_, np.complex128, object, str),
            any_ndim=True,
        ),
        Q=integer(4, 1),
    ),
    case(
        S_ + "choose_winners",
        sparsey.choose_winners,
        p_win=unit_floats(lambda: SPARSEY_P.copy()),
        V=unit_floats(lambda: SPARSEY_V.copy()),
        Q=integer(4, 1),
        u=unit_floats(lambda: np.full((2, 4), 0.5), empty=REFUSE),
        aliases={"p_win": ("V", "u")},
    ),
    case(
        S_ + "patches",
        sparsey.patches,
        shape=shape_arg((4, 4)),
        size=integer(2, 1, 4),
        stride=integer(2, 1, huge=REFUSE_OR_FINITE),
    ),
    # ---- assoc.mc
    case(
        "assoc.mc.run",
        mc.run,
        fixed={"fn": draw},
        grid=grid_arg(),
        samples=integer(2, 1),
        seed=integer(3, 0, none=True, huge=REFUSE_OR_FINITE, big=REFUSE_OR_FINITE),
        executor=executor_arg(),
        store=store_arg(),
        progress=progress_arg(),
        attrs=mapping_arg({"model": "toy"}),
        dims=dims_arg(),
        slow=True,
    ),
    case(
        "assoc.mc.process_pool",
        _pool_workers,
        workers=integer(1, 1),
        covers=("assoc.mc.process_pool",),
    ),
]


def count(good, low=0, high=None, *, none=False):
    """An integer parameter of a theory function (elementwise: arrays too)."""
    return integer(
        good, low, high, none=none, huge=REFUSE_OR_FINITE, big=REFUSE_OR_FINITE, theory=True
    )


def param(good, low=None, high=None, closed=(True, True), *, none=False):
    """A real parameter of a theory function."""
    return real(good, low, high, closed, none=none, theory=True)


def theory_floats(good, **kwargs):
    """Real arrays of a theory function (array_like: a list gives the same result)."""
    return floats(good, theory=True, **kwargs)


TD, TDENSE, TH, TM, TMT, TSP = (
    f"theory.{m}." for m in ("dendritic", "dense", "hopfield", "modern", "multitask", "sparsey")
)
EXACT = flag(False)
M_MIX = lambda: np.array([0.5, 0.2])  # noqa: E731
VARIANT_ARGS = {
    "chi": param(400.0, 0.0),
    "gamma": param(2.0, 0.0, closed=(False, True)),
    "G_minus": param(0.2, 0.0, 1.0, closed=(True, False)),
    "sigma1": param(1.0, 0.0, closed=(False, True)),
    "sigma2": param(100 / 15, 0.0),
    "sigma3": param(0.5),
}

CASES += [
    # ---- theory.dendritic
    case(TD + "sdr_count", td.sdr_count, N=count(20), w=count(3, 0, 20)),
    case(
        TD + "overlap_set_size",
        td.overlap_set_size,
        N=count(20),
        w=count(4, 0, 20),
        b=count(2, 0, 4),
        w_x=count(5, 0, 20, none=True),
    ),
    case(
        TD + "exact_match_probability",
        td.exact_match_probability,
        N=count(20, 1),
        w=count(3, 0, 20),
        exact=EXACT,
    ),
    case(
        TD + "false_match_probability",
        td.false_match_probability,
        N=count(20, 1),
        w=count(4, 0, 20),
        theta=count(2, 0, 4),
        w_x=count(4, 0, 20, none=True),
        exact=EXACT,
    ),
    case(
        TD + "segment_false_positive",
        td.segment_false_positive,
        N=count(40, 1),
        w=count(6, 0, 40),
        synapses=count(5, 0, 40),
        theta=count(3, 0, 5),
        exact=EXACT,
    ),
    case(
        TD + "segment_false_negative",
        td.segment_false_negative,
        w=count(6),
        synapses=count(5, 0, 6),
        theta=count(3, 0, 5),
        v=count(2, 0, 6),
        exact=EXACT,
    ),
    case(
        TD + "detection_error",
        td.detection_error,
        N=count(40, 1),
        w=count(6, 0, 40),
        synapses=count(5, 0, 6),
        theta=count(3, 0, 5),
        v=count(2, 0, 6),
        exact=EXACT,
    ),
    case(TD + "at_least_one", td.at_least_one, probability=param(0.1, 0.0, 1.0), events=count(5)),
    case(TD + "union_bound", td.union_bound, probability=param(0.1, 0.0, 1.0), events=count(5)),
    case(
        TD + "union_active_bits",
        td.union_active_bits,
        N=count(40, 1),
        w=count(6, 0, 40),
        union=count(3),
        exact=EXACT,
    ),
    case(
        TD + "union_size_pmf",
        td.union_size_pmf,
        N=count(40, 1),
        w=count(5, 0, 40),
        union=count(3, 1),
        exact=EXACT,
    ),
    case(
        TD + "union_exact_match_probability",
        td.union_exact_match_probability,
        N=count(40, 1),
        w=count(6, 0, 40),
        union=count(3),
        size=choice("distribution"),
        exact=EXACT,
    ),
    case(
        TD + "union_false_match_probability",
        td.union_false_match_probability,
        N=count(40, 1),
        w=count(6, 0, 40),
        theta=count(3, 0, 6),
        union=count(3),
        size=choice("distribution"),
        exact=EXACT,
    ),
    *(
        case(
            TD + name,
            getattr(td, name),
            N=count(40, 1),
            w=count(6, 0, 40),
            synapses=count(5, 0, 40),
            theta=count(3, 0),
            union=count(3),
            size=choice("distribution"),
            exact=EXACT,
        )
        for name in ("union_segment_false_positive", "union_input_false_positive")
    ),
    case(
        TD + "union_capacity",
        td.union_capacity,
        N=count(40, 1),
        w=count(6, 0, 40),
        rate=param(0.1, 0.0, 1.0, (True, False)),
        kind=choice("segment"),
        theta=count(3, 0, 5),
        synapses=count(5, 0, 40),
        size=choice("distribution"),
        slow=True,
    ),
    case(
        TD + "threshold_scan",
        td.threshold_scan,
        N=count(40, 1),
        w=count(6, 0, 40),
        synapses=count(5, 0, 6),
        v=count(2, 0, 6),
        statistic=choice("median"),
    ),
    # ---- theory.dense
    case(TDENSE + "crosstalk", tdense.crosstalk, N=count(20, 2), P=count(5, 1), n=count(3, 2)),
    *(
        case(TDENSE + name, getattr(tdense, name), N=count(20, 2), n=count(3, 2))
        for name in ("P_max", "P_max_finite_N", "P_half")
    ),
    case(
        TDENSE + "one_step_error",
        tdense.one_step_error,
        N=count(20, 2),
        P=count(5, 1),
        n=count(3, 2),
    ),
    case(TDENSE + "rate_function", tdense.rate_function, x=param(0.5, -1.0, 1.0)),
    case(
        TDENSE + "exponential_alpha_c",
        tdense.exponential_alpha_c,
        rho=param(0.1, 0.0, 0.5, (True, False)),
    ),
    case(
        TDENSE + "exponential_P_max",
        tdense.exponential_P_max,
        N=count(20, 1),
        rho=param(0.1, 0.0, 0.5, (True, False)),
    ),
    case(
        TDENSE + "alpha_to_full_power",
        tdense.alpha_to_full_power,
        alpha=param(0.1, 0.0),
        p=count(3, 2),
    ),
    case(
        TDENSE + "alpha_from_full_power",
        tdense.alpha_from_full_power,
        alpha=param(0.1, 0.0),
        n=count(3, 2),
    ),
    case(TDENSE + "T_max", tdense.T_max, p=count(3, 2)),
    case(TDENSE + "alpha_c", tdense.alpha_c, p=count(3, 2), T=param(0.0, 0.0)),
    case(
        TDENSE + "rs_retrieval",
        tdense.rs_retrieval,
        alpha=param(0.05, 0.0),
        p=count(3, 2),
        T=param(0.0, 0.0),
    ),
    case(
        TDENSE + "free_energy",
        tdense.free_energy,
        m=param(0.9, -1.0, 1.0),
        q=param(0.95, 0.0, 1.0),
        r=param(1.2, 0.0),
        alpha=param(0.05, 0.0),
        p=count(3, 2),
        T=param(0.1, 0.0, closed=(False, True)),
    ),
    case(
        TDENSE + "energy",
        tdense.energy,
        m=param(0.9, -1.0, 1.0),
        C=param(0.2, 0.0),
        r=param(1.2, 0.0),
        alpha=param(0.05, 0.0),
        p=count(3, 2),
    ),
    case(
        TDENSE + "entropy",
        tdense.entropy,
        alpha=param(0.05, 0.0),
        p=count(3, 2),
        T=param(0.0, 0.0),
        branch=choice("retrieval"),
    ),
    case(
        TDENSE + "rs_spin_glass",
        tdense.rs_spin_glass,
        alpha=param(0.05, 0.0, closed=(False, True)),
        p=count(3, 2),
        T=param(0.0, 0.0),
    ),
    case(TDENSE + "T_R", tdense.T_R, alpha=param(0.05, 0.0), p=count(3, 2)),
    case(TDENSE + "alpha_global", tdense.alpha_global, p=count(3, 2)),
    case(
        TDENSE + "rsb1_energy",
        tdense.rsb1_energy,
        m=param(0.8, -1.0, 1.0),
        q0=param(0.9, 0.0, 1.0, (False, False)),
        C=param(0.4, 0.0),
        mu=param(6.0, 0.0, closed=(False, True)),
        r0=param(1.5, 0.0, closed=(False, True)),
        r1=param(2.0, 1.5, closed=(False, True)),
        alpha=param(0.15, 0.0, closed=(False, True)),
        p=count(3, 2),
        aliases={"r0": ("r1",)},  # r0 < r1
    ),
    case(TDENSE + "rsb1_saddle_node", tdense.rsb1_saddle_node, p=count(3, 2, 160)),
    case(TDENSE + "alpha_c_1rsb", tdense.alpha_c_1rsb, p=count(3, 2, 160)),
    # ---- theory.hopfield
    case(TH + "alpha_c", th.alpha_c, T=param(0.0, 0.0, 1.0)),
    case(TH + "T_R", th.T_R, alpha=param(0.05, 0.0)),
    case(
        TH + "entropy",
        th.entropy,
        alpha=param(0.05, 0.0),
        T=param(0.0, 0.0, 1.0),
        branch=choice("retrieval"),
    ),
    case(TH + "alpha_c_max", th.alpha_c_max),
    case(TH + "rs_retrieval", th.rs_retrieval, alpha=param(0.05, 0.0), T=param(0.0, 0.0, 1.0)),
    case(
        TH + "rs_spin_glass",
        th.rs_spin_glass,
        alpha=param(0.05, 0.0, closed=(False, True)),
        T=param(0.0, 0.0),
    ),
    case(
        TH + "rs_path",
        th.rs_path,
        alpha=param(0.05, 0.0),
        T=param(0.0, 0.0),
        branch=choice("retrieval"),
    ),
    case(TH + "m_of_alpha", th.m_of_alpha, alpha=param(0.05, 0.0), T=param(0.0, 0.0)),
    case(
        TH + "free_energy",
        th.free_energy,
        m=param(0.9),
        q=param(0.95, 0.0, 1.0),
        r=param(1.2, 0.0),
        alpha=param(0.05, 0.0),
        T=param(0.1, 0.0, closed=(False, True)),
    ),
    case(
        TH + "energy",
        th.energy,
        m=param(0.9),
        C=param(0.2, 0.0, 1.0, (True, False)),
        r=param(1.2, 0.0),
        alpha=param(0.05, 0.0),
    ),
    case(TH + "T_g", th.T_g, alpha=param(0.05, 0.0)),
    case(TH + "T_M", th.T_M, alpha=param(0.05, 0.0), slow=True),
    case(TH + "alpha_global", th.alpha_global, T=param(0.0, 0.0, 1.0), slow=True),
    case(TH + "alpha_global_max", th.alpha_global_max),
    case(TH + "T_c", th.T_c, alpha=param(0.05, 0.0), slow=True),
    case(
        TH + "rsb1_energy",
        th.rsb1_energy,
        m=param(0.9),
        q0=param(0.5, 0.0, 1.0, (False, False)),
        C=param(0.2, 0.0, 1.0, (True, False)),
        mu=param(1.2, 0.0, closed=(False, True)),
        r0=param(0.5, 0.0, closed=(False, True)),
        r1=param(1.2, 0.5, closed=(False, True)),
        alpha=param(0.05, 0.0, closed=(False, True)),
        aliases={"r0": ("r1",), "q0": ("mu",), "C": ("mu",)},  # r0 < r1, mu (1 - q0) < 1 - C
    ),
    case(TH + "rsb1_saddle_node", th.rsb1_saddle_node),
    case(TH + "alpha_c_1rsb", th.alpha_c_1rsb),
    # ---- theory.modern
    case(
        TM + "energy",
        tm.energy,
        xi=theory_floats(lambda: CONTINUOUS.copy(), empty=REFUSE),
        s=theory_floats(lambda: CONTINUOUS[0] + 0.1, empty=REFUSE),
        beta=param(1.0, 0.0, closed=(False, True)),
        aliases={"xi": ("s",)},
    ),
    case(
        TM + "energy_bounds",
        tm.energy_bounds,
        xi=theory_floats(lambda: CONTINUOUS.copy(), empty=REFUSE, fixed_last=False),
        beta=param(1.0, 0.0, closed=(False, True)),
    ),
    case(
        TM + "separation",
        tm.separation,
        xi=theory_floats(lambda: CONTINUOUS.copy(), empty=REFUSE, fixed_last=False),
    ),
    case(
        TM + "separation_threshold",
        tm.separation_threshold,
        P=count(10, 2),
        beta=param(1.0, 0.0, closed=(False, True)),
        max_norm=param(2.0, 0.0, closed=(False, True)),
    ),
    case(
        TM + "well_separated",
        tm.well_separated,
        xi=theory_floats(lambda: CONTINUOUS.copy(), empty=REFUSE, fixed_last=False),
        beta=param(1.0, 0.0, closed=(False, True)),
    ),
    case(
        TM + "retrieval_error_bound",
        tm.retrieval_error_bound,
        xi=theory_floats(lambda: CONTINUOUS.copy(), empty=REFUSE),
        s=theory_floats(lambda: CONTINUOUS[0] + 0.01),
        beta=param(1.0, 0.0, closed=(False, True)),
        mu=count(0, 0, 3),
        aliases={"xi": ("s",)},
    ),
    *(
        case(
            TM + name,
            getattr(tm, name),
            N=count(20, 2),
            failure=param(0.001, 0.0, 1.0, (False, True)),
            beta=param(1.0, 0.0, closed=(False, True)),
            max_norm=param(13.0, 0.0, closed=(False, True)),  # K_R = 3: Theorem 3 holds
        )
        for name in ("storage_constant", "storage_capacity")
    ),
    # ---- theory.multitask
    *(
        case(
            TMT + name,
            getattr(tmt, name),
            m=theory_floats(M_MIX, fixed_last=False, any_ndim=True),
            d=param(0.3, 0.0, 1.0, (True, False)),
            T=param(0.2, 0.0, closed=(name != "hessian", True)),
        )
        for name in ("self_consistency", "free_energy", "hessian", "is_stable")
    ),
    case(
        TMT + "solutions",
        tmt.solutions,
        d=param(0.3, 0.0, 1.0, (True, False)),
        T=param(0.0, 0.0),
        P=count(2, 1, 8),
        rng=rng(),
        slow=True,
    ),
    case(
        TMT + "global_minimum",
        tmt.global_minimum,
        d=param(0.3, 0.0, 1.0, (True, False)),
        T=param(0.0, 0.0),
        P=count(2, 1, 8),
        slow=True,
    ),
    case(
        TMT + "regime",
        tmt.regime,
        m=theory_floats(M_MIX, fixed_last=False, any_ndim=True),
        atol=param(1e-6, 0.0, closed=(False, True)),
    ),
    case(
        TMT + "hierarchical_state",
        tmt.hierarchical_state,
        d=param(0.3, 0.0, 1.0, (True, False)),
        P=count(3, 1),
    ),
    case(TMT + "hierarchical_threshold", tmt.hierarchical_threshold, P=count(3, 1)),
    case(TMT + "majority_state", tmt.majority_state, d=param(0.3, 0.0, 1.0, (True, False))),
    case(
        TMT + "critical_temperature",
        tmt.critical_temperature,
        d=param(0.3, 0.0, 1.0, (True, False)),
    ),
    case(
        TMT + "parallel_state",
        tmt.parallel_state,
        d=param(0.3, 0.0, 1.0, (True, False)),
        T=param(0.1, 0.0),
        P=count(3, 1, 8),
    ),
    case(
        TMT + "parallel_regime",
        tmt.parallel_regime,
        d=param(0.3, 0.0, 1.0, (True, False)),
        P=count(3, 2, 8),
        slow=True,
        sentinels=True,  # NaN where there is no parallel regime
    ),
    case(
        TMT + "onset_temperatures",
        tmt.onset_temperatures,
        d=param(0.3, 0.0, 1.0, (True, False)),
        P=count(3, 1, 8),
        slow=True,
    ),
    case(
        TMT + "phase_lines",
        tmt.phase_lines,
        d=param(0.3, 0.0, 1.0, (True, False)),
        P=count(3, 2, 8),
        slow=True,
        sentinels=True,  # NaN where there is no parallel regime
    ),
    case(TMT + "dataset_entropy", tmt.dataset_entropy, M=count(5, 1), r=param(0.5, 0.0, 1.0)),
    case(
        TMT + "example_normalisation",
        tmt.example_normalisation,
        M=count(5, 1),
        r=param(0.5, 0.0, 1.0),
    ),
    case(
        TMT + "majority_overlap",
        tmt.majority_overlap,
        d=param(0.3, 0.0, 1.0, (True, False)),
        M=count(5, 1),
        r=param(0.5, 0.0, 1.0),
    ),
    case(
        TMT + "majority_overlap_limit",
        tmt.majority_overlap_limit,
        d=param(0.3, 0.0, 1.0, (True, False)),
        entropy=param(0.5, 0.0),
    ),
    case(
        TMT + "learned_solutions",
        tmt.learned_solutions,
        d=param(0.3, 0.0, 1.0, (True, False)),
        T=param(0.0, 0.0),
        P=count(2, 1, 8),
        M=count(5, 1),
        r=param(0.5, 0.0, 1.0),
        rng=rng(),
        slow=True,
    ),
    case(
        TMT + "unsupervised_solutions",
        tmt.unsupervised_solutions,
        d=param(0.3, 0.0, 1.0, (True, False)),
        T=param(0.0, 0.0),
        P=count(2, 1, 8),
        M=count(2, 1),
        r=param(0.5, 0.0, 1.0),
        rng=rng(),
        slow=True,
    ),
    case(
        TMT + "medium_load_parallel",
        tmt.medium_load_parallel,
        reduced_T=param(0.5, 0.0),
        patterns_per_spin=param(1.0, 0.0, 50.0),
        sentinels=True,  # the eigenvalue is NaN at T = 0
    ),
    case(
        TMT + "medium_load_stable_below",
        tmt.medium_load_stable_below,
        patterns_per_spin=param(1.0, 0.0, 50.0),
    ),
    # ---- theory.sparsey
    case(
        TSP + "expansivity",
        tsp.expansivity,
        G=param(0.5, 0.0, 1.0),
        **{k: VARIANT_ARGS[k] for k in ("chi", "gamma", "G_minus")},
    ),
    case(
        TSP + "relative_likelihood",
        tsp.relative_likelihood,
        V=param(0.5, 0.0, 1.0),
        expansivity=param(2.0, 1.0),
        **{k: VARIANT_ARGS[k] for k in ("sigma1", "sigma2", "sigma3")},
    ),
    case(
        TSP + "stored_win_probability",
        tsp.stored_win_probability,
        similarity=param(0.5, 0.0, 1.0),
        cells=count(8, 1),
        **VARIANT_ARGS,
    ),
    case(
        TSP + "code_intersection",
        tsp.code_intersection,
        similarity=param(0.5, 0.0, 1.0),
        Q=count(6, 1),
        cells=count(8, 1),
        **VARIANT_ARGS,
    ),
    case(TSP + "coverage_pmf", tsp.coverage_pmf, N=count(40, 1), w=count(5, 1, 40), wins=count(3)),
    case(
        TSP + "support_pmf",
        tsp.support_pmf,
        N=count(40, 1),
        w=count(5, 1, 40),
        P=count(10),
        cells=count(4, 1),
    ),
    case(
        TSP + "recognition",
        tsp.recognition,
        N=count(40, 1),
        w=count(5, 1, 40),
        P=count(10, 1),
        Q=count(6, 1),
        cells=count(4, 1),
    ),
    case(
        TSP + "novel_familiarity",
        tsp.novel_familiarity,
        N=count(40, 1),
        w=count(5, 1, 40),
        P=count(10),
        Q=count(6, 1),
        cells=count(4, 1),
    ),
    case(
        TSP + "capacity",
        tsp.capacity,
        N=count(200, 1),
        w=count(10, 1, 200),
        Q=count(6, 1),
        cells=count(4, 1),
        exact=param(0.5, 0.0, 1.0, (False, False)),
        slow=True,
    ),
    case(
        TSP + "load_of_familiarity",
        tsp.load_of_familiarity,
        N=count(200, 1),
        w=count(10, 1, 200),
        Q=count(6, 1),
        cells=count(4, 1),
        G=param(0.3, 0.0, 1.0, (False, False)),
        slow=True,
    ),
]


# ---- running a case --------------------------------------------------------------------


def _finite(x):
    """Whether a result holds no NaN or inf (arrays, tuples, floats, models, ...)."""
    if isinstance(x, (assoc.Memory, xr.Dataset, str, bytes, type(None), bool)):
        return True
    if isinstance(x, assoc.Recall):
        return all(_finite(getattr(x, f.name)) for f in dataclasses.fields(x))
    if isinstance(x, dict):
        return all(_finite(v) for v in x.values())
    if isinstance(x, (tuple, list)):
        return all(_finite(v) for v in x)
    if isinstance(x, np.ndarray) and x.dtype == object:
        return all(_finite(v) for v in x.ravel().tolist())
    if (
        isinstance(x, (np.ndarray, np.generic, float, complex))
        and np.asarray(x).dtype.kind in "fc"
    ):
        return bool(np.isfinite(x).all())
    return True


def _same(a, b):
    """Whether two results are equal: arrays of one shape, dtype and values, ..."""
    if isinstance(a, assoc.Memory):
        if type(a) is not type(b) or repr(a) != repr(b):
            return False
        return not a._is_stored() or _same(a._state(), b._state())
    if isinstance(a, xr.Dataset):
        return isinstance(b, xr.Dataset) and a.drop_attrs().identical(b.drop_attrs())
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, tuple) and not isinstance(a, np.ndarray):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, assoc.Recall):
        return a == b
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return (
            a.shape == b.shape
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b


def _names(name):
    """The argument name as it may be written in a message (``bands[0]`` for bands)."""
    return re.compile(rf"(^|[^\w]){re.escape(name)}([^\w]|$)")


_GOOD = {}


def _good_result(c):
    if c.name not in _GOOD:
        _GOOD[c.name] = c.call(**c.fixed, **{k: a.make_good() for k, a in c.args.items()})
    return _GOOD[c.name]


def _feed(c, arg, label, make, expect):
    """Call ``c`` with argument ``arg`` set to ``make()``; None if the outcome is as
    ``expect`` says, else what went wrong."""
    kwargs = {**c.fixed, **{k: a.make_good() for k, a in c.args.items()}}
    kwargs[arg] = make()
    try:
        result = c.call(**kwargs)
    except (ValueError, TypeError) as error:
        if expect == SAME:
            return f"{label}: raised {type(error).__name__}: {error}"
        if not any(_names(n).search(str(error)) for n in (arg, *c.aliases.get(arg, ()))):
            return f"{label}: {type(error).__name__} does not name {arg!r}: {error}"
        return None
    except Exception as error:  # what the test reports
        return f"{label}: raised {type(error).__name__}: {error}"
    if expect == REFUSE:
        return f"{label}: accepted, returned {_brief(result)}"
    if expect in (SAME, REFUSE_OR_SAME) and not _same(result, _good_result(c)):
        return f"{label}: accepted, returned {_brief(result)}, not {_brief(_good_result(c))}"
    if expect == REFUSE_OR_FINITE and not c.sentinels and not _finite(result):
        return f"{label}: accepted, returned a NaN or inf: {_brief(result)}"
    return None


def _brief(x):
    text = repr(x)
    return text if len(text) < 200 else text[:200] + "..."


def _quick(c, arg, variants):
    """The values fed by default: every one that must be refused (refusals cost
    nothing), and of the others a seeded sample of two (of one for a slow function)."""
    refused = [v for v in variants if v[2] == REFUSE]
    others = [v for v in variants if v[2] != REFUSE]
    sample = random.Random(f"{c.name}:{arg}").sample(others, min(len(others), 1 if c.slow else 2))
    return refused + sample


PAIRS = [(c, arg) for c in CASES for arg in c.args]


def _run(c, arg, variants):
    _good_result(c)
    problems = [p for v in variants if (p := _feed(c, arg, *v)) is not None]
    assert not problems, f"{c.name}({arg}=...):\n  " + "\n  ".join(problems)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix, fed on purpose
@pytest.mark.timeout(120)
@pytest.mark.parametrize(("c", "arg"), PAIRS, ids=[f"{c.name}-{arg}" for c, arg in PAIRS])
def test_bad_values_are_refused_naming_the_argument(c, arg):
    _run(c, arg, _quick(c, arg, c.args[arg].variants))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
@pytest.mark.timeout(600)
@pytest.mark.parametrize(("c", "arg"), PAIRS, ids=[f"{c.name}-{arg}" for c, arg in PAIRS])
def test_every_bad_value_is_refused_naming_the_argument(c, arg):
    _run(c, arg, c.args[arg].variants)


PUBLIC_MODULES = (
    "assoc.patterns",
    "assoc.models",
    "assoc.models.sparsey",
    "assoc.mc",
    "theory.dendritic",
    "theory.dense",
    "theory.hopfield",
    "theory.modern",
    "theory.multitask",
    "theory.sparsey",
)


def _public_callables():
    """module.name of every public function and class of the public modules, and
    ``Model.verb`` of every public method of every model."""
    names = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or (
                inspect.isclass(obj)
                and dataclasses.is_dataclass(obj)
                and not issubclass(obj, assoc.Recall)  # results, built by the models
            ):
                names.add(f"{module_name}.{name}")
    for model in assoc.models.MODELS:
        names.add(f"assoc.models.{model.__name__}")
        for verb, _ in inspect.getmembers(model, inspect.isfunction):
            if not verb.startswith("_") and verb != "load":
                names.add(f"assoc.models.{model.__name__}.{verb}")
    return names


def test_every_public_function_has_a_case():
    covered = {name for c in CASES for name in c.covers}
    inherited = {
        f"assoc.models.{model.__name__}.{verb}"
        for model in assoc.models.MODELS
        for verb in ("save",)
    }
    missing = sorted(_public_callables() - covered - inherited)
    assert not missing, f"public functions without a case in CASES: {missing}"
