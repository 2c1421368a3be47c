"""Matrix products, and one whose rows do not depend on each other.

BLAS chooses its kernels by matrix size (and by the CPU it detects), so the
same row of ``A @ B`` can come out one ulp different when ``A`` has another
number of rows. Training does not care; prediction does: a sample's
prediction must not depend on which other samples share its batch
(scikit-learn checks this, and users rely on it).

Prediction therefore uses :func:`fixed_order_product`, where every element
is summed over ``k`` in increasing order with plain multiplies and adds
(no fused multiply-add, no reassociation), whatever the number of rows and
whatever the machine's BLAS. It replaced BLAS products in blocks of four
padded rows, which cost a 2-core AMD EPYC as much as 64 rows would
(benchmarks/README.md, "Fixed-order products").
"""

import numpy as np

from .jit import kernel


@kernel
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
    in the input's precision, rounded after each multiply and each add. The
    order is written out, not left to a library, so a row gives the same
    bits alone, in any batch and at any position. Rows go two at a time,
    sharing each load of ``B``; four steps of ``k`` go per pass over a row
    of ``C``, so ``C`` is loaded and stored once per four terms. The loops
    over ``j`` vectorise (each ``C[i, j]`` is its own sum, so no
    reassociation is needed).

    Parameters
    ----------
    A : ndarray of shape (n_rows, K)
    B : ndarray of shape (K, M)
    C : ndarray of shape (n_rows, M)
        Output; must not overlap ``A`` or ``B``.
    """
    n_rows = A.shape[0]
    for i in range(0, n_rows - 1, 2):
        _two_rows(A[i], A[i + 1], B, C[i], C[i + 1])
    if n_rows % 2:
        _one_row(A[n_rows - 1], B, C[n_rows - 1])


@kernel
def _one_row(a, B, c):
    """``c = a @ B`` in the order of :func:`fixed_order_product`."""
    K = a.shape[0]
    whole = K - K % 4
    for j in range(c.shape[0]):
        c[j] = 0.0
    for k in range(0, whole, 4):
        a0, a1, a2, a3 = a[k], a[k + 1], a[k + 2], a[k + 3]
        b0, b1, b2, b3 = B[k], B[k + 1], B[k + 2], B[k + 3]
        for j in range(c.shape[0]):
            c[j] = c[j] + a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j]
    for k in range(whole, K):
        ak, bk = a[k], B[k]
        for j in range(c.shape[0]):
            c[j] = c[j] + ak * bk[j]


@kernel
def _two_rows(a, e, B, c, d):
    """``c = a @ B`` and ``d = e @ B``, each exactly as :func:`_one_row`."""
    K = a.shape[0]
    whole = K - K % 4
    for j in range(c.shape[0]):
        c[j] = 0.0
        d[j] = 0.0
    for k in range(0, whole, 4):
        a0, a1, a2, a3 = a[k], a[k + 1], a[k + 2], a[k + 3]
        e0, e1, e2, e3 = e[k], e[k + 1], e[k + 2], e[k + 3]
        b0, b1, b2, b3 = B[k], B[k + 1], B[k + 2], B[k + 3]
        for j in range(c.shape[0]):
            c[j] = c[j] + a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j]
            d[j] = d[j] + e0 * b0[j] + e1 * b1[j] + e2 * b2[j] + e3 * b3[j]
    for k in range(whole, K):
        ak, ek, bk = a[k], e[k], B[k]
        for j in range(c.shape[0]):
            c[j] = c[j] + ak * bk[j]
            d[j] = d[j] + ek * bk[j]
