"""Docstring sections shared by every recurrent estimator.

Written once here and composed into each public class's docstring, so the
regressor, the classifier and later cells cannot drift apart.
"""

import inspect
import re
import textwrap

from .base import ARCHITECTURE, AUTO_BATCH_LIMIT, REGRESSOR_ARCHITECTURE

RECURRENCE = """\
Each layer computes, for every time step ``t``::

    h_t = act(x_t W_xh + h_{t-1} W_hh + b_h)

with ``h_0 = 0``; stacked layers feed their whole sequence ``h_1 .. h_T`` to
the layer above. The output head reads the top layer's last state (or every
state with ``return_sequences=True``): ``logits = h W_hy + b_y``."""

LSTM_RECURRENCE = """\
Each layer computes, for every time step ``t``, with gates in Keras' and
PyTorch's order (input, forget, candidate, output)::

    z_t = x_t W_xh + h_{t-1} W_hh + b_h            (4 * units columns)
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);   g = act(z_g)
    c_t = f * c_{t-1} + i * g
    h_t = o * act(c_t)

from ``h_0 = c_0 = 0``; the forget gate's biases start at 1 (Keras'
``unit_forget_bias``). ``W_xh``, ``W_hh`` and ``b_h`` hold the four gates
side by side, as Keras' ``kernel``, ``recurrent_kernel`` and ``bias`` do
(PyTorch stores the same blocks transposed). Stacked layers feed their whole
sequence to the layer above; the output head is ``logits = h W_hy + b_y``."""


GRU_RECURRENCE = """\
Each layer computes, for every time step ``t``, Keras' GRU with
``reset_after=True`` (its default; PyTorch's formulation), gates in Keras'
order (update, reset, candidate)::

    [xz, xr, xn] = x_t W_xh + b_h              (3 * units columns)
    [hz, hr, hn] = h_{t-1} W_hh + b_hh
    z = sigmoid(xz + hz),  r = sigmoid(xr + hr),  n = act(xn + r * hn)
    h_t = z * h_{t-1} + (1 - z) * n

from ``h_0 = 0``. PyTorch orders the blocks (r, z, n) and stores them
transposed. Stacked layers feed their whole sequence to the layer above;
the output head is ``logits = h W_hy + b_y``."""


def indent(text):
    """``text`` indented by four spaces, for composing class docstrings."""
    return "\n".join("    " + line if line else line for line in text.splitlines())


