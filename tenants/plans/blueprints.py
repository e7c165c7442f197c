"""Plan templates ("maler", blueprints in code) and moving a plan's start date.

A blueprint is a plan skeleton whose dates are offsets (months, then days) from the start
date chosen when a plan is made from it: phases, goals, milestones, decision points, main
activities and suggested bodies. Three come from the seed plans: the KS project plan
(Nordre Land, seed 000), a BTI implementation along Fixsen's six phases (Larvik, seed 002;
BYN, seed 003) and a 0–24 model municipality (Nesseby, seed 001).

Both services here are built from the functions in `services.py`, inside one transaction,
so the plan rules and the change history apply to every row they write.

Moving the start date (`move_plan_start`), the exact rule: the interval is the number of
days between the old and the new start. It moves, by that interval,
- the plan's end,
- milestones that are neither reached nor missed (status not done/missed),
- decision points not decided (no decided date),
- goals whose deadline has not passed (due today or later),
- phases that have not ended (no end date, or an end date today or later);
activities that are neither done nor cancelled move by whole months: the number of months
between the old and the new start month, so an activity keeps its month within the plan.
Everything else (what has happened) stays where it is. The move is checked whole before
anything is written: the new period must lie in the year window, and every row, moved or
staying, must fit its window around the new period (`bounds.DATE_BOUNDS`); otherwise it
is refused with the rows named under "start" (e.g. a reached milestone before the new
start), and nothing is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from samla.dates import add_months, month_index, shift_days, shift_months
from samla.formats import format_date
from tenants.models import Municipality
from tenants.plans import bounds, services
from tenants.plans.models import (
    Activity,
    ActivityStatus,
    DecisionPoint,
    Goal,
    Milestone,
    MilestoneStatus,
    Phase,
    Plan,
    Versioned,
)


@dataclass(frozen=True)
class At:
    """An offset from the plan's start: whole months, then days."""

    months: int
    days: int = 0

    def on(self, start: datetime.date) -> datetime.date:
        return add_months(start, self.months) + datetime.timedelta(days=self.days)


# What a blueprint holds ------------------------------------------------------------------


@dataclass(frozen=True)
class BlueprintPhase:
    name: str
    description: str
    start: At
    end: At


@dataclass(frozen=True)
class BlueprintGoal:
    level: str
    text: str
    due: At | None = None
    children: tuple[BlueprintGoal, ...] = ()


@dataclass(frozen=True)
class BlueprintDated:
    """A milestone (criterion) or a decision point (basis) at an offset."""

    code: str
    title: str
    at: At
    text: str = ""


@dataclass(frozen=True)
class BlueprintActivity:
    code: str
    name: str
    first_month: int
    last_month: int
    purpose: str = ""
    result: str = ""
    milestones: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlueprintBody:
    kind: str
    name: str
    mandate: str


@dataclass(frozen=True)
class Blueprint:
    key: str
    name: str
    description: str
    months: int  # the plan's length when no end date is given
    phases: tuple[BlueprintPhase, ...]
    milestones: tuple[BlueprintDated, ...]
    decision_points: tuple[BlueprintDated, ...]
    activities: tuple[BlueprintActivity, ...]
    bodies: tuple[BlueprintBody, ...]
    goals: tuple[BlueprintGoal, ...] = field(default=())

    def end_for(self, start: datetime.date) -> datetime.date:
        return add_months(start, self.months) - datetime.timedelta(days=1)


STEERING = BlueprintBody(
    "steering",
    "Styringsgruppe",
    "Har det overordnede ansvaret og fatter vedtak ved beslutningspunktene.",
)
PROJECT = BlueprintBody(
    "project",
    "Prosjektgruppe",
    "Representerer de berørte enhetene og utfører arbeidet sammen med prosjektleder.",
)
REFERENCE = BlueprintBody(
    "reference",
    "Referansegruppe",
    "Gir innspill underveis fra det operative nivået og fra brukerne.",
)

