"""Fixtures for the routine library: Nordre Land (the source, with its seed routines) and
Nesseby (the adopter, with units of its own) in one network, Finnmark's; Nesseby alone
in another; users by role in Nesseby."""

from __future__ import annotations

from typing import Any

import pytest

from networks.models import LearningNetwork, Organiser
from samla.accounts.models import CoordinatorRole, MunicipalityRole, User
from tenants.models import Municipality
from tenants.routines.models import Routine, Unit, UnitKind
from tenants.routines.seeds import build_units
from tests.conftest import PASSWORD, make_member
from tests.plans.conftest import inside
from tests.routines import conftest as routine_fixtures

methods = routine_fixtures.methods
units_a = routine_fixtures.units_a
routines_a = routine_fixtures.routines_a
editor_a = routine_fixtures.editor_a
viewer_a = routine_fixtures.viewer_a

NESSEBY_UNITS: list[dict[str, Any]] = [
    {"name": "Barnehagen", "kind": UnitKind.KINDERGARTEN, "email": "barnehagen@nesseby.test"},
    {"name": "Nesseby oppvekstsenter", "kind": UnitKind.SCHOOL},
    {"name": "PPT Øst-Finnmark", "kind": UnitKind.PPT},
    {"name": "Helsestasjonen", "kind": UnitKind.HEALTH_CLINIC},
    {"name": "Barnevernet", "kind": UnitKind.CHILD_WELFARE},
]
# Nordre Land's names for the units of its first seed routine, onto Nesseby's names.
KINDERGARTEN_TO_SCHOOL = {
    "Barnehagene": "Barnehagen",
    "Torpa barne- og ungdomsskole": "Nesseby oppvekstsenter",
    "PPT": "PPT Øst-Finnmark",
}


@pytest.fixture
def finnmark(nordre_land: Municipality, nesseby: Municipality) -> LearningNetwork:
    """The network both municipalities belong to."""
    network = LearningNetwork.objects.create(
        name="0–24 Finnmark", slug="0-24-finnmark", organiser=Organiser.COUNTY_GOVERNOR
    )
    network.municipalities.add(nordre_land, nesseby)
    return network


@pytest.fixture
def nesseby_only(nesseby: Municipality) -> LearningNetwork:
    """A network of Nesseby's that Nordre Land is not in."""
    network = LearningNetwork.objects.create(
        name="Sámi oppvekst", slug="sami-oppvekst", organiser=Organiser.KS
    )
    network.municipalities.add(nesseby)
    return network


@pytest.fixture
def coordinator(finnmark: LearningNetwork) -> User:
    user = User.objects.create_user(username="koordinator.finnmark", password=PASSWORD)
    CoordinatorRole.objects.create(user=user, network=finnmark)
    return user


@pytest.fixture
def units_b(nesseby: Municipality, leader_b: User) -> dict[str, Unit]:
    with inside(nesseby):
        return build_units(nesseby, leader_b, NESSEBY_UNITS)


@pytest.fixture
def editor_b(nesseby: Municipality) -> User:
    return make_member(nesseby, "redaktor.nesseby", role=MunicipalityRole.EDITOR)


@pytest.fixture
def viewer_b(nesseby: Municipality) -> User:
    return make_member(nesseby, "leser.nesseby", role=MunicipalityRole.VIEWER)


@pytest.fixture
def approved_a(routines_a: list[Routine]) -> Routine:
    """Nordre Land's approved routine "Overgang fra barnehage til skole"."""
    return routines_a[0]


@pytest.fixture
def draft_a(routines_a: list[Routine]) -> Routine:
    """Nordre Land's routine that is still a draft."""
    return routines_a[2]


def mapping_b(units_b: dict[str, Unit]) -> dict[str, int]:
    return {source: units_b[own].pk for source, own in KINDERGARTEN_TO_SCHOOL.items()}
