"""Forward and backward kernels of the LSTM cell over a batch.

Gates in Keras' and PyTorch's order, input ``i``, forget ``f``, candidate
``g``, output ``o``, each a block of ``units`` columns of the weights::

    z_t = x_t W_xh + (h_{t-1} * m) W_hh + b_h          (4 * units wide)
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = act(z_g)
    c_t = f * c_{t-1} + i * g
    h_t = o * act(c_t)

``act`` is the layer's activation (tanh by default). Layout and buffers as
in ``simple_rnn_kernels``: time-major arrays, one product for the input
projection of all steps and one for each weight gradient, nothing allocated.
The gate buffer ``GATES`` holds the pre-activations first and the gate
values after the forward pass; ``I, F, G, O`` number its blocks.
"""

import numpy as np

from .activations import (
    SIGMOID,
    TANH,
    activation,
    activation_derivative,
    gate,
    precision_tanh,
    times_gate_slope,
)
from .bptt import (
    apply_recurrent_mask,
    at_step,
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

# The gate blocks of ``z``, each ``units`` columns, in Keras' and PyTorch's order.
I, F, G, O = 0, 1, 2, 3


@kernel
def _lstm_gates(GATES_t, step, b_h, c_prev, code, gate_code, tanh_form, C_t, A_t, H_t):
    """Gate values into ``GATES_t`` (holding ``x_t W_xh`` on entry); the new
    cell state, its activation and ``h_t``.

    Each gate block and each state gets its own loop: a loop that stores
    into two blocks of one row at once is not vectorised by LLVM (it cannot
    rule out that the blocks overlap), and runs six times slower. With
    sigmoid gates and tanh, ``tanh_form`` (see :func:`sigmoid_as_tanh`) puts
    all four blocks through one loop instead of three: a third fewer
    short loops a row, 35% less time a step, the same bits. Rows are
    indexed, not sliced: a row view costs two atomic reference-count
    updates, which made this kernel three times slower at one row and
    16 units (``benchmarks/README.md``, "Per-step overhead").
    """
    batch, units = C_t.shape
    fused = code == TANH and gate_code == SIGMOID
    for b in range(batch):
        if fused:
            for k in range(4 * units):               # i, f, o = gate(z), g = tanh(z)
                GATES_t[b, k] = (precision_tanh(tanh_form[0, k] * (GATES_t[b, k] + step[b, k]
                                                                  + b_h[k]))
                                 * tanh_form[0, k] + tanh_form[1, k])
        else:
            _gates_by_block(GATES_t, step, b_h, b, units, code, gate_code)
        for u in range(units):                       # c_t = f * c_{t-1} + i * g
            C_t[b, u] = (GATES_t[b, F * units + u] * c_prev[b, u]
                         + GATES_t[b, I * units + u] * GATES_t[b, G * units + u])
        for u in range(units):                       # a_t = act(c_t)
            A_t[b, u] = activation(C_t[b, u], code)
        for u in range(units):                       # h_t = o * a_t
            H_t[b, u] = GATES_t[b, O * units + u] * A_t[b, u]


@kernel
def _gates_by_block(GATES_t, step, b_h, b, units, code, gate_code):
    """Row ``b``'s gate values, each block with its own activation."""
    for k in range(2 * units):                       # i, f = gate(z_i), gate(z_f)
        GATES_t[b, k] = gate(GATES_t[b, k] + step[b, k] + b_h[k], gate_code)
    # Offsets go into the indices, not the loop bounds: a loop starting
    # above zero is not vectorised (3x slower here).
    for u in range(units):                           # g = act(z_g)
        k = G * units + u
        GATES_t[b, k] = activation(GATES_t[b, k] + step[b, k] + b_h[k], code)
    for u in range(units):                           # o = gate(z_o)
        k = O * units + u
        GATES_t[b, k] = gate(GATES_t[b, k] + step[b, k] + b_h[k], gate_code)


@kernel
def sigmoid_as_tanh(units, out):
    """Fill ``out`` so that ``tanh(out[0] * z) * out[0] + out[1]`` is each
    gate block's activation when the gates are sigmoid and ``act`` is tanh.

    ``sigmoid(z) = tanh(z / 2) / 2 + 1 / 2`` is how ``precision_sigmoid``
    computes it (halving is exact, so ``(1 + y) / 2`` and ``y / 2 + 1 / 2``
    round alike); the candidate ``g`` takes scale 1 and shift 0.

    Parameters
    ----------
    units : int
    out : ndarray of shape (2, 4 * units)
        Output: rows scale (inside and outside the tanh), shift.
    """
    for k in range(4 * units):
        candidate = G * units <= k < (G + 1) * units
        out[0, k] = 1.0 if candidate else 0.5
        out[1, k] = 0.0 if candidate else 0.5


@kernel
def lstm_forward(sequence, weights, states, code, gate_code, invariant):
    """Run the LSTM over all time steps.

    Parameters
    ----------
    sequence : tuple (X, h0, m, starts)
        ``X``, ``h0``, the recurrent-dropout mask ``m`` on ``h_{t-1}`` (or
        empty) and ``starts`` (see ``hold_before_start``; empty without
        padding).
    weights : tuple (W_xh, W_hh, b_h)
    states : tuple (c0, H, C, A, GATES, HR, step, tanh_form)
        ``c0``, the initial cell state; output: ``H``, ``C``, ``A``
        (``act(c_t)``), ``GATES`` (gate values ``i, f, g, o``) and, with
        recurrent dropout, ``HR`` (``h_{t-1} * m``); ``step`` and
        ``tanh_form`` (see :func:`sigmoid_as_tanh`) are scratch. ``A`` and
        ``GATES`` may keep one step instead of all (prediction; see
        ``bptt.at_step``), and the input projection is then made step by
        step.
    code : int
        Activation code of ``act``.
    gate_code : int
        Gate activation code (``GATE_CODES``), sigmoid by default.
    invariant : bool
        Batch-invariant products (prediction), as in ``simple_rnn_forward``.

    Each tuple's arrays and shapes are listed in ``cell_arrays``.
    """
    X, h0, m, starts = sequence
    W_xh, W_hh, b_h = weights
    c0, H, C, A, GATES, HR, step, tanh_form = states
    project_inputs_ahead(X, W_xh, GATES, invariant)              # x_t W_xh, all steps
    sigmoid_as_tanh(W_hh.shape[0], tanh_form)
    for t in range(X.shape[0]):
        gates = project_step(X, W_xh, GATES, t, invariant)            #   or this one
        previous = masked_state(h0 if t == 0 else H[t - 1], m, HR, t)
        matmul_rows(previous, W_hh, step, invariant)                  # (h_{t-1} * m) W_hh
        _lstm_gates(gates, step, b_h, c0 if t == 0 else C[t - 1], code, gate_code,
                    tanh_form, C[t], at_step(A, t), H[t])
        hold_before_start(H[t], h0, starts, t)
        hold_before_start(C[t], c0, starts, t)


@kernel
def _lstm_step_backward(dH_t, dh, dc, GATES_t, A_t, c_prev, code, gate_code, DZ_t):
    """Gate gradients of one step into ``DZ_t``; ``dc`` becomes dL/dc_{t-1}.

    ``dh`` holds the gradient reaching ``h_t`` from step ``t + 1`` and is
    used as scratch. One loop per stored block, rows indexed, as in
    ``_lstm_gates``.
    """
    batch, units = dh.shape
    for b in range(batch):
        for u in range(units):                       # dh_t: from above and from t + 1
            dh[b, u] += dH_t[b, u]
        for u in range(units):                       # dc_t += dh_t * o * act'(c_t)
            dc[b, u] += (dh[b, u] * GATES_t[b, O * units + u]
                         * activation_derivative(A_t[b, u], code))
        for u in range(units):                       # dz_i = dc_t * g * gate'(z_i)
            DZ_t[b, I * units + u] = times_gate_slope(dc[b, u] * GATES_t[b, G * units + u],
                                                      GATES_t[b, I * units + u], gate_code)
        for u in range(units):                       # dz_f = dc_t * c_{t-1} * gate'(z_f)
            DZ_t[b, F * units + u] = times_gate_slope(dc[b, u] * c_prev[b, u],
                                                      GATES_t[b, F * units + u], gate_code)
        for u in range(units):                       # dz_g = dc_t * i * act'(z_g)
            DZ_t[b, G * units + u] = (dc[b, u] * GATES_t[b, I * units + u]
                                      * activation_derivative(GATES_t[b, G * units + u], code))
        for u in range(units):                       # dz_o = dh_t * a_t * gate'(z_o)
            DZ_t[b, O * units + u] = times_gate_slope(dh[b, u] * A_t[b, u],
                                                      GATES_t[b, O * units + u], gate_code)
        for u in range(units):                       # dc_{t-1} = dc_t * f
            dc[b, u] *= GATES_t[b, F * units + u]


@kernel
def lstm_backward(sequence, weights, states, truncate, code, gate_code, dH, grads, dX, scratch):
    """Backpropagate through time.

    Parameters
    ----------
    sequence, weights, states, code, gate_code
        As in :func:`lstm_forward`, after it has run.
    truncate : int
        Truncated BPTT: gradients flow back at most this many steps
        (chunks counted back from the last step); 0 for full BPTT.
    dH : ndarray of shape (n_timesteps, batch, units)
        Gradient of the loss with respect to each ``h_t`` from outside.
    grads : tuple (dW_xh, dW_hh, db_h)
        Output: overwritten.
    dX : ndarray of shape (n_timesteps, batch, n_inputs) or (0, 0, 0)
        Output: gradient with respect to ``X``; skipped when empty.
    scratch : tuple (DZ, dh, dc, dW_scratch)
        ``DZ``, the gate pre-activation gradients; ``dh`` and ``dc``, the
        output gradients flowing into ``h0`` and ``c0``; ``dW_scratch``.
    """
    X, h0, m, starts = sequence
    W_xh, W_hh, _ = weights
    dW_xh, dW_hh, db_h = grads
    c0, H, C, A, GATES, HR, _, _ = states
    DZ, dh, dc, dW_scratch = scratch
    n_timesteps = X.shape[0]
    dh[:] = 0.0
    dc[:] = 0.0
    for t in range(n_timesteps - 1, -1, -1):
        _lstm_step_backward(dH[t], dh, dc, GATES[t], A[t], c0 if t == 0 else C[t - 1],
                            code, gate_code, DZ[t])
        zero_before_start(DZ[t], starts, t)
        zero_before_start(dc, starts, t)
        np.dot(DZ[t], W_hh.T, dh)                                # dh_{t-1} = dz_t W_hh^T
        apply_recurrent_mask(dh, m)                                #   * m
        cut_at_chunk_start(dh, t, n_timesteps, truncate)
        cut_at_chunk_start(dc, t, n_timesteps, truncate)
    recurrent_weight_gradient(h0, H, HR, DZ, dW_hh, dW_scratch)
    input_gradients(X, W_xh, DZ, dW_xh, db_h, dX)
