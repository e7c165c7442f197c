"""The plan's change history on the API: read it (whole plan or one object), restore a deletion.

`GET /api/plans/{id}/history/?type=milestone&object=5&action=delete` lists changes, newest
first, each with the fields it altered. `POST /api/plans/{id}/history/{change}/restore/`
brings a deleted part back (leader or editor).
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from samla.accounts.access import acting_user, tenant_of
from samla.api.pagination import LinkHeaderPagination
from tenants.plans import access, history, services
from tenants.plans.api import ListSchema, PlanScoped
from tenants.plans.models import Change, ChangeAction
from tenants.plans.registry import PARTS

HISTORY_LIMIT = 200

# The types a change can name: every part of the registry, and the plan itself.
PART_SERIALIZERS: dict[str, type[serializers.BaseSerializer[Any]]] = {
    part.history_type: part.serializer for part in PARTS
}
OBJECT_TYPES = sorted({*PART_SERIALIZERS, "plan"})


class DifferenceSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    # Declared fields leave the class (DRF's metaclass), so `Field.label` is not replaced.
    label = serializers.CharField()  # type: ignore[assignment]
    before = serializers.JSONField()
    after = serializers.JSONField()


class ChangeSerializer(serializers.ModelSerializer[Change]):
    action_display = serializers.CharField(source="get_action_display")
    differences = serializers.SerializerMethodField()

    class Meta:
        model = Change
        fields = (
            "id", "object_type", "object_id", "object_label", "action", "action_display",
            "user_name", "at", "differences", "before", "after",
        )  # fmt: skip

    @extend_schema(responses=DifferenceSerializer(many=True))
    def get_differences(self, change: Change) -> list[dict[str, Any]]:
        return [vars(d) for d in history.differences(change)]


class HistoryQuery(serializers.Serializer[Any]):
    type = serializers.ChoiceField(
        choices=OBJECT_TYPES,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Ukjent type «{input}».")},
    )
    object = serializers.IntegerField(required=False, min_value=1)
    action = serializers.ChoiceField(choices=ChangeAction.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "object" in attrs and "type" not in attrs:
            raise serializers.ValidationError({"type": [_("Oppgi typen til objektet.")]})
        return attrs


class HistoryPagination(LinkHeaderPagination):
    """The newest HISTORY_LIMIT changes per page; older ones on the next pages."""

    page_size = HISTORY_LIMIT
    max_page_size = HISTORY_LIMIT


class PlanHistory(PlanScoped[Change]):
    """The plan's changes, newest first (at most 200), optionally for one object."""

    serializer_class = ChangeSerializer
    pagination_class = HistoryPagination
    schema = ListSchema()

    @extend_schema(
        parameters=[HistoryQuery],
        responses=ChangeSerializer(many=True),
        operation_id="plan_history",
    )
    def get(self, request: Request, plan_id: int) -> Response:
        query = HistoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        changes = history.changes_for(self.plan)
        if "type" in given:
            changes = changes.filter(object_type=given["type"])
        if "object" in given:
            changes = changes.filter(object_id=given["object"])
        if "action" in given:
            changes = changes.filter(action=given["action"])
        return self.list_response(changes)


class RestoreChange(PlanScoped[Change]):
    """Bring back the part a deletion in the history removed, as it was."""

    serializer_class = ChangeSerializer
    creates = True

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("change_id", int, OpenApiParameter.PATH)],
        responses={
            201: inline_serializer(
                "RestoredPart",
                {"type": serializers.CharField(), "object": serializers.JSONField()},
            )
        },
    )
    def post(self, request: Request, plan_id: int, change_id: int) -> Response:
        # Another plan's change (or none) is 404, as for any id that is not this plan's.
        get_object_or_404(history.changes_for(self.plan), pk=change_id)
        obj = services.restore_deleted(
            tenant_of(request), self.plan, acting_user(request), change_id
        )
        kind = str(obj._meta.model_name)
        return Response(
            {"type": kind, "object": PART_SERIALIZERS[kind](obj).data},
            status=status.HTTP_201_CREATED,
        )


class ReassessmentSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    user_name = serializers.CharField()
    likelihood = serializers.IntegerField()
    consequence = serializers.IntegerField()
    score = serializers.IntegerField()


class RiskReassessments(PlanScoped[Any]):
    """A risk's assessments over time (likelihood × consequence), oldest first."""

    schema = ListSchema()
    serializer_class = ReassessmentSerializer

    def get(self, request: Request, plan_id: int, pk: int) -> Response:
        risk = access.get_part_for("risk", self.plan, pk)
        return self.list_response(history.reassessments(self.plan, [risk.pk])[risk.pk])
