"""WindowForecaster and backtest: dates, strategies, scaling, refusals."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, Ridge

from rnnforecast import SimpleRNNRegressor
from rnnforecast.forecasting.backtest import backtest
from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.forecasting.metrics import MetricWarning


def _ar_series(n=300, freq="D", start="2021-01-01"):
    rng = np.random.RandomState(0)
    values = np.zeros(n)
    for t in range(2, n):
        values[t] = 0.6 * values[t - 1] - 0.2 * values[t - 2] + rng.normal()
    index = pd.date_range(start, periods=n, freq=freq) if freq else pd.RangeIndex(n)
    return pd.Series(100 + 10 * values, index=index, name="load")


@pytest.mark.parametrize("freq,expected", [("D", "2021-10-28"), ("MS", "2046-01-01"),
                                            ("h", "2021-01-13 12:00:00")])
def test_forecast_is_indexed_by_the_following_dates(freq, expected):
    y = _ar_series(freq=freq)
    forecast = WindowForecaster(Ridge(), window_length=5, horizon=3).fit(y).predict()
    assert forecast.name == "load" and len(forecast) == 3
    assert str(forecast.index[0]) .startswith(expected)
    assert forecast.index.freq == y.index.freq


def test_range_index_and_plain_arrays():
    y = _ar_series(freq=None)
    forecast = WindowForecaster(Ridge(), window_length=5, strategy="recursive").fit(y).predict(4)
    assert list(forecast.index) == [300, 301, 302, 303]
    assert list(WindowForecaster(Ridge(), 5).fit(y.to_numpy()).predict().index) == [300]


def test_linear_ar_process_is_recovered_without_scaling():
    t = np.arange(200.0)
    y = pd.Series(3.0 + 0.5 * t)
    forecaster = WindowForecaster(LinearRegression(), window_length=3, horizon=2,
                                  scaler=None).fit(y)
    np.testing.assert_allclose(forecaster.predict().to_numpy(), [103.0, 103.5])
    recursive = clone(forecaster).set_params(strategy="recursive").fit(y)
    np.testing.assert_allclose(recursive.predict(5).to_numpy(), 103.0 + 0.5 * np.arange(5))


def test_rnn_trains_on_raw_units_through_the_scaler():
    y = _ar_series()
    rnn = SimpleRNNRegressor(units=8, max_iter=30, batch_size=32, random_state=0)
    forecast = WindowForecaster(rnn, window_length=10, horizon=2).fit(y).predict()
    assert abs(forecast.mean() - y.mean()) < 3 * y.std()


def test_exogenous_columns_and_their_future():
    y = _ar_series()
    X = pd.DataFrame({"weekday": y.index.day_of_week}, index=y.index)
    direct = WindowForecaster(Ridge(), window_length=7, horizon=2).fit(y, X)
    assert len(direct.predict()) == 2 and direct.exog_names_ == ["weekday"]
    recursive = WindowForecaster(Ridge(), window_length=7, strategy="recursive").fit(y, X)
    with pytest.raises(ValueError, match="exogenous columns"):
        recursive.predict(3)
    future = pd.DataFrame({"weekday": [3, 4, 5]})
    assert len(recursive.predict(3, X=future)) == 3


BAD = {
    "unsorted": (lambda y: y.iloc[::-1], {}, "not sorted"),
    "duplicated": (lambda y: pd.concat([y.iloc[:5], y.iloc[4:]]), {}, "duplicated"),
    "nan": (lambda y: y.where(y.index != y.index[10]), {}, "NaN"),
    "gap": (lambda y: y.drop(y.index[50]), {}, "no regular frequency"),
    "window too long": (lambda y: y.iloc[:5], {"window_length": 5}, "no window fits"),
    "horizon zero": (lambda y: y, {"horizon": 0}, "horizon"),
}


@pytest.mark.parametrize("case", BAD)
def test_fit_refuses(case):
    transform, params, message = BAD[case]
    with pytest.raises(ValueError, match=message):
        WindowForecaster(Ridge(), **{"window_length": 3, **params}).fit(transform(_ar_series()))


def test_direct_strategy_refuses_steps_beyond_its_horizon():
    forecaster = WindowForecaster(Ridge(), window_length=3, horizon=2).fit(_ar_series())
    with pytest.raises(ValueError, match="at most 2 steps"):
        forecaster.predict(3)


def test_backtest_reports_folds_steps_and_baselines():
    y = _ar_series()
    result = backtest(WindowForecaster(Ridge(), window_length=7, horizon=3), y,
                      n_splits=3, test_size=40)
    forecasts, metrics = result.forecasts, result.metrics
    assert set(forecasts.fold) == {1, 2, 3} and set(forecasts.step) == {1, 2, 3}
    # Every forecast is of an actual value of the series, made before it.
    np.testing.assert_array_equal(forecasts.actual, y[forecasts.time].to_numpy())
    assert (forecasts.origin <= forecasts.time).all()
    pooled = metrics[(metrics.fold == "all") & (metrics.step == "all")].set_index("model")
    assert pooled.loc["forecast", "RMSE"] < pooled.loc["last_value", "RMSE"]
    assert pooled.loc["forecast", "n"] == len(forecasts)
    fold1 = forecasts[forecasts.fold == 1]
    manual = np.sqrt(np.mean((fold1.forecast - fold1.actual) ** 2))
    row = metrics[(metrics.fold == 1) & (metrics.step == "all") & (metrics.model == "forecast")]
    assert row.RMSE.iloc[0] == pytest.approx(manual)


@pytest.mark.parametrize("estimator", [
    Ridge(), SimpleRNNRegressor(units=16, batch_size=64, early_stopping=True,
                                random_state=0)])
def test_conformal_intervals_cover_a_held_out_year(estimator):
    from rnnforecast.io.datasets import load_daily_min_temperatures

    y = load_daily_min_temperatures()
    forecaster = WindowForecaster(estimator, window_length=29, horizon=2,
                                  calibration_fraction=0.3).fit(y[:"1989-12-31"])
    positions = np.arange(y.index.get_loc("1990-01-01"), len(y) - 1)
    predicted = forecaster.forecast_from(y, positions)
    actual = np.column_stack([y.to_numpy()[positions], y.to_numpy()[positions + 1]])
    covered = np.abs(actual - predicted) <= forecaster.interval_halfwidths(0.9)
    assert covered.shape == (364, 2)
    for step_coverage in covered.mean(axis=0):
        assert 0.85 <= step_coverage <= 0.95
    interval = forecaster.predict_interval(coverage=0.9)
    assert list(interval.columns) == ["forecast", "lower", "upper"]
    assert (interval.lower < interval.forecast).all() and (interval.forecast < interval.upper).all()
    assert str(interval.index[0].date()) == "1990-01-01"


def test_intervals_need_calibration():
    forecaster = WindowForecaster(Ridge(), window_length=3).fit(_ar_series())
    with pytest.raises(ValueError, match="calibration_fraction"):
        forecaster.predict_interval()


def test_coverage_beyond_the_calibration_errors_is_refused_not_infinite():
    # 31 calibration errors per step support coverage up to 31/32: beyond,
    # the interval used to be +-inf everywhere, silently.
    y = _ar_series(n=160)
    forecaster = WindowForecaster(Ridge(), window_length=3, horizon=2,
                                  calibration_fraction=0.2).fit(y)
    assert len(forecaster.residuals_) == 31
    with pytest.raises(ValueError, match="needs at least 999 calibration errors.*"
                                         "up to 31/32 = 0.969"):
        forecaster.predict_interval(coverage=0.999)
    assert np.isfinite(forecaster.predict_interval(coverage=0.96).to_numpy()).all()
    with pytest.raises(ValueError, match="leaves no calibration origin"):
        WindowForecaster(Ridge(), window_length=3, calibration_fraction=0.001).fit(y)


def test_several_coverages_give_nested_intervals():
    y = _ar_series()
    forecaster = WindowForecaster(Ridge(), window_length=5, horizon=3,
                                  calibration_fraction=0.3).fit(y)
    intervals = forecaster.predict_interval(coverage=[0.8, 0.95])
    assert list(intervals.columns) == ["forecast", "lower_0.8", "upper_0.8",
                                       "lower_0.95", "upper_0.95"]
    assert (intervals["lower_0.95"] <= intervals["lower_0.8"]).all()
    assert (intervals["upper_0.8"] <= intervals["upper_0.95"]).all()
    single = forecaster.predict_interval(coverage=0.8)
    np.testing.assert_array_equal(single["lower"], intervals["lower_0.8"])


def test_score_is_r2_of_rolling_forecasts_of_the_continuation():
    y = _ar_series()
    forecaster = WindowForecaster(Ridge(), window_length=7, horizon=2).fit(y[:200])
    score = forecaster.score(y[200:])
    forecasts = backtest(forecaster, y, n_splits=2, test_size=100).forecasts
    forecasts = forecasts[forecasts.fold == 2]  # trained on y[:200], forecasts y[200:]
    from sklearn.metrics import r2_score
    assert score == pytest.approx(r2_score(forecasts.actual, forecasts.forecast))
    with pytest.raises(ValueError, match="continue the training series"):
        forecaster.score(y[210:])


def test_grid_search_over_a_forecaster_with_time_series_split():
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    y = _ar_series()
    search = GridSearchCV(WindowForecaster(Ridge(), horizon=2),
                          {"window_length": [2, 7, 14], "strategy": ["direct", "recursive"]},
                          cv=TimeSeriesSplit(n_splits=3), n_jobs=2).fit(y)
    assert search.best_params_["window_length"] in (2, 7, 14)
    assert len(search.best_estimator_.predict()) == 2
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


@pytest.fixture(scope="module")
def temperatures():
    from rnnforecast.io.datasets import load_daily_min_temperatures

    return load_daily_min_temperatures()


def _pooled(forecaster, y, **folds):
    # Days near 0 °C: backtest leaves MAPE out, with a warning.
    with pytest.warns(MetricWarning, match="MAPE left out"):
        result = backtest(forecaster, y, **folds)
    metrics = result.metrics[result.metrics.fold == "all"]
    return metrics.pivot(index="step", columns="model", values="RMSE")


def test_default_forecaster_beats_last_value_next_day(temperatures):
    rnn = _pooled(WindowForecaster(random_state=0), temperatures, n_splits=3, test_size=365)
    assert rnn.loc["all", "forecast"] < rnn.loc["all", "last_value"]


def test_seven_day_recursive_forecast_beats_the_baselines_at_every_step(temperatures):
    rmse = _pooled(WindowForecaster(horizon=7, strategy="recursive", random_state=0),
                   temperatures, n_splits=3, test_size=365)
    assert (rmse.forecast < rmse.last_value).all()
    assert (rmse.forecast < rmse.seasonal_naive).all()


def test_known_future_covariates_are_used_at_the_forecast_time():
    rng = np.random.RandomState(0)
    index = pd.date_range("2023-01-01", periods=300, freq="D")
    promo = pd.DataFrame({"promo": rng.randint(0, 2, size=300)}, index=index)
    y = pd.Series(50 + 10 * promo.promo.to_numpy() + rng.normal(scale=0.5, size=300),
                  index=index, name="sales")
    # Windows as they are: the blind model loses to seasonal naive on the
    # holdout and "auto" would say so (BaselineWarning), beside the point here.
    informed = WindowForecaster(Ridge(alpha=1e-3), window_length=5, horizon=2,
                                known_future=["promo"], window_normalization=None)
    blind = WindowForecaster(Ridge(alpha=1e-3), window_length=5, horizon=2,
                             window_normalization=None)
    rmse = {}
    for name, forecaster in (("informed", informed), ("blind", blind)):
        metrics = backtest(forecaster, y, promo, n_splits=2, test_size=60).metrics
        rmse[name] = metrics[(metrics.fold == "all") & (metrics.step == "all")
                             & (metrics.model == "forecast")].RMSE.iloc[0]
    assert rmse["informed"] < 1.0 < 4.0 < rmse["blind"]
    fitted = informed.fit(y, promo)
    forecast = fitted.predict(X=pd.DataFrame({"promo": [1, 0]}))
    np.testing.assert_allclose(forecast.to_numpy(), [60, 50], atol=1.5)
    with pytest.raises(ValueError, match="known-future"):
        fitted.predict()
    with pytest.raises(ValueError, match="strategy='direct'"):
        WindowForecaster(Ridge(), 5, strategy="recursive", known_future=["promo"]).fit(y, promo)


# Target transforms and window normalisation -----------------------------------------

def _trending(n=144, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    values = (100 + 2 * t) * (1 + 0.1 * np.sin(2 * np.pi * t / 12)) + rng.normal(size=n)
    return pd.Series(values, index=pd.date_range("2010-01-01", periods=n, freq="MS"),
                     name="sales")


def test_log_inside_the_forecaster_never_sees_standardised_values():
    # A log TransformedTargetRegressor inside the forecaster received the
    # standardised (negative) target and failed; target_transform="log" is
    # applied to the raw series, before scaling.
    y = _trending()
    forecaster = WindowForecaster(Ridge(), window_length=24, horizon=12,
                                  target_transform="log").fit(y[:-12])
    forecast = forecaster.predict()
    assert np.isfinite(forecast).all() and (forecast > 0).all()
    assert np.mean(np.abs(forecast - y[-12:]) / y[-12:]) < 0.05
    with pytest.raises(ValueError, match="needs positive target values"):
        WindowForecaster(Ridge(), window_length=5, target_transform="log").fit(y - 200)


def test_boxcox_round_trip_and_fitted_lambda():
    from rnnforecast.forecasting.transforms import fit_target_transform

    y = _trending().to_numpy()
    transform = fit_target_transform("boxcox", y)
    assert transform.kind == "boxcox" and -1 < transform.lmbda < 2
    np.testing.assert_allclose(transform.inverse(transform.forward(y)), y, rtol=1e-10)


@pytest.mark.parametrize("strategy,scaling", [("direct", "last"), ("recursive", "last"),
                                              ("direct", "standard"), ("direct", "robust"),
                                              ("direct", "mean_absolute")])
def test_window_normalisation_lets_a_network_follow_a_trend(strategy, scaling):
    # The last 12 months lie above every level seen in training: a network
    # on levels (without the linear skip path, which alone would follow the
    # trend) stays below them, one on windows relative to their last value
    # follows the trend.
    y = _trending()
    errors = {}
    for normalization in (None, scaling):
        forecaster = WindowForecaster(
            SimpleRNNRegressor(units=16, max_iter=200, linear_skip=False, random_state=0),
            window_length=24,
            horizon=12 if strategy == "direct" else 1, strategy=strategy,
            window_normalization=normalization)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            forecast = forecaster.fit(y[:-12]).predict(12)
        errors[normalization] = np.mean(np.abs(forecast - y[-12:]) / y[-12:])
    assert errors[scaling] < 0.05 < errors[None]


@pytest.mark.parametrize("normalization", ["last", "mean", "standard", "robust"])
def test_window_normalisation_makes_forecasts_follow_the_level(normalization):
    # Windows relative to their own level: shifting the whole series by c
    # shifts every forecast by c, whatever the model.
    y = _trending()
    # (Seasonal factors are ratios: a shifted series has other ones.)
    forecasts = [WindowForecaster(Ridge(), 12, horizon=3, window_normalization=normalization,
                                  deseasonalize=None).fit(y + shift).predict()
                 for shift in (0.0, 1000.0)]
    np.testing.assert_allclose(forecasts[1] - forecasts[0], 1000.0, rtol=1e-9)


class _WindowRecorder(Ridge):
    """Ridge that keeps the windows it was fitted on."""

    def fit(self, X, y):
        self.windows_, self.targets_ = np.array(X), np.array(y)
        return super().fit(X, y)


@pytest.mark.parametrize("scaler", ["standard", None])
def test_mean_absolute_windows_are_ratios_to_their_own_level(scaler):
    # The estimator sees each raw window divided by its mean absolute value:
    # the series is not centred first (a centred series has no level to take
    # a ratio to), and the early windows of a series growing 200-fold, far
    # below its mean, are ratios too (not cut at a floor).
    y = pd.Series(1.15 ** np.arange(40) + 1, index=pd.date_range("2000", periods=40, freq="MS"))
    forecaster = WindowForecaster(_WindowRecorder(), window_length=6, horizon=2,
                                  scaler=scaler, window_normalization="mean_absolute").fit(y)
    raw = np.lib.stride_tricks.sliding_window_view(y.to_numpy(), 6)[:-2]
    targets = np.lib.stride_tricks.sliding_window_view(y.to_numpy()[6:], 2)
    level = np.abs(raw).mean(axis=1, keepdims=True)
    np.testing.assert_allclose(forecaster.estimator_.windows_, raw / level, rtol=1e-12)
    np.testing.assert_allclose(forecaster.estimator_.targets_, targets / level, rtol=1e-12)
    # Forecasts come back in the series' units: a series ten times larger
    # gets forecasts ten times larger.
    forecast = forecaster.predict()
    np.testing.assert_allclose(WindowForecaster(Ridge(), window_length=6, horizon=2,
                                                scaler=scaler, window_normalization="mean_absolute"
                                                ).fit(10 * y).predict(), 10 * forecast)


def test_default_forecaster_on_a_short_series_does_not_warn_about_batches():
    y = _trending(n=40)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        WindowForecaster(window_length=12, random_state=0).fit(y)
    assert not [w for w in caught if "batch_size" in str(w.message)]


# Differencing and forecasting from new data ------------------------------------------

@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_differencing_extrapolates_a_quadratic_trend_exactly(strategy):
    # Second differences of a quadratic are constant: a linear model on them
    # forecasts the curve exactly, beyond every level seen in training.
    t = np.arange(120.0)
    y = pd.Series(5 + 0.3 * t + 0.02 * t ** 2,
                  index=pd.date_range("2000-01-01", periods=120, freq="MS"))
    forecaster = WindowForecaster(LinearRegression(), window_length=4, horizon=6,
                                  strategy=strategy, differences=2).fit(y[:-6])
    np.testing.assert_allclose(forecaster.predict(6).to_numpy(), y[-6:].to_numpy(),
                               rtol=1e-8)
    assert len(forecaster.history_) == 4 + 2


def test_seasonal_and_first_differences_forecast_a_trending_season():
    t = np.arange(96)
    pattern = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)
    y = pd.Series(10 + 0.5 * t + pattern[t % 12],
                  index=pd.date_range("2010-01-01", periods=96, freq="MS"))
    forecaster = WindowForecaster(Ridge(alpha=1e-6), window_length=3, horizon=12,
                                  differences=[1, 12]).fit(y[:-12])
    np.testing.assert_allclose(forecaster.predict().to_numpy(), y[-12:].to_numpy(),
                               atol=1e-4)


def test_differencing_composes_with_the_log_transform():
    y = _trending()
    forecaster = WindowForecaster(Ridge(), window_length=24, horizon=12,
                                  target_transform="log", differences=[12]).fit(y[:-12])
    forecast = forecaster.predict()
    assert np.mean(np.abs(forecast - y[-12:]) / y[-12:]) < 0.05


def test_differences_that_leave_no_window_are_refused():
    y = _trending(n=30)
    with pytest.raises(ValueError, match="differences=\\[12, 12\\].*no window fits"):
        WindowForecaster(Ridge(), window_length=6, differences=[12, 12]).fit(y)
    with pytest.raises(ValueError, match="differences must be"):
        WindowForecaster(Ridge(), window_length=6, differences=[0]).fit(y)


def test_forecast_from_new_history_needs_no_refit():
    # A model fitted on one stretch forecasts from any later history in the
    # same units, and from the training series' end exactly as predict does.
    y = _trending()
    forecaster = WindowForecaster(Ridge(), window_length=24, horizon=3,
                                  differences=1).fit(y[:100])
    at_end = forecaster.forecast_from(y[:100], [100])
    np.testing.assert_allclose(at_end[0], forecaster.predict().to_numpy())
    later = forecaster.forecast_from(y, [130, 141])
    assert later.shape == (2, 3)
    assert np.abs(later[0] - y[130:133].to_numpy()).mean() < 5 * y.diff().std()
    np.testing.assert_array_equal(later[1], forecaster.forecast_from(y[:141], [141])[0])
    for origins in ([24], [145], [0, 50]):  # 25 observations needed before each
        with pytest.raises(ValueError, match="Origins must lie in \\[25, 144\\]"):
            forecaster.forecast_from(y, origins)
    with pytest.raises(TypeError, match="integer positions"):
        forecaster.forecast_from(y, [50.5])


def test_nan_in_known_future_values_is_refused_not_zero_filled():
    y = _ar_series()
    X = pd.DataFrame({"promo": np.arange(300) % 2}, index=y.index)
    forecaster = WindowForecaster(Ridge(), window_length=5, horizon=2,
                                  known_future=["promo"]).fit(y, X)
    with pytest.raises(ValueError, match="must be finite"):
        forecaster.predict(X=pd.DataFrame({"promo": [1.0, np.nan]}))


def test_a_failed_refit_leaves_the_previous_fit_whole():
    # The refit's log transform refuses the shifted series after the new
    # series' names and frequency were already set: they used to stay.
    y = _trending()
    forecaster = WindowForecaster(Ridge(), window_length=12, horizon=3).fit(y)
    before = forecaster.predict()
    shifted = pd.Series(y.to_numpy() - 500, index=pd.RangeIndex(len(y)), name="other")
    with pytest.raises(ValueError, match="positive"):
        forecaster.set_params(target_transform="log").fit(shifted)
    assert forecaster.target_name_ == "sales" and forecaster.freq_ == y.index.freq
    pd.testing.assert_series_equal(forecaster.predict(), before)


def test_the_forecaster_says_whether_the_network_beat_its_linear_start(capsys):
    # A target that is a nonlinear function of the window: ridge regression
    # cannot follow it, a trained network can; on a linear one it cannot
    # do better than the ridge start it began from.
    rng = np.random.default_rng(0)
    values = np.zeros(1500)
    for t in range(1, 1500):                      # y_t = sin(3 y_t-1) + noise
        values[t] = np.sin(3 * values[t - 1]) + 0.2 * rng.normal()
    nonlinear = pd.Series(values, index=pd.date_range("2000", periods=1500))
    network = SimpleRNNRegressor(units=16, max_iter=40, early_stopping=True, random_state=0,
                                 learning_rate_init=1e-2, verbose=True)
    forecaster = WindowForecaster(network, window_length=4).fit(nonlinear)
    fitted = forecaster.estimator_
    assert forecaster.network_gain_ == pytest.approx(
        fitted.best_validation_score_ - fitted.start_validation_score_)
    assert fitted.start_validation_score_ < 0.3 and forecaster.network_gain_ > 0.4
    assert "The trained network beat its start on validation" in capsys.readouterr().out
    linear = WindowForecaster(Ridge(), window_length=4).fit(nonlinear)
    assert linear.network_gain_ is None
    # Training that cannot move the weights keeps the start, and says so.
    frozen = SimpleRNNRegressor(units=4, max_iter=3, early_stopping=True,
                                learning_rate_init=1e-12, random_state=0, verbose=True)
    kept = WindowForecaster(frozen, window_length=4).fit(nonlinear)
    assert kept.network_gain_ == 0.0
    assert "No epoch beat the start on validation" in capsys.readouterr().out
