"""The provisioning benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.db import connection

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRED = [
    "provision_s_median",
    "provision_s_p95",
    "provision_s_max",
    "provision_count",
    "migrate_provision_s_median",
    "migrate_provision_count",
    "speedup_x",
    "tenant_tables",
]
LINE = re.compile(r"^([a-z0-9_]+)=(-?\d+(?:\.\d+)?)$")


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its README says (it inherits DATABASE_URL)
    # When it provisions two municipalities Samla's way and one by migrations
    process = subprocess.Popen(
        [sys.executable, "benchmarks/provision.py", "--count", "2", "--migrate-count", "1"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = process.communicate(timeout=300)

    # Then it succeeds and stdout holds only name=value lines with numbers
    assert process.returncode == 0, stderr[-3000:]
    lines = stdout.strip().splitlines()
    assert lines
    figures = {}
    for line in lines:
        match = LINE.match(line)
        assert match, f"not a name=value line: {line!r}"
        figures[match[1]] = float(match[2])
    assert [name for name in REQUIRED if name not in figures] == []
    assert figures["provision_count"] == 2
    assert figures["migrate_provision_count"] == 1
    assert figures["tenant_tables"] > 0
    assert figures["provision_s_median"] > 0
    # And its scratch database (named after its process id) is gone
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s",
            [f"samla_bench_{process.pid}"],
        )
        assert cursor.fetchone()[0] == 0
