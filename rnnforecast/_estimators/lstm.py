"""The public LSTM estimators: the LSTM cell under the shared bases."""

from .classifier import BaseRecurrentClassifier
from .docstrings import LSTM_RECURRENCE, classification_example, estimator_doc, regression_example
from .regressor import BaseRecurrentRegressor


class LSTMRegressor(BaseRecurrentRegressor):
    __doc__ = estimator_doc(
        "regressor",
        "Long short-term memory (LSTM) network regressor.",
        """The same estimator as :class:`SimpleRNNRegressor` (parameters,
    attributes, training loop), with LSTM layers, which keep information
    over long sequences where a simple RNN's gradient vanishes.""",
        LSTM_RECURRENCE,
        """LSTMClassifier : The same network for classification.
SimpleRNNRegressor : The Elman cell, faster per step.""",
        regression_example("LSTMRegressor", "units=16, batch_size=32, max_iter=60, "))

    _cell = "lstm"


class LSTMClassifier(BaseRecurrentClassifier):
    __doc__ = estimator_doc(
        "classifier",
        "Long short-term memory (LSTM) network classifier.",
        """The same estimator as :class:`SimpleRNNClassifier` with LSTM layers.""",
        LSTM_RECURRENCE,
        """LSTMRegressor : The same network for regression.
SimpleRNNClassifier : The Elman cell.""",
        classification_example("LSTMClassifier", "units=16, batch_size=32, max_iter=60, "))

    _cell = "lstm"
