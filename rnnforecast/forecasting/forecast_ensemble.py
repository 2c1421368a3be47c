"""Forecasts averaged over networks trained with other seeds and window lengths.

A network trained on a few thousand windows depends on its seed (initial
weights, the order of batches) and on how far back it looks. N-BEATS
averages 180 models (lookbacks x losses x seeds) and ES-RNN its last
epochs and several runs; both gain most of their edge over a single model
that way. ``EnsembleForecaster`` fits one ``WindowForecaster`` per seed and
window length and returns the median (or mean) of their forecasts, at the
cost of fitting each: ``fit_seconds_`` reports it.
"""

import copy
import time
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._estimators.validation import refuse_booleans
from .forecaster import WindowForecaster

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["EnsembleForecaster"]


class EnsembleForecaster(BaseEstimator):
    """The median of ``WindowForecaster`` forecasts over seeds and window lengths.

    Parameters
    ----------
    forecaster : WindowForecaster, default=None
        The member template, cloned for every member; None:
        ``WindowForecaster()``. Its ``random_state`` (and its estimator's, if
        it has one) is replaced by each member's seed, its
        ``window_length`` by each of ``window_lengths``.
    window_lengths : sequence of int, default=None
        Window lengths of the members (N-BEATS's lookbacks); None: the
        template's alone.
    n_seeds : int, default=3
        Members per window length, each with its own seed.
    aggregate : {"median", "mean"}, default="median"
        How the members' forecasts are combined, step by step. The median
        is not moved by one member that went astray.
    random_state : int, RandomState instance or None, default=None
        Draws the members' seeds.

    Attributes
    ----------
    forecasters_ : list of WindowForecaster
        The fitted members, window length by window length.
    seeds_ : ndarray of shape (n_seeds,)
        The seeds, the same for every window length.
    fit_seconds_ : ndarray of shape (n_members,)
        Seconds each member took to fit: the ensemble's cost.
    holdout_scores_ : dict or None
        With ``window_normalization="auto"``, the first member's holdout
        scores; its choice is given to the others, so the holdout is fitted
        once, not once per member.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from rnnforecast import EnsembleForecaster, WindowForecaster
    >>> from rnnforecast import load_daily_min_temperatures
    >>> y = load_daily_min_temperatures()
    >>> ensemble = EnsembleForecaster(WindowForecaster(Ridge(), horizon=3),
    ...                               window_lengths=[14, 29], n_seeds=1).fit(y)
    >>> len(ensemble.forecasters_), ensemble.predict().shape
    (2, (3,))
    """

    _parameter_constraints: dict = {
        "forecaster": [None, HasMethods(["fit", "predict", "forecast_from"])],
        "window_lengths": [None, list, tuple],
        "n_seeds": [Interval(Integral, 1, None, closed="left")],
        "aggregate": [StrOptions({"median", "mean"})],
        "random_state": ["random_state"],
    }

    def __init__(self, forecaster=None, window_lengths=None, n_seeds=3, aggregate="median",
                 random_state=None):
        self.forecaster = forecaster
        self.window_lengths = window_lengths
        self.n_seeds = n_seeds
        self.aggregate = aggregate
        self.random_state = random_state

    def fit(self, y, X=None, static=None):
        """Fit every member on ``y`` (and ``X``, ``static``), as
        ``WindowForecaster.fit`` takes them.

        Returns
        -------
        self : EnsembleForecaster
        """
        self._validate_params()
        refuse_booleans(self)
        template = self._template()
        windows = self._window_lengths(template)
        seeds = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max, size=self.n_seeds)
        members, seconds, chosen = [], [], None
        for window in windows:
            for seed in seeds:
                member = self._member(template, window, int(seed), chosen)
                started = time.perf_counter()
                member.fit(y, X, static)
                seconds.append(time.perf_counter() - started)
                members.append(member)
                if chosen is None and getattr(member, "holdout_scores_", None) is not None:
                    chosen = member
        # Set only once every member has fitted: a failed fit changes nothing.
        self.forecasters_, self.seeds_ = members, seeds
        self.fit_seconds_ = np.array(seconds)
        self.holdout_scores_ = None if chosen is None else chosen.holdout_scores_
        return self

    def _template(self):
        return WindowForecaster() if self.forecaster is None else self.forecaster

    def _window_lengths(self, template):
        if self.window_lengths is None:
            return [template.window_length]
        windows = list(self.window_lengths)
        if not windows or not all(isinstance(w, Integral) and not isinstance(w, bool) and w >= 1
                                  for w in windows):
            raise ValueError(f"window_lengths must be a non-empty list of ints >= 1, got "
                             f"{self.window_lengths!r}.")
        if len(set(windows)) < len(windows):
            raise ValueError(f"window_lengths lists a length twice: {self.window_lengths!r}.")
        return windows

    @staticmethod
    def _member(template, window, seed, chosen):
        """A clone of ``template`` with ``window`` and ``seed``; given the
        first member that chose by holdout, its choice rather than "auto"."""
        member = clone(template).set_params(window_length=window, random_state=seed)
        estimator = member.get_params().get("estimator")
        if estimator is not None and "random_state" in estimator.get_params():
            member.set_params(estimator__random_state=seed)
        if chosen is not None:
            member.set_params(window_normalization=chosen.window_normalization_,
                              deseasonalize=chosen.deseasonalize_)
        return member

    def _combine(self, forecasts):
        """The members' forecasts (arrays or pandas objects of one shape)
        combined step by step, in the type of the first."""
        stacked = np.stack([np.asarray(forecast, dtype=float) for forecast in forecasts])
        combined = (np.median if self.aggregate == "median" else np.mean)(stacked, axis=0)
        first = forecasts[0]
        if hasattr(first, "iloc"):
            result = first.copy()
            result.iloc[:] = combined
            return result
        return combined

    def predict(self, steps=None, X=None, y=None, static=None):
        """The combined forecasts of the members, as ``WindowForecaster.predict``.

        Returns
        -------
        forecast : pandas.Series or pandas.DataFrame
            In the layout of ``fit`` (or of ``y``), as each member returns it.
        """
        check_is_fitted(self)
        return self._combine([member.predict(steps, X=X, y=y, static=static)
                              for member in self.forecasters_])

    def forecast_from(self, y, origins, X=None, steps=None, series_id=None, static=None):
        """The combined forecasts of the members from each origin of ``y``,
        as ``WindowForecaster.forecast_from``.

        Returns
        -------
        forecasts : ndarray of shape (n_origins, steps)
        """
        check_is_fitted(self)
        return self._combine([member.forecast_from(y, origins, X=X, steps=steps,
                                                   series_id=series_id, static=static)
                              for member in self.forecasters_])

    def update(self, y, X=None, static=None):
        """Extend every member's history with new observations, as
        ``WindowForecaster.update``; when one refuses them, none changes.

        Returns
        -------
        self : EnsembleForecaster
        """
        check_is_fitted(self)
        # Copies, replaced only once every member has taken the data.
        updated = [copy.deepcopy(member).update(y, X, static) for member in self.forecasters_]
        self.forecasters_ = updated
        return self
