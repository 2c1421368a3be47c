"""EnsembleForecaster: members over seeds and window lengths, combined."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

from rnnforecast import EnsembleForecaster, SimpleRNNRegressor, WindowForecaster


def _series(n=120, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.Series(20 + 0.1 * t + 5 * np.sin(2 * np.pi * t / 12) + rng.normal(size=n),
                     index=pd.date_range("2000-01", periods=n, freq="MS"), name="y")


@pytest.mark.parametrize("aggregate,combine", [("median", np.median), ("mean", np.mean)])
def test_the_forecast_combines_the_members_step_by_step(aggregate, combine):
    y = _series()
    plain = dict(window_normalization=None, deseasonalize=None)
    ensemble = EnsembleForecaster(WindowForecaster(Ridge(), horizon=4, **plain),
                                  window_lengths=[6, 12, 24], n_seeds=1, aggregate=aggregate).fit(y)
    alone = [WindowForecaster(Ridge(), window_length=w, horizon=4, **plain).fit(y).predict()
             for w in (6, 12, 24)]
    forecast = ensemble.predict()
    pd.testing.assert_index_equal(forecast.index, alone[0].index)
    np.testing.assert_allclose(forecast, combine(alone, axis=0))
    np.testing.assert_allclose(ensemble.forecast_from(y, [60, 90]),
                               combine([WindowForecaster(Ridge(), window_length=w, horizon=4,
                                                         **plain)
                                        .fit(y).forecast_from(y, [60, 90])
                                        for w in (6, 12, 24)], axis=0))
    assert ensemble.fit_seconds_.shape == (3,) and (ensemble.fit_seconds_ > 0).all()


def _small_rnn():
    return SimpleRNNRegressor(units=4, max_iter=3, early_stopping=False)


def test_members_differ_by_seed_and_the_ensemble_is_reproducible():
    y = _series()
    make = lambda: EnsembleForecaster(WindowForecaster(_small_rnn(), window_length=12, horizon=2),  # noqa: E731
                                      n_seeds=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first, second = make().fit(y), make().fit(y)
    seeds = [m.estimator_.random_state for m in first.forecasters_]
    assert len(set(seeds)) == 3 and seeds == list(first.seeds_)
    members = [m.predict().to_numpy() for m in first.forecasters_]
    assert not np.allclose(members[0], members[1])
    pd.testing.assert_series_equal(first.predict(), second.predict())


def test_auto_is_chosen_once_and_given_to_every_member():
    y = _series()
    ensemble = EnsembleForecaster(WindowForecaster(Ridge(), horizon=3, window_normalization="auto",
                                                   deseasonalize="auto"),
                                  window_lengths=[12, 24], n_seeds=2).fit(y)
    first, *others = ensemble.forecasters_
    assert first.holdout_scores_ is not None and ensemble.holdout_scores_ == first.holdout_scores_
    for member in others:
        assert member.holdout_scores_ is None
        assert member.window_normalization == first.window_normalization_
        assert member.deseasonalize == first.deseasonalize_


def test_a_failed_fit_or_update_changes_nothing():
    y = _series()
    ensemble = EnsembleForecaster(WindowForecaster(Ridge(), horizon=2), window_lengths=[6, 12],
                                  n_seeds=1).fit(y[:100])
    members, forecast = ensemble.forecasters_, ensemble.predict()
    with pytest.raises(ValueError):
        ensemble.fit(y[:10])      # too short for the window of 12
    assert ensemble.forecasters_ is members
    with pytest.raises(ValueError):
        ensemble.update(y[105:])  # does not continue the history
    pd.testing.assert_series_equal(ensemble.predict(), forecast)
    ensemble.update(y[100:])
    pd.testing.assert_series_equal(ensemble.predict(), ensemble.predict(y=y))


@pytest.mark.parametrize("window_lengths,message", [
    ([], "non-empty list"), ([12, 0], "ints >= 1"), ([12, 12], "twice")])
def test_bad_window_lengths_are_named(window_lengths, message):
    with pytest.raises(ValueError, match=message):
        EnsembleForecaster(WindowForecaster(Ridge()), window_lengths=window_lengths).fit(_series())


def test_the_ensemble_clones_and_pickles():
    ensemble = EnsembleForecaster(WindowForecaster(Ridge(), horizon=2), window_lengths=[6, 12],
                                  n_seeds=1)
    assert clone(ensemble).get_params()["window_lengths"] == [6, 12]
    ensemble.fit(_series())
    loaded = pickle.loads(pickle.dumps(ensemble))
    pd.testing.assert_series_equal(loaded.predict(), ensemble.predict())


def _calibrated_members(y, windows=(6, 12, 24), **params):
    plain = dict(window_normalization=None, deseasonalize=None, calibration_fraction=0.3)
    return [WindowForecaster(Ridge(), window_length=w, horizon=4, **plain, **params).fit(y)
            for w in windows]


def _calibrated_ensemble(y, windows=(6, 12, 24), aggregate="median", **params):
    plain = dict(window_normalization=None, deseasonalize=None, calibration_fraction=0.3)
    return EnsembleForecaster(WindowForecaster(Ridge(), horizon=4, **plain, **params),
                              window_lengths=list(windows), n_seeds=1,
                              aggregate=aggregate).fit(y)


@pytest.mark.parametrize("aggregate,combine", [("median", np.median), ("mean", np.mean)])
def test_calibration_errors_are_those_of_the_combined_forecast(aggregate, combine):
    y = _series()
    ensemble = _calibrated_ensemble(y, aggregate=aggregate)
    members = _calibrated_members(y)
    # Actual minus the combined forecast of members fitted before the
    # calibration origins (the last ones with 4 steps inside y), in the
    # error-scale units of that fit.
    n = len(y)
    origins = np.arange(n - len(members[0].calibration_errors_) - 4 + 1, n - 4 + 1)
    inner = [clone(m).set_params(calibration_fraction=None).fit(y.iloc[:origins[0]])
             for m in members]
    combined = combine([m.forecast_from(y, origins) for m in inner], axis=0)
    actual = y.to_numpy()[origins[:, None] + np.arange(4)]
    expected = (actual - combined) / inner[0]._states[None].error_scale
    np.testing.assert_allclose(ensemble.calibration_errors_, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(ensemble.residuals_, np.abs(ensemble.calibration_errors_))


def test_intervals_and_quantiles_surround_the_combined_forecast():
    y = _series()
    ensemble = _calibrated_ensemble(y)
    interval = ensemble.predict_interval(coverage=0.8)
    np.testing.assert_allclose(interval["forecast"], ensemble.predict())
    half = ensemble.interval_halfwidths(0.8)
    np.testing.assert_allclose(interval["upper"] - interval["forecast"], half)
    np.testing.assert_allclose(interval["forecast"] - interval["lower"], half)
    # The halfwidth is the conformal quantile of the ensemble's own errors.
    residuals = np.sort(ensemble.residuals_, axis=0)
    rank = int(np.ceil((len(residuals) + 1) * 0.8))
    scale = ensemble.forecasters_[0]._states[None].error_scale
    np.testing.assert_allclose(half, residuals[rank - 1] * scale)
    quantiles = ensemble.predict_quantiles(quantiles=[0.1, 0.5, 0.9])
    np.testing.assert_allclose(quantiles.to_numpy() - ensemble.predict().to_numpy()[:, None],
                               ensemble.quantile_offsets([0.1, 0.5, 0.9]).T)
    assert (np.diff(quantiles.to_numpy(), axis=1) >= 0).all()


def test_intervals_of_an_ensemble_without_calibration_are_refused():
    y = _series()
    ensemble = EnsembleForecaster(WindowForecaster(Ridge(), window_length=6, horizon=4,
                                                   window_normalization=None,
                                                   deseasonalize=None), n_seeds=1).fit(y)
    assert ensemble.calibration_errors_ is None
    with pytest.raises(ValueError, match="calibration_fraction"):
        ensemble.predict_interval()
    with pytest.raises(ValueError, match="calibration_fraction"):
        ensemble.predict_quantiles()


def test_score_is_the_r2_of_the_combined_forecasts():
    y = _series(150)
    train, test = y.iloc[:120], y.iloc[120:]
    ensemble = _calibrated_ensemble(train)
    origins = np.arange(len(test) - 4 + 1)
    members = _calibrated_members(train)
    full = pd.concat([train, test])
    combined = np.median([m.forecast_from(full, origins + 120) for m in members], axis=0)
    actual = test.to_numpy()[origins[:, None] + np.arange(4)]
    assert ensemble.score(test) == pytest.approx(r2_score(actual.ravel(), combined.ravel()))


def test_intervals_follow_an_update_and_a_pickle_round_trip():
    y = _series(130)
    ensemble = _calibrated_ensemble(y.iloc[:120])
    ensemble.update(y.iloc[120:])
    interval = ensemble.predict_interval(coverage=0.8)
    np.testing.assert_allclose(interval["forecast"], ensemble.predict())
    assert interval.index[0] == y.index[-1] + y.index.freq
    loaded = pickle.loads(pickle.dumps(ensemble))
    pd.testing.assert_frame_equal(loaded.predict_interval(coverage=0.8), interval)


def test_network_gains_are_the_members_own():
    y = _series()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ensemble = EnsembleForecaster(
            WindowForecaster(SimpleRNNRegressor(units=4, max_iter=3, early_stopping=True),
                             horizon=2, window_normalization=None, deseasonalize=None),
            window_lengths=[6, 12], n_seeds=1).fit(y)
    gains = ensemble.network_gains_
    assert gains == [member.network_gain_ for member in ensemble.forecasters_]
    assert all(isinstance(gain, float) and gain >= 0.0 for gain in gains)
    ridge = EnsembleForecaster(WindowForecaster(Ridge(), window_length=6, horizon=2,
                                                window_normalization=None,
                                                deseasonalize=None), n_seeds=1).fit(y)
    assert ridge.network_gains_ == [None]