KS_PROJECT_PLAN = Blueprint(
    key="ks-prosjektplan",
    name="KS prosjektplan: tverrfaglig samarbeid",
    description=(
        "Ettårig prosjekt i fire faser: kartlegging, rutiner og samarbeidsavtaler, "
        "forankring og implementering, evaluering. Bygger på Nordre Land kommunes plan."
    ),
    months=12,
    phases=(
        BlueprintPhase(
            "Innledende kartlegging",
            "Samhandling på individnivå og systemnivå, i og mellom enhetene.",
            At(0),
            At(5, -1),
        ),
        BlueprintPhase(
            "Samarbeidsavtaler og rutiner",
            "Utarbeide samarbeidsavtaler og -rutiner sammen med de berørte enhetene.",
            At(3),
            At(7, -1),
        ),
        BlueprintPhase(
            "Forankring og implementering",
            "Rutinene tas i bruk; ledelsen følger opp og etterspør resultat.",
            At(7),
            At(12, -1),
        ),
        BlueprintPhase("Evaluering", "Første evaluering av samhandlingen.", At(12), At(15, 14)),
    ),
    milestones=(
        BlueprintDated("MP1", "Prosjektplan utarbeidd", At(2), "Styringsgruppas godkjenning"),
        BlueprintDated(
            "MP2",
            "Kartlegging av nåsituasjon gjennomført",
            At(5),
            "Underveisrapport behandlet av prosjektgruppa og kommunisert til styringsgruppa",
        ),
        BlueprintDated(
            "MP3",
            "Forholdet til andre prosjekter avklart",
            At(4),
            "Beskrivelse av avgrensning og samhandling",
        ),
        BlueprintDated(
            "MP4",
            "Forslag til samarbeidsavtaler/-rutiner er utarbeidd",
            At(7),
            "Samarbeidsavtaler og -rutiner oversendt styringsgruppa",
        ),
        BlueprintDated(
            "MP5",
            "Forslag til samhandlingsmetoder er utarbeidd",
            At(7),
            "Forslag til samhandlingsmetoder er oversendt styringsgruppa",
        ),
        BlueprintDated(
            "MP6",
            "Forslag til mandat for koordinerende organ er utarbeidd",
            At(4, 14),
            "Forslaget er oversendt styringsgruppa",
        ),
        BlueprintDated(
            "MP7",
            "Plan for implementering er utarbeidd og kommunisert",
            At(10),
            "Styringsgruppa har besluttet implementeringsplan",
        ),
        BlueprintDated(
            "MP8", "Sluttrapport utarbeidd", At(11, 14), "Sluttrapport sendt styringsgruppa"
        ),
    ),
    decision_points=(
        BlueprintDated("BP1", "Prosjektplan godkjent", At(2, 5), "Forslag til prosjektplan"),
        BlueprintDated(
            "BP2",
            "Nye samarbeidsavtaler/-rutiner godkjent",
            At(7),
            "Prosjektgruppas forslag til rutiner og/eller samarbeidsavtaler",
        ),
        BlueprintDated(
            "BP3",
            "Koordinerende organ: rolle og deltakere godkjent",
            At(5),
            "Prosjektgruppas forslag",
        ),
        BlueprintDated(
            "BP4",
            "Implementeringsarbeidet og organisering godkjent",
            At(9),
            "Prosjektgruppas forslag",
        ),
        BlueprintDated("BP5", "Prosjektrapport godkjent", At(12), "Prosjektleders sluttrapport"),
    ),
    activities=(
        BlueprintActivity(
            "HA01",
            "Planlegge",
            0,
            0,
            "Prosjektet er planlagt og kvalitetssikret",
            "Prosjektplan er godkjent",
            ("MP1",),
        ),
        BlueprintActivity(
            "HA02", "Oppstart av prosjekt", 1, 1, "Markere at prosjektet er igangsatt"
        ),
        BlueprintActivity(
            "HA03",
            "Kartleggingsarbeid",
            2,
            4,
            "Avklare nåsituasjonen for samhandling",
            milestones=("MP2",),
        ),
        BlueprintActivity(
            "HA04",
            "Avklare forholdet til andre prosjekter og planer",
            2,
            3,
            "Avklare avgrensning og overlapping",
            milestones=("MP3",),
        ),
        BlueprintActivity(
            "HA05",
            "Avklaring av samhandlingsmetoder",
            3,
            6,
            "Felles forståelse og lik bruk av noen få metoder",
            milestones=("MP5",),
        ),
        BlueprintActivity(
            "HA06",
            "Utarbeide samarbeidsavtaler og -rutiner",
            3,
            6,
            "Tydeliggjøre hvordan enhetene jobber sammen",
            milestones=("MP4",),
        ),
        BlueprintActivity(
            "HA07",
            "Plan for implementering",
            7,
            9,
            "Rutinene tas i bruk i ordinær drift",
            milestones=("MP7",),
        ),
        BlueprintActivity(
            "HA08",
            "Avslutte prosjektet",
            11,
            11,
            "Prosjektet videreføres i ordinær drift",
            "Sluttrapport godkjent",
            ("MP8",),
        ),
    ),
    bodies=(STEERING, PROJECT, REFERENCE),
    goals=(
        BlueprintGoal(
            "main",
            "Tydelig ansvar og rolleavklaring i og mellom enhetene, og målrettet samhandling "
            "om tjenester til beste for barns levekår.",
            At(12, -1),
            (
                BlueprintGoal("work", "Nåsituasjonskartlegging gjennomført", At(4, 14)),
                BlueprintGoal("work", "Samhandlingsrutiner/-avtaler godkjent", At(7)),
                BlueprintGoal("work", "Implementeringsplan utarbeidd og godkjent", At(9)),
                BlueprintGoal("work", "Prosjektrapport sluttført", At(12)),
            ),
        ),
    ),
)