PARAMETERS = """\
units : int or tuple of int, default=32
    Size of the hidden state; a tuple such as ``(64, 32)`` stacks layers,
    bottom first.

activation : {"tanh", "relu"}, default="tanh"
    Activation of the hidden state.

recurrent_activation : {"sigmoid", "hard_sigmoid"}, default="sigmoid"
    Activation of the LSTM and GRU gates; hard_sigmoid is Keras 3's and
    PyTorch's ``clip(x / 6 + 1 / 2, 0, 1)``. Ignored by SimpleRNN, which
    has no gates.

unit_forget_bias : bool or float, default=True
    Whether an LSTM's forget-gate biases start at one (Keras' default),
    so that early in training cells keep their memory; a number sets that
    starting value (TensorFlow 1's ``forget_bias``): a larger one, such as
    5, keeps memory over hundreds of steps from the start. Ignored by
    SimpleRNN and GRU.

return_sequences : bool, default=False
    If False, one prediction per window from the last time step. If True,
    a prediction at every time step: ``y`` then has a time axis.

bidirectional : bool, default=False
    Whether each layer also reads the sequence backwards with a second cell
    of its own weights, as ``keras.layers.Bidirectional`` (merge mode
    "concat") and ``torch.nn.RNN(bidirectional=True)``: a layer outputs
    both directions' states side by side, ``2 * units`` wide, and the
    head reads the forward cell's last state next to the reverse cell's
    (the one that has read the whole sequence).

truncated_bptt : int, default=None
    Truncated backpropagation through time: gradients flow back at most
    this many steps. The sequence is cut into chunks of this length counted
    back from its last step, and no gradient crosses a chunk boundary (the
    state does, as in the forward pass). None backpropagates through every
    step. Training cost per step stays the same; long sequences get shorter,
    steadier gradient paths.

embedding_dim : int, default=None
    With a number, ``X`` holds integer token ids, shape ``(n_samples,
    n_timesteps)`` or a list of 1-D id arrays, and a learned embedding
    table (Keras' ``Embedding``, initialised uniform in [-0.05, 0.05])
    turns each id into a vector of this size for the first layer.

n_tokens : int, default=None
    Rows of the embedding table: token ids must be below it. None infers it
    from the largest id seen in ``fit``. Ignored without ``embedding_dim``.

mask_zero : bool, default=False
    Whether token id 0 means padding (Keras' ``mask_zero``): zeros before
    and after a row's tokens are dropped, so rows padded either way give
    the results of the unpadded sequences; a 0 between tokens is an error.
    Ignored without ``embedding_dim``.

dropout : float in [0, 1), default=0.0
    Fraction of each layer's inputs dropped during training (one mask per
    sequence, the same at every step, as in Keras).

recurrent_dropout : float in [0, 1), default=0.0
    Fraction of the previous hidden state dropped in the recurrent product
    during training.

readout_dropout : float in [0, 1), default=0.0
    Fraction of what the output layer reads of the recurrent layers (the
    last state, or the mean of the states) dropped during training, one
    mask per sequence; not the convolutional arm's output. LSTM-FCN drops
    0.8 of its LSTM's output this way. Needs ``return_sequences=False``.

kernel_initializer : {"glorot_uniform", "glorot_normal", "orthogonal", \
"he_uniform", "zeros"}, default="glorot_uniform"
    Initialiser of ``W_xh`` and of the head's ``W_hy``.

recurrent_initializer : {"orthogonal", "glorot_uniform", "glorot_normal", \
"he_uniform", "zeros"}, default="orthogonal"
    Initialiser of ``W_hh``. Biases start at zero.

solver : {"adam", "rmsprop", "sgd"}, default="adam"
    Optimizer. Update rules as documented for ``torch.optim``.

learning_rate : {"constant", "adaptive"}, default="constant"
    "adaptive": when ``n_iter_no_change`` epochs pass without improvement,
    divide the step size by 5 instead of stopping (reduce on plateau), and
    stop once it falls to 1e-6, as ``MLPRegressor`` does; for every solver.

learning_rate_init : float, default=0.001
    Step size of the optimizer.

alpha : float, default=0.0001
    Strength of the L2 penalty on the weight matrices (not the biases),
    divided by the batch's total sample weight as in ``MLPRegressor``.

batch_size : int or "auto", default="auto"
    Sequences per minibatch; "auto" is ``min({auto_batch}, n_samples)``.

max_iter : int, default=200
    Maximum number of epochs.

shuffle : bool, default=True
    Whether to shuffle the training windows before each epoch.

tol : float, default=1e-4
    Improvement of the loss (or validation score) below which an epoch
    counts as no improvement.

n_iter_no_change : int, default=10
    Training stops after this many epochs without improvement.

early_stopping : bool or "auto", default="auto"
    Hold out ``validation_fraction`` of the samples (see
    ``validation_split``), stop when their score stops improving and
    restore the weights of the best epoch. "auto": on from 1,000 samples,
    as ``HistGradientBoosting*`` does from 10,000 (measured helpful on
    forecasting windows from about a thousand, harmful on small
    classification sets: ``benchmarks/README.md``); for regressors with
    the linear skip path, from 100 samples, because their fit starts from
    the ridge model and keeps it unless an epoch beats it on validation.

validation_fraction : float in (0, 1), default={validation_fraction}
    Share of samples held out for early stopping.{validation_fraction_why}

validation_split : {"auto", "tail", "stratified"}, default="auto"
    Which samples early stopping holds out. "tail": the last ones in the
    order given, the chronological tail of windows cut from one series
    (regressors' "auto"). "stratified" (classifiers only, and their
    "auto"): a seeded random share of each class, as ``MLPClassifier``
    does, since classification sets are often sorted by class and their
    tail holds a single class. A validation set of a single class is
    refused.

beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
    Adam's decay rates of the first and second moments.

epsilon : float, default=1e-8
    Numerical-stability term of Adam and RMSprop.

rho : float in [0, 1), default=0.9
    RMSprop's decay rate of the mean squared gradient.

momentum : float in [0, 1], default=0.9
    Momentum of SGD.

nesterovs_momentum : bool, default=True
    Use Nesterov's momentum with SGD.

clipnorm : float, default=None
    Rescale the whole gradient so its global L2 norm is at most this, as
    ``torch.nn.utils.clip_grad_norm_`` does.

clipvalue : float, default=None
    Clip every gradient entry to ``[-clipvalue, clipvalue]``, after
    ``clipnorm`` when both are set."""

