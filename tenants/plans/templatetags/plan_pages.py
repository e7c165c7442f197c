"""Template helpers of the plan pages: form fields in Designsystemet markup, small labels."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tenants.plans.models import MilestoneStatus
from tenants.plans.queries import risk_level
from tenants.plans.services import stale_message as _stale_message

register = template.Library()


@register.inclusion_tag("plans/_field.html")
def form_field(field: BoundField) -> dict[str, Any]:
    """A field with its label, help, input and error messages, linked for screen readers."""
    widget = field.field.widget
    help_id = f"{field.auto_id}_help"
    error_id = f"{field.auto_id}_error"
    described = [help_id] if field.help_text else []
    if field.errors:
        described.append(error_id)
    multiple = isinstance(widget, forms.CheckboxSelectMultiple)
    checkbox = isinstance(widget, forms.CheckboxInput)
    rendered = ""
    if not multiple:
        attrs: dict[str, str | bool] = {"class": "ds-input"}
        if described:
            attrs["aria-describedby"] = " ".join(described)
        rendered = field.as_widget(attrs=attrs)
    return {
        "field": field,
        "widget": rendered,
        "help_id": help_id,
        "error_id": error_id,
        "describedby": " ".join(described),
        "multiple": multiple,
        "checkbox": checkbox,
    }


@register.simple_tag
def stale_message() -> str:
    return _stale_message()


@register.filter
def level_of(score: int) -> str:
    """The CSS name of a risk score's band (low, medium, high)."""
    return risk_level(int(score or 0))[0]


@register.filter
def level_label(score: int) -> Any:
    """The Norwegian label of a risk score's band."""
    return risk_level(int(score or 0))[1]


@register.simple_tag
def gantt_cells(cells: list[bool]) -> str:
    """One activity's month cells (a large plan has thousands: built here, not in a loop
    of template tags). Only fixed markup, no user text."""
    on = format_html(
        '<td class="samla-gantt__on"><span class="ds-sr-only">{}</span></td>', _("pågår")
    )
    return mark_safe("".join(on if active else "<td></td>" for active in cells))  # noqa: S308


@register.simple_tag
def gantt_marks(months: list[list[Any]], kind: str) -> str:
    """The milestone or decision point row: each month's codes, their titles on hover."""
    labels = {value: str(label) for value, label in MilestoneStatus.choices}
    cells = []
    for marks in months:
        if kind == "milestones":
            items = [(m.status, f"{m.title} ({labels.get(m.status, '')})", m.code) for m in marks]
        else:
            items = [("decision", m.title, m.code) for m in marks]
        inner = format_html_join(
            " ", '<span class="samla-mark samla-mark--{}" title="{}">{}</span>', items
        )
        cells.append(format_html('<td class="samla-gantt__marks">{}</td>', inner))
    return mark_safe("".join(cells))  # noqa: S308
