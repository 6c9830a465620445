"""An experiment's settings from the command line: ``--set NAME=VALUE[,VALUE...]``.

Every experiment declares its settings twice, as ``QUICK`` and ``FULL`` (the keyword
arguments of its ``run``). What a setting accepts is read from those two declarations,
with no code of its own:

- a declared number or string takes one value, a declared sequence one or more,
  comma-separated; a declared dict (one value per key, as ``N`` per ``n`` in
  ``dense_capacity``) is set one entry at a time, ``NAME.KEY=VALUE[,VALUE...]``, the
  entries not named keeping their declared values;
- integers where integers are declared, finite numbers where floats are, one of the
  declared strings where strings are;
- positive where every declared value is positive, non-negative where every declared
  value is non-negative;
- strictly increasing where both declared sequences are, distinct always;
- a dict whose keys are, in both declarations, the values of a sequence setting (``N``
  keyed by ``n``) needs an entry for every value that setting takes.

Ranges that only the experiment knows (a flip fraction at most 1, a threshold at most
the number of synapses) are checked by its ``check(cfg)``, where it has one, on the
whole configuration the run would use. Anything else is a ValueError naming the
setting, what it takes and what was given, raised before the experiment runs.
"""

import numbers

import numpy as np

from assoc._validation import fail


def parse(experiment, assignments, *, quick):
    """The keyword arguments of ``experiment.run`` that the ``assignments`` set.

    Parameters
    ----------
    experiment : module
        An experiment, with the dicts ``QUICK`` and ``FULL``.
    assignments : sequence of str
        ``"NAME=VALUE[,VALUE...]"`` or, for a dict setting, ``"NAME.KEY=VALUE[,...]"``.
    quick : bool
        Whether the run starts from ``QUICK`` (else ``FULL``): the entries of a dict
        setting that no assignment names are taken from there.

    Returns
    -------
    dict
        Setting name -> value: an int, float or str, a tuple of them, or a dict of them.

    Raises
    ------
    ValueError
        On a malformed assignment, an unknown setting, a bad value, or a setting named
        twice.
    """
    declared = {name: (experiment.QUICK[name], experiment.FULL[name]) for name in experiment.QUICK}
    overrides, seen = {}, set()
    for assignment in assignments:
        target, value = _split_assignment(assignment)
        if target in seen:
            fail("--set", "each setting at most once", f"{target} twice")
        seen.add(target)
        name, dot, key = target.partition(".")
        if name not in declared:
            fail("the NAME of --set NAME=VALUE", f"one of {sorted(declared)}", repr(name))
        quick_value, full_value = declared[name]
        if not isinstance(quick_value, dict):
            if dot:
                fail("--set", f"NAME=VALUE for {name} (it holds no entries)", repr(assignment))
            overrides[name] = _parse_value(name, value, [quick_value, full_value])
            continue
        if not dot:
            keys = ", ".join(map(str, sorted({*quick_value, *full_value})))
            fail(name, f"set one entry at a time, {name}.KEY=VALUE (KEY: {keys})", repr(value))
        entries = overrides.setdefault(name, dict(quick_value if quick else full_value))
        key = _parse_scalar(f"the KEY of {name}.KEY", key, _kind([*quick_value, *full_value]))
        entries[key] = _parse_value(target, value, [*quick_value.values(), *full_value.values()])
    _check_indexed(declared, overrides, quick)
    if hasattr(experiment, "check"):
        experiment.check({**(experiment.QUICK if quick else experiment.FULL), **overrides})
    return overrides


def _split_assignment(assignment):
    target, equals, value = assignment.partition("=")
    if not equals or not target.strip() or not value.strip():
        fail("--set", "NAME=VALUE[,VALUE...]", repr(assignment))
    return target.strip(), value.strip()


def _parse_value(name, text, examples):
    """``text`` as a value of the setting ``name`` declared as each of ``examples`` (its
    QUICK and FULL values; for an entry of a dict setting, every declared entry)."""
    sequence = all(_is_sequence(x) for x in examples)
    declared = [v for x in examples for v in (_as_list(x) if sequence else [x])]
    kind = _kind(declared)
    if kind is str:
        values = _split_words(name, text, sorted(set(declared)))
    else:
        values = [_parse_scalar(name, item.strip(), kind) for item in text.split(",")]
        _check_sign(name, values, declared, text)
    if not sequence:
        if len(values) != 1:
            shown = ", ".join(map(str, dict.fromkeys(examples)))
            fail(name, f"one value (declared: {shown})", repr(text))
        return values[0]
    if len(set(values)) != len(values):
        fail(name, "distinct values", repr(text))
    increasing = kind is not str and all(
        np.all(np.diff(_as_list(x)) > 0) for x in examples if len(x) > 1
    )
    if increasing and np.any(np.diff(values) <= 0):
        fail(name, "strictly increasing values (as declared)", repr(text))
    return tuple(values)


def _kind(declared):
    """int, float or str: the type of every declared value, or the error."""
    if all(isinstance(v, str) for v in declared):
        return str
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in declared):
        return int
    if all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in declared):
        return float
    types = sorted({type(v).__name__ for v in declared})
    fail("the declared values of a setting", "numbers or strings", f"{types}", error=TypeError)


def _parse_scalar(name, text, kind):
    if kind is str:
        return text
    try:
        value = kind(text)
    except ValueError:
        fail(name, "integer values" if kind is int else "numeric values", repr(text))
    if not np.isfinite(value):
        fail(name, "finite values", repr(text))
    return value


def _split_words(name, text, vocabulary):
    """Comma-separated words, each one of ``vocabulary`` (which may hold commas: the
    longest match is taken)."""
    items, words = text.split(","), []
    while items:
        for n in range(len(items), 0, -1):
            word = ",".join(items[:n]).strip()
            if word in vocabulary:
                words.append(word)
                items = items[n:]
                break
        else:
            fail(name, f"values among {vocabulary}", repr(",".join(items)))
    return words


def _check_sign(name, values, declared, text):
    low = min(declared)
    if low > 0 and min(values) <= 0:
        fail(name, "positive values (as declared)", repr(text))
    if low >= 0 and min(values) < 0:
        fail(name, "non-negative values (as declared)", repr(text))


def _check_indexed(declared, overrides, quick):
    """A dict setting keyed by the values of a sequence setting (``N`` by ``n``) has an
    entry for each of the values that setting takes in this run."""
    for name, (quick_value, full_value) in declared.items():
        if not isinstance(quick_value, dict):
            continue
        entries = overrides.get(name, quick_value if quick else full_value)
        for index, (quick_index, full_index) in declared.items():
            if (
                _is_sequence(quick_index)
                and set(_as_list(quick_index)) == set(quick_value)
                and set(_as_list(full_index)) == set(full_value)
            ):
                taken = overrides.get(index, quick_index if quick else full_index)
                missing = [v for v in _as_list(taken) if v not in entries]
                if missing:
                    fail(
                        name,
                        f"given for every value of {index} (set {name}.{missing[0]}=VALUE)",
                        f"no entry for {index} = {', '.join(map(str, missing))}",
                    )


def _is_sequence(x):
    return isinstance(x, (tuple, list, np.ndarray))


def _as_list(x):
    return np.asarray(x).tolist() if isinstance(x, np.ndarray) else list(x)