COMMON_PARAMETERS = """\
warm_start : bool, default=False
    Start the next ``fit`` from the previous weights instead of new ones.
    The optimizer starts afresh, as in ``MLPRegressor``, so changed solver
    settings apply; ``partial_fit`` keeps the optimizer's state.

random_state : int, RandomState instance or None, default=None
    Seeds the initial weights, the shuffling and the dropout masks: the
    same value gives the same model, bit for bit, on the same machine.

verbose : bool, default=False
    Print one line per epoch: loss, validation score, seconds.

dtype : {"float32", "float64"}, default="float32"
    Precision of the weights and of all computation. Predictions are
    returned as float64.

scale_inputs : bool or "series", default=True
    True: standardise each input feature with its mean and standard
    deviation over the training samples and their real time steps (padding
    and zero sample weights left out), inside the estimator: raw °C or
    counts in the hundreds train as well as scaled ones. The statistics are
    learned by the first ``fit`` (or ``partial_fit``) and kept by
    ``warm_start`` and ``partial_fit``. "series": standardise every
    sequence by its own mean and standard deviation per feature, at fit and
    at predict (the z-normalisation of the UCR archive), so only each
    sequence's shape is left; for classes told apart by shape, not by level
    or amplitude. The choice is fixed by the first fit. Not applied to
    token ids.

input_pooling : int, "auto" or None, default="auto"
    Average blocks of this many consecutive time steps (after scaling)
    before the recurrent layers, blocks aligned at each sequence's last
    step: long sequences become short ones the network can learn across,
    at a fraction of the cost. "auto": the smallest block that leaves at
    most 100 steps (none for short windows, and off with
    ``return_sequences=True`` or token ids, which an int refuses). None:
    every step, as streaming with ``initial_state`` needs. Chosen by
    measurement: it lifts the default classifiers from 0.58-0.60 to
    0.73-0.74 of 1-NN's accuracy on five UCR/UEA sets
    (``benchmarks/README.md``).

readout : {"last", "mean"}, default="last"
    What the output layer reads when there is one output per sequence:
    the top layer's last state, or the mean of its states over every real
    step of the sequence (padding left out), as Keras'
    ``GlobalAveragePooling1D`` after a recurrent layer. The mean reaches
    every step directly, which can help on long sequences; it needs
    ``return_sequences=False`` and whole sequences (no ``initial_state``
    chunks). "last" stays the default by measurement: "mean" lifted some
    classification sets and lowered others (``benchmarks/README.md``).

window_order : {"oldest_first", "newest_first"}, default="oldest_first"
    The order of the columns of a 2-D ``X`` of univariate windows.
    skforecast's ``ForecasterRecursive`` and ``ForecasterDirect`` pass lag
    columns newest first (``lag_1``, ``lag_2``, ...), as plain arrays:
    inside them, set "newest_first", or the network reads every window
    backwards, its last state shaped most by the oldest value. 3-D and
    variable-length input are always oldest first.

conv_filters : int, tuple of int or None, default=None
    Output channels of the convolutions of a convolutional arm beside the
    recurrent layers (LSTM-FCN, Karim et al. 2017; its published setting is
    ``(128, 256, 128)``): each a Conv1D over time ("same" padding), batch
    normalisation and ReLU; the arm's output, the mean of the last block
    over every real step, is read by the output layer beside the recurrent
    readout. None: no arm. Needs one output per sequence
    (``return_sequences=False``) and numbers, not token ids.

conv_kernel_sizes : int or tuple of int, default=(8, 5, 3)
    Time steps each convolution reads, one per entry of ``conv_filters``.

dimension_shuffle : bool, default=False
    Whether the recurrent layers read each sequence transposed: one step
    per feature, whose inputs are all its time steps (LSTM-FCN's dimension
    shuffle; a univariate series is then one step). Needs sequences of one
    length."""

