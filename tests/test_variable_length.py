"""Sequences of different lengths: lists of arrays, or padded arrays with
``lengths``. Padding must never change a result."""

import numpy as np
import pytest

from rnnforecast import (
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    SimpleRNNClassifier,
    SimpleRNNRegressor,
)

from conftest import CASES_TRIED

REGRESSORS = [SimpleRNNRegressor, LSTMRegressor, GRURegressor]
N_FEATURES = 2


def _ragged(seed, n=24, lowest=2, highest=9):
    rng = np.random.RandomState(seed)
    lengths = rng.randint(lowest, highest + 1, size=n)
    X = [rng.normal(size=(length, N_FEATURES)) for length in lengths]
    y = np.array([x[:, 0].sum() for x in X])
    return X, y, lengths


def _pad_end(X, fill=0.0):
    width = max(len(x) for x in X)
    padded = np.full((len(X), width, N_FEATURES), fill)
    for row, x in zip(padded, X):
        row[:len(x)] = x
    return padded


def _fit(cls, X, y, **params):
    params = {"units": 5, "max_iter": 3, "random_state": 0, "dtype": "float64",
              **params}
    return cls(**params).fit(X, y)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cls", REGRESSORS)
def test_padded_prediction_equals_each_sequence_alone(cls, bidirectional):
    X, y, lengths = _ragged(0)
    model = _fit(cls, X, y, bidirectional=bidirectional, units=(4, 3))
    together = model.predict(X)
    alone = np.array([model.predict(x[np.newaxis])[0] for x in X])
    np.testing.assert_allclose(together, alone, rtol=1e-12, atol=1e-12)
    with_lengths = model.predict(_pad_end(X, fill=123.0), lengths=lengths)
    np.testing.assert_array_equal(with_lengths, together)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_list_and_padded_array_fit_the_same_model(cls):
    X, y, lengths = _ragged(1)
    from_list = _fit(cls, X, y)
    from_padded = cls(**from_list.get_params()).fit(_pad_end(X, fill=-7.0), y,
                                                    lengths=lengths)
    np.testing.assert_array_equal(from_list.params_, from_padded.params_)
    assert from_list.n_timesteps_in_ is None
    assert from_list.n_features_in_ == N_FEATURES


def test_float32_padding_agrees_to_float_tolerance():
    X, y, _ = _ragged(2)
    model = _fit(GRURegressor, X, y, dtype="float32")
    alone = np.array([model.predict(x[np.newaxis])[0] for x in X])
    np.testing.assert_allclose(model.predict(X), alone, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cls", REGRESSORS)
def test_return_sequences_gives_each_sequence_its_steps(cls, bidirectional):
    X, _, lengths = _ragged(3)
    y = [np.cumsum(x[:, 0]) for x in X]
    model = _fit(cls, X, y, return_sequences=True, bidirectional=bidirectional)
    predicted = model.predict(X)
    assert [p.shape for p in predicted] == [(length,) for length in lengths]
    for x, steps in zip(X[:5], predicted[:5]):
        np.testing.assert_allclose(steps, model.predict(x[np.newaxis])[0],
                                   rtol=1e-12, atol=1e-12)
    truth, guess = np.concatenate(y), np.concatenate(predicted)
    expected = 1 - ((truth - guess) ** 2).sum() / ((truth - truth.mean()) ** 2).sum()
    assert model.score(X, y) == pytest.approx(expected)


def test_padded_targets_with_lengths_train_like_lists():
    X, _, lengths = _ragged(4)
    y = [np.cumsum(x[:, 0]) for x in X]
    padded_y = np.full((len(X), max(lengths)), 99.0)
    for row, target in zip(padded_y, y):
        row[:len(target)] = target
    a = _fit(LSTMRegressor, X, y, return_sequences=True)
    b = LSTMRegressor(**a.get_params()).fit(_pad_end(X), padded_y, lengths=lengths)
    np.testing.assert_array_equal(a.params_, b.params_)


@pytest.mark.parametrize("cls", [SimpleRNNClassifier, LSTMClassifier])
def test_classifier_on_ragged_sequences(cls):
    X, y, _ = _ragged(5)
    labels = np.where(y > 0, "up", "down")
    model = _fit(cls, X, labels)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(X)) <= {"up", "down"}
    assert 0.0 <= model.score(X, labels) <= 1.0


