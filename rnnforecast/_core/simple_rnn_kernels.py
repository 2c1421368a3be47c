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
from .bptt import (apply_recurrent_mask, input_gradients, masked_state,
                    cut_at_chunk_start, hold_before_start,
                    recurrent_weight_gradient, zero_before_start)
from .jit import kernel
from .matmul import matmul_rows


@kernel
def simple_rnn_forward(X, W_xh, W_hh, b_h, h0, m, starts, code, H, HR, step, invariant):
    """Run the cell over all time steps.

    Parameters
    ----------
    X : ndarray of shape (n_timesteps, batch, n_inputs)
    W_xh : ndarray of shape (n_inputs, units)
    W_hh : ndarray of shape (units, units)
    b_h : ndarray of shape (units,)
    h0 : ndarray of shape (batch, units)
        Initial hidden state.
    m : ndarray of shape (batch, units) or (0, 0)
        Recurrent-dropout mask, already scaled by ``1 / (1 - rate)``; empty
        without recurrent dropout.
    starts : ndarray of int of shape (batch,) or (0,)
        First real step of each sequence when the batch is padded in front
        (see ``hold_before_start``); empty without padding.
    code : int
        Activation code, see ``ACTIVATION_CODES``.
    H : ndarray of shape (n_timesteps, batch, units)
        Output: hidden states ``h_t``.
    HR : ndarray of shape (n_timesteps, batch, units) or (0, 0, 0)
        Output with recurrent dropout: masked previous states
        ``h_{t-1} * m``, kept for the backward pass.
    step : ndarray of shape (batch, units)
        Scratch buffer.
    invariant : bool
        False for BLAS products over the whole batch (training); True for
        fixed-order products, so each sample's states are independent of
        the rest of the batch, bit for bit (prediction; see ``matmul``).
    """
    n_timesteps, batch, n_inputs = X.shape
    units = W_hh.shape[0]
    matmul_rows(X.reshape(n_timesteps * batch, n_inputs), W_xh,
                H.reshape(n_timesteps * batch, units), invariant)
    for t in range(n_timesteps):
        previous = masked_state(h0 if t == 0 else H[t - 1], m, HR, t)
        matmul_rows(previous, W_hh, step, invariant)
        add_and_activate(H[t], step, b_h, code)
        hold_before_start(H[t], h0, starts, t)


@kernel
def simple_rnn_backward(X, W_xh, W_hh, h0, H, HR, m, starts, truncate, code, dH,
                        dW_xh, dW_hh, db_h, dX, DZ, dh, dW_scratch):
    """Backpropagate through time.

    Parameters
    ----------
    X, W_xh, W_hh, h0, H, HR, m, starts, code
        As in :func:`simple_rnn_forward`, after it has run.
    truncate : int
        Truncated BPTT: gradients flow back at most this many steps
        (chunks counted back from the last step); 0 for full BPTT.
    dH : ndarray of shape (n_timesteps, batch, units)
        Gradient of the loss with respect to each ``h_t`` from outside the
        recurrence (the output head or the layer above).
    dW_xh, dW_hh, db_h : ndarray
        Output: gradients, overwritten.
    dX : ndarray of shape (n_timesteps, batch, n_inputs) or (0, 0, 0)
        Output: gradient with respect to ``X``; skipped when empty.
    DZ : ndarray of shape (n_timesteps, batch, units)
        Scratch: gradient with respect to the pre-activations.
    dh : ndarray of shape (batch, units)
        Output: gradient flowing into ``h0``.
    dW_scratch : ndarray of shape (units, units)
        Scratch for the initial state's term of ``dW_hh``.
    """
    n_timesteps, batch, n_inputs = X.shape
    dh[:] = 0.0
    for t in range(n_timesteps - 1, -1, -1):
        backprop_activation(dH[t], dh, H[t], code, DZ[t])
        zero_before_start(DZ[t], starts, t)
        np.dot(DZ[t], W_hh.T, dh)
        apply_recurrent_mask(dh, m)
        cut_at_chunk_start(dh, t, n_timesteps, truncate)
    recurrent_weight_gradient(h0, H, HR, DZ, dW_hh, dW_scratch)
    input_gradients(X, W_xh, DZ, dW_xh, db_h, dX)
