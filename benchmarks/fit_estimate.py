"""How close the fit-time estimate behind ``LongFitWarning`` comes to the
time an epoch takes.

For each cell and size, the estimate of one epoch
(``resources.fit_seconds(..., max_iter=1)``, at ``ASSUMED_RATE``) against the
measured mean of three epochs after a warm-up fit (batch 64, no early
stopping, no skip path). A ratio above 1 means the estimate is pessimistic:
it must stay above 1 on slower CPUs too, or the warning would stay silent
before fits that do take long; far above 1, it cries wolf.

    python benchmarks/fit_estimate.py
"""

import platform
import time
import warnings

import numpy as np

from rnnforecast import GRURegressor, LSTMRegressor, SimpleRNNRegressor
from rnnforecast._estimators import resources

CASES = [(SimpleRNNRegressor, 32, 3000, 29), (SimpleRNNRegressor, 128, 3000, 29),
         (LSTMRegressor, 64, 3000, 29), (GRURegressor, 64, 2000, 100),
         (LSTMRegressor, 128, 2000, 100), (LSTMRegressor, 8, 256, 300)]
# The last case is the LSTM-FCN network (its convolutional arm beside 8 LSTM
# cells on the shuffled series), timed at CONVOLUTION_RATE for the arm.
LSTM_FCN = dict(conv_filters=(128, 256, 128), conv_kernel_sizes=(8, 5, 3),
                dimension_shuffle=True, input_pooling=None)
EPOCHS = 3


def estimated_and_measured(cls, units, n_samples, n_timesteps):
    """Estimated and measured seconds of one epoch."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_samples, n_timesteps, 1)).astype(np.float32)
    y = X[:, -1, 0]
    arm = LSTM_FCN if units == 8 else {}
    model = cls(units=units, max_iter=EPOCHS, batch_size=64, early_stopping=False,
                n_iter_no_change=100, linear_skip=False, random_state=0, **arm)
    estimates = []
    original = resources.fit_seconds

    def recording(network, steps, samples, max_iter):
        estimates.append(original(network, steps, samples, 1))
        return original(network, steps, samples, max_iter)

    resources.fit_seconds = recording
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X[:100], y[:100])             # compile and warm up
            started = time.perf_counter()
            model.fit(X, y)
            measured = (time.perf_counter() - started) / EPOCHS
    finally:
        resources.fit_seconds = original
    return estimates[-1], measured


def main():
    print(f"{platform.processor() or platform.machine()}, ASSUMED_RATE "
          f"{resources.ASSUMED_RATE:.1e} multiply-adds/s, CONVOLUTION_RATE "
          f"{resources.CONVOLUTION_RATE:.1e}")
    print("| cell | units | N | T | estimated s/epoch | measured s/epoch | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for cls, units, n_samples, n_timesteps in CASES:
        estimate, measured = estimated_and_measured(cls, units, n_samples, n_timesteps)
        name = cls.__name__ + (" + arm" if units == 8 else "")
        print(f"| {name} | {units} | {n_samples} | {n_timesteps} | {estimate:.3f} | "
              f"{measured:.3f} | {estimate / measured:.1f} |")


if __name__ == "__main__":
    main()
