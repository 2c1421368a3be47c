"""Per-window statistics against NumPy computed by hand, and the round trip."""

import numpy as np
import pytest

from rnnforecast.forecasting.window_scaling import (
    RATIO_FLOOR,
    SCALE_FLOOR,
    scale_floor,
    scale_targets,
    scale_windows,
    unscale_forecasts,
    window_statistics,
)

TARGET = np.array([[1.0, 2.0, 3.0, 10.0],
                   [4.0, 4.0, 4.0, 4.0],
                   [-2.0, 0.0, 2.0, 4.0]])


@pytest.mark.parametrize("method,location,scale", [
    ("last", [10.0, 4.0, 4.0], [1.0, 1.0, 1.0]),
    ("mean", [4.0, 4.0, 1.0], [1.0, 1.0, 1.0]),
    ("standard", [4.0, 4.0, 1.0], [np.std([1, 2, 3, 10]), SCALE_FLOOR, np.sqrt(5.0)]),
    # median 2.5: deviations 1.5, 0.5, 0.5, 7.5; then 1, 1, 1, 3.
    ("robust", [2.5, 4.0, 1.0], [2.5, SCALE_FLOOR, 2.0]),
    ("mean_absolute", [0.0, 0.0, 0.0], [4.0, 4.0, 2.0]),
])
def test_statistics_of_each_window(method, location, scale):
    found_location, found_scale = window_statistics(TARGET, method)
    np.testing.assert_allclose(found_location, location)
    np.testing.assert_allclose(found_scale, scale)


def test_robust_statistics_move_less_with_one_outlier():
    calm = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    wild = np.array([[1.0, 2.0, 3.0, 4.0, 500.0]])
    for method, moved_less in (("robust", True), ("standard", False)):
        (a,), (b,) = window_statistics(calm, method)[0], window_statistics(wild, method)[0]
        assert bool(abs(b - a) < 1.0) == moved_less, method


def test_a_window_near_zero_is_divided_by_the_floor():
    _, scale = window_statistics(np.array([[0.0, 0.001, -0.001, 0.0]]), "mean_absolute")
    np.testing.assert_array_equal(scale, [RATIO_FLOOR])
    assert scale_floor("mean_absolute") == RATIO_FLOOR < scale_floor("robust") == SCALE_FLOOR


@pytest.mark.parametrize("method", ["last", "mean", "standard", "robust", "mean_absolute"])
def test_forecasts_come_back_in_the_windows_units(method):
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(5, 6, 2)) * 3 + 7
    targets = rng.normal(size=(5, 2)) * 3 + 7
    scaled, location, scale = scale_windows(windows, method)
    np.testing.assert_array_equal(scaled[:, :, 1], windows[:, :, 1])   # exogenous untouched
    np.testing.assert_allclose(unscale_forecasts(scale_targets(targets, location, scale),
                                                 location, scale), targets)
    assert not np.shares_memory(scaled, windows)


def test_an_unknown_method_is_named():
    with pytest.raises(ValueError, match="window_normalization must be one of"):
        window_statistics(TARGET, "minmax")
