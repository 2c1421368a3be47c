import os
from collections import Counter

import pytest

# Lets scikit-learn's array-API check run instead of skipping; must be set
# before scipy is imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# How many cases the reliability tests tried, by promise; printed at the end
# of the run (tests/README.md says which test counts what).
CASES_TRIED = Counter()


def pytest_sessionfinish(session):
    # Under pytest-xdist each worker counts its own tests and hands its
    # counts to the controller, which prints the sum.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["cases_tried"] = dict(CASES_TRIED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    CASES_TRIED.update(getattr(node, "workeroutput", {}).get("cases_tried", {}))


def pytest_terminal_summary(terminalreporter):
    if CASES_TRIED:
        terminalreporter.write_sep("-", "cases tried by the reliability tests")
        for promise, count in sorted(CASES_TRIED.items()):
            terminalreporter.write_line(f"{count:6d}  {promise}")
