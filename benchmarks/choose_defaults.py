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

from rnnforecast import SimpleRNNRegressor
from rnnforecast.forecasting.calendar import resolve_season
from rnnforecast.forecasting.forecaster import WindowForecaster, default_rnn

from accuracy import forecasting_series, pooled_errors

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
    "adaptive": {"estimator": {"learning_rate": "adaptive"}},
    "val 0.2": {"estimator": {"validation_fraction": 0.2}},
    # "season" stands for the series' season (12 monthly, 4 quarterly, 7 daily).
    "diff 1": {"differences": 1},
    "diff season": {"differences": ["season"]},
    "diff 1+season": {"differences": [1, "season"]},
    "diff season+last": {"differences": ["season"], "window_normalization": "last"},
    "bare diff 1": {"differences": 1, "bare": {}},
    "bare diff season": {"differences": ["season"], "bare": {}},
    # The estimator alone on raw lags, as a scikit-learn user calls it.
    "bare": {"bare": {}},
    "bare no skip": {"bare": {"linear_skip": False}},
    "bare es": {"bare": {"early_stopping": True}},
    "bare es no skip": {"bare": {"early_stopping": True, "linear_skip": False}},
    "bare adaptive": {"bare": {"learning_rate": "adaptive"}},
    "bare es patience 30": {"bare": {"early_stopping": True, "n_iter_no_change": 30}},
    "bare alpha 1e-2": {"bare": {"alpha": 1e-2}},
    "bare val 0.2": {"bare": {"validation_fraction": 0.2}},
    "bare es val 0.2": {"bare": {"early_stopping": True, "validation_fraction": 0.2}},
    "bare es alpha 1e-2": {"bare": {"early_stopping": True, "alpha": 1e-2}},
    "bare es tol 1e-3": {"bare": {"early_stopping": True, "tol": 1e-3}},
    "bare lr 3e-4": {"bare": {"learning_rate_init": 3e-4}},
}


def make_forecaster(candidate, seed, shared, season=None):
    """A ``WindowForecaster`` of the candidate's settings; an "estimator"
    entry sets parameters of the default RNN, and "season" in
    ``differences`` the series' season."""
    settings = dict(CANDIDATES[candidate])
    if isinstance(settings.get("differences"), list):
        settings["differences"] = [season if lag == "season" else lag
                                   for lag in settings["differences"]]
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
                forecaster = make_forecaster(label, seed, shared, resolve_season(None, y.index))
                try:
                    mase = pooled_errors(forecaster, y, test).loc["forecast"].MASE
                except ValueError as error:  # e.g. a log of a series with zeros
                    print(f"    {label} refused on {name}: {error}")
                    mase = np.nan
                rows.append({"dataset": name, "candidate": label, "seed": seed,
                             "MASE": mase, "ratio": mase / ridge.MASE})
        print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return pd.DataFrame(rows)


def per_dataset(results, column, statistic="mean"):
    """``column`` summarised over seeds: a (candidate x dataset) table."""
    grouped = results.groupby(["candidate", "dataset"], sort=False)[column]
    return grouped.agg(statistic).unstack()


def print_mean_and_sd(results, column, title):
    mean, spread = per_dataset(results, column), per_dataset(results, column, "std")
    print(f"\n{title}, mean over seeds (sd in brackets):")
    print((mean.round(3).astype(str) + " (" + spread.round(3).astype(str) + ")").to_string())


def geometric_mean(table):
    return np.exp(np.log(table).mean(axis=1))


def report(results):
    print_mean_and_sd(results, "ratio", "MASE / Ridge's MASE")
    per_series = per_dataset(results, "ratio")
    summary = pd.DataFrame({
        "geometric mean": geometric_mean(per_series),
        "worst": per_series.max(axis=1),
        "series better than Ridge": (per_series < 1).sum(axis=1),
    })
    print("\n" + summary.round(3).to_string())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--candidates", default=None,
                        help="comma-separated names (default: all of the part's)")
    parser.add_argument("--part", choices=["forecasting", "classification"],
                        default="forecasting")
    parser.add_argument("--datasets", default="UnitTest,OSULeaf,ACSF1,PickupGestureWiimoteZ",
                        help="classification sets")
    parser.add_argument("--cells", default="GRUClassifier,LSTMClassifier")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 250)
    if args.part == "forecasting":
        candidates = args.candidates.split(",") if args.candidates else list(CANDIDATES)
        report(run(candidates, args.seeds))
    else:
        candidates = (args.candidates.split(",") if args.candidates
                      else list(CLASSIFIER_CANDIDATES))
        report_classification(run_classification(
            candidates, args.seeds, args.datasets.split(","), args.cells.split(",")))



# Classification ----------------------------------------------------------------------

CLASSIFIER_CANDIDATES = {
    "current": {},
    "mean readout": {"readout": "mean"},
    "mean readout lr 3e-3": {"readout": "mean", "learning_rate_init": 3e-3},
    "mean lr 3e-3 patience 30": {"readout": "mean", "learning_rate_init": 3e-3,
                                 "n_iter_no_change": 30},
    "mean lr 3e-3 batch 32": {"readout": "mean", "learning_rate_init": 3e-3,
                              "batch_size": 32},
    "mean lr 1e-2": {"readout": "mean", "learning_rate_init": 1e-2},
    "last lr 3e-3 batch 32": {"learning_rate_init": 3e-3, "batch_size": 32},
    "batch 64": {"batch_size": 64},
    "batch 32": {"batch_size": 32},
    "batch 16": {"batch_size": 16},
    "pool auto": {"input_pooling": "auto"},
    "pool auto lr 3e-3": {"input_pooling": "auto", "learning_rate_init": 3e-3},
    "iter 600": {"max_iter": 600},
    "batch 16 iter 300": {"batch_size": 16, "max_iter": 300},
    "units 64 iter 600": {"units": 64, "max_iter": 600},
    "lr 3e-3 iter 600": {"learning_rate_init": 3e-3, "max_iter": 600},
}


def run_classification(candidates, seeds, datasets, cells):
    """Test accuracy of each candidate over the classification sets, divided
    by 1-NN Euclidean's (above 1: better than 1-NN)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from accuracy import CLASSIFIERS, load_classification, nearest_neighbour_accuracy

    rows = []
    for name in datasets:
        started = time.perf_counter()
        X_train, y_train = load_classification(name, "TRAIN")
        X_test, y_test = load_classification(name, "TEST")
        knn = nearest_neighbour_accuracy(X_train, y_train, X_test, y_test)
        for label in candidates:
            for cell in cells:
                for seed in range(seeds):
                    model = CLASSIFIERS[cell](random_state=seed,
                                              **CLASSIFIER_CANDIDATES[label])
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", ConvergenceWarning)
                        accuracy = model.fit(X_train, y_train).score(X_test, y_test)
                    rows.append({"dataset": name, "candidate": f"{cell} {label}",
                                 "seed": seed, "accuracy": accuracy,
                                 "ratio": accuracy / knn})
        print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return pd.DataFrame(rows)


def report_classification(results):
    print_mean_and_sd(results, "accuracy", "Test accuracy")
    ratio = per_dataset(results, "ratio")
    print("\n" + pd.DataFrame({"geometric mean / 1-NN": geometric_mean(ratio),
                               "worst / 1-NN": ratio.min(axis=1)}).round(3).to_string())

if __name__ == "__main__":
    main()
