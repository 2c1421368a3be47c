"""Choosing the window design on held-out ends: ``window_normalization="auto"``.

Two designs compete: windows and series as they are, and ratio windows
("mean_absolute", DeepAR's scaling) on series deseasonalised as
``deseasonalize`` says. A clone of each is fitted on all but the last
``horizon`` observations of every series (more folds before it on a small
panel, :mod:`rnnforecast.forecasting.holdout`) and forecasts them; the ratio
design must lead by ``holdout.CHALLENGER_MARGIN`` to be kept. Seasonal naive
is scored on the same values, so a ``BaselineWarning`` can name both scores.
"""

import numpy as np
from sklearn.base import clone

from .holdout import (
    choose,
    holdout_cut,
    holdout_folds,
    holdout_length,
    mean_scaled_error,
    seasonal_naive_errors,
)
from .streaming import TrimmedPartitions


class NormalizationChoiceMixin:
    """The "auto" choice of ``window_normalization`` and ``deseasonalize``,
    for a forecaster that defines ``_fit_source``, ``_tail_errors``,
    ``_states``, ``_season`` and ``_base_estimator``."""

    def _chosen_normalization(self, source, lags, static):
        """The ``window_normalization`` and ``deseasonalize`` to fit with,
        and the holdout scores that chose them (None when nothing was
        chosen). With "auto", windows and series as they are (None, None)
        or ratio windows on series deseasonalised as ``deseasonalize``
        says ("mean_absolute", deseasonalize): each is fitted on all but
        the last horizon of every series (``holdout``; on a small panel,
        in further folds before it too), and the one whose forecasts of
        the held-out ends score best is kept, its scores beside seasonal
        naive's."""
        if self.window_normalization != "auto":
            return self.window_normalization, self.deseasonalize, None
        as_they_are = (None, None)
        if self.chunk_windows is not None or not source.in_memory:
            return (*as_they_are, None)   # the holdout would read the chunks twice more
        frames = source.read(0).frames
        cut = holdout_cut(holdout_length(len(frames), self.horizon), self.horizon,
                          self.window_length_ + self._steps_learned() + self._rows_before_window())
        if all(cut(len(frame)) == len(frame) for frame in frames.values()):
            return (*as_they_are, None)   # no series can spare its end
        folds = holdout_folds(cut, [len(frame) for frame in frames.values()], self.horizon)
        # String keys: skops and JSON store them, not None.
        candidates = {"none": as_they_are, "mean_absolute": ("mean_absolute", self.deseasonalize)}
        errors = {name: [] for name in [*candidates, "seasonal_naive"]}
        verbose = getattr(self._base_estimator(), "verbose", 0)
        for number, (fit_cut, scored_end) in enumerate(folds):
            scored = {key: frame.iloc[:scored_end(len(frame))] for key, frame in frames.items()}
            for name, (normalization, deseasonalize) in candidates.items():
                if verbose:
                    print(f"Holdout fit ({_design_label(normalization, deseasonalize)}), fold "
                          f"{number + 1} of {len(folds)}, on all but the end of each series",
                          flush=True)
                inner = clone(self).set_params(calibration_fraction=None,
                                               window_length=self.window_length_,
                                               deseasonalize=deseasonalize,
                                               window_normalization=normalization)
                inner._fit_source(TrimmedPartitions(source, fit_cut), lags, static)
                errors[name] += [error for _, error in inner._tail_errors(scored, cut)]
            errors["seasonal_naive"] += inner._seasonal_naive_errors(scored, cut)
        scores = {name: mean_scaled_error(fold_errors) for name, fold_errors in errors.items()}
        chosen = candidates[choose(scores, list(candidates))]
        if verbose:
            print(f"Holdout chose {_design_label(*chosen)}; mean scaled errors "
                  + ", ".join(f"{key} {value:.3f}" for key, value in scores.items()), flush=True)
        return (*chosen, scores)

    def _seasonal_naive_errors(self, frames, cut):
        """Scaled errors of seasonal naive from the origins that
        ``_tail_errors`` forecasts from, in the same units: one array
        (n_origins, horizon) per series with such an origin."""
        errors, season = [], self._season() or 1
        for key, frame in frames.items():
            origins = np.arange(max(cut(len(frame)), season), len(frame) - self.horizon + 1)
            if origins.size:
                values = frame.iloc[:, 0].to_numpy(dtype=float)
                errors.append(seasonal_naive_errors(values, origins, self.horizon, season)
                              / self._states[key].error_scale)
        return errors


def _design_label(normalization, deseasonalize):
    """How ``window_normalization`` and ``deseasonalize`` read in messages."""
    if normalization is None:
        label = "windows as they are"
    else:
        label = f"{normalization} windows"
    return label + ("" if deseasonalize is None else f", deseasonalize={deseasonalize!r}")
