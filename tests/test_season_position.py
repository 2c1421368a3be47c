"""Fourier terms of each step's position in the season (``fourier_terms``):
placed by the calendar, the same for every series at the same time of year,
read right wherever forecasting starts, stored with the model."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from rnnforecast import WindowForecaster
from rnnforecast.forecasting.season_position import SeasonPosition, season_phase

# A yearly shape, one value per calendar month (January first).
SHAPE = np.array([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8])


def _by_month(start, n=60, freq="MS", level=10.0):
    """A series whose value is ``level`` plus the shape of its calendar month."""
    index = pd.date_range(start, periods=n, freq=freq)
    return pd.Series(level + SHAPE[index.month - 1], index=index, name="sales")


def _placed(**parameters):
    """A linear forecaster that sees one step only: it can forecast the
    shape only from the position inputs."""
    return WindowForecaster(LinearRegression(), window_length=1, horizon=3,
                            deseasonalize=None, window_normalization=None, **parameters)


def _truth(index, level=10.0):
    return level + SHAPE[index.month - 1]


def test_the_terms_let_a_one_step_window_forecast_the_season():
    y = _by_month("2001-03-01")
    placed = _placed(fourier_terms=6).fit(y).predict()
    np.testing.assert_allclose(placed, _truth(placed.index), atol=1e-8)
    # Without them the same model cannot tell the months apart.
    blind = _placed().fit(y).predict()
    assert np.abs(blind - _truth(blind.index)).max() > 1


def test_series_that_start_in_different_months_share_their_positions():
    panel = pd.concat({"march": _by_month("2001-03-01"),
                       "october": _by_month("2004-10-01", level=20.0)},
                      names=["store", "month"])
    forecast = _placed(fourier_terms=6).fit(panel).predict()
    for key, level in (("march", 10.0), ("october", 20.0)):
        part = forecast.loc[key]
        np.testing.assert_allclose(part, _truth(part.index, level), atol=1e-8)


def test_positions_follow_the_data_after_update_and_from_any_origin():
    y = _by_month("2001-03-01", n=72)
    forecaster = _placed(fourier_terms=6).fit(y.iloc[:60])
    for origin in (7, 30, 59):   # from October, September and February
        forecast = forecaster.forecast_from(y, [origin], steps=3)
        np.testing.assert_allclose(np.ravel(forecast),
                                   y.to_numpy()[origin:origin + 3], atol=1e-8)
    updated = forecaster.update(y.iloc[60:65]).predict()
    np.testing.assert_allclose(updated, _truth(updated.index), atol=1e-8)
    pd.testing.assert_series_equal(updated, forecaster.predict(y=y.iloc[:65]))


def test_the_recursive_strategy_reads_the_terms_of_future_steps():
    y = _by_month("2001-03-01")
    forecaster = _placed(fourier_terms=6, strategy="recursive").fit(y)
    forecast = forecaster.predict(steps=15)
    np.testing.assert_allclose(forecast, _truth(forecast.index), atol=1e-8)


@pytest.mark.parametrize("freq", ["MS", "ME"])
def test_month_starts_and_ends_count_calendar_months(freq):
    times = pd.date_range("1998-05-01", periods=40, freq=freq)
    offset = pd.tseries.frequencies.to_offset(freq)
    phases = [season_phase(time, offset, 12) for time in times]
    # One step a month, so positions advance by one and repeat each year.
    assert np.array_equal(np.diff(phases) % 12, np.ones(39))
    assert all(phases[i] == phases[i + 12] for i in range(28))
    # The same month of another year, whatever the series, is one position.
    may = pd.date_range("2020-05-01", periods=1, freq=freq)[0]
    assert season_phase(may, offset, 12) == phases[0]


def test_daily_positions_are_weekdays_in_every_time_zone_and_at_any_hour():
    day = pd.tseries.frequencies.to_offset("D")
    mondays = [pd.Timestamp("2024-01-01"), pd.Timestamp("2031-06-02"),
               pd.Timestamp("2024-01-01 09:00"),
               pd.Timestamp("2024-01-01", tz="Australia/Melbourne")]
    assert len({season_phase(monday, day, 7) for monday in mondays}) == 1
    tuesday = pd.Timestamp("2024-01-02", tz="Australia/Melbourne")
    assert season_phase(tuesday, day, 7) == (season_phase(mondays[0], day, 7) + 1) % 7


def test_integer_times_are_positions():
    assert [season_phase(t, 2, 4) for t in (0, 2, 4, 6, 8, 10)] == [0, 1, 2, 3, 0, 1]


def test_the_zero_sine_at_half_the_season_is_left_out():
    columns = SeasonPosition(4, 2, phase=1).columns(4)
    assert columns.shape == (4, 3)   # sin 1, cos 1, cos 2
    positions = (1 + np.arange(4)) % 4
    np.testing.assert_allclose(columns[:, 0], np.sin(np.pi * positions / 2), atol=1e-12)
    np.testing.assert_allclose(columns[:, 2], np.cos(np.pi * positions), atol=1e-12)


def test_terms_need_a_season_that_can_carry_them():
    positions = pd.Series(np.arange(40.0) % 5)
    with pytest.raises(ValueError, match="Pass season="):
        _placed(fourier_terms=1).fit(positions)
    with pytest.raises(ValueError, match="at most 6"):
        _placed(fourier_terms=7).fit(_by_month("2001-03-01"))
    # Given a season, integer positions carry them.
    forecast = _placed(fourier_terms=2, season=5).fit(positions).predict()
    np.testing.assert_allclose(forecast, [0.0, 1.0, 2.0], atol=1e-8)


def test_a_saved_model_keeps_its_positions():
    skops_io = pytest.importorskip("skops.io")
    from rnnforecast import skops_trusted_types

    forecaster = _placed(fourier_terms=6).fit(_by_month("2001-03-01"))
    expected = forecaster.predict()
    pd.testing.assert_series_equal(pickle.loads(pickle.dumps(forecaster)).predict(),
                                   expected)
    loaded = skops_io.loads(skops_io.dumps(forecaster), trusted=skops_trusted_types())
    pd.testing.assert_series_equal(loaded.predict(), expected)
