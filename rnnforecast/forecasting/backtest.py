"""Backtesting: historical forecasts over the end of one series or many.

The end of each series is cut into ``n_splits`` consecutive test parts.
For each part a clone of the forecaster is fitted (or the last one reused,
see ``refit``) on the observations before it (all of them, or the last
``train_size`` with ``window="sliding"``), then forecasts ``horizon`` steps
from origins in the test part, each from the actual history up to the
origin. Two baselines are scored on the same forecasts: the last observed
value and the value one season earlier (seasonal naive). With many series
(any layout ``WindowForecaster.fit`` accepts) one global model is fitted
per fold on the training parts of all of them.
"""

import time
import warnings
from collections import namedtuple
from dataclasses import replace

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone

from .._estimators.progress import Progress
from .calendar import resolve_season, time_label
from .input_contract import series_names
from .metrics import (
    NEAR_ZERO_FRACTION,
    MetricWarning,
    mae,
    naive_scale,
    near_zero,
    near_zero_message,
    rmse,
    smape,
)
from .panel import read_panel
from .windows import check_positive_int

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["BacktestResult", "backtest"]

BacktestResult = namedtuple("BacktestResult", ["metrics", "forecasts", "per_series"])
BacktestResult.__doc__ = """What ``backtest`` returns.

metrics : pandas.DataFrame
    One row per (fold, model, step) with MAE, RMSE, MAPE and sMAPE
    (percent), MASE, RMSSE, any custom metrics and the number of forecasts
    ``n``; ``fold == "all"`` and ``step == "all"`` rows pool the folds and
    the steps (and always the series). MAPE is NaN where actual values come
    near zero (see :mod:`rnnforecast.forecasting.metrics`).
forecasts : pandas.DataFrame
    Every historical forecast: series (None for a single series), fold,
    origin (time of the first forecast step), step, time, actual, one column
    per model, and ``naive_scale`` / ``naive_scale_squared``, the in-sample
    seasonal-naive mean absolute and mean squared error of the fold's
    training part that MASE and RMSSE divide by.
per_series : pandas.DataFrame
    One row per (series, model), pooled over folds and steps, with the same
    metrics: which series a model serves well.
"""


