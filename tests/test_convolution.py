"""The convolutional kernels (issue 26): Conv1D with "same" padding, batch
normalisation over real steps, ReLU; against obvious NumPy twins, central
finite differences and torch's ``nn.Conv1d`` / ``nn.BatchNorm1d``."""

import warnings

import numpy as np
import pytest

from rnnforecast._core.batch_norm import (
    batch_norm_backward,
    batch_norm_forward,
    batch_norm_predict,
    relu_backward_in_place,
    relu_in_place,
    update_running_statistics,
)
from rnnforecast._core.convolution import conv1d_backward, conv1d_forward, zero_padding_steps

EPS = 1e-5


def _conv(X, W, b, invariant=False, chunk_steps=2):
    """The convolution, its scratch holding ``chunk_steps`` steps' gathered
    inputs: several chunks on the problems here."""
    n_timesteps, batch, _ = X.shape
    Z = np.empty((n_timesteps, batch, W.shape[2]), dtype=X.dtype)
    cols = np.empty(chunk_steps * batch * W.shape[0] * W.shape[1], X.dtype)
    conv1d_forward(X, W, b, Z, cols, invariant)
    return Z


def _conv_gradients(X, W, dZ, chunk_steps=2):
    dX, dW, db = np.empty_like(X), np.empty_like(W), np.empty(W.shape[2], X.dtype)
    cols = np.empty(W.size + chunk_steps * X.shape[1] * W.shape[0] * W.shape[2], X.dtype)
    conv1d_backward(X, W, dZ, dX, dW, db, cols)
    return dX, dW, db


def _conv_twin(X, W, b):
    """Step by step, tap by tap: Z[t] = b + sum_k X[t + k - left] W[k]."""
    left = (W.shape[0] - 1) // 2
    Z = np.zeros((X.shape[0], X.shape[1], W.shape[2])) + b
    for t in range(X.shape[0]):
        for k in range(W.shape[0]):
            if 0 <= t + k - left < X.shape[0]:
                Z[t] += X[t + k - left] @ W[k]
    return Z


def _problem(n_timesteps=9, batch=3, n_in=2, n_out=4, kernel_size=5, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n_timesteps, batch, n_in)),
            rng.normal(size=(kernel_size, n_in, n_out)), rng.normal(size=n_out),
            rng.normal(size=(n_timesteps, batch, n_out)))


def _numerical(loss, array, step=1e-6):
    """Central finite differences of ``loss()`` in every element of ``array``."""
    gradient = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        kept = array[index]
        array[index] = kept + step
        up = loss()
        array[index] = kept - step
        down = loss()
        array[index] = kept
        gradient[index] = (up - down) / (2 * step)
    return gradient


