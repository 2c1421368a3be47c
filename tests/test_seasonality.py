"""Multiplicative seasonal factors: the Theta method's test and indices,
and a forecaster that removes them before windowing and puts them back."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from rnnforecast import WindowForecaster
from rnnforecast.forecasting.calendar import steps_between, time_value
from rnnforecast.forecasting.seasonality import autocorrelations, is_seasonal, seasonal_indices

# A yearly shape no short linear recurrence follows (a sinusoid would).
SHAPE = np.random.default_rng(7).uniform(0.7, 1.3, size=12)


def _monthly(n=96, trend=1.0, noise=0.0, seed=0, start="2000-01-01"):
    """(100 + trend t) times a yearly shape, on month starts."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = (100 + trend * t) * SHAPE[t % 12] * (1 + noise * rng.normal(size=n))
    return pd.Series(values, index=pd.date_range(start, periods=n, freq="MS"), name="sales")


def test_autocorrelations_match_numpy():
    x = np.random.default_rng(1).normal(size=50)
    centred = x - x.mean()
    expected = [np.sum(centred[3:] * centred[:-3]) / np.sum(centred ** 2)]
    np.testing.assert_allclose(autocorrelations(x, 3)[-1:], expected)


def test_the_seasonality_test_tells_a_season_from_noise():
    noise = np.random.default_rng(0).normal(size=60) + 10
    assert is_seasonal(_monthly(60).to_numpy(), 12)
    assert not is_seasonal(noise, 12)
    assert not is_seasonal(_monthly(30).to_numpy(), 12)    # under three seasons
    assert not is_seasonal(_monthly(60).to_numpy(), 1)


def test_indices_of_a_level_series_are_its_shape():
    values = 50 * SHAPE[np.arange(48) % 12]
    np.testing.assert_allclose(seasonal_indices(values, 12), SHAPE / SHAPE.mean())
    odd = 50 * np.array([0.8, 1.0, 1.2])[np.arange(21) % 3]
    np.testing.assert_allclose(seasonal_indices(odd, 3), [0.8, 1.0, 1.2])


def test_steps_between_times():
    index = pd.date_range("2000-01-01", periods=30, freq="MS")
    assert steps_between(time_value(index[0]), index[5:], index.freq) == 5
    assert steps_between(time_value(index[7]), index[2:], index.freq) == -5
    assert steps_between(3, pd.RangeIndex(9, 20, 2), 2) == 3
    hours = pd.date_range("2000-03-25", periods=60, freq="h", tz="Europe/Berlin")
    assert steps_between(time_value(hours[0]), hours[40:], hours.freq) == 40
    with pytest.raises(ValueError, match="not a whole number of steps of 'MS'"):
        steps_between(time_value(pd.Timestamp("2000-01-31")),
                      pd.date_range("2000-03-01", periods=3, freq="MS"), index.freq)


def test_a_window_shorter_than_the_season_forecasts_it_once_removed():
    # Three months cannot show a yearly shape: Ridge on them misses it; on
    # the deseasonalised series it forecasts the trend, and the factors
    # bring the shape back.
    y = _monthly(120)
    errors = {}
    for deseasonalize in (None, "multiplicative", "auto"):
        forecaster = WindowForecaster(Ridge(alpha=1e-6), window_length=3, horizon=12,
                                      window_normalization=None,
                                      deseasonalize=deseasonalize).fit(y[:-12])
        errors[deseasonalize] = np.mean(np.abs(forecaster.predict() - y[-12:]) / y[-12:])
    assert errors["multiplicative"] < 1e-3 < 0.05 < errors[None]
    assert errors["auto"] == errors["multiplicative"]


