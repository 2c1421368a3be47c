"""Forecasting a pandas series with any scikit-learn regressor on windows."""

import inspect
from dataclasses import replace
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import r2_score
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._estimators.simple_rnn import SimpleRNNRegressor
from .._estimators.validation import refuse_booleans
from .calendar import (
    future_index,
    infer_season,
    series_frequency,
    steps_between,
    time_value,
)
from .conformal_intervals import ConformalIntervalsMixin, calibration_cut
from .holdout import warn_if_beaten
from .input_contract import (
    bare_positions,
    check_continues,
    check_names,
    check_observations,
    check_same_time_kind,
    common_frequency,
    series_names,
    time_kind,
)
from .metrics import naive_scale
from .normalization_choice import NormalizationChoiceMixin
from .panel import SINGLE, WIDE, as_timestamps, read_panel
from .plain_state import PlainStateMixin
from .season_position import checked_fourier_terms
from .seasonality import SeasonalFactors, is_seasonal, recent_seasonal_indices
from .static import read_static
from .streaming import InMemoryPanel, PartitionedPanel, chunk_plan, chunked
from .transforms import Differencer, SeriesScaling, difference_lags, fit_target_transform
from .window_sampling import window_weights, windows_kept
from .window_scaling import CENTRED as CENTRED_SCALINGS
from .window_scaling import METHODS as WINDOW_SCALINGS
from .window_scaling import (
    n_statistics,
    scale_targets,
    scale_windows,
    statistics_columns,
    unscale_forecasts,
)
from .windows import auto_window_length, check_positive_int, lead_positions, window_arrays

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["WindowForecaster", "default_rnn"]


