"""One-dimensional convolution over time: "same" padding, stride 1, on
time-major batches.

    Z[t, s] = b + sum over k of X[t + k - left, s] W[k],    left = (K - 1) // 2

for sequence ``s`` at step ``t``, with ``X`` read as zero beyond either end
of the batch's steps: Keras' and torch's ``padding="same"`` (an even kernel
pads one step more on the right). A sequence shorter than the batch sits at
its end, after zeros (``inputs.pad_front``): the caller zeroes those padding
steps of ``X`` (``zero_padding_steps``), so a short sequence sees the same
zeros before its first step as it would alone.

The steps go in chunks (im2col): for a chunk of steps, each sequence's
inputs at every tap are gathered side by side into one row, (rows,
K * C_in), and one product by the kernel read as (K * C_in, C_out) writes
the chunk's outputs. Time-major storage makes each tap's rows of a chunk
one contiguous block to copy. One product per chunk, with the taps summed
inside BLAS, replaced one product per tap added into the output in a
separate pass (1.2-1.7x faster on the wide blocks; benchmarks/README.md,
"LSTM-FCN training speed"). The backward pass:

    dW[k] = X[lo + o : hi + o]^T dZ[lo : hi]        (one product per tap)
    dX[u] = sum over k of dZ[u - o] W[k]^T            (gathered as above)
    db = sum over steps and sequences of dZ

Inputs of a few channels (the series itself) are summed in a loop instead:
a product with an inner dimension of one costs BLAS more than it computes.
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
def conv1d_forward(X, W, b, Z, cols, invariant):
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
    cols : ndarray of shape (at least batch * K * C_in,)
        Flat scratch for the gathered inputs of as many steps as it holds.
    invariant : bool
        Fixed-order products (prediction) instead of BLAS (training).
    """
    conv1d_forward_steps(X, W, b, Z, cols, invariant, 0, X.shape[0])


@kernel
def conv1d_forward_steps(X, W, b, Z, cols, invariant, first, last):
    """``conv1d_forward`` for the output steps ``[first, last)`` alone: the
    part one thread computes (``cols`` its own scratch), by
    ``gathered_products`` with the kernel read as ``(K * C_in, C_out)``."""
    n_timesteps, batch, n_in = X.shape
    size, _, n_out = W.shape
    if n_in <= NARROW_INPUT:
        _narrow_forward(X, W, b, Z, first, last)
        return
    gathered_products(X, size, 1, W.reshape(size * n_in, n_out), Z, cols, invariant,
                      first, last)
    if b.size > 0:
        for t in range(first, last):
            for s in range(batch):
                Z[t, s] += b


@kernel
def gathered_products(source, kernel_size, sign, taps, out, cols, invariant, first, last):
    """``out[t] = [source[t + sign * o_k] for each tap k] @ taps`` for the
    steps ``t`` in ``[first, last)``: in chunks of as many steps as
    ``cols`` holds, each chunk's rows gathered (``gather_taps``), then one
    product written straight into ``out``.

    Parameters
    ----------
    source : ndarray of shape (n_timesteps, batch, width)
    taps : ndarray of shape (kernel_size * width, n_out)
        One block of ``width`` rows a tap.
    out : ndarray of shape (n_timesteps, batch, n_out)
        Output, at steps ``[first, last)``.
    cols : ndarray of shape (at least batch * kernel_size * width,)
        Flat scratch.
    """
    batch, width = source.shape[1], source.shape[2]
    n_out = taps.shape[1]
    chunk = max(1, cols.size // (batch * kernel_size * width))
    for t0 in range(first, last, chunk):
        t1 = min(last, t0 + chunk)
        n = (t1 - t0) * batch
        gathered = cols[:n * kernel_size * width].reshape(n, kernel_size * width)
        gather_taps(source, kernel_size, sign, t0, t1, gathered)
        matmul_rows(gathered, taps, out[t0:t1].reshape(n, n_out), invariant)


@kernel
def gather_taps(source, kernel_size, sign, t0, t1, cols):
    """Row ``(t - t0) * batch + s`` of ``cols``, for ``t`` in ``[t0, t1)``:
    ``source[t + sign * o_k, s]`` for each tap ``k`` side by side
    (``o_k = k - (kernel_size - 1) // 2``), zero where that step lies
    outside the batch: im2col. ``sign`` 1 reads the convolution's inputs,
    -1 the steps whose output gradient reaches input step ``t``.

    Parameters
    ----------
    source : ndarray of shape (n_timesteps, batch, width)
    cols : ndarray of shape ((t1 - t0) * batch, kernel_size * width)
        Output.
    """
    n_timesteps, batch, width = source.shape
    left = (kernel_size - 1) // 2
    for t in range(t0, t1):
        rows = cols[(t - t0) * batch:(t - t0 + 1) * batch]
        for k in range(kernel_size):
            u = t + sign * (k - left)
            if 0 <= u < n_timesteps:
                rows[:, k * width:(k + 1) * width] = source[u]
            else:
                rows[:, k * width:(k + 1) * width] = 0.0


@kernel
def _narrow_forward(X, W, b, Z, first, last):
    """``Z = conv(X, W) + b`` for steps ``[first, last)``, the few input
    channels summed in a loop, tap by tap (each sequence on its own:
    batch-invariant)."""
    n_timesteps, batch, n_in = X.shape
    size, _, n_out = W.shape
    for t in range(first, last):
        for s in range(batch):
            if b.size > 0:
                Z[t, s, :] = b
            else:
                Z[t, s, :] = 0.0
    for k in range(size):
        lo, hi, offset = tap_steps(k, size, n_timesteps, first, last)
        for t in range(lo, hi):
            for s in range(batch):
                for c in range(n_in):
                    x = X[t + offset, s, c]
                    for j in range(n_out):
                        Z[t, s, j] += x * W[k, c, j]


@kernel
def conv1d_backward(X, W, dZ, dX, dW, db, cols):
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
    cols : ndarray of shape (at least K * C_in * C_out + batch * K * C_out,)
        Flat scratch: the kernel's transpose, then at least one step's
        gathered output gradients.
    """
    n_timesteps = X.shape[0]
    if db.size > 0:
        gradient = dZ.reshape(n_timesteps * X.shape[1], W.shape[2])
        db[:] = 0.0
        for r in range(gradient.shape[0]):
            db += gradient[r]
    conv1d_weight_gradient_steps(X, dZ, dW, 0, n_timesteps)
    if dX.size > 0:
        transposed = cols[:W.size].reshape(W.shape[0], W.shape[2], W.shape[1])
        transpose_taps(W, transposed)
        conv1d_input_gradient_steps(dZ, transposed, dX, cols[W.size:], 0, n_timesteps)


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
def transpose_taps(W, transposed):
    """``transposed[k] = W[k]^T``: (K, C_in, C_out) to (K, C_out, C_in)."""
    for k in range(W.shape[0]):
        transposed[k] = W[k].T


@kernel
def conv1d_input_gradient_steps(dZ, transposed, dX, cols, first, last):
    """``dX[u] = sum over taps of dZ[u - o_k] W[k]^T`` for input steps ``u``
    in ``[first, last)`` (overwritten): gathered, so that threads given
    other steps never write the same rows. ``gathered_products`` of the
    output gradients that reach each step (sign -1) by ``transposed``
    (``transpose_taps``) read as ``(K * C_out, C_in)``.
    """
    size, n_out, n_in = transposed.shape
    gathered_products(dZ, size, -1, transposed.reshape(size * n_out, n_in), dX, cols, False,
                      first, last)


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
