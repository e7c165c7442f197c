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


# Unjárga/Nesseby (seed 001): the 0–24 project's working group (child welfare, PPT, the
# health visitor, and the kindergarten and school of the oppvekstsenter) sets out to
# write a routine for cross-disciplinary observation (tried in the kindergarten first),
# one for the «Tidlig innsats team» where concerns are raised, and to involve parents
# early; the cross-disciplinary way of working goes to the municipal council in 2020.
# Optional keys read only by the demo: `adopted_by` (units that took the routine into
# use, two weeks after approval) and `review_due_in_days` (the demo records a review one
# interval before that many days from the day it is loaded, so the next review falls then).
NESSEBY_UNITS: list[dict[str, Any]] = [
    {"name": "Helsestasjonen", "kind": UnitKind.HEALTH_CLINIC},
    {"name": "Nesseby oppvekstsenter, barnehagen", "kind": UnitKind.KINDERGARTEN,
     "leader_name": "Ragnhild Nilsen"},
    {"name": "Nesseby oppvekstsenter, skolen", "kind": UnitKind.SCHOOL},
    {"name": "PPT", "kind": UnitKind.PPT},
    {"name": "Barneverntjenesten", "kind": UnitKind.CHILD_WELFARE},
    {"name": "NAV Nesseby", "kind": UnitKind.NAV},
    {"name": "Psykisk helse og rus", "kind": UnitKind.MENTAL_HEALTH},
]  # fmt: skip

_NESSEBY_ALL = [unit["name"] for unit in NESSEBY_UNITS]
_KINDERGARTEN, _SCHOOL = "Nesseby oppvekstsenter, barnehagen", "Nesseby oppvekstsenter, skolen"