BTI_IMPLEMENTATION = Blueprint(
    key="bti-implementering",
    name="Implementering av BTI (Bedre tverrfaglig innsats)",
    description=(
        "Innføring av BTI-modellen etter Fixsens seks implementeringsfaser, fra utforsking "
        "til bærekraftig videreføring over fem år. Bygger på Larvik og BTI i BYN."
    ),
    months=60,
    phases=(
        BlueprintPhase(
            "Utforsking og adopsjon",
            "Kartlegging, tilrettelegging og tilpasning.",
            At(0),
            At(11, -1),
        ),
        BlueprintPhase(
            "Installasjon",
            "Utviklingsfasen: handlingsveileder, verktøy og rutiner.",
            At(11),
            At(18, -1),
        ),
        BlueprintPhase(
            "Innledende implementering",
            "Opplæring og utprøving i de første enhetene.",
            At(18),
            At(24, -1),
        ),
        BlueprintPhase(
            "Full gjennomføring", "Alle BTI-tjenestene arbeider etter modellen.", At(24), At(30, -1)
        ),
        BlueprintPhase("Innovasjon", "Modellen tilpasses lokale erfaringer.", At(30), At(36, -1)),
        BlueprintPhase(
            "Bærekraftig videreføring",
            "Vedlikehold og kvalitetssikring i drift.",
            At(36),
            At(60, -1),
        ),
    ),
    milestones=(
        BlueprintDated("MP1", "Prosjektorganisasjon opprettet, prosjektleder utpekt", At(0)),
        BlueprintDated("MP2", "Prosjektgruppe utpekt", At(3, 15)),
        BlueprintDated("MP3", "Prosjektbeskrivelse og mandat vedtatt", At(4)),
        BlueprintDated("MP4", "Prosjektplan godkjent i styringsgruppen", At(8)),
        BlueprintDated("MP5", "Risikoanalyse fremlagt styringsgruppen", At(8)),
        BlueprintDated("MP6", "Interessentanalyse og strategi for medvirkning fremlagt", At(8)),
        BlueprintDated(
            "MP7",
            "Utforskning og adopsjon fullført",
            At(11, -1),
            "Kartlegging, tilrettelegging og tilpasning",
        ),
        BlueprintDated("MP8", "Installasjon fullført", At(18, -1), "Utviklingsfasen ferdigstilt"),
        BlueprintDated(
            "MP9",
            "Implementering fullført",
            At(36, -1),
            "Opplæring og utprøving; over i institusjonalisering",
        ),
        BlueprintDated(
            "MP10", "Bærekraftig videreføring", At(60, -1), "Vedlikehold og kvalitetssikring"
        ),
    ),
    decision_points=(
        BlueprintDated(
            "BP1", "Prosjektbeskrivelse og mandat vedtatt", At(4), "Forslag fra prosjektleder"
        ),
        BlueprintDated(
            "BP2", "Prosjektplan og risikoanalyse godkjent", At(8), "Prosjektplan og risikoanalyse"
        ),
        BlueprintDated(
            "BP3", "Lokal handlingsveileder vedtatt", At(18, -1), "Prosjektgruppas forslag"
        ),
        BlueprintDated(
            "BP4", "BTI over i drift", At(36, -1), "Sluttrapport og plan for vedlikehold"
        ),
    ),
    activities=(
        BlueprintActivity(
            "HA01",
            "Etablere prosjektorganisasjon og mandat",
            0,
            4,
            milestones=("MP1", "MP2", "MP3"),
        ),
        BlueprintActivity("HA02", "Kartlegging av nåsituasjon", 4, 10, milestones=("MP7",)),
        BlueprintActivity(
            "HA03", "Lokal handlingsveileder nivå 0–3 og stafettlogg", 11, 17, milestones=("MP8",)
        ),
        BlueprintActivity("HA04", "Informasjonskampanje", 15, 20),
        BlueprintActivity("HA05", "Opplæring i handlingsveileder og stafettlogg", 18, 29),
        BlueprintActivity("HA06", "Utprøving og evaluering", 24, 35, milestones=("MP9",)),
        BlueprintActivity("HA07", "Plan for vedlikehold og drift", 30, 35),
    ),
    bodies=(
        STEERING,
        PROJECT,
        REFERENCE,
        BlueprintBody("working", "Arbeidsgruppe kartlegging", "Kartlegger nåsituasjonen."),
    ),
    goals=(
        BlueprintGoal(
            "main",
            "Tidlig, helhetlig og koordinert innsats uten oppfølgingsbrudd gjennom en felles "
            "samhandlingsmodell.",
            None,
            (
                BlueprintGoal("outcome", "Tidlig innsats: identifisere og handle ved bekymring"),
                BlueprintGoal("outcome", "Tverrfaglig samhandling og samordning av tjenestene"),
                BlueprintGoal(
                    "outcome", "Brukermedvirkning: barn, unge og foreldre involveres tidlig"
                ),
            ),
        ),
    ),
)

