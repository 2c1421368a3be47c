"""The ``rnnforecast`` command line.

``rnnforecast forecast [CSV]`` backtests a windowed forecaster on a series,
prints its errors next to naive baselines, then fits it on the whole series
and prints (and optionally plots or writes) the forecast. Without a CSV it
uses the bundled Melbourne daily minimum temperatures. With ``--id-column``
the CSV is a long table of many series (time, id, value), forecast by one
global model and judged on the last ``--horizon`` values of every series.
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge

from .._estimators.gru import GRURegressor
from .._estimators.lstm import LSTMRegressor
from .._estimators.simple_rnn import SimpleRNNRegressor
from ..forecasting.backtest import backtest
from ..forecasting.calendar import check_season, resolve_season, time_label
from ..forecasting.forecaster import WindowForecaster, default_rnn
from ..forecasting.metrics import MetricWarning
from .datasets import load_daily_min_temperatures
from .time_column import TimeFormat, parse_times

# What users call (the API reference documents these; the rest are helpers).
__all__ = ["main"]

# Share of the series the conformal interval of --coverage is calibrated on.
CALIBRATION_FRACTION = 0.2
# --model: the recurrent cells, trained as the forecaster's default network.
CELLS = {"simple": SimpleRNNRegressor, "lstm": LSTMRegressor, "gru": GRURegressor}
# Series drawn by --plot with --id-column when --plot-series is not given.
PLOTTED_SERIES = 4
# The bundled data's unit, for its plot.
BUNDLED_UNIT = "°C"

EXAMPLES = """examples:
  rnnforecast forecast                                 the bundled temperatures
  rnnforecast forecast sales.csv --target sales --horizon 12 --plot sales.png
  rnnforecast forecast gdp.csv --model ridge --window 8 --coverage 0.9
  rnnforecast forecast daten.csv --sep ";" --decimal "," --dayfirst
  rnnforecast forecast stores.csv --id-column store --target sales --output out.csv
  rnnforecast forecast takings.csv --id-column State --target Takings --model gru \
      --window 12 --horizon 8 --plot takings.png --plot-series Victoria Tasmania
