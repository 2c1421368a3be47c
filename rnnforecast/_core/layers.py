"""Recurrent layers: one cell reading the sequence forwards, or two cells
reading it both ways (``bidirectional=True``).

A bidirectional layer runs a second cell, with its own weights, over each
sequence's real steps in reverse, and puts both directions' states for the
same input step side by side, as ``keras.layers.Bidirectional`` (merge mode
"concat") and ``torch.nn.RNN(bidirectional=True)`` do. Its last output is
the forward cell's last state next to the reverse cell's last state (the
one that has read the whole sequence). Front padding stays in front when a
sequence is reversed (``_time_major.mirrored_step``), so padding changes
nothing in either direction.
"""

import numpy as np

from .time_major import join_directions, reverse_steps, split_directions

REVERSE = "reverse."


class RecurrentLayer:
    """One or two cells of the same kind over a sequence.

    Parameters
    ----------
    cell_class : type
        A cell of ``cells``.
    n_inputs : int
        Features per time step entering the layer.
    units : int
        State size of each direction.
    activation : {"tanh", "relu"}
    bidirectional : bool, default=False
        Whether a second cell reads the sequence in reverse.
    cell_options : dict, optional
        More keyword arguments of the cells (``recurrent_activation``,
        ``unit_forget_bias``).
    """

    def __init__(self, cell_class, n_inputs, units, activation, bidirectional=False,
                 cell_options=None):
        self.directions = 2 if bidirectional else 1
        self.cells = tuple(cell_class(n_inputs, units, activation, **(cell_options or {}))
                           for _ in range(self.directions))
        self.n_inputs = n_inputs
        self.units = units
        self.width = self.directions * units
        self.prefixes = ("", REVERSE)[:self.directions]
        self.parameter_names = tuple(prefix + name for prefix in self.prefixes
                                     for name in self.cells[0].parameter_names)

    def parameter_entries(self):
        """``(name, shape, penalized)`` of each parameter; the reverse
        cell's names start with ``"reverse."``."""
        return [(prefix + name, shape, penalized)
                for prefix, cell in zip(self.prefixes, self.cells)
                for name, shape, penalized in cell.parameter_entries()]

    def by_direction(self, weights):
        """The dict of each cell's arrays, from the layer's dict."""
        if self.directions == 1:
            return (weights,)
        names = self.cells[0].parameter_names
        return (weights, {name: weights[REVERSE + name] for name in names})

    def initialize(self, weights, rng, kernel_initializer, recurrent_initializer):
        """Fill ``weights`` (the layer's dict of arrays) in place."""
        for cell, own in zip(self.cells, self.by_direction(weights)):
            cell.initialize(own, rng, kernel_initializer, recurrent_initializer)

    def multiply_adds_per_step(self, batch):
        """Multiply-adds of one forward step, a measure of the work."""
        return sum(cell.multiply_adds_per_step(batch) for cell in self.cells)

    def buffer_shapes(self, n_timesteps, batch, options, needs_input_gradient):
        """Shapes of the scratch arrays: the layer's own dict, then one dict
        per cell."""
        inputs = (n_timesteps, batch, self.n_inputs)
        states = (n_timesteps, batch, self.units)
        empty = (0, 0, 0)
        own = {"input": inputs if options.dropout else empty,
               "dinput": inputs if needs_input_gradient else empty,
               "h0": (batch, self.units)}
        if self.directions == 2:
            own.update(reversed=inputs, output=(n_timesteps, batch, self.width),
                       last=(batch, self.width))
            if options.training:
                own.update(dforward=states, dreverse=states,
                           dreversed=inputs if needs_input_gradient else empty)
        elif options.training:
            own["dsequence"] = states
        cells = [cell.buffer_shapes(n_timesteps, batch, options.recurrent_dropout,
                                    options.training) for cell in self.cells]
        return [own] + cells

    def forward(self, weights, X, m, starts, buffers, invariant=False):
        """States for input ``X`` (n_timesteps, batch, n_inputs), returned as
        (n_timesteps, batch, width).

        ``m`` is the recurrent-dropout mask, (batch, units) for one
        direction and (2, batch, units) for two, or an empty array.
        """
        own, *scratch = buffers
        weights = self.by_direction(weights)
        H = self.cells[0].forward(weights[0], X, own["h0"], _direction(m, 0, self),
                                  starts, scratch[0], invariant)
        if self.directions == 1:
            return H
        reverse_steps(X, starts, own["reversed"])
        H_reverse = self.cells[1].forward(weights[1], own["reversed"], own["h0"],
                                          _direction(m, 1, self), starts,
                                          scratch[1], invariant)
        join_directions(H, H_reverse, starts, own["output"])
        return own["output"]

    def state_buffers(self, buffers):
        """Per state of the cell (h, and c for LSTM): the buffer of its
        initial value (batch, units) and of its last value (batch, units).
        Only for one direction: a reverse pass has no state to hand on."""
        own, cell = buffers
        return [((own if initial == "h0" else cell)[initial], cell[steps][-1])
                for _, initial, steps in self.cells[0].states]

    def last_output(self, buffers):
        """Each direction's last state, side by side: (batch, width)."""
        own, *scratch = buffers
        if self.directions == 1:
            return scratch[0]["H"][-1]
        last = own["last"]
        last[:, :self.units] = scratch[0]["H"][-1]
        last[:, self.units:] = scratch[1]["H"][-1]
        return last

    def backward(self, weights, grads, X, m, starts, dO, dX, buffers, last_only,
                 truncate=0):
        """Write parameter gradients into ``grads`` and ``dL/dX`` into ``dX``.

        ``dO`` is the gradient of the output sequence (n_timesteps, batch,
        width), or with ``last_only`` that of ``last_output`` (batch,
        width). ``dX`` is empty when no input gradient is needed;
        ``truncate`` limits how many steps gradients flow back (0: all).
        """
        own, *scratch = buffers
        weights, grads = self.by_direction(weights), self.by_direction(grads)
        if self.directions == 1:
            if last_only:
                dO = _at_last_step(own["dsequence"], dO)
            self.cells[0].backward(weights[0], grads[0], X, own["h0"], m, starts,
                                   truncate, dO, dX, scratch[0])
            return
        dH_forward, dH_reverse = own["dforward"], own["dreverse"]
        if last_only:
            _at_last_step(dH_forward, dO[:, :self.units])
            _at_last_step(dH_reverse, dO[:, self.units:])
        else:
            split_directions(dO, starts, dH_forward, dH_reverse)
        self.cells[0].backward(weights[0], grads[0], X, own["h0"],
                               _direction(m, 0, self), starts, truncate, dH_forward,
                               dX, scratch[0])
        self.cells[1].backward(weights[1], grads[1], own["reversed"], own["h0"],
                               _direction(m, 1, self), starts, truncate, dH_reverse,
                               own["dreversed"], scratch[1])
        if dX.size > 0:
            reverse_steps(own["dreversed"], starts, dX, accumulate=True)


def _direction(m, index, layer):
    """One direction's recurrent-dropout mask (or the empty array)."""
    return m if m.size == 0 or layer.directions == 1 else m[index]


def _at_last_step(dH, d_last):
    """``dH`` zero except its last step, which becomes ``d_last``."""
    dH[:-1] = 0.0
    np.copyto(dH[-1], d_last)
    return dH
