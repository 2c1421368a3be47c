"""The activations kernels against NumPy, and the float32 tanh's error bound."""

import numpy as np
import pytest

from rnnforecast._core.activations import (
    ACTIVATION_CODES,
    SIGMOID,
    TANH,
    activation,
    add_and_activate,
    backprop_activation,
    gate,
)
from rnnforecast._core.lstm_kernels import G, _lstm_gates, sigmoid_as_tanh

GRID = np.concatenate([np.linspace(-12, 12, 400_001),
                       [0.0, -0.0, 1e-30, -1e-30, 9.0, -9.0, 50.0, -50.0]])


def _tanh32(values):
    Z = values.astype(np.float32).reshape(1, -1).copy()
    add_and_activate(Z, np.zeros_like(Z), np.zeros(Z.shape[1], np.float32),
                     ACTIVATION_CODES["tanh"])
    return Z[0]


def test_float32_tanh_error_is_below_five_ten_millionths():
    approx = _tanh32(GRID)
    exact = np.tanh(GRID.astype(np.float32).astype(np.float64))
    assert np.abs(approx - exact).max() < 5e-7
    assert np.abs(approx).max() <= 1.0
    assert np.all(np.sign(approx) == np.sign(exact))


def test_float32_tanh_is_odd_and_monotone_within_its_error():
    values = np.linspace(-10, 10, 200_001)
    approx = _tanh32(values).astype(np.float64)
    np.testing.assert_array_equal(approx, -approx[::-1])
    # Near saturation the approximation wiggles by a few ulps of 1; a dip
    # can never exceed twice the error bound of the test above.
    assert np.diff(approx).min() >= -1e-6
    assert np.all(np.diff(approx[np.abs(values) < 2]) >= 0)


def test_float32_tanh_propagates_nan():
    assert np.isnan(_tanh32(np.array([np.nan]))[0])


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_float64_kernels_match_numpy(activation):
    rng = np.random.RandomState(0)
    Z, step = rng.normal(size=(2, 5, 7)) * 3
    bias = rng.normal(size=7)
    expected = np.tanh(Z + step + bias) if activation == "tanh" else np.maximum(Z + step + bias, 0)
    H = Z.copy()
    add_and_activate(H, step, bias, ACTIVATION_CODES[activation])
    np.testing.assert_allclose(H, expected, rtol=1e-15, atol=1e-300)
    upstream, carried = rng.normal(size=(2, 5, 7))
    out = np.empty_like(H)
    backprop_activation(upstream, carried, H, ACTIVATION_CODES[activation], out)
    derivative = 1 - H**2 if activation == "tanh" else (H > 0)
    np.testing.assert_allclose(out, (upstream + carried) * derivative, rtol=1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "hard_sigmoid"])
def test_gates_and_their_derivatives(name):
    from rnnforecast._core.activations import GATE_CODES, gate, times_gate_slope
    code = GATE_CODES[name]
    xs = np.linspace(-8, 8, 3201)
    values = np.array([gate(x, code) for x in xs])
    expected = (1 / (1 + np.exp(-xs)) if name == "sigmoid"
                else np.clip(xs / 6 + 0.5, 0.0, 1.0))
    np.testing.assert_allclose(values, expected, rtol=1e-14, atol=1e-15)
    h = 1e-6
    slope = (np.array([gate(x + h, code) for x in xs])
             - np.array([gate(x - h, code) for x in xs])) / (2 * h)
    derivative = np.array([times_gate_slope(1.0, v, code) for v in values])
    away_from_kinks = np.abs(np.abs(xs) - 3) > 1e-3
    np.testing.assert_allclose(derivative[away_from_kinks], slope[away_from_kinks],
                               atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lstm_gates_through_one_tanh_loop_give_each_blocks_own_bits(dtype):
    # With sigmoid gates and tanh, the LSTM runs all four gate blocks through
    # tanh(inner * z) * outer + shift; each value must equal, bit for bit,
    # the block's own activation (gate for i, f, o; act for g).
    batch, units = 3, 5
    rng = np.random.default_rng(4)
    Z = (rng.normal(size=(batch, 4 * units)) * 4).astype(dtype)
    step = rng.normal(size=(batch, 4 * units)).astype(dtype)
    bias = rng.normal(size=4 * units).astype(dtype)
    c_prev = rng.normal(size=(batch, units)).astype(dtype)
    tanh_form = np.empty((2, 4 * units), dtype=dtype)
    sigmoid_as_tanh(units, tanh_form)
    gates = Z.copy()
    C, A, H = (np.empty((batch, units), dtype=dtype) for _ in range(3))
    _lstm_gates(gates, step, bias, c_prev, TANH, SIGMOID, tanh_form, C, A, H)
    for b in range(batch):
        for k in range(4 * units):
            z = Z[b, k] + step[b, k] + bias[k]
            own = activation(z, TANH) if G * units <= k < (G + 1) * units else gate(z, SIGMOID)
            assert gates[b, k] == own
