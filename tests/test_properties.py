"""Property-based tests: any valid input fits and predicts finite outputs of
the right shape, and a prediction does not depend on the rest of the batch."""

import warnings

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnnforecast import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    SimpleRNNClassifier,
    SimpleRNNRegressor,
)

from conftest import CASES_TRIED

REGRESSORS = [SimpleRNNRegressor, LSTMRegressor, GRURegressor]
CLASSIFIERS = [SimpleRNNClassifier, LSTMClassifier, GRUClassifier]
EXAMPLES = 200
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
VALUES = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False, width=32)


@st.composite
def problems(draw):
    """Shapes, values and settings of a small valid fitting problem."""
    n_samples = draw(st.integers(1, 10))
    n_timesteps = draw(st.integers(1, 6))
    n_features = draw(st.integers(1, 3))
    X = draw(arrays(np.float64, (n_samples, n_timesteps, n_features), elements=VALUES))
    params = dict(units=draw(st.sampled_from([1, 3, (2, 2)])),
                  activation=draw(st.sampled_from(["tanh", "relu"])),
                  bidirectional=draw(st.booleans()),
                  dtype=draw(st.sampled_from(["float32", "float64"])),
                  clipnorm=draw(st.sampled_from([None, 1.0])),
                  max_iter=2, random_state=0)
    return X, params, draw(st.integers(0, 2)), draw(st.booleans())


@SETTINGS
@given(problems(), st.data())
def test_valid_input_fits_and_predicts_finite(problem, data):
    X, params, cell, classify = problem
    n_samples, n_timesteps = X.shape[:2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if classify:
            y = data.draw(arrays(np.int64, n_samples, elements=st.integers(0, 2)))
            assume(np.unique(y).size >= 2)
            model = CLASSIFIERS[cell](**params).fit(X, y)
            proba = model.predict_proba(X)
            assert proba.shape == (n_samples, np.unique(y).size)
            assert np.isfinite(proba).all()
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
        else:
            y = data.draw(arrays(np.float64, n_samples, elements=VALUES))
            model = REGRESSORS[cell](**params).fit(X, y)
            predicted = model.predict(X)
            assert predicted.shape == (n_samples,)
            assert np.isfinite(predicted).all()
    assert np.isfinite(model.params_).all()
    CASES_TRIED["hypothesis: valid inputs fitted and predicted"] += 1


@SETTINGS
@given(problems(), st.randoms(use_true_random=False))
def test_prediction_ignores_batch_and_order(problem, random):
    X, params, cell, _ = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = REGRESSORS[cell](**params).fit(X, X[:, -1, 0])
    together = model.predict(X)
    order = list(range(X.shape[0]))
    random.shuffle(order)
    np.testing.assert_array_equal(model.predict(X[order]), together[order])
    for i in range(X.shape[0]):
        np.testing.assert_array_equal(model.predict(X[i:i + 1]), together[i:i + 1])
    CASES_TRIED["hypothesis: batch and order invariance"] += 1
