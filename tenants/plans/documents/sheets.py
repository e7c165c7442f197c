"""What the spreadsheet and the calendar list: a sheet per part, an event per date."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tenants.db import connection
from tenants.plans.documents import columns
from tenants.plans.documents.chapters import GOAL_LEVELS
from tenants.plans.documents.loader import PlanData
from tenants.plans.documents.types import Column, Event, Sheet


def plan_sheets(data: PlanData) -> list[Sheet]:
    """A sheet per part of the plan, in the order a reader looks for them."""
    bodies = [(body, member) for body in data.bodies for member in body.members.all()]
    return [
        columns.MILESTONES.sheet(_("Milepæler"), columns.MILESTONE_SHEET, data.milestones),
        columns.DECISION_POINTS.sheet(
            _("Beslutningspunkter"), columns.DECISION_POINT_SHEET, data.decision_points
        ),
        columns.ACTIVITIES.sheet(_("Hovedaktiviteter"), columns.ACTIVITY_SHEET, data.activities),
        columns.RISKS.sheet(_("Risiko"), columns.RISK_SHEET, columns.risk_rows(data.risks)),
        Sheet(
            _("Budsjett"),
            [
                Column(_("Type"), width=14),
                Column(_("Post"), width=45),
                Column(_("Periode"), width=14),
                Column(_("Beløp"), "amount", 18),
                Column(_("Avklart"), width=10),
            ],
            [
                [
                    str(line.get_kind_display()),
                    line.label,
                    line.period,
                    line.amount,
                    _("Ja") if line.settled else _("Nei"),
                ]
                for line in data.budget_lines
            ],
        ),
        Sheet(
            _("Mål"),
            [
                Column(_("Nivå"), width=14),
                Column(_("Mål"), width=60),
                Column(_("Utgangsverdi"), "decimal", 13),
                Column(_("Målverdi"), "decimal", 13),
                Column(_("Nåverdi"), "decimal", 13),
                Column(_("Enhet"), width=10),
                Column(_("Periode"), width=12),
                Column(_("Frist"), "date", 12),
            ],
            [
                [
                    str(g.get_level_display()),
                    g.text,
                    g.baseline,
                    g.target,
                    g.current_value,
                    g.unit,
                    g.period,
                    g.due,
                ]
                for level in GOAL_LEVELS
                for g in data.goals
                if g.level == level
            ],
        ),
        Sheet(
            _("Organisering"),
            [
                Column(_("Gruppe"), width=25),
                Column(_("Navn"), width=28),
                Column(_("Stilling"), width=28),
                Column(_("Enhet"), width=25),
                Column(_("Rolle"), width=18),
            ],
            [[body.name, m.name, m.title, m.unit, m.role] for body, m in bodies],
        ),
        columns.MEETING_SERIES.sheet(
            _("Møter"), columns.MEETING_SERIES_COLUMNS, data.meeting_series
        ),
    ]


def plan_events(data: PlanData) -> list[Event]:
    """An all-day event per milestone and decision point, with an id that stays."""
    schema: str = connection.schema_name
    dated: list[tuple[str, Any, str]] = [
        *[("milestone", m, m.criterion) for m in data.milestones],
        *[("decision-point", p, p.basis) for p in data.decision_points],
    ]
    return [
        Event(
            uid=f"{kind}-{row.id}.{schema}@samla",
            summary=f"{row.code} {row.title}",
            day=row.due,
            description=text,
        )
        for kind, row, text in dated
    ]
