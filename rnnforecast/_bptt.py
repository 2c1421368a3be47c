"""Pieces of backpropagation through time that every cell shares."""

import numpy as np

from ._jit import kernel


@kernel
def recurrent_weight_gradient(h0, H, HR, DZ, dW_hh, scratch):
    """``dW_hh = sum_t (h_{t-1} * r)^T dz_t``, as one or two matrix products.

    ``DZ`` is (n_timesteps, batch, width) for any gate width; ``HR`` holds
    the masked previous states with recurrent dropout and is empty without,
    when ``H`` shifted by one step (and ``h0``, if not zero) stands in.
    """
    n_timesteps, batch, units = H.shape
    width = DZ.shape[2]
    if HR.size > 0:
        rows = n_timesteps * batch
        np.dot(HR.reshape(rows, units).T, DZ.reshape(rows, width), dW_hh)
        return
    if n_timesteps > 1:
        rows = (n_timesteps - 1) * batch
        np.dot(H[:-1].reshape(rows, units).T, DZ[1:].reshape(rows, width), dW_hh)
    else:
        dW_hh[:] = 0.0
    for b in range(batch):
        for u in range(units):
            if h0[b, u] != 0.0:
                np.dot(h0.T, DZ[0], scratch)
                dW_hh += scratch
                return
