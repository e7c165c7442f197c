"""Two provisionings of the same municipality at the same moment leave exactly one.

Given two threads (each with its own database connection) released together, when both
provision a municipality with the same slug, or with the same organisation number under
different slugs, then one succeeds and the other is refused with a field error, and the
database holds one municipality, one host and one new schema: the loser's transaction,
schema included, was rolled back. The municipalities are throwaway ones, removed after.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tenants.db import connection
from tenants.models import Domain, Municipality
from tenants.services import provision_municipality
from tests.committed import remove_scratch, scratch_slug
from tests.numbers import org_number

WAIT_SECONDS = 60


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: each thread commits on its own connection."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


def schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def provision_at_once(requests: list[dict[str, str]]) -> list[Any]:
    """Each request in its own thread, released together: a Municipality or the exception."""
    start = threading.Barrier(len(requests))
    outcomes: list[Any] = [None] * len(requests)

    def provision(index: int) -> None:
        try:
            start.wait(timeout=WAIT_SECONDS)
            outcomes[index] = provision_municipality(**requests[index])
        except BaseException as exc:  # inspected by the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=provision, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert all(not thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.parametrize("clash", ["slug", "org_number"])
def test_concurrent_provisionings_of_one_municipality_leave_exactly_one(clash: str) -> None:
    first, second = scratch_slug("samtidig"), scratch_slug("samtidig")
    number = org_number()
    if clash == "slug":
        requests = [
            {"name": "Samtidig A", "slug": first, "org_number": number},
            {"name": "Samtidig B", "slug": first, "org_number": org_number()},
        ]
    else:
        requests = [
            {"name": "Samtidig A", "slug": first, "org_number": number},
            {"name": "Samtidig B", "slug": second, "org_number": number},
        ]
    schemas_before = schemas()
    try:
        # When both are provisioned at once
        outcomes = provision_at_once(requests)

        # Then one is made and the other is refused with a field error
        made = [o for o in outcomes if isinstance(o, Municipality)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert (len(made), len(refused)) == (1, 1), outcomes
        assert set(refused[0].message_dict) <= {"slug", "org_number"}
        # and the database holds one municipality, one host and one new schema
        connection.set_schema_to_public()
        rows = Municipality.objects.filter(slug__in=[first, second])
        assert list(rows.values_list("pk", flat=True)) == [made[0].pk]
        assert Domain.objects.filter(tenant__in=rows).count() == 1
        assert schemas() - schemas_before == {made[0].schema_name}
    finally:
        remove_scratch(first)
        remove_scratch(second)
    assert schemas() == schemas_before
