"""Split-conformal intervals and quantiles of a window forecaster.

``fit`` with ``calibration_fraction`` trains a clone on all but the
chronological tail of every series and keeps its errors, actual minus
forecast, from every origin of those tails, each divided by its series'
error scale (the mean absolute one-step change), so the errors of series of
any size pool into one set. An interval is the forecast plus or minus a
rank of the absolute errors of its step, a quantile the forecast plus a
rank of the signed ones: the finite-sample conformal ranks, so a new value
is covered with at least the asked probability when errors are
exchangeable. ``WindowForecaster`` takes these methods from
``ConformalIntervalsMixin``; ``EnsembleForecaster`` reads a member's.
"""

from functools import partial
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.base import clone

from .streaming import TrimmedPartitions


class ConformalIntervalsMixin:
    """``predict_interval``, ``predict_quantiles`` and their calibration, for
    a forecaster that defines ``_forecasts``, ``_fit_source``,
    ``_tail_errors``, ``_states`` and the ``calibration`` parameters."""

    def predict_interval(self, steps=None, X=None, coverage=0.9, y=None, static=None):
        """Forecast with split-conformal prediction intervals.

        Each step's interval is the forecast plus or minus the
        ``ceil((n + 1) * coverage) / n`` quantile of that step's absolute
        errors on the calibration tail, which covers a new value with
        probability at least ``coverage`` when errors are exchangeable.

        Parameters
        ----------
        steps : int or sequence of int, default=None
            How many steps, or which steps ahead (``[1, 3]``), at most
            ``horizon``; ``horizon`` when None.
        X : pandas.DataFrame, default=None
            Future exogenous values, as for ``predict``.
        coverage : float in (0, 1) or sequence of float, default=0.9
            Several coverages give several intervals, as sktime's
            ``predict_interval(coverage=[0.8, 0.95])``.
        y : pandas.Series or pandas.DataFrame, default=None
            Recent observations to forecast from, as for ``predict``.
        static : pandas.DataFrame, default=None
            Static covariates of new series in ``y``, as for ``predict``.

        Returns
        -------
        forecast : pandas.DataFrame
            Columns ``forecast``, ``lower``, ``upper`` for one coverage;
            ``forecast`` then ``lower_<c>`` and ``upper_<c>`` for each
            coverage ``c`` of a sequence (``lower_0.8``...). Rows indexed by
            future times (a ``(series id, time)`` MultiIndex for a long
            panel); a wide panel gets a column level per series above them.
            The errors of every series are pooled per step.
        """
        return self._interval_frames(coverage, lambda: self._forecasts(
            steps, X, y, calibrated=True, static=static))

    def _interval_frames(self, coverage, forecast):
        """``predict_interval``'s result around the forecasts that
        ``forecast()`` returns (as ``_forecasts`` does), with this fit's
        calibration errors; impossible coverages refused before forecasting."""
        several = not isinstance(coverage, Real)
        coverages = _as_levels(coverage, "coverage")
        halves = self._per_series(lambda key: [self._scaled_halfwidths(c, key)
                                               for c in coverages])
        layout, forecasts, states, positions = forecast()
        frames = {}
        for key, forecast in forecasts.items():
            columns = {"forecast": forecast}
            for c, scaled in zip(coverages, halves(key)):
                half = scaled[positions] * states[key].error_scale
                suffix = f"_{c:g}" if several else ""
                columns[f"lower{suffix}"] = forecast - half
                columns[f"upper{suffix}"] = forecast + half
            frames[key] = pd.DataFrame(columns)
        return layout.arrange(frames)

    def interval_halfwidths(self, coverage=0.9, series_id=None):
        """Half-width of the conformal interval of each step, shape (horizon,),
        in the units of series ``series_id`` (None for a single series).

        Raises ``ValueError`` when the calibration errors are too few for
        ``coverage``: ``n`` errors per step support coverage up to
        ``n / (n + 1)``; beyond, the interval would be infinite.
        """
        return (self._scaled_halfwidths(coverage, series_id)
                * self._error_scale(series_id))

    def _scaled_halfwidths(self, coverage, series_id=None):
        _check_level(coverage, "coverage")
        residuals = self._errors_of(series_id, absolute=True)
        n = len(residuals)
        rank = int(np.ceil((n + 1) * coverage))
        if rank > n:
            needed = int(np.ceil(coverage / (1 - coverage)))
            raise ValueError(
                f"coverage={coverage:g} needs at least {needed} calibration errors per "
                f"step; this fit has {n}, enough for coverage up to {n}/{n + 1} = "
                f"{n / (n + 1):.3f}. Raise calibration_fraction or lower coverage"
                f"{self._or_pool()}.")
        return np.sort(residuals, axis=0)[rank - 1]

    def quantile_offsets(self, quantiles=(0.1, 0.5, 0.9), series_id=None):
        """What each quantile adds to the forecast, shape (n_quantiles, horizon),
        in the units of series ``series_id`` (None for a single series).

        The split-conformal quantile of the signed calibration errors
        (actual minus forecast) of each step: for level ``q`` the ``k``-th
        smallest of ``n`` errors, ``k = ceil((n + 1) q)`` from the median up
        and ``floor((n + 1) q)`` below it, so that ``[q_lo, q_hi]`` covers a
        new value with probability at least ``q_hi - q_lo`` when errors are
        exchangeable. Offsets never decrease with ``q``: quantiles do not
        cross.

        Raises ``ValueError`` when the errors are too few for a level:
        ``n`` errors reach levels from ``1 / (n + 1)`` to ``n / (n + 1)``.
        """
        return self._scaled_offsets(quantiles, series_id) * self._error_scale(series_id)

    def _scaled_offsets(self, quantiles, series_id=None):
        levels = [_check_level(q, "quantile") for q in _as_levels(quantiles, "quantiles")]
        errors = self._errors_of(series_id)
        n = len(errors)
        ranks = [int(np.ceil((n + 1) * q)) if q >= 0.5 else int(np.floor((n + 1) * q))
                 for q in levels]
        for q, rank in zip(levels, ranks):
            if not 1 <= rank <= n:
                needed = int(np.ceil(max(q, 1 - q) / min(q, 1 - q)))
                raise ValueError(
                    f"quantile {q:g} needs at least {needed} calibration errors per "
                    f"step; this fit has {n}, enough for levels {1 / (n + 1):.3f} to "
                    f"{n / (n + 1):.3f}. Raise calibration_fraction or choose levels "
                    f"closer to 0.5{self._or_pool()}.")
        return np.sort(errors, axis=0)[np.array(ranks) - 1]

    def predict_quantiles(self, steps=None, X=None, quantiles=(0.1, 0.5, 0.9), y=None,
                          static=None):
        """Forecast quantiles from split-conformal calibration errors.

        Parameters
        ----------
        steps : int or sequence of int, default=None
            How many steps, or which steps ahead (``[1, 3]``), at most
            ``horizon``; ``horizon`` when None.
        X : pandas.DataFrame, default=None
            Future exogenous values, as for ``predict``.
        quantiles : float or sequence of float in (0, 1), default=(0.1, 0.5, 0.9)
            Levels, as sktime's ``predict_quantiles(alpha=...)``.
        y : pandas.Series or pandas.DataFrame, default=None
            Recent observations to forecast from, as for ``predict``.
        static : pandas.DataFrame, default=None
            Static covariates of new series in ``y``, as for ``predict``.

        Returns
        -------
        quantiles : pandas.DataFrame
            One column per level (named by the level), rows as ``predict``'s
            forecast: future times, a ``(series id, time)`` MultiIndex for a
            long panel, or a column level per series above the levels for a
            wide one. Each row is non-decreasing across the levels (see
            ``quantile_offsets``).
        """
        return self._quantile_frames(quantiles, lambda: self._forecasts(
            steps, X, y, calibrated=True, static=static))

    def _quantile_frames(self, quantiles, forecast):
        """``predict_quantiles``'s result around the forecasts that
        ``forecast()`` returns, as ``_interval_frames``."""
        levels = _as_levels(quantiles, "quantiles")
        offsets = self._per_series(lambda key: self._scaled_offsets(levels, key))
        layout, forecasts, states, positions = forecast()
        frames = {}
        for key, forecast in forecasts.items():
            scale = states[key].error_scale
            frames[key] = pd.DataFrame({q: forecast + scale * offset[positions]
                                        for q, offset in zip(levels, offsets(key))})
        return layout.arrange(frames)

    def _error_scale(self, series_id):
        self._check_fitted()
        if series_id not in self._states:
            raise ValueError(f"series_id {series_id!r} is not a fitted series; they are "
                             f"{list(self._states)[:5]}.")
        return self._states[series_id].error_scale

    def _n_calibration_errors(self):
        self._check_fitted()
        if self.calibration_errors_ is None:
            raise ValueError("Intervals and quantiles need calibration errors: fit "
                             "with calibration_fraction set, e.g. 0.2.")
        return len(self.calibration_errors_)

    def _errors_of(self, series_id, absolute=False):
        """The scaled calibration errors (n, horizon) series ``series_id``'s
        intervals read (``residuals_``, their absolute values, with
        ``absolute``): all of them, or its own with
        ``calibration="per_series"``."""
        self._n_calibration_errors()
        errors = self.residuals_ if absolute else self.calibration_errors_
        if self.calibration == "pooled":
            return errors
        span = self._calibration_spans.get(series_id)
        if span is None:
            raise ValueError(
                f"calibration='per_series' has no calibration errors of series "
                f"{series_id!r} (not fitted, or too short for a calibration origin); "
                "use calibration='pooled' for it.")
        return errors[span[0]:span[1]]

    def _per_series(self, compute):
        """``compute(series_id)``, once for pooled errors (every series reads
        the same), else once per series, remembered."""
        results = {}

        def of(key):
            key = key if self.calibration == "per_series" else None
            if key not in results:
                results[key] = compute(key)
            return results[key]

        if self.calibration == "pooled":
            of(None)  # refuse impossible levels before forecasting
        return of

    def _or_pool(self):
        return (", or pool the errors of every series (calibration='pooled')"
                if self.calibration == "per_series" else "")

    def _calibration_errors(self, source, lengths, lags, static):
        """Errors, actual minus forecast, (n_calibration_origins, horizon) of a
        clone fitted on all but the chronological tail of each series,
        forecasting from every origin of each tail with ``horizon`` steps
        inside it; the errors of all series pooled."""
        self._calibration_spans = {}
        if self.calibration_fraction is None:
            return None
        cut = partial(calibration_cut, fraction=self.calibration_fraction)
        if not any(length - self.horizon + 1 > cut(length) for length in lengths.values()):
            raise ValueError(
                f"calibration_fraction={self.calibration_fraction} leaves no "
                f"calibration origin with {self.horizon} steps; raise it.")
        inner = clone(self).set_params(calibration_fraction=None,
                                       window_length=self.window_length_,
                                       window_normalization=self.window_normalization_,
                                       deseasonalize=self.deseasonalize_)
        inner._fit_source(TrimmedPartitions(source, cut), lags, static)
        errors, self._calibration_spans = [], {}
        start = 0
        for number in range(len(source)):
            for key, series_errors in inner._tail_errors(source.read(number).frames, cut):
                errors.append(series_errors)
                self._calibration_spans[key] = (start, start + len(series_errors))
                start += len(series_errors)
        return np.concatenate(errors)


def calibration_cut(n_times, fraction):
    """Observations of a series of ``n_times`` that a calibration fit trains on."""
    return n_times - int(round(fraction * n_times))


def _as_levels(levels, name):
    """``levels`` (one number or a sequence of them) as a list: a
    ValueError for a string, an empty sequence or a level given twice (its
    columns would merge into one)."""
    if isinstance(levels, Real) and not isinstance(levels, bool):
        return [levels]
    if isinstance(levels, (str, bytes)) or not np.iterable(levels):
        raise ValueError(f"{name} must be a number in (0, 1) or a sequence of them, "
                         f"got {levels!r}.")
    levels = list(levels)
    if not levels:
        raise ValueError(f"{name} is empty; give at least one level, such as 0.9.")
    if len(set(levels)) < len(levels):
        raise ValueError(f"{name} lists a level twice: {levels!r}.")
    return levels


def _check_level(level, name):
    """``level`` if it is a number in (0, 1), else a ValueError naming it."""
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
        raise ValueError(f"{name} must be a number in (0, 1), got {level!r}.")
    return float(level)
