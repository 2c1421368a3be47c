"""The public SimpleRNN estimators: the Elman cell under the shared bases."""

from ._classifier import BaseRecurrentClassifier
from ._docstrings import ATTRIBUTES, COMMON_PARAMETERS, PARAMETERS, RECURRENCE
from ._docstrings import indent as _indent
from ._regressor import BaseRecurrentRegressor


class SimpleRNNRegressor(BaseRecurrentRegressor):
    __doc__ = f"""Fully-connected recurrent network (Elman RNN) regressor.

    Trains a stack of SimpleRNN layers and a linear output head by
    backpropagation through time, minimising the mean squared error.

{_indent(RECURRENCE)}

    Parameters
    ----------
{_indent(PARAMETERS)}

{_indent(COMMON_PARAMETERS)}

    Attributes
    ----------
{_indent(ATTRIBUTES)}

    See Also
    --------
    SimpleRNNClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : Feed-forward network on flat inputs.

    Notes
    -----
    ``X`` is ``(n_samples, n_timesteps, n_features)``, or ``(n_samples,
    n_timesteps)`` for univariate windows. ``y`` is ``(n_samples,)`` or
    ``(n_samples, n_outputs)``; with ``return_sequences=True`` it is
    ``(n_samples, n_timesteps)`` or ``(n_samples, n_timesteps, n_outputs)``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnforecast import SimpleRNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 10))
    >>> y = X[:, -3:].sum(axis=1)
    >>> model = SimpleRNNRegressor(units=16, max_iter=150, random_state=0)
    >>> model.fit(X, y).score(X, y) > 0.9
    True
    >>> model.predict(X[:2]).shape
    (2,)
    """

    _cell = "simple"


class SimpleRNNClassifier(BaseRecurrentClassifier):
    __doc__ = f"""Fully-connected recurrent network (Elman RNN) classifier.

    Trains a stack of SimpleRNN layers and a logistic (two classes) or
    softmax (more) output by backpropagation through time, minimising the
    log-loss.

{_indent(RECURRENCE)}

    Parameters
    ----------
{_indent(PARAMETERS)}

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, multiplied into
        ``sample_weight``; "balanced" uses ``n_samples / (n_classes *
        np.bincount(y))``. Not supported with ``return_sequences=True``.

{_indent(COMMON_PARAMETERS)}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.

{_indent(ATTRIBUTES)}

    See Also
    --------
    SimpleRNNRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : Feed-forward network on flat inputs.

    Notes
    -----
    ``X`` is ``(n_samples, n_timesteps, n_features)``, or ``(n_samples,
    n_timesteps)`` for univariate windows. ``y`` holds labels of any type,
    ``(n_samples,)``, or ``(n_samples, n_timesteps)`` with
    ``return_sequences=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnforecast import SimpleRNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 10))
    >>> y = np.where(X[:, -2:].sum(axis=1) > 0, "up", "down")
    >>> model = SimpleRNNClassifier(units=16, max_iter=150, random_state=0)
    >>> model.fit(X, y).score(X, y) > 0.9
    True
    >>> model.predict_proba(X[:2]).shape
    (2, 2)
    """

    _cell = "simple"
