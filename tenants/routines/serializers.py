"""API shapes of units and routines: types, lengths and choices only.

The routines' rules (the unit belongs to the municipality, a step names its responsible
unit, intervals, who approves, frozen versions) live in `tenants.routines.services`;
these serializers hand typed data to one service and render what it returns. Other rows
are plain ids (`owner_unit`, `units`, `responsible_unit`, `milestones`, `measures`,
`approved_by_body`), capped at PostgreSQL's bigint so a huge number is a 400, not a
database error; the services check that each id is the municipality's own.

A routine is rendered with its two versions as summaries (`current`, `draft`); a
version's full content, with its steps, is its own endpoint.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.plans.fields import NAME_LIMIT, TEXT_LIMIT
from tenants.routines import models as m
from tenants.routines.rows import day, moment, version_summary
from tenants.routines.services import in_use

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_ID = 2**63 - 1
VERSION_HELP = _("Versjonen du har endret; kreves ved endring.")


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """Another row by id: a positive integer inside PostgreSQL's bigint."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def ids_field(*, max_length: int = 500, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=id_field(), required=False, max_length=max_length, **kwargs)


# DRF's own sentence for a value that is not text has no Norwegian translation.
TEXT_ERRORS: dict[str, StrOrPromise] = {"invalid": _("Skriv inn tekst.")}


def text_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(error_messages=TEXT_ERRORS, **kwargs)


def version_field(*, required: bool = False) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=required, min_value=1, max_value=2**31 - 1, help_text=str(VERSION_HELP)
    )


# Units ---------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer[m.Unit]):
    version = version_field()

    class Meta:
        model = m.Unit
        fields = (
            "id", "name", "kind", "leader_name", "email", "order", "version", "created_at",
            "updated_at",
        )  # fmt: skip
        read_only_fields = ("id", "created_at", "updated_at")
        extra_kwargs = {name: {"error_messages": TEXT_ERRORS} for name in ("name", "leader_name")}
        # The service checks the name is free (the constraint is on UPPER(name)).
        validators: list[Any] = []


class UnitRefSerializer(serializers.Serializer[m.Unit]):
    """A unit as another row names it: id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


# Routines: what a client sends ------------------------------------------------------------


class RoutineStepWriteSerializer(serializers.Serializer[dict[str, Any]]):
    action = text_field(max_length=TEXT_LIMIT, label=_("Hva gjøres"))
    responsible_unit = id_field(label=_("Ansvarlig enhet"))
    timing = text_field(max_length=NAME_LIMIT, required=False, allow_blank=True, label=_("Når"))


class RoutineWriteSerializer(serializers.Serializer[dict[str, Any]]):
    """A routine's content and links. On create every field but `title`, `owner_unit` is
    optional; a change sends only what changes, naming the routine's `version`."""

    title = text_field(max_length=NAME_LIMIT, label=_("Tittel"))
    kind = serializers.ChoiceField(m.RoutineKind.choices, required=False, label=_("Type"))
    purpose = text_field(max_length=TEXT_LIMIT, required=False, allow_blank=True, label=_("Formål"))
    level = serializers.ChoiceField(m.RoutineLevel.choices, required=False, label=_("Nivå"))
    bti_levels = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=3),
        required=False,
        max_length=len(m.BTI_LEVELS),
        label=_("BTI-nivåer"),
    )
    owner_unit = id_field(label=_("Eierenhet"))
    units = ids_field(max_length=m.MAX_STEPS, label=_("Enheter"))
    methods = serializers.ListField(
        child=text_field(max_length=63),
        required=False,
        max_length=30,
        label=_("Samhandlingsmetoder"),
    )
    internal_control_area = text_field(
        max_length=NAME_LIMIT, required=False, allow_blank=True, label=_("Internkontrollområde")
    )
    review_interval_months = serializers.IntegerField(
        min_value=1,
        max_value=m.MAX_REVIEW_INTERVAL_MONTHS,
        required=False,
        label=_("Gjennomgås hver (måneder)"),
    )
    change_note = text_field(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, label=_("Hva er endret")
    )
    steps = serializers.ListField(
        child=RoutineStepWriteSerializer(), required=False, max_length=m.MAX_STEPS, label=_("Trinn")
    )
    milestones = ids_field(label=_("Milepæler"))
    measures = ids_field(label=_("Tiltak"))
    version = version_field()


class RoutineApproveSerializer(serializers.Serializer[dict[str, Any]]):
    version = version_field(required=True)
    approved_on = serializers.DateField(label=_("Godkjent dato"))
    approved_by_body = id_field(
        required=False, allow_null=True, label=_("Godkjent av gruppe"),
        help_text=_("En av planenes grupper (styringsgruppe o.l.), eller oppgi approved_by."),
    )  # fmt: skip
    approved_by = text_field(
        max_length=NAME_LIMIT, required=False, allow_blank=True, label=_("Godkjent av")
    )


