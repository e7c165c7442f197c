"""One rule for tests that need something outside Python (Redis, Chromium, schemathesis).

Locally a missing tool skips the tests that need it, with the message saying how to get
it. In CI (`CI=true`, as CI services set it) it fails them instead: a green CI run must
mean that the worker, browser and fuzz tests ran, not that they were quietly skipped.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(message: str) -> NoReturn:
    """Fail the test under CI, skip it elsewhere; `message` says what is missing and why."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: required here, not skipped)", pytrace=False)
    pytest.skip(message)
