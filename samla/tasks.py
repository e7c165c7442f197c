"""How Samla sends Celery tasks that belong to one municipality.

A task sent with `send_for_municipality` carries the municipality's schema both in the
tenant-schemas-celery header (which switches the worker's connection) and as its first
argument; `MunicipalityTask` refuses to run unless the two agree and are not the public
schema. A missing header would otherwise silently run the task in the public schema.
A task for a municipality that was deleted (or purged) after it was sent does nothing:
the municipality is out of service, and a purged one has no schema left.
"""

from __future__ import annotations

import logging
from typing import Any

from celery.result import AsyncResult, EagerResult
from django.db import transaction
from django_tenants.utils import get_public_schema_name, tenant_context
from tenant_schemas_celery.task import TenantTask

from samla.celery import app
from tenants.db import connection
from tenants.models import Municipality

logger = logging.getLogger(__name__)


class TenantRequired(RuntimeError):
    """A municipality task ran without (or in the wrong) municipality schema."""


class MunicipalityTask(TenantTask):
    abstract = True

    def __call__(self, schema_name: str, *args: Any, **kwargs: Any) -> Any:
        current = connection.schema_name
        if current == get_public_schema_name() or current != schema_name:
            raise TenantRequired(f"{self.name} must run in schema {schema_name!r}, not {current!r}")
        if not Municipality.objects.live().filter(schema_name=schema_name).exists():
            logger.info("%s skipped: %s is deleted", self.name, schema_name)
            return None
        return super().__call__(schema_name, *args, **kwargs)


def municipality_task(**options: Any) -> Any:
    """Declare a task that runs inside one municipality's schema."""
    return app.task(base=MunicipalityTask, **options)


def _send(municipality: Municipality, task: Any, args: tuple[Any, ...]) -> AsyncResult[Any]:
    schema = municipality.schema_name
    with tenant_context(municipality):
        result: AsyncResult[Any] = task.apply_async(
            args=(schema, *args), headers={"_schema_name": schema}
        )
    return result


def send_for_municipality(municipality: Municipality, task: Any, *args: Any) -> None:
    """Send the task when the current transaction commits; never if it rolls back."""
    transaction.on_commit(lambda: _send(municipality, task, args))


def run_for_municipality(municipality: Municipality, task: Any, *args: Any) -> Any:
    """Run the task here and now in the municipality's schema, and return its result."""
    schema = municipality.schema_name
    with tenant_context(municipality):
        result: EagerResult[Any] = task.apply(
            args=(schema, *args), headers={"_schema_name": schema}
        )
    return result.get()
