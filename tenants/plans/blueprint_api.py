"""The plan templates API: list the blueprints, start a plan from one, move a plan's start.

`GET /api/plan-templates/`, `POST /api/plans/from-template/` and
`POST /api/plans/{id}/move-start/`. Reading needs membership; starting or moving a plan
needs the leader or editor role. The work is done by `tenants/plans/blueprints.py`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from samla.accounts.access import acting_user, tenant_of
from tenants.plans import blueprints
from tenants.plans import serializers as s
from tenants.plans.api import ListSchema, PlanAction, PlansView
from tenants.plans.models import NAME_LIMIT, Plan


class FromTemplateSerializer(serializers.Serializer[Any]):
    # Dates are read by the service, which answers in Norwegian for any bad value.
    template = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=NAME_LIMIT)
    start = serializers.CharField(max_length=30)
    end = serializers.CharField(max_length=30, required=False, allow_blank=True)


class MoveStartSerializer(serializers.Serializer[Any]):
    start = serializers.CharField(max_length=30)
    version = serializers.IntegerField(min_value=1)


class TemplatePhaseSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    description = serializers.CharField()
    start_month = serializers.IntegerField(help_text=_("Måneder fra start"))
    end_month = serializers.IntegerField()


class TemplateSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    months = serializers.IntegerField(help_text=_("Planens lengde i måneder"))
    phases = TemplatePhaseSerializer(many=True)
    milestones = serializers.IntegerField()
    decision_points = serializers.IntegerField()
    activities = serializers.IntegerField()


class PlanTemplateList(PlansView[Any]):
    """The blueprints a plan can start from."""

    serializer_class = TemplateSerializer
    schema = ListSchema()

    def get(self, request: Request) -> Response:
        return self.list_response(
            [blueprints.blueprint_summary(b) for b in blueprints.BLUEPRINTS.values()]
        )


class PlanFromTemplate(PlansView[Plan]):
    """A new draft plan from a blueprint, its dates counted from the given start."""

    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer
    creates = True

    @extend_schema(request=FromTemplateSerializer, responses=s.PlanSerializer)
    def post(self, request: Request) -> Response:
        given = FromTemplateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        key = data.pop("template")
        plan = blueprints.start_plan_from_blueprint(
            tenant_of(request),
            acting_user(request),
            key,
            data,
        )
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(request=MoveStartSerializer, responses=s.PlanSerializer))
class PlanMoveStart(PlanAction):
    """Move the plan's start date; what has not happened yet moves with it."""

    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer
    body = MoveStartSerializer

    def act(self, request: Request, data: dict[str, Any]) -> Plan:
        return blueprints.move_plan_start(
            tenant_of(request),
            self.plan,
            acting_user(request),
            data["start"],
            version=data["version"],
        )
