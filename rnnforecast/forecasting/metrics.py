"""Forecast errors: plain functions of actual and forecast values.

MAE and RMSE are in the series' units; MAPE and sMAPE in percent; MASE
divides the MAE by the in-sample MAE of the seasonal-naive forecast on the
training series (Hyndman and Koehler, 2006), so 1.0 means "as good as
repeating last season" and values compare across series of any scale.

For probabilistic forecasts: ``coverage`` and ``interval_width`` of
intervals, ``pinball_loss`` of a quantile forecast and ``crps`` from a set
of quantile forecasts.

MAPE divides by each actual value, so it explodes, and misleads, when
actual values come near zero (temperatures in °C, net flows): ``mape``
returns NaN then, with a :class:`MetricWarning` that says why.
"""

import warnings

import numpy as np

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["MetricWarning", "coverage", "crps", "interval_width", "mae", "mape", "mase",
           "pinball_loss", "rmse", "smape"]

# MAPE is left out when an actual value is smaller than this fraction of the
# mean absolute actual value: one such value can outweigh all the others.
NEAR_ZERO_FRACTION = 0.05


class MetricWarning(UserWarning):
    """A metric could not be computed meaningfully and was left out."""


def mae(actual, forecast):
    """Mean absolute error."""
    return float(np.mean(np.abs(_error(actual, forecast))))


def rmse(actual, forecast):
    """Root mean squared error."""
    return float(np.sqrt(np.mean(_error(actual, forecast) ** 2)))


def mape(actual, forecast, warn=True):
    """Mean absolute percentage error, in percent.

    NaN (with a :class:`MetricWarning` when ``warn``) when an actual value
    is zero or within 5% of the mean absolute actual value of zero.
    """
    actual = np.asarray(actual, dtype=float)
    if near_zero(actual):
        if warn:
            warnings.warn(near_zero_message(actual), MetricWarning, stacklevel=2)
        return np.nan
    return float(100 * np.mean(np.abs(_error(actual, forecast) / actual)))


def smape(actual, forecast):
    """Symmetric MAPE in percent, 0 to 200: ``200 |f - a| / (|a| + |f|)``,
    with 0 where both are zero."""
    actual, forecast = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    denominator = np.abs(actual) + np.abs(forecast)
    ratio = np.divide(np.abs(forecast - actual), denominator,
                      out=np.zeros_like(denominator), where=denominator > 0)
    return float(200 * np.mean(ratio))


def mase(actual, forecast, training, season=1):
    """Mean absolute scaled error.

    Parameters
    ----------
    actual, forecast : array-like of shape (n,)
    training : array-like of shape (n_train,)
        The series the forecaster was trained on, oldest first.
    season : int, default=1
        Lag of the in-sample naive forecast that scales the errors.

    Returns
    -------
    mase : float
        NaN when the training series is constant at that lag (nothing to
        scale by) or shorter than ``season + 1``.
    """
    scale = naive_scale(training, season)
    if not scale > 0:
        return np.nan
    return mae(actual, forecast) / scale


def naive_scale(training, season=1):
    """In-sample MAE of the seasonal-naive forecast: ``mean |y_t - y_{t-m}|``;
    NaN when the series is too short."""
    training = np.asarray(training, dtype=float)
    if len(training) <= season:
        return np.nan
    return float(np.mean(np.abs(training[season:] - training[:-season])))


def near_zero(actual):
    """Whether some actual value is too close to zero for a percentage error."""
    magnitude = np.abs(np.asarray(actual, dtype=float))
    return bool(magnitude.size) and magnitude.min() <= NEAR_ZERO_FRACTION * magnitude.mean()


def near_zero_message(actual):
    magnitude = np.abs(np.asarray(actual, dtype=float))
    return (f"MAPE left out (NaN): an actual value is {magnitude.min():.3g}, within "
            f"{NEAR_ZERO_FRACTION:.0%} of the mean absolute actual value "
            f"({magnitude.mean():.3g}) of zero, where percentage errors explode. "
            "Compare with MASE or sMAPE instead.")


def coverage(actual, lower, upper):
    """Share of actual values inside ``[lower, upper]``, 0 to 1."""
    actual, lower, upper = (np.asarray(a, dtype=float) for a in (actual, lower, upper))
    return float(np.mean((lower <= actual) & (actual <= upper)))


def interval_width(lower, upper):
    """Mean width of the intervals ``[lower, upper]``, in the series' units."""
    return float(np.mean(np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)))


def pinball_loss(actual, forecast, quantile):
    """Mean pinball (quantile) loss of the ``quantile``-level forecast:
    ``q (a - f)`` when the actual value is above it, ``(1 - q)(f - a)`` when
    below. Its minimiser is the true ``quantile`` of the actual values."""
    error = np.asarray(actual, dtype=float) - np.asarray(forecast, dtype=float)
    return float(np.mean(np.maximum(quantile * error, (quantile - 1) * error)))


def crps(actual, quantile_forecasts, quantiles):
    """Continuous ranked probability score, from quantile forecasts.

    Approximated as twice the mean pinball loss over the ``quantiles``
    levels (exact as the levels fill (0, 1) evenly); lower is better, and
    for a point forecast it reduces to the MAE.

    Parameters
    ----------
    actual : array-like of shape (n,)
    quantile_forecasts : array-like of shape (n, n_quantiles)
        Column ``j`` forecasts level ``quantiles[j]``.
    quantiles : sequence of float in (0, 1)
    """
    forecasts = np.asarray(quantile_forecasts, dtype=float)
    if forecasts.ndim != 2 or forecasts.shape[1] != len(quantiles):
        raise ValueError(f"quantile_forecasts must have shape (n, {len(quantiles)}), "
                         f"one column per level; got {forecasts.shape}.")
    return float(2 * np.mean([pinball_loss(actual, forecasts[:, j], q)
                              for j, q in enumerate(quantiles)]))


def _error(actual, forecast):
    return np.asarray(forecast, dtype=float) - np.asarray(actual, dtype=float)
