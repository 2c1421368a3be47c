"""Panels read one partition at a time, and training windows cut lazily.

A global model over thousands of series need not hold their windows: a
``WindowForecaster`` with ``chunk_windows`` set cuts them series by series
into one reused buffer of at most that many rows and trains its estimator
through ``partial_fit`` on each full buffer, so memory is bounded by the
chunk, not by the number of series (darts' lazy training datasets and
neuralforecast's loaders do the same in torch).

A panel larger than memory stays where it is: :class:`PartitionedPanel`
describes a Dask DataFrame, parquet files or any list of frames in the
long layout (one row per series and time), each partition holding whole
series. The forecaster reads it a partition at a time: once to learn each
series' scaling and keep the end of each series, then once per epoch to
stream its windows.
"""

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .panel import Panel, read_panel

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["PartitionedPanel"]


@dataclass(frozen=True)
class PartitionedPanel:
    """A long panel split into partitions that are read one at a time.

    Build it with :meth:`from_dask`, :meth:`from_parquet` or
    :meth:`from_frames`, and pass it to ``WindowForecaster.fit`` as ``y``.
    Each partition is a DataFrame with one row per series and time, in any
    order (it is sorted by series and time when read); every series must
    lie whole in one partition (``fit`` refuses a series met
    in two), as a Dask DataFrame indexed or shuffled by series id keeps it.

    Parameters
    ----------
    loaders : tuple of callable
        One function per partition, taking no argument and returning its
        DataFrame.
    id_column, time_column, target : hashable
        Columns (or the index) holding the series id, the time and the
        target.
    exog : tuple of hashable, default=()
        Exogenous columns, observed at the same times.

    Examples
    --------
    >>> import pandas as pd
    >>> from rnnforecast import PartitionedPanel
    >>> north = pd.DataFrame({"store": "north", "day": range(3), "sales": [1.0, 2, 3]})
    >>> south = pd.DataFrame({"store": "south", "day": range(3), "sales": [5.0, 4, 6]})
    >>> parts = PartitionedPanel.from_frames([north, south], "store", "day", "sales")
    >>> len(parts), parts.read(1).ids
    (2, ['south'])
    """

    loaders: tuple
    id_column: Any
    time_column: Any
    target: Any
    exog: tuple = ()

    in_memory = False

    def __len__(self):
        return len(self.loaders)

    @classmethod
    def from_frames(cls, frames, id_column, time_column, target, exog=()):
        """Partitions held as pandas DataFrames (or functions returning one)."""
        loaders = tuple(frame if callable(frame) else partial(_given, frame)
                        for frame in frames)
        return cls(loaders, id_column, time_column, target, tuple(exog))

    @classmethod
    def from_dask(cls, frame, id_column, time_column, target, exog=()):
        """The partitions of a Dask DataFrame, each computed when read (on
        the cluster of the active ``distributed.Client``, if any). Put each
        series in one partition first, e.g. ``frame.set_index(id_column)``
        or ``frame.shuffle(on=id_column)``."""
        if not hasattr(frame, "to_delayed"):
            raise TypeError(f"from_dask needs a Dask DataFrame, got {type(frame).__name__}.")
        loaders = tuple(part.compute for part in frame.to_delayed())
        return cls(loaders, id_column, time_column, target, tuple(exog))

    @classmethod
    def from_parquet(cls, path, id_column, time_column, target, exog=()):
        """Parquet files in the long layout, one partition per file.

        ``path`` is a file, a directory (every ``*.parquet`` file below it,
        in sorted order) or a list of files. Each file must hold the id
        column itself; for hive-partitioned folders (``store=north/...``)
        read them with ``dask.dataframe.read_parquet`` and use
        :meth:`from_dask`.
        """
        paths = _parquet_files(path)
        columns = [id_column, time_column, target, *exog]
        loaders = tuple(partial(pd.read_parquet, file, columns=columns) for file in paths)
        return cls(loaders, id_column, time_column, target, tuple(exog))

    def read(self, number):
        """Partition ``number`` as a :class:`~rnnforecast.Panel` in the
        long layout."""
        frame = self.loaders[number]()
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"Partition {number} is a {type(frame).__name__}, not a "
                            "pandas DataFrame.")
        if self.id_column not in frame.columns and frame.index.name == self.id_column:
            frame = frame.reset_index()
        columns = [self.id_column, self.time_column, self.target, *self.exog]
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            raise ValueError(f"Partition {number} has no column(s) {missing}; its "
                             f"columns are {list(frame.columns)}.")
        # Shuffles and set_index leave rows of a Dask partition in any order.
        long = frame.set_index([self.id_column, self.time_column]).sort_index()
        X = long[list(self.exog)] if self.exog else None
        try:
            return read_panel(long[self.target], X)
        except ValueError as error:
            raise ValueError(f"Partition {number}: {error}") from None


@dataclass(frozen=True)
class InMemoryPanel:
    """A ``Panel`` seen as one partition (the source of an in-memory fit)."""

    panel: Panel
    in_memory = True

    def __len__(self):
        return 1

    def read(self, number):
        return self.panel


@dataclass(frozen=True)
class TrimmedPartitions:
    """Partitions of ``source`` with each series of ``n_times`` rows cut to
    its first ``cut(n_times)`` (a calibration fit's training part)."""

    source: Any
    cut: Any

    def __len__(self):
        return len(self.source)

    @property
    def in_memory(self):
        return self.source.in_memory

    def read(self, number):
        panel = self.source.read(number)
        return replace(panel, frames={key: frame.iloc[:self.cut(len(frame))]
                                      for key, frame in panel.frames.items()})


def chunk_plan(n_rows, chunk_rows):
    """Rows per chunk to split ``n_rows`` into chunks of at most
    ``chunk_rows``, as equal as possible (no small last chunk)."""
    n_chunks = -(-n_rows // chunk_rows)
    return -(-n_rows // n_chunks)


def chunked(pieces, size):
    """The rows of ``pieces``, tuples of arrays with matching first
    dimensions (or None, passed on as None), regrouped into chunks of
    ``size`` rows (the last may be shorter): yields tuples of views of
    buffers that are overwritten after each yield, so memory holds one
    chunk and one piece."""
    buffers = None
    filled = 0
    for piece in pieces:
        if buffers is None:
            buffers = [None if array is None else np.empty((size,) + array.shape[1:],
                                                          dtype=array.dtype)
                       for array in piece]
        n_rows, start = len(piece[0]), 0
        while start < n_rows:
            taken = min(size - filled, n_rows - start)
            for buffer, array in zip(buffers, piece):
                if buffer is not None:
                    buffer[filled:filled + taken] = array[start:start + taken]
            filled, start = filled + taken, start + taken
            if filled == size:
                yield tuple(buffers)
                filled = 0
    if filled:
        yield tuple(None if buffer is None else buffer[:filled] for buffer in buffers)


def _given(frame):
    return frame


def _parquet_files(path):
    if isinstance(path, (str, Path)):
        path = Path(path)
        if path.is_dir():
            files = sorted(path.rglob("*.parquet"))
            if not files:
                raise ValueError(f"No *.parquet files under {str(path)!r}.")
            return files
        return [path]
    files = [Path(file) for file in path]
    if not files:
        raise ValueError("from_parquet got an empty list of files.")
    return files
