"""Kernels of the token embedding under the first recurrent layer.

A token sequence enters as integer ids; the embedding table (n_tokens,
embedding_dim) turns each id into a learned vector, as Keras' ``Embedding``
and PyTorch's ``nn.Embedding`` do. Token batches are time-major like every
other batch: ``tokens`` is (n_timesteps, batch, 1).
"""

from .jit import kernel


@kernel
def embed(tokens, table, out):
    """``out[t, b] = table[tokens[t, b, 0]]``."""
    n_timesteps, batch = tokens.shape[0], tokens.shape[1]
    width = table.shape[1]
    for t in range(n_timesteps):
        for b in range(batch):
            row, target = table[tokens[t, b, 0]], out[t, b]
            for k in range(width):
                target[k] = row[k]


@kernel
def embedding_gradient(tokens, dX, dtable):
    """``dtable = sum over (t, b) of dX[t, b]`` into the row of
    ``tokens[t, b]``: the gradient of the table, overwritten."""
    dtable[:] = 0.0
    n_timesteps, batch, width = dX.shape
    for t in range(n_timesteps):
        for b in range(batch):
            row, source = dtable[tokens[t, b, 0]], dX[t, b]
            for k in range(width):
                row[k] += source[k]
