"""Saving fitted estimators without pickle.

``pickle`` and ``joblib`` files run code when loaded: load them only from
sources you trust. :func:`save_model` writes a fitted rnnforecast estimator
as one ``.npz`` file holding plain arrays, the weights and a JSON document
of its parameters and fitted attributes, and :func:`load_model` reads it
with ``allow_pickle=False``, so loading runs no code from the file: the
estimator class is looked up in a fixed list, its parameters pass the
estimator's own validation, and every array is checked against the network
they describe. A SHA-256 digest of the content catches files that were
corrupted or edited by hand (it is not a signature: whoever can write the
file can recompute it).

What is saved: everything ``predict``, ``predict_proba`` and ``score`` use,
the parameters, and the training history (``loss_curve_``, ``n_iter_``...).
The optimizer's running moments are not: ``partial_fit`` or ``warm_start``
after loading start the optimizer afresh from the saved weights.

Examples
--------
>>> import numpy as np
>>> from rnnforecast import GRURegressor, load_model, save_model
>>> X = np.random.RandomState(0).normal(size=(20, 5, 1))
>>> model = GRURegressor(units=4, max_iter=2, random_state=0).fit(X, X[:, -1, 0])
>>> path = getfixture("tmp_path") / "model.npz"
>>> save_model(model, path)
>>> np.array_equal(load_model(path).predict(X), model.predict(X))
True
"""

import hashlib
import json
import math
import struct
import tokenize
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .._estimators.gru import GRUClassifier, GRURegressor
from .._estimators.lstm import LSTMClassifier, LSTMRegressor
from .._estimators.lstm_fcn import LSTMFCNClassifier
from .._estimators.pooling import pooled_length
from .._estimators.simple_rnn import SimpleRNNClassifier, SimpleRNNRegressor
from .._estimators.validation import check_units

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["load_model", "save_model", "skops_trusted_types"]

FORMAT = "rnnforecast-model"
FORMAT_VERSION = 2
# Version 1 files predate internal standardisation: their models ran on
# unscaled data, so they load with scale_inputs and scale_target off.
READABLE_VERSIONS = (1, 2)
ESTIMATORS = {cls.__name__: cls for cls in (
    SimpleRNNRegressor, SimpleRNNClassifier, LSTMRegressor, LSTMClassifier,
    GRURegressor, GRUClassifier, LSTMFCNClassifier)}
ITEMS = "__items__"
# What parsing a damaged file can raise, in NumPy's array headers (a header
# is Python literal syntax), the zip reader and the inflater: each becomes
# the ValueError of a file that is not a model.
CORRUPT_FILE_ERRORS = (ValueError, EOFError, zipfile.BadZipFile, tokenize.TokenError,
                       SyntaxError, KeyError, TypeError, zlib.error, struct.error,
                       OverflowError, NotImplementedError, UnicodeDecodeError,
                       DeprecationWarning, SyntaxWarning)
# What a model file's metadata and digest can take: the parameters and the
# training history of 10,000 epochs fit in a small part of it.
MAX_METADATA_BYTES = 4 << 20
# Room beyond the arrays' values in each member: its header, and text such
# as feature names.
MEMBER_SLACK_BYTES = 1 << 20
TUPLE = "__tuple__"
# Fitted attributes saved as JSON values, when the model has them.
HISTORY = ("n_iter_", "t_", "loss_", "best_loss_", "loss_curve_", "validation_scores_",
           "best_validation_score_", "start_validation_score_", "n_outputs_",
           "n_features_in_", "n_timesteps_in_",
           "n_tokens_", "_input_ndim", "_y_ndim", "_no_improvement_count", "pool_size_",
           "_loss_to_beat")
# Standardisation statistics, saved as arrays when the model has them.
SCALING = ("input_mean_", "input_scale_", "target_mean_", "target_scale_",
           "linear_coef_", "linear_intercept_")


