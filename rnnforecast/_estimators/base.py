"""The base class every recurrent estimator shares.

:class:`BaseRecurrentEstimator` owns the algorithm: parameter validation,
input checks, building the network, the epoch loop with early stopping and
divergence handling, ``partial_fit`` and prediction of raw outputs. The
public regressors and classifiers only say how targets are encoded, which
loss is used and how outputs become predictions.
"""

import copy
import threading
import time
import warnings
from abc import ABC, abstractmethod
from collections import namedtuple
from contextlib import contextmanager
from dataclasses import replace
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, validate_data

from .._core.initializers import INITIALIZERS
from .._core.network import RecurrentNetwork
from .._core.optimizers import SGD, Adam, RMSprop
from .._core.threads import ShardPool, available_cores
from .._core.training import (
    TrainingStep,
    parallel_parts,
    predict_logits,
    run_epoch,
    shard_count,
)
from .inputs import (
    TOKENS,
    WINDOWS,
    check_token_range,
    pad_targets_front,
    read_inputs,
    real_steps,
    zero_padded_rows,
)
from .pooling import average_pool, pool_size, pooled_length
from .progress import Progress
from .resources import check_fit_resources
from .scaling import feature_statistics, standardize, standardize_each_series
from .validation import (
    check_convolutions,
    check_dtype,
    check_sample_weight,
    check_units,
    refuse_booleans,
)

AUTO_BATCH_LIMIT = 200
# Parameters that shape the fitted network, or how predict reads X and
# shapes its outputs: changing one after fit needs a new fit.
ARCHITECTURE = ("units", "activation", "recurrent_activation", "return_sequences",
                "bidirectional", "embedding_dim", "mask_zero", "dtype", "readout",
                "window_order", "conv_filters", "conv_kernel_sizes", "dimension_shuffle",
                "scale_inputs")
# A regressor's too: scale_target and linear_skip decide what a saved file
# holds (the target statistics, the skip path); changed after a fit, the
# file would lack them.
REGRESSOR_ARCHITECTURE = ARCHITECTURE + ("loss", "quantiles", "scale_target", "linear_skip")
# learning_rate="adaptive" stops once the step size is this small (as sklearn's).
MIN_ADAPTIVE_RATE = 1e-6
# early_stopping="auto" holds out a validation share from this many samples
# on: measured helpful on forecasting windows from about a thousand, harmful
# on classification sets of 20-537 sequences (benchmarks/README.md).
AUTO_EARLY_STOPPING = 1000
# A fit whose training score is within this of the best constant's is no
# better than it (R² for regressors, mean log-likelihood for classifiers).
CONSTANT_MARGIN = 0.01
# ...judged on at most this many training samples.
CONSTANT_CHECK_SAMPLES = 10_000


