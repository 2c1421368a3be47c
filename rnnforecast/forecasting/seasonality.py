"""Multiplicative seasonal factors of a series, found and removed before windowing.

A global network sees short windows of many series; a yearly pattern in a
window of 18 months looks like noise it must learn anew for every phase.
The statistical methods that win the M3 competition remove it first: the
Theta method (Assimakopoulos and Nikolopoulos, 2000) tests each series for
seasonality, divides it by classical multiplicative seasonal indices,
forecasts the adjusted series and multiplies the forecasts back. Smyl's
ES-RNN does the same with smoothed seasonal factors. The forecaster's
``deseasonalize`` option does it per series, with the Theta method's test:

- a series is seasonal at period ``m`` when its autocorrelation at lag
  ``m`` exceeds the 90% limit ``1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n)``;
- its indices are the means, per position in the season, of the series
  over its centred moving average of order ``m`` (``2 x m`` for even
  ``m``), normalised to average 1, over its last ``RECENT_SEASONS``
  seasons: the pattern of a long series drifts (electricity use, cafe
  sales), and indices of forty years forecast the next one worse
  (measured in ``benchmarks/README.md``).

Factors are a property of the time, not of the row: a forecaster keeps each
series' factors with the time of its first training observation
(``anchor``), and finds the position in the season of any later stretch of
the series from its times.
"""

import numpy as np

# Nothing public: reached through WindowForecaster(deseasonalize=...).
__all__ = []

# One-sided 90% normal quantile of the Theta method's seasonality test.
SEASONALITY_CRITICAL = 1.645
# Cycles a series needs before it is tested (and indices are estimated):
# with fewer, the moving average leaves too few ratios per position.
MIN_CYCLES = 3
# Seasons the indices are estimated from, the latest (fpp2 suite: 8 beat 4
# and the whole series on four of six seasonal series).
RECENT_SEASONS = 8


def autocorrelations(values, max_lag):
    """Sample autocorrelations at lags 1 .. ``max_lag``, shape (max_lag,)."""
    centred = values - values.mean()
    denominator = np.dot(centred, centred)
    if denominator == 0:
        return np.zeros(max_lag)
    return np.array([np.dot(centred[lag:], centred[:-lag]) / denominator
                     for lag in range(1, max_lag + 1)])


def is_seasonal(values, season):
    """Whether ``values`` (n_times,) pass the Theta method's 90% test for a
    cycle of ``season`` observations; False for a season of 1 or a series
    shorter than ``MIN_CYCLES`` seasons."""
    values = np.asarray(values, dtype=float)
    if season <= 1 or len(values) < MIN_CYCLES * season:
        return False
    r = autocorrelations(values, season)
    limit = SEASONALITY_CRITICAL * np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / len(values))
    return bool(abs(r[-1]) > limit)


def seasonal_indices(values, season):
    """Classical multiplicative seasonal indices of positive ``values``.

    Parameters
    ----------
    values : ndarray of shape (n_times,)
        Positive, at least two seasons long.
    season : int
        Observations per cycle, at least 2.

    Returns
    -------
    indices : ndarray of shape (season,)
        Index ``p`` belongs to rows ``p, p + season, ...`` of ``values``;
        they average 1.
    """
    values = np.asarray(values, dtype=float)
    if season % 2 == 0:
        weights = np.r_[0.5, np.ones(season - 1), 0.5] / season
    else:
        weights = np.ones(season) / season
    trend = np.convolve(values, weights, mode="valid")
    offset = (len(weights) - 1) // 2
    ratios = values[offset:offset + len(trend)] / trend
    positions = np.arange(offset, offset + len(trend)) % season
    indices = np.array([ratios[positions == p].mean() for p in range(season)])
    return indices / indices.mean()


class SeasonalFactors:
    """One series' seasonal indices, placed in time.

    Parameters
    ----------
    indices : ndarray of shape (season,)
        Index ``p`` belongs to the ``p``-th observation of a season counted
        from ``anchor``.
    anchor : int
        The time of the series' first training observation, as
        ``calendar.time_value`` gives it.
    phase : int, default=0
        Position in the season of row 0 of the values at hand.
    """

    def __init__(self, indices, anchor, phase=0):
        self.indices = indices
        self.anchor = anchor
        self.phase = phase

    def starting_at(self, steps):
        """These factors for values whose row 0 lies ``steps`` after the anchor."""
        return SeasonalFactors(self.indices, self.anchor, int(steps) % len(self.indices))

    def at(self, positions):
        """Factors of the rows at ``positions`` (any shape of int)."""
        return self.indices[(self.phase + np.asarray(positions)) % len(self.indices)]


def recent_seasonal_indices(values, season):
    """``seasonal_indices`` of the last ``RECENT_SEASONS`` seasons of
    ``values``, (season,): index ``p`` belongs to rows ``p, p + season, ...``
    of the whole series."""
    start = max(0, len(values) - RECENT_SEASONS * season)
    return np.roll(seasonal_indices(values[start:], season), start % season)
