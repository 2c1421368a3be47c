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

``quantile_loss`` also takes the quantile levels; ``make_loss`` binds them,
and ``quantile_values`` turns its head's outputs into quantiles that never
cross.
"""

import numpy as np

from .jit import kernel


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


@kernel
def absolute_error(logits, targets, weights, weight_sum, dlogits):
    """Mean absolute error, ``l_i = mean_k |z_ik - y_ik|``; its subgradient
    is 0 where the two are equal."""
    n_rows, n_outputs = logits.shape
    scale = _inverse(weight_sum) / n_outputs
    total = 0.0
    for i in range(n_rows):
        w = weights[i]
        for k in range(n_outputs):
            diff = logits[i, k] - targets[i, k]
            total += w * abs(diff)
            dlogits[i, k] = w * np.sign(diff) * scale
    return total * scale


@kernel
def quantile_values(logits, n_levels, out):
    """Non-crossing quantiles from the head's outputs: for each target
    ``j``, ``q_j0 = z_j0`` and ``q_jk = q_j(k-1) + softplus(z_jk)``.

    ``logits`` and ``out`` are (n_rows, n_targets * n_levels), each
    target's levels side by side, lowest first.
    """
    n_rows, width = logits.shape
    for i in range(n_rows):
        for start in range(0, width, n_levels):
            value = logits[i, start]
            out[i, start] = value
            for k in range(1, n_levels):
                z = logits[i, start + k]
                value += max(z, 0.0) + np.log1p(np.exp(-abs(z)))
                out[i, start + k] = value
    return out


@kernel
def quantile_loss(logits, targets, weights, weight_sum, dlogits, levels):
    """Pinball loss of the non-crossing quantiles ``quantile_values`` builds,
    averaged over targets and levels: ``tau (y - q)`` when ``y > q``, else
    ``(1 - tau)(q - y)``. ``targets`` is (n_rows, n_targets); the gradient
    flows back through the cumulative softplus."""
    n_rows, width = logits.shape
    n_levels = levels.shape[0]
    scale = _inverse(weight_sum) / width
    total = 0.0
    for i in range(n_rows):
        w = weights[i]
        for j in range(width // n_levels):
            start = j * n_levels
            y = targets[i, j]
            value = logits[i, start]
            # dL/dq for each level, then summed from the top level down:
            # z_jm moves every q_jk with k >= m.
            for k in range(n_levels):
                if k > 0:
                    z = logits[i, start + k]
                    value += max(z, 0.0) + np.log1p(np.exp(-abs(z)))
                tau = levels[k]
                if y > value:
                    total += w * tau * (y - value)
                    dlogits[i, start + k] = -w * tau * scale
                else:
                    total += w * (1.0 - tau) * (value - y)
                    dlogits[i, start + k] = w * (1.0 - tau) * scale
            above = 0.0
            for k in range(n_levels - 1, -1, -1):
                above += dlogits[i, start + k]
                if k > 0:
                    z = logits[i, start + k]
                    slope = 1.0 / (1.0 + np.exp(-z)) if z >= 0.0 else \
                        np.exp(z) / (1.0 + np.exp(z))
                    dlogits[i, start + k] = above * slope
                else:
                    dlogits[i, start] = above
    return total * scale


class QuantileLoss:
    """``quantile_loss`` at fixed ``levels``, called as the other losses are."""

    def __init__(self, levels):
        self.levels = np.asarray(levels, dtype=np.float64)

    def __call__(self, logits, targets, weights, weight_sum, dlogits):
        return quantile_loss(logits, targets, weights, weight_sum, dlogits, self.levels)


LOSSES = {
    "squared_error": squared_error,
    "absolute_error": absolute_error,
    "binary_log_loss": binary_log_loss,
    "softmax_log_loss": softmax_log_loss,
}


def make_loss(settings):
    """The loss a training step calls: ``settings["loss"]``, a key of
    ``LOSSES`` or "quantile" (at ``settings["quantiles"]``)."""
    if settings["loss"] == "quantile":
        return QuantileLoss(settings["quantiles"])
    return LOSSES[settings["loss"]]
