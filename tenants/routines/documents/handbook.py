"""The routine handbook as an outline: a contents list, then the routines by internal-control area.

Each routine shows its version in force: what it is for, its facts (type, level, BTI
levels, owner, units, methods, version, approval, review), and its steps with who does
what and when. Areas are numbered in alphabetical order (routines without an area come
last), routines by title within each; the contents list uses the same numbers. Text
stays text: the renderers never read markup from what users typed.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from samla.formats import format_date
from tenants.plans.documents.types import Column, Outline, Table, Value
from tenants.routines.documents.loader import HandbookData
from tenants.routines.models import Routine, RoutineKind, RoutineLevel, RoutineVersion


def handbook_outline(data: HandbookData) -> Outline:
    """The handbook: title page, introduction and contents, and one chapter per area."""
    chapters = _chapters(data.routines)
    overdue = sum(1 for r in data.routines if r.next_review and r.next_review < data.today)
    outline = Outline(
        title=_("Rutinehandbok"),
        subtitle=data.municipality.name,
        facts=[
            (_("Kommune"), data.municipality.name),
            (_("Godkjente rutiner"), str(len(data.routines))),
            (_("Gjennomgang på overtid"), str(overdue)),
            (_("Laget"), format_date(data.today)),
        ],
    )
    outline.heading(_("Om håndboka"), 1)
    outline.text(
        _(
            "Håndboka samler kommunens godkjente samhandlingsrutiner og samarbeidsavtaler "
            "slik de gjelder i dag, ordnet etter internkontrollområde. Hver rutine vises i "
            "versjonen som er i kraft, med eierenhet, trinn og neste gjennomgang. Utkast og "
            "utgåtte rutiner er ikke med."
        )
    )
    outline.heading(_("Innhold"), 1)
    outline.table(
        Table(
            columns=[
                Column(_("Nr."), width=0.5),
                Column(_("Rutine"), width=3),
                Column(_("Eierenhet"), width=1.5),
                Column(_("Neste gjennomgang"), "date", width=1.2),
            ],
            rows=[
                _contents_row(number, routine)
                for _area, routines in chapters
                for number, routine in routines
            ],
            empty_text=_("Kommunen har ingen godkjente rutiner ennå."),
        )
    )
    for area, routines in chapters:
        outline.heading(area, 1)
        for number, routine in routines:
            _routine(outline, data, number, routine)
    return outline


def _contents_row(number: str, routine: Routine) -> list[Value]:
    version = routine.current
    assert version is not None  # only approved routines are loaded
    return [number, version.title, version.owner_unit.name, routine.next_review]


def _chapters(routines: list[Routine]) -> list[tuple[str, list[tuple[str, Routine]]]]:
    """The routines by area, numbered: [("1 Helse og omsorg", [("1.1", routine), …]), …]."""
    by_area: dict[str, list[Routine]] = defaultdict(list)
    for routine in routines:
        if routine.current is not None:
            by_area[routine.current.internal_control_area.strip()].append(routine)
    areas = sorted(by_area, key=lambda area: (area == "", area.casefold()))
    chapters = []
    for i, area in enumerate(areas, start=1):
        named = sorted(
            by_area[area],
            key=lambda r: (r.current.title.casefold() if r.current else "", r.pk),
        )
        title = area or _("Uten internkontrollområde")
        chapters.append(
            (f"{i} {title}", [(f"{i}.{j}", routine) for j, routine in enumerate(named, start=1)])
        )
    return chapters


def _routine(outline: Outline, data: HandbookData, number: str, routine: Routine) -> None:
    version = routine.current
    assert version is not None  # only approved routines are loaded
    outline.heading(f"{number} {version.title}", 2)
    outline.text(_("Formål"), "label")
    outline.text_or_none(version.purpose)
    outline.table(
        Table(
            columns=[Column(_("Opplysning"), width=1), Column(_("Innhold"), width=2.8)],
            rows=_facts(data, routine, version),
        )
    )
    outline.text(_("Trinn"), "label")
    outline.table(
        Table(
            columns=[
                Column(_("Nr."), "number", width=0.4),
                Column(_("Hva gjøres"), width=3),
                Column(_("Ansvarlig enhet"), width=1.4),
                Column(_("Når"), width=1.2),
            ],
            rows=[
                [n, step.action, step.responsible_unit.name, step.timing]
                for n, step in enumerate(version.steps.all(), start=1)
            ],
            empty_text=_("Ingen trinn registrert."),
        )
    )


def _facts(data: HandbookData, routine: Routine, version: RoutineVersion) -> list[list[Value]]:
    none = _("Ingen")
    approved = format_date(version.approved_on)
    if version.approved_by:
        approved = _("%(date)s av %(body)s") % {"date": approved, "body": version.approved_by}
    next_review = format_date(routine.next_review)
    if routine.next_review and routine.next_review < data.today:
        next_review = _("%(date)s (på overtid)") % {"date": next_review}
    methods = [data.method_names.get(slug, slug) for slug in version.methods]
    facts: list[tuple[str, str]] = [
        (_("Type"), str(RoutineKind(version.kind).label)),
        (_("Nivå"), str(RoutineLevel(version.level).label)),
        (_("BTI-nivåer"), ", ".join(str(n) for n in sorted(version.bti_levels)) or none),
        (_("Eierenhet"), version.owner_unit.name),
        (_("Enheter"), ", ".join(unit.name for unit in version.units.all()) or none),
        (_("Samhandlingsmetoder"), ", ".join(methods) or none),
        (_("Versjon"), str(version.number)),
        (_("Godkjent"), approved),
        (_("Gjennomgås"), _interval(version.review_interval_months)),
        (_("Sist gjennomgått"), format_date(routine.last_reviewed)),
        (_("Neste gjennomgang"), next_review),
    ]
    return [[label, value] for label, value in facts if value]


def _interval(months: int) -> str:
    if months == 1:
        return _("Hver måned")
    return _("Hver %(months)d. måned") % {"months": months}
