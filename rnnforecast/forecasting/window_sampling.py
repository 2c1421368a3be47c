"""Which training windows a global model sees, and how much each weighs.

By default a global model trains on every window of every series, each
counting once: a series of 500 observations then weighs ten times one of
50, and a long series' distant past as much as its recent behaviour. The
networks that won the M4 competition drew their windows instead: N-BEATS
picks a series uniformly, then a cut point within the last few horizons of
its history; neuralforecast picks series first, then windows. Two
parameters of the forecaster give the same control over a fixed set of
windows:

- ``max_samples_per_ts`` (darts' name): at most this many windows per
  series, its most recent ones (cut points within the latest stretch of
  history).
- ``series_weights`` (skforecast's name): "equal" weighs every series the
  same in the loss, each window of a series with ``n`` windows by ``1 /
  n`` (scaled so that the weights average one); a mapping gives each
  series' windows a weight of the user's choosing. The weights reach the
  estimator's ``fit`` as ``sample_weight``, so its validation tail is
  weighed the same way, and no window is repeated between training and
  validation, as resampling would.
"""

from numbers import Real

import numpy as np


def windows_kept(n_windows, max_samples_per_ts):
    """How many of a series' ``n_windows`` training windows are used: its
    last ``max_samples_per_ts`` (all of them when None)."""
    if max_samples_per_ts is None:
        return n_windows
    return min(n_windows, max_samples_per_ts)


def window_weights(counts, series_weights):
    """The weight of every window of each series, or None when every
    window weighs one.

    Parameters
    ----------
    counts : dict
        Series id -> number of its training windows (after
        ``windows_kept``); the id None marks a single series.
    series_weights : {"equal"}, dict or None
        See the module docstring.

    Returns
    -------
    dict or None
        Series id -> the weight of each of its windows.
    """
    if series_weights is None:
        return None
    single = list(counts) == [None]
    if series_weights == "equal":
        if single:
            return None
        total = sum(counts.values())
        return {key: total / (len(counts) * count) for key, count in counts.items()}
    if single:
        raise ValueError("series_weights weighs the series of a panel against each other; "
                         "one series needs none. Pass None.")
    _check_weights(series_weights, counts)
    return {key: float(series_weights.get(key, 1.0)) for key in counts}


def _check_weights(series_weights, counts):
    """Refuse weights for unknown series, and weights that are not finite
    and non-negative, or that leave nothing to learn from."""
    unknown = [key for key in series_weights if key not in counts]
    if unknown:
        raise ValueError(f"series_weights names series {unknown[:5]} that are not in the "
                         f"data ({len(unknown)} in all); the series are "
                         f"{list(counts)[:5]}{'...' if len(counts) > 5 else ''}.")
    for key, weight in series_weights.items():
        if isinstance(weight, bool) or not isinstance(weight, Real):
            raise TypeError(f"series_weights[{key!r}] must be a real number, got "
                            f"{type(weight).__name__}.")
        if not np.isfinite(weight) or weight < 0:
            raise ValueError(f"series_weights[{key!r}] is {weight}; weights must be "
                             "finite and non-negative.")
    if all(series_weights.get(key, 1.0) == 0 for key in counts):
        raise ValueError("series_weights gives every series weight 0: nothing to learn "
                         "from.")


def draw_series_windows(rng, lengths, n_series, per_series, window_length, horizon):
    """Draw a training step's windows as N-BEATS does: series uniformly
    (without repeats), then cut points uniformly within each.

    Parameters
    ----------
    rng : numpy.random.RandomState
    lengths : ndarray of int of shape (n_total,)
        Observations of every series; each at least ``window_length +
        horizon``.
    n_series, per_series : int
        Series drawn (at most all of them) and windows drawn from each
        (with repeats).
    window_length, horizon : int

    Returns
    -------
    chosen : ndarray of int of shape (k,)
        The drawn series.
    ends : ndarray of int of shape (k, per_series)
        Each window's last input position, so that its ``horizon`` targets
        lie inside the series.
    """
    chosen = rng.choice(lengths.shape[0], size=min(n_series, lengths.shape[0]),
                        replace=False)
    n_ends = lengths[chosen] - window_length - horizon + 1
    offsets = (rng.random_sample((chosen.shape[0], per_series))
               * n_ends[:, np.newaxis]).astype(np.intp)
    return chosen, window_length - 1 + offsets
