"""Fixtures for the routines tests: Nordre Land's units and routines (seed 000), users by role.

Units and routines live in the municipality's schema, so they are made inside it
(`inside`); requests find the schema from their host, as in production.
"""

from __future__ import annotations

import datetime

import pytest

from cms.models import CollaborationMethod
from samla.accounts.models import MunicipalityRole, User
from tenants.models import Municipality
from tenants.routines.models import Routine, Unit
from tenants.routines.seeds import NORDRE_LAND_UNITS, build_nordre_land_routines, build_units
from tests.conftest import make_member
from tests.plans.conftest import inside


@pytest.fixture
def methods(db) -> list[CollaborationMethod]:
    """The catalogue's methods the seed routines name (public schema)."""
    return [
        CollaborationMethod.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in (
            ("ansvarsgruppe", "Ansvarsgruppe"),
            ("bti", "BTI – Bedre tverrfaglig innsats"),
            ("stafettlogg", "Stafettlogg"),
        )
    ]


@pytest.fixture
def units_a(nordre_land: Municipality, leader_a: User) -> dict[str, Unit]:
    with inside(nordre_land):
        return build_units(nordre_land, leader_a, NORDRE_LAND_UNITS)


@pytest.fixture
def routines_a(
    nordre_land: Municipality, leader_a: User, units_a: dict[str, Unit], methods
) -> list[Routine]:
    """Two approved routines and one draft (seed 000's collaboration routines)."""
    with inside(nordre_land):
        return build_nordre_land_routines(nordre_land, leader_a)


@pytest.fixture
def editor_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "redaktor.nordre-land", role=MunicipalityRole.EDITOR)


@pytest.fixture
def viewer_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "leser.nordre-land", role=MunicipalityRole.VIEWER)


@pytest.fixture
def consultant_a(nordre_land: Municipality) -> User:
    return make_member(
        nordre_land,
        "konsulent.nordre-land",
        role=MunicipalityRole.CONSULTANT,
        valid_until=datetime.date.today() + datetime.timedelta(days=30),
    )
