"""Kernels moving samples between sample-major storage and time-major batches.

Estimators store ``X`` sample-major, ``(n_samples, n_timesteps, n_features)``,
as users give it; the recurrent kernels want each batch time-major,
``(n_timesteps, batch, n_features)``, so a time step is one contiguous slab.
"""

from .jit import kernel


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


@kernel
def mirrored_step(t, b, starts, n_timesteps):
    """The step that step ``t`` of sequence ``b`` becomes when its real steps
    are read backwards; steps before the sequence's start map to themselves.

    Real steps run from ``starts[b]`` (0 when ``starts`` is empty) to the
    last step, so the mirror keeps front padding in front.
    """
    first = starts[b] if starts.shape[0] > 0 else 0
    return t if t < first else first + n_timesteps - 1 - t


@kernel
def reverse_steps(A, starts, out, accumulate=False):
    """``out[t, b] = A[mirrored_step(t, b), b]`` over every feature, or
    ``+=`` with ``accumulate``."""
    n_timesteps, batch, width = A.shape
    for t in range(n_timesteps):
        for b in range(batch):
            source = A[mirrored_step(t, b, starts, n_timesteps), b]
            target = out[t, b]
            if accumulate:
                for k in range(width):
                    target[k] += source[k]
            else:
                for k in range(width):
                    target[k] = source[k]


@kernel
def join_directions(H_forward, H_reverse, starts, out):
    """``out[t, b] = [H_forward[t, b], H_reverse[mirrored_step(t, b), b]]``:
    both directions' states for the same input step, side by side."""
    n_timesteps, batch, units = H_forward.shape
    for t in range(n_timesteps):
        for b in range(batch):
            forward, target = H_forward[t, b], out[t, b]
            reverse = H_reverse[mirrored_step(t, b, starts, n_timesteps), b]
            for u in range(units):
                target[u] = forward[u]
            for u in range(units):
                target[units + u] = reverse[u]


@kernel
def split_directions(dO, starts, dH_forward, dH_reverse):
    """The inverse of ``join_directions``, for gradients."""
    n_timesteps, batch, units = dH_forward.shape
    for t in range(n_timesteps):
        for b in range(batch):
            source, forward = dO[t, b], dH_forward[t, b]
            reverse = dH_reverse[mirrored_step(t, b, starts, n_timesteps), b]
            for u in range(units):
                forward[u] = source[u]
            for u in range(units):
                reverse[u] = source[units + u]



@kernel
def shuffle_dimensions(X, starts, out):
    """``out[f, b, t] = X[t, b, f]``: LSTM-FCN's dimension shuffle, each
    feature becoming a step whose inputs are the whole series; padding
    steps (before ``starts[b]``, empty for none) read as zeros."""
    n_timesteps, batch, width = X.shape
    for f in range(width):
        for b in range(batch):
            for t in range(n_timesteps):
                padding = starts.size > 0 and t < starts[b]
                out[f, b, t] = 0.0 if padding else X[t, b, f]
