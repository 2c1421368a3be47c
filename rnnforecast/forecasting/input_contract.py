"""The input contract: what series must be before any forecaster reads them.

Every door of the forecasting layer (``fit``, ``predict(y=...)``,
``update``, ``forecast_from``, ``score``, :func:`~rnnforecast.backtest`,
:class:`~rnnforecast.PartitionedPanel`, the ES-RNN and the command line)
reads its series through :func:`~rnnforecast.read_panel`, which applies the
checks on one input here, then checks the new data of a fitted model
against what it was fitted on with :func:`check_observations` and
:func:`check_names`. One place per rule, so that a rule holds at every door
or at none:

- **ids**: every row of a long panel has one, each series one name
  (:func:`check_long_index`, :func:`check_unique_names`);
- **time level**: sorted, unique, no missing times, one kind of time and
  one time zone (:func:`check_time_index`, :func:`check_one_kind_of_time`,
  across partitions :func:`check_same_time_kind`), ids before times
  (:func:`check_long_index`);
- **values**: real, finite numbers, NaN only before a series starts
  (:func:`real_values`, :func:`first_value`);
- **spacing**: one regular spacing per panel (:func:`common_frequency`),
  new data on the fitted spacing (:func:`check_spacing`);
- **names**: new observations under the fitted target and exogenous names
  (:func:`check_names`);
- **continuity**: data that continues a fitted series starts one step
  after its end (:func:`check_continues`); a bare array's positions carry
  no time and are placed there (:func:`bare_positions`).

Every failure is a ValueError that names the defect and what to do about
it; nothing is dropped, reordered or filled in silence.
"""

from dataclasses import replace

import numpy as np
import pandas as pd

from .calendar import future_index, series_frequency

TIME_KINDS = (pd.DatetimeIndex, pd.PeriodIndex)


def series_names(keys, at_most=3):
    """``'a', 'b', 'c', ...``: the first few series ids, for messages."""
    return ", ".join(map(repr, keys[:at_most])) + (", ..." if len(keys) > at_most else "")


def check_unique_names(names, what):
    """Refuse ``names`` (columns, series) that repeat: the later one would
    silently replace the earlier."""
    if names.has_duplicates:
        repeated = names[names.duplicated()].unique().tolist()
        raise ValueError(f"{what} {repeated} appear more than once; give each its own "
                         "name.")


def check_time_index(index):
    """Raise a ValueError unless ``index`` is sorted, complete and has no
    duplicates."""
    if isinstance(index, pd.DatetimeIndex) and index.hasnans:
        positions = np.flatnonzero(index.isna())[:3].tolist()
        raise ValueError(f"The index has missing times (NaT) at positions {positions}; "
                         "drop or fill those rows first.")
    if index.has_duplicates:
        duplicated = index[index.duplicated()].unique()[:3].tolist()
        raise ValueError(f"The index has duplicated timestamps, e.g. {duplicated}.")
    if not index.is_monotonic_increasing:
        raise ValueError("The index is not sorted in increasing order; sort it "
                         "(e.g. series.sort_index()) first.")


def check_long_index(index):
    """Refuse a long ``(series id, time)`` index that would be read wrong:
    rows without a series id (they would vanish), a (time, id) order (each
    time would become a series), times of mixed kinds or zones, duplicated
    entries."""
    missing = int(index.get_level_values(0).isna().sum())
    if missing:
        raise ValueError(
            f"{missing} rows of y have no series id (NaN or None in the first level "
            "of its MultiIndex); give every row an id, or drop those rows.")
    if isinstance(index.levels[0], TIME_KINDS) and not isinstance(index.levels[1], TIME_KINDS):
        raise ValueError(
            "y's MultiIndex is in (time, series id) order: its first level holds "
            "times. Put the series id first: y.swaplevel().sort_index().")
    check_one_kind_of_time(index.levels[1])
    if index.has_duplicates:
        raise ValueError("y's (series id, time) index has duplicated entries.")


def check_one_kind_of_time(times):
    """Refuse a time level that mixes periods with timestamps, or time zones
    (naive with aware, or two zones): pandas keeps such a level as objects."""
    if times.dtype != object:
        return
    kinds = {type(time) for time in times}
    if pd.Period in kinds and kinds - {pd.Period}:
        raise ValueError("y's times mix periods with timestamps across series; convert "
                         "them to one kind (periods with .to_timestamp()).")
    zones = {str(time.tz) for time in times if isinstance(time, pd.Timestamp)}
    if len(zones) > 1:
        raise ValueError(f"y's times mix time zones across series ({sorted(zones)}, 'None' "
                         "for naive times); convert them to one zone (tz_localize or "
                         "tz_convert).")


def time_kind(panel):
    """What kind of time ``panel``'s series are on: their time zone (None
    for naive times and integers) and the frequency of the periods they
    came as (None for timestamps)."""
    index = next(iter(panel.frames.values())).index
    return getattr(index, "tz", None), panel.period_freq


def check_same_time_kind(panel, kind, where):
    """Refuse ``panel`` unless its times are of ``kind`` (a ``time_kind``):
    parts of one panel read apart (partitions) must agree as one would."""
    zone, period_freq = time_kind(panel)
    if str(zone) != str(kind[0]):
        raise ValueError(f"{where} has times in time zone {zone}, the series before it "
                         f"in {kind[0]} ('None' for naive times); convert them to one zone "
                         "(tz_localize or tz_convert).")
    if period_freq != kind[1]:
        given = lambda freq: f"periods of {freq!r}" if freq else "timestamps"  # noqa: E731
        raise ValueError(f"{where} has {given(period_freq)}, the series before it "
                         f"{given(kind[1])}; convert them to one kind (periods with "
                         ".to_timestamp()).")


