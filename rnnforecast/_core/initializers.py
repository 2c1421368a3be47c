"""Weight initialisers, with Keras' names and definitions.

Each initialiser fills an existing array in place from a
``numpy.random.RandomState``, so the estimator's ``random_state`` decides
every weight.
"""

import numpy as np


def glorot_uniform(rng, out):
    """Uniform on ``[-l, l]`` with ``l = sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = out.shape
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    out[...] = rng.uniform(-limit, limit, size=out.shape)


def glorot_normal(rng, out):
    """Normal with standard deviation ``sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = out.shape
    out[...] = rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=out.shape)


def orthogonal(rng, out):
    """A random matrix with orthonormal rows or columns (Saxe et al., 2014).

    The QR factor of a standard normal matrix, with the signs of ``R``'s
    diagonal folded in so the distribution is uniform (Haar).
    """
    rows, cols = out.shape
    normal = rng.normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(normal)
    q *= np.sign(np.diag(r))
    out[...] = q if rows >= cols else q.T


def he_uniform(rng, out):
    """Uniform on ``[-l, l]`` with ``l = sqrt(6 / fan_in)`` (He et al., 2015),
    for layers followed by a ReLU. ``fan_in`` is the product of every
    dimension but the last: a convolution's kernel (K, C_in, C_out) reads
    ``K * C_in`` inputs, as in Keras."""
    fan_in = int(np.prod(out.shape[:-1]))
    limit = np.sqrt(6.0 / fan_in)
    out[...] = rng.uniform(-limit, limit, size=out.shape)


def zeros(rng, out):
    """All zeros."""
    out[...] = 0.0


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "orthogonal": orthogonal,
    "he_uniform": he_uniform,
    "zeros": zeros,
}