SCALE_TARGET = """\
scale_target : bool, default=True
    Standardise each output with its training mean and standard
    deviation, train on that, and return predictions in the units of
    ``y``. ``loss_curve_`` is then in standardised units (0.5 is the loss
    of predicting the mean).

linear_skip : bool or "auto", default="auto"
    Add a linear model of the whole (standardised) window to the network's
    output, as LSTNet's autoregressive component does: a ridge regression
    (penalty 0.1) fitted first on all training windows, with the head of
    the network starting at zero, so training starts from "as good as
    linear on lags" and the network learns what the linear model misses.
    With early stopping that start competes with every epoch on
    validation, so a network that never beats it is not kept.
    "auto": on for windows of one length with one target per window, off
    for sequences of different lengths, token ids and
    ``return_sequences=True``; True refuses those. Chosen by measurement:
    ``benchmarks/choose_defaults.py``.

loss : {"squared_error", "absolute_error", "quantile"}, default="squared_error"
    What training minimises: the squared error (the mean is forecast), the
    absolute error (the median; robust to outliers), or the pinball loss at
    each level of ``quantiles``. With "quantile" the head gives every
    target one output per level, built as the lowest level plus positive
    increments, so quantiles never cross; ``predict`` returns shape
    (n_samples, n_levels), or (n_samples, n_outputs, n_levels) for 2-D
    ``y``, and ``score`` the pinball skill. Early stopping judges epochs by
    R² for the squared error and by the pinball skill (1 minus the loss over
    that of the best constant) for the others.

quantiles : sequence of float, default=(0.1, 0.5, 0.9)
    Increasing levels in (0, 1) for ``loss="quantile"``; unused otherwise."""

SCALING_ATTRIBUTES = """\
input_mean_, input_scale_ : ndarray of shape (n_features,) or None
    Per-feature statistics ``scale_inputs`` standardises with; None when
    it is off, "series", or for token ids.

series_scaling_ : bool
    Whether every sequence is standardised by its own statistics
    (``scale_inputs="series"`` at the first fit).

pool_size_ : int
    Time steps averaged per block by ``input_pooling`` (1: none)."""

TARGET_ATTRIBUTES = """\
target_mean_, target_scale_ : ndarray of shape (n_outputs\\_,) or None
    Per-output statistics of ``y`` (``scale_target``); None when off.

linear_coef_ : ndarray of shape (n_timesteps_in\\_ * n_features, n_outputs\\_) or None
    The linear skip path's coefficients on the flattened standardised
    window (time steps outer, features inner), in standardised target
    units; None when the path is off.

linear_intercept_ : ndarray of shape (n_outputs\\_,) or None"""

