"""Every change to a plan and its parts: plain functions, one transaction each.

Each function takes the plan (or the object), the acting user and already-typed data,
checks the plan's rules and raises django's ValidationError with Norwegian messages
keyed by field, so that nothing is written when anything is wrong. Updates name the
`version` they edited; a stale one raises StaleVersion carrying the current row. Writes
to a plan's parts lock the plan row first, so two saves in one plan are serialised and
rules such as "a code once per plan" hold without races.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from samla.accounts.access import active_membership
from samla.accounts.models import MunicipalityMembership, MunicipalityRole
from tenants.plans import bounds, history
from tenants.plans.models import (
    NAME_LIMIT,
    TEXT_LIMIT,
    Activity,
    Body,
    BodyMember,
    BudgetKind,
    BudgetLine,
    ChangeAction,
    DecisionPoint,
    Goal,
    Measure,
    Meeting,
    MeetingSeries,
    Milestone,
    MilestoneStatus,
    Phase,
    Plan,
    PlanStatus,
    Risk,
    StatusReport,
    SuccessFactor,
    Versioned,
)
from tenants.plans.validators import (
    CONTROL_MESSAGE,
    NATIONAL_ID_MESSAGE,
    contains_control_characters,
    contains_national_id,
)

Data = Mapping[str, Any]
Errors = dict[str, list[str]]
V = TypeVar("V", bound=Versioned)


class StaleVersion(Exception):
    """The object was changed by someone else since the version the caller edited."""

    def __init__(self, current: Versioned) -> None:
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current


def stale_message() -> str:
    return _(
        "Noen andre har endret dette mens du redigerte. Se den gjeldende versjonen "
        "og gjør endringen din på nytt."
    )


# Shared pieces ------------------------------------------------------------------------


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(str(message))


def _raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _clean_list(
    values: Any, name: str, item_limit: int, max_items: int, errors: Errors
) -> list[str]:
    """A list of short texts: trimmed, empty ones dropped, each within its limit."""
    if not isinstance(values, list | tuple):
        _add(errors, name, _("Må være en liste med tekster."))
        return []
    cleaned = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if len(cleaned) > max_items:
        _add(errors, name, _("Høyst %(count)d elementer er tillatt.") % {"count": max_items})
    for number, text in enumerate(cleaned, start=1):
        if len(text) > item_limit:
            _add(
                errors,
                name,
                _("Element %(number)d kan være høyst %(limit)d tegn (det har %(length)d).")
                % {"number": number, "limit": item_limit, "length": len(text)},
            )
        if contains_national_id(text):
            _add(errors, name, str(NATIONAL_ID_MESSAGE))
        if contains_control_characters(text):
            _add(errors, name, str(CONTROL_MESSAGE))
    return cleaned


@dataclass(frozen=True)
class Rules:
    """What a part may change and which plan rules apply to it."""

    model: type[Versioned]
    fields: frozenset[str]
    relations: Mapping[str, type[models.Model]] = field(default_factory=dict)
    many: Mapping[str, type[models.Model]] = field(default_factory=dict)
    arrays: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # item limit, max items
    cleaners: Mapping[str, Callable[[Any, Errors], Any]] = field(default_factory=dict)
    check: Callable[[Plan, Any, Errors], None] | None = None
    before_save: Callable[[Plan, Any, AbstractBaseUser], None] | None = None

    @property
    def editable(self) -> frozenset[str]:
        return self.fields.union(self.relations, self.many, self.arrays, self.cleaners)


def _relation_label(model: type[models.Model], name: str) -> str:
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return capfirst(name)


def _missing_message(label: str, ids: Iterable[Any]) -> str:
    return _("%(what)s med id %(ids)s finnes ikke i denne planen.") % {
        "what": label,
        "ids": ", ".join(str(i) for i in ids),
    }


def _resolve_one(
    plan: Plan, owner: type[models.Model], name: str, target: type[models.Model], value: Any,
    errors: Errors,
) -> models.Model | None:  # fmt: skip
    """A related row of the same plan, from an id or an object; None when absent."""
    if value in (None, ""):
        return None
    if isinstance(value, models.Model):
        if isinstance(value, target) and value.plan_id == plan.pk:  # type: ignore[attr-defined]
            return value
        _add(errors, name, _missing_message(_relation_label(owner, name), [value.pk]))
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        _add(errors, name, _("Oppgi en id (et heltall)."))
        return None
    found = target._default_manager.filter(plan=plan, pk=pk).first()  # type: ignore[attr-defined]
    if found is None:
        _add(errors, name, _missing_message(_relation_label(owner, name), [pk]))
    return found


def _resolve_many(
    plan: Plan, owner: type[models.Model], name: str, target: type[models.Model], values: Any,
    errors: Errors,
) -> list[models.Model]:  # fmt: skip
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple | set):
        _add(errors, name, _("Må være en liste med id-er."))
        return []
    try:
        ids = [v.pk if isinstance(v, models.Model) else int(v) for v in values]
    except (TypeError, ValueError):
        _add(errors, name, _("Må være en liste med id-er (heltall)."))
        return []
    found = list(target._default_manager.filter(plan=plan, pk__in=ids))  # type: ignore[attr-defined]
    missing = sorted(set(ids) - {row.pk for row in found})
    if missing:
        _add(errors, name, _missing_message(_relation_label(owner, name), missing))
    return found


def _apply(
    plan: Plan, obj: models.Model, rules: Rules, data: Data, errors: Errors
) -> dict[str, list[models.Model]]:
    """Set the given values on the object; return the many-to-many values to set later."""
    unknown = set(data) - rules.editable
    if unknown:
        raise TypeError(f"{rules.model.__name__} cannot change {sorted(unknown)}")
    many: dict[str, list[models.Model]] = {}
    for name, value in data.items():
        if name in rules.relations:
            setattr(
                obj,
                name,
                _resolve_one(plan, rules.model, name, rules.relations[name], value, errors),
            )
        elif name in rules.many:
            many[name] = _resolve_many(plan, rules.model, name, rules.many[name], value, errors)
        elif name in rules.arrays:
            limit, max_items = rules.arrays[name]
            setattr(obj, name, _clean_list(value, name, limit, max_items, errors))
        elif name in rules.cleaners:
            setattr(obj, name, rules.cleaners[name](value, errors))
        else:
            setattr(obj, name, value.strip() if isinstance(value, str) else value)
    return many


def _clean_fields(obj: models.Model, names: Iterable[str], errors: Errors) -> None:
    """Django's field validation (required, lengths, choices, ranges, no identity numbers)."""
    names = set(names)
    exclude = {f.name for f in obj._meta.fields if f.name not in names}
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                _add(errors, name, message)


