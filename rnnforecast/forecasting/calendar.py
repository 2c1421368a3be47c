"""Time indexes: their spacing, the times that follow them, their season.

A forecaster needs three facts about a series' index: how far apart its
observations are (``series_frequency``), which times come after its end
(``future_index``) and how many observations make one seasonal cycle
(``infer_season``), which the seasonal-naive baseline and seasonal
differencing use.
"""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["infer_season"]

# Observations per cycle by the offset's base name, for one-unit spacing.
# Daily and business-daily data cycle weekly, weekly data yearly, monthly
# and quarterly data yearly; yearly data has no cycle shorter than itself.
_CYCLE_BY_BASE = {"D": 7, "B": 5, "W": 52, "M": 12, "MS": 12, "ME": 12,
                  "BM": 12, "BMS": 12, "BME": 12, "SM": 24, "SMS": 24, "SME": 24,
                  "Q": 4, "QS": 4, "QE": 4, "BQ": 4, "BQS": 4, "BQE": 4,
                  "A": 1, "Y": 1, "YS": 1, "YE": 1, "AS": 1, "BA": 1, "BY": 1,
                  "BYS": 1, "BYE": 1}
_DAY = pd.Timedelta(days=1)


def series_frequency(index):
    """The regular spacing of a time index: a pandas offset or an int step.

    Raises a ValueError naming the problem for gaps or irregular spacing.
    """
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (_infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            raise ValueError(_irregular_message(index))
        return pd.tseries.frequencies.to_offset(freq)
    if pd.api.types.is_integer_dtype(index):
        steps = np.diff(np.asarray(index))
        if len(steps) and not (steps == steps[0]).all():
            raise ValueError("The integer index is not evenly spaced; reindex it.")
        return int(steps[0]) if len(steps) else 1
    raise ValueError("The index must be a DatetimeIndex or evenly spaced integers, "
                     f"got {type(index).__name__}.")


def _irregular_message(index):
    """What is wrong with a DatetimeIndex without a frequency: the times it
    misses (or has extra) at the frequency most of it follows."""
    likely = _likely_frequency(index)
    if likely is None:
        return ("The series has no regular frequency; reindex it to one and fill "
                "the gaps, e.g. y.asfreq('D').interpolate() for daily data.")
    expected = pd.date_range(index[0], index[-1], freq=likely)
    missing = [str(t) for t in expected.difference(index)[:3]]
    extra = [str(t) for t in index.difference(expected)[:3]]
    where = (f"it misses {missing}" if missing else "") + (" and " if missing and extra
                                                            else "") + \
        (f"it has times off that grid: {extra}" if extra else "")
    code = likely.freqstr
    return (f"The series has no regular frequency: most of it is spaced {code!r}, "
            f"but {where or 'its steps are uneven'}. Reindex it and fill the gaps, "
            f"e.g. y.asfreq({code!r}).interpolate().")


def _likely_frequency(index):
    """The frequency most runs of five consecutive times follow, or None."""
    counts = {}
    for start in range(0, max(len(index) - 4, 0), max(1, len(index) // 50)):
        freq = _infer_freq(index[start:start + 5])
        if freq is not None:
            offset = pd.tseries.frequencies.to_offset(freq)
            counts[offset] = counts.get(offset, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _infer_freq(index):
    """``pd.infer_freq``, quiet about its return type changing from a string
    to an offset in pandas 3.1 (both are read by ``to_offset``)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*infer_freq.*")
        return pd.infer_freq(index)


def future_index(last, freq, steps):
    """The ``steps`` times after ``last`` at spacing ``freq``."""
    if isinstance(freq, int):
        return pd.RangeIndex(last + freq, last + freq * (steps + 1), freq)
    return pd.date_range(last + freq, periods=steps, freq=freq)


def time_value(time):
    """An int that places ``time`` (Timestamp, or int position) on a line:
    nanoseconds since 1970 (UTC) for a Timestamp, the position itself
    otherwise. ``steps_between`` reads it back."""
    return int(time.value) if isinstance(time, pd.Timestamp) else int(time)


def steps_between(anchor, index, freq):
    """Steps of ``freq`` from the time ``anchor`` (a ``time_value``) to
    ``index[0]``, negative when it comes first.

    Raises a ValueError when ``index[0]`` is off the grid of ``freq`` that
    passes through ``anchor`` (a month-end series given month starts).
    """
    first = index[0]
    if isinstance(freq, Integral):
        steps, rest = divmod(int(first) - anchor, freq)
    else:
        start = pd.Timestamp(anchor, tz="UTC")
        start = start.tz_convert(first.tz) if first.tz is not None else start.tz_localize(None)
        if isinstance(freq, pd.offsets.Tick):
            steps, rest = divmod(first.value - start.value, freq.nanos)
        else:
            low, high = sorted((start, first))
            grid = pd.date_range(low, high, freq=freq)
            rest = 0 if len(grid) and grid[0] == low and grid[-1] == high else 1
            steps = (len(grid) - 1) * (1 if first >= start else -1)
    if rest:
        raise ValueError(f"The time {first} is not a whole number of steps of "
                         f"{getattr(freq, 'freqstr', freq)!r} from the series' first "
                         "training time; pass data at the spacing the model was fitted on.")
    return int(steps)


def infer_season(freq):
    """Observations per seasonal cycle for a spacing, or None if unknown.

    Daily data cycles weekly (7), business days 5, weekly data yearly (52),
    monthly 12, quarterly 4, yearly 1 (no shorter cycle), and data spaced
    within a day cycles daily (24 for hourly, 48 for half-hourly). A
    multiple spacing (``"2D"``, ``"2MS"``) divides the cycle when it fits a
    whole number of times; otherwise, and for integer positions, the
    season is unknown.

    Parameters
    ----------
    freq : pandas offset, str or int
        A series' spacing, as ``series_frequency`` returns it.

    Returns
    -------
    season : int or None

    Examples
    --------
    >>> from rnnforecast import infer_season
    >>> infer_season("D"), infer_season("MS"), infer_season("QE-DEC"), infer_season("h")
    (7, 12, 4, 24)
    """
    if freq is None or isinstance(freq, Integral):
        return None
    offset = pd.tseries.frequencies.to_offset(freq)
    base = offset.rule_code.split("-")[0].lstrip("0123456789")
    if base in _CYCLE_BY_BASE:
        cycle = _CYCLE_BY_BASE[base]
        return cycle // offset.n if cycle % offset.n == 0 else None
    try:
        spacing = pd.Timedelta(offset)
    except ValueError:
        return None
    if spacing <= pd.Timedelta(0) or spacing >= _DAY or _DAY % spacing:
        return None
    return int(_DAY // spacing)


def check_season(season):
    """Return ``season`` if it is an int >= 1 (or None), else raise.

    A season of 0 or less would make the seasonal-naive baseline read the
    value it forecasts, and a fraction has no observation to read.
    """
    if season is None:
        return None
    if not isinstance(season, Integral) or isinstance(season, bool) or season < 1:
        raise ValueError(
            f"season must be an int >= 1 (observations per seasonal cycle, e.g. "
            f"7 for daily or 12 for monthly data) or None to infer it from the "
            f"index; got {season!r}.")
    return int(season)


def resolve_season(season, index):
    """``season`` checked, or inferred from ``index`` when None (may stay
    None for integer positions or unusual spacings)."""
    season = check_season(season)
    if season is not None:
        return season
    if isinstance(index, pd.PeriodIndex):
        index = index.to_timestamp()   # periods read as their start times, as panels are
    try:
        return infer_season(series_frequency(index))
    except ValueError:
        return None


def time_label(time):
    """A time as people write it: the date alone when it is midnight."""
    if isinstance(time, pd.Timestamp) and time == time.normalize():
        return str(time.date())
    return str(time)
