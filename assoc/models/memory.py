"""The contract every model keeps: the `Memory` base class, the `Recall` result and
`load`.

Every model is built from its parameters; ``store(xi)`` stores patterns and returns the
model; ``recall(cue, rng=...)`` returns a `Recall` (or a subclass) for one cue or a
batch; ``save(path)`` writes the stored model to one file that `load` reads back
exactly. What the models share lives here, once: the "nothing stored yet" error, single
cue versus batch, the number of stored patterns ``P``, a compact ``repr``, the refusal
of options that do not apply, and persistence. ``tests/test_api_contract.py`` holds
every model to it.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import zipfile
from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np

from .._validation import fail

__all__ = ["FORMAT", "Memory", "Recall", "load"]

FORMAT = 1
"""Version of the file format of `Memory.save`; `load` refuses any other."""


def _shape(x):
    return "x".join(map(str, np.shape(x)))


@dataclass(frozen=True, eq=False, repr=False)
class Recall:
    """What a recall returns, for one cue or a batch of B cues.

    Attributes
    ----------
    s : ndarray of shape (N,) or (B, N)
        Final state.
    m : ndarray of shape (P,) or (B, P), float64
        Overlaps of the final state with the stored patterns.
    energy : float or ndarray of shape (B,), or None
        Energy of the final state (None for a model that has none).
    sweeps : int or ndarray of shape (B,)
        Sweeps (N single-spin updates each, one parallel update, or one iteration)
        performed.
    converged : bool or ndarray of shape (B,)
        Whether the final state is a fixed point of the zero-temperature dynamics.
    m_mean : ndarray of shape (P,) or (B, P), or None
        Overlaps of the time-averaged state over the measured sweeps (Glauber
        dynamics), <m_mu> = (1/N) sum_i xi_i^mu <s_i>; None for zero-T dynamics.
    m_trace : ndarray of shape (L + 1, P) or (B, L + 1, P), or None
        With ``recall(..., trace=True)``: the overlaps at the start and after each of
        the L sweeps (iterations) run; a cue that stopped earlier repeats its last row.
    energy_trace : ndarray of shape (L + 1,) or (B, L + 1), or None
        With ``trace=True``: the energy at the same steps as ``m_trace``.

    Results compare equal when their fields are equal arrays (``==`` never raises) and
    convert to an `xarray.Dataset` with `to_dataset`.
    """

    s: np.ndarray
    m: np.ndarray
    energy: float | np.ndarray | None
    sweeps: int | np.ndarray
    converged: bool | np.ndarray
    m_mean: np.ndarray | None = None
    m_trace: np.ndarray | None = None
    energy_trace: np.ndarray | None = None

    # dimension names of each field after the batch dimension "cue"
    dims: ClassVar[dict] = {
        "s": ("unit",),
        "m": ("pattern",),
        "energy": (),
        "sweeps": (),
        "converged": (),
        "m_mean": ("pattern",),
        "m_trace": ("step", "pattern"),
        "energy_trace": ("step",),
    }

    @property
    def batched(self):
        """Whether this is the result of a batch of cues (fields have a leading B axis)."""
        return np.ndim(self.converged) == 1

    def __getitem__(self, b):
        """The result of cue ``b`` of a batch."""
        if not self.batched:
            raise TypeError(f"a single-cue {type(self).__name__} has no batch axis to index")
        values = (getattr(self, f.name) for f in fields(self))
        return type(self)(*(None if x is None else x[b] for x in values))

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if (a is None) != (b is None):
                return False
            if a is not None and not (
                np.shape(a) == np.shape(b)
                and np.asarray(a).dtype == np.asarray(b).dtype
                and np.array_equal(a, b, equal_nan=np.asarray(a).dtype.kind in "fc")
            ):
                return False
        return True

    __hash__ = None

    def __repr__(self):
        name = type(self).__name__
        cues = f"{len(self.converged)} cues" if self.batched else "1 cue"
        converged = int(np.sum(self.converged))
        total = np.size(self.converged)
        text = f"{name}({cues}, N={np.shape(self.s)[-1]}, P={np.shape(self.m)[-1]}; "
        text += f"{converged}/{total} converged, sweeps {_span(self.sweeps)}"
        if np.shape(self.m)[-1]:
            text += f", best m {_span(np.max(self.m, axis=-1), '.3f')}"
        if self.energy is not None:
            text += f", energy {_span(self.energy, '.4g')}"
        return text + ")"

    def to_dataset(self):
        """The result as an `xarray.Dataset`: one variable per field (None fields left
        out), dimensions ``cue`` (batches), ``unit``, ``pattern``, ``step`` and the
        subclass's own."""
        import xarray as xr

        lead = ("cue",) if self.batched else ()
        data = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            value = np.asarray(value)
            inner = self.dims[f.name]
            inner = (
                inner[len(inner) - (value.ndim - len(lead)) :] if value.ndim > len(lead) else ()
            )
            data[f.name] = ((*lead, *inner), value)
        return xr.Dataset(data, attrs={"result": type(self).__name__})


