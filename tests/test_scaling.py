"""Standardisation inside the estimators, SequenceScaler, and the warning
for fits that end no better than a constant."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from rnnforecast import GRURegressor, LSTMClassifier, SimpleRNNClassifier, SimpleRNNRegressor
from rnnforecast.preprocessing import SequenceScaler


def _passengers_like(n=300, seed=0):
    """Windows of a series in the hundreds, as monthly passenger counts."""
    rng = np.random.RandomState(seed)
    t = np.arange(n + 12)
    series = 400 + 80 * np.sin(2 * np.pi * t / 12) + 5 * rng.normal(size=t.size)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], 12)[:n]
    return np.ascontiguousarray(X), series[12:12 + n]


def _quiet_fit(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


def test_raw_series_in_the_hundreds_is_learned_without_a_scaler():
    # Without standardisation the head starts near 0 and predictions stayed
    # there: R² far below zero on counts around 400.
    X, y = _passengers_like()
    model = _quiet_fit(SimpleRNNRegressor(units=8, max_iter=60, random_state=0), X, y)
    assert model.score(X, y) > 0.8
    assert abs(model.predict(X).mean() - y.mean()) < 10


def test_statistics_are_fitted_attributes_and_can_be_switched_off():
    X, y = _passengers_like(n=50)
    model = _quiet_fit(SimpleRNNRegressor(units=3, max_iter=2, random_state=0), X, y)
    np.testing.assert_allclose(model.input_mean_, [X.mean()])
    np.testing.assert_allclose(model.input_scale_, [X.std()])
    np.testing.assert_allclose(model.target_mean_, [y.mean()])
    np.testing.assert_allclose(model.target_scale_, [y.std()])
    plain = _quiet_fit(SimpleRNNRegressor(units=3, max_iter=2, random_state=0,
                                          scale_inputs=False, scale_target=False), X, y)
    assert plain.input_mean_ is None and plain.target_mean_ is None
    assert SimpleRNNClassifier().get_params()["scale_inputs"] is True


@pytest.mark.parametrize("Estimator", [SimpleRNNRegressor, GRURegressor])
def test_internal_scaling_equals_scaling_by_hand(Estimator):
    rng = np.random.RandomState(1)
    X = 50 + 10 * rng.normal(size=(40, 6, 2))
    y = 300 + 20 * rng.normal(size=(40, 2))
    options = dict(units=4, max_iter=3, random_state=0, dtype="float64")
    inside = _quiet_fit(Estimator(**options), X, y)
    mean, std = X.reshape(-1, 2).mean(axis=0), X.reshape(-1, 2).std(axis=0)
    by_hand = _quiet_fit(Estimator(**options, scale_inputs=False, scale_target=False),
                         (X - mean) / std, (y - y.mean(axis=0)) / y.std(axis=0))
    np.testing.assert_array_equal(inside.params_, by_hand.params_)
    np.testing.assert_allclose(
        inside.predict(X), by_hand.predict((X - mean) / std) * y.std(axis=0) + y.mean(axis=0),
        rtol=1e-12)


def test_padding_does_not_enter_the_statistics():
    rng = np.random.RandomState(2)
    sequences = [100 + rng.normal(size=(n, 1)) for n in (3, 8, 5)]
    model = _quiet_fit(SimpleRNNRegressor(units=2, max_iter=1, random_state=0,
                                          dtype="float64"), sequences, [1.0, 2.0, 3.0])
    real = np.concatenate(sequences)
    np.testing.assert_allclose(model.input_mean_, real.mean(axis=0))
    np.testing.assert_allclose(model.input_scale_, real.std(axis=0))


def test_classifier_on_large_inputs_learns():
    X, _ = _passengers_like(n=200)
    labels = np.where(X[:, -1] > X[:, -2], "rising", "falling")
    model = _quiet_fit(LSTMClassifier(units=8, max_iter=40, random_state=0), X, labels)
    assert model.score(X, labels) > 0.8   # 0.49 with scale_inputs=False


def test_a_fit_no_better_than_a_constant_says_so():
    # Windows that carry nothing about the target: every prediction is the same.
    X, y = np.ones((80, 5)), np.random.RandomState(0).normal(size=80)
    for model, target, measure in (
            (SimpleRNNRegressor(units=2, max_iter=5, random_state=0), y, "R²"),
            (SimpleRNNClassifier(units=2, max_iter=5, random_state=0),
             np.arange(80) % 3, "log-likelihood")):
        with pytest.warns(ConvergenceWarning) as record:
            model.fit(X, target)
        messages = [str(w.message) for w in record]
        assert any("no better than a constant" in m and measure in m for m in messages)


def test_a_good_fit_gives_no_constant_warning():
    X, y = _passengers_like(n=100)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SimpleRNNRegressor(units=8, max_iter=30, batch_size=32, random_state=0).fit(X, y)
    assert not [w for w in caught if "no better than a constant" in str(w.message)]


def test_sequence_scaler_ignores_nan_padding_and_ragged_lengths():
    rng = np.random.RandomState(0)
    sequences = [rng.normal(loc=5, scale=3, size=(n, 2)) for n in (4, 7, 2)]
    padded = np.full((3, 7, 2), np.nan)
    for row, sequence in zip(padded, sequences):
        row[:len(sequence)] = sequence
    from_list = SequenceScaler().fit(sequences)
    from_padded = SequenceScaler().fit(padded)
    real = np.concatenate(sequences)
    np.testing.assert_allclose(from_list.mean_, real.mean(axis=0))
    np.testing.assert_allclose(from_padded.scale_, real.std(axis=0))
    scaled = from_list.transform(sequences)
    assert [s.shape for s in scaled] == [(4, 2), (7, 2), (2, 2)]
    np.testing.assert_allclose(np.concatenate(scaled).mean(axis=0), 0, atol=1e-12)
    out = from_padded.transform(padded)
    assert np.isnan(out[0, 4:]).all() and np.isfinite(out[0, :4]).all()
    np.testing.assert_allclose(from_padded.inverse_transform(out), padded)


def test_sequence_scaler_uses_one_statistic_per_channel_of_2d_windows():
    X = np.arange(12.0).reshape(3, 4)
    scaler = SequenceScaler().fit(X)
    assert scaler.n_channels_ == 1 and scaler.n_features_in_ == 4
    np.testing.assert_allclose(scaler.transform(X), (X - X.mean()) / X.std())
    with pytest.raises(ValueError, match="channels"):
        scaler.transform(np.zeros((2, 4, 3)))


# Early stopping's validation split ---------------------------------------------

def _class_sorted(n=120, seed=0):
    """Separable two-class windows, sorted by class as UCR training sets often are."""
    rng = np.random.RandomState(seed)
    labels = np.repeat([0, 1], n // 2)
    X = rng.normal(size=(n, 10)) + np.where(labels, 1.0, -1.0)[:, np.newaxis]
    return X, labels


def test_classifier_early_stopping_holds_out_every_class():
    X, labels = _class_sorted()
    model = _quiet_fit(SimpleRNNClassifier(units=4, max_iter=30, early_stopping=True,
                                           random_state=0), X, labels)
    X_test, labels_test = _class_sorted(seed=1)
    assert model.score(X_test, labels_test) > 0.9
    # Scores are mean log-likelihoods of the true classes (at most 0), rising
    # from log(1/2) as the held-out sequences of both classes are learned.
    scores = model.validation_scores_
    assert max(scores) < 0.0 and scores[-1] > scores[0] + 0.1 and model.n_iter_ > 12
    with pytest.raises(ValueError, match="holds only class 1"):
        SimpleRNNClassifier(early_stopping=True, validation_split="tail").fit(X, labels)
    with pytest.raises(ValueError, match="validation_split"):
        SimpleRNNRegressor(early_stopping=True, validation_split="stratified").fit(X, labels)


def test_stratified_rows_keep_class_shares_and_a_training_row_per_class():
    from rnnforecast._estimators.classifier import stratified_rows

    labels = np.array([0] * 70 + [1] * 20 + [2] * 9 + [3])
    rows = stratified_rows(labels, 10, np.random.RandomState(0))
    assert len(rows) == 10 and len(set(rows)) == 10
    counts = np.bincount(labels[rows], minlength=4)
    assert counts.tolist() == [7, 2, 1, 0]    # the single class-3 row stays in training
    again = stratified_rows(labels, 10, np.random.RandomState(0))
    np.testing.assert_array_equal(rows, again)


def test_regressor_early_stopping_still_holds_out_the_tail():
    from rnnforecast._estimators.base import TrainingData

    X, y = _passengers_like(n=100)
    data = TrainingData(X[:, :, None], None, y[:, None], np.ones(100))
    model = SimpleRNNRegressor(early_stopping=True, random_state=0)
    held_out = model._validation_mask(data, reset=True)
    np.testing.assert_array_equal(np.flatnonzero(held_out), np.arange(80, 100))


# The linear skip path ----------------------------------------------------------------

def test_linear_skip_starts_from_ridge_on_the_standardised_windows():
    from sklearn.linear_model import Ridge

    from rnnforecast._estimators.ridge import SKIP_RIDGE

    X, y = _passengers_like(n=120)
    model = _quiet_fit(SimpleRNNRegressor(units=4, max_iter=1, learning_rate_init=1e-12,
                                          linear_skip=True, random_state=0,
                                          dtype="float64"), X, y)
    scaled = (X - X.mean()) / X.std()
    ridge = Ridge(alpha=SKIP_RIDGE).fit(scaled, (y - y.mean()) / y.std())
    expected = ridge.predict(scaled) * y.std() + y.mean()
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-6)
    assert model.linear_coef_.shape == (12, 1)
    np.testing.assert_array_equal(model.predict(X[:3]), model.predict(X)[:3])


def test_linear_skip_round_trips_and_refuses_what_it_cannot_serve(tmp_path):
    from rnnforecast.io.persistence import load_model, save_model

    X, y = _passengers_like(n=60)
    model = _quiet_fit(GRURegressor(units=3, max_iter=3, linear_skip=True,
                                    random_state=0), X, y)
    save_model(model, tmp_path / "skip.npz")
    np.testing.assert_array_equal(load_model(tmp_path / "skip.npz").predict(X),
                                  model.predict(X))
    with pytest.raises(ValueError, match="linear_skip=False"):
        model.predict(X, return_state=True)
    with pytest.raises(ValueError, match="windows of one length"):
        SimpleRNNRegressor(linear_skip=True).fit([X[0], X[1, :5]], y[:2])


@pytest.mark.parametrize("linear_skip,threshold", [(False, "AUTO_EARLY_STOPPING"),
                                                   ("auto", "AUTO_EARLY_STOPPING_SKIP")])
def test_early_stopping_auto_turns_on_from_a_sample_count(linear_skip, threshold):
    # A thousand samples in general; a hundred when the fit starts from the
    # skip path's ridge model, which every epoch must beat on validation.
    from rnnforecast._estimators import base as _base
    from rnnforecast._estimators import regressor as _regressor

    n = getattr(_base, threshold, None) or getattr(_regressor, threshold)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, 3))
    y = X.sum(axis=1)
    options = dict(units=2, max_iter=2, linear_skip=linear_skip, random_state=0)
    small = _quiet_fit(SimpleRNNRegressor(**options), X[:n - 1], y[:n - 1])
    large = _quiet_fit(SimpleRNNRegressor(**options), X, y)
    assert small.validation_scores_ is None and small.best_validation_score_ is None
    assert len(large.validation_scores_) == large.n_iter_
    off = _quiet_fit(SimpleRNNRegressor(**options, early_stopping=False), X, y)
    assert off.validation_scores_ is None


def test_a_network_that_never_beats_the_ridge_start_on_validation_is_not_kept():
    # A step size that wrecks the network every epoch: the fit falls back to
    # the ridge model it started from (the head at zero) instead of keeping
    # the best of the wrecked epochs.
    from sklearn.linear_model import Ridge

    from rnnforecast._estimators.ridge import SKIP_RIDGE

    X, y = _passengers_like(n=150)
    model = _quiet_fit(SimpleRNNRegressor(units=8, learning_rate_init=5.0, max_iter=5,
                                          n_iter_no_change=2, early_stopping=True,
                                          dtype="float64", random_state=0), X, y)
    assert model.best_validation_score_ > max(model.validation_scores_)
    scaled = (X - X.mean()) / X.std()
    ridge = Ridge(alpha=SKIP_RIDGE).fit(scaled, (y - y.mean()) / y.std())
    expected = ridge.predict(scaled) * y.std() + y.mean()
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-9)


def test_adaptive_learning_rate_lowers_the_step_on_a_plateau_instead_of_stopping():
    X, y = _passengers_like(n=80)
    options = dict(units=3, max_iter=60, tol=10.0, n_iter_no_change=2, random_state=0)
    constant = _quiet_fit(SimpleRNNRegressor(**options), X, y)
    adaptive = _quiet_fit(SimpleRNNRegressor(**options, learning_rate="adaptive"), X, y)
    # tol=10: only the first epoch improves, so constant stops after 1 + 3
    # epochs; adaptive divides 1e-3 by 5 instead, five times (to 3.2e-7 <=
    # 1e-6), 3 more epochs each, then stops.
    assert constant.n_iter_ == 4
    assert adaptive.n_iter_ == 4 + 3 * 5
    assert adaptive._optimizer.learning_rate == pytest.approx(1e-3 / 5 ** 5)


def test_a_loss_that_falls_slowly_but_steadily_is_not_stopped():
    # MLP's rule counts an epoch as progress only when it beats the best loss
    # by tol, so a loss falling by less than tol every epoch was stopped after
    # n_iter_no_change + 1 epochs. Progress now adds up from the last epoch
    # that counted.
    X, y = _passengers_like(n=80)
    options = dict(units=3, learning_rate_init=3e-4, linear_skip=False, max_iter=40,
                   random_state=0)
    probe = _quiet_fit(SimpleRNNRegressor(**options, tol=0.0), X, y)
    drops = -np.diff(probe.loss_curve_)
    assert (drops > 0).all()
    tol = 1.2 * drops.max()
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        model = SimpleRNNRegressor(**options, tol=tol).fit(X, y)
    assert model.n_iter_ == 40
    np.testing.assert_array_equal(model.loss_curve_, probe.loss_curve_)


def test_a_loss_that_stops_falling_by_tol_over_the_patience_stops():
    X, y = _passengers_like(n=80)
    options = dict(units=3, learning_rate_init=3e-4, linear_skip=False, max_iter=40,
                   random_state=0, n_iter_no_change=5)
    probe = _quiet_fit(SimpleRNNRegressor(**options, tol=0.0), X, y)
    # Epochs fall by less than this in six only later on: the fit stops
    # after six epochs without that much progress since the last that had it.
    curve = np.asarray(probe.loss_curve_)
    tol = 6.5 * -np.diff(curve)[-1]
    model = SimpleRNNRegressor(**options, tol=tol).fit(X, y)
    assert 7 < model.n_iter_ < 40
    reference = model.loss_curve_[-7]
    assert all(loss > reference - tol for loss in model.loss_curve_[-6:])


def test_skip_ridge_weights_count_as_repeats_and_match_sklearn():
    from sklearn.linear_model import Ridge

    from rnnforecast._estimators.ridge import ridge_fit

    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(40, 6)), rng.normal(size=(40, 2))
    weights = np.where(np.arange(40) < 10, 2.0, 1.0)
    coef, intercept = ridge_fit(X, Y, weights, alpha=0.5)
    repeated = np.vstack([X, X[:10]]), np.vstack([Y, Y[:10]])
    coef_r, intercept_r = ridge_fit(*repeated, np.ones(50), alpha=0.5)
    np.testing.assert_allclose(coef, coef_r, rtol=1e-10)
    np.testing.assert_allclose(intercept, intercept_r, rtol=1e-10)
    plain, _ = ridge_fit(X, Y, np.ones(40), alpha=0.5)
    np.testing.assert_allclose(plain.T, Ridge(alpha=0.5).fit(X, Y).coef_, rtol=1e-10)


# Per-series standardisation (scale_inputs="series") ---------------------------------

def test_series_scaling_equals_z_normalising_each_sequence_by_hand():
    rng = np.random.RandomState(3)
    X = rng.normal(size=(30, 9, 2)) * rng.uniform(1, 50, size=(30, 1, 2)) + 100
    y = rng.randint(0, 2, size=30)
    options = dict(units=3, max_iter=3, random_state=0, dtype="float64")
    inside = _quiet_fit(LSTMClassifier(**options, scale_inputs="series"), X, y)
    by_hand = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    outside = _quiet_fit(LSTMClassifier(**options, scale_inputs=False), by_hand, y)
    assert inside.series_scaling_ and inside.input_mean_ is None
    np.testing.assert_allclose(inside.params_, outside.params_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(inside.predict_proba(X), outside.predict_proba(by_hand),
                               rtol=1e-10)


def test_series_scaling_ignores_level_and_amplitude_at_predict():
    rng = np.random.RandomState(4)
    X = rng.normal(size=(20, 7, 1))
    y = rng.randint(0, 2, size=20)
    model = _quiet_fit(SimpleRNNClassifier(units=3, max_iter=2, random_state=0,
                                           dtype="float64", scale_inputs="series"), X, y)
    np.testing.assert_allclose(model.predict_proba(500 + 30 * X), model.predict_proba(X),
                               rtol=1e-9)


def test_series_scaling_uses_only_real_steps_of_padded_sequences():
    # The padding after a sequence's length must not enter its mean or std.
    rng = np.random.RandomState(5)
    X = 10 + 3 * rng.normal(size=(12, 6, 1))
    y = np.arange(12) % 2
    lengths = np.array([6, 4] * 6)
    model = _quiet_fit(SimpleRNNClassifier(units=3, max_iter=2, random_state=0,
                                           dtype="float64", scale_inputs="series"),
                       X, y, lengths=lengths)
    short = X[1:2, :4]
    padded = np.concatenate([short, np.full((1, 2, 1), 1e6)], axis=1)
    np.testing.assert_allclose(model.predict_proba(padded, lengths=[4]),
                               model.predict_proba(short), rtol=1e-9)


def test_series_scaling_is_fixed_at_fit_and_survives_a_round_trip(tmp_path):
    from rnnforecast import load_model, save_model

    rng = np.random.RandomState(6)
    X, y = 40 + 5 * rng.normal(size=(16, 5, 1)), np.arange(16) % 2
    model = _quiet_fit(SimpleRNNClassifier(units=3, max_iter=2, random_state=0,
                                           scale_inputs="series"), X, y)
    expected = model.predict_proba(X)
    # Changed after fit, the scaling would no longer be the one the network
    # learned on: refused (predict, save, warm start) until set back.
    model.set_params(scale_inputs=True)
    with pytest.raises(ValueError, match="scale_inputs='series'"):
        model.predict_proba(X)
    with pytest.raises(ValueError, match="scale_inputs"):
        save_model(model, tmp_path / "changed.npz")
    model.set_params(scale_inputs="series")
    save_model(model, tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.series_scaling_ and loaded.input_mean_ is None
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)


def test_a_constant_sequence_is_centred_not_divided_by_zero():
    from rnnforecast._estimators.scaling import standardize_each_series

    X = np.array([[[3.0], [3.0], [3.0]], [[1.0], [2.0], [3.0]]])
    scaled = standardize_each_series(X)
    np.testing.assert_array_equal(scaled[0], 0.0)
    np.testing.assert_allclose(scaled[1, :, 0], [-1.224744871, 0.0, 1.224744871])
    assert scaled.dtype == X.dtype


@pytest.mark.parametrize("param, changed", [("scale_target", False), ("linear_skip", False)])
def test_a_regressor_refuses_a_changed_target_scaling_or_skip_path_until_set_back(
        param, changed, tmp_path):
    """Saving read these parameters, not what the fit did: changed after a
    fit, the file left out the target statistics or the skip path, and the
    loaded model predicted in scaled units (values near 0 for targets near
    100) or without its ridge part, silently."""
    from rnnforecast import load_model, save_model

    rng = np.random.RandomState(7)
    X = rng.normal(size=(30, 5, 1))
    y = 100 + 10 * X[:, -1, 0]
    model = _quiet_fit(SimpleRNNRegressor(units=3, max_iter=2, random_state=0), X, y)
    expected = model.predict(X)
    fitted = model.get_params()[param]
    model.set_params(**{param: changed})
    with pytest.raises(ValueError, match=f"{param}={fitted!r}"):
        model.predict(X)
    with pytest.raises(ValueError, match=param):
        save_model(model, tmp_path / "changed.npz")
    model.set_params(**{param: fitted})
    save_model(model, tmp_path / "m.npz")
    np.testing.assert_array_equal(load_model(tmp_path / "m.npz").predict(X), expected)
