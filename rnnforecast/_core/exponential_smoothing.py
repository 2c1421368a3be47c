"""Per-series exponential smoothing of level and seasonality, and its gradient.

The first half of an ES-RNN hybrid (Smyl's M4 winner): each series keeps a
level and multiplicative seasonal factors, smoothed exponentially with its
own smoothing parameters, which are learned jointly with the shared
network; the network sees every window divided by the level and the
seasonal factors, and forecasts the ratios ahead. Here is the smoothing,
on one series, and the reverse-mode gradient that joint training needs:
given how the loss depends on every level and seasonal factor, what it owes
to the level smoothing ``alpha``, the seasonal smoothing ``gamma`` and the
initial factors.

The recursion (Holt-Winters without a trend, multiplicative season of
``m`` steps), for ``t = 0 .. n - 1``::

    s_t = s0[t]                                   for t < m
    l_0 = y_0 / s_0
    l_t = alpha * y_t / s_t + (1 - alpha) * l_{t-1}   for t >= 1
    s_{t+m} = gamma * y_t / l_t + (1 - gamma) * s_t

so ``levels`` has ``n`` entries and ``seasons`` ``n + m``: the last ``m``
are the factors of the ``m`` steps after the series ends, which forecasts
read. A series without a season uses ``m = 1`` with ``s0 = [1]`` and
``gamma = 0``: every factor stays 1 and the level is simple exponential
smoothing.

The gradient runs the recursion backwards, ``t = n - 1 .. 0``; at step
``t`` every later use of ``l_t`` and ``s_t`` has been accounted for, so
their adjoints are final when they are passed on. ``relative_windows``
turns a smoothed series into the network's windows (log ratios to the
level and the factors) and ``relative_windows_gradient`` passes the
network's input and target gradients back to the levels and factors. Pure
functions over float64 arrays; nothing is allocated.
"""

import numpy as np

from .jit import kernel


@kernel
def smooth_level_and_season(y, alpha, gamma, initial_seasons, levels, seasons):
    """Exponentially smoothed levels and seasonal factors of one series.

    Parameters
    ----------
    y : ndarray of shape (n_times,)
        The series, positive.
    alpha, gamma : float
        Level and seasonal smoothing, in [0, 1].
    initial_seasons : ndarray of shape (season,)
        The factors of the first ``season`` steps.
    levels : ndarray of shape (n_times,)
        Written: ``l_t``.
    seasons : ndarray of shape (n_times + season,)
        Written: ``s_t``, the last ``season`` for the steps after the series.
    """
    season = initial_seasons.shape[0]
    for t in range(season):
        seasons[t] = initial_seasons[t]
    levels[0] = y[0] / seasons[0]
    seasons[season] = gamma * y[0] / levels[0] + (1.0 - gamma) * seasons[0]
    for t in range(1, y.shape[0]):
        levels[t] = alpha * y[t] / seasons[t] + (1.0 - alpha) * levels[t - 1]
        seasons[t + season] = gamma * y[t] / levels[t] + (1.0 - gamma) * seasons[t]


@kernel
def smoothing_gradient(y, alpha, gamma, levels, seasons, d_levels, d_seasons,
                       d_initial_seasons):
    """The gradient of a loss through ``smooth_level_and_season``.

    Parameters
    ----------
    y, alpha, gamma : as ``smooth_level_and_season`` took them.
    levels : ndarray of shape (n_times,)
    seasons : ndarray of shape (n_times + season,)
        What ``smooth_level_and_season`` wrote.
    d_levels : ndarray of shape (n_times,)
        The loss's direct derivative with respect to each level;
        overwritten with the total derivative.
    d_seasons : ndarray of shape (n_times + season,)
        The same for each seasonal factor; overwritten likewise.
    d_initial_seasons : ndarray of shape (season,)
        Written: the derivative with respect to each initial factor.

    Returns
    -------
    d_alpha, d_gamma : float
        The derivatives with respect to the smoothing parameters.
    """
    season = d_initial_seasons.shape[0]
    d_alpha = 0.0
    d_gamma = 0.0
    for t in range(y.shape[0] - 1, -1, -1):
        # s_{t+m} = gamma y_t / l_t + (1 - gamma) s_t; its adjoint is final.
        later = d_seasons[t + season]
        ratio = y[t] / levels[t]
        d_gamma += later * (ratio - seasons[t])
        d_levels[t] -= later * gamma * ratio / levels[t]
        d_seasons[t] += later * (1.0 - gamma)
        # l_t = alpha y_t / s_t + (1 - alpha) l_{t-1} (l_0 = y_0 / s_0).
        deseasonalized = y[t] / seasons[t]
        if t > 0:
            d_alpha += d_levels[t] * (deseasonalized - levels[t - 1])
            d_seasons[t] -= d_levels[t] * alpha * deseasonalized / seasons[t]
            d_levels[t - 1] += d_levels[t] * (1.0 - alpha)
        else:
            d_seasons[0] -= d_levels[0] * deseasonalized / seasons[0]
    for t in range(season):
        d_initial_seasons[t] = d_seasons[t]
    return d_alpha, d_gamma


