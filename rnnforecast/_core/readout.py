"""What the head reads of the top layer's output sequence, when it reads one
vector per sequence: the last state, or the mean of the states of every
real step (``readout="mean"``).

The last state must carry all a sequence says through every step; on long
series (hundreds of steps) it forgets most of the start. The mean of all
states is a summary every step writes into directly, and its gradient
reaches every step without passing back through the recurrence: Keras users
put ``GlobalAveragePooling1D`` after a recurrent layer with
``return_sequences=True`` for the same reason. Padding steps (before
``starts``) are left out of the mean and receive no gradient.
"""

from .jit import kernel


@kernel
def mean_over_steps(H, starts, out):
    """``out[b] = mean of H[t, b] over the real steps t >= starts[b]``.

    ``H`` is (n_timesteps, batch, width), ``out`` (batch, width);
    ``starts`` is empty when no sequence is padded.
    """
    n_timesteps, batch, width = H.shape
    out[:] = 0.0
    for t in range(n_timesteps):
        for b in range(batch):
            if starts.size > 0 and t < starts[b]:
                continue
            for u in range(width):
                out[b, u] += H[t, b, u]
    for b in range(batch):
        count = n_timesteps - (starts[b] if starts.size > 0 else 0)
        for u in range(width):
            out[b, u] /= count


@kernel
def spread_over_steps(d_mean, starts, dH):
    """The gradient of ``mean_over_steps``: ``dH[t, b] = d_mean[b] / n_b`` on
    the ``n_b`` real steps of sequence ``b``, zero on its padding."""
    n_timesteps, batch, width = dH.shape
    for b in range(batch):
        first = starts[b] if starts.size > 0 else 0
        share = 1.0 / (n_timesteps - first)
        for t in range(n_timesteps):
            for u in range(width):
                dH[t, b, u] = d_mean[b, u] * share if t >= first else 0.0
