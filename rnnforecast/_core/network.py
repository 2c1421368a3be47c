"""A stack of recurrent layers under a dense output head.

This module knows the architecture and nothing of scikit-learn: arrays in,
arrays out. Parameters live in one flat vector (see ``ParameterLayout``);
``split`` gives named views into it once, so a training step costs no
Python-side allocation. The notation follows the cell docstrings; the head
is ``logits = h W_hy + b_y`` on the last layer's states: at every step
(``return_sequences=True``), or once per sequence on the last state
(``readout="last"``) or on the mean of the states of all real steps
(``readout="mean"``, see ``readout``).

An LSTM-FCN network (Karim et al., 2017) adds a convolutional arm beside
the recurrent layers (``convolutional_arm``): the head then reads
``h = [recurrent readout, arm output]``. Its recurrent layers may read the
series dimension-shuffled (``shuffled_steps``): each feature becomes one
step whose inputs are the whole series, so a univariate series is a single
step of ``n_timesteps`` inputs.
"""

import threading
from math import prod

import numpy as np

from .cells import CELLS
from .convolutional_arm import ConvolutionalArm
from .embedding import embed, embedding_gradient
from .initializers import INITIALIZERS
from .layers import RecurrentLayer
from .matmul import affine_rows
from .parameters import ParameterLayout
from .readout import mean_over_steps, spread_over_steps
from .time_major import multiply_by_step_mask, shuffle_dimensions

HEAD_NAMES = ("W_hy", "b_y")
ARM_PREFIX = "conv."

# Prediction workspaces up to this many sequences are cached per thread.
SMALL_PREDICTION = 64


