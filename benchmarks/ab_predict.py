"""Prediction speed of the working tree against an earlier commit, in one process.

The machine this project is measured on is a shared VM whose speed drifts by
30% from one minute to the next, so two runs of ``predict_speed.py`` cannot
tell a 20% change from noise. This script imports the package as it was at
``--rev`` (extracted with ``git archive`` under another name) next to the
working tree's, fits the same model with each, and times them interleaved:
``--windows`` windows at once, and one window, best of ``--repeats`` rounds.
Predictions may differ in the last bits (the product's rounding changed).

    python benchmarks/ab_predict.py --rev c484895 [--cells LSTM GRU] [--units 16 64 128 256]
"""

import argparse
import importlib
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import rnnforecast

REPOSITORY = Path(__file__).resolve().parent.parent


def package_at(rev, directory):
    """The package as it was at commit ``rev``, imported as ``rnnforecast_<rev>``."""
    archive = Path(directory) / "package.tar"
    subprocess.run(["git", "-C", str(REPOSITORY), "archive", "-o", str(archive), rev,
                    "rnnforecast"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(directory, filter="data")
    name = f"rnnforecast_{rev}"
    (Path(directory) / "rnnforecast").rename(Path(directory) / name)
    sys.path.insert(0, str(directory))
    return importlib.import_module(name)   # its imports are relative: it stays apart


def best_seconds(function, calls, repeats):
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - started) / calls)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rev", required=True)
    parser.add_argument("--cells", nargs="+", default=["SimpleRNN", "LSTM", "GRU"])
    parser.add_argument("--units", type=int, nargs="+", default=[16, 64, 128, 256])
    parser.add_argument("--windows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.windows, 29, 1)).astype(np.float32)
    y = X[:, -1, 0]
    with tempfile.TemporaryDirectory() as directory:
        packages = {args.rev: package_at(args.rev, directory), "now": rnnforecast}
        print(f"{args.windows} windows (ms) and one window (us), T=29, float32; "
              f"best of {args.repeats}, interleaved; ratio = {args.rev} / now")
        for cell in args.cells:
            for units in args.units:
                models = {}
                for label, package in packages.items():
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        models[label] = getattr(package, cell + "Regressor")(
                            units=units, max_iter=1, random_state=0).fit(X[:256], y[:256])
                    models[label].predict(X[:1000])            # compile, warm the cache
                many, one = {}, {}
                for _ in range(args.repeats):
                    for label, model in models.items():
                        many[label] = min(many.get(label, np.inf),
                                          best_seconds(lambda: model.predict(X), 1, 1))
                        one[label] = min(one.get(label, np.inf),
                                         best_seconds(lambda: model.predict(X[:1]), 200, 1))
                before, now = args.rev, "now"
                print(f"{cell:9s} {units:4d}  all: {many[before] * 1e3:8.1f} -> "
                      f"{many[now] * 1e3:8.1f} ms ({many[before] / many[now]:.2f}x)   one: "
                      f"{one[before] * 1e6:7.1f} -> {one[now] * 1e6:7.1f} us "
                      f"({one[before] / one[now]:.2f}x)", flush=True)


if __name__ == "__main__":
    main()
