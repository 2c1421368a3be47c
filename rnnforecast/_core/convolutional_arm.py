"""The convolutional arm of an LSTM-FCN network (Karim et al., 2017):
blocks of Conv1D, batch normalisation and ReLU, then the mean over each
sequence's real steps.

For block ``i`` with input ``Y_{i-1}`` (the series itself for ``i = 0``):

    Z_i = conv(Y_{i-1}, W_i)                    (same padding, no bias:
    Y_i = relu(batch_norm(Z_i; gamma_i, beta_i)) batch norm removes it)

and the arm's output is ``mean over real steps t of Y_last[t]``, of shape
(batch, filters[-1]), which the network's head reads beside the recurrent
arm's. The arm knows nothing of the recurrent layers or the head; like
``RecurrentLayer`` it names its parameters, says which scratch arrays a
batch needs, and runs forward and backward over them.

Running statistics (each block's mean and variance, for prediction) sit in
the flat parameter vector beside the weights, as ``{i}.running``, so that
saving, copying and restoring a model (early stopping's best weights, say)
carries them along. No gradient reaches them and no penalty applies, so the
optimizers never move them (Adam, RMSprop and SGD all step by zero for a
gradient that is always zero); ``update_running`` does, once per training
batch.
"""

import numpy as np

from .batch_norm import (
    batch_norm_backward,
    batch_norm_forward,
    batch_norm_predict,
    relu_backward_in_place,
    relu_in_place,
    update_running_statistics,
    weighted_step_count,
)
from .convolution import (
    conv1d_forward_steps,
    conv1d_input_gradient_steps,
    conv1d_weight_gradient_steps,
    transpose_taps,
    zero_padding_steps,
)
from .initializers import he_uniform
from .readout import mean_over_steps, spread_over_steps

# torch's BatchNorm1d defaults (Keras' momentum=0.99 is torch's 0.01 but
# epsilon=1e-3): the torch cross-check reproduces them exactly.
BATCH_NORM_EPS = 1e-5
BATCH_NORM_MOMENTUM = 0.1
# Each convolution's steps are cut into this many parts, always: each part
# its own products (on its own thread when a pool is given), and the weight
# gradient the sum of the parts' in a fixed order, so a fit's bits depend on
# the configuration alone, never on how many threads ran.
N_PARTS = 2
# Rows (steps times sequences) of one gathered chunk: each part's products
# are (CHUNK_ROWS, K * C) by (K * C, C'), large enough for BLAS's best speed
# and small enough to stay near the cache (1,024 to 4,096 measured alike;
# benchmarks/README.md, "LSTM-FCN training speed").
CHUNK_ROWS = 2048


