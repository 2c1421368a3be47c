"""Scores of regressors trained on the absolute or the pinball loss.

R² judges the squared loss by how much of the variance around the mean a
model explains. Its counterpart for a quantile ``tau`` is the pinball skill
``1 - L(model) / L(constant)``: the model's mean pinball loss against that
of the best constant, the ``tau``-quantile of the targets (for the
absolute loss, ``tau = 0.5``: the median). 1 is perfect, 0 no better than
the constant, as with R².
"""

import numpy as np


def pinball(targets, values, level, weights=None):
    """Weighted mean pinball loss of ``values`` at ``level``; arrays of one
    shape (n_rows, ...), ``weights`` per row."""
    error = targets - values
    loss = np.maximum(level * error, (level - 1) * error)
    loss = loss.reshape(len(loss), -1).mean(axis=1)
    return float(np.average(loss, weights=weights))


def weighted_quantile(values, level, weights=None):
    """The ``level``-quantile of each column of ``values`` (n_rows, k), with
    row ``weights``: the smallest value whose weight share below and at it
    reaches ``level``."""
    weights = np.ones(len(values)) if weights is None else np.asarray(weights, float)
    out = np.empty(values.shape[1])
    for column in range(values.shape[1]):
        order = np.argsort(values[:, column], kind="stable")
        share = np.cumsum(weights[order]) / weights.sum()
        out[column] = values[order, column][np.searchsorted(share, level)]
    return out


def pinball_skill(targets, values, levels, weights=None):
    """Mean pinball skill over ``levels``.

    ``targets`` (n_rows, n_targets); ``values`` (n_rows, n_targets,
    n_levels), level ``k`` of every target in ``values[:, :, k]``.
    """
    skills = []
    for k, level in enumerate(levels):
        constant = weighted_quantile(targets, level, weights)
        best = pinball(targets, np.broadcast_to(constant, targets.shape), level, weights)
        loss = pinball(targets, values[:, :, k], level, weights)
        skills.append(1.0 - loss / best if best > 0 else float(loss == 0))
    return float(np.mean(skills))
