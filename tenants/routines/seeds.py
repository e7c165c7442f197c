"""The units and routines the seed plans name, for the demo and the tests' fixtures.

Nordre Land (seed 000) sets out to agree "samhandlingsrutiner/-avtaler" between its
health clinic, kindergartens, schools, PPT, child welfare, NAV and mental health services
(HA08, MP4, BP2), as part of the units' internal control. The leaders' names are the ones
the plan's project organisation lists. Written through the services, so the demo and the
tests hold every rule a user's edit would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from tenants.models import Municipality
from tenants.routines import services
from tenants.routines.models import Routine, Unit, UnitKind

NORDRE_LAND_UNITS: list[dict[str, Any]] = [
    {"name": "Helsestasjonen", "kind": UnitKind.HEALTH_CLINIC, "leader_name": "Tove Lillejordet"},
    {"name": "Barnehagene", "kind": UnitKind.KINDERGARTEN, "leader_name": "Camilla Gjerdalen"},
    {"name": "Torpa barne- og ungdomsskole", "kind": UnitKind.SCHOOL},
    {"name": "Nordre Land ungdomsskole", "kind": UnitKind.SCHOOL},
    {"name": "PPT", "kind": UnitKind.PPT, "leader_name": "Laila Gladbakke"},
    {"name": "Barneverntjenesten", "kind": UnitKind.CHILD_WELFARE,
     "leader_name": "Inger Ellen Ulsaker"},
    {"name": "NAV Nordre Land", "kind": UnitKind.NAV},
    {"name": "Psykisk helse og rus", "kind": UnitKind.MENTAL_HEALTH},
]  # fmt: skip

# Each routine: its content with units by name, and whether it is approved (and when).
NORDRE_LAND_ROUTINES: list[dict[str, Any]] = [
    {
        "title": "Overgang fra barnehage til skole",
        "kind": "routine",
        "purpose": "Sikre at barn som trenger det får en trygg overgang, med informasjon "
        "som foreldrene har samtykket til å dele.",
        "level": "individual",
        "bti_levels": [1, 2],
        "owner_unit": "Barnehagene",
        "units": ["Barnehagene", "Torpa barne- og ungdomsskole", "PPT"],
        "methods": ["ansvarsgruppe"],
        "internal_control_area": "Oppvekst",
        "review_interval_months": 12,
        "steps": [
            ("Barnehagen innhenter samtykke fra foreldrene til overføringsmøte.",
             "Barnehagene", "Innen 1. februar"),
            ("Overføringsmøte med foreldre, barnehage og skole.",
             "Torpa barne- og ungdomsskole", "Innen 1. april"),
            ("PPT deltar der barnet har vedtak om spesialpedagogisk hjelp.", "PPT", "Ved behov"),
        ],
        "approved_on": datetime.date(2018, 3, 20),
        "approved_by": "Styringsgruppa",
    },
    {
        "title": "Samarbeid mellom helsestasjon og barnevern ved bekymring",
        "kind": "agreement",
        "purpose": "Tydelig ansvar og rolleavklaring når helsestasjonen er bekymret for et "
        "barn: når man drøfter anonymt, når man melder, og hvem som følger opp.",
        "level": "system",
        "bti_levels": [0, 1, 2, 3],
        "owner_unit": "Helsestasjonen",
        "units": ["Helsestasjonen", "Barneverntjenesten"],
        "methods": ["bti", "stafettlogg"],
        "internal_control_area": "Helse og omsorg",
        "review_interval_months": 24,
        "steps": [
            ("Anonym drøfting i fagteam.", "Helsestasjonen", "Innen en uke etter bekymring"),
            ("Melding til barneverntjenesten når vilkårene er oppfylt.", "Helsestasjonen",
             "Straks"),
            ("Tilbakemelding til melder om at meldingen er mottatt.", "Barneverntjenesten",
             "Innen tre uker"),
        ],
        "approved_on": datetime.date(2018, 4, 1),
        "approved_by": "Styringsgruppa",
    },
    {
        "title": "Samarbeid med NAV om familier med lav inntekt",
        "kind": "routine",
        "purpose": "NAV og barneverntjenesten samarbeider om tiltak for barn i familier "
        "med vedvarende lav inntekt.",
        "level": "system",
        "bti_levels": [2, 3],
        "owner_unit": "NAV Nordre Land",
        "units": ["NAV Nordre Land", "Barneverntjenesten"],
        "methods": [],
        "internal_control_area": "Velferd",
        "review_interval_months": 12,
        "steps": [
            ("Felles møte hvert kvartal om familier som mottar sosialhjelp over tid.",
             "NAV Nordre Land", "Kvartalsvis"),
        ],
        "approved_on": None,
        "approved_by": "",
    },
]  # fmt: skip


def routine_data(spec: dict[str, Any], units: dict[str, Unit]) -> dict[str, Any]:
    """A seed routine as `create_routine` takes it (units by id; only known methods)."""
    from cms.models import CollaborationMethod

    known = set(CollaborationMethod.objects.values_list("slug", flat=True))
    return {
        "title": spec["title"],
        "kind": spec["kind"],
        "purpose": spec["purpose"],
        "level": spec["level"],
        "bti_levels": spec["bti_levels"],
        "owner_unit": units[spec["owner_unit"]].pk,
        "units": [units[name].pk for name in spec["units"]],
        "methods": [slug for slug in spec["methods"] if slug in known],
        "internal_control_area": spec["internal_control_area"],
        "review_interval_months": spec["review_interval_months"],
        "steps": [
            {"action": action, "responsible_unit": units[unit].pk, "timing": timing}
            for action, unit, timing in spec["steps"]
        ],
    }


def build_units(
    tenant: Municipality, user: AbstractBaseUser, specs: list[dict[str, Any]]
) -> dict[str, Unit]:
    """The units (call inside the municipality's schema); existing names are kept."""
    units = {unit.name: unit for unit in Unit.objects.all()}
    for order, spec in enumerate(specs, start=1):
        if spec["name"] not in units:
            units[spec["name"]] = services.create_unit(tenant, user, {**spec, "order": order})
    return units


def build_routines(
    tenant: Municipality,
    user: AbstractBaseUser,
    units: dict[str, Unit],
    specs: list[dict[str, Any]],
) -> list[Routine]:
    """The routines, each approved when its spec says so (`user` must lead the municipality)."""
    made = []
    for spec in specs:
        routine = services.create_routine(tenant, user, routine_data(spec, units))
        if spec["approved_on"] is not None:
            routine = services.approve_routine(
                tenant,
                user,
                routine,
                version=routine.version,
                approved_on=spec["approved_on"],
                approved_by=spec["approved_by"],
            )
        made.append(routine)
    return made


def build_nordre_land_routines(tenant: Municipality, user: AbstractBaseUser) -> list[Routine]:
    return build_routines(tenant, user, build_units(tenant, user, NORDRE_LAND_UNITS),
                          NORDRE_LAND_ROUTINES)  # fmt: skip