# Two input channels take the narrow loop, six the gathered products.
@pytest.mark.parametrize("n_in", [2, 6])
@pytest.mark.parametrize("kernel_size", [1, 2, 3, 8, 12])
def test_conv_matches_its_numpy_twin_in_both_product_orders(kernel_size, n_in):
    """Even kernels pad one step more on the right; a kernel longer than the
    series reads zeros beyond both ends."""
    X, W, b, _ = _problem(kernel_size=kernel_size, n_in=n_in)
    for chunk_steps in (1, 2, 4, 9):
        np.testing.assert_allclose(_conv(X, W, b, chunk_steps=chunk_steps),
                                   _conv_twin(X, W, b), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(_conv(X, W, b, invariant=True, chunk_steps=chunk_steps),
                                   _conv_twin(X, W, b), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_in", [2, 6])
@pytest.mark.parametrize("kernel_size", [2, 5, 12])
def test_conv_gradients_match_finite_differences(kernel_size, n_in):
    X, W, b, dZ = _problem(kernel_size=kernel_size, n_in=n_in)
    dX, dW, db = _conv_gradients(X, W, dZ)
    for chunk_steps in (1, 4, 9):
        np.testing.assert_allclose(_conv_gradients(X, W, dZ, chunk_steps)[0], dX,
                                   rtol=1e-12, atol=1e-12)

    def loss():
        return float(np.sum(_conv(X, W, b) * dZ))

    for analytic, array in ((dX, X), (dW, W), (db, b)):
        np.testing.assert_allclose(analytic, _numerical(loss, array), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("n_in", [3, 6])
def test_a_prediction_does_not_depend_on_its_batch(n_in):
    X, W, b, _ = _problem(n_timesteps=20, batch=7, n_in=n_in, n_out=5)
    together = _conv(X, W, b, invariant=True)
    for s in range(X.shape[1]):
        alone = _conv(np.ascontiguousarray(X[:, s:s + 1]), W, b, invariant=True)
        np.testing.assert_array_equal(alone[:, 0], together[:, s])


@pytest.mark.parametrize("n_in", [2, 6])
def test_a_padded_sequence_gives_what_it_gives_alone(n_in):
    """A short sequence sits at the end of the batch's steps, after padding
    of any value that ``zero_padding_steps`` zeroes: its outputs at its real
    steps are those of the sequence alone."""
    X, W, b, _ = _problem(n_timesteps=12, batch=2, n_in=n_in)
    starts = np.array([0, 5])
    X[:5, 1] = 1e3   # padding that must not leak
    zeroed = np.empty_like(X)
    zero_padding_steps(X, starts, zeroed)
    alone = _conv(np.ascontiguousarray(X[5:, 1:2]), W, b, invariant=True)
    np.testing.assert_array_equal(_conv(zeroed, W, b, invariant=True)[5:, 1], alone[:, 0])
    np.testing.assert_array_equal(zeroed[:5, 1], 0.0)


def test_float32_convolution_stays_close_to_float64():
    X, W, b, _ = _problem()
    single = _conv(*(a.astype(np.float32) for a in (X, W, b)))
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, _conv(X, W, b), rtol=1e-5, atol=1e-5)


def _real(starts, n_timesteps, batch):
    return np.array([[t >= starts[s] for s in range(batch)] for t in range(n_timesteps)])


NO_WEIGHTS = np.zeros(0)


def _normalised(Z, starts, gamma, beta, weights=NO_WEIGHTS):
    Zhat, statistics, Y = np.empty_like(Z), np.empty((3, Z.shape[2])), np.empty_like(Z)
    batch_norm_forward(Z, starts, weights, gamma, beta, EPS, Zhat, statistics, Y)
    return Zhat, statistics, Y


@pytest.mark.parametrize("starts", [np.zeros(0, dtype=np.intp), np.array([0, 2, 6])])
def test_batch_norm_normalises_over_real_steps_only(starts):
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(7, 3, 4)) * 3 + 2
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    _, statistics, Y = _normalised(Z, starts, gamma, beta)
    real = _real(starts, 7, 3) if starts.size else np.ones((7, 3), bool)
    values = Z[real]
    twin = gamma * (Z - values.mean(0)) / np.sqrt(values.var(0) + EPS) + beta
    np.testing.assert_allclose(Y, np.where(real[..., None], twin, 0.0), rtol=1e-12,
                               atol=1e-12)
    running = np.vstack([np.zeros(4), np.ones(4)])
    update_running_statistics(running, statistics, 21.0 - starts.sum(), 0.1)
    np.testing.assert_allclose(running[0], 0.1 * values.mean(0), rtol=1e-12)
    np.testing.assert_allclose(running[1], 0.9 + 0.1 * values.var(0, ddof=1), rtol=1e-10)
    predicted = np.empty_like(Z)
    batch_norm_predict(Z, starts, running, gamma, beta, EPS, predicted)
    twin = gamma * (Z - running[0]) / np.sqrt(running[1] + EPS) + beta
    np.testing.assert_allclose(predicted, np.where(real[..., None], twin, 0.0), rtol=1e-12,
                               atol=1e-12)


@pytest.mark.parametrize("weights", [NO_WEIGHTS, np.array([0.5, 2.0, 1.5])])
def test_batch_norm_gradients_match_finite_differences_with_padding(weights):
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(6, 3, 2)) * 2 + 1
    gamma, beta, dY = rng.normal(size=2), rng.normal(size=2), rng.normal(size=Z.shape)
    starts = np.array([0, 1, 4])
    Zhat, statistics, _ = _normalised(Z, starts, gamma, beta, weights)
    dZ, dgamma, dbeta = np.empty_like(Z), np.empty(2), np.empty(2)
    batch_norm_backward(dY, Zhat, starts, weights, statistics, gamma, dZ, dgamma, dbeta)

    def loss():
        return float(np.sum(_normalised(Z, starts, gamma, beta, weights)[2] * dY))

    for analytic, array in ((dZ, Z), (dgamma, gamma), (dbeta, beta)):
        np.testing.assert_allclose(analytic, _numerical(loss, array), rtol=1e-6, atol=1e-7)
    assert not dZ[~_real(starts, 6, 3)].any()