def _validate(plan: Plan, obj: Versioned, rules: Rules, errors: Errors) -> None:
    _clean_fields(obj, rules.fields, errors)
    if rules.check is not None:
        rules.check(plan, obj, errors)
    for name, messages in bounds.part_date_errors(plan, obj, skip=errors).items():
        for message in messages:
            _add(errors, name, message)
    _raise_if(errors)


def _check_text_limit(plan: Plan) -> None:
    """After a write, in its transaction: refuse it if the plan's text is now over its limit
    (raising rolls the write back; the plan row lock keeps two writes from passing together).
    """
    message = bounds.text_limit_error(plan)
    if message:
        raise ValidationError({"__all__": [message]})


def _check_row_limit(plan: Plan, model: type[models.Model]) -> None:
    """Refuse one more row of `model` past its limit (call with the plan row locked)."""
    message = bounds.row_limit_error(plan, model)
    if message:
        raise ValidationError({"__all__": [message]})


# Constraint backstops: a race the plan lock did not prevent still ends as a field error.
CONSTRAINT_FIELDS = {
    "plans_milestone_code_per_plan": "code",
    "plans_decision_point_code_per_plan": "code",
    "plans_activity_code_per_plan": "code",
    "plans_one_current_phase": "is_current",
}


def _save(obj: models.Model) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        text = str(exc)
        name = next((f for c, f in CONSTRAINT_FIELDS.items() if c in text), "__all__")
        raise ValidationError(
            {name: [_("Endringen bryter en regel for planen og ble ikke lagret.")]}
        ) from exc


def _lock_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _lock_current(obj: V, version: int | None) -> V:
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if version is None:
        raise ValidationError({"version": [_("Oppgi versjonen du har endret (feltet «version»).")]})
    if current.version != version:
        raise StaleVersion(current)
    return current


def _create(plan: Plan, rules: Rules, data: Data, user: AbstractBaseUser) -> Any:
    with transaction.atomic():
        plan = _lock_plan(plan)
        _check_row_limit(plan, rules.model)
        obj = rules.model(plan=plan)  # type: ignore[misc]
        errors: Errors = {}
        many = _apply(plan, obj, rules, data, errors)
        _validate(plan, obj, rules, errors)
        if rules.before_save is not None:
            rules.before_save(plan, obj, user)
        _save(obj)
        for name, rows in many.items():
            getattr(obj, name).set(rows)
        _check_text_limit(plan)
        history.record_created(obj, user)
        return obj


def _update(obj: V, rules: Rules, data: Data, version: int | None, user: AbstractBaseUser) -> V:
    with transaction.atomic():
        plan = _lock_plan(obj.plan)  # type: ignore[attr-defined]
        current = _lock_current(obj, version)
        current.plan = plan  # type: ignore[attr-defined]
        before = history.snapshot(current)
        errors: Errors = {}
        many = _apply(plan, current, rules, data, errors)
        _validate(plan, current, rules, errors)
        if rules.before_save is not None:
            rules.before_save(plan, current, user)
        current.version += 1
        _save(current)
        for name, rows in many.items():
            getattr(current, name).set(rows)
        _check_text_limit(plan)
        if any(f.generated for f in current._meta.fields):
            current.refresh_from_db(fields=[f.name for f in current._meta.fields if f.generated])
        history.record_updated(current, user, before)
        return current


