"""Training an ES-RNN hybrid: per-series smoothing and a shared network,
learned together.

Each series ``i`` owns a row of ``smoothing`` parameters, unconstrained:
``[logit(alpha_i), logit(gamma_i), log s0_i[0], ..., log s0_i[m - 1]]``.
A training step draws some series, smooths each with its own parameters
(``exponential_smoothing``), cuts windows of log ratios to the smoothed
level and factors, runs the network on them, and sends the loss's
gradient both ways: into the network's weights, and, through the input
and target ratios, back into every drawn series' smoothing row. Nothing
here knows pandas or scikit-learn.

A series without a season (``m = 1``) keeps ``gamma = 0`` and its one
factor at 1: its row's last two entries are never read or changed.
"""

import numpy as np

from .clipping import clip_by_global_norm
from .exponential_smoothing import (
    relative_windows,
    relative_windows_gradient,
    smooth_level_and_season,
    smoothing_gradient,
)
from .jit import kernel
from .losses import make_loss
from .network import Workspace, WorkspaceOptions
from .optimizers import Adam, _adam_step

# Where a fit starts: alpha 0.5 and gamma 0.27, Smyl's starting region.
INITIAL_LEVEL_LOGIT = 0.0
INITIAL_SEASON_LOGIT = -1.0


