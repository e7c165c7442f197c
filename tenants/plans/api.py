"""The plans API on a municipality's host: `/api/plans/` and every part of a plan.

Each view resolves the plan (and the object) through `access`, validates the request
with a serializer and calls one service. Service refusals become 400 with field errors,
a stale `version` becomes 409 with the current object, another plan's id becomes 404.
Reading needs membership; writing needs the leader or editor role; approving a plan,
submitting a report and deleting a whole plan need the leader.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from samla.accounts.access import WRITE_ROLES, acting_user, tenant_of
from samla.accounts.permissions import HasRole
from samla.api.schema import SamlaAutoSchema
from tenants.plans import access, services
from tenants.plans import serializers as s
from tenants.plans.models import Plan, Versioned
from tenants.plans.registry import PARTS, PlanPart, part_named
from tenants.plans.services import StaleVersion, stale_message


def _split_version(validated: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    data = dict(validated)
    return data, data.pop("version", None)


RowT = TypeVar("RowT", bound=models.Model)


class ListSchema(SamlaAutoSchema):
    """Document GET on a list view as a list (these are not DRF's ListAPIView)."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET"


class PlansView(GenericAPIView[RowT]):
    """Membership to read, leader or editor to write."""

    permission_classes = [HasRole]
    write_roles: ClassVar[frozenset[str]] = WRITE_ROLES
    filter_backends = []
    # What the schema cannot see: a POST that creates (201), methods that answer 409.
    creates: ClassVar[bool] = False
    conflict_methods: ClassVar[frozenset[str]] = frozenset()

    def list_response(self, queryset: Any) -> Response:
        """One page of the rows (the whole list by default), paging in the headers."""
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def conflict(self, exc: StaleVersion) -> Response:
        return Response(
            {"detail": stale_message(), "current": self.current_data(exc.current)},
            status=status.HTTP_409_CONFLICT,
        )

    def current_data(self, current: Any) -> Any:
        """The current row as the 409 shows it (the view's serializer by default)."""
        return self.get_serializer(current).data


class PlanList(PlansView[Plan]):
    """The municipality's plans; a new plan starts as a draft."""

    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer
    schema = ListSchema()
    creates = True

    def get(self, request: Request) -> Response:
        return self.list_response(self.get_queryset())

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, _version = _split_version(serializer.validated_data)
        plan = services.create_plan(tenant_of(request), acting_user(request), data)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)


class PlanScoped(PlansView[RowT]):
    """A view under `/api/plans/{plan_id}/`: the plan is resolved before the method."""

    plan: Plan

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before method dispatch: a wrong plan id is 404 whatever the method.
        self.plan = access.get_plan_for(kwargs["plan_id"])

    def get_object(self) -> Any:
        """The resolved plan (DRF's OPTIONS asks for it; there is no `pk` in these URLs)."""
        return self.plan


class RowView(PlanScoped[Any]):
    """A view of one row under the plan, `object`: the plan itself, or the row `pk` of
    `part`, resolved before the method (another plan's or a guessed id is 404)."""

    object: Any
    part: ClassVar[PlanPart | None] = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.object = self.target(kwargs)

    def target(self, kwargs: dict[str, Any]) -> Any:
        if self.part is None:
            return self.plan
        return access.get_part_for(self.part, self.plan, kwargs["pk"])

    def get_object(self) -> Any:
        return self.object