class ConvolutionalArm:
    """Conv1D + batch norm + ReLU blocks and a mean over real steps.

    Parameters
    ----------
    n_features : int
        Features per time step of the input.
    filters : tuple of int
        Output channels of each block, e.g. (128, 256, 128).
    kernel_sizes : tuple of int
        Steps each block's convolution reads, e.g. (8, 5, 3).
    """

    def __init__(self, n_features, filters, kernel_sizes):
        if len(filters) != len(kernel_sizes) or not filters:
            raise ValueError(f"filters {filters} and kernel_sizes {kernel_sizes} must be "
                             "non-empty and of the same length.")
        self.n_features = n_features
        self.filters = tuple(filters)
        self.kernel_sizes = tuple(kernel_sizes)
        self.channels_in = (n_features,) + self.filters[:-1]
        self.width = self.filters[-1]

    def parameter_entries(self):
        """``(name, shape, penalized)`` of each block's kernel ``W`` (K,
        C_in, C_out), scale ``gamma``, shift ``beta`` and running
        statistics ``running`` (2, C_out): mean, then variance."""
        entries = []
        for i, (n_in, n_out, size) in enumerate(zip(self.channels_in, self.filters,
                                                    self.kernel_sizes)):
            entries += [(f"{i}.W", (size, n_in, n_out), True),
                        (f"{i}.gamma", (n_out,), False),
                        (f"{i}.beta", (n_out,), False),
                        (f"{i}.running", (2, n_out), False)]
        return entries

    @property
    def parameter_names(self):
        return [name for name, _, _ in self.parameter_entries()]

    def initialize(self, weights, rng):
        """Kernels He-uniform (Keras' LSTM-FCN), ``gamma`` one, ``beta``
        zero; running means zero and variances one (torch's start)."""
        for i in range(len(self.filters)):
            he_uniform(rng, weights[f"{i}.W"])
            weights[f"{i}.gamma"][...] = 1.0
            weights[f"{i}.beta"][...] = 0.0
            weights[f"{i}.running"][0] = 0.0
            weights[f"{i}.running"][1] = 1.0

    def multiply_adds(self, n_timesteps, batch):
        """Multiply-adds of the convolutions for one batch."""
        return n_timesteps * batch * sum(
            size * n_in * n_out for n_in, n_out, size in
            zip(self.channels_in, self.filters, self.kernel_sizes))

    def buffer_shapes(self, n_timesteps, batch, training):
        """Shapes of the scratch arrays one batch needs, by name."""
        rows = n_timesteps * batch
        blocks = list(zip(self.channels_in, self.filters, self.kernel_sizes))
        # Each part gathers at most CHUNK_ROWS rows, and at least one step.
        chunk_rows = max(CHUNK_ROWS, batch)
        read = max(size * (max(n_in, n_out) if training else n_in)
                   for n_in, n_out, size in blocks)
        shapes = {"input": (n_timesteps, batch, self.n_features),
                  "cols": (N_PARTS * chunk_rows * read,), "pooled": (batch, self.width),
                  "no_bias": (0,), "no_gradient": (0, 0, 0)}
        for i, n_out in enumerate(self.filters):
            shapes[f"Z{i}"] = (n_timesteps, batch, n_out)
            shapes[f"Y{i}"] = (n_timesteps, batch, n_out)
            shapes[f"statistics{i}"] = (3, n_out)
        if training:
            widest = max(self.filters)
            largest = max(size * n_in * n_out for n_in, n_out, size in blocks)
            shapes.update(dY=(rows * widest,), dZ=(rows * widest,),
                          transposed=(largest,), dW_parts=(N_PARTS * largest,))
        return shapes

    def forward(self, weights, X, starts, buffers, training, invariant,
                sample_weights=None, pool=None):
        """The arm's output for ``X`` (n_timesteps, batch, n_features):
        ``buffers["pooled"]``, (batch, filters[-1]).

        ``training`` normalises by the batch's statistics, each sequence
        weighing its ``sample_weights`` (batch,) (None: all one), kept in
        ``buffers`` for ``backward`` and ``update_running``; otherwise by
        the running statistics. ``invariant`` uses fixed-order products
        (prediction). ``pool`` (a ``ShardPool``) runs the parts of each
        convolution on its threads; without one they run in turn.
        """
        if sample_weights is None:
            sample_weights = buffers["no_bias"]   # empty: every weight one
        buffers["sample_weights"] = sample_weights
        inputs = buffers["input"]
        zero_padding_steps(X, starts, inputs)   # the "same" padding's zeros
        for i in range(len(self.filters)):
            Z, Y = buffers[f"Z{i}"], buffers[f"Y{i}"]
            self._convolve(inputs, weights[f"{i}.W"], Z, buffers, invariant, pool)
            if training:   # Z becomes the normalised values backward reads
                batch_norm_forward(Z, starts, sample_weights, weights[f"{i}.gamma"],
                                   weights[f"{i}.beta"], BATCH_NORM_EPS, Z,
                                   buffers[f"statistics{i}"], Y)
            else:
                batch_norm_predict(Z, starts, weights[f"{i}.running"], weights[f"{i}.gamma"],
                                   weights[f"{i}.beta"], BATCH_NORM_EPS, Y)
            relu_in_place(Y)
            inputs = Y
        mean_over_steps(inputs, starts, buffers["pooled"])
        return buffers["pooled"]

    def backward(self, weights, grads, d_pooled, starts, buffers, pool=None):
        """Gradients of every parameter (written into ``grads``) from the
        loss's gradient ``d_pooled`` (batch, filters[-1]) with respect to the
        output; must follow a training ``forward`` on the same buffers. The
        running statistics' gradient is zero."""
        n_timesteps, batch = buffers["input"].shape[:2]
        dY = _shaped(buffers["dY"], (n_timesteps, batch, self.width))
        spread_over_steps(d_pooled, starts, dY)
        for i in range(len(self.filters) - 1, -1, -1):
            n_out = self.filters[i]
            relu_backward_in_place(dY, buffers[f"Y{i}"])
            dZ = _shaped(buffers["dZ"], (n_timesteps, batch, n_out))
            batch_norm_backward(dY, buffers[f"Z{i}"], starts, buffers["sample_weights"],
                                buffers[f"statistics{i}"], weights[f"{i}.gamma"], dZ,
                                grads[f"{i}.gamma"], grads[f"{i}.beta"])
            below = buffers[f"Y{i - 1}"] if i > 0 else buffers["input"]
            # The block below's dY, in storage free again (dZ holds what is
            # needed); the series itself needs none.
            dY = (_shaped(buffers["dY"], (n_timesteps, batch, self.channels_in[i])) if i > 0
                  else buffers["no_gradient"])
            self._convolution_gradients(below, weights[f"{i}.W"], dZ, dY, grads[f"{i}.W"],
                                        buffers, pool)
            grads[f"{i}.running"][...] = 0.0

    def _convolve(self, X, W, Z, buffers, invariant, pool):
        """``Z = conv(X, W)``, its steps in ``N_PARTS`` parts."""
        parts = _parts(X.shape[0])
        cols = _split(buffers["cols"])

        def part(number):
            first, last = parts[number]
            conv1d_forward_steps(X, W, buffers["no_bias"], Z, cols[number], invariant,
                                 first, last)

        _run(part, len(parts), pool)

    def _convolution_gradients(self, X, W, dZ, dX, dW, buffers, pool):
        """``dW`` and (unless empty) ``dX`` of ``Z = conv(X, W)``: each part
        its share of ``dW`` and its steps of ``dX``; the shares added in
        order."""
        parts = _parts(X.shape[0])
        cols = _split(buffers["cols"])
        shares = _shaped(buffers["dW_parts"], (N_PARTS,) + W.shape)
        transposed = _shaped(buffers["transposed"], (W.shape[0], W.shape[2], W.shape[1]))
        if dX.size > 0:
            transpose_taps(W, transposed)

        def part(number):
            first, last = parts[number]
            conv1d_weight_gradient_steps(X, dZ, shares[number], first, last)
            if dX.size > 0:
                conv1d_input_gradient_steps(dZ, transposed, dX, cols[number], first, last)

        _run(part, len(parts), pool)
        dW[...] = shares[0]
        for share in shares[1:len(parts)]:
            dW += share

    def update_running(self, weights, starts, buffers):
        """Move the running statistics towards those of the last training
        batch, whose ``buffers`` a training ``forward`` filled."""
        count = weighted_step_count(starts, buffers["sample_weights"],
                                    *buffers["input"].shape[:2])
        for i in range(len(self.filters)):
            update_running_statistics(weights[f"{i}.running"], buffers[f"statistics{i}"],
                                      count, BATCH_NORM_MOMENTUM)


def _parts(n_timesteps):
    """The ``N_PARTS`` step ranges ``[first, last)`` a convolution is cut
    into (one for a single step)."""
    bounds = [min(n_timesteps, number * -(-n_timesteps // N_PARTS))
              for number in range(N_PARTS + 1)]
    return [(first, last) for first, last in zip(bounds[:-1], bounds[1:]) if last > first]


def _run(part, n_parts, pool):
    """``part(0), part(1), ...``: on ``pool``'s threads when given."""
    if pool is None:
        for number in range(n_parts):
            part(number)
    else:
        pool.map(part, list(range(n_parts)))


def _split(storage):
    """``storage`` cut into ``N_PARTS`` equal flat scratch arrays, one a part."""
    size = storage.size // N_PARTS
    return [storage[number * size:(number + 1) * size] for number in range(N_PARTS)]


def _shaped(storage, shape):
    """The front of the flat ``storage`` as an array of ``shape``."""
    return storage[:int(np.prod(shape))].reshape(shape)