def test_a_sample_weight_counts_as_that_many_copies_of_the_sequence():
    """Statistics with weights (2, 1) equal those of the first sequence
    twice and the second once: scikit-learn's reading of sample weights."""
    rng = np.random.default_rng(7)
    Z = rng.normal(size=(5, 2, 3))
    gamma, beta = np.ones(3), np.zeros(3)
    starts = np.array([1, 0])
    _, weighted, Y = _normalised(Z, starts, gamma, beta, np.array([2.0, 1.0]))
    repeated = np.ascontiguousarray(Z[:, [0, 0, 1]])
    _, copies, Y_copies = _normalised(repeated, starts[[0, 0, 1]], gamma, beta)
    np.testing.assert_allclose(weighted, copies, rtol=1e-12)
    np.testing.assert_allclose(Y, Y_copies[:, [0, 2]], rtol=1e-12, atol=1e-12)


def test_relu_and_its_gradient_read_from_the_output():
    Y = np.array([[[-1.0, 0.0, 2.0]]])
    dY = np.ones_like(Y)
    relu_in_place(Y)
    relu_backward_in_place(dY, Y)
    np.testing.assert_array_equal(Y, [[[0.0, 0.0, 2.0]]])
    np.testing.assert_array_equal(dY, [[[0.0, 0.0, 1.0]]])


@pytest.mark.parametrize("n_in", [3, 6])
def test_conv_and_batch_norm_match_torch(n_in):
    """A Conv1d(padding="same") + BatchNorm1d (training mode) + ReLU block:
    outputs, every gradient and the running statistics."""
    torch = pytest.importorskip("torch")
    X, W, b, dY = _problem(n_timesteps=11, batch=4, n_in=n_in, n_out=5, kernel_size=8)
    rng = np.random.default_rng(3)
    gamma, beta = rng.normal(size=5), rng.normal(size=5)

    conv = torch.nn.Conv1d(n_in, 5, 8, padding="same", dtype=torch.float64)
    norm = torch.nn.BatchNorm1d(5, eps=EPS, momentum=0.1, dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(W.transpose(2, 1, 0).copy()))  # (out, in, K)
        conv.bias.copy_(torch.from_numpy(b))
        norm.weight.copy_(torch.from_numpy(gamma))
        norm.bias.copy_(torch.from_numpy(beta))
    inputs = torch.from_numpy(X.transpose(1, 2, 0).copy()).requires_grad_()  # (batch, C, T)
    with warnings.catch_warnings():
        # torch notes that an even kernel makes it pad a copy; nothing to fix here.
        warnings.filterwarnings("ignore", message="Using padding='same' with even kernel")
        output = torch.relu(norm(conv(inputs)))
    output.backward(torch.from_numpy(dY.transpose(1, 2, 0).copy()))

    starts = np.zeros(0, dtype=np.intp)
    Z = _conv(X, W, b)
    Zhat, statistics, Y = _normalised(Z, starts, gamma, beta)
    relu_in_place(Y)
    np.testing.assert_allclose(Y, output.detach().numpy().transpose(2, 0, 1), rtol=1e-10,
                               atol=1e-12)
    dZhat = dY.copy()
    relu_backward_in_place(dZhat, Y)
    dZ, dgamma, dbeta = np.empty_like(Z), np.empty(5), np.empty(5)
    batch_norm_backward(dZhat, Zhat, starts, NO_WEIGHTS, statistics, gamma, dZ, dgamma,
                        dbeta)
    dX, dW, db = _conv_gradients(X, W, dZ)
    for ours, theirs in ((dX, inputs.grad.numpy().transpose(2, 0, 1)),
                         (dW, conv.weight.grad.numpy().transpose(2, 1, 0)),
                         (db, conv.bias.grad.numpy()), (dgamma, norm.weight.grad.numpy()),
                         (dbeta, norm.bias.grad.numpy())):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-11)
    running = np.vstack([np.zeros(5), np.ones(5)])
    update_running_statistics(running, statistics, 11 * 4, 0.1)
    np.testing.assert_allclose(running[0], norm.running_mean.numpy(), rtol=1e-10)
    np.testing.assert_allclose(running[1], norm.running_var.numpy(), rtol=1e-10)


