"""Run every benchmark (each ``benchmarks/bench_*.py``): ``python -m benchmarks [--quick]``."""

import importlib
import pkgutil
from pathlib import Path

for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
    if module.name.startswith("bench_"):
        print(f"== {module.name}", flush=True)
        importlib.import_module(f"benchmarks.{module.name}").main()
        print()
