"""Invertible transforms of a forecasting target: log, Box-Cox, differences.

A ``WindowForecaster`` applies its ``target_transform`` to the raw target
before it standardises the series, and undoes it on forecasts, so a log
never sees the negative numbers standardisation produces. Both transforms
need positive values and refuse others with a message, rather than
returning NaN. Differencing follows, on the transformed values; forecasts
of differences are integrated back from the levels before each origin.
"""

from numbers import Integral

import numpy as np
from scipy import stats

# Nothing public: transforms reach users through WindowForecaster's
# parameters; nothing here is called directly.
__all__ = []


class TargetTransform:
    """A fitted transform: ``forward`` and ``inverse`` over arrays.

    Parameters
    ----------
    kind : {"log", "boxcox"} or None
        None is the identity.
    lmbda : float, default=None
        Box-Cox's lambda.
    """

    def __init__(self, kind=None, lmbda=None):
        self.kind = kind
        self.lmbda = lmbda

    def forward(self, values):
        values = np.asarray(values, dtype=float)
        if self.kind is None:
            return values
        check_positive(values, self.kind)
        if self.kind == "log" or self.lmbda == 0:
            return np.log(values)
        return (values ** self.lmbda - 1) / self.lmbda

    def inverse(self, values):
        values = np.asarray(values, dtype=float)
        if self.kind is None:
            return values
        if self.kind == "log" or self.lmbda == 0:
            return np.exp(values)
        # Values whose Box-Cox preimage does not exist (1 + lambda * v <= 0)
        # map to the boundary 0 instead of NaN.
        base = np.maximum(1 + self.lmbda * values, 0.0)
        return base ** (1 / self.lmbda)


def fit_target_transform(kind, y):
    """The transform ``kind`` fitted on the training target ``y``."""
    if kind == "boxcox":
        y = np.asarray(y, dtype=float)
        check_positive(y, kind)
        if np.ptp(y) == 0:
            return TargetTransform("log")
        return TargetTransform(kind, float(stats.boxcox_normmax(y, method="mle")))
    return TargetTransform(kind)


def check_positive(values, kind):
    """Refuse values <= 0; NaN (unknown future values) passes."""
    if np.any(values <= 0):
        raise ValueError(
            f"target_transform={kind!r} needs positive target values; the smallest "
            f"is {np.nanmin(values):.6g}. Shift the series (e.g. y + c), or use "
            "target_transform=None.")


class Differencer:
    """Successive differences of a series at given lags, and their undoing.

    Parameters
    ----------
    lags : tuple of int
        Lag of each difference, applied in order: ``(1,)`` is the first
        difference, ``(1, 1)`` the second, ``(12,)`` a seasonal difference of
        monthly data, ``(1, 12)`` both; ``()`` is the identity.
    """

    def __init__(self, lags=()):
        self.lags = tuple(lags)

    @property
    def lost(self):
        """Observations consumed at the start of a series: ``sum(lags)``."""
        return sum(self.lags)

    def forward(self, values):
        """The differenced series, same length, NaN where undefined.

        Parameters
        ----------
        values : ndarray of shape (n_times,)

        Returns
        -------
        differenced : ndarray of shape (n_times,)
            NaN at the first ``lost`` positions.
        """
        out = np.asarray(values, dtype=float).copy()
        for lag in self.lags:
            out[lag:] = out[lag:] - out[:-lag]
            out[:lag] = np.nan
        return out

    def integrate(self, differences, history):
        """Levels from forecast differences and the levels before them.

        Parameters
        ----------
        differences : ndarray of shape (n_origins, n_steps)
            Forecasts of the differenced series after each origin.
        history : ndarray of shape (n_origins, lost)
            The last ``lost`` levels before each origin.

        Returns
        -------
        levels : ndarray of shape (n_origins, n_steps)
        """
        # Each partially differenced series' history, level first.
        series = [np.asarray(history, dtype=float)]
        for lag in self.lags[:-1]:
            series.append(series[-1][:, lag:] - series[-1][:, :-lag])
        out = np.asarray(differences, dtype=float)
        n_steps = out.shape[1]
        for lag, before in zip(reversed(self.lags), reversed(series)):
            extended = np.concatenate([before[:, -lag:], np.empty_like(out)], axis=1)
            for step in range(n_steps):
                extended[:, lag + step] = out[:, step] + extended[:, step]
            out = extended[:, lag:]
        return out