def _arm_problem(filters=(4, 6, 3), kernel_sizes=(5, 3, 2), n_timesteps=10, batch=3,
                 n_features=2, seed=4):
    from rnnforecast._core.convolutional_arm import ConvolutionalArm
    from rnnforecast._core.parameters import ParameterLayout

    arm = ConvolutionalArm(n_features, filters, kernel_sizes)
    layout = ParameterLayout(arm.parameter_entries())
    rng = np.random.RandomState(seed)
    params = np.zeros(layout.size)
    weights = layout.views(params)
    arm.initialize(weights, rng)
    for name, array in weights.items():   # gamma and beta away from 1 and 0
        if not name.endswith("running"):
            array += rng.normal(scale=0.3, size=array.shape)
    X = rng.normal(size=(n_timesteps, batch, n_features))
    return arm, layout, params, weights, X


def _arm_buffers(arm, X, training=True):
    return {name: np.zeros(shape) for name, shape in
            arm.buffer_shapes(X.shape[0], X.shape[1], training).items()}


@pytest.mark.parametrize("starts", [np.zeros(0, dtype=np.intp), np.array([0, 3, 7])])
def test_the_arm_gradients_match_finite_differences(starts):
    arm, layout, params, weights, X = _arm_problem()
    d_pooled = np.random.default_rng(5).normal(size=(3, arm.width))
    buffers = _arm_buffers(arm, X)

    def loss():
        pooled = arm.forward(weights, X, starts, buffers, True, False)
        return float(np.sum(pooled * d_pooled))

    loss()
    gradient = np.zeros_like(params)
    arm.backward(weights, layout.views(gradient), d_pooled, starts, buffers)
    np.testing.assert_allclose(gradient, _numerical(loss, params), rtol=1e-5, atol=1e-7)


def test_a_predicting_arm_ignores_padding_and_the_batch():
    """With running statistics a sequence's output is its own: alone, or
    padded in a batch of others, bit for bit."""
    arm, _, _, weights, X = _arm_problem()
    starts = np.array([0, 4, 0])
    X[:4, 1] = 50.0
    pooled = arm.forward(weights, X, starts, _arm_buffers(arm, X, False),
                         False, True).copy()
    alone = np.ascontiguousarray(X[4:, 1:2])
    single = arm.forward(weights, alone, np.zeros(0, dtype=np.intp),
                         _arm_buffers(arm, alone, False), False, True)
    np.testing.assert_array_equal(pooled[1], single[0])


