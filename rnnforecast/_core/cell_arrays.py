"""The arrays a cell's kernels read and write, grouped by role.

A kernel takes a few tuples instead of a dozen or two positional arrays:
what it runs over (the sequence ``(X, h0, m, starts)``, which the cell
builds from its arguments), the cell's weights, the states the forward
pass fills (and the backward pass reads), the weight gradients (named as
the weights) and the backward pass's scratch. The cells build the tuples
from their dicts in the order below, and each kernel unpacks them by name,
in the same order, on its first lines.

Plain tuples, not named tuples: Numba types a plain tuple of arrays in
its compiled dispatcher (0.3 us more per call than the same arrays one by
one), a named tuple through Python (1.7 us more); one-window prediction
calls a kernel per layer (``benchmarks/README.md``, "Kernel arguments").
The disk cache serves both.

Shapes, time-major (``T`` steps, ``batch`` rows, ``units`` wide, ``gates``
blocks of ``units`` columns: 1 SimpleRNN, 4 LSTM, 3 GRU):

- ``X`` (T, batch, n_inputs); ``h0``, ``c0`` (batch, units); ``m`` the
  recurrent-dropout mask (batch, units), or (0, 0) without it; ``starts``
  (batch,) first real step of each front-padded row, or (0,) unpadded;
- ``W_xh`` (n_inputs, gates * units), ``W_hh`` (units, gates * units),
  ``b_h`` and ``b_hh`` (gates * units,), gradients alike;
- ``H``, ``C``, ``A``, ``HN`` (T, batch, units); ``GATES``, ``XP``
  (T, batch, gates * units), where ``A``, ``HN``, ``GATES`` and ``XP``
  keep one step instead of ``T`` in prediction (``bptt.at_step``);
  ``HR`` (T, batch, units) with recurrent
  dropout, else (0, 0, 0); ``step`` (batch, gates * units); ``tanh_form``
  (2, gates * units);
- ``DZ``, ``DZ_in``, ``DZ_rec`` (T, batch, gates * units); ``dh``, ``dc``,
  ``recurrent`` (batch, units); ``dW_scratch`` (units, gates * units).
"""

from operator import itemgetter

WEIGHTS = {"simple": ("W_xh", "W_hh", "b_h"), "lstm": ("W_xh", "W_hh", "b_h"),
           "gru": ("W_xh", "W_hh", "b_h", "b_hh")}

# Filled by the forward pass (some are its scratch), read by the backward.
STATES = {"simple": ("H", "HR", "step"),
          "lstm": ("c0", "H", "C", "A", "GATES", "HR", "step", "tanh_form"),
          "gru": ("H", "GATES", "HN", "XP", "HR", "step")}

SCRATCH = {"simple": ("DZ", "dh", "dW_scratch"),
           "lstm": ("DZ", "dh", "dc", "dW_scratch"),
           "gru": ("DZ_in", "DZ_rec", "dh", "recurrent", "dW_scratch")}


def gatherer(fields):
    """A function taking a dict of arrays to the tuple of ``fields``, in
    order (``itemgetter``: no Python loop on every kernel call)."""
    return itemgetter(*fields)
