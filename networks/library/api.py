"""The routine library on the public host: `/api/library/routines/` and `{id}/`.

Read only. A user sees the shared entries of the networks they belong to (through a
member municipality, or as a coordinator); anyone else gets an empty list, and 404 for
an entry, as for an id that does not exist. Sharing, adopting and taking changes happen
on the municipalities' hosts (`tenants.routines.library_api`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from networks.library import access
from networks.library.models import LibraryRoutine
from networks.library.serializers import LibraryRoutineDetailSerializer, LibraryRoutineSerializer
from samla.accounts.access import acting_user
from samla.api.schema import SamlaAutoSchema

TAG = "library"


class ListSchema(SamlaAutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET"


@extend_schema(tags=[TAG])
class LibraryRoutineList(GenericAPIView[LibraryRoutine]):
    """The shared routines of the networks you belong to, by network and title."""

    serializer_class = LibraryRoutineSerializer
    filter_backends = []
    schema = ListSchema()

    @extend_schema(
        summary="Rutinene i nettverkenes bibliotek",
        responses={200: LibraryRoutineSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(access.entries_for(acting_user(request)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=[TAG])
class LibraryRoutineDetail(GenericAPIView[LibraryRoutine]):
    """One shared routine with every version the library has published, newest first."""

    serializer_class = LibraryRoutineDetailSerializer
    filter_backends = []

    @extend_schema(summary="Én rutine i biblioteket, med versjonene")
    def get(self, request: Request, pk: int) -> Response:
        entry = access.get_entry_for(acting_user(request), pk)
        return Response(self.get_serializer(entry).data)
