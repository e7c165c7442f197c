"""The routines API on a municipality's host: `/api/units/` and `/api/routines/`.

Each view resolves its routine, version, unit or adoption through `access` (a guessed
id, or one of another routine, is 404), checks the request with a serializer and calls
one service. Service refusals become 400 with Norwegian field errors, a stale `version`
409 with the current row, a role that may not 403 with the service's sentence.

Reading needs membership (any role). Writing needs a writer's role (leader, editor, or a
consultant until the membership ends): `write_roles` lets them reach the services, which
check again and keep approval, retirement and reviews for the leader. The plan grant of a
network's coordinator does not reach routines (the namespace is not one of
`samla.accounts.access.GRANT_NAMESPACES`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from samla.accounts.access import acting_user, tenant_of
from tenants.plans.api import ListSchema, PlansView
from tenants.routines import access, content, services
from tenants.routines import serializers as s
from tenants.routines.models import Routine, RoutineQuerySet, RoutineVersion, Unit, UnitAdoption
from tenants.routines.rows import routine_rows, routine_values
from tenants.routines.services import StaleVersion
from tenants.routines.services.common import WRITERS


def _split_version(validated: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    data = dict(validated)
    return data, data.pop("version", None)


def listed_routines() -> RoutineQuerySet:
    """Routines with all a row of the list shows, in a fixed number of queries."""
    return Routine.objects.listed().prefetch_related(*s.LIST_PREFETCH)


def routine_data(routine: Routine) -> dict[str, Any]:
    """The routine as the API shows it, read afresh (after a service has changed it)."""
    return dict(s.RoutineSerializer(listed_routines().get(pk=routine.pk)).data)


class RoutinesView(PlansView[Any]):
    """The plans API's base view (membership to read; list paging; 409 with the current
    row) with the routines' writers: leaders, editors and consultants (the services
    decide the rest)."""

    write_roles: ClassVar[frozenset[str]] = WRITERS

    def rows_response(self, queryset: RoutineQuerySet) -> Response:
        """One page of routines as `RoutineSerializer` writes them, read as values
        (`tenants.routines.rows`: five queries, no model instance per row)."""
        page = self.paginate_queryset(routine_values(queryset))
        return self.get_paginated_response(routine_rows(page or [], timezone.localdate()))

    @staticmethod
    def checked(body: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
        given = body(data=data)
        given.is_valid(raise_exception=True)
        return dict(given.validated_data)


# Units ---------------------------------------------------------------------------------


class UnitList(RoutinesView):
    """The municipality's units (kindergartens, PPT, NAV …); writers add new ones."""

    queryset = Unit.objects.all()
    serializer_class = s.UnitSerializer
    schema = ListSchema()
    creates = True

    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset())

    def post(self, request: Request) -> Response:
        data, _version = _split_version(self.checked(s.UnitSerializer, request.data))
        unit = services.create_unit(tenant_of(request), acting_user(request), data)
        return Response(self.get_serializer(unit).data, status=status.HTTP_201_CREATED)


