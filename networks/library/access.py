"""Who sees which library entry: lookups that answer 404 for "not yours".

- On the public host, a user sees the shared entries of the networks they belong to:
  as a user of a municipality that is a current member, or as one of the network's
  coordinators. Anyone else sees an empty list, and 404 for an entry (as for an id that
  does not exist). A withdrawn entry, or one with no published version, is not listed.
- On a municipality's host, the municipality sees the shared entries of the networks it
  currently belongs to, except its own (it adopts from others); it shares and withdraws
  only its own entries, looked up by the routine they came from.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from networks.access import User
from networks.library.models import LibraryRoutine, LibraryRoutineQuerySet, LibraryRoutineVersion
from networks.models import LearningNetwork, NetworkMembership
from samla.accounts.models import CoordinatorRole, MunicipalityMembership
from tenants.models import Municipality


def library_networks_for(user: User) -> QuerySet[LearningNetwork]:
    """The networks whose library the user reads: belonged to through a municipality, or
    coordinated."""
    networks = LearningNetwork.objects.all()
    if not user.is_authenticated or not user.is_active:
        return networks.none()
    municipalities = MunicipalityMembership.objects.active().filter(user_id=user.pk)
    member_of = NetworkMembership.objects.current().filter(
        municipality_id__in=municipalities.values("municipality_id")
    )
    coordinated = CoordinatorRole.objects.filter(user_id=user.pk, network__isnull=False)
    return networks.filter(
        Q(pk__in=member_of.values("network_id")) | Q(pk__in=coordinated.values("network_id"))
    )


def _listed(entries: LibraryRoutineQuerySet) -> LibraryRoutineQuerySet:
    return (
        entries.shared()
        .select_related("network", "source_municipality")
        .order_by("network__name", "title", "id")
    )


def entries_for(user: User) -> QuerySet[LibraryRoutine]:
    """Every shared entry of the networks the user belongs to."""
    return _listed(LibraryRoutine.objects.filter(network__in=library_networks_for(user)))


def with_versions(entries: QuerySet[LibraryRoutine]) -> QuerySet[LibraryRoutine]:
    """The entries with their versions, newest first, in one more query."""
    return entries.prefetch_related(
        Prefetch("versions", queryset=LibraryRoutineVersion.objects.order_by("-number"))
    )


def get_entry_for(user: User, entry_id: object) -> LibraryRoutine:
    """A shared entry the user may read, with its versions; 404 otherwise."""
    pk = _pk(entry_id)
    entry = with_versions(entries_for(user)).filter(pk=pk).first() if pk else None
    if entry is None:
        raise Http404(_("Fant ikke rutinen i biblioteket."))
    return entry


def entries_for_municipality(municipality: Municipality) -> QuerySet[LibraryRoutine]:
    """Shared entries of the networks the municipality belongs to, other municipalities' only."""
    networks = NetworkMembership.objects.current().filter(municipality=municipality)
    return _listed(
        LibraryRoutine.objects.filter(network_id__in=networks.values("network_id")).exclude(
            source_municipality=municipality
        )
    )


def adoptable_entry(municipality: Municipality, entry_id: object) -> LibraryRoutine | None:
    """The entry if the municipality may adopt it (see `entries_for_municipality`), else None."""
    pk = _pk(entry_id)
    return entries_for_municipality(municipality).filter(pk=pk).first() if pk else None


def latest_version(entry: LibraryRoutine) -> LibraryRoutineVersion | None:
    return entry.versions.filter(number=entry.latest_version).first()


def _pk(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        pk = value
    elif isinstance(value, str) and value.strip().isdecimal():
        pk = int(value.strip())
    else:
        return None
    return pk if 0 < pk < 2**63 else None
