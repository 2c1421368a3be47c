"""The time column of a CSV file: read into times, and written back in the
form it came in.

Dates go through ``pandas.to_datetime`` (with ``--date-format`` or
``--dayfirst`` when given). Three forms it cannot read are read here:
whole numbers that are years (2021) or yyyymmdd dates (20210131), which
pandas would take for nanoseconds since 1970; quarters as fpp3 and tsibble
write them ("1981 Q1", "1981Q1", "1981-Q1"); and ISO weeks ("2020 W05",
"2020-W05"). Quarters and weeks become a ``PeriodIndex`` (``Q-DEC``,
``W-SUN``: weeks from Monday to Sunday, as ISO's), which the forecaster
keeps, so forecasts come back as periods. :class:`TimeFormat` writes times
in the input's form, "2012 Q4" for "1981 Q1".
"""

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

# What users call (the API reference documents these; the rest are helpers).
__all__ = []

QUARTER = re.compile(r"^\s*(\d{4})(\s*[-/ ]?\s*)[Qq]([1-4])\s*$")
WEEK = re.compile(r"^\s*(\d{4})(\s*[-/ ]?\s*)[Ww](\d{1,2})\s*$")
# Forms pandas reads but cannot name: tsibble's yearmonth, "1998 Jan".
EXTRA_FORMATS = ("%Y %b", "%b %Y")


@dataclass(frozen=True)
class TimeFormat:
    """How the input wrote its times: ``kind`` is "quarter", "week" or
    "date"; ``separator`` what came between year and Q or W; ``strftime``
    the dates' format (None: pandas' default)."""

    kind: str
    separator: str = ""
    strftime: str | None = None

    def format(self, times):
        """``times`` (a DatetimeIndex or PeriodIndex) as the input wrote them."""
        if self.kind == "quarter":
            return pd.Index([f"{p.year}{self.separator}Q{p.quarter}" for p in times])
        if self.kind == "week":
            weeks = (p.start_time.isocalendar() for p in times)
            return pd.Index([f"{year}{self.separator}W{week:02d}" for year, week, _ in weeks])
        if self.strftime is None:
            return pd.Index(times.astype(str))
        return pd.Index(pd.DatetimeIndex(times).strftime(self.strftime))


def parse_times(column, date_format=None, dayfirst=False):
    """The times of a CSV column, and the form they were written in.

    Parameters
    ----------
    column : pandas.Series
        The time column as ``read_csv`` gave it.
    date_format : str, default=None
        strftime format of the dates; inferred when None.
    dayfirst : bool, default=False
        Read ambiguous dates such as 01/02/2021 day first.

    Returns
    -------
    times : pandas.DatetimeIndex or pandas.PeriodIndex
    form : TimeFormat
    """
    if date_format is None and not pd.api.types.is_numeric_dtype(column):
        text = column.astype(str)
        for pattern, reader in ((QUARTER, _quarters), (WEEK, _weeks)):
            if text.str.match(pattern).all():
                return reader(text, column.name)
    if pd.api.types.is_numeric_dtype(column):
        date_format = date_format or _number_format(column)
        column = column.astype("int64").astype(str)
    form = TimeFormat("date", strftime=date_format or _guess_format(column, dayfirst))
    return pd.DatetimeIndex(_to_datetime(column, date_format, dayfirst)), form


def _quarters(text, name=None):
    parts = text.str.extract(QUARTER)
    years, quarters = parts[0].astype(int), parts[2].astype(int)
    periods = pd.PeriodIndex.from_fields(year=years, quarter=quarters, freq="Q-DEC")
    return periods, TimeFormat("quarter", separator=parts[1].iloc[0])


def _weeks(text, name):
    parts = text.str.extract(WEEK)
    mondays = []
    for value, year, week in zip(text, parts[0].astype(int), parts[2].astype(int)):
        try:
            mondays.append(pd.Timestamp.fromisocalendar(year, week, 1))
        except ValueError:
            raise ValueError(f"The time column {name!r} holds {value!r}, which is not an "
                             f"ISO week: {year} has no week {week}.") from None
    periods = pd.DatetimeIndex(mondays).to_period("W-SUN")
    return periods, TimeFormat("week", separator=parts[1].iloc[0])


def _guess_format(column, dayfirst):
    first = str(column.iloc[0]) if len(column) else ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # pandas' hints on dayfirst; the guess is ours
        guessed = guess_datetime_format(first, dayfirst=dayfirst)
    if guessed is not None:
        return guessed
    for candidate in EXTRA_FORMATS:
        try:
            pd.to_datetime(first, format=candidate)
            return candidate
        except (ValueError, TypeError):
            continue
    return None


def _to_datetime(column, date_format, dayfirst):
    try:
        with warnings.catch_warnings():
            # pandas' advice on parsing element by element: the error below
            # (or none) is what the user needs, not a warning before it.
            warnings.filterwarnings("ignore", message="Could not infer format")
            return pd.to_datetime(column, format=date_format, dayfirst=dayfirst)
    except (ValueError, TypeError) as error:
        first_line = str(error).split("You might want to try")[0].splitlines()[0]
        first_line = first_line.strip().rstrip(". ")
        hint = ("" if date_format else " Pass --date-format (e.g. %Y-%m-%d), or "
                "--dayfirst for day-first dates; quarters (1981 Q1) and ISO weeks "
                "(2020 W05) are read without one.")
        raise ValueError(f"Could not parse the time column {column.name!r} as dates: "
                         f"{first_line}.{hint}") from None


def _number_format(column):
    values = column.to_numpy(dtype=float)
    if not (np.isfinite(values).all() and (values == np.round(values)).all()):
        raise ValueError(f"The time column {column.name!r} holds numbers that are not "
                         "whole: pass dates, or --date-format for coded dates.")
    if ((values >= 1000) & (values <= 2999)).all():
        return "%Y"
    if ((values >= 1000_01_01) & (values <= 2999_12_31)).all():
        return "%Y%m%d"
    raise ValueError(
        f"The time column {column.name!r} holds numbers ({values.min():.0f} to "
        f"{values.max():.0f}) that are neither years (2021) nor yyyymmdd dates "
        "(20210131); pass --date-format, or a column of dates.")
