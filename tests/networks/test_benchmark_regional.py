"""The regional benchmark runs end to end and reports its figures (no timing is asserted,
except that the comparison page's query count is the same for its two networks)."""

from __future__ import annotations

from tests.benchmark_runs import run_benchmark, scratch_database_exists

REQUIRED = [
    "comparison_query_ms",
    "comparison_query_wall_ms",
    "comparison_page_ms_median",
    "comparison_page_queries",
    "comparison_page_queries_10",
    "refresh_single_ms",
    "nightly_refresh_s",
]


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its README says (it inherits DATABASE_URL)
    # When it builds three municipalities with small plans in one network
    figures, pid = run_benchmark(
        "regional.py",
        "--municipalities",
        "3",
        "--milestones",
        "4",
        "--repeat",
        "2",
        "--refreshes",
        "2",
    )

    # Then it prints every figure, as numbers
    assert [name for name in REQUIRED if name not in figures] == []
    assert figures["municipalities"] == 3
    assert figures["comparison_page_queries"] == figures["comparison_page_queries_10"]
    assert figures["refresh_single_ms"] > 0 and figures["nightly_refresh_s"] > 0
    # And its scratch database (named after its process id) is gone
    assert not scratch_database_exists(pid)
