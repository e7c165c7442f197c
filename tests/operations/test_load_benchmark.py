"""The load benchmark runs end to end against the real stack and reports its figures.

A smoke run of `benchmarks/load.py` (four people for 15 s) as its README says: a scratch
database, `samla upgrade` and the demo, the stack of the `Procfile` under honcho (gunicorn,
a Celery worker and beat on the Redis in CELERY_TEST_BROKER_URL), Locust headless. No
timing is asserted (the 60-person figures are in benchmarks/README.md); what is asserted is
that every figure is printed as a number, that requests were made and none failed, and that
the scratch database is gone afterwards.
"""

from __future__ import annotations

import os

import pytest

from tests.benchmark_runs import run_benchmark, scratch_database_exists
from tests.gates import unavailable

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")
FIGURES = ["load_rps", "load_p95_ms", "load_p99_ms", "load_errors"]


@pytest.mark.worker
def test_load_benchmark_prints_its_figures_without_errors(db):
    if not BROKER_URL:
        unavailable(
            "CELERY_TEST_BROKER_URL is not set, so the stack has no broker "
            "(.ci/run sets it when Redis answers on 127.0.0.1:6379)"
        )
    # Given the benchmark run as its README says, on the test's Redis (it inherits
    # DATABASE_URL: its scratch database goes on the same server)
    # When four people use Samla for 15 seconds
    figures, pid = run_benchmark(
        "load.py", "--users", "4", "--run-time", "15s", "--broker", BROKER_URL, timeout=300
    )

    # Then the four figures are printed, as numbers
    assert [name for name in FIGURES if name not in figures] == []
    # And requests were made, every one answered as expected
    assert figures["load_requests"] > 0
    assert figures["load_errors"] == 0
    assert figures["load_users"] == 4
    assert figures["load_rps"] > 0
    assert 0 < figures["load_p95_ms"] <= figures["load_p99_ms"]
    assert figures["load_duration_s"] >= 10
    # And its scratch database (named after its process id) is gone
    assert not scratch_database_exists(pid)
