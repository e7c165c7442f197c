"""API shapes of plans and their parts: types, lengths and choices only.

The plan's rules (same plan, code once per plan, dates inside the period, approval,
frozen reports) live in services; these serializers hand typed data to one service and
render what it returns. Links to other parts are plain ids (`parent`, `goals`,
`milestones`, `risks`, `series`, `body`); the service checks they belong to the plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import fields as drf_fields
from rest_framework import serializers

from tenants.plans.models import (
    NAME_LIMIT,
    SCALE_MESSAGE,
    TEXT_LIMIT,
    Activity,
    Body,
    BodyMember,
    BudgetLine,
    DecisionPoint,
    Goal,
    Measure,
    Meeting,
    MeetingSeries,
    Milestone,
    Phase,
    Plan,
    Risk,
    StatusReport,
    SuccessFactor,
    Versioned,
)
from tenants.plans.validators import validate_no_national_id, validate_printable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PartT = TypeVar("PartT", bound=Versioned)

COMMON_FIELDS = ("id", "plan", "version", "created_at", "updated_at")
COMMON_READ_ONLY = ("id", "created_at", "updated_at")


class RelatedIdField(serializers.IntegerField):
    """Another part of the same plan by id (null for none); read from `<name>_id`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def get_attribute(self, instance: models.Model) -> Any:
        return getattr(instance, f"{self.source}_id")

    def to_representation(self, value: Any) -> Any:
        return None if value is None else int(value)


class RelatedIdsField(serializers.ListField):
    """Other parts of the same plan by id; read from the (prefetched) relation."""

    child = serializers.IntegerField(min_value=1)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def get_attribute(self, instance: models.Model) -> Any:
        return drf_fields.get_attribute(instance, self.source_attrs).all()

    def to_representation(self, data: Any) -> list[int]:
        return [row.pk for row in data]


class VersionedSerializer(serializers.ModelSerializer[PartT]):
    """Common to every part: ids, the plan, and the version an update must name."""

    plan = serializers.IntegerField(source="plan_id", read_only=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Versjonen du har endret; kreves ved endring (PUT/PATCH)."),
    )


def scale_field(label: StrOrPromise) -> serializers.IntegerField:
    return serializers.IntegerField(
        label=label,
        min_value=1,
        max_value=5,
        error_messages={"min_value": SCALE_MESSAGE, "max_value": SCALE_MESSAGE},
    )


class PlanSerializer(serializers.ModelSerializer[Plan]):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Versjonen du har endret; kreves ved endring (PUT/PATCH)."),
    )

    class Meta:
        model = Plan
        fields = (
            "id", "title", "number", "case_number", "owner", "sponsor", "leaders", "start",
            "end", "status", "approved_on", "approved_by", "background", "purpose",
            "target_group", "scope", "references", "version", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = (*COMMON_READ_ONLY, "approved_on", "approved_by")
        validators: list[Any] = []


class ApproveSerializer(serializers.Serializer[dict[str, Any]]):
    approved_on = serializers.DateField(required=False, label=_("Godkjent dato"))
    approved_by = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NAME_LIMIT,
        label=_("Godkjent av"),
        validators=[validate_no_national_id, validate_printable],
    )
    version = serializers.IntegerField(required=False, min_value=1)


class SubmitSerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField(required=False, min_value=1)


