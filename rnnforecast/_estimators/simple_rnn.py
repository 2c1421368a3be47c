"""The public SimpleRNN estimators: the Elman cell under the shared bases."""

from .classifier import BaseRecurrentClassifier
from .docstrings import RECURRENCE, classification_example, estimator_doc, regression_example
from .regressor import BaseRecurrentRegressor


class SimpleRNNRegressor(BaseRecurrentRegressor):
    __doc__ = estimator_doc(
        "regressor",
        "Fully-connected recurrent network (Elman RNN) regressor.",
        """Trains a stack of SimpleRNN layers and a linear output head by
    backpropagation through time, minimising the mean squared error.""",
        RECURRENCE,
        """SimpleRNNClassifier : The same network for classification.
LSTMRegressor, GRURegressor : Gated cells for long dependencies.
sklearn.neural_network.MLPRegressor : Feed-forward network on flat inputs.""",
        regression_example("SimpleRNNRegressor", "units=16, max_iter=150, "))

    _cell = "simple"


class SimpleRNNClassifier(BaseRecurrentClassifier):
    __doc__ = estimator_doc(
        "classifier",
        "Fully-connected recurrent network (Elman RNN) classifier.",
        """Trains a stack of SimpleRNN layers and a logistic (two classes) or
    softmax (more) output by backpropagation through time, minimising the
    log-loss.""",
        RECURRENCE,
        """SimpleRNNRegressor : The same network for regression.
LSTMClassifier, GRUClassifier : Gated cells for long dependencies.
sklearn.neural_network.MLPClassifier : Feed-forward network on flat inputs.""",
        classification_example("SimpleRNNClassifier", "units=16, max_iter=150, "))

    _cell = "simple"
