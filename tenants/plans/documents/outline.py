"""A plan read once, and turned into a neutral outline that every document renders.

`load_plan` reads a plan with all its parts in a fixed number of queries, however many
rows it has. `plan_outline` turns that into sections, headings, paragraphs and tables in
the structure the seed plans share (1 Mål og rammer … 8 Kontrakter og avtaler), plus the
spreadsheet's sheets and the calendar's events. `report_outline` does the same for a
submitted status report, from its frozen snapshot. The renderers only lay out what the
outline says; text stays text (no markup is read from what users typed).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.plans import bounds
from tenants.plans.documents.formatting import format_date, format_kroner, format_month
from tenants.plans.models import (
    Activity,
    Body,
    BudgetKind,
    BudgetLine,
    DecisionPoint,
    Goal,
    GoalLevel,
    Measure,
    MeetingSeries,
    Milestone,
    MilestoneStatus,
    Phase,
    Plan,
    PlanStatus,
    ReportKind,
    Risk,
    StatusReport,
    SuccessFactor,
)

Value = str | int | Decimal | datetime.date | None

MARK = "■"  # a month an activity runs, in the activity plan


# The outline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: its header, what its values are and its share of the width."""

    label: str
    kind: str = "text"  # text | date | amount | number | mark
    width: float = 1.0


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Value]]
    footer: list[Value] | None = None  # a sum row
    grid: bool = False  # the activity plan: narrow month columns, marks shaded
    empty_text: str = ""


@dataclass
class Heading:
    text: str
    level: int  # 1: chapter, 2: section


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # body | label | note | bullet


@dataclass
class PageTurn:
    """A new page, turned to landscape (for wide tables) or back to portrait."""

    landscape: bool


Block = Heading | Paragraph | Table | PageTurn


@dataclass
class Sheet:
    """One sheet of the spreadsheet: a plain table of one part of the plan."""

    name: str
    columns: list[Column]
    rows: list[list[Value]]


@dataclass
class Event:
    """An all-day calendar event: a milestone or a decision point."""

    uid: str
    summary: str
    day: datetime.date
    description: str


@dataclass
class Outline:
    title: str
    subtitle: str
    facts: list[tuple[str, str]]  # the title page: label, value
    blocks: list[Block] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def heading(self, text: str, level: int) -> None:
        self.blocks.append(Heading(text, level))

    def text(self, text: str, style: str = "body") -> None:
        """Paragraphs split at blank lines; nothing when the text is empty."""
        for part in re.split(r"\n\s*\n", (text or "").strip()):
            if part.strip():
                self.blocks.append(Paragraph(part.strip(), style))

    def text_or_none(self, text: str) -> None:
        if (text or "").strip():
            self.text(text)
        else:
            self.none()

    def none(self) -> None:
        self.blocks.append(Paragraph(_("Ingen registrert"), "note"))

    def table(self, table: Table) -> None:
        if table.rows:
            self.blocks.append(table)
        else:
            self.blocks.append(Paragraph(table.empty_text or _("Ingen registrert"), "note"))


# Reading the plan -------------------------------------------------------------------------


@dataclass
class PlanData:
    """A plan and all its parts, read in a fixed number of queries."""

    plan: Plan
    phases: list[Phase]
    goals: list[Goal]
    measures: list[Measure]
    milestones: list[Milestone]
    decision_points: list[DecisionPoint]
    activities: list[Activity]
    risks: list[Risk]
    success_factors: list[SuccessFactor]
    budget_lines: list[BudgetLine]
    bodies: list[Body]
    meeting_series: list[MeetingSeries]


