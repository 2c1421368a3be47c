"""Each window made relative to its own statistics, and forecasts put back.

A global model sees windows of many series, and of one series at many
levels: a trending series' recent windows sit beyond every level it was
trained on. Making each window relative to itself (neuralforecast's
temporal normalisation, N-BEATS's and NLinear's last value) lets the model
learn shapes rather than levels. The statistics come from the window's
target column alone (its input part: the future is unknown at forecast
time); the window's targets are scaled by the same numbers, so the loss is
computed in the window's own units, and forecasts are mapped back.

- ``"last"``: minus the last value (N-BEATS, NLinear);
- ``"mean"``: minus the mean;
- ``"standard"``: minus the mean, divided by the standard deviation;
- ``"robust"``: minus the median, divided by the mean absolute deviation
  from it (neuralforecast's robust scaler, less moved by one outlier);
- ``"mean_absolute"``: divided by the mean absolute value (DeepAR's and
  GluonTS's mean scaler). Not shifted: each window becomes a ratio to its
  own level, so the loss weighs relative errors, as sMAPE and MAPE do,
  and a series of 10 and one of 10,000 count the same.

Windows arrive in the forecaster's series-scaled units: each series
standardised, or, for ``"mean_absolute"``, which needs the series' own
zero, divided by its mean absolute value and not centred (``CENTRED``
lists the methods that take a location). A window's scale below its
method's floor (``scale_floor``) is a window that is nearly flat for its
series, or near zero: dividing by it would blow noise up into shapes, and
it is divided by the floor instead. The ratio's floor is lower, 1% of the
series' typical magnitude: a trending series' early windows can sit far
below its mean, and must still be read as ratios.
"""

import numpy as np

METHODS = ("last", "mean", "standard", "robust", "mean_absolute")
# The methods that read windows relative to a location; the others need
# the series' own zero, so the series must not be centred before them.
CENTRED = ("last", "mean", "standard", "robust")
# The methods that divide by a scale of the window.
SCALED = ("standard", "robust", "mean_absolute")
# In units of the series' standard deviation.
SCALE_FLOOR = 0.1
# In units of the series' mean absolute value.
RATIO_FLOOR = 0.01


def scale_floor(method):
    """The smallest scale a window of ``method`` is divided by, in the
    forecaster's series units."""
    return RATIO_FLOOR if method == "mean_absolute" else SCALE_FLOOR


def window_statistics(target, method):
    """Location and scale of each window's target values.

    Parameters
    ----------
    target : ndarray of shape (n_windows, window_length)
    method : {"last", "mean", "standard", "robust", "mean_absolute"}

    Returns
    -------
    location, scale : ndarray of shape (n_windows,)
    """
    n_windows = len(target)
    if method == "last":
        return target[:, -1].copy(), np.ones(n_windows)
    if method == "mean":
        return target.mean(axis=1), np.ones(n_windows)
    if method == "mean_absolute":
        return np.zeros(n_windows), np.maximum(np.abs(target).mean(axis=1), scale_floor(method))
    if method == "standard":
        location, spread = target.mean(axis=1), target.std(axis=1)
    elif method == "robust":
        location = np.median(target, axis=1)
        spread = np.abs(target - location[:, np.newaxis]).mean(axis=1)
    else:
        raise ValueError(f"window_normalization must be one of {METHODS}, got {method!r}.")
    return location, np.maximum(spread, scale_floor(method))


def scale_windows(windows, method, also=()):
    """``windows`` of shape (n_windows, window_length, n_columns) with the
    target column (the first), and the columns ``also`` (the target's lags),
    made relative to the statistics of each window's target; and those
    statistics, each of shape (n_windows,)."""
    location, scale = window_statistics(windows[:, :, 0], method)
    scaled = windows.copy()
    for column in (0, *also):
        scaled[:, :, column] = ((scaled[:, :, column] - location[:, np.newaxis])
                                / scale[:, np.newaxis])
    return scaled, location, scale


def statistics_columns(method, location, scale, window_length):
    """Each window's statistics as constant input columns, (n_windows,
    window_length, n_statistics): its location for the centred methods,
    the log of its scale for those that divide (DeepAR feeds log(scale)
    back to its network), so a model of shapes still knows where a window
    sits relative to its series' level and spread."""
    columns = []
    if method in CENTRED:
        columns.append(location)
    if method in SCALED:
        columns.append(np.log(scale))
    stacked = np.stack(columns, axis=1)[:, np.newaxis, :]
    return np.broadcast_to(stacked, (len(stacked), window_length, len(columns)))


def n_statistics(method):
    """How many columns ``statistics_columns`` gives for ``method``."""
    return (method in CENTRED) + (method in SCALED)


def scale_targets(targets, location, scale):
    """Targets of shape (n_windows, steps) in their windows' units."""
    return (targets - location[:, np.newaxis]) / scale[:, np.newaxis]


def unscale_forecasts(forecasts, location, scale):
    """Forecasts of shape (n_windows, steps) back from their windows' units."""
    return forecasts * scale[:, np.newaxis] + location[:, np.newaxis]