class UnitDetail(RoutinesView):
    """One unit. A change names the `version` edited; a unit a routine names stays."""

    queryset = Unit.objects.all()
    serializer_class = s.UnitSerializer
    conflict_methods = frozenset({"PUT", "PATCH"})
    unit: Unit

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.unit = access.get_unit_for(kwargs["pk"])

    def get_object(self) -> Unit:
        return self.unit

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.unit).data)

    def put(self, request: Request, pk: int) -> Response:
        return self._change(request, partial=False)

    def patch(self, request: Request, pk: int) -> Response:
        return self._change(request, partial=True)

    def delete(self, request: Request, pk: int) -> Response:
        services.delete_unit(tenant_of(request), acting_user(request), self.unit)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _change(self, request: Request, *, partial: bool) -> Response:
        serializer = self.get_serializer(self.unit, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data, version = _split_version(serializer.validated_data)
        try:
            unit = services.update_unit(
                tenant_of(request), acting_user(request), self.unit, data, version=version
            )
        except StaleVersion as exc:
            return self.conflict(exc)
        return Response(self.get_serializer(unit).data)


# Routines ------------------------------------------------------------------------------


def filter_routines(queryset: RoutineQuerySet, filters: dict[str, Any]) -> RoutineQuerySet:
    """The list narrowed by `RoutineFilterSerializer`'s checked filters. `unit` and
    `bti_level` match either version (the one in force or the draft)."""
    if "unit" in filters:
        unit = filters["unit"]
        if not Unit.objects.filter(pk=unit).exists():
            raise ValidationError(
                {"unit": [_("Enhet med id %(id)s finnes ikke i denne kommunen.") % {"id": unit}]}
            )
        names = (
            models.Q(current__owner_unit=unit)
            | models.Q(draft__owner_unit=unit)
            | models.Q(current__units=unit)
            | models.Q(draft__units=unit)
        )
        queryset = queryset.filter(pk__in=Routine.objects.filter(names).values("pk"))
    if "bti_level" in filters:
        level = [filters["bti_level"]]
        queryset = queryset.filter(
            models.Q(current__bti_levels__contains=level)
            | models.Q(draft__bti_levels__contains=level)
        )
    if "status" in filters:
        queryset = queryset.filter(status=filters["status"])
    if filters.get("due") == "1":
        queryset = queryset.due_for_review(timezone.localdate())
    return queryset


LIST_FILTERS = [
    OpenApiParameter("unit", int, description="Rutiner der enheten er med (id)."),
    OpenApiParameter("bti_level", int, enum=[0, 1, 2, 3], description="BTI-nivå 0–3."),
    OpenApiParameter("status", str, enum=["draft", "approved", "retired"]),
    OpenApiParameter(
        "due", str, enum=["0", "1"], description="1: til gjennomgang innen 30 dager eller passert."
    ),
]


@extend_schema(methods=["GET"], parameters=LIST_FILTERS, responses=s.RoutineSerializer(many=True))
@extend_schema(
    methods=["POST"],
    request=s.RoutineWriteSerializer,
    responses={201: s.RoutineSerializer},
)
class RoutineList(RoutinesView):
    """The municipality's routines and cooperation agreements; a new one starts as a draft
    (version 1) with its steps, units and links to plans' milestones and measures."""

    serializer_class = s.RoutineSerializer
    schema = ListSchema()
    creates = True

    def get_queryset(self) -> RoutineQuerySet:
        return listed_routines()

    def get(self, request: Request) -> Response:
        filters = self.checked(s.RoutineFilterSerializer, request.query_params)
        return self.rows_response(filter_routines(Routine.objects.all(), filters))

    def post(self, request: Request) -> Response:
        data, _version = _split_version(self.checked(s.RoutineWriteSerializer, request.data))
        routine = services.create_routine(tenant_of(request), acting_user(request), data)
        return Response(routine_data(routine), status=status.HTTP_201_CREATED)


@extend_schema(responses=s.RoutineSerializer(many=True))
class RoutinesDue(RoutinesView):
    """What is due for review: approved routines whose next review is within 30 days or
    past, the most urgent first (`review_overdue` marks those past)."""

    serializer_class = s.RoutineSerializer
    schema = ListSchema()

    def get_queryset(self) -> RoutineQuerySet:
        return listed_routines().due_for_review(timezone.localdate()).order_by("next_review", "id")

    def get(self, request: Request) -> Response:
        due = Routine.objects.due_for_review(timezone.localdate()).order_by("next_review", "id")
        return self.rows_response(due)


class RoutineScoped(RoutinesView):
    """A view under `/api/routines/{routine_id}/`: the routine is resolved before the method."""

    routine: Routine
    serializer_class = s.RoutineSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before method dispatch: a wrong routine id is 404 whatever the method.
        self.routine = access.get_routine_for(kwargs["routine_id"])

    def get_object(self) -> Any:
        return self.routine

    def current_data(self, current: Any) -> Any:
        if isinstance(current, Routine):
            return routine_data(current)
        return super().current_data(current)


DISCARD_VERSION = OpenApiParameter(
    "version", int, required=True, description="Rutinens versjon (kan også sendes i JSON)."
)


@extend_schema(methods=["GET"], responses=s.RoutineSerializer)
@extend_schema(methods=["PATCH"], request=s.RoutineWriteSerializer, responses=s.RoutineSerializer)
@extend_schema(
    methods=["DELETE"],
    parameters=[DISCARD_VERSION],
    request=None,
    responses={
        200: OpenApiResponse(s.RoutineSerializer, description="Utkastet er forkastet."),
        204: OpenApiResponse(description="Rutinen var aldri godkjent og er slettet."),
    },
)
class RoutineDetail(RoutineScoped):
    """One routine. PATCH writes its draft (starting one from the version in force) and its
    links, naming the routine's `version`; DELETE throws the draft away, and a routine
    never approved goes with it."""

    conflict_methods = frozenset({"PATCH", "DELETE"})

    def get(self, request: Request, routine_id: int) -> Response:
        return Response(routine_data(self.routine))

    def patch(self, request: Request, routine_id: int) -> Response:
        given = s.RoutineWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data, version = _split_version(given.validated_data)
        try:
            routine = services.update_routine(
                tenant_of(request), acting_user(request), self.routine, data, version=version
            )
        except StaleVersion as exc:
            return self.conflict(exc)
        return Response(routine_data(routine))

    def delete(self, request: Request, routine_id: int) -> Response:
        sent = request.query_params.get("version")
        if sent is None and isinstance(request.data, dict):
            sent = request.data.get("version")
        version = self.checked(s.RoutineDiscardSerializer, {"version": sent})["version"]
        try:
            kept = services.discard_draft(
                tenant_of(request), acting_user(request), self.routine, version=version
            )
        except StaleVersion as exc:
            return self.conflict(exc)
        if kept is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(routine_data(kept))


@extend_schema(responses=s.RoutineVersionSummarySerializer(many=True))
class VersionList(RoutineScoped):
    """The routine's versions, oldest first (the draft, if any, is the last)."""

    serializer_class = s.RoutineVersionSummarySerializer  # type: ignore[assignment]
    schema = ListSchema()

    def get(self, request: Request, routine_id: int) -> Response:
        versions = RoutineVersion.objects.filter(routine=self.routine).select_related("owner_unit")
        return self.list_response(versions)


@extend_schema(responses=s.RoutineVersionSerializer)
class VersionDetail(RoutineScoped):
    """One version's whole content, with its steps; an approved version never changes."""

    serializer_class = s.RoutineVersionSerializer  # type: ignore[assignment]

    def get(self, request: Request, routine_id: int, number: int) -> Response:
        version = access.get_version_for(self.routine, number)
        return Response(s.RoutineVersionSerializer(version).data)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "from", int, description="Versjonsnummeret før (standard: versjonen før `to`)."
        ),
        OpenApiParameter(
            "to", int, description="Versjonsnummeret etter (standard: utkastet, ellers gjeldende)."
        ),
    ],
    responses=s.RoutineCompareSerializer,
)
class RoutineCompare(RoutineScoped):
    """Two versions side by side: both contents (units by name) and the fields that differ.
    Without `to`, the version people work on (the draft, else the one in force); without
    `from`, the version before `to` (or `to` itself for a routine's first version)."""

    serializer_class = s.RoutineCompareSerializer  # type: ignore[assignment]

    def get(self, request: Request, routine_id: int) -> Response:
        wanted = self.checked(s.RoutineCompareQuerySerializer, request.query_params)
        head = self.routine.head
        to = wanted.get("to", head.number if head is not None else 1)
        before = access.get_version_for(self.routine, wanted.get("from", max(1, to - 1)))
        after = access.get_version_for(self.routine, to)
        old, new = content.version_content(before), content.version_content(after)
        return Response(
            {
                "from_version": before.number,
                "to_version": after.number,
                "before": old,
                "after": new,
                "diff": [change.as_json() for change in content.diff(old, new)],
            }
        )