NESSEBY_ROUTINES: list[dict[str, Any]] = [
    {
        "title": "Tverrfaglig observasjon",
        "kind": "routine",
        "purpose": "Når en ansatt undrer seg over et barn, observerer barnehagen, PPT og "
        "helsestasjonen barnet sammen etter en felles mal, slik at tiltak kan settes inn "
        "tidlig og på riktig nivå. Foreldrene samtykker og får vite hva som ble sett.",
        "level": "individual",
        "bti_levels": [1, 2],
        "owner_unit": _KINDERGARTEN,
        "units": [_KINDERGARTEN, "PPT", "Helsestasjonen"],
        "methods": ["tverrfaglig-team"],
        "internal_control_area": "Oppvekst",
        "review_interval_months": 12,
        "steps": [
            ("Pedagogen tar undringen opp med foreldrene og ber om samtykke til "
             "tverrfaglig observasjon.", _KINDERGARTEN, "Innen en uke"),
            ("PPT og helsesykepleier observerer barnet i barnehagen etter felles "
             "observasjonsskjema.", "PPT", "Innen tre uker etter samtykke"),
            ("Oppsummeringsmøte med foreldrene der tiltak og ansvar avtales.", _KINDERGARTEN,
             "Innen to uker etter observasjonen"),
            ("Tiltakene evalueres sammen med foreldrene.", _KINDERGARTEN, "Etter seks uker"),
        ],
        "approved_on": datetime.date(2019, 11, 20),
        "approved_by": "Prosjektledelsen",
        "adopted_by": [_KINDERGARTEN, "PPT", "Helsestasjonen"],
        "review_due_in_days": 20,
    },
    {
        "title": "Tidlig innsats team",
        "kind": "agreement",
        "purpose": "Et fast tverrfaglig team der ansatte løfter fram problemstillinger om "
        "barn og unge tidlig, anonymt eller med foreldrenes samtykke, og der ansvaret for "
        "tiltak plasseres. Ingen etat venter på at en annen skal komme på banen først.",
        "level": "system",
        "bti_levels": [1, 2, 3],
        "owner_unit": _SCHOOL,
        "units": _NESSEBY_ALL,
        "methods": ["tverrfaglig-team", "ansvarsgruppe"],
        "internal_control_area": "Oppvekst",
        "review_interval_months": 12,
        "steps": [
            ("Ansatte melder problemstillinger til teamets koordinator.", _SCHOOL,
             "Senest en uke før møtet"),
            ("Teamet drøfter sakene og avtaler tiltak og hvem som har ansvaret.", _SCHOOL,
             "Månedlig"),
            ("Den som meldte saken, gir foreldrene tilbakemelding og følger opp tiltaket.",
             _KINDERGARTEN, "Innen to uker etter møtet"),
            ("Barneverntjenesten orienterer teamet om saker som ikke lenger kan drøftes "
             "anonymt.", "Barneverntjenesten", "Ved behov"),
            ("Saken tas opp igjen til evaluering.", _SCHOOL, "Neste teammøte"),
        ],
        "approved_on": datetime.date(2020, 6, 18),
        "approved_by": "Kommunestyret",
        "adopted_by": [_KINDERGARTEN, _SCHOOL, "PPT", "Helsestasjonen", "Barneverntjenesten"],
        "review_due_in_days": 300,
    },
    {
        "title": "Foreldre involveres tidlig når bekymring oppstår",
        "kind": "routine",
        "purpose": "Foreldrene er barnets viktigste ressurs. Den ansatte som blir bekymret, "
        "snakker med foreldrene før andre tjenester trekkes inn, og foreldrene er med i "
        "alle møter om tiltak.",
        "level": "individual",
        "bti_levels": [0, 1],
        "owner_unit": "Helsestasjonen",
        "units": ["Helsestasjonen", _KINDERGARTEN, _SCHOOL],
        "methods": [],
        "internal_control_area": "Helse og omsorg",
        "review_interval_months": 24,
        "steps": [
            ("Den ansatte tar undringen opp med foreldrene i en samtale.", "Helsestasjonen",
             "Så snart bekymringen oppstår"),
            ("Avtale om videre oppfølging skrives ned og deles med foreldrene.",
             "Helsestasjonen", "Samme uke"),
            ("Samtykke innhentes før andre tjenester involveres.", "Helsestasjonen",
             "Før første tverrfaglige møte"),
        ],
        "approved_on": datetime.date(2020, 6, 18),
        "approved_by": "Kommunestyret",
        "adopted_by": ["Helsestasjonen", _KINDERGARTEN],
    },
    {
        "title": "Opplæring av nytilsatte i å oppdage utsatte barn og unge",
        "kind": "routine",
        "purpose": "Alle nytilsatte som arbeider med barn og unge, får kunnskap om og "
        "opplæring i kommunens arbeid med å oppdage utsatte barn og unge.",
        "level": "system",
        "bti_levels": [0],
        "owner_unit": _SCHOOL,
        "units": [_KINDERGARTEN, _SCHOOL, "Helsestasjonen"],
        "methods": [],
        "internal_control_area": "Oppvekst",
        "review_interval_months": 12,
        "steps": [
            ("Nytilsatte går gjennom rutinene for tverrfaglig samarbeid med sin leder.",
             _SCHOOL, "Første måned"),
        ],
        "approved_on": None,
        "approved_by": "",
    },
]  # fmt: skip


