"""Target transforms: differences at any lags, undone exactly."""

import numpy as np
import pytest

from rnnforecast.forecasting.transforms import Differencer, check_positive, difference_lags


@pytest.mark.parametrize("lags", [(), (1,), (1, 1), (12,), (1, 12), (3, 1, 2)])
def test_integrating_true_differences_recovers_the_levels(lags):
    rng = np.random.RandomState(0)
    levels = np.cumsum(rng.normal(size=80)) + 5 * np.sin(np.arange(80))
    differencer = Differencer(lags)
    differenced = differencer.forward(levels)
    lost = differencer.lost
    assert np.isnan(differenced[:lost]).all() and np.isfinite(differenced[lost:]).all()
    origins, steps = np.array([lost, 40, 70]), 10
    history = np.stack([levels[o - lost:o] for o in origins])
    changes = np.stack([differenced[o:o + steps] for o in origins])
    np.testing.assert_allclose(differencer.integrate(changes, history),
                               np.stack([levels[o:o + steps] for o in origins]),
                               rtol=1e-12, atol=1e-9)


def test_first_difference_of_a_known_series():
    np.testing.assert_array_equal(Differencer((1,)).forward([1.0, 4.0, 9.0, 16.0])[1:],
                                  [3.0, 5.0, 7.0])
    np.testing.assert_array_equal(Differencer((1, 1)).forward([1.0, 4.0, 9.0, 16.0])[2:],
                                  [2.0, 2.0])


@pytest.mark.parametrize("differences,lags", [(None, ()), (0, ()), (2, (1, 1)),
                                              ([12], (12,)), ((1, 12), (1, 12))])
def test_difference_lags(differences, lags):
    assert difference_lags(differences) == lags


@pytest.mark.parametrize("differences", [[0], [1, -12], [1.5], ["12"]])
def test_bad_lags_are_refused(differences):
    with pytest.raises(ValueError, match="differences must be"):
        difference_lags(differences)


def test_positivity_check_skips_unknown_values():
    check_positive(np.array([1.0, np.nan]), "log")
    with pytest.raises(ValueError, match="smallest is -1"):
        check_positive(np.array([1.0, np.nan, -1.0]), "log")
