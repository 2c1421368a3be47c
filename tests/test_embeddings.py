"""Token sequences through a learned embedding (kernels: test_gradients)."""

import pickle

import numpy as np
import pytest

from rnnforecast import GRUClassifier, LSTMRegressor, SimpleRNNClassifier

from conftest import CASES_TRIED


def _token_problem(n=400, seed=0):
    """Label: whether token 3 occurs in a sequence of 3-11 ids from 1-9."""
    rng = np.random.RandomState(seed)
    X = [rng.randint(1, 10, size=rng.randint(3, 12)) for _ in range(n)]
    return X, np.array([int(3 in x) for x in X])


def _padded(X, width, front):
    out = np.zeros((len(X), width), dtype=np.int64)
    for row, x in zip(out, X):
        if front:
            row[width - len(x):] = x
        else:
            row[:len(x)] = x
    return out


@pytest.fixture(scope="module")
def fitted():
    X, y = _token_problem()
    model = GRUClassifier(units=16, embedding_dim=8, mask_zero=True, max_iter=40,
                          learning_rate_init=0.01, random_state=0)
    return model.fit(X[:300], y[:300]), X, y


def test_learns_a_token_rule(fitted):
    model, X, y = fitted
    assert model.score(X[300:], y[300:]) >= 0.95
    assert model.n_tokens_ == 10
    assert model.embeddings_.shape == (10, 8)
    assert model.n_timesteps_in_ is None


@pytest.mark.parametrize("front", [False, True])
def test_zero_padding_either_side_changes_nothing(fitted, front):
    model, X, _ = fitted
    np.testing.assert_array_equal(model.predict_proba(_padded(X[300:], 15, front)),
                                  model.predict_proba(X[300:]))


def test_lengths_mark_padding_without_mask_zero():
    X, y = _token_problem(60, seed=1)
    lengths = [len(x) for x in X]
    padded = _padded(X, 12, front=False) + 50 * (_padded(X, 12, False) == 0)
    params = dict(units=4, embedding_dim=3, n_tokens=60, max_iter=2, random_state=0)
    from_lists = SimpleRNNClassifier(**params).fit(X, y)
    from_padded = SimpleRNNClassifier(**params).fit(padded, y, lengths=lengths)
    np.testing.assert_array_equal(from_lists.params_, from_padded.params_)


def test_embedding_rows_learn_only_from_their_tokens():
    X = [np.array([1, 2, 1]), np.array([2, 2])]
    params = dict(units=3, embedding_dim=2, n_tokens=5, random_state=0)
    model = LSTMRegressor(max_iter=3, **params).fit(X, [0.5, -0.5])
    # Same initial weights, and a step too small to move them.
    initial = LSTMRegressor(max_iter=1, learning_rate_init=1e-12, **params).fit(
        X, [0.5, -0.5])
    unused = [0, 3, 4]
    np.testing.assert_allclose(model.embeddings_[unused], initial.embeddings_[unused])
    assert not np.allclose(model.embeddings_[[1, 2]], initial.embeddings_[[1, 2]])


def test_pickle_round_trip(fitted):
    model, X, _ = fitted
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize("X,params,error,match", [
    (np.array([[1, -2, 3]]), {}, ValueError, "non-negative; X contains -2"),
    ([np.array([1, 2]), np.array([4, -1, 2])], {}, ValueError, r"X\[1\] contains -1"),
    (np.array([[1, 7, 3]]), {"n_tokens": 5}, ValueError,
     r"token id 7, but the embedding table has n_tokens=5 rows \(ids 0 to 4\)"),
    (np.array([[1.5, 2.0]]), {}, TypeError, "Token ids must be integers"),
    (np.array([["a", "b"]]), {}, TypeError, "Token ids must be integers"),
    (np.array([[1, np.nan]]), {}, TypeError, "non-integer or non-finite"),
    (np.array([[2**62, 1]], dtype=np.uint64), {}, ValueError, "too large"),
    ([[1, 2**70]], {}, TypeError, "dtype object"),
    (np.ones((2, 3, 1), dtype=int), {}, ValueError, "2-D array"),
    (np.ones((2, 0), dtype=int), {}, ValueError, "at least one time step"),
    ([np.array([1, 2]), np.array([], dtype=int)], {}, ValueError, "Sequence 1 is empty"),
    (np.array([[1, 0, 2], [1, 1, 1]]), {"mask_zero": True}, ValueError,
     "padding id 0 between its tokens"),
    (np.array([[0, 0, 0], [1, 1, 1]]), {"mask_zero": True}, ValueError,
     "Sequence 0 has no tokens"),
])
def test_bad_token_input_is_rejected(X, params, error, match):
    model = SimpleRNNClassifier(embedding_dim=2, max_iter=1, **params)
    with pytest.raises(error, match=match):
        model.fit(X, np.arange(len(X)) % 2)
    CASES_TRIED["bad inputs rejected before the kernels"] += 1


def test_prediction_refuses_unknown_token_ids(fitted):
    model = fitted[0]
    with pytest.raises(ValueError, match="token id 10, but the embedding table has "
                                         "n_tokens=10 rows"):
        model.predict([np.array([1, 10])])


def test_lengths_and_mask_zero_are_exclusive():
    with pytest.raises(ValueError, match="either lengths or mask_zero"):
        SimpleRNNClassifier(embedding_dim=2, mask_zero=True).fit(
            np.ones((2, 3), dtype=int), [0, 1], lengths=[1, 2])


def test_warm_start_refuses_another_embedding():
    X, y = _token_problem(20)
    model = SimpleRNNClassifier(units=3, embedding_dim=2, max_iter=1,
                                warm_start=True).fit(X, y)
    model.set_params(embedding_dim=4)
    with pytest.raises(ValueError, match="embedding_dim=2"):
        model.fit(X, y)


def test_no_embedding_means_no_table():
    model = SimpleRNNClassifier(units=2, max_iter=1).fit(np.zeros((4, 3)), [0, 1, 0, 1])
    assert model.embeddings_ is None
