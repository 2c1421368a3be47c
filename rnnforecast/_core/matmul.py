"""Matrix products whose rows do not depend on each other.

BLAS chooses its kernels by matrix size, so the same row of ``A @ B`` can
come out one ulp different when ``A`` has another number of rows. Training
does not care; prediction does: a sample's prediction must not depend on
which other samples share its batch (scikit-learn checks this, and users
rely on it). Computing the product in blocks of exactly ``block`` rows makes
every row's result depend on that row alone.
"""

import numpy as np

from .jit import kernel

# Rows per block in prediction. Any fixed size makes rows independent; 4
# keeps one-window padding small while 4-row products run at nearly the
# speed of larger ones (benchmarks/README.md, "Prediction blocks").
PREDICT_BLOCK = 4


@kernel
def matmul_rows(A, B, C, block):
    """``C = A @ B``; with ``block > 0`` in row blocks of exactly ``block``.

    With ``block > 0`` the number of rows of ``A`` must be a multiple of
    ``block``.
    """
    if block == 0:
        np.dot(A, B, C)
        return
    for start in range(0, A.shape[0], block):
        np.dot(A[start:start + block], B, C[start:start + block])
