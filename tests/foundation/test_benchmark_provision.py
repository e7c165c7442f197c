"""The provisioning benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

from tests.benchmark_runs import run_benchmark, scratch_database_exists

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


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its README says (it inherits DATABASE_URL)
    # When it provisions two municipalities Samla's way and one by migrations
    figures, pid = run_benchmark(
        "provision.py", "--count", "2", "--migrate-count", "1", timeout=300
    )

    # Then it prints every figure, as numbers
    assert [name for name in REQUIRED if name not in figures] == []
    assert figures["provision_count"] == 2
    assert figures["migrate_provision_count"] == 1
    assert figures["tenant_tables"] > 0
    assert figures["provision_s_median"] > 0
    # And its scratch database (named after its process id) is gone
    assert not scratch_database_exists(pid)
