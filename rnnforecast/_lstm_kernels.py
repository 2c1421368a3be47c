"""Forward and backward kernels of the LSTM cell over a batch.

Gates in Keras' and PyTorch's order, input ``i``, forget ``f``, candidate
``g``, output ``o``, each a block of ``units`` columns of the weights::

    z_t = x_t W_xh + (h_{t-1} * r) W_hh + b_h          (4 * units wide)
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = act(z_g)
    c_t = f * c_{t-1} + i * g
    h_t = o * act(c_t)

``act`` is the layer's activation (tanh by default). Layout and buffers as
in ``_simple_rnn_kernels``: time-major arrays, one product for the input
projection of all steps and one for each weight gradient, nothing allocated.
The gate buffer ``G`` holds the pre-activations first and the gate values
after the forward pass.
"""

import numpy as np

from ._activations import activation, activation_derivative, precision_sigmoid
from ._bptt import (apply_recurrent_mask, input_gradients, masked_state,
                    recurrent_weight_gradient)
from ._jit import kernel
from ._matmul import matmul_rows


@kernel
def _lstm_gates(G_t, step, b_h, c_prev, code, C_t, A_t, H_t):
    """Gate values into ``G_t``; new cell state, its activation and ``h_t``."""
    batch, units = C_t.shape
    for b in range(batch):
        z, s, cp = G_t[b], step[b], c_prev[b]
        for u in range(units):
            i = precision_sigmoid(z[u] + s[u] + b_h[u])
            f = precision_sigmoid(z[units + u] + s[units + u] + b_h[units + u])
            g = activation(z[2 * units + u] + s[2 * units + u] + b_h[2 * units + u], code)
            o = precision_sigmoid(z[3 * units + u] + s[3 * units + u] + b_h[3 * units + u])
            z[u], z[units + u], z[2 * units + u], z[3 * units + u] = i, f, g, o
            c = f * cp[u] + i * g
            C_t[b, u] = c
            a = activation(c, code)
            A_t[b, u] = a
            H_t[b, u] = o * a


@kernel
def lstm_forward(X, W_xh, W_hh, b_h, h0, c0, r, code, H, C, A, G, HR, step, block):
    """Run the LSTM over all time steps.

    Parameters
    ----------
    X : ndarray of shape (n_timesteps, batch, n_inputs)
    W_xh : ndarray of shape (n_inputs, 4 * units)
    W_hh : ndarray of shape (units, 4 * units)
    b_h : ndarray of shape (4 * units,)
    h0, c0 : ndarray of shape (batch, units)
        Initial hidden and cell states.
    r : ndarray of shape (batch, units) or (0, 0)
        Recurrent-dropout mask on ``h_{t-1}``, or empty.
    code : int
        Activation code of ``act``.
    H, C, A : ndarray of shape (n_timesteps, batch, units)
        Output: hidden states, cell states and ``act(c_t)``.
    G : ndarray of shape (n_timesteps, batch, 4 * units)
        Output: gate values ``i, f, g, o``.
    HR : ndarray of shape (n_timesteps, batch, units) or (0, 0, 0)
        Output with recurrent dropout: ``h_{t-1} * r``.
    step : ndarray of shape (batch, 4 * units)
        Scratch.
    block : int
        Row block of the products (see ``_matmul``).
    """
    n_timesteps, batch, n_inputs = X.shape
    width = W_hh.shape[1]
    matmul_rows(X.reshape(n_timesteps * batch, n_inputs), W_xh,
                G.reshape(n_timesteps * batch, width), block)
    for t in range(n_timesteps):
        previous = masked_state(h0 if t == 0 else H[t - 1], r, HR, t)
        matmul_rows(previous, W_hh, step, block)
        _lstm_gates(G[t], step, b_h, c0 if t == 0 else C[t - 1], code, C[t], A[t], H[t])


@kernel
def _lstm_step_backward(dH_t, dh, dc, G_t, A_t, c_prev, code, DZ_t):
    """Gate gradients of one step into ``DZ_t``; ``dc`` becomes dL/dc_{t-1}."""
    batch, units = dh.shape
    for b in range(batch):
        gates, dz = G_t[b], DZ_t[b]
        for u in range(units):
            i, f = gates[u], gates[units + u]
            g, o = gates[2 * units + u], gates[3 * units + u]
            a = A_t[b, u]
            dh_total = dH_t[b, u] + dh[b, u]
            dc_total = dc[b, u] + dh_total * o * activation_derivative(a, code)
            dz[u] = dc_total * g * i * (1 - i)
            dz[units + u] = dc_total * c_prev[b, u] * f * (1 - f)
            dz[2 * units + u] = dc_total * i * activation_derivative(g, code)
            dz[3 * units + u] = dh_total * a * o * (1 - o)
            dc[b, u] = dc_total * f


@kernel
def lstm_backward(X, W_xh, W_hh, h0, c0, H, C, A, G, HR, r, code, dH,
                  dW_xh, dW_hh, db_h, dX, DZ, dh, dc, dW_scratch):
    """Backpropagate through time.

    Parameters
    ----------
    X, W_xh, W_hh, h0, c0, H, C, A, G, HR, r, code
        As in :func:`lstm_forward`, after it has run.
    dH : ndarray of shape (n_timesteps, batch, units)
        Gradient of the loss with respect to each ``h_t`` from outside.
    dW_xh, dW_hh, db_h : ndarray
        Output: gradients, overwritten.
    dX : ndarray of shape (n_timesteps, batch, n_inputs) or (0, 0, 0)
        Output: gradient with respect to ``X``; skipped when empty.
    DZ : ndarray of shape (n_timesteps, batch, 4 * units)
        Scratch: gradient with respect to the gate pre-activations.
    dh, dc : ndarray of shape (batch, units)
        Output: gradients flowing into ``h0`` and ``c0``.
    dW_scratch : ndarray of shape (units, 4 * units)
        Scratch for the initial state's term of ``dW_hh``.
    """
    n_timesteps, batch, n_inputs = X.shape
    dh[:] = 0.0
    dc[:] = 0.0
    for t in range(n_timesteps - 1, -1, -1):
        _lstm_step_backward(dH[t], dh, dc, G[t], A[t], c0 if t == 0 else C[t - 1],
                            code, DZ[t])
        np.dot(DZ[t], W_hh.T, dh)
        apply_recurrent_mask(dh, r)
    recurrent_weight_gradient(h0, H, HR, DZ, dW_hh, dW_scratch)
    input_gradients(X, W_xh, DZ, dW_xh, db_h, dX)
