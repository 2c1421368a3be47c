"""Input checks shared by the estimators, run before any Numba code.

Numba kernels trust their inputs; every shape, dtype and finiteness promise
they rely on is established here, with scikit-learn's wording where
scikit-learn has one.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_array


def as_sequences(X):
    """Read a validated 2-D or 3-D array as ``(n_samples, n_timesteps, n_features)``.

    A 2-D array is a batch of univariate windows: each column is a time step.
    """
    if X.ndim == 2:
        return X[:, :, np.newaxis]
    if X.ndim == 3:
        return X
    raise ValueError(
        f"Expected X of shape (n_samples, n_timesteps) or (n_samples, "
        f"n_timesteps, n_features), got an array with {X.ndim} dimensions.")


def check_sequences(X, dtype):
    """Validate ``X`` without estimator state; return a C-contiguous 3-D array."""
    if not _plain_finite_floats(X):
        X = check_array(X, dtype="numeric", allow_nd=True, ensure_all_finite=True,
                        ensure_min_samples=1, input_name="X")
    X = as_sequences(to_dtype(X, dtype, "X"))
    if X.shape[1] < 1 or X.shape[2] < 1:
        raise ValueError(
            f"Found array with shape {X.shape}: at least one time step and "
            "one feature are required.")
    return X


def to_dtype(array, dtype, name):
    """``array`` as a C-contiguous array of ``dtype``, refusing values that
    only overflow in that precision (1e300 is finite in float64 and inf in
    float32), which would otherwise reach the kernels as infinities."""
    with np.errstate(over="ignore"):
        converted = np.ascontiguousarray(array, dtype=dtype)
    narrowing = np.dtype(getattr(array, "dtype", np.float64)).itemsize > converted.itemsize
    if narrowing and not np.isfinite(converted).all():
        with np.errstate(over="ignore"):
            largest = float(np.max(np.abs(np.asarray(array, dtype=np.float64))))
        raise ValueError(
            f"{name} has values too large for {np.dtype(dtype).name} (largest "
            f"magnitude {largest:.3g}; {np.dtype(dtype).name} holds up to "
            f"{float(np.finfo(dtype).max):.3g}). Scale them, or set dtype='float64'.")
    return converted


def _plain_finite_floats(X):
    """Whether ``X`` is a NumPy float array that ``check_array`` would pass
    through unchanged; checking that directly costs a few microseconds
    instead of ``check_array``'s forty, which matters for one-window
    predictions. Anything else takes ``check_array``'s path and messages."""
    return (type(X) is np.ndarray and X.dtype.kind == "f" and X.ndim in (2, 3)
            and X.shape[0] > 0 and bool(np.isfinite(X).all()))


def check_sample_weight(sample_weight, n_samples, dtype):
    """Return validated sample weights, ones when ``sample_weight`` is None."""
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    with np.errstate(over="ignore"):  # overflow to inf is refused just below
        sample_weight = check_array(sample_weight, dtype=dtype, ensure_2d=False,
                                    ensure_all_finite=True, input_name="sample_weight")
    if sample_weight.ndim != 1:
        raise ValueError("Sample weights must be 1D array or scalar")
    if sample_weight.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected "
            f"({n_samples},)!")
    if np.any(sample_weight < 0):
        raise ValueError("Negative values in data passed to `sample_weight`")
    if not np.any(sample_weight > 0):
        raise ValueError(
            "Sample weights must contain at least one non-zero number.")
    return np.array(sample_weight, dtype=dtype)


def check_units(units):
    """Return ``units`` as a non-empty tuple of positive ints."""
    sizes = (units,) if isinstance(units, Integral) else tuple(units)
    if not sizes or not all(isinstance(u, Integral) and not isinstance(u, bool)
                            and u >= 1 for u in sizes):
        raise ValueError(
            "units must be a positive int or a non-empty tuple of positive "
            f"ints, got {units!r}.")
    return tuple(int(u) for u in sizes)


def check_dtype(dtype):
    """Return the numpy dtype for the ``dtype`` parameter (float32 or float64)."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(
            f"dtype must be 'float32' or 'float64', got {dtype!r}.")
    return resolved
