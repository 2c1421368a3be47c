"""Cross-validation splits of a panel that cut every series at the same times.

scikit-learn's ``TimeSeriesSplit`` cuts rows. On a long panel, whose rows
are the series stacked one after another, its test folds are the tail of
one series and its training folds hold other series' future: a search
scores on one series what it learned partly from the others' later
values. :class:`PanelSplitter` cuts the times instead, as sktime's
``ExpandingWindowSplitter`` does on panels: each fold trains on every
series up to a cutoff and tests on every series just after it.
"""

from numbers import Integral

import numpy as np
import pandas as pd

from .windows import check_positive_int

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["PanelSplitter"]


class PanelSplitter:
    """Expanding-window splits at common times, for one series or a panel.

    The ``n_splits`` test parts are the last ``n_splits * test_size``
    distinct times of the data, consecutive; each fold trains on every row
    before its test part (the last ``max_train_size`` times when given) and
    tests on every row inside it. On a single series or a wide DataFrame
    (rows are times) this is ``TimeSeriesSplit``; on a long panel it cuts
    every series at the same times. A series without observations before a
    test part is left out of that part's test rows, since no model fitted
    on the training rows knows it.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds.
    test_size : int, default=None
        Distinct times in each test part; None gives ``n_times // (n_splits
        + 1)``, as ``TimeSeriesSplit``.
    max_train_size : int, default=None
        Train on at most this many of the latest times before each test part
        (a sliding window); None trains on all of them.

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : the same splits over rows.
    rnnforecast.backtest : historical forecasts over such folds, with
        baselines.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from rnnforecast import PanelSplitter
    >>> times = pd.date_range("2020-01", periods=6, freq="MS")
    >>> y = pd.concat({"a": pd.Series(np.arange(6.0), times),
    ...                "b": pd.Series(np.arange(6.0) + 10, times)}, names=["id", "month"])
    >>> for train, test in PanelSplitter(n_splits=2, test_size=2).split(y):
    ...     print(train, test)
    [0 1 6 7] [2 3 8 9]
    [0 1 2 3 6 7 8 9] [ 4  5 10 11]
    """

    def __init__(self, n_splits=5, test_size=None, max_train_size=None):
        self.n_splits = n_splits
        self.test_size = test_size
        self.max_train_size = max_train_size

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds, ``n_splits``."""
        return check_positive_int(self.n_splits, "n_splits")

    def split(self, X, y=None, groups=None):
        """Row positions of each fold's training and test rows.

        Parameters
        ----------
        X : pandas.Series or pandas.DataFrame
            The data a search passes to ``fit``: one series on a time index,
            a wide DataFrame (one column per series), or a long panel on a
            ``(series id, time)`` MultiIndex.
        y, groups : ignored
            Present for scikit-learn's splitter interface.

        Yields
        ------
        train, test : ndarray of int
            Row positions into ``X``, ascending.
        """
        ids, times = _row_ids_and_times(X)
        distinct = np.unique(times)
        n_splits, test_size, first = self._sizes(len(distinct))
        cut = np.searchsorted(distinct, times)       # each row's time as a position
        for k in range(n_splits):
            start = first + k * test_size
            begin = 0 if self.max_train_size is None else max(0, start - self.max_train_size)
            train = (cut >= begin) & (cut < start)
            test = (cut >= start) & (cut < start + test_size) & np.isin(ids, ids[train])
            yield np.flatnonzero(train), np.flatnonzero(test)

    def _sizes(self, n_times):
        n_splits = check_positive_int(self.n_splits, "n_splits")
        test_size = (n_times // (n_splits + 1) if self.test_size is None
                     else check_positive_int(self.test_size, "test_size"))
        if self.max_train_size is not None:
            check_positive_int(self.max_train_size, "max_train_size")
        first = n_times - n_splits * test_size
        if test_size < 1 or first < 1:
            raise ValueError(
                f"{n_splits} test parts of {test_size} times leave no training times "
                f"among the {n_times} distinct times of the data; use fewer splits or a "
                "smaller test_size.")
        return n_splits, test_size, first

    def __repr__(self):
        return (f"PanelSplitter(n_splits={self.n_splits!r}, test_size={self.test_size!r}, "
                f"max_train_size={self.max_train_size!r})")


def _row_ids_and_times(X):
    """The series id (0 for rows of one series) and time of each row."""
    if not isinstance(X, (pd.Series, pd.DataFrame)):
        raise TypeError("PanelSplitter needs a pandas Series or DataFrame, whose index "
                        f"gives each row's time; got {type(X).__name__}.")
    index = X.index
    if isinstance(index, pd.MultiIndex):
        if index.nlevels != 2:
            raise ValueError("A long panel has a 2-level (series id, time) MultiIndex; "
                             f"got {index.nlevels} levels.")
        ids = pd.factorize(index.get_level_values(0), use_na_sentinel=False)[0]
        times = index.get_level_values(1)
    else:
        ids, times = np.zeros(len(index), dtype=np.intp), index
    return ids, _comparable(times)


def _comparable(times):
    """``times`` as an array NumPy can sort and compare."""
    if isinstance(times, pd.PeriodIndex):
        times = times.to_timestamp()
    if isinstance(times, pd.DatetimeIndex) and times.tz is not None:
        times = times.tz_convert("UTC").tz_localize(None)
    values = np.asarray(times)
    if values.dtype.kind not in "iuMf" and not all(isinstance(t, Integral) for t in values):
        raise ValueError("PanelSplitter needs times it can order (timestamps, periods or "
                         f"integers); got values of dtype {values.dtype}.")
    return values
