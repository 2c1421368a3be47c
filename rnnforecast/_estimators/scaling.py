"""Standardisation statistics of sequences and targets, and their use.

Recurrent cells saturate (tanh, sigmoid) or blow up (relu) on inputs in the
hundreds, and a head initialised near zero needs hundreds of epochs to reach
a target that lives near 500. So the estimators standardise both by default:
inputs per feature with statistics over every sample and every *real* time
step (padding ignored), targets per output. Statistics are float64; values
are converted back to the compute dtype after scaling.
"""

import numpy as np


def feature_statistics(X, starts=None, weights=None):
    """Mean and standard deviation of each feature over samples and real steps.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Front-padded when ``starts`` is given.
    starts : ndarray of int of shape (n_samples,) or None
        First real step of each sequence.
    weights : ndarray of shape (n_samples,) or None
        Sample weights: a weight of 2 counts a sequence twice, as repeating
        it would, so weighting and repeating give the same model.

    Returns
    -------
    mean, scale : ndarray of shape (n_features,), float64
        ``scale`` is 1 where a feature is constant, as in ``StandardScaler``.
    """
    n_samples, n_timesteps, n_features = X.shape
    step_weights = np.ones((n_samples, n_timesteps))
    if weights is not None:
        step_weights *= np.asarray(weights, dtype=np.float64)[:, np.newaxis]
    if starts is not None:
        step_weights *= real_step_mask(starts, n_timesteps)
    return mean_and_scale(X.reshape(-1, n_features), step_weights.ravel())


def target_statistics(targets, weights=None):
    """Mean and standard deviation of each output.

    Parameters
    ----------
    targets : ndarray of shape (n_samples, k) or (n_samples, n_timesteps, k)
    weights : ndarray of shape (n_samples,) or (n_samples, n_timesteps), or None
        Sample (or per-step) weights; padding of per-step targets has
        weight zero and is left out.

    Returns
    -------
    mean, scale : ndarray of shape (k,), float64
    """
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64)
        weights = weights.reshape(weights.shape + (1,) * (targets.ndim - 1 - weights.ndim))
        weights = np.broadcast_to(weights, targets.shape[:-1]).ravel()
    return mean_and_scale(targets.reshape(-1, targets.shape[-1]), weights)


def mean_and_scale(values, weights=None):
    """Weighted column means and standard deviations of 2-D ``values``,
    NaN ignored, with 1 for constant columns."""
    values = np.asarray(values, dtype=np.float64)
    weights = np.ones(values.shape[0]) if weights is None else weights
    weights = np.where(np.isnan(values), 0.0, weights[:, np.newaxis])
    filled = np.where(weights > 0, values, 0.0)
    total = weights.sum(axis=0)
    mean = (weights * filled).sum(axis=0) / total
    variance = (weights * (filled - mean) ** 2).sum(axis=0) / total
    return mean, _one_where_constant(np.sqrt(variance), mean)


def _one_where_constant(scale, mean):
    """``scale`` with 1 where it is rounding noise beside ``mean``: dividing
    a near-constant column (or series) by that noise would amplify it."""
    tiny = scale <= 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
    scale[tiny] = 1.0
    return scale


def standardize(X, mean, scale, starts=None):
    """``(X - mean) / scale`` in ``X``'s dtype, padding kept at zero.

    Every element goes through the same operations, so a sequence's
    result does not depend on the batch it is in.
    """
    scaled = (X - mean.astype(X.dtype)) / scale.astype(X.dtype)
    if starts is not None:
        scaled[~real_step_mask(starts, X.shape[1])] = 0
    return np.ascontiguousarray(scaled)


def standardize_each_series(X, starts=None):
    """Each sequence standardised by its own statistics, per feature.

    The z-normalisation of the UCR archive: every sequence minus its own
    mean over its real steps, divided by its own standard deviation (1 for
    a constant feature), so a sequence's level and amplitude drop out and
    only its shape is left. Needs no fitted statistics, and a sequence's
    result does not depend on the batch it is in.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Front-padded when ``starts`` is given.
    starts : ndarray of int of shape (n_samples,) or None
        First real step of each sequence.

    Returns
    -------
    ndarray of shape (n_samples, n_timesteps, n_features)
        In ``X``'s dtype, padding kept at zero.
    """
    real = np.ones(X.shape[:2], dtype=bool) if starts is None else real_step_mask(
        starts, X.shape[1])
    real = real[:, :, np.newaxis]
    values = np.where(real, X.astype(np.float64), 0.0)
    counts = real.sum(axis=1)
    mean = values.sum(axis=1) / counts
    centred = np.where(real, values - mean[:, np.newaxis, :], 0.0)
    scale = _one_where_constant(np.sqrt((centred ** 2).sum(axis=1) / counts), mean)
    return np.ascontiguousarray((centred / scale[:, np.newaxis, :]).astype(X.dtype))


def real_step_mask(starts, n_timesteps):
    """Boolean (n_samples, n_timesteps): True on each sequence's real steps."""
    return np.arange(n_timesteps)[np.newaxis, :] >= np.asarray(starts)[:, np.newaxis]
