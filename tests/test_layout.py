"""The folders are the layers: imports run one way, the core stays free of
scikit-learn and pandas, and each public object has one home module."""

import ast
import importlib
import sys
from pathlib import Path

import pytest

import rnnforecast

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
    return sorted(PACKAGE.rglob("*.py"))


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


PUBLIC_MODULES = ["preprocessing", "ensemble", "_estimators.progress", "forecasting.backtest",
                  "forecasting.calendar",
                  "forecasting.forecaster", "forecasting.metrics", "forecasting.panel",
                  "forecasting.plotting", "forecasting.splitters", "forecasting.streaming",
                  "forecasting.windows", "io.datasets", "io.persistence"]


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_public_objects_are_importable_from_the_package(module):
    # One object under two import paths, the package's and its own module's;
    # no module is known by a second name.
    defined = importlib.import_module(f"rnnforecast.{module}")
    for name in defined.__all__:
        assert getattr(rnnforecast, name) is getattr(defined, name), name
        assert name in rnnforecast.__all__, name


def test_no_module_goes_by_a_second_name():
    for short in ("forecaster", "backtest", "datasets", "persistence", "cli", "sktime"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(f"rnnforecast.{short}")
    assert not any(type(finder).__module__.startswith("rnnforecast") for finder in sys.meta_path)


def test_the_bundled_data_loads_through_both_paths():
    from rnnforecast import load_daily_min_temperatures
    from rnnforecast.io.datasets import load_daily_min_temperatures as same
    assert same is load_daily_min_temperatures
    assert len(load_daily_min_temperatures()) == 3652  # 1981-1990, daily
