"""Panels that cannot be read right are refused, never read wrong (issue
25): missing series ids, a (time, id) MultiIndex, duplicated wide columns,
and new observations under other names."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from rnnforecast import WindowForecaster


def _daily(n=40, level=10.0, name="temp"):
    index = pd.date_range("2000-01-01", periods=n, freq="D")
    return pd.Series(level + np.sin(np.arange(n) / 3), index=index, name=name)


def _forecaster():
    return WindowForecaster(Ridge(), window_length=5, horizon=2, window_normalization=None)


def _long(**series):
    return pd.concat(series, names=["id", "t"])


@pytest.mark.parametrize("missing", [np.nan, None])
def test_a_series_without_an_id_is_refused_not_dropped(missing):
    y = _long(a=_daily(), b=_daily(level=100.0))
    ids = y.index.get_level_values(0).to_numpy(dtype=object)
    ids[ids == "b"] = missing
    y.index = pd.MultiIndex.from_arrays([ids, y.index.get_level_values(1)], names=["id", "t"])
    with pytest.raises(ValueError, match="40 rows of y have no series id"):
        _forecaster().fit(y)


def test_a_multiindex_in_time_id_order_is_refused():
    y = _long(**{str(number): _daily(60, level=number) for number in range(3)})
    swapped = y.copy()
    swapped.index = pd.MultiIndex.from_arrays(
        [y.index.get_level_values(1), y.index.get_level_values(0).astype(int)],
        names=["t", "store"])
    with pytest.raises(ValueError, match=r"\(time, series id\) order.*swaplevel"):
        _forecaster().fit(swapped.sort_index())


def test_a_wide_frame_with_duplicated_series_names_is_refused():
    wide = pd.DataFrame({"a": _daily(), "b": _daily(level=100.0)})
    wide.columns = ["a", "a"]
    with pytest.raises(ValueError, match=r"'a'.*more than once"):
        _forecaster().fit(wide)


def test_update_under_another_target_name_is_refused_and_changes_nothing():
    forecaster = _forecaster().fit(_daily())
    before = forecaster.predict()
    new = pd.Series([10.0, 11.0], index=pd.date_range("2000-02-10", periods=2, freq="D"),
                    name="other")
    with pytest.raises(ValueError, match="'other'.*fitted on 'temp'"):
        forecaster.update(new)
    assert list(forecaster.histories_[None].columns) == ["temp"]
    pd.testing.assert_series_equal(forecaster.predict(), before)
    # Unnamed new values continue the target.
    forecaster.update(new.rename(None))
    assert list(forecaster.histories_[None].columns) == ["temp"]
    assert forecaster.histories_[None]["temp"].iloc[-1] == 11.0


def test_update_with_other_exogenous_names_is_refused():
    y = _daily()
    X = pd.DataFrame({"price": np.arange(40.0)}, index=y.index)
    forecaster = _forecaster().fit(y, X)
    index = pd.date_range("2000-02-10", periods=2, freq="D")
    with pytest.raises(ValueError, match=r"\['cost'\].*\['price'\]"):
        forecaster.update(pd.Series([1.0, 2.0], index=index, name="temp"),
                          pd.DataFrame({"cost": [1.0, 2.0]}, index=index))
    assert list(forecaster.histories_[None].columns) == ["temp", "price"]


def _round_trip(model, how):
    if how == "pickle":
        return pickle.loads(pickle.dumps(model))
    skops_io = pytest.importorskip("skops.io")
    from rnnforecast import skops_trusted_types

    return skops_io.loads(skops_io.dumps(model), trusted=skops_trusted_types())


@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_a_saved_model_keeps_its_time_zone(how):
    y = _daily()
    y.index = y.index.tz_localize("Australia/Melbourne")
    forecaster = _forecaster().fit(y)
    loaded = _round_trip(forecaster, how)
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())
    assert str(loaded.predict().index.tz) == "Australia/Melbourne"
    new = pd.Series([10.0, 11.0], name="temp", index=pd.date_range(
        y.index[-1] + pd.Timedelta(days=1), periods=2, freq="D"))
    pd.testing.assert_series_equal(loaded.update(new).predict(),
                                   forecaster.update(new).predict())


def test_new_data_at_another_spacing_is_refused_by_every_door():
    forecaster = _forecaster().fit(_daily())
    after = _daily().index[-1] + pd.Timedelta(days=1)
    hourly = pd.Series(np.arange(30.0), name="temp",
                       index=pd.date_range(after, periods=30, freq="h"))
    gappy = _daily(20).drop(_daily(20).index[[5, 6]])
    for door in (forecaster.update, lambda y: forecaster.predict(y=y)):
        with pytest.raises(ValueError, match="spaced"):
            door(hourly)
    with pytest.raises(ValueError, match="spaced"):
        forecaster.predict(y=gappy)


def test_a_month_end_model_refuses_monthly_periods_it_would_label_a_period_early():
    index = pd.date_range("2000-01-31", periods=40, freq="ME")
    y = pd.Series(10 + np.sin(np.arange(40.0)), index=index, name="sales")
    forecaster = _forecaster().fit(y)
    periods = y.copy()
    periods.index = index.to_period("M")
    with pytest.raises(ValueError, match="spaced"):
        forecaster.predict(y=periods)


def test_a_bare_array_continues_the_training_positions():
    values = 10 + np.sin(np.arange(60) / 3)
    forecaster = _forecaster().fit(values[:50])
    forecaster.update(values[50:53])
    assert list(forecaster.histories_[None].index) == list(range(48, 53))
    assert list(forecaster.predict().index) == [53, 54]
    np.testing.assert_allclose(forecaster.predict(), _forecaster().fit(values[:50]).predict(
        y=pd.Series(values[:53])))


def test_empty_partitions_are_skipped_and_no_partitions_are_refused():
    from sklearn.linear_model import SGDRegressor

    from rnnforecast import PartitionedPanel

    frame = _daily(name="y").rename_axis("t").reset_index().assign(id="a")
    empty = frame.iloc[:0]

    def fit(frames):
        forecaster = WindowForecaster(SGDRegressor(random_state=0), window_length=5,
                                      horizon=2, random_state=0)
        return forecaster.fit(PartitionedPanel.from_frames(frames, "id", "t", "y"))

    pd.testing.assert_series_equal(fit([empty, frame, empty]).predict(),
                                   fit([frame]).predict())
    for frames in ([], [empty, empty]):
        with pytest.raises(ValueError, match="no observations"):
            fit(frames)


@pytest.fixture(scope="module")
def calibrated():
    return WindowForecaster(Ridge(), window_length=5, horizon=2, window_normalization=None,
                            calibration_fraction=0.3).fit(_daily())


@pytest.mark.parametrize("call, message", [
    (lambda f: f.predict_quantiles(quantiles=[]), "quantiles is empty"),
    (lambda f: f.predict_quantiles(quantiles="0.5"), "a number in"),
    (lambda f: f.predict_quantiles(quantiles=[0.5, 0.5]), "twice"),
    (lambda f: f.predict_interval(coverage=[]), "coverage is empty"),
    (lambda f: f.predict_interval(coverage=[0.8, 0.8]), "twice"),
    (lambda f: f.predict(steps=2.0), "an int or a sequence"),
    (lambda f: f.update(_daily().iloc[:0]), "no observations"),
])
def test_the_small_ones_are_clear_value_errors(calibrated, call, message):
    before = calibrated.predict()
    with pytest.raises(ValueError, match=message):
        call(calibrated)
    pd.testing.assert_series_equal(calibrated.predict(), before)


def test_a_panel_mixing_kinds_of_time_is_refused_naming_them():
    naive = _daily()
    aware = naive.copy()
    aware.index = aware.index.tz_localize("UTC")
    with pytest.raises(ValueError, match="mix time zones"):
        _forecaster().fit(_long(a=naive, b=aware))
    periods = naive.copy()
    periods.index = periods.index.to_period("D")
    with pytest.raises(ValueError, match="mix periods with timestamps"):
        _forecaster().fit(_long(a=naive, b=periods))


def test_partitions_mixing_kinds_of_time_are_refused_as_one_panel_is():
    """Found by the door property: each partition of one kind, the second
    of another, fitted a model whose forecasts mixed time zones (or labelled
    periods as timestamps), where the same panel in memory is refused."""
    from sklearn.linear_model import SGDRegressor

    from rnnforecast import PartitionedPanel

    naive = _daily(name="y").rename_axis("t")
    aware, periods = naive.copy(), naive.copy()
    aware.index = aware.index.tz_localize("UTC")
    periods.index = periods.index.to_period("D")
    first = naive.reset_index().assign(id="a")
    for other, message in ((aware, "time zone"), (periods, "periods")):
        frames = [first, other.reset_index().assign(id="b")]
        forecaster = WindowForecaster(SGDRegressor(random_state=0), window_length=5,
                                      horizon=2, random_state=0)
        with pytest.raises(ValueError, match=f"Partition 1 .*{message}"):
            forecaster.fit(PartitionedPanel.from_frames(frames, "id", "t", "y"))


def test_parameters_set_after_fit_do_not_change_the_fitted_model():
    """Found in review: ``season``, ``fourier_terms`` and
    ``window_statistics_input`` were read from the parameters at predict, so
    set_params after fit changed (or broke) the forecasts of a fitted model;
    scikit-learn's models change only when refitted."""
    y = _long(a=_daily(60), b=_daily(60, level=20.0))
    forecaster = WindowForecaster(Ridge(), window_length=7, horizon=2, fourier_terms=2,
                                  window_normalization="mean", random_state=0).fit(y)
    before = forecaster.predict()
    for changed in ({"season": 5}, {"fourier_terms": 1}, {"window_statistics_input": True}):
        forecaster.set_params(**changed)
        pd.testing.assert_series_equal(forecaster.predict(), before)
    assert forecaster.season_ == 7


