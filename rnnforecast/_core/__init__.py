"""The recurrent core: Numba kernels and the network they make.

Imports run one way, down this list; nothing here imports scikit-learn or
pandas:

- ``jit``: every compile option, in one place;
- ``activations``, ``matmul``, ``bptt``: scalar math, batch-invariant
  products, and the pieces of backpropagation through time all cells share;
- ``simple_rnn_kernels``, ``lstm_kernels``, ``gru_kernels``: each cell's
  forward and backward kernels;
- ``cells``, ``layers``, ``embedding``, ``readout``, ``network``,
  ``parameters``, ``initializers``, ``time_major``: cells over a sequence,
  layers of them (bidirectional), the token embedding, what the head reads,
  the stacked network over one flat parameter vector;
- ``losses``, ``clipping``, ``optimizers``, ``training``, ``threads``: one
  minibatch step (sharded on threads), one epoch, batched prediction.
"""