class WindowForecaster(ConformalIntervalsMixin, NormalizationChoiceMixin, PlainStateMixin,
                       BaseEstimator):
    """Forecast one series or many from their last ``window_length`` observations.

    Each series (and any exogenous columns) is cut into windows with
    :func:`~rnnforecast.make_windows` and ``estimator`` learns the
    next ``horizon`` values from each window. Given many series (a wide
    DataFrame, or a long one on a ``(series id, time)`` MultiIndex, see
    :mod:`rnnforecast.forecasting.panel`), one global model learns from the windows of
    all of them, each series standardised by its own statistics. Forecasts
    come back in the layout that went in, indexed by the times that follow
    each series, at its frequency.

    Parameters
    ----------
    estimator : regressor, default=None
        Any scikit-learn regressor. When None, ``default_rnn(random_state)``:
        a ``SimpleRNNRegressor`` with relu units, ``learning_rate_init=3e-4``,
        batches of 64 and early stopping on the chronological tail, chosen
        across the accuracy suite (``benchmarks/README.md``).
        Regressors that accept 3-D input get windows of shape (n_windows,
        window_length, n_columns); others get them flattened to (n_windows,
        window_length * n_columns). Regressors without multi-output support
        are wrapped in ``MultiOutputRegressor`` for the direct strategy.
    window_length : int or "auto", default="auto"
        Observations per input window. "auto": two seasons, and at least
        the horizon, for seasonal data; one and a half horizons (rounded
        up) without a season; shortened to what the shortest series allows
        (as much of it as a calibration fit trains on), so that each series
        gives at least one window (``windows.auto_window_length``);
        ``window_length_`` is the length fitted. Measured on the M3
        competition, the accuracy suite and the fpp panels
        (``benchmarks/README.md``).
    horizon : int, default=1
        Steps the direct strategy learns at once, and the default number of
        steps ``predict`` returns.
    strategy : {"direct", "recursive"}, default="direct"
        "direct": one model predicts all ``horizon`` steps from the window.
        "recursive": a one-step model whose forecasts are fed back as inputs,
        for any number of steps.
    scaler : "standard" or None, default="standard"
        "standard" standardises the target and each exogenous column with
        statistics of the training series, so a network trains on raw °C or
        passenger counts; forecasts are returned in the original units.
    calibration_fraction : float in (0, 1), default=None
        Enables ``predict_interval``: ``fit`` first trains a clone on all
        but the last ``calibration_fraction`` of the series and keeps its
        absolute errors on that chronological tail (split conformal
        prediction), then trains on the whole series as usual, so fitting
        takes about twice as long.
    calibration : {"pooled", "per_series"}, default="pooled"
        Which calibration errors a series' intervals and quantiles come
        from: "pooled", those of every series, each in units of its own
        typical step (many errors, one shape of uncertainty for all);
        "per_series", its own only (its own shape, from fewer errors: a
        series needs ``n`` of them per step for coverage ``n / (n + 1)``).
    random_state : int, RandomState instance or None, default=None
        Seeds the default estimator; ignored when ``estimator`` is given.
    target_transform : {"log", "boxcox"} or None, default=None
        A transform of the target applied before scaling, undone on
        forecasts: "log", or "boxcox" with its lambda fitted by maximum
        likelihood on the training series. Both need positive values. For
        series whose variation grows with their level (sales, passengers);
        forecasts come back as the back-transformed (median) forecast.
    window_normalization : {"last", "mean", "standard", "robust", \
"mean_absolute", "auto"} or None, default="auto"
        Make each input window and its targets relative to the window's
        own (series-scaled, transformed) target values, and map forecasts
        back: minus its last value or its mean; or standardised by its mean
        and standard deviation; or by its median and mean absolute
        deviation ("robust"); or divided by its mean absolute value
        ("mean_absolute", DeepAR's scaling: windows become ratios to their
        level, the loss weighs relative errors, and the series is divided
        by its mean absolute value but not centred). The model learns
        shapes rather than levels, so it can forecast levels beyond those
        of the training series (trends), which a bounded recurrent state
        cannot reach on its own (see
        :mod:`rnnforecast.forecasting.window_scaling`).

        "auto" chooses on validation between windows and series as they
        are (None, without ``deseasonalize``) and "mean_absolute" windows
        of series deseasonalised as ``deseasonalize`` says: each is fitted
        on all but the last ``horizon`` observations of every series and
        forecasts them (:mod:`rnnforecast.forecasting.holdout`; a small
        panel holds out more origins), and the ratio windows are fitted on
        everything if they scored at least 2% lower, else windows as they
        are; fitting takes about three times as long. The
        scores are kept in ``holdout_scores_``, and a
        :class:`~rnnforecast.BaselineWarning` names them when seasonal
        naive scored better than the choice. A panel read in chunks, or
        one whose series are too short to spare their last ``horizon``,
        keeps windows and series as they are.
    window_statistics_input : bool, default=False
        With a ``window_normalization`` (fitted, for "auto"), give the
        model each window's statistics, in the units of its series
        (transformed, before standardisation), as constant input columns:
        its location (the centred methods) and the log of its scale (the
        methods that divide; DeepAR feeds log(scale) to its network), so a
        model of shapes still knows the size of what it forecasts.
        Measured in ``benchmarks/README.md``.
    differences : int or sequence of int, default=None
        Difference the (transformed) target before scaling, and integrate
        forecasts back from the levels before each origin. An int ``k`` is
        ``k`` first differences (skforecast's ``differentiation``); a
        sequence lists the lag of each difference, as sktime's
        ``Differencer(lags=...)``: ``[1]`` first, ``[1, 1]`` second,
        ``[12]`` seasonal for monthly data, ``[1, 12]`` both. Each lag
        costs that many observations at the start of the series. For
        trends and seasonal patterns whose level moves.
    deseasonalize : {"auto", "multiplicative"} or None, default="auto"
        Divide each series by multiplicative seasonal factors before
        windowing, and multiply forecasts by them (the Theta method's
        classical decomposition, see
        :mod:`rnnforecast.forecasting.seasonality`): "auto" for the series
        that pass the Theta method's 90% seasonality test (positive, at
        least three seasons), "multiplicative" for every series (positive,
        at least two seasons). The model then learns level and trend, not
        the yearly shape of every phase.
    season : int, default=None
        Observations per seasonal cycle for ``deseasonalize``; None infers
        it from the index's frequency (12 for monthly data,
        :func:`~rnnforecast.infer_season`), which integer positions lack.
    fourier_terms : int, default=0
        Give every step of a window ``2 * fourier_terms`` inputs that say
        where it lies in the season: the sine and cosine of harmonics 1 to
        ``fourier_terms`` of its position (R's ``fourier(x, K)``, sktime's
        ``FourierFeatures``; the sine of a harmonic at half the season,
        always zero, is left out). Positions come from the calendar, so
        every series' Januaries (or Mondays) share them; integer times are
        positions themselves. At most ``season // 2``; needs a season (from
        the index's frequency, or ``season``). 0: none. Measured in
        ``benchmarks/README.md``: a 1-2% gain on the quarterly fpp3 panels,
        up to 14% worse on single series, so not the default.
    seasonal_lags : int, default=0
        Give every step of a window the target's values 1 to
        ``seasonal_lags`` seasons before it as further inputs (DeepAR's
        seasonal lags; mlforecast's ``lags=[12, 24]``), scaled as the
        target is, so a step sees the same phase of earlier years however
        short the window. Each season of lags costs a season of history
        before the first window. Needs a season (from the index's frequency,
        or ``season``) and the direct strategy. Measured in
        ``benchmarks/README.md``.
    known_future : sequence of str, default=()
        Exogenous columns known ahead (calendar, planned events): windows
        carry their values ``horizon`` steps later (see ``make_windows``),
        and ``predict`` needs their next ``horizon`` values in ``X``. Direct
        strategy only.
    chunk_windows : int, default=None
        None: every training window is cut at once and passed to the
        estimator's ``fit`` (early stopping and its validation tail work as
        usual). An int: windows are cut lazily, series by series, into
        chunks of at most this many, and the estimator learns through
        ``partial_fit`` on each chunk, so memory is bounded by the chunk,
        not by the number of series; nothing is held out, and the
        rnnforecast regressors take their input scaling and ridge skip path
        from the first chunk (windows of randomly chosen series). Needed
        for a :class:`~rnnforecast.PartitionedPanel` (65,536 when
        None there).
    chunk_epochs : int, default=1
        Passes over every series' windows when training in chunks, each in
        a new random order of partitions and of series within them.
    max_samples_per_ts : int, default=None
        At most this many training windows per series, its most recent
        ones: cut points within the latest stretch of each series' history
        (N-BEATS draws them within its last few horizons). None: every
        window (:mod:`rnnforecast.forecasting.window_sampling`).
    series_weights : {"equal"}, dict or None, default=None
        How much each series weighs in the loss. None: every window counts
        once, so long series weigh more. "equal": every series the same,
        each of its windows weighted by one over its number of windows. A
        dict (series id -> non-negative weight, 1 for series it omits):
        those weights on every window of a series. Passed to the
        estimator's ``fit`` (or ``partial_fit``) as ``sample_weight``, which
        it must accept.
    series_encoding : {"onehot"} or None, default=None
        "onehot": one input column per fitted series, 1 in its own windows
        (see :mod:`rnnforecast.forecasting.static`). A recurrent layer's input weights
        on it are a vector learned per series and added to the cell's input
        at every step: a learned series-id embedding. A series the model
        was not fitted on gets zeros (the shared model alone).

    Attributes
    ----------
    estimator_ : regressor
        The fitted regressor (wrapped for multi-output where needed).
    target_name_ : hashable
        Name of the target series.
    exog_names_ : list
        Names of the exogenous columns seen in ``fit``.
    window_length_ : int
        Observations per input window: ``window_length``, or the length
        "auto" chose.
    histories_ : dict
        Series id (None for a single series) -> DataFrame of shape
        (``window_length_`` + sum(lags), n_columns): the end of each series in
        original units (target first, then exogenous columns), the history
        ``predict`` starts from; ``update`` extends it. ``history_`` gives
        them in the layout of ``fit``, ``last_time_`` the latest time.
    freq_ : pandas offset or int
        Spacing of the series: a pandas frequency, or the integer step of a
        RangeIndex-like index.
    season_ : int or None
        Observations per seasonal cycle the model was fitted with:
        ``season``, or the one the spacing implies (None for none). Like
        every fitted attribute it stays as fitted when parameters are set
        afterwards; they take effect at the next ``fit``.
    calibration_errors_ : ndarray of shape (n_calibration, horizon) or None
        Forecast errors (actual minus forecast) on the calibration tail, per
        step, each divided by its series' error scale (the mean absolute
        change from one observation to the next): unit-free, so the tails of
        all series pool into one set, and each series' intervals come back
        in its own units.
    residuals_ : ndarray of shape (n_calibration, horizon) or None
        Their absolute values.
    window_normalization_ : str or None
        The window normalisation fitted: ``window_normalization``, or the
        choice of "auto".
    deseasonalize_ : str or None
        The seasonal adjustment fitted: ``deseasonalize``, or None when
        "auto" chose windows as they are.
    holdout_scores_ : dict or None
        With "auto", the mean absolute scaled error (each series' errors
        over its mean one-step change) on the held-out end of every series
        of each candidate (keys ``"none"``, windows as they are, and
        ``"mean_absolute"``) and of seasonal naive (``"seasonal_naive"``)
        on the same values; None otherwise.
    network_gain_ : float or None
        How much the trained network improved the validation score over its
        ridge start; 0.0: not at all, the fitted model is the linear start
        (see the property's own documentation).

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from rnnforecast import WindowForecaster, load_daily_min_temperatures
    >>> y = load_daily_min_temperatures()
    >>> forecaster = WindowForecaster(Ridge(), window_length=29, horizon=3).fit(y)
    >>> forecast = forecaster.predict()
    >>> [str(day.date()) for day in forecast.index]
    ['1991-01-01', '1991-01-02', '1991-01-03']

    Two series in the long layout, one model for both:

    >>> import pandas as pd
    >>> panel = pd.concat({"Melbourne": y, "warmer": y + 5}, names=["city", "date"])
    >>> forecaster = WindowForecaster(Ridge(), window_length=29, horizon=3).fit(panel)
    >>> forecast = forecaster.predict()
    >>> forecast.index.names
    FrozenList(['city', 'date'])
    >>> (forecast.loc["warmer"] - forecast.loc["Melbourne"]).round(9).tolist()
    [5.0, 5.0, 5.0]
    """

    _parameter_constraints: dict = {
        "estimator": [None, HasMethods(["fit", "predict"])],
        "window_length": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "strategy": [StrOptions({"direct", "recursive"})],
        "scaler": [StrOptions({"standard"}), None],
        "calibration_fraction": [None, Interval(Real, 0, 1, closed="neither")],
        "calibration": [StrOptions({"pooled", "per_series"})],
        "random_state": ["random_state"],
        "known_future": [list, tuple],
        "target_transform": [StrOptions({"log", "boxcox"}), None],
        "window_normalization": [StrOptions({*WINDOW_SCALINGS, "auto"}), None],
        "differences": [None, Interval(Integral, 0, None, closed="left"), list, tuple],
        "chunk_windows": [None, Interval(Integral, 1, None, closed="left")],
        "chunk_epochs": [Interval(Integral, 1, None, closed="left")],
        "series_encoding": [StrOptions({"onehot"}), None],
        "max_samples_per_ts": [None, Interval(Integral, 1, None, closed="left")],
        "series_weights": [StrOptions({"equal"}), dict, None],
        "deseasonalize": [StrOptions({"auto", "multiplicative"}), None],
        "season": [None, Interval(Integral, 1, None, closed="left")],
        "fourier_terms": [Interval(Integral, 0, None, closed="left")],
        "window_statistics_input": ["boolean"],
        "seasonal_lags": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, estimator=None, window_length="auto", horizon=1,
                 strategy="direct", scaler="standard", calibration_fraction=None,
                 random_state=None, known_future=(), target_transform=None,
                 window_normalization="auto", differences=None, chunk_windows=None,
                 chunk_epochs=1, series_encoding=None, calibration="pooled",
                 deseasonalize="auto", season=None, max_samples_per_ts=None,
                 series_weights=None, fourier_terms=0, window_statistics_input=False,
                 seasonal_lags=0):
        self.estimator = estimator
        self.window_length = window_length
        self.horizon = horizon
        self.strategy = strategy
        self.scaler = scaler
        self.calibration_fraction = calibration_fraction
        self.random_state = random_state
        self.known_future = known_future
        self.target_transform = target_transform
        self.window_normalization = window_normalization
        self.differences = differences
        self.chunk_windows = chunk_windows
        self.chunk_epochs = chunk_epochs
        self.series_encoding = series_encoding
        self.calibration = calibration
        self.deseasonalize = deseasonalize
        self.season = season
        self.max_samples_per_ts = max_samples_per_ts
        self.series_weights = series_weights
        self.fourier_terms = fourier_terms
        self.window_statistics_input = window_statistics_input
        self.seasonal_lags = seasonal_lags

    def _validate_params(self):
        super()._validate_params()
        refuse_booleans(self)

    def fit(self, y, X=None, static=None):
        """Learn to forecast ``y`` from its past (and past exogenous ``X``).

        Parameters
        ----------
        y : pandas.Series, pandas.DataFrame or array-like of shape (n_times,)
            The target, oldest first, with a regular DatetimeIndex,
            PeriodIndex or evenly spaced integer index (a plain array gets
            0, 1, 2, ...). Many series: a wide DataFrame, one column per
            series with NaN before a series starts; or a long Series (or
            one-column DataFrame) on a ``(series id, time)`` MultiIndex,
            series of any lengths and start times, at one frequency. A panel
            larger than memory: a
            :class:`~rnnforecast.PartitionedPanel` (Dask
            DataFrame, parquet files), read a partition at a time.
        X : pandas.DataFrame or array-like of shape (n_times, n_exog), default=None
            Exogenous columns observed at the same times (for a long ``y``,
            on the same MultiIndex); with the recursive strategy their
            future values must be passed to ``predict``.
        static : pandas.DataFrame of shape (n_series, n_static), default=None
            Static covariates of a panel's series: one row per series id
            (the index), real-valued columns (encode categories first, e.g.
            with ``pd.get_dummies``). Standardised across series and fed to
            every window as constant input columns (see
            :mod:`rnnforecast.forecasting.static`).

        Returns
        -------
        self : WindowForecaster
        """
        self._validate_params()
        if self.seasonal_lags and self.strategy != "direct":
            raise ValueError("seasonal_lags needs strategy='direct': the recursive "
                             "strategy would read lags of its own forecasts.")
        if self.known_future and self.strategy != "direct":
            raise ValueError("known_future needs strategy='direct'; the recursive "
                             "strategy reads future exogenous values from predict(X=...).")
        repeated = sorted({c for c in self.known_future if list(self.known_future).count(c) > 1})
        if repeated:
            raise ValueError(f"known_future lists {repeated} more than once.")
        if getattr(self._base_estimator(), "loss", None) == "quantile":
            raise ValueError(
                "The estimator has loss='quantile' and predicts several quantiles per "
                "window, which the forecaster would read as forecast steps. Use a "
                "point estimator and predict_quantiles (conformal), or call the "
                "estimator on make_windows output directly.")
        lags = difference_lags(self.differences)
        source = _source(y, X)
        self._check_weights_accepted(source)
        static = read_static(static, onehot=self.series_encoding == "onehot")
        before = dict(self.__dict__)
        try:
            self._fit_source(source, lags, static)
        except BaseException:
            # A failed refit leaves the previous fit whole, not half replaced.
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
        if self.holdout_scores_ is not None:
            warn_if_beaten(self.holdout_scores_, self.window_normalization_ or "none")
        return self

    def _check_weights_accepted(self, source):
        """Refuse ``series_weights`` for an estimator whose ``fit`` (or
        ``partial_fit``, when training in chunks) takes no ``sample_weight``."""
        if self.series_weights is None:
            return
        estimator = self._base_estimator()
        streamed = self.chunk_windows is not None or not source.in_memory
        method = "partial_fit" if streamed else "fit"
        if (hasattr(estimator, method) and "sample_weight" not in
                inspect.signature(getattr(estimator, method)).parameters):
            raise ValueError(
                f"series_weights reaches the estimator as sample_weight, which "
                f"{type(estimator).__name__}.{method} does not accept. Use an "
                "estimator that takes sample_weight (the rnnforecast regressors, "
                "Ridge, most scikit-learn regressors), or series_weights=None.")

    def _fit_source(self, source, lags, static):
        """``fit`` on the partitions of ``source`` (one for an in-memory
        panel): one model over the windows of every series, each series
        standardised by its own statistics, with ``static`` inputs
        (``read_static``'s result) if any."""
        self._differencer = Differencer(lags)
        self._predict_params = {name: _frozen(getattr(self, name)) for name in PREDICT_PARAMS}
        # What predict reads is fixed here: set_params after fit changes nothing.
        freq, shortest = _frequency_and_shortest(source)
        self.season_ = self.season or infer_season(freq)
        self._position = checked_fourier_terms(self.fourier_terms, self.season_)
        self._statistics_input = bool(self.window_statistics_input)
        self.window_length_, self._seasonal_lag_steps = self._chosen_window(shortest, lags)
        (self.window_normalization_, self.deseasonalize_,
         self.holdout_scores_) = self._chosen_normalization(source, lags, static)
        lengths = self._read_series(source, lags)
        self._attach_static(static)
        self.calibration_errors_ = self._calibration_errors(source, lengths, lags, static)
        self.residuals_ = (None if self.calibration_errors_ is None
                           else np.abs(self.calibration_errors_))
        steps = self._steps_learned()
        counts = {key: windows_kept(length - self._history_length() - steps + 1,
                                    self.max_samples_per_ts)
                  for key, length in lengths.items()}
        weights = window_weights(counts, self.series_weights)
        n_windows = sum(counts.values())
        if self.chunk_windows is not None or not source.in_memory:
            self.estimator_ = self._fit_streaming(source, n_windows, weights)
            return self
        X_windows, y_windows, weights = self._panel_windows(source.read(0), weights)
        y_windows = y_windows[:, 0] if steps == 1 else y_windows
        self.estimator_ = self._regressor(steps, n_windows).fit(
            self._inputs(X_windows), y_windows, **_weighted(weights))
        return self

    def _chosen_window(self, shortest, lags):
        """The window's length and its seasonal lag steps: ``window_length``,
        or for "auto" the length ``auto_window_length`` gives for the season
        of the data, bounded by its shortest series (of ``shortest``
        observations), as much of it as the calibration fit trains on."""
        season = self.season_
        lag_steps = self._checked_lag_steps(season)
        if self.window_length != "auto":
            return self.window_length, lag_steps
        if self.calibration_fraction is not None:
            shortest = calibration_cut(shortest, self.calibration_fraction)
        longest = shortest - self._steps_learned() - sum(lags) - max(lag_steps, default=0)
        return auto_window_length(season, self.horizon, longest), lag_steps

    def _read_series(self, source, lags):
        """Learn each series' scaling and keep its end (``histories_``), a
        partition at a time; returns each series' number of observations."""
        states, histories, lengths, partition_of = {}, {}, {}, {}
        first = None
        for number in range(len(source)):
            panel = source.read(number)
            if not panel.frames:
                continue   # an empty partition (a filter may leave one) holds no series
            self._check_lengths(panel, lags)
            if first is None:
                first = number
                self.target_name_, self.exog_names_ = panel.target_name, panel.exog_names
                self.freq_ = common_frequency(panel.frames)
                self._layout = replace(panel, frames={})
                kind = time_kind(panel)
            else:
                self._check_partition(panel, number, partition_of, first)
                check_same_time_kind(panel, kind, f"Partition {number}")
            for key, frame in panel.frames.items():
                partition_of[key] = number
                states[key] = self._fit_state(frame)
                histories[key] = frame.iloc[-self._history_length():].copy()
                lengths[key] = len(frame)
        self._states, self.histories_ = states, histories
        return lengths

    def _attach_static(self, static):
        """Give every fitted series its constant model inputs (static
        covariates, id encoding); refuse series without static values."""
        self._static = static
        if static is None:
            return
        if self._layout.layout == SINGLE:
            raise ValueError("Static covariates and series_encoding tell the series of a "
                             "panel apart; one series needs neither.")
        if static.positions is not None:
            self._static = static = replace(
                static, positions={key: number for number, key in enumerate(self._states)})
        missing = [key for key in self._states if static.names and key not in static.rows]
        if missing:
            raise ValueError(f"static has no row for series {missing[:5]} "
                             f"({len(missing)} in all); give every series one.")
        self._states = {key: state.with_static(static.encoded(key))
                        for key, state in self._states.items()}

    def _check_partition(self, panel, number, partition_of, first):
        """Refuse a partition that does not match the first with series
        (number ``first``), or that holds part of a series already read."""
        if (panel.target_name, panel.exog_names) != (self.target_name_, self.exog_names_):
            raise ValueError(
                f"Partition {number} has target {panel.target_name!r} and exogenous "
                f"columns {panel.exog_names}; partition {first} has {self.target_name_!r} "
                f"and {self.exog_names_}.")
        if common_frequency(panel.frames) != self.freq_:
            raise ValueError(f"Partition {number} is spaced differently from partition "
                             f"{first}; one model needs one spacing.")
        for key in panel.frames:
            if key in partition_of:
                raise ValueError(
                    f"Series {key!r} is in partitions {partition_of[key]} and {number}: "
                    "each series must lie whole in one partition. Repartition by "
                    "series id, e.g. dask_frame.shuffle(on=id_column).")

    def _fit_streaming(self, source, n_windows, weights=None):
        """Train a clone of the estimator through ``partial_fit`` on chunks of
        at most ``chunk_windows`` windows, cut lazily, ``chunk_epochs``
        passes over every series in a shuffled order."""
        size = chunk_plan(n_windows, self.chunk_windows or DEFAULT_CHUNK_WINDOWS)
        steps = self._steps_learned()
        estimator = self._regressor(steps, size)
        if not hasattr(estimator, "partial_fit"):
            raise ValueError(
                f"Training in chunks (chunk_windows, or a PartitionedPanel) goes through "
                f"partial_fit, which {type(estimator).__name__} lacks. Use an estimator "
                "with partial_fit: the rnnforecast regressors, SGDRegressor or "
                "MLPRegressor.")
        random_state = check_random_state(self.random_state)
        for _ in range(self.chunk_epochs):
            pieces = self._shuffled_windows(source, random_state, weights)
            for X, y, chunk_weights in chunked(pieces, size):
                estimator.partial_fit(self._inputs(X), y[:, 0] if steps == 1 else y,
                                      **_weighted(chunk_weights))
        return estimator

    def _shuffled_windows(self, source, random_state, weights=None):
        """Each series' training windows, ``(X, y)`` as ``_series_windows``
        gives them, and their weights (from ``weights``, series id -> the
        weight of each of its windows; None when unweighted), partitions
        and series within them in a random order."""
        steps = self._steps_learned()
        for number in random_state.permutation(len(source)):
            frames = source.read(number).frames
            keys = list(frames)
            for position in random_state.permutation(len(keys)):
                key = keys[position]
                X, y = self._series_windows(frames[key], self._states[key], steps)
                yield X, y, None if weights is None else np.full(len(X), weights[key])

    def _history_length(self):
        """Observations a forecast reads before its origin: the window, plus
        one per lag of ``differences`` and the seasons of ``seasonal_lags``."""
        return self.window_length_ + self._rows_before_window()

    def _rows_before_window(self):
        """Observations a window's first row needs before it: one per lag of
        ``differences``, then as far as its seasonal lags reach back."""
        return self._differencer.lost + max(self._seasonal_lag_steps, default=0)

    def _checked_lag_steps(self, season):
        """The steps back of ``seasonal_lags`` for data of ``season``: one,
        two... seasons (empty without them); a ValueError when the data has
        no season."""
        if not self.seasonal_lags:
            return ()
        if season is None or season < 2:
            raise ValueError(
                f"seasonal_lags={self.seasonal_lags} reads values whole seasons back, but "
                f"the index gives a season of {season!r}. Pass season= (12 for monthly "
                "data, say), or seasonal_lags=0.")
        return tuple(number * season for number in range(1, self.seasonal_lags + 1))

    def _with_seasonal_lags(self, model):
        """Model values (n_times, n_columns) with the target at each of the
        fitted seasonal lag steps back appended: (n_times, n_columns +
        n_lags), NaN where a lag reaches before the first row."""
        if not self._seasonal_lag_steps:
            return model
        lagged = np.full((len(model), len(self._seasonal_lag_steps)), np.nan)
        for column, lag in enumerate(self._seasonal_lag_steps):
            lagged[lag:, column] = model[:len(model) - lag, 0]
        return np.hstack([model, lagged])

    def _check_lengths(self, panel, lags):
        n_needed = self.window_length_ + self._steps_learned() + self._rows_before_window()
        short = {key: len(frame) for key, frame in panel.frames.items()
                 if len(frame) < n_needed}
        if not short:
            return
        key, n_times = next(iter(short.items()))
        what = (f"y has {n_times} observations" if key is None else
                f"Series {key!r} has {n_times} observations (and {len(short) - 1} "
                "other series too few)")
        raise ValueError(
            f"{what}; window_length={self.window_length_}, {self._steps_learned()} "
            f"target step(s), differences={self.differences!r} and "
            f"seasonal_lags={self.seasonal_lags} need at least {n_needed}: no window fits.")

    def _fit_state(self, frame):
        """How one series enters the model: its seasonal factors, its target
        transform, the standardisation of its columns (after transform and
        differencing) and the Fourier terms of its position in the season."""
        state = self._scaling_of(frame)
        if self._position is None:
            return state
        return state.with_position(self._position.starting_at(frame.index, self.freq_))

    def _scaling_of(self, frame):
        """``_fit_state`` without the season-position inputs."""
        target = frame.iloc[:, 0].to_numpy(dtype=float)
        seasonal = self._seasonal_factors(frame.index, target)
        adjusted = target if seasonal is None else target / seasonal.at(np.arange(len(target)))
        transform = fit_target_transform(self.target_transform, adjusted)
        error_scale = naive_scale(target)
        error_scale = error_scale if error_scale > 0 else 1.0
        state = SeriesScaling(transform, error_scale=error_scale, seasonal=seasonal)
        if self.scaler is None:
            return state
        values = frame.to_numpy(dtype=float)
        values = self._model_values(values, state.levels(values[:, 0]), state)
        with np.errstate(over="ignore", invalid="ignore"):
            mean, scale = _standard_statistics(values[self._differencer.lost:])
        if not (np.isfinite(mean).all() and np.isfinite(scale).all()):
            largest = float(np.max(np.abs(frame.to_numpy(dtype=float))))
            raise ValueError(
                f"The series holds values up to {largest:.3g} in magnitude: too large "
                "to standardise in float64 (their squares overflow). Rescale it, e.g. "
                "divide by a power of ten, and scale the forecasts back.")
        if self.window_normalization_ not in (None, *CENTRED_SCALINGS):
            # A ratio to the level needs the series' own zero.
            mean[0], scale[0] = 0.0, _mean_absolute(values[self._differencer.lost:, 0])
        return SeriesScaling(transform, mean, scale, error_scale, seasonal=seasonal)

    def _seasonal_factors(self, index, target):
        """The seasonal factors of one series (times ``index``, ``target`` in
        original units) that ``deseasonalize`` asks for, or None."""
        if self.deseasonalize_ is None:
            return None
        season = self._season()
        if self.deseasonalize_ == "auto":
            if (season is None or season == 1 or not (target > 0).all()
                    or not is_seasonal(target, season)):
                return None
        else:
            _check_multiplicative(target, season)
        return SeasonalFactors(recent_seasonal_indices(target, season), time_value(index[0]))

    def _season(self):
        """Observations per cycle, as fitted: ``season``, or inferred from
        the data's spacing (None when neither gives one)."""
        return self.season_

    def _positioned(self, state, index):
        """``state`` for values whose row 0 is at the first time of ``index``."""
        if state.seasonal is not None:
            state = state.with_seasonal(state.seasonal.starting_at(
                steps_between(state.seasonal.anchor, index, self.freq_)))
        if state.position is not None:
            state = state.with_position(state.position.starting_at(index, self.freq_))
        return state

    def _panel_windows(self, panel, weights=None):
        """The training windows of every series, (n_windows, window_length,
        n_columns), their targets (n_windows, steps) and their weights
        (n_windows,) from ``weights`` (series id -> the weight of each of its
        windows) or None, in time order across series (stable within a
        time), so a chronological validation tail holds every series'
        latest windows. Each series' windows are written once, straight
        into place: memory holds the result and one series at a time, not
        copies of the whole."""
        steps, first = self._steps_learned(), self.window_length_ + self._rows_before_window()
        times = [np.asarray(frame.index[first:len(frame) - steps + 1]) for frame in
                 panel.frames.values()]
        times = [time[len(time) - windows_kept(len(time), self.max_samples_per_ts):]
                 for time in times]
        order = np.argsort(np.concatenate(times), kind="stable")
        place = np.empty_like(order)
        place[order] = np.arange(len(order))
        n_columns = (len(self.exog_names_) + 1 + self._n_position() + self._n_static()
                     + len(self._seasonal_lag_steps) + self._n_statistics())
        X_all = np.empty((len(order), self.window_length_, n_columns))
        y_all = np.empty((len(order), steps))
        w_all = None if weights is None else np.empty(len(order))
        start = 0
        for key, frame in panel.frames.items():
            X, y = self._series_windows(frame, self._states[key], steps)
            rows = place[start:start + len(X)]
            X_all[rows], y_all[rows] = X, y
            if weights is not None:
                w_all[rows] = weights[key]
            start += len(X)
        return X_all, y_all, w_all

    def _series_windows(self, frame, state, steps):
        """One series' training windows in model units, its last
        ``max_samples_per_ts`` (all when None): inputs (n_windows,
        window_length, n_columns) and targets (n_windows, steps) relative
        to any window normalisation."""
        state = self._positioned(state, frame.index)
        values = frame.to_numpy(dtype=float)
        values = self._with_seasonal_lags(
            self._model_values(values, state.levels(values[:, 0]), state))
        led = lead_positions(values[self._rows_before_window():], self._known_positions(),
                             steps)
        n_windows = len(led) - self.window_length_ - steps + 1
        extra = n_windows - windows_kept(n_windows, self.max_samples_per_ts)
        X_windows, y_windows = window_arrays(led[extra:], self.window_length_, steps)
        X_windows, location, scale = self._normalize_windows(
            X_windows, _target_units(state, len(X_windows)))
        return X_windows, scale_targets(y_windows, location, scale)

    @property
    def history_(self):
        """The end of each training series in original units (target first,
        then exogenous columns), in the layout ``fit`` was given: the history
        every ``predict`` starts from. Shape (window_length + sum(lags),
        n_columns) for one series."""
        check_is_fitted(self)
        return self._layout.arrange(self.histories_)

    @property
    def network_gain_(self):
        """How much training raised the validation score of the default
        network (or any rnnforecast regressor with its ridge skip path)
        above its linear start: ``best_validation_score_ -
        start_validation_score_`` of ``estimator_``. 0.0 means no epoch beat
        the ridge start, so the fitted model is that linear model alone;
        None where there was no such comparison (no validation, no skip
        path, another regressor)."""
        check_is_fitted(self)
        start = getattr(self.estimator_, "start_validation_score_", None)
        if start is None:
            return None
        return float(self.estimator_.best_validation_score_ - start)

    @property
    def last_time_(self):
        """Time of the last training observation (of the latest series)."""
        check_is_fitted(self)
        return max(frame.index[-1] for frame in self.histories_.values())

    def _check_fitted(self):
        """``check_is_fitted``, and refuse to forecast once a parameter that
        shapes the fitted model's forecasts was changed: they would silently
        differ from what was fitted (another strategy) or fail obscurely."""
        check_is_fitted(self)
        for name, fitted in getattr(self, "_predict_params", {}).items():
            if _frozen(getattr(self, name)) != fitted:
                raise ValueError(
                    f"{name} was changed from {fitted!r} to {getattr(self, name)!r} since "
                    f"the model was fitted, and the fitted model forecasts with {fitted!r}: "
                    "fit again to use the new value, or set it back.")

    def _steps_learned(self):
        return self.horizon if self.strategy == "direct" else 1

    def predict(self, steps=None, X=None, y=None, static=None):
        """Forecast the ``steps`` values that follow each series.

        Parameters
        ----------
        steps : int or sequence of int, default=None
            How many steps; ``horizon`` when None. Or which steps ahead, as
            sktime's ``fh=[1, 3, 12]``: only those are returned. The direct
            strategy can forecast at most ``horizon`` steps.
        X : pandas.DataFrame or array-like of shape (steps, n_exog), default=None
            Future exogenous values: the next ``horizon`` values of the
            ``known_future`` columns, or, with the recursive strategy, the
            next ``steps`` values of every exogenous column. For a panel, a
            DataFrame on a ``(series id, time)`` MultiIndex. With ``y``, its
            rows at ``y``'s times first (the past the windows read), then the
            future rows.
        y : pandas.Series or pandas.DataFrame, default=None
            Recent observations to forecast from instead of the training
            series, in any layout ``fit`` accepts; no refit. Each series needs
            ``window_length`` observations (plus one per lag of
            ``differences``). A series the model was fitted on keeps its
            fitted scaling; any other series (a global model forecasts
            series it has not seen) is standardised by its own statistics in
            ``y``.
        static : pandas.DataFrame, default=None
            Static covariates of series in ``y`` the model was not fitted
            on, one row per series id, with the columns of ``fit``'s
            ``static``. Fitted series keep their own.

        Returns
        -------
        forecast : pandas.Series or pandas.DataFrame
            In the layout of the series forecast from: a Series indexed by
            the times after the series, named like the target; a wide
            DataFrame with one column per series; or a long Series on a
            ``(series id, time)`` MultiIndex, each series at its own future
            times.
        """
        self._check_fitted()
        layout, forecasts, _, _ = self._forecasts(steps, X, y, static=static)
        return layout.arrange(forecasts)

    def _forecasts(self, steps, X, y, calibrated=False, static=None):
        """``(layout, {series id: forecast Series}, {series id: its
        SeriesScaling}, positions)`` for ``predict`` and the intervals, at
        the steps ``steps`` asks for (their 0-based ``positions``)."""
        steps, positions = self._forecast_steps(steps, calibrated)
        if y is None:
            layout, histories = self._layout, self.histories_
            exog = {key: _series_rows(X, key, layout) for key in histories}
        else:
            panel = self._read_observations(y, _past_rows(X, y))
            layout, histories = panel, panel.frames
            exog = {key: _future_rows(X, key, len(frame), layout)
                    for key, frame in histories.items()}
        states, jobs, indexes = {}, [], {}
        static = self._checked_static(static)
        for key, history in histories.items():
            state = states[key] = self._state_for(key, history, static)
            future = self._future_frame(exog[key], steps, history.index[-1],
                                        history.columns)
            values = np.vstack([history.to_numpy(dtype=float), future.to_numpy()])
            jobs.append((values, [len(history)], state))
            # A slice keeps the index's frequency; chosen steps cannot.
            indexes[key] = (future.index[:steps] if len(positions) == steps
                            else future.index[positions])
        forecasts = {key: pd.Series(forecast[0][positions], index=indexes[key],
                                    name=self.target_name_)
                     for key, forecast in zip(histories, self._forecast_many(jobs, steps))}
        return layout, forecasts, states, positions

    def update(self, y, X=None, static=None):
        """Append new observations to the histories forecasts start from.

        No refit: the model and each series' scaling stay as fitted, and
        ``predict`` then forecasts from the end of the new data (sktime's
        ``update`` with ``update_params=False``).

        Parameters
        ----------
        y : pandas.Series or pandas.DataFrame
            Observations that continue the fitted series, in any layout
            ``fit`` accepts. A series the model has not seen starts a new
            history (at least ``window_length`` observations, plus one per
            lag of ``differences``), scaled by its own statistics.
        X : pandas.DataFrame, default=None
            Exogenous columns at the same times, if fitted with them.
        static : pandas.DataFrame, default=None
            Static covariates of series in ``y`` the model was not fitted
            on, one row per series id, with the columns of ``fit``'s
            ``static``. Fitted series keep their own.

        Returns
        -------
        self : WindowForecaster
        """
        panel = self._continuing(self._read_observations(y, X), y)
        static = self._checked_static(static)
        if (panel.layout == SINGLE) != (self._layout.layout == SINGLE):
            raise ValueError(
                "update needs data in the kind of layout fit was given: one series "
                "for a model of one series, series with their ids (wide or long) for "
                "a panel model. To forecast another series from its own data, use "
                "predict(y=...).")
        histories, states = dict(self.histories_), dict(self._states)
        for key, frame in panel.frames.items():
            if key in histories:
                last = histories[key].index[-1]
                if bare_positions(frame.index, self.freq_):
                    frame = frame.set_axis(future_index(last, self.freq_, len(frame)))
                check_continues(frame.index, last, self.freq_, key)
                frame = pd.concat([histories[key], frame])
            else:
                states[key] = self._new_state(frame, key, static)
            histories[key] = frame.iloc[-self._history_length():].copy()
        self.histories_, self._states = histories, states
        return self

    def forecast_from(self, y, origins, X=None, steps=None, series_id=None, static=None):
        """Forecasts from the actual history before each origin, in the units of ``y``.

        The one forecasting path: ``predict``, ``score``, ``backtest`` and the
        conformal calibration all go through it. ``y`` need not continue the
        training series: any stretch of it (or of a series in the same units
        and spacing) will do, so new observations need no refit.

        Parameters
        ----------
        y : pandas.Series or array-like of shape (n_times,)
            Observed values of one series, oldest first.
        origins : array-like of int of shape (n_origins,)
            Positions in ``y`` of the first forecast step; each needs
            ``window_length`` observations before it, plus one per lag of
            ``differences``.
        X : pandas.DataFrame or array-like of shape (n_times, n_exog), default=None
            Exogenous columns at the times of ``y``, as in ``fit``. Rows
            after an origin are read only for ``known_future`` columns (the
            next ``horizon``) and by the recursive strategy (the next ``steps``).
        steps : int, default=None
            Steps per origin; ``horizon`` when None.
        series_id : hashable, default=None
            Which fitted series ``y`` is, for its scaling: None for a model
            fitted on one series. A series the model has not seen is
            standardised by its own statistics in ``y``.
        static : pandas.DataFrame, default=None
            Static covariates of ``series_id`` if the model was not fitted
            on it: a row indexed by it, with the columns of ``fit``'s
            ``static``.

        Returns
        -------
        forecasts : ndarray of shape (n_origins, steps)
        """
        self._check_fitted()
        steps = self._check_steps(steps)
        frame = self._observed_frame(y, X)
        origins = np.asarray(origins)
        if origins.ndim != 1 or not np.issubdtype(origins.dtype, np.integer):
            raise TypeError("origins must be a 1-D sequence of integer positions.")
        state = self._state_for(series_id, frame, self._checked_static(static))
        return self._forecast_values(frame.to_numpy(dtype=float), origins, steps, state)

    def score(self, y, X=None):
        """R² of the forecasts of ``y``, a continuation of the training
        series; on a panel, the mean over series of each series' R².

        From every origin in ``y`` with ``horizon`` steps ahead of it inside
        ``y``, the model forecasts from the actual history (the end of the
        training series, then ``y`` itself); R² pools the steps. On a panel
        each series is scored on its own and the scores are averaged, so
        every series weighs the same whatever its level (R² pooled over
        series would count the differences between their levels as
        explained). This is what ``GridSearchCV(forecaster, ...,
        cv=PanelSplitter())`` (or ``TimeSeriesSplit()`` on one series)
        uses.

        Parameters
        ----------
        y : pandas.Series or pandas.DataFrame
            Observations that directly follow the training series, in the
            layout ``fit`` was given.
        X : pandas.DataFrame or array-like, default=None
            Exogenous columns for the same times, if fitted with them.

        Returns
        -------
        score : float

        Raises
        ------
        ValueError
            If the model was trained on other series past the first time of
            ``y``: what a row-wise split of a long panel
            (``TimeSeriesSplit`` on its stacked rows) does.
        """
        panel = self._read_observations(y, X)
        self._check_no_later_training_data(panel)
        scores = []
        for key, frame in panel.frames.items():
            actual, predicted = self._scored_forecasts(key, frame)
            scores.append(r2_score(actual, predicted))
        return float(np.mean(scores))

    def _scored_forecasts(self, key, frame):
        """Actual and forecast values of every ``horizon``-step forecast
        from origins inside ``frame``, which continues series ``key``."""
        if key not in self.histories_:
            raise ValueError(f"score needs series the model was fitted on; "
                             f"{key!r} is not one of them.")
        history = self.histories_[key]
        check_continues(frame.index, history.index[-1], self.freq_, key)
        if len(frame) < self.horizon:
            raise ValueError(f"y has {len(frame)} observations, fewer than the "
                             f"horizon {self.horizon}.")
        values = np.vstack([history.to_numpy(dtype=float), frame.to_numpy(dtype=float)])
        origins = np.arange(len(history), len(values) - self.horizon + 1)
        predicted = self._forecast_values(values, origins, self.horizon,
                                          self._positioned(self._states[key], history.index))
        return values[origins[:, None] + np.arange(self.horizon), 0].ravel(), predicted.ravel()

    def _check_no_later_training_data(self, panel):
        """Refuse to score a panel's series that the model does not know,
        or from times the model has seen other series beyond: the test
        would lean on those series' future. Both are what a row-wise split
        of a long panel gives."""
        if panel.layout == SINGLE:
            return
        start = min(frame.index[0] for frame in panel.frames.values())
        unknown = [key for key in panel.frames if key not in self.histories_]
        later = [key for key, history in self.histories_.items()
                 if key not in panel.frames and history.index[-1] >= start]
        if not unknown and not later:
            return
        problem = (f"score got series {series_names(unknown)} that the model was not fitted on"
                   if unknown else
                   f"score got {len(panel.frames)} of the {len(self.histories_)} series the "
                   f"model was fitted on, from {start}, but the model was trained on series "
                   f"{series_names(later)} up to {self.histories_[later[0]].index[-1]}, which "
                   "the test would lean on")
        raise ValueError(
            f"{problem}. A row-wise split of a long panel (TimeSeriesSplit or KFold on "
            "its stacked rows) does this: each test fold is the tail of one series, "
            "and training holds other series' future. Use cv=rnnforecast.PanelSplitter"
            "(...), which cuts every series at the same times, or score every series "
            "of the panel from after its training data.")

    def _observed_frame(self, y, X):
        """New observations of one series laid out as in ``fit`` (target,
        then exogenous columns), with as many exogenous columns as the fit
        saw."""
        panel = self._read_observations(y, X)
        if panel.layout != SINGLE:
            raise ValueError("forecast_from reads one series at a time; pass each "
                             "series of a panel with its series_id.")
        return panel.frames[None]

    def _continuing(self, panel, y):
        """``panel`` of observations that continue the fitted series, named
        as the fit's (an unnamed Series takes the target's name)."""
        unnamed = isinstance(y, pd.Series) and y.name is None
        return check_names(panel, self.target_name_, self.exog_names_, unnamed)

    def _read_observations(self, y, X):
        """New observations as a ``Panel``, checked against what the model
        was fitted on (``check_observations``)."""
        self._check_fitted()
        panel = read_panel(y, X)
        check_observations(panel, self.freq_, self.exog_names_)
        return panel

    def _state_for(self, key, frame, static=None):
        """The fitted scaling of series ``key``, or for a series the model
        has not seen, one fitted on its observations ``frame``."""
        if key in self._states:
            return self._positioned(self._states[key], frame.index)
        return self._new_state(frame, key, static)

    def _new_state(self, frame, key, static=None):
        needed = self._history_length()
        if len(frame) < needed:
            name = "y" if key is None else f"Series {key!r}"
            raise ValueError(
                f"{name} has {len(frame)} observations; a series the model has not "
                f"seen needs at least {needed} (window_length={self.window_length_} "
                f"and differences={self.differences!r}) to forecast from and to be "
                "scaled by its own statistics.")
        state = self._fit_state(frame)
        if getattr(self, "_static", None) is None:
            return state
        return state.with_static(self._static.encoded(key, static))

    def _checked_static(self, static):
        """``static`` given to a forecasting call, checked once."""
        if static is None:
            return None
        if getattr(self, "_static", None) is None:
            raise ValueError("The model was fitted without static covariates; static "
                             "must be None.")
        return self._static.checked(static)

    def _n_position(self):
        return 0 if self._position is None else self._position.n_columns

    def _n_static(self):
        static = getattr(self, "_static", None)
        return 0 if static is None else static.n_columns

    def _forecast_steps(self, steps, calibrated=False):
        """``steps`` read as a number of steps or a list of them (sktime's
        ``fh=[1, 3, 12]``): how many steps to forecast, and the 0-based
        positions of those returned."""
        if steps is None or isinstance(steps, Integral):
            last = self.horizon if steps is None else check_positive_int(steps, "steps")
            wanted = np.arange(1, last + 1)
        elif isinstance(steps, (str, Real)) or not np.iterable(steps):
            raise ValueError(f"steps must be an int or a sequence of ints, such as "
                             f"[1, 3, 12]; got {steps!r}.")
        else:
            wanted = np.asarray([check_positive_int(step, "each of steps")
                                 for step in steps], dtype=int)
            if wanted.size == 0 or (np.diff(wanted) <= 0).any():
                raise ValueError(f"steps must be increasing steps ahead, such as "
                                 f"[1, 3, 12]; got {list(steps)!r}.")
        if calibrated and wanted[-1] > self.horizon:
            raise ValueError(f"Intervals are calibrated for {self.horizon} steps "
                             f"(the horizon), got steps up to {wanted[-1]}.")
        return self._check_steps(int(wanted[-1])), wanted - 1

    def _check_steps(self, steps):
        steps = self.horizon if steps is None else check_positive_int(steps, "steps")
        if self.strategy == "direct" and steps > self.horizon:
            raise ValueError(
                f"A direct forecaster fitted with horizon={self.horizon} predicts at "
                f"most {self.horizon} steps, got steps={steps}. Refit with a larger "
                "horizon or use strategy='recursive'.")
        return steps

    def _forecast_values(self, values, origins, steps, state):
        """Forecasts in original units from the rows of ``values`` (n_times,
        n_columns, target first, original units) of one series, scaled by
        its ``state``, before each origin; shape (n_origins, steps)."""
        return self._forecast_many([(values, origins, state)], steps)[0]

    def _forecast_many(self, series, steps):
        """``_forecast_values`` for several series at once: one list item
        ``(values, origins, state)`` per series, one array of forecasts
        (n_origins, steps) back for each. The estimator sees the windows of
        all of them in one call (thousands of series forecast in one pass)."""
        prepared = [self._prepared(values, origins, steps, state)
                    for values, origins, state in series]
        windows = np.concatenate([windows for windows, _, _ in prepared])
        units = np.concatenate([_target_units(state, len(origins))
                                for _, origins, state in series])
        if self.strategy == "direct":
            scaled = self._predict_scaled(windows, units)[:, :steps]
        else:
            future = np.concatenate([future for _, future, _ in prepared])
            scaled = self._recursive(windows, steps, future, units)
        ends = np.cumsum([len(windows) for windows, _, _ in prepared])
        return [finish(part) for part, (_, _, finish)
                in zip(np.split(scaled, ends[:-1]), prepared)]

    def _prepared(self, values, origins, steps, state):
        """One series' input windows before each origin (model units), the
        future exogenous values the recursive strategy reads, and the
        function that turns its scaled forecasts into original units."""
        origins = np.asarray(origins, dtype=np.intp)
        self._check_origins(origins, len(values), steps)
        levels = state.levels(values[:, 0])
        model = self._model_values(values, levels, state)
        windows = self._windows_at(self._with_seasonal_lags(model), origins)
        future = None
        if self.strategy == "recursive":
            future = np.stack([model[o:o + steps, 1:] for o in origins])
            if not np.isfinite(future).all():
                raise ValueError(f"The recursive strategy needs {steps} finite future "
                                 f"values of {self.exog_names_} after each origin.")
        lost = self._differencer.lost
        before = np.stack([levels[o - lost:o] for o in origins])

        def finish(scaled):
            changes = state.unscale_target(scaled)
            return state.original(self._differencer.integrate(changes, before),
                                  origins[:, np.newaxis] + np.arange(steps))

        return windows, future, finish

    def _check_origins(self, origins, n_times, steps):
        first = self.window_length_ + self._rows_before_window()
        # Rows an origin reads after itself: led known-future values, or the
        # recursive strategy's future exogenous values.
        ahead = self.horizon if self.known_future else 0
        if self.strategy == "recursive" and self.exog_names_:
            ahead = steps
        if origins.size == 0:
            raise ValueError("origins is empty.")
        if origins.min() < first or origins.max() > n_times - ahead:
            raise ValueError(
                f"Origins must lie in [{first}, {n_times - ahead}] for {n_times} "
                f"observations: window_length={self.window_length_}, "
                f"differences={self.differences!r} and seasonal_lags="
                f"{self.seasonal_lags} need {first} observations before "
                f"an origin, and {ahead} exogenous rows from it on; got "
                f"{origins.min()}..{origins.max()}.")

    def _model_values(self, values, levels, state):
        """``values`` (n_times, n_columns; target first, original units) of
        one series in the estimator's units, given ``levels``, its
        transformed target: the target differenced (NaN in its first
        ``lost`` rows), then every column standardised by ``state``."""
        values = np.array(values, dtype=float)
        values[:, 0] = self._differencer.forward(levels)
        return state.model_columns(values)

    def _windows_at(self, model, origins):
        """Input windows ending before each origin, (n_origins, window_length,
        n_columns), from model-unit values; known-future columns led."""
        led = lead_positions(model, self._known_positions(), self.horizon)
        windows = np.stack([led[o - self.window_length_:o] for o in origins])
        if not np.isfinite(windows).all():
            raise ValueError(
                f"The known-future values of {list(self.known_future)} must be "
                "finite: predict needs their next horizon values in X.")
        return windows

    def _future_frame(self, X, steps, last_time, columns):
        """The rows after a series ending at ``last_time`` that ``predict``
        reads: NaN targets and the future exogenous values from ``X``,
        indexed by future times."""
        n_rows = max(steps, self.horizon) if self.known_future else steps
        index = future_index(last_time, self.freq_, n_rows)
        future = pd.DataFrame(np.nan, index=index, columns=columns)
        if self.known_future:
            self._fill_known_future(future, X)
        elif self.strategy == "recursive" and self.exog_names_:
            future.iloc[:, 1:] = self._recursive_exog(X, steps)
        return future

    def _fill_known_future(self, future, X):
        if X is None or not isinstance(X, pd.DataFrame):
            raise ValueError(f"predict needs the next {self.horizon} values of the "
                             f"known-future columns {list(self.known_future)} as a "
                             "DataFrame X.")
        for name in self.known_future:
            if name not in X.columns or len(X) < self.horizon:
                raise ValueError(f"X must hold {self.horizon} rows of {name!r}.")
            column = X[name].to_numpy(dtype=float)[:self.horizon]
            if not np.isfinite(column).all():
                raise ValueError(f"The known-future values of {name!r} in X must be "
                                 "finite; NaN is not filled in.")
            future.iloc[:self.horizon, 1 + self.exog_names_.index(name)] = column

    def _recursive_exog(self, X, steps):
        if X is None:
            raise ValueError(
                f"The model was fitted with exogenous columns {self.exog_names_}: the "
                f"recursive strategy needs their next {steps} values in predict(X=...).")
        if isinstance(X, pd.DataFrame):
            missing = [name for name in self.exog_names_ if name not in X.columns]
            if missing:
                raise ValueError(f"X lacks the exogenous columns {missing}.")
            X = X[self.exog_names_]
        exog = np.asarray(X, dtype=float)
        if exog.ndim == 1 and len(self.exog_names_) == 1:
            exog = exog[:, np.newaxis]
        if exog.ndim != 2 or exog.shape[1] != len(self.exog_names_):
            raise ValueError(
                f"X must have shape (steps, {len(self.exog_names_)}), one column per "
                f"exogenous column {self.exog_names_}; got shape {exog.shape}.")
        if len(exog) < steps or not np.isfinite(exog[:steps]).all():
            raise ValueError(f"X must hold {steps} finite rows of {self.exog_names_}.")
        return exog[:steps]

    def _recursive(self, windows, steps, future_exog, units):
        windows = windows.copy()
        out = np.empty((len(windows), steps))
        for step in range(steps):
            out[:, step] = self._predict_scaled(windows, units)[:, 0]
            windows = np.roll(windows, -1, axis=1)
            windows[:, -1, 0] = out[:, step]
            if windows.shape[2] > 1:
                windows[:, -1, 1:] = future_exog[:, step]
        return out

    def _predict_scaled(self, windows, units):
        """The estimator's forecasts from scaled windows, (n_windows, k),
        in scaled units (window normalisation undone); ``units`` as
        ``_normalize_windows`` takes them."""
        normalized, location, scale = self._normalize_windows(windows, units)
        predicted = self.estimator_.predict(self._inputs(normalized))
        return unscale_forecasts(predicted.reshape(len(windows), -1), location, scale)

    def _normalize_windows(self, windows, units):
        """Windows with their target column made relative to each window's
        own statistics (``window_scaling``), and those statistics: location
        and scale, each of shape (n_windows,). With
        ``window_statistics_input`` the statistics are appended as columns,
        in the units of each window's series (``units``, (n_windows, 2):
        the mean and scale its target was standardised by), as DeepAR feeds
        the log of its scale in the series' units."""
        if self.window_normalization_ is None:
            return windows, np.zeros(len(windows)), np.ones(len(windows))
        lags = range(windows.shape[2] - len(self._seasonal_lag_steps), windows.shape[2])
        scaled, location, scale = scale_windows(windows, self.window_normalization_, lags)
        if self._statistics_input:
            statistics = statistics_columns(
                self.window_normalization_, location * units[:, 1] + units[:, 0],
                scale * units[:, 1], windows.shape[1])
            scaled = np.concatenate([scaled, statistics], axis=2)
        return scaled, location, scale

    def _n_statistics(self):
        """Columns ``_normalize_windows`` appends to every window."""
        if not self._statistics_input or self.window_normalization_ is None:
            return 0
        return n_statistics(self.window_normalization_)

    def _known_positions(self):
        return [1 + self.exog_names_.index(c) for c in self.known_future]

    def _tail_errors(self, frames, cut):
        """Scaled errors of forecasts from every origin after ``cut(n_times)``
        of each series in ``frames``: ``(series id, errors (n_origins,
        horizon))`` for each series with such an origin."""
        origins = {key: np.arange(cut(len(frame)), len(frame) - self.horizon + 1)
                   for key, frame in frames.items()}
        keys = [key for key in frames if origins[key].size]
        if not keys:
            return []
        values = {key: frames[key].to_numpy(dtype=float) for key in keys}
        forecasts = self._forecast_many(
            [(values[key], origins[key], self._positioned(self._states[key], frames[key].index))
             for key in keys], self.horizon)
        steps = np.arange(self.horizon)
        return [(key, (values[key][origins[key][:, None] + steps, 0] - forecast)
                 / self._states[key].error_scale) for key, forecast in zip(keys, forecasts)]

    def _base_estimator(self):
        if self.estimator is None:
            return default_rnn(self.random_state)
        return self.estimator

    def _regressor(self, steps, n_windows):
        regressor = clone(self._base_estimator())
        if self.estimator is None:
            # Fewer windows than this leave a validation tail too short to
            # judge epochs by: the default then trains without one.
            if n_windows < MIN_WINDOWS_TO_STOP_EARLY:
                regressor.set_params(early_stopping=False)
            # The default's batches of 64, no larger than the windows it
            # trains on (early stopping holds some out): short series would
            # otherwise warn that the batch was clipped.
            held_out = (int(np.ceil(regressor.validation_fraction * n_windows))
                        if regressor.early_stopping else 0)
            regressor.set_params(batch_size=max(1, min(DEFAULT_BATCH, n_windows - held_out)))
        if steps > 1 and not get_tags(regressor).target_tags.multi_output:
            regressor = MultiOutputRegressor(regressor)
        return regressor

    def _inputs(self, windows):
        if get_tags(self._base_estimator()).input_tags.three_d_array:
            return windows
        return windows.reshape(len(windows), -1)


