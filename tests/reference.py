"""Slow, obvious NumPy twins of the three cells and the network, to check
the Numba kernels.

Sample-major, one time step at a time, one line per term of the chain rule.
Shares no code with ``rnnforecast`` except the notation: ``x`` the masked
input of a step, ``h``/``c`` the states, ``m`` the recurrent-dropout mask
on ``h_{t-1}``, gate blocks ``i, f, g, o`` (LSTM) and ``z, r, n`` (GRU).
Gates are sigmoids.
"""

import numpy as np


def act(z, activation):
    return np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)


def act_derivative(a, activation):
    """act'(z) from the output a = act(z)."""
    return 1.0 - a**2 if activation == "tanh" else (a > 0).astype(a.dtype)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def blocks(z, n):
    """The ``n`` gate blocks of ``z`` (batch, n * units), in order."""
    return np.split(z, n, axis=1)


# One step forward: (weights, x, h_prev, c_prev, mask, activation) -> (h, c, saved)

def simple_step(w, x, h_prev, c_prev, m, activation):
    h = act(x @ w["W_xh"] + (h_prev * m) @ w["W_hh"] + w["b_h"], activation)
    return h, None, {"h": h}


def lstm_step(w, x, h_prev, c_prev, m, activation):
    zi, zf, zg, zo = blocks(x @ w["W_xh"] + (h_prev * m) @ w["W_hh"] + w["b_h"], 4)
    i, f, g, o = sigmoid(zi), sigmoid(zf), act(zg, activation), sigmoid(zo)
    c = f * c_prev + i * g
    a = act(c, activation)
    h = o * a
    return h, c, {"i": i, "f": f, "g": g, "o": o, "a": a, "c_prev": c_prev}


def gru_step(w, x, h_prev, c_prev, m, activation):
    xz, xr, xn = blocks(x @ w["W_xh"] + w["b_h"], 3)
    hz, hr, hn = blocks((h_prev * m) @ w["W_hh"] + w["b_hh"], 3)
    z = sigmoid(xz + hz)
    reset = sigmoid(xr + hr)
    n = act(xn + reset * hn, activation)
    h = z * h_prev + (1 - z) * n
    return h, None, {"z": z, "reset": reset, "n": n, "hn": hn}


# One step back: dL/dh_t (and dL/dc_t) -> gradients of the step's
# pre-activations (its input part and its recurrent part), dL/dc_{t-1}, and
# the part of dL/dh_{t-1} that bypasses W_hh (the GRU's z * h_{t-1}).

def simple_step_back(saved, dh, dc, h_prev, activation):
    dz = dh * act_derivative(saved["h"], activation)
    return dz, dz, None, 0.0


def lstm_step_back(saved, dh, dc, h_prev, activation):
    i, f, g, o, a = saved["i"], saved["f"], saved["g"], saved["o"], saved["a"]
    do = dh * a
    dc = dc + dh * o * act_derivative(a, activation)
    di, df, dg = dc * g, dc * saved["c_prev"], dc * i
    dz = np.hstack([di * i * (1 - i), df * f * (1 - f),
                    dg * act_derivative(g, activation), do * o * (1 - o)])
    return dz, dz, dc * f, 0.0


def gru_step_back(saved, dh, dc, h_prev, activation):
    z, reset, n, hn = saved["z"], saved["reset"], saved["n"], saved["hn"]
    dz = dh * (h_prev - n) * z * (1 - z)
    dn = dh * (1 - z) * act_derivative(n, activation)
    dreset = dn * hn * reset * (1 - reset)
    d_input = np.hstack([dz, dreset, dn])
    d_recurrent = np.hstack([dz, dreset, dn * reset])
    return d_input, d_recurrent, None, dh * z


STEPS = {"simple": (simple_step, simple_step_back),
         "lstm": (lstm_step, lstm_step_back),
         "gru": (gru_step, gru_step_back)}


def forward(layers, head, X, activation, return_sequences, masks, cell="simple"):
    """Return ``(logits, cache)``; ``X`` is (n, T, F), logits (n, K) or (n, T, K).

    ``layers`` is a list of dicts of each layer's weights (W_xh, W_hh, b_h,
    and b_hh for the GRU); ``masks`` a list of (input_mask (n, n_in),
    recurrent_mask (n, units)) per layer.
    """
    step = STEPS[cell][0]
    cache = []
    inputs = X
    for weights, (m_in, m) in zip(layers, masks):
        n, T, _ = inputs.shape
        units = weights["W_hh"].shape[0]
        x = inputs * m_in[:, None, :]
        h, c = np.zeros((n, units)), np.zeros((n, units))
        states, saved = [], []
        for t in range(T):
            h, c, kept = step(weights, x[:, t], h, c, m, activation)
            states.append(h)
            saved.append(kept)
        H = np.stack(states, axis=1)
        cache.append((x, H, saved))
        inputs = H
    top = inputs if return_sequences else inputs[:, -1]
    return top @ head["W_hy"] + head["b_y"], cache


def backward(layers, head, cache, dlogits, activation, return_sequences, masks,
             cell="simple"):
    """Gradients of every parameter given ``dL/dlogits``."""
    step_back = STEPS[cell][1]
    H_top = cache[-1][1]
    top = H_top if return_sequences else H_top[:, -1]
    grads_head = {
        "W_hy": top.reshape(-1, top.shape[-1]).T @ dlogits.reshape(-1, dlogits.shape[-1]),
        "b_y": dlogits.reshape(-1, dlogits.shape[-1]).sum(axis=0),
    }
    dH = np.zeros_like(H_top)
    if return_sequences:
        dH[:] = dlogits @ head["W_hy"].T
    else:
        dH[:, -1] = dlogits @ head["W_hy"].T
    grads_layers = [None] * len(layers)
    for index in range(len(layers) - 1, -1, -1):
        weights, (m_in, m) = layers[index], masks[index]
        x, H, saved = cache[index]
        n, T, _ = x.shape
        g = {name: np.zeros_like(value) for name, value in weights.items()}
        dx = np.zeros_like(x)
        dh_next = np.zeros((n, H.shape[2]))
        dc_next = np.zeros((n, H.shape[2]))
        for t in reversed(range(T)):
            h_prev = H[:, t - 1] if t > 0 else np.zeros_like(H[:, 0])
            d_input, d_recurrent, dc_next, direct = step_back(
                saved[t], dH[:, t] + dh_next, dc_next, h_prev, activation)
            g["W_xh"] += x[:, t].T @ d_input
            g["W_hh"] += (h_prev * m).T @ d_recurrent
            g["b_h"] += d_input.sum(axis=0)
            if "b_hh" in g:
                g["b_hh"] += d_recurrent.sum(axis=0)
            dx[:, t] = d_input @ weights["W_xh"].T
            dh_next = (d_recurrent @ weights["W_hh"].T) * m + direct
        grads_layers[index] = g
        dH = dx * m_in[:, None, :]
    return grads_layers, grads_head

