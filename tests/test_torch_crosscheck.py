"""Forward outputs and gradients against PyTorch, with weights copied in.

Optional: skipped when torch is not importable. ``.ci/run`` installs the
CPU wheel when the machine has it, so CI runs these.
"""

import numpy as np
import pytest

from rnnforecast._core.clipping import clip_by_global_norm
from rnnforecast._core.optimizers import SGD, Adam, RMSprop
from rnnforecast._core.training import predict_logits

from _problems import loss_and_gradient, make_problem

torch = pytest.importorskip("torch")

CONFIGS = [(activation, units, return_sequences, loss)
           for activation in ("tanh", "relu")
           for units in ((3,), (3, 4))
           for return_sequences in (False, True)
           for loss in ("squared_error", "binary_log_loss", "softmax_log_loss")]


def _torch_layer(kind, n_inputs, units, activation, bidirectional):
    options = dict(batch_first=True, dtype=torch.float64, bidirectional=bidirectional)
    if kind == "gru":
        return torch.nn.GRU(n_inputs, units, **options)
    if kind == "lstm":
        return torch.nn.LSTM(n_inputs, units, **options)
    return torch.nn.RNN(n_inputs, units, nonlinearity=activation, **options)


def _suffixes(layer):
    """Our parameter-name prefix and torch's suffix for each direction."""
    return [("", ""), ("reverse.", "_reverse")][:layer.directions]


def _torch_model(step, activation, kind="simple"):
    """``nn.RNN``/``nn.LSTM`` + ``nn.Linear`` holding our weights (bias_hh zero).

    Both use the gate order i, f, g, o and store weights transposed.
    """
    network = step.network
    layers, head = network.split(step.params)
    rnns = []
    for layer, weights in zip(network.layers, layers):
        cell = _torch_layer(kind, layer.n_inputs, layer.units, activation,
                            layer.directions == 2)
        order = _torch_order(kind, layer.units)
        for ours, theirs in _suffixes(layer):
            def copy(name, value):
                with torch.no_grad():
                    getattr(cell, name + theirs).copy_(torch.from_numpy(value.copy()))
            copy("weight_ih_l0", weights[ours + "W_xh"][:, order].T)
            copy("weight_hh_l0", weights[ours + "W_hh"][:, order].T)
            copy("bias_ih_l0", weights[ours + "b_h"][order])
            bias_hh = weights.get(ours + "b_hh")
            copy("bias_hh_l0", np.zeros(len(order)) if bias_hh is None else bias_hh[order])
        rnns.append(cell)
    linear = torch.nn.Linear(network.layers[-1].width, network.n_outputs,
                             dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(head["W_hy"].T.copy()))
        linear.bias.copy_(torch.from_numpy(head["b_y"].copy()))
    return rnns, linear


def _torch_order(kind, units):
    """Our gate columns in torch's order: GRU blocks are (z, r, n) here and
    (r, z, n) in torch; the other cells share torch's order."""
    blocks = {"simple": [0], "lstm": [0, 1, 2, 3], "gru": [1, 0, 2]}[kind]
    return np.concatenate([np.arange(b * units, (b + 1) * units) for b in blocks])


def _torch_loss(logits, targets, weights, loss):
    w = torch.from_numpy(weights)
    if logits.dim() == 3:
        w = w[:, None].expand(logits.shape[:2])
    y = torch.from_numpy(targets)
    if loss == "squared_error":
        per_row = 0.5 * ((logits - y) ** 2).mean(dim=-1)
    elif loss == "binary_log_loss":
        per_row = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, y, reduction="none")[..., 0]
    else:
        per_row = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1).long(),
            reduction="none").reshape(w.shape)
    return (w * per_row).sum() / w.sum()


CELL_CONFIGS = ([("simple",) + config + (False,) for config in CONFIGS] +
                [(kind,) + config + (False,) for kind in ("lstm", "gru")
                 for config in CONFIGS if config[0] == "tanh"] +
                [(kind, "tanh", units, return_sequences, "squared_error", True)
                 for kind in ("simple", "lstm", "gru") for units in ((3,), (3, 4))
                 for return_sequences in (False, True)])


def _last_states(final_state, bidirectional):
    """The top layer's last state of each direction side by side, from
    torch's ``h_n`` (Keras' Bidirectional output without sequences)."""
    h_n = final_state[0] if isinstance(final_state, tuple) else final_state
    return torch.cat([h_n[-2], h_n[-1]], dim=1) if bidirectional else h_n[-1]


@pytest.mark.parametrize("kind,activation,units,return_sequences,loss,bidirectional",
                         CELL_CONFIGS)
