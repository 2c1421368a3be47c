"""A fitted forecaster's pandas state as plain arrays, for pickle and skops.

``skops.io`` refuses pandas internals, so a fitted ``WindowForecaster``
stores each series' history as values, column names and an index of int64
counts (its unit and frequency as strings), its layout as fields, its
frequency as a string and its static covariates as lists; loading rebuilds
the pandas objects. Pickle reads the same plain state.
"""

import numpy as np
import pandas as pd

from .calendar import infer_season
from .panel import Panel
from .season_position import checked_fourier_terms
from .static import StaticCovariates


class PlainStateMixin:
    """``__getstate__`` and ``__setstate__`` with plain values, to be placed
    before ``BaseEstimator`` among a forecaster's bases."""

    def __getstate__(self):
        """State with the pandas objects of a fit as plain arrays, lists and
        strings, so ``skops.io`` (which refuses pandas internals) and pickle
        both store it; ``__setstate__`` rebuilds them."""
        # A copy: object.__getstate__ may hand back the instance's own dict.
        state = dict(super().__getstate__())
        if "histories_" in state:
            histories = state.pop("histories_")
            states = state.pop("_states")
            ids = list(histories)
            spans = state.pop("_calibration_spans", None) or {}
            state["_series"] = {
                "ids": ids,
                "histories": [_plain_frame(histories[key]) for key in ids],
                "scalings": [states[key] for key in ids],
                "calibration_spans": [list(spans.get(key, ())) for key in ids]}
            layout = state.pop("_layout")
            state["_layout_fields"] = {name: getattr(layout, name) for name in (
                "layout", "target_name", "exog_names", "id_name", "time_name",
                "period_freq", "frame_output")}
            state["freq_"] = _plain_freq(state["freq_"])
            state["_static"] = _plain_static(state.get("_static"))
        return state

    def __setstate__(self, state):
        state = dict(state)
        if "_series" in state:
            stored = state.pop("_series")
            state["histories_"] = {key: _frame_from(plain) for key, plain in
                                   zip(stored["ids"], stored["histories"])}
            state["_states"] = dict(zip(stored["ids"], stored["scalings"]))
            state["_calibration_spans"] = {
                key: tuple(span) for key, span in
                zip(stored["ids"], stored.get("calibration_spans", [])) if span}
            state["_layout"] = Panel({}, **state.pop("_layout_fields"))
            state["freq_"] = _freq_from(state["freq_"])
            state["_static"] = _static_from(state.get("_static"))
        # Saved before these parameters existed: what was fitted had none of them.
        for name in ("deseasonalize", "season", "max_samples_per_ts", "series_weights"):
            state.setdefault(name, None)
        state.setdefault("fourier_terms", 0)
        state.setdefault("window_statistics_input", False)
        state.setdefault("seasonal_lags", 0)
        if "histories_" in state:
            # Fitted before "auto" existed: the parameters were what was used.
            for name in ("window_normalization", "deseasonalize"):
                state.setdefault(f"{name}_", state.get(name))
            state.setdefault("holdout_scores_", None)
            # Fitted before "auto" window lengths: the parameter was the length.
            state.setdefault("window_length_", state.get("window_length"))
            state.setdefault("_seasonal_lag_steps", ())
            # Fitted before these were fixed at fit: the parameters were used.
            state.setdefault("season_", state["season"] or infer_season(state["freq_"]))
            state.setdefault("_position", checked_fourier_terms(state["fourier_terms"],
                                                                state["season_"]))
            state.setdefault("_statistics_input", bool(state["window_statistics_input"]))
        super().__setstate__(state)


def _plain_static(static):
    """``StaticCovariates`` as lists and arrays (skops stores no dict keyed
    by arbitrary series ids)."""
    if static is None:
        return None
    return {"names": static.names, "mean": static.mean, "scale": static.scale,
            "row_ids": list(static.rows), "rows": np.array(list(static.rows.values())),
            "encoded_ids": None if static.positions is None else list(static.positions)}


def _static_from(plain):
    if plain is None:
        return None
    positions = (None if plain["encoded_ids"] is None else
                 {key: number for number, key in enumerate(plain["encoded_ids"])})
    rows = dict(zip(plain["row_ids"], plain["rows"]))
    return StaticCovariates(plain["names"], plain["mean"], plain["scale"], rows, positions)


def _plain_frame(frame):
    return {"values": frame.to_numpy(dtype=float), "columns": list(frame.columns),
            "index": _plain_index(frame.index)}


def _frame_from(plain):
    return pd.DataFrame(plain["values"], columns=plain["columns"],
                        index=_index_from(plain["index"]))


def _plain_index(index):
    """A time index as plain values: int64 counts of its unit since 1970
    (UTC for a time zone), its unit, frequency and time zone kept as strings;
    or int64 positions."""
    if isinstance(index, pd.DatetimeIndex):
        return {"kind": "datetime", "values": index.asi8.copy(), "unit": index.unit,
                "freq": index.freqstr, "tz": None if index.tz is None else str(index.tz)}
    return {"kind": "integer", "values": np.asarray(index, dtype=np.int64)}


def _index_from(plain):
    if plain["kind"] == "datetime":
        index = pd.DatetimeIndex(plain["values"].astype(f"datetime64[{plain['unit']}]"))
        tz = plain.get("tz")   # saved before time zones were kept: none
        if tz is not None:
            index = index.tz_localize("UTC").tz_convert(tz)
        return pd.DatetimeIndex(index, freq=plain["freq"])
    return pd.Index(plain["values"])


def _plain_freq(freq):
    return freq if isinstance(freq, int) else {"offset": freq.freqstr}


def _freq_from(plain):
    return plain if isinstance(plain, int) else pd.tseries.frequencies.to_offset(
        plain["offset"])