def _target_units(state, n_windows):
    """The mean and scale the target of a series was standardised by, once
    per window of it: (n_windows, 2); 0 and 1 when it was not."""
    mean, scale = (0.0, 1.0) if state.mean is None else (state.mean[0], state.scale[0])
    return np.tile([mean, scale], (n_windows, 1))


# Parameters the fitted model forecasts with: set_params cannot change them
# until the next fit (the others it reads are fixed as fitted attributes).
PREDICT_PARAMS = ("horizon", "strategy", "known_future")


def _frozen(value):
    """``value`` comparable with ``!=`` (a list of columns as a tuple)."""
    return tuple(value) if isinstance(value, list) else value


def _weighted(weights):
    """``fit`` keywords for window ``weights`` (none when None)."""
    return {} if weights is None else {"sample_weight": weights}


def _source(y, X):
    """What ``fit`` reads: a ``PartitionedPanel`` as it is, anything else
    read into one in-memory panel."""
    if isinstance(y, PartitionedPanel):
        if X is not None:
            raise ValueError("A PartitionedPanel names its exogenous columns (exog=...); "
                             "X must be None.")
        return y
    return InMemoryPanel(read_panel(y, X))


def _standard_statistics(values):
    """Per-column mean and standard deviation of ``values`` (n_times,
    n_columns), as ``StandardScaler`` computes them: a deviation too small
    to divide by (constant columns) becomes 1."""
    mean = values.mean(axis=0)
    scale = values.std(axis=0)
    tiny = scale < 10 * np.finfo(float).eps * np.maximum(np.abs(mean), 1.0)
    return mean, np.where(tiny, 1.0, scale)