class RoutineAction(RoutineScoped):
    """POST runs one service on the routine with the body `body` checked; the service
    decides who may (403 with its sentence) and answers 409 when `version` is stale."""

    body: ClassVar[type[serializers.Serializer[Any]]]
    conflict_methods = frozenset({"POST"})

    def act(self, request: Request, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def post(self, request: Request, routine_id: int) -> Response:
        data = self.checked(self.body, request.data)
        try:
            done = self.act(request, data)
        except StaleVersion as exc:
            return self.conflict(exc)
        return Response(routine_data(done))


@extend_schema(request=s.RoutineApproveSerializer, responses=s.RoutineSerializer)
class RoutineApprove(RoutineAction):
    """The municipality's leader approves the draft (on a date, by a body or a named
    approver): it is frozen, comes into force, and the next review is one interval on."""

    body = s.RoutineApproveSerializer

    def act(self, request: Request, data: dict[str, Any]) -> Routine:
        version = data.pop("version")
        return services.approve_routine(
            tenant_of(request), acting_user(request), self.routine, version=version, **data
        )


@extend_schema(request=s.RoutineRetireSerializer, responses=s.RoutineSerializer)
class RoutineRetire(RoutineAction):
    """The municipality's leader sets an approved routine as no longer in use."""

    body = s.RoutineRetireSerializer

    def act(self, request: Request, data: dict[str, Any]) -> Routine:
        version = data.pop("version")
        return services.retire_routine(
            tenant_of(request), acting_user(request), self.routine, version=version, **data
        )


@extend_schema(methods=["GET"], responses=s.RoutineReviewSerializer(many=True))
@extend_schema(
    methods=["POST"],
    request=s.RoutineReviewWriteSerializer,
    responses={201: s.RoutineReviewSerializer},
)
class ReviewList(RoutineScoped):
    """The routine's reviews, latest first; the leader records one (naming the routine's
    `version`), which sets the next review one interval on."""

    serializer_class = s.RoutineReviewSerializer  # type: ignore[assignment]
    schema = ListSchema()
    creates = True
    conflict_methods = frozenset({"POST"})

    def get(self, request: Request, routine_id: int) -> Response:
        return self.list_response(self.routine.reviews.all())

    def post(self, request: Request, routine_id: int) -> Response:
        data = self.checked(s.RoutineReviewWriteSerializer, request.data)
        version = data.pop("version")
        try:
            review = services.record_review(
                tenant_of(request), acting_user(request), self.routine, version=version, **data
            )
        except StaleVersion as exc:
            return self.conflict(exc)
        return Response(s.RoutineReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], responses=s.UnitAdoptionSerializer(many=True))
