"""Losses of the output head, as Numba kernels.

Each loss kernel takes the head's raw outputs ``logits`` of shape
``(n_rows, n_outputs)``, the ``targets`` of the same shape (for the
softmax loss, one column holding the class index), a weight per row and
``weight_sum``, the total row weight of the whole minibatch (a kernel may
see only a shard of it). It writes the gradient with respect to ``logits``
into ``dlogits`` and returns this shard's part of the weighted mean loss
``sum_i w_i l_i / weight_sum``, so integer weights are equivalent to
repeated rows. A minibatch whose weights are all zero has loss 0 and zero
gradient.
"""

import numpy as np

from ._jit import kernel


@kernel
def _inverse(weight_sum):
    return 1.0 / weight_sum if weight_sum > 0.0 else 0.0


@kernel
def squared_error(logits, targets, weights, weight_sum, dlogits):
    """Half the mean squared error, ``l_i = mean_k (z_ik - y_ik)**2 / 2``."""
    n_rows, n_outputs = logits.shape
    scale = _inverse(weight_sum) / n_outputs
    total = 0.0
    for i in range(n_rows):
        w = weights[i]
        for k in range(n_outputs):
            diff = logits[i, k] - targets[i, k]
            total += w * diff * diff
            dlogits[i, k] = w * diff * scale
    return 0.5 * total * scale


@kernel
def binary_log_loss(logits, targets, weights, weight_sum, dlogits):
    """Logistic loss on one logit per row: ``softplus(z) - y z``."""
    scale = _inverse(weight_sum)
    total = 0.0
    for i in range(logits.shape[0]):
        z = logits[i, 0]
        y = targets[i, 0]
        softplus = max(z, 0.0) + np.log1p(np.exp(-abs(z)))
        if z >= 0.0:
            p = 1.0 / (1.0 + np.exp(-z))
        else:
            e = np.exp(z)
            p = e / (1.0 + e)
        total += weights[i] * (softplus - y * z)
        dlogits[i, 0] = weights[i] * (p - y) * scale
    return total * scale


@kernel
def softmax_log_loss(logits, targets, weights, weight_sum, dlogits):
    """Cross-entropy of the softmax; ``targets[:, 0]`` holds class indices."""
    n_rows, n_classes = logits.shape
    scale = _inverse(weight_sum)
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
        row_scale = weights[i] * scale
        for k in range(n_classes):
            dlogits[i, k] = row_scale * dlogits[i, k] / exp_sum
        dlogits[i, label] -= row_scale
    return total * scale


LOSSES = {
    "squared_error": squared_error,
    "binary_log_loss": binary_log_loss,
    "softmax_log_loss": softmax_log_loss,
}
