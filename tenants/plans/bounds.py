"""How far a plan's dates may reach and how many rows a plan may hold, and the checks.

Every date of a plan and its parts lies in the year window (EARLIEST–LATEST); a plan runs
at most MAX_PLAN_YEARS. A part's date lies within its plan's period widened by a margin
chosen for that kind of part (its `dates` in `tenants.plans.registry`): the seed plans put
an evaluation phase, the last decision point and impact goals after the project ends,
while a milestone is a checkpoint of the project itself and stays inside the period. Each
part's `row_limit` caps its rows per plan (and plans per municipality, members per body,
actions per meeting here), so that a plan stays something a person can read and a
document renders in bounded time. `docs/plan-limits.md` gives the reasons and the seed
evidence.

The services (`services/`) and `blueprints.py` call the functions here; the margins and row
limits are declared with each part in the registry, the other limits here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samla.dates import add_months, first_of_month
from samla.formats import format_date
from tenants.plans.models import Plan

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The year window: no Norwegian municipal plan predates 2000 in Samla (the oldest seed
# starts in 2016), and 2100 leaves every plan that can be made today room to run and be
# moved. Both are far inside what Python, PostgreSQL and the document libraries handle.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
MAX_PLAN_YEARS = 10


@dataclass(frozen=True)
class Margin:
    """Months a part's date may lie before the plan's start and after its end.

    `None` means "bounded by the year window only": dates that record when something
    happened (a milestone reached, a decision taken) may be entered long after the plan.
    `by_month` compares months rather than days (an activity's months are first days).
    """

    before: int | None
    after: int | None
    by_month: bool = False


# Each part's date margins (field -> Margin, in months; see docs/plan-limits.md) and its
# row limit per plan are declared with the part in `tenants.plans.registry`;
# `bounds.DATE_BOUNDS` and `bounds.ROW_LIMITS` are the registry's tables by model.


def _registry() -> Any:
    """The registry of plan parts. It imports this module (for `Margin`), so it is read when
    a check runs rather than when this module is imported."""
    from tenants.plans import registry

    return registry


def __getattr__(name: str) -> Any:
    if name in ("DATE_BOUNDS", "ROW_LIMITS"):
        return getattr(_registry(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The text of a plan and of every part its documents show (not meetings' minutes or
# status reports, which are documents of their own), in characters: twenty times the
# largest seed plan (about 10,000), some 80 pages of A4. Without it, every part at its row
# limit with every text field full would be 14 million characters, some 5,000 pages:
# minutes of work for one PDF request.
PLAN_TEXT_LIMIT = 200_000
PLANS_PER_MUNICIPALITY = 500
MEMBERS_PER_BODY = 40  # the seeds' largest body has 13 members
ACTIONS_PER_MEETING = 100  # as many as attendees and decisions (the models' array sizes)


def date_text(value: datetime.date) -> str:
    return format_date(value)


def window(
    start: datetime.date, end: datetime.date, margin: Margin
) -> tuple[datetime.date, datetime.date]:
    """The first and last date allowed for a field with this margin in a plan start–end."""
    if margin.by_month:
        start, end = first_of_month(start), first_of_month(end)
    first = EARLIEST if margin.before is None else add_months(start, -margin.before)
    last = LATEST if margin.after is None else add_months(end, margin.after)
    return max(first, EARLIEST), min(last, LATEST)


def in_year_window(value: datetime.date) -> bool:
    return EARLIEST <= value <= LATEST


def year_window_message() -> str:
    return _("Datoen må ligge mellom %(first)s og %(last)s.") % {
        "first": date_text(EARLIEST),
        "last": date_text(LATEST),
    }


def outside_message(
    margin: Margin, first: datetime.date, last: datetime.date, start: datetime.date,
    end: datetime.date,
) -> str:  # fmt: skip
    """Why a date is refused, naming the allowed range."""
    if margin.before == 0 and margin.after == 0 and not margin.by_month:
        return _("Datoen må ligge innenfor planperioden (%(start)s–%(end)s).") % {
            "start": date_text(start),
            "end": date_text(end),
        }
    return _(
        "Datoen må ligge mellom %(first)s og %(last)s (planperioden %(start)s–%(end)s, "
        "med inntil %(before)s før og %(after)s etter)."
    ) % {
        "first": date_text(first),
        "last": date_text(last),
        "start": date_text(start),
        "end": date_text(end),
        "before": _months_text(margin.before),
        "after": _months_text(margin.after),
    }


def _months_text(months: int | None) -> str:
    if months is None:
        return _("fram til %(last)s") % {"last": date_text(LATEST)}
    return ngettext("%(count)d måned", "%(count)d måneder", months) % {"count": months}


def drawable_months(plan: Plan) -> tuple[datetime.date, datetime.date]:
    """The first and last month an activity plan (Gantt) of the plan may show: as far as
    its activities, milestones and decision points may lie from the plan. Rows saved
    before these bounds (an activity in year 1500) are clipped to it, rather than widening
    the grid without end."""
    drawn_parts = _registry().PARTS_BY_NAME
    drawn = [
        *drawn_parts["activity"].dates.values(),
        drawn_parts["milestone"].dates["due"],
        drawn_parts["decision_point"].dates["due"],
    ]
    before = max(m.before or 0 for m in drawn)
    after = max(m.after or 0 for m in drawn)
    start_index = plan.start.year * 12 + plan.start.month - 1
    first_index = max(start_index - before, 12)  # January of year 1
    last_index = min(start_index + MAX_PLAN_YEARS * 12 + after, 9998 * 12 + 11)  # room to step
    return (
        datetime.date(first_index // 12, first_index % 12 + 1, 1),
        datetime.date(last_index // 12, last_index % 12 + 1, 1),
    )


# Checks -----------------------------------------------------------------------------------


def plan_period_errors(start: Any, end: Any) -> dict[str, list[str]]:
    """The plan's own dates: in the year window, at most MAX_PLAN_YEARS long."""
    errors: dict[str, list[str]] = {}
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, datetime.date) and not in_year_window(value):
            errors.setdefault(name, []).append(year_window_message())
    if errors or not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        return errors
    if end >= add_months(start, 12 * MAX_PLAN_YEARS):
        errors["end"] = [
            _("En plan kan vare høyst %(years)d år: slutt senest %(last)s.")
            % {"years": MAX_PLAN_YEARS, "last": date_text(latest_end(start))}
        ]
    return errors


