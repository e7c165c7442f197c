"""The upgrade benchmark runs end to end and reports its figures (no timing is asserted)."""

from __future__ import annotations

from pathlib import Path

from tests.benchmark_runs import run_benchmark, scratch_database_exists

REQUIRED = [
    "upgrade_noop_s",
    "upgrade_addfield_s",
    "upgrade_noop_s_standard",
    "upgrade_addfield_s_standard",
    "municipalities_count",
    "addfield_schemas_count",
    "addfield_schemas_count_standard",
]


def test_benchmark_prints_its_figures_and_drops_its_database(db):
    # Given the benchmark script, run the way its README says (it inherits DATABASE_URL)
    # When it upgrades two municipalities both ways
    figures, pid = run_benchmark("upgrade.py", "--municipalities", "2", timeout=600)

    # Then it prints every figure, as numbers
    assert [name for name in REQUIRED if name not in figures] == []
    assert figures["municipalities_count"] == 2
    # And each generated column reached both municipalities and the template
    assert figures["addfield_schemas_count"] == 3
    assert figures["addfield_schemas_count_standard"] == 3
    assert figures["upgrade_noop_s"] > 0
    # And its scratch database (named after its process id) is gone
    assert not scratch_database_exists(pid)
    # And no generated migration was left in the repository
    migrations = Path(__file__).resolve().parents[2] / "tenants" / "plans" / "migrations"
    assert not list(migrations.glob("9*_add_bench_*.py"))
