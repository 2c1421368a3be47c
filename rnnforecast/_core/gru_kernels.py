"""Forward and backward kernels of the GRU cell over a batch.

Keras' GRU with ``reset_after=True`` (its default, and PyTorch's
formulation), gates in Keras' order update ``z``, reset ``r``, candidate
``n``, each a block of ``units`` columns::

    x_t W_xh + b_h = [xz, xr, xn]              (input part, 3 * units wide)
    (h_{t-1} * m) W_hh + b_hh = [hz, hr, hn]   (recurrent part)
    z = sigmoid(xz + hz),  r = sigmoid(xr + hr),  n = act(xn + r * hn)
    h_t = z * h_{t-1} + (1 - z) * n

``m`` is the recurrent-dropout mask (empty without). PyTorch orders the
blocks r, z, n. Layout and buffers as in ``simple_rnn_kernels``.
"""

import numpy as np

from .activations import activation, activation_derivative, gate, times_gate_slope
from .bptt import (
    apply_recurrent_mask,
    at_step,
    column_sums,
    cut_at_chunk_start,
    hold_before_start,
    input_gradients,
    masked_state,
    project_inputs_ahead,
    project_step,
    recurrent_weight_gradient,
    zero_before_start,
)
from .jit import kernel
from .matmul import matmul_rows

# The gate blocks of each part, ``units`` columns each, in Keras' order.
Z, R, N = 0, 1, 2


@kernel
def _gru_gates(X_t, step, b_h, b_hh, h_prev, code, gate_code, GATES_t, HN_t, H_t):
    """Gate values into ``GATES_t`` (z, r, n), ``hn`` into ``HN_t``, and ``h_t``,
    from the input part ``X_t`` (``x_t W_xh``) and the recurrent part
    ``step`` (``(h_{t-1} * m) W_hh``). One loop per stored block, rows
    indexed rather than sliced: see ``_lstm_gates`` for why."""
    batch, units = H_t.shape
    for b in range(batch):
        for k in range(2 * units):                   # z, r = gate(xz + hz), gate(xr + hr)
            GATES_t[b, k] = gate(X_t[b, k] + b_h[k] + step[b, k] + b_hh[k], gate_code)
        for u in range(units):                       # hn (with its bias)
            HN_t[b, u] = step[b, N * units + u] + b_hh[N * units + u]
        for u in range(units):                       # n = act(xn + r * hn)
            GATES_t[b, N * units + u] = activation(
                X_t[b, N * units + u] + b_h[N * units + u]
                + GATES_t[b, R * units + u] * HN_t[b, u], code)
        for u in range(units):                       # h_t = z * h_{t-1} + (1 - z) * n
            update = GATES_t[b, Z * units + u]
            H_t[b, u] = update * h_prev[b, u] + (1 - update) * GATES_t[b, N * units + u]


@kernel
def gru_forward(sequence, weights, states, code, gate_code, invariant):
    """Run the GRU over all time steps.

    Parameters
    ----------
    sequence : tuple (X, h0, m, starts)
        ``X``, ``h0``, the recurrent-dropout mask ``m`` on ``h_{t-1}`` (or
        empty) and ``starts`` (see ``hold_before_start``; empty without
        padding).
    weights : tuple (W_xh, W_hh, b_h, b_hh)
        ``b_h`` and ``b_hh`` are the input and recurrent biases.
    states : tuple (H, GATES, HN, XP, HR, step)
        Output: ``H``, ``GATES`` (gate values z, r, n; blocks ``Z, R, N``),
        ``HN`` (the candidate's recurrent part ``hn``) and, with recurrent
        dropout, ``HR`` (``h_{t-1} * m``); ``XP`` (the input projection
        ``x_t W_xh``) and ``step`` are scratch. ``GATES``, ``HN`` and ``XP``
        may keep one step instead of all (prediction; see ``bptt.at_step``),
        and the input projection is then made step by step.
    code : int
        Activation code of the candidate.
    gate_code : int
        Gate activation code (``GATE_CODES``), sigmoid by default.
    invariant : bool
        Batch-invariant products (prediction), as in ``simple_rnn_forward``.

    Each tuple's arrays and shapes are listed in ``cell_arrays``.
    """
    X, h0, m, starts = sequence
    W_xh, W_hh, b_h, b_hh = weights
    H, GATES, HN, XP, HR, step = states
    project_inputs_ahead(X, W_xh, XP, invariant)                 # x_t W_xh, all steps
    for t in range(X.shape[0]):
        projected = project_step(X, W_xh, XP, t, invariant)           #   or this one
        previous = h0 if t == 0 else H[t - 1]
        matmul_rows(masked_state(previous, m, HR, t), W_hh, step, invariant)
        _gru_gates(projected, step, b_h, b_hh, previous, code, gate_code,
                   at_step(GATES, t), at_step(HN, t), H[t])
        hold_before_start(H[t], h0, starts, t)


