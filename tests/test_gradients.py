"""BPTT gradients against central finite differences and a NumPy twin."""

from itertools import product

import numpy as np
import pytest

from rnnforecast._core.losses import LOSSES
from rnnforecast._core.training import TrainingStep, predict_logits

import reference
from _problems import loss_and_gradient, make_problem

CONFIGS = list(product(["tanh", "relu"], [(3,), (3, 4)], [False, True],
                       ["squared_error", "binary_log_loss", "softmax_log_loss"]))
# The step that balances truncation error (~EPS**2) against rounding error
# (~1e-16 / EPS) of central differences in float64: cbrt(2.2e-16) ~ 6e-6.
EPS = 6e-6


def _relative_error(a, b):
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return np.linalg.norm(a - b) / scale if scale > 0 else 0.0


def _finite_differences(problem):
    """Central differences of the loss; NaN where the step straddles a kink.

    relu is not differentiable at 0. Where the forward and backward one-sided
    differences disagree by far more than curvature explains (a smooth loss
    gives a gap of about EPS * f''), the point sits on a kink, where no
    derivative exists to compare with; such coordinates are marked NaN.
    """
    step = problem[0]
    base, _ = loss_and_gradient(problem)
    numeric = np.empty_like(step.params)
    for i in range(step.params.shape[0]):
        original = step.params[i]
        step.params[i] = original + EPS
        plus, _ = loss_and_gradient(problem)
        step.params[i] = original - EPS
        minus, _ = loss_and_gradient(problem)
        step.params[i] = original
        forward, backward = (plus - base) / EPS, (base - minus) / EPS
        kink = abs(forward - backward) > 1e-2 * (abs(forward + backward) / 2 + 1e-3)
        numeric[i] = np.nan if kink else (plus - minus) / (2 * EPS)
    return numeric


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("dropout", [False, True])
@pytest.mark.parametrize("activation,units,return_sequences,loss", CONFIGS)
def test_gradient_matches_finite_differences(activation, units,
                                             return_sequences, loss, dropout, cell):
    problem = make_problem(activation, units, return_sequences, loss,
                           dropout=dropout, alpha=0.01, cell=cell)
    _check_against_finite_differences(problem, smooth=activation == "tanh")


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("units,return_sequences", [((3,), False), ((3, 4), True)])
def test_hard_sigmoid_gates_match_finite_differences(units, return_sequences, cell):
    problem = make_problem("tanh", units, return_sequences, "squared_error",
                           cell=cell, recurrent_activation="hard_sigmoid")
    _check_against_finite_differences(problem, smooth=False)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_small_problem_matches_finite_differences_and_numpy_twin(cell):
    """One small problem per cell, with dropout and two layers: the run
    ``NUMBA_DISABLE_JIT=1 pytest tests/test_gradients.py -k small`` checks
    the kernels as plain Python (``tests/test_jit_off.py``)."""
    problem = make_problem("tanh", (3, 2), False, "squared_error", dropout=True,
                           cell=cell)
    _check_against_finite_differences(problem, smooth=True)
    _check_against_reference(problem, "tanh", False, "squared_error", cell)


def _check_against_finite_differences(problem, smooth):
    _, analytic = loss_and_gradient(problem)
    numeric = _finite_differences(problem)
    kinks = np.isnan(numeric)
    # Only relu and hard sigmoid have kinks, and a generic point sits on
    # very few of them.
    assert kinks.sum() <= (0 if smooth else 0.01 * kinks.size)
    layout = problem[0].network.layout
    for name in layout.names:
        usable = ~layout.view(kinks, name)
        error = _relative_error(layout.view(analytic, name)[usable],
                                layout.view(numeric, name)[usable])
        assert error < 1e-6, (name, error)


