"""The fixed-order product that makes predictions batch-invariant."""

import platform
from fractions import Fraction

import numpy as np
import pytest
from llvmlite import binding

from rnnforecast._core.matmul import affine_rows, fixed_order_product, matmul_rows
from rnnforecast._estimators.ridge import rowwise_product


def _sequential(A, B, fused):
    """Each element summed over k in order, in the arrays' precision: the
    order the kernel promises. ``fused``: each term ``total + a * b``
    rounded once, as a fused multiply-add does; otherwise rounded after the
    multiply and after the add."""
    C = np.zeros((A.shape[0], B.shape[1]), dtype=A.dtype)
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            total = A.dtype.type(0)
            for k in range(A.shape[1]):
                if fused:
                    total = _round(Fraction(float(total)) + Fraction(float(A[i, k]))
                                   * Fraction(float(B[k, j])), A.dtype)
                else:
                    total = total + A[i, k] * B[k, j]
            C[i, j] = total
    return C


def _round(exact, dtype):
    """The ``dtype`` number nearest the rational ``exact``, ties to even."""
    guess = dtype.type(float(exact))  # float64 first: within one step of the answer
    candidates = [guess, np.nextafter(guess, dtype.type(-np.inf)),
                  np.nextafter(guess, dtype.type(np.inf))]
    bits = np.uint32 if dtype == np.float32 else np.uint64
    return min(candidates, key=lambda c: (abs(Fraction(float(c)) - exact),
                                          int(np.array(c).view(bits)) & 1))


def _cpu_fuses():
    """Whether this CPU has fused multiply-add, which the product kernels
    use (``jit.PRODUCT_OPTIONS``): on x86 a feature LLVM reports, on the
    other CPUs Numba targets (aarch64, ppc64le) always there."""
    if platform.machine().lower() not in ("x86_64", "amd64", "i386", "i686"):
        return True
    return bool(binding.get_host_cpu_features().get("fma", False))


def test_the_fused_twin_rounds_once():
    # (1 + 2**-12)**2 = 1 + 2**-11 + 2**-24 is not a float32: rounded on
    # its own it is 1 + 2**-11, and -(1 + 2**-11) plus it is 0; added
    # before rounding, 2**-24 remains.
    a = np.array([[-(1.0 + 2.0 ** -11), 1.0 + 2.0 ** -12]], dtype=np.float32)
    b = np.array([[1.0], [1.0 + 2.0 ** -12]], dtype=np.float32)
    assert _sequential(a, b, fused=True)[0, 0] == np.float32(2.0 ** -24)
    assert _sequential(a, b, fused=False)[0, 0] == np.float32(0.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_rows, K, M", [(1, 1, 1), (2, 3, 5), (3, 4, 16),
                                          (5, 9, 7), (4, 13, 33), (7, 16, 64)])
def test_fixed_order_product_sums_in_order(dtype, n_rows, K, M):
    rng = np.random.default_rng(K * M + n_rows)
    A = rng.normal(size=(n_rows, K)).astype(dtype)
    B = rng.normal(size=(K, M)).astype(dtype)
    C = np.full((n_rows, M), np.nan, dtype=dtype)
    fixed_order_product(A, B, C)
    # Fused where the CPU has fused multiply-add, plain elsewhere; either
    # way the same rounding for every term, never a reordered sum.
    np.testing.assert_array_equal(C, _sequential(A, B, _cpu_fuses()))
    np.testing.assert_allclose(C, A @ B, rtol=1e-4 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_row_gives_the_same_bits_alone_and_anywhere_in_a_batch(dtype):
    rng = np.random.default_rng(0)
    # Magnitudes spread over decades so that any change of summation order
    # would show in the last bits.
    A = (rng.normal(size=(9, 67)) * 10.0 ** rng.integers(-3, 4, size=(9, 67))).astype(dtype)
    B = rng.normal(size=(67, 130)).astype(dtype)
    batch = np.empty((9, 130), dtype=dtype)
    matmul_rows(A, B, batch, True)
    for i in range(9):
        alone = np.empty((1, 130), dtype=dtype)
        matmul_rows(A[i:i + 1], B, alone, True)
        np.testing.assert_array_equal(alone[0], batch[i])
        # Second in a pair, and last of an odd batch, take the other paths.
        pair = np.empty((2, 130), dtype=dtype)
        matmul_rows(np.ascontiguousarray(A[[(i + 1) % 9, i]]), B, pair, True)
        np.testing.assert_array_equal(pair[1], batch[i])


def test_training_products_still_use_blas():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(6, 5)), rng.normal(size=(5, 4))
    C = np.empty((6, 4))
    matmul_rows(A, B, C, False)
    np.testing.assert_array_equal(C, A @ B)


@pytest.mark.parametrize("invariant", [True, False])
def test_affine_rows_adds_the_bias_after_the_product(invariant):
    rng = np.random.default_rng(2)
    A = rng.normal(size=(5, 7)).astype(np.float32)
    W = rng.normal(size=(7, 3)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    product, C = np.empty((5, 3), np.float32), np.empty((5, 3), np.float32)
    matmul_rows(A, W, product, invariant)
    affine_rows(A, W, b, C, invariant)
    np.testing.assert_array_equal(C, product + b)


def test_skip_product_sums_float32_windows_in_float64_in_order():
    # The skip path's product takes scaled float32 windows and float64
    # coefficients: each product is formed in float64, summed in order
    # (fused with its add where the CPU can, as every fixed-order product).
    rng = np.random.default_rng(3)
    X = (rng.normal(size=(6, 29)) * 10.0 ** rng.integers(-3, 4, size=(6, 29))
         ).astype(np.float32)
    coef = rng.normal(size=(29, 2))
    out = rowwise_product(X, coef)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, _sequential(X.astype(np.float64), coef,
                                                   _cpu_fuses()))
    np.testing.assert_array_equal(rowwise_product(X[4:5], coef), out[4:5])
