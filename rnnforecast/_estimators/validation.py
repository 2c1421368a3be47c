"""Checks of the parameters and sample weights the estimators share, with
scikit-learn's wording where scikit-learn has one (``X`` is read in
``inputs``)."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_array


def check_sample_weight(sample_weight, n_samples, dtype):
    """Return validated sample weights, ones when ``sample_weight`` is None."""
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    if isinstance(sample_weight, Real) and not isinstance(sample_weight, bool):
        sample_weight = np.full(n_samples, sample_weight)   # as scikit-learn does
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


def check_convolutions(filters, kernel_sizes):
    """``(filters, kernel_sizes)`` of a convolutional arm as tuples of
    positive ints of one length, or None when ``filters`` is None."""
    if filters is None:
        return None
    checked = []
    for name, value in (("conv_filters", filters), ("conv_kernel_sizes", kernel_sizes)):
        sizes = (value,) if isinstance(value, Integral) else tuple(value)
        if not sizes or not all(isinstance(v, Integral) and not isinstance(v, bool)
                                and v >= 1 for v in sizes):
            raise ValueError(f"{name} must be a positive int or a non-empty tuple of "
                             f"positive ints, got {value!r}.")
        checked.append(tuple(int(v) for v in sizes))
    if len(checked[0]) != len(checked[1]):
        raise ValueError(f"conv_filters {checked[0]} and conv_kernel_sizes {checked[1]} "
                         "must have one entry per convolution.")
    return tuple(checked)


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


def refuse_booleans(estimator):
    """Refuse True/False for parameters that take numbers but no booleans:
    scikit-learn's checks read ``max_iter=True`` as 1, which is never meant."""
    for name, constraints in estimator._parameter_constraints.items():
        value = getattr(estimator, name)
        if isinstance(value, bool) and not {"boolean", "verbose"} & set(
                c for c in constraints if isinstance(c, str)):
            raise InvalidParameterError(
                f"The {name!r} parameter of {type(estimator).__name__} must be a "
                f"number, not a boolean; got {value!r}.")