def _reference_loss_gradient(logits, targets, weights, loss):
    """dL/dlogits of the weighted mean loss, written out in NumPy."""
    width = logits.shape[-1]
    rows = logits.reshape(-1, width)
    y = targets.reshape(rows.shape[0], -1)
    per_sample = weights.reshape((-1,) + (1,) * (targets.ndim - 2))
    w = np.broadcast_to(per_sample, targets.shape[:-1]).reshape(-1)
    if loss == "squared_error":
        per_row = 0.5 * ((rows - y) ** 2).mean(axis=1)
        d = (rows - y) / width
    elif loss == "binary_log_loss":
        p = 1 / (1 + np.exp(-rows))
        per_row = -(y * np.log(p) + (1 - y) * np.log(1 - p))[:, 0]
        d = p - y
    else:
        e = np.exp(rows - rows.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        onehot = np.eye(width)[y[:, 0].astype(int)]
        per_row = -np.log((p * onehot).sum(axis=1))
        d = p - onehot
    value = (w * per_row).sum() / w.sum()
    return value, (w[:, None] * d / w.sum()).reshape(logits.shape)


def _check_against_reference(problem, activation, return_sequences, loss, cell):
    step, X, targets, weights, masks, _ = problem
    value, analytic = loss_and_gradient(problem)
    layers, head = step.network.split(step.params)
    n = X.shape[0]
    ref_masks = [(np.ones((n, c.n_inputs)) if m is None else m,
                  np.ones((n, c.units)) if r is None else r)
                 for (m, r), c in zip(masks, step.network.layers)]
    logits, cache = reference.forward(layers, head, X, activation,
                                      return_sequences, ref_masks, cell)
    ref_value, dlogits = _reference_loss_gradient(logits, targets, weights, loss)
    ref_layers, ref_head = reference.backward(layers, head, cache, dlogits,
                                              activation, return_sequences,
                                              ref_masks, cell)
    assert value == pytest.approx(ref_value, rel=1e-12)
    grad_layers, grad_head = step.network.split(analytic)
    for ours, theirs in zip(grad_layers + [grad_head], ref_layers + [ref_head]):
        for name in theirs:
            np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-10,
                                       atol=1e-13, err_msg=name)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("n_shards", [1, 2])
@pytest.mark.parametrize("dropout", [False, True])
@pytest.mark.parametrize("activation,units,return_sequences,loss", CONFIGS)
def test_kernels_match_numpy_reference(activation, units, return_sequences,
                                       loss, dropout, n_shards, cell):
    problem = make_problem(activation, units, return_sequences, loss,
                           dropout=dropout, n_shards=n_shards, cell=cell)
    _check_against_reference(problem, activation, return_sequences, loss, cell)


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_loss_of_zero_weight_batch_is_zero(loss):
    width = 1 if loss == "binary_log_loss" else 2
    logits = np.ones((3, width))
    targets = np.zeros((3, width))
    dlogits = np.full((3, width), np.nan)
    assert LOSSES[loss](logits, targets, np.zeros(3), 0.0, dlogits) == 0.0
    assert not dlogits.any()


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("dropout", [False, True])
@pytest.mark.parametrize("units,return_sequences,loss", [
    ((3,), False, "squared_error"), ((3, 4), False, "softmax_log_loss"),
    ((3,), True, "binary_log_loss"), ((3, 4), True, "squared_error")])
def test_padded_batch_gradient_matches_finite_differences(units, return_sequences,
                                                          loss, dropout, cell):
    problem = make_problem("tanh", units, return_sequences, loss, dropout=dropout,
                           alpha=0.01, cell=cell, variable_length=True)
    _, analytic = loss_and_gradient(problem)
    numeric = _finite_differences(problem)
    assert not np.isnan(numeric).any()
    assert _relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_padding_values_change_nothing(cell, return_sequences):
    problem = make_problem("tanh", (3, 4), return_sequences, "squared_error",
                           dropout=True, cell=cell, variable_length=True)
    loss, grads = loss_and_gradient(problem)
    padding = np.arange(problem.X.shape[1]) < problem.starts[:, None]
    problem.X[padding] = 1e3
    if return_sequences:
        problem.targets[padding] = -1e3
    padded_loss, padded_grads = loss_and_gradient(problem)
    assert padded_loss == loss
    np.testing.assert_array_equal(padded_grads, grads)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("dropout,variable_length", [(False, False), (True, True)])
@pytest.mark.parametrize("units,return_sequences,loss", [
    ((3,), False, "squared_error"), ((3, 4), False, "binary_log_loss"),
    ((3, 4), True, "softmax_log_loss")])
