"""Bad input gets a ValueError or TypeError naming the problem (the command
line: a message and exit status 2), before any Numba code runs.

The training and prediction entry points into the kernels are replaced by a
tripwire, so an input that slipped past validation fails the test instead
of reaching compiled code.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import Ridge

import rnnforecast._estimators.base as base
from rnnforecast import SimpleRNNClassifier, SimpleRNNRegressor
from rnnforecast.forecasting.backtest import backtest
from rnnforecast.forecasting.forecaster import WindowForecaster
from rnnforecast.forecasting.windows import make_windows
from rnnforecast.io.cli import main as cli_main
from rnnforecast.io.datasets import load_daily_min_temperatures

from conftest import CASES_TRIED

RNG = np.random.RandomState(0)
X = RNG.normal(size=(12, 5, 2))
Y = RNG.normal(size=12)
LABELS = np.array(["a", "b", "c"] * 4)


def _with(array, index, value):
    array = np.array(array, dtype=np.result_type(array, type(value)))
    array[index] = value
    return array


class KernelReached(AssertionError):
    pass


def _tripwire(*args, **kwargs):
    raise KernelReached("validation let bad input through to the kernels")


@pytest.fixture
def no_kernels(monkeypatch):
    for name in ("run_epoch", "predict_logits", "TrainingStep"):
        monkeypatch.setattr(base, name, _tripwire)


FIT_CASES = {
    "nan in X": (SimpleRNNRegressor(), _with(X, (0, 1, 1), np.nan), Y, "NaN"),
    "inf in X": (SimpleRNNRegressor(), _with(X, (3, 0, 0), np.inf), Y, "infinity"),
    "nan in y": (SimpleRNNRegressor(), X, _with(Y, 2, np.nan), "NaN"),
    "inf in y": (SimpleRNNRegressor(), X, _with(Y, 2, -np.inf), "infinity"),
    "nan in labels": (SimpleRNNClassifier(), X, _with(LABELS.astype(object), 0, np.nan), "NaN"),
    "1-D X": (SimpleRNNRegressor(), X[:, 0, 0], Y, "Expected 2D array"),
    "4-D X": (SimpleRNNRegressor(), X[..., None], Y, "4 dimensions"),
    "no samples": (SimpleRNNRegressor(), X[:0], Y[:0], "0 sample"),
    "no time steps": (SimpleRNNRegressor(), X[:, :0, 0], Y, "0 feature"),
    "no time steps 3-D": (SimpleRNNRegressor(), X[:, :0], Y, "time step"),
    "no features 3-D": (SimpleRNNRegressor(), X[:, :, :0], Y, "one feature"),
    "strings in X": (SimpleRNNRegressor(), X.astype(str), Y, "bytes/strings"),
    "words in X": (SimpleRNNRegressor(), np.full(X.shape, "warm", dtype=object), Y, "convert"),
    "complex X": (SimpleRNNRegressor(), X + 1j, Y, "Complex data not supported"),
    "strings as regression targets": (SimpleRNNRegressor(), X, LABELS, "bytes/strings"),
    "3-D y without return_sequences": (SimpleRNNRegressor(), X, X, "return_sequences"),
    "y per step of wrong length": (SimpleRNNRegressor(return_sequences=True), X,
                                   Y.reshape(12, 1).repeat(4, 1), "n_timesteps=5"),
    "one class": (SimpleRNNClassifier(), X, np.ones(12), "class"),
    "continuous labels": (SimpleRNNClassifier(), X, Y, "Unknown label type"),
    "y missing": (SimpleRNNRegressor(), X, None, "requires y"),
    "X and y lengths differ": (SimpleRNNRegressor(), X, Y[:-1], "inconsistent numbers of samples"),
    "X beyond float32": (SimpleRNNRegressor(), _with(X, (1, 2, 0), 1e300), Y,
                         r"X has values too large for float32 \(largest magnitude 1e\+300"),
    "y beyond float32": (SimpleRNNRegressor(), X, _with(Y, 4, -1e300), "y has values too large"),
    "ragged X beyond float32": (SimpleRNNRegressor(), [X[0], _with(X[1, :3], (0, 0), 1e300)],
                                Y[:2], r"X\[1\] has values too large"),
    "X beyond float64": (SimpleRNNRegressor(dtype="float64"),
                         _with(X.astype(np.longdouble), (0, 0, 0), np.longdouble("1e400")), Y,
                         "too large|infinity"),
    "weights beyond float32": (SimpleRNNRegressor(), X, Y, "infinity"),
}


@pytest.mark.parametrize("case", FIT_CASES)
def test_fit_rejects(case, no_kernels):
    model, X_bad, y_bad, message = FIT_CASES[case]
    weights = _with(np.ones(12), 0, 1e300) if case == "weights beyond float32" else None
    with pytest.raises((ValueError, TypeError), match=message):
        model.fit(X_bad, y_bad, sample_weight=weights)
    CASES_TRIED["bad inputs rejected before the kernels"] += 1


SAMPLE_WEIGHT_CASES = {
    "negative": (_with(np.ones(12), 3, -1.0), "Negative values"),
    "wrong length": (np.ones(11), r"sample_weight.shape"),
    "all zero": (np.zeros(12), "at least one non-zero"),
    "nan": (_with(np.ones(12), 0, np.nan), "NaN"),
    "2-D": (np.ones((12, 2)), "1D array"),
}


@pytest.mark.parametrize("case", SAMPLE_WEIGHT_CASES)
def test_fit_rejects_sample_weight(case, no_kernels):
    weights, message = SAMPLE_WEIGHT_CASES[case]
    with pytest.raises(ValueError, match=message):
        SimpleRNNRegressor().fit(X, Y, sample_weight=weights)
    CASES_TRIED["bad inputs rejected before the kernels"] += 1


PARAMETER_CASES = {
    "units zero": ({"units": 0}, "units"),
    "units negative": ({"units": -3}, "units"),
    "units tuple with zero": ({"units": (4, 0)}, "units"),
    "units empty tuple": ({"units": ()}, "units"),
    "units float": ({"units": 2.5}, "units"),
    "units bool in tuple": ({"units": (4, True)}, "units"),
    "batch_size zero": ({"batch_size": 0}, "batch_size"),
    "max_iter zero": ({"max_iter": 0}, "max_iter"),
    "learning rate zero": ({"learning_rate_init": 0.0}, "learning_rate_init"),
    "dropout one": ({"dropout": 1.0}, "dropout"),
    "recurrent_dropout negative": ({"recurrent_dropout": -0.1}, "recurrent_dropout"),
    "validation_fraction one": ({"validation_fraction": 1.0}, "validation_fraction"),
    "n_iter_no_change zero": ({"n_iter_no_change": 0}, "n_iter_no_change"),
    "clipnorm zero": ({"clipnorm": 0.0}, "clipnorm"),
    "clipvalue negative": ({"clipvalue": -1.0}, "clipvalue"),
    "alpha negative": ({"alpha": -1.0}, "alpha"),
    "unknown solver": ({"solver": "lbfgs"}, "solver"),
    "unknown activation": ({"activation": "sigmoid"}, "activation"),
    "unknown initializer": ({"recurrent_initializer": "he"}, "recurrent_initializer"),
    "dtype float16": ({"dtype": "float16"}, "dtype"),
    "dtype int type": ({"dtype": int}, "dtype"),
    # scikit-learn reads True as 1 for numeric parameters; units=True was
    # already refused, max_iter=True trained one epoch.
    "max_iter True": ({"max_iter": True}, "'max_iter' parameter .* not a boolean"),
    "batch_size True": ({"batch_size": True}, "'batch_size' parameter .* not a boolean"),
    "dropout False": ({"dropout": False}, "'dropout' parameter .* not a boolean"),
}


@pytest.mark.parametrize("case", PARAMETER_CASES)
def test_fit_rejects_parameters(case, no_kernels):
    params, message = PARAMETER_CASES[case]
    with pytest.raises(ValueError, match=message):
        SimpleRNNRegressor(**params).fit(X, Y)
    CASES_TRIED["bad inputs rejected before the kernels"] += 1


def test_a_scalar_sample_weight_is_broadcast_as_in_sklearn():
    # sample_weight=2.0 was a TypeError; scikit-learn repeats a scalar.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scalar = SimpleRNNRegressor(units=3, max_iter=2, random_state=0).fit(
            X, Y, sample_weight=2.0)
        array = SimpleRNNRegressor(units=3, max_iter=2, random_state=0).fit(
            X, Y, sample_weight=np.full(len(X), 2.0))
    np.testing.assert_array_equal(scalar.params_, array.params_)


def test_early_stopping_on_one_held_out_sample_is_refused(no_kernels):
    # One held-out sample gave an R² per epoch that scikit-learn calls
    # undefined (62 UndefinedMetricWarnings on 5 forecasting windows).
    with pytest.raises(ValueError, match="would hold out 1 of 5 samples.*too few to score"):
        SimpleRNNRegressor(early_stopping=True).fit(X[:5], Y[:5])


def test_early_stopping_needs_training_samples(no_kernels):
    model = SimpleRNNRegressor(early_stopping=True, validation_fraction=0.5)
    with pytest.raises(ValueError, match="leaves no training samples"):
        model.fit(X[:1], Y[:1])


def test_class_weight_with_sequences_is_refused(no_kernels):
    labels = np.array([["a", "b"] * 2 + ["a"]] * 12)
    model = SimpleRNNClassifier(return_sequences=True, class_weight="balanced")
    with pytest.raises(ValueError, match="class_weight is not supported"):
        model.fit(X, labels)


@pytest.fixture(scope="module")
def fitted():
    return {
        "3-D": SimpleRNNRegressor(units=3, max_iter=1).fit(X, Y),
        "2-D": SimpleRNNRegressor(units=3, max_iter=1).fit(X[:, :, 0], Y),
    }


PREDICT_CASES = {
    "wrong time steps 3-D": ("3-D", X[:, :4],
                             "4 time steps, but SimpleRNNRegressor is expecting 5"),
    "wrong features 3-D": ("3-D", X[:, :, :1],
                           "1 features per time step, but SimpleRNNRegressor is expecting 2"),
    "wrong time steps 2-D": ("2-D", X[:, :4, 0],
                             "4 features, but SimpleRNNRegressor is expecting 5"),
    "multivariate into univariate": ("2-D", X, "2 features per time step"),
    "nan": ("3-D", _with(X, (0, 0, 0), np.nan), "NaN"),
    "empty": ("3-D", X[:0], "0 sample"),
    "4-D": ("3-D", X[..., None], "4 dimensions"),
    "beyond float32": ("3-D", _with(X, (0, 0, 0), -1e39), "X has values too large"),
    "complex": ("3-D", X + 1j, "Complex data not supported"),
    "strings": ("3-D", X.astype(str), "bytes/strings"),
}


@pytest.mark.parametrize("case", PREDICT_CASES)
def test_predict_rejects(case, fitted, monkeypatch):
    which, X_bad, message = PREDICT_CASES[case]
    model = fitted[which]
    monkeypatch.setattr(base, "predict_logits", _tripwire)
    with pytest.raises(ValueError, match=message):
        model.predict(X_bad)
    CASES_TRIED["bad inputs rejected before the kernels"] += 1


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba", "score"])
def test_unfitted_estimator_raises(method):
    args = (X, LABELS) if method == "score" else (X,)
    with pytest.raises(NotFittedError):
        getattr(SimpleRNNClassifier(), method)(*args)


def test_one_sample_fits_or_says_why():
    with pytest.warns(Warning):
        model = SimpleRNNRegressor(units=2, max_iter=2).fit(X[:1], Y[:1])
    assert np.isfinite(model.predict(X)).all()
    with pytest.raises(ValueError, match="number of classes has to be greater than one"):
        SimpleRNNClassifier(units=2, max_iter=2).fit(X[:1], LABELS[:1])


# The forecasting workflow: windows, the forecaster, the loader, the command line.

SERIES = pd.Series(np.arange(60.0), index=pd.date_range("2020-01-01", periods=60))
MONTHLY = pd.Series(np.arange(60.0), index=pd.date_range("2020-01-01", periods=60,
                                                         freq="MS"))


def _forecast_cli(tmp_path, values, *argv):
    path = tmp_path / "series.csv"
    pd.DataFrame({"date": SERIES.index.strftime("%Y-%m-%d"), "y": values}).to_csv(
        path, index=False)
    with pytest.raises(SystemExit) as stop:
        cli_main(["forecast", str(path), *argv])
    assert stop.value.code == 2
    raise ValueError("command line refused it")


WORKFLOW_CASES = {
    "windows of a series with NaN": (lambda: make_windows(SERIES.where(SERIES != 3), 5),
                                     "contain NaN"),
    "windows of infinities": (lambda: make_windows(SERIES.replace(4.0, np.inf), 5),
                              "infinite"),
    "windows of complex numbers": (lambda: make_windows(SERIES + 1j, 5),
                                   "Complex data not supported"),
    "windows of numbers as text": (lambda: make_windows(SERIES.astype(str), 5),
                                   "not real numbers"),
    "windows of an empty series": (lambda: make_windows(SERIES[:0], 5), "no window fits"),
    "window longer than the series": (lambda: make_windows(SERIES, 70), "no window fits"),
    "window length zero": (lambda: make_windows(SERIES, 0), "window_length"),
    "negative horizon": (lambda: make_windows(SERIES, 5, horizon=-1), "horizon"),
    "3-D array as a series": (lambda: make_windows(np.zeros((4, 3, 2)), 2), "3 dimensions"),
    "unsorted times": (lambda: make_windows(SERIES[::-1], 5), "not sorted"),
    "duplicated times": (lambda: make_windows(pd.concat([SERIES, SERIES[:1]]), 5),
                         "duplicated"),
    "forecaster on NaN": (lambda: WindowForecaster(window_length=5).fit(
        SERIES.where(SERIES != 3)), "contain NaN"),
    "forecaster on one observation": (lambda: WindowForecaster(window_length=5).fit(
        SERIES[:1]), "no window fits"),
    "forecaster on text": (lambda: WindowForecaster(window_length=5).fit(
        SERIES.astype(str)), "not real numbers"),
    "forecaster horizon zero": (lambda: WindowForecaster(window_length=5, horizon=0).fit(
        SERIES), "horizon"),
    "forecaster unknown strategy": (lambda: WindowForecaster(strategy="magic").fit(SERIES),
                                    "strategy"),
    "forecaster X of other length": (lambda: WindowForecaster(window_length=5).fit(
        SERIES, X=pd.DataFrame({"a": np.ones(59)}, index=SERIES.index[:59])), "59 rows"),
    "backtest with season zero": (lambda: backtest(
        WindowForecaster(Ridge(), 5), SERIES, n_splits=2, season=0), "season must be"),
    "backtest with a negative season": (lambda: backtest(
        WindowForecaster(Ridge(), 5), SERIES, n_splits=2, season=-7), "season must be"),
    "backtest with a fractional season": (lambda: backtest(
        WindowForecaster(Ridge(), 5), SERIES, n_splits=2, season=2.5), "season must be"),
    "backtest with no training left": (lambda: backtest(
        WindowForecaster(Ridge(), 5), SERIES, n_splits=3, test_size=20), "no training"),
    "backtest with zero splits": (lambda: backtest(
        WindowForecaster(Ridge(), 5), SERIES, n_splits=0), "n_splits"),
    "loader with a non-boolean flag": (lambda: load_daily_min_temperatures(
        fill_missing="yes"), "True or False"),
    # Each of these was a raw or misleading error (issue 11's message table).
    "forecaster calibration leaving no origin": (lambda: WindowForecaster(
        Ridge(), 5, calibration_fraction=0.001).fit(SERIES), "no calibration origin"),
    "monthly series missing a month": (lambda: WindowForecaster(Ridge(), 5).fit(
        MONTHLY.drop(MONTHLY.index[10])), r"spaced 'MS', but it misses \['2020-11-01"),
    "series too large to standardise": (lambda: WindowForecaster(Ridge(), 5).fit(
        SERIES * 1e306), "too large to standardise"),
    "missing time in the index": (lambda: WindowForecaster(Ridge(), 5).fit(
        pd.Series(SERIES.to_numpy(), index=SERIES.index.where(SERIES.index != SERIES.index[9]))),
        r"missing times \(NaT\) at positions \[9\]"),
    "exogenous column named like the target": (lambda: WindowForecaster(Ridge(), 5).fit(
        SERIES.rename("y"), pd.DataFrame({"y": np.ones(60)}, index=SERIES.index)),
        "named like the target"),
    "duplicated exogenous names": (lambda: WindowForecaster(Ridge(), 5).fit(
        SERIES, pd.DataFrame(np.ones((60, 2)), index=SERIES.index, columns=["a", "a"])),
        r"\['a'\] appear more than once"),
    "duplicated known_future": (lambda: WindowForecaster(
        Ridge(), 5, horizon=2, known_future=["a", "a"]).fit(
        SERIES, pd.DataFrame({"a": np.ones(60)}, index=SERIES.index)), "more than once"),
    "recursive future X of the wrong width": (lambda: WindowForecaster(
        Ridge(), 5, strategy="recursive").fit(
        SERIES, pd.DataFrame({"a": np.ones(60)}, index=SERIES.index)).predict(
        3, X=np.ones((3, 2))), r"shape \(steps, 1\).*got shape \(3, 2\)"),
    "forecaster window_length True": (lambda: WindowForecaster(Ridge(), True).fit(SERIES),
                                      "not a boolean"),
}


@pytest.mark.parametrize("case", WORKFLOW_CASES)
def test_workflow_rejects(case, no_kernels):
    call, message = WORKFLOW_CASES[case]
    with pytest.raises((ValueError, TypeError), match=message):
        call()
    CASES_TRIED["bad inputs rejected before the kernels"] += 1


@pytest.mark.parametrize("values,argv", [
    (SERIES.where(SERIES != 3).to_numpy(), []),
    (np.where(SERIES > 5, "warm", "cold"), []),
    (SERIES.to_numpy(), ["--window", "0"]),
    (SERIES.to_numpy(), ["--horizon", "0"]),
    (SERIES.to_numpy(), ["--window", "100"]),
    (SERIES.to_numpy(), ["--season", "0"]),
])
def test_command_line_rejects(values, argv, tmp_path, capsys, no_kernels):
    with pytest.raises(ValueError, match="command line refused it"):
        _forecast_cli(tmp_path, values, "--model", "simple", *argv)
    assert "error" in capsys.readouterr().err
    CASES_TRIED["bad inputs rejected before the kernels"] += 1
