"""When do two shards (one per core) train faster than one?

For each cell and size, one epoch of ``train_speed.py``'s problem (N=10,000
windows of T=29 steps, batch 64, Adam, clipnorm 1, float32) with the batch in
one shard and in two, the two models' epochs interleaved; the best of
``--repeats`` epochs each, and the ratio (above 1: two shards are faster).
``rnnforecast._core.threads`` holds the thresholds this chooses:
``PARALLEL_WORK`` for SimpleRNN, ``GATED_PARALLEL_WORK`` for LSTM and GRU.

    python benchmarks/shard_threshold.py [--repeats 5]
"""

import argparse
import time
import warnings

from roofline import cpu_name

import rnnforecast._core.training as training
from rnnforecast._estimators.resources import LongFitWarning

from train_speed import OURS, make_data

SIZES = [("simple", [16, 32, 64, 128]), ("gru", [16, 32]), ("lstm", [16, 32])]


def epoch_seconds(model, X, y, shards):
    """One epoch with every batch cut into ``shards`` shards."""
    training.PARALLEL_WORK = training.GATED_PARALLEL_WORK = 0.0 if shards == 2 else float("inf")
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LongFitWarning)
        model.partial_fit(X, y)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    X, y = make_data(10_000, 29)
    print(f"{cpu_name()}; ms per epoch, best of {args.repeats}")
    for cell, sizes in SIZES:
        for units in sizes:
            models = {shards: OURS[cell](units=units, batch_size=64, clipnorm=1.0,
                                         input_pooling=None, random_state=0)
                      for shards in (1, 2)}
            for shards, model in models.items():
                epoch_seconds(model, X, y, shards)                 # warm-up epoch
            best = {shards: float("inf") for shards in models}
            for _ in range(args.repeats):
                for shards, model in models.items():
                    best[shards] = min(best[shards], epoch_seconds(model, X, y, shards))
            work = models[1]._network.multiply_adds(29, 64)
            print(f"{cell:6s} {units:4d} units, {work:.1e} multiply-adds a batch: "
                  f"one shard {best[1] * 1e3:7.1f}, two {best[2] * 1e3:7.1f} "
                  f"({best[1] / best[2]:.2f}x)", flush=True)


if __name__ == "__main__":
    main()
