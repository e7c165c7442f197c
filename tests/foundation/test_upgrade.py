"""`samla upgrade` brings the template and every municipality that is behind up to date.

Given the template schema and two municipalities each one plans migration behind (rolled
back to the migration before the latest, with committed DDL), when `samla upgrade` runs,
then all three have every migration again. The municipalities are throwaway ones made for
this test; the template is put back by the upgrade itself (or, if the test fails, by
`ensure_template` afterwards), so the shared test database ends as it started.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from tenants import services
from tenants.db import connection
from tenants.models import Municipality
from tests.committed import provision_scratch, remove_scratch, scratch_slug

APP = "plans"


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: this test's DDL must be committed."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


def latest_and_previous(app: str) -> tuple[str, str]:
    """The app's latest migration and the one before it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (leaf,) = [name for label, name in loader.graph.leaf_nodes() if label == app]
    (parent,) = [
        name for label, name in loader.graph.node_map[(app, leaf)].parents if label == app
    ]  # the same app's (a migration may also depend on another app's)
    return leaf, parent


def applied(schema: str, app: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT name FROM "{schema}".django_migrations WHERE app = %s',  # noqa: S608
            [app],
        )
        return {row[0] for row in cursor.fetchall()}


def footprint() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        schemas = cursor.fetchone()[0]
    return Municipality.objects.count(), schemas


def migrate_back(schema: str, migration: str) -> None:
    call_command(
        "migrate_schemas", APP, migration, schema_name=schema, interactive=False, verbosity=0
    )
    connection.set_schema_to_public()


def test_upgrade_migrates_the_template_and_municipalities_that_are_one_behind() -> None:
    latest, previous = latest_and_previous(APP)
    slugs = [scratch_slug("oppgradering"), scratch_slug("oppgradering")]
    template = services.template_schema()
    before = footprint()
    try:
        # Given two municipalities and the template, each one plans migration behind
        schemas = [provision_scratch(slug).schema_name for slug in slugs]
        for schema in [template, *schemas]:
            migrate_back(schema, previous)
            assert latest not in applied(schema, APP)
        assert not services.template_is_current()

        # When the deploy runs `samla upgrade`
        call_command("upgrade", verbosity=0)

        # Then the template and both municipalities have every migration again
        expected = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        for schema in [template, *schemas]:
            assert latest in applied(schema, APP), schema
            assert expected <= services._recorded_migrations(schema), schema
        assert services.template_is_current()
        assert Municipality.objects.filter(slug__in=slugs).count() == 2
    finally:
        for slug in slugs:
            remove_scratch(slug)
        services.ensure_template()
        connection.set_schema_to_public()
    assert footprint() == before
