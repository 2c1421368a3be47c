"""A sktime forecaster around :class:`~rnnforecast.WindowForecaster`.

``pip install sktime`` (an optional peer, never needed by rnnforecast
itself). :class:`RNNForecaster` speaks sktime's forecasting interface:
``fit(y, X, fh)``, ``predict(fh, X)`` with relative or absolute forecasting
horizons, ``update``, and (with ``calibration_fraction``)
``predict_interval`` / ``predict_quantiles`` from the window forecaster's
split-conformal errors.
"""

import pandas as pd
from sktime.forecasting.base import BaseForecaster

from .forecaster import WindowForecaster

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["RNNForecaster"]


class RNNForecaster(BaseForecaster):
    """sktime forecaster: a recurrent network (or any regressor) on windows.

    Parameters
    ----------
    estimator : regressor, default=None
        As ``WindowForecaster``'s: None is its default SimpleRNN.
    window_length : int, default=12
        Observations per input window.
    strategy : {"recursive", "direct"}, default="recursive"
        "recursive" forecasts any horizon with a one-step model; "direct"
        learns ``horizon`` steps at once and forecasts no further.
    horizon : int, default=1
        Steps the direct strategy learns, and the steps intervals are
        calibrated for.
    calibration_fraction : float or None, default=None
        Enables ``predict_interval`` and ``predict_quantiles`` (see
        ``WindowForecaster``).
    random_state : int or None, default=None
        Seeds the default estimator.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from rnnforecast import load_daily_min_temperatures
    >>> from rnnforecast.forecasting.sktime import RNNForecaster
    >>> y = load_daily_min_temperatures()
    >>> forecaster = RNNForecaster(Ridge(), window_length=29).fit(y)
    >>> forecaster.predict(fh=[1, 2, 3]).index.strftime("%Y-%m-%d").tolist()
    ['1991-01-01', '1991-01-02', '1991-01-03']
    """

    _tags = {
        "authors": ["rnnforecast developers"],
        "y_inner_mtype": "pd.Series",
        "X_inner_mtype": "pd.DataFrame",
        "capability:exogenous": False,
        "capability:insample": False,
        "capability:pred_int": False,
        "capability:pred_int:insample": False,
        "capability:missing_values": False,
        "requires-fh-in-fit": False,
        "capability:update": True,
        "capability:random_state": True,
        "python_dependencies": ["rnnforecast"],
    }
    # The adapter keeps the observations it needs itself (sktime 1.3 stops
    # storing them by default).
    _config = {"remember_data": False}

    def __init__(self, estimator=None, window_length=12, strategy="recursive", horizon=1,
                 calibration_fraction=None, random_state=None):
        self.estimator = estimator
        self.window_length = window_length
        self.strategy = strategy
        self.horizon = horizon
        self.calibration_fraction = calibration_fraction
        self.random_state = random_state
        super().__init__()
        # What sktime's checks expect of a new forecaster, whichever
        # remember_data a user sets later.
        self._y = self._X = None
        if calibration_fraction is not None:
            self.set_tags(**{"capability:pred_int": True})

    def _fit(self, y, X=None, fh=None):
        self.forecaster_ = WindowForecaster(
            self.estimator, window_length=self.window_length, horizon=self.horizon,
            strategy=self.strategy, calibration_fraction=self.calibration_fraction,
            random_state=self.random_state).fit(y)
        self._seen = y
        return self

    def _steps(self, fh):
        return [int(step) for step in fh.to_relative(self.cutoff)]

    def _predict(self, fh, X=None):
        steps = self._steps(fh)
        forecast = self.forecaster_.predict(steps=steps)
        return pd.Series(forecast.to_numpy(), index=fh.to_absolute_index(self.cutoff),
                         name=self._seen.name)

    def _update(self, y, X=None, update_params=True):
        """Refit on everything seen, or (``update_params=False``) append the
        new observations to the forecaster's history; the ``y`` given may
        repeat observations already seen, which are skipped."""
        new = y[y.index > self._seen.index[-1]]
        if new.empty:
            return self
        seen = pd.concat([self._seen, new])
        if update_params:
            return self._fit(seen)
        self.forecaster_.update(new)
        self._seen = seen
        return self

    def _predict_quantiles(self, fh, X=None, alpha=None):
        values = self.forecaster_.predict_quantiles(steps=self._steps(fh), quantiles=alpha)
        name = self._seen.name if self._seen.name is not None else 0
        columns = pd.MultiIndex.from_product([[name], list(alpha)])
        return pd.DataFrame(values.to_numpy(), index=fh.to_absolute_index(self.cutoff),
                            columns=columns)

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Fast settings for sktime's own checks: ridge regression on short
        windows, and a tiny recurrent network."""
        from sklearn.linear_model import Ridge

        from .._estimators.simple_rnn import SimpleRNNRegressor

        return [{"estimator": Ridge(), "window_length": 3},
                {"estimator": SimpleRNNRegressor(units=3, max_iter=2, random_state=0),
                 "window_length": 2}]
