"""The progress display: on a terminal only (so never in these tests unless
asked), with the time left, nested for backtests, off with verbose."""

import io
import threading

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

import rnnforecast
from rnnforecast import SimpleRNNRegressor, WindowForecaster, backtest
from rnnforecast._estimators import progress

X = np.random.RandomState(0).normal(size=(40, 5, 1))
Y = X[:, -1, 0]


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def every_redraw(monkeypatch):
    monkeypatch.setattr(progress, "REDRAW_INTERVAL", 0.0)


def _fit(**params):
    return SimpleRNNRegressor(units=3, max_iter=3, n_iter_no_change=50, random_state=0,
                              **params).fit(X, Y)


def test_a_fit_shows_epochs_and_time_left_then_clears_its_line(capsys, every_redraw):
    with rnnforecast.config_context(show_progress=True):
        _fit()
    err = capsys.readouterr().err
    frames = err.split("\r")
    assert "SimpleRNNRegressor 0/3 epochs" in frames[1]
    middle = [frame for frame in frames if "1/3 epochs" in frame][0]
    assert "left, loss " in middle and "≤" in middle   # early stopping may end it sooner
    assert any("3/3 epochs" in frame for frame in frames)
    assert frames[-1].strip() == ""                    # erased when the fit ends


def test_auto_shows_nothing_unless_standard_error_is_a_terminal(capsys, monkeypatch,
                                                                 every_redraw):
    assert rnnforecast.get_config() == {"show_progress": "auto"}
    _fit()
    assert capsys.readouterr().err == ""               # pytest captures: not a terminal
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    _fit()
    assert "SimpleRNNRegressor 3/3 epochs" in terminal.getvalue()
    quiet = Terminal()
    monkeypatch.setattr("sys.stderr", quiet)
    worker = threading.Thread(target=_fit)             # a joblib or search thread
    worker.start()
    worker.join()
    assert quiet.getvalue() == ""


def test_verbose_lines_replace_the_display(capsys, every_redraw):
    with rnnforecast.config_context(show_progress=True):
        _fit(verbose=True)
    captured = capsys.readouterr()
    assert captured.err == "" and "Epoch 1/3" in captured.out


def test_a_backtest_shows_its_fits_with_the_current_fit_and_keeps_a_summary(capsys,
                                                                          every_redraw):
    y = pd.Series(np.sin(np.arange(120) / 4) + 5, index=pd.date_range("2020", periods=120))
    forecaster = WindowForecaster(SimpleRNNRegressor(units=3, max_iter=2, random_state=0),
                                  window_length=5)
    with rnnforecast.config_context(show_progress=True):
        backtest(forecaster, y, n_splits=2, test_size=10)
    frames = capsys.readouterr().err.split("\r")
    assert any(frame.startswith("backtest 1/2 fits, ") and "left | SimpleRNNRegressor"
               in frame for frame in frames)
    assert frames[-1].startswith("backtest 2/2 fits in ") and frames[-1].endswith("\n")
    with rnnforecast.config_context(show_progress=True):
        backtest(WindowForecaster(Ridge(), 5), y, n_splits=2, test_size=10, verbose=True)
    assert capsys.readouterr().err == ""


def test_settings_are_checked_and_restored():
    with pytest.raises(ValueError, match="show_progress must be 'auto', True or False"):
        rnnforecast.set_config(show_progress="yes")
    with rnnforecast.config_context(show_progress=False):
        assert rnnforecast.get_config()["show_progress"] is False
    assert rnnforecast.get_config()["show_progress"] == "auto"