def _delete(obj: Versioned, user: AbstractBaseUser) -> None:
    with transaction.atomic():
        _lock_plan(obj.plan)  # type: ignore[attr-defined]
        _delete_recorded(obj, user)


def _delete_recorded(obj: models.Model, user: AbstractBaseUser) -> None:
    history.record(obj, user, ChangeAction.DELETE, before=history.snapshot(obj))
    obj.delete()


def _code_taken(plan: Plan, obj: Any, errors: Errors) -> None:
    if errors.get("code") or not obj.code:
        return
    others = type(obj)._default_manager.filter(plan=plan, code__iexact=obj.code)
    if obj.pk:
        others = others.exclude(pk=obj.pk)
    if others.exists():
        _add(
            errors,
            "code",
            _("Nummeret «%(code)s» er allerede brukt i denne planen.") % {"code": obj.code},
        )


def _end_not_before_start(obj: Any, start: str, end: str, errors: Errors, message: str) -> None:
    first, last = getattr(obj, start), getattr(obj, end)
    if errors.get(start) or errors.get(end) or first is None or last is None:
        return
    if last < first:
        _add(errors, end, message)


def _is_leader(user: AbstractBaseUser) -> bool:
    membership = active_membership(user, connection.tenant)
    return membership is not None and membership.role == MunicipalityRole.LEADER


def _display_name(user: AbstractBaseUser) -> str:
    return str(getattr(user, "display_name", "") or user.get_username())


# Plans --------------------------------------------------------------------------------

PLAN_FIELDS = frozenset(
    {
        "title", "number", "case_number", "owner", "sponsor", "start", "end", "status",
        "background", "purpose", "target_group", "scope", "references",
    }
)  # fmt: skip
PLAN_RULES = Rules(Plan, PLAN_FIELDS, arrays={"leaders": (NAME_LIMIT, 10)})

# Where a plan may go from each status by an ordinary save; "approved" only by approve_plan.
STATUS_FLOW: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.ARCHIVED}),
    PlanStatus.APPROVED: frozenset({PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.ARCHIVED}),
    PlanStatus.ACTIVE: frozenset({PlanStatus.COMPLETED, PlanStatus.ARCHIVED}),
    PlanStatus.COMPLETED: frozenset({PlanStatus.ACTIVE, PlanStatus.ARCHIVED}),
    PlanStatus.ARCHIVED: frozenset({PlanStatus.DRAFT}),
}


def _check_plan_frame(plan: Plan, errors: Errors, *, parts: bool = True) -> None:
    """The plan's period is sane, and every part still fits its widened window (bounds)."""
    _end_not_before_start(plan, "start", "end", errors, _("Slutt kan ikke være før start."))
    if errors.get("start") or errors.get("end"):
        return
    for name, messages in bounds.plan_period_errors(plan.start, plan.end).items():
        for message in messages:
            _add(errors, name, message)
    if errors.get("start") or errors.get("end") or not plan.pk or not parts:
        return
    for message in bounds.parts_outside(plan, plan.start, plan.end):
        _add(errors, "end", message)


def _check_status_change(old: str, new: str, errors: Errors) -> None:
    if old == new or errors.get("status"):
        return
    if new == PlanStatus.APPROVED:
        _add(errors, "status", _("En plan godkjennes av prosjektleder med «Godkjenn plan»."))
    elif old == PlanStatus.DRAFT and new in (PlanStatus.ACTIVE, PlanStatus.COMPLETED):
        _add(
            errors,
            "status",
            _("Planen må godkjennes før den kan settes til «%(status)s».")
            % {"status": PlanStatus(new).label},
        )
    elif new not in STATUS_FLOW.get(old, frozenset()):
        _add(
            errors,
            "status",
            _("Status kan ikke endres fra «%(old)s» til «%(new)s».")
            % {"old": PlanStatus(old).label, "new": PlanStatus(new).label},
        )


def create_plan(user: AbstractBaseUser, data: Data) -> Plan:
    """A new plan; it starts as a draft."""
    with transaction.atomic():
        # Serialise plan creation in this schema, so that two creates cannot pass the limit.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.plans'))")
        message = bounds.plan_count_error(Plan.objects.count())
        if message:
            raise ValidationError({"__all__": [message]})
        plan = Plan()
        errors: Errors = {}
        _apply(plan, plan, PLAN_RULES, data, errors)
        if plan.status != PlanStatus.DRAFT:
            _add(errors, "status", _("En ny plan begynner som utkast."))
        _clean_fields(plan, PLAN_FIELDS, errors)
        _check_plan_frame(plan, errors)
        _raise_if(errors)
        _save(plan)
        _check_text_limit(plan)
        history.record_created(plan, user)
        return plan


