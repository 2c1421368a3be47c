"""CombinedForecaster: members fitted on the same series, forecasts combined
value by value in the members' layout, and refusals."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, Ridge

from rnnforecast import CombinedForecaster, ESRNNForecaster, WindowForecaster


def _panel(n=48):
    t = np.arange(n)
    index = pd.date_range("2001-01", periods=n, freq="MS")
    return pd.DataFrame({"a": 50 + t + 5 * np.sin(t), "b": 200 - t + 3 * np.cos(t)},
                        index=index)


def _window(estimator, window_length=6):
    return WindowForecaster(estimator, window_length=window_length, horizon=3,
                            window_normalization=None, deseasonalize=None)


@pytest.mark.parametrize("aggregate, combine", [("median", np.median), ("mean", np.mean)])
def test_forecasts_are_combined_value_by_value(aggregate, combine):
    y = _panel()
    members = [("linear", _window(LinearRegression())), ("ridge", _window(Ridge(10.0))),
               ("short", _window(Ridge(), window_length=3))]
    combined = CombinedForecaster(members, aggregate=aggregate).fit(y)
    alone = [forecaster.fit(y).predict(steps=2) for _, forecaster in members]
    expected = combine(np.stack([f.to_numpy() for f in alone]), axis=0)
    forecast = combined.predict(steps=2)
    pd.testing.assert_index_equal(forecast.index, alone[0].index)
    pd.testing.assert_index_equal(forecast.columns, alone[0].columns)
    np.testing.assert_allclose(forecast.to_numpy(), expected)
    assert set(combined.fit_seconds_) == {"linear", "ridge", "short"}
    # Members were cloned: the ones passed in are not the fitted ones.
    assert all(combined.forecasters_[name] is not f for name, f in members)


def test_a_window_network_and_an_es_rnn_combine_on_a_single_series():
    y = _panel()["a"]
    combined = CombinedForecaster([
        ("window", _window(Ridge())),
        ("es_rnn", ESRNNForecaster(horizon=3, max_steps=40, units=4, early_stopping=False,
                                   random_state=0)),
    ], aggregate="mean").fit(y)
    forecast = combined.predict()
    parts = [member.predict() for member in combined.forecasters_.values()]
    pd.testing.assert_series_equal(forecast, (parts[0] + parts[1]) / 2)


def test_members_forecasting_different_times_are_refused():
    y = _panel()
    combined = CombinedForecaster([("a", _window(Ridge())),
                                   ("b", _window(Ridge()))]).fit(y)
    combined.forecasters_["b"].fit(y.iloc[:-1])   # now ends a month earlier
    with pytest.raises(ValueError, match="different series or times"):
        combined.predict()


@pytest.mark.parametrize("forecasters, error, message", [
    ([], ValueError, "non-empty list"),
    ([_window(Ridge())], ValueError, r"\(name, forecaster\) tuples"),
    ([("a", _window(Ridge())), ("a", _window(Ridge()))], ValueError, "unique"),
    ([("a", Ridge())], TypeError, "Wrap a regressor in WindowForecaster"),
])
def test_bad_members_are_refused_before_anything_is_fitted(forecasters, error, message):
    combined = CombinedForecaster([("ok", _window(Ridge()))]).fit(_panel())
    fitted = combined.forecasters_
    combined.set_params(forecasters=forecasters)
    with pytest.raises(error, match=message):
        combined.fit(_panel())
    assert combined.forecasters_ is fitted


def test_a_member_beaten_by_seasonal_naive_warns_through_the_combination():
    from rnnforecast import BaselineWarning

    y = pd.Series(np.tile([1.0, 9.0, 2.0, 30.0], 12),
                  index=pd.date_range("2000-01", periods=48, freq="QS"))
    combined = CombinedForecaster([
        ("es_rnn", ESRNNForecaster(horizon=4, max_steps=60, validation_interval=20,
                                   units=8, random_state=0)),
        ("window", _window(Ridge())),
    ])
    with pytest.warns(BaselineWarning, match="seasonal naive's 0.000"):
        combined.fit(y)
