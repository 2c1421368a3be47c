"""The one place that decides how kernels are compiled.

Every kernel in rnnforecast is decorated with :func:`kernel`, so compile
options change here and nowhere else.

- ``cache=True`` stores the machine code next to the module, so a fresh
  process loads it instead of recompiling.
- ``error_model="numpy"``: a float division by zero gives inf/NaN as in
  NumPy instead of raising. Python's model puts a zero check with an
  exception exit in every loop that divides, which stops LLVM from
  vectorising it (the float32 tanh runs 5x slower). The kernels never rely
  on that exception: non-finite results are caught by the training loop.
- ``fastmath`` stays off: the gradient tests compare with finite
  differences to 1e-6 and NaN checks must keep working.
"""

import numba

JIT_OPTIONS = {"cache": True, "nogil": True, "fastmath": False,
               "error_model": "numpy"}


KERNELS = []


def kernel(function):
    """Compile ``function`` with rnnforecast's Numba options."""
    dispatcher = numba.njit(**JIT_OPTIONS)(function)
    KERNELS.append(dispatcher)
    return dispatcher


# The fixed-order products (``matmul``) let LLVM fuse each multiply with the
# add that follows it: the terms are still summed in the written order, each
# rounded once instead of twice, and the fused form doubles the arithmetic a
# CPU with FMA units retires per cycle. Nothing else may be fused: gradient
# tests compare kernels with their NumPy twins bit for bit.
PRODUCT_OPTIONS = {**JIT_OPTIONS, "fastmath": {"contract"}}


def product_kernel(function):
    """Compile a fixed-order product kernel: :func:`kernel`, with multiply
    and add fused into one rounding where the CPU can (``PRODUCT_OPTIONS``)."""
    dispatcher = numba.njit(**PRODUCT_OPTIONS)(function)
    KERNELS.append(dispatcher)
    return dispatcher


def step_kernel(function):
    """Compile a small helper that a time loop calls once a step, inlined
    into its callers.

    A call between compiled functions with array arguments costs about
    75-100 ns even when the callee does nothing (a padding check on a
    batch without padding, say); a one-window LSTM step at 16 units took
    about 1.1 us, of which such calls were a quarter. Numba inlines the
    helper's body into each caller instead; the helper is not compiled on
    its own.
    """
    return numba.njit(inline="always", **JIT_OPTIONS)(function)


def compile_counts():
    """How this process got each kernel's machine code so far.

    Returns ``{"loaded": n, "compiled": m}``: signatures loaded from the
    on-disk cache, and signatures compiled because the cache had none. A
    process that finds a warm cache (a Dask or joblib worker, say) should
    compile nothing.
    """
    loaded = sum(sum(k.stats.cache_hits.values()) for k in KERNELS)
    compiled = sum(sum(k.stats.cache_misses.values()) for k in KERNELS)
    return {"loaded": loaded, "compiled": compiled}
