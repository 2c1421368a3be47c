"""The public GRU estimators: the GRU cell under the shared bases."""

from .classifier import BaseRecurrentClassifier
from .docstrings import GRU_RECURRENCE, classification_example, estimator_doc, regression_example
from .regressor import BaseRecurrentRegressor


class GRURegressor(BaseRecurrentRegressor):
    __doc__ = estimator_doc(
        "regressor",
        "Gated recurrent unit (GRU) network regressor.",
        """The same estimator as :class:`SimpleRNNRegressor` (parameters,
    attributes, training loop), with GRU layers, which keep information
    over long sequences like an LSTM with fewer weights.""",
        GRU_RECURRENCE,
        """GRUClassifier : The same network for classification.
LSTMRegressor : The LSTM cell.""",
        regression_example("GRURegressor", "units=16, batch_size=32, max_iter=60, "))

    _cell = "gru"


class GRUClassifier(BaseRecurrentClassifier):
    __doc__ = estimator_doc(
        "classifier",
        "Gated recurrent unit (GRU) network classifier.",
        """The same estimator as :class:`SimpleRNNClassifier` with GRU layers.""",
        GRU_RECURRENCE,
        """GRURegressor : The same network for regression.
LSTMClassifier : The LSTM cell.""",
        classification_example("GRUClassifier", "units=16, batch_size=32, max_iter=60, "))

    _cell = "gru"
