"""Slow, obvious NumPy twin of the network, to check the Numba kernels.

Sample-major, one time step at a time, one line per term of the chain rule.
Shares no code with ``rnnforecast`` except the notation.
"""

import numpy as np


def act(z, activation):
    return np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)


def act_derivative(h, activation):
    return 1.0 - h**2 if activation == "tanh" else (h > 0).astype(h.dtype)


def forward(layers, head, X, activation, return_sequences, masks):
    """Return ``(logits, cache)``; ``X`` is (n, T, F), logits (n, K) or (n, T, K).

    ``layers`` is a list of dicts with W_xh, W_hh, b_h; ``masks`` a list of
    (input_mask (n, n_in), recurrent_mask (n, units)) per layer.
    """
    cache = []
    inputs = X
    for weights, (m, r) in zip(layers, masks):
        n, T, _ = inputs.shape
        x = inputs * m[:, None, :]
        h = np.zeros((n, weights["W_hh"].shape[0]))
        states = []
        for t in range(T):
            h = act(x[:, t] @ weights["W_xh"] + (h * r) @ weights["W_hh"]
                    + weights["b_h"], activation)
            states.append(h)
        H = np.stack(states, axis=1)
        cache.append((x, H))
        inputs = H
    top = inputs if return_sequences else inputs[:, -1]
    return top @ head["W_hy"] + head["b_y"], cache


def backward(layers, head, cache, dlogits, activation, return_sequences, masks):
    """Gradients of every parameter given ``dL/dlogits``."""
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
        weights, (m, r) = layers[index], masks[index]
        x, H = cache[index]
        n, T, _ = x.shape
        g = {name: np.zeros_like(value) for name, value in weights.items()}
        dx = np.zeros_like(x)
        dh_next = np.zeros((n, H.shape[2]))
        for t in reversed(range(T)):
            h_prev = H[:, t - 1] if t > 0 else np.zeros_like(H[:, 0])
            dz = (dH[:, t] + dh_next) * act_derivative(H[:, t], activation)
            g["W_xh"] += x[:, t].T @ dz
            g["W_hh"] += (h_prev * r).T @ dz
            g["b_h"] += dz.sum(axis=0)
            dx[:, t] = dz @ weights["W_xh"].T
            dh_next = (dz @ weights["W_hh"].T) * r
        grads_layers[index] = g
        dH = dx * m[:, None, :]
    return grads_layers, grads_head
