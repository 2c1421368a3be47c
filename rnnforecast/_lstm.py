"""The public LSTM estimators: the LSTM cell under the shared bases."""

from ._classifier import BaseRecurrentClassifier
from ._docstrings import ATTRIBUTES, COMMON_PARAMETERS, LSTM_RECURRENCE, PARAMETERS
from ._docstrings import indent as _indent
from ._regressor import BaseRecurrentRegressor


class LSTMRegressor(BaseRecurrentRegressor):
    __doc__ = f"""Long short-term memory (LSTM) network regressor.

    The same estimator as :class:`SimpleRNNRegressor` (parameters,
    attributes, training loop), with LSTM layers, which keep information
    over long sequences where a simple RNN's gradient vanishes.

{_indent(LSTM_RECURRENCE)}

    Parameters
    ----------
{_indent(PARAMETERS)}

{_indent(COMMON_PARAMETERS)}

    Attributes
    ----------
{_indent(ATTRIBUTES)}

    See Also
    --------
    LSTMClassifier : The same network for classification.
    SimpleRNNRegressor : The Elman cell, faster per step.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnforecast import LSTMRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 10))
    >>> y = X[:, -3:].sum(axis=1)
    >>> model = LSTMRegressor(units=16, batch_size=32, max_iter=60, random_state=0)
    >>> model.fit(X, y).score(X, y) > 0.9
    True
    """

    _cell = "lstm"


class LSTMClassifier(BaseRecurrentClassifier):
    __doc__ = f"""Long short-term memory (LSTM) network classifier.

    The same estimator as :class:`SimpleRNNClassifier` with LSTM layers.

{_indent(LSTM_RECURRENCE)}

    Parameters
    ----------
{_indent(PARAMETERS)}

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, multiplied into
        ``sample_weight``. Not supported with ``return_sequences=True``.

{_indent(COMMON_PARAMETERS)}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.

{_indent(ATTRIBUTES)}

    See Also
    --------
    LSTMRegressor : The same network for regression.
    SimpleRNNClassifier : The Elman cell.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnforecast import LSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 10))
    >>> y = np.where(X[:, -2:].sum(axis=1) > 0, "up", "down")
    >>> model = LSTMClassifier(units=16, batch_size=32, max_iter=60, random_state=0)
    >>> model.fit(X, y).score(X, y) > 0.9
    True
    """

    _cell = "lstm"