class RoutineRetireSerializer(serializers.Serializer[dict[str, Any]]):
    version = version_field(required=True)
    retired_on = serializers.DateField(label=_("Utgått dato"))


class RoutineDiscardSerializer(serializers.Serializer[dict[str, Any]]):
    version = version_field(required=True)


class RoutineReviewWriteSerializer(serializers.Serializer[dict[str, Any]]):
    version = version_field(required=True)
    reviewed_on = serializers.DateField(label=_("Gjennomgått dato"))
    note = text_field(max_length=TEXT_LIMIT, required=False, allow_blank=True, label=_("Merknad"))


class UnitAdoptionWriteSerializer(serializers.Serializer[dict[str, Any]]):
    unit = id_field(label=_("Enhet"))
    adopted_on = serializers.DateField(label=_("Tatt i bruk"))
    confirmed_on = serializers.DateField(
        required=False, allow_null=True, label=_("Sist bekreftet i bruk")
    )


class UnitAdoptionConfirmSerializer(serializers.Serializer[dict[str, Any]]):
    version = version_field(required=True)
    confirmed_on = serializers.DateField(label=_("Sist bekreftet i bruk"))


class RoutineCompareQuerySerializer(serializers.Serializer[dict[str, Any]]):
    """Which versions to compare; both optional (see `RoutineCompare`)."""

    from_ = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, label=_("Fra versjon")
    )
    to = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, label=_("Til versjon")
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a Python keyword
        return fields


class RoutineFilterSerializer(serializers.Serializer[dict[str, Any]]):
    """The list's filters, all optional."""

    unit = id_field(required=False, label=_("Enhet"))
    bti_level = serializers.IntegerField(
        min_value=0, max_value=3, required=False, label=_("BTI-nivå")
    )
    status = serializers.ChoiceField(m.RoutineStatus.choices, required=False, label=_("Status"))
    due = serializers.ChoiceField(["0", "1"], required=False, label=_("Til gjennomgang"))


# Routines: what the API answers -----------------------------------------------------------


class RoutineVersionSummarySerializer(serializers.ModelSerializer[m.RoutineVersion]):
    """A version as the routine lists it (its content is `/versions/{number}/`)."""

    owner_unit = serializers.IntegerField(source="owner_unit_id", read_only=True)
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)

    class Meta:
        model = m.RoutineVersion
        fields = (
            "number", "kind", "title", "level", "bti_levels", "owner_unit", "owner_unit_name",
            "review_interval_months", "change_note", "approved_on", "approved_by",
            "updated_at",
        )  # fmt: skip
        read_only_fields = fields


class RoutineStepSerializer(serializers.ModelSerializer[m.RoutineStep]):
    responsible_unit = serializers.IntegerField(source="responsible_unit_id", read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)

    class Meta:
        model = m.RoutineStep
        fields = ("order", "action", "responsible_unit", "responsible_unit_name", "timing")
        read_only_fields = fields


