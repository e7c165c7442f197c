"""The regional benchmark runs end to end and reports its figures (no timing is asserted,
except that the comparison page's query count is the same for its two networks)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.db import connection

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRED = [
    "comparison_query_ms",
    "comparison_query_wall_ms",
    "comparison_page_ms_median",
    "comparison_page_queries",
    "comparison_page_queries_10",
    "refresh_single_ms",
    "nightly_refresh_s",
]
LINE = re.compile(r"^([a-z0-9_]+)=(-?\d+(?:\.\d+)?)$")


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its README says (it inherits DATABASE_URL)
    # When it builds three municipalities with small plans in one network
    process = subprocess.Popen(
        [
            sys.executable,
            "benchmarks/regional.py",
            "--municipalities",
            "3",
            "--milestones",
            "4",
            "--repeat",
            "2",
            "--refreshes",
            "2",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = process.communicate(timeout=600)

    # Then it succeeds and stdout holds only name=value lines with numbers
    assert process.returncode == 0, stderr[-3000:]
    figures = {}
    for line in stdout.strip().splitlines():
        match = LINE.match(line)
        assert match, f"not a name=value line: {line!r}"
        figures[match[1]] = float(match[2])
    assert [name for name in REQUIRED if name not in figures] == []
    assert figures["municipalities"] == 3
    assert figures["comparison_page_queries"] == figures["comparison_page_queries_10"]
    assert figures["refresh_single_ms"] > 0 and figures["nightly_refresh_s"] > 0
    # And its scratch database (named after its process id) is gone
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s",
            [f"samla_bench_{process.pid}"],
        )
        assert cursor.fetchone()[0] == 0
