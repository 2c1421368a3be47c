"""The folders are the layers: imports run one way, the core stays free of
scikit-learn and pandas, and the short public paths are the modules."""

import ast
import importlib
import pickle
from pathlib import Path

import pytest

import rnnforecast
from rnnforecast._aliases import SHORT_PATHS

PACKAGE = Path(rnnforecast.__file__).parent
# Lower layers first: a module may import its own layer and those before it.
LAYERS = ["_core", "_estimators", "", "forecasting", "io"]


def _layer(module):
    """Layer of a module named relative to rnnforecast ("" for top level)."""
    head = module.split(".")[0]
    return head if head in LAYERS else ""


def _imports(path):
    """(line, imported module relative to rnnforecast) of each relative import."""
    package = path.relative_to(PACKAGE).parent.parts
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[:len(package) - node.level + 1])
            names = [node.module] if node.module else [alias.name for alias in node.names]
            for name in names:
                yield node.lineno, ".".join(base + name.split("."))


def _modules():
    return sorted(path for path in PACKAGE.rglob("*.py") if path.name != "_aliases.py")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path):
    own = _layer(".".join(path.relative_to(PACKAGE).parts))
    if path == PACKAGE / "__init__.py":
        return  # the package's face exports from the layers below it
    for line, module in _imports(path):
        assert LAYERS.index(_layer(module)) <= LAYERS.index(own), (
            f"{path.relative_to(PACKAGE)}:{line} imports {module}, a layer above it")


def test_the_core_imports_neither_scikit_learn_nor_pandas():
    for path in (PACKAGE / "_core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in ("sklearn", "pandas"), (path.name, name)


@pytest.mark.parametrize("short", sorted(SHORT_PATHS))
def test_short_paths_are_the_modules(short):
    full = importlib.import_module(SHORT_PATHS[short])
    assert importlib.import_module(short) is full
    assert full.__spec__.name == SHORT_PATHS[short]


def test_objects_saved_under_the_short_paths_still_load():
    from rnnforecast.forecasting.transforms import Differencer
    # Protocol 2 names classes as text ("c<module>\n<name>\n"), without
    # lengths or frames, so the module can be renamed in place.
    data = pickle.dumps(Differencer([1, 12]), protocol=2)
    assert b"rnnforecast.forecasting.transforms\nDifferencer" in data
    old = data.replace(b"rnnforecast.forecasting.transforms", b"rnnforecast.transforms")
    assert b"rnnforecast.forecasting" not in old
    assert pickle.loads(old).lags == Differencer([1, 12]).lags


def test_the_bundled_data_loads_through_both_paths():
    from rnnforecast.datasets import load_daily_min_temperatures
    from rnnforecast.io.datasets import load_daily_min_temperatures as same
    assert same is load_daily_min_temperatures
    assert len(load_daily_min_temperatures()) == 3652  # 1981-1990, daily
