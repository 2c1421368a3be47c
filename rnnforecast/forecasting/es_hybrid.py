"""ESRNNForecaster: Smyl's ES-RNN hybrid, per-series exponential smoothing
and one shared recurrent network, learned together.

The M4 competition's winner (Smyl, 2020) normalises every series by its own
exponentially smoothed level and multiplicative seasonal factors, whose
smoothing parameters are learned per series by gradient descent, jointly
with a recurrent network shared by all series. The network reads a window
of log ratios to the level and factors and forecasts the whole horizon in
the same units; a forecast is the last level, times the seasonal factors
(repeated beyond one season), times the exponential of the network's
output. The smoothing (``_core.exponential_smoothing``) and the joint
training step (``_core.hybrid_training``) are Numba kernels; this module
reads pandas input, draws windows, chooses the number of steps on the
held-out last horizon of every series, and writes forecasts back in the
layout that came in.
"""

import warnings
from dataclasses import replace
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._core.hybrid_training import (
    HybridStep,
    SmoothedSeries,
    initial_smoothing,
    last_windows,
    smoothing_parameters,
)
from .._core.network import RecurrentNetwork
from .._core.threads import ShardPool
from .._core.training import predict_logits
from .._estimators.validation import refuse_booleans
from .calendar import future_index, infer_season
from .es_validation import HeldOutPeriod, Validation, fold_count
from .holdout import BaselineWarning
from .input_contract import common_frequency
from .panel import read_panel
from .window_sampling import draw_series_windows
from .windows import check_positive_int

__all__ = ["ESRNNForecaster"]

# Training refuses its result when more of its steps than this were skipped
# for a non-finite loss or gradient.
MAX_SKIPPED_SHARE = 0.1


