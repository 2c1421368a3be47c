"""backtest's variants: sliding windows, refits, stride, gap, custom metrics,
many series, and parallel folds that give the serial results."""

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from rnnforecast import SimpleRNNRegressor
from rnnforecast.forecasting.backtest import backtest, fold_splits
from rnnforecast.forecasting.forecaster import WindowForecaster

HORIZON = 3


def _monthly(n=120, seed=0, level=100.0):
    t = np.arange(n)
    values = level + 10 * np.sin(2 * np.pi * t / 12) + 0.3 * t
    values += np.random.RandomState(seed).normal(size=n)
    return pd.Series(values, index=pd.date_range("2000-01", periods=n, freq="MS"),
                     name="sales")


def _forecaster(estimator=None):
    return WindowForecaster(estimator or Ridge(), window_length=12, horizon=HORIZON)


def _by_hand(y, train_end, origins):
    """Forecasts of a forecaster fitted on ``y[:train_end]`` from ``origins``."""
    return _forecaster().fit(y.iloc[:train_end]).forecast_from(y, origins)


def test_sliding_windows_train_on_the_last_train_size_observations():
    splits = fold_splits(100, 3, 10, window="sliding", train_size=40, gap=2)
    for k, (train, test) in enumerate(splits):
        assert len(train) == 40 and train[-1] == test[0] - 3
        assert list(test) == list(range(70 + 10 * k, 80 + 10 * k))
    y = _monthly()
    result = backtest(_forecaster(), y, n_splits=2, test_size=12, window="sliding",
                      train_size=60)
    fold2 = result.forecasts[result.forecasts.fold == 2]
    origins = np.arange(108, 108 + 12 - HORIZON + 1)
    expected = _forecaster().fit(y.iloc[48:108]).forecast_from(y, origins)
    np.testing.assert_allclose(fold2.forecast.to_numpy(), expected.ravel(), rtol=1e-12)


@pytest.mark.parametrize("refit,fitted_on", [(False, [84, 84, 84]), (2, [84, 84, 108]),
                                             (True, [84, 96, 108])])
def test_refit_every_k_folds_forecasts_later_folds_from_the_last_fit(refit, fitted_on):
    y = _monthly()
    result = backtest(_forecaster(), y, n_splits=3, test_size=12, refit=refit)
    for fold, train_end in enumerate(fitted_on, start=1):
        part = result.forecasts[result.forecasts.fold == fold]
        start = 84 + 12 * (fold - 1)
        origins = np.arange(start, start + 12 - HORIZON + 1)
        np.testing.assert_allclose(part.forecast.to_numpy(),
                                   _by_hand(y, train_end, origins).ravel(), rtol=1e-12)


def test_stride_and_gap_choose_origins_and_training_end():
    y = _monthly()
    result = backtest(_forecaster(), y, n_splits=1, test_size=24, stride=5, gap=6)
    origins = np.arange(96, 96 + 24 - HORIZON + 1, 5)
    assert sorted(set(result.forecasts.origin)) == list(y.index[origins])
    np.testing.assert_allclose(result.forecasts.forecast.to_numpy(),
                               _by_hand(y, 90, origins).ravel(), rtol=1e-12)
    with pytest.raises(ValueError, match="gap must be an int >= 0"):
        backtest(_forecaster(), y, n_splits=1, gap=-1)


def test_custom_metrics_and_rmsse_sit_beside_the_built_in_ones():
    y = _monthly()
    worst = {"max error": lambda actual, forecast: np.max(np.abs(forecast - actual))}
    result = backtest(_forecaster(), y, n_splits=1, test_size=24, metrics=worst)
    forecasts = result.forecasts
    pooled = result.metrics.query("fold == 'all' and step == 'all'").set_index("model")
    assert pooled.loc["forecast", "max error"] == pytest.approx(
        np.max(np.abs(forecasts.forecast - forecasts.actual)))
    training = y.to_numpy()[:96]
    scale = np.mean((training[12:] - training[:-12]) ** 2)
    assert pooled.loc["forecast", "RMSSE"] == pytest.approx(
        np.sqrt(np.mean((forecasts.forecast - forecasts.actual) ** 2) / scale))
    with pytest.raises(ValueError, match="would replace a built-in metric"):
        backtest(_forecaster(), y, n_splits=1, metrics={"MASE": worst["max error"]})
    with pytest.raises(TypeError, match="must be a function"):
        backtest(_forecaster(), y, n_splits=1, metrics={"bad": 3})