class RecurrentNetwork:
    """Stacked recurrent layers and a linear output head.

    Parameters
    ----------
    n_features : int
        Features per time step of the input.
    units : tuple of int
        Hidden size of each layer, bottom first.
    n_outputs : int
        Width of the head: outputs per target, 1 for binary classification,
        the number of classes for multiclass.
    activation : {"tanh", "relu"}
    return_sequences : bool
        Whether the head reads every time step or only the last.
    cell : {"simple", "lstm", "gru"}
        Which recurrent cell the layers use.
    bidirectional : bool, default=False
        Whether every layer also reads the sequence in reverse (see
        ``layers``); a layer's output is then ``2 * units`` wide.
    n_tokens : int or None, default=None
        With a number, the input is token ids below it, turned into
        ``n_features``-wide vectors by a learned embedding table (see
        ``embedding``), the first parameter, named "embedding".
    cell_options : dict, optional
        More keyword arguments of the cells (see ``SimpleRNNCell``).
    readout : {"last", "mean"}, default="last"
        Without ``return_sequences``, whether the head reads the last state
        or the mean of the states of every real step.
    conv : tuple of (tuple of int, tuple of int), optional
        ``(filters, kernel_sizes)`` of a convolutional arm beside the
        recurrent layers (see ``ConvolutionalArm``); None for none.
    shuffled_steps : int, optional
        With a number (the series' length), the recurrent layers read the
        series dimension-shuffled: ``n_features`` steps of ``shuffled_steps``
        inputs each.
    """

    # Networks pickled before these options existed had none of them.
    readout = "last"
    arm = None
    shuffled_steps = None

    def __init__(self, n_features, units, n_outputs, activation,
                 return_sequences, cell="simple", bidirectional=False,
                 n_tokens=None, cell_options=None, readout="last", conv=None,
                 shuffled_steps=None):
        if readout not in ("last", "mean") or (return_sequences and readout != "last"):
            raise ValueError(f"readout={readout!r} with return_sequences="
                             f"{return_sequences!r}")
        if (conv is not None or shuffled_steps is not None) and (
                return_sequences or n_tokens is not None):
            raise ValueError("A convolutional arm or a dimension shuffle reads whole "
                             "series of numbers: not with return_sequences or tokens.")
        self.readout = readout
        self.n_features = n_features
        self.n_tokens = n_tokens
        self.units = tuple(units)
        self.n_outputs = n_outputs
        self.return_sequences = return_sequences
        self.shuffled_steps = shuffled_steps
        self.arm = None if conv is None else ConvolutionalArm(n_features, *conv)
        self.layers = []
        n_inputs = n_features if shuffled_steps is None else shuffled_steps
        for size in self.units:
            self.layers.append(RecurrentLayer(CELLS[cell], n_inputs, size,
                                              activation, bidirectional, cell_options))
            n_inputs = self.layers[-1].width
        entries = []
        if n_tokens is not None:
            entries.append(("embedding", (n_tokens, n_features), False))
        for index, layer in enumerate(self.layers):
            entries += [(f"layers.{index}.{name}", shape, penalized)
                        for name, shape, penalized in layer.parameter_entries()]
        self.recurrent_width = n_inputs
        head_width = n_inputs + (0 if self.arm is None else self.arm.width)
        entries += [("W_hy", (head_width, n_outputs), True),
                    ("b_y", (n_outputs,), False)]
        if self.arm is not None:
            entries += [(ARM_PREFIX + name, shape, penalized)
                        for name, shape, penalized in self.arm.parameter_entries()]
        self.layout = ParameterLayout(entries)

    def split(self, flat):
        """Views into ``flat``: a dict per layer, then the head's dict (which
        also holds the "embedding" table, if any, and under "conv" the
        convolutional arm's dict)."""
        views = self.layout.views(flat)
        layers = []
        for index, layer in enumerate(self.layers):
            prefix = f"layers.{index}."
            layers.append({name: views[prefix + name]
                           for name in layer.parameter_names})
        head = {name: views[name] for name in HEAD_NAMES + ("embedding",) if name in views}
        if self.arm is not None:
            head["conv"] = {name: views[ARM_PREFIX + name] for name in self.arm.parameter_names}
        return layers, head

    def initialize(self, rng, dtype, kernel_initializer, recurrent_initializer):
        """Return a new flat parameter vector with initial weights.

        The head's ``W_hy`` uses ``kernel_initializer`` as Keras' ``Dense``
        does with its default; biases start at zero; an embedding table
        starts uniform in [-0.05, 0.05], Keras' ``Embedding`` default.
        """
        flat = np.zeros(self.layout.size, dtype=dtype)
        if self.n_tokens is not None:
            table = self.layout.view(flat, "embedding")
            table[...] = rng.uniform(-0.05, 0.05, size=table.shape)
        layers, head = self.split(flat)
        for layer, weights in zip(self.layers, layers):
            layer.initialize(weights, rng, kernel_initializer,
                             recurrent_initializer)
        INITIALIZERS[kernel_initializer](rng, head["W_hy"])
        if self.arm is not None:
            self.arm.initialize(head["conv"], rng)
        return flat

    def prediction_scratch(self, params, n_timesteps, batch, variable_length=False,
                           reuse=True):
        """A ``Workspace`` and parameter views for prediction.

        Small ones are kept per thread and reused while ``params`` is the
        same array, so a one-window prediction allocates nothing; each
        thread has its own, so concurrent predictions never share buffers.
        ``reuse=False`` gives a new one, for predictions that write initial
        states (cached workspaces keep them zero).
        """
        key = (n_timesteps, batch, params.dtype, variable_length)
        cached = getattr(self._scratch, "prediction", None)
        if reuse and cached is not None and cached[0] is params and cached[1] == key:
            return cached[2], cached[3]
        workspace = Workspace(self, n_timesteps, batch, params.dtype,
                              WorkspaceOptions(variable_length=variable_length))
        views = self.split(params)
        if reuse and batch <= SMALL_PREDICTION:
            self._scratch.prediction = (params, key, workspace, views)
        return workspace, views

    @property
    def _scratch(self):
        if "_thread_scratch" not in self.__dict__:
            self._thread_scratch = threading.local()
        return self._thread_scratch

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_thread_scratch", None)
        return state

    def state_names(self):
        """Names of the states that carry a sequence from one chunk to the
        next, in order: ``h`` of each layer (and ``c`` for LSTM), bottom
        first; with the size of each."""
        return [(f"{name}{index}", layer.units) for index, layer in enumerate(self.layers)
                for name, _, _ in layer.cells[0].states]

    def state_buffers(self, buffers):
        """``(initial, last)`` buffer pairs of every state, in
        ``state_names`` order."""
        return [pair for layer, scratch in zip(self.layers, buffers.layers)
                for pair in layer.state_buffers(scratch)]

    def multiply_adds(self, n_timesteps, batch):
        """Multiply-adds of one forward pass, a measure of a batch's work."""
        steps = self.recurrent_steps(n_timesteps)
        recurrent = steps * sum(layer.multiply_adds_per_step(batch) for layer in self.layers)
        return recurrent + (0 if self.arm is None else self.arm.multiply_adds(n_timesteps, batch))

    def recurrent_steps(self, n_timesteps):
        """Steps the recurrent layers run for a series of ``n_timesteps``."""
        return n_timesteps if self.shuffled_steps is None else self.n_features

    def n_rows(self, n_timesteps, batch):
        """Rows of the head's output for one batch."""
        return n_timesteps * batch if self.return_sequences else batch

    def buffer_shapes(self, n_timesteps, batch, options):
        """Shapes of every scratch array a batch of ``batch`` sequences needs.

        ``options`` is a ``WorkspaceOptions``. Returns ``(shared, layers,
        indices)``: a dict of float shapes for the whole network; per layer,
        a list of dicts (the layer's own, then one per cell, see
        ``RecurrentLayer.buffer_shapes``); and a dict of integer shapes.
        """
        learns_input = self.n_tokens is not None or options.input_gradient
        steps = self.recurrent_steps(n_timesteps)
        layers = [layer.buffer_shapes(steps, batch, options,
                                      options.training and (index > 0 or learns_input))
                  for index, layer in enumerate(self.layers)]
        rows = (self.n_rows(n_timesteps, batch), self.n_outputs)
        top_width = self.layers[-1].width
        head_width = self.layout.shapes["W_hy"][0]
        mean = self.readout == "mean"
        shared = {"X": (n_timesteps, batch, self.n_features), "logits": rows,
                  "dX": (0, 0, 0), "no_mask": (0, 0),
                  "mean": (batch, top_width) if mean else (0, 0)}
        if self.shuffled_steps is not None:
            shared["shuffled"] = (steps, batch, n_timesteps)
        if self.arm is not None:
            shared["joined"] = (batch, head_width)
            shared.update({ARM_PREFIX + name: shape for name, shape in
                           self.arm.buffer_shapes(n_timesteps, batch,
                                                  options.training).items()})
        if options.training and options.readout_dropout and self.arm is None:
            shared["dropped"] = (batch, top_width)
        if options.training:
            width = options.target_width or self.n_outputs
            shared.update(dtop=(rows[0], head_width),
                          dlogits=rows, targets=(rows[0], width),
                          weights=(rows[0],),
                          dsteps=(steps, batch, top_width) if mean else (0, 0, 0))
            if self.arm is not None:
                shared.update(dreadout=(batch, top_width), dpooled=(batch, self.arm.width))
            if learns_input:
                # The embedding (or what made the inputs) learns from the
                # first layer's input gradient.
                shared["dX"] = shared["X"]
        tokens = (n_timesteps, batch, 1) if self.n_tokens is not None else (0, 0, 0)
        indices = {"starts": (batch,) if options.variable_length else (0,),
                   "tokens": tokens, "no_starts": (0,)}
        return shared, layers, indices

    def forward(self, params, buffers, masks, invariant=False):
        """Run the network on ``buffers["X"]``; return the head's logits.

        Parameters
        ----------
        params : tuple
            ``split`` of the flat parameter vector.
        buffers : BatchBuffers
            ``Workspace.for_batch`` arrays; ``buffers["X"]`` holds the
            time-major input of shape (n_timesteps, batch, n_features), or
            with an embedding ``buffers.indices["tokens"]`` holds token ids
            (n_timesteps, batch, 1).
        masks : list of (ndarray or None, ndarray or None)
            Per layer, the input-dropout mask of shape (batch, n_inputs) and
            the recurrent-dropout mask, (batch, units) or for a
            bidirectional layer (2, batch, units); None without dropout.
            Optionally one more pair after the layers': the readout's
            dropout mask, (batch, recurrent_width), and None.
        invariant : bool, default=False
            Fixed-order products, which make each sample's output
            independent of the rest of the batch, bit for bit (prediction;
            see ``matmul``). False uses BLAS (training).

        Returns
        -------
        logits : ndarray of shape (n_rows, n_outputs)
            Rows are samples, or ``t * batch + sample`` with
            ``return_sequences``.
        """
        layers, head = params
        inputs = buffers["X"]
        if self.n_tokens is not None:
            embed(buffers.indices["tokens"], head["embedding"], inputs)
        starts = buffers.indices["starts"]
        if self.arm is not None:
            # Training batch statistics weigh each sequence by its sample weight.
            self.arm.forward(head["conv"], inputs, starts, buffers.arm, buffers.training,
                             invariant, buffers["weights"] if buffers.training else None,
                             buffers.pool)
        inputs, starts = self._recurrent_input(buffers)
        for layer, weights, scratch, (input_mask, recurrent_mask) in zip(
                self.layers, layers, buffers.layers, masks):
            if input_mask is not None:
                multiply_by_step_mask(inputs, input_mask, scratch[0]["input"])
                inputs = scratch[0]["input"]
            inputs = layer.forward(weights, inputs, _or_empty(recurrent_mask, buffers),
                                   starts, scratch, invariant)
        if self.readout == "mean":
            mean_over_steps(inputs, starts, buffers["mean"])
        logits = buffers["logits"]
        affine_rows(self._head_input(inputs, buffers, self._readout_mask(masks)),
                    head["W_hy"], head["b_y"], logits, invariant)
        return logits

    def backward(self, params, grads, buffers, masks, dlogits, truncate=0):
        """Backpropagate ``dlogits`` through the head and every layer.

        Must follow ``forward`` on the same buffers and masks. Overwrites
        every array of ``grads`` (a ``split`` of the flat gradient vector).
        ``truncate`` > 0 is truncated BPTT: gradients flow back at most that
        many steps within each layer.
        """
        layers, head = params
        layer_grads, head_grads = grads
        readout_mask = self._readout_mask(masks)
        # With an arm, forward left the head's input joined in its buffer.
        top = (buffers["joined"] if self.arm is not None
               else self._head_input(self._top_output(buffers), buffers, readout_mask))
        np.dot(top.T, dlogits, out=head_grads["W_hy"])
        np.sum(dlogits, axis=0, out=head_grads["b_y"])
        dtop = buffers["dtop"]
        np.dot(dlogits, head["W_hy"].T, out=dtop)
        if self.arm is not None:
            dtop = self._arm_backward(head, head_grads, dtop, buffers)
        if readout_mask is not None:
            dtop *= readout_mask
        n_timesteps, batch = buffers["X"].shape[:2]
        starts = self._recurrent_starts(buffers)
        dO = dtop.reshape(n_timesteps, batch, -1) if self.return_sequences else dtop
        if self.readout == "mean":
            dO = buffers["dsteps"]
            spread_over_steps(dtop, starts, dO)
        reads_last = not (self.return_sequences or self.readout == "mean")
        for index in range(len(self.layers) - 1, -1, -1):
            scratch = buffers.layers[index]
            input_mask, recurrent_mask = masks[index]
            dinputs = scratch[0]["dinput"] if index > 0 else buffers["dX"]
            self.layers[index].backward(
                layers[index], layer_grads[index],
                self._layer_input(buffers, index, input_mask),
                _or_empty(recurrent_mask, buffers), starts, dO, dinputs, scratch,
                last_only=index == len(self.layers) - 1 and reads_last,
                truncate=truncate)
            if dinputs.size > 0 and input_mask is not None:
                multiply_by_step_mask(dinputs, input_mask, dinputs)
            dO = dinputs
        if self.n_tokens is not None:
            embedding_gradient(buffers.indices["tokens"], buffers["dX"],
                               head_grads["embedding"])

    def _recurrent_input(self, buffers):
        """What the first recurrent layer reads and the first real step of
        each of its sequences: the series, or with ``shuffled_steps`` its
        dimension shuffle (no padding: every feature is a whole step)."""
        if self.shuffled_steps is None:
            return buffers["X"], self._recurrent_starts(buffers)
        shuffle_dimensions(buffers["X"], buffers.indices["starts"], buffers["shuffled"])
        return buffers["shuffled"], self._recurrent_starts(buffers)

    def _recurrent_starts(self, buffers):
        """First real step of each sequence the recurrent layers read (none
        padded after a dimension shuffle)."""
        return (buffers.indices["starts"] if self.shuffled_steps is None
                else buffers.indices["no_starts"])

    def _arm_backward(self, head, head_grads, dtop, buffers):
        """Send the arm's part of the head input's gradient ``dtop`` back
        through the arm; return the recurrent part."""
        width = self.recurrent_width
        buffers["dpooled"][...] = dtop[:, width:]
        buffers["dreadout"][...] = dtop[:, :width]
        self.arm.backward(head["conv"], head_grads["conv"], buffers["dpooled"],
                          buffers.indices["starts"], buffers.arm, buffers.pool)
        return buffers["dreadout"]

    def _layer_input(self, buffers, index, input_mask):
        if input_mask is not None:
            return buffers.layers[index][0]["input"]
        if index > 0:
            return self._output(buffers, index - 1)
        return buffers["X"] if self.shuffled_steps is None else buffers["shuffled"]

    def _output(self, buffers, index):
        """Layer ``index``'s output sequence, as its forward pass left it."""
        own, *cells = buffers.layers[index]
        return cells[0]["H"] if self.layers[index].directions == 1 else own["output"]

    def _top_output(self, buffers):
        return self._output(buffers, len(self.layers) - 1)

    def _head_input(self, outputs, buffers, readout_mask=None):
        """What the head reads, as forward left it: every step's output
        (n_timesteps * batch, width), their mean or the last state
        (batch, width), times ``readout_mask`` (readout dropout), beside
        the arm's output when there is one."""
        if self.return_sequences:
            return outputs.reshape(-1, outputs.shape[2])
        readout = (buffers["mean"] if self.readout == "mean"
                   else self.layers[-1].last_output(buffers.layers[-1]))
        if self.arm is None:
            if readout_mask is None:
                return readout
            return np.multiply(readout, readout_mask, out=buffers["dropped"])
        joined = buffers["joined"]
        if readout_mask is None:
            joined[:, :self.recurrent_width] = readout
        else:
            np.multiply(readout, readout_mask, out=joined[:, :self.recurrent_width])
        joined[:, self.recurrent_width:] = buffers.arm["pooled"]
        return joined

    def _readout_mask(self, masks):
        """The readout's dropout mask: the pair after the layers', if any
        (none with ``return_sequences``: every step is an output there)."""
        if self.return_sequences or len(masks) <= len(self.layers):
            return None
        return masks[len(self.layers)][0]