def real_values(frame, names, allow_nan):
    """``frame``'s values as floats of shape (n_times, n_columns): real
    numbers, finite, or NaN where ``allow_nan`` (before series start);
    anything else is refused, naming the columns."""
    not_real = [name for name, dtype in zip(names, frame.dtypes) if dtype.kind not in "biuf"]
    if not_real:
        raise ValueError(
            f"Column(s) {not_real} are not real numbers (dtypes "
            f"{[str(dtype) for dtype in frame.dtypes if dtype.kind not in 'biuf']}); "
            "convert them, e.g. with pd.to_numeric, first. Complex data not supported.")
    values = frame.to_numpy(dtype=float)
    infinite = np.isinf(values).any(axis=0)
    if infinite.any():
        raise ValueError(f"Column(s) {[n for n, bad in zip(names, infinite) if bad]} "
                         "contain infinite values; fill or drop them first.")
    if not allow_nan and np.isnan(values).any():
        missing = [n for n, bad in zip(names, np.isnan(values).any(axis=0)) if bad]
        raise ValueError(f"Column(s) {missing} contain NaN, infinite or non-numeric "
                         "values; fill or drop them first.")
    return values


def first_value(values, index, key):
    """Position of a series' first value in ``values`` (n_times,); refuses
    a series without one, or with NaN after it."""
    observed = ~np.isnan(values)
    if not observed.any():
        raise ValueError(f"Series {key!r} holds no values (all NaN); drop its rows.")
    start = int(observed.argmax())
    gaps = ~observed[start:]
    if gaps.any():
        raise ValueError(
            f"Series {key!r} has NaN after its first value, at "
            f"{index[start:][gaps][:3].tolist()}: fill the gaps (e.g. by interpolation) "
            "or drop those rows. NaN before a series' first value is dropped.")
    return start


def common_frequency(frames):
    """The one spacing all series in ``frames`` (id -> frame) share: a
    global model reads every window at one spacing."""
    freqs = {key: series_frequency(frame.index) for key, frame in frames.items()}
    distinct = list(dict.fromkeys(freqs.values()))
    if len(distinct) > 1:
        examples = {key: getattr(freq, "freqstr", freq) for key, freq in
                    list(freqs.items())[:5]}
        raise ValueError(f"The series are spaced differently ({examples}); one model "
                         "needs one spacing: resample them to a common frequency.")
    return distinct[0]


def bare_positions(index, freq):
    """Whether ``index`` is the positions a bare array gets (0, 1, 2...) for
    a model of integer times: they say nothing of where the data lies."""
    return (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            and isinstance(freq, int))


def check_spacing(index, freq, key=None):
    """Raise unless ``index`` lies on the grid of ``freq`` with no time missing
    (a bare array's positions pass: they carry no spacing)."""
    if len(index) < 2 or bare_positions(index, freq):
        return
    if isinstance(freq, int):
        expected = pd.RangeIndex(index[0], index[0] + freq * len(index), freq)
    else:
        expected = pd.date_range(index[0], periods=len(index), freq=freq)
    if not expected.equals(pd.Index(index)):
        which = "y" if key is None else f"Series {key!r}"
        raise ValueError(
            f"{which} is not spaced as the training data ({getattr(freq, 'freqstr', freq)!r} "
            f"from {index[0]}): it has {index[:3].tolist()}... Resample it to that "
            "spacing and fill any gaps.")


def check_continues(index, last_time, freq, key=None):
    """Raise unless ``index`` starts one step after ``last_time`` (a bare
    array's positions pass: they say nothing about continuity)."""
    if bare_positions(index, freq):
        return
    expected = future_index(last_time, freq, 1)[0]
    if index[0] != expected:
        which = "the training series" if key is None else f"series {key!r}"
        raise ValueError(f"y must continue {which}: its first time should be "
                         f"{expected}, got {index[0]}.")


def check_observations(panel, freq, exog_names):
    """Refuse new observations ``panel`` that a model fitted at spacing
    ``freq`` with exogenous columns ``exog_names`` cannot read: no
    observations, another number of exogenous columns, another spacing."""
    if not panel.frames or any(frame.empty for frame in panel.frames.values()):
        raise ValueError("y holds no observations; pass at least one.")
    if len(panel.exog_names) != len(exog_names):
        raise ValueError(f"Expected exogenous columns {exog_names}, got "
                         f"{panel.exog_names}.")
    for key, frame in panel.frames.items():
        check_spacing(frame.index, freq, key)


def check_names(panel, target_name, exog_names, unnamed):
    """``panel`` of observations that continue fitted series, its target
    and exogenous columns named as the fit's (``unnamed``, a series that
    came without a name, takes the target's name); else a ValueError
    before anything is appended."""
    if panel.exog_names != exog_names:
        raise ValueError(f"The new observations have exogenous columns "
                         f"{panel.exog_names}; the model was fitted on "
                         f"{exog_names}. Pass X with those columns.")
    if panel.target_name == target_name:
        return panel
    if unnamed:
        frames = {key: frame.rename(columns={panel.target_name: target_name})
                  for key, frame in panel.frames.items()}
        return replace(panel, frames=frames, target_name=target_name)
    raise ValueError(f"The new observations are of {panel.target_name!r}; the model "
                     f"was fitted on {target_name!r}. Rename them "
                     f"(y.rename({target_name!r})) if they continue it.")