def update_plan(
    plan: Plan, user: AbstractBaseUser, data: Data, *, version: int | None, check_parts: bool = True
) -> Plan:
    """Change a plan's frame, texts or status (not approval: see approve_plan).

    `check_parts=False` skips checking the parts against a changed period: only for
    `blueprints.move_plan_start`, which checks the moved parts itself before and after.
    """
    with transaction.atomic():
        current = _lock_current(plan, version)
        before = history.snapshot(current)
        old_status = current.status
        errors: Errors = {}
        _apply(current, current, PLAN_RULES, data, errors)
        _clean_fields(current, PLAN_FIELDS, errors)
        _check_status_change(old_status, current.status, errors)
        _check_plan_frame(current, errors, parts=check_parts)
        _raise_if(errors)
        if current.status == PlanStatus.DRAFT and old_status != PlanStatus.DRAFT:
            current.approved_on, current.approved_by = None, ""  # re-opened: approve again
        current.version += 1
        _save(current)
        _check_text_limit(current)
        history.record_updated(current, user, before)
        return current


def delete_plan(plan: Plan, user: AbstractBaseUser) -> None:
    with transaction.atomic():
        _delete_recorded(_lock_plan(plan), user)


def approve_plan(
    plan: Plan,
    user: AbstractBaseUser,
    *,
    approved_on: datetime.date | None = None,
    approved_by: str = "",
    version: int | None = None,
) -> Plan:
    """The project leader records that the plan is approved (by whom, on which date)."""
    if not _is_leader(user):
        raise PermissionDenied(_("Bare prosjektleder kan godkjenne planen."))
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if version is not None and current.version != version:
            raise StaleVersion(current)
        before = history.snapshot(current)
        errors: Errors = {}
        if current.status != PlanStatus.DRAFT:
            _add(
                errors,
                "status",
                _("Bare et utkast kan godkjennes; planen har status «%(status)s».")
                % {"status": current.get_status_display()},
            )
        current.approved_on = approved_on or timezone.localdate()
        current.approved_by = (approved_by or "").strip() or _display_name(user)
        current.status = PlanStatus.APPROVED
        _clean_fields(current, {"approved_on", "approved_by"}, errors)
        if isinstance(current.approved_on, datetime.date) and not bounds.in_year_window(
            current.approved_on
        ):
            _add(errors, "approved_on", bounds.year_window_message())
        _raise_if(errors)
        current.version += 1
        _save(current)
        history.record_updated(current, user, before)
        return current


# Phases -------------------------------------------------------------------------------


def _check_phase(plan: Plan, phase: Phase, errors: Errors) -> None:
    _end_not_before_start(phase, "start", "end", errors, _("Slutt kan ikke være før start."))


def _one_current_phase(plan: Plan, phase: Phase, user: AbstractBaseUser) -> None:
    if not phase.is_current:
        return
    # Unset the others first: the partial unique constraint allows one current phase.
    for other in plan.phases.select_for_update().filter(is_current=True).exclude(pk=phase.pk):
        before = history.snapshot(other)
        other.is_current = False
        other.version += 1
        _save(other)
        history.record_updated(other, user, before)


PHASE_RULES = Rules(
    Phase,
    frozenset({"order", "name", "description", "start", "end", "is_current"}),
    check=_check_phase,
    before_save=_one_current_phase,
)


def create_phase(plan: Plan, user: AbstractBaseUser, data: Data) -> Phase:
    """A phase; made current, it takes over from the phase that was."""
    return _create(plan, PHASE_RULES, data, user)


def update_phase(phase: Phase, user: AbstractBaseUser, data: Data, *, version: int | None) -> Phase:
    return _update(phase, PHASE_RULES, data, version, user)


def delete_phase(phase: Phase, user: AbstractBaseUser) -> None:
    _delete(phase, user)


# Goals and measures -------------------------------------------------------------------


def _check_goal(plan: Plan, goal: Goal, errors: Errors) -> None:
    if errors.get("parent") or goal.parent is None or not goal.pk:
        return
    ancestor: Goal | None = goal.parent
    seen: set[int] = set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == goal.pk:
            _add(errors, "parent", _("Et mål kan ikke ligge under seg selv eller sine undermål."))
            return
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


GOAL_RULES = Rules(
    Goal,
    frozenset({"level", "text", "due", "baseline", "target", "current", "unit", "period"}),
    relations={"parent": Goal},
    check=_check_goal,
)
MEASURE_RULES = Rules(Measure, frozenset({"text", "responsible"}), many={"goals": Goal})


def create_goal(plan: Plan, user: AbstractBaseUser, data: Data) -> Goal:
    return _create(plan, GOAL_RULES, data, user)


def update_goal(goal: Goal, user: AbstractBaseUser, data: Data, *, version: int | None) -> Goal:
    return _update(goal, GOAL_RULES, data, version, user)


def delete_goal(goal: Goal, user: AbstractBaseUser) -> None:
    """Delete a goal that has no sub-goals (they would lose their place in the tree)."""
    with transaction.atomic():
        _lock_plan(goal.plan)
        if goal.children.exists():
            raise ValidationError(
                {"__all__": [_("Målet har undermål. Flytt eller slett dem først.")]}
            )
        _delete_recorded(goal, user)


def create_measure(plan: Plan, user: AbstractBaseUser, data: Data) -> Measure:
    return _create(plan, MEASURE_RULES, data, user)