def test_bidirectional_gradient_matches_finite_differences(
        units, return_sequences, loss, dropout, variable_length, cell):
    problem = make_problem("tanh", units, return_sequences, loss, dropout=dropout,
                           alpha=0.01, cell=cell, variable_length=variable_length,
                           bidirectional=True)
    _, analytic = loss_and_gradient(problem)
    numeric = _finite_differences(problem)
    assert not np.isnan(numeric).any()
    assert _relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("dropout,variable_length,bidirectional", [
    (False, False, False), (True, True, False), (True, False, True)])
def test_embedding_gradient_matches_finite_differences(dropout, variable_length,
                                                       bidirectional, cell):
    problem = make_problem("tanh", (3, 4), False, "softmax_log_loss", dropout=dropout,
                           alpha=0.01, cell=cell, variable_length=variable_length,
                           bidirectional=bidirectional, n_tokens=6)
    _, analytic = loss_and_gradient(problem)
    numeric = _finite_differences(problem)
    table = problem.step.network.layout.view(analytic, "embedding")
    assert np.abs(table).sum() > 0
    assert _relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("units", [(3,), (3, 4)])
def test_truncated_bptt_equals_backprop_through_the_last_chunk(units, cell):
    """With the loss on the last step, truncating after k steps gives the
    full gradient of the last k steps run from the state before them, that
    state held constant."""
    k = 2
    problem = make_problem("tanh", units, False, "squared_error", cell=cell,
                           n_shards=1, truncate=k)
    _, truncated = loss_and_gradient(problem)
    network, params = problem.step.network, problem.step.params
    head, tail = problem.X[:, :-k], np.ascontiguousarray(problem.X[:, -k:])
    state = [np.empty((head.shape[0], size)) for _, size in network.state_names()]
    predict_logits(network, params, np.ascontiguousarray(head), final_state=state)
    settings = dict(problem.step.settings, truncated_bptt=None)
    step = TrainingStep(network, params, None, settings, None, k, head.shape[0],
                        problem.targets.shape[-1])
    buffers = step.shards[0].workspace.for_batch(head.shape[0])
    for (initial, _), value in zip(network.state_buffers(buffers), state):
        initial[...] = value
    step.gradient(tail, problem.targets, problem.weights, np.arange(head.shape[0]),
                  problem.masks)
    np.testing.assert_allclose(truncated, step.grads, rtol=1e-10, atol=1e-13)
    _, full = loss_and_gradient(problem._replace(step=_untruncated(problem)))
    assert not np.allclose(full, truncated)


def _untruncated(problem):
    step = problem.step
    return TrainingStep(step.network, step.params, None,
                        dict(step.settings, truncated_bptt=None), None,
                        problem.X.shape[1], problem.X.shape[0], problem.targets.shape[-1])


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("dropout,variable_length,bidirectional", [
    (False, False, False), (True, True, False), (False, False, True),
    (True, True, True)])
@pytest.mark.parametrize("units,loss", [((3,), "softmax_log_loss"),
                                        ((3, 4), "squared_error")])
