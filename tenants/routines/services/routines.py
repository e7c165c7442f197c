"""A routine's lifecycle: write a draft, approve it (freezing the version), review, retire.

Every function takes the municipality and the acting user explicitly and writes in one
transaction, with the routine row locked and the `version` the caller edited checked
(StaleVersion, 409, when someone else saved first). Content goes into the routine's
draft version; when the routine has none (it is approved), the first edit starts one,
copied from the version in force. Approving freezes the draft: its content is never
written again, and it becomes the routine's current version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import CollaborationMethod
from networks.refresh import progress_changed
from samla.dates import add_months
from tenants.models import Municipality
from tenants.plans.models import Body, Measure, Milestone
from tenants.plans.services.engine import (
    Errors,
    add_error,
    clean_fields,
    display_name,
    lock_current,
    raise_if,
)
from tenants.routines.models import (
    BTI_LEVELS,
    MAX_REVIEW_INTERVAL_MONTHS,
    MAX_STEPS,
    Routine,
    RoutineReview,
    RoutineStatus,
    RoutineStep,
    RoutineVersion,
)
from tenants.routines.services.common import (
    parse_id,
    read_date,
    require_leader,
    require_writer,
    resolve_unit,
    resolve_units,
)

MAX_ROUTINES = 2_000
# The version's own fields a caller may set, and the routine-level links.
CONTENT_FIELDS = frozenset(
    {"title", "kind", "purpose", "level", "internal_control_area", "review_interval_months",
     "change_note"}
)  # fmt: skip
RELATED_FIELDS = frozenset({"owner_unit", "units", "bti_levels", "methods", "steps"})
LINK_FIELDS = frozenset({"milestones", "measures"})
WRITABLE = CONTENT_FIELDS | RELATED_FIELDS | LINK_FIELDS

# Called after a routine's approval commits (the library publishes shared routines'
# new versions here). Each takes the municipality and the routine's id.
after_approval: list[Callable[[Municipality, int], None]] = []
# Called inside a routine's retirement, in its transaction (the library withdraws a
# retired routine from every network here). Each takes the municipality and the routine.
on_retirement: list[Callable[[Municipality, Routine], None]] = []


# Reading and checking content --------------------------------------------------------


def _bti_levels(value: Any, errors: Errors) -> list[int]:
    if not isinstance(value, list | tuple):
        add_error(errors, "bti_levels", _("Må være en liste med BTI-nivåer (0–3)."))
        return []
    levels: set[int] = set()
    for item in value:
        level = parse_id(item)
        if level is None or level not in BTI_LEVELS:
            add_error(errors, "bti_levels", _("BTI-nivåene er 0, 1, 2 og 3."))
            return []
        levels.add(level)
    return sorted(levels)


def _methods(value: Any, errors: Errors) -> list[str]:
    """Slugs of the shared catalogue of collaboration methods (public schema)."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        add_error(errors, "methods", _("Må være en liste med metodenes kortnavn."))
        return []
    wanted = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if len(wanted) > 30:
        add_error(errors, "methods", _("Høyst 30 metoder er tillatt."))
        return []
    known = set(CollaborationMethod.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    unknown = [slug for slug in wanted if slug not in known]
    if unknown:
        add_error(
            errors,
            "methods",
            _("Ukjent samhandlingsmetode: %(slugs)s.") % {"slugs": ", ".join(unknown)},
        )
    return [slug for slug in wanted if slug in known]


def _steps(value: Any, errors: Errors) -> list[RoutineStep]:
    """Unsaved steps from a list of {action, responsible_unit, timing}, numbered in order."""
    if not isinstance(value, list | tuple):
        add_error(errors, "steps", _("Må være en liste med trinn."))
        return []
    if len(value) > MAX_STEPS:
        add_error(errors, "steps", _("Høyst %(count)d trinn er tillatt.") % {"count": MAX_STEPS})
        return []
    steps: list[RoutineStep] = []
    for number, item in enumerate(value, start=1):
        prefix = _("Trinn %(number)d") % {"number": number}
        if not isinstance(item, Mapping):
            shape = _("oppgi action, responsible_unit og timing.")
            add_error(errors, "steps", f"{prefix}: {shape}")
            continue
        own: Errors = {}
        unit = resolve_unit(item.get("responsible_unit"), "responsible_unit", own, required=False)
        step = RoutineStep(
            order=number,
            action=str(item.get("action") or "").strip(),
            timing=str(item.get("timing") or "").strip(),
        )
        clean_fields(step, {"action", "timing"}, own)
        if unit is None and not own.get("responsible_unit"):
            add_error(own, "responsible_unit", _("Hvert trinn må ha en ansvarlig enhet."))
        for messages in own.values():
            for message in messages:
                add_error(errors, "steps", f"{prefix}: {message}")
        if unit is not None:
            step.responsible_unit = unit
        steps.append(step)
    return steps


def _review_interval(value: Any, errors: Errors) -> int | None:
    months = parse_id(value)
    if months is None or not 1 <= months <= MAX_REVIEW_INTERVAL_MONTHS:
        add_error(
            errors,
            "review_interval_months",
            _("Gjennomgangsintervallet må være et helt antall måneder fra 1 til %(max)d.")
            % {"max": MAX_REVIEW_INTERVAL_MONTHS},
        )
        return None
    return months


def _links(data: Mapping[str, Any], errors: Errors) -> dict[str, list[Any]]:
    """The milestones and measures (of any of the municipality's plans) the routine fulfils."""
    found: dict[str, list[Any]] = {}
    for name, model, label in (
        ("milestones", Milestone, _("Milepæl")),
        ("measures", Measure, _("Tiltak")),
    ):
        if name not in data:
            continue
        values = data[name] or []
        ids = [parse_id(v) for v in values] if isinstance(values, list | tuple) else [None]
        if any(pk is None for pk in ids):
            add_error(errors, name, _("Må være en liste med id-er (heltall)."))
            continue
        rows = list(model._default_manager.filter(pk__in=ids))
        missing = sorted({pk for pk in ids if pk is not None} - {row.pk for row in rows})
        if missing:
            add_error(
                errors,
                name,
                _("%(what)s med id %(ids)s finnes ikke i denne kommunen.")
                % {"what": label, "ids": ", ".join(map(str, missing))},
            )
        found[name] = rows
    return found


def _write_version(version: RoutineVersion, data: Mapping[str, Any], errors: Errors) -> None:
    """Set `data` on the draft version, check it all, then save it with its units and steps.

    Raises ValidationError (nothing saved) when anything is wrong."""
    unknown = set(data) - WRITABLE
    if unknown:
        raise TypeError(f"RoutineVersion cannot change {sorted(unknown)}")
    for name in CONTENT_FIELDS & set(data):
        value = data[name]
        if name == "review_interval_months":
            value = _review_interval(value, errors) or version.review_interval_months
        setattr(version, name, value.strip() if isinstance(value, str) else value)
    if "owner_unit" in data:
        owner = resolve_unit(data["owner_unit"], "owner_unit", errors)
        if owner is not None:
            version.owner_unit = owner
    elif version.owner_unit_id is None:
        add_error(errors, "owner_unit", _("Velg eierenheten."))
    units = resolve_units(data["units"], "units", errors) if "units" in data else None
    if "bti_levels" in data:
        version.bti_levels = _bti_levels(data["bti_levels"], errors)
    if "methods" in data:
        version.methods = _methods(data["methods"], errors)
    steps = _steps(data["steps"], errors) if "steps" in data else None
    clean_fields(version, CONTENT_FIELDS - {"review_interval_months"}, errors)
    raise_if(errors)
    version.save()
    if units is not None:
        version.units.set(units)
    if steps is not None:
        version.steps.all().delete()
        for step in steps:
            step.routine_version = version
        RoutineStep.objects.bulk_create(steps)


def _copy_version(source: RoutineVersion, number: int) -> RoutineVersion:
    """A new draft with the source's content (its units and steps), numbered `number`."""
    copy = RoutineVersion.objects.create(
        routine=source.routine,
        number=number,
        **{name: getattr(source, name) for name in CONTENT_FIELDS - {"change_note"}},
        bti_levels=list(source.bti_levels),
        methods=list(source.methods),
        owner_unit=source.owner_unit,
    )
    copy.units.set(source.units.all())
    RoutineStep.objects.bulk_create(
        RoutineStep(
            routine_version=copy,
            order=step.order,
            action=step.action,
            responsible_unit_id=step.responsible_unit_id,
            timing=step.timing,
        )
        for step in source.steps.all()
    )
    return copy


def _lock(routine: Routine, version: int | None) -> Routine:
    current = lock_current(routine, version)
    return Routine.objects.select_related("current", "draft").get(pk=current.pk)


def _saved(tenant: Municipality, routine: Routine) -> Routine:
    routine.version += 1
    routine.save()
    progress_changed(tenant)
    return routine


# Writing ------------------------------------------------------------------------------


def create_routine(
    tenant: Municipality, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Routine:
    """A new routine, its content as draft version 1."""
    require_writer(tenant, user)
    with transaction.atomic():
        if Routine.objects.count() >= MAX_ROUTINES:
            message = _("Kommunen kan ha høyst %(count)d rutiner.") % {"count": MAX_ROUTINES}
            raise ValidationError({"__all__": [message]})
        errors: Errors = {}
        links = _links(data, errors)
        routine = Routine.objects.create()
        version = RoutineVersion(routine=routine, number=1)
        _write_version(version, {k: v for k, v in data.items() if k not in LINK_FIELDS}, errors)
        routine.draft = version
        routine.save(update_fields=["draft"])
        for name, rows in links.items():
            getattr(routine, name).set(rows)
        progress_changed(tenant)
        return routine


def update_routine(
    tenant: Municipality,
    user: AbstractBaseUser,
    routine: Routine,
    data: Mapping[str, Any],
    *,
    version: int | None,
) -> Routine:
    """Change the routine's draft (starting one from the version in force if there is
    none) and its links to the plans. A retired routine is not changed."""
    require_writer(tenant, user)
    with transaction.atomic():
        routine = _lock(routine, version)
        if routine.status == RoutineStatus.RETIRED:
            raise ValidationError({"__all__": [_("Rutinen er utgått og kan ikke endres.")]})
        errors: Errors = {}
        links = _links(data, errors)
        content = {k: v for k, v in data.items() if k not in LINK_FIELDS}
        if content:
            draft = routine.draft
            if draft is None:
                assert routine.current is not None  # a routine always has one or the other
                top = routine.versions.order_by("-number").values_list("number", flat=True)[0]
                draft = _copy_version(routine.current, top + 1)
                routine.draft = draft
            draft.version += 1
            _write_version(draft, content, errors)
        raise_if(errors)
        for name, rows in links.items():
            getattr(routine, name).set(rows)
        return _saved(tenant, routine)


def approve_routine(
    tenant: Municipality,
    user: AbstractBaseUser,
    routine: Routine,
    *,
    version: int | None,
    approved_on: Any,
    approved_by_body: Any = None,
    approved_by: str = "",
) -> Routine:
    """Approve the draft: it is frozen and becomes the version in force; the next review
    falls due one interval after the approval date."""
    require_leader(tenant, user, _("Bare kommunens leder kan godkjenne rutiner."))
    with transaction.atomic():
        routine = _lock(routine, version)
        draft = routine.draft
        if draft is None:
            raise ValidationError({"__all__": [_("Rutinen har ikke noe utkast å godkjenne.")]})
        errors: Errors = {}
        on = read_date(approved_on, "approved_on", errors)
        approver = (approved_by or "").strip()
        body = None
        if approved_by_body not in (None, ""):
            pk = parse_id(approved_by_body)
            body = Body.objects.filter(pk=pk).first() if pk is not None else None
            if body is None:
                add_error(errors, "approved_by_body", _("Gruppen finnes ikke i denne kommunen."))
            else:
                approver = approver or body.name
        if not approver:
            add_error(
                errors,
                "approved_by",
                _("Oppgi hvilken gruppe eller rolle som godkjente rutinen."),
            )
        if not draft.steps.exists():
            add_error(errors, "steps", _("En rutine må ha minst ett trinn før den godkjennes."))
        draft.approved_by = approver
        clean_fields(draft, {"approved_by"}, errors)
        raise_if(errors)
        assert on is not None
        draft.approved_on = on
        draft.approved_by_body = body
        draft.approved_by_user_id = user.pk
        draft.version += 1
        draft.save()
        routine.current = draft
        routine.draft = None
        routine.status = RoutineStatus.APPROVED
        routine.next_review = add_months(on, draft.review_interval_months)
        saved = _saved(tenant, routine)
        for hook in after_approval:
            transaction.on_commit(partial(hook, tenant, saved.pk), robust=True)
        return saved


def discard_draft(
    tenant: Municipality, user: AbstractBaseUser, routine: Routine, *, version: int | None
) -> Routine | None:
    """Throw the draft away. A routine never approved goes with it (None is returned)."""
    require_writer(tenant, user)
    with transaction.atomic():
        routine = _lock(routine, version)
        draft = routine.draft
        if draft is None:
            raise ValidationError({"__all__": [_("Rutinen har ikke noe utkast.")]})
        if routine.current is None:
            routine.delete()
            progress_changed(tenant)
            return None
        routine.draft = None
        routine.save(update_fields=["draft"])
        draft.delete()
        return _saved(tenant, routine)


def retire_routine(
    tenant: Municipality,
    user: AbstractBaseUser,
    routine: Routine,
    *,
    version: int | None,
    retired_on: Any,
) -> Routine:
    """Stop using an approved routine; its versions stay readable."""
    require_leader(tenant, user, _("Bare kommunens leder kan sette en rutine som utgått."))
    with transaction.atomic():
        routine = _lock(routine, version)
        errors: Errors = {}
        if routine.status != RoutineStatus.APPROVED:
            add_error(errors, "__all__", _("Bare en godkjent rutine kan settes som utgått."))
        if routine.draft_id is not None:
            add_error(
                errors,
                "__all__",
                _("Godkjenn eller forkast utkastet før rutinen settes som utgått."),
            )
        on = read_date(retired_on, "retired_on", errors)
        raise_if(errors)
        routine.status = RoutineStatus.RETIRED
        routine.retired_on = on
        routine.next_review = None
        for hook in on_retirement:
            hook(tenant, routine)
        return _saved(tenant, routine)


def record_review(
    tenant: Municipality,
    user: AbstractBaseUser,
    routine: Routine,
    *,
    version: int | None,
    reviewed_on: Any,
    note: str = "",
) -> RoutineReview:
    """Record that the routine in force was reviewed; the next review is one interval on."""
    require_leader(tenant, user, _("Bare kommunens leder kan registrere en gjennomgang."))
    with transaction.atomic():
        routine = _lock(routine, version)
        errors: Errors = {}
        if routine.status != RoutineStatus.APPROVED or routine.current is None:
            add_error(errors, "__all__", _("Bare en godkjent rutine kan gjennomgås."))
        on = read_date(reviewed_on, "reviewed_on", errors)
        review = RoutineReview(
            routine=routine,
            reviewed_on=on or timezone.localdate(),
            note=(note or "").strip(),
            reviewed_by=display_name(user),
        )
        clean_fields(review, {"note", "reviewed_by"}, errors)
        raise_if(errors)
        assert on is not None and routine.current is not None
        review.save()
        routine.last_reviewed = on
        routine.next_review = add_months(on, routine.current.review_interval_months)
        _saved(tenant, routine)
        return review
