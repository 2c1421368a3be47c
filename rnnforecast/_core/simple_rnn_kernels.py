"""Forward and backward kernels of the Elman (SimpleRNN) cell over a batch.

The recurrence, in the notation used throughout rnnforecast::

    h_t = act(x_t W_xh + (h_{t-1} * m) W_hh + b_h)

``m`` is the recurrent-dropout mask; without recurrent dropout it is an
empty array and no masked copy of the states is made. Arrays are time-major
and C-contiguous: ``X`` is ``(n_timesteps, batch, n_inputs)`` and hidden
states are ``(n_timesteps, batch, units)``, so the input projection of all
steps is one matrix product, and so are the weight gradients. Only the
recurrent products run step by step. Kernels write into buffers they are
given and allocate nothing.
"""

import numpy as np

from .activations import add_and_activate, backprop_activation
from .bptt import (
    apply_recurrent_mask,
    cut_at_chunk_start,
    hold_before_start,
    input_gradients,
    masked_state,
    recurrent_weight_gradient,
    zero_before_start,
)
from .jit import kernel
from .matmul import matmul_rows


@kernel
def simple_rnn_forward(sequence, weights, states, code, invariant):
    """Run the cell over all time steps, filling ``H`` of ``states``.

    Parameters
    ----------
    sequence : tuple (X, h0, m, starts)
        ``X``, ``h0``, the recurrent-dropout mask ``m`` (already scaled by
        ``1 / (1 - rate)``; empty without recurrent dropout) and ``starts``
        (see ``hold_before_start``; empty without padding).
    weights : tuple (W_xh, W_hh, b_h)
    states : tuple (H, HR, step)
        Output: ``H``, and ``HR`` (``h_{t-1} * m``, kept for the backward
        pass) with recurrent dropout; ``step`` is scratch.
    code : int
        Activation code, see ``ACTIVATION_CODES``.
    invariant : bool
        False for BLAS products over the whole batch (training); True for
        fixed-order products, so each sample's states are independent of
        the rest of the batch, bit for bit (prediction; see ``matmul``).

    Each tuple's arrays and shapes are listed in ``cell_arrays``.
    """
    X, h0, m, starts = sequence
    W_xh, W_hh, b_h = weights
    H, HR, step = states
    n_timesteps, batch, n_inputs = X.shape
    units = W_hh.shape[0]
    matmul_rows(X.reshape(n_timesteps * batch, n_inputs), W_xh,
                H.reshape(n_timesteps * batch, units), invariant)       # x_t W_xh
    for t in range(n_timesteps):
        previous = masked_state(h0 if t == 0 else H[t - 1], m, HR, t)
        matmul_rows(previous, W_hh, step, invariant)                 # (h_{t-1} * m) W_hh
        add_and_activate(H[t], step, b_h, code)                  # h_t = act(... + b_h)
        hold_before_start(H[t], h0, starts, t)


@kernel
def simple_rnn_backward(sequence, weights, states, truncate, code, dH, grads, dX, scratch):
    """Backpropagate through time.

    Parameters
    ----------
    sequence, weights, states, code
        As in :func:`simple_rnn_forward`, after it has run.
    truncate : int
        Truncated BPTT: gradients flow back at most this many steps
        (chunks counted back from the last step); 0 for full BPTT.
    dH : ndarray of shape (n_timesteps, batch, units)
        Gradient of the loss with respect to each ``h_t`` from outside the
        recurrence (the output head or the layer above).
    grads : tuple (dW_xh, dW_hh, db_h)
        Output: overwritten.
    dX : ndarray of shape (n_timesteps, batch, n_inputs) or (0, 0, 0)
        Output: gradient with respect to ``X``; skipped when empty.
    scratch : tuple (DZ, dh, dW_scratch)
        ``DZ``, the pre-activation gradients; ``dh``, the output gradient
        flowing into ``h0``; ``dW_scratch``.
    """
    X, h0, m, starts = sequence
    W_xh, W_hh, _ = weights
    dW_xh, dW_hh, db_h = grads
    H, HR, _ = states
    DZ, dh, dW_scratch = scratch
    n_timesteps = X.shape[0]
    dh[:] = 0.0
    for t in range(n_timesteps - 1, -1, -1):
        backprop_activation(dH[t], dh, H[t], code, DZ[t])          # dz_t = dh_t * act'
        zero_before_start(DZ[t], starts, t)
        np.dot(DZ[t], W_hh.T, dh)                                # dh_{t-1} = dz_t W_hh^T
        apply_recurrent_mask(dh, m)                                #   * m
        cut_at_chunk_start(dh, t, n_timesteps, truncate)
    recurrent_weight_gradient(h0, H, HR, DZ, dW_hh, dW_scratch)
    input_gradients(X, W_xh, DZ, dW_xh, db_h, dX)
