"""Turning a time series into supervised windows.

``make_windows`` is the step every forecaster here starts from: each row
holds ``window_length`` consecutive observations of every column as input
and the next ``horizon`` values of the target as output, labelled by the
time of its first forecast step.
"""

from collections import namedtuple
from numbers import Integral

import numpy as np
import pandas as pd

from .input_contract import check_time_index, check_unique_names, real_values

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["make_windows"]

Windows = namedtuple("Windows", ["X", "y", "index"])
Windows.__doc__ = """Supervised windows cut from a series.

X : ndarray of shape (n_windows, window_length, n_columns)
    Inputs; the target is column 0, other columns follow in order.
y : ndarray of shape (n_windows,) or (n_windows, horizon)
    The next ``horizon`` values of the target after each window.
index : pandas.Index of length n_windows
    The time (or position) of the first value each row forecasts.
"""


def check_positive_int(value, name):
    """Return ``value`` if it is an int >= 1, else raise naming ``name``."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}.")
    return int(value)


def auto_window_length(season, horizon, longest_allowed=None):
    """``window_length="auto"``: two seasons, and at least the horizon, for
    seasonal data; one and a half horizons (rounded up) without a season
    (``season`` None or 1). At most ``longest_allowed`` (the most that the
    shortest series can spare, None for no bound), at least 1.

    Two seasons let a window compare each phase with the one a year before;
    without a season the horizon sets the scale (N-BEATS looks back 2 to 7
    horizons). Chosen on M3, the accuracy suite and the fpp panels
    (``benchmarks/window_lengths.py``, figures in its README).
    """
    if season is not None and season > 1:
        window = max(2 * season, horizon)
    else:
        window = -(-3 * horizon // 2)
    if longest_allowed is not None:
        window = min(window, longest_allowed)
    return max(1, window)


def as_frame(data, target=None):
    """Read ``data`` as a DataFrame whose first column is the target.

    Accepts a Series, a DataFrame (``target`` names the target column,
    default the first) or an array of shape (n_times,) or (n_times,
    n_columns). Checks that the index is sorted, unique and the values
    finite.
    """
    if isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else "y")
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        values = np.asarray(data)
        if values.ndim not in (1, 2):
            raise ValueError(
                f"Expected a series of shape (n_times,) or (n_times, n_columns), "
                f"got an array with {values.ndim} dimensions.")
        frame = pd.DataFrame(values.reshape(len(values), -1))
    check_unique_names(frame.columns, "Column names")
    if target is not None:
        if target not in frame.columns:
            raise ValueError(f"Target column {target!r} is not in the data; "
                             f"columns are {list(frame.columns)}.")
        frame = frame[[target] + [c for c in frame.columns if c != target]]
    check_time_index(frame.index)
    values = real_values(frame, frame.columns, allow_nan=False)
    return pd.DataFrame(values, index=frame.index, columns=frame.columns)


def make_windows(data, window_length, horizon=1, *, target=None, known_future=()):
    """Cut a series into (window, next values) pairs.

    Row ``i`` holds observations ``i .. i + window_length - 1`` of every
    column as input and the target's observations ``i + window_length ..
    i + window_length + horizon - 1`` as output: "predict day 30 from days
    1-29" is ``window_length=29, horizon=1``.

    Parameters
    ----------
    data : pandas.Series, pandas.DataFrame or array-like
        The series, oldest first; shape (n_times,) or (n_times, n_columns).
        Extra columns of a DataFrame are exogenous inputs: they enter the
        windows as features next to the target.
    window_length : int
        Observations per input window.
    horizon : int, default=1
        How many following values of the target each row predicts.
    target : column label, default=None
        The target column of a DataFrame; the first column by default.
    known_future : sequence of column labels, default=()
        Exogenous columns whose future values are known when forecasting
        (calendar features, planned promotions). They are led by
        ``horizon`` steps: step ``k`` of a window carries their value
        ``horizon`` steps later, so the last step holds the value at the
        last forecast time.

    Returns
    -------
    windows : Windows
        ``X`` of shape (n_windows, window_length, n_columns), ``y`` of shape
        (n_windows,) when ``horizon == 1`` else (n_windows, horizon), and
        ``index``, the time of the first forecast step of each row, with
        ``n_windows = n_times - window_length - horizon + 1``.

    Examples
    --------
    >>> import pandas as pd
    >>> from rnnforecast import make_windows
    >>> days = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0],
    ...                  index=pd.date_range("2024-01-01", periods=5))
    >>> X, y, index = make_windows(days, window_length=3)
    >>> X.shape, y.tolist(), [str(t.date()) for t in index]
    ((2, 3, 1), [4.0, 5.0], ['2024-01-04', '2024-01-05'])
    """
    window_length = check_positive_int(window_length, "window_length")
    horizon = check_positive_int(horizon, "horizon")
    frame = as_frame(data, target)
    if len(frame) - window_length - horizon + 1 < 1:
        raise ValueError(
            f"The series has {len(frame)} observations, fewer than window_length "
            f"+ horizon = {window_length + horizon}: no window fits.")
    X, targets = window_arrays(lead_columns(frame, known_future, horizon),
                               window_length, horizon)
    y = targets[:, 0].copy() if horizon == 1 else targets
    return Windows(X, y, frame.index[window_length:window_length + len(X)])


def window_arrays(values, window_length, horizon):
    """``make_windows`` on checked values (n_times, n_columns), target
    first, known-future columns already led: inputs (n_windows,
    window_length, n_columns) and targets (n_windows, horizon)."""
    n_windows = len(values) - window_length - horizon + 1
    X = np.lib.stride_tricks.sliding_window_view(
        values[:n_windows + window_length - 1], window_length, axis=0)
    X = np.ascontiguousarray(X.transpose(0, 2, 1))
    targets = np.lib.stride_tricks.sliding_window_view(
        values[window_length:, 0], horizon)[:n_windows]
    return X, np.ascontiguousarray(targets)


def lead_columns(frame, columns, steps):
    """``frame``'s values with ``columns`` moved ``steps`` rows earlier.

    The last ``steps`` rows of those columns become NaN: no window built
    for training reaches them.
    """
    missing = [c for c in columns if c not in frame.columns[1:]]
    if missing:
        raise ValueError(f"known_future columns {missing} are not exogenous columns "
                         f"of the data; those are {list(frame.columns[1:])}.")
    positions = [frame.columns.get_loc(column) for column in columns]
    return lead_positions(frame.to_numpy(dtype=float), positions, steps)


def lead_positions(values, positions, steps):
    """A copy of ``values`` with the columns at ``positions`` led by ``steps``."""
    values = np.array(values, dtype=float)
    for position in positions:
        values[:-steps, position] = values[steps:, position]
        values[-steps:, position] = np.nan
    return values


def target_frame(y, X=None):
    """One frame of the target (first column) and exogenous columns.

    Returns ``(frame, target_name, exog_names)``; checks as ``make_windows``
    does (sorted, unique times, finite numbers) and that ``X`` shares
    ``y``'s times.
    """
    frame = as_frame(y)
    if frame.shape[1] != 1:
        raise ValueError("y must be a single series; pass other columns as X.")
    if X is None:
        return frame, frame.columns[0], []
    exog = as_frame(X)
    if frame.columns[0] in exog.columns:
        raise ValueError(f"X has a column named like the target, {frame.columns[0]!r}; "
                         "rename one of them.")
    if len(exog) != len(frame):
        raise ValueError(f"X has {len(exog)} rows but y has {len(frame)}.")
    if isinstance(X, (pd.DataFrame, pd.Series)) and not exog.index.equals(frame.index):
        raise ValueError("X must have the same index (times) as y.")
    exog.index = frame.index
    return pd.concat([frame, exog], axis=1), frame.columns[0], list(exog.columns)
