"""Day 30 from days 1-29 with GridSearchCV
=======================================

Predict day 30's minimum temperature in Melbourne from days 1-29.

Every run of 30 consecutive days of the bundled series (1981-1990) is one
window: the first 29 days are the input, the 30th the target. The last 20%
of the windows, in time order, are held out. A SimpleRNNRegressor (which
standardises its inputs and target itself) is tuned by GridSearchCV over
``units``, ``learning_rate_init`` and ``linear_skip`` with TimeSeriesSplit
(so no fold ever trains on the future), then compared on the held-out
windows with two baselines: repeat the last value, and linear regression on
the 29 lags.

Run with ``python examples/day30_temperature.py``; it takes about 20 s on
two cores.
"""

import time

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from rnnforecast import SimpleRNNRegressor, load_daily_min_temperatures, make_windows

WINDOW = 29
TEST_FRACTION = 0.2


def chronological_split(X, y, test_fraction=TEST_FRACTION):
    n_test = int(round(test_fraction * len(y)))
    return X[:-n_test], X[-n_test:], y[:-n_test], y[-n_test:]


def rnn_search():
    """Grid search over the RNN; its statistics are fitted inside every fold."""
    rnn = SimpleRNNRegressor(activation="relu", batch_size=64, max_iter=300,
                             early_stopping=True, n_iter_no_change=30,
                             random_state=0)
    grid = {"units": [16, 32], "learning_rate_init": [3e-4, 1e-3],
            "linear_skip": [True, False]}
    return GridSearchCV(rnn, grid, cv=TimeSeriesSplit(n_splits=3),
                        scoring="neg_root_mean_squared_error")


def rmse(predicted, actual):
    return float(np.sqrt(np.mean((predicted - actual) ** 2)))


def main():
    temperatures = load_daily_min_temperatures()
    X, y, _ = make_windows(temperatures, WINDOW)
    X = X[:, :, 0]  # univariate windows, one column per day
    X_train, X_test, y_train, y_test = chronological_split(X, y)
    print(f"{len(y)} windows of {WINDOW} days; training on {len(y_train)}, "
          f"testing on the last {len(y_test)} "
          f"({temperatures.index[-len(y_test)].date()} onwards).")

    started = time.perf_counter()
    search = rnn_search().fit(X_train, y_train)
    seconds = time.perf_counter() - started
    best = search.best_params_
    print(f"GridSearchCV picked {best} in {seconds:.0f} s "
          f"(cross-validated RMSE {-search.best_score_:.3f} °C).")

    scores = {
        "repeat last value": rmse(X_test[:, -1], y_test),
        "linear regression on 29 lags": rmse(
            LinearRegression().fit(X_train, y_train).predict(X_test), y_test),
        "SimpleRNNRegressor": rmse(search.predict(X_test), y_test),
    }
    print("\nTest RMSE (°C) on the held-out last 20%:")
    for name, score in scores.items():
        print(f"  {name:<30} {score:.3f}")
    margin = scores["linear regression on 29 lags"] - scores["SimpleRNNRegressor"]
    verdict = "beats" if margin > 0 else "does NOT beat"
    print(f"\nThe RNN {verdict} linear regression on lags by {margin:.3f} °C.")
    return scores


if __name__ == "__main__":
    main()
