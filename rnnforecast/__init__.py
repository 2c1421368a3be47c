"""Recurrent neural networks for scikit-learn users, on a Numba core.

Estimators take windows of a series, ``X`` of shape ``(n_samples,
n_timesteps, n_features)`` (or ``(n_samples, n_timesteps)`` for univariate
windows), and follow scikit-learn's fit / predict / score conventions.

The package's folders are its layers, imports running downward: ``_core``
(Numba kernels, cells, the network and its training step), ``_estimators``
(the scikit-learn estimators and their input handling), ``forecasting``
(windows, ``WindowForecaster``, backtests, metrics, plots) and ``io`` (the
bundled dataset, persistence, the command line).

Every public object is importable from here and from the module that
defines it: ``from rnnforecast import WindowForecaster`` or ``from
rnnforecast.forecasting.forecaster import WindowForecaster``. The optional
sktime adapter is imported from its own module,
``rnnforecast.forecasting.sktime``, which says when sktime is missing.
"""

from ._estimators.base import ConcurrentFitError
from ._estimators.gru import GRUClassifier, GRURegressor
from ._estimators.lstm import LSTMClassifier, LSTMRegressor
from ._estimators.lstm_fcn import LSTMFCNClassifier
from ._estimators.progress import config_context, get_config, set_config
from ._estimators.simple_rnn import SimpleRNNClassifier, SimpleRNNRegressor
from .ensemble import SeedAveragingClassifier, SeedAveragingRegressor
from .forecasting.backtest import BacktestResult, backtest
from .forecasting.calendar import infer_season
from .forecasting.combination import CombinedForecaster
from .forecasting.es_hybrid import ESRNNForecaster
from .forecasting.forecast_ensemble import EnsembleForecaster
from .forecasting.forecaster import WindowForecaster, default_rnn
from .forecasting.holdout import BaselineWarning
from .forecasting.metrics import (
    MetricWarning,
    coverage,
    crps,
    interval_width,
    mae,
    mape,
    mase,
    pinball_loss,
    rmse,
    smape,
)
from .forecasting.panel import Panel, read_panel
from .forecasting.plotting import ForecastDisplay, LossCurveDisplay
from .forecasting.splitters import PanelSplitter
from .forecasting.streaming import PartitionedPanel
from .forecasting.windows import make_windows
from .io.datasets import load_daily_min_temperatures
from .io.persistence import load_model, save_model, skops_trusted_types
from .preprocessing import SequenceScaler

__version__ = "0.1.0.dev0"

__all__ = [
    # estimators
    "GRUClassifier", "GRURegressor", "LSTMClassifier", "LSTMRegressor", "LSTMFCNClassifier",
    "SimpleRNNClassifier", "SimpleRNNRegressor", "ConcurrentFitError",
    "SequenceScaler", "SeedAveragingClassifier", "SeedAveragingRegressor",
    # forecasting
    "make_windows", "WindowForecaster", "EnsembleForecaster", "ESRNNForecaster",
    "CombinedForecaster",
    "default_rnn", "backtest", "BacktestResult",
    "infer_season", "read_panel", "Panel", "PartitionedPanel", "PanelSplitter",
    "BaselineWarning",
    "ForecastDisplay", "LossCurveDisplay",
    # metrics
    "mae", "rmse", "mape", "smape", "mase", "coverage", "interval_width", "pinball_loss",
    "crps", "MetricWarning",
    # settings
    "set_config", "get_config", "config_context",
    # data and persistence
    "load_daily_min_temperatures", "save_model", "load_model", "skops_trusted_types",
    "__version__",
]