ATTRIBUTES = """\
params_ : ndarray of shape (n_params,)
    Every weight in one flat vector.

coefs_ : list of ndarray
    ``W_xh`` and ``W_hh`` of each layer (forward cell, then reverse cell
    when bidirectional), then ``W_hy``: views into ``params_``.

intercepts_ : list of ndarray
    The biases of each layer in the same order, then ``b_y``: views into
    ``params_``.

loss_ : float
    Training loss of the last epoch (penalty included).

loss_curve_ : list of float
    Training loss of each epoch.

best_loss_ : float
    Lowest training loss reached.

validation_scores_ : list of float or None
    Score on the held-out samples after each epoch when early stopping
    ran (R² of the whole output for regressors; for classifiers the mean
    log-likelihood of the true classes, minus the log-loss, which unlike
    accuracy registers every gain on a few held-out sequences); None when
    it did not.

best_validation_score_ : float or None
    Best of ``validation_scores_``, or the score of the weights the fit
    started from where no epoch beat them (those weights are then kept).

start_validation_score_ : float or None
    Validation score of the weights the fit started from, where they
    competed with the epochs: the ridge skip path alone for a new
    regressor with ``linear_skip``, the previous weights for a warm start;
    None otherwise. ``best_validation_score_`` above it says by how much the
    trained network improved on its start; equal, that no epoch did (the
    start is kept).

n_iter_ : int
    Epochs run.

t_ : int
    Training samples seen by the optimizer, over all epochs.

n_outputs_ : int
    Width of the output head.

n_timesteps_in_ : int or None
    Time steps per window seen during fit; None after fitting sequences of
    different lengths, when any length is accepted.

n_tokens_ : int
    Rows of the embedding table (only with ``embedding_dim``).

embeddings_ : ndarray of shape (n_tokens\\_, embedding_dim) or None
    The learned vector of each token id, a view into ``params_``.

n_features_in_ : int
    Number of features seen during fit: the columns of a 2-D ``X`` (each
    a time step of a univariate window), or the last axis of a 3-D ``X``.

feature_names_in_ : ndarray of shape (n_features_in\\_,)
    Column names of a DataFrame ``X``, when it had string names."""



CLASS_WEIGHT = """\
class_weight : dict, "balanced" or None, default=None
    Weights of the classes in the loss, multiplied into
    ``sample_weight``; "balanced" uses ``n_samples / (n_classes *
    np.bincount(y))``. Not supported with ``return_sequences=True``."""

CLASSES = """\
classes_ : ndarray of shape (n_classes,)
    Class labels, sorted."""

VALIDATION_FRACTION = {
    "regressor": {"validation_fraction": "0.2", "validation_fraction_why": """
    A fifth rather than ``MLPRegressor``'s tenth: the tail of a few hundred
    forecasting windows judged epochs better (``benchmarks/README.md``)."""},
    "classifier": {"validation_fraction": "0.1", "validation_fraction_why": ""},
}

TARGETS = {
    "regressor": """\
``y`` is ``(n_samples,)`` or ``(n_samples, n_outputs)``; with
``return_sequences=True`` it is ``(n_samples, n_timesteps)`` or
``(n_samples, n_timesteps, n_outputs)``.""",
    "classifier": """\
``y`` holds labels of any type, ``(n_samples,)``, or ``(n_samples,
n_timesteps)`` with ``return_sequences=True``.""",
}


def _architecture_note(names):
    """The Notes paragraph on parameters that a fit fixes, from the tuple
    the estimator checks (so the two cannot drift apart)."""
    listed = ", ".join(f"``{name}``" for name in names[:-1]) + f" and ``{names[-1]}``"
    return textwrap.fill(
        f"{listed} shape the fitted network, what it reads or what a saved file "
        "holds: changed by ``set_params`` after ``fit``, they make ``predict``, "
        "``score``, ``save_model``, ``warm_start`` and ``partial_fit`` refuse with a "
        "message until they are set back or the model is fitted again. A ``fit`` or "
        "``partial_fit`` that fails for any reason leaves the previous fit as it was.",
        width=72, break_on_hyphens=False)