def skops_trusted_types():
    """Names of the rnnforecast types ``skops.io.load`` may trust.

    ``skops.io`` (``pip install skops``) saves whole scikit-learn pipelines
    without pickle and loads only types it is told to trust. These are ours:
    the estimators, ``WindowForecaster``, ``SequenceScaler``, the seed
    averages and the plain objects they hold (network, layers, cells,
    optimizers, transforms), none of which runs code of the file's choosing
    when rebuilt. Pass the list, checked against
    ``skops.io.get_untrusted_types``, as ``trusted=``.

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> import numpy as np
    >>> import skops.io as sio
    >>> from sklearn.pipeline import make_pipeline
    >>> from rnnforecast import GRURegressor, SequenceScaler, skops_trusted_types
    >>> X = np.random.RandomState(0).normal(size=(20, 5, 1))
    >>> pipe = make_pipeline(SequenceScaler(), GRURegressor(units=4, max_iter=2,
    ...                                                     random_state=0))
    >>> pipe = pipe.fit(X, X[:, -1, 0])
    >>> data = sio.dumps(pipe)
    >>> untrusted = sio.get_untrusted_types(data=data)
    >>> set(untrusted) <= set(skops_trusted_types())
    True
    >>> np.array_equal(sio.loads(data, trusted=untrusted).predict(X), pipe.predict(X))
    True
    """
    from .._core import cells as _cells
    from .._core import layers as _layers
    from .._core import network as _network
    from .._core import optimizers as _optimizers
    from .._core import parameters as _parameters
    from ..ensemble import SeedAveragingClassifier, SeedAveragingRegressor
    from ..forecasting.forecaster import WindowForecaster
    from ..forecasting.season_position import SeasonPosition
    from ..forecasting.seasonality import SeasonalFactors
    from ..forecasting.transforms import Differencer, SeriesScaling, TargetTransform
    from ..preprocessing import SequenceScaler

    types = [*ESTIMATORS.values(), WindowForecaster, SequenceScaler,
             SeedAveragingRegressor, SeedAveragingClassifier, TargetTransform,
             Differencer, SeriesScaling, SeasonalFactors, SeasonPosition,
             _network.RecurrentNetwork,
             _layers.RecurrentLayer, _parameters.ParameterLayout, _cells.SimpleRNNCell,
             _cells.LSTMCell, _cells.GRUCell, _optimizers.Adam, _optimizers.RMSprop,
             _optimizers.SGD]
    return sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in types)


def save_model(model, path):
    """Write a fitted estimator to ``path`` (a ``.npz`` file) without pickle.

    Parameters
    ----------
    model : SimpleRNNRegressor, SimpleRNNClassifier, LSTMRegressor, \
LSTMClassifier, LSTMFCNClassifier, GRURegressor or GRUClassifier
        A fitted estimator.
    path : str or path-like
        Where to write; NumPy appends ``.npz`` if the name lacks it.

    Raises
    ------
    TypeError
        If ``model`` is not one of the estimators above, or a parameter or
        class label cannot be written as JSON or a plain array.
    sklearn.exceptions.NotFittedError
        If ``model`` is not fitted.
    """
    name = type(model).__name__
    if ESTIMATORS.get(name) is not type(model):
        raise TypeError(
            f"save_model writes rnnforecast estimators ({', '.join(ESTIMATORS)}); "
            f"got {name}. Save other objects (a WindowForecaster, a Pipeline, a "
            "seed average) without pickle with skops: skops.io.dump(obj, path), "
            "then skops.io.load(path, trusted=rnnforecast.skops_trusted_types()).")
    model._check_fitted()
    arrays = {"params": model.params_}
    if hasattr(model, "classes_"):
        arrays["classes"] = _plain_array(model.classes_, "classes_")
    if hasattr(model, "feature_names_in_"):
        arrays["feature_names"] = _plain_array(model.feature_names_in_, "feature_names_in_")
    if model._best_params is not None:
        arrays["best_params"] = model._best_params
    for key in SCALING:
        if getattr(model, key, None) is not None:
            arrays[key] = getattr(model, key)
    metadata = {"format": FORMAT, "format_version": FORMAT_VERSION, "estimator": name,
                "params": _json_params(model),
                "fitted": {key: _json_value(getattr(model, key))
                           for key in HISTORY if hasattr(model, key)}}
    document = json.dumps(metadata, sort_keys=True)
    np.savez(path, metadata=np.array(document), digest=np.array(_digest(document, arrays)),
             **arrays)