def test_mean_readout_gradient_matches_finite_differences(
        units, loss, dropout, variable_length, bidirectional, cell):
    problem = make_problem("tanh", units, False, loss, dropout=dropout, alpha=0.01,
                           cell=cell, variable_length=variable_length,
                           bidirectional=bidirectional, readout="mean")
    _, analytic = loss_and_gradient(problem)
    numeric = _finite_differences(problem)
    assert not np.isnan(numeric).any()
    assert _relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_mean_readout_ignores_padding(cell):
    problem = make_problem("tanh", (3, 4), False, "softmax_log_loss", dropout=True,
                           cell=cell, variable_length=True, bidirectional=True,
                           readout="mean")
    loss, grads = loss_and_gradient(problem)
    padding = np.arange(problem.X.shape[1]) < problem.starts[:, None]
    problem.X[padding] = 1e3
    padded_loss, padded_grads = loss_and_gradient(problem)
    assert padded_loss == loss
    np.testing.assert_array_equal(padded_grads, grads)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_mean_readout_is_the_mean_of_per_step_outputs(cell):
    # The head is affine, so the head of the mean state is the mean of the
    # per-step heads, over each sequence's real steps only.
    per_step = make_problem("tanh", (3, 4), True, "squared_error", cell=cell,
                            variable_length=True)
    pooled = make_problem("tanh", (3, 4), False, "squared_error", cell=cell,
                          variable_length=True, readout="mean")
    params, X, starts = per_step.step.params, per_step.X, per_step.starts
    steps = predict_logits(per_step.step.network, params, X, starts)
    real = np.arange(X.shape[1]) >= starts[:, None]
    expected = (steps * real[:, :, None]).sum(axis=1) / real.sum(axis=1)[:, None]
    logits = predict_logits(pooled.step.network, params, X, starts)
    np.testing.assert_allclose(logits, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("units", [(3,), (3, 4)])
def test_input_gradient_matches_finite_differences(cell, units):
    """``WorkspaceOptions(input_gradient=True)``: ``backward`` writes the
    loss's gradient with respect to every input value, what a model that
    makes the inputs (an ES-RNN's smoothing) learns from."""
    from rnnforecast._core.network import RecurrentNetwork, Workspace, WorkspaceOptions
    from rnnforecast._core.training import load_batch, make_loss

    rng = np.random.RandomState(0)
    network = RecurrentNetwork(2, units, 3, "tanh", False, cell)
    params = rng.normal(scale=0.5, size=network.layout.size)
    X = rng.normal(size=(5, 4, 2))
    targets, weights = rng.normal(size=(5, 3)), np.ones(5)
    loss = make_loss({"loss": "squared_error"})
    options = WorkspaceOptions(training=True, target_width=3, input_gradient=True)
    workspace = Workspace(network, 4, 5, np.float64, options)
    views, grads = network.split(params), network.split(np.zeros_like(params))
    masks = [(None, None)] * len(network.layers)
    rows = np.arange(5)

    def value(X):
        buffers = workspace.for_batch(5)
        load_batch(network, buffers, X, targets, weights, rows)
        logits = network.forward(views, buffers, masks)
        return loss(logits, buffers["targets"], buffers["weights"], 5.0,
                    buffers["dlogits"]), buffers

    _, buffers = value(X)
    network.backward(views, grads, buffers, masks, buffers["dlogits"])
    analytic = buffers["dX"].transpose(1, 0, 2).copy()   # time-major -> samples first
    numeric = np.empty_like(X)
    for index in np.ndindex(X.shape):
        shifted = X.copy()
        shifted[index] += EPS
        plus = value(shifted)[0]
        shifted[index] -= 2 * EPS
        numeric[index] = (plus - value(shifted)[0]) / (2 * EPS)
    assert _relative_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize("cell", ["simple", "lstm"])
@pytest.mark.parametrize("readout,bidirectional,n_shards", [
    ("last", False, 2), ("mean", False, 1), ("last", True, 2)])
def test_readout_dropout_gradient_matches_finite_differences(cell, readout, bidirectional,
                                                             n_shards):
    """A fixed mask over what the head reads of the recurrent layers."""
    problem = make_problem("tanh", (3, 4), False, "softmax_log_loss", cell=cell,
                           readout=readout, bidirectional=bidirectional,
                           n_shards=n_shards, readout_dropout=True)
    _check_against_finite_differences(problem, smooth=True)
    mask = problem.masks[-1][0]
    assert (mask == 0).any() and (mask > 0).any()
    # The mask reaches the loss: without it the gradient differs.
    plain = problem._replace(masks=problem.masks[:-1])
    assert not np.allclose(loss_and_gradient(plain)[1], loss_and_gradient(problem)[1])


def test_readout_dropout_beside_a_convolutional_arm_matches_finite_differences():
    """LSTM-FCN's dropout: on the shuffled LSTM's readout, not on the arm."""
    problem = make_problem("tanh", (3,), False, "softmax_log_loss", cell="lstm",
                           n_shards=1, conv=((4, 3), (3, 2)), shuffle=True,
                           readout_dropout=True)
    _check_against_finite_differences(problem, smooth=False)
