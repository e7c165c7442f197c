"""The write engine every plan service uses: rules, locks, validation, save, history.

A service checks the plan's rules and raises django's ValidationError with Norwegian
messages keyed by field, so that nothing is written when anything is wrong. Updates name
the `version` they edited; a stale one raises StaleVersion carrying the current row.
Writes to a plan's parts lock the plan row first, so two saves in one plan are serialised
and rules such as "a code once per plan" hold without races. A database constraint the
engine knows by name becomes a field error; any other IntegrityError is a server error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from samla.accounts.access import active_membership
from samla.accounts.models import MunicipalityRole
from tenants.models import Municipality
from tenants.plans import bounds, history
from tenants.plans.models import ChangeAction, Plan, Versioned
from tenants.plans.validators import (
    CONTROL_MESSAGE,
    NATIONAL_ID_MESSAGE,
    contains_control_characters,
    contains_national_id,
)

logger = logging.getLogger(__name__)

Data = Mapping[str, Any]
Errors = dict[str, list[str]]
V = TypeVar("V", bound=Versioned)


class StaleVersion(Exception):
    """The object was changed by someone else since the version the caller edited."""

    def __init__(self, current: Versioned) -> None:
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current

    def current_as(self, model: type[V]) -> V:
        """The current row, as the model the caller saved."""
        if not isinstance(self.current, model):
            raise TypeError(f"{self.current!r} is not a {model.__name__}")
        return self.current


def stale_message() -> str:
    return _(
        "Noen andre har endret dette mens du redigerte. Se den gjeldende versjonen "
        "og gjør endringen din på nytt."
    )


# Errors -------------------------------------------------------------------------------


def add_error(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(str(message))


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def clean_list(
    values: Any, name: str, item_limit: int, max_items: int, errors: Errors
) -> list[str]:
    """A list of short texts: trimmed, empty ones dropped, each within its limit."""
    if not isinstance(values, list | tuple):
        add_error(errors, name, _("Må være en liste med tekster."))
        return []
    cleaned = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if len(cleaned) > max_items:
        add_error(errors, name, _("Høyst %(count)d elementer er tillatt.") % {"count": max_items})
    for number, text in enumerate(cleaned, start=1):
        if len(text) > item_limit:
            add_error(
                errors,
                name,
                _("Element %(number)d kan være høyst %(limit)d tegn (det har %(length)d).")
                % {"number": number, "limit": item_limit, "length": len(text)},
            )
        if contains_national_id(text):
            add_error(errors, name, str(NATIONAL_ID_MESSAGE))
        if contains_control_characters(text):
            add_error(errors, name, str(CONTROL_MESSAGE))
    return cleaned


# Rules --------------------------------------------------------------------------------


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


def names(spaced: str) -> frozenset[str]:
    """Field names written as one string, separated by spaces: `names("code title due")`."""
    return frozenset(spaced.split())


def verbose_name_of(model: type[models.Model], name: str) -> str:
    """The field's verbose name, or `name` when the model has no such field of its own."""
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(found.verbose_name) if isinstance(found, models.Field) else name


def label_of(model: type[models.Model], name: str) -> str:
    """The field's label as forms and the API show it ("Overordnet mål")."""
    return capfirst(verbose_name_of(model, name))


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
        # Every part has `plan_id`; `type[Model]` cannot say so.
        if isinstance(value, target) and value.plan_id == plan.pk:  # type: ignore[attr-defined]
            return value
        add_error(errors, name, _missing_message(label_of(owner, name), [value.pk]))
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        add_error(errors, name, _("Oppgi en id (et heltall)."))
        return None
    found = target._default_manager.filter(plan=plan, pk=pk).first()
    if found is None:
        add_error(errors, name, _missing_message(label_of(owner, name), [pk]))
    return found


def _resolve_many(
    plan: Plan, owner: type[models.Model], name: str, target: type[models.Model], values: Any,
    errors: Errors,
) -> list[models.Model]:  # fmt: skip
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple | set):
        add_error(errors, name, _("Må være en liste med id-er."))
        return []
    try:
        ids = [v.pk if isinstance(v, models.Model) else int(v) for v in values]
    except (TypeError, ValueError):
        add_error(errors, name, _("Må være en liste med id-er (heltall)."))
        return []
    found = list(target._default_manager.filter(plan=plan, pk__in=ids))
    missing = sorted(set(ids) - {row.pk for row in found})
    if missing:
        add_error(errors, name, _missing_message(label_of(owner, name), missing))
    return found


