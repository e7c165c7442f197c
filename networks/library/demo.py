"""The demo's routine library: Nesseby's 0–24 routines in the Finnmark network's library,
and one of them adopted by another member municipality.

Nesseby's leader shares each of its approved routines to the Finnmark 0–24 network;
Nordre Land's leader adopts "Tverrfaglig observasjon" from the library as a draft of its
own, with Nesseby's units mapped onto Nordre Land's. The demo has no second Finnmark
municipality, so Nordre Land, which works on the same 0–24 theme, is made a member of the
network first (only when the network has no member but Nesseby). Written through the
services, so every rule holds; idempotent: what is shared or adopted is left alone.
Call it after each municipality's own routines exist (`tenants.routines.demo`).
"""

from __future__ import annotations

from django_tenants.utils import tenant_context

from networks.library.models import LibraryRoutine
from networks.models import LearningNetwork, NetworkMembership
from samla.accounts.models import User
from tenants.models import Municipality
from tenants.routines.models import Routine, RoutineStatus, Unit
from tenants.routines.services import library

NETWORK = "sf-finnmark-0-24"
SOURCE, ADOPTER = "nesseby", "nordre-land"
ADOPTED_TITLE = "Tverrfaglig observasjon"
# Nesseby's unit names onto Nordre Land's, for the adopted routine.
UNIT_MAPPING = {
    "Nesseby oppvekstsenter, barnehagen": "Barnehagene",
    "PPT": "PPT",
    "Helsestasjonen": "Helsestasjonen",
}


def demo_library() -> list[LibraryRoutine]:
    """Share Nesseby's approved routines and adopt one in Nordre Land (see the module
    docstring). Returns the library entries of Nesseby's routines in the network; nothing
    is done when the network, a municipality or a leader is not there."""
    network = LearningNetwork.objects.filter(slug=NETWORK).first()
    source = Municipality.objects.filter(slug=SOURCE).first()
    adopter = Municipality.objects.filter(slug=ADOPTER).first()
    source_leader = User.objects.filter(username=f"leder.{SOURCE}").first()
    adopter_leader = User.objects.filter(username=f"leder.{ADOPTER}").first()
    if None in (network, source, adopter, source_leader, adopter_leader):
        return []
    assert network and source and adopter and source_leader and adopter_leader
    _share_all(network, source, source_leader)
    entry = LibraryRoutine.objects.filter(
        network=network, source_municipality=source, title=ADOPTED_TITLE
    ).first()
    if entry is not None:
        _adopt(network, adopter, adopter_leader, entry)
    return list(LibraryRoutine.objects.filter(network=network, source_municipality=source))


def _share_all(network: LearningNetwork, source: Municipality, leader: User) -> None:
    shared = set(
        LibraryRoutine.objects.filter(network=network, source_municipality=source).values_list(
            "source_routine_id", flat=True
        )
    )
    with tenant_context(source):
        for routine in Routine.objects.filter(status=RoutineStatus.APPROVED).order_by("id"):
            if routine.pk not in shared:
                library.share_routine(source, leader, routine, network.pk)


def _adopt(
    network: LearningNetwork, adopter: Municipality, leader: User, entry: LibraryRoutine
) -> None:
    if (
        not NetworkMembership.objects.current()
        .filter(network=network)
        .exclude(municipality=entry.source_municipality)
        .exists()
    ):
        NetworkMembership.objects.create(network=network, municipality=adopter)
    if (
        not NetworkMembership.objects.current()
        .filter(network=network, municipality=adopter)
        .exists()
    ):
        return
    with tenant_context(adopter):
        if Routine.objects.filter(library_entry_id=entry.pk).exists():
            return
        units = {unit.name: unit.pk for unit in Unit.objects.all()}
        mapping = {
            source_name: units[own] for source_name, own in UNIT_MAPPING.items() if own in units
        }
        if len(mapping) < len(UNIT_MAPPING):
            return  # the adopter's seed units are not there
        library.adopt_routine(adopter, leader, entry.pk, mapping)
