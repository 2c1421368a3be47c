"""Plots in scikit-learn's Display style; matplotlib is imported only when
a plot is drawn.

Each display stores what it draws, has ``plot(ax=None)`` returning itself
with ``ax_``, ``figure_`` and the drawn artists, and a ``from_...``
constructor that computes what to draw from a fitted object.
"""

import numpy as np

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["ForecastDisplay", "LossCurveDisplay"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 4))
    return ax


class LossCurveDisplay:
    """Training loss per epoch, and the validation score when there is one.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
    validation_scores : array-like of shape (n_epochs,), default=None
    name : str, default=None
        Shown in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The loss axis.
    score_ax_ : matplotlib Axes or None
        The twin axis of the validation score.
    figure_ : matplotlib Figure
    loss_line_, score_line_ : matplotlib Line2D
    """

    def __init__(self, loss_curve, validation_scores=None, name=None):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.name = name

    @classmethod
    def from_estimator(cls, estimator, ax=None):
        """Plot ``loss_curve_`` and ``validation_scores_`` of a fitted estimator."""
        if not hasattr(estimator, "loss_curve_"):
            raise ValueError(f"{type(estimator).__name__} has no loss_curve_: fit it "
                             "first.")
        return cls(estimator.loss_curve_, estimator.validation_scores_,
                   type(estimator).__name__).plot(ax)

    def plot(self, ax=None):
        """Draw on ``ax`` (a new figure when None); return ``self``."""
        ax = _axes(ax)
        epochs = np.arange(1, len(self.loss_curve) + 1)
        (self.loss_line_,) = ax.plot(epochs, self.loss_curve, color="C0", label="training loss")
        ax.set(xlabel="epoch", ylabel="training loss", title=self.name or "")
        self.score_ax_ = self.score_line_ = None
        if self.validation_scores is not None and len(self.validation_scores):
            self.score_ax_ = ax.twinx()
            (self.score_line_,) = self.score_ax_.plot(
                epochs, self.validation_scores, color="C1", label="validation score")
            self.score_ax_.set_ylabel("validation score")
        lines = [line for line in (self.loss_line_, self.score_line_) if line is not None]
        ax.legend(lines, [line.get_label() for line in lines], loc="upper right")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class ForecastDisplay:
    """The end of a series, its forecast and, optionally, an interval.

    Parameters
    ----------
    history : pandas.Series
    forecast : pandas.Series
        Indexed by the times after ``history``.
    lower, upper : pandas.Series, default=None
        Interval bounds on ``forecast``'s index.
    actual : pandas.Series, default=None
        Observed values over the forecast period, when known.
    coverage : float, default=None
        The interval's coverage, named in its label ("80% interval").

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    history_line_, forecast_line_ : matplotlib Line2D
    interval_ : matplotlib PolyCollection or None
    """

    def __init__(self, history, forecast, lower=None, upper=None, actual=None,
                 coverage=None):
        self.history = history
        self.forecast = forecast
        self.lower = lower
        self.upper = upper
        self.actual = actual
        self.coverage = coverage

    @classmethod
    def from_forecaster(cls, forecaster, history, steps=None, coverage=None,
                        actual=None, ax=None, n_history=None):
        """Forecast with a fitted ``WindowForecaster`` and plot it.

        With ``coverage`` the conformal interval of ``predict_interval`` is
        drawn (the forecaster needs ``calibration_fraction``).
        """
        if coverage is None:
            display = cls(history, forecaster.predict(steps))
        else:
            frame = forecaster.predict_interval(steps, coverage=coverage)
            display = cls(history, frame["forecast"], frame["lower"], frame["upper"],
                          coverage=coverage)
        display.actual = actual
        return display.plot(ax, n_history)

    def plot(self, ax=None, n_history=None, title=None, unit=None, legend=True):
        """Draw on ``ax``, showing the last ``n_history`` observations
        (``max(60, 8 * len(forecast))`` when None), with ``title`` and the
        y axis labelled by the series' name and ``unit``; return ``self``.
        The legend (unless ``legend=False``) sits outside the axes, right of
        them, where it covers no data."""
        ax = _axes(ax)
        history, forecast, lower, upper, actual = (
            _drawable(data) for data in (self.history, self.forecast, self.lower, self.upper,
                                         self.actual))
        n_history = n_history or max(60, 8 * len(forecast))
        shown = history.iloc[-n_history:]
        (self.history_line_,) = ax.plot(shown.index, shown.to_numpy(), color="0.3",
                                        label="observed")
        # The forecast continues from the last observation.
        (self.forecast_line_,) = ax.plot(
            [shown.index[-1], *forecast.index],
            [shown.to_numpy()[-1], *forecast.to_numpy()], "-", color="C1",
            label="forecast")
        ax.plot(forecast.index, forecast.to_numpy(), "o", color="C1")
        self.interval_ = None
        if lower is not None:
            self.interval_ = ax.fill_between(forecast.index, lower.to_numpy(),
                                             upper.to_numpy(), color="C1", alpha=0.2,
                                             label=self._interval_label())
        if actual is not None:
            ax.plot(actual.index, actual.to_numpy(), "x", color="0.1", label="actual")
        ax.axvline(history.index[-1], color="0.7", linestyle=":")
        name = str(history.name or "")
        ax.set_ylabel(f"{name} ({unit})" if unit else name)
        ax.set_xlabel("time")
        if title:
            ax.set_title(title)
        _readable_time_ticks(ax, shown.index)
        if legend:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0,
                      frameon=False)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _interval_label(self):
        if self.coverage is None:
            return "interval"
        return f"{100 * self.coverage:g}% interval"


def _drawable(data):
    """``data`` (a Series or None) with periods drawn at their start times:
    matplotlib places timestamps on a date axis, not periods."""
    import pandas as pd

    if data is not None and isinstance(data.index, pd.PeriodIndex):
        return data.set_axis(data.index.to_timestamp())
    return data


def _readable_time_ticks(ax, index):
    """Concise date ticks (hours as 06:00, days as their number...) for a
    DatetimeIndex, so hourly and daily axes do not overlap their labels."""
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