def _or_empty(mask, buffers):
    return buffers["no_mask"] if mask is None else mask


class WorkspaceOptions:
    """What a workspace must hold beyond the network's own needs.

    Parameters
    ----------
    training : bool
        Whether gradients flow back (buffers for input gradients).
    dropout, recurrent_dropout, readout_dropout : bool
        Whether input / recurrent / readout dropout masks are applied.
    target_width : int or None
        Columns of the target array the loss reads (one class index for
        softmax); ``n_outputs`` when None.
    variable_length : bool
        Whether batches carry each sequence's first real step (``starts``).
    input_gradient : bool
        Whether ``backward`` also writes the loss's gradient with respect to
        the network's input into ``buffers["dX"]``, (n_timesteps, batch,
        n_features): what a model that makes the inputs (the smoothing of
        an ES-RNN hybrid) learns from.
    """

    def __init__(self, training=False, dropout=False, recurrent_dropout=False,
                 target_width=None, variable_length=False, input_gradient=False,
                 readout_dropout=False):
        self.training = training
        self.readout_dropout = readout_dropout
        self.input_gradient = input_gradient
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.target_width = target_width
        self.variable_length = variable_length


class BatchBuffers:
    """The scratch arrays of one batch: network-wide by name; per layer, a
    list of dicts (the layer's own, then its cells'); the convolutional
    arm's by name (``arm``); and the integer arrays (``starts``) by name.
    ``training`` says whether they are a training workspace's; ``pool``, a
    ``ShardPool`` the convolutional arm may run its parts on (None: none)."""

    def __init__(self, shared, layers, indices, training=False):
        self.shared = shared
        self.layers = layers
        self.indices = indices
        self.training = training
        self.pool = None
        self.arm = {name[len(ARM_PREFIX):]: array for name, array in shared.items()
                    if name.startswith(ARM_PREFIX)}

    def __getitem__(self, name):
        return self.shared[name]


