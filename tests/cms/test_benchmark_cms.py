"""The CMS benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from django.db import connection

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRED = [
    "pages",
    "programme_page_ms_median",
    "programme_page_queries",
    "search_ms_median",
    "search_queries",
]
LINE = re.compile(r"^([a-z0-9_]+)=(-?\d+(?:\.\d+)?)$")


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its docstring says (it inherits DATABASE_URL)
    # When it builds a small tree
    process = subprocess.Popen(
        [sys.executable, "benchmarks/cms.py", "--pages", "20", "--repeat", "2"],
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
    assert figures["pages"] == 20
    assert figures["programme_page_ms_median"] > 0 and figures["search_ms_median"] > 0
    from django.urls import Resolver404, resolve

    try:
        resolve("/verktoy/", urlconf="samla.urls_tenant")
    except Resolver404:
        assert "workspace_tools_ms_median" not in figures
    else:
        assert figures["workspace_tools_ms_median"] > 0
        assert "workspace_tools_queries" in figures
    # And its scratch database (named after its process id) is gone
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s",
            [f"samla_bench_{process.pid}"],
        )
        assert cursor.fetchone()[0] == 0
