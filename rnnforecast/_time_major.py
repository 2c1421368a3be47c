"""Kernels moving samples between sample-major storage and time-major batches.

Estimators store ``X`` sample-major, ``(n_samples, n_timesteps, n_features)``,
as users give it; the recurrent kernels want each batch time-major,
``(n_timesteps, batch, n_features)``, so a time step is one contiguous slab.
"""

from ._jit import kernel


@kernel
def gather_time_major(X, rows, out):
    """``out[t, i] = X[rows[i], t]`` for a batch of sample indices ``rows``."""
    n_timesteps, n_features = X.shape[1], X.shape[2]
    for i in range(rows.shape[0]):
        source = X[rows[i]]
        for t in range(n_timesteps):
            for f in range(n_features):
                out[t, i, f] = source[t, f]


@kernel
def scatter_sample_major(values, start, out):
    """``out[start + i, t] = values[t, i]``: the inverse of the gather."""
    n_timesteps, batch, width = values.shape
    for i in range(batch):
        for t in range(n_timesteps):
            for k in range(width):
                out[start + i, t, k] = values[t, i, k]


@kernel
def multiply_by_step_mask(X, mask, out):
    """``out[t, b, f] = X[t, b, f] * mask[b, f]``: one mask for all steps."""
    n_timesteps, batch, n_features = X.shape
    for t in range(n_timesteps):
        for b in range(batch):
            for f in range(n_features):
                out[t, b, f] = X[t, b, f] * mask[b, f]
