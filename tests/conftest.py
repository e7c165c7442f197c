"""Shared fixtures: two municipalities from the seed plans, a user in each, API clients.

The test database, its template schema and the two municipality schemas are created
once per session (schemas are slow to make) and committed; each test then runs inside a
transaction that is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants.db import connection
from tenants.models import Municipality
from tenants.services import ensure_public_tenant, ensure_template, provision_municipality

PUBLIC_HOST = "localhost"
PASSWORD = "riktig-hest-batteri-stift"

SEED_MUNICIPALITIES = {
    "nordre-land": {"name": "Nordre Land", "org_number": "964950768", "county": "Innlandet"},
    "nesseby": {"name": "Unjárga/Nesseby", "org_number": "964994102", "county": "Finnmark"},
}


def host_of(municipality: Municipality) -> str:
    return f"{municipality.slug}.localhost"


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
) -> Iterator[None]:
    """The test database with the template and the seed municipalities, committed.

    Replaces pytest-django's fixture of this name, which creates the test database only
    when a collected test asks for `db`: the worker, browser, fuzz and concurrency tests
    work on committed data and do not, so `pytest -m worker` alone would otherwise write
    the seed municipalities into the database DATABASE_URL names.
    """
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            # Shaped as DiscoverRunner passes it (alias: serialize); only membership is read.
            aliases={"default": True},
            keepdb=keepdb,
        )
        ensure_public_tenant()
        ensure_template()
        for slug, fields in SEED_MUNICIPALITIES.items():
            if not Municipality.objects.filter(slug=slug).exists():
                provision_municipality(slug=slug, **fields)
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(db) -> Iterator[None]:
    connection.set_schema_to_public()
    cache.clear()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def nordre_land(db) -> Municipality:
    return Municipality.objects.get(slug="nordre-land")


@pytest.fixture
def nesseby(db) -> Municipality:
    return Municipality.objects.get(slug="nesseby")


def make_member(
    municipality: Municipality, username: str, role: str = MunicipalityRole.LEADER, **extra
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username)
    MunicipalityMembership.objects.create(user=user, municipality=municipality, role=role, **extra)
    return user


@pytest.fixture
def leader_a(nordre_land: Municipality) -> User:
    """Project leader in Nordre Land (municipality A)."""
    return make_member(nordre_land, "leder.nordre-land")


@pytest.fixture
def leader_b(nesseby: Municipality) -> User:
    """Project leader in Nesseby (municipality B)."""
    return make_member(nesseby, "leder.nesseby")


def client_for(host: str, user: User | None = None) -> Client:
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def api_client_for(host: str, token: str | None = None) -> APIClient:
    client = APIClient(HTTP_HOST=host)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client
