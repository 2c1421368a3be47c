"""A progress display with the time left, for fits and backtests.

One line on standard error, redrawn in place: the epochs of a fit, the
fits of a backtest (with the current fit's epochs after it), each with the
time left at the pace so far. It is on where a person watches: by default
(``show_progress="auto"``) when standard error is a terminal, in the main
thread of the main process; so never in tests, pipes, log files or joblib
workers. :func:`set_config` and :func:`config_context` turn it on or off,
as scikit-learn's own settings are.
"""

import multiprocessing
import shutil
import sys
import threading
import time
from contextlib import contextmanager

__all__ = ["config_context", "get_config", "set_config"]

_CONFIG = {"show_progress": "auto"}
# Redraws at most this often (seconds): a fast epoch loop is not slowed by
# writing to the terminal.
REDRAW_INTERVAL = 0.1
# Active displays, outermost first; inner ones draw after it on one line.
_ACTIVE = []


def get_config():
    """rnnforecast's settings, as a dict.

    Returns
    -------
    config : dict
        ``show_progress``: ``"auto"``, True or False (see :func:`set_config`).
    """
    return dict(_CONFIG)


def set_config(show_progress=None):
    """Change rnnforecast's settings for this process.

    Parameters
    ----------
    show_progress : {"auto", True, False}, default=None
        Show a progress display with the time left during fits and
        backtests, on standard error. ``"auto"`` (the initial setting): when
        standard error is a terminal, in the main thread of the main
        process. None leaves the setting as it is.

    Examples
    --------
    >>> import rnnforecast
    >>> rnnforecast.set_config(show_progress=False)
    >>> rnnforecast.get_config()
    {'show_progress': False}
    >>> rnnforecast.set_config(show_progress="auto")
    """
    if show_progress is not None:
        if show_progress not in ("auto", True, False):
            raise ValueError("show_progress must be 'auto', True or False, got "
                             f"{show_progress!r}.")
        _CONFIG["show_progress"] = show_progress


@contextmanager
def config_context(**settings):
    """Settings of :func:`set_config` inside a ``with`` block only.

    Examples
    --------
    >>> import rnnforecast
    >>> with rnnforecast.config_context(show_progress=False):
    ...     rnnforecast.get_config()["show_progress"]
    False
    """
    saved = get_config()
    set_config(**settings)
    try:
        yield
    finally:
        _CONFIG.update(saved)


def progress_wanted():
    """Whether a progress display would be drawn now."""
    setting = _CONFIG["show_progress"]
    if setting != "auto":
        return setting
    return (_is_terminal(sys.stderr)
            and threading.current_thread() is threading.main_thread()
            and multiprocessing.current_process().name == "MainProcess")


def _is_terminal(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):   # replaced or closed streams
        return False


class Progress:
    """Counts ``total`` steps of work named ``what`` (``"epochs"``), as a
    context manager; ``advance(note)`` after each step. ``at_most`` says
    the work may end early (a fit's stopping rule), so the time left is an
    upper bound. ``keep`` leaves the last line on screen (a backtest's
    summary) rather than erasing it (a fit inside a search); ``off`` turns
    it off whatever the settings (while ``verbose`` prints lines)."""

    def __init__(self, label, total, what, at_most=False, keep=False, off=False):
        self.label, self.total, self.what = label, total, what
        self.at_most, self.keep, self.off = at_most, keep, off
        self.done, self.note, self.enabled = 0, "", False

    def __enter__(self):
        self.enabled = not self.off and progress_wanted()
        if self.enabled:
            self.started = self._drawn = time.perf_counter()
            _ACTIVE.append(self)
            _draw()
        return self

    def advance(self, note=""):
        if not self.enabled:
            return
        self.done, self.note = self.done + 1, note
        if time.perf_counter() - self._drawn >= REDRAW_INTERVAL or self.done == self.total:
            self._drawn = time.perf_counter()
            _draw()

    def __exit__(self, *exc_info):
        if not self.enabled:
            return
        _ACTIVE.remove(self)
        if self.keep and not _ACTIVE:
            _write(self._summary(), end="\n")
        else:
            _draw()

    def describe(self):
        """This level's part of the line: count, time left, note."""
        elapsed = time.perf_counter() - self.started
        text = f"{self.label} {self.done}/{self.total} {self.what}"
        if 0 < self.done < self.total:
            left = elapsed / self.done * (self.total - self.done)
            text += f", {'≤' if self.at_most else ''}{_clock(left)} left"
        return text + (f", {self.note}" if self.note else "")

    def _summary(self):
        return (f"{self.label} {self.done}/{self.total} {self.what} in "
                f"{_clock(time.perf_counter() - self.started)}")


def _draw():
    _write(" | ".join(level.describe() for level in _ACTIVE))


_last_width = [0]


def _write(text, end=""):
    """Replace the current line of standard error by ``text``."""
    width = shutil.get_terminal_size().columns - 1
    text = text[:width]
    sys.stderr.write("\r" + text.ljust(_last_width[0]) + end)
    sys.stderr.flush()
    _last_width[0] = 0 if end else len(text)


def _clock(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