"""


def build_parser():
    parser = argparse.ArgumentParser(
        prog="rnnforecast", epilog="Run 'rnnforecast forecast --help' for its options.",
        description="Recurrent-network forecasts of a series in a CSV file, backtested "
                    "against naive baselines.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    forecast = commands.add_parser(
        "forecast", help="backtest, fit and forecast a series",
        description="Backtest a windowed forecaster on the series, print its errors next "
                    "to the last-value and seasonal-naive baselines, then fit it on the "
                    "whole series and print (and optionally plot) the forecast.",
        epilog=EXAMPLES, formatter_class=_HelpFormatter)
    forecast.add_argument("csv", nargs="?", help="CSV file; the bundled Melbourne "
                          "daily minimum temperatures when omitted")
    forecast.add_argument("--time-column", help="column of timestamps (default: the first)")
    forecast.add_argument("--target", help="column to forecast (default: the first "
                          "other column)")
    forecast.add_argument("--id-column", help="column naming the series of a long "
                          "table (time, id, value rows): every series is forecast by "
                          "one global model")
    forecast.add_argument("--date-format", help="strftime format of the time column, "
                          "e.g. %%d.%%m.%%Y (default: inferred; whole numbers are read as "
                          "years, or as yyyymmdd dates when they have 8 digits; quarters "
                          "such as '1981 Q1' and ISO weeks such as '2020 W05' are read "
                          "as periods and written back in the same form)")
    forecast.add_argument("--dayfirst", action="store_true",
                          help="read ambiguous dates such as 01/02/2021 day first")
    forecast.add_argument("--sep", default=",", help="field separator of the CSV")
    forecast.add_argument("--decimal", default=".", help="decimal mark of the CSV's "
                          "numbers")
    forecast.add_argument("--window", type=int, default=29, help="observations per window")
    forecast.add_argument("--horizon", type=int, default=7, help="steps to forecast")
    forecast.add_argument("--strategy", choices=["direct", "recursive"], default="direct",
                          help="direct: one model for all steps; recursive: one-step "
                          "forecasts fed back")
    forecast.add_argument("--model", choices=[*CELLS, "ridge"], default="simple",
                          help="simple, lstm, gru: a SimpleRNN, LSTM or GRU network "
                          "trained as the forecaster's default network (default_rnn: "
                          "learning rate 3e-4, batches of 64, early stopping; relu units "
                          "for simple, tanh for the gated cells); ridge: Ridge on the same "
                          "lags")
    forecast.add_argument("--units", type=int, default=32, help="recurrent units")
    forecast.add_argument("--max-iter", type=int, default=300, help="maximum epochs")
    forecast.add_argument("--folds", type=int, default=3, help="backtest folds")
    forecast.add_argument("--test-size", type=int, default=None,
                          help="observations per backtest fold (default: a "
                          "tenth of the series)")
    forecast.add_argument("--season", type=int, default=None,
                          help="observations per seasonal cycle for the seasonal-naive "
                          "baseline and MASE (default: from the dates' frequency: 7 "
                          "daily, 12 monthly, 4 quarterly, 24 hourly)")
    forecast.add_argument("--seed", type=int, default=0, help="random seed of the network")
    forecast.add_argument("--coverage", type=float, default=None,
                          help="also give a conformal interval of this coverage, e.g. "
                          "0.9, calibrated on the last fifth of the series (fitting "
                          "takes about twice as long)")
    forecast.add_argument("--plot", help="save a PNG of the forecast (and interval) here (.png is "
                          "added to a name without a suffix); with --id-column, a grid of "
                          "some series")
    forecast.add_argument("--plot-series", nargs="+", metavar="ID",
                          help="with --id-column and --plot: the series to draw (default: "
                          f"the first {PLOTTED_SERIES})")
    forecast.add_argument("--unit", help="unit of the series, for the plot's axis, "
                          "e.g. '°C' (the bundled temperatures' is °C)")
    forecast.add_argument("--output", help="write the forecast (and interval) to this "
                          "CSV file")
    forecast.add_argument("--verbose", action="store_true", help="say which fit is "
                          "running (backtest fold k of n, then the final fit) and "
                          "report each epoch: k of at most --max-iter, loss, time left")
    return parser


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Each option's default after its help (options without one say in
    their help what happens); examples kept as written."""

    def _get_help_string(self, action):
        text = action.help or ""
        shown = not (action.default is None or action.default is False
                     or action.default == argparse.SUPPRESS)
        if shown and action.option_strings:
            text += " (default: %(default)s)"
        return text


def read_series(path, time_column, target, date_format=None, dayfirst=False,
                sep=",", decimal=".", id_column=None):
    """The target as a Series indexed by parsed times, from a CSV file; with
    ``id_column``, a long Series on a (series id, time) MultiIndex. Returns
    the series and the form its times were written in (a ``TimeFormat``)."""
    # Series ids are names: "007" and "7.0" are two series, not the number 7.
    text = {} if id_column is None else {id_column: str}
    try:
        frame = pd.read_csv(path, sep=sep, decimal=decimal, dtype=text)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValueError(f"Could not read {path} as a CSV file: {error}") from None
    if frame.empty:
        raise ValueError(f"{path} has a header but no rows of data.")
    time_column = time_column or frame.columns[0]
    for name, role in ((time_column, "time column"), (target, "target"),
                       (id_column, "--id-column")):
        if name is not None and name not in frame.columns:
            raise ValueError(f"{role} {name!r} is not a column of {path}; columns "
                             f"are {list(frame.columns)}.")
    target = target or next((c for c in frame.columns
                             if c not in (time_column, id_column)), None)
    if target is None:
        raise ValueError(f"{path} has no column besides the time column.")
    if id_column is None and not pd.api.types.is_numeric_dtype(frame[target]):
        raise ValueError(
            f"Column {target!r} holds text ({frame[target].iloc[0]!r}...), not numbers. "
            f"If it names the series of a long table, pass --id-column {target}; "
            "otherwise name the column to forecast with --target.")
    times, form = parse_times(frame[time_column], date_format, dayfirst)
    if id_column is None:
        return pd.Series(frame[target].to_numpy(), index=times, name=target), form
    index = pd.MultiIndex.from_arrays([frame[id_column].to_numpy(), times],
                                      names=[id_column, time_column])
    return pd.Series(frame[target].to_numpy(), index=index, name=target).sort_index(), form