class RowDetail(RowView):
    """Read, change (naming the `version` edited; 409 when stale) or delete the row, through
    the services behind `save` and `remove`, which decide who may."""

    conflict_methods = frozenset({"PUT", "PATCH"})

    def save(self, request: Request, data: dict[str, Any], version: int | None) -> Any:
        raise NotImplementedError

    def remove(self, request: Request) -> None:
        raise NotImplementedError

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.object).data)

    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._change(request, partial=False)

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._change(request, partial=True)

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.remove(request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _change(self, request: Request, *, partial: bool) -> Response:
        serializer = self.get_serializer(self.object, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data, version = _split_version(serializer.validated_data)
        try:
            row = self.save(request, data, version)
        except StaleVersion as exc:
            return self.conflict(exc)
        return Response(self.get_serializer(row).data)


class PlanDetail(RowDetail):
    """One plan. Changing it names the `version` edited; deleting it needs the leader."""

    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer

    def save(self, request: Request, data: dict[str, Any], version: int | None) -> Plan:
        user = acting_user(request)
        return services.update_plan(tenant_of(request), self.plan, user, data, version=version)

    def remove(self, request: Request) -> None:
        services.delete_plan(tenant_of(request), self.plan, acting_user(request))


class PlanAction(RowView):
    """POST runs one service on the plan or one of its rows with the sent body, checked
    by `body`; the service decides who may (only the leader approves: 403) and answers
    409 when the `version` sent is stale. Subclasses name the service and the row."""

    body: ClassVar[type[serializers.Serializer[Any]]]
    conflict_methods = frozenset({"POST"})

    def act(self, request: Request, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = self.body(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            done = self.act(request, dict(given.validated_data))
        except StaleVersion as exc:
            return self.conflict(exc)
        return Response(self.get_serializer(done).data)


@extend_schema_view(post=extend_schema(request=s.ApproveSerializer, responses=s.PlanSerializer))
class PlanApprove(PlanAction):
    """The project leader approves a draft plan (by whom, on which date)."""

    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer
    body = s.ApproveSerializer

    def act(self, request: Request, data: dict[str, Any]) -> Plan:
        return services.approve_plan(tenant_of(request), self.plan, acting_user(request), **data)


# Parts of a plan ------------------------------------------------------------------------


class PartList(PlanScoped[Versioned]):
    """List a part of the plan, or create one (`create_service(plan, user, data)`)."""

    part: ClassVar[PlanPart]
    schema = ListSchema()
    creates = True

    def get_queryset(self) -> Any:
        return self.part.queryset().filter(plan=self.plan)

    def get(self, request: Request, plan_id: int) -> Response:
        return self.list_response(self.get_queryset())

    def post(self, request: Request, plan_id: int) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, _version = _split_version(serializer.validated_data)
        obj = self.part.create(tenant_of(request), self.plan, acting_user(request), data)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


class PartDetail(RowDetail):
    """Read, change (naming the `version` edited) or delete one part of the plan."""

    part: ClassVar[PlanPart]

    def save(self, request: Request, data: dict[str, Any], version: int | None) -> Any:
        user = acting_user(request)
        return self.part.update(tenant_of(request), self.object, user, data, version=version)

    def remove(self, request: Request) -> None:
        self.part.delete(tenant_of(request), self.object, acting_user(request))


def part_views(part: PlanPart) -> tuple[type[PartList], type[PartDetail]]:
    """The list and detail views of a part, named after its model (`MilestoneList`)."""

    def view(base: type[PlansView[Versioned]], suffix: str, doc: str | None) -> Any:
        attrs = {
            "__module__": __name__,
            "__qualname__": f"{part.model.__name__}{suffix}",
            "part": part,
            "queryset": part.queryset(),
            "serializer_class": part.serializer,
        }
        if doc:
            attrs["__doc__"] = doc
        return type(f"{part.model.__name__}{suffix}", (base,), attrs)

    return (
        view(PartList, "List", part.api_list_doc),
        view(PartDetail, "Detail", part.api_detail_doc),
    )


# Each part's views, by the part's name: {"milestone": (MilestoneList, MilestoneDetail), …}
PART_VIEWS: dict[str, tuple[type[PartList], type[PartDetail]]] = {
    part.name: part_views(part) for part in PARTS
}


@extend_schema_view(
    post=extend_schema(request=s.SubmitSerializer, responses=part_named("status_report").serializer)
)
class StatusReportSubmit(PlanAction):
    """The project leader submits a report: its snapshot of the plan is frozen."""

    part = part_named("status_report")
    queryset = part.queryset()
    serializer_class = part.serializer
    body = s.SubmitSerializer

    def act(self, request: Request, data: dict[str, Any]) -> Any:
        return services.submit_status_report(
            tenant_of(request), self.object, acting_user(request), **data
        )