def test_the_arm_matches_torch_blocks_and_global_average_pooling():
    """Three Conv1d(bias=False) + BatchNorm1d + ReLU blocks and the mean over
    time, in training mode: output, every gradient, running statistics."""
    torch = pytest.importorskip("torch")
    arm, layout, params, weights, X = _arm_problem(
        filters=(8, 16, 8), kernel_sizes=(8, 5, 3), n_timesteps=15, batch=4)
    d_pooled = np.random.default_rng(6).normal(size=(4, arm.width))
    blocks = []
    for i, (n_in, n_out, size) in enumerate(zip(arm.channels_in, arm.filters,
                                                arm.kernel_sizes)):
        conv = torch.nn.Conv1d(n_in, n_out, size, padding="same", bias=False,
                               dtype=torch.float64)
        norm = torch.nn.BatchNorm1d(n_out, dtype=torch.float64)
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(weights[f"{i}.W"].transpose(2, 1, 0).copy()))
            norm.weight.copy_(torch.from_numpy(weights[f"{i}.gamma"].copy()))
            norm.bias.copy_(torch.from_numpy(weights[f"{i}.beta"].copy()))
        blocks += [conv, norm, torch.nn.ReLU()]
    inputs = torch.from_numpy(X.transpose(1, 2, 0).copy())
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using padding='same' with even kernel")
        pooled = torch.nn.Sequential(*blocks)(inputs).mean(dim=2)
    pooled.backward(torch.from_numpy(d_pooled))

    starts = np.zeros(0, dtype=np.intp)
    buffers = _arm_buffers(arm, X)
    ours = arm.forward(weights, X, starts, buffers, True, False)
    np.testing.assert_allclose(ours, pooled.detach().numpy(), rtol=1e-10, atol=1e-12)
    grads = layout.views(np.zeros_like(params))
    arm.backward(weights, grads, d_pooled, starts, buffers)
    before = params.copy()
    arm.update_running(weights, starts, buffers)
    for i in range(3):
        conv, norm = blocks[3 * i], blocks[3 * i + 1]
        np.testing.assert_allclose(grads[f"{i}.W"], conv.weight.grad.numpy().transpose(2, 1, 0),
                                   rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(grads[f"{i}.gamma"], norm.weight.grad.numpy(), rtol=1e-9,
                                   atol=1e-11)
        np.testing.assert_allclose(grads[f"{i}.beta"], norm.bias.grad.numpy(), rtol=1e-9,
                                   atol=1e-11)
        assert not grads[f"{i}.running"].any()
        assert not np.array_equal(weights[f"{i}.running"], layout.views(before)[f"{i}.running"])
        np.testing.assert_allclose(weights[f"{i}.running"],
                                   np.vstack([norm.running_mean.numpy(),
                                              norm.running_var.numpy()]), rtol=1e-10)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("shuffle,variable_length", [
    (True, False), (True, True), (False, True), (False, False)])
def test_an_lstm_fcn_network_gradient_matches_finite_differences(cell, shuffle,
                                                                 variable_length):
    """The arm beside recurrent layers (the series dimension-shuffled or
    not), padded batches or not."""
    from test_gradients import _check_against_finite_differences

    from _problems import make_problem

    problem = make_problem("tanh", (3,), False, "softmax_log_loss", cell=cell,
                           variable_length=variable_length, n_shards=1,
                           conv=((4, 3), (3, 2)), shuffle=shuffle)
    # ReLU's kinks: a generic point sits on very few of them.
    _check_against_finite_differences(problem, smooth=False)
    grads = problem.step.network.split(problem.step.grads)[1]["conv"]
    assert not any(grads[name].any() for name in grads if name.endswith("running"))


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_training_step_moves_running_statistics_by_the_batch_alone(optimizer):
    """The running statistics move by the momentum update towards the
    batch's statistics, and the optimizer never moves them (their gradient
    is zero); a network with an arm is never cut into shards."""
    from rnnforecast._core.batch_norm import weighted_step_count
    from rnnforecast._core.optimizers import SGD, Adam
    from rnnforecast._core.training import shard_count

    from _problems import N_SAMPLES, make_problem

    problem = make_problem("tanh", (3,), False, "softmax_log_loss", cell="lstm",
                           variable_length=True, n_shards=1, conv=((4, 3), (3, 2)),
                           shuffle=True)
    step, network = problem.step, problem.step.network
    step.optimizer = (Adam if optimizer == "adam" else SGD)(step.params.size,
                                                             step.params.dtype, 0.01)
    running = {name: view for name, view in network.split(step.params)[1]["conv"].items()
               if name.endswith("running")}
    before = {name: view.copy() for name, view in running.items()}
    step.run(problem.X, problem.targets, problem.weights, np.arange(N_SAMPLES),
             problem.starts)
    buffers = step.shards[0].buffers
    count = weighted_step_count(problem.starts, problem.weights, problem.X.shape[1],
                                N_SAMPLES)
    for i in range(2):
        statistics = buffers.arm[f"statistics{i}"]
        expected = 0.9 * before[f"{i}.running"] + 0.1 * np.vstack(
            [statistics[0], statistics[1] * count / (count - 1)])
        np.testing.assert_allclose(running[f"{i}.running"], expected, rtol=1e-12)
    assert shard_count(network, 1000, 512) == 1
    with pytest.raises(ValueError, match="one shard"):
        make_problem("tanh", (3,), False, "softmax_log_loss", n_shards=2,
                     conv=((4, 3), (3, 2)))


def test_an_lstm_fcn_prediction_ignores_padding_and_the_batch():
    from rnnforecast._core.training import predict_logits

    from _problems import make_problem

    problem = make_problem("tanh", (3,), False, "softmax_log_loss", cell="lstm",
                           variable_length=True, n_shards=1, conv=((4, 3), (3, 2)),
                           shuffle=True)
    network, params = problem.step.network, problem.step.params
    X, starts = problem.X.copy(), problem.starts
    together = predict_logits(network, params, X, starts)
    X[0, :starts[0]] = 99.0   # padding of any value
    np.testing.assert_array_equal(predict_logits(network, params, X, starts), together)
    for i in range(X.shape[0]):
        alone = predict_logits(network, params, X[i:i + 1], starts[i:i + 1])
        np.testing.assert_array_equal(alone[0], together[i])