def load_plan(plan: Plan) -> PlanData:
    """Every part of the plan: one query per kind of part, whatever the number of rows."""
    return PlanData(
        plan=plan,
        phases=list(Phase.objects.filter(plan=plan)),
        goals=list(Goal.objects.filter(plan=plan)),
        measures=list(Measure.objects.filter(plan=plan).prefetch_related("goals")),
        milestones=list(Milestone.objects.filter(plan=plan)),
        decision_points=list(DecisionPoint.objects.filter(plan=plan)),
        activities=list(Activity.objects.filter(plan=plan).prefetch_related("milestones")),
        risks=list(Risk.objects.filter(plan=plan)),
        success_factors=list(SuccessFactor.objects.filter(plan=plan)),
        budget_lines=list(BudgetLine.objects.filter(plan=plan)),
        bodies=list(Body.objects.filter(plan=plan).prefetch_related("members")),
        meeting_series=list(MeetingSeries.objects.filter(plan=plan).select_related("body")),
    )


# The plan as an outline -------------------------------------------------------------------


def plan_outline(data: PlanData) -> Outline:
    """The project plan in the seeds' structure, with sheets and calendar events."""
    plan = data.plan
    outline = Outline(
        title=plan.title,
        subtitle=_("Prosjektplan"),
        facts=_title_facts(plan),
    )
    _goals_and_frame(outline, data)
    _scope(outline, data)
    _organisation(outline, data)
    _follow_up(outline, data)
    _risks(outline, data)
    _implementation(outline, data)
    _economy(outline, data)
    _contracts(outline, data)
    outline.sheets = _sheets(data)
    outline.events = _events(data)
    return outline


def _title_facts(plan: Plan) -> list[tuple[str, str]]:
    facts = [
        (_("Prosjektnummer"), plan.number),
        (_("Saksnummer"), plan.case_number),
        (_("Prosjekteier"), plan.owner),
        (_("Prosjektansvarlig"), plan.sponsor),
        (_("Prosjektleder"), ", ".join(plan.leaders)),
        (_("Periode"), f"{format_date(plan.start)}–{format_date(plan.end)}"),
        (_("Status"), str(PlanStatus(plan.status).label)),
        (_("Godkjent"), format_date(plan.approved_on)),
        (_("Godkjent av"), plan.approved_by),
    ]
    return [(label, value) for label, value in facts if value]


GOAL_LEVELS = [
    GoalLevel.VISION,
    GoalLevel.MAIN,
    GoalLevel.IMPACT,
    GoalLevel.OUTCOME,
    GoalLevel.WORK,
    GoalLevel.SUB,
]


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return text.replace(".", ",")


def _indicator(goal: Goal) -> str:
    parts = []
    unit = f" {goal.unit}" if goal.unit else ""
    if goal.baseline is not None:
        parts.append(_("fra %(value)s") % {"value": _number(goal.baseline) + unit})
    if goal.target is not None:
        parts.append(_("til %(value)s") % {"value": _number(goal.target) + unit})
    if goal.current is not None:
        parts.append(_("nå %(value)s") % {"value": _number(goal.current) + unit})
    if goal.period:
        parts.append(f"({goal.period})")
    return " ".join(parts)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _goals_and_frame(outline: Outline, data: PlanData) -> None:
    plan = data.plan
    outline.heading(_("1 Mål og rammer"), 1)
    outline.heading(_("1.1 Bakgrunn"), 2)
    outline.text_or_none(plan.background)
    outline.heading(_("1.2 Formål"), 2)
    outline.text_or_none(plan.purpose)
    outline.heading(_("1.3 Målgruppe"), 2)
    outline.text_or_none(plan.target_group)

    outline.heading(_("1.4 Mål"), 2)
    if not data.goals:
        outline.none()
    for level in GOAL_LEVELS:
        goals = [goal for goal in data.goals if goal.level == level]
        if not goals:
            continue
        outline.text(str(level.label), "label")
        outline.table(
            Table(
                [
                    Column(_("Mål"), width=5),
                    Column(_("Indikator"), width=3),
                    Column(_("Frist"), "date", 1.5),
                ],
                [[goal.text, _indicator(goal), goal.due] for goal in goals],
            )
        )

    outline.heading(_("1.5 Tiltak"), 2)
    outline.table(
        Table(
            [
                Column(_("Tiltak"), width=4),
                Column(_("Mål"), width=3),
                Column(_("Ansvarlig"), width=2),
            ],
            [
                [m.text, "; ".join(_short(g.text, 60) for g in m.goals.all()), m.responsible]
                for m in data.measures
            ],
        )
    )

    outline.heading(_("1.6 Rammer"), 2)
    costs = sum(
        (line.amount for line in data.budget_lines if line.kind == BudgetKind.COST), Decimal(0)
    )
    outline.text(
        _("Prosjektperiode: %(start)s–%(end)s.")
        % {"start": format_date(plan.start), "end": format_date(plan.end)}
    )
    if costs:
        outline.text(_("Kostnadsramme: %(sum)s (se kapittel 7).") % {"sum": format_kroner(costs)})
    if data.phases:
        outline.table(
            Table(
                [
                    Column(_("Fase"), width=3),
                    Column(_("Beskrivelse"), width=5),
                    Column(_("Fra"), "date", 1.5),
                    Column(_("Til"), "date", 1.5),
                ],
                [
                    [
                        phase.name + (" " + _("(nåværende)") if phase.is_current else ""),
                        phase.description,
                        phase.start,
                        phase.end,
                    ]
                    for phase in data.phases
                ],
            )
        )


