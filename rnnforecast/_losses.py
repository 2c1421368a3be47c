"""Losses of the output head, as Numba kernels.

Each loss kernel takes the head's raw outputs ``logits`` of shape
``(n_rows, n_outputs)``, the ``targets`` of the same shape (for the
softmax loss, one column holding the class index), a weight per row, and
writes the gradient with respect to ``logits`` into ``dlogits``. It returns
the weighted mean loss ``sum_i w_i l_i / sum_i w_i``, so integer weights are
equivalent to repeated rows. A batch whose weights are all zero has loss 0
and zero gradient.
"""

import numpy as np

from ._jit import kernel


@kernel
def _weight_sum(weights):
    total = 0.0
    for i in range(weights.shape[0]):
        total += weights[i]
    return total


@kernel
def squared_error(logits, targets, weights, dlogits):
    """Half the mean squared error, ``l_i = mean_k (z_ik - y_ik)**2 / 2``."""
    n_rows, n_outputs = logits.shape
    weight_sum = _weight_sum(weights)
    if weight_sum <= 0.0:
        dlogits[:] = 0.0
        return 0.0
    scale = 1.0 / (weight_sum * n_outputs)
    total = 0.0
    for i in range(n_rows):
        w = weights[i]
        for k in range(n_outputs):
            diff = logits[i, k] - targets[i, k]
            total += w * diff * diff
            dlogits[i, k] = w * diff * scale
    return 0.5 * total * scale


@kernel
def binary_log_loss(logits, targets, weights, dlogits):
    """Logistic loss on one logit per row: ``softplus(z) - y z``."""
    n_rows = logits.shape[0]
    weight_sum = _weight_sum(weights)
    if weight_sum <= 0.0:
        dlogits[:] = 0.0
        return 0.0
    total = 0.0
    for i in range(n_rows):
        z = logits[i, 0]
        y = targets[i, 0]
        softplus = max(z, 0.0) + np.log1p(np.exp(-abs(z)))
        if z >= 0.0:
            p = 1.0 / (1.0 + np.exp(-z))
        else:
            e = np.exp(z)
            p = e / (1.0 + e)
        total += weights[i] * (softplus - y * z)
        dlogits[i, 0] = weights[i] * (p - y) / weight_sum
    return total / weight_sum


@kernel
def softmax_log_loss(logits, targets, weights, dlogits):
    """Cross-entropy of the softmax; ``targets[:, 0]`` holds class indices."""
    n_rows, n_classes = logits.shape
    weight_sum = _weight_sum(weights)
    if weight_sum <= 0.0:
        dlogits[:] = 0.0
        return 0.0
    total = 0.0
    for i in range(n_rows):
        top = logits[i, 0]
        for k in range(1, n_classes):
            top = max(top, logits[i, k])
        exp_sum = 0.0
        for k in range(n_classes):
            e = np.exp(logits[i, k] - top)
            dlogits[i, k] = e
            exp_sum += e
        label = int(targets[i, 0])
        total += weights[i] * (np.log(exp_sum) + top - logits[i, label])
        scale = weights[i] / weight_sum
        for k in range(n_classes):
            dlogits[i, k] = scale * dlogits[i, k] / exp_sum
        dlogits[i, label] -= scale
    return total / weight_sum


LOSSES = {
    "squared_error": squared_error,
    "binary_log_loss": binary_log_loss,
    "softmax_log_loss": softmax_log_loss,
}
