"""Forecast metrics, season inference and the baselines backtest reports."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from rnnforecast.forecasting.backtest import backtest, expanding_splits
from rnnforecast.forecasting.calendar import infer_season, resolve_season
from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.forecasting.metrics import MetricWarning, mape, mase, smape
from rnnforecast.io.cli import main


@pytest.mark.parametrize("freq,season", [
    ("D", 7), ("B", 5), ("W-SUN", 52), ("MS", 12), ("ME", 12), ("QS-OCT", 4),
    ("QE-DEC", 4), ("YS", 1), ("h", 24), ("30min", 48), ("15min", 96),
    ("2MS", 6), ("2D", None), ("7h", None), ("2D", None)])
def test_season_is_inferred_from_the_frequency(freq, season):
    index = pd.date_range("2020-01-01", periods=40, freq=freq)
    assert resolve_season(None, index) == season
    assert infer_season(freq) == season


@pytest.mark.parametrize("freq,season", [("Q", 4), ("M", 12), ("W-SUN", 52), ("D", 7)])
def test_season_is_inferred_from_periods(freq, season):
    assert resolve_season(None, pd.period_range("2000-01-03", periods=20, freq=freq)) == season


def test_season_of_integer_positions_is_unknown_unless_given():
    assert resolve_season(None, pd.RangeIndex(50)) is None
    assert resolve_season(12, pd.RangeIndex(50)) == 12


def _monthly(n=120):
    rng = np.random.RandomState(0)
    t = np.arange(n)
    return pd.Series(100 + t + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(size=n),
                     index=pd.date_range("2010-01-01", periods=n, freq="MS"), name="sales")


def test_monthly_backtest_uses_a_twelve_month_seasonal_naive():
    y = _monthly()
    forecasts = backtest(WindowForecaster(Ridge(), 12, horizon=3), y, n_splits=2,
                         test_size=24).forecasts
    times = pd.DatetimeIndex(forecasts.time)
    origins = pd.DatetimeIndex(forecasts.origin)
    # Step k forecasts from origin o the value 12 months before o + (k - 1).
    lagged = [y[time - pd.DateOffset(months=12)] for time in times]
    np.testing.assert_array_equal(forecasts.seasonal_naive, lagged)
    assert (origins <= times).all()
    assert (forecasts.seasonal_naive != forecasts.actual).all()


def test_backtest_takes_one_split():
    y = _monthly()
    result = backtest(WindowForecaster(Ridge(), 12), y, n_splits=1, test_size=24)
    assert set(result.forecasts.fold) == {1} and len(result.forecasts) == 24
    assert result.forecasts.time.iloc[-1] == y.index[-1]


def test_expanding_splits_match_time_series_split():
    from sklearn.model_selection import TimeSeriesSplit

    ours = expanding_splits(100, 4)
    theirs = list(TimeSeriesSplit(n_splits=4).split(np.zeros(100)))
    for (a_train, a_test), (b_train, b_test) in zip(ours, theirs):
        np.testing.assert_array_equal(a_train, b_train)
        np.testing.assert_array_equal(a_test, b_test)


def test_integer_index_backtest_leaves_out_the_seasonal_baseline():
    y = _monthly().reset_index(drop=True)
    metrics = backtest(WindowForecaster(Ridge(), 12), y, n_splits=2).metrics
    assert set(metrics.model) == {"forecast", "last_value"}
    with_season = backtest(WindowForecaster(Ridge(), 12), y, n_splits=2, season=12).metrics
    assert set(with_season.model) == {"forecast", "last_value", "seasonal_naive"}


def test_mase_and_smape_by_their_definitions():
    training = np.array([1.0, 3.0, 2.0, 5.0])   # naive errors 2, 1, 3: scale 2
    assert mase([4.0, 6.0], [5.0, 4.0], training) == pytest.approx(1.5 / 2)
    assert mase([4.0], [5.0], training, season=2) == pytest.approx(1 / 1.5)
    assert np.isnan(mase([1.0], [1.0], np.ones(5)))
    assert smape([1.0, 0.0], [3.0, 0.0]) == pytest.approx(100 * (2 / 4) / 1)
    assert smape([2.0], [2.0]) == 0.0


def test_backtest_mase_divides_by_the_in_sample_seasonal_naive_error():
    y = _monthly()
    result = backtest(WindowForecaster(Ridge(), 12), y, n_splits=1, test_size=24)
    forecasts = result.forecasts
    training = y.to_numpy()[:96]
    scale = np.mean(np.abs(training[12:] - training[:-12]))
    expected = np.mean(np.abs(forecasts.forecast - forecasts.actual)) / scale
    row = result.metrics.query("fold == 'all' and step == 'all' and model == 'forecast'")
    assert row.MASE.iloc[0] == pytest.approx(expected)
    naive = result.metrics.query("fold == 'all' and step == 'all' and model == 'seasonal_naive'")
    assert naive.MASE.iloc[0] > row.MASE.iloc[0]


def test_mape_is_flagged_near_zero():
    assert mape([100.0, 50.0], [110.0, 50.0]) == pytest.approx(5.0)
    with pytest.warns(MetricWarning, match="MASE or sMAPE"):
        assert np.isnan(mape([100.0, 0.5, 90.0], [100.0, 1.0, 90.0]))
    y = pd.Series(np.sin(np.arange(200) / 3), index=pd.date_range("2020", periods=200))
    with pytest.warns(MetricWarning, match="MAPE left out"):
        metrics = backtest(WindowForecaster(Ridge(), 7), y, n_splits=2).metrics
    assert metrics.MAPE.isna().all() and metrics.sMAPE.notna().all()


def _panel_of_levels(levels, n=120):
    # Seasonal series with noise at the given levels, in the long layout.
    rng = np.random.default_rng(0)
    index = pd.date_range("2015-01", periods=n, freq="MS")
    return pd.concat({name: pd.Series(level + level * 0.1 * np.sin(np.arange(n) * np.pi / 6)
                                      + rng.normal(0, 0.02 * abs(level) + 0.5, n), index=index)
                      for name, level in levels.items()}, names=["id", "month"])


def test_mape_is_decided_per_series_on_a_panel():
    # A series of about 19 beside others of thousands is no reason to drop
    # MAPE: every series is judged against its own level.
    panel = _panel_of_levels({"big": 6000.0, "bigger": 12000.0, "small": 19.0})
    result = backtest(WindowForecaster(Ridge(), 12), panel, n_splits=2, test_size=12)
    assert result.metrics.MAPE.notna().all()
    small = result.forecasts[result.forecasts.series == "small"]
    own = result.per_series.set_index(["series", "model"]).loc[("small", "forecast"), "MAPE"]
    assert own == pytest.approx(mape(small.actual, small.forecast, warn=False))


def test_mape_leaves_out_only_the_series_near_zero_and_names_them():
    panel = _panel_of_levels({"big": 6000.0, "crossing": 0.0})
    with pytest.warns(MetricWarning, match=r"leaves out 1 of 2 series \('crossing'\)"):
        result = backtest(WindowForecaster(Ridge(), 12, window_normalization=None), panel,
                          n_splits=2, test_size=12)
    overall = result.metrics.query("fold == 'all' and step == 'all' and model == 'forecast'")
    big = result.forecasts[result.forecasts.series == "big"]
    assert overall.MAPE.iloc[0] == pytest.approx(mape(big.actual, big.forecast))
    per_series = result.per_series.set_index(["series", "model"]).MAPE
    assert np.isnan(per_series[("crossing", "forecast")])
    assert per_series[("big", "forecast")] > 0


def test_command_line_season_and_inferred_season(tmp_path, capsys):
    y = _monthly()
    path = tmp_path / "monthly.csv"
    pd.DataFrame({"month": y.index.strftime("%Y-%m-%d"), "sales": y}).to_csv(path, index=False)
    main(["forecast", str(path), "--model", "ridge", "--window", "12", "--horizon", "2"])
    inferred = capsys.readouterr().out
    main(["forecast", str(path), "--model", "ridge", "--window", "12", "--horizon", "2",
          "--season", "12"])
    assert capsys.readouterr().out == inferred
    main(["forecast", str(path), "--model", "ridge", "--window", "12", "--horizon", "2",
          "--season", "7"])
    assert capsys.readouterr().out != inferred
    assert "MASE" in inferred and "MAPE" in inferred