def test_the_phase_comes_from_the_times_of_the_data_at_hand():
    y = _monthly(120, noise=0.02)
    forecaster = WindowForecaster(Ridge(), window_length=6, horizon=4,
                                  deseasonalize="multiplicative").fit(y[:100])
    whole = forecaster.forecast_from(y, [100, 107])
    np.testing.assert_allclose(forecaster.forecast_from(y.iloc[5:], [95, 102]), whole)
    # predict(y=...) and update follow the same times.
    np.testing.assert_allclose(forecaster.predict(y=y[:107]), whole[1], rtol=1e-12)
    forecaster.update(y[100:107])
    np.testing.assert_allclose(forecaster.predict(), whole[1], rtol=1e-12)


def test_integer_positions_need_the_season_given():
    y = pd.Series(_monthly(96).to_numpy())
    with pytest.raises(ValueError, match="needs a season of at least 2"):
        WindowForecaster(Ridge(), window_length=3, deseasonalize="multiplicative").fit(y)
    # With season=12 positions forecast as the monthly index does.
    forecasts = [WindowForecaster(Ridge(), window_length=3, horizon=12, season=12,
                                  deseasonalize="multiplicative").fit(series[:-12]).predict()
                 for series in (y, _monthly(96))]
    np.testing.assert_array_equal(forecasts[0].to_numpy(), forecasts[1].to_numpy())
    # "auto" without a season leaves the series as it is.
    auto = WindowForecaster(Ridge(), window_length=3, window_normalization=None,
                            deseasonalize="auto").fit(y)
    plain = WindowForecaster(Ridge(), window_length=3, window_normalization=None,
                             deseasonalize=None).fit(y)
    pd.testing.assert_series_equal(auto.predict(), plain.predict())


@pytest.mark.parametrize("values,message", [
    (_monthly(96).to_numpy() - 150, "positive series; a series has values down to"),
    (_monthly(20).to_numpy(), "too short for seasonal factors"),
])
def test_multiplicative_refuses_what_it_cannot_divide(values, message):
    y = pd.Series(values, index=pd.date_range("2000", periods=len(values), freq="MS"))
    with pytest.raises(ValueError, match=message):
        WindowForecaster(Ridge(), window_length=3, deseasonalize="multiplicative").fit(y)


def test_auto_leaves_series_without_a_season_as_they_are():
    rng = np.random.default_rng(0)
    flat = pd.DataFrame({"noise": 100 + rng.normal(size=96), "negative": rng.normal(size=96),
                         "seasonal": _monthly(96).to_numpy()},
                        index=pd.date_range("2000", periods=96, freq="MS"))
    forecaster = WindowForecaster(Ridge(), window_length=3, window_normalization=None,
                                  deseasonalize="auto").fit(flat)
    adjusted = {key for key, state in forecaster._states.items() if state.seasonal is not None}
    assert adjusted == {"seasonal"}


def test_a_deseasonalised_forecaster_survives_pickle_and_skops(tmp_path):
    import skops.io as sio

    from rnnforecast import skops_trusted_types

    forecaster = WindowForecaster(Ridge(), window_length=6, horizon=3,
                                  window_normalization="mean_absolute",
                                  deseasonalize="multiplicative").fit(_monthly(60))
    expected = forecaster.predict()
    pd.testing.assert_series_equal(pickle.loads(pickle.dumps(forecaster)).predict(), expected)
    data = sio.dumps(forecaster)
    loaded = sio.loads(data, trusted=skops_trusted_types())
    pd.testing.assert_series_equal(loaded.predict(), expected)


def test_indices_come_from_the_latest_seasons_placed_on_the_whole_series():
    from rnnforecast.forecasting.seasonality import RECENT_SEASONS, recent_seasonal_indices

    # Old seasons with another shape, then RECENT_SEASONS of SHAPE, starting
    # 5 rows into a season: the indices are SHAPE's, at the whole series' rows.
    old = 50 * SHAPE[::-1][np.arange(41) % 12]
    recent = 50 * SHAPE[(41 + np.arange(RECENT_SEASONS * 12)) % 12]
    indices = recent_seasonal_indices(np.r_[old, recent], 12)
    np.testing.assert_allclose(indices, SHAPE / SHAPE.mean())
