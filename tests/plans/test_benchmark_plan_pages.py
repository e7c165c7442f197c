"""The plan pages benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.db import connection

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES = ["overview", "gantt", "milestones_api", "docx_export"]
LINE = re.compile(r"^([a-z0-9_]+)=(-?\d+(?:\.\d+)?)$")


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its docstring says (it inherits DATABASE_URL)
    # When it measures a small plan a few times
    process = subprocess.Popen(
        [
            sys.executable, "benchmarks/plan_pages.py", "--milestones", "6", "--risks", "3",
            "--activities", "4", "--budget-lines", "4", "--repeat", "2", "--max-plan-repeat", "1",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    stdout, stderr = process.communicate(timeout=600)

    # Then it succeeds and stdout holds only name=value lines with numbers
    assert process.returncode == 0, stderr[-3000:]
    figures = {}
    for line in stdout.strip().splitlines():
        match = LINE.match(line)
        assert match, f"not a name=value line: {line!r}"
        figures[match[1]] = float(match[2])
    # with median, p95 and query count of every page
    for page in PAGES:
        for suffix in ("ms_median", "ms_p95", "queries"):
            assert f"{page}_{suffix}" in figures, (page, suffix, stdout)
        assert figures[f"{page}_ms_median"] > 0
        assert figures[f"{page}_queries"] > 0
    assert figures["plan_milestones"] == 6 and figures["repeat"] == 2
    # and the exports of the largest plan the bounds allow
    for name in ("docx_export_ms_max_plan", "pdf_export_ms_max_plan", "xlsx_export_ms_max_plan"):
        assert figures[name] > 0, (name, stdout)
    # And its scratch database (named after its process id) is gone
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s",
            [f"samla_bench_{process.pid}"],
        )
        assert cursor.fetchone()[0] == 0
