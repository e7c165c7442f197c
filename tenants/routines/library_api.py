"""The network library on a municipality's host: share, adopt, and take a source's changes.

- `GET /api/routines/library/` (and `{id}/`): the routines other members have shared in
  the networks the municipality belongs to, to adopt from (with the latest content and
  the unit names an adoption must map).
- `GET|POST /api/routines/{id}/share/`: the libraries the routine is shared to; the
  leader shares its approved version to a network (`{network}`).
  `POST /api/routines/{id}/unshare/` takes it out again.
- `POST /api/routines/adopt/` (`{entry, unit_mapping, owner_unit, title, change_note}`):
  a writer adopts a shared routine as a new draft of their own.
- `GET /api/routines/{id}/library-changes/`: what the source has approved since the
  version taken, as a diff; `POST …/library-changes/take/` writes it into the draft
  (naming the routine's `version` and the `library_version` read; 409 if either moved).

The services decide who may (403 with their sentence) and what is valid (400, Norwegian,
nothing written); a routine, entry or network not the municipality's is 404 or a 400 on
the field, never another municipality's data.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from networks.library import access as library_access
from networks.library.models import LibraryRoutine
from networks.library.serializers import (
    LibraryRoutineSerializer,
    LibraryVersionSerializer,
    SharedEntrySerializer,
)
from samla.accounts.access import acting_user, tenant_of
from tenants.plans.api import ListSchema
from tenants.routines import serializers as s
from tenants.routines.api import RoutineScoped, RoutinesView, routine_data
from tenants.routines.content import FIELDS
from tenants.routines.services import StaleVersion, library

TAG = "routine-library"
ID_LIMIT = 2**63 - 1
MAPPING_HELP = gettext_lazy(
    "Kildens enhetsnavn → id for en av kommunens egne enheter, for hvert navn kilden bruker "
    "(enheter, trinn og eierenhet)"
)


class NetworkSerializer(serializers.Serializer[dict[str, Any]]):
    network = serializers.IntegerField(
        min_value=1, max_value=ID_LIMIT, help_text=gettext_lazy("Nettverkets id")
    )


class AdoptSerializer(serializers.Serializer[dict[str, Any]]):
    entry = serializers.IntegerField(
        min_value=1, max_value=ID_LIMIT, help_text=gettext_lazy("Rutinen i biblioteket")
    )
    unit_mapping = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=ID_LIMIT),
        allow_empty=True,
        help_text=MAPPING_HELP,
    )
    owner_unit = serializers.IntegerField(
        min_value=1,
        max_value=ID_LIMIT,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Egen eierenhet (ellers kildens eierenhet slik den er koblet)"),
    )
    # Lengths and identity numbers are checked by the services, in Norwegian, with the rest.
    title = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=20_000)


class TakeSerializer(serializers.Serializer[dict[str, Any]]):
    version = s.version_field(required=True)
    library_version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text=gettext_lazy("Bibliotekets siste versjon, slik du leste endringene"),
    )
    unit_mapping = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=ID_LIMIT),
        required=False,
        help_text=MAPPING_HELP,
    )
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=20_000)


class FieldChangeSerializer(serializers.Serializer[Any]):
    field = serializers.ChoiceField(choices=list(FIELDS))
    # A declared field; DRF's metaclass takes it off the class, so Field.label is untouched.
    label = serializers.CharField()  # type: ignore[assignment]
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class LibraryChangesSerializer(serializers.Serializer[Any]):
    entry = LibraryRoutineSerializer(
        allow_null=True, help_text=gettext_lazy("Null for en rutine som ikke er hentet")
    )
    taken_version = serializers.IntegerField(allow_null=True)
    latest_version = serializers.IntegerField(allow_null=True)
    pending = serializers.BooleanField()
    changes = FieldChangeSerializer(many=True)
    unmapped = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Enhetsnavn i endringene som må kobles når de tas inn"),
    )


class AdoptableSerializer(LibraryRoutineSerializer):
    """A shared routine to adopt: its latest version, and the unit names to map."""

    latest = serializers.SerializerMethodField()
    unit_names = serializers.SerializerMethodField()

    class Meta(LibraryRoutineSerializer.Meta):
        fields = [*LibraryRoutineSerializer.Meta.fields, "latest", "unit_names"]
        read_only_fields = fields

    def _latest(self, entry: LibraryRoutine) -> Any:
        # The versions are prefetched newest first: no query per row.
        versions = list(entry.versions.all())
        return versions[0] if versions else None

    @extend_schema_field(LibraryVersionSerializer(allow_null=True))
    def get_latest(self, entry: LibraryRoutine) -> dict[str, Any] | None:
        latest = self._latest(entry)
        return None if latest is None else dict(LibraryVersionSerializer(latest).data)

    def get_unit_names(self, entry: LibraryRoutine) -> list[str]:
        latest = self._latest(entry)
        return [] if latest is None else library.unit_names(latest.content)


def changes_json(pending: library.LibraryChanges) -> dict[str, Any]:
    return {
        # The entry itself: LibraryChangesSerializer writes it with LibraryRoutineSerializer
        # (its already written data would lose the fields named by `source`).
        "entry": pending.entry,
        "taken_version": pending.taken_version,
        "latest_version": pending.latest_version,
        "pending": pending.pending,
        "changes": [change.as_json() for change in pending.changes],
        "unmapped": pending.unmapped,
    }


def _adoptable(request: Request) -> Any:
    return library_access.with_versions(library_access.entries_for_municipality(tenant_of(request)))


@extend_schema(tags=[TAG])
class LibraryList(RoutinesView):
    """Routines other members share in the networks the municipality belongs to."""

    serializer_class = AdoptableSerializer
    schema = ListSchema()

    @extend_schema(
        summary="Rutiner i nettverkenes bibliotek du kan hente",
        responses=AdoptableSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return self.list_response(_adoptable(request))


@extend_schema(tags=[TAG])
class LibraryDetail(RoutinesView):
    serializer_class = AdoptableSerializer

    @extend_schema(summary="Én rutine i nettverkenes bibliotek")
    def get(self, request: Request, pk: int) -> Response:
        entry = _adoptable(request).filter(pk=pk).first()
        if entry is None:
            raise Http404(_("Fant ikke rutinen i biblioteket."))
        return Response(self.get_serializer(entry).data)


@extend_schema(tags=[TAG])
class RoutineAdopt(RoutinesView):
    """Adopt a shared routine as a new draft of this municipality's own."""

    serializer_class = s.RoutineSerializer
    creates = True

    @extend_schema(
        summary="Hent en rutine fra biblioteket som eget utkast",
        request=AdoptSerializer,
        responses=s.RoutineSerializer,
    )
    def post(self, request: Request) -> Response:
        data = self.checked(AdoptSerializer, request.data)
        routine = library.adopt_routine(
            tenant_of(request),
            acting_user(request),
            data["entry"],
            data["unit_mapping"],
            data.get("owner_unit"),
            title=data.get("title", ""),
            change_note=data.get("change_note", ""),
        )
        return Response(routine_data(routine), status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class RoutineShare(RoutineScoped):
    """The libraries the routine is shared to; the leader shares its approved version."""

    serializer_class = SharedEntrySerializer  # type: ignore[assignment]
    creates = True
    schema = ListSchema()

    @extend_schema(
        summary="Nettverkene rutinen er delt med", responses=SharedEntrySerializer(many=True)
    )
    def get(self, request: Request, routine_id: int) -> Response:
        return self.list_response(library.shared_entries(tenant_of(request), self.routine))

    @extend_schema(
        summary="Del rutinen med nettverkets bibliotek (lederen)",
        request=NetworkSerializer,
        responses=SharedEntrySerializer,
    )
    def post(self, request: Request, routine_id: int) -> Response:
        data = self.checked(NetworkSerializer, request.data)
        entry = library.share_routine(
            tenant_of(request), acting_user(request), self.routine, data["network"]
        )
        return Response(SharedEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class RoutineUnshare(RoutineScoped):
    serializer_class = SharedEntrySerializer  # type: ignore[assignment]

    @extend_schema(
        summary="Trekk rutinen tilbake fra nettverkets bibliotek (lederen)",
        request=NetworkSerializer,
        responses=SharedEntrySerializer,
    )
    def post(self, request: Request, routine_id: int) -> Response:
        data = self.checked(NetworkSerializer, request.data)
        entry = library.withdraw_routine(
            tenant_of(request), acting_user(request), self.routine, data["network"]
        )
        return Response(SharedEntrySerializer(entry).data)


@extend_schema(tags=[TAG])
class LibraryChanges(RoutineScoped):
    serializer_class = LibraryChangesSerializer  # type: ignore[assignment]
    pagination_class = None

    @extend_schema(summary="Endringer i biblioteket siden versjonen rutinen ble hentet fra")
    def get(self, request: Request, routine_id: int) -> Response:
        pending = library.pending_library_changes(tenant_of(request), self.routine)
        return Response(LibraryChangesSerializer(changes_json(pending)).data)


@extend_schema(tags=[TAG])
class LibraryTake(RoutineScoped):
    """Write the source's changes into the routine's draft, to approve as usual."""

    conflict_methods = frozenset({"POST"})

    @extend_schema(
        summary="Ta inn endringene fra biblioteket i et utkast",
        request=TakeSerializer,
        responses=s.RoutineSerializer,
    )
    def post(self, request: Request, routine_id: int) -> Response:
        data = self.checked(TakeSerializer, request.data)
        try:
            routine = library.take_library_changes(
                tenant_of(request),
                acting_user(request),
                self.routine,
                version=data["version"],
                library_version=data["library_version"],
                unit_mapping=data.get("unit_mapping"),
                change_note=data.get("change_note", ""),
            )
        except StaleVersion as exc:
            return self.conflict(exc)
        except library.StaleLibraryVersion as exc:
            pending = library.pending_library_changes(tenant_of(request), exc.routine)
            return Response(
                {
                    "detail": _(
                        "Kilden har godkjent en ny versjon siden du hentet endringene. "
                        "Se gjennom dem igjen."
                    ),
                    "current": LibraryChangesSerializer(changes_json(pending)).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(routine_data(routine))