def _check_multiplicative(target, season):
    """Refuse a series that multiplicative seasonal factors cannot divide."""
    if season is None or season < 2:
        raise ValueError(
            'deseasonalize="multiplicative" needs a season of at least 2 observations; '
            f"the index gives {season!r}. Pass season=12 (say) for positions, or use "
            'deseasonalize="auto", which leaves series without a season as they are.')
    if len(target) < 2 * season:
        raise ValueError(
            f"A series of {len(target)} observations is too short for seasonal factors "
            f"of a season of {season}: it needs two seasons ({2 * season}).")
    if not (target > 0).all():
        raise ValueError(
            'deseasonalize="multiplicative" divides by seasonal factors of positive '
            f"series; a series has values down to {target.min():.4g}. Use "
            'deseasonalize="auto" (which leaves it as it is) or differences=[season].')


def _mean_absolute(values):
    """Mean absolute value of ``values`` (n_times,): 1 for a series of zeros."""
    magnitude = np.abs(values).mean()
    return magnitude if magnitude > np.finfo(float).tiny else 1.0


def _frequency_and_shortest(source):
    """The spacing of the first series of ``source`` and the length of its
    shortest series, a partition in memory at a time; a ValueError when it
    holds no series (no partitions, or only empty ones)."""
    freq, shortest = None, None
    for number in range(len(source)):
        frames = source.read(number).frames
        if not frames:
            continue
        if freq is None:
            freq = series_frequency(next(iter(frames.values())).index)
        least = min(len(frame) for frame in frames.values())
        shortest = least if shortest is None else min(shortest, least)
    if shortest is None:
        raise ValueError("y holds no observations: a PartitionedPanel with no "
                         "partitions, or only empty ones. Check the filter or path that "
                         "made it.")
    return freq, shortest