def apply(
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
            setattr(obj, name, clean_list(value, name, limit, max_items, errors))
        elif name in rules.cleaners:
            setattr(obj, name, rules.cleaners[name](value, errors))
        else:
            setattr(obj, name, value.strip() if isinstance(value, str) else value)
    return many


def clean_fields(obj: models.Model, names: Iterable[str], errors: Errors) -> None:
    """Django's field validation (required, lengths, choices, ranges, no identity numbers)."""
    names = set(names)
    exclude = {f.name for f in obj._meta.fields if f.name not in names}
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                add_error(errors, name, message)


def validate(plan: Plan, obj: Versioned, rules: Rules, errors: Errors) -> None:
    clean_fields(obj, rules.fields, errors)
    if rules.check is not None:
        rules.check(plan, obj, errors)
    for name, messages in bounds.part_date_errors(plan, obj, skip=errors).items():
        for message in messages:
            add_error(errors, name, message)
    raise_if(errors)


def check_text_limit(plan: Plan) -> None:
    """After a write, in its transaction: refuse it if the plan's text is now over its limit
    (raising rolls the write back; the plan row lock keeps two writes from passing together).
    """
    message = bounds.text_limit_error(plan)
    if message:
        raise ValidationError({"__all__": [message]})


def check_row_limit(plan: Plan, model: type[models.Model]) -> None:
    """Refuse one more row of `model` past its limit (call with the plan row locked)."""
    message = bounds.row_limit_error(plan, model)
    if message:
        raise ValidationError({"__all__": [message]})


# Saving -------------------------------------------------------------------------------

# Constraint backstops, by the constraint's name: a race the plan lock did not prevent
# still ends as a field error. Any other IntegrityError (a NOT NULL column after a bad
# deploy, a constraint added without a line here) is a server error, never a 400.
CONSTRAINT_FIELDS = {
    "plans_milestone_code_per_plan": "code",
    "plans_decision_point_code_per_plan": "code",
    "plans_activity_code_per_plan": "code",
    "plans_one_current_phase": "is_current",
}


def constraint_name(exc: IntegrityError) -> str | None:
    """The violated constraint's name, as PostgreSQL reports it (psycopg 3's `diag`)."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def save(obj: models.Model) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        name = constraint_name(exc)
        if name not in CONSTRAINT_FIELDS:
            logger.error(
                "Unexpected integrity error saving %s (constraint %s)",
                type(obj).__name__,
                name,
                exc_info=exc,
            )
            raise
        raise ValidationError(
            {
                CONSTRAINT_FIELDS[name]: [
                    _("Endringen bryter en regel for planen og ble ikke lagret.")
                ]
            }
        ) from exc


def lock_plan(tenant: Municipality, plan: Plan) -> Plan:
    # Every write to a plan's parts locks the plan first: so the roll-up hooks in here, and
    # refreshes the municipality's progress figures when the write commits (networks.refresh).
    from networks.refresh import progress_changed

    progress_changed(tenant)
    return Plan.objects.select_for_update().get(pk=plan.pk)


def lock_current(obj: V, version: int | None) -> V:
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if version is None:
        raise ValidationError({"version": [_("Oppgi versjonen du har endret (feltet «version»).")]})
    if current.version != version:
        raise StaleVersion(current)
    return current


@contextmanager
def new_row(tenant: Municipality, plan: Plan, model: type[models.Model]) -> Iterator[Plan]:
    """The transaction a new row is written in: the plan locked, its row limit checked."""
    with transaction.atomic():
        plan = lock_plan(tenant, plan)
        check_row_limit(plan, model)
        yield plan


@contextmanager
def current_row(tenant: Municipality, obj: V, version: int | None) -> Iterator[tuple[Plan, V]]:
    """The transaction a change is written in: the plan locked, then the row as it now
    is, if `version` is still the current one (StaleVersion otherwise)."""
    with transaction.atomic():
        # Every part has `plan`; Versioned, the type the rules know, does not.
        plan = lock_plan(tenant, obj.plan)  # type: ignore[attr-defined]
        current = lock_current(obj, version)
        current.plan = plan  # type: ignore[attr-defined]
        yield plan, current


def as_list(
    value: Any, name: str, not_a_list: str, too_many: Callable[[int], str | None], errors: Errors
) -> list[Any]:
    """`value` as a list, or an error under `name` (not a list, or too many items)."""
    if not isinstance(value, list | tuple):
        add_error(errors, name, not_a_list)
        return []
    refused = too_many(len(value))
    if refused:
        add_error(errors, name, refused)
        return []
    return list(value)


def numbered_mappings(
    items: list[Any], name: str, label: str, shape: str, errors: Errors
) -> Iterator[tuple[int, str, Mapping[str, Any]]]:
    """Each item that is a mapping, numbered from 1 and labelled (`label` names the number:
    "Medlem 2"); any other item is an error under `name`, saying what it should hold."""
    for number, item in enumerate(items, start=1):
        prefix = label % {"number": number}
        if isinstance(item, Mapping):
            yield number, prefix, item
        else:
            add_error(errors, name, f"{prefix}: {shape}")


def create_row(
    tenant: Municipality, plan: Plan, rules: Rules, data: Data, user: AbstractBaseUser
) -> Any:
    """A new row of a part under `rules`, checked, saved and recorded in one transaction."""
    with new_row(tenant, plan, rules.model) as plan:
        obj = rules.model(plan=plan)  # type: ignore[misc]  # every part has `plan`; Versioned not
        errors: Errors = {}
        many = apply(plan, obj, rules, data, errors)
        validate(plan, obj, rules, errors)
        if rules.before_save is not None:
            rules.before_save(plan, obj, user)
        save(obj)
        for name, rows in many.items():
            getattr(obj, name).set(rows)
        check_text_limit(plan)
        history.record_created(obj, user)
        return obj


def update_row(
    tenant: Municipality,
    obj: V,
    rules: Rules,
    data: Data,
    version: int | None,
    user: AbstractBaseUser,
) -> V:
    """Change a row of a part under `rules`, if `version` is still the current one."""
    with current_row(tenant, obj, version) as (plan, current):
        before = history.snapshot(current)
        errors: Errors = {}
        many = apply(plan, current, rules, data, errors)
        validate(plan, current, rules, errors)
        if rules.before_save is not None:
            rules.before_save(plan, current, user)
        current.version += 1
        save(current)
        for name, rows in many.items():
            getattr(current, name).set(rows)
        check_text_limit(plan)
        if any(f.generated for f in current._meta.fields):
            current.refresh_from_db(fields=[f.name for f in current._meta.fields if f.generated])
        history.record_updated(current, user, before)
        return current


def delete_row(tenant: Municipality, obj: Versioned, user: AbstractBaseUser) -> None:
    with transaction.atomic():
        lock_plan(tenant, obj.plan)  # type: ignore[attr-defined]  # every part has `plan`
        delete_recorded(obj, user)


def delete_recorded(obj: models.Model, user: AbstractBaseUser) -> None:
    history.record(obj, user, ChangeAction.DELETE, before=history.snapshot(obj))
    obj.delete()


# Checks several parts share -----------------------------------------------------------


def code_taken(plan: Plan, obj: Any, errors: Errors) -> None:
    if errors.get("code") or not obj.code:
        return
    others = type(obj)._default_manager.filter(plan=plan, code__iexact=obj.code)
    if obj.pk:
        others = others.exclude(pk=obj.pk)
    if others.exists():
        add_error(
            errors,
            "code",
            _("Nummeret «%(code)s» er allerede brukt i denne planen.") % {"code": obj.code},
        )


def end_not_before_start(obj: Any, start: str, end: str, errors: Errors, message: str) -> None:
    first, last = getattr(obj, start), getattr(obj, end)
    if errors.get(start) or errors.get(end) or first is None or last is None:
        return
    if last < first:
        add_error(errors, end, message)


# Who may do what ----------------------------------------------------------------------


def is_leader(tenant: Municipality, user: AbstractBaseUser) -> bool:
    """Whether the user leads the municipality's plans (a current leader membership)."""
    membership = active_membership(user, tenant)
    return membership is not None and membership.role == MunicipalityRole.LEADER


def require_leader(tenant: Municipality, user: AbstractBaseUser, message: str) -> None:
    """The one check behind "only the project leader may …" (approve, submit)."""
    if not is_leader(tenant, user):
        raise PermissionDenied(message)


def display_name(user: AbstractBaseUser) -> str:
    return str(getattr(user, "display_name", "") or user.get_username())
