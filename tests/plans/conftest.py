"""Fixtures for the plans tests: the seed plans in their municipalities, users by role.

Plan rows live in a municipality's schema, so they are made inside `tenant_context`;
requests find the schema from their host, as in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django_tenants.utils import tenant_context
from knox.models import AuthToken
from rest_framework.test import APIClient

from samla.accounts.models import MunicipalityRole, User
from tenants.models import Municipality
from tenants.plans.models import Plan
from tests.conftest import api_client_for, host_of, make_member
from tests.plans.seeds import build_nesseby_plan, build_nordre_land_plan


@contextmanager
def inside(municipality: Municipality) -> Iterator[None]:
    """Run ORM code in the municipality's schema."""
    with tenant_context(municipality):
        yield


def api_as(user: User | None, municipality: Municipality) -> APIClient:
    """An API client on the municipality's host, with the user's token (None: anonymous)."""
    if user is None:
        return api_client_for(host_of(municipality))
    _instance, token = AuthToken.objects.create(user)
    return api_client_for(host_of(municipality), token)


@pytest.fixture
def editor_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "redaktor.nordre-land", role=MunicipalityRole.EDITOR)


@pytest.fixture
def viewer_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "leser.nordre-land", role=MunicipalityRole.VIEWER)


@pytest.fixture
def plan_a(nordre_land: Municipality, leader_a: User) -> Plan:
    """Nordre Land's plan from seed 000 (milestones, decisions, activities, risks, budget)."""
    with inside(nordre_land):
        return build_nordre_land_plan(nordre_land, leader_a)


@pytest.fixture
def plan_b(nesseby: Municipality, leader_b: User) -> Plan:
    """Nesseby's plan from seed 001 (its risk assessment)."""
    with inside(nesseby):
        return build_nesseby_plan(nesseby, leader_b)


@pytest.fixture
def leader_api(leader_a: User, nordre_land: Municipality) -> APIClient:
    return api_as(leader_a, nordre_land)