def initial_smoothing(series, season):
    """Starting smoothing rows, shape (n_series, 2 + season).

    The initial factors are each position's mean ratio to its season's mean
    over the first two seasons (one when the series is shorter), as the
    classical decomposition starts Holt-Winters; a series shorter than one
    season starts every factor at 1, and learns them from there.
    """
    rows = np.zeros((len(series), 2 + season))
    rows[:, 0] = INITIAL_LEVEL_LOGIT
    rows[:, 1] = INITIAL_SEASON_LOGIT
    if season == 1:
        return rows
    for i, y in enumerate(series):
        n_seasons = min(2, y.shape[0] // season)
        if n_seasons == 0:
            continue
        cycles = y[:n_seasons * season].reshape(n_seasons, season)
        ratios = cycles / cycles.mean(axis=1, keepdims=True)
        rows[i, 2:] = np.log(ratios.mean(axis=0))
    return rows


@kernel
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@kernel
def smoothing_values(row, initial_seasons):
    """``(alpha, gamma)`` of one smoothing row; its initial factors written
    to ``initial_seasons`` (shape (season,))."""
    season = initial_seasons.shape[0]
    if season == 1:
        initial_seasons[0] = 1.0
        return _sigmoid(row[0]), 0.0
    for k in range(season):
        initial_seasons[k] = np.exp(row[2 + k])
    return _sigmoid(row[0]), _sigmoid(row[1])


def smoothing_parameters(smoothing, season):
    """Every row's ``alpha``, ``gamma`` and initial factors, as
    ``smoothing_values`` reads one: arrays of shape (n_series,),
    (n_series,) and (n_series, season)."""
    alpha = 1.0 / (1.0 + np.exp(-smoothing[:, 0]))
    if season == 1:
        return alpha, np.zeros_like(alpha), np.ones((smoothing.shape[0], 1))
    return alpha, 1.0 / (1.0 + np.exp(-smoothing[:, 1])), np.exp(smoothing[:, 2:])


@kernel
def smoothing_row_gradient(alpha, gamma, initial_seasons, d_alpha, d_gamma,
                           d_initial_seasons, d_row):
    """The chain rule from ``(alpha, gamma, s0)`` to the unconstrained row:
    a sigmoid's slope is ``p (1 - p)``, an exponential's its value."""
    d_row[0] = d_alpha * alpha * (1.0 - alpha)
    season = initial_seasons.shape[0]
    if season == 1:
        d_row[1] = 0.0
        d_row[2] = 0.0
        return
    d_row[1] = d_gamma * gamma * (1.0 - gamma)
    for k in range(season):
        d_row[2 + k] = d_initial_seasons[k] * initial_seasons[k]


@kernel
def level_variability(levels, weight, d_levels):
    """Smyl's penalty on a wiggly level: ``weight`` times the mean squared
    change of the level's log growth, ``mean_t (g_t - g_{t-1})**2`` with
    ``g_t = log(l_t / l_{t-1})``. Adds its gradient to ``d_levels``; returns
    the penalty (0 for fewer than 3 levels)."""
    n = levels.shape[0]
    if n < 3 or weight == 0.0:
        return 0.0
    scale = weight / (n - 2)
    total = 0.0
    for t in range(2, n):
        change = (np.log(levels[t] / levels[t - 1])
                  - np.log(levels[t - 1] / levels[t - 2]))
        total += change * change
        slope = 2.0 * scale * change
        # d change / d log l: +1 at t, -2 at t-1, +1 at t-2.
        d_levels[t] += slope / levels[t]
        d_levels[t - 1] -= 2.0 * slope / levels[t - 1]
        d_levels[t - 2] += slope / levels[t - 2]
    return total * scale


class SmoothedSeries:
    """The series of a fit with their smoothing buffers, allocated once.

    Parameters
    ----------
    series : list of ndarray of shape (n_times_i,)
        Positive float64 values.
    season : int
        Steps per season (1 without one).
    """

    def __init__(self, series, season):
        self.series = series
        self.season = season
        self.levels = [np.empty(y.shape[0]) for y in series]
        self.seasons = [np.empty(y.shape[0] + season) for y in series]
        self.d_levels = [np.empty(y.shape[0]) for y in series]
        self.d_seasons = [np.empty(y.shape[0] + season) for y in series]
        self.initial = np.empty(season)
        self.d_initial = np.empty(season)

    def smooth(self, i, row):
        """Smooth series ``i`` with the smoothing ``row``; return
        ``(alpha, gamma)`` (the initial factors are in ``self.initial``)."""
        alpha, gamma = smoothing_values(row, self.initial)
        smooth_level_and_season(self.series[i], alpha, gamma, self.initial,
                                self.levels[i], self.seasons[i])
        return alpha, gamma

    def windows(self, i, ends, X, targets):
        """Series ``i``'s windows ending at ``ends``, as log ratios (see
        ``relative_windows``); ``smooth`` must have run on it."""
        relative_windows(self.series[i], self.levels[i], self.seasons[i], ends, X, targets)


class HybridStep:
    """One Adam update of an ES-RNN: the network and the drawn series'
    smoothing rows, on the windows drawn from them.

    Parameters
    ----------
    network : RecurrentNetwork
        One input feature, ``horizon`` outputs.
    params : ndarray of shape (n_params,)
        The network's flat weights, updated in place.
    smoothing : ndarray of shape (n_series, 2 + season)
        The smoothing rows, updated in place.
    data : SmoothedSeries
    settings : dict
        ``loss`` (a key of ``LOSSES``), ``learning_rate``,
        ``smoothing_learning_rate``, ``clipnorm`` (or None),
        ``level_penalty`` (the weight of ``level_variability``).
    window_length, horizon, max_batch : int
        Window sizes, and the most windows a step takes.
    """

    def __init__(self, network, params, smoothing, data, settings, window_length,
                 horizon, max_batch):
        self.network = network
        self.params = params
        self.smoothing = smoothing
        self.data = data
        self.settings = settings
        self.loss = make_loss(settings)
        options = WorkspaceOptions(training=True, target_width=horizon, input_gradient=True)
        self.workspace = Workspace(network, window_length, max_batch, params.dtype, options)
        self.views = network.split(params)
        self.grads = np.zeros_like(params)
        self.grad_views = network.split(self.grads)
        self.masks = [(None, None)] * len(network.layers)
        self.X = np.empty((max_batch, window_length))
        self.targets = np.empty((max_batch, horizon))
        self.d_X = np.empty((max_batch, window_length))
        self.d_rows = np.zeros_like(smoothing)
        self.optimizer = Adam(params.shape[0], params.dtype, settings["learning_rate"])
        self.row_moments = (np.zeros_like(smoothing), np.zeros_like(smoothing))

    def run(self, chosen, ends):
        """Update on the windows of series ``chosen`` (shape (k,), no
        repeats) ending at ``ends`` (shape (k, per_series)). Returns the
        loss, or NaN (and changes nothing) when it or a gradient is not
        finite."""
        loss = self.gradient(chosen, ends)
        rows = self.d_rows[chosen]
        if not (np.isfinite(loss) and np.isfinite(self.grads).all()
                and np.isfinite(rows).all()):
            return np.nan
        if self.settings["clipnorm"] is not None:
            clip_by_global_norm(self.grads, self.settings["clipnorm"])
        self._update(chosen, rows)
        return loss

    def gradient(self, chosen, ends):
        """The loss (level penalty included) on those windows; its gradient
        with respect to the weights into ``grads`` and to each drawn
        series' smoothing row into ``d_rows``."""
        per_series = ends.shape[1]
        for j, i in enumerate(chosen):
            rows = slice(j * per_series, (j + 1) * per_series)
            self.data.smooth(i, self.smoothing[i])
            self.data.windows(i, ends[j], self.X[rows], self.targets[rows])
        loss = self._network_gradient(chosen.shape[0] * per_series)
        return loss + self._smoothing_gradient(chosen, ends)

    def _network_gradient(self, batch):
        """Forward and backward on the first ``batch`` windows: the weights'
        gradient into ``grads``, the inputs' and targets' into ``d_X`` and
        ``d_targets``."""
        buffers = self.workspace.for_batch(batch)
        buffers["X"][:, :, 0] = self.X[:batch].T
        buffers["targets"][...] = self.targets[:batch]
        buffers["weights"][...] = 1.0
        logits = self.network.forward(self.views, buffers, self.masks)
        loss = self.loss(logits, buffers["targets"], buffers["weights"], float(batch),
                         buffers["dlogits"])
        self.network.backward(self.views, self.grad_views, buffers, self.masks,
                              buffers["dlogits"])
        self.d_X[:batch] = buffers["dX"][:, :, 0].T
        # The losses depend on forecast minus target: a target's gradient
        # is minus its forecast's.
        self.d_targets = -buffers["dlogits"].astype(np.float64)
        return float(loss)

    def _smoothing_gradient(self, chosen, ends):
        """Every drawn series' smoothing-row gradient, into ``d_rows``;
        returns the level penalty, averaged over the drawn series."""
        data, per_series = self.data, ends.shape[1]
        weight = self.settings["level_penalty"] / chosen.shape[0]
        penalty = 0.0
        for j, i in enumerate(chosen):
            rows = slice(j * per_series, (j + 1) * per_series)
            d_levels, d_seasons = data.d_levels[i], data.d_seasons[i]
            d_levels[...] = 0.0
            d_seasons[...] = 0.0
            relative_windows_gradient(data.levels[i], data.seasons[i], ends[j],
                                      self.d_X[rows], self.d_targets[rows],
                                      d_levels, d_seasons)
            penalty += level_variability(data.levels[i], weight, d_levels)
            # The shared initial-factor buffer holds the last series
            # smoothed: read this one's again.
            alpha, gamma = smoothing_values(self.smoothing[i], data.initial)
            d_alpha, d_gamma = smoothing_gradient(
                data.series[i], alpha, gamma, data.levels[i], data.seasons[i],
                d_levels, d_seasons, data.d_initial)
            smoothing_row_gradient(alpha, gamma, data.initial, d_alpha, d_gamma,
                                   data.d_initial, self.d_rows[i])
        return penalty

    def _update(self, chosen, d_rows):
        """Adam on the weights, and on the drawn rows only: a series not
        drawn keeps its parameters and its moments (bias-corrected at the
        weights' step count, with the weights' betas)."""
        adam = self.optimizer
        adam.update(self.params, self.grads)
        rows = self.smoothing[chosen]
        first, second = (moment[chosen] for moment in self.row_moments)
        _adam_step(rows.reshape(-1), d_rows.reshape(-1), first.reshape(-1),
                   second.reshape(-1), self.settings["smoothing_learning_rate"],
                   adam.beta_1, adam.beta_2, adam.epsilon, adam.t)
        self.smoothing[chosen] = rows
        self.row_moments[0][chosen] = first
        self.row_moments[1][chosen] = second


def last_windows(data, smoothing, window_length):
    """Every series' window ending at its last value, and the factor that
    turns a forecast ratio back into the series' units.

    Returns
    -------
    X : ndarray of shape (n_series, window_length)
        Log ratios, as the network was trained on.
    scales : ndarray of shape (n_series, season)
        ``level[-1] * seasons[n + k]``: the forecast ``j`` steps ahead is
        ``scales[:, j % season] * exp(network output j)``.
    """
    n_series, season = len(data.series), data.season
    X = np.empty((n_series, window_length))
    scales = np.empty((n_series, season))
    no_targets = np.empty((1, 0))
    for i, y in enumerate(data.series):
        data.smooth(i, smoothing[i])
        end = np.array([y.shape[0] - 1])
        data.windows(i, end, X[i:i + 1], no_targets)
        scales[i] = data.levels[i][-1] * data.seasons[i][y.shape[0]:]
    return X, scales