class PhaseSerializer(VersionedSerializer[Phase]):
    class Meta:
        model = Phase
        fields = (*COMMON_FIELDS, "order", "name", "description", "start", "end", "is_current")
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class GoalSerializer(VersionedSerializer[Goal]):
    # DRF's metaclass takes declared fields off the class, so this does not replace
    # `Field.parent` (the serializer a field is bound to); the API names it `parent`.
    parent = RelatedIdField(label=_("Overordnet mål"))  # type: ignore[assignment]

    class Meta:
        model = Goal
        fields = (
            *COMMON_FIELDS, "level", "text", "due", "parent", "baseline", "target", "current",
            "unit", "period",
        )  # fmt: skip
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class MeasureSerializer(VersionedSerializer[Measure]):
    goals = RelatedIdsField(label=_("Mål"))

    class Meta:
        model = Measure
        fields = (*COMMON_FIELDS, "text", "responsible", "goals")
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class MilestoneSerializer(VersionedSerializer[Milestone]):
    class Meta:
        model = Milestone
        fields = (
            *COMMON_FIELDS, "code", "title", "due", "criterion", "status", "done_on",
            "evidence", "responsible",
        )  # fmt: skip
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class DecisionPointSerializer(VersionedSerializer[DecisionPoint]):
    class Meta:
        model = DecisionPoint
        fields = (
            *COMMON_FIELDS, "code", "title", "due", "basis", "decision", "decided_on",
            "decided_by",
        )  # fmt: skip
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class ActivitySerializer(VersionedSerializer[Activity]):
    milestones = RelatedIdsField(label=_("Milepæler"))

    class Meta:
        model = Activity
        fields = (
            *COMMON_FIELDS, "code", "name", "purpose", "tasks", "result", "milestones",
            "start_month", "end_month", "responsible", "status",
        )  # fmt: skip
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class RiskSerializer(VersionedSerializer[Risk]):
    likelihood = scale_field(_("Sannsynlighet"))
    consequence = scale_field(_("Konsekvens"))

    class Meta:
        model = Risk
        fields = (
            *COMMON_FIELDS, "title", "likelihood", "consequence", "score", "measure", "owner",
            "status",
        )  # fmt: skip
        read_only_fields = (*COMMON_READ_ONLY, "score")
        validators: list[Any] = []


class SuccessFactorSerializer(VersionedSerializer[SuccessFactor]):
    risks = RelatedIdsField(label=_("Risikoer"))

    class Meta:
        model = SuccessFactor
        fields = (*COMMON_FIELDS, "priority", "text", "sub_points", "measure", "risks")
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class BudgetLineSerializer(VersionedSerializer[BudgetLine]):
    class Meta:
        model = BudgetLine
        fields = (*COMMON_FIELDS, "kind", "label", "amount", "period", "settled")
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []
        extra_kwargs = {
            "amount": {"error_messages": {"min_value": _("Beløpet kan ikke være negativt.")}}
        }


class BodyMemberSerializer(serializers.ModelSerializer[BodyMember]):
    id = serializers.IntegerField(required=False, help_text=_("Oppgis for et eksisterende medlem."))
    user_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    class Meta:
        model = BodyMember
        fields = ("id", "name", "title", "unit", "role", "user_id")
        validators: list[Any] = []


class BodySerializer(VersionedSerializer[Body]):
    members = BodyMemberSerializer(many=True, required=False)

    class Meta:
        model = Body
        fields = (*COMMON_FIELDS, "kind", "name", "mandate", "order", "members")
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class MeetingSeriesSerializer(VersionedSerializer[MeetingSeries]):
    body = RelatedIdField(label=_("Gruppe"))

    class Meta:
        model = MeetingSeries
        fields = (*COMMON_FIELDS, "body", "name", "frequency", "agenda", "participants")
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class ActionSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(
        max_length=TEXT_LIMIT, validators=[validate_no_national_id, validate_printable]
    )
    owner = serializers.CharField(
        max_length=NAME_LIMIT, required=False, allow_blank=True,
        validators=[validate_no_national_id, validate_printable],
    )  # fmt: skip
    due = serializers.DateField(required=False, allow_null=True)
    done = serializers.BooleanField(required=False, default=False)


class MeetingSerializer(VersionedSerializer[Meeting]):
    series = RelatedIdField(label=_("Møteserie"))
    body = RelatedIdField(label=_("Gruppe"))
    actions = ActionSerializer(many=True, required=False)

    class Meta:
        model = Meeting
        fields = (
            *COMMON_FIELDS, "series", "body", "title", "held_on", "agenda", "attendees",
            "decisions", "actions", "notes",
        )  # fmt: skip
        read_only_fields = COMMON_READ_ONLY
        validators: list[Any] = []


class StatusReportSerializer(VersionedSerializer[StatusReport]):
    class Meta:
        model = StatusReport
        fields = (
            *COMMON_FIELDS, "kind", "date", "summary", "economy", "risks", "snapshot",
            "submitted_at", "submitted_by",
        )  # fmt: skip
        read_only_fields = (*COMMON_READ_ONLY, "snapshot", "submitted_at", "submitted_by")
        validators: list[Any] = []
