"""Many series in one WindowForecaster: wide, long and single layouts, one
global model, per-series scaling, forecasts from new data without a refit."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge

from rnnforecast import SimpleRNNRegressor
from rnnforecast.forecasting.forecaster import WindowForecaster

SMALL_RNN = dict(units=4, max_iter=3, random_state=0)


def _series(n, seed, level=0.0, start="2000-01"):
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    values = level + 10 * np.sin(2 * np.pi * t / 12) + 0.1 * t + rng.normal(size=n)
    return pd.Series(values, index=pd.date_range(start, periods=n, freq="MS"),
                     name="sales")


def _long(series):
    """A long Series on a (store, date) MultiIndex from {id: Series}."""
    return pd.concat(series, names=["store", "date"])


def _wide(series):
    frame = pd.DataFrame(series)
    frame.columns.name = "store"
    return frame


def _forecaster(estimator=None, **params):
    estimator = Ridge() if estimator is None else estimator
    return WindowForecaster(estimator, window_length=12, horizon=3, **params)


@pytest.mark.parametrize("estimator", [Ridge(), SimpleRNNRegressor(**SMALL_RNN)])
def test_one_series_gives_the_same_forecast_in_every_layout(estimator):
    y = _series(80, 0)
    single = _forecaster(estimator).fit(y).predict()
    long = _forecaster(estimator).fit(_long({"a": y})).predict()
    assert isinstance(single, pd.Series) and single.name == "sales"
    assert list(long.index.names) == ["store", "date"]
    np.testing.assert_array_equal(long.loc["a"].to_numpy(), single.to_numpy())
    assert list(long.loc["a"].index) == list(single.index)


@pytest.mark.parametrize("estimator", [Ridge(), SimpleRNNRegressor(**SMALL_RNN)])
def test_wide_and_long_panels_give_the_same_forecasts(estimator):
    series = {"a": _series(80, 0), "b": _series(80, 1, level=50.0),
              "c": _series(80, 2, level=-20.0)}
    wide = _forecaster(estimator).fit(_wide(series)).predict()
    long = _forecaster(estimator).fit(_long(series)).predict()
    assert list(wide.columns) == ["a", "b", "c"] and wide.columns.name == "store"
    for key in series:
        np.testing.assert_array_equal(wide[key].to_numpy(), long.loc[key].to_numpy())


def test_series_of_different_lengths_forecast_from_their_own_ends():
    series = {"early": _series(60, 0, start="2000-01"),
              "late": _series(90, 1, start="2001-06")}
    forecast = _forecaster().fit(_long(series)).predict()
    for key, y in series.items():
        expected = pd.date_range(y.index[-1], periods=4, freq="MS")[1:]
        assert list(forecast.loc[key].index) == list(expected)


def test_nan_before_a_wide_series_starts_is_its_start():
    late = _series(80, 1)
    wide = _wide({"a": _series(80, 0), "b": late.where(late.index >= "2002-01")})
    long = _long({"a": _series(80, 0), "b": late[late.index >= "2002-01"]})
    np.testing.assert_array_equal(_forecaster().fit(wide).predict().to_numpy(),
                                  _forecaster().fit(long).predict().unstack(0).to_numpy())


def test_each_series_is_scaled_by_its_own_statistics():
    # Standardising each series by its own mean and deviation makes the
    # forecast of 100 * y + 7 exactly 100 * (forecast of y) + 7.
    y = _series(80, 0)
    forecaster = _forecaster().fit(_long({"a": y, "b": _series(80, 1)}))
    base = forecaster.predict(y=y)
    moved = forecaster.predict(y=100 * y + 7)
    np.testing.assert_allclose(moved.to_numpy(), 100 * base.to_numpy() + 7, rtol=1e-9)


def test_predict_from_new_observations_needs_no_refit():
    series = {"a": _series(80, 0), "b": _series(80, 1, level=30.0)}
    forecaster = _forecaster().fit(_long(series))
    # The training data again: the same forecasts as predict().
    pd.testing.assert_series_equal(forecaster.predict(y=_long(series)),
                                   forecaster.predict())
    recent = _series(100, 0)   # series "a", 20 observations further on
    from_recent = forecaster.predict(y=_long({"a": recent}))
    expected = forecaster.forecast_from(recent, [len(recent)], series_id="a")[0]
    np.testing.assert_array_equal(from_recent.loc["a"].to_numpy(), expected)
    assert from_recent.index[0] == ("a", pd.Timestamp(recent.index[-1]) + pd.DateOffset(months=1))


def test_a_series_never_seen_is_forecast_by_the_global_model():
    forecaster = _forecaster().fit(_long({"a": _series(80, 0), "b": _series(80, 1)}))
    new = _series(30, 5, level=1000.0)
    forecast = forecaster.predict(y=_long({"new": new}))
    assert forecast.index.get_level_values(0).unique().tolist() == ["new"]
    assert abs(forecast.mean() - new.mean()) < 5 * new.std()
    with pytest.raises(ValueError, match="Series 'tiny' has 5 observations; a series "
                                         "the model has not seen needs at least 12"):
        forecaster.predict(y=_long({"tiny": new[:5]}))


def test_update_appends_observations_and_moves_the_forecast_origin():
    full = {"a": _series(100, 0), "b": _series(100, 1)}
    forecaster = _forecaster().fit(_long({key: y[:80] for key, y in full.items()}))
    expected = forecaster.predict(y=_long(full))
    updated = forecaster.update(_long({key: y[80:] for key, y in full.items()}))
    assert updated is forecaster
    pd.testing.assert_series_equal(forecaster.predict(), expected)
    with pytest.raises(ValueError, match="must continue series 'a'"):
        forecaster.update(_long({"a": full["a"][80:]}))


def test_period_index_comes_back_as_periods():
    y = _series(80, 0)
    periods = y.copy()
    periods.index = y.index.to_period("M")
    forecast = _forecaster().fit(periods).predict()
    assert isinstance(forecast.index, pd.PeriodIndex)
    assert str(forecast.index[0]) == str(periods.index[-1] + 1)
    np.testing.assert_array_equal(forecast.to_numpy(), _forecaster().fit(y).predict().to_numpy())
    long = _long({"a": periods, "b": periods + 3})
    panel_forecast = _forecaster().fit(long).predict()
    assert isinstance(panel_forecast.index.levels[1], pd.PeriodIndex)


def test_panel_with_exogenous_columns_in_the_long_layout():
    series = {"a": _series(80, 0), "b": _series(80, 1)}
    y = _long(series)
    X = pd.DataFrame({"promo": np.arange(len(y)) % 3 == 0}, index=y.index).astype(float)
    forecaster = _forecaster(strategy="recursive").fit(y, X)
    future = _long({key: pd.Series(1.0, index=pd.date_range(s.index[-1], periods=4,
                                                            freq="MS")[1:])
                    for key, s in series.items()}).to_frame("promo")
    forecast = forecaster.predict(3, X=future)
    assert forecast.shape == (6,)
    alone = _forecaster(strategy="recursive").fit(
        _long({"a": series["a"]}), X.loc[["a"]])
    one = alone.predict(3, X=future.loc[["a"]])
    single = _forecaster(strategy="recursive").fit(
        series["a"], X.loc["a"]).predict(3, X=future.loc["a"])
    np.testing.assert_array_equal(one.to_numpy(), single.to_numpy())


def test_intervals_come_back_in_the_panel_layout():
    series = {"a": _series(90, 0), "b": _series(90, 1, level=40.0)}
    wide = _forecaster(calibration_fraction=0.3).fit(_wide(series))
    intervals = wide.predict_interval(coverage=[0.8, 0.9])
    assert intervals.columns.nlevels == 2
    assert set(intervals.columns.get_level_values(0)) == {"a", "b"}
    a = intervals["a"]
    assert (a["lower_0.9"] <= a["lower_0.8"]).all() and (a["upper_0.8"] <= a["upper_0.9"]).all()
    long = _forecaster(calibration_fraction=0.3).fit(_long(series)).predict_interval()
    assert list(long.columns) == ["forecast", "lower", "upper"]
    np.testing.assert_array_equal(long.loc["b", "forecast"].to_numpy(),
                                  intervals["b"]["forecast"].to_numpy())


class _RecordingRidge(RegressorMixin, BaseEstimator):
    """Ridge that keeps the targets it was fitted on, in order."""

    def fit(self, X, y):
        self.seen_ = np.asarray(y).copy()
        self.model_ = Ridge().fit(X, y)
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_windows_reach_the_estimator_in_time_order_across_series():
    # A chronological validation tail must hold every series' latest
    # windows, not the last series' alone.
    a = pd.Series(np.arange(40.0), index=pd.date_range("2000-01", periods=40, freq="MS"))
    b = pd.Series(1000 + np.arange(40.0), index=a.index)
    forecaster = WindowForecaster(_RecordingRidge(), window_length=5, horizon=1,
                                  scaler=None).fit(_long({"a": a, "b": b}))
    seen = forecaster.estimator_.seen_
    assert list(seen[:4]) == [5.0, 1005.0, 6.0, 1006.0]
    assert list(seen[-2:]) == [39.0, 1039.0]


def _long_with(key, values, times):
    good = pd.Series(np.arange(30.0), index=pd.date_range("2000", periods=30, freq="D"))
    return pd.concat({"good": good, key: pd.Series(values, index=pd.DatetimeIndex(times))},
                     names=["id", "day"])


@pytest.mark.parametrize("y,match", [
    (_long_with("late", [1.0, 2.0, 3.0], ["2000-01-03", "2000-01-01", "2000-01-02"]),
     "Series 'late': The index is not sorted"),
    (_long_with("twice", [1.0, 2.0, 3.0], ["2000-01-01", "2000-01-01", "2000-01-02"]),
     "duplicated entries"),
    (_long_with("gap", [1.0, np.nan, 3.0], ["2000-01-01", "2000-01-02", "2000-01-03"]),
     r"Series 'gap' has NaN after its first value, at \[Timestamp\('2000-01-02"),
    (_long_with("empty", [np.nan, np.nan], ["2000-01-01", "2000-01-02"]),
     "Series 'empty' holds no values"),
    (_long_with("inf", [1.0, np.inf, 3.0], ["2000-01-01", "2000-01-02", "2000-01-03"]),
     "infinite values"),
])
def test_long_panels_are_checked_series_by_series(y, match):
    with pytest.raises(ValueError, match=match):
        WindowForecaster(Ridge(), window_length=2).fit(y)


def test_a_long_panel_may_have_nan_before_each_series_starts():
    # Most series of a real monthly panel start late; a long table made
    # from the wide one keeps NaN rows before each start. They are dropped,
    # as in the wide layout: the same model as from the trimmed rows.
    times = pd.date_range("2000-01", periods=40, freq="MS")
    wide = pd.DataFrame({"a": np.sin(np.arange(40.0)) + 5, "b": np.cos(np.arange(40.0)) + 9},
                        index=times)
    wide.iloc[:7, 1] = np.nan
    padded = wide.rename_axis("month").melt(var_name="id", value_name="y",
                                            ignore_index=False)
    padded = padded.set_index("id", append=True).y.reorder_levels(["id", "month"]).sort_index()
    assert padded.isna().sum() == 7
    long, trimmed, from_wide = [
        WindowForecaster(Ridge(), window_length=6, horizon=2).fit(data).predict()
        for data in (padded, padded.dropna(), wide)]
    pd.testing.assert_series_equal(long, trimmed)
    np.testing.assert_allclose(long.unstack(level=0)[["a", "b"]].to_numpy(),
                               from_wide[["a", "b"]].to_numpy())


@pytest.mark.parametrize("y,X,match", [
    (pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0], "b": [1.0, 2.0, 3.0, 4.0]},
                  index=pd.date_range("2000", periods=4, freq="D")), None,
     "Series 'a' has NaN after it starts"),
    (pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 2.0]}), pd.DataFrame({"x": [1, 2]}),
     "pass y and X in the long layout"),
    (pd.concat({"a": pd.Series(np.arange(9.0),
                               index=pd.date_range("2000", periods=9, freq="D")),
                "b": pd.Series(np.arange(9.0),
                               index=pd.date_range("2000", periods=9, freq="MS"))}),
     None, "spaced differently"),
    (pd.concat({"a": pd.Series(np.arange(30.0)), "b": pd.Series(np.arange(3.0))}),
     None, "Series 'b' has 3 observations"),
])
def test_malformed_panels_are_refused_with_what_to_do(y, X, match):
    with pytest.raises(ValueError, match=match):
        WindowForecaster(Ridge(), window_length=3).fit(y, X)


def test_long_dataframe_target_must_be_one_column():
    y = _long({"a": _series(40, 0)}).to_frame()
    y["other"] = 1.0
    with pytest.raises(ValueError, match="must be one column"):
        _forecaster().fit(y)
    # Windows as they are: the layout is studied, not the holdout's choice.
    forecast = _forecaster(window_normalization=None).fit(y[["sales"]]).predict()
    assert isinstance(forecast, pd.DataFrame) and list(forecast.columns) == ["sales"]


def test_a_panel_forecaster_pickles_and_predicts_the_same():
    series = {"a": _series(80, 0), "b": _series(80, 1)}
    forecaster = _forecaster(calibration_fraction=0.3).fit(_wide(series))
    restored = pickle.loads(pickle.dumps(forecaster))
    pd.testing.assert_frame_equal(restored.predict_interval(),
                                  forecaster.predict_interval())
    pd.testing.assert_frame_equal(restored.history_, forecaster.history_)


def test_chosen_steps_ahead_like_sktime_fh():
    y = _series(80, 0)
    forecaster = WindowForecaster(Ridge(), window_length=12, horizon=3,
                                  calibration_fraction=0.3).fit(y)
    everything = forecaster.predict()
    chosen = forecaster.predict(steps=[1, 3])
    pd.testing.assert_series_equal(chosen, everything.iloc[[0, 2]], check_freq=False)
    intervals = forecaster.predict_interval(steps=[2, 3])
    pd.testing.assert_frame_equal(intervals, forecaster.predict_interval().iloc[1:],
                                  check_freq=False)
    quantiles = forecaster.predict_quantiles(steps=[3], quantiles=[0.2, 0.8])
    assert list(quantiles.index) == [everything.index[2]]
    recursive = WindowForecaster(Ridge(), window_length=12, strategy="recursive").fit(y)
    far = recursive.predict(steps=[1, 12, 24])
    np.testing.assert_array_equal(far.to_numpy(), recursive.predict(24).iloc[[0, 11, 23]])
    for bad, match in [([3, 1], "increasing steps"), ([0, 1], "each of steps"),
                       ([1, 4], "at most 3 steps")]:
        with pytest.raises(ValueError, match=match):
            forecaster.predict(steps=bad)
    with pytest.raises(ValueError, match="calibrated for 3 steps"):
        forecaster.predict_interval(steps=4)


def test_update_refuses_a_layout_that_would_hide_series():
    # A single Series given to a panel model was added as a series with id
    # None, and a panel given to a one-series model added series that its
    # single-layout predict never returned.
    panel_model = _forecaster().fit(_long({"a": _series(80, 0), "b": _series(80, 1)}))
    single_model = _forecaster().fit(_series(80, 0))
    histories = dict(panel_model.histories_)
    for model, data in [(panel_model, _series(100, 0)[80:]),
                        (single_model, _long({"c": _series(40, 2)}))]:
        with pytest.raises(ValueError, match="kind of layout fit was given"):
            model.update(data)
    assert panel_model.histories_.keys() == histories.keys()
    assert list(single_model.histories_) == [None]
