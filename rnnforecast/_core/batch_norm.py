"""Batch normalisation over time, per channel, on time-major batches; and
the ReLU that follows it in a convolutional block.

Training normalises each channel ``c`` by the mean and variance of its
values over the ``N`` real steps of every sequence in the batch (padding
steps, before a sequence's first real step, count for nothing and stay
zero):

    mu_c = sum Z[t, s, c] / N,    var_c = sum (Z[t, s, c] - mu_c)^2 / N
    Zhat = (Z - mu_c) / sqrt(var_c + eps),    Y = gamma_c Zhat + beta_c

and moves the running statistics prediction uses towards them, as torch's
``BatchNorm1d`` does (``momentum=0.1``; the running variance is the unbiased
``var_c N / (N - 1)``):

    running = (1 - momentum) running + momentum batch

Prediction reads the running statistics, so each sequence's output depends
on it alone. The backward pass, with ``dZhat = dY gamma``:

    dgamma_c = sum dY Zhat,    dbeta_c = sum dY
    dZ = (dZhat - mean(dZhat) - Zhat mean(dZhat Zhat)) / sqrt(var_c + eps)

the means over the same ``N`` real steps.
"""

import numpy as np

from .jit import kernel


@kernel
def is_padding(t, s, starts):
    """Whether step ``t`` of sequence ``s`` comes before its first real step."""
    return starts.size > 0 and t < starts[s]


@kernel
def batch_norm_forward(Z, starts, gamma, beta, eps, Zhat, statistics, Y):
    """Training: normalise ``Z`` by the batch's statistics.

    Parameters
    ----------
    Z : ndarray of shape (n_timesteps, batch, channels)
    starts : ndarray of int of shape (batch,) or (0,)
        First real step of each sequence; empty when none is padded.
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
    count = real_step_count(starts, n_timesteps, batch)
    mean = np.zeros(channels)
    square = np.zeros(channels)
    for t in range(n_timesteps):
        for s in range(batch):
            if not is_padding(t, s, starts):
                mean += Z[t, s]
    mean /= count
    for t in range(n_timesteps):
        for s in range(batch):
            if not is_padding(t, s, starts):
                for c in range(channels):
                    square[c] += (Z[t, s, c] - mean[c]) ** 2
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
    ``count`` real steps."""
    unbiased = count / max(count - 1.0, 1.0)
    for c in range(running.shape[1]):
        running[0, c] = (1.0 - momentum) * running[0, c] + momentum * statistics[0, c]
        running[1, c] = ((1.0 - momentum) * running[1, c]
                         + momentum * statistics[1, c] * unbiased)


@kernel
def batch_norm_backward(dY, Zhat, starts, statistics, gamma, dZ, dgamma, dbeta):
    """Gradients of ``batch_norm_forward`` (see the module docstring);
    ``dZ`` is zero on padding."""
    n_timesteps, batch, channels = dY.shape
    count = real_step_count(starts, n_timesteps, batch)
    dgamma[:] = 0.0
    dbeta[:] = 0.0
    for t in range(n_timesteps):
        for s in range(batch):
            if not is_padding(t, s, starts):
                for c in range(channels):
                    dgamma[c] += dY[t, s, c] * Zhat[t, s, c]
                    dbeta[c] += dY[t, s, c]
    # mean(dZhat) = gamma dbeta / N and mean(dZhat Zhat) = gamma dgamma / N.
    for t in range(n_timesteps):
        for s in range(batch):
            padding = is_padding(t, s, starts)
            for c in range(channels):
                if padding:
                    dZ[t, s, c] = 0.0
                else:
                    centred = (dY[t, s, c] - dbeta[c] / count
                               - Zhat[t, s, c] * dgamma[c] / count)
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
def real_step_count(starts, n_timesteps, batch):
    """Number of real (not padding) steps in a batch, as a float."""
    if starts.size == 0:
        return float(n_timesteps * batch)
    total = 0
    for s in range(batch):
        total += n_timesteps - starts[s]
    return float(total)
