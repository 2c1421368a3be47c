"""What a fit will cost, estimated before anything is allocated.

A network of 12,000 units spent 90 s in its orthogonal initialisation before
training started, and 100,000 units asked for 37 GiB. The estimate here
comes from the network's description alone (parameter count, scratch
buffers, multiply-adds), so a fit that cannot fit in memory is refused at
once, with a message, and one that would take very long says so first.
"""

import os
import warnings
from math import prod

from .._core.network import WorkspaceOptions

# Copies of the parameter vector a fit holds: weights, gradients, Adam's two
# moments, the best epoch's weights, and the snapshot a failed call restores.
PARAMETER_COPIES = 6
# Multiply-adds per second assumed for the warning. Training ran at 7.8e9
# to 1.5e10 on a 2-core AMD EPYC (SimpleRNN, LSTM and GRU of 32 to 128
# units, 29 and 100 steps); this leaves room for a CPU 30-40% slower. At
# 2e9 the estimates were 3.9-7.5 times too long (benchmarks/fit_estimate.py).
ASSUMED_RATE = 6e9
# The convolutional arm's multiply-adds run in large products, some five
# times faster: 3.2e10 a second (2-core AMD EPYC) to 3.8e10 (2-core Intel
# Xeon) for whole LSTM-FCN epochs; at ASSUMED_RATE a fit on PLAID was
# announced as 79 minutes and took 13 (benchmarks/fit_estimate.py).
CONVOLUTION_RATE = 2e10
# A fit whose certain part (the epochs before the stopping rule can end it)
# is estimated beyond this many seconds warns before it starts, once per
# kind of fit in a process.
LONG_FIT_SECONDS = 600
_WARNED = set()


class LongFitWarning(UserWarning):
    """A fit is estimated to take very long (see ``check_fit_resources``)."""


def fit_bytes(network, n_timesteps, batch, n_shards, dtype):
    """Bytes a fit keeps: parameter copies and each shard's scratch buffers."""
    shard_batch = -(-batch // n_shards)
    shared, layers, _ = network.buffer_shapes(
        n_timesteps, shard_batch, WorkspaceOptions(training=True))
    shapes = list(shared.values()) + [shape for groups in layers for group in groups
                                      for shape in group.values()]
    scratch = sum(prod(shape) for shape in shapes)
    return (PARAMETER_COPIES * network.layout.size + n_shards * scratch) * dtype.itemsize


def fit_seconds(network, n_timesteps, n_samples, max_iter):
    """Rough seconds of a whole fit: forward and backward passes (about
    three forward passes' work) over every epoch, the recurrent part at
    ``ASSUMED_RATE`` and a convolutional arm at ``CONVOLUTION_RATE``, and
    the QR factorisations of the orthogonal initialisation."""
    total = network.multiply_adds(n_timesteps, n_samples)
    arm = 0 if network.arm is None else network.arm.multiply_adds(n_timesteps, n_samples)
    initialisation = sum(2 * size ** 3 for size in network.units)
    return (3 * max_iter * ((total - arm) / ASSUMED_RATE + arm / CONVOLUTION_RATE)
            + initialisation / ASSUMED_RATE)


def available_memory():
    """Bytes the system can still give, or None where it cannot be read."""
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fit_resources(name, network, n_timesteps, n_samples, batch, n_shards,
                        dtype, max_iter, min_epochs=None):
    """Refuse a fit that cannot fit in memory; warn about one that will take
    very long. ``name`` is the estimator's class name, for the messages;
    ``min_epochs`` the epochs that run whatever the losses (those before the
    stopping rule can end the fit), ``max_iter`` when None."""
    needed = fit_bytes(network, n_timesteps, batch, n_shards, dtype)
    available = available_memory()
    if available is not None and needed > available:
        raise MemoryError(
            f"{name} would need about {needed / 2 ** 30:.1f} GiB for "
            f"{network.layout.size:,} weights ({', '.join(map(str, network.units))} "
            f"units) and their training buffers, but {available / 2 ** 30:.1f} GiB "
            "are available: use fewer units, a smaller batch_size or shorter "
            "sequences.")
    _warn_if_long(name, network, n_timesteps, n_samples, max_iter,
                  min(max_iter, min_epochs or max_iter))


def _warn_if_long(name, network, n_timesteps, n_samples, max_iter, min_epochs):
    """Warn, once per kind of fit, when even the epochs that must run take
    long: a warning that may well be wrong would be noise before every fit
    of a backtest or a search."""
    certain = fit_seconds(network, n_timesteps, n_samples, min_epochs)
    kind = (name, network.units, n_timesteps, max_iter, min_epochs)
    if certain <= LONG_FIT_SECONDS or kind in _WARNED:
        return
    _WARNED.add(kind)
    longest = fit_seconds(network, n_timesteps, n_samples, max_iter)
    upto = (f", up to {_duration(longest)} if all {max_iter} epochs run"
            if max_iter > min_epochs else "")
    warnings.warn(
        f"{name} with {', '.join(map(str, network.units))} units on "
        f"{n_samples:,} sequences of {n_timesteps} steps will take about "
        f"{_duration(certain)} or more ({min_epochs} epochs before it can stop"
        f"{upto}); use fewer units or epochs, or stop it with Ctrl-C: the "
        "previous fit is kept. Said once for fits of this kind.",
        LongFitWarning, stacklevel=6)


def _duration(seconds):
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"
