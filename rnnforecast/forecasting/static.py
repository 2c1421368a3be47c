"""Static covariates: what a global model knows about each series that
does not change over time (region, store size, product group), and an
encoding of the series id itself.

A global model reads every series through the same weights; static
covariates let it tell series apart beyond their recent values (the
static inputs of DeepAR, darts' ``static_covariates``, neuralforecast's
``static_df``). They enter every window as constant input columns after
the exogenous ones, standardised across series. The id encoding adds one
column per fitted series (one-hot): a recurrent layer's input weights on
that column are a learned vector per series added to the cell's input at
every step, that is a learned series-id embedding of the layer's width.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Nothing public: static covariates reach users through fit(static=...);
# nothing here is called directly.
__all__ = []


@dataclass(frozen=True)
class StaticCovariates:
    """How static covariates and the series id become model inputs.

    Attributes
    ----------
    names : list
        The static columns, in the order given to ``fit``.
    mean, scale : ndarray of shape (n_static,)
        Their statistics across the series of ``fit``.
    rows : dict
        Series id -> its static values as given (original units).
    positions : dict or None
        Fitted series id -> its column of the one-hot encoding; None
        without it.
    """

    names: list
    mean: np.ndarray
    scale: np.ndarray
    rows: dict
    positions: dict = None

    @property
    def n_columns(self):
        """Model input columns this adds: static columns, then one per id."""
        return len(self.names) + (0 if self.positions is None else len(self.positions))

    def encoded(self, key, static=None):
        """Series ``key``'s constant model inputs, shape (n_columns,): its
        standardised static values (from ``static``, a table checked by
        :meth:`checked`, if it has a row for it, else from ``fit``), then
        its one-hot id (all zeros for a series the model was not fitted
        on)."""
        values = np.empty(0)
        if self.names:
            row = self.rows.get(key)
            if static is not None and key in static.index:
                row = static.loc[key, self.names].to_numpy(dtype=float)
            if row is None:
                raise ValueError(
                    f"Series {key!r} has no static covariates {self.names}: pass static= "
                    "a DataFrame indexed by series id with a row for it.")
            values = (row - self.mean) / self.scale
        if self.positions is None:
            return values
        onehot = np.zeros(len(self.positions))
        if key in self.positions:
            onehot[self.positions[key]] = 1.0
        return np.concatenate([values, onehot])

    def checked(self, static):
        """``static`` given for new series, checked against the fitted columns."""
        if static is None:
            return None
        table = check_static(static)
        missing = [name for name in self.names if name not in table.columns]
        if missing:
            raise ValueError(f"static lacks the columns {missing} the model was "
                             "fitted with.")
        return table


def read_static(static, onehot):
    """Check ``fit``'s ``static`` table and learn its scaling; None when
    there are neither static columns nor an id encoding."""
    if static is None:
        return StaticCovariates([], np.empty(0), np.empty(0), {}, {}) if onehot else None
    table = check_static(static)
    values = table.to_numpy(dtype=float)
    mean, scale = values.mean(axis=0), values.std(axis=0)
    scale[scale == 0] = 1.0  # a column equal for every series carries nothing
    rows = dict(zip(table.index, values))
    return StaticCovariates(list(table.columns), mean, scale, rows, {} if onehot else None)


def check_static(static):
    """``static`` as a checked DataFrame: one row per series id, real,
    finite values."""
    if not isinstance(static, pd.DataFrame):
        raise TypeError(f"static must be a pandas DataFrame indexed by series id, got "
                        f"{type(static).__name__}.")
    if static.shape[1] == 0 or len(static) == 0:
        raise ValueError("static has no columns or no rows.")
    if static.index.has_duplicates:
        repeated = static.index[static.index.duplicated()].unique().tolist()[:5]
        raise ValueError(f"static has more than one row for series {repeated}.")
    not_real = [name for name, dtype in static.dtypes.items() if dtype.kind not in "biuf"]
    if not_real:
        raise ValueError(f"Static column(s) {not_real} are not real numbers; encode "
                         "categories as numbers first (e.g. pd.get_dummies).")
    if not np.isfinite(static.to_numpy(dtype=float)).all():
        raise ValueError("static contains NaN or infinite values; fill them first.")
    return static
