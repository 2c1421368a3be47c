"""Saving and loading: pickle, joblib and the pickle-free ``.npz`` format,
in this process and in a fresh one with an empty Numba cache."""

import io
import json
import os
import pickle
import subprocess
import sys
import warnings
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import Ridge

from rnnforecast import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    SimpleRNNClassifier,
    SimpleRNNRegressor,
)
from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.io.persistence import _digest, load_model, save_model

from conftest import CASES_TRIED

RNG = np.random.RandomState(0)
X3 = RNG.normal(size=(40, 6, 2))
TARGET = X3[:, :, 0].sum(axis=1)
LABELS = np.where(TARGET > 0, "up", "down")
RAGGED = [RNG.normal(size=(n, 2)) for n in RNG.randint(2, 9, size=30)]
TOKENS = [RNG.randint(1, 20, size=n) for n in RNG.randint(2, 9, size=30)]
SMALL = dict(units=4, max_iter=3, random_state=0)

CASES = {
    "simple-regressor": (SimpleRNNRegressor(**SMALL), X3, TARGET),
    "simple-classifier-object-labels": (SimpleRNNClassifier(**SMALL), X3,
                                        LABELS.astype(object)),
    "lstm-regressor-float64": (LSTMRegressor(dtype="float64", **SMALL), X3, TARGET),
    "lstm-classifier-class-weight": (
        LSTMClassifier(class_weight={"up": 2.0, "down": 1.0}, **SMALL), X3, LABELS),
    "gru-regressor-sequences": (
        GRURegressor(return_sequences=True, units=(4, 3), max_iter=3, random_state=0),
        X3, X3[:, :, 1]),
    "gru-classifier-bidirectional": (
        GRUClassifier(bidirectional=True, **SMALL), X3, LABELS),
    "ragged-early-stopping": (
        LSTMRegressor(early_stopping=True, **SMALL), RAGGED,
        np.array([x.sum() for x in RAGGED])),
    "tokens": (GRUClassifier(embedding_dim=3, mask_zero=True, **SMALL), TOKENS,
               np.array([int(5 in t) for t in TOKENS])),
    "dataframe-windows": (
        SimpleRNNRegressor(**SMALL),
        pd.DataFrame(X3[:, :, 0], columns=[f"lag_{i}" for i in range(6)]), TARGET),
}


def _fit(case):
    model, X, y = CASES[case]
    with pytest.warns(Warning):
        return model.fit(X, y), X


