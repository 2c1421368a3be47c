"""Where an observation lies in its season, as Fourier terms: model inputs.

A global model reads windows of many series. Deseasonalising each series
(:mod:`rnnforecast.forecasting.seasonality`) removes the seasonal shape it
can measure; what remains of the season's position (the Decembers of series
too short or too irregular to be adjusted, the weekday of a daily series)
the model can read from inputs that say where each step lies in the season.
``fourier_terms=K`` gives each step ``2K`` columns,

    sin(2 pi k p / m), cos(2 pi k p / m),   k = 1, ..., K,

for the step's position ``p`` in a season of ``m`` observations (R's
``fourier(x, K)``, sktime's ``FourierFeatures``). The position comes from the
calendar, so the steps of every series at the same time of year (or week,
or day) get the same columns: January is one position for all monthly
series, whatever month each began in. Integer times are positions
themselves: ``t // step`` modulo the season.
"""

from numbers import Integral

import numpy as np
import pandas as pd

from .calendar import steps_between, time_value

# The reference time positions are counted from, moved onto the grid of each
# frequency; any fixed time would do, as long as every series uses it.
REFERENCE = "2000-01-01"


class SeasonPosition:
    """The Fourier terms of one series' steps, placed in its season.

    Parameters
    ----------
    season : int
        Observations per seasonal cycle, at least 2.
    n_terms : int
        Harmonics ``K``: ``2K`` columns, at most ``season // 2`` harmonics.
    phase : int, default=0
        Position in the season of row 0 of the values at hand.
    """

    def __init__(self, season, n_terms, phase=0):
        self.season = season
        self.n_terms = n_terms
        self.phase = phase

    @property
    def n_columns(self):
        # The sine of the harmonic at half the season is zero at every step:
        # left out, as R's fourier() does.
        return 2 * self.n_terms - (2 * self.n_terms == self.season)

    def starting_at(self, index, freq):
        """These terms for values whose row 0 is the first time of ``index``."""
        return SeasonPosition(self.season, self.n_terms,
                              season_phase(index[0], freq, self.season))

    def columns(self, n_rows):
        """The terms of rows ``0 .. n_rows - 1``: array of shape (n_rows,
        n_columns), the sines of harmonics 1..K (of 1..K-1 when K is half
        the season), then their cosines."""
        position = (self.phase + np.arange(n_rows)) % self.season
        angle = 2 * np.pi * np.outer(position, np.arange(1, self.n_terms + 1)) / self.season
        n_sines = self.n_columns - self.n_terms
        return np.hstack([np.sin(angle[:, :n_sines]), np.cos(angle)])


def season_phase(time, freq, season):
    """The position in a season of ``season`` observations of ``time`` (a
    Timestamp, or an int position) on the grid of ``freq`` (a pandas offset,
    or an int step): steps from the reference time, modulo the season."""
    if isinstance(freq, Integral):
        return (int(time) // freq) % season
    if isinstance(freq, pd.offsets.Tick):
        # Wall-clock time, so a day (or hour) starts at the same position in
        # every time zone, and daily data at 09:00 counts whole days.
        wall = time.tz_localize(None) if time.tz is not None else time
        return (wall.value // freq.nanos) % season
    reference = pd.Timestamp(REFERENCE, tz=time.tz) + (time - time.normalize())
    reference = freq.rollback(reference)
    return steps_between(time_value(reference), pd.DatetimeIndex([time]), freq) % season


def checked_fourier_terms(n_terms, season):
    """A ``SeasonPosition`` at phase 0 for ``fourier_terms=n_terms``, or None
    for 0; a ValueError saying what to pass when the season cannot carry
    them."""
    if not n_terms:
        return None
    if season is None or season < 2:
        raise ValueError(
            f"fourier_terms={n_terms} places each step in its season, but the index "
            f"gives a season of {season!r}. Pass season= (12 for monthly data, say), "
            "or fourier_terms=0.")
    if n_terms > season // 2:
        raise ValueError(
            f"fourier_terms={n_terms} is more harmonics than a season of {season} "
            f"holds: at most {season // 2} (higher ones repeat lower ones).")
    return SeasonPosition(season, n_terms)