def test_many_series_share_one_model_per_fold_and_report_each():
    series = {"a": _monthly(seed=1), "b": _monthly(seed=2, level=500.0)}
    panel = pd.concat(series, names=["store", "month"])
    result = backtest(_forecaster(), panel, n_splits=2, test_size=12)
    assert set(result.forecasts.series) == {"a", "b"}
    assert set(result.per_series.series) == {"a", "b"}
    per_series = result.per_series.set_index(["series", "model"])
    assert per_series.loc[("b", "forecast"), "MASE"] < per_series.loc[("b", "last_value"), "MASE"]
    fold1 = result.forecasts.query("fold == 1 and series == 'b'")
    global_model = _forecaster().fit(pd.concat({key: y.iloc[:96] for key, y in series.items()},
                                               names=["store", "month"]))
    expected = global_model.forecast_from(series["b"], np.arange(96, 106), series_id="b")
    np.testing.assert_allclose(fold1.forecast.to_numpy(), expected.ravel(), rtol=1e-12)
    alone = backtest(_forecaster(), pd.concat({"a": series["a"]}, names=["store", "month"]),
                     n_splits=2, test_size=12)
    single = backtest(_forecaster(), series["a"], n_splits=2, test_size=12)
    np.testing.assert_array_equal(alone.forecasts.forecast, single.forecasts.forecast)


def test_parallel_folds_give_the_serial_result():
    y = _monthly()
    forecaster = _forecaster(SimpleRNNRegressor(units=4, max_iter=3, random_state=0))
    serial = backtest(forecaster, y, n_splits=3, test_size=12)
    parallel = backtest(forecaster, y, n_splits=3, test_size=12, n_jobs=2)
    pd.testing.assert_frame_equal(parallel.forecasts, serial.forecasts)


def test_folds_on_a_dask_cluster_give_the_serial_result():
    distributed = pytest.importorskip("distributed")
    y = _monthly()
    forecaster = _forecaster(SimpleRNNRegressor(units=4, max_iter=3, random_state=0))
    serial = backtest(forecaster, y, n_splits=3, test_size=12)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with joblib.parallel_config(backend="dask"):
            on_cluster = backtest(forecaster, y, n_splits=3, test_size=12, n_jobs=-1)
    pd.testing.assert_frame_equal(on_cluster.forecasts, serial.forecasts)


def test_verbose_reports_each_fit_and_the_time_left(capsys):
    backtest(_forecaster(), _monthly(), n_splits=3, test_size=12, refit=2, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Backtest fold 1/3", "  fit 1/2 and its forecasts done",
        "Backtest fold 3/3", "  fit 2/2 and its forecasts done"]
    assert "s left for 1 more" in lines[1] and "left" not in lines[3]


def test_a_season_longer_than_the_history_is_named_as_the_reason_for_no_origin():
    """Found by the contract's door property: 20 hourly observations (a
    season of 24) were refused as "use fewer splits or a larger test_size",
    though it is the seasonal-naive baseline's season that leaves no origin."""
    y = pd.Series(np.sin(np.arange(20.0)), index=pd.date_range("2001", periods=20, freq="h"))
    forecaster = WindowForecaster(Ridge(), window_length=4, horizon=2,
                                  window_normalization=None)
    with pytest.raises(ValueError, match=r"season of 24 observations.*season=1"):
        backtest(forecaster, y, n_splits=2, test_size=2)
    result = backtest(forecaster, y, n_splits=2, test_size=2, season=1)
    assert len(result.forecasts) == 2 * 2