def make_forecaster(args):
    if args.model == "ridge":
        estimator = Ridge()
    else:
        # The default network's training; gated cells keep their tanh.
        params = default_rnn(args.seed).get_params()
        if args.model != "simple":
            del params["activation"]
        estimator = CELLS[args.model](**params).set_params(
            units=args.units, max_iter=args.max_iter, verbose=args.verbose)
    return WindowForecaster(estimator, window_length=args.window,
                            horizon=args.horizon, strategy=args.strategy)


def check_arguments(args):
    """Refuse impossible options before reading data or printing anything;
    return the plot path as it will be written (``.png`` added when the name
    has no suffix, as matplotlib does)."""
    for name in ("window", "horizon", "units", "max_iter", "folds", "test_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            flag = "--" + name.replace("_", "-")
            raise ValueError(f"{flag} must be at least 1, got {value}.")
    check_season(args.season)
    if args.coverage is not None and not 0 < args.coverage < 1:
        raise ValueError(f"--coverage must be between 0 and 1, got {args.coverage}.")
    if args.csv and Path(args.csv).is_dir():
        raise ValueError(f"{args.csv} is a directory; pass a CSV file.")
    if args.id_column and not args.csv:
        raise ValueError("--id-column needs a CSV file of many series.")
    if args.plot_series and not (args.id_column and args.plot):
        raise ValueError("--plot-series chooses the series --plot draws from a CSV of "
                         "many series: pass it with --id-column and --plot.")
    if args.output and not Path(args.output).resolve().parent.is_dir():
        raise ValueError(f"--output: the folder {Path(args.output).parent} does not exist.")
    if args.output and Path(args.output).is_dir():
        raise ValueError(f"--output: {args.output} is a directory; name a CSV file in it.")
    if not args.plot:
        return None
    plot = Path(args.plot)
    if not plot.suffix:
        plot = plot.with_name(plot.name + ".png")
    if not plot.parent.is_dir():
        raise ValueError(f"--plot: the folder {plot.parent} does not exist.")
    return plot


def run_forecast(args, out=None):
    out = out or sys.stdout
    plot = check_arguments(args)
    if args.csv:
        y, form = read_series(args.csv, args.time_column, args.target, args.date_format,
                              args.dayfirst, args.sep, args.decimal, args.id_column)
    else:
        y, form = load_daily_min_temperatures(), TimeFormat("date")
    unit = args.unit or (None if args.csv else BUNDLED_UNIT)
    if args.id_column:
        return run_panel_forecast(args, y, form, plot, out)
    if len(y) < args.window + args.horizon:
        raise ValueError(
            f"The series has {len(y)} observations, fewer than --window + --horizon = "
            f"{args.window} + {args.horizon}: no window fits. Use a smaller --window "
            "or --horizon.")
    forecaster = make_forecaster(args)
    test_size = args.test_size or max(args.horizon, len(y) // 10)
    print(f"{y.name}: {len(y)} observations, {time_label(y.index[0])} to "
          f"{time_label(y.index[-1])}", file=out)
    print(f"Backtest: {args.folds} folds of {test_size} observations, "
          f"window {args.window}, horizon {args.horizon} ({args.strategy})", file=out)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("always", MetricWarning)
        result = backtest(forecaster, y, n_splits=args.folds, test_size=test_size,
                          season=args.season, verbose=args.verbose)
        if args.verbose:
            print(f"Final fit on all {len(y)} observations", file=out, flush=True)
        interval = fit_and_forecast(forecaster, y, args.coverage)
    print_backtest(result.metrics, out)
    _report_warnings(caught, out)
    print_forecast(interval, form, args.coverage, args.output, out)
    if plot:
        title = f"{y.name}: {args.horizon}-step forecast ({model_name(args)}, window " \
                f"{args.window})"
        save_plot(y, interval, plot, title, unit, args.coverage)
        print(f"\nPlot saved to {plot}", file=out)
    return result, interval["forecast"].rename(y.name)


def run_panel_forecast(args, y, form, plot, out):
    """Many series: judge one global model on the last ``--horizon`` values of
    every series against the baselines, then fit on everything and forecast."""
    lengths = y.dropna().groupby(level=0, sort=False).size()
    short = lengths.index[lengths < 2 * args.horizon + args.window].tolist()
    if short:
        raise ValueError(
            f"Series {short[:3]} have fewer than --window + 2 * --horizon = "
            f"{args.window + 2 * args.horizon} observations: too few to hold out "
            "--horizon values and still fit a window. Drop them or use a smaller "
            "--window or --horizon.")
    shown = plotted_series(args.plot_series, lengths.index) if plot else []
    print(f"{y.name}: {len(lengths)} series ({args.id_column}), {int(lengths.sum())} "
          "observations", file=out)
    print(f"Holdout: the last {args.horizon} observations of every series, window "
          f"{args.window} ({args.strategy})", file=out)
    season = resolve_season(args.season, y.loc[lengths.index[0]].index)
    forecaster = make_forecaster(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("always", MetricWarning)
        result = backtest(forecaster, y, n_splits=1, test_size=args.horizon,
                          season=season)
        interval = fit_and_forecast(forecaster, y, args.coverage)
    print_holdout(result.per_series, season or 1, out)
    _report_warnings(caught, out)
    print_forecast(interval, form, args.coverage, args.output, out)
    if plot:
        title = f"{y.name}: {args.horizon}-step forecasts ({model_name(args)}, window " \
                f"{args.window}), {len(shown)} of {len(lengths)} series"
        save_panel_plot(y, interval, shown, plot, title, args.unit, args.coverage)
        print(f"\nPlot of {len(shown)} series saved to {plot}", file=out)
    return result, interval["forecast"]


def fit_and_forecast(forecaster, y, coverage):
    """Fit on all of ``y``; the forecast (and interval) as a frame."""
    if coverage is None:
        return forecaster.fit(y).predict().to_frame("forecast")
    # Calibrated on the whole series' tail only.
    forecaster.set_params(calibration_fraction=CALIBRATION_FRACTION)
    return forecaster.fit(y).predict_interval(coverage=coverage)


def model_name(args):
    return "Ridge" if args.model == "ridge" else CELLS[args.model].__name__


def plotted_series(chosen, ids):
    """The ids --plot draws: those chosen (refusing unknown ones), or the first few."""
    if not chosen:
        return list(ids[:PLOTTED_SERIES])
    by_text = {str(key): key for key in ids}
    unknown = [name for name in chosen if name not in by_text]
    if unknown:
        raise ValueError(f"--plot-series: no series {unknown[:3]} in the CSV; its series "
                         f"are {[str(key) for key in ids[:10]]}"
                         f"{' ...' if len(ids) > 10 else ''}.")
    return [by_text[name] for name in chosen]


def _report_warnings(caught, out):
    """Metric warnings as notes under the errors; others passed on as they came."""
    for warning in caught:
        if issubclass(warning.category, MetricWarning):
            print(f"Note: {warning.message}", file=out)
        else:  # not ours to reword
            warnings.warn_explicit(warning.message, warning.category,
                                   warning.filename, warning.lineno)


def print_holdout(per_series, season, out):
    """Errors of the model, the last value and seasonal naive on each series'
    held-out values, averaged over series (MASE scaled per series)."""
    names = {"forecast": "model", "last_value": "last value",
             "seasonal_naive": "seasonal naive"}
    table = per_series.groupby("model", sort=False)[["MAE", "RMSE", "MASE", "sMAPE"]].mean()
    table.index = [names[name] for name in table.index]
    print(f"\nHoldout errors, mean over {per_series.series.nunique()} series (MASE "
          f"season {season}):", file=out)
    print(table.round(3).to_string(), file=out)


def print_forecast(interval, form, coverage, path, out):
    """Print the forecast (and interval), times written as the input wrote
    them, and write it to ``path`` when given."""
    shown = with_input_times(interval, form)
    print("\nForecast:" if coverage is None else
          f"\nForecast with its {coverage:g} conformal interval:", file=out)
    print(shown.to_string(), file=out)
    if path:
        shown.to_csv(path)
        print(f"\nForecast written to {path}", file=out)


def with_input_times(frame, form):
    """``frame`` with its times (the last index level) in the input's form."""
    index = frame.index
    if isinstance(index, pd.MultiIndex):
        times = form.format(index.levels[-1])
        index = index.set_levels(times, level=-1, verify_integrity=False)
    else:
        index = form.format(index).rename(index.name)
    return frame.set_axis(index)


def print_backtest(metrics, out):
    pooled = metrics[metrics.fold == "all"]
    table = pooled.pivot(index="step", columns="model", values="RMSE")
    names = {"forecast": "model RMSE", "last_value": "last value RMSE",
             "seasonal_naive": "seasonal naive RMSE"}
    table = table[[name for name in names if name in table.columns]]
    table.columns = [names[name] for name in table.columns]
    overall = pooled[pooled.step == "all"].set_index("model").loc["forecast"]
    mape = "" if np.isnan(overall.MAPE) else f", MAPE {overall.MAPE:.1f}%"
    print(f"\nBacktest RMSE by step (model MAE {overall.MAE:.3f}, MASE "
          f"{overall.MASE:.3f}, sMAPE {overall.sMAPE:.1f}%{mape}):", file=out)
    print(table.round(3).to_string(), file=out)


def save_plot(history, interval, path, title=None, unit=None, coverage=None):
    """Plot the forecast (and its interval, when ``interval`` has lower and
    upper columns) after the end of ``history``, into a PNG at ``path``."""
    plt = _pyplot()

    figure, ax = plt.subplots(figsize=(9, 4))
    _display(history, interval, coverage).plot(ax, title=title, unit=unit)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def save_panel_plot(panel, interval, ids, path, title=None, unit=None, coverage=None):
    """A grid of the series ``ids`` of a long panel, each with its forecast
    (and interval), one legend for all, into a PNG at ``path``."""
    plt = _pyplot()
    columns = 1 if len(ids) == 1 else 2
    rows = -(-len(ids) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(6 * columns, 3 * rows + 0.8),
                                squeeze=False)
    for ax, key in zip(axes.flat, ids):
        _display(panel.xs(key, level=0).dropna().rename(panel.name),
                 interval.xs(key, level=0), coverage).plot(
            ax, title=str(key), unit=unit, legend=False)
    for ax in axes.flat[len(ids):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
    if title:
        figure.suptitle(title)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _display(history, interval, coverage):
    from ..forecasting.plotting import ForecastDisplay

    return ForecastDisplay(history, interval["forecast"], interval.get("lower"),
                           interval.get("upper"), coverage=coverage)


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ValueError("--plot needs matplotlib: pip install matplotlib "
                         "(or pip install 'rnnforecast[plot]').") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def main(argv=None):
    """The ``rnnforecast`` command: ``rnnforecast forecast [CSV] [options]``.

    Backtests a forecaster on a series (the bundled Melbourne temperatures
    without a CSV, or every series of a long CSV with ``--id-column``)
    against the last-value and seasonal-naive baselines, then forecasts the
    next ``--horizon`` steps; ``rnnforecast forecast --help`` lists every
    option with its default.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success. Bad options, unreadable data and running out of
        memory print one line of error and exit with status 2.

    Examples
    --------
    >>> from rnnforecast.io.cli import main
    >>> main(["forecast", "--horizon", "2", "--units", "4", "--max-iter", "2",
    ...       "--folds", "1"])  # doctest: +ELLIPSIS
    Temp: 3652 observations, 1981-01-01 to 1990-12-31
    ...
    Forecast:
    ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        run_forecast(args)
    except (ValueError, FileNotFoundError) as error:
        parser.exit(2, f"rnnforecast: error: {error}\n")
    except MemoryError as error:
        parser.exit(2, f"rnnforecast: error: out of memory ({error or 'no detail'}); "
                       "use fewer --units, a shorter --window or a smaller --horizon.\n")
    except BrokenPipeError:
        # The reader went away (``rnnforecast forecast ... | head``): stop
        # quietly, as other command-line tools do, not with a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - flushed at exit, not by us
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
