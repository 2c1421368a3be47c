"""The ES-RNN's joint training step: the gradient of the network's loss with
respect to every drawn series' smoothing row, through the windows, the
network's inputs and its targets, against central finite differences; the
level penalty's gradient; and the update touching only drawn series."""

import numpy as np
import pytest

from rnnforecast._core.hybrid_training import (
    HybridStep,
    SmoothedSeries,
    initial_smoothing,
    last_windows,
    level_variability,
)
from rnnforecast._core.network import RecurrentNetwork

EPS = 1e-6


def _panel(season, n_series=3, seed=0):
    rng = np.random.default_rng(seed)
    series = []
    for i in range(n_series):
        n = 30 + 4 * i
        t = np.arange(n)
        pattern = 1 + 0.2 * np.sin(2 * np.pi * t / season) if season > 1 else 1.0
        series.append((20 + i + 0.3 * t) * pattern * np.exp(0.05 * rng.normal(size=n)))
    return series


def _step(season, loss="squared_error", penalty=0.0, cell="gru"):
    series = _panel(season)
    network = RecurrentNetwork(1, (3,), 2, "tanh", False, cell)
    params = network.initialize(np.random.RandomState(0), np.float64, "glorot_uniform",
                                "orthogonal")
    smoothing = initial_smoothing(series, season)
    smoothing[:, 0] = [-0.3, 0.2, 0.5]
    settings = {"loss": loss, "learning_rate": 1e-2, "smoothing_learning_rate": 1e-2,
                "clipnorm": None, "level_penalty": penalty}
    step = HybridStep(network, params, smoothing, SmoothedSeries(series, season), settings,
                      window_length=5, horizon=2, max_batch=6)
    return step


@pytest.mark.parametrize("season, penalty", [(4, 0.0), (1, 0.0), (4, 3.0)])
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_smoothing_gradient_matches_finite_differences(season, penalty, cell):
    """d(loss + penalty) / d(smoothing rows) of ``HybridStep.gradient``
    against central differences of the same step's loss."""
    step = _step(season, penalty=penalty, cell=cell)
    chosen = np.array([2, 0])
    ends = np.array([[10, 21, 15], [6, 20, 12]])
    step.gradient(chosen, ends)
    analytic = step.d_rows[chosen].copy()
    width = 2 + season if season > 1 else 1   # a row without a season: alpha alone
    for j, i in enumerate(chosen):
        for k in range(width):
            original = step.smoothing[i, k]
            step.smoothing[i, k] = original + EPS
            plus = step.gradient(chosen, ends)
            step.smoothing[i, k] = original - EPS
            minus = step.gradient(chosen, ends)
            step.smoothing[i, k] = original
            numeric = (plus - minus) / (2 * EPS)
            assert analytic[j, k] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_a_row_without_a_season_keeps_gamma_and_factors_still():
    step = _step(1)
    chosen = np.array([0, 1])
    before = step.smoothing.copy()
    step.run(chosen, np.array([[8, 12, 20], [9, 10, 25]]))
    assert (step.smoothing[:, 1:] == before[:, 1:]).all()
    assert (step.smoothing[chosen, 0] != before[chosen, 0]).all()


def test_an_update_moves_only_the_drawn_series():
    step = _step(4)
    before = step.smoothing.copy()
    step.run(np.array([1]), np.array([[10, 14, 20]]))
    assert (step.smoothing[[0, 2]] == before[[0, 2]]).all()
    assert (step.smoothing[1] != before[1]).all()


def test_level_penalty_gradient_matches_finite_differences():
    levels = np.array([10.0, 11.0, 13.0, 12.5, 14.0, 15.5])
    d_levels = np.zeros(6)
    value = level_variability(levels, 2.0, d_levels)
    growth = np.diff(np.log(levels))
    assert value == pytest.approx(2.0 * np.mean(np.diff(growth) ** 2))
    for t in range(6):
        shifted = levels.copy()
        shifted[t] += EPS
        plus = level_variability(shifted, 2.0, np.zeros(6))
        shifted[t] -= 2 * EPS
        minus = level_variability(shifted, 2.0, np.zeros(6))
        assert d_levels[t] == pytest.approx((plus - minus) / (2 * EPS), rel=1e-6)


def test_last_windows_scale_back_to_the_level_times_the_factors():
    """With the network's output 0, the forecast is the last level times the
    factors after the series, repeated each season."""
    series = _panel(4)
    data = SmoothedSeries(series, 4)
    smoothing = initial_smoothing(series, 4)
    X, scales = last_windows(data, smoothing, 6)
    for i, y in enumerate(series):
        n = y.shape[0]
        np.testing.assert_allclose(scales[i], data.levels[i][-1] * data.seasons[i][n:])
        window = np.log(y[-6:] / (data.levels[i][-1] * data.seasons[i][n - 6:n]))
        np.testing.assert_allclose(X[i], window)


def test_initial_factors_are_the_first_seasons_ratios_to_their_mean():
    y = np.array([2.0, 4.0, 6.0, 8.0, 3.0, 3.0, 9.0, 9.0, 5.0])
    rows = initial_smoothing([y], 4)
    first, second = y[:4] / y[:4].mean(), y[4:8] / y[4:8].mean()
    np.testing.assert_allclose(np.exp(rows[0, 2:]), (first + second) / 2)


def test_a_series_shorter_than_a_season_starts_its_factors_at_one():
    """(It raised a reshape error: the first two seasons were read from a
    series that holds no whole season.)"""
    rows = initial_smoothing([np.arange(1.0, 8.0), np.arange(1.0, 13.0)], 12)
    assert (rows[0, 2:] == 0).all()
    assert (rows[1, 2:] != 0).any()
