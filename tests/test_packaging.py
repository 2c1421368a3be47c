"""The package as users get it: ``python -m build`` makes a wheel and an
sdist that pass ``twine check``, and the wheel, installed into a fresh
virtual environment, runs the command line on the bundled data (so the
package data and the entry point are in it)."""

import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)])
    return out


def _run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_build_makes_a_wheel_and_an_sdist_that_pass_twine_check(dist):
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    result = _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, wheels + sdists)])
    assert result.stdout.count("PASSED") == 2
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "rnnforecast/io/datasets/data/daily-min-temperatures.csv" in names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_the_wheel_in_a_fresh_venv_forecasts_the_bundled_data(dist, tmp_path):
    # The fresh environment reads this one's site-packages for the
    # dependencies (nothing is downloaded; a path in a .pth file is added as
    # it is, without running the .pth files inside it, so this environment's
    # editable rnnforecast stays out), but rnnforecast must come from the wheel.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    own = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
                    ).stdout.strip())
    (own / "_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    wheel = next(dist.glob("*.whl"))
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    where = _run([str(python), "-c", "import rnnforecast; print(rnnforecast.__file__)"],
                 cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where
    result = _run([str(env_dir / "bin" / "rnnforecast"), "forecast", "--horizon", "3",
                   "--units", "4", "--max-iter", "3", "--folds", "1", "--output",
                   "forecast.csv"], cwd=tmp_path)
    assert "seasonal" in result.stdout.lower()
    table = (tmp_path / "forecast.csv").read_text().splitlines()
    assert len(table) == 1 + 3
