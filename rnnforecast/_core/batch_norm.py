"""Batch normalisation over time, per channel, on time-major batches; and
the ReLU that follows it in a convolutional block.

Training normalises each channel ``c`` by the mean and variance of its
values over the real steps of every sequence ``s`` in the batch, each step
weighing its sequence's sample weight ``w_s`` (padding steps, before a
sequence's first real step, count for nothing and stay zero). With
``W = sum w_s`` over real steps:

    mu_c = sum w_s Z[t, s, c] / W,    var_c = sum w_s (Z[t, s, c] - mu_c)^2 / W
    Zhat = (Z - mu_c) / sqrt(var_c + eps),    Y = gamma_c Zhat + beta_c

so a sample of weight 2 counts as the same sample twice, as scikit-learn
reads sample weights (all weights one: torch's ``BatchNorm1d``). The
running statistics prediction uses move towards them (``momentum=0.1``; the
running variance is the unbiased ``var_c W / (W - 1)``):

    running = (1 - momentum) running + momentum batch

Prediction reads the running statistics, so each sequence's output depends
on it alone. The backward pass, from the loss's gradient ``dY``:

    dgamma_c = sum dY Zhat,    dbeta_c = sum dY
    dZ[t, s] = gamma_c / sqrt(var_c + eps) (dY - w_s / W (dbeta_c + Zhat dgamma_c))
"""

import numpy as np

from .jit import kernel


@kernel
def is_padding(t, s, starts):
    """Whether step ``t`` of sequence ``s`` comes before its first real step."""
    return starts.size > 0 and t < starts[s]


@kernel
def sample_weight(weights, s):
    """Sequence ``s``'s weight; one for all when ``weights`` is empty."""
    return weights[s] if weights.size > 0 else 1.0


@kernel
def batch_norm_forward(Z, starts, weights, gamma, beta, eps, Zhat, statistics, Y):
    """Training: normalise ``Z`` by the batch's statistics.

    Parameters
    ----------
    Z : ndarray of shape (n_timesteps, batch, channels)
    starts : ndarray of int of shape (batch,) or (0,)
        First real step of each sequence; empty when none is padded.
    weights : ndarray of shape (batch,) or (0,)
        Sample weight of each sequence; empty for all one.
    gamma, beta : ndarray of shape (channels,)
    eps : float
    Zhat : ndarray of shape (n_timesteps, batch, channels)
        Output: the normalised values (zero on padding), kept for backward.
    statistics : ndarray of shape (3, channels)
        Output: the batch's mean, variance and ``1 / sqrt(var + eps)``.
    Y : ndarray of shape (n_timesteps, batch, channels)
        Output: ``gamma Zhat + beta``, zero on padding.
    """
    n_timesteps, batch, channels = Z.shape
    count = weighted_step_count(starts, weights, n_timesteps, batch)
    mean = np.zeros(channels)
    square = np.zeros(channels)
    for t in range(n_timesteps):
        for s in range(batch):
            if not is_padding(t, s, starts):
                w = sample_weight(weights, s)
                for c in range(channels):
                    mean[c] += w * Z[t, s, c]
    mean /= count
    for t in range(n_timesteps):
        for s in range(batch):
            if not is_padding(t, s, starts):
                w = sample_weight(weights, s)
                for c in range(channels):
                    square[c] += w * (Z[t, s, c] - mean[c]) ** 2
    for c in range(channels):
        statistics[0, c] = mean[c]
        statistics[1, c] = square[c] / count
        statistics[2, c] = 1.0 / np.sqrt(square[c] / count + eps)
    _normalise(Z, starts, statistics[0], statistics[2], gamma, beta, Zhat, Y)


@kernel
def batch_norm_predict(Z, starts, running, gamma, beta, eps, Y):
    """Prediction: normalise ``Z`` by the running statistics ``running``
    (2, channels), mean then variance; ``Y`` zero on padding."""
    channels = Z.shape[2]
    inverse = np.empty(channels, dtype=running.dtype)
    for c in range(channels):
        inverse[c] = 1.0 / np.sqrt(running[1, c] + eps)
    _normalise(Z, starts, running[0], inverse, gamma, beta, Y, Y)


@kernel
def _normalise(Z, starts, mean, inverse, gamma, beta, Zhat, Y):
    """``Zhat = (Z - mean) inverse`` and ``Y = gamma Zhat + beta``, both
    zero on padding (``Zhat`` may be ``Y`` itself)."""
    n_timesteps, batch, channels = Z.shape
    for t in range(n_timesteps):
        for s in range(batch):
            padding = is_padding(t, s, starts)
            for c in range(channels):
                if padding:
                    Zhat[t, s, c] = 0.0
                    Y[t, s, c] = 0.0
                else:
                    normalised = (Z[t, s, c] - mean[c]) * inverse[c]
                    Zhat[t, s, c] = normalised
                    Y[t, s, c] = gamma[c] * normalised + beta[c]


@kernel
def update_running_statistics(running, statistics, count, momentum):
    """Move ``running`` (mean, variance) towards a batch's ``statistics``
    (mean, variance, as ``batch_norm_forward`` wrote them), computed over
    real steps of total weight ``count``."""
    unbiased = count / max(count - 1.0, 1.0)
    for c in range(running.shape[1]):
        running[0, c] = (1.0 - momentum) * running[0, c] + momentum * statistics[0, c]
        running[1, c] = ((1.0 - momentum) * running[1, c]
                         + momentum * statistics[1, c] * unbiased)


@kernel
def batch_norm_backward(dY, Zhat, starts, weights, statistics, gamma, dZ, dgamma, dbeta):
    """Gradients of ``batch_norm_forward`` (see the module docstring);
    ``dZ`` is zero on padding."""
    n_timesteps, batch, channels = dY.shape
    count = weighted_step_count(starts, weights, n_timesteps, batch)
    dgamma[:] = 0.0
    dbeta[:] = 0.0
    for t in range(n_timesteps):
        for s in range(batch):
            if not is_padding(t, s, starts):
                for c in range(channels):
                    dgamma[c] += dY[t, s, c] * Zhat[t, s, c]
                    dbeta[c] += dY[t, s, c]
    for t in range(n_timesteps):
        for s in range(batch):
            padding = is_padding(t, s, starts)
            share = sample_weight(weights, s) / count
            for c in range(channels):
                if padding:
                    dZ[t, s, c] = 0.0
                else:
                    centred = dY[t, s, c] - share * (dbeta[c] + Zhat[t, s, c] * dgamma[c])
                    dZ[t, s, c] = gamma[c] * centred * statistics[2, c]


@kernel
def relu_in_place(Y):
    """``Y = max(Y, 0)``, elementwise."""
    flat = Y.reshape(Y.size)
    for i in range(flat.size):
        if flat[i] < 0.0:
            flat[i] = 0.0


@kernel
def relu_backward_in_place(dY, Y):
    """``dY *= (Y > 0)``: the ReLU's gradient read from its output ``Y``."""
    gradient, output = dY.reshape(dY.size), Y.reshape(Y.size)
    for i in range(gradient.size):
        if output[i] <= 0.0:
            gradient[i] = 0.0


@kernel
def weighted_step_count(starts, weights, n_timesteps, batch):
    """Total weight of a batch's real (not padding) steps, each weighing its
    sequence's weight (one when ``weights`` is empty)."""
    total = 0.0
    for s in range(batch):
        real = n_timesteps - (starts[s] if starts.size > 0 else 0)
        total += sample_weight(weights, s) * real
    return total
