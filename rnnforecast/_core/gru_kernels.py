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
    column_sums,
    cut_at_chunk_start,
    hold_before_start,
    input_gradients,
    masked_state,
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
    ``step`` (``(h_{t-1} * m) W_hh``). One loop per stored block: see
    ``_lstm_gates`` for why."""
    batch, units = H_t.shape
    for b in range(batch):
        x, s, g, hn, h, hp = X_t[b], step[b], GATES_t[b], HN_t[b], H_t[b], h_prev[b]
        for k in range(2 * units):                   # z, r = gate(xz + hz), gate(xr + hr)
            g[k] = gate(x[k] + b_h[k] + s[k] + b_hh[k], gate_code)
        for u in range(units):                       # hn (with its bias)
            hn[u] = s[N * units + u] + b_hh[N * units + u]
        for u in range(units):                       # n = act(xn + r * hn)
            g[N * units + u] = activation(x[N * units + u] + b_h[N * units + u]
                                          + g[R * units + u] * hn[u], code)
        for u in range(units):                       # h_t = z * h_{t-1} + (1 - z) * n
            update = g[Z * units + u]
            h[u] = update * hp[u] + (1 - update) * g[N * units + u]


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
        ``x_t W_xh``) and ``step`` are scratch.
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
    n_timesteps, batch, n_inputs = X.shape
    width = W_hh.shape[1]
    matmul_rows(X.reshape(n_timesteps * batch, n_inputs), W_xh,
                XP.reshape(n_timesteps * batch, width), invariant)       # x_t W_xh
    for t in range(n_timesteps):
        previous = h0 if t == 0 else H[t - 1]
        matmul_rows(masked_state(previous, m, HR, t), W_hh, step, invariant)
        _gru_gates(XP[t], step, b_h, b_hh, previous, code, gate_code, GATES[t],
                   HN[t], H[t])
        hold_before_start(H[t], h0, starts, t)


@kernel
def _gru_step_backward(dH_t, dh, GATES_t, HN_t, h_prev, code, gate_code, DZ_in_t, DZ_rec_t):
    """Pre-activation gradients of one step: ``DZ_in_t`` for the input part
    ``x_t W_xh + b_h``, ``DZ_rec_t`` for the recurrent part
    ``(h_{t-1} * m) W_hh + b_hh``; ``dh`` becomes the direct part of
    dL/dh_{t-1} (through ``z * h_{t-1}``). One loop per stored block."""
    batch, units = dh.shape
    for b in range(batch):
        g, d_in, d_rec = GATES_t[b], DZ_in_t[b], DZ_rec_t[b]
        hn, hp, dh_t = HN_t[b], h_prev[b], dh[b]
        for u in range(units):                       # dh_t: from above and from t + 1
            dh_t[u] += dH_t[b, u]
        for u in range(units):                       # dz = dh_t * (h_{t-1} - n) * gate'
            d_in[Z * units + u] = times_gate_slope(dh_t[u] * (hp[u] - g[N * units + u]),
                                                   g[Z * units + u], gate_code)
        for u in range(units):                       # dn = dh_t * (1 - z) * act'
            d_in[N * units + u] = (dh_t[u] * (1 - g[Z * units + u])
                                   * activation_derivative(g[N * units + u], code))
        for u in range(units):                       # dr = dn * hn * gate'
            d_in[R * units + u] = times_gate_slope(d_in[N * units + u] * hn[u],
                                                   g[R * units + u], gate_code)
        for k in range(2 * units):                   # z, r: both parts alike
            d_rec[k] = d_in[k]
        for u in range(units):                       # dhn = dn * r
            d_rec[N * units + u] = d_in[N * units + u] * g[R * units + u]
        for u in range(units):                       # through z * h_{t-1}: dh_t * z
            dh_t[u] *= g[Z * units + u]


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
