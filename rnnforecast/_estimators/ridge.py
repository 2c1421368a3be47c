"""The regressors' linear skip path: weighted ridge regression, and a
batch-invariant product to apply it."""

import numpy as np

from .._core.matmul import fixed_order_product

# Ridge penalty of the skip path, on standardised windows and targets (as
# sklearn's Ridge with sample weights). Chosen over sklearn's default 1.0 (same
# geometric mean over the accuracy suite, but up to 6% worse than least
# squares on a series where that wins) and over a penalty chosen per fit by
# leave-one-out error (too little shrinkage on overlapping windows):
# benchmarks/README.md, "Accuracy".
SKIP_RIDGE = 0.1


def ridge_fit(X, Y, weights, alpha=SKIP_RIDGE):
    """Weighted ridge regression with an unpenalised intercept.

    Minimises ``sum_i w_i |y_i - x_i coef - intercept|^2 + alpha |coef|^2``,
    as sklearn's ``Ridge(alpha)`` with ``sample_weight``: weighting a sample
    by 2 equals repeating it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_inputs)
    Y : ndarray of shape (n_samples, n_outputs)
    weights : ndarray of shape (n_samples,)
    alpha : float

    Returns
    -------
    coef : ndarray of shape (n_inputs, n_outputs), float64
    intercept : ndarray of shape (n_outputs,), float64
    """
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    w = weights.astype(np.float64)
    X_mean, Y_mean = w @ X / w.sum(), w @ Y / w.sum()
    Xc, Yc = X - X_mean, Y - Y_mean
    weighted = Xc * w[:, np.newaxis]
    coef = np.linalg.solve(weighted.T @ Xc + alpha * np.eye(X.shape[1]), weighted.T @ Yc)
    return coef, Y_mean - X_mean @ coef


def rowwise_product(X, coef):
    """``X @ coef`` in float64 with each row's result independent of the
    other rows (a BLAS product may round a row differently in another
    batch): every element summed in a fixed order, as the network's
    prediction products are."""
    out = np.empty((X.shape[0], coef.shape[1]))
    fixed_order_product(X, coef, out)
    return out
