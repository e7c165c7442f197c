"""The demo's library: Nesseby's approved routines shared to the Finnmark 0–24 network,
"Tverrfaglig observasjon" adopted by Nordre Land as its own draft; running it again
changes nothing."""

from __future__ import annotations

import datetime

from networks.library.demo import NETWORK, demo_library
from networks.models import LearningNetwork, NetworkMembership, Organiser
from tenants.routines import services
from tenants.routines.models import Routine, RoutineStatus, UnitKind
from tenants.routines.seeds import build_units
from tests.plans.conftest import inside

NESSEBY_UNITS = [
    {"name": "Nesseby oppvekstsenter, barnehagen", "kind": UnitKind.KINDERGARTEN},
    {"name": "PPT", "kind": UnitKind.PPT},
    {"name": "Helsestasjonen", "kind": UnitKind.HEALTH_CLINIC},
]


def nesseby_routines(nesseby, leader_b) -> None:
    """An approved "Tverrfaglig observasjon" and a draft, as Nesseby's demo seeds have."""
    with inside(nesseby):
        units = build_units(nesseby, leader_b, NESSEBY_UNITS)
        kindergarten = units["Nesseby oppvekstsenter, barnehagen"].pk
        for title, approve in (("Tverrfaglig observasjon", True), ("Opplæring", False)):
            routine = services.create_routine(
                nesseby, leader_b, {
                    "title": title, "owner_unit": kindergarten,
                    "units": [unit.pk for unit in units.values()],
                    "steps": [
                        {"action": "Observasjon etter felles mal.",
                         "responsible_unit": units["PPT"].pk, "timing": "Innen tre uker"},
                        {"action": "Oppsummering med foreldrene.",
                         "responsible_unit": kindergarten},
                    ],
                },
            )  # fmt: skip
            if approve:
                services.approve_routine(
                    nesseby, leader_b, routine, version=routine.version,
                    approved_on=datetime.date(2019, 11, 20), approved_by="Prosjektledelsen",
                )  # fmt: skip


def test_the_demo_shares_nessebys_routines_and_nordre_land_adopts_one(
    nordre_land, nesseby, leader_a, leader_b, units_a, methods
):
    network = LearningNetwork.objects.create(
        name="0–24-samarbeidet i Finnmark", slug=NETWORK, organiser=Organiser.COUNTY_GOVERNOR
    )
    network.municipalities.add(nesseby)
    nesseby_routines(nesseby, leader_b)

    entries = demo_library()
    again = demo_library()

    assert [entry.title for entry in entries] == ["Tverrfaglig observasjon"]  # approved only
    assert [entry.pk for entry in again] == [entry.pk for entry in entries]
    assert entries[0].versions.count() == 1
    assert (
        NetworkMembership.objects.current()
        .filter(network=network, municipality=nordre_land)
        .exists()
    )
    with inside(nordre_land):
        adopted = Routine.objects.get(library_entry_id=entries[0].pk)
        assert adopted.status == RoutineStatus.DRAFT
        assert adopted.source_municipality == "Unjárga/Nesseby"
        draft = adopted.draft
        assert draft.owner_unit == units_a["Barnehagene"]
        assert {unit.name for unit in draft.units.all()} == {
            "Barnehagene", "PPT", "Helsestasjonen"
        }  # fmt: skip
        assert Routine.objects.filter(library_entry_id__isnull=False).count() == 1


def test_the_demo_does_nothing_without_the_network(nordre_land, nesseby, leader_a, leader_b):
    assert demo_library() == []
