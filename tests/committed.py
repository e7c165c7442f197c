"""Scratch municipalities for tests that need committed data (other connections see it).

Most tests run in a transaction that is rolled back. Tests of what several connections or
processes do at once (a real worker, concurrent edits, concurrent provisioning, upgrades
that run DDL per schema) need committed rows instead: they make a throwaway municipality
here and remove it, its schema and its users afterwards, also when the test fails.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache

from samla.accounts.models import User
from tenants.db import connection
from tenants.models import Municipality
from tenants.services import provision_municipality
from tenants.validators import schema_name_for
from tests.numbers import org_number


@contextmanager
def committed_data(django_db_blocker: Any) -> Iterator[None]:
    """What a test module's `_public_schema_and_clean_cache` does instead of the suite's
    per-test transaction: the database unblocked, the public schema, an empty cache; rows
    are committed, so other connections and processes see them."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        cache.clear()
        yield
        connection.set_schema_to_public()


def scratch_slug(prefix: str) -> str:
    """A slug no other test or run uses: `prefix` and six random hex digits."""
    return f"{prefix}-{secrets.token_hex(3)}"


def provision_scratch(slug: str) -> Municipality:
    connection.set_schema_to_public()
    return provision_municipality(name=f"Test {slug}", slug=slug, org_number=org_number())


def remove_scratch(slug: str, usernames: tuple[str, ...] = ()) -> None:
    """Delete the municipality (and its schema, even one left without a row) and the users."""
    connection.set_schema_to_public()
    for municipality in Municipality.objects.filter(slug=slug):
        municipality.delete(force_drop=True)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name_for(slug)}" CASCADE')
    User.objects.filter(username__in=usernames).delete()
