"""ESRNNForecaster: layouts in and out, what it learns on a multiplicative
seasonal panel, the held-out choice of steps, refusals that leave a fitted
forecaster unchanged, reproducibility and pickling."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from rnnforecast import BaselineWarning, ESRNNForecaster

SMALL = dict(max_steps=60, validation_interval=20, units=8)


def _monthly_panel(n_series=4, n=60, seed=0):
    """Trending series with a multiplicative yearly season, each at its own scale."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    index = pd.date_range("2001-01", periods=n, freq="MS")
    columns = {}
    for i in range(n_series):
        season = 1 + 0.25 * np.sin(2 * np.pi * (t + i) / 12)
        level = (10.0 ** (i + 1)) * (1 + 0.01 * t)
        columns[f"s{i}"] = level * season * np.exp(0.01 * rng.normal(size=n))
    return pd.DataFrame(columns, index=index)


def _fit(y, **parameters):
    forecaster = ESRNNForecaster(horizon=6, random_state=0, **{**SMALL, **parameters})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return forecaster.fit(y)


def test_forecasts_come_back_in_each_layout():
    wide = _monthly_panel()
    forecaster = _fit(wide)
    forecast = forecaster.predict()
    assert list(forecast.columns) == list(wide.columns)
    assert forecast.index.equals(pd.date_range("2006-01", periods=6, freq="MS"))
    long = wide.stack().swaplevel().sort_index().rename_axis(["id", "t"])
    long_forecast = _fit(long).predict(steps=3)
    assert long_forecast.index.get_level_values("id").unique().tolist() == list(wide.columns)
    assert len(long_forecast) == 4 * 3
    single = _fit(wide["s1"]).predict()
    assert isinstance(single, pd.Series) and single.index.equals(forecast.index)


def test_forecasts_follow_each_series_scale_and_season():
    """Series ten to ten thousand in size: each forecast stays within a few
    percent of the noise-free continuation (the seasonal peak included)."""
    wide = _monthly_panel(n=72)
    train, test = wide.iloc[:-6], wide.iloc[-6:]
    forecast = _fit(train, max_steps=300, validation_interval=100, units=16).predict()
    relative = np.abs(forecast.to_numpy() / test.to_numpy() - 1)
    assert relative.max() < 0.08
    naive = train.iloc[-12:-6].to_numpy()   # seasonal naive
    assert relative.mean() < np.mean(np.abs(naive / test.to_numpy() - 1))


def test_steps_are_chosen_on_the_held_out_horizon():
    forecaster = _fit(_monthly_panel(), max_steps=50, validation_interval=20)
    # Scored at 20, 40 and the last step.
    assert len(forecaster.validation_scores_) == 3
    best = int(np.argmin(forecaster.validation_scores_))
    assert forecaster.n_steps_ == [20, 40, 50][best]
    assert forecaster.baseline_score_ > 0


def test_no_validation_when_turned_off_or_no_series_can_spare_a_horizon():
    off = _fit(_monthly_panel(), early_stopping=False)
    assert off.n_steps_ == SMALL["max_steps"] and off.validation_scores_ is None
    short = _monthly_panel(n=20)   # 20 < window 12 + 2 * 6
    assert _fit(short, window_length=12).validation_scores_ is None
    with pytest.raises(ValueError, match="early_stopping=True"):
        _fit(short, window_length=12, early_stopping=True)


def test_smoothing_parameters_are_reported_per_series():
    forecaster = _fit(_monthly_panel())
    smoothing = forecaster.smoothing_
    assert list(smoothing.index) == ["s0", "s1", "s2", "s3"]
    assert ((smoothing[["alpha", "gamma"]] > 0) & (smoothing[["alpha", "gamma"]] < 1)).all().all()
    assert [c for c in smoothing.columns if c.startswith("s0_")] == [f"s0_{k}" for k in range(12)]


def test_a_series_shorter_than_its_season_is_fitted():
    wide = _monthly_panel()
    wide.iloc[:52, 0] = np.nan   # s0 starts 8 months before the end
    forecast = _fit(wide, window_length=2).predict()
    assert np.isfinite(forecast.to_numpy()).all()


def test_a_series_without_season_smooths_its_level_alone():
    y = pd.Series(np.linspace(10, 30, 40) * np.exp(0.02 * np.sin(np.arange(40))))
    forecaster = _fit(y, season=None)
    assert forecaster.season_ == 1
    assert (forecaster.smoothing_["gamma"] == 0).all()
    assert forecaster.predict().index.equals(pd.RangeIndex(40, 46))


def test_same_random_state_same_forecasts_and_pickle_keeps_them():
    wide = _monthly_panel()
    first, second = _fit(wide), _fit(wide)
    pd.testing.assert_frame_equal(first.predict(), second.predict())
    restored = pickle.loads(pickle.dumps(first))
    pd.testing.assert_frame_equal(restored.predict(), first.predict())
    assert clone(first).get_params() == first.get_params()


