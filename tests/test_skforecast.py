"""Our regressors inside skforecast, which passes lag columns newest first.

Optional: skipped when skforecast is not importable; the test extra
installs it, so CI runs these.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from rnnforecast import GRURegressor, SimpleRNNRegressor
from rnnforecast.forecasting.forecaster import WindowForecaster

skforecast = pytest.importorskip("skforecast")
from skforecast.recursive import ForecasterRecursive  # noqa: E402

LAGS = 6
PARAMS = dict(units=4, max_iter=5, random_state=0, dtype="float64")


def _series():
    t = np.arange(120)
    values = 20 + 5 * np.sin(2 * np.pi * t / 12) + 0.05 * t
    values += np.random.RandomState(0).normal(scale=0.3, size=120)
    return pd.Series(values, index=pd.date_range("2010-01", periods=120, freq="MS"))


# Our forecaster as skforecast's: raw windows of the series as it is.
AS_SKFORECAST = dict(scaler=None, window_normalization=None, deseasonalize=None)


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


@pytest.mark.parametrize("cls", [SimpleRNNRegressor, GRURegressor])
def test_newest_first_lags_fit_the_model_our_forecaster_fits(cls):
    # skforecast's training matrix, reversed to oldest first, is exactly our
    # forecaster's windows: the same model, the same recursive forecasts.
    y = _series()
    theirs = ForecasterRecursive(cls(window_order="newest_first", **PARAMS), lags=LAGS)
    _quiet(lambda: theirs.fit(y))
    ours = WindowForecaster(cls(**PARAMS), window_length=LAGS, strategy="recursive",
                            **AS_SKFORECAST)
    _quiet(lambda: ours.fit(y))
    np.testing.assert_array_equal(theirs.estimator.params_, ours.estimator_.params_)
    np.testing.assert_allclose(theirs.predict(12).to_numpy(),
                               ours.predict(12).to_numpy(), rtol=1e-12)


def test_without_it_the_network_reads_each_window_backwards():
    # The network alone (no linear path, which is blind to column order).
    y, params = _series(), dict(PARAMS, linear_skip=False, max_iter=50)
    backwards = ForecasterRecursive(SimpleRNNRegressor(**params), lags=LAGS)
    right = ForecasterRecursive(SimpleRNNRegressor(window_order="newest_first", **params),
                                lags=LAGS)
    ours = WindowForecaster(SimpleRNNRegressor(**params), window_length=LAGS,
                            strategy="recursive", **AS_SKFORECAST)
    forecasts = []
    for model in (backwards, right, ours):
        _quiet(lambda: model.fit(y))   # skforecast's fit returns None
        forecasts.append(model.predict(12).to_numpy())
    np.testing.assert_allclose(forecasts[1], forecasts[2], rtol=1e-12)
    assert np.abs(forecasts[0] - forecasts[2]).max() > 0.1


def test_newest_first_is_refused_for_3d_windows():
    X = np.zeros((4, 3, 2))
    with pytest.raises(ValueError, match="reads 2-D rows of lag columns"):
        SimpleRNNRegressor(window_order="newest_first").fit(X, np.zeros(4))