def latest_end(start: datetime.date) -> datetime.date:
    return add_months(start, 12 * MAX_PLAN_YEARS) - datetime.timedelta(days=1)


def part_date_errors(
    plan: Plan, obj: models.Model, skip: Iterable[str] = ()
) -> dict[str, list[str]]:
    """A part's dates against its plan's widened period (fields in `skip` are not checked)."""
    errors: dict[str, list[str]] = {}
    skipped = set(skip)
    for name, margin in _registry().DATE_BOUNDS.get(type(obj), {}).items():
        value = getattr(obj, name, None)
        if name in skipped or not isinstance(value, datetime.date):
            continue
        message = date_error(plan.start, plan.end, margin, value)
        if message:
            errors.setdefault(name, []).append(message)
    return errors


def date_error(
    start: datetime.date, end: datetime.date, margin: Margin, value: datetime.date
) -> str | None:
    """The message refusing `value` for a field with `margin` in start–end, or None."""
    if not in_year_window(value):
        return year_window_message()
    first, last = window(start, end, margin)
    checked = first_of_month(value) if margin.by_month else value
    if first <= checked <= last:
        return None
    return outside_message(margin, first, last, start, end)


def label(obj: models.Model) -> str:
    """How a message names a row: its code, else the start of its text."""
    code = getattr(obj, "code", "")
    if code:
        return str(code)
    text = str(obj)
    return text if len(text) <= 40 else text[:39] + "…"


def parts_outside(plan: Plan, start: datetime.date, end: datetime.date) -> list[str]:
    """Messages naming the plan's parts whose dates would fall outside a period start–end."""
    found: dict[type[models.Model], list[str]] = {}
    for model, fields in _registry().DATE_BOUNDS.items():
        outside = Q()
        for name, margin in fields.items():
            first, last = window(start, end, margin)
            outside |= Q(**{f"{name}__lt": first}) | Q(**{f"{name}__gt": last})
        rows = model._default_manager.filter(outside, plan=plan)[:6]
        found[model] = [label(row) for row in rows]
    return outside_messages(found, start, end)


