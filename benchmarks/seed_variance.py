"""Spread over seeds of one network against an average of several.

For each small dataset of the accuracy suite, the standard deviation of the
test score over ``--repeats`` seeds, for one default model and for
``SeedAveraging*(n_seeds=k)`` of it (each repeat an ensemble of its own
``k`` seeds). Averaging k independent fits should divide the spread by
about sqrt(k).

    python benchmarks/seed_variance.py --repeats 5 --k 5
"""

import argparse
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from rnnforecast import GRUClassifier
from rnnforecast.ensemble import SeedAveragingClassifier, SeedAveragingRegressor
from rnnforecast.forecasting.forecaster import WindowForecaster, default_rnn

from accuracy import forecasting_series, load_classification, pooled_errors

FORECASTING = ["a10", "h02", "qauselec"]
CLASSIFICATION = ["UnitTest", "PickupGestureWiimoteZ"]


def forecasting_scores(name, repeats, k):
    y, window, horizon, test = forecasting_series()[name]
    shared = dict(window_length=window, horizon=horizon)
    scores = {"single": [], f"average of {k}": []}
    for repeat in range(repeats):
        single = WindowForecaster(default_rnn(repeat), **shared)
        averaged = WindowForecaster(
            SeedAveragingRegressor(default_rnn(), n_seeds=k, random_state=repeat), **shared)
        for label, forecaster in zip(scores, (single, averaged)):
            scores[label].append(pooled_errors(forecaster, y, test).loc["forecast"].MASE)
    return scores


def classification_scores(name, repeats, k):
    X_train, y_train = load_classification(name, "TRAIN")
    X_test, y_test = load_classification(name, "TEST")
    scores = {"single": [], f"average of {k}": []}
    for repeat in range(repeats):
        single = GRUClassifier(random_state=repeat)
        averaged = SeedAveragingClassifier(GRUClassifier(), n_seeds=k, random_state=repeat)
        for label, model in zip(scores, (single, averaged)):
            scores[label].append(model.fit(X_train, y_train).score(X_test, y_test))
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    rows = []
    warnings.simplefilter("ignore", ConvergenceWarning)
    for kind, names, score in (("MASE", FORECASTING, forecasting_scores),
                               ("accuracy", CLASSIFICATION, classification_scores)):
        for name in names:
            for label, values in score(name, args.repeats, args.k).items():
                rows.append({"dataset": name, "metric": kind, "model": label,
                             "mean": np.mean(values), "sd": np.std(values, ddof=1)})
            print(f"  {name} done", flush=True)
    table = pd.DataFrame(rows).pivot(index=["dataset", "metric"], columns="model",
                                     values=["mean", "sd"])
    table[("sd", "ratio")] = table[("sd", f"average of {args.k}")] / table[("sd", "single")]
    print(table.round(4).to_string())


if __name__ == "__main__":
    main()
