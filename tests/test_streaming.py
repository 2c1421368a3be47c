"""Training in chunks: windows cut lazily, panels read a partition at a
time (pandas frames, parquet files, a Dask DataFrame on a LocalCluster)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge, SGDRegressor

from rnnforecast import GRURegressor
from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.forecasting.panel import read_panel
from rnnforecast.forecasting.streaming import PartitionedPanel, chunk_plan, chunked


def _rows(n_series=7, seed=0):
    """A long panel as rows (store, month, sales, price): series of
    different lengths and starts, levels 0-600."""
    rng = np.random.RandomState(seed)
    frames = []
    for number in range(n_series):
        n = 40 + 7 * number
        t = np.arange(n)
        sales = (100 * number + 10 * np.sin(2 * np.pi * t / 12) + 0.2 * t
                 + rng.normal(size=n))
        months = pd.date_range("2001-01", periods=n, freq="MS") + pd.DateOffset(months=number)
        frames.append(pd.DataFrame({"store": f"s{number}", "month": months, "sales": sales,
                                    "price": rng.uniform(1, 2, n)}))
    return frames


def _long(frames):
    return pd.concat(frames).set_index(["store", "month"])["sales"]


def _forecaster(estimator=None, **params):
    estimator = SGDRegressor(random_state=0) if estimator is None else estimator
    return WindowForecaster(estimator, window_length=6, horizon=2, random_state=0,
                            **params)


class RecordingRegressor(RegressorMixin, BaseEstimator):
    """Remembers every chunk ``partial_fit`` gets; predicts zeros."""

    def partial_fit(self, X, y):
        self.chunks_ = getattr(self, "chunks_", []) + [(X.copy(), y.copy())]
        return self

    def fit(self, X, y):
        return self.partial_fit(X, y)

    def predict(self, X):
        return np.zeros((len(X), 2))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def test_chunked_regroups_every_row_in_order():
    pieces = [(np.arange(n)[:, None] + 100 * k, -np.arange(n) - 100 * k)
              for k, n in enumerate([3, 7, 1, 5])]
    chunks = [(X.copy(), y.copy()) for X, y in chunked(iter(pieces), 4)]
    assert [len(X) for X, _ in chunks] == [4, 4, 4, 4]
    np.testing.assert_array_equal(np.concatenate([X for X, _ in chunks]),
                                  np.concatenate([X for X, _ in pieces]))
    np.testing.assert_array_equal(np.concatenate([y for _, y in chunks]),
                                  np.concatenate([y for _, y in pieces]))


@pytest.mark.parametrize("n_rows, limit, expected", [(10, 4, 4), (12, 4, 4), (13, 4, 4),
                                                     (9, 4, 3), (5, 10, 5)])
def test_chunk_plan_splits_evenly_within_the_limit(n_rows, limit, expected):
    assert chunk_plan(n_rows, limit) == expected


def test_chunks_hold_every_window_once_per_epoch_and_never_more_than_asked():
    long = _long(_rows())
    whole = _forecaster(Ridge()).fit(long)
    expected_X, expected_y, _ = whole._panel_windows(read_panel(long))
    forecaster = _forecaster(RecordingRegressor(), chunk_windows=50, chunk_epochs=2).fit(long)
    chunks = forecaster.estimator_.chunks_
    assert max(len(X) for X, _ in chunks) <= 50
    seen_X = np.concatenate([X for X, _ in chunks])
    seen_y = np.concatenate([y for _, y in chunks])
    n_windows = len(expected_X)
    assert len(seen_X) == 2 * n_windows
    for epoch in range(2):
        part = slice(epoch * n_windows, (epoch + 1) * n_windows)
        assert _sorted_rows(seen_X[part].reshape(n_windows, -1), seen_y[part]) == \
            _sorted_rows(expected_X.reshape(n_windows, -1), expected_y)
    # Shuffled: not the time-ordered sequence of the in-memory fit.
    assert not np.array_equal(seen_X[:n_windows], expected_X)


def _sorted_rows(X, y):
    return sorted(map(tuple, np.round(np.hstack([X, y]), 12)))


def test_chunked_fit_keeps_each_series_scaling_and_history():
    long = _long(_rows())
    whole = _forecaster(Ridge()).fit(long)
    chunked_fit = _forecaster(chunk_windows=40).fit(long)
    assert list(chunked_fit._states) == list(whole._states)
    for key, state in whole._states.items():
        np.testing.assert_array_equal(chunked_fit._states[key].mean, state.mean)
        np.testing.assert_array_equal(chunked_fit._states[key].scale, state.scale)
        pd.testing.assert_frame_equal(chunked_fit.histories_[key], whole.histories_[key])


def test_partitions_give_the_in_memory_chunked_fit_bit_for_bit():
    frames = _rows()
    one_partition = PartitionedPanel.from_frames([pd.concat(frames)], "store", "month",
                                                 "sales")
    params = dict(chunk_windows=60, chunk_epochs=2, calibration_fraction=0.3)
    in_memory = _forecaster(**params).fit(_long(frames))
    streamed = _forecaster(**params).fit(one_partition)
    pd.testing.assert_series_equal(streamed.predict(), in_memory.predict())
    np.testing.assert_array_equal(streamed.calibration_errors_,
                                  in_memory.calibration_errors_)


def test_same_random_state_same_streamed_model():
    parts = PartitionedPanel.from_frames(
        [pd.concat(_rows()[:3]), pd.concat(_rows()[3:])], "store", "month", "sales")
    estimator = GRURegressor(units=4, random_state=0)
    first = _forecaster(estimator, chunk_windows=64).fit(parts)
    second = _forecaster(estimator, chunk_windows=64).fit(parts)
    np.testing.assert_array_equal(first.estimator_.params_, second.estimator_.params_)
    assert first.estimator_.t_ == sum(len(f) - 7 for f in _rows())


def test_streamed_gru_forecasts_each_series_at_its_level():
    frames = _rows()
    forecaster = _forecaster(GRURegressor(units=8, random_state=0), chunk_windows=64,
                             chunk_epochs=3).fit(
        PartitionedPanel.from_frames([pd.concat(frames[:4]), pd.concat(frames[4:])],
                                     "store", "month", "sales"))
    forecast = forecaster.predict()
    assert forecast.index.names == ["store", "month"]
    for number, frame in enumerate(frames):
        first = forecast.loc[f"s{number}"]
        assert first.index[0] == frame["month"].iloc[-1] + pd.DateOffset(months=1)
        assert abs(first.iloc[0] - frame["sales"].iloc[-12:].mean()) < 15


def test_partitions_carry_exogenous_columns():
    frames = _rows()
    long = pd.concat(frames).set_index(["store", "month"])
    parts = PartitionedPanel.from_frames([pd.concat(frames[:2]), pd.concat(frames[2:])],
                                         "store", "month", "sales", exog=["price"])
    streamed = _forecaster(chunk_windows=1000).fit(parts)
    assert streamed.exog_names_ == ["price"]
    in_memory = _forecaster(chunk_windows=1000).fit(long[["sales"]], long[["price"]])
    for key in in_memory._states:
        np.testing.assert_array_equal(streamed._states[key].scale,
                                      in_memory._states[key].scale)
    assert streamed.histories_["s1"].columns.tolist() == ["sales", "price"]


def test_parquet_files_train_as_their_frames(tmp_path):
    pytest.importorskip("pyarrow")
    frames = [pd.concat(_rows()[:3]), pd.concat(_rows()[3:])]
    for number, frame in enumerate(frames):
        frame.to_parquet(tmp_path / f"part-{number}.parquet")
    from_files = _forecaster(chunk_windows=50).fit(
        PartitionedPanel.from_parquet(tmp_path, "store", "month", "sales"))
    from_frames = _forecaster(chunk_windows=50).fit(
        PartitionedPanel.from_frames(frames, "store", "month", "sales"))
    pd.testing.assert_series_equal(from_files.predict(), from_frames.predict(),
                                   check_index_type=False)


def test_dask_partitions_on_a_local_cluster_give_the_serial_result():
    distributed = pytest.importorskip("distributed")
    dd = pytest.importorskip("dask.dataframe")
    frames = _rows()
    rows = pd.concat(frames, ignore_index=True)
    ddf = dd.from_pandas(rows.set_index("store"), npartitions=3, sort=True)
    assert ddf.npartitions == 3
    serial = _forecaster(GRURegressor(units=4, random_state=0), chunk_windows=64).fit(
        PartitionedPanel.from_frames([part.compute() for part in ddf.to_delayed()],
                                     "store", "month", "sales"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        on_cluster = _forecaster(GRURegressor(units=4, random_state=0)).set_params(
            chunk_windows=64).fit(PartitionedPanel.from_dask(ddf, "store", "month", "sales"))
    np.testing.assert_array_equal(on_cluster.estimator_.params_, serial.estimator_.params_)
    pd.testing.assert_series_equal(on_cluster.predict(), serial.predict())
    assert sorted(on_cluster.histories_) == sorted(f"s{n}" for n in range(len(frames)))


def test_a_series_split_over_two_partitions_is_refused():
    rows = pd.concat(_rows())
    parts = PartitionedPanel.from_frames([rows.iloc[:100], rows.iloc[100:]], "store",
                                         "month", "sales")
    with pytest.raises(ValueError, match="is in partitions 0 and 1: each series must"):
        _forecaster(chunk_windows=50).fit(parts)


def test_chunks_need_partial_fit():
    with pytest.raises(ValueError, match="partial_fit, which Ridge lacks"):
        _forecaster(Ridge(), chunk_windows=50).fit(_long(_rows()))


@pytest.mark.parametrize("change, message", [
    (lambda frame: frame.drop(columns="sales"), r"Partition 1 has no column\(s\) \['sales'\]"),
    (lambda frame: frame.assign(sales="x"), "Partition 1: Column"),
    (lambda frame: frame.set_index("store"), None),
])
def test_bad_partitions_are_refused_and_leave_the_fit_alone(change, message):
    frames = [pd.concat(_rows()[:3]), pd.concat(_rows()[3:])]
    forecaster = _forecaster(chunk_windows=50).fit(
        PartitionedPanel.from_frames(frames, "store", "month", "sales"))
    before = forecaster.predict()
    bad = PartitionedPanel.from_frames([frames[0], change(frames[1])], "store", "month",
                                       "sales")
    if message is None:  # the id as the index is read as the id column
        forecaster.fit(bad)
        pd.testing.assert_series_equal(forecaster.predict(), before)
        return
    with pytest.raises(ValueError, match=message):
        forecaster.fit(bad)
    pd.testing.assert_series_equal(forecaster.predict(), before)


def test_partitioned_panel_takes_no_separate_X():
    parts = PartitionedPanel.from_frames(_rows(), "store", "month", "sales")
    with pytest.raises(ValueError, match="X must be None"):
        _forecaster().fit(parts, X=pd.DataFrame())
