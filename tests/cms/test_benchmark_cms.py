"""The CMS benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

from tests.benchmark_runs import run_benchmark, scratch_database_exists

REQUIRED = [
    "pages",
    "programme_page_ms_median",
    "programme_page_queries",
    "workspace_tools_ms_median",
    "workspace_tools_queries",
    "search_ms_median",
    "search_queries",
]


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its docstring says (it inherits DATABASE_URL)
    # When it builds a small tree
    figures, pid = run_benchmark("cms.py", "--pages", "20", "--repeat", "2")

    # Then it prints every figure, as numbers
    assert [name for name in REQUIRED if name not in figures] == []
    assert figures["pages"] == 20
    assert figures["programme_page_ms_median"] > 0 and figures["search_ms_median"] > 0
    assert figures["workspace_tools_ms_median"] > 0
    # And its scratch database (named after its process id) is gone
    assert not scratch_database_exists(pid)
