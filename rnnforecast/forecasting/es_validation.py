"""Choosing an ES-RNN's number of training steps on held-out horizons.

The ES-RNN forecasts only from the end of each series, so its held-out
forecasts are the last ``horizon`` values of every series, forecast by a
fit on the rest. On a large panel that is thousands of values. On a small
one it is a single period that every series shares, and one shock in it
decides: on fpp2 visnights and fpp3 aus_arrivals one held-out period
scored the hybrid ahead of seasonal naive while the next period had it
behind. So, as ``holdout`` does for ``WindowForecaster``, a panel whose
first period gives fewer than ``MIN_HOLDOUT_VALUES`` forecast values gets
further periods (folds), each ending where the previous one starts and
fitted without it, up to ``MAX_HOLDOUT_FOLDS``, while every series scored
in the first fold has room for a window before the deeper one.

Errors are divided by each series' in-sample seasonal-naive error, so the
score is a mean absolute scaled error (MASE) that weighs every series
alike; the same periods score seasonal naive.
"""

import numpy as np

from .holdout import MAX_HOLDOUT_FOLDS, MIN_HOLDOUT_VALUES, seasonal_naive_errors
from .metrics import naive_scale


def fold_count(lengths, window_length, horizon):
    """How many held-out periods a panel of series of ``lengths`` gets: 0
    when no series can spare a horizon and keep a window
    (``window_length + 2 * horizon`` values)."""
    scored = [n for n in lengths if n >= window_length + 2 * horizon]
    if not scored:
        return 0
    wanted = min(MAX_HOLDOUT_FOLDS, -(-MIN_HOLDOUT_VALUES // (len(scored) * horizon)))
    shortest = min(scored)
    folds = 1
    while folds < wanted and shortest >= window_length + (folds + 2) * horizon:
        folds += 1
    return folds


class HeldOutPeriod:
    """Fold ``k`` (1 for the last period): each long enough series' values
    ``k`` horizons before its end, forecast from what comes before them.

    Parameters
    ----------
    values : list of ndarray of shape (n_times_i,)
    fold : int
    window_length, horizon, season : int

    Attributes
    ----------
    training : list of ndarray
        What the fold's fit trains on: each scored series up to its period.
    naive_score : float
        Seasonal naive's mean scaled error on the period.
    scores, without_network : list of float
        At each checkpoint, the hybrid's score and that of its smoothing
        alone.
    """

    def __init__(self, values, fold, window_length, horizon, season):
        cut = fold * horizon
        series = [y[:len(y) - cut + horizon] for y in values
                  if len(y) >= window_length + horizon + cut]
        self.training = [y[:-horizon] for y in series]
        self.actual = np.array([y[-horizon:] for y in series])
        scales = np.array([naive_scale(y, season if len(y) > season else 1)
                           for y in self.training])
        self.scales = np.where(scales > 0, scales, 1.0)[:, np.newaxis]
        lag = season if all(len(y) >= season for y in self.training) else 1
        naive = [seasonal_naive_errors(y, np.array([len(y) - horizon]), horizon, lag)
                 for y in series]
        self.naive_score = float(np.mean(np.abs(np.concatenate(naive)) / self.scales))
        self.steps, self.scores, self.without_network = [], [], []

    def error(self, forecasts):
        """Mean absolute scaled error of ``forecasts`` (n_series, horizon)."""
        return float(np.mean(np.abs(self.actual - forecasts) / self.scales))

    def record(self, step, forecasts, smoothing_alone):
        self.steps.append(step)
        self.scores.append(self.error(forecasts))
        self.without_network.append(self.error(smoothing_alone))


class Validation:
    """The folds' scores, averaged checkpoint by checkpoint, and the choice
    they make."""

    def __init__(self, folds):
        self.folds = folds
        self.steps = folds[0].steps
        self.scores = list(np.mean([fold.scores for fold in folds], axis=0))
        self.without_network = list(np.mean([fold.without_network for fold in folds],
                                             axis=0))
        self.naive_score = float(np.mean([fold.naive_score for fold in folds]))
        self.best = int(np.argmin(self.scores))
        self.best_steps = self.steps[self.best]
        self.best_score = self.scores[self.best]
        # Positive when the network improved on the smoothing it starts from.
        self.gain = self.without_network[self.best] - self.best_score

    def report(self):
        for step, score in zip(self.steps, self.scores):
            print(f"Step {step}: held-out mean scaled error {score:.4f}")
        print(f"Chosen: {self.best_steps} steps over {len(self.folds)} held-out "
              f"period(s) (seasonal naive {self.naive_score:.4f}).")
