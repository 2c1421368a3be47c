"""Backtesting a forecaster against baselines
==========================================

Backtest WindowForecaster on the bundled Melbourne temperatures.

Three folds of 365 days on expanding training windows. For the next day:
the default forecaster (a SimpleRNNRegressor on 29-day windows, with its
linear skip path) and the same network without the skip path, against
Ridge on the same 29 lags and the repeat-last-value baseline. The skip
path is the default because it wins across the whole accuracy suite
(``benchmarks/choose_defaults.py``); on this one series the network alone
comes within 1% of Ridge. For 7 days
ahead, direct and recursive: RMSE at every step against repeat-last-value
and seasonal-naive-7. Then a 7-day forecast with a 90% conformal interval.

Run with ``python examples/backtest_temperatures.py`` (about a minute).
"""

import warnings

from sklearn.linear_model import Ridge

from rnnforecast import (
    MetricWarning,
    WindowForecaster,
    backtest,
    default_rnn,
    load_daily_min_temperatures,
)

FOLDS = dict(n_splits=3, test_size=365)
# Four weeks and a day of lags for every model compared (the forecaster's
# "auto" window would take two weeks, two seasons of this daily series).
WINDOW = 29


def rmse_by_step(forecaster, y):
    with warnings.catch_warnings():
        # Days near 0 °C make MAPE meaningless; backtest leaves it out and
        # says so, and this example reads only RMSE.
        warnings.simplefilter("ignore", MetricWarning)
        metrics = backtest(forecaster, y, **FOLDS).metrics
    pooled = metrics[metrics.fold == "all"]
    return pooled.pivot(index="step", columns="model", values="RMSE")


def main():
    y = load_daily_min_temperatures()
    rnn = rmse_by_step(WindowForecaster(window_length=WINDOW, random_state=0), y)
    network_only = rmse_by_step(WindowForecaster(
        default_rnn(0).set_params(linear_skip=False), window_length=WINDOW), y)
    ridge = rmse_by_step(WindowForecaster(Ridge(), window_length=WINDOW), y)
    next_day = {"WindowForecaster (default RNN)": rnn.loc["all", "forecast"],
                "the RNN without linear_skip": network_only.loc["all", "forecast"],
                "Ridge on 29 lags": ridge.loc["all", "forecast"],
                "repeat last value": rnn.loc["all", "last_value"]}
    print("Next-day RMSE (°C), 3 folds of 365 days:")
    for name, value in next_day.items():
        print(f"  {name:<32} {value:.3f}")

    seven_day = {}
    for strategy in ("direct", "recursive"):
        table = rmse_by_step(WindowForecaster(window_length=WINDOW, horizon=7,
                                              strategy=strategy, random_state=0), y)
        seven_day[strategy] = table
        print(f"\n7-day RMSE by step, {strategy}:")
        print(table[["forecast", "last_value", "seasonal_naive"]].round(3).to_string())
        beaten = ((table.forecast < table.last_value) &
                  (table.forecast < table.seasonal_naive)).all()
        print(f"  beats both baselines at every step: {beaten}")

    forecaster = WindowForecaster(window_length=WINDOW, horizon=7, calibration_fraction=0.2,
                                  random_state=0).fit(y)
    print("\nNext 7 days with a 90% conformal interval:")
    print(forecaster.predict_interval(coverage=0.9).round(2).to_string())
    return next_day, seven_day


if __name__ == "__main__":
    main()
