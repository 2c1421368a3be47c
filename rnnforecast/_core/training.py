"""The training machinery under the estimators: one minibatch step, one epoch,
and batched prediction.

Nothing here knows scikit-learn. A :class:`TrainingStep` owns the gradient
vector, the per-shard workspaces and the dropout masks of one fit; the
estimator's epoch loop calls :func:`run_epoch` and decides when to stop.
:func:`predict_logits` runs the network forward for prediction.
"""


import numpy as np

from .clipping import add_l2_penalty, clip_by_global_norm, clip_by_value, global_norm
from .convolutional_arm import N_PARTS
from .losses import make_loss
from .network import Workspace, WorkspaceOptions
from .threads import (
    GATED_PARALLEL_WORK,
    N_SHARDS,
    PARALLEL_WORK,
    ShardPool,
    available_cores,
)
from .time_major import gather_time_major, scatter_sample_major

PREDICT_BATCH = 512


class TrainingStep:
    """One optimizer update on a minibatch: forward, loss, backward,
    penalty, clipping, update.

    The batch is cut into ``n_shards`` contiguous shards with their own
    workspace and gradient vector, run through ``pool`` and summed in shard
    order, so the result does not depend on how many threads ran them.

    Parameters
    ----------
    network : RecurrentNetwork
    params : ndarray of shape (n_params,)
        Flat parameter vector, updated in place.
    optimizer : Adam, RMSprop or SGD
    settings : dict
        ``loss`` (a key of ``LOSSES``, or "quantile" with ``quantiles``), ``alpha``, ``clipnorm``,
        ``clipvalue``, ``dropout``, ``recurrent_dropout``, and optionally
        ``truncated_bptt`` (steps gradients flow back; None for all).
    rng : numpy.random.RandomState
        Source of the dropout masks.
    n_timesteps, max_batch : int
        Size of the workspaces.
    target_width : int
        Columns of the target array the loss reads.
    n_shards : int, default=1
        Number of shards a batch is cut into; see ``shard_count``.
    pool : ShardPool, optional
        Runs the shards; without one they run one after the other.
    variable_length : bool, default=False
        Whether batches come with the first real step of each sequence.
    """

    def __init__(self, network, params, optimizer, settings, rng,
                 n_timesteps, max_batch, target_width, n_shards=1, pool=None,
                 variable_length=False):
        self.network = network
        self.params = params
        self.optimizer = optimizer
        self.settings = settings
        self.rng = rng
        if network.arm is not None and n_shards > 1:
            raise ValueError("Batch normalisation reads the whole batch's statistics: a "
                             "network with a convolutional arm trains in one shard.")
        self.pool = pool or ShardPool(n_threads=1)
        self.grads = np.zeros_like(params)
        self.penalized = network.layout.penalized_mask()
        options = WorkspaceOptions(
            training=True, dropout=settings["dropout"] > 0.0,
            recurrent_dropout=settings["recurrent_dropout"] > 0.0,
            readout_dropout=settings.get("readout_dropout", 0.0) > 0.0,
            target_width=target_width, variable_length=variable_length)
        shard_batch = -(-max_batch // n_shards)
        self.shards = [_Shard(network, params, make_loss(settings),
                              Workspace(network, n_timesteps, shard_batch,
                                        params.dtype, options),
                              settings.get("truncated_bptt") or 0)
                       for _ in range(n_shards)]
        if network.arm is not None:
            # One shard: its convolutions' parts run on the pool's threads.
            self.shards[0].pool = self.pool

    def run(self, X, targets, weights, rows, starts=None):
        """Update the parameters on the samples ``rows``.

        ``starts`` holds each sample's first real step when ``X`` is padded
        in front (variable-length sequences), else None. Returns the batch
        loss (penalty included) and the batch's total sample weight. When
        the loss or the gradient is not finite, the parameters are left
        untouched and the loss returned is NaN.
        """
        masks = self.draw_masks(rows.shape[0])
        loss, batch_weight = self.gradient(X, targets, weights, rows, masks, starts)
        norm = self._clip()
        if not (np.isfinite(loss) and np.isfinite(norm)):
            return np.nan, batch_weight
        self.optimizer.update(self.params, self.grads)
        if self.network.arm is not None:
            buffers = self.shards[0].buffers
            self.network.arm.update_running(self.shards[0].param_views[1]["conv"],
                                            buffers.indices["starts"], buffers.arm)
        return loss, batch_weight

    def gradient(self, X, targets, weights, rows, masks, starts=None):
        """Loss on the samples ``rows`` and its gradient, into ``self.grads``.

        ``masks`` are the dropout masks, as ``draw_masks`` returns them;
        ``starts`` as in ``run``. Returns the loss (penalty included) and
        the batch's total weight.
        """
        batch_weight = float(weights[rows].sum())
        loss_weight = self._loss_weight(X, weights, rows, starts, batch_weight)
        jobs = [(shard, X, targets, weights, rows[part],
                 _shard_masks(masks, part), loss_weight, starts)
                for shard, part in zip(self.shards,
                                       _shard_slices(rows.shape[0], len(self.shards)))]
        losses = self.pool.map(_run_shard, jobs)
        self.grads[...] = self.shards[0].grads
        for shard in self.shards[1:len(losses)]:
            self.grads += shard.grads
        loss = sum(losses)
        if self.settings["alpha"] > 0.0 and batch_weight > 0.0:
            loss += add_l2_penalty(self.params, self.grads, self.penalized,
                                   self.settings["alpha"] / batch_weight)
        return loss, batch_weight

    def _loss_weight(self, X, weights, rows, starts, batch_weight):
        """The total weight the loss is averaged over: each sample's weight
        times the number of (real) steps the head reads."""
        if not self.network.return_sequences:
            return batch_weight
        if starts is None:
            return batch_weight * X.shape[1]
        return float((weights[rows] * (X.shape[1] - starts[rows])).sum())

    def _clip(self):
        clipnorm, clipvalue = self.settings["clipnorm"], self.settings["clipvalue"]
        if clipnorm is not None:
            norm = clip_by_global_norm(self.grads, clipnorm)
        else:
            norm = global_norm(self.grads)
        if clipvalue is not None:
            clip_by_value(self.grads, clipvalue)
        return norm

    def draw_masks(self, batch):
        """Fresh dropout masks for a batch: per layer (input, recurrent),
        then the readout's (mask, None); each None when that dropout is off
        (and then no random number is drawn for it)."""
        dtype = self.params.dtype
        masks = [(_dropout_mask(self.rng, (batch, layer.n_inputs),
                                self.settings["dropout"], dtype),
                  _dropout_mask(self.rng, _recurrent_mask_shape(layer, batch),
                                self.settings["recurrent_dropout"], dtype))
                 for layer in self.network.layers]
        readout = _dropout_mask(self.rng, (batch, self.network.recurrent_width),
                                self.settings.get("readout_dropout", 0.0), dtype)
        return masks + [(readout, None)]


class _Shard:
    """A slice of the batch with its own workspace and gradient vector."""

    def __init__(self, network, params, loss, workspace, truncate):
        self.network = network
        self.truncate = truncate
        self.loss = loss
        self.workspace = workspace
        self.param_views = network.split(params)
        self.grads = np.zeros_like(params)
        self.grad_views = network.split(self.grads)
        self.pool = None

    def gradient(self, X, targets, weights, rows, masks, weight_sum, starts):
        """This shard's part of the loss; its gradient goes to ``self.grads``
        (and what the batch left in the workspace stays in ``buffers``)."""
        self.buffers = buffers = self.workspace.for_batch(rows.shape[0])
        buffers.pool = self.pool
        load_batch(self.network, buffers, X, targets, weights, rows, starts)
        logits = self.network.forward(self.param_views, buffers, masks)
        loss = self.loss(logits, buffers["targets"], buffers["weights"],
                         weight_sum, buffers["dlogits"])
        self.network.backward(self.param_views, self.grad_views, buffers,
                              masks, buffers["dlogits"], self.truncate)
        return loss


def _run_shard(job):
    shard, *arguments = job
    return shard.gradient(*arguments)


def shard_count(network, n_timesteps, batch_size):
    """How many shards a batch is cut into: 1 for small networks, else 2.

    Decided by the configuration alone, never by the machine, so the same
    fit gives the same bits everywhere; threads only run shards at once. A
    network with a convolutional arm trains in one shard: its batch
    normalisation reads the statistics of the whole batch, as torch's does.
    """
    if network.arm is not None:
        return 1
    work = network.multiply_adds(n_timesteps, batch_size)
    gated = any(cell.gates > 1 for layer in network.layers for cell in layer.cells)
    return N_SHARDS if work >= (GATED_PARALLEL_WORK if gated else PARALLEL_WORK) else 1


def parallel_parts(network, n_timesteps, batch_size):
    """How many pieces of a training batch can run at once: its shards, or
    for a network with a convolutional arm (one shard) its convolutions'
    parts."""
    if network.arm is not None:
        return N_PARTS
    return shard_count(network, n_timesteps, batch_size)


def _shard_slices(batch, n_shards):
    """Contiguous, non-empty slices cutting ``batch`` rows into shards."""
    size = -(-batch // n_shards)
    return [slice(start, min(start + size, batch)) for start in range(0, batch, size)]


def _recurrent_mask_shape(layer, batch):
    """(batch, units), or (2, batch, units) for a bidirectional layer."""
    shape = (batch, layer.units)
    return shape if layer.directions == 1 else (layer.directions,) + shape


def _shard_masks(masks, part):
    """The masks' rows of one shard; the batch is every mask's second-last
    axis."""
    return [tuple(None if mask is None else mask[..., part, :] for mask in pair)
            for pair in masks]


def _dropout_mask(rng, shape, rate, dtype):
    """Inverted-dropout mask: 0 with probability ``rate``, else ``1/(1-rate)``."""
    if rate == 0.0:
        return None
    keep = rng.random_sample(shape) >= rate
    return (keep / (1.0 - rate)).astype(dtype)


def load_batch(network, buffers, X, targets, weights, rows, starts=None):
    """Copy the samples ``rows`` into the workspace, time-major."""
    load_inputs(network, buffers, X, rows, starts)
    n_timesteps, batch = buffers["X"].shape[:2]
    if network.return_sequences:
        gather_time_major(targets, rows, buffers["targets"].reshape(
            n_timesteps, batch, -1))
        step_weights = buffers["weights"].reshape(n_timesteps, batch)
        step_weights[...] = weights[rows]
        if starts is not None:
            # Padding steps carry no loss.
            step_weights[np.arange(n_timesteps)[:, None] < starts[rows]] = 0.0
    else:
        np.take(targets, rows, axis=0, out=buffers["targets"])
        np.take(weights, rows, out=buffers["weights"])


def load_inputs(network, buffers, X, rows, starts):
    """Copy the inputs of samples ``rows``, and their first real steps,
    into the workspace; token ids go to their own integer buffer.

    ``rows`` is an index array (training's shuffled batches) or a slice of
    consecutive samples (prediction's batches), copied without building
    an index array.
    """
    inputs = buffers["X"] if network.n_tokens is None else buffers.indices["tokens"]
    if isinstance(rows, slice):
        inputs[...] = X[rows].transpose(1, 0, 2)
    else:
        gather_time_major(X, rows, inputs)
    if starts is not None:
        buffers.indices["starts"][...] = starts[rows]


def run_epoch(step, X, targets, weights, order, batch_size, starts=None):
    """One pass over the samples in ``order``; return the mean batch loss.

    Batch losses are averaged weighted by each batch's total sample weight.
    Returns NaN as soon as one batch's loss or gradient is not finite.
    """
    total_loss = 0.0
    total_weight = 0.0
    for start in range(0, order.shape[0], batch_size):
        loss, batch_weight = step.run(X, targets, weights,
                                      order[start:start + batch_size], starts)
        if not np.isfinite(loss):
            return np.nan
        total_loss += loss * batch_weight
        total_weight += batch_weight
    return total_loss / total_weight if total_weight > 0.0 else 0.0


def predict_logits(network, params, X, starts=None, batch_size=PREDICT_BATCH,
                   initial_state=None, final_state=None):
    """Raw head outputs for every sample of ``X``.

    Each sample's output is independent of the others: every product sums
    in a fixed order (``matmul.fixed_order_product``), so predicting a
    sample alone, in a subset or in another order gives the same bits. No
    BLAS runs here, so neither its kernels nor its thread setting matter.
    Batches are shared out between threads.

    Parameters
    ----------
    network : RecurrentNetwork
    params : ndarray of shape (n_params,)
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        C-contiguous, of the parameters' dtype; or token ids of shape
        (n_samples, n_timesteps, 1) when the network has an embedding.
    starts : ndarray of int of shape (n_samples,), optional
        First real step of each sequence when ``X`` holds variable-length
        sequences padded in front.
    batch_size : int, default=PREDICT_BATCH
        Samples per forward pass; memory grows with it, not with n_samples.
    initial_state : list of ndarray of shape (n_samples, units), optional
        Each state's value before the first step, in
        ``network.state_names()`` order; zero when None.
    final_state : list of ndarray of shape (n_samples, units), optional
        Output: each state's value after the last step, same order.

    Returns
    -------
    logits : ndarray of shape (n_samples, n_outputs), or
        (n_samples, n_timesteps, n_outputs) with ``return_sequences``.
    """
    n_samples, n_timesteps = X.shape[:2]
    batch_size = min(batch_size, n_samples)
    shape = (n_samples, n_timesteps) if network.return_sequences else (n_samples,)
    out = np.empty(shape + (network.n_outputs,), dtype=params.dtype)
    states = (initial_state, final_state)

    def run(group):
        _predict_batches(network, params, X, starts, group, batch_size, out, states)

    if n_samples <= batch_size:
        run((0,))
        return out
    first_rows = np.arange(0, n_samples, batch_size)
    n_threads = min(N_SHARDS, available_cores(), first_rows.shape[0])
    with ShardPool(n_threads) as pool:
        pool.map(run, np.array_split(first_rows, n_threads))
    return out


def _predict_batches(network, params, X, starts, first_rows, batch_size, out, states):
    """Forward passes for the batches beginning at ``first_rows``, into
    ``out``; ``states`` is ``(initial_state, final_state)`` as in
    ``predict_logits``."""
    n_samples, n_timesteps = X.shape[:2]
    initial_state, final_state = states
    workspace, views = network.prediction_scratch(params, n_timesteps, batch_size,
                                                  starts is not None,
                                                  reuse=initial_state is None)
    masks = [(None, None)] * len(network.layers)
    for start in first_rows:
        n_rows = min(batch_size, n_samples - start)
        buffers = workspace.for_batch(n_rows)
        rows = slice(start, start + n_rows)
        load_inputs(network, buffers, X, rows, starts)
        stateful = initial_state is not None or final_state is not None
        pairs = network.state_buffers(buffers) if stateful else ()
        if initial_state is not None:
            for (initial, _), given in zip(pairs, initial_state):
                initial[...] = given[rows]
        logits = network.forward(views, buffers, masks, invariant=True)
        if final_state is not None:
            for (_, last), kept in zip(pairs, final_state):
                kept[start:start + n_rows] = last
        if network.return_sequences:
            steps = logits.reshape(n_timesteps, n_rows, network.n_outputs)
            scatter_sample_major(steps, start, out)
        else:
            out[start:start + n_rows] = logits

