"""Foundation test helpers: a failing test that used the real Celery worker shows its log."""

from __future__ import annotations

from collections.abc import Generator

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    worker = getattr(item, "funcargs", {}).get("real_worker")
    if report.failed and worker is not None:
        report.sections.append(("celery worker log", worker.log_text()))
    return report