def update_measure(
    measure: Measure, user: AbstractBaseUser, data: Data, *, version: int | None
) -> Measure:
    return _update(measure, MEASURE_RULES, data, version, user)


def delete_measure(measure: Measure, user: AbstractBaseUser) -> None:
    _delete(measure, user)


# Milestones, decision points, activities ----------------------------------------------


def _check_milestone(plan: Plan, milestone: Milestone, errors: Errors) -> None:
    _code_taken(plan, milestone, errors)  # its dates: bounds.DATE_BOUNDS, in _validate
    if milestone.status == MilestoneStatus.DONE and milestone.done_on is None:
        milestone.done_on = timezone.localdate()


MILESTONE_RULES = Rules(
    Milestone,
    frozenset(
        {"code", "title", "due", "criterion", "status", "done_on", "evidence", "responsible"}
    ),
    check=_check_milestone,
)
DECISION_POINT_RULES = Rules(
    DecisionPoint,
    frozenset({"code", "title", "due", "basis", "decision", "decided_on", "decided_by"}),
    check=lambda plan, obj, errors: _code_taken(plan, obj, errors),
)


def _first_of_month(value: Any) -> Any:
    return value.replace(day=1) if isinstance(value, datetime.date) else value


def _check_activity(plan: Plan, activity: Activity, errors: Errors) -> None:
    _code_taken(plan, activity, errors)
    activity.start_month = _first_of_month(activity.start_month)
    activity.end_month = _first_of_month(activity.end_month)
    _end_not_before_start(
        activity,
        "start_month",
        "end_month",
        errors,
        _("Siste måned kan ikke være før første måned."),
    )


ACTIVITY_RULES = Rules(
    Activity,
    frozenset(
        {"code", "name", "purpose", "tasks", "result", "start_month", "end_month"}
        | {"responsible", "status"}
    ),
    many={"milestones": Milestone},
    check=_check_activity,
)


def create_milestone(plan: Plan, user: AbstractBaseUser, data: Data) -> Milestone:
    return _create(plan, MILESTONE_RULES, data, user)


def update_milestone(
    milestone: Milestone, user: AbstractBaseUser, data: Data, *, version: int | None
) -> Milestone:
    return _update(milestone, MILESTONE_RULES, data, version, user)


def delete_milestone(milestone: Milestone, user: AbstractBaseUser) -> None:
    _delete(milestone, user)


def create_decision_point(plan: Plan, user: AbstractBaseUser, data: Data) -> DecisionPoint:
    return _create(plan, DECISION_POINT_RULES, data, user)


def update_decision_point(
    point: DecisionPoint, user: AbstractBaseUser, data: Data, *, version: int | None
) -> DecisionPoint:
    return _update(point, DECISION_POINT_RULES, data, version, user)


def delete_decision_point(point: DecisionPoint, user: AbstractBaseUser) -> None:
    _delete(point, user)


def create_activity(plan: Plan, user: AbstractBaseUser, data: Data) -> Activity:
    return _create(plan, ACTIVITY_RULES, data, user)


def update_activity(
    activity: Activity, user: AbstractBaseUser, data: Data, *, version: int | None
) -> Activity:
    return _update(activity, ACTIVITY_RULES, data, version, user)


def delete_activity(activity: Activity, user: AbstractBaseUser) -> None:
    _delete(activity, user)


# Risks, success factors, budget -------------------------------------------------------

RISK_RULES = Rules(
    Risk, frozenset({"title", "likelihood", "consequence", "measure", "owner", "status"})
)
SUCCESS_FACTOR_RULES = Rules(
    SuccessFactor,
    frozenset({"priority", "text", "measure"}),
    many={"risks": Risk},
    arrays={"sub_points": (500, 30)},
)
BUDGET_LINE_RULES = Rules(BudgetLine, frozenset({"kind", "label", "amount", "period", "settled"}))


def create_risk(plan: Plan, user: AbstractBaseUser, data: Data) -> Risk:
    return _create(plan, RISK_RULES, data, user)


def update_risk(risk: Risk, user: AbstractBaseUser, data: Data, *, version: int | None) -> Risk:
    return _update(risk, RISK_RULES, data, version, user)


def delete_risk(risk: Risk, user: AbstractBaseUser) -> None:
    _delete(risk, user)


def create_success_factor(plan: Plan, user: AbstractBaseUser, data: Data) -> SuccessFactor:
    return _create(plan, SUCCESS_FACTOR_RULES, data, user)


def update_success_factor(
    factor: SuccessFactor, user: AbstractBaseUser, data: Data, *, version: int | None
) -> SuccessFactor:
    return _update(factor, SUCCESS_FACTOR_RULES, data, version, user)


def delete_success_factor(factor: SuccessFactor, user: AbstractBaseUser) -> None:
    _delete(factor, user)


def create_budget_line(plan: Plan, user: AbstractBaseUser, data: Data) -> BudgetLine:
    return _create(plan, BUDGET_LINE_RULES, data, user)