def _scope(outline: Outline, data: PlanData) -> None:
    outline.heading(_("2 Omfang og avgrensning"), 1)
    outline.text_or_none(data.plan.scope)


def _member_columns() -> list[Column]:
    return [
        Column(_("Navn"), width=3),
        Column(_("Stilling"), width=3),
        Column(_("Enhet"), width=3),
        Column(_("Rolle"), width=2),
    ]


def _organisation(outline: Outline, data: PlanData) -> None:
    plan = data.plan
    outline.heading(_("3 Organisering"), 1)
    outline.heading(_("3.1 Prosjektledelse"), 2)
    lead = [
        (_("Prosjekteier"), plan.owner),
        (_("Prosjektansvarlig"), plan.sponsor),
        (_("Prosjektleder"), ", ".join(plan.leaders)),
    ]
    outline.table(
        Table(
            [Column(_("Rolle"), width=1), Column(_("Navn"), width=2)],
            [[label, value] for label, value in lead if value],
        )
    )
    for number, body in enumerate(data.bodies, start=2):
        outline.heading(f"3.{number} {body.name}", 2)
        if body.mandate.strip():
            outline.text(_("Mandat"), "label")
            outline.text(body.mandate)
        outline.table(
            Table(
                _member_columns(),
                [[m.name, m.title, m.unit, m.role] for m in body.members.all()],
                empty_text=_("Ingen medlemmer registrert"),
            )
        )


def _follow_up(outline: Outline, data: PlanData) -> None:
    outline.heading(_("4 Beslutningspunkter, oppfølging og milepæler"), 1)
    outline.heading(_("4.1 Beslutningspunkter"), 2)
    outline.table(
        Table(
            [
                Column(_("Nr"), width=0.9),
                Column(_("Beslutningspunkt"), width=3),
                Column(_("Dato"), "date", 1.5),
                Column(_("Grunnlag"), width=3),
                Column(_("Beslutning"), width=3),
            ],
            [[p.code, p.title, p.due, p.basis, _decision(p)] for p in data.decision_points],
        )
    )
    outline.heading(_("4.2 Oppfølging"), 2)
    outline.table(
        Table(
            [
                Column(_("Møte"), width=2.5),
                Column(_("Gruppe"), width=2),
                Column(_("Hyppighet"), width=1.8),
                Column(_("Deltakere"), width=2.5),
                Column(_("Agenda"), width=3),
            ],
            [
                [s.name, s.body.name if s.body else "", s.frequency, s.participants, s.agenda]
                for s in data.meeting_series
            ],
        )
    )
    outline.heading(_("4.3 Milepæler"), 2)
    outline.table(
        Table(
            [
                Column(_("Nr"), width=0.9),
                Column(_("Milepæl"), width=3.5),
                Column(_("Dato"), "date", 1.5),
                Column(_("Målbart resultat"), width=3.5),
                Column(_("Status"), width=1.3),
            ],
            [[m.code, m.title, m.due, m.criterion, _milestone_status(m)] for m in data.milestones],
        )
    )


