"""Billing tests that need the database: consultancies, their members and packages.

tests/billing/conftest.py replaces the suite's autouse database fixture for the pure
tests beside it (money, KID, EHF); this folder puts the database back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from billing.models import Consultancy, Package
from billing.services import packages as services
from samla.accounts.models import ConsultancyMembership, PlatformOperator, User
from tenants.db import connection
from tests.billing.conftest import ACCOUNT
from tests.conftest import PASSWORD
from tests.numbers import org_number


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(db: None) -> Iterator[None]:
    connection.set_schema_to_public()
    cache.clear()
    yield
    connection.set_schema_to_public()


def make_user(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, first_name=username)


def make_consultancy(slug: str, name: str, number: str, **fields: Any) -> Consultancy:
    # An address: an invoice names the seller's (bokføringsforskriften § 5-1-1).
    fields = {"street": "Markens gate 1", "postcode": "4611", "city": "Kristiansand", **fields}
    return Consultancy.objects.create(
        slug=slug,
        name=name,
        legal_name=f"{name} AS",
        org_number=org_number(number),
        bank_account=ACCOUNT,
        **fields,
    )


@pytest.fixture
def sor() -> Consultancy:
    return make_consultancy("samarbeid-sor", "Samarbeid Sør", "91234568", kid_prefix="17")


@pytest.fixture
def ks() -> Consultancy:
    return make_consultancy("ks-konsulent", "KS-Konsulent", "92345679", kid_prefix="18")


@pytest.fixture
def sor_member(sor: Consultancy) -> User:
    user = make_user("konsulent.sor")
    ConsultancyMembership.objects.create(user=user, consultancy=sor)
    return user


@pytest.fixture
def ks_member(ks: Consultancy) -> User:
    user = make_user("konsulent.ks")
    ConsultancyMembership.objects.create(user=user, consultancy=ks)
    return user


@pytest.fixture
def operator() -> User:
    user = make_user("drift")
    PlatformOperator.objects.create(user=user)
    return user


def items() -> list[dict[str, Any]]:
    """Four lines: two exempt training days, two leadership gatherings, supervision hours."""
    return [
        {"kind": "training_day", "quantity": "2", "unit_price": "18500.00", "schedule_week": 4},
        {
            "kind": "leadership_gathering",
            "name": "Ledersamling 1: Leder som menneske",
            "quantity": "2",
            "unit_price": "18500.00",
            "schedule_week": 1,
        },
        {
            "kind": "network_leader_supervision",
            "quantity": "7.5",
            "unit_price": "1450.55",
            "schedule_week": 8,
        },
        {"kind": "website", "quantity": "1", "unit_price": "12000.00", "schedule_week": 2},
    ]


def make_package(
    user: User, consultancy: Consultancy, *, publish: bool = True, **fields: Any
) -> Package:
    data: dict[str, Any] = {
        "title": "Helhetlig innsats",
        "duration_weeks": 52,
        "items": items(),
        **fields,
    }
    package = services.create_package(user, consultancy, data)
    if publish:
        package = services.publish_package(user, package, version=package.version)
    return package


@pytest.fixture
def sor_package(sor_member: User, sor: Consultancy) -> Package:
    return make_package(sor_member, sor)


@pytest.fixture
def sor_draft(sor_member: User, sor: Consultancy) -> Package:
    return make_package(sor_member, sor, publish=False, title="Utkast")


@pytest.fixture
def ks_draft(ks_member: User, ks: Consultancy) -> Package:
    return make_package(ks_member, ks, publish=False, title="KS-utkast")
