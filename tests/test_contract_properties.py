"""The input contract, by generation (issue 25): panels in every layout,
then one defect at a time. A door either reads a panel as its clean twin
would, or raises a ValueError; never another exception, never another
answer. ``RNNFORECAST_CONTRACT_EXAMPLES`` raises the number of panels (the
long run in ``tests/README.md``)."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge

from rnnforecast import WindowForecaster
from rnnforecast.forecasting.panel import read_panel

from conftest import CASES_TRIED

EXAMPLES = int(os.environ.get("RNNFORECAST_CONTRACT_EXAMPLES", 60))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
FREQUENCIES = ["D", "MS", "QS", "h"]
DEFECTS = ["none", "missing id", "time first", "duplicated row", "gap", "nan inside",
           "inf", "mixed zones", "periods and timestamps", "duplicated wide column"]


@st.composite
def panels(draw):
    """A clean panel as {id: Series}: 1-4 series of 12-30 observations at
    one frequency, each starting at its own time."""
    freq = draw(st.sampled_from(FREQUENCIES))
    ids = draw(st.lists(st.one_of(st.integers(0, 99).map(str), st.sampled_from(
        ["north", "south", "007", "7"])), min_size=1, max_size=4, unique=True))
    series = {}
    for number, key in enumerate(ids):
        n = draw(st.integers(12, 30))
        start = pd.Timestamp("2001-01-01") + pd.tseries.frequencies.to_offset(freq) * \
            draw(st.integers(0, 10))
        values = np.linspace(1, 2, n) * (number + 1) + np.sin(np.arange(n))
        series[key] = pd.Series(values, index=pd.date_range(start, periods=n, freq=freq),
                                name="sales")
    return series


def _long(series):
    return pd.concat(series, names=["id", "t"])


def _corrupt(series, defect, rng):
    """The panel in the long layout with ``defect`` (or the wide one, for a
    duplicated column); the key the defect touched."""
    keys = list(series)
    key = keys[rng.integers(len(keys))]
    series = {**series, key: _damage(series[key], defect)}
    if defect == "duplicated wide column":
        wide = pd.DataFrame(series)
        return wide.set_axis([keys[0]] * wide.shape[1], axis=1), key
    y = _long(series)
    if defect == "missing id":
        ids = y.index.get_level_values(0).to_numpy(dtype=object)
        ids[ids == key] = None
        y.index = pd.MultiIndex.from_arrays([ids, y.index.get_level_values(1)])
    elif defect == "time first":
        y = y.swaplevel().sort_index()
    elif defect == "duplicated row":
        y = pd.concat([y, y.iloc[:1]])
    return y, key


def _damage(one, defect):
    """Series ``one`` with ``defect`` if it is a defect of one series (the
    others are of a panel's layout: ``one`` as it is)."""
    one = one.copy()
    if defect == "gap":
        one = one.drop(one.index[len(one) // 2])
    elif defect == "nan inside":
        one.iloc[len(one) // 2] = np.nan
    elif defect == "inf":
        one.iloc[len(one) // 2] = np.inf
    elif defect == "mixed zones":
        one.index = one.index.tz_localize("UTC")
    elif defect == "periods and timestamps":
        one.index = one.index.to_period()
    elif defect == "duplicated row":
        one = pd.concat([one, one.iloc[-1:]])
    return one


def _expected_to_fail(defect, series):
    if defect == "none":
        return False
    if defect == "duplicated wide column":
        return len(series) > 1
    if defect in ("mixed zones", "periods and timestamps"):
        return len(series) > 1   # one series alone is of one kind
    return True


@SETTINGS
@given(series=panels(), defect=st.sampled_from([d for d in DEFECTS if d != "gap"]),
       seed=st.integers(0, 2 ** 16))
def test_read_panel_reads_the_clean_twin_or_names_the_defect(series, defect, seed):
    """Reading alone (a gap is the forecaster's to judge, against the
    spacing it was fitted on)."""
    y, _ = _corrupt(series, defect, np.random.default_rng(seed))
    if _expected_to_fail(defect, series):
        with pytest.raises(ValueError):
            read_panel(y)
    else:
        panel = read_panel(y)
        clean = read_panel(_long(series)).frames
        if isinstance(y, pd.DataFrame) and y.shape[1] == 1:
            # One column of a wide frame is one series, read without its id.
            clean = {None: next(iter(clean.values()))}
        assert set(panel.frames) == set(clean)
        for key, frame in clean.items():
            np.testing.assert_array_equal(panel.frames[key].to_numpy(), frame.to_numpy())
    CASES_TRIED["hypothesis: corrupted panels read or refused"] += 1


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 4))
@given(series=panels(), defect=st.sampled_from(DEFECTS), seed=st.integers(0, 2 ** 16))
def test_fit_and_predict_take_the_clean_twin_or_name_the_defect(series, defect, seed):
    y, _ = _corrupt(series, defect, np.random.default_rng(seed))
    forecaster = WindowForecaster(Ridge(), window_length=4, horizon=2,
                                  window_normalization=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if _expected_to_fail(defect, series):
            with pytest.raises(ValueError):
                forecaster.fit(y)
            fitted = forecaster.fit(_long(series))
            with pytest.raises(ValueError):
                fitted.predict(y=y)
        else:
            expected = WindowForecaster(Ridge(), window_length=4, horizon=2,
                                        window_normalization=None).fit(_long(series))
            np.testing.assert_allclose(forecaster.fit(y).predict().to_numpy(),
                                       expected.predict().to_numpy(), rtol=1e-10)
    CASES_TRIED["hypothesis: corrupted panels fitted or refused"] += 1


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    from rnnforecast import GRUClassifier, save_model

    X = np.random.default_rng(0).normal(size=(24, 5, 2))
    model = GRUClassifier(units=3, max_iter=2, random_state=0).fit(X, np.arange(24) % 3)
    path = tmp_path_factory.mktemp("saved") / "model.npz"
    save_model(model, path)
    return path.read_bytes(), model.predict_proba(X), X


@settings(SETTINGS, max_examples=max(20, EXAMPLES // 2))
@given(data=st.data())
def test_a_mutated_model_file_loads_as_saved_or_is_a_value_error(saved_model, tmp_path_factory,
                                                                  data):
    from rnnforecast import load_model

    content, expected, X = saved_model
    mutated = bytearray(content)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(mutated) - 1))
        mutated[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        mutated = mutated[:data.draw(st.integers(0, len(mutated)))]
    path = tmp_path_factory.mktemp("mutated") / "model.npz"
    path.write_bytes(bytes(mutated))
    try:
        loaded = load_model(path)
    except ValueError:
        pass
    else:
        np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    CASES_TRIED["hypothesis: mutated model files loaded as saved or refused"] += 1


def test_a_damaged_array_header_is_a_value_error(saved_model, tmp_path):
    """Found by the mutation run: one byte of an array's header turned into
    "(" made NumPy's header parser raise tokenize.TokenError."""
    from rnnforecast import load_model

    content = bytearray(saved_model[0])
    content[122] = ord("(")
    path = tmp_path / "model.npz"
    path.write_bytes(bytes(content))
    with pytest.raises(ValueError, match="not an rnnforecast model file"):
        load_model(path)


def test_an_array_header_with_an_invalid_escape_is_a_value_error(saved_model, tmp_path):
    """Found by the long mutation run: a header holding "\\c" made Python warn
    (DeprecationWarning) while NumPy parsed it, before any error."""
    from rnnforecast import load_model

    content = bytes(saved_model[0])
    start = content.index(b"'descr': '") + len(b"'descr': '")
    damaged = content[:start] + b"\\c" + content[start + 2:]
    path = tmp_path / "model.npz"
    path.write_bytes(damaged)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="not an rnnforecast model file"):
            load_model(path)
    assert not caught, [str(warning.message) for warning in caught]



# The other doors, by the same property. A door is a function of a panel
# (in any layout) that returns what the door gives; the clean panel's
# answer is the reference. Defects of one kind within one series (a time
# zone, periods) are no defect for a door given one series at a time: there
# the door may give the clean answer or refuse, never a third thing.

def _outcome(door, y):
    """("answer", frame) or ("refused", message); any other exception
    propagates and fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return "answer", pd.DataFrame(door(y))
        except ValueError as error:
            return "refused", str(error)


def _check_door(door, corrupted, clean, must_fail):
    kind, value = _outcome(door, corrupted)
    clean_kind, clean_value = _outcome(door, clean)
    if must_fail or clean_kind == "refused":
        assert kind == "refused", f"accepted a defect, gave\n{value}"
    elif kind == "answer":   # the numbers; times follow the kind of time given
        np.testing.assert_allclose(value.select_dtypes("number").to_numpy(),
                                   clean_value.select_dtypes("number").to_numpy(), rtol=1e-10)
    return kind


def _gave(kind):
    return ("gave the clean answer" if kind == "answer" else
            "refused with a ValueError")


def _ridge():
    return WindowForecaster(Ridge(), window_length=4, horizon=2, window_normalization=None)


def _update_door(heads):
    """``update`` of a fresh fit on ``heads``: a failed update must leave
    nothing behind, but a successful one changes the forecaster."""
    return lambda tails: _ridge().fit(_long(heads)).update(tails).predict()


def _partitioned_door(y):
    """Fit through a ``PartitionedPanel``: the rows of the series whose id
    sorts first in one partition, the others' in a second."""
    from sklearn.linear_model import SGDRegressor

    from rnnforecast import PartitionedPanel

    frame = y.rename("sales").reset_index() if isinstance(y, pd.Series) else y
    if "id" in frame.columns:
        first = frame["id"] == min(frame["id"].dropna())   # whatever the rows' order
        # Each partition's times typed on their own, as Dask's would be: a
        # series of another time zone or of periods in its own partition.
        frames = [part.assign(t=pd.Index(part["t"].tolist(), dtype=None))
                  for part in (frame[first], frame[~first])]
    else:
        frames = [frame]
    parts = PartitionedPanel.from_frames(frames, "id", "t", "sales")
    model = WindowForecaster(SGDRegressor(random_state=0), window_length=4, horizon=2,
                             window_normalization=None, random_state=0)
    return model.fit(parts).predict()


def _esrnn_door(y):
    from rnnforecast import ESRNNForecaster

    return ESRNNForecaster(horizon=2, max_steps=20, validation_interval=10, units=4,
                           random_state=0).fit(y).predict()


def _cli_door(y):
    """``rnnforecast forecast`` on ``y`` written as a long CSV: its forecast
    file, or a ValueError for the one-line error (exit status 2)."""
    import contextlib
    import io
    import tempfile
    from pathlib import Path

    from rnnforecast.io.cli import main

    frame = y.rename("sales").reset_index() if isinstance(y, pd.Series) else y
    with tempfile.TemporaryDirectory() as folder:
        data, output = Path(folder) / "panel.csv", Path(folder) / "forecast.csv"
        frame.to_csv(data, index=False)
        errors = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
            try:
                main(["forecast", str(data), "--id-column", "id", "--time-column", "t",
                      "--target", "sales", "--model", "ridge", "--window", "4",
                      "--horizon", "2", "--folds", "1", "--test-size", "2", "--season", "1",
                      "--output", str(output)])
            except SystemExit as stop:
                assert stop.code == 2 and errors.getvalue().startswith("rnnforecast: error:")
                raise ValueError(errors.getvalue()) from None
        return pd.read_csv(output)


def _backtest_door(y):
    from rnnforecast import backtest

    # season=1: short hourly and monthly series hold no season before an origin.
    return backtest(_ridge(), y, n_splits=2, test_size=2, season=1).forecasts


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 4))
@given(series=panels(), defect=st.sampled_from(DEFECTS), seed=st.integers(0, 2 ** 16),
       door=st.sampled_from(["update", "backtest", "partitioned", "es-rnn", "cli"]))
def test_every_panel_door_takes_the_clean_twin_or_names_the_defect(series, defect, seed,
                                                                   door):
    """``update`` (the defect in the new tails), ``backtest``, a fit through
    a ``PartitionedPanel``, the ES-RNN and the command line (a
    ``PartitionedPanel`` and the command line read columns by name: a (time,
    id) order is no defect there)."""
    rng = np.random.default_rng(seed)
    must_fail = _expected_to_fail(defect, series)
    if door == "update":
        heads = {key: one.iloc[:-4] for key, one in series.items()}
        tails = {key: one.iloc[-4:] for key, one in series.items()}
        corrupted, _ = _corrupt(tails, defect, rng)
        kind = _check_door(_update_door(heads), corrupted, _long(tails), must_fail)
        CASES_TRIED[f"hypothesis: update {_gave(kind)}"] += 1
        if kind == "answer":   # update then predict is predict(y=) on the whole series
            np.testing.assert_allclose(
                _update_door(heads)(_long(tails)).to_numpy(),
                _ridge().fit(_long(heads)).predict(y=_long(series)).to_numpy(), rtol=1e-10)
    else:
        corrupted, _ = _corrupt(series, defect, rng)
        run = {"backtest": _backtest_door, "partitioned": _partitioned_door,
               "es-rnn": _esrnn_door, "cli": _cli_door}[door]
        if door in ("partitioned", "cli") and defect == "time first":
            must_fail = False   # columns are read by name
        if door == "cli" and defect == "periods and timestamps":
            must_fail = False   # periods written as text read as their start times
        kind = _check_door(run, corrupted, _long(series), must_fail)
        CASES_TRIED[f"hypothesis: {door} {_gave(kind)}"] += 1


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 4))
@given(series=panels(), defect=st.sampled_from(
    ["none", "gap", "nan inside", "inf", "duplicated row", "mixed zones",
     "periods and timestamps"]))
def test_forecast_from_takes_the_clean_series_or_names_the_defect(series, defect):
    """One series at a time: a time zone or periods are no defect here."""
    key = next(iter(series))
    fitted = _ridge().fit(_long(series))
    origins = [len(series[key]) - 3]
    door = lambda y: fitted.forecast_from(y, origins, series_id=key)  # noqa: E731
    must_fail = defect in ("gap", "nan inside", "inf", "duplicated row")
    kind = _check_door(door, _damage(series[key], defect), series[key], must_fail)
    CASES_TRIED[f"hypothesis: forecast_from {_gave(kind)}"] += 1
