"""The one place that decides how kernels are compiled.

Every kernel in rnnforecast is decorated with :func:`kernel`, so compile
options change here and nowhere else. ``cache=True`` stores the machine code
next to the module, so a fresh process loads it instead of recompiling.
``fastmath`` is left off: the gradient tests compare with finite differences
to 1e-6 and NaN checks must keep working.
"""

import numba

JIT_OPTIONS = {"cache": True, "nogil": True, "fastmath": False}


def kernel(function):
    """Compile ``function`` with rnnforecast's Numba options."""
    return numba.njit(**JIT_OPTIONS)(function)
