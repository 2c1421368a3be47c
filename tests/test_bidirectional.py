"""Bidirectional layers at the estimator level (kernels: test_gradients and
test_torch_crosscheck)."""

import numpy as np
import pytest
from sklearn.metrics import r2_score

from rnnforecast import GRURegressor, LSTMClassifier, SimpleRNNRegressor


def _next_step_problem(n=300, n_timesteps=8, seed=0):
    """Per-step target: the *next* input, which only a reverse pass sees."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, n_timesteps + 1, 1))
    return X[:, :-1], X[:, 1:, 0]


def test_reverse_direction_sees_the_future():
    X, y = _next_step_problem()
    params = dict(units=8, return_sequences=True, learning_rate_init=0.02,
                  max_iter=60, batch_size=32, random_state=0, tol=0)
    train, test = slice(0, 200), slice(200, None)
    both = GRURegressor(bidirectional=True, **params).fit(X[train], y[train])
    forward = GRURegressor(**params).fit(X[train], y[train])
    # The last step has no next input in the window; score the others.
    truth = y[test, :-1].ravel()
    scores = [r2_score(truth, model.predict(X[test])[:, :-1].ravel())
              for model in (both, forward)]
    assert scores[0] > 0.9
    assert scores[1] < 0.1


def test_parameters_and_shapes():
    X = np.random.RandomState(1).normal(size=(12, 5, 3))
    y = np.arange(12) % 2
    model = LSTMClassifier(units=(4, 2), bidirectional=True, max_iter=2,
                           random_state=0).fit(X, y)
    W_shapes = [w.shape for w in model.coefs_]
    assert W_shapes == [(3, 16), (4, 16), (3, 16), (4, 16),
                        (8, 8), (2, 8), (8, 8), (2, 8), (4, 1)]
    assert len(model.intercepts_) == 5
    assert model.predict_proba(X).shape == (12, 2)


def test_warm_start_refuses_a_change_of_direction():
    X = np.random.RandomState(2).normal(size=(10, 4, 1))
    model = SimpleRNNRegressor(units=3, max_iter=1, warm_start=True).fit(X, X[:, -1, 0])
    model.set_params(bidirectional=True)
    with pytest.raises(ValueError, match="bidirectional=False"):
        model.fit(X, X[:, -1, 0])