def estimator_doc(kind, title, summary, recurrence, see_also, example, defaults=None,
                  auto_batch=AUTO_BATCH_LIMIT):
    """The class docstring of a public estimator from its parts.

    ``kind`` is "regressor" or "classifier"; classifiers also document
    ``class_weight`` and ``classes_``. ``defaults`` maps parameters to the
    default (as written in the signature) of a class whose defaults differ;
    ``auto_batch`` is its ``batch_size="auto"`` limit.
    """
    classifier = kind == "classifier"
    class_weight = indent(CLASS_WEIGHT) + "\n\n" if classifier else ""
    classes = indent(CLASSES) + "\n\n" if classifier else ""
    scale_target = "" if classifier else "\n\n" + indent(SCALE_TARGET)
    target_attributes = "" if classifier else "\n\n" + indent(TARGET_ATTRIBUTES)
    parameters = PARAMETERS.replace("{auto_batch}", str(auto_batch))
    for key, text in VALIDATION_FRACTION[kind].items():
        parameters = parameters.replace("{" + key + "}", text)
    common = COMMON_PARAMETERS
    architecture_note = indent(_architecture_note(
        ARCHITECTURE if classifier else REGRESSOR_ARCHITECTURE))
    for name, default in (defaults or {}).items():
        parameters, common, class_weight = _with_default(
            (parameters, common, class_weight), name, default)
    return f"""{title}

    {summary}

{indent(recurrence)}

    Parameters
    ----------
{indent(parameters)}

{class_weight}{indent(common)}{scale_target}

    Attributes
    ----------
{classes}{indent(ATTRIBUTES)}

{indent(SCALING_ATTRIBUTES)}{target_attributes}

    See Also
    --------
{indent(see_also)}

    Notes
    -----
    ``X`` is ``(n_samples, n_timesteps, n_features)``, or ``(n_samples,
    n_timesteps)`` for univariate windows. Sequences of different lengths
    are a list of ``(n_timesteps_i, n_features)`` arrays, or a padded array
    with ``lengths=`` (real steps first) in ``fit``, ``predict`` and the
    other methods. Padding never changes a result: sequences are aligned at
    their last step and a state stays zero until its sequence starts, so
    each output equals that of the sequence alone.

{architecture_note}

{indent(TARGETS[kind])}

    Examples
    --------
{indent(example)}
    """


def regression_example(name, options):
    """A doctest fitting ``name`` on a toy problem."""
    return f""">>> import numpy as np
>>> from rnnforecast import {name}
>>> rng = np.random.RandomState(0)
>>> X = rng.normal(size=(200, 10))
>>> y = X[:, -3:].sum(axis=1)
>>> model = {name}({options}random_state=0)
>>> model.fit(X, y).score(X, y) > 0.9
True
>>> model.predict(X[:2]).shape
(2,)"""


def differing_defaults(cls, parent):
    """``{parameter: default as the signature writes it}`` for each default
    of ``cls`` that differs from ``parent``'s."""
    def defaults(klass):
        return {name: parameter.default for name, parameter in
                inspect.signature(klass.__init__).parameters.items() if name != "self"}

    theirs = defaults(parent)
    return {name: repr(value).replace("'", '"') for name, value in defaults(cls).items()
            if value != theirs[name]}


def _with_default(texts, name, default):
    """``texts`` with parameter ``name``'s documented default replaced in
    the one that documents it."""
    pattern = re.compile(rf"^(\s*{name} : .*default=).*$", re.M)
    replaced = [pattern.subn(lambda match: match.group(1) + default, text) for text in texts]
    if sum(count for _, count in replaced) != 1:
        raise ValueError(f"{name} is not documented once with a default to replace.")
    return [text for text, _ in replaced]


def classification_example(name, options):
    """A doctest fitting ``name`` on a toy problem."""
    return f""">>> import numpy as np
>>> from rnnforecast import {name}
>>> rng = np.random.RandomState(0)
>>> X = rng.normal(size=(200, 10))
>>> y = np.where(X[:, -2:].sum(axis=1) > 0, "up", "down")
>>> model = {name}({options}random_state=0)
>>> model.fit(X, y).score(X, y) > 0.9
True
>>> model.predict_proba(X[:2]).shape
(2, 2)"""
