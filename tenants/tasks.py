"""Tasks of the municipality registry: a schema check inside one municipality's schema, and
the daily purge of deleted municipalities past their retention period."""

from __future__ import annotations

from typing import Any

from samla.celery import app
from samla.tasks import municipality_task
from tenants.db import connection
from tenants.models import SchemaCheck
from tenants.services import template_schema


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


@municipality_task(name="tenants.check_schema")
def check_schema(schema_name: str) -> dict[str, Any]:
    """Compare the municipality's tables with the template's; record and return the result."""
    missing = sorted(_tables(template_schema()) - _tables(schema_name))
    check = SchemaCheck.objects.create(
        municipality=connection.tenant, schema_name=schema_name, missing_tables=missing
    )
    return {"id": check.pk, "schema": schema_name, "missing_tables": missing}


@app.task(name="tenants.purge_due_municipalities")
def purge_due_municipalities() -> dict[str, Any]:
    """Daily: drop the schemas of deleted municipalities whose retention period has passed,
    and remove the tombstones whose bookkeeping period has ended (tenants/lifecycle.py);
    runs in the public schema, one transaction per municipality."""
    from tenants.lifecycle import purge_due_municipalities as purge_due
    from tenants.lifecycle import remove_expired_tombstones

    connection.set_schema_to_public()
    # Tombstones first: one purged today stays at least until tomorrow's run.
    removed = remove_expired_tombstones()
    return {"purged": purge_due(), "removed": removed}
