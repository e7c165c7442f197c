"""`GET /api/routines/suggestions/`: plan rows the municipality's approved routines fulfil.

Lists the milestones not yet done whose linked routines are all approved (to be offered
to the leader as "mark done?") and the measures fulfilled the same way, from
`tenants.routines.queries`. It only reads: the leader marks a milestone done through the
plans API as usual. `?plan=<id>` narrows it to one plan (404 for a plan that is not
there). Two queries per list, whatever the rows.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.plans.access import get_plan_for
from tenants.plans.models import Plan
from tenants.routines.api import RoutinesView
from tenants.routines.queries import measures_ready, milestones_ready


class LinkedRoutineSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField(source="current.title")
    approved_on = serializers.DateField(source="current.approved_on")


class PlanRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ReadyMilestoneSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    plan = PlanRefSerializer()
    code = serializers.CharField()
    title = serializers.CharField()
    due = serializers.DateField()
    status = serializers.CharField()
    version = serializers.IntegerField(help_text="Send this when marking the milestone done.")
    routines = LinkedRoutineSerializer(many=True)


class ReadyMeasureSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    plan = PlanRefSerializer()
    text = serializers.CharField()
    routines = LinkedRoutineSerializer(many=True)


class SuggestionsSerializer(serializers.Serializer[Any]):
    milestones = ReadyMilestoneSerializer(many=True)
    measures = ReadyMeasureSerializer(many=True)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "plan", int, required=False, description="Only this plan's milestones and measures."
        )
    ],
    responses=SuggestionsSerializer,
)
class RoutineSuggestions(RoutinesView):
    """Milestones ready to be marked done, and measures fulfilled, because every routine
    linked to them is approved. A suggestion for the leader: nothing is changed here."""

    serializer_class = SuggestionsSerializer

    def get(self, request: Request) -> Response:
        plan: Plan | None = None
        if "plan" in request.query_params:
            plan = get_plan_for(request.query_params["plan"])
        data = {
            "milestones": list(milestones_ready(plan)),
            "measures": list(measures_ready(plan)),
        }
        return Response(SuggestionsSerializer(data).data)
