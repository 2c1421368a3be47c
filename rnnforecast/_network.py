"""A stack of recurrent layers under a dense output head.

This module knows the architecture and nothing of scikit-learn: arrays in,
arrays out. Parameters live in one flat vector (see ``ParameterLayout``);
``split`` gives named views into it once, so a training step costs no
Python-side allocation. The notation follows the cell docstrings; the head
is ``logits = h W_hy + b_y`` on the last layer's states, at the last time
step (``return_sequences=False``) or at every step (``True``).
"""

from math import prod

import numpy as np

from ._cells import CELLS
from ._initializers import INITIALIZERS
from ._parameters import ParameterLayout
from ._time_major import multiply_by_step_mask

HEAD_NAMES = ("W_hy", "b_y")


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
    cell : {"simple"}
        Which recurrent cell the layers use.
    """

    def __init__(self, n_features, units, n_outputs, activation,
                 return_sequences, cell="simple"):
        self.n_features = n_features
        self.units = tuple(units)
        self.n_outputs = n_outputs
        self.return_sequences = return_sequences
        self.cells = []
        n_inputs = n_features
        for size in self.units:
            self.cells.append(CELLS[cell](n_inputs, size, activation))
            n_inputs = size
        entries = []
        for index, layer in enumerate(self.cells):
            entries += [(f"layers.{index}.{name}", shape, penalized)
                        for name, shape, penalized in layer.parameter_entries()]
        entries += [("W_hy", (self.units[-1], n_outputs), True),
                    ("b_y", (n_outputs,), False)]
        self.layout = ParameterLayout(entries)

    def split(self, flat):
        """Views into ``flat``: a dict per layer, then the head's dict."""
        views = self.layout.views(flat)
        layers = []
        for index, layer in enumerate(self.cells):
            prefix = f"layers.{index}."
            layers.append({name: views[prefix + name]
                           for name in layer.parameter_names})
        return layers, {name: views[name] for name in HEAD_NAMES}

    def initialize(self, rng, dtype, kernel_initializer, recurrent_initializer):
        """Return a new flat parameter vector with initial weights.

        The head's ``W_hy`` uses ``kernel_initializer`` as Keras' ``Dense``
        does with its default; biases start at zero.
        """
        flat = np.zeros(self.layout.size, dtype=dtype)
        layers, head = self.split(flat)
        for layer, weights in zip(self.cells, layers):
            layer.initialize(weights, rng, kernel_initializer,
                             recurrent_initializer)
        INITIALIZERS[kernel_initializer](rng, head["W_hy"])
        return flat

    def n_rows(self, n_timesteps, batch):
        """Rows of the head's output for one batch."""
        return n_timesteps * batch if self.return_sequences else batch

    def buffer_shapes(self, n_timesteps, batch, target_width=None):
        """Every scratch array a batch of ``batch`` sequences needs.

        ``target_width`` is the number of target columns the loss reads
        (one class index for softmax), ``n_outputs`` by default.
        """
        shapes = {"X": (n_timesteps, batch, self.n_features)}
        for index, layer in enumerate(self.cells):
            for name, shape in layer.buffer_shapes(n_timesteps, batch).items():
                shapes[f"{index}.{name}"] = shape
            shapes[f"{index}.input"] = (n_timesteps, batch, layer.n_inputs)
            if index > 0:
                shapes[f"{index}.dinput"] = (n_timesteps, batch, layer.n_inputs)
            shapes[f"{index}.h0"] = (batch, layer.units)
            shapes[f"{index}.ones"] = (batch, layer.units)
        shapes["dH"] = (n_timesteps, batch, self.units[-1])
        shapes["no_gradient"] = (0, 0, 0)
        rows = (self.n_rows(n_timesteps, batch), self.n_outputs)
        width = self.n_outputs if target_width is None else target_width
        shapes.update(logits=rows, dlogits=rows, targets=(rows[0], width),
                      weights=(rows[0],))
        return shapes

    def forward(self, params, buffers, masks):
        """Run the network on ``buffers["X"]``; return the head's logits.

        Parameters
        ----------
        params : tuple
            ``split`` of the flat parameter vector.
        buffers : dict
            ``Workspace.for_batch`` arrays; ``buffers["X"]`` holds the
            time-major input of shape (n_timesteps, batch, n_features).
        masks : list of (ndarray or None, ndarray)
            Per layer, the input-dropout mask of shape (batch, n_inputs), or
            None without dropout, and the recurrent mask (batch, units).

        Returns
        -------
        logits : ndarray of shape (n_rows, n_outputs)
            Rows are samples, or ``t * batch + sample`` with
            ``return_sequences``.
        """
        layers, head = params
        inputs = buffers["X"]
        for index, (layer, weights) in enumerate(zip(self.cells, layers)):
            inputs = self._masked_input(inputs, masks[index][0],
                                        buffers[f"{index}.input"])
            inputs = layer.forward(weights, inputs, buffers[f"{index}.h0"],
                                   masks[index][1], _cell_buffers(buffers, index))
        top = self._head_input(inputs)
        logits = buffers["logits"]
        np.dot(top, head["W_hy"], out=logits)
        logits += head["b_y"]
        return logits

    def backward(self, params, grads, buffers, masks, dlogits):
        """Backpropagate ``dlogits`` through the head and every layer.

        Must follow ``forward`` on the same buffers and masks. Overwrites
        every array of ``grads`` (a ``split`` of the flat gradient vector).
        """
        layers, head = params
        layer_grads, head_grads = grads
        top_index = len(self.cells) - 1
        top = self._head_input(buffers[f"{top_index}.H"])
        np.dot(top.T, dlogits, out=head_grads["W_hy"])
        np.sum(dlogits, axis=0, out=head_grads["b_y"])
        dH = buffers["dH"]
        if self.return_sequences:
            np.dot(dlogits, head["W_hy"].T, out=dH.reshape(-1, dH.shape[2]))
        else:
            dH[:-1] = 0.0
            np.dot(dlogits, head["W_hy"].T, out=dH[-1])
        for index in range(top_index, -1, -1):
            layer = self.cells[index]
            input_mask, recurrent_mask = masks[index]
            inputs = self._layer_input(buffers, index, input_mask)
            dinputs = buffers[f"{index}.dinput" if index > 0 else "no_gradient"]
            layer.backward(layers[index], layer_grads[index], inputs,
                           recurrent_mask, dH, dinputs,
                           _cell_buffers(buffers, index))
            if index > 0:
                if input_mask is not None:
                    multiply_by_step_mask(dinputs, input_mask, dinputs)
                dH = dinputs

    def _masked_input(self, inputs, mask, out):
        if mask is None:
            return inputs
        multiply_by_step_mask(inputs, mask, out)
        return out

    def _layer_input(self, buffers, index, input_mask):
        if input_mask is not None:
            return buffers[f"{index}.input"]
        return buffers["X"] if index == 0 else buffers[f"{index - 1}.H"]

    def _head_input(self, H):
        if self.return_sequences:
            return H.reshape(-1, H.shape[2])
        return H[-1]


