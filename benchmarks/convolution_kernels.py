"""The LSTM-FCN convolution kernels alone, on one thread: milliseconds and
GFLOP/s of the forward pass, the input gradient and the weight gradient of
the two wide blocks (128 -> 256 channels, kernel 5; 256 -> 128, kernel 3)
for one part (half the steps) of a batch of 128 series, float32, against
the machine's single-thread sgemm peak (issue 26; benchmarks/README.md,
"LSTM-FCN training speed").

    python benchmarks/convolution_kernels.py [--length 150] [--chunk-rows 1024 2048 4096]
"""

import argparse

import numpy as np
import scipy.linalg.cython_blas  # noqa: F401  (Numba's BLAS, loaded before the limit)
from roofline import cpu_name, sgemm_peak
from threadpoolctl import threadpool_limits

from rnnforecast._core.convolution import (
    conv1d_forward_steps,
    conv1d_input_gradient_steps,
    conv1d_weight_gradient_steps,
    transpose_taps,
)

from train_speed import median_seconds

BATCH = 128
BLOCKS = [(128, 256, 5), (256, 128, 3)]


def milliseconds(function):
    """Median of five timed calls after a warm-up call, in ms."""
    return 1e3 * median_seconds(function, 5)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=150)
    parser.add_argument("--chunk-rows", type=int, nargs="+", default=[1024, 2048, 4096])
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    half = -(-args.length // 2)
    with threadpool_limits(1):
        print(f"CPU: {cpu_name()}; one thread; sgemm peak {sgemm_peak(1):.0f} GFLOP/s")
        for n_in, n_out, size in BLOCKS:
            X = rng.normal(size=(args.length, BATCH, n_in)).astype(np.float32)
            W = rng.normal(size=(size, n_in, n_out)).astype(np.float32)
            dZ = rng.normal(size=(args.length, BATCH, n_out)).astype(np.float32)
            Z, dX, dW = np.empty_like(dZ), np.empty_like(X), np.empty_like(W)
            transposed = np.empty((size, n_out, n_in), np.float32)
            transpose_taps(W, transposed)
            no_bias = np.zeros(0, np.float32)
            gflop = 2 * half * BATCH * n_in * n_out * size / 1e9
            for rows in args.chunk_rows:
                cols = np.empty(rows * size * max(n_in, n_out), np.float32)
                forward = milliseconds(lambda: conv1d_forward_steps(
                    X, W, no_bias, Z, cols, False, 0, half))
                backward = milliseconds(lambda: conv1d_input_gradient_steps(
                    dZ, transposed, dX, cols, 0, half))
                print(f"{n_in:3d} -> {n_out:3d}, kernel {size}, chunks of {rows:5d} rows: "
                      f"forward {forward:6.1f} ms ({gflop / forward * 1e3:4.0f} GFLOP/s), "
                      f"input gradient {backward:6.1f} ms ({gflop / backward * 1e3:4.0f})")
            weights = milliseconds(lambda: conv1d_weight_gradient_steps(X, dZ, dW, 0, half))
            print(f"{n_in:3d} -> {n_out:3d}, kernel {size}, weight gradient (per tap): "
                  f"{weights:6.1f} ms ({gflop / weights * 1e3:4.0f} GFLOP/s)")


if __name__ == "__main__":
    main()