class BaseRecurrentEstimator(BaseEstimator, ABC):
    """Base class for recurrent-network estimators.

    Warning: this class should not be used directly. Use the derived classes
    instead.
    """

    _cell = "simple"
    # Parameters whose change after a fit needs a new fit (see ARCHITECTURE).
    _ARCHITECTURE = ARCHITECTURE

    # batch_size="auto": min(this, n_samples).
    _AUTO_BATCH_LIMIT = AUTO_BATCH_LIMIT

    _parameter_constraints: dict = {
        "units": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "activation": [StrOptions({"tanh", "relu"})],
        "recurrent_activation": [StrOptions({"sigmoid", "hard_sigmoid"})],
        "unit_forget_bias": ["boolean", Interval(Real, None, None, closed="neither")],
        "return_sequences": ["boolean"],
        "bidirectional": ["boolean"],
        "truncated_bptt": [None, Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [None, Interval(Integral, 1, None, closed="left")],
        "n_tokens": [None, Interval(Integral, 1, None, closed="left")],
        "mask_zero": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "readout_dropout": [Interval(Real, 0, 1, closed="left")],
        "kernel_initializer": [StrOptions(set(INITIALIZERS))],
        "recurrent_initializer": [StrOptions(set(INITIALIZERS))],
        "solver": [StrOptions({"adam", "rmsprop", "sgd"})],
        "learning_rate": [StrOptions({"constant", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "validation_split": [StrOptions({"auto", "tail"})],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "rho": [Interval(Real, 0, 1, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "clipnorm": [None, Interval(Real, 0, None, closed="neither")],
        "clipvalue": [None, Interval(Real, 0, None, closed="neither")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "dtype": [StrOptions({"float32", "float64"}), type, np.dtype],
        "scale_inputs": ["boolean", StrOptions({"series"})],
        "input_pooling": [None, StrOptions({"auto"}),
                          Interval(Integral, 1, None, closed="left")],
        "readout": [StrOptions({"last", "mean"})],
        "window_order": [StrOptions({"oldest_first", "newest_first"})],
        "conv_filters": [None, Interval(Integral, 1, None, closed="left"), tuple, list],
        "conv_kernel_sizes": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "dimension_shuffle": ["boolean"],
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
                 warm_start=False, random_state=None, verbose=False,
                 dtype="float32", scale_inputs=True, input_pooling="auto",
                 readout="last", window_order="oldest_first", conv_filters=None,
                 conv_kernel_sizes=(8, 5, 3), dimension_shuffle=False):
        self.units = units
        self.activation = activation
        self.recurrent_activation = recurrent_activation
        self.unit_forget_bias = unit_forget_bias
        self.return_sequences = return_sequences
        self.truncated_bptt = truncated_bptt
        self.bidirectional = bidirectional
        self.embedding_dim = embedding_dim
        self.n_tokens = n_tokens
        self.mask_zero = mask_zero
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.readout_dropout = readout_dropout
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.solver = solver
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.alpha = alpha
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation_split = validation_split
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.rho = rho
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.dtype = dtype
        self.scale_inputs = scale_inputs
        self.input_pooling = input_pooling
        self.readout = readout
        self.window_order = window_order
        self.conv_filters = conv_filters
        self.conv_kernel_sizes = conv_kernel_sizes
        self.dimension_shuffle = dimension_shuffle

    # Hooks the regressor and the classifier provide -------------------------

    @abstractmethod
    def _encode_targets(self, y, n_timesteps, reset, classes=None):
        """Validate ``y``; return ``(targets, n_outputs)``.

        ``targets`` is a float array of shape (n_samples, k), or
        (n_samples, n_timesteps, k) with ``return_sequences``, in the layout
        the loss reads; ``n_outputs`` is the width of the head.
        """

    @abstractmethod
    def _loss_name(self):
        """Key of ``LOSSES`` for the head's loss."""

    def _n_targets(self):
        """Targets per sample the fitted head serves (its width, unless a
        target has several outputs)."""
        return self.n_outputs_

    @abstractmethod
    def _validation_score(self, logits, targets, weights):
        """Score of the raw outputs on encoded targets (higher is better,
        at most ``_PERFECT``, named ``_SCORE_NAME`` in messages)."""

    def _target_weights(self, targets, weights):
        """Per-sample weight factors from the targets (class weights), given
        the sample weights."""
        return None

    @abstractmethod
    def _constant_score(self, targets, weights):
        """``_validation_score`` of the best constant prediction."""

    def _scaling_statistics(self, data):
        """What a first fit learns to standardise with, as fitted attributes:
        per-feature input statistics (None when off, per series, or for
        token ids) and whether each series is standardised on its own."""
        real_valued = self.embedding_dim is None
        series = real_valued and self.scale_inputs == "series"
        if self.scale_inputs is not True or not real_valued:
            return {"input_mean_": None, "input_scale_": None, "series_scaling_": series}
        mean, scale = feature_statistics(data.X, data.starts, data.weights)
        return {"input_mean_": mean, "input_scale_": scale, "series_scaling_": False}

    def _pool_size(self, data):
        """Steps per block of ``input_pooling`` for a first fit on ``data``;
        refuses pooling where outputs or chunks are per step."""
        per_step = self.return_sequences or self.embedding_dim is not None
        if self.input_pooling == "auto" and per_step:
            return 1
        if self.input_pooling not in (None, "auto", 1) and per_step:
            raise ValueError(
                "input_pooling averages blocks of time steps, so it needs one "
                "output per sequence and real-valued inputs: not "
                "return_sequences=True or token ids.")
        return pool_size(data.X.shape[1], self.input_pooling)

    def _scaled(self, data):
        """``data`` with inputs standardised and pooled, and targets (for
        regressors) standardised."""
        X, starts = self._pool(self._scale_X(data.X, data.starts), data.starts)
        return TrainingData(X, starts, self._scale_targets(data.targets), data.weights)

    def _pool(self, X, starts):
        return average_pool(X, starts, getattr(self, "pool_size_", 1))

    def _scale_X(self, X, starts):
        if getattr(self, "series_scaling_", False):
            return standardize_each_series(X, starts)
        mean = getattr(self, "input_mean_", None)
        if mean is None:
            return X
        return standardize(X, mean, self.input_scale_, starts)

    def _scale_targets(self, targets):
        return targets

    # Fitting ----------------------------------------------------------------

    def fit(self, X, y, sample_weight=None, lengths=None):
        """Fit the model to windows ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps), or list of array-like
            Input sequences; a 2-D array holds univariate windows, one
            column per time step. Sequences of different lengths: a list of
            arrays of shape (n_timesteps_i, n_features) or (n_timesteps_i,),
            or a padded array with ``lengths``.
        y : array-like
            Targets, see the estimator's class docstring for shapes.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss.
        lengths : array-like of int of shape (n_samples,), default=None
            Real steps of each row of a padded ``X``: row ``i`` is
            ``X[i, :lengths[i]]`` and the rest is ignored.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        return self._fit(X, y, sample_weight, incremental=False, lengths=lengths)

    def _fit(self, X, y, sample_weight, incremental, classes=None, lengths=None):
        """``fit`` or ``partial_fit``; a call that fails for any reason (bad
        input, memory, an interrupt) leaves the previous fit exactly as it was."""
        with _only_fit(self):
            before = self._snapshot()
            try:
                return self._fit_unguarded(X, y, sample_weight, incremental, classes,
                                           lengths)
            except BaseException:
                self.__dict__.clear()
                self.__dict__.update(before)
                raise

    def _snapshot(self):
        """The estimator's state, copied where fitting changes it in place
        (weights, histories, optimizer moments, the random generator)."""
        state = dict(self.__dict__)
        for key, value in state.items():
            if isinstance(value, np.ndarray):
                state[key] = value.copy()
            elif isinstance(value, list):
                state[key] = list(value)
            elif key in ("_optimizer", "_random_state"):
                state[key] = copy.deepcopy(value)
        return state

    def _fit_unguarded(self, X, y, sample_weight, incremental, classes, lengths):
        reset = not (self.warm_start or incremental) or not hasattr(self, "params_")
        plan = self._plan_fit(X, y, sample_weight, incremental, classes, lengths, reset)
        if reset:
            n_features = self.embedding_dim or plan.data.X.shape[2]
            n_steps = (None if self.n_timesteps_in_ is None else
                       pooled_length(self.n_timesteps_in_, plan.statistics["pool_size_"]))
            network = self._make_network(n_features, plan.units, plan.n_outputs, n_steps)
            self._check_resources(plan, network)
            self._initialize(network, plan.dtype)
            self.__dict__.update(plan.statistics)
        elif not incremental:
            self._optimizer = self._make_optimizer(self.params_.shape[0], plan.dtype)
        data, held_out = self._scaled(plan.data), plan.held_out
        if reset:
            self._fit_skip(data)
        residual = self._residual(data)
        if incremental:
            self._train(residual, None, n_epochs=1, incremental=True)
            return self
        train, validation = residual, None
        self.start_validation_score_ = None
        if held_out is not None:
            if self.validation_scores_ is None:
                self.validation_scores_, self.best_validation_score_ = [], -np.inf
            # Validation is scored on whole outputs (network + skip path).
            train, validation = residual[~held_out], data[held_out]
            if not reset or self._skip_fitted():
                self._score_start(validation)
        self._train(train, validation, self.max_iter, incremental=False)
        self._check_better_than_constant(data)
        return self

    def _check_resources(self, plan, network):
        """Refuse a new ``network`` that cannot fit in memory, and warn about a
        fit that will take very long, before allocating its weights."""
        n_samples, n_timesteps = plan.data.X.shape[:2]
        n_timesteps = pooled_length(n_timesteps, plan.statistics["pool_size_"])
        limit = self._AUTO_BATCH_LIMIT if self.batch_size == "auto" else self.batch_size
        batch = min(limit, n_samples)
        check_fit_resources(type(self).__name__, network, n_timesteps, n_samples, batch,
                            shard_count(network, n_timesteps, batch), plan.dtype,
                            self.max_iter, min_epochs=self.n_iter_no_change + 1)

    def _plan_fit(self, X, y, sample_weight, incremental, classes, lengths, reset):
        """Check everything a fit needs before the network changes."""
        units, dtype = check_units(self.units), check_dtype(self.dtype)
        data, n_outputs = self._validate_fit_data(
            X, y, sample_weight, reset, classes, dtype, lengths)
        statistics = {}
        if reset:
            statistics = {**self._scaling_statistics(data),
                          "pool_size_": self._pool_size(data)}
        else:
            self._check_compatible(units, n_outputs, dtype)
        self._check_options(data)
        held_out = None if incremental else self._validation_mask(data, reset)
        return FitPlan(data, n_outputs, units, dtype, statistics, held_out)

    # A linear path beside the network (regressors' linear_skip) ------------

    def _check_options(self, data):
        """Refuse settings the validated data cannot serve, before any
        fitted attribute changes."""
        if self.readout_dropout > 0 and self.return_sequences:
            raise ValueError(
                "readout_dropout drops units of the one readout per sequence; with "
                "return_sequences=True every step is an output. Use dropout or "
                "recurrent_dropout, or return_sequences=False.")
        if self.readout == "mean" and self.return_sequences:
            raise ValueError(
                'readout="mean" gives one output per sequence from the mean of '
                "its states; return_sequences=True gives one per step. Use "
                'readout="last" with return_sequences=True.')

    def _fit_skip(self, train):
        """Fit what the network's outputs are added to (nothing here)."""

    def _skip(self, X):
        """Outputs added to the network's, in scaled units; None here."""
        return None

    def _skip_fitted(self):
        return getattr(self, "linear_coef_", None) is not None

    def _residual(self, data):
        """``data`` with what ``_skip`` predicts taken off the targets."""
        skip = self._skip(data.X)
        if skip is None:
            return data
        return TrainingData(data.X, data.starts, data.targets - skip.astype(data.targets.dtype),
                            data.weights)

    def _outputs(self, X, starts, **states):
        """The model's outputs for ``X``: the network's with the skip path's."""
        logits = predict_logits(self._network, self.params_, X, starts, **states)
        return self._with_skip(logits, self._skip(X))

    def _with_skip(self, logits, skip):
        """The head's raw outputs plus the skip path's (None: no skip path)."""
        return logits if skip is None else logits + skip.astype(logits.dtype)

    def _check_better_than_constant(self, data):
        """Warn when the fitted model scores no better on its own training
        data than the best constant: training ended on a plateau, diverged
        or never started, and predictions carry no information."""
        if data.X.shape[0] < self._MIN_VALIDATION:
            return  # no score to compare (R² of one sample is undefined)
        if data.X.shape[0] > CONSTANT_CHECK_SAMPLES:
            # Evenly spaced rows judge a plateau as well as all of them, at a
            # fraction of a forward pass over millions of windows.
            rows = np.linspace(0, data.X.shape[0] - 1, CONSTANT_CHECK_SAMPLES).astype(int)
            data = data[rows]
        logits = self._outputs(data.X, data.starts)
        weights = data.step_weights()
        score = self._validation_score(logits, data.targets, weights)
        constant = self._constant_score(data.targets, weights)
        if score > constant + CONSTANT_MARGIN or constant >= self._PERFECT - CONSTANT_MARGIN:
            return  # better than a constant, or a constant is already perfect
        measure = self._SCORE_NAME
        warnings.warn(
            f"{type(self).__name__} is no better than a constant on its own "
            f"training data: {measure} {score:.3f} against {constant:.3f} for the "
            f"best constant, after {self.n_iter_} epochs (final training loss "
            f"{self.loss_:.4g}). Its predictions carry no information. Raise "
            "max_iter or n_iter_no_change, try another learning_rate_init, and "
            "check that X carries information about y.", ConvergenceWarning)

    def _validate_fit_data(self, X, y, sample_weight, reset, classes, dtype, lengths):
        """Check ``X``, ``y`` and weights; return them in the kernels' layout
        as a ``TrainingData``, and the width of the head."""
        X, starts = self._validate_X(X, reset, dtype, lengths)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the "
                "target y is None.")
        if starts is not None and self.return_sequences:
            y = pad_targets_front(y, starts, X.shape[1])
        targets, n_outputs = self._encode_targets(y, X.shape[1], reset, classes)
        targets = np.ascontiguousarray(targets, dtype=dtype)
        if targets.shape[0] != X.shape[0]:
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"[{X.shape[0]}, {targets.shape[0]}]")
        weights = check_sample_weight(sample_weight, X.shape[0], dtype)
        factors = self._target_weights(targets, weights)
        if factors is not None:
            weights = (weights * factors).astype(dtype)
        return TrainingData(X, starts, targets, weights), n_outputs

    def _validate_X(self, X, reset, dtype, lengths=None, any_length=False):
        """Check ``X``; return it as a C-contiguous 3-D array of ``dtype``,
        and the first real step of each sequence (None when every sequence
        fills the array). ``any_length`` accepts another number of time
        steps than ``fit`` saw (chunks of a longer sequence)."""
        inputs = read_inputs(X, dtype, lengths, tokens=self.embedding_dim is not None,
                             mask_zero=self.mask_zero)
        inputs = self._in_time_order(inputs)
        if reset:
            self._record_inputs(X, inputs)
        else:
            self._check_inputs(X, inputs, any_length)
        return inputs.X, inputs.starts

    def _in_time_order(self, inputs):
        """``inputs`` with the steps of 2-D windows given newest first
        (``window_order="newest_first"``) turned oldest first."""
        if self.window_order == "oldest_first":
            return inputs
        if inputs.form != WINDOWS or inputs.input_ndim != 2:
            raise ValueError(
                "window_order='newest_first' reads 2-D rows of lag columns, newest "
                "first (skforecast's lag_1, lag_2, ...); pass other input oldest "
                "first with window_order='oldest_first'.")
        return replace(inputs, X=np.ascontiguousarray(inputs.X[:, ::-1]))

    def _record_inputs(self, X, inputs):
        """Remember what a first fit's input was: the shape it must keep,
        or any length from now on; column names (as scikit-learn does)."""
        if inputs.form == TOKENS:
            n_tokens = self.n_tokens or int(inputs.X.max()) + 1
            check_token_range(inputs.X, n_tokens)
            self.n_tokens_ = n_tokens
            # One token id per time step.
            self._accept_any_length(input_ndim=2, n_features=1)
        elif inputs.variable_length:
            self._accept_any_length(input_ndim=3, n_features=inputs.X.shape[2])
        else:
            validate_data(self, X, reset=True, skip_check_array=True)
            self._input_ndim = inputs.input_ndim
            self.n_timesteps_in_ = inputs.X.shape[1]
            if inputs.input_ndim == 3:
                self.n_features_in_ = inputs.X.shape[2]

    def _check_inputs(self, X, inputs, any_length):
        """Refuse input the fitted model would mis-read."""
        if inputs.form == TOKENS:
            check_token_range(inputs.X, self.n_tokens_)
            return
        if inputs.form != WINDOWS:
            self._check_shape(inputs.X, check_timesteps=False)
            return
        named = hasattr(self, "feature_names_in_")
        if (self._input_ndim == 2 and inputs.input_ndim == 2
                and (named or type(X) is not np.ndarray)):
            validate_data(self, X, reset=False, skip_check_array=True)
        self._check_shape(inputs.X, check_timesteps=not any_length)
        self._refuse_unmarked_padding(inputs.X)

    def _refuse_unmarked_padding(self, X):
        """A model fitted on sequences of different lengths reads every step
        of a rectangular array as real: refuse rows that look zero-padded
        rather than read the zeros as data."""
        if self.n_timesteps_in_ is not None or self.embedding_dim is not None:
            return
        rows = zero_padded_rows(X)
        if rows.size:
            raise ValueError(
                f"X has {rows.size} row(s) (first: {int(rows[0])}) whose first or "
                f"last time step is all zeros, and {type(self).__name__} was fitted "
                "on sequences of different lengths: if the zeros are padding, pass "
                "lengths= or mark padding with NaN; if they are data, pass "
                "lengths=[n_timesteps] * n_samples.")

    def _accept_any_length(self, input_ndim, n_features):
        """Record a fit on sequences of different lengths (or token ids):
        no column names, and any number of time steps from now on."""
        self.__dict__.pop("feature_names_in_", None)
        self._input_ndim = input_ndim
        self.n_features_in_ = n_features
        self.n_timesteps_in_ = None

    def _check_shape(self, X, check_timesteps=True):
        n_features = self._network.n_features
        if self.n_timesteps_in_ is None:
            check_timesteps = False
        if (check_timesteps and self._input_ndim == 2 and n_features == 1
                and X.shape[1] != self.n_timesteps_in_):
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input.")
        if check_timesteps and X.shape[1] != self.n_timesteps_in_:
            raise ValueError(
                f"X has {X.shape[1]} time steps, but {type(self).__name__} is "
                f"expecting {self.n_timesteps_in_} time steps as input.")
        if X.shape[2] != n_features:
            raise ValueError(
                f"X has {X.shape[2]} features per time step, but "
                f"{type(self).__name__} is expecting {n_features} features "
                "as input.")

    def _initialize(self, network, dtype):
        """Start a new fit of ``network`` (from ``_make_network``): new
        weights, optimizer and history; record the architecture parameters."""
        self._random_state = check_random_state(self.random_state)
        self._network = network
        self.params_ = network.initialize(
            self._random_state, dtype, self.kernel_initializer,
            self.recurrent_initializer)
        self._fitted_parameters = {name: getattr(self, name) for name in self._ARCHITECTURE}
        self._optimizer = self._make_optimizer(self.params_.shape[0], dtype)
        self.n_outputs_ = network.n_outputs
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_ = None
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self._best_params = None
        self.best_loss_ = np.inf
        # The training loss the next epoch must beat by tol to count as progress.
        self._loss_to_beat = np.inf
        self.validation_scores_ = None
        self.best_validation_score_ = None
        self.start_validation_score_ = None

    def _validate_params(self):
        super()._validate_params()
        refuse_booleans(self)

    def _make_network(self, n_features, units, n_outputs, n_steps=None):
        """The network these parameters describe for sequences of ``n_steps``
        (after pooling; None for sequences of any length); no weights
        allocated yet."""
        conv = check_convolutions(self.conv_filters, self.conv_kernel_sizes)
        if (conv is not None or self.dimension_shuffle) and (
                self.return_sequences or self.embedding_dim is not None):
            raise ValueError(
                "conv_filters and dimension_shuffle read whole sequences of numbers "
                "into one output per sequence: they need return_sequences=False and "
                "no embedding_dim.")
        if self.dimension_shuffle and n_steps is None:
            raise ValueError(
                "dimension_shuffle reads each sequence as one step of all its time "
                "steps, so every sequence needs the same length: pad the sequences "
                "to one length yourself (LSTM-FCN pads with zeros at the end) and "
                "pass a 3-D array, or set dimension_shuffle=False to read them step "
                "by step.")
        return RecurrentNetwork(
            n_features, units, n_outputs, self.activation, self.return_sequences,
            self._cell, self.bidirectional,
            None if self.embedding_dim is None else self.n_tokens_,
            dict(recurrent_activation=self.recurrent_activation,
                 unit_forget_bias=self.unit_forget_bias), self.readout, conv,
            n_steps if self.dimension_shuffle else None)

    def _architecture(self, settings=None):
        """The parameters of ``ARCHITECTURE`` as a fit reads them (units a
        tuple, dtype a name): ``settings``, or the current parameters."""
        settings = dict(settings or {name: getattr(self, name)
                                     for name in self._ARCHITECTURE})
        settings["units"] = check_units(settings["units"])
        settings["dtype"] = check_dtype(settings["dtype"]).name
        return settings

    def _check_architecture(self):
        """Refuse to use a fitted network whose architecture parameters were
        changed by ``set_params`` since: predictions, saved files and warm
        starts would silently mix the fitted network with the new settings."""
        recorded = self.__dict__.get("_fitted_parameters")
        if recorded is None:  # pickled before fits recorded it
            return
        # Unchanged parameter values (the usual case, on every predict) are
        # seen without normalising them (a few microseconds).
        if all(getattr(self, name) is value for name, value in recorded.items()):
            return
        fitted, now = self._architecture(recorded), self._architecture()
        # A fit recorded before a parameter existed had that parameter's default.
        changed = [name for name in recorded if now[name] != fitted[name]]
        if changed:
            def describe(settings):
                return ", ".join(f"{name}={settings[name]!r}" for name in changed)
            raise ValueError(
                f"This {type(self).__name__} was fitted with {describe(fitted)}, but "
                f"its parameters now say {describe(now)}. A fitted network cannot "
                "change its architecture: set the parameters back, or fit again.")

    def _check_compatible(self, units, n_outputs, dtype):
        self._check_architecture()
        network = self._network
        embedding_dim = None if network.n_tokens is None else network.n_features
        fitted = dict(units=network.units,
                      bidirectional=network.layers[0].directions == 2,
                      embedding_dim=embedding_dim, n_outputs=self.n_outputs_,
                      dtype=self.params_.dtype)
        asked = dict(units=units, bidirectional=self.bidirectional,
                     embedding_dim=self.embedding_dim, n_outputs=n_outputs, dtype=dtype)
        if asked != fitted:
            def describe(settings):
                return ", ".join(f"{key}={value}" for key, value in settings.items())
            raise ValueError(
                "warm_start and partial_fit continue the fitted network, which "
                f"has {describe(fitted)}; got {describe(asked)}. Refit from "
                "scratch instead.")

    def _make_optimizer(self, n_params, dtype):
        if self.solver == "adam":
            return Adam(n_params, dtype, self.learning_rate_init, self.beta_1,
                        self.beta_2, self.epsilon)
        if self.solver == "rmsprop":
            return RMSprop(n_params, dtype, self.learning_rate_init, self.rho,
                           self.epsilon)
        return SGD(n_params, dtype, self.learning_rate_init, self.momentum,
                   self.nesterovs_momentum)

    def _validation_mask(self, data, reset):
        """Which samples early stopping holds out (None when it is off):
        ``validation_fraction`` of them, by default the chronological tail
        (regressors) or a stratified shuffled share (classifiers)."""
        n_samples = data.X.shape[0]
        if not self._stops_early(data):
            return None
        n_validation = int(np.ceil(self.validation_fraction * n_samples))
        if n_samples - n_validation < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no "
                f"training samples out of {n_samples}; lower it or pass more "
                "samples.")
        if n_validation < self._MIN_VALIDATION:
            raise ValueError(
                f"Early stopping would hold out {n_validation} of {n_samples} samples "
                f"(validation_fraction={self.validation_fraction}), too few to score "
                f"({self._SCORE_NAME} needs {self._MIN_VALIDATION}); pass more "
                "samples, raise validation_fraction or set early_stopping=False.")
        # A copy on refits, so a rejected split leaves the fitted generator alone.
        random_state = (check_random_state(self.random_state) if reset
                        else copy.deepcopy(self._random_state))
        held_out = np.zeros(n_samples, dtype=bool)
        held_out[self._validation_rows(data, n_validation, random_state)] = True
        return held_out

    def _stops_early(self, data):
        """Whether early stopping is on for a fit on ``data``: "auto" turns
        it on from ``AUTO_EARLY_STOPPING`` samples, where the held-out share
        is large enough to judge epochs by."""
        if self.early_stopping == "auto":
            return data.X.shape[0] >= AUTO_EARLY_STOPPING
        return self.early_stopping

    def _validation_rows(self, data, n_validation, random_state):
        """Rows held out for early stopping: the last ``n_validation``."""
        return np.arange(data.X.shape[0] - n_validation, data.X.shape[0])

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(self._AUTO_BATCH_LIMIT, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got `batch_size` less than 1 or larger than sample size. It "
                f"is going to be clipped to {n_samples}.")
        return min(self.batch_size, n_samples)

    def _settings(self):
        return {"loss": self._loss_name(), "alpha": self.alpha,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue,
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "readout_dropout": self.readout_dropout,
                "truncated_bptt": self.truncated_bptt}

    def _train(self, data, validation, n_epochs, incremental):
        """Run up to ``n_epochs`` epochs, then restore the best weights."""
        self._optimizer.learning_rate = self.learning_rate_init
        n_samples, n_timesteps = data.X.shape[:2]
        batch_size = self._batch_size(n_samples)
        n_shards = shard_count(self._network, n_timesteps, batch_size)
        threads = parallel_parts(self._network, n_timesteps, batch_size)
        with ShardPool(min(threads, available_cores())) as pool:
            step = TrainingStep(self._network, self.params_, self._optimizer,
                                self._settings(), self._random_state, n_timesteps,
                                batch_size, data.targets.shape[-1], n_shards, pool,
                                variable_length=data.starts is not None)
            converged = self._run_epochs(step, data, validation, n_epochs,
                                         batch_size, incremental)
        if not (converged or incremental):
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning)
        if validation is not None and self._best_params is not None:
            self.params_[...] = self._best_params
        if self.verbose and validation is not None:
            print(self._start_message())

    def _run_epochs(self, step, data, validation, n_epochs, batch_size, incremental):
        """The epoch loop; returns whether it stopped before ``n_epochs``."""
        n_samples = data.X.shape[0]
        order = np.arange(n_samples)
        best_start = None
        # On a terminal, a line with the time left; verbose prints its own.
        with Progress(type(self).__name__, n_epochs, "epochs", at_most=not incremental,
                      off=self.verbose) as display:
            for epoch in range(n_epochs):
                started = time.perf_counter()
                if self.shuffle:
                    order = self._random_state.permutation(n_samples)
                start = (self.params_.copy(), copy.deepcopy(self._optimizer))
                loss = run_epoch(step, data.X, data.targets, data.weights, order,
                                 batch_size, data.starts)
                if not (np.isfinite(loss) and np.isfinite(self.params_).all()):
                    self._recover_from_divergence(best_start or start)
                    return True
                if loss < self.best_loss_:
                    best_start = start
                display.advance(f"loss {loss:.4g}")
                if self._end_epoch(loss, validation, n_samples, incremental,
                                   (epoch + 1, n_epochs, started)):
                    return True
        return False

    def _end_epoch(self, loss, validation, n_samples, incremental, timing):
        """Score and record the epoch, report it with ``verbose``, and say
        whether training stops (``timing``: epoch, of how many, its start)."""
        score = self._score_validation(validation)
        self._record_epoch(loss, score, n_samples)
        if self.verbose:
            epoch, n_epochs, started = timing
            self._report(loss, score, time.perf_counter() - started, epoch, n_epochs)
        if incremental or self._no_improvement_count <= self.n_iter_no_change:
            return False
        if self._lower_learning_rate():
            return False
        if self.verbose:
            print(self._stop_message())
        return True

    def _lower_learning_rate(self):
        """With ``learning_rate="adaptive"``, divide the step size by 5 on a
        plateau instead of stopping, as MLPRegressor does; False once it is
        at its floor (then training stops)."""
        rate = self._optimizer.learning_rate
        if self.learning_rate != "adaptive" or rate <= MIN_ADAPTIVE_RATE:
            return False
        self._optimizer.learning_rate /= 5
        self._no_improvement_count = 0
        if self.verbose:
            print(f"Setting learning rate to {self._optimizer.learning_rate:.6g}")
        return True

    def _recover_from_divergence(self, snapshot):
        """Put back known-good weights and optimizer state, and warn.

        ``snapshot`` holds the weights that started the epoch with the lowest
        loss of this call (or the failed epoch, if none finished): weights
        that produced a finite loss, unlike those just before the failure,
        which may already be finite but huge.
        """
        self.params_[...] = snapshot[0]
        self._optimizer = snapshot[1]
        warnings.warn(
            f"Training diverged in epoch {self.n_iter_ + 1}: the loss or its "
            "gradient is not finite. Training stopped and the weights that "
            "started the best epoch of this call were restored. Scale the "
            "inputs and targets, lower learning_rate_init or set clipnorm.",
            ConvergenceWarning)

    def _score_start(self, validation):
        """Let the weights a fit starts from compete with every epoch's.

        Only where they are a model: with the skip path, a new network
        starts as the ridge model on the window (its head at zero), and
        where no epoch beats that on validation the fit keeps it rather than
        a worse network; a warm start likewise never ends worse on
        validation than it began. Random weights are not a candidate: their
        uncommitted outputs can out-score trained ones on a few held-out
        classification samples by log-loss.
        """
        score = self._score_validation(validation)
        self.start_validation_score_ = score
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            self._best_params = self.params_.copy()

    def _score_validation(self, validation):
        if validation is None:
            return None
        logits = self._outputs(validation.X, validation.starts)
        return self._validation_score(
            logits, validation.targets, validation.step_weights())

    def _record_epoch(self, loss, score, n_samples):
        """Book-keeping after an epoch, following MLPRegressor's rules but
        one: without validation, an epoch improves when its training loss
        beats by more than ``tol`` the loss of the last epoch that improved,
        not the best one so far. MLP's rule stops a loss that falls steadily
        by less than ``tol`` an epoch (ACSF1's loss, falling slowly from its
        plateau at 2.30, was stopped at epoch 12); here such a fall adds up
        until it counts. A validation score keeps MLP's rule (beat the best
        by ``tol``): the defaults that stop on it were chosen with it."""
        self.n_iter_ += 1
        self.t_ += n_samples
        self.loss_ = loss
        self.loss_curve_.append(loss)
        improved = loss < self._loss_to_beat - self.tol
        if improved:
            self._loss_to_beat = loss
        self.best_loss_ = min(self.best_loss_, loss)
        if score is not None:
            self.validation_scores_.append(score)
            improved = score > self.best_validation_score_ + self.tol
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_params = self.params_.copy()
        self._no_improvement_count = 0 if improved else self._no_improvement_count + 1

    def _report(self, loss, score, seconds, epoch, n_epochs):
        """One line per epoch: where the fit is (epoch k of this call's at
        most ``n_epochs``), the loss and validation score, and how long the
        rest can take at most (early stopping may end it sooner)."""
        line = f"Epoch {epoch}/{n_epochs}, loss = {loss:.8f}"
        if score is not None:
            line += f", validation score = {score:.6f}"
        left = seconds * (n_epochs - epoch)
        print(f"{line}, {seconds:.2f} s" + (f" (at most {_duration(left)} left)"
                                            if epoch < n_epochs else ""), flush=True)

    def _start_message(self):
        """Whether training beat the weights it started from on validation:
        a fit whose network adds nothing says so."""
        start, best = self.start_validation_score_, self.best_validation_score_
        if start is None:
            return f"Best validation score {best:.6f}."
        if best > start:
            return (f"The trained network beat its start on validation: score {start:.6f} "
                    f"-> {best:.6f} (+{best - start:.6f}).")
        return (f"No epoch beat the start on validation (score {start:.6f}): the fitted "
                "model is the weights it started from (for a new fit, the ridge skip path "
                "alone).")

    def _stop_message(self):
        stopped_early = self.validation_scores_ is not None
        quantity = "Validation score" if stopped_early else "Training loss"
        return (f"{quantity} did not improve more than tol={self.tol} for "
                f"{self.n_iter_no_change} consecutive epochs. Stopping.")

    # Prediction -------------------------------------------------------------

    def _forward(self, X, lengths=None, initial_state=None, return_state=False):
        """Validate ``X``; return the head's raw outputs, float64, the first
        real step of each sequence (None without variable lengths), and the
        final states (None unless ``return_state``)."""
        self._check_fitted()
        dtype = self.params_.dtype
        stateful = initial_state is not None or return_state
        X, starts = self._validate_X(X, reset=False, dtype=dtype, lengths=lengths,
                                     any_length=stateful)
        if stateful:
            self._check_stateful()
        if initial_state is not None:
            initial_state = self._validate_state(initial_state, X.shape[0])
        X, pooled_starts = self._pool(self._scale_X(X, starts), starts)
        final_state = None
        if return_state:
            final_state = [np.empty((X.shape[0], units), dtype=dtype)
                           for _, units in self._network.state_names()]
        logits = self._outputs(X, pooled_starts, initial_state=initial_state,
                               final_state=final_state)
        if final_state is not None:
            final_state = [state.astype(np.float64) for state in final_state]
        return logits.astype(np.float64), starts, final_state

    def _check_stateful(self):
        if self.bidirectional:
            raise ValueError(
                "initial_state and return_state need bidirectional=False: the "
                "reverse direction reads each sequence from its end, so it has "
                "no state to carry into the next chunk.")
        if self._skip_fitted():
            raise ValueError(
                "initial_state and return_state need linear_skip=False: the linear "
                "path reads whole windows of the fitted length, not chunks.")
        if getattr(self, "pool_size_", 1) > 1:
            raise ValueError(
                "initial_state and return_state need input_pooling=None: blocks of "
                "steps would straddle the chunks.")
        if self.readout == "mean":
            raise ValueError(
                'initial_state and return_state need readout="last": the mean of '
                "the states would cover only the chunk, not the whole sequence.")

    def _validate_state(self, state, n_samples):
        """Check an ``initial_state`` list; return its arrays in the
        parameters' dtype."""
        names = self._network.state_names()
        expected = ", ".join(f"{name} ({n_samples}, {units})" for name, units in names)
        if not isinstance(state, (list, tuple)) or len(state) != len(names):
            raise ValueError(
                f"initial_state must be a list of {len(names)} arrays, as "
                f"return_state gives them: {expected}.")
        checked = []
        for (name, units), array in zip(names, state):
            array = check_array(array, dtype=self.params_.dtype,
                                ensure_all_finite=True, input_name="initial_state")
            if array.shape != (n_samples, units):
                raise ValueError(
                    f"initial_state {name} has shape {array.shape}; expected "
                    f"({n_samples}, {units}): one row per sequence of X.")
            checked.append(np.ascontiguousarray(array))
        return checked

    @staticmethod
    def _with_state(result, state, return_state):
        return (result, state) if return_state else result

    def _per_sequence(self, values, starts):
        """Outputs in the user's layout: with per-step outputs of sequences
        of different lengths, a list holding each sequence's real steps."""
        if starts is None or not self.return_sequences:
            return values
        return real_steps(values, starts)

    def _scored_pairs(self, X, y, sample_weight, lengths):
        """``(y_true, y_pred, weights)`` to score, one row per prediction:
        per sample, or with ``return_sequences`` per (sample, real step)."""
        predicted = self.predict(X, lengths=lengths)
        if not self.return_sequences:
            return y, predicted, sample_weight
        n_steps = [len(steps) for steps in predicted]
        if len(y) != len(n_steps):
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"[{len(n_steps)}, {len(y)}]")
        truth = []
        for index, (target, count) in enumerate(zip(y, n_steps)):
            target = np.asarray(target)
            if lengths is not None:
                target = target[:count]
            if target.ndim == 0 or target.shape[0] != count:
                raise ValueError(
                    f"y[{index}] does not have the {count} time steps of X[{index}].")
            truth.append(target)
        weights = None if sample_weight is None else np.repeat(
            np.asarray(sample_weight, dtype=np.float64), n_steps)
        return (np.concatenate(truth), np.concatenate(list(predicted)), weights)

    def _check_fitted(self):
        """``check_is_fitted`` for this class, without its attribute scan.

        The scan costs about as much as predicting one window with a small
        network; ``params_`` is set by every successful fit.
        """
        if "params_" not in self.__dict__:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call "
                "'fit' with appropriate arguments before using this estimator.")
        if id(self) in _FITTING:
            raise ConcurrentFitError(
                f"This {type(self).__name__} is being fitted in another thread; its "
                "weights are changing. Predict with a copy (copy.deepcopy) or wait "
                "for the fit to end.")
        self._check_architecture()

    @property
    def coefs_(self):
        """list of ndarray: ``W_xh`` and ``W_hh`` of each layer, then ``W_hy``.

        Views into ``params_``: writing into them changes the model.
        """
        self._check_fitted()
        layers, head = self._network.split(self.params_)
        weights = [array for layer in layers for name, array in layer.items()
                   if _base_name(name).startswith("W_")]
        return weights + [head["W_hy"]]

    @property
    def embeddings_(self):
        """ndarray of shape (n_tokens\\_, embedding_dim): the learned vector of
        each token id, a view into ``params_``; None without an embedding."""
        self._check_fitted()
        return self._network.split(self.params_)[1].get("embedding")

    @property
    def intercepts_(self):
        """list of ndarray: each layer's biases (``b_h``, and ``b_hh`` for GRU),
        then ``b_y``; views into ``params_``."""
        self._check_fitted()
        layers, head = self._network.split(self.params_)
        biases = [array for layer in layers for name, array in layer.items()
                  if _base_name(name).startswith("b_")]
        return biases + [head["b_y"]]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def flatten_steps(logits, targets, weights):
    """Merge the time axis into the sample axis of sequence outputs.

    ``weights`` is per sample, or per (sample, step). Returns 2-D
    ``logits`` and ``targets`` and a weight per row, so scores treat every
    (sample, step) pair as one prediction.
    """
    if logits.ndim == 2:
        return logits, targets, weights
    n_samples, n_timesteps = logits.shape[:2]
    if weights.ndim == 1:
        weights = np.repeat(weights, n_timesteps)
    return (logits.reshape(n_samples * n_timesteps, -1),
            targets.reshape(n_samples * n_timesteps, -1),
            weights.reshape(-1))


FitPlan = namedtuple("FitPlan", ["data", "n_outputs", "units", "dtype", "statistics",
                                 "held_out"])
FitPlan.__doc__ = """What ``_plan_fit`` checked: the validated ``TrainingData``,
the head's width, the units and dtype, the statistics a first fit sets, and
which samples early stopping holds out (None when it is off)."""


class TrainingData:
    """Validated samples in the kernels' layout.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
    starts : ndarray of int of shape (n_samples,) or None
        First real step of each front-padded sequence; None when every
        sequence fills ``X``.
    targets : ndarray of shape (n_samples, k) or (n_samples, n_timesteps, k)
    weights : ndarray of shape (n_samples,)
    """

    def __init__(self, X, starts, targets, weights):
        self.X = X
        self.starts = starts
        self.targets = targets
        self.weights = weights

    def __getitem__(self, rows):
        return TrainingData(self.X[rows], None if self.starts is None else
                            self.starts[rows], self.targets[rows], self.weights[rows])

    def step_weights(self):
        """Weights per sample, or per (sample, step) with zeros on padding
        when targets are per step and sequences are padded."""
        if self.starts is None or self.targets.ndim == 2:
            return self.weights
        steps = np.arange(self.X.shape[1])
        return self.weights[:, np.newaxis] * (steps >= self.starts[:, np.newaxis])


def _duration(seconds):
    """``seconds`` for people: 45 s, 12 min, 3.5 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class ConcurrentFitError(RuntimeError):
    """Raised when one estimator is fitted, or used while fitting, from two
    threads at once."""


# Estimators being fitted, by id: a second fit of the same object from
# another thread would interleave two datasets' epochs in one network.
_FITTING = set()
_FITTING_LOCK = threading.Lock()


@contextmanager
def _only_fit(estimator):
    """Mark ``estimator`` as being fitted; refuse if it already is."""
    with _FITTING_LOCK:
        if id(estimator) in _FITTING:
            raise ConcurrentFitError(
                f"This {type(estimator).__name__} is already being fitted in another "
                "thread. Fit one estimator from one thread at a time; fit clones "
                "(sklearn.base.clone) to train in parallel.")
        _FITTING.add(id(estimator))
    try:
        yield
    finally:
        with _FITTING_LOCK:
            _FITTING.discard(id(estimator))


def _base_name(name):
    """A parameter's name without its direction prefix ("reverse.")."""
    return name.rsplit(".", 1)[-1]
