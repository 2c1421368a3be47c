"""Forward and backward kernels of the Elman (SimpleRNN) cell over a batch.

The recurrence, in the notation used throughout rnnforecast::

    h_t = act(x_t W_xh + (h_{t-1} * r) W_hh + b_h)

``r`` is the recurrent-dropout mask (ones when recurrent dropout is off).
Arrays are time-major and C-contiguous: ``X`` is ``(n_timesteps, batch,
n_inputs)`` and hidden states are ``(n_timesteps, batch, units)``, so the
input projection of every step is one matrix product and each step's slice
is contiguous. Kernels write into buffers they are given and allocate
nothing.
"""

import numpy as np

from ._activations import activate, derivative_from_output
from ._jit import kernel


@kernel
def simple_rnn_forward(X, W_xh, W_hh, b_h, h0, r, code, H, HR, step):
    """Run the cell over all time steps.

    Parameters
    ----------
    X : ndarray of shape (n_timesteps, batch, n_inputs)
    W_xh : ndarray of shape (n_inputs, units)
    W_hh : ndarray of shape (units, units)
    b_h : ndarray of shape (units,)
    h0 : ndarray of shape (batch, units)
        Initial hidden state.
    r : ndarray of shape (batch, units)
        Recurrent-dropout mask, already scaled by ``1 / (1 - rate)``.
    code : int
        Activation code, see ``ACTIVATION_CODES``.
    H : ndarray of shape (n_timesteps, batch, units)
        Output: hidden states ``h_t``.
    HR : ndarray of shape (n_timesteps, batch, units)
        Output: masked previous states ``h_{t-1} * r``, kept for the
        backward pass.
    step : ndarray of shape (batch, units)
        Scratch buffer.
    """
    n_timesteps, batch, n_inputs = X.shape
    units = W_hh.shape[0]
    np.dot(X.reshape(n_timesteps * batch, n_inputs), W_xh,
           H.reshape(n_timesteps * batch, units))
    for t in range(n_timesteps):
        previous = h0 if t == 0 else H[t - 1]
        masked = HR[t]
        for b in range(batch):
            for u in range(units):
                masked[b, u] = previous[b, u] * r[b, u]
        np.dot(masked, W_hh, step)
        current = H[t]
        for b in range(batch):
            for u in range(units):
                current[b, u] = activate(current[b, u] + step[b, u] + b_h[u], code)


@kernel
def simple_rnn_backward(X, W_xh, W_hh, H, HR, r, code, dH,
                        dW_xh, dW_hh, db_h, dX, DZ, dh):
    """Backpropagate through time.

    Parameters
    ----------
    X, W_xh, W_hh, H, HR, r, code
        As in :func:`simple_rnn_forward`, after it has run.
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
        Output: gradient flowing into ``h_{t-1}`` at the end, that is into
        the initial state ``h0``.
    """
    n_timesteps, batch, n_inputs = X.shape
    units = W_hh.shape[0]
    dh[:] = 0.0
    for t in range(n_timesteps - 1, -1, -1):
        dz = DZ[t]
        for b in range(batch):
            for u in range(units):
                h = H[t, b, u]
                dz[b, u] = (dH[t, b, u] + dh[b, u]) * derivative_from_output(h, code)
        np.dot(dz, W_hh.T, dh)
        for b in range(batch):
            for u in range(units):
                dh[b, u] *= r[b, u]
    rows = n_timesteps * batch
    DZ2 = DZ.reshape(rows, units)
    np.dot(HR.reshape(rows, units).T, DZ2, dW_hh)
    np.dot(X.reshape(rows, n_inputs).T, DZ2, dW_xh)
    db_h[:] = 0.0
    for i in range(rows):
        for u in range(units):
            db_h[u] += DZ2[i, u]
    if dX.size > 0:
        np.dot(DZ2, W_xh.T, dX.reshape(rows, n_inputs))