MODEL_MUNICIPALITY = Blueprint(
    key="0-24-modellkommune",
    name="0–24-samarbeidet: modellkommune",
    description=(
        "Toårig utviklingsarbeid for utsatte barn og unge 0–24 år: arbeidsgruppe, "
        "kompetanseheving, rutiner og underveisvurderinger. Bygger på Unjárga/Nesseby."
    ),
    months=22,
    phases=(
        BlueprintPhase(
            "Oppstart og planlegging", "Arbeidsgruppe og prosjektplan.", At(0), At(2, -1)
        ),
        BlueprintPhase(
            "Kompetanseheving og utprøving",
            "Kompetanseheving og pedagogiske verktøy.",
            At(2),
            At(16, -1),
        ),
        BlueprintPhase(
            "Rutiner og videreføring", "Rutiner, ansvar og sluttvurdering.", At(16), At(22, -1)
        ),
    ),
    milestones=(
        BlueprintDated("MP1", "Arbeidsgruppe etablert", At(1, -1), "Deltakere utpekt"),
        BlueprintDated(
            "MP2", "Prosjektplan ferdigstilt", At(2), "Arbeidsgruppemøter, prosjektledelsesmøter"
        ),
        BlueprintDated("MP3", "Kompetanseheving: kommunedag", At(6, -1)),
        BlueprintDated("MP4", "Pedagogiske verktøy tatt i bruk", At(10, -1)),
        BlueprintDated("MP5", "Første underveisvurdering", At(10, -1)),
        BlueprintDated(
            "MP6", "Tverrfaglig rutine innført", At(16, -1), "Prøvd ut og rutiner utarbeidd"
        ),
        BlueprintDated("MP7", "Andre underveisvurdering", At(21, -1)),
        BlueprintDated(
            "MP8",
            "Videreføring sikret og sluttvurdering gjort",
            At(22, -1),
            "Rutiner utarbeidd, ansvar plassert",
        ),
    ),
    decision_points=(
        BlueprintDated("BP1", "Prosjektplan godkjent", At(2), "Arbeidsgruppas utkast"),
        BlueprintDated(
            "BP2",
            "Tverrfaglig samarbeidsform vedtatt i kommunestyret",
            At(21),
            "Sak fra arbeidsgruppa",
        ),
    ),
    activities=(
        BlueprintActivity(
            "HA01", "Etablere arbeidsgruppe og prosjektplan", 0, 2, milestones=("MP1", "MP2")
        ),
        BlueprintActivity("HA02", "Læringsnettverk", 2, 13),
        BlueprintActivity("HA03", "Kompetanseheving", 5, 15, milestones=("MP3",)),
        BlueprintActivity("HA04", "Pedagogiske verktøy", 6, 9, milestones=("MP4",)),
        BlueprintActivity("HA05", "Tverrfaglig rutine", 12, 15, milestones=("MP6",)),
        BlueprintActivity("HA06", "Videreføring og sluttvurdering", 16, 21, milestones=("MP8",)),
    ),
    bodies=(
        BlueprintBody(
            "steering", "Prosjektledelse", "Utarbeider prosjektplanen, forankrer og rapporterer."
        ),
        BlueprintBody(
            "working", "Arbeidsgruppe", "Bidrar med fagkompetanse og utarbeider rutiner."
        ),
        BlueprintBody("resource", "Ressursgruppe", "Gir innspill og sikrer brukermedvirkning."),
    ),
    goals=(
        BlueprintGoal(
            "main",
            "Alle ansatte som arbeider med barn og unge oppdager og ivaretar utsatte barn og "
            "unge på tidligst mulig tidspunkt.",
        ),
    ),
)