class ESRNNForecaster(BaseEstimator):
    """Smyl's ES-RNN: per-series level and seasonality smoothed exponentially,
    with smoothing parameters learned jointly with one shared recurrent
    network.

    Every series gets its own level smoothing ``alpha``, seasonal smoothing
    ``gamma`` and initial seasonal factors (Holt-Winters' multiplicative
    model without a trend). The network sees each window as
    ``log(y_t / (level_T * s_t))``, the level at the window's end ``T``
    and each step's factor, and forecasts the next ``horizon`` ratios in
    one step (a direct head). The training loss, in those log ratios, is
    sent back through the windows into the smoothing, so each series learns
    the smoothing that serves the shared network best. Training draws
    ``series_per_step`` series uniformly, then ``windows_per_series`` cut
    points in each, for up to ``max_steps`` Adam steps.

    With early stopping, a first fit holds out the last ``horizon`` values
    of every series long enough to spare them, scores its forecast of them
    every ``validation_interval`` steps, and the model is then fitted on
    all the data for the number of steps that scored best. A small panel
    is judged over up to four such periods, one before the other.

    Parameters
    ----------
    window_length : int or "auto", default="auto"
        Observations per window; "auto" takes two seasons or the horizon,
        whichever is longer (at least 4), capped so that the shortest
        series gives a window.
    horizon : int, default=1
        Steps forecast at once; ``predict`` forecasts at most this many.
    season : int, default=None
        Observations per seasonal cycle; None infers it from the series'
        frequency (1, no season, for a bare integer index).
    cell : {"gru", "lstm", "simple"}, default="gru"
    units : int, default=32
        Units of the one recurrent layer.
    loss : {"absolute_error", "squared_error"}, default="absolute_error"
        Loss on the log ratios (the absolute error is the M4 networks').
    learning_rate : float, default=1e-3
        Adam's step on the network's weights.
    smoothing_learning_rate : float, default=1e-3
        Adam's step on each series' smoothing parameters.
    level_variability_penalty : float, default=0.0
        Weight of Smyl's penalty on the squared change of the level's log
        growth, which keeps the level smooth.
    max_steps : int, default=2000
        Training steps (with early stopping, the most tried).
    series_per_step, windows_per_series : int, default=32 and 4
        What one step draws.
    clipnorm : float or None, default=1.0
        Clip the network's gradient to this global norm.
    early_stopping : {"auto"} or bool, default="auto"
        Choose the number of steps on the held-out last horizon; "auto"
        does so when a series is long enough to hold one out (``2 *
        horizon + window_length`` values), True requires it.
    validation_interval : int, default=100
        Steps between two scores of the held-out horizon.
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        Print the held-out scores as training goes.

    Attributes
    ----------
    n_steps_ : int
        Steps of the final fit.
    window_length_ : int
    season_ : int
    freq_ : pandas offset or int
        Spacing of the series (an int step for integer positions).
    smoothing_ : pandas.DataFrame
        Per series: ``alpha``, ``gamma`` (0 without a season) and the
        initial seasonal factors.
    validation_periods_ : int
        Held-out periods the steps were chosen on: one on a large panel; a
        small one (fewer than 1,000 held-out values a period) gets up to
        four, each ending where the next starts and fitted without it
        (``es_validation``); 0 without early stopping.
    validation_scores_ : list of float or None
        Mean absolute scaled error of the held-out horizon at every
        ``validation_interval`` steps, averaged over the periods (None
        without early stopping).
    network_gain_ : float or None
        On the held-out horizon, the mean scaled error of the smoothing
        alone (the last level times the seasonal factors) minus that of the
        hybrid, at the chosen step: positive when the network improved on
        the exponential smoothing it starts from.
    baseline_score_ : float or None
        Seasonal naive's mean scaled error on the held-out horizon; a
        :class:`~rnnforecast.BaselineWarning` is issued when it beats the
        hybrid's.

    See Also
    --------
    WindowForecaster : Any regressor on windows, exogenous inputs, intervals.
    EnsembleForecaster : Several forecasters combined.

    Notes
    -----
    The model is multiplicative: every value must be positive. Series are
    forecast from the end of their own history; a series not seen in
    ``fit`` has no smoothing parameters, so ``predict`` takes no new data.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from rnnforecast import ESRNNForecaster
    >>> t = np.arange(72)
    >>> y = pd.Series(100 + t + 10 * np.sin(2 * np.pi * t / 12),
    ...               index=pd.date_range("2000-01", periods=72, freq="MS"))
    >>> forecaster = ESRNNForecaster(horizon=6, max_steps=200, random_state=0).fit(y)
    >>> forecaster.predict().shape
    (6,)
    """

    _parameter_constraints = {
        "window_length": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "season": [Interval(Integral, 1, None, closed="left"), None],
        "cell": [StrOptions({"gru", "lstm", "simple"})],
        "units": [Interval(Integral, 1, None, closed="left")],
        "loss": [StrOptions({"absolute_error", "squared_error"})],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "smoothing_learning_rate": [Interval(Real, 0, None, closed="left")],
        "level_variability_penalty": [Interval(Real, 0, None, closed="left")],
        "max_steps": [Interval(Integral, 1, None, closed="left")],
        "series_per_step": [Interval(Integral, 1, None, closed="left")],
        "windows_per_series": [Interval(Integral, 1, None, closed="left")],
        "clipnorm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_interval": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, window_length="auto", horizon=1, *, season=None, cell="gru",
                 units=32, loss="absolute_error", learning_rate=1e-3,
                 smoothing_learning_rate=1e-3, level_variability_penalty=0.0,
                 max_steps=2000, series_per_step=32, windows_per_series=4, clipnorm=1.0,
                 early_stopping="auto", validation_interval=100, random_state=None,
                 verbose=0):
        self.window_length = window_length
        self.horizon = horizon
        self.season = season
        self.cell = cell
        self.units = units
        self.loss = loss
        self.learning_rate = learning_rate
        self.smoothing_learning_rate = smoothing_learning_rate
        self.level_variability_penalty = level_variability_penalty
        self.max_steps = max_steps
        self.series_per_step = series_per_step
        self.windows_per_series = windows_per_series
        self.clipnorm = clipnorm
        self.early_stopping = early_stopping
        self.validation_interval = validation_interval
        self.random_state = random_state
        self.verbose = verbose

    def _validate_params(self):
        super()._validate_params()
        refuse_booleans(self)

    def fit(self, y, X=None):
        """Fit the smoothing of every series and the shared network.

        Parameters
        ----------
        y : pandas.Series or pandas.DataFrame
            One series, a wide DataFrame (a column per series) or a long
            Series on a ``(series id, time)`` MultiIndex; positive values,
            no gaps.
        X : None
            Exogenous inputs are not supported (use ``WindowForecaster``).

        Returns
        -------
        self : ESRNNForecaster
        """
        self._validate_params()
        if X is not None:
            raise ValueError("ESRNNForecaster takes no exogenous inputs; X must be None. "
                             "WindowForecaster forecasts with exogenous columns.")
        panel = read_panel(y)
        freq = common_frequency(panel.frames)
        values = [_positive_values(frame.iloc[:, 0], key) for key, frame in panel.frames.items()]
        season = self.season or infer_season(freq) or 1
        window = self._window_length(season, values)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        validation = self._validation_run(values, season, window, seed)
        n_steps = self.max_steps if validation is None else validation.best_steps
        model = _train(values, season, window, self._settings(n_steps), seed)
        # Every check passed: only now does the forecaster change.
        self._model, self._values = model, values
        self._layout, self._ids = replace(panel, frames={}), panel.ids
        self._last_times = [frame.index[-1] for frame in panel.frames.values()]
        self.freq_, self.season_, self.window_length_, self.n_steps_ = freq, season, window, n_steps
        self._record_validation(validation)
        return self

    def _window_length(self, season, values):
        shortest = min(len(y) for y in values)
        if self.window_length == "auto":
            window = max(2 * season, self.horizon, 4)
            window = min(window, shortest - self.horizon)
        else:
            window = self.window_length
        if window < 1 or shortest < window + self.horizon:
            raise ValueError(
                f"The shortest series has {shortest} values, fewer than window_length + "
                f"horizon = {max(window, 1) + self.horizon}: lower window_length or "
                "horizon, or leave the short series out.")
        return window

    def _settings(self, n_steps):
        return {"loss": self.loss, "learning_rate": self.learning_rate,
                "smoothing_learning_rate": self.smoothing_learning_rate,
                "clipnorm": self.clipnorm, "level_penalty": self.level_variability_penalty,
                "cell": self.cell, "units": self.units, "n_steps": n_steps,
                "series_per_step": self.series_per_step,
                "windows_per_series": self.windows_per_series, "horizon": self.horizon}

    def _validation_run(self, values, season, window, seed):
        """Fit without each held-out period (``es_validation``), scoring the
        forecast of it every ``validation_interval`` steps; None when early
        stopping is off (or "auto" and no series is long enough)."""
        if self.early_stopping is False:
            return None
        horizon = self.horizon
        n_folds = fold_count([len(y) for y in values], window, horizon)
        if n_folds == 0:
            if self.early_stopping == "auto":
                return None
            raise ValueError(
                f"early_stopping=True holds out the last {horizon} values of every series "
                f"long enough to keep a window (window_length + 2 * horizon = "
                f"{window + 2 * horizon} values); none is. Set early_stopping=False or "
                "pass longer series.")
        folds = []
        for fold in range(1, n_folds + 1):
            period = HeldOutPeriod(values, fold, window, horizon, season)

            def score(step, model, data, season, window, period=period):
                period.record(step, *_forecast_from(model, data, season, window))

            _train(period.training, season, window, self._settings(self.max_steps), seed,
                   checkpoint=(self.validation_interval, score))
            folds.append(period)
        validation = Validation(folds)
        if self.verbose:
            validation.report()
        return validation

    def _record_validation(self, validation):
        if validation is None:
            self.validation_scores_ = self.network_gain_ = self.baseline_score_ = None
            self.validation_periods_ = 0
            return
        self.validation_periods_ = len(validation.folds)
        self.validation_scores_ = validation.scores
        self.network_gain_ = validation.gain
        self.baseline_score_ = validation.naive_score
        if validation.best_score > validation.naive_score:
            warnings.warn(
                f"On the held-out end of every series ({len(validation.folds)} period(s), "
                f"each fitted without it), the ES-RNN's mean scaled error is "
                f"{validation.best_score:.3f} and seasonal naive's "
                f"{validation.naive_score:.3f}: repeating the last season forecast better. "
                "The forecasts are the ES-RNN's own.", BaselineWarning, stacklevel=3)

    @property
    def smoothing_(self):
        check_is_fitted(self, "n_steps_")
        alpha, gamma, factors = smoothing_parameters(self._model[2], self.season_)
        frame = pd.DataFrame({"alpha": alpha, "gamma": gamma}, index=self._ids)
        for k in range(factors.shape[1]):
            frame[f"s0_{k}"] = factors[:, k]
        return frame

    def predict(self, steps=None):
        """Forecast every series from the end of its history.

        Parameters
        ----------
        steps : int, default=None
            Steps ahead, at most the ``horizon`` fitted (None: all of them).

        Returns
        -------
        pandas.Series or pandas.DataFrame
            In the layout ``fit`` got: one series, a wide frame, or a long
            Series on ``(series id, time)``.
        """
        check_is_fitted(self, "n_steps_")
        forecasts = _forecast(self._model, self._values, self.season_, self.window_length_)
        # The horizon the network was fitted with, whatever set_params did since.
        horizon = forecasts.shape[1]
        steps = horizon if steps is None else check_positive_int(steps, "steps")
        if steps > horizon:
            raise ValueError(f"The ES-RNN forecasts the horizon of {horizon} steps it was "
                             f"fitted with at once, so at most {horizon}, got steps={steps}; "
                             "refit with a larger horizon.")
        results = {key: pd.Series(row[:steps], index=future_index(last, self.freq_, steps),
                                  name=self._layout.target_name)
                   for key, last, row in zip(self._ids, self._last_times, forecasts)}
        return self._layout.arrange(results)


