"""The demo's indicators: three shared indicators with made-up values for the demo
municipalities, 2019–2024, loaded through the SSB CSV import from `fixtures/`.

The numbers are invented (each file's title line says so); the layout is SSB
Statistikkbanken's. Idempotent: an indicator is found by its source and id, and importing
a file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django_tenants.utils import tenant_context

from networks.indicators import services
from networks.indicators.models import Direction, Indicator, IndicatorValue, Source
from samla.accounts.models import User
from tenants.models import Municipality
from tenants.plans import services as plan_services
from tenants.plans.models import Goal, GoalLevel

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class DemoIndicator:
    name: str
    unit: str
    better: str
    source: str
    source_key: str
    description: str
    file: str


DEMO_INDICATORS = [
    DemoIndicator(
        "Trives på skolen (ungdomsskolen)",
        "prosent",
        Direction.HIGHER,
        Source.UNGDATA,
        "ungdata-trives-skolen",
        "Andel ungdomsskoleelever som trives på skolen (Ungdata). Demodata: oppdiktede tall.",
        "ungdata_trives.csv",
    ),
    DemoIndicator(
        "Andel barn 0–17 år med barnevernstiltak",
        "prosent",
        Direction.LOWER,
        Source.KOSTRA,
        "12262",
        "Barn med barnevernstiltak i forhold til innbyggere 0–17 år (KOSTRA, SSB-tabell "
        "12262). Demodata: oppdiktede tall.",
        "kostra_barnevern.csv",
    ),
    DemoIndicator(
        "Mobbing på skolen, 7. trinn",
        "prosent",
        Direction.LOWER,
        Source.UDIR,
        "elevundersokelsen-mobbing-7",
        "Andel elever på 7. trinn som blir mobbet (Udir, Elevundersøkelsen). "
        "Demodata: oppdiktede tall.",
        "udir_mobbing.csv",
    ),
]


# Steinkjer's main goal ("barn, unge og deres familier får rett hjelp til rett tid") follows
# KOSTRA's share of children with child-welfare measures.
DEMO_GOAL = ("steinkjer", "leder.steinkjer", "12262")


def link_demo_goal(
    municipality: Municipality, leader: AbstractBaseUser, indicator: Indicator
) -> Goal | None:
    """Link the first main goal of the municipality's plans to the indicator, through the
    plans' service, with the first value as its baseline and half a point better as its
    target; nothing when a goal there already links an indicator."""
    first = (
        IndicatorValue.objects.filter(indicator=indicator, municipality=municipality)
        .order_by("starts_on", "ends_on")
        .first()
    )
    if first is None:
        return None
    with tenant_context(municipality):
        if Goal.objects.filter(indicator__isnull=False).exists():
            return None
        goal = Goal.objects.filter(level=GoalLevel.MAIN).order_by("plan_id", "id").first()
        if goal is None:
            return None
        step = Decimal("0.5") if indicator.better == Direction.HIGHER else Decimal("-0.5")
        linked: Goal = plan_services.update_goal(
            municipality,
            goal,
            leader,
            {
                "indicator": indicator,
                "baseline": first.value.quantize(Decimal("0.01")),
                "target": (first.value + step).quantize(Decimal("0.01")),
                "unit": indicator.unit,
            },
            version=goal.version,
        )
        return linked


def load_demo_indicators(operator: AbstractBaseUser) -> list[Indicator]:
    """The demo's indicators and their values (imported as the operator), and one demo
    goal linked to one of them (`DEMO_GOAL`)."""
    loaded = []
    for demo in DEMO_INDICATORS:
        indicator = Indicator.objects.filter(source=demo.source, source_key=demo.source_key).first()
        if indicator is None:
            indicator = services.create_indicator(
                operator,
                {
                    "name": demo.name,
                    "unit": demo.unit,
                    "better": demo.better,
                    "source": demo.source,
                    "source_key": demo.source_key,
                    "description": demo.description,
                    "min_value": Decimal(0),
                    "max_value": Decimal(100),
                },
            )
        text = (FIXTURES / demo.file).read_text(encoding="utf-8")
        services.import_csv(operator, indicator, text)
        loaded.append(indicator)
    slug, username, key = DEMO_GOAL
    municipality = Municipality.objects.filter(slug=slug).first()
    leader = User.objects.filter(username=username).first()
    indicator = Indicator.objects.filter(source_key=key).first()
    if municipality is not None and leader is not None and indicator is not None:
        link_demo_goal(municipality, leader, indicator)
    return loaded
