"""API shapes of plans and their parts: types, lengths and choices only.

The plan's rules (same plan, code once per plan, dates inside the period, approval,
frozen reports) live in services; these serializers hand typed data to one service and
render what it returns. Links to other parts are plain ids (`parent`, `goals`,
`milestones`, `risks`, `series`, `body`); the service checks they belong to the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import fields as drf_fields
from rest_framework import serializers

from tenants.plans import models as m
from tenants.plans.models import NAME_LIMIT, SCALE_MESSAGE, TEXT_LIMIT
from tenants.plans.services.engine import Rules, label_of
from tenants.plans.validators import validate_no_national_id, validate_printable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PartT = TypeVar("PartT", bound=m.Versioned)

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


class PlanSerializer(serializers.ModelSerializer[m.Plan]):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Versjonen du har endret; kreves ved endring (PUT/PATCH)."),
    )

    class Meta:
        model = m.Plan
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


def part_serializer(
    rules: Rules,
    *,
    read_only: str = "",
    extra_kwargs: dict[str, Any] | None = None,
    declared: Mapping[str, serializers.Field[Any, Any, Any, Any]] | None = None,
) -> type[VersionedSerializer[Any]]:
    """The API shape of one plan part, derived from its rules: the common fields, then
    what the part may change (`rules.editable`, links to other parts as ids), the
    `declared` fields (scales, nested rows) and the `read_only` ones (names separated by
    spaces), in the model's order of fields."""
    declared = {
        **{name: RelatedIdField(label=label_of(rules.model, name)) for name in rules.relations},
        **{name: RelatedIdsField(label=label_of(rules.model, name)) for name in rules.many},
        **(declared or {}),
    }
    names = rules.editable.union(declared, read_only.split())
    ordered = [f.name for f in rules.model._meta.get_fields() if f.name in names]
    ordered += sorted(set(declared).difference(ordered))  # declared, not the model's
    meta = type(
        "Meta",
        (),
        {
            "model": rules.model,
            "fields": (*COMMON_FIELDS, *ordered),
            "read_only_fields": (*COMMON_READ_ONLY, *read_only.split()),
            "extra_kwargs": extra_kwargs or {},
            "validators": [],
        },
    )
    attrs: dict[str, Any] = {"__module__": __name__, "Meta": meta, **declared}
    return type(f"{rules.model.__name__}Serializer", (VersionedSerializer,), attrs)


class BodyMemberSerializer(serializers.ModelSerializer[m.BodyMember]):
    id = serializers.IntegerField(required=False, help_text=_("Oppgis for et eksisterende medlem."))
    user_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    class Meta:
        model = m.BodyMember
        fields = ("id", "name", "title", "unit", "role", "user_id")
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
