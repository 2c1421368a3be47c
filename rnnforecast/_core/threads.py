"""Running independent shards of a batch on threads.

The samples of a minibatch are independent until their gradients are
summed, so a large batch is cut into shards that run on threads (the
kernels release the GIL) and are reduced in a fixed order. The shard count
depends on the configuration only, never on the machine, so results never
do either: threads only decide how many shards run at once.

Inside a ``ShardPool`` BLAS is held to one thread, always. Two shards each
asking OpenBLAS for two threads on a two-core machine run slower than one
shard; and OpenBLAS picks different kernels for different thread counts,
which changes the last bits of a product, so without the limit a model
would depend on the process's BLAS setting (joblib workers lower it).
"""

import os
from concurrent.futures import ThreadPoolExecutor

N_SHARDS = 2

# Below this many multiply-adds per batch, handing a shard to another thread
# costs more than it saves (measured with benchmarks/train_speed.py: 64 units,
# T=29, batch 64 is 7.7e6 and gains nothing; 128 units is 3e7 and gains 1.4x).
PARALLEL_WORK = 1.5e7

# Gated cells (LSTM, GRU) also spend time per gate value (a tanh each), which
# the multiply-add count leaves out, so two shards pay off sooner. On the
# Intel Xeon (benchmarks/shard_threshold.py, T=29, batch 64, two runs): GRU
# at 32 units (5.9e6) gains 1.27-1.39x, GRU at 16 (1.5e6) 1.05-1.12x and LSTM
# at 16 (2.0e6) 0.99-1.18x, too close to call; SimpleRNN at 64 units (7.7e6)
# 0.93-1.28x, left at the threshold above.
GATED_PARALLEL_WORK = 4e6

_blas_controller = None


def available_cores():
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _blas():
    global _blas_controller
    if _blas_controller is None:
        from threadpoolctl import ThreadpoolController
        _blas_controller = ThreadpoolController()
    return _blas_controller


class ShardPool:
    """Run one function over shards, on up to ``n_threads`` threads.

    Use as a context manager: inside it, BLAS runs single-threaded and the
    threads are alive; outside, ``map`` runs shards one after the other.
    """

    def __init__(self, n_threads=None):
        if n_threads is None:
            n_threads = min(N_SHARDS, available_cores())
        self.n_threads = n_threads
        self._executor = None
        self._blas_limit = None

    def __enter__(self):
        self._blas_limit = _blas().limit(limits=1, user_api="blas")
        if self.n_threads > 1:
            self._executor = ThreadPoolExecutor(self.n_threads - 1)
        return self

    def __exit__(self, *exc_info):
        if self._executor is not None:
            self._executor.shutdown()
        self._blas_limit.restore_original_limits()
        self._executor = self._blas_limit = None

    def map(self, function, items):
        """``[function(item) for item in items]``, concurrently when possible.

        The first item runs on the calling thread while the others run on
        the pool, which saves one thread hand-off per call.
        """
        if self._executor is None or len(items) < 2:
            return [function(item) for item in items]
        futures = [self._executor.submit(function, item) for item in items[1:]]
        first = function(items[0])
        return [first] + [future.result() for future in futures]
