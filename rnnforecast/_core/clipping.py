"""Gradient clipping and the L2 penalty, on the flat gradient vector."""

import numpy as np

from .jit import kernel


@kernel
def add_l2_penalty(params, grads, penalized, strength):
    """Add ``strength / 2 * ||W||**2`` over the penalized entries.

    ``penalized`` is 1 for weight matrices and 0 for biases. Returns the
    penalty added to the loss; ``grads`` gains ``strength * W``.
    """
    total = 0.0
    for i in range(params.shape[0]):
        if penalized[i]:
            total += params[i] * params[i]
            grads[i] += strength * params[i]
    return 0.5 * strength * total


@kernel
def global_norm(grads):
    """Euclidean norm of the whole gradient vector."""
    total = 0.0
    for i in range(grads.shape[0]):
        total += grads[i] * grads[i]
    return np.sqrt(total)


@kernel
def clip_by_global_norm(grads, max_norm):
    """Rescale ``grads`` in place so its norm is at most ``max_norm``.

    Same rule as ``torch.nn.utils.clip_grad_norm_``: the factor is
    ``max_norm / (norm + 1e-6)``, applied only when it is below one.
    Returns the norm before clipping.
    """
    norm = global_norm(grads)
    factor = max_norm / (norm + 1e-6)
    if factor < 1.0:
        for i in range(grads.shape[0]):
            grads[i] *= factor
    return norm


@kernel
def clip_by_value(grads, limit):
    """Clip every entry of ``grads`` to ``[-limit, limit]`` in place."""
    for i in range(grads.shape[0]):
        if grads[i] > limit:
            grads[i] = limit
        elif grads[i] < -limit:
            grads[i] = -limit
