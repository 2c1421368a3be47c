"""Every Python snippet in README.md runs on its own."""

import re
import warnings
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_snippets():
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_snippet_runs_alone(index, capsys):
    with warnings.catch_warnings():
        # Snippets show calls, not warning handling: non-convergence of their
        # short fits and MAPE left out on temperatures near 0 °C are expected.
        warnings.simplefilter("ignore")
        exec(compile(SNIPPETS[index], f"README.md snippet {index}", "exec"), {})


def _parameter_table():
    """(names, estimator defaults, forecaster defaults) of each row of the
    README's parameter table, values as Python literals."""

    text = README.read_text()
    table = text[text.index("| parameter | default |"):].split("\n\n")[0].splitlines()[2:]
    for row in table:
        names, default, forecaster = [cell.strip() for cell in row.split("|")[1:4]]
        names = re.findall(r"`(\w+)`", names)
        # "`0.2` / `0.1`": the regressors' default, then the classifiers'.
        yield names, _literals(default.split(" / ")[0]), _literals(forecaster)


def _literals(cell):
    import ast

    values = []
    for text in re.findall(r"`([^`]+)`", cell):
        try:
            values.append(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            values.append(text)   # not a literal: compared as written
    return values


def test_the_parameter_table_gives_both_defaults():
    # Each row's second column is SimpleRNNRegressor()'s default and its third
    # what WindowForecaster's default network uses where that differs (blank
    # where it is the same): what users read must be what they get.
    from rnnforecast import SimpleRNNRegressor, default_rnn

    estimator, forecaster = SimpleRNNRegressor().get_params(), default_rnn().get_params()
    rows = list(_parameter_table())
    differs = {name for name in forecaster if forecaster[name] != estimator[name]}
    for names, default, in_forecaster in rows:
        if not set(names) <= set(estimator):
            continue   # classifier-only or gated-cell rows
        assert len(default) == len(names), names
        for name, value, *theirs in zip(names, default, in_forecaster or [None] * len(names)):
            assert value == estimator[name], (name, value, estimator[name])
            if name in differs:
                assert in_forecaster and theirs[0] == forecaster[name], (name, in_forecaster)
    covered = {name for names, _, in_forecaster in rows if in_forecaster for name in names}
    assert differs <= covered, differs - covered


def test_the_opening_commands_are_what_ci_runs():
    # .ci/run runs the first two bash blocks verbatim, each in a fresh venv:
    # the forecasting command on the bundled data, then the tests, installing
    # nothing beyond what they name.
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), re.S)
    forecast, tests = blocks[0].strip(), blocks[1].strip()
    assert "python3 -m venv .venv" in forecast and "rnnforecast forecast" in forecast
    assert 'pip install -e ".[test]"' in tests
    assert tests.endswith("python -m pytest tests rnnforecast --doctest-modules -n 2")
    ci = (README.parent / ".ci" / "run").read_text()
    assert "readme_command" in ci and 'bash -euo pipefail -c "$command"' in ci