# Larvik (seed 002): BTI, decided in the strategy document for 2018, project 1.8.19–31.7.21.
# The action guide describes the path from wonder or concern to action on four levels
# (0: is there reason for concern, 1: measures in one's own unit, 2: two services work
# together, 3: several services), with a relay holder who coordinates and a stafettlogg
# that follows the case (kept in the case tool; Samla records only that units use it).
# The units are the agencies in the project's steering and project groups.
LARVIK_UNITS: list[dict[str, Any]] = [
    {"name": "Stab kultur og oppvekst", "kind": UnitKind.ADMINISTRATION,
     "leader_name": "Jan-Erik Norder"},
    {"name": "Virksomhet skole", "kind": UnitKind.SCHOOL, "leader_name": "Tuva Enger"},
    {"name": "Virksomhet barnehage", "kind": UnitKind.KINDERGARTEN,
     "leader_name": "Sissel Gro Johnson"},
    {"name": "Barne- og ungdomstjenester", "kind": UnitKind.HEALTH_CLINIC,
     "leader_name": "Øystein Pedersen"},
    {"name": "Barneverntjenesten", "kind": UnitKind.CHILD_WELFARE},
    {"name": "Larvik læringssenter", "kind": UnitKind.SCHOOL, "leader_name": "Inger Hjortland"},
    {"name": "Kultur, idrett og fritid", "kind": UnitKind.CULTURE, "leader_name": "Bård Jacobsen"},
    {"name": "Virksomhet psykisk helse og avhengighet", "kind": UnitKind.MENTAL_HEALTH},
    {"name": "NAV Larvik", "kind": UnitKind.NAV, "leader_name": "Ulf Pedersen"},
]  # fmt: skip

_STAB, _BUT = "Stab kultur og oppvekst", "Barne- og ungdomstjenester"
_FRONT = ["Virksomhet barnehage", "Virksomhet skole", _BUT]