def test_matches_torch(kind, activation, units, return_sequences, loss, bidirectional):
    problem = make_problem(activation, units, return_sequences, loss, cell=kind,
                           bidirectional=bidirectional)
    step, X, targets, weights, _, _ = problem
    value, grads = loss_and_gradient(problem)
    rnns, linear = _torch_model(step, activation, kind)
    sequence = torch.from_numpy(X)
    for rnn in rnns:
        sequence, final_state = rnn(sequence)
    top = sequence if return_sequences else _last_states(final_state, bidirectional)
    torch_logits = linear(top)
    torch_loss = _torch_loss(torch_logits, targets, weights, loss)
    torch_loss.backward()
    _check_against_torch(problem, value, grads, torch_logits, torch_loss, rnns,
                         linear, kind)


@pytest.mark.parametrize("kind", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("units,loss,bidirectional", [
    ((3,), "softmax_log_loss", False), ((3, 4), "squared_error", True)])
def test_mean_readout_matches_torch(kind, units, loss, bidirectional):
    # torch's equivalent: the mean of the top layer's output sequence
    # (GlobalAveragePooling1D in Keras) under the linear head.
    problem = make_problem("tanh", units, False, loss, cell=kind,
                           bidirectional=bidirectional, readout="mean")
    value, grads = loss_and_gradient(problem)
    rnns, linear = _torch_model(problem.step, "tanh", kind)
    sequence = torch.from_numpy(problem.X)
    for rnn in rnns:
        sequence, _ = rnn(sequence)
    torch_logits = linear(sequence.mean(dim=1))
    torch_loss = _torch_loss(torch_logits, problem.targets, problem.weights, loss)
    torch_loss.backward()
    _check_against_torch(problem, value, grads, torch_logits, torch_loss, rnns,
                         linear, kind)


def _check_against_torch(problem, value, grads, torch_logits, torch_loss, rnns,
                         linear, kind):
    """Our logits, loss and every gradient against torch's (after
    ``torch_loss.backward()``)."""
    step, X = problem.step, problem.X
    logits = predict_logits(step.network, step.params, X)
    np.testing.assert_allclose(logits, torch_logits.detach().numpy(), rtol=1e-5,
                               atol=1e-10)
    assert value == pytest.approx(torch_loss.item(), rel=1e-5)
    layers, head = step.network.split(grads)
    for ours, rnn, layer in zip(layers, rnns, step.network.layers):
        order = _torch_order(kind, layer.units)
        for prefix, suffix in _suffixes(layer):
            def check(name, value, transpose):
                grad = getattr(rnn, name + suffix).grad.numpy()
                np.testing.assert_allclose(value, grad.T if transpose else grad,
                                           rtol=1e-5, atol=1e-10, err_msg=prefix + name)
            check("weight_ih_l0", ours[prefix + "W_xh"][:, order], True)
            check("weight_hh_l0", ours[prefix + "W_hh"][:, order], True)
            check("bias_ih_l0", ours[prefix + "b_h"][order], False)
            if prefix + "b_hh" in ours:
                check("bias_hh_l0", ours[prefix + "b_hh"][order], False)
    np.testing.assert_allclose(head["W_hy"], linear.weight.grad.numpy().T,
                               rtol=1e-5, atol=1e-10)
    np.testing.assert_allclose(head["b_y"], linear.bias.grad.numpy(),
                               rtol=1e-5, atol=1e-10)


OPTIMIZERS = [
    (Adam, dict(beta_1=0.8, beta_2=0.99, epsilon=1e-6),
     lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6)),
    (RMSprop, dict(rho=0.85, epsilon=1e-6),
     lambda p: torch.optim.RMSprop(p, lr=0.05, alpha=0.85, eps=1e-6)),
    (SGD, dict(momentum=0.7, nesterov=False),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.7)),
    (SGD, dict(momentum=0.7, nesterov=True),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.7, nesterov=True)),
]


@pytest.mark.parametrize("ours,options,theirs", OPTIMIZERS)
def test_optimizer_matches_torch(ours, options, theirs):
    rng = np.random.RandomState(0)
    params = rng.normal(size=7)
    tensor = torch.tensor(params.copy(), requires_grad=True)
    optimizer = ours(7, np.float64, 0.05, **options)
    reference = theirs([tensor])
    for _ in range(6):
        grads = rng.normal(size=7)
        optimizer.update(params, grads)
        tensor.grad = torch.from_numpy(grads.copy())
        reference.step()
    np.testing.assert_allclose(params, tensor.detach().numpy(), rtol=1e-12)


