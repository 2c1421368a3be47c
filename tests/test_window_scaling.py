"""Per-window statistics against NumPy computed by hand, and the round trip."""

import numpy as np
import pytest

from rnnforecast.forecasting.window_scaling import (
    CENTRED,
    RATIO_FLOOR,
    SCALE_FLOOR,
    SCALED,
    n_statistics,
    scale_floor,
    scale_targets,
    scale_windows,
    statistics_columns,
    unscale_forecasts,
    window_statistics,
)

TARGET = np.array([[1.0, 2.0, 3.0, 10.0],
                   [4.0, 4.0, 4.0, 4.0],
                   [-2.0, 0.0, 2.0, 4.0]])


@pytest.mark.parametrize("method,location,scale", [
    ("last", [10.0, 4.0, 4.0], [1.0, 1.0, 1.0]),
    ("mean", [4.0, 4.0, 1.0], [1.0, 1.0, 1.0]),
    ("standard", [4.0, 4.0, 1.0], [np.std([1, 2, 3, 10]), SCALE_FLOOR, np.sqrt(5.0)]),
    # median 2.5: deviations 1.5, 0.5, 0.5, 7.5; then 1, 1, 1, 3.
    ("robust", [2.5, 4.0, 1.0], [2.5, SCALE_FLOOR, 2.0]),
    ("mean_absolute", [0.0, 0.0, 0.0], [4.0, 4.0, 2.0]),
])
def test_statistics_of_each_window(method, location, scale):
    found_location, found_scale = window_statistics(TARGET, method)
    np.testing.assert_allclose(found_location, location)
    np.testing.assert_allclose(found_scale, scale)


def test_robust_statistics_move_less_with_one_outlier():
    calm = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    wild = np.array([[1.0, 2.0, 3.0, 4.0, 500.0]])
    for method, moved_less in (("robust", True), ("standard", False)):
        (a,), (b,) = window_statistics(calm, method)[0], window_statistics(wild, method)[0]
        assert bool(abs(b - a) < 1.0) == moved_less, method


def test_a_window_near_zero_is_divided_by_the_floor():
    _, scale = window_statistics(np.array([[0.0, 0.001, -0.001, 0.0]]), "mean_absolute")
    np.testing.assert_array_equal(scale, [RATIO_FLOOR])
    assert scale_floor("mean_absolute") == RATIO_FLOOR < scale_floor("robust") == SCALE_FLOOR


@pytest.mark.parametrize("method", ["last", "mean", "standard", "robust", "mean_absolute"])
def test_forecasts_come_back_in_the_windows_units(method):
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(5, 6, 2)) * 3 + 7
    targets = rng.normal(size=(5, 2)) * 3 + 7
    scaled, location, scale = scale_windows(windows, method)
    np.testing.assert_array_equal(scaled[:, :, 1], windows[:, :, 1])   # exogenous untouched
    np.testing.assert_allclose(unscale_forecasts(scale_targets(targets, location, scale),
                                                 location, scale), targets)
    assert not np.shares_memory(scaled, windows)


def test_an_unknown_method_is_named():
    with pytest.raises(ValueError, match="window_normalization must be one of"):
        window_statistics(TARGET, "minmax")


@pytest.mark.parametrize("method,n_columns", [("last", 1), ("mean", 1), ("standard", 2),
                                              ("robust", 2), ("mean_absolute", 1)])
def test_statistics_columns_repeat_each_windows_location_and_log_scale(method, n_columns):
    location, scale = window_statistics(TARGET, method)
    columns = statistics_columns(method, location, scale, window_length=4)
    assert columns.shape == (3, 4, n_columns) == (3, 4, n_statistics(method))
    expected = ([location] if method in CENTRED else []) + (
        [np.log(scale)] if method in SCALED else [])
    for step in range(4):
        np.testing.assert_array_equal(columns[:, step, :], np.stack(expected, axis=1))


def test_a_forecaster_feeds_each_window_its_level_in_the_series_units():
    import pandas as pd
    from _recording import WindowRecorder

    from rnnforecast import WindowForecaster

    y = pd.Series(np.arange(1.0, 41.0))
    forecaster = WindowForecaster(WindowRecorder(), window_length=5, horizon=2,
                                  window_normalization="mean_absolute",
                                  window_statistics_input=True).fit(y)
    X = forecaster.estimator_.X_.reshape(-1, 5, 2)
    # Window k holds y[k:k+5]: its level in the series' own units, although
    # the model sees the series divided by its mean absolute value.
    levels = np.array([y[k:k + 5].mean() for k in range(len(X))])
    np.testing.assert_allclose(X[:, :, 1], np.log(levels)[:, np.newaxis] * np.ones(5))
    # The target column is the window as a ratio to its level.
    np.testing.assert_allclose(X[:, :, 0].mean(axis=1), np.ones(len(X)))
    assert forecaster.predict().shape == (2,)


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_the_statistics_of_a_window_are_those_of_its_own_series(strategy):
    """Two series alike but for their size: each window's statistics come
    from its own series, at predict as in training, whichever strategy."""
    import pandas as pd
    from sklearn.linear_model import Ridge

    from rnnforecast import WindowForecaster

    t = np.arange(60)
    small = pd.Series(10 + np.sin(t / 3) + 0.05 * t)
    panel = pd.concat({"small": small, "large": 1000 * small}, names=["id", "t"])
    forecaster = WindowForecaster(Ridge(alpha=1e-3), window_length=8, horizon=3,
                                  strategy=strategy, window_normalization="mean_absolute",
                                  window_statistics_input=True).fit(panel)
    forecast = forecaster.predict()
    # The sizes differ only by log(1000) in the statistics column, so the
    # forecasts are not simply proportional; both must still follow their own
    # series, and predicting each from its own data must agree.
    for key, factor in (("small", 1.0), ("large", 1000.0)):
        np.testing.assert_allclose(forecast.loc[key] / factor, forecast.loc["small"], rtol=0.05)
        alone = forecaster.predict(y=panel.loc[[key]])
        np.testing.assert_allclose(alone.loc[key], forecast.loc[key], rtol=1e-12)
