"""Meetings of a plan: their minutes' actions (text, owner, due date, done) and links."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tenants.plans import bounds
from tenants.plans.models import NAME_LIMIT, TEXT_LIMIT, Meeting, Plan
from tenants.plans.services.engine import Errors, add_error, as_list, numbered_mappings
from tenants.plans.validators import (
    CONTROL_MESSAGE,
    NATIONAL_ID_MESSAGE,
    contains_control_characters,
    contains_national_id,
)


def _action_due(value: Any) -> tuple[datetime.date | None, bool]:
    """An action's due date from a date or an ISO string; the flag says whether it was valid."""
    if value in (None, ""):
        return None, True
    if isinstance(value, datetime.date):
        return value, True
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        return parsed, parsed is not None
    return None, False


def clean_actions(actions: Any, errors: Errors) -> list[dict[str, Any]]:
    """Minutes' actions as [{text, owner, due (ISO date or null), done}]."""
    actions = as_list(
        actions, "actions", _("Oppfølgingspunktene må være en liste."), bounds.actions_error, errors
    )
    cleaned = []
    shape = _("må ha tekst, ansvarlig og frist.")
    for _number, prefix, item in numbered_mappings(
        actions, "actions", _("Punkt %(number)d"), shape, errors
    ):
        text = str(item.get("text") or "").strip()
        owner = str(item.get("owner") or "").strip()
        due, due_ok = _action_due(item.get("due"))
        if not text:
            add_error(errors, "actions", f"{prefix}: {_('teksten kan ikke være tom.')}")
        elif len(text) > TEXT_LIMIT:
            add_error(
                errors,
                "actions",
                f"{prefix}: " + _("teksten kan være høyst %(limit)d tegn.") % {"limit": TEXT_LIMIT},
            )
        if len(owner) > NAME_LIMIT:
            add_error(
                errors,
                "actions",
                f"{prefix}: "
                + _("ansvarlig kan være høyst %(limit)d tegn.") % {"limit": NAME_LIMIT},
            )
        if not due_ok:
            add_error(errors, "actions", f"{prefix}: {_('fristen må være en dato (ÅÅÅÅ-MM-DD).')}")
        elif due is not None and not bounds.in_year_window(due):
            add_error(errors, "actions", f"{prefix}: {bounds.year_window_message()}")
        if contains_national_id(text) or contains_national_id(owner):
            add_error(errors, "actions", f"{prefix}: {NATIONAL_ID_MESSAGE}")
        if contains_control_characters(text) or contains_control_characters(owner):
            add_error(errors, "actions", f"{prefix}: {CONTROL_MESSAGE}")
        cleaned.append(
            {
                "text": text,
                "owner": owner,
                "due": due.isoformat() if due else None,
                "done": bool(item.get("done", False)),
            }
        )
    return cleaned


def check_meeting(plan: Plan, meeting: Meeting, errors: Errors) -> None:
    """A meeting of a series belongs to the series' body unless it names its own."""
    if meeting.series and meeting.body is None:
        meeting.body = meeting.series.body
