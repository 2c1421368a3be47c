"""The displays draw what they are given and return themselves."""

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from sklearn.linear_model import Ridge  # noqa: E402

from rnnforecast import SimpleRNNRegressor  # noqa: E402
from rnnforecast.forecasting.forecaster import WindowForecaster  # noqa: E402
from rnnforecast.forecasting.plotting import ForecastDisplay, LossCurveDisplay  # noqa: E402


def test_loss_curve_display_with_validation_scores():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(80, 6)), rng.normal(size=80)
    model = SimpleRNNRegressor(units=4, max_iter=6, early_stopping=True,
                               n_iter_no_change=50, random_state=0).fit(X, y)
    display = LossCurveDisplay.from_estimator(model)
    np.testing.assert_array_equal(display.loss_line_.get_ydata(), model.loss_curve_)
    np.testing.assert_array_equal(display.score_line_.get_ydata(), model.validation_scores_)
    assert display.ax_.get_xlabel() == "epoch" and display.figure_ is display.ax_.figure


def test_loss_curve_display_needs_a_fitted_estimator():
    with pytest.raises(ValueError, match="fit it first"):
        LossCurveDisplay.from_estimator(SimpleRNNRegressor())


def test_forecast_display_with_interval_and_actuals():
    y = pd.Series(np.sin(np.arange(200) / 5) * 10 + 20,
                  index=pd.date_range("2020-01-01", periods=200), name="temp")
    forecaster = WindowForecaster(Ridge(), window_length=10, horizon=5,
                                  calibration_fraction=0.3).fit(y[:195])
    display = ForecastDisplay.from_forecaster(forecaster, y[:195], coverage=0.8,
                                              actual=y[195:])
    # The forecast line starts at the last observation, then the forecasts.
    assert list(display.forecast_line_.get_xdata()) == list(y.index[194:])
    assert display.forecast_line_.get_ydata()[0] == y.iloc[194]
    assert display.interval_ is not None
    assert display.ax_.get_ylabel() == "temp" and display.ax_.get_xlabel() == "time"
    assert len(display.history_line_.get_xdata()) == 60


def test_forecast_display_draws_periods():
    # Quarterly data on a PeriodIndex (sktime's layout) raised TypeError
    # ("float() argument must be ... not 'Period'") in matplotlib.
    y = pd.Series(np.sin(np.arange(40)) + 5, name="takings",
                  index=pd.period_range("2000Q1", periods=40, freq="Q"))
    forecaster = WindowForecaster(Ridge(), window_length=8, horizon=4,
                                  calibration_fraction=0.3).fit(y[:36])
    display = ForecastDisplay.from_forecaster(forecaster, y[:36], coverage=0.8,
                                              actual=y[36:])
    display.figure_.canvas.draw()
    drawn = pd.DatetimeIndex(display.forecast_line_.get_xdata())
    assert list(drawn[1:]) == list(y.index[36:].to_timestamp())
    assert display.forecast.index.equals(y.index[36:])   # what it was given, kept


def test_forecast_display_title_unit_and_readable_hourly_ticks():
    import matplotlib.dates as mdates

    y = pd.Series(np.sin(np.arange(300) / 4), name="load",
                  index=pd.date_range("2021-03-01", periods=300, freq="h"))
    forecast = pd.Series(np.zeros(24), index=pd.date_range(y.index[-1], periods=25,
                                                           freq="h")[1:])
    display = ForecastDisplay(y, forecast).plot(title="Load, next day", unit="MW")
    assert display.ax_.get_title() == "Load, next day"
    assert display.ax_.get_ylabel() == "load (MW)"
    assert isinstance(display.ax_.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    display.figure_.canvas.draw()
    labels = [tick.get_text() for tick in display.ax_.get_xticklabels() if tick.get_text()]
    assert 2 <= len(labels) <= 9 and all(len(label) <= 6 for label in labels)


def test_loss_curve_display_has_a_legend():
    display = LossCurveDisplay([1.0, 0.5, 0.4], validation_scores=[0.1, 0.3, 0.35]).plot()
    legend = display.ax_.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["training loss",
                                                                "validation score"]


def _points_under_legend(display):
    """Data points (observed, forecast, interval corners) the legend covers."""
    display.figure_.canvas.draw()
    box = display.ax_.get_legend().get_window_extent()
    lines = [display.history_line_, display.forecast_line_]
    points = np.vstack([display.ax_.transData.transform(line.get_xydata()) for line in lines])
    return int(box.count_contains(points))


def test_the_legend_covers_no_data_and_names_the_interval_level():
    # The default placement put the legend over the observed series.
    y = pd.Series(np.sin(np.arange(200) / 5) * 10 + 20,
                  index=pd.date_range("2020-01-01", periods=200), name="temp")
    forecaster = WindowForecaster(Ridge(), window_length=10, horizon=5,
                                  calibration_fraction=0.3).fit(y)
    display = ForecastDisplay.from_forecaster(forecaster, y, coverage=0.8)
    assert _points_under_legend(display) == 0
    labels = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert labels == ["observed", "forecast", "80% interval"]
    bare = ForecastDisplay(y, forecaster.predict()).plot(legend=False)
    assert bare.ax_.get_legend() is None


def test_the_command_line_plot_names_the_unit_of_the_bundled_data(tmp_path, monkeypatch):
    from rnnforecast.io import cli

    drawn, plot = [], ForecastDisplay.plot

    def recording_plot(self, *args, **kwargs):
        drawn.append(self)
        return plot(self, *args, **kwargs)

    monkeypatch.setattr(ForecastDisplay, "plot", recording_plot)
    assert cli.main(["forecast", "--model", "ridge", "--folds", "1", "--coverage", "0.8",
                     "--plot", str(tmp_path / "f.png")]) == 0
    assert drawn[0].ax_.get_ylabel() == "Temp (°C)"
    assert drawn[0].ax_.get_legend().get_texts()[2].get_text() == "80% interval"
    assert _points_under_legend(drawn[0]) == 0
