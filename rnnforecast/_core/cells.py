"""Recurrent cells: what a layer computes at each time step.

A cell declares its parameters and scratch buffers and runs its forward and
backward kernels over a whole sequence. The network and the training loop
only talk to this interface, so another cell (LSTM, GRU) is another class
here with its own kernels, and nothing else changes.
"""

from .activations import ACTIVATION_CODES, GATE_CODES
from .cell_arrays import SCRATCH, STATES, WEIGHTS, gatherer
from .gru_kernels import gru_backward, gru_forward
from .initializers import INITIALIZERS
from .lstm_kernels import lstm_backward, lstm_forward
from .simple_rnn_kernels import simple_rnn_backward, simple_rnn_forward


class SimpleRNNCell:
    """Elman cell, ``h_t = act(x_t W_xh + (h_{t-1} * m) W_hh + b_h)``.

    Parameters
    ----------
    n_inputs : int
        Features per time step entering the layer.
    units : int
        Size of the hidden state.
    activation : {"tanh", "relu"}
    recurrent_activation : {"sigmoid", "hard_sigmoid"}, default="sigmoid"
        Activation of the gates (LSTM and GRU; the Elman cell has none).
    unit_forget_bias : bool or float, default=True
        An LSTM's starting forget-gate bias: 1 for True, 0 for False, or
        the number given.
    """

    parameter_names = WEIGHTS["simple"]
    # The tuples its kernels take (``cell_arrays``), from dicts of arrays;
    # gradients are named as the weights.
    _weights = _gradients = staticmethod(gatherer(WEIGHTS["simple"]))
    _states = staticmethod(gatherer(STATES["simple"]))
    _scratch = staticmethod(gatherer(SCRATCH["simple"]))
    # The states a sequence hands on to the next chunk: (name, initial
    # buffer, buffer of every step).
    states = (("h", "h0", "H"),)

    def __init__(self, n_inputs, units, activation, recurrent_activation="sigmoid",
                 unit_forget_bias=True):
        self.n_inputs = n_inputs
        self.units = units
        self.activation_code = ACTIVATION_CODES[activation]
        self.gate_code = GATE_CODES[recurrent_activation]
        self.unit_forget_bias = unit_forget_bias

    gates = 1

    def parameter_entries(self):
        """``(name, shape, penalized)`` of each parameter, in order."""
        n, width = self.n_inputs, self.gates * self.units
        return [("W_xh", (n, width), True), ("W_hh", (self.units, width), True),
                ("b_h", (width,), False)]

    def multiply_adds_per_step(self, batch):
        """Multiply-adds of one forward step, a measure of the work."""
        return batch * self.gates * self.units * (self.units + self.n_inputs)

    def initialize(self, weights, rng, kernel_initializer, recurrent_initializer):
        """Fill ``weights`` (a dict of this cell's arrays) in place."""
        INITIALIZERS[kernel_initializer](rng, weights["W_xh"])
        INITIALIZERS[recurrent_initializer](rng, weights["W_hh"])
        weights["b_h"][...] = 0.0

    def buffer_shapes(self, n_timesteps, batch, recurrent_dropout, training):
        """Shapes of the scratch arrays one sequence batch needs.

        The masked copy of the states ``HR`` exists only with recurrent
        dropout (without it the kernels read ``H`` directly), and the
        gradient buffers only in training.
        """
        sequence = (n_timesteps, batch, self.units)
        step = (batch, self.units)
        shapes = {"H": sequence, "step": step,
                  "HR": sequence if recurrent_dropout else (0, 0, 0)}
        if training:
            shapes.update(DZ=sequence, dh=step,
                          dW_scratch=(self.units, self.units))
        return shapes

    def forward(self, weights, X, h0, m, starts, buffers, invariant=False):
        """Fill ``buffers["H"]`` with the hidden states for input ``X``.

        ``m`` is the recurrent-dropout mask, or an empty array without it;
        ``starts`` the first real step of each front-padded sequence, or an
        empty array without padding; ``invariant`` asks for batch-invariant
        products (prediction; see ``matmul``).
        """
        simple_rnn_forward((X, h0, m, starts), self._weights(weights),
                           self._states(buffers), self.activation_code,
                           invariant)
        return buffers["H"]

    def backward(self, weights, grads, X, h0, m, starts, truncate, dH, dX, buffers):
        """Write parameter gradients into ``grads`` and ``dL/dX`` into ``dX``;
        ``truncate`` limits how many steps gradients flow back (0: all)."""
        simple_rnn_backward((X, h0, m, starts), self._weights(weights),
                            self._states(buffers), truncate,
                            self.activation_code, dH, self._gradients(grads), dX,
                            self._scratch(buffers))


