"""input_pooling: blocks of steps averaged before the recurrent layers."""

import numpy as np
import pytest

from rnnforecast import GRUClassifier, SimpleRNNRegressor
from rnnforecast._estimators.pooling import AUTO_POOLED_STEPS, average_pool, pool_size


def test_blocks_are_aligned_at_the_last_step_and_average_real_steps_only():
    X = np.arange(1.0, 8.0).reshape(1, 7, 1)                 # steps 1..7
    pooled, starts = average_pool(X, None, 3)
    # Blocks [1], [2, 3, 4], [5, 6, 7]: the first holds one real step.
    np.testing.assert_allclose(pooled[0, :, 0], [1.0, 3.0, 6.0])
    assert starts is None
    padded = np.array([[0, 0, 0, 4, 5, 6, 7]], dtype=float)[:, :, np.newaxis]
    pooled, starts = average_pool(padded, np.array([3]), 3)
    np.testing.assert_allclose(pooled[0, 1:, 0], [4.0, 6.0])
    assert starts.tolist() == [1]


def test_auto_leaves_at_most_a_hundred_steps():
    assert pool_size(29, "auto") == 1
    assert pool_size(427, "auto") == 5 and 427 / 5 <= AUTO_POOLED_STEPS
    assert pool_size(1460, "auto") == 15
    assert pool_size(1460, None) == 1 and pool_size(1460, 4) == 4


def test_pooled_model_equals_a_model_on_pooled_input():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 12, 2))
    y = X[:, -4:, 0].sum(axis=1)
    options = dict(units=3, max_iter=3, random_state=0, dtype="float64",
                   scale_inputs=False, scale_target=False, linear_skip=False)
    pooled = SimpleRNNRegressor(**options, input_pooling=4).fit(X, y)
    by_hand = SimpleRNNRegressor(**options).fit(X.reshape(30, 3, 4, 2).mean(axis=2), y)
    np.testing.assert_array_equal(pooled.params_, by_hand.params_)
    assert pooled.pool_size_ == 4 and pooled.n_timesteps_in_ == 12
    np.testing.assert_array_equal(pooled.predict(X[:5]), pooled.predict(X)[:5])


def test_variable_length_sequences_pool_their_real_steps():
    rng = np.random.RandomState(1)
    sequences = [rng.normal(size=(n, 1)) for n in (5, 13, 9)]
    model = GRUClassifier(units=3, max_iter=2, input_pooling=4, random_state=0,
                          dtype="float64").fit(sequences, [0, 1, 0])
    alone = [model.predict_proba([s]) for s in sequences]
    np.testing.assert_allclose(model.predict_proba(sequences), np.vstack(alone),
                               rtol=1e-12)


def test_pooling_refuses_per_step_outputs_and_streaming():
    X = np.random.RandomState(0).normal(size=(10, 8, 1))
    with pytest.raises(ValueError, match="input_pooling averages blocks"):
        SimpleRNNRegressor(return_sequences=True, input_pooling=2).fit(X, X[:, :, 0])
    model = SimpleRNNRegressor(max_iter=1, input_pooling=2, linear_skip=False).fit(
        X, X[:, -1, 0])
    with pytest.raises(ValueError, match="input_pooling=None"):
        model.predict(X, return_state=True)
