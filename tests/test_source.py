"""The repository's source files hold no ASCII control characters but newline and tab.

A stray form feed, backspace or carriage return is usually a backslash escape taken
literally by a non-raw string ("\\frac" is a form feed and "rac"): invisible in an
editor, it garbles a docstring or a formula.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = {".py", ".md", ".toml", ".ipynb", ".cfg"}
NAMES = {".ci/run"}
# C0 controls and DEL, less tab (9) and newline (10)
CONTROL = {*range(32), 127} - {9, 10}


def tracked_sources():
    """The files git tracks under ROOT that are source: by suffix, or by name."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    paths = [p for p in out.split("\0") if p]
    return [p for p in paths if Path(p).suffix in SUFFIXES or p in NAMES]


def control_characters(data):
    """(line, column, code) of every control character in the bytes ``data``, 1-based."""
    found = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        for column, byte in enumerate(line, start=1):
            if byte in CONTROL:
                found.append((number, column, byte))
    return found


def test_control_characters_are_found():
    data = b"ok\tline\nform\x0cfeed\r\nend\x7f"
    assert control_characters(data) == [(2, 5, 12), (2, 10, 13), (3, 4, 127)]


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs the git checkout",
)
def test_no_control_characters_in_source_files():
    paths = tracked_sources()
    assert any(p.endswith(".py") for p in paths)
    bad = [
        f"{path}:{line}:{column}: control character 0x{code:02x}"
        for path in paths
        if (ROOT / path).is_file()
        for line, column, code in control_characters((ROOT / path).read_bytes())
    ]
    assert not bad, "\n".join(bad)