@extend_schema(
    methods=["POST"],
    request=s.UnitAdoptionWriteSerializer,
    responses={201: s.UnitAdoptionSerializer},
)
class AdoptionList(RoutineScoped):
    """Which of the routine's units have taken the approved routine into use, and when."""

    serializer_class = s.UnitAdoptionSerializer  # type: ignore[assignment]
    schema = ListSchema()
    creates = True

    def get(self, request: Request, routine_id: int) -> Response:
        return self.list_response(self.routine.adoptions.select_related("unit"))

    def post(self, request: Request, routine_id: int) -> Response:
        data = self.checked(s.UnitAdoptionWriteSerializer, request.data)
        adoption = services.record_unit_adoption(
            tenant_of(request), acting_user(request), self.routine, **data
        )
        adoption = UnitAdoption.objects.select_related("unit").get(pk=adoption.pk)
        return Response(s.UnitAdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], responses=s.UnitAdoptionSerializer)
@extend_schema(
    methods=["PATCH"], request=s.UnitAdoptionConfirmSerializer, responses=s.UnitAdoptionSerializer
)
@extend_schema(methods=["DELETE"], responses={204: None})
class AdoptionDetail(RoutineScoped):
    """One unit's adoption: PATCH confirms the unit still uses the routine (naming the
    adoption's `version`); DELETE undoes an adoption recorded by mistake."""

    serializer_class = s.UnitAdoptionSerializer  # type: ignore[assignment]
    conflict_methods = frozenset({"PATCH"})
    adoption: UnitAdoption

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.adoption = access.get_adoption_for(self.routine, kwargs["pk"])

    def get_object(self) -> UnitAdoption:
        return self.adoption

    def get(self, request: Request, routine_id: int, pk: int) -> Response:
        return Response(self.get_serializer(self.adoption).data)

    def patch(self, request: Request, routine_id: int, pk: int) -> Response:
        data = self.checked(s.UnitAdoptionConfirmSerializer, request.data)
        try:
            adoption = services.confirm_unit_use(
                tenant_of(request), acting_user(request), self.adoption, **data
            )
        except StaleVersion as exc:
            return self.conflict(exc)
        adoption = UnitAdoption.objects.select_related("unit").get(pk=adoption.pk)
        return Response(self.get_serializer(adoption).data)

    def delete(self, request: Request, routine_id: int, pk: int) -> Response:
        services.remove_unit_adoption(tenant_of(request), acting_user(request), self.adoption)
        return Response(status=status.HTTP_204_NO_CONTENT)