def test_ragged_model_predicts_any_length():
    X, y, _ = _ragged(6)
    model = _fit(SimpleRNNRegressor, X, y)
    # (ones: all-zero end steps would read as unmarked padding and be refused)
    assert model.predict(np.ones((3, 20, N_FEATURES))).shape == (3,)


@pytest.mark.parametrize("X,lengths,error,match", [
    ([np.zeros((3, 2)), np.zeros((4, 3))], None, ValueError,
     "Sequence 1 has 3 features per time step, but sequence 0 has 2"),
    ([np.zeros((3, 2)), np.zeros((0, 2))], None, ValueError,
     "Sequence 1 is empty"),
    ([np.zeros((3, 2)), np.full((2, 2), np.nan)], None, ValueError, "NaN"),
    ([np.zeros((3, 2)), np.zeros((2, 2, 2))], None, ValueError,
     "Sequence 1 has 3 dimensions"),
    (np.zeros((2, 4, 2)), [4, 5], ValueError,
     r"lengths\[1\] = 5 is larger than the padded width of X \(4 time steps\)"),
    (np.zeros((2, 4, 2)), [0, 3], ValueError, r"lengths\[0\] = 0 is zero or negative"),
    (np.zeros((2, 4, 2)), [-1, 3], ValueError, r"lengths\[0\] = -1"),
    (np.zeros((2, 4, 2)), [1, 2, 3], ValueError, "inconsistent numbers of samples"),
    (np.zeros((2, 4, 2)), [1.5, 2.0], TypeError, "lengths must be a 1-D array of integers"),
    (np.zeros((2, 4, 2)), [[1, 2]], TypeError, "lengths must be a 1-D array of integers"),
])
def test_bad_variable_length_input_is_rejected(X, lengths, error, match):
    with pytest.raises(error, match=match):
        SimpleRNNRegressor(max_iter=1).fit(X, np.zeros(len(X)), lengths=lengths)
    CASES_TRIED["bad inputs rejected before the kernels"] += 1


def test_target_sequences_must_match_their_inputs():
    X = [np.zeros((3, 2)), np.zeros((2, 2))]
    model = SimpleRNNRegressor(max_iter=1, return_sequences=True)
    with pytest.raises(ValueError, match=r"y\[1\] has 3 time steps but X\[1\] has 2"):
        model.fit(X, [np.zeros(3), np.zeros(3)])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(X, [np.zeros(3)])


def test_prediction_checks_features_of_ragged_input():
    X, y, _ = _ragged(7)
    model = _fit(SimpleRNNRegressor, X, y)
    with pytest.raises(ValueError, match="3 features per time step"):
        model.predict([np.zeros((2, 3)), np.zeros((4, 3))])


# NaN padding, as UEA archives ship it ------------------------------------------------

def _nan_padded(sequences, leading=False):
    width = max(len(s) for s in sequences)
    padded = np.full((len(sequences), width, sequences[0].shape[1]), np.nan)
    for row, sequence in zip(padded, sequences):
        if leading:
            row[width - len(sequence):] = sequence
        else:
            row[:len(sequence)] = sequence
    return padded


@pytest.mark.parametrize("leading", [False, True])
def test_nan_padding_reads_as_lengths(leading):
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(n, 2)) for n in (3, 7, 5, 6)]
    y = [0.1, 0.4, 0.3, 0.2]
    options = dict(units=3, max_iter=3, random_state=0, dtype="float64")
    from_list = SimpleRNNRegressor(**options).fit(sequences, y)
    from_nan = SimpleRNNRegressor(**options).fit(_nan_padded(sequences, leading), y)
    np.testing.assert_array_equal(from_list.params_, from_nan.params_)
    np.testing.assert_array_equal(from_list.predict(sequences),
                                  from_nan.predict(_nan_padded(sequences, leading)))


def test_nan_padding_carries_lengths_through_cross_validation():
    from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

    rng = np.random.RandomState(1)
    sequences = [rng.normal(size=(n, 1)) for n in rng.randint(3, 12, size=40)]
    labels = np.array([int(s[-1, 0] > 0) for s in sequences])
    model = SimpleRNNClassifier(units=4, max_iter=5, random_state=0)
    folds = KFold(3)
    ragged = cross_val_score(model, sequences, labels, cv=folds)
    padded = cross_val_score(model, _nan_padded(sequences), labels, cv=folds)
    np.testing.assert_array_equal(ragged, padded)
    search = GridSearchCV(model, {"units": [2, 4]}, cv=folds).fit(_nan_padded(sequences), labels)
    np.testing.assert_array_equal(search.cv_results_["split0_test_score"][1:], padded[:1])


