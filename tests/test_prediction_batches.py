"""Prediction in batches: any batch size gives every sample the same bits."""

import numpy as np
import pytest

from rnnforecast._core.training import predict_logits

from _problems import make_problem


def _one_by_one(network, params, X, starts, initial_state):
    rows = []
    finals = [[] for _ in network.state_names()]
    for i in range(X.shape[0]):
        final = [np.empty((1, units)) for _, units in network.state_names()]
        rows.append(predict_logits(
            network, params, X[i:i + 1], None if starts is None else starts[i:i + 1],
            initial_state=[state[i:i + 1] for state in initial_state],
            final_state=final))
        for kept, value in zip(finals, final):
            kept.append(value)
    return np.concatenate(rows), [np.concatenate(kept) for kept in finals]


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
@pytest.mark.parametrize("variable_length", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_every_batch_size_gives_each_sample_the_same_bits(cell, variable_length,
                                                         return_sequences):
    problem = make_problem("tanh", (3, 4), return_sequences, "squared_error", cell=cell,
                           variable_length=variable_length)
    network, params = problem.step.network, problem.step.params
    X, starts = problem.X, problem.starts
    rng = np.random.default_rng(0)
    initial = [rng.normal(size=(X.shape[0], units)) for _, units in network.state_names()]
    alone, alone_final = _one_by_one(network, params, X, starts, initial)
    for batch_size in (2, 3, X.shape[0]):
        final = [np.empty_like(state) for state in initial]
        logits = predict_logits(network, params, X, starts, batch_size=batch_size,
                                initial_state=initial, final_state=final)
        np.testing.assert_array_equal(logits, alone)
        for got, expected in zip(final, alone_final):
            np.testing.assert_array_equal(got, expected)
    # States matter: starting from zero gives other outputs.
    assert not np.array_equal(predict_logits(network, params, X, starts), alone)


def test_token_ids_are_loaded_by_range():
    problem = make_problem("tanh", (3,), False, "squared_error", n_tokens=5)
    network, params, X = problem.step.network, problem.step.params, problem.X
    batched = predict_logits(network, params, X, batch_size=2)
    alone = np.concatenate([predict_logits(network, params, X[i:i + 1])
                            for i in range(X.shape[0])])
    np.testing.assert_array_equal(batched, alone)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_one_step_buffers_give_the_bits_of_buffers_for_every_step(cell):
    """Prediction keeps one step of gate values and projects the inputs step
    by step (``bptt.at_step``); a training workspace keeps every step and
    projects them all in one product. With fixed-order products both give
    the same bits."""
    from rnnforecast._core.network import RecurrentNetwork, Workspace, WorkspaceOptions
    from rnnforecast._core.training import load_inputs

    rng = np.random.RandomState(0)
    network = RecurrentNetwork(2, (3, 4), 1, "tanh", False, cell)
    params = rng.normal(scale=0.5, size=network.layout.size)
    X = rng.normal(size=(5, 6, 2))
    views = network.split(params)
    masks = [(None, None)] * len(network.layers)
    outputs, slots = [], []
    for training in (True, False):
        options = WorkspaceOptions(training=training, target_width=1)
        buffers = Workspace(network, 6, 5, np.float64, options).for_batch(5)
        load_inputs(network, buffers, X, slice(0, 5), None)
        outputs.append(network.forward(views, buffers, masks, invariant=True).copy())
        slots.append(buffers.layers[0][1]["H"].shape[0]
                     if cell == "simple" else buffers.layers[0][1]["GATES"].shape[0])
    np.testing.assert_array_equal(outputs[0], outputs[1])
    assert slots == ([6, 6] if cell == "simple" else [6, 1])
