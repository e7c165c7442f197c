"""The routine pages on a municipality's host (`/rutiner/`): list, a routine with its
versions and adoption, one version, two versions side by side, what is due, and units.

Thin views, as the plan pages: rows are looked up through `access` (404 alike for a
guessed id and another municipality's), every change goes through one function of
`services`, whose ValidationError goes back on the form next to the field it names
(400, nothing written); a stale `version` shows the conflict message (409); a role the
service refuses is a 403 page. Viewers see no forms. Everything works without JavaScript.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import CollaborationMethod
from samla.accounts.access import acting_user, membership_of, tenant_of
from tenants.plans.forms import add_service_errors
from tenants.routines import access, forms, services
from tenants.routines.content import FieldDiff, diff, version_content
from tenants.routines.models import (
    REVIEW_NOTICE_DAYS,
    Routine,
    RoutineKind,
    RoutineLevel,
    RoutineStatus,
    RoutineVersion,
    Unit,
    UnitAdoption,
)
from tenants.routines.queries import measures_ready, milestones_ready
from tenants.routines.services import StaleVersion, stale_message
from tenants.routines.services.common import LEADERS, WRITERS

NAMESPACE = "routine_pages"


# Roles --------------------------------------------------------------------------------


def _role(request: HttpRequest) -> str | None:
    membership = membership_of(request)
    return None if membership is None else membership.role


def can_write(request: HttpRequest) -> bool:
    """Leaders, editors and consultants (while their membership lasts) write drafts."""
    return _role(request) in WRITERS


def is_leader(request: HttpRequest) -> bool:
    return _role(request) in LEADERS


def require_write(request: HttpRequest) -> None:
    if not can_write(request):
        raise PermissionDenied(_("Du har bare lesetilgang til rutinene."))


def put_errors(form: django_forms.BaseForm, error: ValidationError) -> list[str]:
    """A service's errors on the form, by field; the steps' errors are returned apart
    (they belong to the steps' fieldset), and a missing version goes on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return []
    found = dict(error.message_dict)
    steps = found.pop("steps", [])
    for name in ("version", "__all__"):
        if name in found:
            form.add_error(None, found.pop(name))
    if found:
        add_service_errors(form, ValidationError(found))
    return steps


# The list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A routine as the list shows it."""

    routine: Routine
    head: RoutineVersion
    in_use: bool
    overdue: bool
    due_soon: bool


def _heads(field: str, value: Any) -> Exists:
    """Whether the routine's draft or version in force has `field` = value."""
    versions = RoutineVersion.objects.filter(
        Q(pk=OuterRef("draft_id")) | Q(pk=OuterRef("current_id")), **{field: value}
    )
    return Exists(versions)


def filtered(rows: QuerySet[Routine], data: Mapping[str, Any]) -> QuerySet[Routine]:
    if data.get("unit") is not None:
        rows = rows.filter(_heads("units", data["unit"]))
    if data.get("bti") is not None:
        rows = rows.filter(_heads("bti_levels__contains", [data["bti"]]))
    if data.get("status"):
        rows = rows.filter(status=data["status"])
    return rows


def list_rows(routines: Iterable[Routine]) -> list[Row]:
    """Rows of routines read with `listed()`, `current__units` and `adoptions` prefetched."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=REVIEW_NOTICE_DAYS)
    rows = []
    for routine in routines:
        head = routine.head
        assert head is not None  # a routine has a draft or a version in force
        current = routine.current
        in_use = current is not None and services.in_use(
            (unit.pk for unit in current.units.all()),
            (adoption.unit_id for adoption in routine.adoptions.all()),
        )
        due = routine.next_review if routine.status == RoutineStatus.APPROVED else None
        rows.append(
            Row(
                routine=routine,
                head=head,
                in_use=in_use,
                overdue=due is not None and due < today,
                due_soon=due is not None and today <= due <= soon,
            )
        )
    return rows


def routine_list(request: HttpRequest) -> HttpResponse:
    """The municipality's routines, filtered by unit, BTI level and status."""
    units = list(Unit.objects.all())
    form = forms.FilterForm(request.GET or None, units=units)
    routines: QuerySet[Routine] = (
        Routine.objects.listed()
        .prefetch_related(
            "current__units",
            Prefetch("adoptions", queryset=UnitAdoption.objects.order_by().only("routine", "unit")),
        )
        .annotate(sort_title=Coalesce("draft__title", "current__title"))
        .order_by("sort_title", "id")
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            routines = filtered(routines, form.cleaned_data)
        else:
            status = 400
    context = {
        "form": form,
        "rows": list_rows(routines),
        "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
        "can_write": can_write(request),
    }
    return render(request, "routines/routine_list.html", context, status=status)


def routines_due(request: HttpRequest) -> HttpResponse:
    """What is due for review: overdue, and due within the notice period."""
    today = timezone.localdate()
    routines = list(
        Routine.objects.listed()
        .prefetch_related(
            "current__units",
            Prefetch("adoptions", queryset=UnitAdoption.objects.order_by().only("routine", "unit")),
        )
        .due_for_review(today)
        .order_by("next_review", "id")
    )
    rows = list_rows(routines)
    context = {
        "overdue": [row for row in rows if row.overdue],
        "soon": [row for row in rows if not row.overdue],
        "days": REVIEW_NOTICE_DAYS,
        # Suggestions only: the leader marks a milestone done in the plan, as usual.
        "milestones_ready": list(milestones_ready()),
        "measures_ready": list(measures_ready()),
    }
    return render(request, "routines/routines_due.html", context)


# Writing a routine --------------------------------------------------------------------


def _render_form(
    request: HttpRequest,
    form: forms.RoutineForm,
    steps: forms.StepFormSet,
    *,
    routine: Routine | None = None,
    step_errors: Iterable[str] = (),
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "steps": steps,
        "step_errors": list(step_errors),
        "routine": routine,
        "creating": routine is None,
        "can_write": can_write(request),
    }
    return render(request, "routines/routine_form.html", context, status=status)


def routine_create(request: HttpRequest) -> HttpResponse:
    """The "Ny rutine" form: a new routine starts as draft version 1."""
    units = list(Unit.objects.all())
    if request.method != "POST":
        form = forms.RoutineForm(units=units, creating=True)
        return _render_form(request, form, forms.StepFormSet(units=units, initial=[{}]))
    require_write(request)
    if request.POST.get("action") == "add_step":
        form = forms.unbound_initial(forms.RoutineForm, request.POST, units=units, creating=True)
        steps = forms.StepFormSet(forms.with_added_row(request.POST), units=units)
        return _render_form(request, form, steps)
    form = forms.RoutineForm(request.POST, units=units, creating=True)
    steps = forms.StepFormSet(request.POST, units=units)
    if not (form.is_valid() & steps.is_valid()):  # both, to show every error at once
        return _render_form(request, form, steps, status=400)
    data = {**form.service_data(), "steps": steps.steps()}
    try:
        routine = services.create_routine(tenant_of(request), acting_user(request), data)
    except ValidationError as exc:
        step_errors = put_errors(form, exc)
        return _render_form(request, form, steps, step_errors=step_errors, status=400)
    messages.success(request, _("Rutinen er opprettet som utkast."))
    return redirect(f"{NAMESPACE}:detail", routine.pk)


def _edit_forms(
    routine: Routine, units: list[Unit], data: Any = None
) -> tuple[forms.RoutineForm, forms.StepFormSet]:
    head = routine.head
    assert head is not None
    version = access.get_version_for(routine, head.number)
    initial = forms.initial_of(
        version,
        list(routine.milestones.values_list("pk", flat=True)),
        list(routine.measures.values_list("pk", flat=True)),
    )
    initial["version"] = routine.version
    if routine.draft_id is None:
        initial["change_note"] = ""  # the next version's note starts empty
    form = forms.RoutineForm(data, initial=initial, units=units)
    steps = forms.StepFormSet(data, initial=forms.steps_initial(version), units=units)
    return form, steps


def routine_edit(request: HttpRequest, routine_id: int) -> HttpResponse:
    """Edit the draft; for an approved routine the first save starts a new draft version."""
    routine = access.get_routine_for(routine_id)
    units = list(Unit.objects.all())
    if routine.status == RoutineStatus.RETIRED or request.method != "POST":
        if request.method == "POST":
            require_write(request)
        form, steps = _edit_forms(routine, units)
        status = 400 if request.method == "POST" else 200
        return _render_form(request, form, steps, routine=routine, status=status)
    require_write(request)
    if request.POST.get("action") == "add_step":
        form = forms.unbound_initial(forms.RoutineForm, request.POST, units=units)
        steps = forms.StepFormSet(forms.with_added_row(request.POST), units=units)
        return _render_form(request, form, steps, routine=routine)
    form, steps = _edit_forms(routine, units, request.POST)
    if not (form.is_valid() & steps.is_valid()):
        return _render_form(request, form, steps, routine=routine, status=400)
    changed = steps.has_changed() or bool(set(form.changed_data) & set(form.CONTENT))
    data = form.service_data()
    if changed or routine.draft_id is not None:
        data["steps"] = steps.steps()
    else:  # only the links changed: no new draft of the approved routine
        data = {name: data[name] for name in form.LINKS}
    try:
        services.update_routine(
            tenant_of(request), acting_user(request), routine, data, version=form.edited_version
        )
    except StaleVersion:
        fresh = access.get_routine_for(routine.pk)
        form, steps = _edit_forms(fresh, units)
        form.stale = True
        return _render_form(request, form, steps, routine=fresh, status=409)
    except ValidationError as exc:
        step_errors = put_errors(form, exc)
        return _render_form(
            request, form, steps, routine=routine, step_errors=step_errors, status=400
        )
    messages.success(request, _("Utkastet er lagret."))
    return redirect(f"{NAMESPACE}:detail", routine.pk)


# A routine ----------------------------------------------------------------------------


def method_names(slugs: Iterable[str]) -> dict[str, str]:
    wanted = list(slugs)
    found = dict(CollaborationMethod.objects.filter(slug__in=wanted).values_list("slug", "name"))
    return {slug: found.get(slug, slug) for slug in wanted}


def _action_forms(routine: Routine, adoptions: list[UnitAdoption]) -> dict[str, Any]:
    """The detail page's action forms, unbound, with today's dates filled in."""
    version = {"version": routine.version}
    adopted = {adoption.unit_id for adoption in adoptions}
    current_units = list(routine.current.units.all()) if routine.current else []
    return {
        "approve": forms.ApproveForm(initial=version),
        "discard": forms.VersionOnlyForm(initial=version),
        "retire": forms.RetireForm(initial=version),
        "review": forms.ReviewForm(initial=version),
        "adopt": forms.AdoptionForm(units=[u for u in current_units if u.pk not in adopted]),
        "confirm": {
            a.pk: forms.ConfirmForm(
                adoption_id=a.pk, unit_name=a.unit.name, initial={"version": a.version}
            )
            for a in adoptions
        },
    }


def _detail_page(
    request: HttpRequest,
    routine: Routine,
    *,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    head = routine.head
    assert head is not None
    version = access.get_version_for(routine, head.number)
    adoptions = list(routine.adoptions.select_related("unit"))
    action_forms = _action_forms(routine, adoptions)
    if bound is not None:  # the form that was sent, with its errors
        name, form = bound
        if name == "confirm":
            action_forms["confirm"][form.adoption_id] = form
        else:
            action_forms[name] = form
    current_units = list(routine.current.units.all()) if routine.current else []
    adopted = {adoption.unit_id for adoption in adoptions}
    today = timezone.localdate()
    leader, writer = is_leader(request), can_write(request)
    is_draft, is_approved = routine.draft_id is not None, routine.status == RoutineStatus.APPROVED
    context = {
        "routine": routine,
        "version": version,
        "methods": method_names(version.methods).values(),
        "versions": list(routine.versions.order_by("-number")),
        "adoptions": [(a, action_forms["confirm"][a.pk]) for a in adoptions],
        "not_adopted": [unit for unit in current_units if unit.pk not in adopted],
        "in_use": services.in_use((u.pk for u in current_units), adopted),
        "reviews": list(routine.reviews.all()),
        "milestones": list(routine.milestones.select_related("plan")),
        "measures": list(routine.measures.select_related("plan")),
        "forms": action_forms,
        "overdue": is_approved and routine.next_review is not None and routine.next_review < today,
        "can_write": writer,
        "is_leader": leader,
        "can_edit": writer and routine.status != RoutineStatus.RETIRED,
        "can_approve": leader and is_draft,
        "can_discard": writer and is_draft,
        "can_retire": leader and is_approved and not is_draft,
        "can_review": leader and is_approved,
        "can_adopt": writer and is_approved,
    }
    return render(request, "routines/routine_detail.html", context, status=status)


def _run(
    request: HttpRequest,
    routine: Routine,
    name: str,
    form: django_forms.Form,
    service: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Run one action of the detail page: 400 with the form's errors, 409 when stale."""
    if not form.is_valid():
        return _detail_page(request, routine, bound=(name, form), status=400)
    data = dict(form.cleaned_data)
    try:
        result = service(data)
    except StaleVersion:
        messages.error(request, stale_message())
        return _detail_page(request, access.get_routine_for(routine.pk), status=409)
    except ValidationError as exc:
        for message in put_errors(form, exc):
            form.add_error(None, message)
        return _detail_page(request, routine, bound=(name, form), status=400)
    messages.success(request, done)
    if name == "discard" and result is None:  # a routine never approved went with its draft
        return redirect(f"{NAMESPACE}:list")
    return redirect(f"{NAMESPACE}:detail", routine.pk)


def routine_detail(request: HttpRequest, routine_id: int) -> HttpResponse:
    """A routine: its head version, versions, adoption per unit, reviews and actions."""
    routine = access.get_routine_for(routine_id)
    if request.method != "POST":
        return _detail_page(request, routine)
    require_write(request)
    tenant, user, post = tenant_of(request), acting_user(request), request.POST
    action = post.get("action", "")

    def versioned(data: dict[str, Any]) -> int | None:
        version: int | None = data.pop("version", None)
        return version

    if action == "approve":
        return _run(
            request,
            routine,
            action,
            forms.ApproveForm(post),
            lambda d: services.approve_routine(tenant, user, routine, version=versioned(d), **d),
            _("Rutinen er godkjent."),
        )
    if action == "discard":
        return _run(
            request,
            routine,
            action,
            forms.VersionOnlyForm(post),
            lambda d: services.discard_draft(tenant, user, routine, version=versioned(d)),
            _("Utkastet er forkastet."),
        )
    if action == "retire":
        return _run(
            request,
            routine,
            action,
            forms.RetireForm(post),
            lambda d: services.retire_routine(tenant, user, routine, version=versioned(d), **d),
            _("Rutinen er satt som utgått."),
        )
    if action == "review":
        return _run(
            request,
            routine,
            action,
            forms.ReviewForm(post),
            lambda d: services.record_review(tenant, user, routine, version=versioned(d), **d),
            _("Gjennomgangen er registrert."),
        )
    if action == "adopt":
        units = list(routine.current.units.all()) if routine.current else []
        return _run(
            request,
            routine,
            action,
            forms.AdoptionForm(post, units=units),
            lambda d: services.record_unit_adoption(tenant, user, routine, **d),
            _("Innføringen er registrert."),
        )
    if action in ("confirm", "unadopt"):
        adoption = access.get_adoption_for(routine, post.get("adoption"))
        if action == "unadopt":
            return _run(
                request,
                routine,
                "unadopt",
                django_forms.Form(post),
                lambda d: services.remove_unit_adoption(tenant, user, adoption),
                _("Innføringen er fjernet."),
            )
        form = forms.ConfirmForm(post, adoption_id=adoption.pk, unit_name=adoption.unit.name)
        return _run(
            request,
            routine,
            "confirm",
            form,
            lambda d: services.confirm_unit_use(tenant, user, adoption, version=versioned(d), **d),
            _("Bruken er bekreftet."),
        )
    return HttpResponse(_("Ukjent handling."), status=400)


# Versions -----------------------------------------------------------------------------


def version_detail(request: HttpRequest, routine_id: int, number: int) -> HttpResponse:
    """One version, read-only."""
    routine = access.get_routine_for(routine_id)
    version = access.get_version_for(routine, number)
    context = {
        "routine": routine,
        "version": version,
        "methods": method_names(version.methods).values(),
        "previous": number - 1 if number > 1 else None,
    }
    return render(request, "routines/version_detail.html", context)


@dataclass(frozen=True)
class ShownDiff:
    label: str
    before: list[str]
    after: list[str]
    numbered: bool  # the steps: an ordered list


def _shown(field: str, value: Any, methods: Mapping[str, str]) -> list[str]:
    """A content value as lines a person reads."""
    if value in (None, "", []):
        return []
    if field == "kind":
        return [str(dict(RoutineKind.choices).get(value, value))]
    if field == "level":
        return [str(dict(RoutineLevel.choices).get(value, value))]
    if field == "bti_levels":
        return [", ".join(_("Nivå %(level)s") % {"level": level} for level in value)]
    if field == "methods":
        return [", ".join(methods.get(slug, slug) for slug in value)]
    if field == "units":
        return [", ".join(value)]
    if field == "review_interval_months":
        return [_("%(months)s måneder") % {"months": value}]
    if field == "steps":
        lines = []
        for step in value:
            who = ", ".join(p for p in (step.get("responsible_unit"), step.get("timing")) if p)
            lines.append(f"{step.get('action', '')} ({who})" if who else step.get("action", ""))
        return lines
    return [str(value)]


def shown_diffs(found: list[FieldDiff]) -> list[ShownDiff]:
    slugs = [s for d in found if d.field == "methods" for s in (d.before or []) + (d.after or [])]
    methods = method_names(dict.fromkeys(slugs)) if slugs else {}
    return [
        ShownDiff(
            label=d.label,
            before=_shown(d.field, d.before, methods),
            after=_shown(d.field, d.after, methods),
            numbered=d.field == "steps",
        )
        for d in found
    ]


def version_compare(request: HttpRequest, routine_id: int) -> HttpResponse:
    """Two versions side by side (`?fra=1&til=2`; by default the two latest)."""
    routine = access.get_routine_for(routine_id)
    numbers = list(routine.versions.order_by("number").values_list("number", flat=True))
    after_number = request.GET.get("til") or numbers[-1]
    before_number = request.GET.get("fra") or (numbers[-2] if len(numbers) > 1 else numbers[-1])
    before = access.get_version_for(routine, before_number)
    after = access.get_version_for(routine, after_number)
    context = {
        "routine": routine,
        "numbers": numbers,
        "before": before,
        "after": after,
        "diffs": shown_diffs(diff(version_content(before), version_content(after))),
    }
    return render(request, "routines/version_compare.html", context)


# Units --------------------------------------------------------------------------------


def unit_list(request: HttpRequest) -> HttpResponse:
    """The municipality's units, and the form to add one."""
    form = forms.UnitForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        require_write(request)
        if form.is_valid():
            try:
                services.create_unit(tenant_of(request), acting_user(request), form.service_data())
            except ValidationError as exc:
                put_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Enheten er lagt til."))
                return redirect(f"{NAMESPACE}:units")
        else:
            status = 400
    context = {
        "units": list(Unit.objects.all()),
        "form": form if can_write(request) else None,
        "can_write": can_write(request),
    }
    return render(request, "routines/unit_list.html", context, status=status)


def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit: change it, or delete it (refused while a routine names it)."""
    unit = access.get_unit_for(unit_id)
    status = 200
    form = forms.UnitForm(instance=unit)
    if request.method == "POST":
        require_write(request)
        tenant, user = tenant_of(request), acting_user(request)
        if request.POST.get("action") == "delete":
            try:
                services.delete_unit(tenant, user, unit)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                status = 400
            else:
                messages.success(request, _("Enheten er slettet."))
                return redirect(f"{NAMESPACE}:units")
        else:
            form = forms.UnitForm(request.POST, instance=unit)
            if not form.is_valid():
                status = 400
            else:
                try:
                    services.update_unit(
                        tenant, user, unit, form.service_data(), version=form.edited_version
                    )
                except StaleVersion as exc:
                    form = forms.UnitForm(instance=exc.current_as(Unit))
                    form.stale = True
                    status = 409
                except ValidationError as exc:
                    put_errors(form, exc)
                    status = 400
                else:
                    messages.success(request, _("Enheten er lagret."))
                    return redirect(f"{NAMESPACE}:units")
    context = {
        "unit": unit,
        "form": form if can_write(request) else None,
        "can_write": can_write(request),
        "values": [
            (_("Navn"), unit.name),
            (_("Type"), unit.get_kind_display()),
            (_("Leder"), unit.leader_name),
            (_("E-post for varsler"), unit.email),
        ],
    }
    return render(request, "routines/unit_edit.html", context, status=status)
