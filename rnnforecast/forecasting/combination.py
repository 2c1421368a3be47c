"""Forecasts of different models combined, step by step.

Forecasters of different families err differently: on the M3 competition
a window network and the ES-RNN hybrid each lose to the other on some
series, and the median of their forecasts beats both on every subset
(``benchmarks/README.md``). The M4 competition's best entries were such
combinations, and so is the ETS + ARIMA + Theta benchmark. As
scikit-learn's ``VotingRegressor`` combines regressors,
``CombinedForecaster`` fits every member on the same series and combines
their forecasts; sktime's ``EnsembleForecaster`` and darts'
``NaiveEnsembleModel`` do the same for their forecasters.
"""

import inspect
import time

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

__all__ = ["CombinedForecaster"]


class CombinedForecaster(BaseEstimator):
    """The median (or mean) of several forecasters' forecasts.

    Parameters
    ----------
    forecasters : list of (str, forecaster) tuples
        Named members, each with ``fit(y)`` and ``predict(steps=...)``
        (``WindowForecaster``, ``EnsembleForecaster``, ``ESRNNForecaster``,
        or any forecaster of that shape); each is cloned and fitted on the
        same ``y``. Names must be unique.
    aggregate : {"median", "mean"}, default="median"
        How the members' forecasts are combined, value by value.

    Attributes
    ----------
    forecasters_ : dict
        Name -> fitted member.
    fit_seconds_ : dict
        Name -> seconds the member took to fit: the combination's cost.

    See Also
    --------
    EnsembleForecaster : One forecaster over seeds and window lengths.

    Notes
    -----
    The combination runs no held-out check of its own: each member checks
    itself, and its :class:`~rnnforecast.BaselineWarning` reaches the
    caller of ``fit``. A mean of members that each beat seasonal naive on
    the same held-out values beats it there too (the absolute error is
    convex: the error of a mean is at most the mean of the errors).

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from rnnforecast import (CombinedForecaster, ESRNNForecaster, WindowForecaster,
    ...                          load_daily_min_temperatures)
    >>> y = load_daily_min_temperatures().iloc[-400:] + 1   # positive, for the ES-RNN
    >>> combined = CombinedForecaster([
    ...     ("ridge", WindowForecaster(Ridge(), window_length=14, horizon=3)),
    ...     ("es_rnn", ESRNNForecaster(horizon=3, max_steps=100, early_stopping=False,
    ...                                random_state=0)),
    ... ]).fit(y)
    >>> combined.predict().shape
    (3,)
    """

    _parameter_constraints = {
        "forecasters": [list],
        "aggregate": [StrOptions({"median", "mean"})],
    }

    def __init__(self, forecasters, aggregate="median"):
        self.forecasters = forecasters
        self.aggregate = aggregate

    def fit(self, y, X=None):
        """Fit a clone of every member on ``y`` (and ``X``, given to each).

        Returns
        -------
        self : CombinedForecaster
        """
        self._validate_params()
        members = self._checked_members()
        fitted, seconds = {}, {}
        for name, forecaster in members:
            member = clone(forecaster)
            started = time.perf_counter()
            member.fit(y) if X is None else member.fit(y, X)
            seconds[name] = time.perf_counter() - started
            fitted[name] = member
        # Every member fitted: only now does the combination change.
        self.forecasters_, self.fit_seconds_ = fitted, seconds
        return self

    def _checked_members(self):
        members = list(self.forecasters)
        if not members or not all(isinstance(m, tuple) and len(m) == 2 for m in members):
            raise ValueError("forecasters must be a non-empty list of (name, forecaster) "
                             f"tuples, got {self.forecasters!r}.")
        names = [name for name, _ in members]
        if len(set(names)) != len(names):
            raise ValueError(f"The forecasters' names must be unique, got {names}.")
        for name, forecaster in members:
            predict = getattr(forecaster, "predict", None)
            if not (hasattr(forecaster, "fit") and callable(predict)
                    and "steps" in inspect.signature(predict).parameters):
                raise TypeError(
                    f"Member {name!r} is not a forecaster: it needs fit(y) and "
                    f"predict(steps=...), got {forecaster!r}. Wrap a regressor in "
                    "WindowForecaster.")
        return members

    def predict(self, steps=None):
        """The combined forecast of every member's ``predict(steps)``.

        Returns
        -------
        pandas.Series or pandas.DataFrame
            In the layout of the members' forecasts (the layout ``fit`` got).
        """
        check_is_fitted(self, "forecasters_")
        forecasts = {name: member.predict(steps=steps)
                     for name, member in self.forecasters_.items()}
        first_name, first = next(iter(forecasts.items()))
        for name, forecast in forecasts.items():
            if not (type(forecast) is type(first) and forecast.index.equals(first.index)
                    and getattr(forecast, "columns", first.index).equals(
                        getattr(first, "columns", first.index))):
                raise ValueError(
                    f"Forecasters {first_name!r} and {name!r} forecast different series or "
                    "times; a combination needs the same ones from every member.")
        stacked = np.stack([forecast.to_numpy(dtype=float) for forecast in forecasts.values()])
        combine = np.median if self.aggregate == "median" else np.mean
        values = combine(stacked, axis=0)
        if isinstance(first, pd.DataFrame):
            return pd.DataFrame(values, index=first.index, columns=first.columns)
        return pd.Series(values, index=first.index, name=first.name)