class LSTMCell(SimpleRNNCell):
    """Long short-term memory cell, gates ``i, f, g, o`` as in Keras/PyTorch.

    ``c_t = f * c_{t-1} + i * g`` and ``h_t = o * act(c_t)`` with sigmoid
    (or hard sigmoid) gates and ``g = act(z_g)``; the forget gate's bias
    starts at 1 with ``unit_forget_bias``. See ``lstm_kernels``.
    """

    gates = 4
    states = (("h", "h0", "H"), ("c", "c0", "C"))
    parameter_names = WEIGHTS["lstm"]
    _weights = _gradients = staticmethod(gatherer(WEIGHTS["lstm"]))
    _states = staticmethod(gatherer(STATES["lstm"]))
    _scratch = staticmethod(gatherer(SCRATCH["lstm"]))

    def initialize(self, weights, rng, kernel_initializer, recurrent_initializer):
        """Fill ``weights`` in place; forget-gate biases start at one with
        ``unit_forget_bias``."""
        super().initialize(weights, rng, kernel_initializer, recurrent_initializer)
        weights["b_h"][self.units:2 * self.units] = float(self.unit_forget_bias)

    def buffer_shapes(self, n_timesteps, batch, recurrent_dropout, training):
        """Shapes of the scratch arrays one sequence batch needs."""
        sequence = (n_timesteps, batch, self.units)
        gates = (n_timesteps, batch, 4 * self.units)
        state = (batch, self.units)
        # Prediction keeps one step of what only the backward pass reads
        # (see ``bptt.at_step``).
        slots = n_timesteps if training else 1
        shapes = {"H": sequence, "C": sequence, "A": (slots, batch, self.units),
                  "GATES": (slots, batch, 4 * self.units),
                  "step": (batch, 4 * self.units), "c0": state,
                  "tanh_form": (2, 4 * self.units),
                  "HR": sequence if recurrent_dropout else (0, 0, 0)}
        if training:
            shapes.update(DZ=gates, dh=state, dc=state,
                          dW_scratch=(self.units, 4 * self.units))
        return shapes

    def forward(self, weights, X, h0, m, starts, buffers, invariant=False):
        """Fill ``buffers["H"]`` with the hidden states for input ``X``."""
        lstm_forward((X, h0, m, starts), self._weights(weights),
                     self._states(buffers), self.activation_code,
                     self.gate_code, invariant)
        return buffers["H"]

    def backward(self, weights, grads, X, h0, m, starts, truncate, dH, dX, buffers):
        """Write parameter gradients into ``grads`` and ``dL/dX`` into ``dX``."""
        lstm_backward((X, h0, m, starts), self._weights(weights),
                      self._states(buffers), truncate, self.activation_code,
                      self.gate_code, dH, self._gradients(grads), dX,
                      self._scratch(buffers))


class GRUCell(SimpleRNNCell):
    """Gated recurrent unit, Keras' ``reset_after=True`` form (PyTorch's).

    ``h_t = z * h_{t-1} + (1 - z) * n`` with update and reset gates ``z``,
    ``r`` and candidate ``n = act(xn + r * hn)``; separate input and
    recurrent biases ``b_h`` and ``b_hh``. See ``gru_kernels``.
    """

    gates = 3
    parameter_names = WEIGHTS["gru"]
    _weights = _gradients = staticmethod(gatherer(WEIGHTS["gru"]))
    _states = staticmethod(gatherer(STATES["gru"]))
    _scratch = staticmethod(gatherer(SCRATCH["gru"]))

    def parameter_entries(self):
        """``(name, shape, penalized)`` of each parameter, in order."""
        return super().parameter_entries() + [("b_hh", (3 * self.units,), False)]

    def initialize(self, weights, rng, kernel_initializer, recurrent_initializer):
        """Fill ``weights`` in place; both biases start at zero."""
        super().initialize(weights, rng, kernel_initializer, recurrent_initializer)
        weights["b_hh"][...] = 0.0

    def buffer_shapes(self, n_timesteps, batch, recurrent_dropout, training):
        """Shapes of the scratch arrays one sequence batch needs."""
        sequence = (n_timesteps, batch, self.units)
        gates = (n_timesteps, batch, 3 * self.units)
        state = (batch, self.units)
        slots = n_timesteps if training else 1   # as in LSTMCell.buffer_shapes
        one_step = (slots, batch, 3 * self.units)
        shapes = {"H": sequence, "HN": (slots, batch, self.units), "GATES": one_step,
                  "XP": one_step,
                  "step": (batch, 3 * self.units),
                  "HR": sequence if recurrent_dropout else (0, 0, 0)}
        if training:
            shapes.update(DZ_in=gates, DZ_rec=gates, dh=state, recurrent=state,
                          dW_scratch=(self.units, 3 * self.units))
        return shapes

    def forward(self, weights, X, h0, m, starts, buffers, invariant=False):
        """Fill ``buffers["H"]`` with the hidden states for input ``X``."""
        gru_forward((X, h0, m, starts), self._weights(weights),
                    self._states(buffers), self.activation_code,
                    self.gate_code, invariant)
        return buffers["H"]

    def backward(self, weights, grads, X, h0, m, starts, truncate, dH, dX, buffers):
        """Write parameter gradients into ``grads`` and ``dL/dX`` into ``dX``."""
        gru_backward((X, h0, m, starts), self._weights(weights),
                     self._states(buffers), truncate, self.activation_code,
                     self.gate_code, dH, self._gradients(grads), dX,
                     self._scratch(buffers))


CELLS = {"simple": SimpleRNNCell, "lstm": LSTMCell, "gru": GRUCell}
