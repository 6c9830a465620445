"""The README's examples run as shown: every ```python block is a doctest, run in order
in one namespace, its outputs compared with those printed in the README."""

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(), flags=re.M | re.S)


def test_every_python_block_is_an_example_with_its_output():
    assert len(BLOCKS) >= 4
    for block in BLOCKS:
        assert block.lstrip().startswith(">>> "), block[:80]


def test_readme_examples_print_what_the_readme_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"tmp": tmp_path}
    for k, block in enumerate(BLOCKS):
        test = parser.get_doctest(block, globs, f"README block {k}", str(README), 0)
        runner.run(test, clear_globs=False)
        globs = test.globs
    results = runner.summarize(verbose=False)
    assert results.attempted > 10
    assert results.failed == 0, f"{results.failed} README examples differ (see above)"
