"""Pieces of the forward pass and of backpropagation through time that
every cell shares."""

import numpy as np

from .jit import kernel, step_kernel
from .matmul import matmul_rows


@kernel
def recurrent_weight_gradient(h0, H, HR, DZ, dW_hh, scratch):
    """``dW_hh = sum_t (h_{t-1} * m)^T dz_t``, as one or two matrix products.

    ``DZ`` is (n_timesteps, batch, width) for any gate width; ``HR`` holds
    the masked previous states with recurrent dropout and is empty without,
    when ``H`` shifted by one step (and ``h0``, if not zero) stands in.
    """
    n_timesteps, batch, units = H.shape
    width = DZ.shape[2]
    if HR.size > 0:
        rows = n_timesteps * batch
        np.dot(HR.reshape(rows, units).T, DZ.reshape(rows, width), dW_hh)
        return
    if n_timesteps > 1:
        rows = (n_timesteps - 1) * batch
        np.dot(H[:-1].reshape(rows, units).T, DZ[1:].reshape(rows, width), dW_hh)
    else:
        dW_hh[:] = 0.0
    for b in range(batch):
        for u in range(units):
            if h0[b, u] != 0.0:
                np.dot(h0.T, DZ[0], scratch)
                dW_hh += scratch
                return


@step_kernel
def at_step(buffer, t):
    """Step ``t``'s slice of a buffer of per-step values.

    Training keeps every step (the backward pass reads them); prediction
    keeps one, reused by every step: gate values of a 512-row batch over
    29 steps fill 30 MB at 128 LSTM units, which went to memory and back;
    the input projection alone took 9.9 ms into such a buffer and 2.4 ms
    into one step's (``benchmarks/README.md``, "Per-step overhead").
    """
    return buffer[t % buffer.shape[0]]


@step_kernel
def project_inputs_ahead(X, W_xh, XP, invariant):
    """``XP[t] = x_t W_xh`` for every step in one product when ``XP`` keeps
    every step; else nothing (see :func:`project_step`)."""
    n_timesteps, batch, n_inputs = X.shape
    if XP.shape[0] == n_timesteps:
        matmul_rows(X.reshape(n_timesteps * batch, n_inputs), W_xh,
                    XP.reshape(n_timesteps * batch, XP.shape[2]), invariant)


@step_kernel
def project_step(X, W_xh, XP, t, invariant):
    """Step ``t``'s slot of ``XP`` holding ``x_t W_xh``: made now when
    ``XP`` keeps one step, else made ahead by :func:`project_inputs_ahead`
    (rows are independent in the fixed-order product, so both give the
    same bits)."""
    out = at_step(XP, t)
    if XP.shape[0] < X.shape[0]:
        matmul_rows(X[t], W_xh, out, invariant)
    return out


@step_kernel
def masked_state(previous, m, HR, t):
    """``previous * m`` into ``HR[t]`` and return it; ``previous`` itself
    when ``m`` is empty (no recurrent dropout, and ``HR`` is empty too)."""
    if m.size == 0:
        return previous
    out = HR[t]
    for b in range(previous.shape[0]):
        for u in range(previous.shape[1]):
            out[b, u] = previous[b, u] * m[b, u]
    return out


@step_kernel
def hold_before_start(A, initial, starts, t):
    """Row ``b`` of ``A`` becomes ``initial[b]`` while step ``t`` comes
    before ``starts[b]``.

    Variable-length batches are aligned at their last step and padded in
    front; a sequence's state stays at its initial value until it starts,
    exactly as if the padding were not there. ``starts`` is empty when
    nothing is padded.
    """
    for b in range(starts.shape[0]):
        if t < starts[b]:
            A[b, :] = initial[b, :]


@step_kernel
def zero_before_start(A, starts, t):
    """Zero row ``b`` of ``A`` while step ``t`` comes before ``starts[b]``:
    no gradient flows through the padding steps of ``hold_before_start``."""
    for b in range(starts.shape[0]):
        if t < starts[b]:
            A[b, :] = 0.0


@step_kernel
def cut_at_chunk_start(d, t, n_timesteps, truncate):
    """Truncated BPTT: zero the gradient ``d`` flowing from step ``t`` into
    step ``t - 1`` when ``t`` starts a chunk of ``truncate`` steps, counted
    back from the last step; ``truncate == 0`` never cuts."""
    if truncate > 0 and (n_timesteps - t) % truncate == 0:
        d[:] = 0.0


@step_kernel
def apply_recurrent_mask(dh, m):
    """``dh *= m`` in place, unless ``m`` is empty."""
    if m.size > 0:
        for b in range(dh.shape[0]):
            for u in range(dh.shape[1]):
                dh[b, u] *= m[b, u]


@kernel
def input_gradients(X, W_xh, DZ, dW_xh, db, dX):
    """Gradients that flow through the input projection of all steps.

    ``DZ`` (n_timesteps, batch, width) is the gradient of the projection
    ``x_t W_xh + b``: ``dW_xh = X^T DZ`` and ``db = sum DZ`` as single
    reductions over every step, and ``dX = DZ W_xh^T`` unless ``dX`` is
    empty (the first layer needs none).
    """
    n_timesteps, batch, n_inputs = X.shape
    width = DZ.shape[2]
    rows = n_timesteps * batch
    DZ2 = DZ.reshape(rows, width)
    np.dot(X.reshape(rows, n_inputs).T, DZ2, dW_xh)
    column_sums(DZ2, db)
    if dX.size > 0:
        np.dot(DZ2, W_xh.T, dX.reshape(rows, n_inputs))


@kernel
def column_sums(A, out):
    """``out = A.sum(axis=0)`` for a 2-D ``A``, in row order."""
    out[:] = 0.0
    for i in range(A.shape[0]):
        for k in range(A.shape[1]):
            out[k] += A[i, k]
