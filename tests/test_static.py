"""Static per-series covariates and the one-hot series-id encoding of a
global WindowForecaster."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor
from sklearn.tree import DecisionTreeRegressor

from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.forecasting.streaming import PartitionedPanel

IDS = [f"s{k}" for k in range(6)]


def _ar_panel(n=120, seed=0):
    """Six AR(1) series: even ones y' = 0.9 y, odd ones y' = -0.9 y. One
    past value cannot say which sign comes next; the group can."""
    rng = np.random.RandomState(seed)
    series = {}
    for number, key in enumerate(IDS):
        sign = 1 if number % 2 == 0 else -1
        values = np.empty(n)
        values[0] = rng.normal()
        for t in range(1, n):
            values[t] = sign * 0.9 * values[t - 1] + rng.normal()
        series[key] = pd.Series(values, index=pd.date_range("2000-01", periods=n,
                                                            freq="MS"), name="y")
    return pd.concat(series, names=["store", "month"])


STATIC = pd.DataFrame({"flips": [number % 2 for number in range(6)],
                       "size": [10.0, 20, 30, 40, 50, 60]}, index=IDS)


class RecordingRegressor(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        self.X_ = X
        return self

    def predict(self, X):
        return np.zeros(len(X))


def _forecaster(estimator=None, **params):
    estimator = RecordingRegressor() if estimator is None else estimator
    # Windows as they are, fitted once (no holdout): the windows are the subject.
    params.setdefault("window_normalization", None)
    return WindowForecaster(estimator, window_length=2, horizon=1, **params)


def test_static_columns_enter_every_window_standardised_across_series():
    forecaster = _forecaster().fit(_ar_panel(n=20), static=STATIC)
    X = forecaster.estimator_.X_.reshape(-1, 2, 3)  # (windows, steps, y + 2 static)
    expected = (STATIC.to_numpy() - STATIC.to_numpy().mean(0)) / STATIC.to_numpy().std(0)
    rows = {tuple(np.round(row, 12)) for row in X[:, :, 1:].reshape(-1, 2)}
    assert rows == {tuple(np.round(row, 12)) for row in expected}
    assert len(X) == 6 * 18


def test_onehot_encoding_gives_each_series_its_column_and_new_series_zeros():
    long = _ar_panel(n=20)
    forecaster = _forecaster(series_encoding="onehot").fit(long)
    X = forecaster.estimator_.X_.reshape(-1, 2, 7)
    onehot = X[:, 0, 1:]
    assert set(map(tuple, onehot)) == set(map(tuple, np.eye(6)))
    assert (X[:, 0, 1:] == X[:, 1, 1:]).all()
    np.testing.assert_array_equal(forecaster._states["s2"].static, np.eye(6)[2])
    new = long.loc[["s2"]].rename(index={"s2": "new"})
    forecaster.predict(y=new)
    assert not forecaster._new_state(new.loc["new"].to_frame(), "new").static.any()


@pytest.mark.parametrize("params, static", [({}, STATIC), ({"series_encoding": "onehot"},
                                                            None)])
def test_knowing_the_group_lowers_the_error(params, static):
    train, test = _ar_panel(n=200, seed=1), _ar_panel(n=200, seed=2)
    network = MLPRegressor(hidden_layer_sizes=(16,), max_iter=2000, random_state=0)
    errors = {}
    for name, kwargs in [("blind", {}), ("told", {"static": static})]:
        forecaster = _forecaster(network, **(params if name == "told" else {})).set_params(
            window_length=1).fit(train, **kwargs)
        errors[name] = np.mean([
            np.mean((forecaster.forecast_from(test.loc[key], np.arange(1, 200),
                                              series_id=key)[:, 0]
                     - test.loc[key].to_numpy()[1:]) ** 2) for key in IDS])
    # The noise variance is 1: knowing the sign gets close to it, not knowing
    # it leaves the whole AR signal (variance ~5) unexplained.
    assert errors["told"] < 1.5 < 3 < errors["blind"]


def test_new_series_take_static_values_from_predict():
    long = _ar_panel()
    forecaster = _forecaster(DecisionTreeRegressor(max_depth=5, random_state=0)).fit(
        long, static=STATIC)
    recent = long.loc[["s1"]].rename(index={"s1": "new"})
    as_new = forecaster.predict(y=recent, static=STATIC.rename(index={"s1": "new"}))
    as_fitted = forecaster.predict(y=long.loc[["s1"]])
    np.testing.assert_array_equal(as_new.to_numpy(), as_fitted.to_numpy())
    with pytest.raises(ValueError, match="Series 'new' has no static covariates"):
        forecaster.predict(y=recent)
    with pytest.raises(ValueError, match=r"static lacks the columns \['size'\]"):
        forecaster.predict(y=recent, static=STATIC[["flips"]].rename(index={"s1": "new"}))
    forecaster.update(recent, static=STATIC.rename(index={"s1": "new"}))
    assert "new" in forecaster.histories_


@pytest.mark.parametrize("static, error, message", [
    (STATIC.iloc[:4], ValueError, r"static has no row for series \['s4', 's5'\]"),
    (STATIC.assign(kind="a"), ValueError, r"Static column\(s\) \['kind'\] are not real"),
    (STATIC.assign(size=np.nan), ValueError, "static contains NaN"),
    (pd.concat([STATIC, STATIC.iloc[:1]]), ValueError, r"more than one row for series \['s0'\]"),
    (STATIC.to_numpy(), TypeError, "static must be a pandas DataFrame"),
])
def test_bad_static_tables_are_refused_and_leave_the_fit_alone(static, error, message):
    long = _ar_panel(n=20)
    forecaster = _forecaster(Ridge()).fit(long)
    before = forecaster.predict()
    with pytest.raises(error, match=message):
        forecaster.fit(long, static=static)
    pd.testing.assert_series_equal(forecaster.predict(), before)


def test_one_series_needs_no_static_and_a_model_without_takes_none():
    long = _ar_panel(n=20)
    with pytest.raises(ValueError, match="one series needs neither"):
        _forecaster(Ridge()).fit(long.loc["s0"], static=STATIC)
    with pytest.raises(ValueError, match="one series needs neither"):
        _forecaster(Ridge(), series_encoding="onehot").fit(long.loc["s0"])
    with pytest.raises(ValueError, match="fitted without static covariates"):
        _forecaster(Ridge()).fit(long).predict(static=STATIC)


@pytest.mark.parametrize("params, static", [({}, STATIC), ({"series_encoding": "onehot"},
                                                            STATIC)])
def test_static_models_pickle_and_skops_round_trip(params, static):
    sio = pytest.importorskip("skops.io")
    from rnnforecast.io.persistence import skops_trusted_types
    long = _ar_panel(n=40)
    forecaster = _forecaster(Ridge(), calibration_fraction=0.3, **params).fit(
        long, static=static)
    expected = forecaster.predict_interval()
    restored = pickle.loads(pickle.dumps(forecaster))
    pd.testing.assert_frame_equal(restored.predict_interval(), expected)
    data = sio.dumps(forecaster)
    untrusted = sio.get_untrusted_types(data=data)
    assert set(untrusted) <= set(skops_trusted_types())
    pd.testing.assert_frame_equal(sio.loads(data, trusted=untrusted).predict_interval(),
                                  expected)


def test_partitioned_panels_take_static_covariates():
    rows = _ar_panel(n=30).reset_index()
    parts = PartitionedPanel.from_frames([rows[rows.store <= "s2"], rows[rows.store > "s2"]],
                                         "store", "month", "y")
    streamed = WindowForecaster(_PartialTree(), window_length=2, chunk_windows=40).fit(
        parts, static=STATIC)
    for key in IDS:
        np.testing.assert_array_equal(streamed._states[key].static[:2],
                                      (STATIC.loc[key].to_numpy() - STATIC.to_numpy().mean(0))
                                      / STATIC.to_numpy().std(0))
    assert streamed.estimator_.widths_ == {2 * 3}


class _PartialTree(RegressorMixin, BaseEstimator):
    """Records the widths of the chunks it gets."""

    def partial_fit(self, X, y):
        self.widths_ = getattr(self, "widths_", set()) | {X.shape[1]}
        return self

    def fit(self, X, y):
        return self.partial_fit(X, y)

    def predict(self, X):
        return np.zeros(len(X))


def test_backtest_fits_every_fold_with_the_static_covariates():
    from rnnforecast.forecasting.backtest import backtest
    long = _ar_panel(n=60) + 50  # away from 0, where MAPE is left out
    network = MLPRegressor(hidden_layer_sizes=(16,), max_iter=500, random_state=0)
    told = backtest(_forecaster(network).set_params(window_length=1), long, n_splits=2,
                    test_size=10, static=STATIC)
    blind = backtest(_forecaster(network).set_params(window_length=1), long, n_splits=2,
                     test_size=10)
    def pooled_rmse(result):
        return result.metrics.query("fold == 'all' and step == 'all'")["RMSE"].iloc[0]

    assert pooled_rmse(told) < 0.8 * pooled_rmse(blind)
    with pytest.raises(ValueError, match=r"static has no row for series \['s5'\]"):
        backtest(_forecaster(network), long, n_splits=2, test_size=10, static=STATIC.iloc[:5])
