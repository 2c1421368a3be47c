"""Recurrent neural networks for scikit-learn users, on a Numba core.

Estimators take windows of a series, ``X`` of shape ``(n_samples,
n_timesteps, n_features)`` (or ``(n_samples, n_timesteps)`` for univariate
windows), and follow scikit-learn's fit / predict / score conventions.

The package's folders are its layers, imports running downward: ``_core``
(Numba kernels, cells, the network and its training step), ``_estimators``
(the scikit-learn estimators and their input handling; the public ones are
exported here, with ``preprocessing`` and ``ensemble`` beside them),
``forecasting`` (windows, ``WindowForecaster``, backtests, metrics, plots)
and ``io`` (the bundled dataset, persistence, the command line).
"""

from . import _aliases
from ._estimators.base import ConcurrentFitError
from ._estimators.gru import GRUClassifier, GRURegressor
from ._estimators.lstm import LSTMClassifier, LSTMRegressor
from ._estimators.simple_rnn import SimpleRNNClassifier, SimpleRNNRegressor

_aliases.install()

__version__ = "0.1.0.dev0"

__all__ = ["ConcurrentFitError", "GRUClassifier", "GRURegressor", "LSTMClassifier", "LSTMRegressor",
           "SimpleRNNClassifier", "SimpleRNNRegressor", "__version__"]
