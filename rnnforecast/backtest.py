"""Backtesting: historical forecasts on expanding training windows."""

import warnings
from collections import namedtuple

import numpy as np
import pandas as pd
from sklearn.base import clone

from .calendar import resolve_season, time_label
from .metrics import MetricWarning, mae, mape, near_zero, near_zero_message, naive_scale, \
    rmse, smape
from .windows import check_positive_int, target_frame

BacktestResult = namedtuple("BacktestResult", ["metrics", "forecasts"])
BacktestResult.__doc__ = """What ``backtest`` returns.

metrics : pandas.DataFrame
    One row per (fold, model, step) with MAE, RMSE, MAPE and sMAPE
    (percent), MASE and the number of forecasts ``n``; ``fold == "all"``
    and ``step == "all"`` rows pool the folds and the steps. MAPE is NaN
    where actual values come near zero (see :mod:`rnnforecast.metrics`).
forecasts : pandas.DataFrame
    Every historical forecast: fold, origin (time of the first forecast
    step), step, time, actual, one column per model, and ``naive_scale``,
    the in-sample seasonal-naive MAE of the fold's training part that MASE
    divides by.
"""


def backtest(forecaster, y, X=None, *, n_splits=5, test_size=None, season=None,
             verbose=False):
    """Historical forecasts of ``forecaster`` on expanding windows.

    The series ends in ``n_splits`` consecutive test parts of ``test_size``
    observations; for each, a clone of ``forecaster`` is fitted on
    everything before it, then forecasts ``horizon`` steps from every
    origin in the test part whose steps all fall inside it, each time from
    the actual history up to the origin (the model is not refitted within
    a fold). Two baselines are scored on the same forecasts: the last
    observed value, and the value one ``season`` earlier (seasonal naive).

    Parameters
    ----------
    forecaster : WindowForecaster
    y : pandas.Series or array-like of shape (n_times,)
    X : pandas.DataFrame or array-like of shape (n_times, n_exog), default=None
        Exogenous columns; with the recursive strategy the actual future
        values stand in for known future values.
    n_splits : int, default=5
        Number of test parts; 1 gives a single train/test split.
    test_size : int, default=None
        Observations per test part; when None, ``n_times // (n_splits + 1)``
        as in ``TimeSeriesSplit``.
    season : int, default=None
        Observations per seasonal cycle, for the seasonal-naive baseline and
        MASE; inferred from the index when None (7 for daily data, 12 for
        monthly, 4 for quarterly, 24 for hourly, see
        :func:`rnnforecast.calendar.infer_season`). When it cannot be
        inferred (integer positions), the seasonal-naive baseline is left
        out and MASE scales by the one-step naive error.
    verbose : bool, default=False
        Print which fold is being fitted, on how many observations, before
        each fit (the forecaster's own ``verbose`` then reports its epochs).

    Returns
    -------
    result : BacktestResult
        ``metrics`` and ``forecasts`` DataFrames.
    """
    frame, _, _ = target_frame(y, X)
    season = resolve_season(season, frame.index)
    pieces = []
    splits = expanding_splits(len(frame), n_splits, test_size)
    for fold, (train, test) in enumerate(splits, start=1):
        if verbose:
            print(f"Backtest fold {fold}/{len(splits)}: fitting on {len(train)} "
                  f"observations (to {time_label(frame.index[train[-1]])}), forecasting "
                  f"{len(test)}", flush=True)
        _, forecasts = historical_forecasts(forecaster, frame, train, test, season)
        if forecasts.empty:
            raise ValueError(
                f"Fold {fold} has no origin with {forecaster.horizon} steps inside its "
                "test part; use fewer splits or a larger test_size.")
        pieces.append(forecasts.assign(fold=fold))
    forecasts = pd.concat(pieces, ignore_index=True)
    return BacktestResult(_metrics(forecasts), forecasts)


def expanding_splits(n_times, n_splits, test_size=None):
    """``(train, test)`` row positions of ``n_splits`` consecutive test
    parts at the end of ``n_times`` observations, each trained on all that
    precedes it."""
    n_splits = check_positive_int(n_splits, "n_splits")
    if test_size is None:
        test_size = n_times // (n_splits + 1)
    test_size = check_positive_int(test_size, "test_size")
    first = n_times - n_splits * test_size
    if first < 1:
        raise ValueError(
            f"{n_splits} test parts of {test_size} observations leave no training "
            f"data in a series of {n_times}; use fewer splits or a smaller test_size.")
    positions = np.arange(n_times)
    return [(positions[:first + k * test_size],
             positions[first + k * test_size:first + (k + 1) * test_size])
            for k in range(n_splits)]


def historical_forecasts(forecaster, frame, train, test, season=None):
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
    season : int, default=None
        Period of the seasonal-naive baseline; no such column when None.

    Returns
    -------
    model : WindowForecaster
        The fitted clone.
    forecasts : pandas.DataFrame
        Columns origin, step, time, actual, forecast, last_value,
        seasonal_naive (with a season) and naive_scale; empty when no
        origin fits.
    """
    horizon = forecaster.horizon
    model = clone(forecaster)
    exog = frame.iloc[train, 1:]
    model.fit(frame.iloc[train, 0], exog if exog.shape[1] else None)
    origins = np.arange(max(test[0], season or 1), test[-1] - horizon + 2)
    if origins.size == 0:
        return model, pd.DataFrame()
    every_exog = frame.iloc[:, 1:] if frame.shape[1] > 1 else None
    predicted = model.forecast_from(frame.iloc[:, 0], origins, every_exog, horizon)
    values = frame.iloc[:, 0].to_numpy()
    steps = np.arange(horizon)
    rows = origins[:, None] + steps
    forecasts = pd.DataFrame({
        "origin": np.repeat(frame.index[origins], horizon),
        "step": np.tile(steps + 1, len(origins)),
        "time": frame.index[rows.ravel()],
        "actual": values[rows].ravel(),
        "forecast": predicted.ravel(),
        "last_value": np.repeat(values[origins - 1], horizon),
    })
    if season is not None:
        forecasts["seasonal_naive"] = values[origins[:, None] - season
                                             + steps % season].ravel()
    scale = naive_scale(values[train], season or 1)
    # A training part constant at that lag gives nothing to scale by.
    forecasts["naive_scale"] = scale if scale > 0 else np.nan
    return model, forecasts


BASELINES = ("last_value", "seasonal_naive")


def _metrics(forecasts):
    models = ["forecast"] + [name for name in BASELINES if name in forecasts]
    if near_zero(forecasts["actual"]):
        warnings.warn(near_zero_message(forecasts["actual"]), MetricWarning,
                      stacklevel=3)
    rows = []
    folds = [(fold, part) for fold, part in forecasts.groupby("fold")]
    for fold, part in folds + [("all", forecasts)]:
        groups = [(step, g) for step, g in part.groupby("step")] + [("all", part)]
        for step, group in groups:
            for model in models:
                rows.append({"fold": fold, "model": model, "step": step,
                             **_errors(group, model)})
    return pd.DataFrame(rows)


def _errors(group, model):
    actual, predicted = group["actual"].to_numpy(), group[model].to_numpy()
    scaled = np.abs(predicted - actual) / group["naive_scale"].to_numpy()
    return {"MAE": mae(actual, predicted), "RMSE": rmse(actual, predicted),
            "MAPE": mape(actual, predicted, warn=False),
            "sMAPE": smape(actual, predicted), "MASE": float(np.mean(scaled)),
            "n": len(actual)}
