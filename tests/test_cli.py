"""The rnnforecast command line, in process and as an installed script."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnforecast import default_rnn
from rnnforecast.io.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_default_forecast_beats_the_baselines_at_every_step(capsys, tmp_path):
    plot = tmp_path / "forecast.png"
    code, out = _run(capsys, "forecast", "--plot", str(plot))
    assert code == 0 and plot.stat().st_size > 10_000
    table = out.split("Backtest RMSE by step")[1].split("Forecast:")[0]
    rows = [line.split() for line in table.strip().splitlines()[3:]
            if not line.startswith("Note:")]
    assert "MAPE left out" in table  # temperatures come near 0 °C
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5", "6", "7", "all"]
    for step, model, last_value, seasonal_naive in rows:
        assert float(model) < float(last_value) and float(model) < float(seasonal_naive), step
    forecast = out.split("Forecast:")[1].split("Plot saved")[0].strip().splitlines()
    assert forecast[1].startswith("1991-01-01") and len(forecast) == 8


def _csv(tmp_path, frame):
    path = tmp_path / "series.csv"
    frame.to_csv(path, index=False)
    return str(path)


def test_csv_with_named_columns(capsys, tmp_path):
    times = pd.date_range("2022-01-01", periods=200, freq="D")
    rng = np.random.RandomState(0)
    path = _csv(tmp_path, pd.DataFrame({"when": times.strftime("%Y-%m-%d"),
                                        "noise": rng.normal(size=200),
                                        "sales": 50 + np.sin(np.arange(200) / 5) * 10}))
    code, out = _run(capsys, "forecast", path, "--time-column", "when", "--target",
                     "sales", "--model", "ridge", "--window", "14", "--horizon", "3")
    assert code == 0 and "sales: 200 observations" in out
    assert "2022-07-20" in out.split("Forecast:")[1]


@pytest.mark.parametrize("columns,argv,message", [
    ({"date": ["2022-01-01", "2022-01-02"], "y": [1.0, 2.0]}, ["--target", "sales"],
     "target 'sales' is not a column"),
    ({"date": ["2022-01-01", "2022-01-02"], "y": [1.0, 2.0]}, ["--time-column", "day"],
     "time column 'day' is not a column"),
    ({"date": ["yesterday", "today"], "y": [1.0, 2.0]}, [], "Could not parse the time column"),
    ({"date": pd.date_range("2022-01-01", periods=20).strftime("%Y-%m-%d"),
      "y": np.arange(20.0)}, ["--window", "29"], "no window fits|fewer than"),
])
def test_clear_errors(capsys, tmp_path, columns, argv, message):
    path = _csv(tmp_path, pd.DataFrame(columns))
    with pytest.raises(SystemExit) as stop:
        main(["forecast", path, "--model", "ridge", *argv])
    assert stop.value.code == 2
    assert re.search(message, capsys.readouterr().err)


def test_missing_file_is_a_clear_error(capsys):
    with pytest.raises(SystemExit):
        main(["forecast", "/nonexistent/series.csv"])
    assert "No such file" in capsys.readouterr().err


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "rnnforecast"
    assert script.exists()
    result = subprocess.run([str(script), "forecast", "--help"], capture_output=True,
                            text=True)
    assert result.returncode == 0 and "--horizon" in result.stdout


def test_running_out_of_memory_is_a_message_and_exit_2(capsys, monkeypatch):
    from rnnforecast._core.network import RecurrentNetwork

    def no_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 37.3 GiB")

    # Refused by the estimate up front, or failing to allocate after it.
    for units, cause in (("100000", "would need about"), ("64", "Unable to allocate")):
        with monkeypatch.context() as patch:
            patch.setattr(RecurrentNetwork, "initialize", no_memory)
            with pytest.raises(SystemExit) as exit_info:
                main(["forecast", "--units", units, "--folds", "1"])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert "out of memory (" in err and cause in err and "--units" in err
        assert "Traceback" not in err


def _forecast_index(capsys, path, *argv):
    code, out = _run(capsys, "forecast", str(path), "--model", "ridge", "--window", "4",
                     "--horizon", "2", "--folds", "1", *argv)
    assert code == 0
    return out.split("Forecast:")[1].split()[1:]


def test_integer_years_and_yyyymmdd_are_dates_not_nanoseconds(capsys, tmp_path):
    # A year,gdp CSV gave a forecast dated 1970-01-01 00:00:00.000002021.
    # Forecast times are written in the form the input's were.
    values = 100 + np.arange(40.0) + np.sin(np.arange(40))
    years = pd.DataFrame({"year": np.arange(1980, 2020), "gdp": values})
    assert _forecast_index(capsys, _csv(tmp_path, years))[::2] == ["2020", "2021"]
    days = pd.DataFrame({"day": [int(d.strftime("%Y%m%d"))
                                 for d in pd.date_range("2021-01-01", periods=40)],
                         "load": values})
    assert _forecast_index(capsys, _csv(tmp_path, days))[::2] == ["20210210", "20210211"]
    counter = pd.DataFrame({"t": np.arange(40), "load": values})
    with pytest.raises(SystemExit) as stop:
        main(["forecast", _csv(tmp_path, counter), "--model", "ridge"])
    assert stop.value.code == 2
    assert "neither years (2021) nor yyyymmdd" in capsys.readouterr().err


def test_separator_decimal_mark_and_day_first_dates(capsys, tmp_path):
    dates = pd.date_range("2021-01-01", periods=40)
    path = tmp_path / "european.csv"
    lines = ["datum;wert"] + [f"{d.strftime('%d/%m/%Y')};{100 + i * 0.5:.2f}".replace(".", ",")
                              for i, d in enumerate(dates)]
    path.write_text("\n".join(lines) + "\n")
    index = _forecast_index(capsys, path, "--sep", ";", "--decimal", ",", "--dayfirst")
    assert index[::2] == ["10/02/2021", "11/02/2021"]   # day first, as they came
    coded = tmp_path / "coded.csv"
    coded.write_text("when,value\n" + "".join(f"{d.strftime('%d.%m.%Y')},{i}\n"
                                              for i, d in enumerate(dates)))
    index = _forecast_index(capsys, coded, "--date-format", "%d.%m.%Y")
    assert index[::2] == ["10.02.2021", "11.02.2021"]   # in the --date-format given


@pytest.mark.parametrize("argv,message", [
    (["--test-size", "-5"], "--test-size must be at least 1, got -5"),  # was IndexError
    (["--test-size", "0"], "--test-size must be at least 1, got 0"),   # was ignored
    (["--folds", "0"], "--folds must be at least 1"),
    (["--horizon", "100000"], "Use a smaller --window or --horizon"),
    (["--plot", "/nonexistent-folder/forecast.png"], "folder /nonexistent-folder does not"),
])
def test_impossible_options_are_refused_before_any_work(capsys, tmp_path, argv, message):
    path = _csv(tmp_path, pd.DataFrame({"date": pd.date_range("2021-01-01", periods=60),
                                        "y": np.arange(60.0)}))
    with pytest.raises(SystemExit) as stop:
        main(["forecast", path, "--model", "ridge", *argv])
    out, err = capsys.readouterr()
    assert stop.value.code == 2 and message in err
    assert out == ""  # nothing printed before the refusal, no traceback
    assert "Traceback" not in err


def test_unreadable_inputs_are_messages(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2\n3,4,5,6\n")
    for target, message in ((tmp_path, "is a directory"),
                            (bad, "Could not read .* as a CSV file")):
        with pytest.raises(SystemExit) as stop:
            main(["forecast", str(target)])
        assert stop.value.code == 2
        assert re.search(message, capsys.readouterr().err)


def test_plot_name_without_suffix_reports_the_file_written(capsys, tmp_path):
    code, out = _run(capsys, "forecast", "--model", "ridge", "--folds", "1",
                     "--plot", str(tmp_path / "forecast"))
    assert code == 0 and (tmp_path / "forecast.png").exists()
    assert f"Plot saved to {tmp_path / 'forecast.png'}" in out


def test_coverage_prints_and_plots_the_conformal_interval(capsys, tmp_path):
    code, out = _run(capsys, "forecast", "--model", "ridge", "--folds", "1",
                     "--coverage", "0.9", "--plot", str(tmp_path / "f.png"), "--unit", "°C")
    assert code == 0 and (tmp_path / "f.png").stat().st_size > 10_000
    table = out.split("Forecast with its 0.9 conformal interval:")[1].split("Plot")[0]
    rows = [line.split() for line in table.strip().splitlines()[1:]]
    assert len(rows) == 7
    for _, forecast, lower, upper in rows:
        assert float(lower) < float(forecast) < float(upper)
    with pytest.raises(SystemExit):
        main(["forecast", "--coverage", "1.5"])
    assert "--coverage must be between 0 and 1" in capsys.readouterr().err


def test_help_is_plain_text_with_defaults_and_examples(capsys):
    with pytest.raises(SystemExit):
        main(["forecast", "--help"])
    text = capsys.readouterr().out
    assert "``" not in text and "examples:" in text
    assert "--units UNITS         recurrent units (default: 32)" in text
    assert "--seed SEED           random seed of the network (default: 0)" in text


def test_verbose_says_which_fit_is_running(capsys):
    code, out = _run(capsys, "forecast", "--folds", "2", "--max-iter", "2", "--verbose")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "Temp: 3652 observations, 1981-01-01 to 1990-12-31"
    marks = [" ".join(line.split()[:2 if line.startswith("Holdout chose") else 3])
             for line in lines
             if line.startswith(("Backtest fold", "Final fit", "Holdout"))]
    # Each fit first tries both designs on the held-out end of the series.
    holdout = ["Holdout fit (windows", "Holdout fit (mean_absolute", "Holdout chose"]
    assert marks == ["Backtest fold 1/2:", *holdout, "Backtest fold 2/2:", *holdout,
                     "Final fit on", *holdout]
    assert sum(line.startswith("Epoch 1/2,") for line in lines) == 3 * 3


def test_unparsable_dates_are_one_message_without_echoed_warnings(capsys, tmp_path):
    # pandas' "Could not infer format" warning, with a source line, came out
    # before the error; its multi-line advice named Python arguments.
    for text in ("name,value\nalpha,1\nbeta,2\n", "when,value\n01/02/2021,1\n13/02/2021,2\n"):
        path = tmp_path / "dates.csv"
        path.write_text(text)
        with pytest.raises(SystemExit) as stop:
            main(["forecast", str(path), "--model", "ridge"])
        err = capsys.readouterr().err
        assert stop.value.code == 2 and len(err.strip().splitlines()) == 1
        assert err.startswith("rnnforecast: error: Could not parse the time column")
        assert "--date-format" in err and "Warning" not in err


def _stores_csv(tmp_path, n=60):
    rows = []
    for number, store in enumerate(["north", "south", "east"]):
        dates = pd.date_range("2015-01-01", periods=n + 6 * number, freq="MS")
        t = np.arange(len(dates))
        sales = 100 * (number + 1) + 20 * np.sin(2 * np.pi * t / 12) + t
        rows.append(pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "store": store,
                                  "sales": sales}))
    path = tmp_path / "stores.csv"
    pd.concat(rows).to_csv(path, index=False)
    return str(path)


def test_long_csv_of_many_series_is_forecast_and_written(capsys, tmp_path):
    output = tmp_path / "forecasts.csv"
    code, out = _run(capsys, "forecast", _stores_csv(tmp_path), "--id-column", "store",
                     "--target", "sales", "--model", "ridge", "--window", "12",
                     "--horizon", "6", "--coverage", "0.8", "--output", str(output))
    assert code == 0
    assert "sales: 3 series (store)" in out and "MASE season 12" in out
    holdout = out.split("Holdout errors")[1].split("Forecast with")[0]
    rows = [line.rsplit(None, 4) for line in holdout.strip().splitlines()[2:]]
    mase = {row[0]: float(row[3]) for row in rows}   # columns MAE RMSE MASE sMAPE
    # One model learned the trend and season of all three series.
    assert mase["model"] < mase["seasonal naive"] < mase["last value"]
    written = pd.read_csv(output)
    assert list(written.columns) == ["store", "date", "forecast", "lower", "upper"]
    assert written.groupby("store").size().to_dict() == {"east": 6, "north": 6, "south": 6}
    east = written[written.store == "east"]
    assert east.date.iloc[0] == "2021-01-01"   # east runs 12 months longer


def test_long_csv_without_id_column_says_to_pass_it(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["forecast", _stores_csv(tmp_path)])
    assert exit_info.value.code == 2
    assert "pass --id-column store" in capsys.readouterr().err


def _quarterly_panel_csv(tmp_path, form="{year} Q{quarter}", late_start=True):
    # Quarterly series in fpp3/tsibble's form ("1998 Q1"), long, the way a
    # real panel is exported: every series on the same quarters, with NaN
    # before the series that start late.
    quarters = pd.period_range("2000Q1", periods=48, freq="Q")
    t = np.arange(48)
    rows = []
    for number, state in enumerate(["Victoria", "Tasmania", "Queensland"]):
        takings = 100 * (number + 1) + 15 * np.cos(np.pi * t / 2) + 2 * t
        if late_start and number == 1:
            takings[:10] = np.nan
        rows.append(pd.DataFrame({
            "Quarter": [form.format(year=q.year, quarter=q.quarter) for q in quarters],
            "State": state, "Takings": takings}))
    path = tmp_path / "takings.csv"
    pd.concat(rows).to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize("form", ["{year} Q{quarter}", "{year}Q{quarter}",
                                  "{year}-Q{quarter}"])
def test_quarters_are_read_and_written_back_in_their_form(capsys, tmp_path, form):
    output = tmp_path / "out.csv"
    code, out = _run(capsys, "forecast", _quarterly_panel_csv(tmp_path, form, False),
                     "--id-column", "State", "--model", "ridge", "--window", "8",
                     "--horizon", "4", "--output", str(output))
    assert code == 0 and "MASE season 4" in out
    written = pd.read_csv(output)
    assert written.Quarter.tolist()[:4] == [form.format(year=2012, quarter=q)
                                            for q in (1, 2, 3, 4)]
    assert form.format(year=2012, quarter=1) in out.split("Forecast:")[1]


def test_iso_weeks_are_read_and_written_back(capsys, tmp_path):
    weeks = pd.period_range("2019-12-30", periods=80, freq="W-SUN")   # 2020 W01 on
    labels = [f"{w.start_time.isocalendar()[0]} W{w.start_time.isocalendar()[1]:02d}"
              for w in weeks]
    assert labels[0] == "2020 W01" and labels[53] == "2021 W01"       # 2020 had 53 weeks
    path = _csv(tmp_path, pd.DataFrame({"week": labels,
                                        "visits": 50 + 10 * np.sin(np.arange(80) / 3)}))
    code, out = _run(capsys, "forecast", path, "--model", "ridge", "--window", "8",
                     "--horizon", "3", "--folds", "1")
    assert code == 0
    forecast = out.split("Forecast:")[1].strip().splitlines()
    assert [line.split()[0] + " " + line.split()[1] for line in forecast[1:]] == \
        ["2021 W28", "2021 W29", "2021 W30"]


def test_an_impossible_week_is_named(capsys, tmp_path):
    path = _csv(tmp_path, pd.DataFrame({"week": ["2021 W52", "2021 W53"], "y": [1.0, 2.0]}))
    with pytest.raises(SystemExit):
        main(["forecast", path, "--model", "ridge"])
    assert "'2021 W53', which is not an ISO week: 2021 has no week 53" in \
        capsys.readouterr().err


def test_long_csv_with_nan_before_series_start_is_read(capsys, tmp_path):
    code, out = _run(capsys, "forecast", _quarterly_panel_csv(tmp_path), "--id-column",
                     "State", "--model", "ridge", "--window", "8", "--horizon", "4")
    assert code == 0 and "Takings: 3 series (State), 134 observations" in out


def test_panel_plot_is_a_grid_of_chosen_series(capsys, tmp_path):
    from matplotlib.image import imread

    plot = tmp_path / "grid.png"
    code, out = _run(capsys, "forecast", _quarterly_panel_csv(tmp_path), "--id-column",
                     "State", "--model", "ridge", "--window", "8", "--horizon", "4",
                     "--coverage", "0.8", "--plot", str(plot), "--plot-series",
                     "Tasmania", "Queensland")
    assert code == 0 and f"Plot of 2 series saved to {plot}" in out
    height, width = imread(plot).shape[:2]
    assert width > height        # two panels side by side
    code, out = _run(capsys, "forecast", _quarterly_panel_csv(tmp_path), "--id-column",
                     "State", "--model", "ridge", "--window", "8", "--horizon", "4",
                     "--plot", str(plot))
    assert "Plot of 3 series saved" in out
    with pytest.raises(SystemExit):
        main(["forecast", _quarterly_panel_csv(tmp_path), "--id-column", "State",
              "--model", "ridge", "--window", "8", "--horizon", "4", "--plot", str(plot),
              "--plot-series", "Atlantis"])
    assert "--plot-series: no series ['Atlantis']" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["forecast", "--plot-series", "Victoria"])
    assert "pass it with --id-column and --plot" in capsys.readouterr().err


@pytest.mark.parametrize("model,estimator", [("lstm", "LSTMRegressor"),
                                             ("gru", "GRURegressor")])
def test_gated_cells_are_offered(capsys, tmp_path, model, estimator, monkeypatch):
    from rnnforecast.io import cli

    made = []
    original = cli.make_forecaster
    monkeypatch.setattr(cli, "make_forecaster",
                        lambda args: made.append(original(args)) or made[-1])
    code, out = _run(capsys, "forecast", "--model", model, "--units", "4",
                     "--max-iter", "2", "--folds", "1", "--horizon", "2")
    network = made[0].estimator
    assert code == 0 and type(network).__name__ == estimator
    default = default_rnn()
    assert network.activation == "tanh" and network.loss == default.loss
    assert network.learning_rate_init == default.learning_rate_init
    assert network.units == 4 and network.max_iter == 2


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    # `rnnforecast forecast ... | head` printed a BrokenPipeError traceback.
    command = Path(sys.executable).parent / "rnnforecast"
    process = subprocess.Popen(
        [str(command), "forecast", _quarterly_panel_csv(tmp_path), "--id-column", "State",
         "--model", "ridge", "--window", "8", "--horizon", "4"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().startswith("Takings: 3 series")
    process.stdout.close()   # the reader goes away before the forecasts
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0 and "Traceback" not in stderr, stderr


def test_an_output_that_is_a_folder_is_refused_before_training(capsys, tmp_path,
                                                                monkeypatch):
    import rnnforecast.io.cli as cli

    monkeypatch.setattr(cli, "backtest", lambda *a, **k: pytest.fail("trained"))
    with pytest.raises(SystemExit) as stop:
        main(["forecast", "--model", "ridge", "--output", str(tmp_path)])
    assert stop.value.code == 2
    assert "rnnforecast: error: --output" in capsys.readouterr().err


def test_a_csv_with_a_header_and_no_rows_is_a_message(capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("date,sales\n")
    with pytest.raises(SystemExit) as stop:
        main(["forecast", str(path), "--model", "ridge"])
    assert stop.value.code == 2
    assert "no rows of data" in capsys.readouterr().err


def test_series_ids_are_read_as_text(tmp_path):
    from rnnforecast.io.cli import read_series

    times = pd.date_range("2022-01-01", periods=3, freq="D").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"date": list(times) * 3, "store": ["007"] * 3 + ["7.0"] * 3
                          + ["7"] * 3, "sales": np.arange(9.0)})
    y, _ = read_series(_csv(tmp_path, frame), "date", "sales", id_column="store")
    assert sorted(y.index.get_level_values(0).unique()) == ["007", "7", "7.0"]
