"""Averaging a network over several seeds.

On small data a recurrent network's result depends on its seed: the
initial weights, the shuffling and the dropout masks. Averaging the
predictions of the same estimator trained from several seeds removes most
of that variance (the spread of an average of ``k`` independent fits is
about ``1/sqrt(k)`` of one fit's), at ``k`` times the training cost.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["SeedAveragingClassifier", "SeedAveragingRegressor"]


class _SeedAveraging(BaseEstimator):
    """Shared fitting of ``n_seeds`` clones of ``estimator``."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "n_seeds": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator, n_seeds=5, random_state=None):
        self.estimator = estimator
        self.n_seeds = n_seeds
        self.random_state = random_state

    def fit(self, X, y, **fit_params):
        """Fit ``n_seeds`` clones of ``estimator``, each with its own seed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps), or list of array-like
            As the estimator takes it.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        **fit_params : dict
            Passed to every clone's ``fit`` (``sample_weight``, ``lengths``).

        Returns
        -------
        self : object
        """
        self._validate_params()
        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=self.n_seeds)
        fitted = [clone(self.estimator).set_params(random_state=int(seed)).fit(
            X, y, **fit_params) for seed in seeds]
        # Set only once every clone has fitted: a failed fit changes nothing.
        self.estimators_ = fitted
        self.seeds_ = seeds
        first = fitted[0]
        for name in ("n_features_in_", "feature_names_in_", "classes_"):
            if hasattr(first, name):
                setattr(self, name, getattr(first, name))
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.three_d_array = inner.input_tags.three_d_array
        tags.target_tags.multi_output = inner.target_tags.multi_output
        return tags


class SeedAveragingRegressor(RegressorMixin, _SeedAveraging):
    """The mean prediction of a regressor trained from ``n_seeds`` seeds.

    Parameters
    ----------
    estimator : regressor
        An estimator with a ``random_state`` parameter, e.g.
        ``SimpleRNNRegressor(units=16)``; its own ``random_state`` is
        replaced in each clone.
    n_seeds : int, default=5
        Number of clones, each fitted from its own seed.
    random_state : int, RandomState instance or None, default=None
        Draws the clones' seeds: the same value gives the same ensemble.

    Attributes
    ----------
    estimators_ : list of regressors
    seeds_ : ndarray of shape (n_seeds,)
        The ``random_state`` of each clone.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnforecast import SeedAveragingRegressor, SimpleRNNRegressor
    >>> X = np.random.RandomState(0).normal(size=(60, 8))
    >>> y = X[:, -2:].sum(axis=1)
    >>> model = SeedAveragingRegressor(SimpleRNNRegressor(units=4, max_iter=20),
    ...                                n_seeds=3, random_state=0).fit(X, y)
    >>> model.predict(X[:2]).shape
    (2,)
    """

    def predict(self, X, **predict_params):
        """Mean of the clones' predictions.

        Parameters
        ----------
        X : array-like, as in ``fit``
        **predict_params : dict
            Passed to each clone's ``predict`` (``lengths``).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        return np.mean([model.predict(X, **predict_params) for model in self.estimators_],
                       axis=0)


class SeedAveragingClassifier(ClassifierMixin, _SeedAveraging):
    """The mean class probabilities of a classifier trained from ``n_seeds`` seeds.

    Parameters
    ----------
    estimator : classifier
        An estimator with ``predict_proba`` and a ``random_state`` parameter.
    n_seeds : int, default=5
        Number of clones, each fitted from its own seed.
    random_state : int, RandomState instance or None, default=None
        Draws the clones' seeds.

    Attributes
    ----------
    estimators_ : list of classifiers
    seeds_ : ndarray of shape (n_seeds,)
    classes_ : ndarray of shape (n_classes,)
    """

    def predict_proba(self, X, **predict_params):
        """Mean of the clones' class probabilities.

        Parameters
        ----------
        X : array-like, as in ``fit``
        **predict_params : dict
            Passed to each clone's ``predict_proba`` (``lengths``).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return np.mean([model.predict_proba(X, **predict_params)
                        for model in self.estimators_], axis=0)

    def predict(self, X, **predict_params):
        """The class of highest mean probability.

        Parameters
        ----------
        X : array-like, as in ``fit``
        **predict_params : dict

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        return self.classes_[np.argmax(self.predict_proba(X, **predict_params), axis=1)]
