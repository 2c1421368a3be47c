"""Collection rules for ``pytest tests rnnforecast --doctest-modules``."""

import importlib.util

# rnnforecast.forecasting.sktime subclasses sktime's BaseForecaster: without the optional
# sktime installed, its module cannot be imported for doctests (its tests in
# tests/test_sktime.py are skipped the same way).
collect_ignore = []
if importlib.util.find_spec("sktime") is None:
    collect_ignore.append("rnnforecast/forecasting/sktime.py")
