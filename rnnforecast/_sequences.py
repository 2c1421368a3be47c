"""Variable-length sequences: from what users pass to what the kernels run.

Users give sequences of different lengths either as a list of arrays, one
``(n_timesteps_i, n_features)`` (or ``(n_timesteps_i,)``) array each, or as
one array padded at the end with ``lengths`` saying how many leading steps
of each row are real (PyTorch's ``pack_padded_sequence`` convention).

Inside, every batch is padded at the *front* instead, so all sequences end
at the last step, and ``starts[i]`` is the first real step of sequence
``i``. The kernels keep a sequence's state at zero before its start (see
``_bptt.hold_before_start``), so a padded sequence gives the same result as
the sequence alone, and the last step is every sequence's true end.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_array

from ._validation import to_dtype


def is_ragged(X):
    """Whether ``X`` is a list or tuple of sequences of different lengths."""
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return False
    if not all(hasattr(item, "__len__") and not isinstance(item, (str, bytes))
               for item in X):
        return False
    return len({len(item) for item in X}) > 1


def pad_front(sequences, dtype):
    """Stack a list of sequences into a front-padded array.

    Parameters
    ----------
    sequences : list of array-like of shape (n_timesteps_i, n_features) or \
(n_timesteps_i,)
        One array per sequence; 1-D arrays are univariate.
    dtype : numpy dtype

    Returns
    -------
    X : ndarray of shape (n_samples, max(n_timesteps_i), n_features)
        Zero before each sequence's start.
    starts : ndarray of int of shape (n_samples,)
    """
    arrays = [_check_sequence(item, index, dtype) for index, item in enumerate(sequences)]
    n_features = arrays[0].shape[1]
    for index, array in enumerate(arrays):
        if array.shape[1] != n_features:
            raise ValueError(
                f"Sequence {index} has {array.shape[1]} features per time step, "
                f"but sequence 0 has {n_features}; every sequence needs the same "
                "features.")
    lengths = np.array([array.shape[0] for array in arrays], dtype=np.intp)
    width = int(lengths.max())
    X = np.zeros((len(arrays), width, n_features), dtype=dtype)
    starts = width - lengths
    for array, start, row in zip(arrays, starts, X):
        row[start:] = array
    return X, starts


def _check_sequence(item, index, dtype):
    array = check_array(item, ensure_2d=False, allow_nd=True, dtype="numeric",
                        ensure_all_finite=True, ensure_min_samples=0,
                        input_name=f"X[{index}]")
    if array.ndim == 1:
        array = array[:, np.newaxis]
    if array.ndim != 2:
        raise ValueError(
            f"Sequence {index} has {array.ndim} dimensions; each sequence must "
            "be an array of shape (n_timesteps, n_features) or (n_timesteps,).")
    if array.shape[0] == 0:
        raise ValueError(
            f"Sequence {index} is empty: every sequence needs at least one "
            "time step.")
    return to_dtype(array, dtype, f"X[{index}]")


def check_lengths(lengths, n_samples, width):
    """Validate ``lengths`` of ``n_samples`` sequences padded to ``width``
    steps; return them as an int array."""
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or not (lengths.dtype.kind in "iu" or (
            lengths.dtype == object and all(isinstance(v, Integral) for v in lengths))):
        raise TypeError(
            "lengths must be a 1-D array of integers, one per sequence; got "
            f"dtype {lengths.dtype} and shape {lengths.shape}.")
    if lengths.shape[0] != n_samples:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{n_samples}, {lengths.shape[0]}] (X and lengths)")
    lengths = lengths.astype(np.intp)
    for name, bad in (("zero or negative", lengths < 1), (
            f"larger than the padded width of X ({width} time steps)", lengths > width)):
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"lengths[{index}] = {lengths[index]} is {name}; each length "
                "must be between 1 and the number of time steps of X.")
    return lengths


def move_padding_to_front(X, lengths, first=None):
    """Turn an array padded at the end (or around) into one padded at the front.

    ``X`` has shape (n_samples, n_timesteps, ...); row ``i`` has
    ``lengths[i]`` real steps from step ``first[i]`` (0 when ``first`` is
    None: real steps first). Returns ``(X_front, starts)``; the padding
    becomes zero.
    """
    width = X.shape[1]
    starts = width - lengths
    offsets = starts if first is None else starts - np.asarray(first)
    steps = np.arange(width)
    source = np.clip(steps[np.newaxis, :] - offsets[:, np.newaxis], 0, width - 1)
    moved = np.take_along_axis(X, source.reshape(source.shape + (1,) * (X.ndim - 2)),
                               axis=1)
    moved[steps[np.newaxis, :] < starts[:, np.newaxis]] = 0
    return np.ascontiguousarray(moved), starts


def real_steps(values, starts):
    """Per sequence, the real steps of a front-padded array: a list of
    ``values[i, starts[i]:]``."""
    return [values[i, start:] for i, start in enumerate(starts)]


def pad_targets_front(y, starts, n_timesteps):
    """Per-step targets aligned with front-padded inputs.

    ``y`` holds one target sequence per input sequence: a list, or an array
    padded at the end like inputs given with ``lengths``. Sequence ``i``
    has ``n_timesteps - starts[i]`` real steps. Padding steps repeat the
    first real target, so they stay valid labels; they carry no weight in
    the loss.
    """
    if len(y) != len(starts):
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{len(starts)}, {len(y)}]")
    padded = []
    for index, start in enumerate(starts):
        length = n_timesteps - int(start)
        target = np.asarray(y[index])
        if not isinstance(y, (list, tuple)):
            target = target[:length]
        if target.ndim == 0 or target.shape[0] != length:
            raise ValueError(
                f"y[{index}] has {target.shape[0] if target.ndim else 0} time "
                f"steps but X[{index}] has {length}; with return_sequences=True "
                "each target sequence must match its input sequence.")
        padded.append(np.concatenate([np.repeat(target[:1], start, axis=0), target]))
    return np.stack(padded)


def has_nan_padding(X):
    """Whether ``X`` is a 3-D float array holding NaN, the form in which UEA
    archives pad sequences of different lengths.

    Only 3-D arrays: in a 2-D array of lag columns, a NaN in the first
    columns is more likely a missing value (a shifted column) than padding,
    and scikit-learn's checks expect it refused; a univariate padded set is
    ``X[:, :, np.newaxis]``.
    """
    return (isinstance(X, np.ndarray) and X.dtype.kind == "f" and X.ndim == 3
            and bool(np.isnan(X).any()))


def split_nan_padding(X):
    """Read whole NaN time steps at the start or end of each row as padding.

    Parameters
    ----------
    X : ndarray of float of shape (n_samples, n_timesteps, n_features)
        Each row a sequence whose missing steps, before or after its real
        ones, are NaN in every feature.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        ``X`` with NaN replaced by 0, steps where they were.
    first : ndarray of int of shape (n_samples,)
        First real step of each row.
    lengths : ndarray of int of shape (n_samples,)
        Real steps of each row, from ``first`` on.

    Raises
    ------
    ValueError
        For NaN inside a sequence, in only some features of a step, or a
        row with no real step: those are missing values, not padding.
    """
    missing = np.isnan(X)
    real = ~missing.all(axis=2)
    lengths = real.sum(axis=1)
    first = np.argmax(real, axis=1)
    positions = np.arange(X.shape[1])[np.newaxis, :]
    span = (positions >= first[:, np.newaxis]) & (positions < (first + lengths)[:, np.newaxis])
    contiguous = real.any(axis=1) & (span == real).all(axis=1)
    partial = (missing.any(axis=2) & real).any(axis=1)
    bad = ~contiguous | partial
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"Input X contains NaN inside sequence {row}: NaN is read as padding "
            "only when whole time steps (every feature) are NaN before or after "
            "a sequence's real steps, and every sequence has one real step at "
            "least. Fill or drop missing values inside sequences first.")
    return np.where(missing, 0.0, X), first, lengths.astype(np.intp)


def zero_padded_rows(X):
    """Rows of a 3-D array whose first or last time step is all zeros."""
    return np.flatnonzero((X[:, 0, :] == 0).all(axis=1) | (X[:, -1, :] == 0).all(axis=1))