def load_model(path):
    """Read an estimator written by :func:`save_model`.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    model : estimator
        Fitted, predicting exactly as the saved one did.

    Raises
    ------
    ValueError
        If the file is not an rnnforecast model file, was written by a newer
        format, was altered or corrupted, or its arrays do not fit the
        network its parameters describe.
    """
    path = _existing_path(path)
    try:
        with np.load(path, allow_pickle=False) as content, warnings.catch_warnings():
            # A header NumPy never writes (one with an invalid escape) is damage.
            for category in (DeprecationWarning, SyntaxWarning):
                warnings.filterwarnings("error", "invalid escape sequence", category)
            # Nothing is inflated before its size is known to be in budget:
            # first the members' headers, then the metadata (capped), then the
            # arrays, each within what the network it describes can hold.
            _check_array_headers(content, path)
            document, digest = _read_metadata(content, path)
            metadata = _parsed(document, path)
            model = _built(metadata, path)
            _check_array_budget(content, model, metadata["fitted"], path)
            files = {key: content[key] for key in content.files
                     if key not in ("metadata", "digest")}
    except (*CORRUPT_FILE_ERRORS, OSError) as error:
        if isinstance(error, FileNotFoundError) or (
                isinstance(error, ValueError) and str(path) in str(error)):
            raise   # missing, or refused by a check here that names the file
        raise ValueError(f"{path} is not an rnnforecast model file "
                         f"({type(error).__name__}: {error}).") from None
    if _digest(document, files) != digest:
        raise ValueError(
            f"{path} does not match its SHA-256 digest: the file was altered or "
            "corrupted after it was saved.")
    try:
        _restore(model, metadata["fitted"], files, path)
    except KeyError as error:
        raise ValueError(f"{path} lacks {error.args[0]!r}: the file does not match.") \
            from None
    return model


def _read_metadata(content, path):
    """The metadata document and digest of an open file, the document read
    only if it is at most ``MAX_METADATA_BYTES``."""
    members = {info.filename: info for info in content.zip.infolist()}
    if "metadata.npy" not in members or "digest.npy" not in members:
        raise ValueError(f"{path} is not an rnnforecast model file (no metadata).")
    for name in ("metadata.npy", "digest.npy"):
        if members[name].file_size > MAX_METADATA_BYTES:
            raise ValueError(f"{path} holds {members[name].file_size} bytes of {name}, "
                             f"more than the {MAX_METADATA_BYTES} a model file writes.")
    return str(content["metadata"]), str(content["digest"])


def _parsed(document, path):
    """The metadata as a checked dict."""
    try:
        metadata = json.loads(document)
    except (ValueError, RecursionError) as error:
        raise ValueError(f"{path} is not an rnnforecast model file: its metadata is not "
                         f"JSON ({type(error).__name__}).") from None
    _check_header(metadata, path)
    return metadata


def _built(metadata, path):
    """A fresh estimator with the file's parameters, validated."""
    params = {key: _from_json(value) for key, value in metadata["params"].items()}
    known = ESTIMATORS[metadata["estimator"]]().get_params()
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(f"{path} sets unknown parameter(s) {unknown[:5]}: the file does "
                         "not match.")
    if metadata["format_version"] == 1:
        params["scale_inputs"] = False
        if "Regressor" in metadata["estimator"]:
            params["scale_target"] = False
            params["linear_skip"] = False
    model = ESTIMATORS[metadata["estimator"]](**params)
    model._validate_params()
    return model


def _check_array_budget(content, model, fitted, path):
    """Refuse, before inflating it, any array larger than the network the
    metadata describes can use: its weights, and inputs and outputs of the
    sizes it records (so a small compressed file cannot expand into
    gigabytes)."""
    network = _network_of(model, fitted, path)
    n_steps = fitted.get("n_timesteps_in_") or 1
    n_steps = n_steps if isinstance(n_steps, int) and n_steps > 0 else 1
    n_values = (network.layout.size + n_steps * network.n_features * fitted["n_outputs_"]
                + network.n_features + fitted["n_outputs_"] + 2)
    budget = 8 * n_values + MEMBER_SLACK_BYTES
    for info in content.zip.infolist():
        if info.file_size > budget:
            raise ValueError(
                f"{path} holds {info.file_size} bytes in {info.filename!r}, more than "
                f"the {budget} its network can use: the file does not match.")


def _existing_path(path):
    """``path``, or ``path.npz`` where only that exists: ``save_model``
    (through NumPy) appends ``.npz`` to a name without it."""
    path = Path(path)
    if not path.exists() and path.suffix != ".npz":
        with_suffix = path.with_name(path.name + ".npz")
        if with_suffix.exists():
            return with_suffix
    if path.is_dir():
        raise ValueError(f"{path} is a directory, not an rnnforecast model file.")
    return path


