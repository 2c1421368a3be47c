"""``window_length="auto"``: a length from the season and the horizon,
shortened to what the shortest series allows, the same in every fit that
``fit`` makes, and in a panel read in partitions."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge, SGDRegressor

from rnnforecast import WindowForecaster
from rnnforecast.forecasting.streaming import PartitionedPanel
from rnnforecast.forecasting.windows import auto_window_length


def _monthly(n, seed=0, start="2001-01-01", noise=1.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 50 + 10 * np.sin(2 * np.pi * t / 12) + 0.3 * t + noise * rng.normal(size=n)
    return pd.Series(values, index=pd.date_range(start, periods=n, freq="MS"), name="sales")


def _panel(lengths, noise=1.0):
    return pd.concat({f"s{number}": _monthly(n, seed=number, noise=noise)
                      for number, n in enumerate(lengths)}, names=["store", "month"])


@pytest.mark.parametrize("season, horizon, allowed, expected", [
    (12, 6, None, 24),    # two seasons
    (4, 12, None, 12),    # at least the horizon
    (None, 6, None, 9),   # no season: one and a half horizons
    (1, 5, None, 8),
    (12, 6, 10, 10),      # the shortest series decides
    (12, 6, 0, 1),        # never below one
])
def test_the_rule(season, horizon, allowed, expected):
    assert auto_window_length(season, horizon, allowed) == expected


def test_a_long_monthly_series_gets_two_seasons():
    forecaster = WindowForecaster(Ridge(), horizon=3).fit(_monthly(120))
    assert forecaster.window_length_ == 24
    assert len(forecaster.histories_[None]) == 24


def test_the_shortest_series_bounds_the_window_and_still_gives_a_window():
    # Fixed at 24, the 20-month series would be refused: no window fits.
    with pytest.raises(ValueError, match="no window fits"):
        WindowForecaster(Ridge(), window_length=24, horizon=6).fit(_panel([60, 20, 90]))
    forecaster = WindowForecaster(Ridge(), horizon=6).fit(_panel([60, 20, 90], noise=0.1))
    assert forecaster.window_length_ == 20 - 6
    forecast = forecaster.predict()
    assert forecast.notna().all() and len(forecast) == 3 * 6


def test_every_fit_of_a_fit_uses_the_one_window():
    """The holdout and calibration fits train on shortened series; they use
    the window the final model is fitted with, one that the calibration
    fit's shortened series can give windows of too."""
    panel = _panel([80, 34, 90], noise=0.1)
    auto = WindowForecaster(Ridge(), horizon=6, calibration_fraction=0.2).fit(panel)
    # 34 observations, 27 of them in the calibration fit, less 6 targets.
    assert auto.window_length_ == 21
    fixed = WindowForecaster(Ridge(), window_length=21, horizon=6,
                             calibration_fraction=0.2).fit(panel)
    assert auto.holdout_scores_ == fixed.holdout_scores_
    np.testing.assert_array_equal(auto.calibration_errors_, fixed.calibration_errors_)
    pd.testing.assert_series_equal(auto.predict(), fixed.predict())


def test_partitions_bound_the_window_as_the_panel_in_memory_does():
    panel = _panel([60, 20, 90])
    frames = [part.rename("sales").reset_index() for _, part in panel.groupby(level=0)]
    partitioned = PartitionedPanel.from_frames(frames, "store", "month", "sales")

    def streamed(window_length="auto"):
        return WindowForecaster(SGDRegressor(random_state=0), window_length=window_length,
                                horizon=6, chunk_windows=50, random_state=0).fit(partitioned)

    in_memory = WindowForecaster(Ridge(), horizon=6, window_normalization=None).fit(panel)
    assert streamed().window_length_ == in_memory.window_length_ == 14
    pd.testing.assert_series_equal(streamed().predict(), streamed(14).predict())


def test_a_model_saved_before_auto_reads_its_window_from_the_parameter():
    forecaster = WindowForecaster(Ridge(), window_length=5, horizon=2,
                                  window_normalization=None).fit(_monthly(40))
    state = forecaster.__getstate__()
    del state["window_length_"]
    restored = WindowForecaster.__new__(WindowForecaster)
    restored.__setstate__(state)
    pd.testing.assert_series_equal(restored.predict(), forecaster.predict())
