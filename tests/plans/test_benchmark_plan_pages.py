"""The plan pages benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

from tests.benchmark_runs import run_benchmark, scratch_database_exists

PAGES = ["overview", "gantt", "milestones_api", "docx_export"]


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its docstring says (it inherits DATABASE_URL)
    # When it measures a small plan a few times
    figures, pid = run_benchmark(
        "plan_pages.py", "--milestones", "6", "--risks", "3", "--activities", "4",
        "--budget-lines", "4", "--repeat", "2", "--max-plan-repeat", "1",
    )  # fmt: skip

    # Then it prints, as numbers, the median, p95 and query count of every page
    for page in PAGES:
        for suffix in ("ms_median", "ms_p95", "queries"):
            assert f"{page}_{suffix}" in figures, (page, suffix, figures)
        assert figures[f"{page}_ms_median"] > 0
        assert figures[f"{page}_queries"] > 0
    assert figures["plan_milestones"] == 6 and figures["repeat"] == 2
    # and the exports of the largest plan the bounds allow
    for name in ("docx_export_ms_max_plan", "pdf_export_ms_max_plan", "xlsx_export_ms_max_plan"):
        assert figures[name] > 0, (name, figures)
    # And its scratch database (named after its process id) is gone
    assert not scratch_database_exists(pid)
