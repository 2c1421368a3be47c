"""Re-derive the float32 tanh coefficients, and measure error and speed.

The approximation is ``tanh(x) ~ x P(x**2) / Q(x**2)`` on ``|x| <= 9`` with
P and Q of degree 4 and ``Q(0) = 1``, fitted by iteratively reweighted
linear least squares on the relative error (Loeb's linearisation
``x P - tanh(x) Q``, reweighted by ``1 / |Q|`` and pushed towards the largest
errors). It prints the fitted coefficients next to those in
``rnnforecast/_core/activations.py``, the float32 error of the shipped kernel, and
ns per element of the kernel against Numba's scalar ``np.tanh``.

    python benchmarks/fast_tanh.py
"""

import time

import numba
import numpy as np

from rnnforecast._core.activations import (
    ACTIVATION_CODES,
    TANH_DENOMINATOR,
    TANH_NUMERATOR,
    add_and_activate,
)

CLAMP = 9.0
DEGREE = 4


def fit(iterations=60):
    x = np.linspace(0, CLAMP, 20_000)[1:]
    t = np.tanh(x)
    s = x * x
    weights = np.ones_like(x)
    for _ in range(iterations):
        columns = [x * s**k for k in range(DEGREE + 1)]
        columns += [-t * s**k for k in range(1, DEGREE + 1)]
        A = np.column_stack(columns) * (weights / t)[:, None]
        coef, *_ = np.linalg.lstsq(A, t * weights / t, rcond=None)
        p, q = coef[:DEGREE + 1], np.concatenate([[1.0], coef[DEGREE + 1:]])
        Q = np.polyval(q[::-1], s)
        error = np.abs(x * np.polyval(p[::-1], s) / Q - t) / t
        weights = (1 + 50 * error / error.max()) / np.abs(Q)
    return p, q, error.max()


@numba.njit(cache=True)
def scalar_numpy_tanh(Z):
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.tanh(Z[i, j])


def ns_per_element(function, Z, repeats=200):
    function(Z.copy())
    best = np.inf
    for _ in range(5):
        work = Z.copy()
        started = time.perf_counter()
        for _ in range(repeats):
            function(work)
        best = min(best, (time.perf_counter() - started) / repeats / Z.size * 1e9)
    return best


def main():
    p, q, relative = fit()
    print(f"fitted numerator   {np.array2string(p, precision=16)}")
    print(f"shipped numerator  {np.array(TANH_NUMERATOR, dtype=np.float64)}")
    print(f"fitted denominator {np.array2string(q, precision=16)}")
    print(f"shipped denominator {np.array(TANH_DENOMINATOR, dtype=np.float64)}")
    print(f"fit: max relative error {relative:.2e} on (0, {CLAMP}]")

    grid = np.linspace(-12, 12, 2_000_001).astype(np.float32)
    values = grid.reshape(1, -1).copy()
    zeros = np.zeros_like(values)
    add_and_activate(values, zeros, np.zeros(values.shape[1], np.float32),
                     ACTIVATION_CODES["tanh"])
    error = np.abs(values[0] - np.tanh(grid.astype(np.float64)))
    print(f"shipped float32 kernel: max abs error {error.max():.2e} on [-12, 12]")

    Z = np.random.RandomState(0).normal(size=(64, 256)).astype(np.float32)
    bias = np.zeros(256, np.float32)
    fast = ns_per_element(lambda W: add_and_activate(W, np.zeros_like(W), bias, 0), Z)
    slow = ns_per_element(scalar_numpy_tanh, Z)
    print(f"float32, 64x256 block: rational {fast:.2f} ns/element, "
          f"scalar np.tanh {slow:.2f} ns/element ({slow / fast:.0f}x)")


if __name__ == "__main__":
    main()