def _span(x, spec="d"):
    x = np.asarray(x)
    lo, hi = x.min(), x.max()
    if x.dtype.kind == "b" or spec == "d":
        lo, hi = int(lo), int(hi)
    return f"{lo:{spec}}" if lo == hi else f"{lo:{spec}}..{hi:{spec}}"


def not_applicable(name, value, why):
    """Refuse an option that was given (not None) where it does not apply: a
    `ValueError` naming the option and why."""
    if value is not None:
        raise ValueError(f"{name} does not apply {why}; got {name}={value!r}")


class Memory:
    """What every model shares.

    A subclass lists its constructor arguments in ``_params`` (kept as attributes of the
    same names) and the properties computed from them alone in ``_derived``; every other
    public attribute and method raises the one "no stored patterns" error before
    `store`. It says whether something is stored (`_is_stored`) and how many patterns
    (`_count`), and, when its stored state is more than the patterns ``xi`` given to
    `store`, how to save and restore it (`_state`, `_restore`).
    """

    _params: ClassVar[tuple] = ()
    _derived: ClassVar[tuple] = ()  # properties computed from the parameters alone

    # ---- stored state -----------------------------------------------------------------

    def _is_stored(self):
        return getattr(self, "xi", None) is not None

    def _count(self):
        return self.xi.shape[0]

    def _stored(self):
        """Raise the one "nothing stored" error unless the model holds patterns."""
        if not self._is_stored():
            raise ValueError(f"{type(self).__name__} has no stored patterns; call store(xi) first")

    @property
    def P(self):
        """Number of stored patterns."""
        self._stored()
        return self._count()

    # ---- single cue or batch ----------------------------------------------------------

    @staticmethod
    def _one_or_batch(result, single):
        """The result of a (B, ...) batch, or its row 0 when one cue was given."""
        return result[0] if single else result

    # ---- repr -------------------------------------------------------------------------

    def __repr__(self):
        signature = inspect.signature(type(self).__init__).parameters
        shown = []
        for name in self._params:
            value = getattr(self, name)
            default = signature[name].default
            required = default is inspect.Parameter.empty
            if required or not _same(value, default):
                shown.append(f"{name}={_brief(value)}")
        text = f"{type(self).__name__}({', '.join(shown)}; "
        if not self._is_stored():
            return text + "nothing stored)"
        P = self._count()
        return text + f"{P} pattern{'s' if P != 1 else ''} stored)"

    # ---- persistence ------------------------------------------------------------------

    def _state(self):
        """The arrays that, with the parameters, make up the stored model."""
        return {"xi": self.xi}

    def _restore(self, arrays):
        """Rebuild the stored model from `_state`'s arrays (on a freshly built model)."""
        self.store(arrays["xi"])

    def save(self, path):
        """Save the stored model to one file (NumPy ``.npz``) that `load` reads back
        exactly: a recall after loading is bit-identical for the same ``rng``.

        Parameters
        ----------
        path : str or path-like
            Where to write; NumPy appends ``.npz`` to a name without it.
        """
        self._stored()
        _check_path(path)
        arrays = {}
        params = {name: _encode(getattr(self, name), name, arrays) for name in self._params}
        for key, value in self._state().items():
            arrays[f"state:{key}"] = np.asarray(value)
        meta = {"format": FORMAT, "model": type(self).__name__, "params": params}
        from .. import __version__

        meta["assoc_version"] = __version__
        np.savez(path, __meta__=np.array(json.dumps(meta)), **arrays)

    @classmethod
    def load(cls, path):
        """Load a model of this kind saved by `save` (see `assoc.load`)."""
        return load(path, kind=cls)

    # ---- pickling keeps the stored arrays; nothing else to say ------------------------


