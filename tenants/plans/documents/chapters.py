"""The plan in the chapters the seed plans share, 1 Mål og rammer … 8 Kontrakter og avtaler.

`plan_chapters` writes headings, paragraphs and tables into an outline; the renderers only
lay out what it says, and text stays text (no markup is read from what users typed).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from samla.formats import format_date, format_kroner, format_number
from tenants.plans.documents import columns
from tenants.plans.documents.grid import QUARTERS, activity_grids
from tenants.plans.documents.loader import PlanData
from tenants.plans.documents.types import MARK, Column, Outline, PageTurn, Table, Value
from tenants.plans.models import BudgetKind, Goal, GoalLevel, Plan, PlanStatus


def plan_chapters(data: PlanData) -> Outline:
    """The project plan's title page and its eight chapters."""
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


def _indicator(goal: Goal) -> str:
    parts = []
    unit = f" {goal.unit}" if goal.unit else ""
    if goal.baseline is not None:
        parts.append(_("fra %(value)s") % {"value": format_number(goal.baseline) + unit})
    if goal.target is not None:
        parts.append(_("til %(value)s") % {"value": format_number(goal.target) + unit})
    if goal.current_value is not None:  # its indicator's latest value, when it links one
        parts.append(_("nå %(value)s") % {"value": format_number(goal.current_value) + unit})
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
    outline.table(columns.DECISION_POINTS.table(columns.DECISION_POINT_TABLE, data.decision_points))
    outline.heading(_("4.2 Oppfølging"), 2)
    outline.table(columns.MEETING_SERIES.table(columns.MEETING_SERIES_COLUMNS, data.meeting_series))
    outline.heading(_("4.3 Milepæler"), 2)
    outline.table(columns.MILESTONES.table(columns.MILESTONE_TABLE, data.milestones))


def _risks(outline: Outline, data: PlanData) -> None:
    outline.heading(_("5 Risikoanalyse og kvalitetssikring"), 1)
    outline.heading(_("5.1 Kritiske risikofaktorer"), 2)
    if data.risks:
        outline.text(
            _("Skala 1–5. Sannsynlighet (S) × Konsekvens (K) = Risikofaktor (RF)."), "note"
        )
    outline.table(columns.RISKS.table(columns.RISK_TABLE, columns.risk_rows(data.risks)))
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
    outline.table(columns.ACTIVITIES.table(columns.ACTIVITY_TABLE, data.activities))
    outline.heading(_("6.2 Aktivitetsplan"), 2)
    grids = activity_grids(data)
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
        rows: list[list[Value]]
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
