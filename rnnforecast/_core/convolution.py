"""One-dimensional convolution over time: "same" padding, stride 1, on
time-major batches.

    Z[t, s] = b + sum over k of X[t + k - left, s] W[k],    left = (K - 1) // 2

for sequence ``s`` at step ``t``, with ``X`` read as zero beyond either end
of the batch's steps: Keras' and torch's ``padding="same"`` (an even kernel
pads one step more on the right). A sequence shorter than the batch sits at
its end, after zeros (``inputs.pad_front``): the caller zeroes those padding
steps of ``X`` (``zero_padding_steps``), so a short sequence sees the same
zeros before its first step as it would alone.

Each tap ``k`` is one matrix product over every step at once: rows
``X[lo + o : hi + o]`` of all sequences, (n_steps * batch, C_in), by
``W[k]``, (C_in, C_out), with ``o = k - left`` and ``[lo, hi)`` the output
steps whose input ``t + o`` lies inside the batch. Time-major storage makes
those rows one contiguous block, so a layer costs ``K`` large products, at
BLAS's best speed, and the backward pass likewise:

    dW[k] = X[lo + o : hi + o]^T dZ[lo : hi]
    dX[lo + o : hi + o] += dZ[lo : hi] W[k]^T
    db = sum over steps and sequences of dZ

With ``invariant`` (prediction) the products are summed in a fixed order
(``matmul.fixed_order_product``), so a sequence's output does not depend on
the batch it is in.
"""

import numpy as np

from .jit import kernel
from .matmul import matmul_rows

# Inputs this narrow are summed in a loop: a matrix product with an inner
# dimension of one or two costs BLAS far more than it computes
# (benchmarks/README.md, "LSTM-FCN training speed").
NARROW_INPUT = 4


@kernel
def tap_steps(k, kernel_size, n_timesteps, first, last):
    """The output steps ``[lo, hi)`` within ``[first, last)`` that tap ``k``
    reaches, and its offset ``o``: output step ``t`` reads input ``t + o``."""
    offset = k - (kernel_size - 1) // 2
    return max(first, -offset), min(last, n_timesteps - offset), offset


@kernel
def conv1d_forward(X, W, b, Z, tap, invariant):
    """``Z = conv(X, W) + b`` (see the module docstring): every step.

    Parameters
    ----------
    X : ndarray of shape (n_timesteps, batch, C_in)
        Time-major input, zero on padding steps.
    W : ndarray of shape (K, C_in, C_out)
    b : ndarray of shape (C_out,) or (0,)
        Bias; empty for none (before batch normalisation, which removes it).
    Z : ndarray of shape (n_timesteps, batch, C_out)
        Output.
    tap : ndarray of shape (at least n_timesteps * batch * C_out,)
        Flat scratch for one tap's product.
    invariant : bool
        Fixed-order products (prediction) instead of BLAS (training).
    """
    conv1d_forward_steps(X, W, b, Z, tap, invariant, 0, X.shape[0])


@kernel
def conv1d_forward_steps(X, W, b, Z, tap, invariant, first, last):
    """``conv1d_forward`` for the output steps ``[first, last)`` alone: the
    part one thread computes (``tap`` its own scratch)."""
    n_timesteps, batch, n_in = X.shape
    n_out = W.shape[2]
    rows = Z.reshape(n_timesteps * batch, n_out)
    for r in range(first * batch, last * batch):
        if b.size > 0:
            rows[r, :] = b
        else:
            rows[r, :] = 0.0
    for k in range(W.shape[0]):
        lo, hi, offset = tap_steps(k, W.shape[0], n_timesteps, first, last)
        if hi <= lo:
            continue
        if n_in <= NARROW_INPUT:
            _add_narrow_tap(X, W[k], Z, lo, hi, offset)
            continue
        n = (hi - lo) * batch
        product = tap[:n * n_out].reshape(n, n_out)
        matmul_rows(X[lo + offset:hi + offset].reshape(n, n_in), W[k], product, invariant)
        rows[lo * batch:hi * batch] += product


