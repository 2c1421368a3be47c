"""The tree is clean under the linter configured in pyproject.toml (ruff:
pycodestyle, pyflakes, import order, pyupgrade, bugbear)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_version_is_written_once():
    from importlib.metadata import version

    import rnnforecast

    # pyproject.toml reads it from the package, so the installed metadata agrees.
    assert version("rnnforecast") == rnnforecast.__version__
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert "\nversion =" not in pyproject.split("[tool.setuptools.dynamic]")[0]
    assert rnnforecast.__version__ in (ROOT / "rnnforecast" / "__init__.py").read_text()