def outside_messages(
    found: dict[type[models.Model], list[str]], start: datetime.date, end: datetime.date
) -> list[str]:
    """One message per kind of part: which rows would fall outside, and the allowed range."""
    messages = []
    for model, labels in found.items():
        if not labels:
            continue
        names = ", ".join(labels[:5]) + (" " + _("med flere") if len(labels) > 5 else "")
        part = _registry().PARTS_BY_MODEL[model]
        what = str(part.plural_definite)
        margin = next(iter(part.dates.values()))  # the kind's main date
        if margin.before == 0 and margin.after == 0:
            message = _("%(what)s %(names)s ville falt utenfor planperioden. Flytt dem først.")
        else:
            message = _(
                "%(what)s %(names)s ville falt utenfor tidsrommet som er tillatt for dem "
                "(%(first)s–%(last)s). Flytt dem først."
            )
        first, last = window(start, end, margin)
        messages.append(
            message
            % {"what": what, "names": names, "first": date_text(first), "last": date_text(last)}
        )
    return messages


# The plan's text -------------------------------------------------------------------------


def _text_length(model: type[models.Model]) -> Any:
    """An expression for the characters of text in a row: its text columns, arrays joined."""
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import Func
    from django.db.models.functions import Length

    total: Any = Value(0)
    for f in model._meta.concrete_fields:
        if f.choices:
            continue
        if isinstance(f, ArrayField):
            joined = Func(F(f.name), Value(""), function="array_to_string")
            total += Coalesce(Length(joined), 0)
        elif isinstance(f, models.CharField | models.TextField):
            total += Length(f.name)
    return total


def plan_text_total(plan: Plan) -> int:
    """Characters of text in the plan and the parts its documents show, as saved now
    (one query: a sum per kind of part, united)."""
    from tenants.plans.models import BodyMember

    def summed(queryset: Any, model: type[models.Model], group: str) -> Any:
        return (
            queryset.order_by()
            .values(group)
            .annotate(total=Sum(_text_length(model)))
            .values_list("total", flat=True)
        )

    query = summed(Plan.objects.filter(pk=plan.pk), Plan, "id")
    others = [
        summed(part.model._default_manager.filter(plan=plan), part.model, "plan")
        for part in _registry().documented_parts()
    ]
    others.append(summed(BodyMember.objects.filter(body__plan=plan), BodyMember, "body__plan"))
    return sum(value or 0 for value in query.union(*others, all=True))


def text_limit_error(plan: Plan) -> str | None:
    """The message refusing the plan's text as saved now (inside the write's transaction)."""
    total = plan_text_total(plan)
    if total <= PLAN_TEXT_LIMIT:
        return None
    return _(
        "Planen kan ha høyst %(limit)s tegn tekst til sammen (med delene som vises i "
        "plandokumentet); med denne endringen ville den hatt %(total)s. Korte ned teksten."
    ) % {"limit": f"{PLAN_TEXT_LIMIT:,}".replace(",", " "), "total": f"{total:,}".replace(",", " ")}


# Row limits -------------------------------------------------------------------------------


def row_limit_error(plan: Plan, model: type[models.Model], adding: int = 1) -> str | None:
    """The message refusing `adding` more rows of `model` in the plan, or None."""
    limit = _registry().ROW_LIMITS.get(model)
    if limit is None:
        return None
    count = model._default_manager.filter(plan=plan).count()
    if count + adding <= limit:
        return None
    return _("En plan kan ha høyst %(limit)d %(what)s; denne har %(count)d.") % {
        "limit": limit,
        "what": model._meta.verbose_name_plural,
        "count": count,
    }


def plan_count_error(count: int) -> str | None:
    if count < PLANS_PER_MUNICIPALITY:
        return None
    return _(
        "En kommune kan ha høyst %(limit)d planer. Slett eller arkiver gamle planer først."
    ) % {"limit": PLANS_PER_MUNICIPALITY}


def _at_most(limit: int, message: StrOrPromise) -> Callable[[int], str | None]:
    """An error for a list of more than `limit` items (`message` names limit and count)."""

    def error(count: int) -> str | None:
        return None if count <= limit else str(message) % {"limit": limit, "count": count}

    return error


members_error = _at_most(
    MEMBERS_PER_BODY,
    gettext_lazy("En gruppe kan ha høyst %(limit)d medlemmer (du sendte %(count)d)."),
)
actions_error = _at_most(
    ACTIONS_PER_MEETING,
    gettext_lazy("Et møte kan ha høyst %(limit)d oppfølgingspunkter (du sendte %(count)d)."),
)
