"""Initialisers, clipping and the L2 penalty against their definitions."""

import numpy as np
import pytest

from rnnforecast import SimpleRNNRegressor
from rnnforecast._core.clipping import add_l2_penalty, clip_by_global_norm, clip_by_value
from rnnforecast._core.initializers import INITIALIZERS


@pytest.mark.parametrize("shape", [(7, 7), (3, 9), (9, 3)])
def test_orthogonal_has_orthonormal_rows_or_columns(shape):
    weights = np.empty(shape)
    INITIALIZERS["orthogonal"](np.random.RandomState(0), weights)
    small = min(shape)
    gram = weights.T @ weights if shape[0] >= shape[1] else weights @ weights.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)


def test_glorot_uniform_respects_its_limit():
    weights = np.empty((40, 60))
    INITIALIZERS["glorot_uniform"](np.random.RandomState(0), weights)
    limit = np.sqrt(6 / 100)
    assert np.abs(weights).max() <= limit
    assert np.abs(weights).max() > 0.95 * limit
    assert abs(weights.mean()) < 0.01


def test_initial_network_follows_keras_defaults():
    X, y = np.random.RandomState(0).normal(size=(4, 3, 2)), np.arange(4.0)
    model = SimpleRNNRegressor(units=5, max_iter=1, learning_rate_init=1e-12,
                               alpha=0.0, random_state=0).fit(X, y)
    W_xh, W_hh, W_hy = model.coefs_
    np.testing.assert_allclose(W_hh.T @ W_hh, np.eye(5), atol=1e-5)
    assert np.abs(W_xh).max() <= np.sqrt(6 / 7)
    assert np.abs(model.intercepts_[0]).max() < 1e-9


def test_clip_by_global_norm_only_shrinks():
    small = np.array([0.3, -0.4])
    assert clip_by_global_norm(small, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(small, [0.3, -0.4])
    large = np.array([3.0, -4.0])
    clip_by_global_norm(large, 1.0)
    assert np.linalg.norm(large) == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(large / np.linalg.norm(large), [0.6, -0.8])


def test_clip_by_value():
    grads = np.array([-3.0, -0.2, 0.0, 0.7, 5.0])
    clip_by_value(grads, 0.5)
    np.testing.assert_array_equal(grads, [-0.5, -0.2, 0.0, 0.5, 0.5])


def test_l2_penalty_skips_biases():
    params = np.array([1.0, 2.0, 3.0])
    grads = np.zeros(3)
    penalty = add_l2_penalty(params, grads, np.array([1, 0, 1], dtype=np.uint8), 0.1)
    assert penalty == pytest.approx(0.05 * (1 + 9))
    np.testing.assert_allclose(grads, [0.1, 0.0, 0.3])


def test_dtype_accepts_numpy_types():
    X, y = np.random.RandomState(0).normal(size=(4, 3)), np.arange(4.0)
    for dtype in (np.float64, np.dtype("float64"), "float64"):
        model = SimpleRNNRegressor(units=2, max_iter=1, dtype=dtype).fit(X, y)
        assert model.params_.dtype == np.float64
