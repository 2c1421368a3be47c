"""make_windows against a by-hand loop, and its refusals."""

import numpy as np
import pandas as pd
import pytest

from rnnforecast.forecasting.windows import make_windows
from rnnforecast.io.datasets import load_daily_min_temperatures


def _by_hand(values, window_length, horizon):
    X, y = [], []
    for start in range(len(values) - window_length - horizon + 1):
        X.append(values[start:start + window_length])
        y.append(values[start + window_length:start + window_length + horizon, 0])
    return np.array(X), np.array(y)


@pytest.mark.parametrize("window_length,horizon", [(1, 1), (5, 1), (5, 3), (29, 7)])
def test_matches_a_loop_with_exogenous_columns(window_length, horizon):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"load": rng.normal(size=60), "temp": rng.normal(size=60),
                          "holiday": rng.randint(0, 2, size=60)},
                         index=pd.date_range("2020-03-01", periods=60, freq="h"))
    X, y, index = make_windows(frame, window_length, horizon)
    X_loop, y_loop = _by_hand(frame.to_numpy(dtype=float), window_length, horizon)
    np.testing.assert_array_equal(X, X_loop)
    np.testing.assert_array_equal(y, y_loop[:, 0] if horizon == 1 else y_loop)
    assert X.flags.c_contiguous and X.dtype == np.float64
    assert len(index) == len(X) == 60 - window_length - horizon + 1
    assert index[0] == frame.index[window_length]


def test_target_column_comes_first():
    frame = pd.DataFrame({"exog": np.arange(10.0), "sales": np.arange(10.0) * 10})
    X, y, index = make_windows(frame, 3, target="sales")
    np.testing.assert_array_equal(X[0, :, 0], [0, 10, 20])
    np.testing.assert_array_equal(X[0, :, 1], [0, 1, 2])
    assert y[0] == 30 and list(index[:2]) == [3, 4]


def test_bundled_series_gives_the_day30_windows():
    temperatures = load_daily_min_temperatures()
    X, y, index = make_windows(temperatures, 29)
    assert X.shape == (3623, 29, 1)
    np.testing.assert_array_equal(X[-1, :, 0], temperatures.to_numpy()[-30:-1])
    assert y[-1] == temperatures.iloc[-1] and index[-1] == temperatures.index[-1]


def test_plain_arrays_get_a_range_index():
    X, y, index = make_windows(np.arange(8.0), 3, horizon=2)
    assert X.shape == (4, 3, 1) and y.shape == (4, 2)
    assert list(index) == [3, 4, 5, 6]


BAD = {
    "window too long": (pd.Series(np.arange(5.0)), dict(window_length=5),
                        "fewer than window_length"),
    "horizon zero": (pd.Series(np.arange(5.0)), dict(window_length=2, horizon=0), "horizon"),
    "window zero": (pd.Series(np.arange(5.0)), dict(window_length=0), "window_length"),
    "window float": (pd.Series(np.arange(5.0)), dict(window_length=2.5), "window_length"),
    "nan target": (pd.Series([1.0, np.nan, 3.0, 4.0]), dict(window_length=2), "NaN"),
    "text column": (pd.DataFrame({"y": [1.0, 2, 3, 4], "x": list("abcd")}),
                    dict(window_length=2), r"\['x'\]"),
    "unsorted": (pd.Series([1.0, 2, 3], index=[2, 1, 3]), dict(window_length=1), "not sorted"),
    "duplicated": (pd.Series([1.0, 2, 3],
                             index=pd.to_datetime(["2020-01-01"] * 2 + ["2020-01-02"])),
                   dict(window_length=1), "duplicated"),
    "3-D": (np.zeros((4, 2, 2)), dict(window_length=1), "3 dimensions"),
    "unknown target": (pd.DataFrame({"y": [1.0, 2, 3]}), dict(window_length=1, target="z"), "'z'"),
}


@pytest.mark.parametrize("case", BAD)
def test_refuses(case):
    data, kwargs, message = BAD[case]
    with pytest.raises(ValueError, match=message):
        make_windows(data, **kwargs)


def test_known_future_columns_are_led_by_the_horizon():
    frame = pd.DataFrame({"y": np.arange(10.0), "promo": np.arange(10.0) * 100,
                          "temp": np.arange(10.0) * -1})
    X, y, _ = make_windows(frame, 3, horizon=2, known_future=["promo"])
    # Window 0 covers times 0-2 and forecasts times 3-4.
    np.testing.assert_array_equal(X[0, :, 1], [200, 300, 400])
    np.testing.assert_array_equal(X[0, :, 2], [0, -1, -2])
    np.testing.assert_array_equal(X[-1, :, 1], [700, 800, 900])
    assert np.isfinite(X).all()
    with pytest.raises(ValueError, match="not exogenous columns"):
        make_windows(frame, 3, known_future=["y"])