def _series_rows(X, key, layout):
    """The future exogenous rows ``predict`` gets for series ``key``."""
    if X is None or layout.layout == SINGLE:
        return X
    if layout.layout == WIDE:
        raise ValueError("A model fitted on a wide panel has no exogenous columns; "
                         "X is not used.")
    X, _ = as_timestamps(X)
    if not isinstance(getattr(X, "index", None), pd.MultiIndex):
        raise ValueError("For a panel, X must be a DataFrame on a (series id, time) "
                         "MultiIndex.")
    if key not in X.index.get_level_values(0):
        raise ValueError(f"X has no rows for series {key!r}.")
    return X.xs(key, level=0)


def _past_rows(X, y):
    """The rows of ``X`` at the times of ``y`` (its first rows, per series
    of a long ``y``): what ``predict(y=..., X=...)`` reads as the past."""
    if X is None:
        return None
    index = getattr(y, "index", None)
    if isinstance(index, pd.MultiIndex):
        if not isinstance(getattr(X, "index", None), pd.MultiIndex):
            raise ValueError("With a long y, X must be a DataFrame on a (series id, "
                             "time) MultiIndex.")
        counts = index.get_level_values(0).value_counts(sort=False)
        return pd.concat([X.xs(key, level=0, drop_level=False).iloc[:n]
                          for key, n in counts.items()])
    n = len(y)
    return X.iloc[:n] if hasattr(X, "iloc") else np.asarray(X)[:n]


