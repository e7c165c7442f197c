"""Running a benchmark script the way its README says, for the tests that check it end to end:
its `name=value` figures, and whether its scratch database outlived it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.db import connection

REPO_ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^([a-z0-9_]+)=(-?\d+(?:\.\d+)?)$")


def run_benchmark(script: str, *args: str, timeout: int = 600) -> tuple[dict[str, float], int]:
    """Run `benchmarks/<script>` (it inherits DATABASE_URL); assert it succeeds and prints
    only `name=value` lines with numbers; return the figures and the process id."""
    process = subprocess.Popen(
        [sys.executable, f"benchmarks/{script}", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr[-3000:]
    lines = stdout.strip().splitlines()
    assert lines
    figures = {}
    for line in lines:
        match = LINE.match(line)
        assert match, f"not a name=value line: {line!r}"
        figures[match[1]] = float(match[2])
    return figures, process.pid


def scratch_database_exists(pid: int) -> bool:
    """Whether the scratch database a benchmark names after its process id is still there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [f"samla_bench_{pid}"]
        )
        return bool(cursor.fetchone()[0])
