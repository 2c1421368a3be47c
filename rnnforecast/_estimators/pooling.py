"""Averaging blocks of time steps before the recurrent layers.

A recurrent network reading a 1,460-step series must carry what it learns
across 1,460 steps, through as many products; averaging blocks of ``k``
consecutive steps shortens that path ``k`` times, and the cost with it
(Keras users put ``AveragePooling1D`` before their LSTM for the same
reason). Blocks are aligned at each sequence's last step, so the most
recent steps are never mixed with padding; a block that is partly padding
averages its real steps only.
"""

from math import ceil

import numpy as np

from .scaling import real_step_mask

# input_pooling="auto" picks the smallest block that leaves at most this many
# steps: 427 -> blocks of 5, 1,460 -> 15, windows of 29 -> no pooling
# (benchmarks/README.md, "Classification").
AUTO_POOLED_STEPS = 100


def pool_size(n_timesteps, setting):
    """Steps per block for ``input_pooling=setting`` on ``n_timesteps`` steps."""
    if setting is None:
        return 1
    if setting == "auto":
        return max(1, ceil(n_timesteps / AUTO_POOLED_STEPS))
    return int(setting)


def pooled_length(n_timesteps, k):
    """Steps left after pooling ``n_timesteps`` steps in blocks of ``k``."""
    return ceil(n_timesteps / k)


def average_pool(X, starts, k):
    """Average blocks of ``k`` steps, aligned at the last step.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Front-padded when ``starts`` is given.
    starts : ndarray of int of shape (n_samples,) or None
        First real step of each sequence.
    k : int

    Returns
    -------
    pooled : ndarray of shape (n_samples, ceil(n_timesteps / k), n_features)
        Of ``X``'s dtype.
    pooled_starts : ndarray of int of shape (n_samples,) or None
        First block holding a real step.
    """
    if k == 1:
        return X, starts
    n_samples, n_timesteps, n_features = X.shape
    n_blocks = pooled_length(n_timesteps, k)
    pad = n_blocks * k - n_timesteps
    real = (np.ones((n_samples, n_timesteps), dtype=bool) if starts is None
            else real_step_mask(starts, n_timesteps))
    values = np.zeros((n_samples, n_blocks * k, n_features), dtype=np.float64)
    values[:, pad:] = np.where(real[:, :, np.newaxis], X, 0.0)
    counts = np.zeros((n_samples, n_blocks * k))
    counts[:, pad:] = real
    sums = values.reshape(n_samples, n_blocks, k, n_features).sum(axis=2)
    counts = counts.reshape(n_samples, n_blocks, k).sum(axis=2)
    pooled = sums / np.maximum(counts, 1)[:, :, np.newaxis]
    pooled_starts = None if starts is None else (np.asarray(starts) + pad) // k
    return np.ascontiguousarray(pooled, dtype=X.dtype), pooled_starts