def test_global_norm_clipping_matches_torch():
    rng = np.random.RandomState(1)
    grads = rng.normal(size=11) * 10
    tensor = torch.zeros(11, dtype=torch.float64, requires_grad=True)
    tensor.grad = torch.from_numpy(grads.copy())
    norm = clip_by_global_norm(grads, 1.5)
    torch_norm = torch.nn.utils.clip_grad_norm_([tensor], 1.5)
    assert norm == pytest.approx(torch_norm.item(), rel=1e-12)
    np.testing.assert_allclose(grads, tensor.grad.numpy(), rtol=1e-12)


def test_exponential_smoothing_gradient_matches_torch_autograd():
    from rnnforecast._core.exponential_smoothing import (
        smooth_level_and_season,
        smoothing_gradient,
    )

    rng = np.random.default_rng(3)
    n, season = 30, 4
    y = (40 + np.arange(n)) * (1 + 0.2 * np.sin(np.arange(n) * np.pi / 2)) \
        * np.exp(0.05 * rng.normal(size=n))
    initial, alpha, gamma = rng.uniform(0.8, 1.2, season), 0.3, 0.25
    w_l, w_s = rng.normal(size=n), rng.normal(size=n + season)

    a = torch.tensor(alpha, dtype=torch.float64, requires_grad=True)
    g = torch.tensor(gamma, dtype=torch.float64, requires_grad=True)
    s0 = torch.tensor(initial, requires_grad=True)
    values = torch.tensor(y)
    seasons, levels = list(s0), []
    for t in range(n):
        previous = values[t] / seasons[0] if t == 0 else (
            a * values[t] / seasons[t] + (1 - a) * levels[t - 1])
        levels.append(previous)
        seasons.append(g * values[t] / levels[t] + (1 - g) * seasons[t])
    levels, seasons = torch.stack(levels), torch.stack(seasons)
    loss = (torch.tensor(w_l) * torch.log(levels)).sum() + (torch.tensor(w_s) * seasons**2).sum()
    loss.backward()

    ours_levels, ours_seasons = np.empty(n), np.empty(n + season)
    smooth_level_and_season(y, alpha, gamma, initial, ours_levels, ours_seasons)
    np.testing.assert_allclose(ours_levels, levels.detach().numpy(), rtol=1e-12)
    d_levels, d_seasons = w_l / ours_levels, 2 * w_s * ours_seasons
    d_initial = np.empty(season)
    d_alpha, d_gamma = smoothing_gradient(y, alpha, gamma, ours_levels, ours_seasons,
                                          d_levels, d_seasons, d_initial)
    assert d_alpha == pytest.approx(a.grad.item(), rel=1e-10)
    assert d_gamma == pytest.approx(g.grad.item(), rel=1e-10)
    np.testing.assert_allclose(d_initial, s0.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("kind", ["simple", "lstm", "gru"])
def test_input_gradient_matches_torch(kind):
    """The gradient with respect to the inputs (``input_gradient=True``),
    which an ES-RNN's smoothing learns from, is torch's ``X.grad``."""
    from rnnforecast._core.network import Workspace, WorkspaceOptions
    from rnnforecast._core.training import load_batch, make_loss

    problem = make_problem("tanh", (3, 4), False, "squared_error", cell=kind)
    step, X, targets, weights, _, _ = problem
    network, rows = step.network, np.arange(X.shape[0])
    options = WorkspaceOptions(training=True, target_width=targets.shape[-1],
                               input_gradient=True)
    buffers = Workspace(network, X.shape[1], X.shape[0], np.float64, options).for_batch(
        X.shape[0])
    masks = [(None, None)] * len(network.layers)
    views = network.split(step.params)
    load_batch(network, buffers, X, targets, weights, rows)
    logits = network.forward(views, buffers, masks)
    make_loss({"loss": "squared_error"})(logits, buffers["targets"], buffers["weights"],
                                         float(weights.sum()), buffers["dlogits"])
    network.backward(views, network.split(np.zeros_like(step.params)), buffers, masks,
                     buffers["dlogits"])

    rnns, linear = _torch_model(step, "tanh", kind)
    sequence = torch.from_numpy(X.copy()).requires_grad_(True)
    hidden = sequence
    for rnn in rnns:
        hidden, final_state = rnn(hidden)
    _torch_loss(linear(_last_states(final_state, False)), targets, weights,
                "squared_error").backward()
    np.testing.assert_allclose(buffers["dX"].transpose(1, 0, 2), sequence.grad.numpy(),
                               rtol=1e-9, atol=1e-12)