def _decision(point: DecisionPoint) -> str:
    parts = [point.decision.strip()]
    if point.decided_on or point.decided_by:
        parts.append(
            " ".join(
                p for p in (_("Besluttet"), format_date(point.decided_on), point.decided_by) if p
            )
        )
    return "\n".join(p for p in parts if p)


def _milestone_status(milestone: Milestone) -> str:
    label = str(MilestoneStatus(milestone.status).label)
    if milestone.done_on:
        return f"{label} {format_date(milestone.done_on)}"
    return label


def _risks(outline: Outline, data: PlanData) -> None:
    outline.heading(_("5 Risikoanalyse og kvalitetssikring"), 1)
    outline.heading(_("5.1 Kritiske risikofaktorer"), 2)
    if data.risks:
        outline.text(
            _("Skala 1–5. Sannsynlighet (S) × Konsekvens (K) = Risikofaktor (RF)."), "note"
        )
    outline.table(
        Table(
            [
                Column(_("Nr"), "number", 0.8),
                Column(_("Risikofaktor"), width=4),
                Column(_("S"), "number", 0.6),
                Column(_("K"), "number", 0.6),
                Column(_("RF"), "number", 0.75),
                Column(_("Tiltak"), width=4),
                Column(_("Ansvarlig"), width=2),
            ],
            [
                [n, r.title, r.likelihood, r.consequence, r.score, r.measure, r.owner]
                for n, r in enumerate(data.risks, start=1)
            ],
        )
    )
    outline.heading(_("5.2 Kritiske suksessfaktorer"), 2)
    if not data.success_factors:
        outline.none()
    for factor in sorted(data.success_factors, key=lambda f: (f.priority, f.id)):
        outline.text(f"{factor.priority}. {factor.text}", "label")
        for point in factor.sub_points:
            outline.text(point, "bullet")
        if factor.measure.strip():
            outline.text(_("Tiltak: %(measure)s") % {"measure": factor.measure})


def _implementation(outline: Outline, data: PlanData) -> None:
    # The activities and the month grid are wide: the chapter goes on landscape pages.
    outline.blocks.append(PageTurn(landscape=True))
    outline.heading(_("6 Gjennomføring"), 1)
    outline.heading(_("6.1 Hovedaktiviteter"), 2)
    outline.table(
        Table(
            [
                Column(_("Nr"), width=1.1),
                Column(_("Hovedaktivitet"), width=2.6),
                Column(_("Hensikt"), width=2.4),
                Column(_("Oppgaver"), width=3),
                Column(_("Resultat"), width=2.4),
                Column(_("Milepæler"), width=1.7),
            ],
            [
                [
                    a.code,
                    a.name,
                    a.purpose,
                    a.tasks,
                    a.result,
                    ", ".join(m.code for m in sorted(a.milestones.all(), key=_by_due)),
                ]
                for a in data.activities
            ],
        )
    )
    outline.heading(_("6.2 Aktivitetsplan"), 2)
    grids = _activity_grids(data)
    if grids and grids[0][1].rows:
        by_quarter = grids[0][2] == QUARTERS
        note = (
            _(
                "%(mark)s: kvartaler aktiviteten pågår. Milepæler og beslutningspunkter i "
                "sitt kvartal."
            )
            if by_quarter
            else _(
                "%(mark)s: måneder aktiviteten pågår. Milepæler og beslutningspunkter i sin måned."
            )
        )
        outline.text(note % {"mark": MARK}, "note")
    for label, grid, _step in grids:
        if label:
            outline.text(label, "label")
        outline.table(grid)
    outline.blocks.append(PageTurn(landscape=False))


def _by_due(milestone: Milestone) -> tuple[datetime.date, str, int]:
    return (milestone.due, milestone.code, milestone.id)


