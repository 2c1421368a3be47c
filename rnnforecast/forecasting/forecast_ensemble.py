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
from sklearn.metrics import r2_score
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
    calibration_errors_ : ndarray of shape (n_calibration, horizon) or None
        With ``calibration_fraction`` set on the template, the ensemble's
        own calibration errors: every member forecasts the same calibration
        origins, so the median (or mean) of their errors is the error of
        the combined forecast. The intervals and quantiles read these, as a
        ``WindowForecaster`` reads its own; None without calibration.
    residuals_ : ndarray of shape (n_calibration, horizon) or None
        Their absolute values.
    network_gains_ : list of float or None
        Each member's ``network_gain_`` (see the property's own
        documentation).

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
        self.calibration_errors_ = self._combined_errors(members)
        self.residuals_ = (None if self.calibration_errors_ is None
                           else np.abs(self.calibration_errors_))
        return self

    @property
    def network_gains_(self):
        """Each member's ``network_gain_``, window length by window length:
        how much training raised its validation score above its ridge
        start (0.0: the member is that linear start; None where there was
        no such comparison)."""
        check_is_fitted(self)
        return [member.network_gain_ for member in self.forecasters_]

    def _combined_errors(self, members):
        """The combined forecast's calibration errors (actual minus
        forecast): the members' errors at the same origins, combined as
        their forecasts are, since ``a - median(f) = median(a - f)``."""
        errors = [member.calibration_errors_ for member in members]
        if any(error is None for error in errors):
            return None
        if any(error.shape != errors[0].shape for error in errors):
            raise ValueError("The members' calibration errors differ in shape: they did not "
                             "forecast the same calibration origins.")
        return self._combine(errors)

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

    def predict_interval(self, steps=None, X=None, coverage=0.9, y=None, static=None):
        """The combined forecast with split-conformal intervals from the
        ensemble's own calibration errors, as
        ``WindowForecaster.predict_interval`` (the template needs
        ``calibration_fraction``).

        Returns
        -------
        forecast : pandas.DataFrame
            Columns ``forecast``, ``lower``, ``upper`` (per coverage for
            several), as ``WindowForecaster.predict_interval``.
        """
        return self._calibrated()._interval_frames(
            coverage, lambda: self._combined_forecasts(steps, X, y, static))

    def predict_quantiles(self, steps=None, X=None, quantiles=(0.1, 0.5, 0.9), y=None,
                          static=None):
        """Quantiles around the combined forecast from the ensemble's own
        calibration errors, as ``WindowForecaster.predict_quantiles``.

        Returns
        -------
        quantiles : pandas.DataFrame
            One column per level, as ``WindowForecaster.predict_quantiles``.
        """
        return self._calibrated()._quantile_frames(
            quantiles, lambda: self._combined_forecasts(steps, X, y, static))

    def interval_halfwidths(self, coverage=0.9, series_id=None):
        """Half-width of the combined forecast's conformal interval of each
        step, shape (horizon,), in the units of series ``series_id``."""
        return self._calibrated().interval_halfwidths(coverage, series_id)

    def quantile_offsets(self, quantiles=(0.1, 0.5, 0.9), series_id=None):
        """What each quantile adds to the combined forecast, shape
        (n_quantiles, horizon), in the units of series ``series_id``."""
        return self._calibrated().quantile_offsets(quantiles, series_id)

    def score(self, y, X=None):
        """R² of the combined forecasts of ``y``, a continuation of the
        training series, as ``WindowForecaster.score`` (the mean over series
        of each series' R² on a panel).

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        first = self.forecasters_[0]
        panel = first._read_observations(y, X)
        first._check_no_later_training_data(panel)
        scores = []
        for key, frame in panel.frames.items():
            pairs = [member._scored_forecasts(key, frame) for member in self.forecasters_]
            scores.append(r2_score(pairs[0][0], self._combine([p for _, p in pairs])))
        return float(np.mean(scores))

    def _calibrated(self):
        """The first member carrying the ensemble's calibration errors in
        place of its own: it turns them into intervals around any forecast,
        in each series' units (the error scale is the same for every member)."""
        check_is_fitted(self)
        calibrated = object.__new__(type(self.forecasters_[0]))
        calibrated.__dict__.update(self.forecasters_[0].__dict__)
        calibrated.calibration_errors_, calibrated.residuals_ = (self.calibration_errors_,
                                                                 self.residuals_)
        return calibrated

    def _combined_forecasts(self, steps, X, y, static):
        """``WindowForecaster._forecasts`` of every member, their forecasts
        combined series by series."""
        parts = [member._forecasts(steps, X, y, calibrated=True, static=static)
                 for member in self.forecasters_]
        layout, forecasts, states, positions = parts[0]
        combined = {key: self._combine([part[1][key] for part in parts]) for key in forecasts}
        return layout, combined, states, positions

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
