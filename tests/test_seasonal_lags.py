"""``seasonal_lags``: each step of a window also reads the target whole
seasons before it, scaled as the target is; the history reaches back that
far, and what cannot be done is refused with what to do."""

import pickle

import numpy as np
import pandas as pd
import pytest
from _recording import WindowRecorder
from sklearn.linear_model import Ridge

from rnnforecast import WindowForecaster


def _monthly(n=72, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 100 + 20 * np.sin(2 * np.pi * t / 12) + t + rng.normal(size=n)
    return pd.Series(values, index=pd.date_range("2001-01-01", periods=n, freq="MS"))


def _windows(y, **parameters):
    forecaster = WindowForecaster(WindowRecorder(3), window_length=4, horizon=3, seasonal_lags=2,
                                  deseasonalize=None, **parameters).fit(y)
    n_columns = 3   # the target, then its lags of 12 and 24
    return forecaster, forecaster.estimator_.X_.reshape(-1, 4, n_columns)


def test_each_step_reads_the_target_one_and_two_seasons_back():
    y = _monthly()
    forecaster, X = _windows(y, scaler=None, window_normalization=None)
    values = y.to_numpy()
    # The first window starts where its step's lag of 24 is the first value.
    first = 24
    for number, window in enumerate(X):
        start = first + number
        np.testing.assert_array_equal(window[:, 0], values[start:start + 4])
        np.testing.assert_array_equal(window[:, 1], values[start - 12:start - 12 + 4])
        np.testing.assert_array_equal(window[:, 2], values[start - 24:start - 24 + 4])
    assert len(X) == len(values) - first - 4 - 3 + 1
    assert len(forecaster.histories_[None]) == 4 + 24


def test_lags_are_scaled_by_their_windows_statistics():
    _, X = _windows(_monthly(), scaler=None, window_normalization="mean_absolute")
    _, raw = _windows(_monthly(), scaler=None, window_normalization=None)
    # Each window's columns are divided by the mean absolute target of the window.
    scale = np.abs(raw[:, :, 0]).mean(axis=1)[:, None, None]
    np.testing.assert_allclose(X, raw / scale)


def test_a_forecaster_with_lags_forecasts_from_any_history_and_survives_pickle():
    y = _monthly(96)
    forecaster = WindowForecaster(Ridge(), window_length=6, horizon=3, seasonal_lags=1,
                                  window_normalization=None).fit(y.iloc[:84])
    expected = forecaster.forecast_from(y, [84], steps=3)
    np.testing.assert_allclose(np.ravel(expected), forecaster.predict().to_numpy())
    pd.testing.assert_series_equal(pickle.loads(pickle.dumps(forecaster)).predict(),
                                   forecaster.predict())
    with pytest.raises(ValueError, match="seasonal_lags=1 need 18"):
        forecaster.forecast_from(y, [17], steps=3)


def test_what_lags_cannot_do_is_refused():
    y = _monthly()
    with pytest.raises(ValueError, match="strategy='direct'"):
        WindowForecaster(Ridge(), seasonal_lags=1, strategy="recursive").fit(y)
    with pytest.raises(ValueError, match="Pass season="):
        WindowForecaster(Ridge(), seasonal_lags=1).fit(pd.Series(y.to_numpy()))
    with pytest.raises(ValueError, match="no window fits"):
        WindowForecaster(Ridge(), window_length=24, horizon=3, seasonal_lags=4).fit(y)
