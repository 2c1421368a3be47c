"""The sktime adapter passes sktime's own estimator checks.

Optional: skipped when sktime is not importable; ``.ci/run`` installs it,
so CI runs these.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

sktime = pytest.importorskip("sktime")
from rnnforecast.forecasting.forecaster import WindowForecaster  # noqa: E402
from rnnforecast.forecasting.sktime import RNNForecaster  # noqa: E402


def test_adapter_passes_sktime_check_estimator():
    from sktime.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(RNNForecaster, raise_exceptions=False)
    failed = {name: str(outcome)[:200] for name, outcome in results.items()
              if outcome != "PASSED"}
    assert len(results) > 500 and not failed, failed


def _monthly(n=120):
    t = np.arange(n)
    values = 50 + 10 * np.sin(2 * np.pi * t / 12) + 0.2 * t
    values += np.random.RandomState(0).normal(size=n)
    return pd.Series(values, index=pd.period_range("2010-01", periods=n, freq="M"))


def test_adapter_forecasts_as_the_window_forecaster_does():
    y = _monthly()
    ours = WindowForecaster(Ridge(), window_length=12, strategy="recursive").fit(y)
    adapter = RNNForecaster(Ridge(), window_length=12).fit(y)
    predicted = adapter.predict(fh=[1, 6, 12])
    assert isinstance(predicted.index, pd.PeriodIndex)
    np.testing.assert_array_equal(predicted.to_numpy(),
                                  ours.predict(steps=[1, 6, 12]).to_numpy())


def test_adapter_intervals_and_quantiles_from_conformal_errors():
    y = _monthly()
    adapter = RNNForecaster(Ridge(), window_length=12, horizon=6,
                            calibration_fraction=0.4).fit(y)
    quantiles = adapter.predict_quantiles(fh=[1, 2, 3], alpha=[0.1, 0.5, 0.9])
    assert quantiles.shape == (3, 3)
    assert (np.diff(quantiles.to_numpy(), axis=1) >= 0).all()
    interval = adapter.predict_interval(fh=[1, 2, 3], coverage=0.8)
    np.testing.assert_allclose(interval.iloc[:, 0], quantiles.iloc[:, 0])
    np.testing.assert_allclose(interval.iloc[:, 1], quantiles.iloc[:, 2])
