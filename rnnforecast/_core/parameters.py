"""One flat vector holding every parameter of a network.

Keeping all weights in one contiguous array makes the optimizer update, the
global-norm clipping and the finiteness check single passes over one
vector; the named arrays a user sees are views into it.
"""

from math import prod

import numpy as np


class ParameterLayout:
    """Names, shapes and offsets of the arrays packed in a flat vector.

    Parameters
    ----------
    entries : list of (str, tuple of int, bool)
        ``(name, shape, penalized)`` in storage order; ``penalized`` marks
        the weight matrices that the L2 penalty applies to.
    """

    def __init__(self, entries):
        self.names = [name for name, _, _ in entries]
        self.shapes = {name: tuple(shape) for name, shape, _ in entries}
        self.penalized = {name: penalized for name, _, penalized in entries}
        self.offsets = {}
        offset = 0
        for name, shape, _ in entries:
            self.offsets[name] = offset
            offset += prod(shape)
        self.size = offset

    def view(self, flat, name):
        """Return the array ``name`` as a view into ``flat``."""
        start = self.offsets[name]
        shape = self.shapes[name]
        return flat[start:start + prod(shape)].reshape(shape)

    def views(self, flat):
        """Return ``{name: view}`` for every array, in storage order."""
        return {name: self.view(flat, name) for name in self.names}

    def penalized_mask(self):
        """Return a uint8 vector, 1 where the L2 penalty applies."""
        mask = np.zeros(self.size, dtype=np.uint8)
        for name in self.names:
            if self.penalized[name]:
                self.view(mask, name)[...] = 1
        return mask
