"""The columns of the milestone, decision-point, activity, risk and meeting tables, declared once.

Each column names its header, the kind of its values, its share of a document table's
width, its width in a spreadsheet (in characters) and how its cell is read from a row. The
Word and PDF tables, the spreadsheet's sheets and a status report's tables each pick
columns from here, so a header or a cell reads the same wherever it appears.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla.formats import format_date
from tenants.plans.documents.types import Column, Sheet, Table, Value
from tenants.plans.models import Activity, DecisionPoint, MeetingSeries, Milestone, Risk

Row = TypeVar("Row")


@dataclass(frozen=True)
class Field(Generic[Row]):
    """One column: its header, its kind, its widths and how its cell is made."""

    label: str | Promise
    cell: Callable[[Row], Value]
    kind: str = "text"
    width: float = 1.0  # share of a Word or PDF table's width
    sheet_width: float = 12  # characters, in the spreadsheet


class Fields(Generic[Row]):
    """The columns of one kind of row, by name."""

    def __init__(self, **fields: Field[Row]) -> None:
        self.fields = fields

    def table(self, names: Sequence[str], rows: Iterable[Row]) -> Table:
        """A document table of the named columns."""
        fields = [self.fields[name] for name in names]
        return Table(
            [Column(str(f.label), f.kind, f.width) for f in fields],
            [[f.cell(row) for f in fields] for row in rows],
        )

    def sheet(self, name: str, names: Sequence[str], rows: Iterable[Row]) -> Sheet:
        """A spreadsheet sheet of the named columns."""
        fields = [self.fields[name] for name in names]
        return Sheet(
            name,
            [Column(str(f.label), f.kind, f.sheet_width) for f in fields],
            [[f.cell(row) for f in fields] for row in rows],
        )


def _milestone_status(milestone: Milestone) -> str:
    return str(milestone.get_status_display())


def _milestone_status_reached(milestone: Milestone) -> str:
    """The status, with the day it was reached when it was."""
    label = _milestone_status(milestone)
    return f"{label} {format_date(milestone.done_on)}" if milestone.done_on else label


def _decision_record(point: DecisionPoint) -> str:
    """The decision, then who took it and when."""
    parts = [point.decision.strip()]
    if point.decided_on or point.decided_by:
        parts.append(
            " ".join(
                p for p in (_("Besluttet"), format_date(point.decided_on), point.decided_by) if p
            )
        )
    return "\n".join(p for p in parts if p)


def by_due(milestone: Milestone) -> tuple[datetime.date, str, int]:
    return (milestone.due, milestone.code, milestone.id)


def _milestone_codes(activity: Activity) -> str:
    return ", ".join(m.code for m in sorted(activity.milestones.all(), key=by_due))


MILESTONES: Fields[Milestone] = Fields(
    code=Field(gettext_lazy("Nr"), lambda m: m.code, width=0.9, sheet_width=8),
    title=Field(gettext_lazy("Milepæl"), lambda m: m.title, width=3.5, sheet_width=45),
    due=Field(gettext_lazy("Dato"), lambda m: m.due, "date", 1.5, 12),
    criterion=Field(
        gettext_lazy("Målbart resultat"), lambda m: m.criterion, width=3.5, sheet_width=50
    ),
    status=Field(gettext_lazy("Status"), _milestone_status, width=1.3, sheet_width=12),
    status_reached=Field(
        gettext_lazy("Status"), _milestone_status_reached, width=1.3, sheet_width=20
    ),
    done_on=Field(gettext_lazy("Nådd dato"), lambda m: m.done_on, "date", 1.5, 12),
    responsible=Field(gettext_lazy("Ansvarlig"), lambda m: m.responsible, width=2, sheet_width=20),
)
MILESTONE_TABLE = ("code", "title", "due", "criterion", "status_reached")
MILESTONE_SHEET = ("code", "title", "due", "criterion", "status", "done_on", "responsible")
MILESTONE_REPORT = ("code", "title", "due", "status", "done_on")

DECISION_POINTS: Fields[DecisionPoint] = Fields(
    code=Field(gettext_lazy("Nr"), lambda p: p.code, width=0.9, sheet_width=8),
    title=Field(gettext_lazy("Beslutningspunkt"), lambda p: p.title, width=3, sheet_width=45),
    due=Field(gettext_lazy("Dato"), lambda p: p.due, "date", 1.5, 12),
    basis=Field(gettext_lazy("Grunnlag"), lambda p: p.basis, width=3, sheet_width=45),
    decision=Field(gettext_lazy("Beslutning"), lambda p: p.decision, width=3, sheet_width=45),
    decision_record=Field(gettext_lazy("Beslutning"), _decision_record, width=3, sheet_width=45),
    decided_on=Field(gettext_lazy("Besluttet dato"), lambda p: p.decided_on, "date", 1.5, 14),
    decided_by=Field(gettext_lazy("Besluttet av"), lambda p: p.decided_by, width=2, sheet_width=20),
)
DECISION_POINT_TABLE = ("code", "title", "due", "basis", "decision_record")
DECISION_POINT_SHEET = (
    "code",
    "title",
    "due",
    "basis",
    "decision",
    "decided_on",
    "decided_by",
)
DECISION_POINT_REPORT = ("code", "title", "due", "decided_on")

ACTIVITIES: Fields[Activity] = Fields(
    code=Field(gettext_lazy("Nr"), lambda a: a.code, width=1.1, sheet_width=8),
    name=Field(gettext_lazy("Hovedaktivitet"), lambda a: a.name, width=2.6, sheet_width=35),
    purpose=Field(gettext_lazy("Hensikt"), lambda a: a.purpose, width=2.4, sheet_width=40),
    tasks=Field(gettext_lazy("Oppgaver"), lambda a: a.tasks, width=3, sheet_width=50),
    result=Field(gettext_lazy("Resultat"), lambda a: a.result, width=2.4, sheet_width=40),
    milestones=Field(gettext_lazy("Milepæler"), _milestone_codes, width=1.7, sheet_width=14),
    start_month=Field(gettext_lazy("Første måned"), lambda a: a.start_month, "date", 1.5, 14),
    end_month=Field(gettext_lazy("Siste måned"), lambda a: a.end_month, "date", 1.5, 14),
    responsible=Field(gettext_lazy("Ansvarlig"), lambda a: a.responsible, width=2, sheet_width=20),
)
ACTIVITY_TABLE = ("code", "name", "purpose", "tasks", "result", "milestones")
ACTIVITY_SHEET = (*ACTIVITY_TABLE, "start_month", "end_month", "responsible")


@dataclass(frozen=True)
class RiskRow:
    """A risk as its tables show it, numbered in order: from the plan or a frozen report."""

    number: int
    title: str
    likelihood: int | None
    consequence: int | None
    score: int | None
    measure: str = ""
    owner: str = ""
    status: str = ""


def risk_rows(risks: Iterable[Risk]) -> list[RiskRow]:
    return [
        RiskRow(n, r.title, r.likelihood, r.consequence, r.score, r.measure, r.owner,
                str(r.get_status_display()))
        for n, r in enumerate(risks, start=1)
    ]  # fmt: skip


RISKS: Fields[RiskRow] = Fields(
    number=Field(gettext_lazy("Nr"), lambda r: r.number, "number", 0.8, 6),
    title=Field(gettext_lazy("Risikofaktor"), lambda r: r.title, width=4, sheet_width=45),
    likelihood=Field(gettext_lazy("S"), lambda r: r.likelihood, "number", 0.6, 5),
    consequence=Field(gettext_lazy("K"), lambda r: r.consequence, "number", 0.6, 5),
    score=Field(gettext_lazy("RF"), lambda r: r.score, "number", 0.75, 6),
    measure=Field(gettext_lazy("Tiltak"), lambda r: r.measure, width=4, sheet_width=45),
    owner=Field(gettext_lazy("Ansvarlig"), lambda r: r.owner, width=2, sheet_width=20),
    status=Field(gettext_lazy("Status"), lambda r: r.status, width=1.3, sheet_width=12),
)
RISK_REPORT = ("number", "title", "likelihood", "consequence", "score")
RISK_TABLE = (*RISK_REPORT, "measure", "owner")
RISK_SHEET = (*RISK_TABLE, "status")


def _body_name(series: MeetingSeries) -> str:
    return series.body.name if series.body else ""


MEETING_SERIES: Fields[MeetingSeries] = Fields(
    name=Field(gettext_lazy("Møte"), lambda s: s.name, width=2.5, sheet_width=30),
    body=Field(gettext_lazy("Gruppe"), _body_name, width=2, sheet_width=25),
    frequency=Field(gettext_lazy("Hyppighet"), lambda s: s.frequency, width=1.8, sheet_width=18),
    participants=Field(
        gettext_lazy("Deltakere"), lambda s: s.participants, width=2.5, sheet_width=35
    ),
    agenda=Field(gettext_lazy("Agenda"), lambda s: s.agenda, width=3, sheet_width=50),
)
MEETING_SERIES_COLUMNS = ("name", "body", "frequency", "participants", "agenda")
