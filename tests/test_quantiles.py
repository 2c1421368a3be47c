"""Conformal quantile forecasts and the probabilistic metrics."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.forecasting.metrics import coverage, crps, interval_width, pinball_loss

LEVELS = [0.05, 0.1, 0.5, 0.9, 0.95]


def _skewed_noise(n, seed):
    """3 + Exp(1) draws: skewed, no signal in the past, quantile q known
    exactly: 3 - ln(1 - q)."""
    return 3 + np.random.RandomState(seed).exponential(size=n)


def _fitted(n=3000, horizon=2):
    y = pd.Series(_skewed_noise(n, 0))
    return y, WindowForecaster(Ridge(), window_length=5, horizon=horizon,
                               calibration_fraction=0.4).fit(y)


def test_quantiles_match_the_known_quantiles_of_skewed_noise():
    _, forecaster = _fitted()
    predicted = forecaster.predict_quantiles(quantiles=LEVELS)
    assert list(predicted.columns) == LEVELS and len(predicted) == 2
    levels = np.array(LEVELS)
    known = 3 - np.log(1 - levels)
    # Within 3 standard errors of an empirical quantile of n errors,
    # sqrt(q (1 - q) / n) / density (1 - q for Exp(1)), plus 0.1 for the
    # forecast's own noise (Ridge weights estimated on 1,800 windows).
    # Symmetric intervals (absolute errors) could not follow the skew
    # (0.05: 3.05, 0.95: 6.0 around a median of 3.69).
    n = len(forecaster.calibration_errors_)
    tolerance = 3 * np.sqrt(levels * (1 - levels) / n) / (1 - levels) + 0.1
    assert (np.abs(predicted.to_numpy() - known) <= tolerance).all()


def test_quantile_intervals_cover_new_data_at_their_level():
    y, forecaster = _fitted()
    fresh = pd.Series(_skewed_noise(4000, 1))
    origins = np.arange(5, 3998)
    forecasts = forecaster.forecast_from(fresh, origins)
    low, high = forecaster.quantile_offsets([0.1, 0.9])
    actual = fresh.to_numpy()[origins[:, None] + np.arange(2)]
    achieved = coverage(actual, forecasts + low, forecasts + high)
    assert 0.77 <= achieved <= 0.83
    assert interval_width(forecasts + low, forecasts + high) == pytest.approx(
        np.log(0.9 / 0.1), abs=0.2)


def test_quantiles_never_cross_and_refuse_levels_beyond_the_errors():
    y = pd.Series(np.sin(np.arange(120) / 3) + np.random.RandomState(0).normal(size=120))
    forecaster = WindowForecaster(Ridge(), window_length=8, horizon=3,
                                  calibration_fraction=0.2).fit(y)
    levels = np.linspace(0.05, 0.95, 19)
    values = forecaster.predict_quantiles(quantiles=levels).to_numpy()
    assert (np.diff(values, axis=1) >= 0).all()
    n = len(forecaster.calibration_errors_)
    with pytest.raises(ValueError, match=f"this fit has {n}, enough for levels"):
        forecaster.predict_quantiles(quantiles=[0.001])
    with pytest.raises(ValueError, match="quantile must be a number in"):
        forecaster.predict_quantiles(quantiles=[0.5, 1.5])
    with pytest.raises(ValueError, match="calibration_fraction set"):
        WindowForecaster(Ridge(), window_length=8).fit(y).predict_quantiles()


def test_panel_quantiles_come_back_in_the_panel_layout():
    index = pd.date_range("2000-01", periods=100, freq="MS")
    panel = pd.concat({"a": pd.Series(_skewed_noise(100, 2), index=index),
                       "b": pd.Series(_skewed_noise(100, 3), index=index)},
                      names=["id", "month"])
    forecaster = WindowForecaster(Ridge(), window_length=6, horizon=2,
                                  calibration_fraction=0.3).fit(panel)
    quantiles = forecaster.predict_quantiles(quantiles=[0.25, 0.75])
    assert list(quantiles.index.names) == ["id", "month"] and quantiles.shape == (4, 2)


def test_pinball_loss_is_least_at_the_true_quantile():
    actual = _skewed_noise(20000, 4)
    candidates = np.linspace(3, 6, 61)
    losses = [pinball_loss(actual, np.full_like(actual, c), 0.9) for c in candidates]
    assert candidates[int(np.argmin(losses))] == pytest.approx(3 + np.log(10), abs=0.06)


def test_crps_of_a_point_forecast_is_its_mae_and_rewards_spread():
    actual = _skewed_noise(5000, 5)
    point = np.full_like(actual, np.median(actual))
    levels = np.linspace(0.01, 0.99, 99)
    assert crps(actual, np.tile(point[:, None], (1, 99)), levels) == pytest.approx(
        np.mean(np.abs(actual - point)), rel=0.02)
    spread = np.tile(3 - np.log(1 - levels), (len(actual), 1))
    assert crps(actual, spread, levels) < 0.8 * np.mean(np.abs(actual - point))
    with pytest.raises(ValueError, match="one column per level"):
        crps(actual, point, levels)


def test_pooled_errors_come_back_in_each_series_units():
    # Errors pool as multiples of each series' typical step, so a series a
    # thousand times larger gets intervals a thousand times wider; pooled
    # in raw units both would get the same width, far too wide for one and
    # far too narrow for the other.
    y = pd.Series(_skewed_noise(200, 6), index=pd.date_range("2000", periods=200, freq="D"))
    panel = pd.concat({"small": y, "large": 1000 * y}, names=["id", "day"])
    forecaster = WindowForecaster(Ridge(), window_length=6, horizon=2,
                                  calibration_fraction=0.3).fit(panel)
    intervals = forecaster.predict_interval(coverage=0.8)
    width = intervals["upper"] - intervals["lower"]
    np.testing.assert_allclose(width.loc["large"].to_numpy(),
                               1000 * width.loc["small"].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(forecaster.interval_halfwidths(0.8, series_id="large"),
                               width.loc["large"].to_numpy() / 2, rtol=1e-12)
    with pytest.raises(ValueError, match="series_id 'medium' is not a fitted series"):
        forecaster.quantile_offsets(series_id="medium")


def _calm_and_noisy(n, seed):
    """Two series on one sine (amplitude 10, period 12): "calm" with noise
    sd 0.2, "noisy" with sd 3. Scaled by their typical step, their forecast
    errors differ in spread by about ten times: pooling them misjudges both."""
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    season = 10 * np.sin(2 * np.pi * t / 12)
    index = pd.date_range("2000-01", periods=n, freq="MS")
    return {"calm": pd.Series(season + rng.normal(0, 0.2, n), index=index),
            "noisy": pd.Series(season + rng.normal(0, 3, n), index=index)}


def _coverage_by_series(forecaster, fresh):
    covered = {}
    for key, series in fresh.items():
        forecasts = forecaster.forecast_from(series, np.arange(12, len(series)),
                                             series_id=key)[:, 0]
        half = forecaster.interval_halfwidths(0.8, series_id=key)[0]
        covered[key] = np.mean(np.abs(series.to_numpy()[12:] - forecasts) <= half)
    return covered


def test_per_series_calibration_covers_each_series_at_its_level():
    panel = pd.concat(_calm_and_noisy(1200, seed=0), names=["kind", "month"])
    fresh = _calm_and_noisy(1000, seed=1)
    coverages = {}
    for calibration in ("pooled", "per_series"):
        forecaster = WindowForecaster(Ridge(), window_length=12, calibration_fraction=0.4,
                                      calibration=calibration).fit(panel)
        coverages[calibration] = _coverage_by_series(forecaster, fresh)
    assert coverages["pooled"]["calm"] > 0.97 and coverages["pooled"]["noisy"] < 0.6
    # 480 calibration errors and 988 fresh points: coverage varies by about
    # 0.02 (sd) from seed to seed around 0.8 (0.77-0.85 over six seeds).
    for key in ("calm", "noisy"):
        assert 0.74 <= coverages["per_series"][key] <= 0.86, coverages


def test_per_series_halfwidths_are_quantiles_of_the_series_own_errors():
    panel = pd.concat(_calm_and_noisy(200, seed=0), names=["kind", "month"])
    forecaster = WindowForecaster(Ridge(), window_length=12, horizon=2,
                                  calibration_fraction=0.3,
                                  calibration="per_series").fit(panel)
    start, stop = forecaster._calibration_spans["noisy"]
    own = np.abs(forecaster.calibration_errors_[start:stop])
    n = len(own)
    expected = np.sort(own, axis=0)[int(np.ceil((n + 1) * 0.8)) - 1]
    scale = forecaster._states["noisy"].error_scale
    np.testing.assert_allclose(forecaster.interval_halfwidths(0.8, "noisy"), expected * scale)
    interval = forecaster.predict_interval(coverage=0.8).loc["noisy"]
    np.testing.assert_allclose((interval["upper"] - interval["forecast"]).to_numpy(),
                               expected * scale)
    quantiles = forecaster.predict_quantiles(quantiles=[0.1, 0.9]).loc["calm"]
    assert (quantiles[0.1] < quantiles[0.9]).all()


def test_per_series_calibration_refuses_what_it_cannot_serve():
    series = _calm_and_noisy(200, seed=0)
    forecaster = WindowForecaster(Ridge(), window_length=12, calibration_fraction=0.1,
                                  calibration="per_series").fit(
        pd.concat(series, names=["kind", "month"]))
    with pytest.raises(ValueError, match="or pool the errors of every series"):
        forecaster.predict_interval(coverage=0.99)
    new = pd.concat({"new": series["calm"]}, names=["kind", "month"])
    with pytest.raises(ValueError, match="no calibration errors of series 'new'"):
        forecaster.predict_interval(y=new, coverage=0.8)
    pooled = forecaster.set_params(calibration="pooled")
    assert pooled.predict_interval(y=new, coverage=0.8).notna().all().all()
