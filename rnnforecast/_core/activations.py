"""Hidden-state activations and their derivatives, as Numba kernels.

Activations are identified by a small integer code so one compiled kernel
serves them all. Derivatives are computed from the activation's *output*
``h``, which is what the forward pass stores: for tanh ``1 - h**2``, for relu
``h > 0``.

tanh depends on the precision. In float64 it is ``np.tanh``, exact, which
the gradient tests need. In float32 it is a rational approximation written
as plain arithmetic, because Numba has no vectorised ``tanh`` here (without
SVML a scalar ``np.tanh`` costs about 20 ns an element; the approximation,
vectorised by LLVM, about 0.5 ns):

    tanh(x) ~ x P(x**2) / Q(x**2),   |x| clamped to 9, result clamped to 1,

with P and Q of degree 4. The coefficients were fitted for this project by
iteratively reweighted least squares on the relative error over [0, 9]
(``benchmarks/fast_tanh.py`` re-derives them and measures error and speed).
Evaluated in float32 the largest absolute error is below 5e-7, about four
float32 ulps at 1; ``tests/test_activations.py`` checks that bound.
"""

import numpy as np
from numba import types
from numba.extending import overload

from .jit import JIT_OPTIONS, kernel

TANH, RELU = 0, 1
ACTIVATION_CODES = {"tanh": TANH, "relu": RELU}

# Gate activations (Keras' ``recurrent_activation``). hard_sigmoid is
# Keras 3's and PyTorch's ``relu6(x + 3) / 6``.
SIGMOID, HARD_SIGMOID = 0, 1
GATE_CODES = {"sigmoid": SIGMOID, "hard_sigmoid": HARD_SIGMOID}

TANH_NUMERATOR = tuple(np.float32(c) for c in (
    9.9999999826572061e-01, 1.3417182914064132e-01, 3.5383820151191035e-03,
    2.1306870624883655e-05, 1.4308826915710638e-08))
TANH_DENOMINATOR = tuple(np.float32(c) for c in (
    1.0, 4.675051163912127e-01, 2.604017789794829e-02, 3.355347685599720e-04,
    8.169802974975182e-07))
_P0, _P1, _P2, _P3, _P4 = TANH_NUMERATOR
_Q0, _Q1, _Q2, _Q3, _Q4 = TANH_DENOMINATOR
_CLAMP = np.float32(9.0)
_ONE = np.float32(1.0)
_HALF = np.float32(0.5)
_ZERO = np.float32(0.0)
_SIXTH = np.float32(1.0 / 6.0)


def precision_tanh(x):
    """tanh at the precision of ``x``: exact for float64, fast for float32.

    Kernels get the compiled overload below; this body is what runs when
    they run as Python (``NUMBA_DISABLE_JIT=1``, for coverage and ``pdb``).
    """
    if _is_float32(x):
        return _rational_tanh(x)
    return np.tanh(x)


@overload(precision_tanh, jit_options=JIT_OPTIONS)
def _precision_tanh(x):
    if x == types.float32:
        return _rational_tanh
    return lambda x: np.tanh(x)


def precision_sigmoid(x):
    """The logistic function at the precision of ``x``, as ``precision_tanh``.

    Computed as ``(1 + tanh(x / 2)) / 2``, so float32 shares the vectorised
    tanh and its error bound (halved). This body runs with the JIT off.
    """
    if _is_float32(x):
        return _HALF * (_ONE + precision_tanh(_HALF * x))
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@overload(precision_sigmoid, jit_options=JIT_OPTIONS)
def _precision_sigmoid(x):
    if x == types.float32:
        return lambda x: _HALF * (_ONE + precision_tanh(_HALF * x))
    return lambda x: 0.5 * (1.0 + np.tanh(0.5 * x))


def _is_float32(x):
    return isinstance(x, np.float32)


def _rational_tanh(x):
    x = _CLAMP if x > _CLAMP else x
    x = -_CLAMP if x < -_CLAMP else x
    s = x * x
    p = (((_P4 * s + _P3) * s + _P2) * s + _P1) * s + _P0
    q = (((_Q4 * s + _Q3) * s + _Q2) * s + _Q1) * s + _Q0
    y = x * p / q
    y = _ONE if y > _ONE else y
    return -_ONE if y < -_ONE else y


@kernel
def activation(z, code):
    """``act(z)`` for one scalar, at its precision."""
    if code == TANH:
        return precision_tanh(z)
    return z if z > 0 else z - z


@kernel
def activation_derivative(a, code):
    """``act'(z)`` from the output ``a = act(z)``, for one scalar."""
    if code == TANH:
        return 1 - a * a
    return a - a + 1 if a > 0 else a - a


def precision_hard_sigmoid(x):
    """``clip(x / 6 + 1 / 2, 0, 1)`` in the precision of ``x``: float32 in,
    float32 out, so a gate's two kinds share one type and loops over them
    stay vectorised. This body runs with the JIT off."""
    if _is_float32(x):
        return min(max(x * _SIXTH + _HALF, _ZERO), _ONE)
    return min(max(x / 6.0 + 0.5, 0.0), 1.0)


@overload(precision_hard_sigmoid, jit_options=JIT_OPTIONS)
def _precision_hard_sigmoid(x):
    if x == types.float32:
        return lambda x: min(max(x * _SIXTH + _HALF, _ZERO), _ONE)
    return lambda x: min(max(x / 6.0 + 0.5, 0.0), 1.0)


@kernel
def gate(z, code):
    """A gate's activation of one scalar, in its precision."""
    if code == SIGMOID:
        return precision_sigmoid(z)
    return precision_hard_sigmoid(z)


@kernel
def times_gate_slope(x, g, code):
    """``x`` times the gate's derivative, known from its output ``g``.

    Written as one product, ``x * g * (1 - g)`` for the sigmoid, so that
    rounding is the same as in the kernels before hard sigmoid existed.
    """
    if code == SIGMOID:
        return x * g * (1 - g)
    return x * (1.0 / 6.0 if 0 < g < 1 else 0.0)


@kernel
def add_and_activate(Z, step, bias, code):
    """``Z = act(Z + step + bias)`` in place, for ``Z`` and ``step`` (batch, units).

    Rows are indexed, not sliced (a row view costs two atomic
    reference-count updates; see ``lstm_kernels._lstm_gates``).
    """
    batch, units = Z.shape
    for b in range(batch):
        for u in range(units):
            Z[b, u] = activation(Z[b, u] + step[b, u] + bias[u], code)


@kernel
def backprop_activation(upstream, carried, H, code, out):
    """``out = (upstream + carried) * act'(z)``, from the output ``H``.

    All arrays are (batch, units): the gradient reaching ``h_t`` from above
    and from step ``t + 1``, the states ``h_t``, and the result ``dL/dz_t``.
    """
    batch, units = H.shape
    for b in range(batch):
        for u in range(units):
            out[b, u] = (upstream[b, u] + carried[b, u]) * activation_derivative(H[b, u], code)