def _network_of(model, fitted, path):
    """The network ``fitted`` (the file's counts) describes for ``model``,
    its size known before any weight is read; the counts checked first."""
    for key in ("n_outputs_", "n_features_in_"):
        if key not in fitted:
            raise ValueError(f"{path} lacks {key!r}: the file does not match.")
    for key in ("n_outputs_", "n_features_in_", "n_tokens_"):
        value = fitted.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{path} records {key}={value!r}, not a positive "
                             "count: the file does not match.")
    if "n_tokens_" in fitted:
        model.n_tokens_ = fitted["n_tokens_"]
    if model.embedding_dim is not None:
        n_features = model.embedding_dim
    elif fitted.get("_input_ndim") == 2:
        n_features = 1
    else:
        n_features = fitted["n_features_in_"]
    steps = fitted.get("n_timesteps_in_")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int)
                              or steps < 1):
        raise ValueError(f"{path} records n_timesteps_in_={steps!r}, not a positive "
                         "count: the file does not match.")
    pool = fitted.get("pool_size_", 1)
    if isinstance(pool, bool) or not isinstance(pool, int) or pool < 1:
        raise ValueError(f"{path} records pool_size_={pool!r}, not a positive count: "
                         "the file does not match.")
    n_steps = None if steps is None else pooled_length(steps, pool)
    # From its description, before allocating it: a file claiming 10**9
    # features must not cost gigabytes to refuse.
    return model._make_network(n_features, check_units(model.units), fitted["n_outputs_"],
                               n_steps)


def _check_array_headers(content, path):
    """Refuse arrays whose headers declare more data than the file holds,
    before anything is allocated (an 890-byte file can declare 3.6 TiB)."""
    for info in content.zip.infolist():
        with content.zip.open(info) as member:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(member)
            else:
                shape, _, dtype = np.lib.format.read_array_header_2_0(member)
        declared = math.prod(shape) * dtype.itemsize
        if declared > info.file_size:
            raise ValueError(
                f"array {info.filename!r} declares shape {shape} of {dtype} "
                f"({declared} bytes) but its entry holds {info.file_size} bytes")


def _check_header(metadata, path):
    """Refuse metadata that is not the document ``save_model`` writes: an
    object with the format, a readable version, a known estimator, its
    parameters and only known fitted attributes."""
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT or not (
            isinstance(metadata.get("params"), dict)
            and isinstance(metadata.get("fitted"), dict)):
        raise ValueError(f"{path} is not an rnnforecast model file.")
    unknown = sorted(set(metadata["fitted"]) - set(HISTORY))
    if unknown:
        raise ValueError(f"{path} sets unknown fitted attribute(s) {unknown[:5]}: the "
                         "file does not match.")
    if metadata.get("format_version") not in READABLE_VERSIONS:
        raise ValueError(
            f"{path} has format version {metadata.get('format_version')}; this "
            f"rnnforecast reads versions {READABLE_VERSIONS}.")
    if metadata.get("estimator") not in ESTIMATORS:
        raise ValueError(
            f"{path} names an unknown estimator {metadata.get('estimator')!r}.")


def _restore(model, fitted, files, path):
    """Set the fitted state of a freshly built ``model`` from the file."""
    params = files["params"]
    if params.ndim != 1 or params.dtype != np.dtype(model.dtype):
        raise ValueError(
            f"{path} holds weights of dtype {params.dtype} and shape {params.shape}; "
            f"the estimator's dtype is {model.dtype}: the file does not match.")
    network = _network_of(model, fitted, path)
    n_features = network.n_features
    if network.layout.size != params.size:
        raise ValueError(
            f"{path} holds {params.size} weights, but the network its parameters "
            f"describe has {network.layout.size}: the file does not match.")
    model._initialize(network, params.dtype)
    for key, value in fitted.items():
        setattr(model, key, value)
    if "classes" in files:
        _check_classes(files["classes"], fitted["n_outputs_"], path)
        model.classes_ = files["classes"]
    if "feature_names" in files:
        model.feature_names_in_ = files["feature_names"].astype(object)
    if not np.isfinite(params).all():
        raise ValueError(f"{path} holds weights that are not finite.")
    model.params_[...] = params
    model._best_params = files.get("best_params")
    _restore_scaling(model, files, n_features, path)
    _restore_skip(model, files, path)


def _check_classes(classes, n_outputs, path):
    """Refuse class labels that the network's outputs cannot stand for: one
    output for two classes, one per class beyond."""
    expected = 1 if len(classes) == 2 else len(classes)
    if classes.ndim != 1 or len(classes) < 2 or expected != n_outputs:
        raise ValueError(f"{path} holds {len(classes)} classes for a network of "
                         f"{n_outputs} outputs: the file does not match.")


