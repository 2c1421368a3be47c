"""Seed averaging: the mean of clones fitted from their own seeds."""

import numpy as np
import pytest
from sklearn.base import clone

from rnnforecast import SimpleRNNClassifier, SimpleRNNRegressor
from rnnforecast.ensemble import SeedAveragingClassifier, SeedAveragingRegressor

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 6))
Y = X[:, -2:].sum(axis=1)
LABELS = np.where(Y > 0, "up", "down")
SMALL = dict(units=3, max_iter=5)


def test_regressor_averages_its_clones_and_is_reproducible():
    model = SeedAveragingRegressor(SimpleRNNRegressor(**SMALL), n_seeds=3,
                                   random_state=0).fit(X, Y)
    assert len(model.estimators_) == 3 and len(set(model.seeds_)) == 3
    by_hand = [clone(SimpleRNNRegressor(**SMALL)).set_params(random_state=int(seed))
               .fit(X, Y).predict(X) for seed in model.seeds_]
    np.testing.assert_array_equal(model.predict(X), np.mean(by_hand, axis=0))
    again = SeedAveragingRegressor(SimpleRNNRegressor(**SMALL), n_seeds=3,
                                   random_state=0).fit(X, Y)
    np.testing.assert_array_equal(model.predict(X), again.predict(X))


def test_classifier_averages_probabilities():
    model = SeedAveragingClassifier(SimpleRNNClassifier(**SMALL), n_seeds=2,
                                    random_state=1).fit(X, LABELS)
    proba = model.predict_proba(X)
    expected = np.mean([m.predict_proba(X) for m in model.estimators_], axis=0)
    np.testing.assert_array_equal(proba, expected)
    assert list(model.classes_) == ["down", "up"]
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


def test_lengths_reach_every_clone():
    sequences = [RNG.normal(size=(n, 2)) for n in (3, 6, 4, 5)]
    padded = np.zeros((4, 6, 2))
    for row, sequence in zip(padded, sequences):
        row[:len(sequence)] = sequence
    model = SeedAveragingRegressor(SimpleRNNRegressor(**SMALL), n_seeds=2,
                                   random_state=0).fit(sequences, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(model.predict(padded, lengths=[3, 6, 4, 5]),
                               model.predict(sequences))


def test_bad_n_seeds_is_refused():
    with pytest.raises(ValueError, match="n_seeds"):
        SeedAveragingRegressor(SimpleRNNRegressor(), n_seeds=0).fit(X, Y)
