"""Searches and scores on panels: PanelSplitter cuts every series at the
same times, a row-wise split of a long panel is refused, and the score of a
panel weighs every series the same."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score

from rnnforecast import PanelSplitter, WindowForecaster

N_TIMES = 96


def _wide(levels=(10.0, 300.0, 5000.0)):
    # Monthly seasonal series with noise, far apart in level.
    rng = np.random.default_rng(0)
    index = pd.date_range("2010-01", periods=N_TIMES, freq="MS")
    season = np.sin(np.arange(N_TIMES) * np.pi / 6)
    return pd.DataFrame({f"s{i}": level * (1 + 0.2 * season + rng.normal(0, 0.03, N_TIMES))
                         for i, level in enumerate(levels)}, index=index)


def _long(wide):
    return wide.rename_axis("month").rename_axis(columns="id").stack().swaplevel() \
        .sort_index().rename("y")


def test_splits_cut_every_series_at_the_same_times():
    y = _long(_wide())
    times = y.index.get_level_values("month")
    ids = y.index.get_level_values("id")
    splits = list(PanelSplitter(n_splits=3, test_size=12).split(y))
    assert len(splits) == 3
    for k, (train, test) in enumerate(splits):
        cutoff = pd.Timestamp("2010-01") + pd.DateOffset(months=N_TIMES - (3 - k) * 12)
        assert (times[train] < cutoff).all() and (times[test] >= cutoff).all()
        # Every series in every part, test_size times each.
        assert set(ids[test]) == set(ids) and len(test) == 3 * 12
        assert len(train) == 3 * (N_TIMES - (3 - k) * 12)


def test_on_one_series_it_is_time_series_split():
    y = _wide()["s0"]
    ours = list(PanelSplitter(n_splits=4).split(y))
    theirs = list(TimeSeriesSplit(n_splits=4).split(y))
    for (a, b), (c, d) in zip(ours, theirs):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


def test_series_that_start_late_are_tested_only_once_known():
    wide = _wide()
    wide.loc[:"2016-06", "s2"] = np.nan                 # s2 starts in July 2016
    y = _long(wide).dropna()
    ids = y.index.get_level_values("id")
    first, last = list(PanelSplitter(n_splits=2, test_size=12).split(y))
    assert "s2" not in set(ids[first[1]]) and "s2" not in set(ids[first[0]])
    assert "s2" in set(ids[last[0]]) and "s2" in set(ids[last[1]])


def test_a_search_over_a_long_panel_scores_as_over_the_wide_one():
    wide = _wide()
    grid = {"window_length": [12, 24]}
    # Windows as they are: the search is studied, not the holdout's choice.
    forecaster = WindowForecaster(Ridge(), 12, window_normalization=None)
    long_search = GridSearchCV(forecaster, grid, error_score="raise",
                               cv=PanelSplitter(n_splits=3, test_size=12)).fit(_long(wide))
    wide_search = GridSearchCV(forecaster, grid, error_score="raise",
                               cv=TimeSeriesSplit(n_splits=3, test_size=12)).fit(wide)
    np.testing.assert_allclose(long_search.cv_results_["mean_test_score"],
                               wide_search.cv_results_["mean_test_score"], rtol=1e-6)
    assert long_search.best_score_ > 0.8


def test_a_row_wise_split_of_a_long_panel_is_refused_by_name():
    y = _long(_wide())
    forecaster = WindowForecaster(Ridge(), 12)
    with pytest.raises(ValueError, match=r"row-wise split of a long panel.*PanelSplitter"):
        cross_val_score(forecaster, y, cv=TimeSeriesSplit(n_splits=3), error_score="raise")
    # With scikit-learn's default error_score, the same message reaches the
    # user as a warning and the scores are NaN, never a number.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = cross_val_score(forecaster, y, cv=TimeSeriesSplit(n_splits=3))
    assert np.isnan(scores).all()
    assert any("PanelSplitter" in str(w.message) for w in caught)


def test_the_panel_score_weighs_every_series_the_same():
    # Each series is standardised by its own statistics, so multiplying one
    # by 1000 changes no forecast in scaled terms; a score that pooled R²
    # over series would change with it (the level differences "explained").
    wide = _wide()
    train, test = wide.iloc[:-12], wide.iloc[-12:]
    score = WindowForecaster(Ridge(), 12).fit(train).score(test)
    scaled = wide.assign(s0=wide.s0 * 1000)
    rescaled = WindowForecaster(Ridge(), 12).fit(scaled.iloc[:-12]).score(scaled.iloc[-12:])
    assert rescaled == pytest.approx(score, rel=1e-6)
    # It is the mean of each series' own R² over its one-step forecasts.
    forecaster = WindowForecaster(Ridge(), 12).fit(train)
    origins = np.arange(len(train), len(wide))
    own = [r2_score(wide[name].iloc[origins],
                    forecaster.forecast_from(wide[name], origins, series_id=name).ravel())
           for name in wide]
    assert score == pytest.approx(np.mean(own), rel=1e-12)


def test_bad_splitter_arguments_are_named():
    y = _wide()["s0"]
    with pytest.raises(ValueError, match="n_splits must be an int >= 1"):
        list(PanelSplitter(n_splits=0).split(y))
    with pytest.raises(ValueError, match="leave no training times"):
        list(PanelSplitter(n_splits=10, test_size=12).split(y))
    with pytest.raises(TypeError, match="pandas Series or DataFrame"):
        list(PanelSplitter().split(y.to_numpy()))
