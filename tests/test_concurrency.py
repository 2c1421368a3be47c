"""Fitted estimators used from several threads; the Numba cache shared by
processes compiling at once, and unwritable."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rnnforecast import GRUClassifier, LSTMRegressor

from conftest import CASES_TRIED

N_THREADS = 8

# Fits a small model and prints its predictions and how the kernels were
# obtained; run in fresh processes with a chosen NUMBA_CACHE_DIR.
SCRIPT = """
import warnings
import numpy as np
from rnnforecast import LSTMRegressor
from rnnforecast._core.jit import compile_counts
warnings.simplefilter("ignore")
X = np.random.RandomState(0).normal(size=(30, 5, 2))
model = LSTMRegressor(units=3, max_iter=2, random_state=0).fit(X, X[:, 0, 0])
print(repr(model.predict(X[:4]).tolist()))
counts = compile_counts()
print(counts["loaded"], counts["compiled"])
"""


def _run(cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    return subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(process):
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    predictions, counts = out.strip().splitlines()
    return predictions, tuple(map(int, counts.split()))


@pytest.fixture(scope="module")
def fitted():
    X = np.random.RandomState(1).normal(size=(60, 7, 2))
    model = GRUClassifier(units=(5, 4), bidirectional=True, max_iter=3, random_state=0)
    with pytest.warns(Warning):
        model.fit(X, (X[:, 0, 0] > 0).astype(int))
    return model, X


def test_threads_predict_what_one_thread_does(fitted):
    model, X = fitted
    # Batches of every size from 1 to 60, so threads use cached one-window
    # workspaces and fresh large ones at the same time.
    batches = [X[i % 7:i % 7 + 1 + (i * 13) % 53] for i in range(4 * N_THREADS)]
    serial = [model.predict_proba(batch) for batch in batches]
    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        concurrent = list(pool.map(model.predict_proba, batches))
    for ours, theirs in zip(concurrent, serial):
        np.testing.assert_array_equal(ours, theirs)
    CASES_TRIED[f"concurrent predict calls on {N_THREADS} threads"] += len(batches)


def test_threads_share_a_model_with_state_and_lengths(fitted):
    model = LSTMRegressor(units=4, max_iter=2, random_state=0)
    sequences = [np.random.RandomState(i).normal(size=(3 + i % 6, 2)) for i in range(40)]
    with pytest.warns(Warning):
        model.fit(sequences, np.arange(40.0))

    def stream(i):
        piece = np.random.RandomState(100 + i).normal(size=(1, 12, 2))
        _, state = model.predict(piece[:, :5], return_state=True)
        return model.predict(piece[:, 5:], initial_state=state), model.predict(piece)

    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        for chunked, whole in pool.map(stream, range(4 * N_THREADS)):
            np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-6)
            CASES_TRIED[f"concurrent predict calls on {N_THREADS} threads"] += 3


def test_two_processes_compile_into_one_cache_at_once(tmp_path):
    first, second = _run(tmp_path), _run(tmp_path)
    (a, counts_a), (b, counts_b) = _finish(first), _finish(second)
    assert a == b
    assert counts_a[1] > 0 and counts_b[1] > 0
    # The cache they wrote together serves a third process whole.
    c, counts_c = _finish(_run(tmp_path))
    assert c == a and counts_c[1] == 0 and counts_c[0] > 0
    CASES_TRIED["processes sharing one Numba cache"] += 3


def test_unwritable_cache_falls_back_to_compiling(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    # Numba cannot create this directory; it must use another cache
    # location (the package's __pycache__ or the user's) or none, not fail.
    predictions, (loaded, compiled) = _finish(_run(blocker / "cache"))
    assert loaded + compiled > 0
    reference, _ = _finish(_run(tmp_path / "writable"))
    assert predictions == reference
    assert blocker.read_text() == "not a directory"
    CASES_TRIED["processes with an unwritable cache directory"] += 1


def test_a_second_fit_of_one_estimator_from_another_thread_is_refused(monkeypatch):
    # Two threads fitting one object used to finish with n_iter_ beyond
    # max_iter and a loss curve mixed from both datasets; predicting during
    # a refit raised raw reshape errors.
    import threading

    from rnnforecast import ConcurrentFitError, SimpleRNNRegressor
    from rnnforecast._estimators import base as _base

    X = np.random.RandomState(0).normal(size=(40, 5, 1))
    model = SimpleRNNRegressor(units=3, max_iter=3, random_state=0).fit(X, X[:, -1, 0])
    inside, release = threading.Event(), threading.Event()
    real = _base.run_epoch

    def slow_epoch(*args, **kwargs):
        inside.set()
        release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(_base, "run_epoch", slow_epoch)
    errors = []
    fitting = threading.Thread(target=lambda: model.fit(X, X[:, 0, 0]))
    fitting.start()
    assert inside.wait(timeout=60)
    for call in (lambda: model.fit(X, X[:, -1, 0]), lambda: model.predict(X)):
        try:
            call()
        except ConcurrentFitError as error:
            errors.append(str(error))
    release.set()
    fitting.join(timeout=60)
    assert len(errors) == 2 and "already being fitted" in errors[0]
    assert "being fitted in another thread" in errors[1]
    assert model.n_iter_ <= 3 and len(model.loss_curve_) == model.n_iter_
    model.predict(X)   # usable again once the fit has ended
