"""``readout="mean"``: the head reads the mean of the top layer's states over
each sequence's real steps instead of the last state (the kernels' gradients
are checked in ``test_gradients.py``)."""

import numpy as np
import pytest

from rnnforecast import GRUClassifier, LSTMRegressor, SimpleRNNClassifier
from rnnforecast.io.persistence import load_model, save_model

N_FEATURES = 2


def _ragged(seed, n=24):
    rng = np.random.RandomState(seed)
    X = [rng.normal(size=(length, N_FEATURES)) for length in rng.randint(2, 10, size=n)]
    return X, np.array([int(x[:, 0].mean() > 0) for x in X])


def _pad_end(X, fill):
    padded = np.full((len(X), max(len(x) for x in X), N_FEATURES), fill)
    for row, x in zip(padded, X):
        row[:len(x)] = x
    return padded


def _fit(cls, X, y, **params):
    params = {"units": 4, "max_iter": 3, "random_state": 0, "dtype": "float64",
              "readout": "mean", **params}
    return cls(**params).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padding_never_enters_the_mean(bidirectional):
    X, y = _ragged(0)
    model = _fit(GRUClassifier, X, y, bidirectional=bidirectional, units=(4, 3))
    together = model.predict_proba(X)
    alone = np.vstack([model.predict_proba(x[np.newaxis]) for x in X])
    np.testing.assert_allclose(together, alone, rtol=1e-12, atol=1e-12)
    lengths = [len(x) for x in X]
    padded = model.predict_proba(_pad_end(X, fill=123.0), lengths=lengths)
    np.testing.assert_array_equal(padded, together)
    from_padded = GRUClassifier(**model.get_params()).fit(
        _pad_end(X, fill=-7.0), y, lengths=lengths)
    np.testing.assert_array_equal(from_padded.params_, model.params_)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_mean_and_last_readouts_are_different_models():
    X, y = _ragged(1)
    mean = _fit(SimpleRNNClassifier, X, y)
    last = _fit(SimpleRNNClassifier, X, y, readout="last")
    assert mean.params_.shape == last.params_.shape
    assert not np.allclose(mean.predict_proba(X), last.predict_proba(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_mean_readout_with_return_sequences_is_refused_before_the_model_changes():
    X = np.random.RandomState(0).normal(size=(12, 5, 1))
    model = _fit(LSTMRegressor, X, X[:, :, 0].sum(axis=1), readout="last")
    before = model.params_.copy()
    model.set_params(return_sequences=True, readout="mean", warm_start=False)
    with pytest.raises(ValueError, match='readout="mean" gives one output per sequence'):
        model.fit(X, X)
    np.testing.assert_array_equal(model.params_, before)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_streaming_chunks_refuse_the_mean_readout():
    X = np.random.RandomState(0).normal(size=(12, 5, 1))
    model = _fit(LSTMRegressor, X, X[:, -1, 0], linear_skip=False, input_pooling=None)
    with pytest.raises(ValueError, match='need readout="last"'):
        model.predict(X, return_state=True)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_saved_mean_readout_loads_as_the_same_model(tmp_path):
    X, y = _ragged(2)
    model = _fit(GRUClassifier, X, y)
    save_model(model, tmp_path / "model.npz")
    loaded = load_model(tmp_path / "model.npz")
    assert loaded.readout == "mean"
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
