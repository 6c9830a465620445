"""Benchmarks: ``python -m benchmarks [--quick]`` runs them all from the repository root;
``python -m benchmarks.NAME`` runs one. Each prints ratios against a baseline measured in
the same run, never bare times alone."""
