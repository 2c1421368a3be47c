"""Matrix products, and one whose rows do not depend on each other.

BLAS chooses its kernels by matrix size (and by the CPU it detects), so the
same row of ``A @ B`` can come out one ulp different when ``A`` has another
number of rows. Training does not care; prediction does: a sample's
prediction must not depend on which other samples share its batch
(scikit-learn checks this, and users rely on it).

Prediction therefore uses :func:`fixed_order_product`, where every element
is summed over ``k`` in increasing order, each term's multiply fused with
its add where the CPU has fused multiply-add (one rounding a term; plain
multiply then add elsewhere), never reassociated, whatever the number of
rows and whatever the machine's BLAS. It replaced BLAS products in blocks
of four padded rows, which cost a 2-core AMD EPYC as much as 64 rows would
(benchmarks/README.md, "Fixed-order products").
"""

import numpy as np

from .jit import kernel, product_kernel, step_kernel


@step_kernel
def matmul_rows(A, B, C, invariant):
    """``C = A @ B``; with ``invariant`` each row of ``C`` depends on the
    same row of ``A`` alone, bit for bit (see :func:`fixed_order_product`).

    Parameters
    ----------
    A : ndarray of shape (n_rows, K)
    B : ndarray of shape (K, M)
    C : ndarray of shape (n_rows, M)
        Output.
    invariant : bool
        False for BLAS (training), True for prediction.
    """
    if invariant:
        fixed_order_product(A, B, C)
    else:
        np.dot(A, B, C)


@kernel
def affine_rows(A, W, b, C, invariant):
    """``C = A @ W + b`` as :func:`matmul_rows`, then the bias added to each
    row (one compiled call: the head's bias costs no NumPy dispatch).

    Parameters
    ----------
    A : ndarray of shape (n_rows, K)
    W : ndarray of shape (K, M)
    b : ndarray of shape (M,)
    C : ndarray of shape (n_rows, M)
        Output.
    invariant : bool
    """
    matmul_rows(A, W, C, invariant)
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            C[i, j] += b[j]


@kernel
def fixed_order_product(A, B, C):
    """``C = A @ B`` with every element summed over ``k = 0, 1, ...`` in order.

    ``C[i, j] = (...((A[i, 0] B[0, j] + A[i, 1] B[1, j]) + A[i, 2] B[2, j])...)``
    in the input's precision, each term rounded once where the CPU fuses
    multiply and add (``jit.PRODUCT_OPTIONS``), after the multiply and
    after the add where it does not. The order is written out, not left to
    a library, so a row gives the same bits alone, in any batch and at any
    position. Rows go four at a time, sharing each load of ``B``; four
    steps of ``k`` go per pass over the rows of ``C``, so ``C`` is loaded
    and stored once per four terms. The loops over ``j`` vectorise (each
    ``C[i, j]`` is its own sum, so no reassociation is needed).

    Parameters
    ----------
    A : ndarray of shape (n_rows, K)
    B : ndarray of shape (K, M)
    C : ndarray of shape (n_rows, M)
        Output; must not overlap ``A`` or ``B``.
    """
    n_rows = A.shape[0]
    whole = n_rows - n_rows % 4
    for i in range(0, whole, 4):
        _four_rows(A, i, B, C)
    for i in range(whole, n_rows):
        _one_row(A, i, B, C)


# Rows are indexed, not sliced: a slice (of A, B or C, several per pass)
# costs two atomic reference-count updates, which made a two-row product
# at 16 units twice as slow (0.31 against 0.17 us); and four rows of C
# indexed from one array need one overlap check against B, where four
# slices need sixteen, more than LLVM tries before it gives up vectorising.

@product_kernel
def _one_row(A, i, B, C):
    """``C[i] = A[i] @ B`` in the order of :func:`fixed_order_product`."""
    K, M = B.shape
    whole = K - K % 4
    for j in range(M):
        C[i, j] = 0.0
    for k in range(0, whole, 4):
        a0, a1, a2, a3 = A[i, k], A[i, k + 1], A[i, k + 2], A[i, k + 3]
        for j in range(M):
            C[i, j] = (C[i, j] + a0 * B[k, j] + a1 * B[k + 1, j] + a2 * B[k + 2, j]
                       + a3 * B[k + 3, j])
    for k in range(whole, K):
        ak = A[i, k]
        for j in range(M):
            C[i, j] = C[i, j] + ak * B[k, j]


@product_kernel
def _four_rows(A, i, B, C):
    """Rows ``i`` to ``i + 3`` of ``C = A @ B``, each exactly as :func:`_one_row`."""
    K, M = B.shape
    whole = K - K % 4
    for j in range(M):
        C[i, j] = 0.0
        C[i + 1, j] = 0.0
        C[i + 2, j] = 0.0
        C[i + 3, j] = 0.0
    for k in range(0, whole, 4):
        a0, a1, a2, a3 = A[i, k], A[i, k + 1], A[i, k + 2], A[i, k + 3]
        e0, e1, e2, e3 = A[i + 1, k], A[i + 1, k + 1], A[i + 1, k + 2], A[i + 1, k + 3]
        f0, f1, f2, f3 = A[i + 2, k], A[i + 2, k + 1], A[i + 2, k + 2], A[i + 2, k + 3]
        g0, g1, g2, g3 = A[i + 3, k], A[i + 3, k + 1], A[i + 3, k + 2], A[i + 3, k + 3]
        for j in range(M):
            b0, b1, b2, b3 = B[k, j], B[k + 1, j], B[k + 2, j], B[k + 3, j]
            C[i, j] = C[i, j] + a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3
            C[i + 1, j] = C[i + 1, j] + e0 * b0 + e1 * b1 + e2 * b2 + e3 * b3
            C[i + 2, j] = C[i + 2, j] + f0 * b0 + f1 * b1 + f2 * b2 + f3 * b3
            C[i + 3, j] = C[i + 3, j] + g0 * b0 + g1 * b1 + g2 * b2 + g3 * b3
    # The last K % 4 terms (all of them with one input feature).
    for k in range(whole, K):
        a, e, f, g = A[i, k], A[i + 1, k], A[i + 2, k], A[i + 3, k]
        for j in range(M):
            b = B[k, j]
            C[i, j] = C[i, j] + a * b
            C[i + 1, j] = C[i + 1, j] + e * b
            C[i + 2, j] = C[i + 2, j] + f * b
            C[i + 3, j] = C[i + 3, j] + g * b