@kernel
def _gru_step_backward(dH_t, dh, GATES_t, HN_t, h_prev, code, gate_code, DZ_in_t, DZ_rec_t):
    """Pre-activation gradients of one step: ``DZ_in_t`` for the input part
    ``x_t W_xh + b_h``, ``DZ_rec_t`` for the recurrent part
    ``(h_{t-1} * m) W_hh + b_hh``; ``dh`` becomes the direct part of
    dL/dh_{t-1} (through ``z * h_{t-1}``). One loop per stored block."""
    batch, units = dh.shape
    for b in range(batch):
        for u in range(units):                       # dh_t: from above and from t + 1
            dh[b, u] += dH_t[b, u]
        for u in range(units):                       # dz = dh_t * (h_{t-1} - n) * gate'
            DZ_in_t[b, Z * units + u] = times_gate_slope(
                dh[b, u] * (h_prev[b, u] - GATES_t[b, N * units + u]),
                GATES_t[b, Z * units + u], gate_code)
        for u in range(units):                       # dn = dh_t * (1 - z) * act'
            DZ_in_t[b, N * units + u] = (dh[b, u] * (1 - GATES_t[b, Z * units + u])
                                         * activation_derivative(GATES_t[b, N * units + u],
                                                                 code))
        for u in range(units):                       # dr = dn * hn * gate'
            DZ_in_t[b, R * units + u] = times_gate_slope(
                DZ_in_t[b, N * units + u] * HN_t[b, u], GATES_t[b, R * units + u], gate_code)
        for k in range(2 * units):                   # z, r: both parts alike
            DZ_rec_t[b, k] = DZ_in_t[b, k]
        for u in range(units):                       # dhn = dn * r
            DZ_rec_t[b, N * units + u] = DZ_in_t[b, N * units + u] * GATES_t[b, R * units + u]
        for u in range(units):                       # through z * h_{t-1}: dh_t * z
            dh[b, u] *= GATES_t[b, Z * units + u]


@kernel
def gru_backward(sequence, weights, states, truncate, code, gate_code, dH, grads, dX, scratch):
    """Backpropagate through time.

    Parameters
    ----------
    sequence, weights, states, code, gate_code
        As in :func:`gru_forward`, after it has run.
    truncate : int
        Truncated BPTT: gradients flow back at most this many steps
        (chunks counted back from the last step); 0 for full BPTT.
    dH : ndarray of shape (n_timesteps, batch, units)
        Gradient of the loss with respect to each ``h_t`` from outside.
    grads : tuple (dW_xh, dW_hh, db_h, db_hh)
        Output: overwritten.
    dX : ndarray of shape (n_timesteps, batch, n_inputs) or (0, 0, 0)
        Output: gradient with respect to ``X``; skipped when empty.
    scratch : tuple (DZ_in, DZ_rec, dh, recurrent, dW_scratch)
        ``DZ_in`` and ``DZ_rec``, the gradients of the input part
        ``x_t W_xh + b_h`` and of the recurrent part ``(h_{t-1} * m) W_hh +
        b_hh`` of each step; ``dh``, the output gradient flowing into
        ``h0``; ``recurrent`` and ``dW_scratch``.
    """
    X, h0, m, starts = sequence
    W_xh, W_hh, _, _ = weights
    dW_xh, dW_hh, db_h, db_hh = grads
    H, GATES, HN, _, HR, _ = states
    DZ_in, DZ_rec, dh, recurrent, dW_scratch = scratch
    n_timesteps, batch = X.shape[:2]
    dh[:] = 0.0
    for t in range(n_timesteps - 1, -1, -1):
        _gru_step_backward(dH[t], dh, GATES[t], HN[t], h0 if t == 0 else H[t - 1],
                           code, gate_code, DZ_in[t], DZ_rec[t])
        zero_before_start(DZ_in[t], starts, t)
        zero_before_start(DZ_rec[t], starts, t)
        zero_before_start(dh, starts, t)
        np.dot(DZ_rec[t], W_hh.T, recurrent)                     # through W_hh
        apply_recurrent_mask(recurrent, m)                         #   * m
        dh += recurrent                                            # + through z * h_{t-1}
        cut_at_chunk_start(dh, t, n_timesteps, truncate)
    recurrent_weight_gradient(h0, H, HR, DZ_rec, dW_hh, dW_scratch)
    column_sums(DZ_rec.reshape(n_timesteps * batch, DZ_rec.shape[2]), db_hh)
    input_gradients(X, W_xh, DZ_in, dW_xh, db_h, dX)
