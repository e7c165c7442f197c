# ruff: noqa: F811 - the networks fixtures are imported, then used as parameters
"""Fixtures for the gatherings tests: the networks tests' two networks (X with Nordre Land,
Y with Nesseby, a coordinator each, an operator), a gathering of X with a grid task and a
scale task, and API clients."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from networks.gatherings import services
from networks.gatherings.models import Gathering, GroupTask
from samla.accounts.models import MunicipalityRole, User
from tests.conftest import make_member
from tests.networks.conftest import (  # noqa: F401 - fixtures
    coordinator_x,
    coordinator_y,
    municipality_api,
    network_x,
    network_y,
    operator,
    public_api,
)

GRID_ANSWER = {
    "satisfied": "Familiens hus samler tjenestene",
    "satisfied_why": "Kort vei mellom helsestasjon og barnevern",
    "improve": "Overgangen barnehage–skole",
    "improve_why": "Informasjon går tapt",
    "external": "Bufetat",
    "external_why": "Kompetanse på tiltak",
}


def soon(days: int = 0, hours: int = 0) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def gathering(network_x, coordinator_x) -> Gathering:
    """A two-day gathering of network X that is going on now, 10 seats."""
    return services.create_gathering(
        coordinator_x,
        network_x,
        {
            "title": "Stiklestad-samlingen",
            "starts_at": soon(hours=-2),
            "ends_at": soon(days=1),
            "place": "Stiklestad",
            "capacity": 10,
        },
    )


@pytest.fixture
def grid_task(gathering, coordinator_x) -> GroupTask:
    return services.create_task(
        coordinator_x,
        gathering,
        {"title": "Gruppeoppgave 1", "kind": "grid", "prompt": "Analysekrysset"},
    )


@pytest.fixture
def scale_task(gathering, coordinator_x) -> GroupTask:
    return services.create_task(
        coordinator_x, gathering, {"title": "Hvor godt samarbeider vi?", "kind": "scale"}
    )


@pytest.fixture
def editor_a(nordre_land) -> User:
    return make_member(nordre_land, "redaktor.nordre-land", MunicipalityRole.EDITOR)


@pytest.fixture
def viewer_a(nordre_land) -> User:
    return make_member(nordre_land, "leser.nordre-land", MunicipalityRole.VIEWER)