def _predictions(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    out = model.predict(X)
    return np.concatenate(out) if isinstance(out, list) else out


@pytest.mark.parametrize("case", CASES)
def test_npz_round_trip_predicts_the_same(case, tmp_path):
    model, X = _fit(case)
    save_model(model, tmp_path / "model.npz")
    loaded = load_model(tmp_path / "model.npz")
    np.testing.assert_array_equal(_predictions(loaded, X), _predictions(model, X))
    assert type(loaded) is type(model)
    assert {k: v for k, v in loaded.get_params().items() if k != "units"} == \
        {k: v for k, v in model.get_params().items() if k != "units"}
    assert loaded.loss_curve_ == model.loss_curve_ and loaded.n_iter_ == model.n_iter_
    for name in ("classes_", "feature_names_in_", "n_timesteps_in_", "n_tokens_"):
        if hasattr(model, name):
            np.testing.assert_array_equal(getattr(loaded, name), getattr(model, name))
    CASES_TRIED["saved and loaded models (npz, pickle, joblib)"] += 1


@pytest.mark.parametrize("case", CASES)
def test_pickle_and_joblib_round_trip(case, tmp_path):
    model, X = _fit(case)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(_predictions(restored, X), _predictions(model, X))
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(_predictions(loaded, X), _predictions(model, X))
    CASES_TRIED["saved and loaded models (npz, pickle, joblib)"] += 2


def test_forecaster_pickles(tmp_path):
    y = pd.Series(np.sin(np.arange(200) / 5), index=pd.date_range("2020", periods=200))
    forecaster = WindowForecaster(SimpleRNNRegressor(**SMALL), window_length=10,
                                  horizon=3).fit(y)
    joblib.dump(forecaster, tmp_path / "forecaster.joblib")
    pd.testing.assert_series_equal(joblib.load(tmp_path / "forecaster.joblib").predict(),
                                   forecaster.predict())


def _rewrite(path, change):
    """Rewrite a saved file after ``change(files)``, digest untouched."""
    with np.load(path) as content:
        files = {key: content[key] for key in content.files}
    change(files)
    np.savez(path, **files)


def _rewrite_consistently(path, change):
    """Rewrite with ``change(metadata, arrays)`` and a recomputed digest, as
    someone editing the file on purpose would."""
    def edit(files):
        metadata = json.loads(str(files.pop("metadata")))
        files.pop("digest")
        change(metadata, files)
        document = json.dumps(metadata, sort_keys=True)
        files["digest"] = np.array(_digest(document, files))
        files["metadata"] = np.array(document)
    _rewrite(path, edit)


def test_altered_weights_are_refused(tmp_path):
    model, _ = _fit("simple-regressor")
    path = tmp_path / "model.npz"
    save_model(model, path)
    _rewrite(path, lambda files: files["params"].__setitem__(0, 1.0 + files["params"][0]))
    with pytest.raises(ValueError, match="does not match its SHA-256 digest"):
        load_model(path)
    CASES_TRIED["altered or foreign model files refused"] += 1


@pytest.mark.parametrize("change,match", [
    (lambda meta, arrays: meta["params"].__setitem__("units", 5), "the file does not match"),
    (lambda meta, arrays: meta.__setitem__("estimator", "os.system"), "unknown estimator"),
    (lambda meta, arrays: meta.__setitem__("format_version", 99), "format version 99"),
    (lambda meta, arrays: meta["params"].__setitem__("activation", "sigmoid"),
     "activation"),
    (lambda meta, arrays: arrays.__setitem__("params", arrays["params"] * np.nan),
     "not finite"),
    (lambda meta, arrays: arrays.__setitem__("params", arrays["params"].astype(np.float64)),
     "dtype float64"),
    # Counts that would allocate gigabytes, or fail in a reshape, before the
    # weights were compared with the network.
    (lambda meta, arrays: meta["fitted"].__setitem__("n_features_in_", 10 ** 9),
     "network its parameters describe has"),
    (lambda meta, arrays: meta["fitted"].__setitem__("n_outputs_", -1),
     "n_outputs_=-1, not a positive count"),
    (lambda meta, arrays: meta["params"].__setitem__("units", 100_000),
     "network its parameters describe has"),
    (lambda meta, arrays: meta["fitted"].pop("n_outputs_"), "lacks 'n_outputs_'"),
    # The file decided which attributes a loaded model got.
    (lambda meta, arrays: meta["fitted"].__setitem__("predict", 1), "unknown fitted"),
    (lambda meta, arrays: meta["fitted"].__setitem__("params_", [0.0]), "unknown fitted"),
    (lambda meta, arrays: meta["params"].__setitem__("bogus", 1), "unknown parameter"),
    (lambda meta, arrays: meta.__setitem__("params", [1, 2]), "not an rnnforecast"),
    (lambda meta, arrays: meta.__setitem__("fitted", "text"), "not an rnnforecast"),
])
def test_mismatched_files_are_refused(tmp_path, change, match):
    model, _ = _fit("simple-regressor")
    path = tmp_path / "model.npz"
    save_model(model, path)
    _rewrite_consistently(path, change)
    with pytest.raises(ValueError, match=match):
        load_model(path)
    CASES_TRIED["altered or foreign model files refused"] += 1


def test_files_that_are_not_models_are_refused(tmp_path):
    np.savez(tmp_path / "other.npz", weights=np.ones(3))
    with pytest.raises(ValueError, match="not an rnnforecast model file"):
        load_model(tmp_path / "other.npz")
    np.savez(tmp_path / "pickled.npz", metadata=np.array([{"code": "run"}], dtype=object))
    with pytest.raises(ValueError, match="not an rnnforecast model file"):
        load_model(tmp_path / "pickled.npz")
    CASES_TRIED["altered or foreign model files refused"] += 2


def test_malformed_files_are_value_errors(tmp_path):
    # A truncated file was a BadZipFile, an empty one an EOFError, a
    # directory an IsADirectoryError; an 890-byte file declaring a 10**12
    # element array asked for 3.6 TiB.
    model, _ = _fit("simple-regressor")
    save_model(model, tmp_path / "model.npz")
    content = (tmp_path / "model.npz").read_bytes()
    (tmp_path / "truncated.npz").write_bytes(content[:len(content) // 2])
    (tmp_path / "empty.npz").write_bytes(b"")
    (tmp_path / "folder.npz").mkdir()
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (10 ** 12,)})
    with zipfile.ZipFile(tmp_path / "huge.npz", "w") as archive:
        archive.writestr("params.npy", header.getvalue() + bytes(16))
    for name, match in (("truncated", "BadZipFile"), ("empty", "EOFError"),
                        ("folder", "is a directory"), ("huge", "declares shape")):
        with pytest.raises(ValueError, match=match):
            load_model(tmp_path / f"{name}.npz")
    assert (tmp_path / "huge.npz").stat().st_size < 1000
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.npz")
    CASES_TRIED["altered or foreign model files refused"] += 4


def test_a_name_without_extension_loads_what_save_model_wrote(tmp_path):
    model, X = _fit("simple-regressor")
    save_model(model, tmp_path / "noext")          # NumPy writes noext.npz
    np.testing.assert_array_equal(load_model(tmp_path / "noext").predict(X),
                                  model.predict(X))


def test_what_cannot_be_saved_without_pickle(tmp_path):
    with pytest.raises(TypeError, match="rnnforecast estimators"):
        save_model(Ridge(), tmp_path / "ridge.npz")
    with pytest.raises(NotFittedError):
        save_model(SimpleRNNRegressor(), tmp_path / "unfitted.npz")
    seeded = SimpleRNNRegressor(units=2, max_iter=1,
                                random_state=np.random.RandomState(0)).fit(X3, TARGET)
    with pytest.raises(TypeError, match="random_state.*skops"):
        save_model(seeded, tmp_path / "seeded.npz")


def test_save_model_points_other_objects_to_skops_and_that_advice_works(tmp_path):
    sio = pytest.importorskip("skops.io")
    import rnnforecast

    y = pd.Series(np.sin(np.arange(60) / 3), index=pd.RangeIndex(60))
    forecaster = WindowForecaster(Ridge(), window_length=5, horizon=2).fit(y)
    with pytest.raises(TypeError, match=r"skops\.io\.dump.*skops_trusted_types") as error:
        save_model(forecaster, tmp_path / "forecaster.npz")
    assert "joblib" not in str(error.value)
    # What the message says to do, done.
    sio.dump(forecaster, tmp_path / "forecaster.skops")
    loaded = sio.load(tmp_path / "forecaster.skops", trusted=rnnforecast.skops_trusted_types())
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())



