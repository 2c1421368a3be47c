"""A roofline for training (issue 27): the machine's measured sgemm peak,
and the GFLOP/s that rnnforecast's and torch's training reach for each cell
and size, as a share of that peak.

The problem is ``train_speed.py``'s (N windows of T steps, one feature,
batch 64, Adam, clipping, float32). Floating-point work per epoch is
counted as the recurrent layer's products, the work that grows with the
units: a step of a sequence costs ``G * H * (H + D)`` multiply-adds forward
(G gate blocks: 1 SimpleRNN, 3 GRU, 4 LSTM; H units, D inputs), and twice
that backward (the input and the weight gradients), so
``6 * G * H * (H + D) * N * T`` floating-point operations. Gate
activations, the head and the optimizer are left out of the count, so
the figure is a lower bound on the work done.

    python benchmarks/roofline.py [--cells lstm gru simple] [--units 16 64 128 256]
"""

import argparse
import platform
import time

import numpy as np
from threadpoolctl import threadpool_limits

from train_speed import make_data, time_rnnforecast, time_torch

GATE_BLOCKS = {"simple": 1, "gru": 3, "lstm": 4}


def sgemm_peak(threads, size=4096, repeats=5):
    """GFLOP/s of the best of ``repeats`` float32 products of two
    ``size`` x ``size`` matrices through NumPy's BLAS on ``threads``."""
    a = np.random.default_rng(0).normal(size=(size, size)).astype(np.float32)
    out = np.empty_like(a)
    with threadpool_limits(threads):
        np.dot(a, a, out=out)
        best = min(_seconds(lambda: np.dot(a, a, out=out)) for _ in range(repeats))
    return 2 * size ** 3 / best / 1e9


def cpu_name():
    """The CPU's model name (Linux), else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _seconds(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def epoch_gflop(cell, units, n, n_timesteps, n_features=1):
    return 6 * GATE_BLOCKS[cell] * units * (units + n_features) * n * n_timesteps / 1e9


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", default=["lstm", "gru", "simple"],
                        choices=sorted(GATE_BLOCKS))
    parser.add_argument("--units", type=int, nargs="+", default=[16, 64, 128, 256])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--timesteps", type=int, default=29)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args(argv)
    one, two = sgemm_peak(1), sgemm_peak(2)
    print(f"CPU: {cpu_name()}; sgemm peak (4096 x 4096, "
          f"float32): {one:.0f} GFLOP/s on one thread, {two:.0f} on two")
    print(f"N={args.n}, T={args.timesteps}, batch 64; share of the two-thread peak")
    print(f"{'cell':>6} {'units':>5} {'GFLOP':>7} {'ours ms':>8} {'ours GFLOP/s':>13} "
          f"{'share':>6} {'torch ms':>9} {'torch GFLOP/s':>14} {'share':>6}")
    X, y = make_data(args.n, args.timesteps)
    for cell in args.cells:
        for units in args.units:
            work = epoch_gflop(cell, units, args.n, args.timesteps)
            ours = time_rnnforecast(X, y, units, args.repeats, cell)
            theirs = (float("nan") if args.no_torch
                      else time_torch(X, y, units, args.repeats, cell))
            print(f"{cell:>6} {units:5d} {work:7.1f} {ours * 1e3:8.0f} {work / ours:13.0f} "
                  f"{work / ours / two:6.0%} {theirs * 1e3:9.0f} {work / theirs:14.0f} "
                  f"{work / theirs / two:6.0%}", flush=True)


if __name__ == "__main__":
    main()
