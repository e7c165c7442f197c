"""The routine list's rows as the API writes them, read as plain values.

A list of 300 routines built as model instances (each with two versions, their owner
units, the units in force, adoptions and plan links) spent most of its time making
objects. Here the routines and both versions come in one query of values, and the
units, adoptions and links in one query each, so the list costs five queries and no
model instance. `RoutineSerializer` writes the same JSON for one routine (a test holds
the two to the same output); it stays the schema's description of a row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rest_framework import serializers

from tenants.routines.models import (
    REVIEW_NOTICE_DAYS,
    Routine,
    RoutineStatus,
    RoutineVersion,
    UnitAdoption,
)
from tenants.routines.services.adoption import in_use

ROUTINE_FIELDS = (
    "id", "version", "status", "next_review", "last_reviewed", "retired_on",
    "library_entry_id", "library_version", "source_municipality", "unit_mapping",
    "created_at", "updated_at", "current_id", "draft_id",
)  # fmt: skip
VERSION_FIELDS = (
    "number", "kind", "title", "level", "bti_levels", "owner_unit_id", "owner_unit__name",
    "review_interval_months", "change_note", "approved_on", "approved_by", "updated_at",
)  # fmt: skip
VALUES = (
    *ROUTINE_FIELDS,
    *(f"current__{name}" for name in VERSION_FIELDS),
    *(f"draft__{name}" for name in VERSION_FIELDS),
)
STATUS_LABELS = dict(RoutineStatus.choices)
_MOMENT = serializers.DateTimeField()


def day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def moment(value: datetime.datetime | None) -> str | None:
    return _MOMENT.to_representation(value) if value is not None else None


def version_summary(get: Callable[[str], Any]) -> dict[str, Any]:
    """A version as a routine lists it (`RoutineVersionSummarySerializer`'s fields), its
    values read by `get` under their ORM names (`owner_unit__name`): from a values row
    here, from a version object in `RoutineSerializer`."""
    return {
        "number": get("number"),
        "kind": get("kind"),
        "title": get("title"),
        "level": get("level"),
        "bti_levels": list(get("bti_levels")),
        "owner_unit": get("owner_unit_id"),
        "owner_unit_name": get("owner_unit__name"),
        "review_interval_months": get("review_interval_months"),
        "change_note": get("change_note"),
        "approved_on": day(get("approved_on")),
        "approved_by": get("approved_by"),
        "updated_at": moment(get("updated_at")),
    }


def _version(row: dict[str, Any], side: str) -> dict[str, Any] | None:
    if row[f"{side}_id"] is None:
        return None
    return version_summary(lambda name: row[f"{side}__{name}"])


def _grouped(pairs: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for owner, target in pairs:
        grouped[owner].append(target)
    return grouped


def routine_rows(page: Sequence[dict[str, Any]], today: datetime.date) -> list[dict[str, Any]]:
    """The JSON of a page of `routine_values(...)` rows: four more queries in all."""
    ids = [row["id"] for row in page]
    current_ids = [row["current_id"] for row in page if row["current_id"] is not None]
    units = _grouped(
        RoutineVersion.units.through.objects.filter(routineversion_id__in=current_ids)
        .order_by("routineversion_id", "unit_id")
        .values_list("routineversion_id", "unit_id")
    )
    adopted = _grouped(
        UnitAdoption.objects.filter(routine_id__in=ids)
        .order_by("routine_id", "unit_id")
        .values_list("routine_id", "unit_id")
    )
    milestones = _grouped(
        Routine.milestones.through.objects.filter(routine_id__in=ids)
        # In the milestones' own order, as the routine's `milestones.all()` gives them.
        .order_by("routine_id", "milestone__due", "milestone__code", "milestone_id")
        .values_list("routine_id", "milestone_id")
    )
    measures = _grouped(
        Routine.measures.through.objects.filter(routine_id__in=ids)
        .order_by("routine_id", "measure_id")
        .values_list("routine_id", "measure_id")
    )
    horizon = today + datetime.timedelta(days=REVIEW_NOTICE_DAYS)
    rows = []
    for row in page:
        pk = row["id"]
        approved = row["status"] == RoutineStatus.APPROVED and row["next_review"] is not None
        head = "draft" if row["draft_id"] is not None else "current"
        adopted_units = adopted.get(pk, [])
        rows.append(
            {
                "id": pk,
                "version": row["version"],
                "status": row["status"],
                "status_label": str(STATUS_LABELS[row["status"]]),
                "title": row[f"{head}__title"] or "",
                "current": _version(row, "current"),
                "draft": _version(row, "draft"),
                "next_review": day(row["next_review"]),
                "last_reviewed": day(row["last_reviewed"]),
                "retired_on": day(row["retired_on"]),
                "review_due": approved and row["next_review"] <= horizon,
                "review_overdue": approved and row["next_review"] < today,
                "in_use": row["current_id"] is not None
                and in_use(units.get(row["current_id"], []), adopted_units),
                "adopted_units": adopted_units,
                "milestones": milestones.get(pk, []),
                "measures": measures.get(pk, []),
                "library_entry_id": row["library_entry_id"],
                "library_version": row["library_version"],
                "source_municipality": row["source_municipality"],
                "unit_mapping": row["unit_mapping"],
                "created_at": moment(row["created_at"]),
                "updated_at": moment(row["updated_at"]),
            }
        )
    return rows


def routine_values(queryset: Any) -> Any:
    """The queryset's routines as the values `routine_rows` reads (one query)."""
    return queryset.values(*VALUES)