@kernel
def relative_windows(y, levels, seasons, ends, X, targets):
    """Windows of one series as log ratios to its level and seasonal factors.

    The network of an ES-RNN hybrid reads each window divided by the level
    at the window's last input step and by each step's seasonal factor, in
    logs, and forecasts the targets in the same units: a series of 10 and
    one of 10,000, at any season, look alike to it.

    Parameters
    ----------
    y : ndarray of shape (n_times,)
        The series, positive.
    levels : ndarray of shape (n_times,)
    seasons : ndarray of shape (n_times + season,)
        ``smooth_level_and_season``'s output.
    ends : ndarray of int of shape (n_windows,)
        The position ``T`` of each window's last input step.
    X : ndarray of shape (n_windows, window_length)
        Written: ``log(y[t] / (levels[T] * seasons[t]))`` for the
        ``window_length`` steps ``t`` up to ``T``.
    targets : ndarray of shape (n_windows, horizon)
        Written: the same ratio for the ``horizon`` steps after ``T``, all
        inside ``y``; pass shape (n_windows, 0) to forecast. Step
        ``T + 1 + j`` is divided by the factor ``seasons[T + 1 + j % m]``:
        the factors known at ``T``, repeated each season, as a forecast
        from ``T`` must use them (a later factor would read values after
        ``T``).
    """
    window_length = X.shape[1]
    horizon = targets.shape[1]
    season = seasons.shape[0] - levels.shape[0]
    for i in range(ends.shape[0]):
        end = ends[i]
        level = levels[end]
        for k in range(window_length):
            t = end - window_length + 1 + k
            X[i, k] = np.log(y[t] / (level * seasons[t]))
        for j in range(horizon):
            factor = seasons[end + 1 + j % season]
            targets[i, j] = np.log(y[end + 1 + j] / (level * factor))


@kernel
def relative_windows_gradient(levels, seasons, ends, d_X, d_targets, d_levels, d_seasons):
    """Add what the loss owes, through ``relative_windows``, to every level
    and seasonal factor: each log ratio falls by ``1 / level`` per unit of
    its window's level and by ``1 / s_t`` per unit of its own factor.

    Parameters
    ----------
    levels, seasons, ends : as ``relative_windows`` took them.
    d_X : ndarray of shape (n_windows, window_length)
        The loss's derivative with respect to each input ratio.
    d_targets : ndarray of shape (n_windows, horizon)
        ... and to each target ratio.
    d_levels : ndarray of shape (n_times,)
    d_seasons : ndarray of shape (n_times + season,)
        Accumulated into (not overwritten), ready for ``smoothing_gradient``.
    """
    window_length = d_X.shape[1]
    horizon = d_targets.shape[1]
    season = seasons.shape[0] - levels.shape[0]
    for i in range(ends.shape[0]):
        end = ends[i]
        total = 0.0
        for k in range(window_length):
            t = end - window_length + 1 + k
            total += d_X[i, k]
            d_seasons[t] -= d_X[i, k] / seasons[t]
        for j in range(horizon):
            t = end + 1 + j % season
            total += d_targets[i, j]
            d_seasons[t] -= d_targets[i, j] / seasons[t]
        d_levels[end] -= total / levels[end]