def _same(a, b):
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return False


def _brief(value):
    if isinstance(value, np.ndarray):
        return f"array({_shape(value)})"
    if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
        return f"[{len(value)} arrays]"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def _encode(value, name, arrays):
    """``value`` as JSON; arrays go to ``arrays`` under a key the JSON names."""
    if isinstance(value, np.ndarray):
        arrays[f"param:{name}"] = value
        return {"array": f"param:{name}"}
    if dataclasses.is_dataclass(value):
        return {"record": type(value).__name__, "fields": dataclasses.asdict(value)}
    if isinstance(value, (list, tuple)):
        return {"list": [_encode(v, f"{name}.{i}", arrays) for i, v in enumerate(value)]}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decode(value, arrays):
    from . import sparsey

    if isinstance(value, dict):
        if "array" in value:
            return arrays[value["array"]]
        if "record" in value:
            return getattr(sparsey, value["record"])(**value["fields"])
        return [_decode(v, arrays) for v in value["list"]]
    return value


def _check_path(path):
    if not isinstance(path, (str, os.PathLike)):
        fail("path", "a file path (a str or path-like)", repr(path), error=TypeError)


def load(path, kind=None):
    """Load a model saved by `Memory.save`.

    Parameters
    ----------
    path : str or path-like
    kind : type, optional
        The model class expected; a file holding another kind is refused.

    Returns
    -------
    Memory
        The model, stored as it was saved.

    Raises
    ------
    ValueError
        If the file is not a saved model (or is damaged or truncated), was written in
        another format version, or holds another kind of model than ``kind``.
    """
    from .. import models

    _check_path(path)
    if kind is not None and not (isinstance(kind, type) and issubclass(kind, Memory)):
        fail("kind", "None or a model class of assoc.models", repr(kind), error=TypeError)
    try:
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["__meta__"][()]))
            arrays = {key: f[key] for key in f.files if key != "__meta__"}
        model_name, version, params = meta["model"], meta["format"], meta["params"]
    except FileNotFoundError:
        raise
    except (OSError, EOFError, KeyError, TypeError, ValueError, zipfile.BadZipFile) as e:
        raise ValueError(
            f"{path} is not a model saved by assoc, or it is damaged or truncated "
            f"({type(e).__name__}: {e})"
        ) from None
    if version != FORMAT:
        fail(
            f"the format of {path}",
            f"{FORMAT}, the format this assoc reads (saved by assoc "
            f"{meta.get('assoc_version')}; load it with that version)",
            version,
        )
    cls = getattr(models, model_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Memory)):
        fail(f"the model in {path}", "a model of assoc.models", repr(model_name))
    if kind is not None and cls is not kind:
        fail(
            f"the model in {path}",
            f"a {kind.__name__} (load any kind with assoc.load)",
            f"a {model_name}",
        )
    model = cls(**{name: _decode(v, arrays) for name, v in params.items()})
    state = {
        key.removeprefix("state:"): a for key, a in arrays.items() if key.startswith("state:")
    }
    model._restore(state)
    return model
