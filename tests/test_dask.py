"""Hyperparameter search on a local Dask cluster through joblib's backend.

The cluster (two worker processes, loopback only) is started by the test.
Dask is in the test extra, so CI runs this; elsewhere it is skipped when
``distributed`` is not installed.
"""

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from rnnforecast import SimpleRNNRegressor

distributed = pytest.importorskip("distributed")


def _compile_counts():
    from rnnforecast._core.jit import compile_counts

    return compile_counts()


def test_grid_search_on_a_two_worker_cluster_matches_the_serial_search():
    rng = np.random.RandomState(0)
    series = np.sin(np.arange(330) / 6) + 0.1 * rng.normal(size=330)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], 12)[:300]
    y = series[12:312]
    grid = {"units": [4, 8], "learning_rate_init": [1e-3, 1e-2]}
    estimator = SimpleRNNRegressor(max_iter=5, batch_size=32, random_state=0)
    serial = GridSearchCV(estimator, grid, cv=TimeSeriesSplit(3)).fit(X, y)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        search = GridSearchCV(estimator, grid, cv=TimeSeriesSplit(3), n_jobs=-1)
        with joblib.parallel_backend("dask"):
            search.fit(X, y)
        per_worker = client.run(_compile_counts)

    assert len(per_worker) == 2
    assert all(counts["compiled"] == 0 and counts["loaded"] > 0
               for counts in per_worker.values()), per_worker
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"],
                                  serial.cv_results_["mean_test_score"])
    assert search.best_params_ == serial.best_params_