BLUEPRINTS: dict[str, Blueprint] = {
    b.key: b for b in (KS_PROJECT_PLAN, BTI_IMPLEMENTATION, MODEL_MUNICIPALITY)
}


# Services -------------------------------------------------------------------------------


def _as_date(value: Any, name: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationError({name: [_("Oppgi en gyldig dato (ÅÅÅÅ-MM-DD).")]})
    return parsed


def get_blueprint(key: Any) -> Blueprint:
    blueprint = BLUEPRINTS.get(key) if isinstance(key, str) else None
    if blueprint is None:
        raise ValidationError(
            {"template": [_("Ukjent mal. Velg en av: %(keys)s.") % {"keys": ", ".join(BLUEPRINTS)}]}
        )
    return blueprint


def _create_goal(
    tenant: Municipality,
    plan: Plan,
    user: AbstractBaseUser,
    goal: BlueprintGoal,
    start: datetime.date,
    parent: Goal | None,
) -> None:
    row = services.create_goal(
        tenant,
        plan,
        user,
        {
            "level": goal.level,
            "text": goal.text,
            "due": goal.due.on(start) if goal.due else None,
            "parent": parent,
        },
    )
    for child in goal.children:
        _create_goal(tenant, plan, user, child, start, row)


def start_plan_from_blueprint(
    tenant: Municipality, user: AbstractBaseUser, key: Any, data: Mapping[str, Any]
) -> Plan:
    """A new draft plan from the blueprint `key`, its dates counted from `data["start"]`.

    `data`: `title`, `start`, optionally `end` (otherwise the blueprint's length).
    """
    blueprint = get_blueprint(key)
    start = _as_date(data.get("start"), "start")
    given_end = _as_date(data["end"], "end") if data.get("end") else None
    # The year window first: the offsets below cannot leave the calendar from inside it.
    for name, value in (("start", start), ("end", given_end)):
        if value is not None and not bounds.in_year_window(value):
            raise ValidationError({name: [bounds.year_window_message()]})
    end = given_end or blueprint.end_for(start)
    last = max(m.at.on(start) for m in blueprint.milestones)
    if end >= start and end < last:
        raise ValidationError(
            {
                "end": [
                    _("Slutt må være etter malens siste milepæl (%(date)s).")
                    % {"date": format_date(last)}
                ]
            }
        )
    with transaction.atomic():
        plan = services.create_plan(
            tenant,
            user,
            {
                "title": data.get("title") or "",
                "start": start,
                "end": end,
                "purpose": blueprint.description,
            },
        )
        for order, phase in enumerate(blueprint.phases, start=1):
            services.create_phase(
                tenant,
                plan,
                user,
                {
                    "order": order,
                    "name": phase.name,
                    "description": phase.description,
                    "start": phase.start.on(start),
                    "end": phase.end.on(start),
                },
            )
        for goal in blueprint.goals:
            _create_goal(tenant, plan, user, goal, start, None)
        milestones = {}
        for m in blueprint.milestones:
            milestones[m.code] = services.create_milestone(
                tenant,
                plan,
                user,
                {"code": m.code, "title": m.title, "due": m.at.on(start), "criterion": m.text},
            )
        for d in blueprint.decision_points:
            services.create_decision_point(
                tenant,
                plan,
                user,
                {"code": d.code, "title": d.title, "due": d.at.on(start), "basis": d.text},
            )
        for a in blueprint.activities:
            services.create_activity(
                tenant,
                plan,
                user,
                {
                    "code": a.code,
                    "name": a.name,
                    "purpose": a.purpose,
                    "result": a.result,
                    "start_month": add_months(start.replace(day=1), a.first_month),
                    "end_month": add_months(start.replace(day=1), a.last_month),
                    "milestones": [milestones[c].pk for c in a.milestones],
                },
            )
        for order, body in enumerate(blueprint.bodies, start=1):
            services.create_body(
                tenant,
                plan,
                user,
                {"kind": body.kind, "name": body.name, "mandate": body.mandate, "order": order},
            )
        plan.refresh_from_db()
        return plan


Move = tuple[Versioned, Callable[..., Any], dict[str, Any]]
OUT_OF_RANGE = object()  # a moved date Python's calendar cannot hold


def _moved(value: datetime.date | None, delta: datetime.timedelta) -> Any:
    if value is None:
        return None
    moved = shift_days(value, delta)
    return OUT_OF_RANGE if moved is None else moved


def _moved_month(value: datetime.date, months: int) -> Any:
    moved = shift_months(value, months)
    return OUT_OF_RANGE if moved is None else moved


def _planned_moves(
    plan: Plan, delta: datetime.timedelta, months: int, today: datetime.date
) -> Iterator[Move]:
    """Each row that moves, the service that moves it and its new dates (module docstring)."""
    for m in Milestone.objects.filter(plan=plan).exclude(
        status__in=(MilestoneStatus.DONE, MilestoneStatus.MISSED)
    ):
        yield m, services.update_milestone, {"due": _moved(m.due, delta)}
    for d in DecisionPoint.objects.filter(plan=plan, decided_on__isnull=True):
        yield d, services.update_decision_point, {"due": _moved(d.due, delta)}
    for g in Goal.objects.filter(plan=plan, due__gte=today):
        yield g, services.update_goal, {"due": _moved(g.due, delta)}
    for p in Phase.objects.filter(plan=plan).exclude(end__lt=today):
        moved = {name: _moved(getattr(p, name), delta) for name in ("start", "end")}
        moved = {name: value for name, value in moved.items() if value is not None}
        if moved:
            yield p, services.update_phase, moved
    if months:
        for a in Activity.objects.filter(plan=plan).exclude(
            status__in=(ActivityStatus.DONE, ActivityStatus.CANCELLED)
        ):
            yield (
                a,
                services.update_activity,
                {
                    "start_month": _moved_month(a.start_month, months),
                    "end_month": _moved_month(a.end_month, months),
                },
            )


def _check_move(
    plan: Plan, start: datetime.date, end: datetime.date | None, moves: list[Move]
) -> None:
    """Refuse the move (under "start") unless the new period and every row's dates fit."""
    if end is None:
        raise ValidationError({"start": [bounds.year_window_message()]})
    period = bounds.plan_period_errors(start, end)
    if period:
        raise ValidationError({"start": [m for messages in period.values() for m in messages]})
    new_dates = {(type(row), row.pk): changes for row, _service, changes in moves}
    found: dict[type[models.Model], list[str]] = {}
    for model, fields in bounds.DATE_BOUNDS.items():
        for row in model._default_manager.filter(plan=plan):
            changes = new_dates.get((model, row.pk), {})
            for name, margin in fields.items():
                value = changes.get(name, getattr(row, name))
                if value is OUT_OF_RANGE or (
                    isinstance(value, datetime.date)
                    and bounds.date_error(start, end, margin, value)
                ):
                    found.setdefault(model, []).append(bounds.label(row))
                    break
    if found:
        raise ValidationError({"start": bounds.outside_messages(found, start, end)})


def move_plan_start(
    tenant: Municipality,
    plan: Plan,
    user: AbstractBaseUser,
    new_start: Any,
    *,
    version: int | None,
) -> Plan:
    """Move the plan's start; what has not happened yet moves with it (module docstring)."""
    new_start = _as_date(new_start, "start")
    if not bounds.in_year_window(new_start):
        raise ValidationError({"start": [bounds.year_window_message()]})
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if version is None:
            raise ValidationError(
                {"version": [_("Oppgi versjonen du har endret (feltet «version»).")]}
            )
        if current.version != version:
            raise services.StaleVersion(current)
        delta = new_start - current.start
        if not delta:
            return current
        months = month_index(new_start) - month_index(current.start)
        new_end = shift_days(current.end, delta)
        moves = list(_planned_moves(current, delta, months, timezone.localdate()))
        # The whole move is checked before anything is written: no half-moved plan.
        _check_move(current, new_start, new_end, moves)
        moved = services.update_plan(
            tenant,
            current,
            user,
            {"start": new_start, "end": new_end},
            version=current.version,
            check_parts=False,  # checked above; each row's own save checks it again
        )
        for row, service, changes in moves:
            service(tenant, row, user, changes, version=row.version)
        # The last line: every part fits the moved period (the rows that stayed too).
        outside = bounds.parts_outside(moved, moved.start, moved.end)
        if outside:
            raise ValidationError({"start": outside})
        moved.refresh_from_db()
        return moved


def blueprint_summary(blueprint: Blueprint) -> dict[str, Any]:
    """What the template list shows: key, name, description, length and phases."""
    return {
        "key": blueprint.key,
        "name": blueprint.name,
        "description": blueprint.description,
        "months": blueprint.months,
        "phases": [
            {
                "name": p.name,
                "description": p.description,
                "start_month": p.start.months,
                "end_month": p.end.months,
            }
            for p in blueprint.phases
        ],
        "milestones": len(blueprint.milestones),
        "decision_points": len(blueprint.decision_points),
        "activities": len(blueprint.activities),
    }
