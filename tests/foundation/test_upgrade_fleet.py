"""Fleet upgrades (`tenants/upgrade.py`): behind schemas found with one query, the current
ones left alone, each behind schema migrated in its own transaction, the first failure
stopping the run with the municipality's name, and a rerun finishing the job.

The schemas are real: throwaway municipalities cloned from the template, committed (the
upgrade's threads work on connections of their own), removed afterwards. The migrations
to apply are generated ones adding a column to the plan table, in a temporary copy of the
plans app's migration package (`benchmarks.upgrade.extra_migrations`); only the scratch
schemas are upgraded with them, never the template or the seed municipalities.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from benchmarks.upgrade import extra_migrations
from tenants import upgrade
from tenants.db import connection
from tenants.models import Municipality
from tests.committed import provision_scratch, remove_scratch, scratch_slug

FIRST = ("upgrade_first", "models.IntegerField(default=0)")
SECOND = ("upgrade_second", "models.IntegerField(default=7)")


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: this test's DDL must be committed."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def scratch() -> Iterator[list[upgrade.TenantSchema]]:
    """Three throwaway municipalities, as the upgrade sees them (sorted by schema)."""
    slugs = sorted(scratch_slug("oppgr") for _ in range(3))
    try:
        made = [provision_scratch(slug) for slug in slugs]
        yield [upgrade.TenantSchema(m.schema_name, m.name) for m in made]
    finally:
        for slug in slugs:
            remove_scratch(slug)


def columns(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = 'plans_plan'",
            [schema],
        )
        return {row[0] for row in cursor.fetchall()}


def recorded(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return set(cursor.fetchall())


def catalogue(schema: str) -> list[tuple[str, str, int]]:
    """Every relation of the schema with its catalogue row version: DDL changes it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.xmin::text, c.relnatts FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s ORDER BY c.relname
            """,
            [schema],
        )
        return cursor.fetchall()


def migrated(schema: str, keys: list[tuple[str, str]]) -> bool:
    """Both generated columns and both rows are there (all), or none of them (False)."""
    has_columns = {FIRST[0], SECOND[0]} & columns(schema)
    has_rows = set(keys) & recorded(schema)
    assert (bool(has_columns), bool(has_rows)) in {(True, True), (False, False)}, schema
    if has_columns:
        assert has_columns == {FIRST[0], SECOND[0]} and has_rows == set(keys), schema
    return bool(has_columns)


def test_a_behind_schema_is_migrated_and_a_current_one_is_left_alone(scratch) -> None:
    behind, current, _other = scratch
    with extra_migrations([FIRST, SECOND]) as keys:
        # Given one municipality already upgraded to the generated migrations
        upgrade.upgrade_schemas([current])
        assert migrated(current.schema, keys)
        untouched = catalogue(current.schema)

        # When the upgrade runs over it and a municipality that lacks them
        outcome = upgrade.upgrade_schemas([behind, current], jobs=2)

        # Then only the behind one is migrated, with both columns and their rows
        assert outcome.migrated == [behind.schema]
        assert outcome.current == 1
        assert outcome.plans == 1
        assert migrated(behind.schema, keys)
        # And the current one saw no DDL: its catalogue rows are the same versions
        assert catalogue(current.schema) == untouched
        # And as Django adds a defaulted column: the default fills existing rows only
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_default FROM information_schema.columns WHERE table_schema = %s"
                " AND table_name = 'plans_plan' AND column_name = %s",
                [behind.schema, SECOND[0]],
            )
            assert cursor.fetchone() == (None,)

        # And a second run finds nothing to do
        again = upgrade.upgrade_schemas([behind, current])
        assert (again.migrated, again.current) == ([], 2)


def test_behind_schemas_are_found_with_one_query(scratch, nordre_land_schema) -> None:
    behind, current, other = scratch
    latest = max(n for app, n in MigrationLoader(None).disk_migrations if app == "plans")
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{behind.schema}".django_migrations'  # noqa: S608
            " WHERE app = 'plans' AND name = %s",
            [latest],
        )
    schemas = [behind, current, other, nordre_land_schema]
    expected = upgrade.expected_migrations()

    # When the upgrade looks for behind schemas among four
    with CaptureQueriesContext(connection) as queries:
        found = upgrade.find_behind(schemas, expected)

    # Then one query found the one behind and what it lacks
    assert len(queries) == 1
    assert found == {behind.schema: frozenset({("plans", latest)})}
    # And in batches of one schema, one query per schema (the batch size is the limit)
    with CaptureQueriesContext(connection) as queries:
        assert upgrade.find_behind(schemas, expected, batch=1) == found
    assert len(queries) == len(schemas)


@pytest.fixture
def nordre_land_schema(django_db_setup) -> upgrade.TenantSchema:
    seed = Municipality.objects.get(slug="nordre-land")
    return upgrade.TenantSchema(seed.schema_name, seed.name)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failure_stops_the_run_names_the_municipality_and_a_rerun_finishes(scratch, jobs) -> None:
    first, failing, last = scratch
    with extra_migrations([FIRST, SECOND]) as keys:
        # Given a municipality whose plan table already has the second migration's column
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{failing.schema}".plans_plan ADD {SECOND[0]} int')

        # When the upgrade runs over the three
        with pytest.raises(upgrade.UpgradeFailed) as failed:
            upgrade.upgrade_schemas(scratch, jobs=jobs)

        # Then it stops, naming the municipality, its schema and the migration
        error = failed.value
        assert error.municipality == failing
        assert error.migration == f"plans.{keys[1][1]}"
        assert failing.name in str(error) and failing.schema in str(error)
        assert "urørt" in str(error)
        # And the failing schema is untouched: not even the first migration's column
        assert FIRST[0] not in columns(failing.schema)
        assert not set(keys) & recorded(failing.schema)
        # And every other schema is fully migrated (done) or untouched (not started)
        for schema in (first, last):
            assert migrated(schema.schema, keys) == (schema.schema in error.done)
        assert sorted([*error.done, *error.not_started]) == sorted([first.schema, last.schema])
        if jobs == 1:
            assert (error.done, error.not_started) == ([first.schema], [last.schema])

        # When the operator fixes the cause and runs the upgrade again
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{failing.schema}".plans_plan DROP {SECOND[0]}')
        outcome = upgrade.upgrade_schemas(scratch, jobs=jobs)

        # Then it resumes: the schemas left are migrated, the finished ones skipped
        assert sorted(outcome.migrated) == sorted([failing.schema, *error.not_started])
        assert outcome.current == len(error.done)
        assert all(migrated(schema.schema, keys) for schema in scratch)


def test_a_migration_outside_a_transaction_is_refused_before_any_schema(scratch) -> None:
    with extra_migrations([FIRST], atomic=False) as keys:
        with pytest.raises(upgrade.PlanRefused, match="atomic = False"):
            upgrade.upgrade_schemas(scratch)
        assert not any(set(keys) & recorded(schema.schema) for schema in scratch)
        assert not any(FIRST[0] in columns(schema.schema) for schema in scratch)


def test_an_inconsistent_history_is_refused_naming_a_municipality(scratch) -> None:
    # Given a municipality whose record lacks a migration that a recorded one depends on
    broken = scratch[1]
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (parent,) = [
        key for key in loader.graph.node_map[("routines", "0001_initial")].parents
        if key[0] == "plans"
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{broken.schema}".django_migrations'  # noqa: S608
            " WHERE app = %s AND name = %s",
            list(parent),
        )
    before = [catalogue(schema.schema) for schema in scratch]

    # When the upgrade runs, then it refuses before touching any schema, naming it
    with pytest.raises(upgrade.PlanRefused) as refused:
        upgrade.upgrade_schemas(scratch)
    assert broken.name in str(refused.value) and "Ingen kommune er endret" in str(refused.value)
    assert [catalogue(schema.schema) for schema in scratch] == before


def drop_app_tables(schema: str, app: str) -> None:
    with connection.cursor() as cursor:
        for table in tables_of(schema, app):
            cursor.execute(f'DROP TABLE "{schema}"."{table}" CASCADE')


def test_samla_upgrade_stops_at_a_failing_municipality_and_resumes() -> None:
    """The command end to end, with the code's own migrations: two municipalities lack the
    record of an app's only migration (a leaf: nothing depends on it); one also lacks its
    tables, the other still has them, so creating them again fails there."""
    app = "template_adoptions"
    (migration,) = [n for a, n in MigrationLoader(None).disk_migrations if a == app]
    slugs = [scratch_slug("oppgr"), scratch_slug("oppgr")]
    try:
        broken, fine = (provision_scratch(slug) for slug in slugs)
        tables = tables_of(fine.schema_name, app)
        assert tables
        for municipality in (broken, fine):
            with connection.cursor() as cursor:
                cursor.execute(
                    f'DELETE FROM "{municipality.schema_name}".django_migrations'  # noqa: S608
                    " WHERE app = %s",
                    [app],
                )
        drop_app_tables(fine.schema_name, app)

        # When the deploy runs `samla upgrade`
        with pytest.raises(CommandError) as failed:
            call_command("upgrade", verbosity=0, jobs=1)

        # Then it stops naming the municipality and the migration; its schema is untouched
        message = str(failed.value)
        assert broken.name in message and f"{app}.{migration}" in message
        assert (app, migration) not in recorded(broken.schema_name)

        # When the operator removes the leftover tables and runs it again, it finishes
        drop_app_tables(broken.schema_name, app)
        call_command("upgrade", verbosity=0)
        for municipality in (broken, fine):
            assert (app, migration) in recorded(municipality.schema_name)
            assert tables_of(municipality.schema_name, app) == tables
    finally:
        for slug in slugs:
            remove_scratch(slug)


def tables_of(schema: str, app: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s"
            " ORDER BY tablename",
            [schema, f"{app}\\_%"],
        )
        return [row[0] for row in cursor.fetchall()]