def test_fresh_process_with_empty_numba_cache_predicts_the_same(tmp_path):
    model, X = _fit("lstm-regressor-float64")
    save_model(model, tmp_path / "model.npz")
    joblib.dump(model, tmp_path / "model.joblib")
    np.save(tmp_path / "X.npy", X)
    script = (
        "import sys, joblib, numpy as np\n"
        "from rnnforecast._core.jit import compile_counts\n"
        "from rnnforecast.io.persistence import load_model\n"
        "X = np.load(sys.argv[1] + '/X.npy')\n"
        "np.save(sys.argv[1] + '/npz.npy', load_model(sys.argv[1] + '/model.npz').predict(X))\n"
        "np.save(sys.argv[1] + '/joblib.npy',\n"
        "        joblib.load(sys.argv[1] + '/model.joblib').predict(X))\n"
        "print(compile_counts()['loaded'], compile_counts()['compiled'])\n")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "empty-cache"))
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env,
                            capture_output=True, text=True, timeout=600, check=True)
    loaded, compiled = map(int, result.stdout.split())
    assert loaded == 0 and compiled > 0
    expected = model.predict(X)
    np.testing.assert_array_equal(np.load(tmp_path / "npz.npy"), expected)
    np.testing.assert_array_equal(np.load(tmp_path / "joblib.npy"), expected)


def _skops_round_trip(obj):
    import skops.io as sio

    from rnnforecast.io.persistence import skops_trusted_types

    data = sio.dumps(obj)
    untrusted = sio.get_untrusted_types(data=data)
    assert set(untrusted) <= set(skops_trusted_types()), untrusted
    return sio.loads(data, trusted=skops_trusted_types())


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_estimator_round_trips_through_skops(case):
    model, X = _fit(case)
    np.testing.assert_array_equal(_predictions(_skops_round_trip(model), X),
                                  _predictions(model, X))
    CASES_TRIED["saved and loaded models (npz, pickle, joblib)"] += 1


