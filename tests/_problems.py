"""Small fixed problems shared by the kernel tests."""

from collections import namedtuple

import numpy as np

from rnnforecast._core.network import RecurrentNetwork
from rnnforecast._core.training import TrainingStep

N_SAMPLES, N_TIMESTEPS, N_FEATURES = 5, 4, 2
HEAD_WIDTH = {"squared_error": 2, "binary_log_loss": 1, "softmax_log_loss": 3}

Problem = namedtuple("Problem", "step X targets weights masks starts")


def make_problem(activation, units, return_sequences, loss, dropout=False,
                 alpha=0.0, dtype=np.float64, seed=0, n_shards=2, cell="simple",
                 variable_length=False, bidirectional=False, n_tokens=None,
                 truncate=None, recurrent_activation="sigmoid", readout="last",
                 conv=None, shuffle=False, readout_dropout=False):
    """Return a ``Problem`` for one configuration.

    Parameters are drawn at random (biases too), so every gradient term is
    exercised; ``dropout`` draws fixed input and recurrent masks; the batch
    is cut into ``n_shards`` shards whose gradients are summed;
    ``variable_length`` pads each sequence in front by a random number of
    steps (``starts``), always leaving at least one real step;
    ``bidirectional`` makes every layer read both ways; ``n_tokens``
    makes the input token ids below it, embedded in ``N_FEATURES``
    dimensions; ``truncate`` is ``truncated_bptt``; ``readout`` is what the
    head reads without ``return_sequences``; ``conv`` the (filters,
    kernel_sizes) of a convolutional arm and ``shuffle`` the recurrent
    layers' dimension shuffle (LSTM-FCN); ``readout_dropout`` draws a
    fixed mask over what the head reads of the recurrent layers.
    """
    rng = np.random.RandomState(seed)
    width = HEAD_WIDTH[loss]
    network = RecurrentNetwork(N_FEATURES, units, width, activation,
                               return_sequences, cell, bidirectional, n_tokens,
                               dict(recurrent_activation=recurrent_activation),
                               readout, conv, N_TIMESTEPS if shuffle else None)
    params = rng.normal(scale=0.5, size=network.layout.size).astype(dtype)
    if conv is not None:   # running variances must be positive
        for name, view in network.split(params)[1]["conv"].items():
            if name.endswith("running"):
                view[1] = rng.uniform(0.5, 2.0, size=view.shape[1])
    if n_tokens is None:
        X = rng.normal(size=(N_SAMPLES, N_TIMESTEPS, N_FEATURES)).astype(dtype)
    else:
        X = rng.randint(0, n_tokens, size=(N_SAMPLES, N_TIMESTEPS, 1)).astype(np.intp)
    shape = (N_SAMPLES, N_TIMESTEPS) if return_sequences else (N_SAMPLES,)
    if loss == "squared_error":
        targets = rng.normal(size=shape + (width,))
    elif loss == "binary_log_loss":
        targets = rng.randint(0, 2, size=shape + (1,)).astype(float)
    else:
        targets = rng.randint(0, width, size=shape + (1,)).astype(float)
    targets = targets.astype(dtype)
    weights = rng.uniform(0.5, 2.0, size=N_SAMPLES).astype(dtype)
    rate = 0.3 if dropout else 0.0
    settings = {"loss": loss, "alpha": alpha, "clipnorm": None,
                "clipvalue": None, "dropout": rate, "recurrent_dropout": rate,
                "truncated_bptt": truncate, "readout_dropout": 0.5 if readout_dropout else 0.0}
    step = TrainingStep(network, params, None, settings, rng, N_TIMESTEPS,
                        N_SAMPLES, targets.shape[-1], n_shards=n_shards,
                        variable_length=variable_length)
    masks = []
    for layer in network.layers:
        if dropout:
            keep_in = rng.uniform(size=(N_SAMPLES, layer.n_inputs)) > rate
            shape = (N_SAMPLES, layer.units)
            if layer.directions == 2:
                shape = (2,) + shape
            keep_rec = rng.uniform(size=shape) > rate
            masks.append(((keep_in / (1 - rate)).astype(dtype),
                          (keep_rec / (1 - rate)).astype(dtype)))
        else:
            masks.append((None, None))
    if readout_dropout:
        keep = rng.uniform(size=(N_SAMPLES, network.recurrent_width)) > 0.5
        masks.append(((keep / 0.5).astype(dtype), None))
    starts = None
    if variable_length:
        starts = rng.randint(0, N_TIMESTEPS, size=N_SAMPLES)
        starts[0] = N_TIMESTEPS - 1
    return Problem(step, X, targets, weights, masks, starts)


def loss_and_gradient(problem):
    """Loss and a copy of the flat gradient at the step's current parameters."""
    rows = np.arange(problem.X.shape[0])
    loss, _ = problem.step.gradient(problem.X, problem.targets, problem.weights,
                                    rows, problem.masks, problem.starts)
    return loss, problem.step.grads.copy()
