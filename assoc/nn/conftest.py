"""The doctests of assoc.nn run only where torch is installed (the ``torch`` extra)."""

import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("torch") else ["*.py"]
