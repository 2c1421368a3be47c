"""Hidden-state activations and their derivatives, as Numba kernels.

Activations are identified by a small integer code so a single compiled
kernel serves them all. Derivatives are computed from the activation's
*output* ``h``, which is what the forward pass stores: for tanh
``1 - h**2``, for relu ``h > 0``.
"""

import numpy as np

from ._jit import kernel

ACTIVATION_CODES = {"tanh": 0, "relu": 1}


@kernel
def activate(z, code):
    """Return ``act(z)`` for one scalar ``z``."""
    if code == 0:
        return np.tanh(z)
    return z if z > 0.0 else z - z


@kernel
def derivative_from_output(h, code):
    """Return ``act'(z)`` given the output ``h = act(z)``."""
    if code == 0:
        return 1.0 - h * h
    return 1.0 if h > 0.0 else 0.0
