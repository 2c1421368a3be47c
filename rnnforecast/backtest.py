"""Backtesting: historical forecasts on expanding training windows."""

from collections import namedtuple

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import TimeSeriesSplit

from .windows import target_frame

BacktestResult = namedtuple("BacktestResult", ["metrics", "forecasts"])
BacktestResult.__doc__ = """What ``backtest`` returns.

metrics : pandas.DataFrame
    One row per (fold, model, step) with MAE, RMSE, MAPE (percent, over
    non-zero actuals) and the number of forecasts ``n``; ``fold == "all"``
    and ``step == "all"`` rows pool the folds and the steps.
forecasts : pandas.DataFrame
    Every historical forecast: fold, origin (time of the first forecast
    step), step, time, actual, and one column per model.
"""


def backtest(forecaster, y, X=None, *, n_splits=5, test_size=None, season=7):
    """Historical forecasts of ``forecaster`` on expanding windows.

    The series is split by ``TimeSeriesSplit(n_splits, test_size)``; for each
    fold a clone of ``forecaster`` is fitted on everything before the test
    part, then forecasts ``horizon`` steps from every origin in the test part
    whose steps all fall inside it, each time from the actual history up to
    the origin (the model is not refitted within a fold). Two baselines are
    scored on the same forecasts: the last observed value, and the value one
    ``season`` earlier (seasonal naive).

    Parameters
    ----------
    forecaster : WindowForecaster
    y : pandas.Series or array-like of shape (n_times,)
    X : pandas.DataFrame or array-like of shape (n_times, n_exog), default=None
        Exogenous columns; with the recursive strategy the actual future
        values stand in for known future values.
    n_splits : int, default=5
    test_size : int, default=None
        Observations per test part; ``TimeSeriesSplit``'s default when None.
    season : int, default=7
        Period of the seasonal-naive baseline, in observations.

    Returns
    -------
    result : BacktestResult
        ``metrics`` and ``forecasts`` DataFrames.
    """
    frame, _, _ = target_frame(y, X)
    splitter = TimeSeriesSplit(n_splits=n_splits, test_size=test_size)
    pieces = []
    for fold, (train, test) in enumerate(splitter.split(frame), start=1):
        _, forecasts = historical_forecasts(forecaster, frame, train, test, season)
        if forecasts.empty:
            raise ValueError(
                f"Fold {fold} has no origin with {forecaster.horizon} steps inside its "
                "test part; use fewer splits or a larger test_size.")
        pieces.append(forecasts.assign(fold=fold))
    forecasts = pd.concat(pieces, ignore_index=True)
    return BacktestResult(_metrics(forecasts), forecasts)


def historical_forecasts(forecaster, frame, train, test, season=7):
    """Fit a clone on the rows ``train``, forecast from origins in ``test``.

    Every origin in ``test`` whose ``horizon`` steps all fall in ``test`` is
    forecast from the actual history before it (the clone is not refitted).

    Parameters
    ----------
    forecaster : WindowForecaster
    frame : pandas.DataFrame
        Target first, then exogenous columns, as ``target_frame`` builds it.
    train, test : ndarray of int
        Row positions; ``train`` precedes ``test``.
    season : int, default=7
        Period of the seasonal-naive baseline.

    Returns
    -------
    model : WindowForecaster
        The fitted clone.
    forecasts : pandas.DataFrame
        Columns origin, step, time, actual, forecast, last_value,
        seasonal_naive; empty when no origin fits.
    """
    horizon = forecaster.horizon
    model = clone(forecaster)
    exog = frame.iloc[train, 1:]
    model.fit(frame.iloc[train, 0], exog if exog.shape[1] else None)
    window = model.window_length
    origins = np.arange(max(test[0], window, season), test[-1] - horizon + 2)
    if origins.size == 0:
        return model, pd.DataFrame()
    scaled = model.scale(frame).to_numpy()
    windows = model.windows_at(scaled, origins)
    future = np.stack([scaled[o:o + horizon, 1:] for o in origins])
    predicted = model.forecast_windows(windows, horizon, future)
    values = frame.iloc[:, 0].to_numpy()
    steps = np.arange(horizon)
    rows = origins[:, None] + steps
    return model, pd.DataFrame({
        "origin": np.repeat(frame.index[origins], horizon),
        "step": np.tile(steps + 1, len(origins)),
        "time": frame.index[rows.ravel()],
        "actual": values[rows].ravel(),
        "forecast": predicted.ravel(),
        "last_value": np.repeat(values[origins - 1], horizon),
        "seasonal_naive": values[origins[:, None] - season + steps % season].ravel(),
    })


MODELS = ("forecast", "last_value", "seasonal_naive")


def _metrics(forecasts):
    rows = []
    folds = [(fold, part) for fold, part in forecasts.groupby("fold")]
    for fold, part in folds + [("all", forecasts)]:
        groups = [(step, g) for step, g in part.groupby("step")] + [("all", part)]
        for step, group in groups:
            for model in MODELS:
                rows.append({"fold": fold, "model": model, "step": step,
                             **_errors(group["actual"].to_numpy(),
                                       group[model].to_numpy())})
    return pd.DataFrame(rows)


def _errors(actual, predicted):
    error = predicted - actual
    nonzero = actual != 0
    mape = (100 * np.mean(np.abs(error[nonzero] / actual[nonzero]))
            if nonzero.any() else np.nan)
    return {"MAE": np.mean(np.abs(error)), "RMSE": np.sqrt(np.mean(error**2)),
            "MAPE": mape, "n": len(actual)}