def _set(y, value):
    y = y.copy()
    y.iloc[30, 1] = value
    return y


@pytest.mark.parametrize("change, message", [
    (lambda y: _set(y, -1.0), "Series 's1' holds values <= 0"),
    (lambda y: _set(y, np.inf), r"\['s1'\] contain infinite values"),
    (lambda y: y.iloc[:6], "fewer than window_length"),
])
def test_bad_series_are_refused_and_the_fitted_forecaster_kept(change, message):
    wide = _monthly_panel()
    forecaster = _fit(wide)
    before = forecaster.predict()
    with pytest.raises(ValueError, match=message):
        forecaster.fit(change(wide))
    pd.testing.assert_frame_equal(forecaster.predict(), before)


def test_refusals_name_what_to_do():
    wide = _monthly_panel()
    with pytest.raises(ValueError, match="no exogenous"):
        ESRNNForecaster(horizon=2).fit(wide, X=wide)
    forecaster = _fit(wide)
    with pytest.raises(ValueError, match="refit with a larger horizon"):
        forecaster.predict(steps=7)
    with pytest.raises(ValueError, match="int >= 1"):
        forecaster.predict(steps=0)


def test_a_hybrid_beaten_by_seasonal_naive_says_so():
    """A pure seasonal pattern with jumps the smoothing cannot follow in a
    few steps: seasonal naive repeats it exactly."""
    t = np.arange(48)
    y = pd.Series(np.tile([1.0, 9.0, 2.0, 30.0], 12) * (1 + 0 * t),
                  index=pd.date_range("2000-01", periods=48, freq="QS"))
    with pytest.warns(BaselineWarning, match="seasonal naive's 0.000"):
        ESRNNForecaster(horizon=4, random_state=0, **SMALL).fit(y)


def test_blas_threads_do_not_change_the_model():
    """Training holds BLAS to one thread: OpenBLAS picks other kernels for
    other thread counts, so a fit in a joblib worker (one thread) and one
    in the main process (every core) would differ in their last bits."""
    from threadpoolctl import threadpool_limits

    wide = _monthly_panel(n_series=6, n=80)
    forecasts = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            forecasts.append(_fit(wide, units=64, max_steps=30, series_per_step=6,
                                  windows_per_series=16, early_stopping=False).predict())
    pd.testing.assert_frame_equal(forecasts[0], forecasts[1], check_exact=True)


def test_a_training_whose_steps_mostly_fail_is_refused(monkeypatch):
    """A step with a non-finite loss changes nothing; a fit whose steps all
    failed would have kept its random start without a word."""
    from rnnforecast._core.hybrid_training import HybridStep

    wide = _monthly_panel()
    forecaster = _fit(wide)
    before = forecaster.predict()
    monkeypatch.setattr(HybridStep, "run", lambda self, chosen, ends: np.nan)
    with pytest.raises(ValueError, match="60 of 60 training steps gave a non-finite"):
        forecaster.fit(wide)
    pd.testing.assert_frame_equal(forecaster.predict(), before)


def test_held_out_periods_of_a_small_panel_and_of_a_large_one():
    from rnnforecast.forecasting.es_validation import fold_count

    # 4 series x 6 values a period: far below 1,000, so four periods where
    # the shortest series has room for a window before the deepest.
    assert fold_count([60] * 4, 24, 6) == 4
    assert fold_count([60, 60, 43], 24, 6) == 2   # 43 >= 24 + 3 * 6, < 24 + 4 * 6
    assert fold_count([200] * 200, 24, 6) == 1    # 1,200 values in one period
    assert fold_count([30] * 4, 24, 6) == 0       # none can spare a horizon
    forecaster = _fit(_monthly_panel(n=60), max_steps=40)
    assert forecaster.validation_periods_ == 4
    assert _fit(_monthly_panel(n=60), early_stopping=False).validation_periods_ == 0


def test_a_held_out_period_is_forecast_from_what_comes_before_it():
    from rnnforecast.forecasting.es_validation import HeldOutPeriod

    values = [np.arange(1.0, 41.0), np.arange(1.0, 19.0)]
    period = HeldOutPeriod(values, fold=2, window_length=4, horizon=5, season=4)
    # The second series (18 < 4 + 5 + 10) is too short for this period.
    assert len(period.training) == 1
    np.testing.assert_array_equal(period.training[0], np.arange(1.0, 31.0))
    np.testing.assert_array_equal(period.actual, [np.arange(31.0, 36.0)])
    # Seasonal naive repeats the last season of the training part: 27..30, 27.
    naive = np.array([[27.0, 28.0, 29.0, 30.0, 27.0]])
    assert period.naive_score == pytest.approx(period.error(naive))
    assert period.error(period.actual) == 0.0