LARVIK_ROUTINES: list[dict[str, Any]] = [
    {
        "title": "BTI handlingsveileder, nivå 0 og 1: undring og tiltak i egen tjeneste",
        "kind": "routine",
        "purpose": "Hva den ansatte gjør når hen undrer seg over eller er bekymret for et "
        "barn: drøfte, snakke med barnet og foreldrene, og prøve ut tiltak i egen tjeneste.",
        "level": "individual",
        "bti_levels": [0, 1],
        "owner_unit": _STAB,
        "units": _FRONT,
        "methods": ["bti"],
        "internal_control_area": "Oppvekst",
        "review_interval_months": 12,
        "steps": [
            ("Nivå 0: den ansatte noterer hva hen ser og drøfter undringen med nærmeste "
             "leder.", "Virksomhet barnehage", "Innen en uke"),
            ("Samtale med barnet og foreldrene om det den ansatte har sett.",
             "Virksomhet barnehage", "Innen to uker"),
            ("Nivå 1: tiltak i egen tjeneste prøves ut; en stafettholder utpekes.",
             "Virksomhet skole", "Etter samtalen"),
            ("Tiltakene evalueres med foreldrene; ved fortsatt bekymring går saken til "
             "nivå 2.", "Virksomhet skole", "Etter seks uker"),
        ],
        "approved_on": datetime.date(2020, 6, 10),
        "approved_by": "Styringsgruppen",
        "adopted_by": _FRONT,
        "review_due_in_days": 270,
    },
    {
        "title": "BTI handlingsveileder, nivå 2: to tjenester samarbeider",
        "kind": "routine",
        "purpose": "Når egen tjeneste ikke strekker til, trekkes én annen tjeneste inn, "
        "med foreldrenes samtykke, og stafettholderen koordinerer.",
        "level": "individual",
        "bti_levels": [2],
        "owner_unit": _STAB,
        "units": [*_FRONT, "Virksomhet psykisk helse og avhengighet"],
        "methods": ["bti", "stafettlogg"],
        "internal_control_area": "Oppvekst",
        "review_interval_months": 12,
        "steps": [
            ("Stafettholderen innhenter samtykke og kontakter den andre tjenesten.", _BUT,
             "Innen to uker"),
            ("Felles møte med foreldrene; tiltak og ansvar skrives i stafettloggen.", _BUT,
             "Innen fire uker"),
            ("Evaluering av tiltakene; videre til nivå 3 ved behov.", _BUT, "Etter åtte uker"),
        ],
        "approved_on": datetime.date(2020, 6, 10),
        "approved_by": "Styringsgruppen",
        "adopted_by": _FRONT,
    },
    {
        "title": "BTI handlingsveileder, nivå 3: flere tjenester samarbeider",
        "kind": "agreement",
        "purpose": "Når flere tjenester må samarbeide om et barn eller en familie, møtes "
        "de i en ansvarsgruppe med foreldrene, og én stafettholder har ansvaret for "
        "samordningen til en annen har overtatt.",
        "level": "individual",
        "bti_levels": [3],
        "owner_unit": _BUT,
        "units": [*_FRONT, "Barneverntjenesten", "Virksomhet psykisk helse og avhengighet",
                  "NAV Larvik"],
        "methods": ["bti", "stafettlogg", "ansvarsgruppe", "individuell-plan"],
        "internal_control_area": "Helse og omsorg",
        "review_interval_months": 24,
        "steps": [
            ("Stafettholderen kaller inn til ansvarsgruppemøte med foreldrene.", _BUT,
             "Innen to uker"),
            ("Ansvarsgruppen avtaler tiltak, ansvar og evaluering i stafettloggen.", _BUT,
             "I første møte"),
            ("Barneverntjenesten deltar når saken krever det.", "Barneverntjenesten",
             "Ved behov"),
            ("Individuell plan vurderes ved langvarige og koordinerte tjenester.", _BUT,
             "Innen tre måneder"),
        ],
        "approved_on": datetime.date(2021, 5, 27),
        "approved_by": "Styringsgruppen",
        "adopted_by": [*_FRONT, "Barneverntjenesten"],
    },
    {
        "title": "Bruk av stafettlogg og stafettholder",
        "kind": "routine",
        "purpose": "Hvem som er stafettholder, hva som skrives i stafettloggen og når "
        "ansvaret går videre. Stafettloggen føres i sakssystemet og skrives sammen med "
        "foreldrene.",
        "level": "system",
        "bti_levels": [1, 2, 3],
        "owner_unit": _STAB,
        "units": [*_FRONT, "Barneverntjenesten", "Larvik læringssenter"],
        "methods": ["stafettlogg", "bti"],
        "internal_control_area": "Oppvekst",
        "review_interval_months": 12,
        "steps": [
            ("Stafettholder utpekes når et tiltak settes i gang på nivå 1.",
             "Virksomhet skole", "Ved første tiltak"),
            ("Stafettloggen opprettes i sakssystemet sammen med foreldrene.",
             "Virksomhet skole", "Samme uke"),
            ("Stafettholderen gir ikke fra seg ansvaret før en annen har tatt det over.",
             _BUT, "Ved overgang"),
        ],
        "approved_on": datetime.date(2021, 5, 27),
        "approved_by": "Styringsgruppen",
    },
    {
        "title": "Overgang fra barnehage til skole etter BTI",
        "kind": "routine",
        "purpose": "Stafettloggen og ansvaret følger barnet fra barnehagen til skolen, "
        "med foreldrenes samtykke.",
        "level": "individual",
        "bti_levels": [1, 2],
        "owner_unit": "Virksomhet barnehage",
        "units": ["Virksomhet barnehage", "Virksomhet skole"],
        "methods": ["bti", "stafettlogg"],
        "internal_control_area": "Oppvekst",
        "review_interval_months": 12,
        "steps": [
            ("Overføringsmøte der stafettholderen i barnehagen gir ansvaret videre til "
             "skolen.", "Virksomhet barnehage", "Innen 1. mai"),
        ],
        "approved_on": None,
        "approved_by": "",
    },
]  # fmt: skip

# The seed routines of each demo municipality, by slug: (units, routines).
ROUTINE_SEEDS: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
    "nordre-land": (NORDRE_LAND_UNITS, NORDRE_LAND_ROUTINES),
    "nesseby": (NESSEBY_UNITS, NESSEBY_ROUTINES),
    "larvik": (LARVIK_UNITS, LARVIK_ROUTINES),
}
