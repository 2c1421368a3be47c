"""Short import paths of the public modules: ``rnnforecast.forecaster`` for
``rnnforecast.forecasting.forecaster``, ``rnnforecast.datasets`` for
``rnnforecast.io.datasets``, and so on.

The modules live in folders that show the package's layers; the short paths
are how the README, users' code and files saved before the regrouping name
them. A finder on ``sys.meta_path`` answers an import of a short path with
the module itself (one module object under two names), importing nothing
until asked.
"""

import importlib
import importlib.abc
import importlib.util
import sys

SHORT_PATHS = {
    **{f"rnnforecast.{name}": f"rnnforecast.forecasting.{name}" for name in (
        "backtest", "calendar", "forecaster", "metrics", "panel", "plotting", "sktime",
        "static", "streaming", "transforms", "windows")},
    **{f"rnnforecast.{name}": f"rnnforecast.io.{name}" for name in (
        "cli", "datasets", "persistence")},
}


def full_name(name):
    """The module a short path stands for (submodules of packages too), or None."""
    for short, full in SHORT_PATHS.items():
        if name == short or name.startswith(short + "."):
            return full + name[len(short):]
    return None


class ShortPaths(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports a short path as the module it stands for."""

    def find_spec(self, name, path=None, target=None):
        full = full_name(name)
        if full is None:
            return None
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec):
        module = importlib.import_module(full_name(spec.name))
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module):
        # The import system has just labelled the module with the short
        # path's spec; it keeps its own (``importlib.resources``, reloading
        # and tracebacks read it).
        module.__spec__ = module.__spec__.loader_state


def install():
    if not any(isinstance(finder, ShortPaths) for finder in sys.meta_path):
        sys.meta_path.append(ShortPaths())