def _future_rows(X, key, n_past, layout):
    """The rows of ``X`` after the ``n_past`` rows of series ``key``."""
    X = _series_rows(X, key, layout)
    if X is None:
        return None
    return X.iloc[n_past:] if hasattr(X, "iloc") else np.asarray(X)[n_past:]


DEFAULT_BATCH = 64
# Windows per partial_fit call when a PartitionedPanel is fitted without
# chunk_windows: 65,536 windows of 24 steps are 12.6 MB in float64.
DEFAULT_CHUNK_WINDOWS = 65_536
MIN_WINDOWS_TO_STOP_EARLY = 20


def default_rnn(random_state=None):
    """The ``SimpleRNNRegressor`` a ``WindowForecaster`` uses by default.

    Relu units trained on the absolute error (the median, the loss of the
    M4 networks) at ``learning_rate_init=1e-3``, batches of 64, up to 300
    epochs, and early stopping on the chronological tail with patience 30;
    its linear skip path makes the fit start from ridge regression on the
    window, kept unless the network beats it on that tail. Against the
    squared error at 3e-4 it replaced (``benchmarks/README.md``): on the
    accuracy suite (the bundled series and six fpp2 series, 3 seeds) MASE
    within 0.5% on every series; on the M3 competition with per-window
    scaling, sMAPE 16.02 / 9.22 / 14.01 / 4.44 against 17.14 / 9.49 /
    14.61 / 4.87 (yearly / quarterly / monthly / other).
    """
    return SimpleRNNRegressor(activation="relu", loss="absolute_error",
                              learning_rate_init=1e-3, batch_size=DEFAULT_BATCH, max_iter=300,
                              early_stopping=True, n_iter_no_change=30,
                              random_state=random_state)
