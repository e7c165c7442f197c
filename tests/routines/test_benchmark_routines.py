"""The routines benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

from tests.benchmark_runs import run_benchmark, scratch_database_exists

REQUIRED = [
    "routines",
    "approved_routines",
    "routine_list_queries_small",
    "routine_list_ms_median",
    "routine_list_ms_p95",
    "routine_list_queries",
    "handbook_docx_ms",
    "handbook_docx_queries",
    "handbook_pdf_ms",
    "routine_list_cpu_ms_median",
    "handbook_docx_cpu_ms",
    "handbook_pdf_cpu_ms",
]


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its docstring says (it inherits DATABASE_URL)
    # When it builds a small municipality's routines
    figures, pid = run_benchmark(
        "routines.py", "--routines", "20", "--repeat", "2", "--handbook-repeat", "1", timeout=900
    )

    # Then it prints every figure, as numbers, without the review walk (not asked for)
    assert [name for name in REQUIRED if name not in figures] == []
    assert "review_dispatch_s" not in figures
    assert figures["routines"] == 20
    # Of every ten bulk-built routines one is a draft and one retired; three via services.
    assert figures["approved_routines"] == 18
    assert figures["routine_list_ms_median"] > 0 and figures["handbook_docx_ms"] > 0
    # The list's queries do not grow from 3 routines to 20
    assert figures["routine_list_queries"] == figures["routine_list_queries_small"]
    # And its scratch database (named after its process id) is gone
    assert not scratch_database_exists(pid)