def _cell_buffers(buffers, index):
    prefix = f"{index}."
    return {key[len(prefix):]: value for key, value in buffers.items()
            if key.startswith(prefix)}


class Workspace:
    """Scratch arrays for batches of up to ``max_batch`` sequences.

    Storage is allocated once; ``for_batch(b)`` returns, for any ``b`` up to
    ``max_batch``, C-contiguous views over the front of that storage, so a
    short last batch costs no allocation either.
    """

    def __init__(self, network, n_timesteps, max_batch, dtype, target_width=None):
        self._network = network
        self._n_timesteps = n_timesteps
        self._target_width = target_width
        shapes = network.buffer_shapes(n_timesteps, max_batch, target_width)
        self._storage = {name: np.zeros(prod(shape), dtype=dtype)
                         for name, shape in shapes.items()}
        for name, array in self._storage.items():
            if name.endswith(".ones"):
                array[...] = 1.0
        self._views = {}

    def for_batch(self, batch):
        """Return ``{name: array}`` shaped for ``batch`` sequences."""
        if batch not in self._views:
            shapes = self._network.buffer_shapes(self._n_timesteps, batch,
                                                 self._target_width)
            self._views[batch] = {
                name: self._storage[name][:prod(shape)].reshape(shape)
                for name, shape in shapes.items()}
        return self._views[batch]
