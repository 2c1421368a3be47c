"""The convolutional arm and the dimension shuffle in the estimators (issue
26, LSTM-FCN): what they learn, how they are saved, and what they refuse."""

import pickle

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from rnnforecast import GRURegressor, LSTMClassifier, load_model, save_model


def _bumps(n_samples=120, length=64, seed=0):
    """Series of noise with one bump whose place (early, middle, late) is
    the class: a shape a convolution finds wherever it is."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n_samples)
    X = rng.normal(scale=0.3, size=(n_samples, length))
    steps = np.arange(length)
    for i, label in enumerate(labels):
        centre = [12, 32, 52][label] + rng.integers(-3, 4)
        X[i] += 2.0 * np.exp(-0.5 * ((steps - centre) / 2.0) ** 2)
    return X, labels


def _classifier(**params):
    settings = dict(units=4, conv_filters=(8, 16, 8), dimension_shuffle=True,
                    input_pooling=None, batch_size=16, max_iter=60, random_state=0)
    return LSTMClassifier(**{**settings, **params})


def _fit(model, X, y):
    """Fits here stop at max_iter, before the loss settles: they warn so."""
    with pytest.warns(ConvergenceWarning):
        return model.fit(X, y)


@pytest.fixture(scope="module")
def fitted():
    X, y = _bumps()
    return _fit(_classifier(), X[:80], y[:80]), X, y


def test_the_arm_learns_where_a_shape_sits(fitted):
    model, X, y = fitted
    assert model.score(X[80:], y[80:]) >= 0.9


def test_training_moved_the_running_statistics_prediction_reads(fitted):
    model = fitted[0]
    conv = model._network.split(model.params_)[1]["conv"]
    running = conv["0.running"]
    assert not np.allclose(running[0], 0.0) and not np.allclose(running[1], 1.0)


@pytest.mark.parametrize("how", ["pickle", "npz"])
def test_a_saved_lstm_fcn_predicts_as_before(fitted, tmp_path, how):
    model, X, _ = fitted
    if how == "pickle":
        loaded = pickle.loads(pickle.dumps(model))
    else:
        save_model(model, tmp_path / "model.npz")
        loaded = load_model(tmp_path / "model.npz")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_the_same_random_state_gives_the_same_model_bit_for_bit():
    X, y = _bumps(n_samples=40, length=32)
    first = _fit(_classifier(max_iter=3), X, y)
    second = _fit(_classifier(max_iter=3), X, y)
    np.testing.assert_array_equal(first.params_, second.params_)


def test_a_regressor_takes_the_arm_without_the_shuffle():
    X, labels = _bumps(n_samples=60, length=32)
    model = _fit(GRURegressor(units=4, conv_filters=(4, 4), conv_kernel_sizes=(5, 3),
                              max_iter=5, random_state=0), X, labels.astype(float))
    assert model.predict(X).shape == (60,)


@pytest.mark.parametrize("params, message", [
    (dict(return_sequences=True), "return_sequences=False"),
    (dict(conv_kernel_sizes=(8, 5)), "one entry per convolution"),
    (dict(conv_filters=(8, 0, 8)), "positive ints"),
])
def test_impossible_arms_are_refused_before_training(params, message):
    X, y = _bumps(n_samples=20, length=16)
    if params.get("return_sequences"):
        y = np.repeat(y[:, None], 16, axis=1)   # a label per step
    with pytest.raises(ValueError, match=message):
        _classifier(**params).fit(X, y)


def test_the_shuffle_refuses_sequences_of_different_lengths():
    X, y = _bumps(n_samples=20, length=16)
    ragged = [row[:16 - i % 3] for i, row in enumerate(X)]
    with pytest.raises(ValueError, match="dimension_shuffle.*same length"):
        _classifier().fit(ragged, y)
    # Without the shuffle the arm reads each sequence's real steps only.
    model = _fit(_classifier(dimension_shuffle=False, max_iter=2), ragged, y)
    assert model.predict(ragged).shape == (20,)


def test_changing_the_arm_after_fit_is_refused_until_refit(fitted):
    model, X, _ = fitted
    changed = pickle.loads(pickle.dumps(model)).set_params(conv_filters=(4, 4, 4))
    with pytest.raises(ValueError, match="conv_filters"):
        changed.predict(X)


def test_the_same_model_on_one_core_or_two(monkeypatch):
    """A convolution's parts run on two threads when there are two cores,
    in turn on one; the parts are fixed, so the bits are the same."""
    import rnnforecast._estimators.base as base

    X, y = _bumps(n_samples=40, length=32)
    two = _fit(_classifier(max_iter=3), X, y)
    monkeypatch.setattr(base, "available_cores", lambda: 1)
    one = _fit(_classifier(max_iter=3), X, y)
    np.testing.assert_array_equal(one.params_, two.params_)


# LSTMFCNClassifier: LSTMClassifier at the published settings ---------------------

def test_lstm_fcn_classifier_is_lstm_classifier_with_the_published_defaults():
    from rnnforecast import LSTMFCNClassifier

    defaults = LSTMFCNClassifier().get_params()
    assert defaults["conv_filters"] == (128, 256, 128)
    assert defaults["conv_kernel_sizes"] == (8, 5, 3)
    assert defaults["units"] == 8 and defaults["dimension_shuffle"] is True
    assert defaults["batch_size"] == "auto" and defaults["class_weight"] == "balanced"
    assert defaults["scale_inputs"] == "series" and defaults["early_stopping"] is False
    assert defaults["learning_rate"] == "adaptive" and defaults["input_pooling"] is None
    # Only defaults differ: the same parameters, the same estimator.
    assert set(defaults) == set(LSTMClassifier().get_params())
    same = dict(defaults, conv_filters=(8, 16, 8), max_iter=5, random_state=0)
    X, y = _bumps(n_samples=40)
    with pytest.warns(ConvergenceWarning):
        ours = LSTMFCNClassifier(**same).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        theirs = LSTMClassifier(**same).fit(X, y)
    np.testing.assert_array_equal(ours.params_, theirs.params_)


def test_lstm_fcn_classifier_documents_its_own_defaults():
    from rnnforecast import LSTMFCNClassifier

    doc = LSTMFCNClassifier.__doc__
    assert "conv_filters : int, tuple of int or None, default=(128, 256, 128)" in doc
    assert 'scale_inputs : bool or "series", default="series"' in doc
    assert "units : int or tuple of int, default=8" in doc
    assert '"auto" is ``min(128, n_samples)``' in doc
    assert "default=32" not in doc.split("units : ")[1].splitlines()[0]


def test_lstm_fcn_classifier_round_trips_through_a_model_file(tmp_path):
    from rnnforecast import LSTMFCNClassifier

    X, y = _bumps(n_samples=40)
    with pytest.warns(ConvergenceWarning):
        model = LSTMFCNClassifier(conv_filters=(4, 8, 4), max_iter=3, random_state=0).fit(X, y)
    save_model(model, tmp_path / "fcn.npz")
    loaded = load_model(tmp_path / "fcn.npz")
    assert type(loaded) is LSTMFCNClassifier
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_lstm_fcn_classifier_batches_128_sequences_or_the_whole_small_set():
    from rnnforecast import LSTMFCNClassifier

    assert LSTMFCNClassifier()._batch_size(537) == 128
    assert LSTMFCNClassifier()._batch_size(28) == 28
    assert LSTMClassifier()._batch_size(537) == 200


def test_balanced_class_weights_count_sample_weights_as_repeats():
    # "balanced" counted rows, so a sample weighted 3 and the same sample
    # three times gave different class weights and different models.
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(24, 6)), np.repeat([0, 1, 2], 8)
    weights = rng.integers(0, 4, size=24)
    options = dict(units=3, max_iter=3, class_weight="balanced", dtype="float64",
                   shuffle=False, random_state=0)
    with pytest.warns(ConvergenceWarning):
        weighted = LSTMClassifier(**options).fit(X, y, sample_weight=weights)
    with pytest.warns(ConvergenceWarning):
        repeated = LSTMClassifier(**options).fit(np.repeat(X, weights, axis=0),
                                                 np.repeat(y, weights))
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X),
                               rtol=1e-7)


def test_readout_dropout_changes_training_and_not_prediction():
    X, y = _bumps(n_samples=40)
    with pytest.warns(ConvergenceWarning):
        plain = _classifier(max_iter=3).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        dropped = _classifier(max_iter=3, readout_dropout=0.8).fit(X, y)
    assert not np.array_equal(plain.params_, dropped.params_)
    # Prediction uses every unit: the same weights predict the same.
    twin = _classifier(max_iter=3)
    with pytest.warns(ConvergenceWarning):
        twin.fit(X, y)
    twin.params_[...] = dropped.params_
    np.testing.assert_array_equal(twin.predict_proba(X), dropped.predict_proba(X))
    with pytest.warns(ConvergenceWarning):
        again = _classifier(max_iter=3, readout_dropout=0.8).fit(X, y)
    np.testing.assert_array_equal(again.params_, dropped.params_)


def test_readout_dropout_needs_one_output_per_sequence():
    from rnnforecast import GRUClassifier

    X = np.random.default_rng(0).normal(size=(10, 5, 1))
    y = (X[..., 0] > 0).astype(int)
    with pytest.raises(ValueError, match="readout_dropout"):
        GRUClassifier(return_sequences=True, readout_dropout=0.5).fit(X, y)


def test_the_fit_time_estimate_counts_the_arm_at_the_convolution_rate():
    """The arm's large products run some five times faster than recurrent
    steps: at the recurrent rate, a PLAID fit was announced as 79 minutes
    and took 13."""
    from rnnforecast._estimators import resources

    with_arm = LSTMClassifier(units=8, conv_filters=(128, 256, 128), dimension_shuffle=True)
    network = with_arm._make_network(1, (8,), 11, n_steps=1344)
    plain = LSTMClassifier(units=8, dimension_shuffle=True)._make_network(1, (8,), 11,
                                                                        n_steps=1344)
    arm = network.arm.multiply_adds(1344, 537)
    extra = (resources.fit_seconds(network, 1344, 537, 50)
             - resources.fit_seconds(plain, 1344, 537, 50))
    assert extra == pytest.approx(3 * 50 * arm / resources.CONVOLUTION_RATE, rel=1e-6)
    assert resources.CONVOLUTION_RATE > resources.ASSUMED_RATE
