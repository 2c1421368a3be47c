"""Regressors trained on the absolute and the pinball (quantile) loss."""

import warnings

import numpy as np
import pandas as pd
import pytest

from rnnforecast import GRURegressor, SimpleRNNRegressor
from rnnforecast._core.losses import QuantileLoss, absolute_error, quantile_values
from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.io.persistence import load_model, save_model

LEVELS = np.array([0.1, 0.5, 0.9])


def _loss_and_gradient(loss, logits, targets, weights):
    dlogits = np.empty_like(logits)
    value = loss(logits, targets, weights, weights.sum(), dlogits)
    return value, dlogits


def _random_problem(seed=0, n_targets=2):
    rng = np.random.RandomState(seed)
    logits = rng.normal(size=(7, n_targets * len(LEVELS)))
    targets = rng.normal(scale=2.0, size=(7, n_targets))
    weights = rng.uniform(0.5, 2.0, size=7)
    return logits, targets, weights


def test_pinball_gradient_matches_finite_differences():
    logits, targets, weights = _random_problem()
    loss = QuantileLoss(LEVELS)
    _, analytic = _loss_and_gradient(loss, logits, targets, weights)
    numeric = np.empty_like(logits)
    step = 1e-6
    for index in np.ndindex(logits.shape):
        plus, minus = logits.copy(), logits.copy()
        plus[index] += step
        minus[index] -= step
        numeric[index] = (_loss_and_gradient(loss, plus, targets, weights)[0]
                          - _loss_and_gradient(loss, minus, targets, weights)[0]) / (2 * step)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_pinball_loss_and_gradient_match_torch():
    torch = pytest.importorskip("torch")
    logits, targets, weights = _random_problem(1)
    value, analytic = _loss_and_gradient(QuantileLoss(LEVELS), logits, targets, weights)
    leaf = torch.tensor(logits, requires_grad=True)
    z = leaf.reshape(7, 2, 3)
    increments = torch.cat([z[:, :, :1], torch.nn.functional.softplus(z[:, :, 1:])], dim=2)
    q = torch.cumsum(increments, dim=2)
    error = torch.tensor(targets)[:, :, None] - q
    tau = torch.tensor(LEVELS)
    per_row = torch.maximum(tau * error, (tau - 1) * error).mean(dim=(1, 2))
    w = torch.tensor(weights)
    expected = (w * per_row).sum() / w.sum()
    expected.backward()
    assert value == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(analytic, leaf.grad.numpy(), rtol=1e-10)


def test_absolute_error_gradient_is_the_weighted_sign():
    logits, targets, weights = _random_problem(2, n_targets=3)
    targets = targets.repeat(3, axis=1)[:, :9]
    value, gradient = _loss_and_gradient(absolute_error, logits, targets, weights)
    assert value == pytest.approx(np.average(np.abs(logits - targets).mean(axis=1),
                                             weights=weights))
    expected = weights[:, None] * np.sign(logits - targets) / weights.sum() / 9
    np.testing.assert_allclose(gradient, expected, rtol=1e-12)


def test_quantile_values_never_cross():
    logits = np.random.RandomState(3).normal(scale=30.0, size=(500, 12))
    values = quantile_values(logits, 4, np.empty_like(logits)).reshape(500, 3, 4)
    assert (np.diff(values, axis=2) >= 0).all()


def _skewed(n, seed):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 8, 1))
    return X, X[:, -1, 0] + rng.exponential(size=n)


def _quiet_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


def test_quantile_regressor_learns_calibrated_non_crossing_quantiles():
    X, y = _skewed(1500, 0)
    model = _quiet_fit(SimpleRNNRegressor(loss="quantile", quantiles=LEVELS, max_iter=40,
                                          random_state=0), X, y)
    X_test, y_test = _skewed(3000, 1)
    predicted = model.predict(X_test)
    assert predicted.shape == (3000, 3) and (np.diff(predicted, axis=1) >= 0).all()
    below = (y_test[:, None] < predicted).mean(axis=0)
    np.testing.assert_allclose(below, LEVELS, atol=0.04)
    assert model.score(X_test, y_test) > 0.2   # pinball skill over the constant quantiles


def test_absolute_error_fits_the_median():
    X, y = _skewed(1500, 2)
    model = _quiet_fit(GRURegressor(loss="absolute_error", max_iter=40, random_state=0),
                       X, y)
    X_test, y_test = _skewed(3000, 3)
    residual = y_test - model.predict(X_test)
    assert abs(np.median(residual)) < 0.06
    squared = _quiet_fit(GRURegressor(max_iter=40, random_state=0), X, y)
    # The squared loss forecasts the mean, Exp(1)'s median lies ln 2 - 1 below.
    assert np.median(y_test - squared.predict(X_test)) < -0.15


def test_quantile_settings_are_checked_and_kept(tmp_path):
    X, y = _skewed(200, 4)
    with pytest.raises(ValueError, match="quantiles must be increasing levels"):
        _quiet_fit(SimpleRNNRegressor(loss="quantile", quantiles=(0.9, 0.1)), X, y)
    with pytest.raises(ValueError, match="return_sequences=True is not supported"):
        _quiet_fit(SimpleRNNRegressor(loss="quantile", return_sequences=True),
                   X, X[:, :, 0])
    model = _quiet_fit(SimpleRNNRegressor(loss="quantile", quantiles=[0.25, 0.75],
                                          max_iter=3, random_state=0), X, np.c_[y, -y])
    assert model.predict(X).shape == (200, 2, 2)
    save_model(model, tmp_path / "model.npz")
    np.testing.assert_array_equal(load_model(tmp_path / "model.npz").predict(X),
                                  model.predict(X))
    model.set_params(loss="squared_error")
    with pytest.raises(ValueError, match="fitted with loss='quantile'"):
        model.predict(X)
    y_series = pd.Series(np.sin(np.arange(80.0)))
    with pytest.raises(ValueError, match="would read as forecast steps"):
        WindowForecaster(SimpleRNNRegressor(loss="quantile"), window_length=5).fit(y_series)
