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

from networks.indicators import services
from networks.indicators.models import Direction, Indicator, Source

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


def load_demo_indicators(operator: AbstractBaseUser) -> list[Indicator]:
    """The demo's indicators and their values (imported as the operator)."""
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
    return loaded
