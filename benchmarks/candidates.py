"""Candidate defaults of the forecaster, measured beside today's default.

``accuracy.py``, ``panel.py`` and ``competitions.py`` take ``--candidates``
with names from ``CANDIDATES``; each is a set of ``WindowForecaster``
parameters (its estimator built per seed) that would replace the default's.
A candidate becomes a default only when it wins across those suites
(``README.md`` keeps the measurements).
"""

from rnnforecast import default_rnn


def _relative(normalization):
    return lambda seed: {"window_normalization": normalization}


def _ratio_with_mae(seed):
    """DeepAR's mean-absolute window scaling, trained on the absolute error
    (the loss of the M4 networks: relative errors, as sMAPE scores them)
    at a larger step, ``learning_rate_init=1e-3``."""
    return {"window_normalization": "mean_absolute",
            "estimator": default_rnn(seed).set_params(loss="absolute_error",
                                                      learning_rate_init=1e-3)}


def _auto_with_mae(seed):
    """``window_normalization="auto"`` (None or mean-absolute, chosen on the
    held-out last horizon of every series), trained on the absolute error."""
    return {**_ratio_with_mae(seed), "window_normalization": "auto"}


def _auto_deseasonalized(seed):
    """``"auto+mae"`` on series divided by their seasonal factors where the
    Theta method's test finds a season (``deseasonalize="auto"``)."""
    return {**_auto_with_mae(seed), "deseasonalize": "auto"}


def _mae(seed):
    """The default network trained on the absolute error at
    ``learning_rate_init=1e-3``, windows as today."""
    return {"estimator": default_rnn(seed).set_params(loss="absolute_error",
                                                      learning_rate_init=1e-3)}


def _equal_series(seed):
    """The default with every series weighing the same in the loss
    (``series_weights="equal"``), as N-BEATS and neuralforecast sample a
    series uniformly before a window of it."""
    return {"series_weights": "equal"}


def _recent(max_samples_per_ts):
    """The default on each series' last ``max_samples_per_ts`` windows."""
    return lambda seed: {"max_samples_per_ts": max_samples_per_ts}


def _equal_recent(max_samples_per_ts):
    """``equal_series`` on each series' last ``max_samples_per_ts`` windows."""
    return lambda seed: {"series_weights": "equal", "max_samples_per_ts": max_samples_per_ts}


def _differenced(seed):
    """First differences of series deseasonalised where seasonal (the
    default's ``deseasonalize="auto"``), windows as they are: the design
    that lifted a panel of trending employment series by hand."""
    return {"window_normalization": None, "differences": 1}


def _decayed(seed):
    """The default network with its step size divided by 5 at each plateau
    of the validation score (``learning_rate="adaptive"``) instead of
    stopping there, as neuralforecast and N-BEATS decay theirs."""
    return {"estimator": default_rnn(seed).set_params(learning_rate="adaptive")}


def _fourier(n_terms):
    """The default with ``n_terms`` Fourier terms of each step's calendar
    position in the season as inputs (``fourier_terms``)."""
    return lambda seed: {"fourier_terms": n_terms}


def _convolutional_arm(filters):
    """The default network with LSTM-FCN's convolutional arm beside it
    (kernels 8, 5, 3; issue 26 asks whether regressors gain from it)."""
    return lambda seed: {"estimator": default_rnn(seed).set_params(conv_filters=filters)}


# Name -> function of the seed giving WindowForecaster parameters.
CANDIDATES = {
    "last": _relative("last"),
    "mean": _relative("mean"),
    "standard": _relative("standard"),
    "robust": _relative("robust"),
    "mean_absolute": _relative("mean_absolute"),
    "mean_absolute+mae": _ratio_with_mae,
    "mae": _mae,
    "auto+mae": _auto_with_mae,
    "auto+mae+deseasonalize": _auto_deseasonalized,
    "equal_series": _equal_series,
    "recent12": _recent(12),
    "recent24": _recent(24),
    "equal_series+recent24": _equal_recent(24),
    "difference": _differenced,
    "adaptive_lr": _decayed,
    "fourier1": _fourier(1),
    "statistics_input": lambda seed: {"window_statistics_input": True},
    "lags1": lambda seed: {"seasonal_lags": 1},
    "lags2": lambda seed: {"seasonal_lags": 2},
    "fourier2": _fourier(2),
    "conv_arm": _convolutional_arm((32, 64, 32)),
    "conv_arm_wide": _convolutional_arm((128, 256, 128)),
}


def candidate_parameters(name, seed):
    """The ``WindowForecaster`` parameters of candidate ``name`` for ``seed``."""
    return CANDIDATES[name](seed)
