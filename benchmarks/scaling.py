"""How training time and memory scale, and how close training runs to the
machine's peak.

- ms per epoch as the window length T doubles (29 to 232) and as the number
  of windows N doubles (10,000 to 80,000), units 32, batch 64;
- peak resident memory of a fresh process fitting one epoch on N=100,000
  windows of T=100 (units 32, batch 64), against the size of the data and
  of N*T*units hidden states;
- achieved GFLOP/s of training at units=256 (N=10,000, T=29, batch 64),
  counting 6*N*T*units**2 flops per epoch for the recurrent products (the
  forward product, the backward product through W_hh, and dW_hh), against
  the peak measured as the best rate of a large float32 matrix product
  (4096 x 4096, NumPy's BLAS on all cores).

    python benchmarks/scaling.py
"""

import json
import subprocess
import sys
import time

import numpy as np

from train_speed import make_data, time_rnnforecast

MEMORY_CHILD = r"""
import json, resource, sys
sys.path.insert(0, "benchmarks")
import numpy as np
from train_speed import make_data
from rnnforecast import SimpleRNNRegressor
X, y = make_data(100_000, 100)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
SimpleRNNRegressor(units=32, batch_size=64, random_state=0).partial_fit(X, y)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_mib": before / 1024, "after_mib": after / 1024,
                  "data_mib": X.nbytes / 2**20}))
"""


def peak_gflops():
    a = np.random.rand(4096, 4096).astype(np.float32)
    a @ a
    best = min(_seconds(lambda: a @ a) for _ in range(5))
    return 2 * 4096**3 / best / 1e9


def _seconds(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main():
    print("Time per epoch as T doubles (N=10,000, units 32):")
    for n_timesteps in (29, 58, 116, 232):
        X, y = make_data(10_000, n_timesteps)
        print(f"  T={n_timesteps:>4}: {time_rnnforecast(X, y, 32, 3) * 1e3:8.1f} ms")
    print("Time per epoch as N doubles (T=29, units 32):")
    for n in (10_000, 20_000, 40_000, 80_000):
        X, y = make_data(n, 29)
        print(f"  N={n:>6}: {time_rnnforecast(X, y, 32, 3) * 1e3:8.1f} ms")

    result = subprocess.run([sys.executable, "-c", MEMORY_CHILD],
                            capture_output=True, text=True, check=True)
    memory = json.loads(result.stdout.strip().splitlines()[-1])
    states = 100_000 * 100 * 32 * 4 / 2**20
    print(f"Peak RSS, one epoch on N=100,000, T=100: {memory['after_mib']:.0f} MiB "
          f"(after loading the data: {memory['before_mib']:.0f} MiB; the data is "
          f"{memory['data_mib']:.0f} MiB; N*T*units float32 states would be "
          f"{states:.0f} MiB)")

    X, y = make_data(10_000, 29)
    seconds = time_rnnforecast(X, y, 256, 3)
    achieved = 6 * 10_000 * 29 * 256**2 / seconds / 1e9
    peak = peak_gflops()
    print(f"Training at units=256: {achieved:.0f} GFLOP/s; measured peak "
          f"(4096^2 sgemm) {peak:.0f} GFLOP/s; {100 * achieved / peak:.0f}% of it")


if __name__ == "__main__":
    main()
