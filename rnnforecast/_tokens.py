"""Token-id input: checks and the layout the embedding kernels read.

Token sequences come as a 2-D integer array ``(n_samples, n_timesteps)``,
optionally with ``lengths`` or with 0 meaning padding (``mask_zero``), or as
a list of 1-D id arrays of different lengths. They leave as front-padded ids
of shape (n_samples, n_timesteps, 1) with each sequence's first real step,
as ``_sequences`` does for real-valued input.
"""

import numpy as np

from ._sequences import check_lengths


def check_tokens(X, lengths, mask_zero):
    """Validate token ids; return ``(ids, starts)``.

    Parameters
    ----------
    X : array-like of int of shape (n_samples, n_timesteps), or list of \
array-like of int of shape (n_timesteps_i,)
    lengths : array-like of int of shape (n_samples,) or None
        Real steps at the start of each row of a 2-D ``X``.
    mask_zero : bool
        Whether 0 is padding, to be dropped around each row's tokens.

    Returns
    -------
    ids : ndarray of intp of shape (n_samples, n_timesteps, 1)
        Front-padded with zeros.
    starts : ndarray of intp of shape (n_samples,) or None
        First real step of each row; None when every row fills ``ids``.
    """
    if lengths is not None and mask_zero:
        raise ValueError(
            "Pass either lengths or mask_zero=True to mark padding, not both.")
    rows = _rows(X)
    if not rows:
        raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
    if lengths is None:
        spans = [_span(row, index, mask_zero) for index, row in enumerate(rows)]
    else:
        spans = [(0, int(n)) for n in check_lengths(lengths, len(rows), len(rows[0]))]
    n_steps = np.array([stop - start for start, stop in spans], dtype=np.intp)
    width = int(n_steps.max())
    ids = np.zeros((len(rows), width, 1), dtype=np.intp)
    starts = width - n_steps
    for row, target, (start, stop), first in zip(rows, ids, spans, starts):
        target[first:, 0] = row[start:stop]
    padded = lengths is not None or mask_zero or len(set(map(len, rows))) > 1
    return ids, starts if padded else None


def _rows(X):
    """The rows of ``X`` as 1-D intp arrays, checked."""
    if isinstance(X, (list, tuple)) and any(np.ndim(item) != 1 for item in X):
        raise ValueError(
            "Token sequences must be 1-D arrays of ids; a list item has "
            f"{min(np.ndim(item) for item in X if np.ndim(item) != 1)} dimensions.")
    if isinstance(X, (list, tuple)):
        return [_ids(np.asarray(item), f"X[{index}]") for index, item in enumerate(X)]
    array = _ids(np.asarray(X), "X")
    if array.ndim != 2:
        raise ValueError(
            "Token ids must be a 2-D array of shape (n_samples, n_timesteps) "
            f"or a list of 1-D arrays; got an array with {array.ndim} dimensions.")
    if array.shape[1] == 0:
        raise ValueError(f"Found array with shape {array.shape}: at least one "
                         "time step is required.")
    return list(array)


def _ids(array, name):
    """``array`` as intp ids, after checking its type and range."""
    if array.dtype.kind == "f" and np.isfinite(array).all() and (
            array == np.round(array)).all():
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"Token ids must be integers; {name} has dtype {array.dtype}"
            + (" with non-integer or non-finite values." if array.dtype.kind == "f"
               else "."))
    if array.size and array.min() < 0:
        raise ValueError(
            f"Token ids must be non-negative; {name} contains {array.min()}.")
    if array.size and array.max() > np.iinfo(np.intp).max // 2:
        raise ValueError(
            f"Token id {array.max()} in {name} is too large for an embedding table.")
    return array.astype(np.intp)


def _span(row, index, mask_zero):
    """``(start, stop)`` of a row's real tokens."""
    if not mask_zero:
        if row.shape[0] == 0:
            raise ValueError(
                f"Sequence {index} is empty: every sequence needs at least one token.")
        return 0, row.shape[0]
    tokens = np.flatnonzero(row)
    if tokens.size == 0:
        raise ValueError(
            f"Sequence {index} has no tokens: with mask_zero=True, 0 is padding "
            "and every sequence needs at least one non-zero id.")
    start, stop = int(tokens[0]), int(tokens[-1]) + 1
    if tokens.size != stop - start:
        raise ValueError(
            f"Sequence {index} has the padding id 0 between its tokens; with "
            "mask_zero=True, 0 may only come before or after a sequence's "
            "tokens.")
    return start, stop


def check_token_range(ids, n_tokens):
    """Raise if an id has no row in an embedding table of ``n_tokens`` rows."""
    largest = int(ids.max())
    if largest >= n_tokens:
        raise ValueError(
            f"X contains token id {largest}, but the embedding table has "
            f"n_tokens={n_tokens} rows (ids 0 to {n_tokens - 1}).")
