"""Invertible transforms of a forecasting target: log and Box-Cox.

A ``WindowForecaster`` applies its ``target_transform`` to the raw target
before it standardises the series, and undoes it on forecasts, so a log
never sees the negative numbers standardisation produces. Both transforms
need positive values and refuse others with a message, rather than
returning NaN.
"""

import numpy as np
from scipy import stats


class TargetTransform:
    """A fitted transform: ``forward`` and ``inverse`` over arrays.

    Parameters
    ----------
    kind : {"log", "boxcox"} or None
        None is the identity.
    lmbda : float, default=None
        Box-Cox's lambda.
    """

    def __init__(self, kind=None, lmbda=None):
        self.kind = kind
        self.lmbda = lmbda

    def forward(self, values):
        values = np.asarray(values, dtype=float)
        if self.kind is None:
            return values
        check_positive(values, self.kind)
        if self.kind == "log" or self.lmbda == 0:
            return np.log(values)
        return (values ** self.lmbda - 1) / self.lmbda

    def inverse(self, values):
        values = np.asarray(values, dtype=float)
        if self.kind is None:
            return values
        if self.kind == "log" or self.lmbda == 0:
            return np.exp(values)
        # Values whose Box-Cox preimage does not exist (1 + lambda * v <= 0)
        # map to the boundary 0 instead of NaN.
        base = np.maximum(1 + self.lmbda * values, 0.0)
        return base ** (1 / self.lmbda)


def fit_target_transform(kind, y):
    """The transform ``kind`` fitted on the training target ``y``."""
    if kind == "boxcox":
        y = np.asarray(y, dtype=float)
        check_positive(y, kind)
        if np.ptp(y) == 0:
            return TargetTransform("log")
        return TargetTransform(kind, float(stats.boxcox_normmax(y, method="mle")))
    return TargetTransform(kind)


def check_positive(values, kind):
    if not (values > 0).all():
        raise ValueError(
            f"target_transform={kind!r} needs positive target values; the smallest "
            f"is {np.min(values):.6g}. Shift the series (e.g. y + c), or use "
            "target_transform=None.")