class RoutineVersionSerializer(serializers.ModelSerializer[m.RoutineVersion]):
    """A version's whole content, its steps in order. An approved version never changes."""

    owner_unit = UnitRefSerializer(read_only=True)
    units = UnitRefSerializer(many=True, read_only=True)
    steps = RoutineStepSerializer(many=True, read_only=True)
    approved_by_body = serializers.IntegerField(
        source="approved_by_body_id", read_only=True, allow_null=True
    )
    is_approved = serializers.BooleanField(read_only=True)

    class Meta:
        model = m.RoutineVersion
        fields = (
            "number", "kind", "title", "purpose", "level", "bti_levels", "owner_unit", "units",
            "methods", "internal_control_area", "review_interval_months", "change_note",
            "steps", "is_approved", "approved_on", "approved_by", "approved_by_body",
            "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = fields


def _related_ids(routine: m.Routine, name: str) -> list[int]:
    return [row.pk for row in getattr(routine, name).all()]


class RoutineSerializer(serializers.ModelSerializer[m.Routine]):
    """A routine: its status, both versions, review dates, use in units and links.

    Read a list from `Routine.objects.listed()` with `LIST_PREFETCH`, so the rows cost a
    fixed number of queries however many there are."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    current = RoutineVersionSummarySerializer(read_only=True, allow_null=True)
    draft = RoutineVersionSummarySerializer(read_only=True, allow_null=True)
    title = serializers.SerializerMethodField()
    review_due = serializers.SerializerMethodField(
        help_text=_("Godkjent, og neste gjennomgang er innen 30 dager eller passert.")
    )
    review_overdue = serializers.SerializerMethodField()
    in_use = serializers.SerializerMethodField(
        help_text=_("Alle enhetene i gjeldende versjon har tatt rutinen i bruk.")
    )
    adopted_units = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()

    class Meta:
        model = m.Routine
        fields = (
            "id", "version", "status", "status_label", "title", "current", "draft",
            "next_review", "last_reviewed", "retired_on", "review_due", "review_overdue",
            "in_use", "adopted_units", "milestones", "measures", "library_entry_id",
            "library_version", "source_municipality", "unit_mapping", "created_at",
            "updated_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_title(self, routine: m.Routine) -> str:
        head = routine.head
        return head.title if head is not None else ""

    def _today(self) -> datetime.date:
        if "today" not in self.context:
            self.context["today"] = timezone.localdate()
        day: datetime.date = self.context["today"]
        return day

    def get_review_due(self, routine: m.Routine) -> bool:
        if routine.status != m.RoutineStatus.APPROVED or routine.next_review is None:
            return False
        horizon = self._today() + datetime.timedelta(days=m.REVIEW_NOTICE_DAYS)
        return routine.next_review <= horizon

    def get_review_overdue(self, routine: m.Routine) -> bool:
        return (
            routine.status == m.RoutineStatus.APPROVED
            and routine.next_review is not None
            and routine.next_review < self._today()
        )

    def get_in_use(self, routine: m.Routine) -> bool:
        if routine.current is None:
            return False
        units = [unit.pk for unit in routine.current.units.all()]
        return in_use(units, self.get_adopted_units(routine))

    def get_adopted_units(self, routine: m.Routine) -> list[int]:
        return sorted(adoption.unit_id for adoption in routine.adoptions.all())

    def get_milestones(self, routine: m.Routine) -> list[int]:
        return _related_ids(routine, "milestones")

    def get_measures(self, routine: m.Routine) -> list[int]:
        return _related_ids(routine, "measures")

    def to_representation(self, instance: m.Routine) -> dict[str, Any]:
        """The declared fields, written out directly: DRF's field-by-field walk cost about
        half a millisecond a row, most of a 300-row list's time. The declared fields still
        document the schema, and a test holds both to the same output."""
        routine = instance
        return {
            "id": routine.pk,
            "version": routine.version,
            "status": routine.status,
            "status_label": str(routine.get_status_display()),
            "title": self.get_title(routine),
            "current": _summary(routine.current),
            "draft": _summary(routine.draft),
            "next_review": day(routine.next_review),
            "last_reviewed": day(routine.last_reviewed),
            "retired_on": day(routine.retired_on),
            "review_due": self.get_review_due(routine),
            "review_overdue": self.get_review_overdue(routine),
            "in_use": self.get_in_use(routine),
            "adopted_units": self.get_adopted_units(routine),
            "milestones": self.get_milestones(routine),
            "measures": self.get_measures(routine),
            "library_entry_id": routine.library_entry_id,
            "library_version": routine.library_version,
            "source_municipality": routine.source_municipality,
            "unit_mapping": routine.unit_mapping,
            "created_at": moment(routine.created_at),
            "updated_at": moment(routine.updated_at),
        }


def _summary(version: m.RoutineVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None

    def get(name: str) -> Any:
        value: Any = version
        for part in name.split("__"):
            value = getattr(value, part)
        return value

    return version_summary(get)


# What a list of routines prefetches (with `listed()`'s two versions and their owners).
LIST_PREFETCH = ("current__units", "adoptions", "milestones", "measures")


class RoutineReviewSerializer(serializers.ModelSerializer[m.RoutineReview]):
    class Meta:
        model = m.RoutineReview
        fields = ("id", "reviewed_on", "note", "reviewed_by", "created_at")
        read_only_fields = fields


class UnitAdoptionSerializer(serializers.ModelSerializer[m.UnitAdoption]):
    unit = serializers.IntegerField(source="unit_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    version = version_field()

    class Meta:
        model = m.UnitAdoption
        fields = (
            "id", "unit", "unit_name", "adopted_on", "confirmed_on", "version", "created_at",
            "updated_at",
        )  # fmt: skip
        read_only_fields = ("id", "unit", "unit_name", "adopted_on", "created_at", "updated_at")


class FieldDiffSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    # A declared field named like Field.label: the metaclass takes it out of the class.
    label = serializers.CharField()  # type: ignore[assignment]
    before = serializers.JSONField()
    after = serializers.JSONField()


class RoutineCompareSerializer(serializers.Serializer[Any]):
    """Two versions' contents side by side, and the fields that differ."""

    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    before = serializers.DictField()
    after = serializers.DictField()
    diff = FieldDiffSerializer(many=True)
