"""What every recurrent regressor adds to the shared base: real-valued
targets, the squared-error loss and R² scores."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array

from ._base import BaseRecurrentEstimator, flatten_steps
from ._validation import check_dtype, to_dtype


class BaseRecurrentRegressor(RegressorMixin, BaseRecurrentEstimator):
    """Base class for recurrent regressors; the cell is left to subclasses.

    Warning: this class should not be used directly. Use the derived classes
    instead.
    """

    def _encode_targets(self, y, n_timesteps, reset, classes=None):
        y = check_array(y, ensure_2d=False, allow_nd=True, dtype="numeric",
                        ensure_all_finite=True, input_name="y")
        y = to_dtype(y, check_dtype(self.dtype), "y")
        targets = _target_array(y, n_timesteps, self.return_sequences)
        if reset:
            self._y_ndim = y.ndim
        return np.ascontiguousarray(targets), targets.shape[-1]

    def _loss_name(self):
        return "squared_error"

    def _validation_score(self, logits, targets, weights):
        logits, targets, weights = flatten_steps(logits, targets, weights)
        return r2_score(targets, logits, sample_weight=weights)

    def _target_weights(self, targets):
        return None

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
        if outputs.shape[-1] == 1 and self._y_ndim == outputs.ndim - 1:
            outputs = outputs[..., 0]
        return self._with_state(self._per_sequence(outputs, starts), state, return_state)

    def score(self, X, y, sample_weight=None, lengths=None):
        """Coefficient of determination R² of the predictions.

        With ``return_sequences=True`` every (sample, time step) pair counts
        as one prediction.

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