def _month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def _months(first: datetime.date, last: datetime.date, step: int = 1) -> list[datetime.date]:
    """First days of the periods (`step` months each, aligned to the year) from first to last."""
    current = _period(first, step)
    index = current.year * 12 + current.month - 1
    months = []
    while current <= last:
        months.append(current)
        index += step
        current = datetime.date(index // 12, index % 12 + 1, 1)
    return months


def _period(value: datetime.date, step: int) -> datetime.date:
    """The first day of the period (month or quarter) that holds `value`."""
    return datetime.date(value.year, (value.month - 1) // step * step + 1, 1)


MONTHS, QUARTERS = 1, 3
MONTHLY_UP_TO = 36  # a longer span is drawn by quarter
COLUMNS_PER_GRID = 36  # more periods than this go into further tables


def _grid_span(data: PlanData) -> tuple[datetime.date, datetime.date]:
    """The months the grid covers: its rows' dates, but never further from the plan than
    its parts may lie (a plan saved before the bounds cannot make the grid unbounded)."""
    plan = data.plan
    days = [plan.start, plan.end]
    days += [a.start_month for a in data.activities] + [a.end_month for a in data.activities]
    days += [m.due for m in data.milestones] + [p.due for p in data.decision_points]
    lowest, highest = bounds.drawable_months(plan)
    first = min(max(_month(min(days)), lowest), highest)
    last = max(min(_month(max(days)), highest), lowest)
    return first, last


def _period_label(value: datetime.date, step: int) -> str:
    if step == MONTHS:
        return format_month(value)
    return _("%(quarter)d. kv. %(year)s") % {
        "quarter": (value.month - 1) // 3 + 1,
        "year": f"{value:%y}",
    }


def _activity_grids(data: PlanData) -> list[tuple[str, Table, int]]:
    """The activity plan: one row per activity with a mark in each month (or quarter, for a
    long plan) it runs, then milestones and decisions in theirs. A long plan is split into
    several tables of at most COLUMNS_PER_GRID periods, so that each fits a landscape page.
    Returns (label for the table, or "" when there is one; table; months per column)."""
    if not (data.activities or data.milestones or data.decision_points):
        return [("", Table([], []), MONTHS)]
    first, last = _grid_span(data)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = MONTHS if months <= MONTHLY_UP_TO else QUARTERS
    periods = _months(first, last, step)
    position = {period: i for i, period in enumerate(periods)}
    activity_cells = []
    for activity in data.activities:
        cells = [""] * len(periods)
        for period in _months(
            max(activity.start_month, first), min(activity.end_month, last), step
        ):
            cells[position[period]] = MARK
        activity_cells.append(cells)
    coded: list[tuple[str, list[str]]] = []
    for label, items in (
        (_("Milepæler"), data.milestones),
        (_("Beslutningspunkter"), data.decision_points),
    ):
        if not items:
            continue
        codes: list[list[str]] = [[] for _period in periods]
        for item in items:
            at = position.get(_period(item.due, step))
            if at is not None:
                codes[at].append(item.code)
        coded.append((label, ["\n".join(c) for c in codes]))
    count = -(-len(periods) // COLUMNS_PER_GRID)
    size = -(-len(periods) // count)  # balanced chunks
    grids = []
    for begin in range(0, len(periods), size):
        chunk = slice(begin, begin + size)
        shown = periods[chunk]
        columns = [Column(_("Nr"), width=1.1), Column(_("Hovedaktivitet"), width=4)]
        columns += [Column(_period_label(p, step), "mark", 1) for p in shown]
        rows: list[list[Value]] = [
            [activity.code, activity.name, *cells[chunk]]
            for activity, cells in zip(data.activities, activity_cells, strict=True)
        ]
        rows += [["", label, *cells[chunk]] for label, cells in coded]
        label = (
            _("%(first)s – %(last)s")
            % {"first": _period_label(shown[0], step), "last": _period_label(shown[-1], step)}
            if count > 1
            else ""
        )
        grids.append((label, Table(columns, rows, grid=True), step))
    return grids


def _budget_headings() -> dict[str, str]:
    return {
        BudgetKind.COST: _("7.1 Kostnader"),
        BudgetKind.FUNDING: _("7.2 Finansiering"),
        BudgetKind.GRANT: _("7.3 Tildelinger"),
    }


def _economy(outline: Outline, data: PlanData) -> None:
    outline.heading(_("7 Økonomi"), 1)
    sums: dict[str, Decimal] = {}
    unsettled = Decimal(0)
    for kind, heading in _budget_headings().items():
        outline.heading(heading, 2)
        lines = [line for line in data.budget_lines if line.kind == kind]
        sums[kind] = sum((line.amount for line in lines), Decimal(0))
        columns = [Column(_("Post"), width=5), Column(_("Periode"), width=2)]
        if kind == BudgetKind.COST:
            rows = [[line.label, line.period, line.amount] for line in lines]
        else:
            columns.append(Column(_("Avklart"), width=1.4))
            rows = [
                [
                    line.label,
                    line.period,
                    _("Ja") if line.settled else _("Ikke avklart"),
                    line.amount,
                ]
                for line in lines
            ]
            unsettled += sum((line.amount for line in lines if not line.settled), Decimal(0))
        columns.append(Column(_("Beløp"), "amount", 2.4))
        footer: list[Value] = [_("Sum"), *[""] * (len(columns) - 2), sums[kind]]
        outline.table(Table(columns, rows, footer=footer if rows else None))
    if unsettled:
        outline.text(
            _("Ikke avklart finansiering: %(sum)s.") % {"sum": format_kroner(unsettled)}, "note"
        )
    covered = sums[BudgetKind.FUNDING] + sums[BudgetKind.GRANT]
    if sums[BudgetKind.COST] and covered < sums[BudgetKind.COST]:
        outline.text(
            _("Finansieringen er ikke avklart: %(sum)s av kostnadene er ikke dekket.")
            % {"sum": format_kroner(sums[BudgetKind.COST] - covered)},
            "note",
        )


def _contracts(outline: Outline, data: PlanData) -> None:
    outline.heading(_("8 Kontrakter og avtaler"), 1)
    outline.text_or_none(data.plan.references)


# The spreadsheet and the calendar ---------------------------------------------------------


def _sheets(data: PlanData) -> list[Sheet]:
    bodies = [(body, member) for body in data.bodies for member in body.members.all()]
    return [
        Sheet(
            _("Milepæler"),
            [
                Column(_("Nr"), width=8),
                Column(_("Milepæl"), width=45),
                Column(_("Dato"), "date", 12),
                Column(_("Målbart resultat"), width=50),
                Column(_("Status"), width=12),
                Column(_("Nådd dato"), "date", 12),
                Column(_("Ansvarlig"), width=20),
            ],
            [
                [
                    m.code,
                    m.title,
                    m.due,
                    m.criterion,
                    str(MilestoneStatus(m.status).label),
                    m.done_on,
                    m.responsible,
                ]
                for m in data.milestones
            ],
        ),
        Sheet(
            _("Beslutningspunkter"),
            [
                Column(_("Nr"), width=8),
                Column(_("Beslutningspunkt"), width=45),
                Column(_("Dato"), "date", 12),
                Column(_("Grunnlag"), width=45),
                Column(_("Beslutning"), width=45),
                Column(_("Besluttet dato"), "date", 14),
                Column(_("Besluttet av"), width=20),
            ],
            [
                [p.code, p.title, p.due, p.basis, p.decision, p.decided_on, p.decided_by]
                for p in data.decision_points
            ],
        ),
        Sheet(
            _("Hovedaktiviteter"),
            [
                Column(_("Nr"), width=8),
                Column(_("Hovedaktivitet"), width=35),
                Column(_("Hensikt"), width=40),
                Column(_("Oppgaver"), width=50),
                Column(_("Resultat"), width=40),
                Column(_("Milepæler"), width=14),
                Column(_("Første måned"), "date", 14),
                Column(_("Siste måned"), "date", 14),
                Column(_("Ansvarlig"), width=20),
            ],
            [
                [
                    a.code,
                    a.name,
                    a.purpose,
                    a.tasks,
                    a.result,
                    ", ".join(m.code for m in sorted(a.milestones.all(), key=_by_due)),
                    a.start_month,
                    a.end_month,
                    a.responsible,
                ]
                for a in data.activities
            ],
        ),
        Sheet(
            _("Risiko"),
            [
                Column(_("Nr"), "number", 6),
                Column(_("Risikofaktor"), width=45),
                Column(_("S"), "number", 5),
                Column(_("K"), "number", 5),
                Column(_("RF"), "number", 6),
                Column(_("Tiltak"), width=45),
                Column(_("Ansvarlig"), width=20),
                Column(_("Status"), width=12),
            ],
            [
                [
                    n,
                    r.title,
                    r.likelihood,
                    r.consequence,
                    r.score,
                    r.measure,
                    r.owner,
                    str(r.get_status_display()),
                ]
                for n, r in enumerate(data.risks, start=1)
            ],
        ),
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
                    g.current,
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
        Sheet(
            _("Møter"),
            [
                Column(_("Møte"), width=30),
                Column(_("Gruppe"), width=25),
                Column(_("Hyppighet"), width=18),
                Column(_("Deltakere"), width=35),
                Column(_("Agenda"), width=50),
            ],
            [
                [s.name, s.body.name if s.body else "", s.frequency, s.participants, s.agenda]
                for s in data.meeting_series
            ],
        ),
    ]


def _events(data: PlanData) -> list[Event]:
    schema = connection.schema_name
    events = [
        Event(
            uid=f"milestone-{m.id}.{schema}@samla",
            summary=f"{m.code} {m.title}",
            day=m.due,
            description=m.criterion,
        )
        for m in data.milestones
    ]
    events += [
        Event(
            uid=f"decision-point-{p.id}.{schema}@samla",
            summary=f"{p.code} {p.title}",
            day=p.due,
            description=p.basis,
        )
        for p in data.decision_points
    ]
    return events


# A submitted status report ----------------------------------------------------------------


def report_outline(report: StatusReport, plan: Plan) -> Outline:
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
        Table(
            [
                Column(_("Nr"), width=0.9),
                Column(_("Milepæl"), width=4),
                Column(_("Dato"), "date", 1.5),
                Column(_("Status"), width=1.4),
                Column(_("Nådd dato"), "date", 1.5),
            ],
            [
                [
                    m.get("code", ""),
                    m.get("title", ""),
                    _iso_date(m.get("due")),
                    m.get("status_display") or m.get("status", ""),
                    _iso_date(m.get("done_on")),
                ]
                for m in snapshot.get("milestones", [])
            ],
        )
    )
    outline.heading(_("3 Beslutningspunkter"), 1)
    outline.table(
        Table(
            [
                Column(_("Nr"), width=0.9),
                Column(_("Beslutningspunkt"), width=4),
                Column(_("Dato"), "date", 1.5),
                Column(_("Besluttet dato"), "date", 1.5),
            ],
            [
                [
                    p.get("code", ""),
                    p.get("title", ""),
                    _iso_date(p.get("due")),
                    _iso_date(p.get("decided_on")),
                ]
                for p in snapshot.get("decision_points", [])
            ],
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
    outline.table(
        Table(
            [
                Column(_("Nr"), "number", 0.6),
                Column(_("Risikofaktor"), width=5),
                Column(_("S"), "number", 0.5),
                Column(_("K"), "number", 0.5),
                Column(_("RF"), "number", 0.6),
            ],
            [
                [
                    n,
                    r.get("title", ""),
                    r.get("likelihood"),
                    r.get("consequence"),
                    r.get("score"),
                ]
                for n, r in enumerate(snapshot.get("risks", []), start=1)
            ],
        )
    )
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
