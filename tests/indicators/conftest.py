"""Fixtures for the indicator tests: the two seed municipalities with their real numbers,
the networks tests' networks and users, an indicator and the SSB fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest

from networks.indicators.models import Direction, Indicator, Source
from tenants.models import Municipality
from tests.networks.conftest import (  # noqa: F401 - fixtures shared with the networks tests
    coordinator_x,
    coordinator_y,
    network_x,
    network_y,
    operator,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def numbered(nordre_land: Municipality, nesseby: Municipality) -> None:
    """The seed municipalities' real numbers (kommunenummer), for this test only."""
    Municipality.objects.filter(pk=nordre_land.pk).update(number="3448")
    Municipality.objects.filter(pk=nesseby.pk).update(number="5636")
    nordre_land.number, nesseby.number = "3448", "5636"


@pytest.fixture
def barnevern() -> Indicator:
    return Indicator.objects.create(
        name="Andel barn 0–17 år med barnevernstiltak",
        unit="prosent",
        better=Direction.LOWER,
        source=Source.KOSTRA,
        source_key="12262",
        min_value=0,
        max_value=100,
    )


def bare_municipality(slug: str, number: str) -> Municipality:
    """A municipality row without a schema: enough for values and memberships (public)."""
    return Municipality.objects.create(
        schema_name=f"ind_{slug.replace('-', '_')}",
        name=slug.replace("-", " ").title(),
        slug=slug,
        org_number=f"9{number}0000",
        number=number,
    )
