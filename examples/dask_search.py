"""Tuning a forecaster on a Dask cluster
=====================================

Tune a WindowForecaster on a Dask cluster.

GridSearchCV with TimeSeriesSplit over the window length and the RNN's
units, its fits spread over a Dask cluster through joblib's "dask" backend.
Here the cluster is a LocalCluster of two worker processes on loopback; on a
real cluster, pass the scheduler's address to ``Client`` instead. The script
prints the search's results and, for each worker, how many kernels it
loaded from Numba's on-disk cache and how many it had to compile (a warm
cache means none).

Run with ``python examples/dask_search.py``.
"""

import time

import joblib
from dask.distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from rnnforecast import WindowForecaster, default_rnn, load_daily_min_temperatures


def compile_counts():
    from rnnforecast._core.jit import compile_counts as counts

    return counts()


def main():
    y = load_daily_min_temperatures()["1987":]
    search = GridSearchCV(
        WindowForecaster(default_rnn(random_state=0), horizon=1),
        {"window_length": [14, 29], "estimator__units": [16, 32]},
        cv=TimeSeriesSplit(n_splits=3, test_size=180), n_jobs=-1)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        started = time.perf_counter()
        with joblib.parallel_backend("dask"):
            search.fit(y)
        seconds = time.perf_counter() - started
        workers = client.run(compile_counts)
    print(f"{len(search.cv_results_['params'])} candidates x 3 folds in {seconds:.1f} s "
          f"on {len(workers)} Dask workers")
    for params, score in zip(search.cv_results_["params"],
                             search.cv_results_["mean_test_score"]):
        print(f"  {params}: mean R² {score:.4f}")
    print(f"best: {search.best_params_}")
    for address, counts in workers.items():
        print(f"  worker {address}: {counts['loaded']} kernels loaded from cache, "
              f"{counts['compiled']} compiled")
    print("next day:", search.best_estimator_.predict().round(2).to_dict())
    return search, workers


if __name__ == "__main__":
    main()