class Workspace:
    """Scratch arrays for batches of up to ``max_batch`` sequences.

    Storage is allocated once; ``for_batch(b)`` returns, for any ``b`` up to
    ``max_batch``, C-contiguous views over the front of that storage, so a
    short last batch costs no allocation either. Memory grows with the
    batch, never with the number of samples.
    """

    def __init__(self, network, n_timesteps, max_batch, dtype, options=None):
        self._network = network
        self._n_timesteps = n_timesteps
        self._options = options or WorkspaceOptions()
        shared, layers, indices = network.buffer_shapes(n_timesteps, max_batch,
                                                         self._options)
        sizes = [prod(shape) for shapes in [shared] + _flat(layers)
                 for shape in shapes.values()]
        # One zeroed block, carved into arrays: initial states must be zero,
        # and one allocation keeps a one-window prediction cheap.
        block = np.zeros(sum(sizes), dtype=dtype)
        offsets = np.cumsum([0] + sizes)
        arrays = iter(block[a:b] for a, b in zip(offsets[:-1], offsets[1:]))
        self._shared = {name: next(arrays) for name in shared}
        self._layers = [[{name: next(arrays) for name in shapes} for shapes in groups]
                        for groups in layers]
        self._indices = {name: np.zeros(prod(shape), dtype=np.intp)
                         for name, shape in indices.items()}
        self._views = {}

    def for_batch(self, batch):
        """Return the ``BatchBuffers`` shaped for ``batch`` sequences."""
        if batch not in self._views:
            shared, layers, indices = self._network.buffer_shapes(
                self._n_timesteps, batch, self._options)
            self._views[batch] = BatchBuffers(
                _views(self._shared, shared),
                [[_views(storage, shapes) for storage, shapes in zip(stored, groups)]
                 for stored, groups in zip(self._layers, layers)],
                _views(self._indices, indices), self._options.training)
        return self._views[batch]


def _views(storage, shapes):
    return {name: storage[name][:prod(shape)].reshape(shape)
            for name, shape in shapes.items()}


def _flat(layers):
    return [shapes for groups in layers for shapes in groups]
