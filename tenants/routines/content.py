"""A routine version as plain content, and what differs between two of them.

`version_content` is the one description of a version's content that leaves the
relational rows: units are named (not numbered), so the same content can be compared
between two versions of one routine, copied to a network's library in the public schema,
and compared again between the library's versions and what an adopter took. `diff` lists
the differences field by field, and the steps row by row, with Norwegian labels, for a
side-by-side view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from tenants.routines.models import RoutineVersion

# The content's fields in the order a person reads them, with their labels.
FIELDS: dict[str, Any] = {
    "title": _("Tittel"),
    "kind": _("Type"),
    "purpose": _("Formål"),
    "level": _("Nivå"),
    "bti_levels": _("BTI-nivåer"),
    "owner_unit": _("Eierenhet"),
    "units": _("Enheter"),
    "methods": _("Samhandlingsmetoder"),
    "internal_control_area": _("Internkontrollområde"),
    "review_interval_months": _("Gjennomgås hver (måneder)"),
    "steps": _("Trinn"),
}
STEP_FIELDS = ("action", "responsible_unit", "timing")


def version_content(version: RoutineVersion) -> dict[str, Any]:
    """The version's content as JSON-ready data (prefetch `steps__responsible_unit`,
    `units` and select `owner_unit` to read many without a query each)."""
    return {
        "title": version.title,
        "kind": version.kind,
        "purpose": version.purpose,
        "level": version.level,
        "bti_levels": sorted(version.bti_levels),
        "owner_unit": version.owner_unit.name,
        "units": sorted(unit.name for unit in version.units.all()),
        "methods": list(version.methods),
        "internal_control_area": version.internal_control_area,
        "review_interval_months": version.review_interval_months,
        "steps": [
            {
                "action": step.action,
                "responsible_unit": step.responsible_unit.name,
                "timing": step.timing,
            }
            for step in version.steps.all()
        ],
    }


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs: its name, label and both values (None when absent)."""

    field: str
    label: str
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "before": self.before,
            "after": self.after,
        }


def _steps_differ(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> bool:
    def key(steps: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        return [tuple(step.get(name) for name in STEP_FIELDS) for step in steps]

    return key(before) != key(after)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldDiff]:
    """The fields whose values differ, in reading order (an empty list when the same)."""
    found: list[FieldDiff] = []
    for name, label in FIELDS.items():
        old, new = before.get(name), after.get(name)
        if name == "steps":
            if _steps_differ(old or [], new or []):
                found.append(FieldDiff(name, str(label), old or [], new or []))
        elif old != new:
            found.append(FieldDiff(name, str(label), old, new))
    return found
