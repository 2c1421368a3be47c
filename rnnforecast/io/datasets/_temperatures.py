"""Loader of the bundled Melbourne daily minimum temperatures."""

from importlib import resources

import numpy as np
import pandas as pd

FILENAME = "daily-min-temperatures.csv"


def load_daily_min_temperatures(fill_missing=True):
    """Daily minimum temperature in Melbourne, 1981-1990, in °C.

    The file holds 3,650 recorded days; two calendar days, 1984-12-31 and
    1988-12-31, are absent. By default they are inserted and filled by
    linear interpolation between the neighbouring days, giving a series
    with a regular daily frequency (3,652 days) that windows and date
    arithmetic can rely on.

    Source: Australian Bureau of Meteorology, as redistributed
    (BSD-3-Clause) in the demo data of evalml 0.84.0; see
    ``rnnforecast/datasets/data/README.md``.

    Parameters
    ----------
    fill_missing : bool, default=True
        If True, return the gap-free daily series with the two missing days
        interpolated. If False, return the recorded days only; the index
        then has no frequency.

    Returns
    -------
    temperatures : pandas.Series
        Named ``"Temp"``, indexed by a ``DatetimeIndex`` named ``"Date"``.

    Examples
    --------
    >>> from rnnforecast import load_daily_min_temperatures
    >>> y = load_daily_min_temperatures()
    >>> y.index.freqstr, len(y)
    ('D', 3652)
    >>> round(float(y["1984-12-31"]), 2)
    14.85
    """
    if not isinstance(fill_missing, (bool, np.bool_)):
        raise TypeError(f"fill_missing must be True or False, got {fill_missing!r}.")
    with resources.files(__package__).joinpath("data", FILENAME).open("rb") as f:
        frame = pd.read_csv(f, parse_dates=["Date"], index_col="Date")
    temperatures = frame["Temp"].astype(float)
    if not fill_missing:
        return temperatures
    full_index = pd.date_range(temperatures.index[0], temperatures.index[-1],
                               freq="D", name="Date")
    return temperatures.reindex(full_index).interpolate(method="time")
