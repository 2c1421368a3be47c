"""Stateful prediction: a long sequence fed in chunks, carrying the state,
gives the results of feeding it in one piece."""

import numpy as np
import pytest

from rnnforecast import GRUClassifier, GRURegressor, LSTMRegressor, SimpleRNNRegressor

REGRESSORS = [SimpleRNNRegressor, LSTMRegressor, GRURegressor]


def _fitted(cls, return_sequences=False, dtype="float64", n_timesteps=12):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, n_timesteps, 2))
    y = X.sum(axis=2).cumsum(axis=1)
    y = y if return_sequences else y[:, -1]
    model = cls(units=(5, 4), return_sequences=return_sequences, max_iter=3,
                random_state=0, dtype=dtype)
    if not return_sequences and "Regressor" in cls.__name__:
        # The linear skip path reads whole windows: streaming needs it off.
        model.set_params(linear_skip=False)
    return model.fit(X, y), X


def _in_chunks(model, X, cuts):
    state, outputs = None, []
    for piece in np.split(X, cuts, axis=1):
        output, state = model.predict(piece, initial_state=state, return_state=True)
        outputs.append(output)
    return outputs, state


@pytest.mark.parametrize("cls", REGRESSORS)
def test_chunks_give_the_one_piece_result(cls):
    model, X = _fitted(cls)
    whole, whole_state = model.predict(X, return_state=True)
    outputs, state = _in_chunks(model, X, [3, 4, 9])
    np.testing.assert_allclose(outputs[-1], whole, rtol=1e-12, atol=1e-12)
    assert len(state) == len(whole_state) == (4 if cls is LSTMRegressor else 2)
    for ours, theirs in zip(state, whole_state):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_chunked_sequences_of_outputs_concatenate(cls):
    model, X = _fitted(cls, return_sequences=True, dtype="float32")
    outputs, _ = _in_chunks(model, X, [5])
    np.testing.assert_allclose(np.concatenate(outputs, axis=1), model.predict(X),
                               rtol=1e-5, atol=1e-5)


def test_state_shapes_follow_the_layers():
    model, X = _fitted(LSTMRegressor)
    _, state = model.predict(X[:3], return_state=True)
    assert [s.shape for s in state] == [(3, 5), (3, 5), (3, 4), (3, 4)]


def test_ragged_first_chunk_carries_each_sequence_from_its_end():
    model, X = _fitted(GRURegressor)
    heads = [X[i, :2 + i % 5] for i in range(len(X))]
    tails = [X[i, 2 + i % 5:] for i in range(len(X))]
    _, state = model.predict(heads, return_state=True)
    continued = model.predict(tails, initial_state=state)
    whole = model.predict(X)
    np.testing.assert_allclose(continued, whole, rtol=1e-12, atol=1e-12)


def test_classifier_probabilities_in_chunks():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(30, 10, 1))
    model = GRUClassifier(units=4, max_iter=2, random_state=0, dtype="float64").fit(
        X, (X[:, 0, 0] > 0).astype(int))
    _, state = model.predict_proba(X[:, :6], return_state=True)
    np.testing.assert_allclose(model.predict_proba(X[:, 6:], initial_state=state),
                               model.predict_proba(X), rtol=1e-12)


def test_stateful_calls_leave_plain_prediction_alone():
    model, X = _fitted(SimpleRNNRegressor)
    before = model.predict(X[:1])
    _, state = model.predict(X[:1], return_state=True)
    model.predict(X[:1], initial_state=state)
    np.testing.assert_array_equal(model.predict(X[:1]), before)


@pytest.mark.parametrize("state,match", [
    ("not a list", "must be a list of 2 arrays"),
    ([np.zeros((4, 5))], "must be a list of 2 arrays"),
    ([np.zeros((3, 5)), np.zeros((4, 4))], r"initial_state h0 has shape \(3, 5\)"),
    ([np.zeros((4, 5)), np.zeros((4, 5))], r"initial_state h1 has shape \(4, 5\); "
                                           r"expected \(4, 4\)"),
    ([np.full((4, 5), np.nan), np.zeros((4, 4))], "NaN"),
])
def test_bad_initial_state_is_rejected(state, match):
    model, X = _fitted(SimpleRNNRegressor)
    with pytest.raises(ValueError, match=match):
        model.predict(X[:4], initial_state=state)


def test_bidirectional_has_no_state_to_carry():
    rng = np.random.RandomState(2)
    X = rng.normal(size=(6, 4, 1))
    model = SimpleRNNRegressor(units=2, bidirectional=True, max_iter=1).fit(X, X[:, 0, 0])
    with pytest.raises(ValueError, match="need bidirectional=False"):
        model.predict(X, return_state=True)


def test_streaming_is_refused_with_the_linear_skip_path():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 12, 2))
    model = SimpleRNNRegressor(units=3, max_iter=1, random_state=0).fit(X, X[:, -1, 0])
    assert model.linear_coef_ is not None
    with pytest.raises(ValueError, match="need linear_skip=False"):
        model.predict(X[:, :4], return_state=True)