def _train(values, season, window, settings, seed, checkpoint=None):
    """Fit the smoothing rows and network on ``values`` for
    ``settings["n_steps"]`` steps; ``checkpoint = (every, score)`` calls
    ``score(step, model, data, season, window)`` every ``every`` steps.
    Returns ``(network, params, smoothing)``."""
    rng = np.random.RandomState(seed)
    horizon = settings["horizon"]
    network = RecurrentNetwork(1, (settings["units"],), horizon, "tanh", False,
                               settings["cell"])
    params = network.initialize(rng, np.float32, "glorot_uniform", "orthogonal")
    smoothing = initial_smoothing(values, season)
    data = SmoothedSeries(values, season)
    n_series = min(settings["series_per_step"], len(values))
    step = HybridStep(network, params, smoothing, data, settings, window, horizon,
                      n_series * settings["windows_per_series"])
    lengths = np.array([len(y) for y in values])
    model = (network, params, smoothing)
    n_steps, skipped = settings["n_steps"], 0
    # BLAS on one thread, as every fit of the core runs: its kernels differ
    # with the thread count (so would the model's bits), and threads only
    # slow products this small.
    with ShardPool(n_threads=1):
        for number in range(1, n_steps + 1):
            chosen, ends = draw_series_windows(rng, lengths, n_series,
                                               settings["windows_per_series"], window,
                                               horizon)
            skipped += not np.isfinite(step.run(chosen, ends))
            if checkpoint is not None and (number % checkpoint[0] == 0 or number == n_steps):
                checkpoint[1](number, model, data, season, window)
    if skipped > MAX_SKIPPED_SHARE * n_steps:
        # A step with a non-finite loss changes nothing: so many of them
        # would leave a model that barely trained, silently.
        raise ValueError(
            f"{skipped} of {n_steps} training steps gave a non-finite loss or gradient "
            "and were skipped; lower learning_rate or smoothing_learning_rate, or check "
            "the series for extreme values.")
    return model


def _forecast_from(model, data, season, window):
    """Forecasts of every series of ``data`` (shape (n_series, horizon)),
    and those of the smoothing alone."""
    network, params, smoothing = model
    X, scales = last_windows(data, smoothing, window)
    ratios = predict_logits(network, params, X[:, :, np.newaxis].astype(params.dtype))
    factors = scales[:, np.arange(network.n_outputs) % season]
    return factors * np.exp(ratios.astype(np.float64)), factors


def _forecast(model, values, season, window):
    return _forecast_from(model, SmoothedSeries(values, season), season, window)[0]


def _positive_values(target, key):
    """One series' values as float64, refused unless finite and positive."""
    values = target.to_numpy(dtype=float)
    which = "The series" if key is None else f"Series {key!r}"
    if not np.isfinite(values).all():
        raise ValueError(f"{which} holds NaN or infinite values; the ES-RNN needs "
                         "every value: fill or drop them.")
    if (values <= 0).any():
        raise ValueError(
            f"{which} holds values <= 0 (the smallest is {values.min():.3g}); the ES-RNN's "
            "level and seasonal factors are multiplicative and need positive values. "
            "Shift the series above zero, or use WindowForecaster.")
    return values