def test_a_forecaster_pickled_before_the_fitted_season_loads_and_predicts_the_same():
    y = _long(a=_daily(60), b=_daily(60, level=20.0))
    forecaster = WindowForecaster(Ridge(), window_length=7, horizon=2, fourier_terms=2,
                                  window_normalization="mean", window_statistics_input=True,
                                  random_state=0).fit(y)
    state = forecaster.__getstate__()
    for name in ("season_", "_position", "_statistics_input"):
        del state[name]
    old = WindowForecaster.__new__(WindowForecaster)
    old.__setstate__(state)
    assert old.season_ == 7 and old._position.n_terms == 2 and old._statistics_input
    pd.testing.assert_series_equal(old.predict(), forecaster.predict())


@pytest.mark.parametrize("changed", [{"horizon": 5}, {"horizon": 1},
                                     {"strategy": "recursive"}])
def test_predicting_after_changing_what_predict_reads_is_refused(changed):
    """Found in review: after set_params(strategy="recursive") a direct model
    forecast recursively, a silently different answer; horizon=5 gave
    NumPy's broadcast error, horizon=1 one step. The forecaster refuses
    until refitted, and predicts as fitted once the value is set back."""
    forecaster = _forecaster().fit(_daily(60))
    before = forecaster.predict()
    forecaster.set_params(**changed)
    name = next(iter(changed))
    for call in (forecaster.predict, lambda: forecaster.forecast_from(_daily(60), [50]),
                 lambda: forecaster.update(_daily(61).iloc[60:])):
        with pytest.raises(ValueError, match=f"{name} was changed.*fit again"):
            call()
    forecaster.set_params(horizon=2, strategy="direct")
    pd.testing.assert_series_equal(forecaster.predict(), before)


def test_the_es_rnn_forecasts_its_fitted_horizon_and_refuses_steps_as_values():
    from rnnforecast import ESRNNForecaster

    y = pd.Series(10 + np.sin(np.arange(48) * np.pi / 6) + np.arange(48) / 10,
                  index=pd.date_range("2000-01", periods=48, freq="MS"))
    forecaster = ESRNNForecaster(horizon=3, max_steps=10, units=4, random_state=0).fit(y)
    before = forecaster.predict()
    forecaster.set_params(horizon=6)
    pd.testing.assert_series_equal(forecaster.predict(), before)
    with pytest.raises(ValueError, match="at most 3"):
        forecaster.predict(steps=4)
    with pytest.raises(ValueError, match="steps must be an int >= 1"):
        forecaster.predict(steps=0)
    with pytest.raises(ValueError, match="steps must be an int >= 1"):
        forecaster.predict(steps=2.0)
