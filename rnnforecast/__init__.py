"""Recurrent neural networks for scikit-learn users, on a Numba core.

Estimators take windows of a series, ``X`` of shape ``(n_samples,
n_timesteps, n_features)`` (or ``(n_samples, n_timesteps)`` for univariate
windows), and follow scikit-learn's fit / predict / score conventions.
"""

from ._base import ConcurrentFitError
from ._gru import GRUClassifier, GRURegressor
from ._lstm import LSTMClassifier, LSTMRegressor
from ._simple_rnn import SimpleRNNClassifier, SimpleRNNRegressor

__version__ = "0.1.0.dev0"

__all__ = ["ConcurrentFitError", "GRUClassifier", "GRURegressor", "LSTMClassifier", "LSTMRegressor",
           "SimpleRNNClassifier", "SimpleRNNRegressor", "__version__"]