def _restore_skip(model, files, path):
    """Set the linear skip path of a ``linear_skip`` regressor, checked."""
    coef, intercept = files.get("linear_coef_"), files.get("linear_intercept_")
    if getattr(model, "linear_skip", False) is False or (
            model.linear_skip == "auto" and coef is None and intercept is None):
        # Off, or "auto" on input the path could not serve (ragged, tokens).
        model.linear_coef_ = model.linear_intercept_ = None
        return
    pooled_steps = pooled_length(model.n_timesteps_in_ or 0, getattr(model, "pool_size_", 1))
    n_inputs = pooled_steps * model._network.n_features
    n_targets = model._n_targets()
    if coef is None or intercept is None or coef.shape != (n_inputs, n_targets) \
            or intercept.shape != (n_targets,):
        raise ValueError(
            f"{path} lacks the linear skip path its parameters ask for, or it does "
            "not fit the network: the file does not match.")
    if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
        raise ValueError(f"{path} holds a linear skip path that is not finite.")
    model.linear_coef_, model.linear_intercept_ = coef, intercept


def _restore_scaling(model, files, n_features, path):
    """Set the standardisation statistics, checked against the network."""
    model.series_scaling_ = model.scale_inputs == "series" and model.embedding_dim is None
    expected = {"input_mean_": model.scale_inputs is True and model.embedding_dim is None,
                "target_mean_": getattr(model, "scale_target", False)}
    widths = {"input": n_features, "target": model._n_targets()}
    for mean_key, wanted in expected.items():
        kind = mean_key.split("_")[0]
        scale_key = f"{kind}_scale_"
        if not wanted:
            setattr(model, mean_key, None)
            setattr(model, scale_key, None)
            continue
        mean, scale = files.get(mean_key), files.get(scale_key)
        if mean is None or scale is None or mean.shape != (widths[kind],) \
                or scale.shape != (widths[kind],):
            raise ValueError(
                f"{path} lacks the {kind} standardisation its parameters ask for, "
                f"or it does not fit the network ({widths[kind]} values): the "
                "file does not match.")
        if not (np.isfinite(mean).all() and np.isfinite(scale).all() and (scale > 0).all()):
            raise ValueError(f"{path} holds {kind} standardisation statistics that "
                             "are not finite and positive.")
        setattr(model, mean_key, mean.astype(np.float64))
        setattr(model, scale_key, scale.astype(np.float64))


def _json_params(model):
    params = model.get_params()
    params["dtype"] = np.dtype(params["dtype"]).name
    for key, value in params.items():
        params[key] = _json_value(value, f"parameter {key}")
    return params


def _json_value(value, what="attribute"):
    """``value`` as plain JSON types, or a TypeError naming ``what``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, tuple):
        # Kept a tuple on loading, so get_params round-trips exactly.
        return {TUPLE: [_json_value(item, what) for item in value]}
    if isinstance(value, list):
        return [_json_value(item, what) for item in value]
    if isinstance(value, dict):
        # JSON keys are strings; items keep the keys' types (class labels).
        return {ITEMS: [[_json_value(k, what), _json_value(v, what)]
                        for k, v in value.items()]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"{what} = {value!r} cannot be saved without pickle; set it to a plain "
        "value (an int random_state, say), or save the whole object with skops "
        "(see rnnforecast.skops_trusted_types).")


def _from_json(value):
    """Undo ``_json_value`` for one parameter: dicts come back from items."""
    if isinstance(value, dict) and ITEMS in value:
        return {key: item for key, item in value[ITEMS]}
    if isinstance(value, dict) and TUPLE in value:
        return tuple(value[TUPLE])
    return value


def _plain_array(values, what):
    """``values`` as an array NumPy stores without pickle (numbers, or
    strings, which object arrays of strings become)."""
    array = np.asarray(values)
    if array.dtype.kind == "O" and all(isinstance(v, str) for v in array.ravel()):
        array = array.astype(str)
    if array.dtype.kind not in "biufU":
        raise TypeError(
            f"{what} holds values of dtype {array.dtype} that cannot be saved "
            "without pickle; save the whole object with skops instead (see "
            "rnnforecast.skops_trusted_types).")
    return array


def _digest(document, arrays):
    sha = hashlib.sha256(document.encode())
    for key in sorted(arrays):
        array = np.ascontiguousarray(arrays[key])
        sha.update(key.encode())
        sha.update(str(array.dtype).encode() + str(array.shape).encode())
        sha.update(array.tobytes())
    return sha.hexdigest()
