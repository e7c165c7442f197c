"""A submitted status report as a document, read from the snapshot it froze."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from samla.formats import format_date
from tenants.plans import models as m
from tenants.plans.documents import columns
from tenants.plans.documents.types import Column, Outline, Table
from tenants.plans.models import PlanStatus, ReportKind


def report_outline(report: m.StatusReport, plan: m.Plan) -> Outline:
    """A submitted report as it was sent: its texts and the plan's frozen snapshot."""
    snapshot: dict[str, Any] = report.snapshot or {}
    frozen = snapshot.get("plan", {})
    kind = str(ReportKind(report.kind).label)
    taken = _local_date(snapshot.get("taken_at"))
    facts = [
        (_("Prosjekt"), frozen.get("title") or plan.title),
        (_("Rapportdato"), format_date(report.date)),
        (
            _("Periode"),
            f"{format_date(_iso_date(frozen.get('start')))}–{format_date(_iso_date(frozen.get('end')))}",
        ),
        (_("Planstatus"), _plan_status(frozen.get("status"))),
        (_("Nåværende fase"), frozen.get("current_phase") or ""),
        (
            _("Sendt inn"),
            format_date(timezone.localdate(report.submitted_at)) if report.submitted_at else "",
        ),
        (_("Sendt inn av"), report.submitted_by),
        (_("Tall per"), format_date(taken)),
    ]
    outline = Outline(
        title=frozen.get("title") or plan.title,
        subtitle=kind,
        facts=[(label, value) for label, value in facts if value],
    )
    outline.heading(_("1 Framdrift"), 1)
    outline.text_or_none(report.summary)
    outline.heading(_("2 Milepæler"), 1)
    outline.table(
        columns.MILESTONES.table(
            columns.MILESTONE_REPORT, [_milestone(m) for m in snapshot.get("milestones", [])]
        )
    )
    outline.heading(_("3 Beslutningspunkter"), 1)
    outline.table(
        columns.DECISION_POINTS.table(
            columns.DECISION_POINT_REPORT,
            [_decision_point(p) for p in snapshot.get("decision_points", [])],
        )
    )
    outline.heading(_("4 Økonomi"), 1)
    outline.text(report.economy)
    budget = snapshot.get("budget", {})
    labels = [
        ("cost", _("Kostnader")),
        ("funding", _("Finansiering")),
        ("grant", _("Tildelinger")),
        ("unsettled", _("Herav ikke avklart finansiering")),
    ]
    outline.table(
        Table(
            [Column(_("Post"), width=4), Column(_("Beløp"), "amount", 2)],
            [[label, _decimal(budget.get(key))] for key, label in labels if key in budget],
        )
    )
    outline.heading(_("5 Risiko"), 1)
    outline.text(report.risks)
    frozen_risks = [
        columns.RiskRow(n, r.get("title", ""), r.get("likelihood"), r.get("consequence"),
                        r.get("score"))
        for n, r in enumerate(snapshot.get("risks", []), start=1)
    ]  # fmt: skip
    outline.table(columns.RISKS.table(columns.RISK_REPORT, frozen_risks))
    return outline


def _iso_date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _local_date(value: Any) -> datetime.date | None:
    """The local date of an ISO timestamp (the snapshot's time is in UTC)."""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except ArithmeticError:
        return None


def _plan_status(value: Any) -> str:
    try:
        return str(PlanStatus(value).label)
    except ValueError:
        return ""


def _milestone(frozen: dict[str, Any]) -> m.Milestone:
    """A frozen milestone as an unsaved row, so the plan's milestone columns read it."""
    fields: dict[str, Any] = {  # a date may be missing from an old snapshot: shown blank
        "code": frozen.get("code", ""),
        "title": frozen.get("title", ""),
        "due": _iso_date(frozen.get("due")),
        "status": frozen.get("status", ""),
        "done_on": _iso_date(frozen.get("done_on")),
    }
    return m.Milestone(**fields)


def _decision_point(frozen: dict[str, Any]) -> m.DecisionPoint:
    """A frozen decision point as an unsaved row, for the plan's decision-point columns."""
    fields: dict[str, Any] = {
        "code": frozen.get("code", ""),
        "title": frozen.get("title", ""),
        "due": _iso_date(frozen.get("due")),
        "decided_on": _iso_date(frozen.get("decided_on")),
    }
    return m.DecisionPoint(**fields)