@kernel
def _add_narrow_tap(X, W_k, Z, lo, hi, offset):
    """``Z[t] += X[t + offset] W_k`` for steps ``[lo, hi)``, summed over the
    few input channels in order (each sequence on its own: batch-invariant)."""
    for t in range(lo, hi):
        for s in range(X.shape[1]):
            for c in range(X.shape[2]):
                x = X[t + offset, s, c]
                for j in range(Z.shape[2]):
                    Z[t, s, j] += x * W_k[c, j]


@kernel
def conv1d_backward(X, W, dZ, dX, dW, db, tap_in):
    """Gradients of ``conv1d_forward``: ``dW``, ``db`` and, if ``dX`` is not
    empty, the input's gradient ``dX`` (each overwritten), every step.

    Parameters
    ----------
    X : ndarray of shape (n_timesteps, batch, C_in)
        The input forward read.
    W : ndarray of shape (K, C_in, C_out)
    dZ : ndarray of shape (n_timesteps, batch, C_out)
        Gradient of the loss with respect to the output.
    dX : ndarray of shape (n_timesteps, batch, C_in) or (0, 0, 0)
        Output: the input's gradient (skipped when empty: the first layer).
    dW : ndarray of shape (K, C_in, C_out)
        Output.
    db : ndarray of shape (C_out,) or (0,)
        Output; empty for a convolution without bias.
    tap_in : ndarray of shape (at least n_timesteps * batch * C_in,)
        Flat scratch for one tap's input gradient.
    """
    n_timesteps = X.shape[0]
    if db.size > 0:
        gradient = dZ.reshape(n_timesteps * X.shape[1], W.shape[2])
        db[:] = 0.0
        for r in range(gradient.shape[0]):
            db += gradient[r]
    conv1d_weight_gradient_steps(X, dZ, dW, 0, n_timesteps)
    if dX.size > 0:
        conv1d_input_gradient_steps(dZ, W, dX, tap_in, 0, n_timesteps)


@kernel
def conv1d_weight_gradient_steps(X, dZ, dW, first, last):
    """``dW[k] = sum over output steps t in [first, last) of X[t + o]^T
    dZ[t]`` (overwritten): the weight gradient's part from those steps, one
    product per tap."""
    n_timesteps, batch, n_in = X.shape
    n_out = dW.shape[2]
    for k in range(dW.shape[0]):
        lo, hi, offset = tap_steps(k, dW.shape[0], n_timesteps, first, last)
        if hi <= lo:
            dW[k] = 0.0
            continue
        n = (hi - lo) * batch
        inputs = X[lo + offset:hi + offset].reshape(n, n_in)
        outputs = dZ[lo:hi].reshape(n, n_out)
        np.dot(inputs.T, outputs, dW[k])


@kernel
def conv1d_input_gradient_steps(dZ, W, dX, tap_in, first, last):
    """``dX[u] = sum over taps of dZ[u - o] W[k]^T`` for input steps ``u`` in
    ``[first, last)`` (overwritten): gathered, so that threads given other
    steps never write the same rows."""
    n_timesteps, batch, n_in = dX.shape
    n_out = W.shape[2]
    for u in range(first, last):
        dX[u] = 0.0
    for k in range(W.shape[0]):
        offset = k - (W.shape[0] - 1) // 2
        # Output steps t = u - offset inside the batch, for u in [first, last).
        lo, hi = max(first - offset, 0), min(last - offset, n_timesteps)
        if hi <= lo:
            continue
        n = (hi - lo) * batch
        product = tap_in[:n * n_in].reshape(n, n_in)
        np.dot(dZ[lo:hi].reshape(n, n_out), W[k].T, product)       # dZ W[k]^T
        dX[lo + offset:hi + offset].reshape(n, n_in)[:] += product


@kernel
def zero_padding_steps(X, starts, out):
    """``out = X`` with every step before a sequence's first real step
    (``starts``, empty when none is padded) set to zero."""
    n_timesteps, batch, width = X.shape
    for t in range(n_timesteps):
        for s in range(batch):
            padding = starts.size > 0 and t < starts[s]
            for f in range(width):
                out[t, s, f] = 0.0 if padding else X[t, s, f]
