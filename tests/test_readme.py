"""Every Python snippet in README.md runs on its own."""

import re
import warnings
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_snippets():
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_snippet_runs_alone(index, capsys):
    with warnings.catch_warnings():
        # Snippets show calls, not warning handling: non-convergence of their
        # short fits and MAPE left out on temperatures near 0 °C are expected.
        warnings.simplefilter("ignore")
        exec(compile(SNIPPETS[index], f"README.md snippet {index}", "exec"), {})
