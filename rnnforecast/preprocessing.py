"""Standardising sequences per channel, for pipelines that want it explicit.

The recurrent estimators standardise their inputs themselves
(``scale_inputs=True``); :class:`SequenceScaler` does the same as a
separate step, for other models or for inspecting the scaled data.
``StandardScaler`` on 2-D windows scales every time step as its own
column, which gives each lag its own statistics and breaks the sameness
of the steps a recurrent cell relies on; this scaler uses one mean and one
standard deviation per channel, over all samples and time steps.
"""

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._estimators.scaling import mean_and_scale

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["SequenceScaler"]


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise each channel of a batch of sequences.

    Statistics are taken over every sample and every time step, ignoring
    NaN, so NaN-padded arrays (the form in which UEA archives ship sequences
    of different lengths) and lists of sequences of different lengths are
    scaled by their real values only; NaN stays NaN.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract each channel's mean.
    with_std : bool, default=True
        Divide by each channel's standard deviation (1 for a constant channel).

    Attributes
    ----------
    mean_ : ndarray of shape (n_channels,)
    scale_ : ndarray of shape (n_channels,)
    n_channels_ : int
        Channels (features per time step); 1 for 2-D input.
    n_features_in_ : int
        Columns of a 2-D ``X`` (time steps of univariate windows), or
        channels of a 3-D or list ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnforecast import SequenceScaler
    >>> X = np.array([[[1.0, 100.0], [3.0, 300.0]],
    ...               [[5.0, 500.0], [np.nan, np.nan]]])   # second sequence padded
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_.tolist(), np.round(scaler.scale_, 3).tolist()
    ([3.0, 300.0], [1.633, 163.299])
    >>> np.round(scaler.transform(X)[1], 3).tolist()
    [[1.225, 1.225], [nan, nan]]
    """

    def __init__(self, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Learn each channel's mean and standard deviation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_channels) or \
(n_samples, n_timesteps), or list of array-like of shape \
(n_timesteps_i, n_channels) or (n_timesteps_i,)
            Sequences; NaN marks padding and is ignored.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
        """
        values, layout = _channel_rows(X)
        if not np.isfinite(values).any(axis=0).all():
            raise ValueError("A channel of X has no finite value to scale by.")
        if np.isinf(values).any():
            raise ValueError("Input X contains infinity.")
        mean, scale = mean_and_scale(values)
        self.mean_ = mean if self.with_mean else np.zeros_like(mean)
        self.scale_ = scale if self.with_std else np.ones_like(scale)
        self.n_channels_ = values.shape[1]
        self.n_features_in_ = layout["n_features_in"]
        return self

    def transform(self, X):
        """Standardise ``X`` with the fitted statistics, in its own layout.

        Parameters
        ----------
        X : array-like or list of array-like, as in ``fit``

        Returns
        -------
        X_scaled : ndarray or list of ndarray
            Same shape (and list structure) as ``X``, float64.
        """
        return self._apply(X, lambda values: (values - self.mean_) / self.scale_)

    def inverse_transform(self, X):
        """Undo ``transform``.

        Parameters
        ----------
        X : array-like or list of array-like, as in ``fit``

        Returns
        -------
        X_original : ndarray or list of ndarray
        """
        return self._apply(X, lambda values: values * self.scale_ + self.mean_)

    def _apply(self, X, function):
        check_is_fitted(self)
        values, layout = _channel_rows(X)
        if values.shape[1] != self.n_channels_:
            raise ValueError(
                f"X has {values.shape[1]} channels, but SequenceScaler is expecting "
                f"{self.n_channels_} channels as input.")
        if np.isinf(values).any():
            raise ValueError("Input X contains infinity.")
        return _restore_layout(function(values), layout)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True
        return tags


def _channel_rows(X):
    """All time steps of ``X`` as rows of a (n_steps_total, n_channels)
    float64 array, and what is needed to put them back."""
    if isinstance(X, (list, tuple)) and X and np.ndim(X[0]) >= 1 and \
            len({len(item) for item in X}) > 1:
        arrays = [_as_steps(np.asarray(item, dtype=np.float64)) for item in X]
        widths = {array.shape[1] for array in arrays}
        if len(widths) != 1:
            raise ValueError("Every sequence needs the same number of channels.")
        return np.concatenate(arrays), {"kind": "list", "lengths": [len(a) for a in arrays],
                                        "flat": [np.ndim(item) == 1 for item in X],
                                        "n_features_in": widths.pop()}
    array = _numeric(X)
    if array.ndim not in (2, 3) or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            "Expected X of shape (n_samples, n_timesteps) or (n_samples, n_timesteps, "
            f"n_channels) with at least one sample and step, got shape {array.shape}.")
    layout = {"kind": "array", "shape": array.shape,
              "n_features_in": array.shape[1] if array.ndim == 2 else array.shape[2]}
    channels = 1 if array.ndim == 2 else array.shape[2]
    return array.reshape(-1, channels), layout


def _as_steps(array):
    if array.ndim == 1:
        return array[:, np.newaxis]
    if array.ndim != 2:
        raise ValueError("Each sequence must be of shape (n_timesteps, n_channels) "
                         f"or (n_timesteps,); got {array.ndim} dimensions.")
    return array


def _numeric(X):
    if np.iscomplexobj(X):
        raise ValueError("Complex data not supported.")
    try:
        array = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("X must hold real numbers (NaN marks padding).") from None
    return array


def _restore_layout(values, layout):
    if layout["kind"] == "array":
        return values.reshape(layout["shape"])
    pieces = np.split(values, np.cumsum(layout["lengths"])[:-1])
    return [piece[:, 0] if flat else piece for piece, flat in zip(pieces, layout["flat"])]
