"""The kernels run as plain Python with ``NUMBA_DISABLE_JIT=1``, so that
coverage and ``pdb`` work inside them: the small gradient checks and a fit
of each cell, in a fresh process (the JIT setting is read at import)."""

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

FIT = """
import numpy as np
from rnnforecast import GRURegressor, LSTMClassifier, SimpleRNNRegressor
rng = np.random.RandomState(0)
X = rng.normal(size=(24, 5, 2)).astype(np.float32)
y = X[:, -1, 0] + X[:, 0, 1]
for model in (GRURegressor(units=4, max_iter=3, random_state=0),
              SimpleRNNRegressor(units=4, max_iter=3, random_state=0)):
    predicted = model.fit(X, y).predict(X)
    assert predicted.shape == (24,) and np.isfinite(predicted).all()
labels = (y > 0).astype(int)
proba = LSTMClassifier(units=4, max_iter=3, random_state=0).fit(X, labels).predict_proba(X)
assert np.allclose(proba.sum(axis=1), 1)
import numba
assert numba.config.DISABLE_JIT
print("fitted with the JIT off")
"""


def _without_jit(*args):
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    return subprocess.run([sys.executable, *args], env=env, cwd=TESTS.parent,
                          capture_output=True, text=True, timeout=600)


def test_small_gradient_checks_pass_with_the_jit_off():
    run = _without_jit("-m", "pytest", str(TESTS / "test_gradients.py"), "-k", "small",
                       "-p", "no:cacheprovider", "-W", "error")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "3 passed" in run.stdout


def test_estimators_fit_with_the_jit_off():
    run = _without_jit("-c", FIT)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "fitted with the JIT off" in run.stdout
