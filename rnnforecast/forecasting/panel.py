"""Reading one series or many, and writing forecasts back in the same layout.

A forecaster accepts three layouts of the target, as sktime and skforecast
users keep them:

- **single**: a Series (or 1-D array) with a time index;
- **wide**: a DataFrame with one column per series, NaN before a series
  starts;
- **long**: a Series (or one-column DataFrame) with a 2-level
  ``(series id, time)`` MultiIndex, each series with its own times.

:func:`read_panel` turns any of them (and exogenous columns in the
matching layout) into a frozen :class:`Panel`: one frame per series, target
first, on a time index of one kind. :meth:`Panel.arrange` puts per-series
results back into the layout that came in. A ``PeriodIndex`` (sktime's
monthly and quarterly data) is read as the periods' start times and given
back as periods.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .input_contract import (
    check_long_index,
    check_time_index,
    check_unique_names,
    first_value,
    real_values,
)
from .windows import target_frame

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["Panel", "read_panel"]

SINGLE, WIDE, LONG = "single", "wide", "long"


@dataclass(frozen=True)
class Panel:
    """Series read by :func:`read_panel`.

    Attributes
    ----------
    frames : dict
        Series id -> DataFrame of shape (n_times, 1 + n_exog): the target,
        then the exogenous columns, on a sorted, unique time index
        (timestamps or integers). The single layout's one id is None.
    layout : {"single", "wide", "long"}
    target_name : hashable
    exog_names : list
    id_name : hashable
        Name of the id level (long) or of the columns (wide).
    time_name : hashable
        Name of the time index (or level).
    period_freq : str or None
        The frequency of the input's ``PeriodIndex``, None for other indexes.
    frame_output : bool
        Whether a long target came as a one-column DataFrame.
    """

    frames: dict
    layout: str
    target_name: Any
    exog_names: list
    id_name: Any = None
    time_name: Any = None
    period_freq: Any = None
    frame_output: bool = False

    @property
    def ids(self):
        return list(self.frames)

    def arrange(self, results):
        """Per-series results, in this panel's layout.

        ``results`` maps each id to a Series or DataFrame indexed by times
        (timestamps or integers). Single: that result. Long: one result,
        indexed ``(id, time)``. Wide: one column per series (a DataFrame
        result gives a column level per series above its own columns).
        """
        results = {key: self._restore_times(value) for key, value in results.items()}
        if self.layout == SINGLE:
            return results[None]
        values = list(results.values())
        if self.layout == LONG:
            arranged = pd.concat(results, names=[self.id_name, self.time_name])
            if self.frame_output and isinstance(arranged, pd.Series):
                arranged = arranged.to_frame()
            return arranged
        if isinstance(values[0], pd.Series):
            arranged = pd.DataFrame({key: value for key, value in results.items()})
        else:
            arranged = pd.concat(results, axis=1)
        arranged.columns.names = [self.id_name] + arranged.columns.names[1:]
        arranged.index.name = self.time_name
        return arranged

    def _restore_times(self, result):
        result = result.copy()
        if self.layout != SINGLE:
            result.index.name = self.time_name
        if self.period_freq is not None:
            result.index = result.index.to_period(self.period_freq)
        return result


def read_panel(y, X=None):
    """Read the target ``y`` and exogenous ``X`` in any layout.

    Parameters
    ----------
    y : pandas.Series, pandas.DataFrame or array-like of shape (n_times,)
        A single series; a wide DataFrame (one column per series); or a
        long Series or one-column DataFrame with a 2-level ``(id, time)``
        MultiIndex.
    X : pandas.DataFrame or array-like, default=None
        Exogenous columns: for a single series, shape (n_times, n_exog) on
        the same times; for a long target, a DataFrame on the same
        ``(id, time)`` index. Not accepted with a wide target, where a
        column could not say which series it belongs to.

    Returns
    -------
    panel : Panel
        ``y`` itself when it is one already (and ``X`` None).
    """
    if isinstance(y, Panel):
        if X is not None:
            raise ValueError("A Panel carries its exogenous columns; X must be None.")
        return y
    y, period_freq = as_timestamps(y)
    X, _ = as_timestamps(X)
    if isinstance(getattr(y, "index", None), pd.MultiIndex):
        return _read_long(y, X, period_freq)
    if isinstance(y, pd.DataFrame) and y.shape[1] > 1:
        return _read_wide(y, X, period_freq)
    if isinstance(X, pd.DataFrame) and isinstance(X.index, pd.MultiIndex):
        raise ValueError("X has a (series id, time) MultiIndex but y does not: pass "
                         "y in the long layout too.")
    frame, target_name, exog_names = target_frame(y, X)
    return Panel({None: frame}, SINGLE, target_name, exog_names,
                 time_name=frame.index.name, period_freq=period_freq)


def _read_long(y, X, period_freq):
    if y.index.nlevels != 2:
        raise ValueError(f"A long y needs a 2-level (series id, time) MultiIndex; "
                         f"this one has {y.index.nlevels} levels.")
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"A long y must be one column (the target), got {list(y.columns)}; "
                "pass the other columns as X.")
        series, frame_output = y.iloc[:, 0], True
    else:
        series, frame_output = y, False
    if X is not None and not (isinstance(X, pd.DataFrame)
                              and isinstance(X.index, pd.MultiIndex)):
        raise ValueError("With a long y, X must be a DataFrame on the same "
                         "(series id, time) MultiIndex.")
    check_long_index(series.index)
    id_name, time_name = series.index.names
    target_name = series.name if series.name is not None else "y"
    if X is None:
        frames = _long_frames(series.rename(target_name))
        return Panel(frames, LONG, target_name, [], id_name, time_name, period_freq,
                     frame_output)
    frames, exog_names = {}, []
    for key in series.index.get_level_values(0).unique():
        one = series.xs(key, level=0).rename(target_name)
        exog = None
        if X is not None:
            if key not in X.index.get_level_values(0):
                raise ValueError(f"X has no rows for series {key!r}.")
            exog = X.xs(key, level=0)
        try:
            frame, _, exog_names = target_frame(one, exog)
        except ValueError as error:
            raise ValueError(f"Series {key!r}: {error}") from None
        frames[key] = frame
    return Panel(frames, LONG, target_name, exog_names, id_name, time_name,
                 period_freq, frame_output)


def _read_wide(y, X, period_freq):
    check_unique_names(y.columns, "The wide y's series")
    if X is not None:
        raise ValueError(
            "With y in the wide layout (one column per series), exogenous columns "
            "cannot say which series they belong to: pass y and X in the long "
            "layout, on a (series id, time) MultiIndex.")
    values = real_values(y, y.columns, allow_nan=True)
    check_time_index(y.index)
    started = ~np.isnan(values)
    first = started.argmax(axis=0)
    for column, key in enumerate(y.columns):
        if not started[:, column].any():
            raise ValueError(f"Series {key!r} holds no values.")
        gaps = ~started[first[column]:, column]
        if gaps.any():
            raise ValueError(
                f"Series {key!r} has NaN after it starts, at "
                f"{y.index[first[column]:][gaps][:3].tolist()}: in the wide "
                "layout NaN may only come before a series starts (fill gaps first), "
                "and series that end early belong in the long layout.")
    frames = {key: pd.DataFrame(values[first[column]:, column:column + 1],
                                index=y.index[first[column]:], columns=["y"])
              for column, key in enumerate(y.columns)}
    return Panel(frames, WIDE, "y", [], y.columns.name, y.index.name, period_freq)


def _long_frames(series):
    """One frame per series of a long Series with no exogenous columns,
    checked as ``target_frame`` checks each (sorted, unique times, finite
    numbers) but in one pass over all of them. NaN before a series' first
    value is dropped, as in the wide layout (a long table made from a wide
    one has it); NaN after it is refused, naming the series."""
    values = real_values(series.to_frame(), [series.name], allow_nan=True)[:, 0]
    keys, times = series.index.get_level_values(0), series.index.get_level_values(1)
    codes, ids = pd.factorize(keys)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
    frames = {}
    for number, key in enumerate(ids):
        rows = order[bounds[number]:bounds[number + 1]]
        index = times[rows]
        try:
            check_time_index(index)
        except ValueError as error:
            raise ValueError(f"Series {key!r}: {error}") from None
        start = first_value(values[rows], index, key)
        frames[key] = pd.DataFrame(values[rows[start:], np.newaxis], index=index[start:],
                                   columns=[series.name])
    return frames


def as_timestamps(data):
    """``data`` with a ``PeriodIndex`` (or period time level) turned into the
    periods' start times, and the period frequency (None if none)."""
    index = getattr(data, "index", None)
    if isinstance(index, pd.PeriodIndex):
        data = data.copy()
        data.index = index.to_timestamp()
        return data, index.freqstr
    if isinstance(index, pd.MultiIndex) and index.nlevels == 2 \
            and isinstance(index.levels[1], pd.PeriodIndex):
        freq = index.levels[1].freqstr
        data = data.copy()
        data.index = index.set_levels(index.levels[1].to_timestamp(), level=1)
        return data, freq
    return data, None
