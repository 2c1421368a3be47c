"""Which windows a global model trains on, and how much each series weighs:
``max_samples_per_ts`` and ``series_weights``."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge, SGDRegressor
from sklearn.pipeline import make_pipeline

from rnnforecast import WindowForecaster, make_windows
from rnnforecast.forecasting.window_sampling import window_weights, windows_kept


class RecordingRidge(Ridge):
    """Ridge that keeps what its last ``fit`` was given."""

    def fit(self, X, y, sample_weight=None):
        self.seen_ = (np.array(X), None if sample_weight is None else np.array(sample_weight))
        return super().fit(X, y, sample_weight=sample_weight)


class RecordingSGD(SGDRegressor):
    """SGDRegressor that keeps the weights of every ``partial_fit`` call."""

    def partial_fit(self, X, y, sample_weight=None):
        self.weights_seen_ = getattr(self, "weights_seen_", []) + [np.array(sample_weight)]
        return super().partial_fit(X, y, sample_weight=sample_weight)


def _panel(lengths=(30, 60, 90), seed=0):
    rng = np.random.default_rng(seed)
    return pd.concat({f"s{number}": pd.Series(10 * (number + 1) + np.cumsum(rng.normal(size=n)))
                      for number, n in enumerate(lengths)}, names=["id", "t"])


def _forecaster(estimator=None, **params):
    return WindowForecaster(RecordingRidge() if estimator is None else estimator,
                            window_length=5, horizon=2, scaler=None,
                            window_normalization=None, deseasonalize=None, **params)


def test_windows_kept_caps_at_the_most_recent():
    assert windows_kept(40, None) == 40
    assert windows_kept(40, 12) == 12
    assert windows_kept(5, 12) == 5


def test_equal_weights_give_every_series_the_same_total_and_average_one():
    counts = {"a": 4, "b": 20, "c": 100}
    weights = window_weights(counts, "equal")
    totals = [weights[key] * count for key, count in counts.items()]
    np.testing.assert_allclose(totals, totals[0])
    mean = sum(weights[key] * count for key, count in counts.items()) / sum(counts.values())
    assert mean == pytest.approx(1.0)


def test_no_weights_and_one_series_need_none():
    assert window_weights({"a": 3, "b": 4}, None) is None
    assert window_weights({None: 30}, "equal") is None


@pytest.mark.parametrize("weights, error, match", [
    ({"zz": 1.0}, ValueError, "names series \\['zz'\\]"),
    ({"a": -1.0}, ValueError, "finite and non-negative"),
    ({"a": np.nan}, ValueError, "finite and non-negative"),
    ({"a": True}, TypeError, "real number"),
    ({"a": "2"}, TypeError, "real number"),
    ({"a": 0, "b": 0.0}, ValueError, "nothing to learn"),
])
def test_bad_series_weights_are_refused(weights, error, match):
    with pytest.raises(error, match=match):
        window_weights({"a": 3, "b": 4}, weights)


def test_a_mapping_of_weights_for_one_series_is_refused():
    with pytest.raises(ValueError, match="one series needs none"):
        window_weights({None: 30}, {"a": 1.0})


def test_max_samples_per_ts_trains_on_each_series_last_windows():
    panel = _panel()
    forecaster = _forecaster(max_samples_per_ts=7).fit(panel)
    seen, _ = forecaster.estimator_.seen_
    assert len(seen) == 3 * 7
    for key in ("s0", "s1", "s2"):
        X = make_windows(panel.loc[key].to_numpy(), window_length=5, horizon=2).X
        last = X[-7:].reshape(7, -1)
        # Each of the series' last 7 windows is among the rows trained on.
        for window in last:
            assert np.any(np.all(np.isclose(seen, window), axis=1))
        # Its earlier windows are not.
        assert not np.any(np.all(np.isclose(seen, X[-8].reshape(-1)), axis=1))


def test_max_samples_per_ts_above_every_series_changes_nothing():
    panel = _panel()
    every = _forecaster().fit(panel).predict()
    capped = _forecaster(max_samples_per_ts=1000).fit(panel).predict()
    pd.testing.assert_series_equal(every, capped)


def test_equal_series_weights_reach_fit_as_sample_weight():
    panel = _panel()
    forecaster = _forecaster(series_weights="equal").fit(panel)
    seen, weights = forecaster.estimator_.seen_
    n_windows = {key: len(panel.loc[key]) - 5 - 2 + 1 for key in ("s0", "s1", "s2")}
    assert len(weights) == len(seen) == sum(n_windows.values())
    assert sorted(np.unique(weights.round(12))) == sorted(
        {round(sum(n_windows.values()) / (3 * n), 12) for n in n_windows.values()})
    assert weights.mean() == pytest.approx(1.0)


def test_a_series_weighted_zero_leaves_the_model_of_the_others():
    panel = _panel()
    others = panel.drop("s1", level="id")
    weighted = _forecaster(Ridge(), series_weights={"s1": 0.0}).fit(panel)
    without = _forecaster(Ridge()).fit(others)
    np.testing.assert_allclose(weighted.predict().loc["s2"], without.predict().loc["s2"],
                               rtol=1e-9)


def test_weights_follow_the_windows_when_training_in_chunks():
    panel = _panel()
    forecaster = _forecaster(RecordingSGD(random_state=0), series_weights="equal",
                             chunk_windows=16).fit(panel)
    weights = np.concatenate(forecaster.estimator_.estimators_[0].weights_seen_)
    n_windows = [len(panel.loc[key]) - 5 - 2 + 1 for key in ("s0", "s1", "s2")]
    assert len(weights) == sum(n_windows)
    assert weights.sum() == pytest.approx(sum(n_windows))
    assert sorted(np.unique(weights.round(12))) == sorted(
        {round(sum(n_windows) / (3 * n), 12) for n in n_windows})


def test_an_estimator_without_sample_weight_is_refused_and_the_fit_kept():
    panel = _panel()
    forecaster = _forecaster(make_pipeline(Ridge())).fit(panel)
    before = forecaster.predict()
    forecaster.set_params(series_weights="equal")
    with pytest.raises(ValueError, match="Pipeline.fit does not accept"):
        forecaster.fit(_panel(seed=1))
    pd.testing.assert_series_equal(forecaster.predict(), before)


def test_unknown_series_in_the_weights_are_refused_through_fit():
    with pytest.raises(ValueError, match="names series \\['nope'\\]"):
        _forecaster(series_weights={"nope": 2.0}).fit(_panel())


def test_weighted_forecaster_pickles_without_its_fitting_weights():
    forecaster = _forecaster(series_weights="equal", max_samples_per_ts=9).fit(_panel())
    loaded = pickle.loads(pickle.dumps(forecaster))
    assert not hasattr(loaded, "_window_weights")
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())


def test_a_forecaster_saved_before_these_parameters_loads_with_them_unset():
    forecaster = _forecaster().fit(_panel())
    state = forecaster.__getstate__()
    for name in ("max_samples_per_ts", "series_weights", "deseasonalize", "season"):
        del state[name]
    old = WindowForecaster.__new__(WindowForecaster)
    old.__setstate__(state)
    params = old.get_params()
    assert params["max_samples_per_ts"] is None and params["series_weights"] is None
    pd.testing.assert_series_equal(old.predict(), forecaster.predict())