@pytest.mark.parametrize("where", [(0, 2, 0), (1, 0, 1)])
def test_nan_inside_a_sequence_or_one_feature_is_refused(where):
    X = np.random.RandomState(0).normal(size=(3, 5, 2))
    X[where] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN inside sequence"):
        SimpleRNNRegressor(max_iter=1).fit(X, [1.0, 2.0, 3.0])


def test_zero_padded_array_without_lengths_is_refused_after_a_variable_length_fit():
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(n, 1)) for n in (3, 7, 5)]
    model = SimpleRNNClassifier(units=2, max_iter=2, random_state=0).fit(sequences, [0, 1, 0])
    padded = np.zeros((3, 7, 1))
    for row, sequence in zip(padded, sequences):
        row[:len(sequence)] = sequence
    with pytest.raises(ValueError, match="pass lengths= or mark padding with NaN"):
        model.predict(padded)
    np.testing.assert_array_equal(model.predict(padded, lengths=[3, 7, 5]),
                                  model.predict(sequences))


def test_lengths_route_to_fit_and_score_through_cross_validation():
    import sklearn
    from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

    rng = np.random.RandomState(1)
    sequences = [rng.normal(size=(n, 1)) for n in rng.randint(3, 12, size=40)]
    labels = np.array([int(s[-1, 0] > 0) for s in sequences])
    lengths = np.array([len(s) for s in sequences])
    padded = np.zeros((40, 11, 1))
    for row, sequence in zip(padded, sequences):
        row[:len(sequence)] = sequence
    folds = KFold(3)
    ragged = cross_val_score(SimpleRNNClassifier(units=4, max_iter=5, random_state=0),
                             sequences, labels, cv=folds)
    with sklearn.config_context(enable_metadata_routing=True):
        model = (SimpleRNNClassifier(units=4, max_iter=5, random_state=0)
                 .set_fit_request(lengths=True).set_score_request(lengths=True))
        routed = cross_val_score(model, padded, labels, cv=folds,
                                 params={"lengths": lengths})
        search = GridSearchCV(model, {"units": [4]}, cv=folds).fit(
            padded, labels, lengths=lengths)
    np.testing.assert_array_equal(routed, ragged)
    assert search.cv_results_["split0_test_score"][0] == ragged[0]


def test_every_form_of_x_reads_into_one_frozen_description():
    # One reader for every accepted X, without an estimator: the same two
    # sequences as a list, an end-padded array with lengths, and a
    # NaN-padded array give the same front-padded array and starts.
    import dataclasses

    from rnnforecast._estimators.inputs import read_inputs

    a, b = np.arange(6.0).reshape(3, 2), np.arange(10.0, 14.0).reshape(2, 2)
    padded = np.zeros((2, 3, 2))
    padded[0], padded[1, :2] = a, b
    nan_padded = np.where(np.arange(3)[None, :, None] < np.array([3, 2])[:, None, None],
                          padded, np.nan)
    readings = {"ragged": read_inputs([a, b], np.float64),
                "lengths": read_inputs(padded, np.float64, lengths=[3, 2]),
                "nan_padded": read_inputs(nan_padded, np.float64)}
    for form, inputs in readings.items():
        assert inputs.form == form and inputs.variable_length
        np.testing.assert_array_equal(inputs.starts, [0, 1])
        np.testing.assert_array_equal(inputs.X, readings["ragged"].X)
    windows = read_inputs(np.ones((4, 5)), np.float32)
    assert (windows.form, windows.input_ndim, windows.X.shape) == ("windows", 2, (4, 5, 1))
    assert windows.starts is None and not windows.variable_length
    tokens = read_inputs([[3, 1], [2]], np.float32, tokens=True)
    assert tokens.form == "tokens" and tokens.X.dtype == np.intp
    with pytest.raises(dataclasses.FrozenInstanceError):
        windows.starts = np.zeros(4)
