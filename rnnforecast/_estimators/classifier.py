"""What every recurrent classifier adds to the shared base: label encoding,
logistic or softmax outputs, class weights and accuracy scores."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from .base import BaseRecurrentEstimator, flatten_steps


class BaseRecurrentClassifier(ClassifierMixin, BaseRecurrentEstimator):
    """Base class for recurrent classifiers; the cell is left to subclasses.

    Warning: this class should not be used directly. Use the derived classes
    instead.
    """

    _parameter_constraints: dict = {
        **BaseRecurrentEstimator._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "validation_split": [StrOptions({"auto", "tail", "stratified"})],
    }

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
                 early_stopping="auto", validation_fraction=0.1,
                 validation_split="auto", beta_1=0.9,
                 beta_2=0.999, epsilon=1e-8, rho=0.9, momentum=0.9,
                 nesterovs_momentum=True, clipnorm=None, clipvalue=None,
                 class_weight=None, warm_start=False, random_state=None,
                 verbose=False, dtype="float32", scale_inputs=True,
                 input_pooling="auto", readout="last", window_order="oldest_first",
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
        self.class_weight = class_weight

    # Targets ----------------------------------------------------------------

    def _encode_targets(self, y, n_timesteps, reset, classes=None):
        labels = self._check_labels(y, n_timesteps)
        if reset:
            self._set_classes(labels if classes is None else classes)
        unseen = np.setdiff1d(labels, self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} that are not in "
                f"classes_ {self.classes_.tolist()}.")
        indices = np.searchsorted(self.classes_, labels).astype(np.float64)
        targets = indices.reshape(*labels.shape, 1)
        n_outputs = 1 if self.classes_.shape[0] == 2 else self.classes_.shape[0]
        return np.ascontiguousarray(targets), n_outputs

    def _check_labels(self, y, n_timesteps):
        y = check_array(y, ensure_2d=False, dtype=None, ensure_all_finite=True,
                        input_name="y")
        if self.return_sequences:
            if y.ndim != 2 or y.shape[1] != n_timesteps:
                raise ValueError(
                    "With return_sequences=True, y must hold one label per time "
                    f"step, shape (n_samples, {n_timesteps}); got {y.shape}.")
        else:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return y

    def _set_classes(self, labels):
        classes = np.unique(labels)
        if classes.shape[0] < 2:
            raise ValueError(
                "The number of classes has to be greater than one; got "
                f"{classes.shape[0]} class")
        self.classes_ = classes

    def _target_weights(self, targets, weights):
        if self.class_weight is None:
            return None
        if self.return_sequences:
            raise ValueError(
                "class_weight is not supported with return_sequences=True; "
                "pass sample_weight instead.")
        indices = targets[:, 0].astype(np.intp)
        per_class = compute_class_weight(
            self.class_weight, classes=self.classes_, y=self.classes_[indices])
        if self.class_weight == "balanced":
            # Class frequencies counted in sample weight, so that weighting a
            # sample by 2 and repeating it give the same class weights.
            totals = np.bincount(indices, weights=weights, minlength=self.classes_.size)
            with np.errstate(divide="ignore"):
                per_class = np.where(totals > 0, totals.sum() / (self.classes_.size * totals),
                                     0.0)
        return per_class[indices]

    def _validation_rows(self, data, n_validation, random_state):
        """A stratified, seeded share of each class ("auto", "stratified"),
        or the tail; refuses a validation set of a single class, whose
        accuracy says nothing about the others."""
        labels = data.targets[:, 0, 0] if data.targets.ndim == 3 else data.targets[:, 0]
        labels = labels.astype(np.intp)
        if self.validation_split == "tail":
            rows = super()._validation_rows(data, n_validation, random_state)
        else:
            rows = stratified_rows(labels, n_validation, random_state)
        held = np.unique(labels[rows])
        if held.size < 2:
            hint = ("validation_split='stratified' (the default) or shuffle the "
                    "samples" if self.validation_split == "tail"
                    else "a larger validation_fraction")
            raise ValueError(
                f"The early-stopping validation set ({rows.size} samples) holds only "
                f"class {self.classes_[held].tolist()[0]!r}, so its accuracy cannot guide "
                f"training; use {hint}.")
        return rows

    def _loss_name(self):
        return "binary_log_loss" if self.classes_.shape[0] == 2 else "softmax_log_loss"

    _SCORE_NAME, _PERFECT = "mean log-likelihood", 0.0
    _MIN_VALIDATION = 1

    def _validation_score(self, logits, targets, weights):
        """Mean log-likelihood of the true classes (minus the log-loss).

        Not accuracy, which ``MLPClassifier`` uses: on the few held-out
        sequences of a small set accuracy moves in coarse steps and stops
        training early; the log-loss sees every gain in confidence
        (``benchmarks/README.md``, "Classification").
        """
        logits, targets, weights = flatten_steps(logits, targets, weights)
        classes = targets[:, 0].astype(np.intp)
        log_likelihood = _log_softmax(logits)[np.arange(classes.size), classes]
        return float(np.average(log_likelihood, weights=weights))

    def _constant_score(self, targets, weights):
        """``_validation_score`` of predicting the class frequencies."""
        _, targets, weights = flatten_steps(targets, targets, weights)
        totals = np.bincount(targets[:, 0].astype(np.intp), weights=weights)
        shares = totals[totals > 0] / totals.sum()
        return float(np.sum(shares * np.log(shares)))

    # Public API -------------------------------------------------------------

    def partial_fit(self, X, y, classes=None, sample_weight=None, lengths=None):
        """Update the model with one epoch over ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps)
            Input sequences.
        y : array-like of shape (n_samples,)
            Labels (per time step with ``return_sequences=True``).
        classes : array-like of shape (n_classes,), default=None
            Every label that any call may see. Required on the first call,
            ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.
        lengths : array-like of int of shape (n_samples,), default=None
            Real steps of each row of a padded ``X``, as in ``fit``.

        Returns
        -------
        self : object
            The updated estimator.
        """
        first_call = not hasattr(self, "classes_")
        if first_call:
            self._validate_params()
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit.")
        return self._fit(X, y, sample_weight, incremental=True,
                         classes=classes if first_call else None, lengths=lengths)

    def predict_proba(self, X, lengths=None, initial_state=None, return_state=False):
        """Probability of each class.

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
        proba : ndarray of shape (n_samples, n_classes)
            Or (n_samples, n_timesteps, n_classes) with
            ``return_sequences=True`` (for sequences of different lengths, a
            list of (n_timesteps_i, n_classes) arrays); columns follow
            ``classes_``.
        """
        logits, starts, state = self._forward(X, lengths, initial_state, return_state)
        proba = self._per_sequence(np.exp(_log_softmax(logits)), starts)
        return self._with_state(proba, state, return_state)

    def predict_log_proba(self, X, lengths=None, initial_state=None, return_state=False):
        """Logarithm of the probability of each class, computed stably.

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
        log_proba : ndarray of shape (n_samples, n_classes)
            Or (n_samples, n_timesteps, n_classes) with
            ``return_sequences=True`` (a list for sequences of different
            lengths, as ``predict_proba``).
        """
        logits, starts, state = self._forward(X, lengths, initial_state, return_state)
        log_proba = self._per_sequence(_log_softmax(logits), starts)
        return self._with_state(log_proba, state, return_state)

    def predict(self, X, lengths=None, initial_state=None, return_state=False):
        """Predict the class of each sequence.

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
        y : ndarray of shape (n_samples,)
            Or (n_samples, n_timesteps) with ``return_sequences=True`` (for
            sequences of different lengths, a list of (n_timesteps_i,)
            arrays).
        """
        logits, starts, state = self._forward(X, lengths, initial_state, return_state)
        labels = self._per_sequence(self.classes_[_winning_index(logits)], starts)
        return self._with_state(labels, state, return_state)

    def score(self, X, y, sample_weight=None, lengths=None):
        """Mean accuracy; per (sample, time step) with ``return_sequences``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps)
        y : array-like of shape (n_samples,) or (n_samples, n_timesteps)
        sample_weight : array-like of shape (n_samples,), default=None
        lengths : array-like of int of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        y_true, y_pred, weights = self._scored_pairs(X, y, sample_weight, lengths)
        return accuracy_score(np.ravel(y_true), np.ravel(y_pred), sample_weight=weights)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


def stratified_rows(labels, n_rows, random_state):
    """``n_rows`` row indices drawn without replacement, each class in
    proportion to its share (largest remainders), keeping at least one row
    of every class out of the draw; sorted."""
    classes, counts = np.unique(labels, return_counts=True)
    available = counts - 1
    quota = n_rows * counts / counts.sum()
    take = np.minimum(np.floor(quota).astype(np.intp), available)
    for index in np.argsort(-(quota - take), kind="stable"):
        if take.sum() >= n_rows:
            break
        if take[index] < available[index]:
            take[index] += 1
    rows = [random_state.permutation(np.flatnonzero(labels == label))[:k]
            for label, k in zip(classes, take)]
    return np.sort(np.concatenate(rows))


def _winning_index(logits):
    """Index of the predicted class from raw head outputs, any leading shape."""
    if logits.shape[-1] == 1:
        return (logits[..., 0] > 0).astype(np.intp)
    return np.argmax(logits, axis=-1)


def _log_softmax(logits):
    """Log-probabilities of each class from raw head outputs, computed stably;
    a binary head's single output becomes two columns."""
    if logits.shape[-1] == 1:
        logits = np.concatenate([np.zeros_like(logits), logits], axis=-1)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
