"""Plots of forecasts; matplotlib is imported only when a plot is drawn."""


def plot_forecast(history, forecast, ax=None, n_history=None):
    """Draw the end of a series and its forecast.

    Parameters
    ----------
    history : pandas.Series
        The observed series.
    forecast : pandas.Series
        The forecast, indexed by the times after ``history``.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure's Axes when None.
    n_history : int, default=None
        How many of the last observations to show; ``max(60, 8 * len(forecast))``
        when None.

    Returns
    -------
    ax : matplotlib Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 4))
    n_history = n_history or max(60, 8 * len(forecast))
    shown = history.iloc[-n_history:]
    ax.plot(shown.index, shown.to_numpy(), color="0.3", label="observed")
    ax.plot(forecast.index, forecast.to_numpy(), "o-", color="C1", label="forecast")
    ax.axvline(history.index[-1], color="0.7", linestyle=":")
    ax.set_ylabel(str(history.name or ""))
    ax.legend()
    return ax
