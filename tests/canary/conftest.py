"""The canary stations (tests/canary/world.py) as a fixture, and the checks' count in the run's summary."""

from __future__ import annotations

import pytest

SUMMARY = pytest.StashKey[list]()


@pytest.fixture
def canaries(world):
    from tests.canary.world import build_canaries

    return build_canaries(world)


@pytest.fixture
def report_canary_run(request, record_property):
    """Call with a finished run: its count goes to the terminal summary and to the JUnit properties."""

    def report(run, label: str = "") -> None:
        line = f"{label}{run.summary()}"
        print(line)
        record_property("canary_checks", run.count)
        lines = request.config.stash.setdefault(SUMMARY, [])
        lines.append(f"{request.node.nodeid}: {line}")
        lines.extend(f"  leak: {leak}" for leak in run.leaks)

    return report


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.section("canary")
        for line in lines:
            terminalreporter.write_line(line)
