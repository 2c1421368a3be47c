"""Compare candidate forecaster settings across the whole accuracy suite.

Defaults are chosen here, by measurement over every forecasting series of
``accuracy.py`` and several seeds, never on one series. Each candidate is a
set of ``WindowForecaster`` parameters on top of the series' window and
horizon; the score of a candidate on a series is its MASE divided by
Ridge's on the same lags (below 1: better than Ridge), summarised by the
geometric mean over series and the worst series.

    python benchmarks/choose_defaults.py --seeds 3
    python benchmarks/choose_defaults.py --seeds 2 --candidates current,last
"""

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge

from accuracy import forecasting_series, pooled_errors
from rnnforecast import SimpleRNNRegressor
from rnnforecast.forecaster import WindowForecaster, default_rnn

CANDIDATES = {
    "current": {},
    "last": {"window_normalization": "last"},
    "mean": {"window_normalization": "mean"},
    "log": {"target_transform": "log"},
    "log+last": {"target_transform": "log", "window_normalization": "last"},
    "boxcox+last": {"target_transform": "boxcox", "window_normalization": "last"},
    "no skip": {"estimator": {"linear_skip": False}},
    "skip": {"estimator": {"linear_skip": True}},
    "last+skip": {"window_normalization": "last", "estimator": {"linear_skip": True}},
    "mean+skip": {"window_normalization": "mean", "estimator": {"linear_skip": True}},
    # The estimator alone on raw lags, as a scikit-learn user calls it.
    "bare": {"bare": {}},
    "bare no skip": {"bare": {"linear_skip": False}},
    "bare es": {"bare": {"early_stopping": True}},
    "bare es no skip": {"bare": {"early_stopping": True, "linear_skip": False}},
}


def make_forecaster(candidate, seed, shared):
    """A ``WindowForecaster`` of the candidate's settings; an "estimator"
    entry sets parameters of the default RNN."""
    settings = dict(CANDIDATES[candidate])
    if "bare" in settings:
        estimator = SimpleRNNRegressor(random_state=seed, **settings.pop("bare"))
        return WindowForecaster(estimator, scaler=None, **shared, **settings)
    estimator_params = settings.pop("estimator", None)
    estimator = None
    if estimator_params:
        estimator = default_rnn(seed).set_params(**estimator_params)
    return WindowForecaster(estimator, random_state=seed, **shared, **settings)


def run(candidates, seeds):
    rows = []
    for name, (y, window, horizon, test) in forecasting_series().items():
        started = time.perf_counter()
        shared = dict(window_length=window, horizon=horizon)
        ridge = pooled_errors(WindowForecaster(Ridge(), **shared), y, test).loc["forecast"]
        for label in candidates:
            for seed in range(seeds):
                forecaster = make_forecaster(label, seed, shared)
                try:
                    mase = pooled_errors(forecaster, y, test).loc["forecast"].MASE
                except ValueError as error:  # e.g. a log of a series with zeros
                    print(f"    {label} refused on {name}: {error}")
                    mase = np.nan
                rows.append({"dataset": name, "candidate": label, "seed": seed,
                             "MASE": mase, "ratio": mase / ridge.MASE})
        print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return pd.DataFrame(rows)


def report(results):
    per_series = results.groupby(["candidate", "dataset"], sort=False).ratio.mean().unstack()
    spread = results.groupby(["candidate", "dataset"], sort=False).ratio.std().unstack()
    print("\nMASE / Ridge's MASE, mean over seeds (sd in brackets):")
    text = per_series.round(3).astype(str) + " (" + spread.round(3).astype(str) + ")"
    print(text.to_string())
    summary = pd.DataFrame({
        "geometric mean": np.exp(np.log(per_series).mean(axis=1)),
        "worst": per_series.max(axis=1),
        "series better than Ridge": (per_series < 1).sum(axis=1),
    })
    print("\n" + summary.round(3).to_string())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    args = parser.parse_args(argv)
    pd.set_option("display.width", 250)
    report(run(args.candidates.split(","), args.seeds))


if __name__ == "__main__":
    main()