def test_pipelines_and_forecasters_round_trip_through_skops():
    # Pipelines and WindowForecaster could be saved only with pickle; skops
    # refused the forecaster's pandas history until it was stored as arrays.
    from sklearn.pipeline import make_pipeline

    from rnnforecast.ensemble import SeedAveragingClassifier
    from rnnforecast.preprocessing import SequenceScaler

    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 6, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe = make_pipeline(SequenceScaler(), GRURegressor(units=3, max_iter=2,
                                                            random_state=0)).fit(X, X[:, -1, 0])
        labels = (X[:, -1, 0] > 0).astype(int)
        averaged = SeedAveragingClassifier(LSTMClassifier(units=3, max_iter=2),
                                           n_seeds=2, random_state=0).fit(X, labels)
        y = pd.Series(np.sin(np.arange(200) / 6) + 2,
                      index=pd.date_range("2020-01-01", periods=200, freq="D"))
        forecaster = WindowForecaster(SimpleRNNRegressor(units=3, max_iter=2), 10,
                                      horizon=3, target_transform="log", differences=[1],
                                      calibration_fraction=0.2).fit(y)
    np.testing.assert_array_equal(_skops_round_trip(pipe).predict(X), pipe.predict(X))
    np.testing.assert_array_equal(_skops_round_trip(averaged).predict_proba(X),
                                  averaged.predict_proba(X))
    loaded = _skops_round_trip(forecaster)
    pd.testing.assert_frame_equal(loaded.predict_interval(), forecaster.predict_interval())
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(forecaster)).predict_interval(),
                                  forecaster.predict_interval())
    assert isinstance(forecaster.history_, pd.DataFrame)   # dumping left it whole
    panel = pd.concat({"a": y, "b": 3 * y}, names=["store", "day"])
    panel_forecaster = WindowForecaster(Ridge(), 10, horizon=3,
                                        calibration_fraction=0.2).fit(panel)
    pd.testing.assert_frame_equal(_skops_round_trip(panel_forecaster).predict_interval(),
                                  panel_forecaster.predict_interval())
    CASES_TRIED["saved and loaded models (npz, pickle, joblib)"] += 5


def test_skops_refuses_types_outside_the_trusted_list():
    import skops.io as sio
    from sklearn.pipeline import make_pipeline

    from rnnforecast.io.persistence import skops_trusted_types

    X = np.random.RandomState(0).normal(size=(20, 5))
    pipe = make_pipeline(Halver(), Ridge()).fit(X, X[:, 0])
    data = sio.dumps(pipe)
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        sio.loads(data, trusted=skops_trusted_types())
    CASES_TRIED["altered or foreign model files refused"] += 1


class Halver(TransformerMixin, BaseEstimator):
    """A transformer of this test module: a type no trusted list names."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.asarray(X) / 2


def _with_document(path, document):
    """Rewrite the metadata as ``document`` (a string), with its digest."""
    def edit(files):
        files.pop("digest"), files.pop("metadata")
        files["digest"] = np.array(_digest(document, files))
        files["metadata"] = np.array(document)
    _rewrite(path, edit)


@pytest.mark.parametrize("document", ["[1, 2]", "[" * 100_000 + "]" * 100_000, "{",
                                      '"text"'])
def test_metadata_that_is_not_an_object_is_a_value_error(tmp_path, document):
    model, _ = _fit("simple-regressor")
    path = tmp_path / "model.npz"
    save_model(model, path)
    _with_document(path, document)
    with pytest.raises(ValueError, match="not an rnnforecast model file"):
        load_model(path)
    CASES_TRIED["altered or foreign model files refused"] += 1


def test_classes_must_fit_the_networks_outputs(tmp_path):
    model, _ = _fit("simple-classifier-object-labels")
    path = tmp_path / "model.npz"
    save_model(model, path)
    _rewrite_consistently(path, lambda meta, arrays: arrays.__setitem__(
        "classes", np.arange(len(arrays["classes"]) + 3)))
    with pytest.raises(ValueError, match="classes"):
        load_model(path)
    CASES_TRIED["altered or foreign model files refused"] += 1


def _bomb(tmp_path, member, n_bytes):
    """A saved model whose ``member`` is replaced by ``n_bytes`` of zeros,
    deflated into a small file (its header says what it holds)."""
    model, _ = _fit("simple-regressor")
    save_model(model, tmp_path / "model.npz")
    with np.load(tmp_path / "model.npz") as content:
        files = {key: content[key] for key in content.files}
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in files.items():
            if key == member:
                continue
            buffer = io.BytesIO()
            np.save(buffer, array)
            archive.writestr(f"{key}.npy", buffer.getvalue())
        header = io.BytesIO()
        dtype = "<U1" if member == "metadata" else "<f4"
        itemsize = 4
        np.lib.format.write_array_header_1_0(
            header, {"descr": dtype, "fortran_order": False,
                     "shape": () if member == "metadata" else (n_bytes // itemsize,)})
        with archive.open(f"{member}.npy", "w", force_zip64=True) as entry:
            entry.write(header.getvalue())
            chunk = bytes(1 << 20)
            for _ in range(n_bytes // len(chunk)):
                entry.write(chunk)
    return path


@pytest.mark.parametrize("member, n_bytes", [("params", 256 << 20), ("metadata", 64 << 20)])
def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, member, n_bytes):
    """A small file whose deflated member expands far beyond what the model
    it describes can hold is refused without inflating it (the 1.5 MB file
    of a 1.5 GiB array used to be inflated first)."""
    import tracemalloc

    path = _bomb(tmp_path, member, n_bytes)
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    with pytest.raises(ValueError, match="bytes"):
        load_model(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 << 20, peak
    CASES_TRIED["altered or foreign model files refused"] += 1
