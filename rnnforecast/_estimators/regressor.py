"""What every recurrent regressor adds to the shared base: real-valued
targets, the squared, absolute or pinball (quantile) loss, and their scores."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array

from .._core.losses import quantile_values
from .base import REGRESSOR_ARCHITECTURE, BaseRecurrentEstimator, flatten_steps
from .inputs import to_dtype
from .pinball import pinball_skill
from .ridge import ridge_fit, rowwise_product
from .scaling import target_statistics
from .validation import check_dtype

# early_stopping="auto" with the skip path on: from this many samples (a
# held-out share of a few dozen windows; below, too few to judge by).
AUTO_EARLY_STOPPING_SKIP = 100


class BaseRecurrentRegressor(RegressorMixin, BaseRecurrentEstimator):
    """Base class for recurrent regressors; the cell is left to subclasses.

    Warning: this class should not be used directly. Use the derived classes
    instead.
    """

    _parameter_constraints: dict = {
        **BaseRecurrentEstimator._parameter_constraints,
        "scale_target": ["boolean"],
        "linear_skip": ["boolean", StrOptions({"auto"})],
        "loss": [StrOptions({"squared_error", "absolute_error", "quantile"})],
        "quantiles": [list, tuple, np.ndarray],
    }
    _ARCHITECTURE = REGRESSOR_ARCHITECTURE

    def __init__(self, units=32, *, activation="tanh",
                 recurrent_activation="sigmoid", unit_forget_bias=True,
                 return_sequences=False, bidirectional=False, truncated_bptt=None,
                 embedding_dim=None, n_tokens=None, mask_zero=False, dropout=0.0,
                 recurrent_dropout=0.0, readout_dropout=0.0,
                 kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", solver="adam",
                 learning_rate="constant", learning_rate_init=0.001,
                 alpha=0.0001, batch_size="auto",
                 max_iter=200, shuffle=True, tol=1e-4, n_iter_no_change=10,
                 early_stopping="auto", validation_fraction=0.2,
                 validation_split="auto", beta_1=0.9,
                 beta_2=0.999, epsilon=1e-8, rho=0.9, momentum=0.9,
                 nesterovs_momentum=True, clipnorm=None, clipvalue=None,
                 warm_start=False, random_state=None, verbose=False,
                 dtype="float32", scale_inputs=True, input_pooling="auto",
                 readout="last", window_order="oldest_first", scale_target=True,
                 linear_skip="auto", loss="squared_error", quantiles=(0.1, 0.5, 0.9),
                 conv_filters=None, conv_kernel_sizes=(8, 5, 3), dimension_shuffle=False):
        super().__init__(
            units, activation=activation, recurrent_activation=recurrent_activation,
            unit_forget_bias=unit_forget_bias, return_sequences=return_sequences,
            bidirectional=bidirectional, truncated_bptt=truncated_bptt,
            embedding_dim=embedding_dim, n_tokens=n_tokens, mask_zero=mask_zero,
            dropout=dropout, recurrent_dropout=recurrent_dropout,
            readout_dropout=readout_dropout,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, solver=solver,
            learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            alpha=alpha,
            batch_size=batch_size, max_iter=max_iter, shuffle=shuffle, tol=tol,
            n_iter_no_change=n_iter_no_change, early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            validation_split=validation_split, beta_1=beta_1,
            beta_2=beta_2, epsilon=epsilon, rho=rho, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, clipnorm=clipnorm,
            clipvalue=clipvalue, warm_start=warm_start,
            random_state=random_state, verbose=verbose, dtype=dtype,
            scale_inputs=scale_inputs, input_pooling=input_pooling,
            readout=readout, window_order=window_order, conv_filters=conv_filters,
            conv_kernel_sizes=conv_kernel_sizes, dimension_shuffle=dimension_shuffle)
        self.scale_target = scale_target
        self.linear_skip = linear_skip
        self.loss = loss
        self.quantiles = quantiles

    def _encode_targets(self, y, n_timesteps, reset, classes=None):
        y = check_array(y, ensure_2d=False, allow_nd=True, dtype="numeric",
                        ensure_all_finite=True, input_name="y")
        y = to_dtype(y, check_dtype(self.dtype), "y")
        targets = _target_array(y, n_timesteps, self.return_sequences)
        if reset:
            self._y_ndim = y.ndim
        return np.ascontiguousarray(targets), targets.shape[-1] * len(self._levels())

    def _loss_name(self):
        return self.loss

    def _levels(self):
        """The quantile levels the head outputs per target: ``quantiles``
        with the pinball loss, else one output per target."""
        if self.loss != "quantile":
            return (None,)
        levels = tuple(float(q) for q in self.quantiles)
        if not levels or not all(0 < q < 1 for q in levels) \
                or any(b <= a for a, b in zip(levels, levels[1:])):
            raise ValueError(f"quantiles must be increasing levels in (0, 1), such as "
                             f"(0.1, 0.5, 0.9); got {self.quantiles!r}.")
        return levels

    def _n_targets(self):
        return self.n_outputs_ // len(self._levels())

    def _settings(self):
        return {**super()._settings(), "quantiles": self._levels()}

    def _architecture(self, settings=None):
        settings = super()._architecture(settings)
        settings["quantiles"] = tuple(float(q) for q in settings["quantiles"])
        return settings

    _SCORE_NAME, _PERFECT = "R²", 1.0
    _MIN_VALIDATION = 2   # R² of one sample is undefined

    def _validation_score(self, logits, targets, weights):
        """R² for the squared loss; the pinball skill (see ``pinball``),
        likewise 1 at best and 0 for the best constant, for the others."""
        logits, targets, weights = flatten_steps(logits, targets, weights)
        if self.loss == "squared_error":
            return r2_score(targets, logits, sample_weight=weights)
        levels = (0.5,) if self.loss == "absolute_error" else self._levels()
        values = logits.reshape(len(logits), targets.shape[-1], len(levels))
        return pinball_skill(targets.reshape(len(targets), -1), values, levels, weights)

    def _with_skip(self, logits, skip):
        """With the pinball loss, the head's outputs made non-crossing
        quantiles, plus the skip path's output at every level."""
        if self.loss != "quantile":
            return super()._with_skip(logits, skip)
        values = quantile_values(logits.astype(np.float64), len(self._levels()),
                                 np.empty(logits.shape))
        if skip is not None:
            values += np.repeat(skip, len(self._levels()), axis=1)
        return values

    def _target_weights(self, targets, weights):
        return None

    def _constant_score(self, targets, weights):
        return 0.0  # R² of the weighted mean

    def _scaling_statistics(self, data):
        statistics = super()._scaling_statistics(data)
        mean = scale = None
        if self.scale_target:
            mean, scale = target_statistics(data.targets, data.step_weights())
        return {**statistics, "target_mean_": mean, "target_scale_": scale}

    def _scale_targets(self, targets):
        mean = getattr(self, "target_mean_", None)
        if mean is None:
            return targets
        dtype = targets.dtype
        scaled = (targets - mean.astype(dtype)) / self.target_scale_.astype(dtype)
        return np.ascontiguousarray(scaled)

    def _check_options(self, data):
        super()._check_options(data)
        if self.loss == "quantile" and self.return_sequences:
            raise ValueError('loss="quantile" gives quantiles of one target per sequence; '
                             "return_sequences=True is not supported with it.")
        if self.linear_skip is True and not self._skip_possible(data):
            raise ValueError(
                "linear_skip needs windows of one length, real-valued inputs and one "
                "target per window: not sequences of different lengths, token ids or "
                "return_sequences=True.")

    def _stops_early(self, data):
        """"auto" also stops early from ``AUTO_EARLY_STOPPING_SKIP`` samples
        when the skip path is on: the fit then starts from the ridge model,
        which competes with every epoch on validation, so stopping early can
        only fall back to it (measured better than training to the end on
        every series of ``benchmarks/accuracy.py``)."""
        if self.early_stopping == "auto" and self._uses_skip(data):
            return data.X.shape[0] >= AUTO_EARLY_STOPPING_SKIP
        return super()._stops_early(data)

    def _skip_possible(self, data):
        return not (self.return_sequences or self.embedding_dim is not None
                    or data.starts is not None)

    def _uses_skip(self, data):
        """Whether a fit on ``data`` has the skip path: asked for ("auto" or
        True) and possible."""
        return bool(self.linear_skip) and self._skip_possible(data)

    def _fit_skip(self, train):
        """Ridge regression of the (scaled) targets on the flattened windows;
        the network's head starts at zero, so training starts from it."""
        if not self._uses_skip(train):
            self.linear_coef_ = self.linear_intercept_ = None
            return
        self.linear_coef_, self.linear_intercept_ = ridge_fit(
            train.X.reshape(len(train.X), -1), train.targets, train.weights)
        _, head = self._network.split(self.params_)
        head["W_hy"][...] = 0
        head["b_y"][...] = 0

    def _skip(self, X):
        coef = getattr(self, "linear_coef_", None)
        if coef is None:
            return None
        return rowwise_product(X.reshape(len(X), -1), coef) + self.linear_intercept_

    def _unscale_outputs(self, outputs):
        """Head outputs (float64) back in the units of ``y``."""
        mean = getattr(self, "target_mean_", None)
        if mean is None:
            return outputs
        scale = self.target_scale_
        if self.loss == "quantile":  # the head gives each target's levels side by side
            n_levels = len(self._levels())
            scale, mean = np.repeat(scale, n_levels), np.repeat(mean, n_levels)
        return outputs * scale + mean

    def partial_fit(self, X, y, sample_weight=None, lengths=None):
        """Update the model with one epoch over ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps), or list of array-like
            Input sequences, as in ``fit``.
        y : array-like
            Targets, shaped as in ``fit``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.
        lengths : array-like of int of shape (n_samples,), default=None
            Real steps of each row of a padded ``X``, as in ``fit``.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if not hasattr(self, "params_"):
            self._validate_params()
        return self._fit(X, y, sample_weight, incremental=True, lengths=lengths)

    def predict(self, X, lengths=None, initial_state=None, return_state=False):
        """Predict targets for the sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps), or list of array-like
            Input sequences, as in ``fit``.
        lengths : array-like of int of shape (n_samples,), default=None
            Real steps of each row of a padded ``X``.
        initial_state : list of ndarray, default=None
            State before the first step of each sequence, as a previous
            call's ``return_state`` gave it, to continue sequences fed in
            chunks; zero when None.
        return_state : bool, default=False
            Also return the state after each sequence's last step: a list
            with, bottom layer first, ``h`` of each layer (``h`` then ``c``
            for LSTM), each of shape (n_samples, units).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            With ``return_sequences=True``: (n_samples, n_timesteps) or
            (n_samples, n_timesteps, n_outputs), same layout as ``y`` in
            ``fit``; for sequences of different lengths a list with one
            array of shape (n_timesteps_i,) or (n_timesteps_i, n_outputs)
            per sequence.
        state : list of ndarray
            Only with ``return_state=True``.
        """
        outputs, starts, state = self._forward(X, lengths, initial_state, return_state)
        outputs = self._unscale_outputs(outputs)
        if self.loss == "quantile":
            outputs = outputs.reshape(len(outputs), -1, len(self._levels()))
            return outputs[:, 0] if self._y_ndim == 1 else outputs
        if outputs.shape[-1] == 1 and self._y_ndim == outputs.ndim - 1:
            outputs = outputs[..., 0]
        return self._with_state(self._per_sequence(outputs, starts), state, return_state)

    def score(self, X, y, sample_weight=None, lengths=None):
        """Coefficient of determination R² of the predictions.

        With ``return_sequences=True`` every (sample, time step) pair counts
        as one prediction. With ``loss="quantile"``, the pinball skill
        instead: 1 minus the mean pinball loss over the levels divided by
        that of the best constant (each level's quantile of ``y``), 1 at
        best and 0 for a constant, as R².

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps), or list of array-like
        y : array-like, shaped as in ``fit``
        sample_weight : array-like of shape (n_samples,), default=None
        lengths : array-like of int of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        y_true, y_pred, weights = self._scored_pairs(X, y, sample_weight, lengths)
        y_true = np.asarray(y_true, dtype=np.float64)
        if self.loss == "quantile":
            targets = y_true.reshape(len(y_true), -1)
            values = np.reshape(y_pred, targets.shape + (len(self._levels()),))
            return pinball_skill(targets, values, self._levels(), weights)
        return r2_score(y_true, np.reshape(y_pred, y_true.shape), sample_weight=weights)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _target_array(y, n_timesteps, return_sequences):
    """Shape regression targets as (n, k) or, per time step, (n, T, k)."""
    if return_sequences:
        if y.ndim not in (2, 3) or y.shape[1] != n_timesteps:
            raise ValueError(
                "With return_sequences=True, y must have shape (n_samples, "
                f"n_timesteps) or (n_samples, n_timesteps, n_outputs) with "
                f"n_timesteps={n_timesteps}; got shape {y.shape}.")
        return y if y.ndim == 3 else y[:, :, np.newaxis]
    if y.ndim not in (1, 2):
        raise ValueError(
            "y must have shape (n_samples,) or (n_samples, n_outputs); got "
            f"shape {y.shape}. Set return_sequences=True for a target per "
            "time step.")
    return y if y.ndim == 2 else y[:, np.newaxis]
