"""The ES-RNN smoothing kernels: levels and seasonal factors against a NumPy
twin, the relative windows, and their gradients against central finite
differences (torch: ``test_torch_crosscheck.py``)."""

import numpy as np
import pytest

from rnnforecast._core.exponential_smoothing import (
    relative_windows,
    relative_windows_gradient,
    smooth_level_and_season,
    smoothing_gradient,
)

EPS = 6e-6


def twin(y, alpha, gamma, initial_seasons):
    """The recursion written out, one list append per equation."""
    m = len(initial_seasons)
    seasons = list(initial_seasons)
    levels = []
    for t, value in enumerate(y):
        if t == 0:
            levels.append(value / seasons[0])
        else:
            levels.append(alpha * value / seasons[t] + (1 - alpha) * levels[t - 1])
        seasons.append(gamma * value / levels[t] + (1 - gamma) * seasons[t])
    assert len(seasons) == len(y) + m
    return np.array(levels), np.array(seasons)


def _series(n, season, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    pattern = 1 + 0.3 * np.sin(2 * np.pi * t / season) if season > 1 else np.ones(n)
    return (50 + 0.5 * t) * pattern * np.exp(0.05 * rng.normal(size=n))


def _smoothed(y, alpha, gamma, initial):
    levels, seasons = np.empty(len(y)), np.empty(len(y) + len(initial))
    smooth_level_and_season(y, alpha, gamma, initial, levels, seasons)
    return levels, seasons


def _loss(levels, seasons, weights):
    """A nonlinear loss of every level and factor, and its direct derivatives."""
    w_l, w_s = weights
    value = np.sum(w_l * np.log(levels)) + np.sum(w_s * seasons**2)
    return value, w_l / levels, 2 * w_s * seasons


@pytest.mark.parametrize("n, season", [(30, 4), (40, 12), (7, 12), (25, 1)])
def test_levels_and_seasons_match_the_twin(n, season):
    y = _series(n, season)
    initial = np.linspace(0.8, 1.2, season)
    levels, seasons = _smoothed(y, 0.3, 0.2, initial)
    expected_levels, expected_seasons = twin(y, 0.3, 0.2, initial)
    np.testing.assert_allclose(levels, expected_levels, rtol=1e-13)
    np.testing.assert_allclose(seasons, expected_seasons, rtol=1e-13)


def test_no_season_is_simple_exponential_smoothing():
    y = _series(20, 1)
    levels, seasons = _smoothed(y, 0.4, 0.0, np.ones(1))
    expected = [y[0]]
    for value in y[1:]:
        expected.append(0.4 * value + 0.6 * expected[-1])
    np.testing.assert_allclose(levels, expected, rtol=1e-13)
    np.testing.assert_array_equal(seasons, 1.0)


@pytest.mark.parametrize("n, season", [(30, 4), (40, 12), (7, 12), (25, 1)])
def test_gradient_matches_finite_differences(n, season):
    y = _series(n, season, seed=n)
    rng = np.random.default_rng(season)
    initial = rng.uniform(0.7, 1.3, season)
    alpha, gamma = 0.35, 0.15
    weights = (rng.normal(size=n), rng.normal(size=n + season))
    levels, seasons = _smoothed(y, alpha, gamma, initial)
    _, d_levels, d_seasons = _loss(levels, seasons, weights)
    d_initial = np.empty(season)
    d_alpha, d_gamma = smoothing_gradient(y, alpha, gamma, levels, seasons, d_levels,
                                          d_seasons, d_initial)

    def loss_at(alpha, gamma, initial):
        return _loss(*_smoothed(y, alpha, gamma, initial), weights)[0]

    def central(shift):
        return (loss_at(*shift(EPS)) - loss_at(*shift(-EPS))) / (2 * EPS)

    assert d_alpha == pytest.approx(central(lambda e: (alpha + e, gamma, initial)), rel=1e-6)
    assert d_gamma == pytest.approx(central(lambda e: (alpha, gamma + e, initial)),
                                    rel=1e-6, abs=1e-9)
    for k in range(season):
        def shifted(e, k=k):
            moved = initial.copy()
            moved[k] += e
            return alpha, gamma, moved
        assert d_initial[k] == pytest.approx(central(shifted), rel=1e-6, abs=1e-9)


def test_gradient_reaches_every_level_through_the_recursion():
    """The total derivative of the first level sums every later use of it."""
    y = _series(12, 3)
    initial = np.ones(3)
    levels, seasons = _smoothed(y, 0.5, 0.0, initial)
    d_levels, d_seasons = np.zeros(12), np.zeros(15)
    d_levels[-1] = 1.0   # the loss is the last level
    smoothing_gradient(y, 0.5, 0.0, levels, seasons, d_levels, d_seasons, np.empty(3))
    # With gamma 0 the factors stay 1: l_11 = ... + 0.5 ** 11 l_0.
    assert d_levels[0] == pytest.approx(0.5**11)


def _relative(y, levels, seasons, ends, window_length, horizon):
    X = np.empty((len(ends), window_length))
    targets = np.empty((len(ends), horizon))
    relative_windows(y, levels, seasons, ends, X, targets)
    return X, targets


def test_relative_windows_are_log_ratios_to_the_level_at_their_end():
    y = _series(30, 4)
    levels, seasons = _smoothed(y, 0.3, 0.2, np.linspace(0.9, 1.1, 4))
    ends = np.array([5, 17, 24])
    X, targets = _relative(y, levels, seasons, ends, window_length=6, horizon=5)
    for row, end in enumerate(ends):
        inputs = np.arange(end - 5, end + 1)
        ahead = np.arange(end + 1, end + 6)
        # Beyond a season ahead, the factors known at the end repeat.
        known = end + 1 + np.arange(5) % 4
        np.testing.assert_allclose(X[row], np.log(y[inputs] / (levels[end] * seasons[inputs])))
        np.testing.assert_allclose(targets[row],
                                   np.log(y[ahead] / (levels[end] * seasons[known])))


def test_targets_do_not_read_values_after_the_window():
    """Every target of a window is divided by level and factors that the
    values up to its end decide: changing later values moves the targets'
    numerators only."""
    y = _series(30, 4)
    ends = np.array([12])
    levels, seasons = _smoothed(y, 0.3, 0.4, np.linspace(0.9, 1.1, 4))
    _, targets = _relative(y, levels, seasons, ends, window_length=6, horizon=9)
    later = y.copy()
    later[13:] *= 1.7
    levels, seasons = _smoothed(later, 0.3, 0.4, np.linspace(0.9, 1.1, 4))
    _, moved = _relative(later, levels, seasons, ends, window_length=6, horizon=9)
    np.testing.assert_allclose(moved - targets, np.log(1.7))


@pytest.mark.parametrize("horizon", [3, 6])
def test_windows_and_smoothing_gradient_end_to_end(horizon):
    """A loss of the windows and targets, differentiated back to alpha,
    gamma and the initial factors, against central finite differences
    (a horizon within one season, and beyond it)."""
    y = _series(40, 4, seed=5)
    rng = np.random.default_rng(1)
    ends = np.array([7, 15, 22, 30])
    w_X, w_t = rng.normal(size=(4, 8)), rng.normal(size=(4, horizon))
    alpha, gamma, initial = 0.4, 0.3, rng.uniform(0.8, 1.2, 4)

    def loss(alpha, gamma, initial):
        levels, seasons = _smoothed(y, alpha, gamma, initial)
        X, targets = _relative(y, levels, seasons, ends, 8, horizon)
        return np.sum(w_X * X**2) + np.sum(w_t * targets), levels, seasons, X

    _, levels, seasons, X = loss(alpha, gamma, initial)
    d_levels, d_seasons = np.zeros(40), np.zeros(44)
    relative_windows_gradient(levels, seasons, ends, 2 * w_X * X, w_t, d_levels, d_seasons)
    d_initial = np.empty(4)
    d_alpha, d_gamma = smoothing_gradient(y, alpha, gamma, levels, seasons, d_levels,
                                          d_seasons, d_initial)

    def central(shift):
        return (loss(*shift(EPS))[0] - loss(*shift(-EPS))[0]) / (2 * EPS)

    assert d_alpha == pytest.approx(central(lambda e: (alpha + e, gamma, initial)), rel=1e-6)
    assert d_gamma == pytest.approx(central(lambda e: (alpha, gamma + e, initial)), rel=1e-6)
    for k in range(4):
        def shifted(e, k=k):
            moved = initial.copy()
            moved[k] += e
            return alpha, gamma, moved
        assert d_initial[k] == pytest.approx(central(shifted), rel=1e-6, abs=1e-9)