def difference_lags(differences):
    """The lags of ``WindowForecaster(differences=...)``: an int ``k`` is
    ``k`` first differences, a sequence lists the lag of each."""
    if differences is None:
        return ()
    if isinstance(differences, Integral):
        return (1,) * int(differences)
    lags = tuple(differences)
    if not all(isinstance(lag, Integral) and lag >= 1 for lag in lags):
        raise ValueError(f"differences must be an int >= 0 or a sequence of lags >= 1, "
                         f"got {differences!r}.")
    return tuple(int(lag) for lag in lags)


class SeriesScaling:
    """How one series enters a forecaster's model: its seasonal factors,
    its target transform, then the standardisation of its columns.

    Parameters
    ----------
    transform : TargetTransform
        Applied to the target before differencing (see ``fit_target_transform``).
    mean, scale : ndarray of shape (n_columns,) or None
        Per-column statistics of the (transformed, differenced) series; None
        leaves the values unscaled.
    error_scale : float, default=1.0
        The series' typical change from one observation to the next, in its
        own units: forecast errors divided by it pool across series.
    static : ndarray of shape (n_static,) or None, default=None
        The series' constant model inputs (static covariates and id
        encoding, already in model units), appended to every row.
    seasonal : SeasonalFactors or None, default=None
        Factors the target is divided by before its transform (see
        ``seasonality``), placed at row 0 of the values at hand.
    position : SeasonPosition or None, default=None
        Fourier terms of each row's position in the season, appended as
        inputs (see ``season_position``), placed at row 0 of the values at
        hand.
    """

    # Scalings stored before these inputs existed have none of them.
    static = None
    seasonal = None
    position = None

    def __init__(self, transform, mean=None, scale=None, error_scale=1.0, static=None,
                 seasonal=None, position=None):
        self.transform = transform
        self.mean = mean
        self.scale = scale
        self.error_scale = error_scale
        self.static = static
        self.seasonal = seasonal
        self.position = position

    def _with(self, **changes):
        fields = dict(transform=self.transform, mean=self.mean, scale=self.scale,
                      error_scale=self.error_scale, static=self.static,
                      seasonal=self.seasonal, position=self.position)
        return SeriesScaling(**{**fields, **changes})

    def with_static(self, static):
        """This scaling with the constant model inputs ``static``."""
        return self._with(static=static)

    def with_seasonal(self, seasonal):
        """This scaling with the seasonal factors ``seasonal``."""
        return self._with(seasonal=seasonal)

    def with_position(self, position):
        """This scaling with the season-position inputs ``position``."""
        return self._with(position=position)

    def levels(self, target):
        """The target (n_times,) in original units, divided by its seasonal
        factors and transformed: the values that are differenced."""
        target = np.asarray(target, dtype=float)
        if self.seasonal is not None:
            target = target / self.seasonal.at(np.arange(len(target)))
        return self.transform.forward(target)

    def original(self, levels, positions):
        """Levels back in original units: transform undone, then multiplied
        by the seasonal factors of rows ``positions`` (levels' shape)."""
        values = self.transform.inverse(levels)
        if self.seasonal is not None:
            values = values * self.seasonal.at(positions)
        return values

    def model_columns(self, values):
        """``values`` (n_times, n_columns), target first, standardised, then
        the season-position terms and the static inputs as constant columns:
        (n_times, n_columns + n_position + n_static)."""
        if self.mean is not None:
            values = (values - self.mean) / self.scale
        columns = [values]
        if self.position is not None:
            columns.append(self.position.columns(len(values)))
        if self.static is not None and len(self.static):
            columns.append(np.broadcast_to(self.static, (len(values), len(self.static))))
        return np.hstack(columns) if len(columns) > 1 else values

    def unscale_target(self, values):
        """Target values (any shape) from standardised units back."""
        if self.mean is None:
            return values
        return values * self.scale[0] + self.mean[0]
