"""Validation on the last horizon of every series: the holdout, the choice
of window_normalization="auto", and the warning when seasonal naive wins."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from rnnforecast import WindowForecaster
from rnnforecast.forecasting.holdout import (
    MAX_HOLDOUT_FOLDS,
    MAX_HOLDOUT_SHARE,
    MIN_HOLDOUT_VALUES,
    BaselineWarning,
    choose,
    holdout_cut,
    holdout_folds,
    holdout_length,
    mean_scaled_error,
    seasonal_naive_errors,
)
from rnnforecast.forecasting.metrics import naive_scale


def test_one_origin_per_series_on_a_panel_more_on_one_series():
    assert holdout_length(n_series=200, horizon=8) == 8
    # One series, 7 steps: 143 origins give 1001 >= 1000 forecast values.
    assert holdout_length(n_series=1, horizon=7) == 7 + 143 - 1
    assert 143 * 7 >= MIN_HOLDOUT_VALUES > 142 * 7


def test_a_series_too_short_to_spare_its_end_is_trained_on_whole():
    cut = holdout_cut(held_out=6, horizon=6, n_needed=14)
    assert cut(20) == 14 and cut(19) == 19


def test_more_origins_take_at_most_a_share_of_a_series_and_never_less_than_a_horizon():
    cut = holdout_cut(held_out=149, horizon=7, n_needed=20)
    assert cut(3000) == 3000 - 149
    assert cut(200) == 200 - int(MAX_HOLDOUT_SHARE * 200)
    assert MAX_HOLDOUT_SHARE * 30 < 7 and cut(30) == 30 - 7


def test_seasonal_naive_errors_by_hand():
    values = np.arange(20.0) ** 2
    errors = seasonal_naive_errors(values, np.array([10, 12]), horizon=3, season=4)
    # From origin 10: forecasts values[6], values[7], values[8].
    expected = [[100 - 36, 121 - 49, 144 - 64], [144 - 64, 169 - 81, 196 - 100]]
    np.testing.assert_array_equal(errors, expected)
    assert np.isnan(mean_scaled_error([]))


def _growing_panel(n_series=6, n_times=60, seed=0):
    # Series at very different levels growing 5% a step: as ratios to their
    # own level every window looks alike, as standardised levels they leave
    # the range the model was fitted on.
    rng = np.random.default_rng(seed)
    t = np.arange(n_times)
    return pd.DataFrame({f"s{i}": rng.uniform(1, 1000) * 1.05 ** t
                         * (1 + 0.01 * rng.normal(size=n_times)) for i in range(n_series)},
                        index=pd.date_range("2000-01", periods=n_times, freq="MS"))


def _holdout_score(panel, normalization, window, horizon, deseasonalize=None):
    """The holdout score computed from public calls: fit on all but each
    series' last ``horizon``, forecast it, mean of the series' MAE over
    their naive scale."""
    forecaster = WindowForecaster(Ridge(), window_length=window, horizon=horizon,
                                  window_normalization=normalization,
                                  deseasonalize=deseasonalize).fit(panel.iloc[:-horizon])
    forecast = forecaster.predict()
    return np.mean([np.mean(np.abs(panel[key].iloc[-horizon:].to_numpy() - forecast[key]))
                    / naive_scale(panel[key].iloc[:-horizon].to_numpy()) for key in panel])


def test_a_large_panel_has_one_fold():
    cut = holdout_cut(held_out=8, horizon=8, n_needed=20)
    assert len(holdout_folds(cut, [60] * 200, horizon=8)) == 1


def test_a_small_panel_gets_folds_each_before_the_last():
    cut = holdout_cut(held_out=14, horizon=8, n_needed=20)
    folds = holdout_folds(cut, [100, 90, 80], horizon=8)
    assert len(folds) == MAX_HOLDOUT_FOLDS
    for n in (100, 90, 80):
        trained = [fit(n) for fit, _ in folds]
        scored = [end(n) for _, end in folds]
        # Fold k is scored within what fold k - 1 trained on, and trains on
        # its first rows as the holdout cut says.
        assert scored == [n] + trained[:-1]
        assert trained == [cut(end) for end in scored]
        assert all(a > b for a, b in zip(trained, trained[1:]))


def test_one_series_has_one_fold_of_many_origins():
    # One origin each: far from MIN_HOLDOUT_VALUES, yet one series keeps
    # its one fold, where two series get every fold there is room for.
    cut = holdout_cut(held_out=12, horizon=12, n_needed=36)
    assert len(holdout_folds(cut, [438], horizon=12)) == 1
    assert len(holdout_folds(cut, [438, 438], horizon=12)) == MAX_HOLDOUT_FOLDS


def test_folds_stop_where_a_scored_series_has_no_room():
    cut = holdout_cut(held_out=14, horizon=8, n_needed=20)
    # Folds train on 48, 39, 31 rows of a series of 60 and on 36, 28, 20 of
    # one of 45, which a fourth fold would leave at 20 (no 8 rows to spare
    # above the 20 a window needs): three folds, not four.
    lengths = [60, 45]
    folds = holdout_folds(cut, lengths, horizon=8)
    assert [fit(45) for fit, _ in folds] == [36, 28, 20]
    assert len(folds) == 3 < MAX_HOLDOUT_FOLDS
    for fit, end in folds:
        assert all(fit(n) < end(n) for n in lengths)
    # A series too short to be scored at all does not limit the folds.
    assert len(holdout_folds(cut, [60, 45, 21], horizon=8)) == len(folds)


def test_auto_on_a_small_panel_scores_every_fold():
    panel = _growing_panel(n_series=3, n_times=60)
    forecaster = WindowForecaster(Ridge(), window_length=8, horizon=5,
                                  window_normalization="auto").fit(panel)
    cut = holdout_cut(holdout_length(3, 5), 5, 8 + 5)
    folds = holdout_folds(cut, [60] * 3, horizon=5)
    assert len(folds) > 1
    # The score of windows as they are, from public calls: each fold's fit
    # on its training rows forecasts every origin of its scored stretch.
    errors = []
    for fit, end in folds:
        model = WindowForecaster(Ridge(), window_length=8, horizon=5, window_normalization=None,
                                 deseasonalize=None).fit(panel.iloc[:fit(60)])
        for key in panel:
            values = panel[key].iloc[:end(60)]
            origins = np.arange(fit(60), end(60) - 5 + 1)
            forecasts = model.forecast_from(values, origins, series_id=key)
            actual = values.to_numpy()[origins[:, None] + np.arange(5)]
            errors.append((actual - forecasts)
                          / naive_scale(panel[key].iloc[:fit(60)].to_numpy()))
    assert forecaster.holdout_scores_["none"] == pytest.approx(mean_scaled_error(errors),
                                                               rel=1e-9)


def test_auto_scores_each_candidate_on_the_holdout():
    panel = _growing_panel(n_series=200)   # 200 x 5 values: one origin per series
    forecaster = WindowForecaster(Ridge(), window_length=8, horizon=5,
                                  window_normalization="auto").fit(panel)
    scores = forecaster.holdout_scores_
    chosen = forecaster.window_normalization_ or "none"
    assert chosen == choose(scores, ["none", "mean_absolute"])
    for key, normalization in (("none", None), ("mean_absolute", "mean_absolute")):
        assert scores[key] == pytest.approx(_holdout_score(panel, normalization, 8, 5), rel=1e-9)
    # The final model is fitted on every observation with the chosen setting.
    chosen = WindowForecaster(Ridge(), window_length=8, horizon=5,
                              window_normalization=forecaster.window_normalization_).fit(panel)
    pd.testing.assert_frame_equal(forecaster.predict(), chosen.predict())


def test_a_fixed_normalization_is_used_as_given_without_a_holdout():
    forecaster = WindowForecaster(Ridge(), window_length=8, horizon=5,
                                  window_normalization="last").fit(_growing_panel())
    assert forecaster.window_normalization_ == "last" and forecaster.holdout_scores_ is None


def test_auto_survives_pickling_and_calibrates_with_its_choice():
    panel = _growing_panel(n_series=20)
    forecaster = WindowForecaster(Ridge(), window_length=8, horizon=5, calibration_fraction=0.3,
                                  window_normalization="auto").fit(panel)
    fixed = WindowForecaster(Ridge(), window_length=8, horizon=5, calibration_fraction=0.3,
                             window_normalization=forecaster.window_normalization_).fit(panel)
    np.testing.assert_array_equal(forecaster.calibration_errors_, fixed.calibration_errors_)
    # skops stores the holdout scores too (it refused a None key).
    import skops.io as sio

    from rnnforecast import skops_trusted_types

    for loaded in (pickle.loads(pickle.dumps(forecaster)),
                   sio.loads(sio.dumps(forecaster), trusted=skops_trusted_types())):
        assert loaded.window_normalization_ == forecaster.window_normalization_
        assert loaded.holdout_scores_ == forecaster.holdout_scores_
        pd.testing.assert_frame_equal(loaded.predict(), forecaster.predict())


def _seasonal(n_times=120, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_times)
    return pd.Series(50 + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(size=n_times),
                     index=pd.date_range("2000-01", periods=n_times, freq="MS"))


def test_losing_to_seasonal_naive_on_the_holdout_is_said_with_both_scores():
    # Two observations cannot show a yearly season; seasonal naive repeats it.
    forecaster = WindowForecaster(Ridge(), window_length=2, horizon=6,
                                  window_normalization="auto", deseasonalize=None)
    with pytest.warns(BaselineWarning, match=r"mean scaled error is \d+\.\d{3} and seasonal "
                                             r"naive's \d+\.\d{3}") as caught:
        forecaster.fit(_seasonal())
    scores = forecaster.holdout_scores_
    assert scores["seasonal_naive"] < scores[forecaster.window_normalization_ or "none"]
    assert f"{scores['seasonal_naive']:.3f}" in str(caught[0].message)


def test_a_model_that_beats_seasonal_naive_fits_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecaster = WindowForecaster(Ridge(), window_length=24, horizon=6,
                                      window_normalization="auto").fit(_seasonal())
    scores = forecaster.holdout_scores_
    assert scores[forecaster.window_normalization_ or "none"] < scores["seasonal_naive"]


def test_auto_without_a_series_long_enough_to_hold_out_keeps_windows_as_they_are():
    # One series of 20 holds out 6 observations, leaving 14 of the 18 needed.
    short = _seasonal(n_times=20)
    forecaster = WindowForecaster(Ridge(), window_length=12, horizon=6,
                                  window_normalization="auto").fit(short)
    assert forecaster.window_normalization_ is None and forecaster.holdout_scores_ is None


def test_auto_pairs_ratio_windows_with_deseasonalize_and_plain_windows_without():
    # A yearly shape times growth: the ratio candidate on deseasonalised
    # series wins, and the final model is fitted with both.
    panel = _growing_panel(n_series=200)
    shape = 1 + 0.3 * np.sign(np.sin(2 * np.pi * np.arange(len(panel)) / 12 + 0.3))
    panel = panel.mul(shape, axis=0)
    forecaster = WindowForecaster(Ridge(), window_length=8, horizon=5, window_normalization="auto",
                                  deseasonalize="multiplicative").fit(panel)
    assert (forecaster.window_normalization_, forecaster.deseasonalize_) == (
        "mean_absolute", "multiplicative")
    scores = forecaster.holdout_scores_
    assert scores["mean_absolute"] == pytest.approx(
        _holdout_score(panel, "mean_absolute", 8, 5, "multiplicative"), rel=1e-9)
    assert scores["none"] == pytest.approx(_holdout_score(panel, None, 8, 5), rel=1e-9)
    assert all(state.seasonal is not None for state in forecaster._states.values())


def test_a_challenger_must_lead_by_the_margin():
    from rnnforecast.forecasting.holdout import CHALLENGER_MARGIN

    close = {"none": 1.0, "mean_absolute": 1 - CHALLENGER_MARGIN / 2}
    clear = {"none": 1.0, "mean_absolute": 1 - 2 * CHALLENGER_MARGIN}
    assert choose(close, ["none", "mean_absolute"]) == "none"
    assert choose(clear, ["none", "mean_absolute"]) == "mean_absolute"


def test_seasonal_naive_on_the_holdout_repeats_the_season_given_for_positions():
    # The season passed for integer positions is the one seasonal naive
    # repeats (it used the index's, none for positions: the last value).
    dated = _seasonal()
    positions = dated.reset_index(drop=True)
    scores = [WindowForecaster(Ridge(), window_length=24, horizon=6, season=12,
                               window_normalization="auto").fit(y).holdout_scores_
              for y in (dated, positions)]
    assert scores[1]["seasonal_naive"] == pytest.approx(scores[0]["seasonal_naive"], rel=1e-12)