def update_budget_line(
    line: BudgetLine, user: AbstractBaseUser, data: Data, *, version: int | None
) -> BudgetLine:
    return _update(line, BUDGET_LINE_RULES, data, version, user)


def delete_budget_line(line: BudgetLine, user: AbstractBaseUser) -> None:
    _delete(line, user)


def budget_totals(plan: Plan) -> dict[str, Decimal]:
    """Sums per kind, and how much funding and grants are not yet settled."""
    sums = plan.budget_lines.aggregate(
        cost=Sum("amount", filter=Q(kind=BudgetKind.COST)),
        funding=Sum("amount", filter=Q(kind=BudgetKind.FUNDING)),
        grant=Sum("amount", filter=Q(kind=BudgetKind.GRANT)),
        unsettled=Sum("amount", filter=~Q(kind=BudgetKind.COST) & Q(settled=False)),
    )
    return {key: value or Decimal("0.00") for key, value in sums.items()}


# Organisation: bodies with their members ----------------------------------------------

BODY_RULES = Rules(Body, frozenset({"kind", "name", "mandate", "order"}))
MEMBER_FIELDS = ("name", "title", "unit", "role", "user_id")


def _prepare_members(body: Body, members: list[Data], errors: Errors) -> list[BodyMember]:
    """The body's member rows after the change (unsaved), matched to existing rows by id."""
    if not isinstance(members, list | tuple):
        _add(errors, "members", _("Medlemmene må være en liste."))
        return []
    too_many = bounds.members_error(len(members))
    if too_many:
        _add(errors, "members", too_many)
        return []
    existing = {m.pk: m for m in body.members.all()} if body.pk else {}
    user_ids = {m.get("user_id") for m in members if isinstance(m, Mapping)} - {None, ""}
    known_users = set(
        MunicipalityMembership.objects.active()
        .filter(municipality_id=connection.tenant.pk, user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )
    rows = []
    for number, item in enumerate(members, start=1):
        prefix = _("Medlem %(number)d") % {"number": number}
        if not isinstance(item, Mapping):
            _add(errors, "members", f"{prefix}: {_('må ha navn, stilling, enhet og rolle.')}")
            continue
        member_id = item.get("id")
        if member_id is not None:
            row = existing.pop(member_id, None)
            if row is None:
                _add(errors, "members", f"{prefix}: {_('finnes ikke i denne gruppen.')}")
                continue
        else:
            row = BodyMember(body=body)
        for name in MEMBER_FIELDS:
            if name in item:
                value = item[name]
                setattr(row, name, value.strip() if isinstance(value, str) else value)
        row.order = number
        if row.user_id is not None and row.user_id not in known_users:
            _add(
                errors,
                "members",
                f"{prefix}: {_('brukeren er ikke medlem av kommunen.')}",
            )
        member_errors: Errors = {}
        _clean_fields(row, {"name", "title", "unit", "role", "user_id"}, member_errors)
        for name, messages in member_errors.items():
            label = BodyMember._meta.get_field(name).verbose_name
            for message in messages:
                _add(errors, "members", f"{prefix}, {label}: {message}")
        rows.append(row)
    return rows


def _write_body(plan: Plan, body: Body, data: Data, user: AbstractBaseUser) -> Body:
    """Save a body and its members; record the change (members are part of the body)."""
    before = history.snapshot(body) if body.pk else None
    data = dict(data)
    members = data.pop("members", None)
    errors: Errors = {}
    _apply(plan, body, BODY_RULES, data, errors)
    _clean_fields(body, BODY_RULES.fields, errors)
    rows = _prepare_members(body, members, errors) if members is not None else None
    _raise_if(errors)
    if before is not None:
        body.version += 1
    _save(body)
    if rows is not None:
        keep = [row.pk for row in rows if row.pk]
        body.members.exclude(pk__in=keep).delete()
        for row in rows:
            row.body = body
            if row.pk:
                row.version += 1
            _save(row)
    _check_text_limit(plan)
    if before is None:
        history.record_created(body, user)
    else:
        history.record_updated(body, user, before)
    return body


def create_body(plan: Plan, user: AbstractBaseUser, data: Data) -> Body:
    """A body and its members (`members`: list of dicts), in one transaction."""
    with transaction.atomic():
        plan = _lock_plan(plan)
        _check_row_limit(plan, Body)
        return _write_body(plan, Body(plan=plan), data, user)


def update_body(body: Body, user: AbstractBaseUser, data: Data, *, version: int | None) -> Body:
    """Change a body; given `members`, they become its members (rows matched by `id`)."""
    with transaction.atomic():
        plan = _lock_plan(body.plan)
        current = _lock_current(body, version)
        current.plan = plan
        return _write_body(plan, current, data, user)


def delete_body(body: Body, user: AbstractBaseUser) -> None:
    _delete(body, user)


# Meetings -----------------------------------------------------------------------------


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


def _clean_actions(actions: Any, errors: Errors) -> list[dict[str, Any]]:
    """Minutes' actions as [{text, owner, due (ISO date or null), done}]."""
    if not isinstance(actions, list | tuple):
        _add(errors, "actions", _("Oppfølgingspunktene må være en liste."))
        return []
    too_many = bounds.actions_error(len(actions))
    if too_many:
        _add(errors, "actions", too_many)
        return []
    cleaned = []
    for number, item in enumerate(actions, start=1):
        prefix = _("Punkt %(number)d") % {"number": number}
        if not isinstance(item, Mapping):
            _add(errors, "actions", f"{prefix}: {_('må ha tekst, ansvarlig og frist.')}")
            continue
        text = str(item.get("text") or "").strip()
        owner = str(item.get("owner") or "").strip()
        due, due_ok = _action_due(item.get("due"))
        if not text:
            _add(errors, "actions", f"{prefix}: {_('teksten kan ikke være tom.')}")
        elif len(text) > TEXT_LIMIT:
            _add(
                errors,
                "actions",
                f"{prefix}: " + _("teksten kan være høyst %(limit)d tegn.") % {"limit": TEXT_LIMIT},
            )
        if len(owner) > NAME_LIMIT:
            _add(
                errors,
                "actions",
                f"{prefix}: "
                + _("ansvarlig kan være høyst %(limit)d tegn.") % {"limit": NAME_LIMIT},
            )
        if not due_ok:
            _add(errors, "actions", f"{prefix}: {_('fristen må være en dato (ÅÅÅÅ-MM-DD).')}")
        elif due is not None and not bounds.in_year_window(due):
            _add(errors, "actions", f"{prefix}: {bounds.year_window_message()}")
        if contains_national_id(text) or contains_national_id(owner):
            _add(errors, "actions", f"{prefix}: {NATIONAL_ID_MESSAGE}")
        if contains_control_characters(text) or contains_control_characters(owner):
            _add(errors, "actions", f"{prefix}: {CONTROL_MESSAGE}")
        cleaned.append(
            {
                "text": text,
                "owner": owner,
                "due": due.isoformat() if due else None,
                "done": bool(item.get("done", False)),
            }
        )
    return cleaned


def _check_meeting(plan: Plan, meeting: Meeting, errors: Errors) -> None:
    if meeting.series and meeting.body is None:
        meeting.body = meeting.series.body


MEETING_SERIES_RULES = Rules(
    MeetingSeries,
    frozenset({"name", "frequency", "agenda", "participants"}),
    relations={"body": Body},
)
MEETING_RULES = Rules(
    Meeting,
    frozenset({"title", "held_on", "agenda", "notes"}),
    relations={"series": MeetingSeries, "body": Body},
    cleaners={"actions": _clean_actions},
    arrays={"attendees": (NAME_LIMIT, 100), "decisions": (TEXT_LIMIT, 100)},
    check=_check_meeting,
)


def create_meeting_series(plan: Plan, user: AbstractBaseUser, data: Data) -> MeetingSeries:
    return _create(plan, MEETING_SERIES_RULES, data, user)


def update_meeting_series(
    series: MeetingSeries, user: AbstractBaseUser, data: Data, *, version: int | None
) -> MeetingSeries:
    return _update(series, MEETING_SERIES_RULES, data, version, user)


def delete_meeting_series(series: MeetingSeries, user: AbstractBaseUser) -> None:
    _delete(series, user)


def create_meeting(plan: Plan, user: AbstractBaseUser, data: Data) -> Meeting:
    """A held meeting with its minutes (`actions`: list of {text, owner, due, done})."""
    return _create(plan, MEETING_RULES, data, user)


def update_meeting(
    meeting: Meeting, user: AbstractBaseUser, data: Data, *, version: int | None
) -> Meeting:
    return _update(meeting, MEETING_RULES, data, version, user)


def delete_meeting(meeting: Meeting, user: AbstractBaseUser) -> None:
    _delete(meeting, user)


# Status reports -----------------------------------------------------------------------


def _check_report(plan: Plan, report: StatusReport, errors: Errors) -> None:
    if report.is_submitted:
        _add(errors, "__all__", _("Rapporten er sendt inn og kan ikke endres."))


REPORT_RULES = Rules(
    StatusReport,
    frozenset({"kind", "date", "summary", "economy", "risks"}),
    check=_check_report,
)


def create_status_report(plan: Plan, user: AbstractBaseUser, data: Data) -> StatusReport:
    """A report draft; it is frozen by submit_status_report."""
    return _create(plan, REPORT_RULES, data, user)


def update_status_report(
    report: StatusReport, user: AbstractBaseUser, data: Data, *, version: int | None
) -> StatusReport:
    return _update(report, REPORT_RULES, data, version, user)


def delete_status_report(report: StatusReport, user: AbstractBaseUser) -> None:
    with transaction.atomic():
        _lock_plan(report.plan)
        current = StatusReport.objects.select_for_update().get(pk=report.pk)
        if current.is_submitted:
            raise ValidationError({"__all__": [_("Rapporten er sendt inn og kan ikke slettes.")]})
        _delete_recorded(current, user)


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's state as a report freezes it: milestones, decisions, economy, risks."""
    current_phase = plan.phases.filter(is_current=True).values_list("name", flat=True).first()
    totals = budget_totals(plan)
    return {
        "taken_at": timezone.now().isoformat(),
        "plan": {
            "title": plan.title,
            "status": plan.status,
            "start": plan.start.isoformat(),
            "end": plan.end.isoformat(),
            "current_phase": current_phase,
        },
        "milestones": [
            {
                "code": m.code,
                "title": m.title,
                "due": m.due.isoformat(),
                "status": m.status,
                "status_display": str(m.get_status_display()),
                "done_on": m.done_on.isoformat() if m.done_on else None,
            }
            for m in plan.milestones.order_by("due", "code", "id")
        ],
        "decision_points": [
            {
                "code": d.code,
                "title": d.title,
                "due": d.due.isoformat(),
                "decided_on": d.decided_on.isoformat() if d.decided_on else None,
            }
            for d in plan.decision_points.order_by("due", "code", "id")
        ],
        "budget": {key: str(value) for key, value in totals.items()},
        "risks": [
            {
                "title": r.title,
                "likelihood": r.likelihood,
                "consequence": r.consequence,
                "score": r.score,
                "status": r.status,
            }
            for r in plan.risks.order_by("-score", "id")
        ],
    }


def submit_status_report(
    report: StatusReport, user: AbstractBaseUser, *, version: int | None = None
) -> StatusReport:
    """The project leader submits the report: its snapshot is frozen, it cannot change."""
    if not _is_leader(user):
        raise PermissionDenied(_("Bare prosjektleder kan sende inn rapporter."))
    with transaction.atomic():
        plan = _lock_plan(report.plan)
        current = StatusReport.objects.select_for_update().get(pk=report.pk)
        if version is not None and current.version != version:
            raise StaleVersion(current)
        if current.is_submitted:
            raise ValidationError({"__all__": [_("Rapporten er allerede sendt inn.")]})
        before = history.snapshot(current)
        current.snapshot = plan_snapshot(plan)
        current.submitted_at = timezone.now()
        current.submitted_by = _display_name(user)
        current.version += 1
        _save(current)
        history.record_updated(current, user, before)
        return current


# History: bringing back what was deleted ------------------------------------------------

RULES_BY_TYPE: dict[str, Rules] = {
    rules.model._meta.model_name: rules  # type: ignore[misc]
    for rules in (
        PHASE_RULES, GOAL_RULES, MEASURE_RULES, MILESTONE_RULES, DECISION_POINT_RULES,
        ACTIVITY_RULES, RISK_RULES, SUCCESS_FACTOR_RULES, BUDGET_LINE_RULES,
        MEETING_SERIES_RULES, MEETING_RULES, REPORT_RULES,
    )
}  # fmt: skip


def _row_from_snapshot(plan: Plan, model: type[Versioned], before: Mapping[str, Any]) -> Any:
    """An unsaved row with the snapshot's values; links to rows gone since are cleared."""
    obj = model(plan=plan)  # type: ignore[misc]
    for f in model._meta.concrete_fields:
        if f.name in history.NOT_RECORDED or f.generated or f.name == "plan":
            continue
        if f.attname in before:
            setattr(obj, f.attname, f.to_python(before[f.attname]))
        target = getattr(obj, f.attname, None)
        if f.is_relation and target is not None:
            related = f.related_model._default_manager  # type: ignore[union-attr]
            if not related.filter(plan=plan, pk=target).exists():
                setattr(obj, f.attname, None)
    obj.version = int(before.get("version") or 0) + 1
    return obj


def restore_deleted(plan: Plan, user: AbstractBaseUser, change_id: Any) -> Versioned:
    """Bring a deleted part back as it was, with its links to rows that still exist.

    `change_id` names the deletion in the plan's history. The plan's rules apply as for a
    new row: a code taken since, or a date now outside the plan's period, refuses it.
    """
    with transaction.atomic():
        plan = _lock_plan(plan)
        try:
            change = history.deleted_parts(plan).filter(pk=int(change_id)).first()
        except (TypeError, ValueError):
            change = None
        if change is None:
            raise ValidationError(
                {"change": [_("Fant ingen slettet del av planen med denne endringen.")]}
            )
        rules = RULES_BY_TYPE[change.object_type]
        if rules.model._default_manager.filter(pk=change.object_id).exists():
            raise ValidationError({"change": [_("Denne delen er allerede gjenopprettet.")]})
        _check_row_limit(plan, rules.model)
        before = change.before or {}
        obj = _row_from_snapshot(plan, rules.model, before)
        _validate(plan, obj, rules, {})
        if rules.before_save is not None:
            rules.before_save(plan, obj, user)
        _save(obj)
        _check_text_limit(plan)
        for name in history.many_to_many_names(rules.model):
            related = rules.model._meta.get_field(name).related_model
            ids = before.get(name) or []
            getattr(obj, name).set(related._default_manager.filter(plan=plan, pk__in=ids))  # type: ignore[union-attr]
        history.record(obj, user, ChangeAction.RESTORE, after=history.snapshot(obj))
        return obj
