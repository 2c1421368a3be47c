"""Validation on the last horizon of every series, as the M4 entries did.

A forecaster that chooses between settings (``window_normalization="auto"``)
must judge them on forecasts it did not train on, made the way ``predict``
makes them: from the end of each series, ``horizon`` steps ahead. So each
series' last ``horizon`` observations are held out, a model is fitted on
the rest, and its forecasts of the held-out values are scored. A panel too
small to give ``MIN_HOLDOUT_VALUES`` forecast values from one origin per
series holds out more origins, one step apart, up to ``MAX_HOLDOUT_SHARE``
of each series: on one daily series, three weeks of forecasts say more
about those weeks than about the model. A series too short to spare its
end is trained on whole and not scored, so the holdout never refuses a
panel that ``fit`` accepts.

One holdout period is still one period. A single series' origins, one
step apart, come from distinct times (a fifth of a long series is years);
a small panel's series share the same few quarters, and a shock in them
decides the choice (on fpp2 visnights and fpp3 aus_accommodation the last
eight quarters preferred the design that lost the next eight by 16-37%).
So a panel whose holdout still falls short of ``MIN_HOLDOUT_VALUES`` gets
further folds, each holding out the end of what the previous one trained
on (rolling origin, refitted), up to ``MAX_HOLDOUT_FOLDS`` and only as deep
as every series scored in the first fold can still be scored.

Errors are divided by each series' typical one-step change (its
``error_scale``), so the score is a mean absolute scaled error (MASE with
the naive scale) that weighs every series alike, whatever its units. The
same holdout scores seasonal naive, the baseline a user has without any
model: a fitted forecaster that loses to it is worth a warning.
"""

import warnings

import numpy as np

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["BaselineWarning"]

# Forecast values (origins x steps, over every series) the holdout aims for:
# one origin per series on a panel, many on one series.
MIN_HOLDOUT_VALUES = 1000
# The most of a series held out for more origins (never less than a horizon).
MAX_HOLDOUT_SHARE = 0.2
# Holdout periods at most, each a refit on less of every series.
MAX_HOLDOUT_FOLDS = 4
# How much lower a challenger's holdout score must be to replace the first
# candidate: a holdout score is an estimate (on fpp2 elecdaily a 1.5% lead
# on the holdout was a 5% loss on the test year), and the first candidate
# is the setting measured across the single-series suite.
CHALLENGER_MARGIN = 0.02


class BaselineWarning(UserWarning):
    """The fitted forecaster scored worse than seasonal naive on its holdout."""


def holdout_length(n_series, horizon):
    """Observations to hold out at the end of each series: ``horizon`` for
    one origin, plus one per further origin when ``n_series`` series would
    give fewer than ``MIN_HOLDOUT_VALUES`` forecast values from one (before
    ``holdout_cut`` caps it by each series' length)."""
    origins = max(1, -(-MIN_HOLDOUT_VALUES // (n_series * horizon)))
    return horizon + origins - 1


def holdout_cut(held_out, horizon, n_needed):
    """Rows of a series of ``n_times`` that the holdout fit trains on: all
    but the last ``held_out``, or ``MAX_HOLDOUT_SHARE`` of them if fewer
    (never less than ``horizon``); all of them when what is left is shorter
    than ``n_needed`` (no window would fit), and the series is not scored."""
    def cut(n_times):
        kept = n_times - max(horizon, min(held_out, int(MAX_HOLDOUT_SHARE * n_times)))
        return kept if kept >= n_needed else n_times
    return cut


def holdout_folds(cut, lengths, horizon):
    """The holdout's folds, latest first, for series of ``lengths``.

    Parameters
    ----------
    cut : callable
        ``holdout_cut``'s result: rows of a series of ``n_times`` that the
        first fold trains on.
    lengths : list of int
        Every series' number of observations.
    horizon : int

    Returns
    -------
    folds : list of (callable, callable)
        Per fold, the rows of a series of ``n_times`` that its fit trains
        on, and the rows it is scored within (the training rows of the fold
        before; all of them for the first). Fold ``k`` trains on
        ``cut`` applied ``k + 1`` times. One series has one fold.
    """
    folds = [(cut, lambda n_times: n_times)]
    if len(lengths) == 1:
        return folds   # its origins already come from distinct times
    scored = [n for n in lengths if cut(n) < n]
    values = sum(n - horizon + 1 - cut(n) for n in scored) * horizon
    if not values:
        return folds
    wanted = min(MAX_HOLDOUT_FOLDS, -(-MIN_HOLDOUT_VALUES // values))
    while len(folds) < wanted:
        previous = folds[-1][0]
        deeper = lambda n_times, previous=previous: cut(previous(n_times))  # noqa: E731
        if any(deeper(n) >= previous(n) for n in scored):
            break   # a series scored in the first fold has no room for this one
        folds.append((deeper, previous))
    return folds


def seasonal_naive_errors(values, origins, horizon, season):
    """Errors, actual minus forecast, of seasonal naive from each origin.

    Parameters
    ----------
    values : ndarray of shape (n_times,)
    origins : ndarray of int of shape (n_origins,)
        Positions of the first forecast step; each at least ``season``.
    horizon, season : int

    Returns
    -------
    errors : ndarray of shape (n_origins, horizon)
    """
    steps = np.arange(horizon)
    lagged = origins[:, np.newaxis] - season + steps % season
    return values[origins[:, np.newaxis] + steps] - values[lagged]


def mean_scaled_error(errors):
    """Mean over series of each series' mean absolute scaled error.

    Parameters
    ----------
    errors : list of ndarray of shape (n_origins, horizon)
        One array per scored series, already divided by its error scale.
        None scored: NaN.
    """
    if not errors:
        return float("nan")
    return float(np.mean([np.mean(np.abs(series)) for series in errors]))


def choose(scores, candidates):
    """The first of ``candidates`` unless another scored at least
    ``CHALLENGER_MARGIN`` lower on the holdout (then the lowest of those)."""
    first, *challengers = candidates
    ahead = [c for c in challengers if scores[c] < (1 - CHALLENGER_MARGIN) * scores[first]]
    return min(ahead, key=scores.get) if ahead else first


def warn_if_beaten(scores, chosen):
    """Warn when seasonal naive scored below the ``chosen`` setting on the
    holdout; ``scores`` maps settings (and ``"seasonal_naive"``) to their
    mean scaled errors."""
    naive, model = scores["seasonal_naive"], scores[chosen]
    if model > naive:
        warnings.warn(
            f"On the held-out end of every series (fitted without it, then forecast), the "
            f"fitted forecaster's mean scaled error is {model:.3f} and seasonal "
            f"naive's {naive:.3f}: repeating the last season forecast better. The "
            "forecasts are the network's own; compare settings with backtest(), or "
            "forecast with seasonal naive.", BaselineWarning, stacklevel=3)