def backtest(forecaster, y, X=None, *, n_splits=5, test_size=None, season=None,
             window="expanding", train_size=None, refit=True, stride=1, gap=0,
             metrics=None, n_jobs=None, verbose=False, static=None):
    """Historical forecasts of ``forecaster`` over the end of each series.

    Parameters
    ----------
    forecaster : WindowForecaster
    y : pandas.Series, pandas.DataFrame or array-like of shape (n_times,)
        One series, or many in the wide or long layout (see
        :mod:`rnnforecast.forecasting.panel`); folds count back from each series' end.
    X : pandas.DataFrame or array-like, default=None
        Exogenous columns in the matching layout; with the recursive
        strategy the actual future values stand in for known future values.
    n_splits : int, default=5
        Number of test parts; 1 gives a single train/test split.
    test_size : int, default=None
        Observations per test part; when None, ``n_times // (n_splits + 1)``
        of the shortest series, as in ``TimeSeriesSplit``.
    season : int, default=None
        Observations per seasonal cycle, for the seasonal-naive baseline,
        MASE and RMSSE; inferred from the index when None (7 for daily
        data, 12 monthly, 4 quarterly, 24 hourly, see
        :func:`rnnforecast.infer_season`). When it cannot be
        inferred (integer positions), the seasonal-naive baseline is left
        out and MASE scales by the one-step naive error.
    window : {"expanding", "sliding"}, default="expanding"
        Train on everything before the test part, or on the last
        ``train_size`` observations before it.
    train_size : int, default=None
        Observations a sliding window trains on; when None, as many as the
        first fold has.
    refit : bool or int, default=True
        True: fit a clone for every fold; an int ``k``: every ``k`` folds,
        the folds between forecast by the last fit; False: fit once, on the
        first fold's training part. Forecasts always start from the actual
        history.
    stride : int, default=1
        Observations between consecutive origins within a test part.
    gap : int, default=0
        Observations left out between the end of each training part and its
        test part (data that arrives late), as ``TimeSeriesSplit(gap=)``.
    metrics : dict, default=None
        More metrics: ``{name: function(actual, forecast) -> float}``,
        reported beside the built-in ones.
    n_jobs : int, default=None
        Fits run in parallel through joblib (None: one at a time); under
        ``joblib.parallel_config(backend="dask")`` they run on a Dask
        cluster. Results do not depend on it.
    verbose : bool, default=False
        Print which fold is being fitted, on how many observations, before
        each fit (the forecaster's own ``verbose`` then reports its epochs),
        and after it the time taken and about how long the rest will take;
        with ``n_jobs``, joblib's progress lines instead.
    static : pandas.DataFrame, default=None
        Static covariates of the series, passed to every fit (see
        ``WindowForecaster.fit``).

    Returns
    -------
    result : BacktestResult
        ``metrics``, ``forecasts`` and ``per_series`` DataFrames.
    """
    panel = read_panel(y, X)
    season = resolve_season(season, next(iter(panel.frames.values())).index)
    metrics = _check_metrics(metrics)
    stride = check_positive_int(stride, "stride")
    gap = _check_gap(gap)
    shortest = min(len(frame) for frame in panel.frames.values())
    n_splits = check_positive_int(n_splits, "n_splits")
    test_size = check_positive_int(test_size or shortest // (n_splits + 1), "test_size")
    splits = {key: fold_splits(len(frame), n_splits, test_size, window, train_size, gap)
              for key, frame in panel.frames.items()}
    blocks = _refit_blocks(n_splits, refit)
    if n_jobs in (None, 1):
        pieces = _run_serially(forecaster, panel, splits, blocks, season, stride, verbose,
                               static)
    else:
        # joblib's own progress lines stand in for ours across workers.
        jobs = (delayed(_run_block)(forecaster, panel, splits, block, season, stride,
                                    verbose, static) for block in blocks)
        pieces = Parallel(n_jobs=n_jobs, verbose=10 if verbose else 0)(jobs)
    forecasts = pd.concat([piece for block in pieces for piece in block],
                          ignore_index=True)
    scored = _mark_mape_series(forecasts)
    return BacktestResult(_metrics(scored, metrics), forecasts, _per_series(scored, metrics))


def fold_splits(n_times, n_splits, test_size, window="expanding", train_size=None,
                gap=0):
    """``(train, test)`` row positions of ``n_splits`` consecutive test
    parts at the end of ``n_times`` observations.

    Expanding: each part trains on all that precedes it (less ``gap``);
    sliding: on the last ``train_size`` of those.
    """
    if window not in ("expanding", "sliding"):
        raise ValueError(f"window must be 'expanding' or 'sliding', got {window!r}.")
    first = n_times - n_splits * test_size
    if first - gap < 1:
        raise ValueError(
            f"{n_splits} test parts of {test_size} observations (and a gap of {gap}) "
            f"leave no training data in a series of {n_times}; use fewer splits or a "
            "smaller test_size.")
    positions = np.arange(n_times)
    if train_size is not None:
        train_size = check_positive_int(train_size, "train_size")
    splits = []
    for k in range(n_splits):
        start = first + k * test_size
        end = start - gap
        begin = 0
        if window == "sliding":
            begin = max(0, end - (train_size or first - gap))
        splits.append((positions[begin:end], positions[start:start + test_size]))
    return splits


def expanding_splits(n_times, n_splits, test_size=None):
    """``(train, test)`` row positions of ``n_splits`` consecutive test
    parts at the end of ``n_times`` observations, each trained on all that
    precedes it (``TimeSeriesSplit``'s splits)."""
    n_splits = check_positive_int(n_splits, "n_splits")
    if test_size is None:
        test_size = n_times // (n_splits + 1)
    test_size = check_positive_int(test_size, "test_size")
    return fold_splits(n_times, n_splits, test_size)


def _refit_blocks(n_splits, refit):
    """Folds grouped by the fit that forecasts them: ``[[0, 1], [2, 3]]``
    for ``refit=2``; each block's first fold is the one fitted."""
    if refit is True:
        every = 1
    elif refit is False:
        every = n_splits
    else:
        every = check_positive_int(refit, "refit")
    return [list(range(start, min(start + every, n_splits)))
            for start in range(0, n_splits, every)]


def _run_serially(forecaster, panel, splits, blocks, season, stride, verbose, static):
    """``_run_block`` for each block in turn; with ``verbose``, how long
    each fit and forecast took and about how long the rest will take."""
    pieces, started = [], time.perf_counter()
    # The display is for a terminal; verbose prints lines of its own instead.
    with Progress("backtest", len(blocks), "fits", keep=True, off=verbose) as display:
        for done, block in enumerate(blocks, start=1):
            pieces.append(_run_block(forecaster, panel, splits, block, season, stride,
                                     verbose, static))
            display.advance()
            if verbose:
                _report_fit(done, len(blocks), started)
    return pieces


def _report_fit(done, total, started):
    elapsed = time.perf_counter() - started
    left = total - done
    rest = f", about {elapsed / done * left:.0f} s left for {left} more" if left else ""
    print(f"  fit {done}/{total} and its forecasts done: {elapsed:.1f} s "
          f"so far{rest}", flush=True)


def _run_block(forecaster, panel, splits, folds, season, stride, verbose, static=None):
    """Fit a clone on the training parts of the block's first fold, then
    forecast every fold of the block; a list of forecast frames per fold."""
    fitted_fold = folds[0]
    train = {key: splits[key][fitted_fold][0] for key in panel.frames}
    if verbose:
        n_train = sum(len(rows) for rows in train.values())
        n_test = sum(len(splits[key][fold][1]) for key in panel.frames for fold in folds)
        last = max(frame.index[train[key][-1]] for key, frame in panel.frames.items())
        print(f"Backtest fold {fitted_fold + 1}/{len(next(iter(splits.values())))}: "
              f"fitting on {n_train} observations (to {time_label(last)}), forecasting "
              f"{n_test}", flush=True)
    model = clone(forecaster).fit(replace(
        panel, frames={key: frame.iloc[train[key]] for key, frame in panel.frames.items()}),
        static=static)
    pieces = []
    for fold in folds:
        parts = [_fold_forecasts(model, key, frame, splits[key][fold], season, stride)
                 for key, frame in panel.frames.items()]
        parts = [part for part in parts if not part.empty]
        if not parts:
            raise ValueError(_no_origin_message(fold, forecaster.horizon, season, panel,
                                                splits))
        pieces.append(pd.concat(parts, ignore_index=True).assign(fold=fold + 1))
    return pieces


def _no_origin_message(fold, horizon, season, panel, splits):
    """Why fold ``fold`` has no origin: its test parts are shorter than the
    horizon, or they end before the seasonal-naive baseline has a season of
    observations to repeat."""
    ends = [splits[key][fold][1][-1] for key in panel.frames]
    if season and season > 1 and max(ends) - horizon + 1 < season:
        return (f"Fold {fold + 1} has no origin: the seasonal-naive baseline needs a "
                f"season of {season} observations before each origin, and its test parts "
                f"end at most {max(ends) + 1} observations in. Pass season=1 (the last "
                "value as the baseline) or a shorter season, or give longer series.")
    return (f"Fold {fold + 1} has no origin with {horizon} steps inside its test part; "
            "use fewer splits or a larger test_size.")


def _fold_forecasts(model, key, frame, split, season, stride):
    """Forecasts of one series from the origins of one test part."""
    train, test = split
    horizon = model.horizon
    origins = np.arange(max(test[0], season or 1), test[-1] - horizon + 2, stride)
    if origins.size == 0:
        return pd.DataFrame()
    exog = frame.iloc[:, 1:] if frame.shape[1] > 1 else None
    predicted = model.forecast_from(frame.iloc[:, 0], origins, exog, horizon,
                                    series_id=key)
    values = frame.iloc[:, 0].to_numpy()
    steps = np.arange(horizon)
    rows = origins[:, None] + steps
    forecasts = pd.DataFrame({
        "series": key,
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
    lag = season or 1
    history = values[train]
    scale = naive_scale(history, lag)
    squared = (float(np.mean((history[lag:] - history[:-lag]) ** 2))
               if len(history) > lag else np.nan)
    # A training part constant at that lag gives nothing to scale by.
    forecasts["naive_scale"] = scale if scale > 0 else np.nan
    forecasts["naive_scale_squared"] = squared if squared > 0 else np.nan
    return forecasts


BASELINES = ("last_value", "seasonal_naive")


def _metrics(forecasts, extra):
    models = _models(forecasts)
    rows = []
    folds = [(fold, part) for fold, part in forecasts.groupby("fold")]
    for fold, part in folds + [("all", forecasts)]:
        groups = [(step, g) for step, g in part.groupby("step")] + [("all", part)]
        for step, group in groups:
            for model in models:
                rows.append({"fold": fold, "model": model, "step": step,
                             **_errors(group, model, extra)})
    return pd.DataFrame(rows)


def _per_series(forecasts, extra):
    rows = [{"series": key, "model": model, **_errors(group, model, extra)}
            for key, group in forecasts.groupby("series", sort=False, dropna=False)
            for model in _models(forecasts)]
    return pd.DataFrame(rows)


def _mark_mape_series(forecasts):
    """``forecasts`` with a ``mape_ok`` column: whether MAPE may read the
    row's series, decided per series on all of its actual values (a series
    of 19 beside a panel mean of 6,000 is no reason to drop the others).
    Warns, naming them, about the series left out."""
    kept = forecasts.groupby("series", sort=False, dropna=False)["actual"].transform(
        lambda actual: not near_zero(actual)).astype(bool)
    if not kept.all():
        left_out = list(pd.unique(forecasts.loc[~kept, "series"]))
        n_series = forecasts["series"].nunique(dropna=False)
        if n_series == 1:
            message = near_zero_message(forecasts["actual"])
        else:
            message = (f"MAPE leaves out {len(left_out)} of {n_series} series "
                       f"({series_names(left_out, at_most=5)}): each has an actual value "
                       f"within {NEAR_ZERO_FRACTION:.0%} of its own mean absolute actual "
                       "value of zero, where percentage errors explode; the others are "
                       "averaged. Compare with MASE or sMAPE instead.")
        warnings.warn(message, MetricWarning, stacklevel=3)
    return forecasts.assign(mape_ok=kept)


def _models(forecasts):
    return ["forecast"] + [name for name in BASELINES if name in forecasts]


def _errors(group, model, extra):
    actual, predicted = group["actual"].to_numpy(), group[model].to_numpy()
    error = predicted - actual
    scaled = np.abs(error) / group["naive_scale"].to_numpy()
    squared = error ** 2 / group["naive_scale_squared"].to_numpy()
    kept = group["mape_ok"].to_numpy()
    errors = {"MAE": mae(actual, predicted), "RMSE": rmse(actual, predicted),
              "MAPE": (float(100 * np.mean(np.abs(error[kept] / actual[kept])))
                       if kept.any() else np.nan),
              "sMAPE": smape(actual, predicted), "MASE": float(np.mean(scaled)),
              "RMSSE": float(np.sqrt(np.mean(squared)))}
    errors.update({name: float(function(actual, predicted))
                   for name, function in extra.items()})
    errors["n"] = len(actual)
    return errors


def _check_metrics(metrics):
    metrics = dict(metrics or {})
    for name, function in metrics.items():
        if not callable(function):
            raise TypeError(f"metrics[{name!r}] must be a function (actual, forecast) "
                            f"-> float, got {type(function).__name__}.")
        if name in ("MAE", "RMSE", "MAPE", "sMAPE", "MASE", "RMSSE", "n"):
            raise ValueError(f"metrics[{name!r}] would replace a built-in metric; "
                             "name it differently.")
    return metrics


def _check_gap(gap):
    if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
        raise ValueError(f"gap must be an int >= 0, got {gap!r}.")
    return int(gap)

