"""Tasks that run inside one municipality's schema."""

from __future__ import annotations

from typing import Any

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
