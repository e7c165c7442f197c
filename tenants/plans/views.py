"""The plan pages on a municipality's host: list, overview, activity plan and a page per part.

Thin views: the plan and its parts are looked up through `access` (404 for another
plan's or municipality's id), every change goes through one function of `services`, and
their ValidationError is put back on the form (400, nothing written); a stale `version`
shows the current row with a message (409). Readers (viewer role) see no edit controls
and a POST from them is refused (403). Inline edits answer htmx requests (header
`HX-Request`) with a table row; without JavaScript the same URLs serve whole pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.access import (
    LEADER_ROLES,
    WRITE_ROLES,
    acting_user,
    membership_of,
    tenant_of,
)
from tenants.plans import access, blueprints, forms, history, queries, registry, services
from tenants.plans.models import Plan, PlanStatus
from tenants.plans.registry import PlanPart
from tenants.plans.services import StaleVersion, stale_message
from tenants.template_adoptions import pages as network_pages

NAMESPACE = "plan_pages"
# The latest changes a part's page shows; the history page has them all.
OBJECT_CHANGES = 20


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def can_write(request: HttpRequest) -> bool:
    membership = membership_of(request)
    return membership is not None and membership.role in WRITE_ROLES


def is_leader(request: HttpRequest) -> bool:
    membership = membership_of(request)
    return membership is not None and membership.role in LEADER_ROLES


def require_write(request: HttpRequest) -> None:
    if not can_write(request):
        raise PermissionDenied(_("Du har bare lesetilgang til planene."))


class Posted(NamedTuple):
    """What a sent form or action came to: the saved row, or the status to answer with."""

    saved: Any  # None unless the service saved
    form: Any  # the form to show again: with the service's errors, or fresh when stale
    status: int  # 200 saved, 400 refused (nothing written), 409 someone saved first
    current: Any = None  # on 409, the row as it now is


def post_form(
    request: HttpRequest,
    form: Any,
    save: Callable[[Any], Any],
    fresh: Callable[[Any], Any] | None = None,
    *,
    done: str = "",
) -> Posted:
    """On POST, save the sent form through one service call, `save(form)` (a reader: 403).

    The service's ValidationError goes back on the form next to the field it names; a
    stale version shows `fresh(current)`, a new form of the row as it now is, marked stale.
    When saved, `done` is shown as a message. On GET, the form as it is.
    """
    if request.method != "POST":
        return Posted(None, form, 200)
    require_write(request)
    if not form.is_valid():
        return Posted(None, form, 400)
    try:
        saved = save(form)
    except StaleVersion as exc:
        form = fresh(exc.current) if fresh is not None else form
        form.stale = True
        return Posted(None, form, 409, exc.current)
    except ValidationError as exc:
        forms.add_service_errors(form, exc)
        return Posted(None, form, 400)
    if done:
        messages.success(request, done)
    return Posted(saved, form, 200)


def post_action(
    request: HttpRequest, service: Callable[..., Any], obj: Any, *, versioned: bool = True
) -> Posted:
    """Run one service action on a row (approve, submit, delete), with the sent `version`
    where the action checks it; the service's refusals become messages."""
    version = {"version": int_or_none(request.POST.get("version"))} if versioned else {}
    try:
        done = service(tenant_of(request), obj, acting_user(request), **version)
        return Posted(obj if done is None else done, None, 200)
    except StaleVersion as exc:
        messages.error(request, stale_message())
        return Posted(None, None, 409, exc.current)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return Posted(None, None, 400)


# What a plan consists of (the registry), and the page of each part ----------------------

PARTS = registry.PARTS
PARTS_BY_KEY = registry.PARTS_BY_KEY


def plan_nav(plan: Plan, current: str) -> list[dict[str, Any]]:
    """The plan's own menu: overview, activity plan, then each part."""
    base = reverse(f"{NAMESPACE}:overview", args=[plan.pk])
    items = [
        ("overview", base, _("Oversikt")),
        ("gantt", f"{base}aktivitetsplan/", _("Aktivitetsplan")),
    ]
    items += [(p.key, f"{base}{p.page_slug}/", str(p.title)) for p in PARTS]
    items.append(("history", f"{base}historikk/", _("Historikk")))
    return [{"key": k, "url": u, "label": label, "current": k == current} for k, u, label in items]


def plan_context(request: HttpRequest, plan: Plan, current: str, **extra: Any) -> dict[str, Any]:
    return {
        "plan": plan,
        "nav": plan_nav(plan, current),
        "can_write": can_write(request),
        "is_leader": is_leader(request),
        "overview_url": reverse(f"{NAMESPACE}:overview", args=[plan.pk]),
        "today": timezone.localdate(),
        **extra,
    }


# The municipality's plans ------------------------------------------------------------


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.order_by("-start", "id")
    return render(
        request, "plans/plan_list.html", {"plans": plans, "can_write": can_write(request)}
    )


def plan_create(request: HttpRequest) -> HttpResponse:
    """The "Ny plan" form: a new plan starts as a draft."""
    posted = post_form(
        request,
        forms.PlanForm(_posted(request)),
        lambda f: services.create_plan(tenant_of(request), acting_user(request), f.service_data()),
        done=_("Planen er opprettet som utkast."),
    )
    if posted.saved is not None:
        return redirect(f"{NAMESPACE}:overview", posted.saved.pk)
    context = {"form": posted.form, "can_write": can_write(request), "creating": True}
    return render(request, "plans/plan_form.html", context, status=posted.status)


def plan_from_template(request: HttpRequest) -> HttpResponse:
    """A new plan from a template, its phases, milestones and activities dated from the start."""
    tenant, user = tenant_of(request), acting_user(request)
    # The networks' templates are offered to the leader beside the built-in ones.
    network_templates = network_pages.network_templates(tenant, user)
    posted = post_form(
        request,
        forms.FromTemplateForm(
            _posted(request), extra_choices=network_pages.template_choices(network_templates)
        ),
        lambda f: network_pages.start_plan_from_choice(
            tenant, user, f.cleaned_data["template"], f.cleaned_data
        ),
        done=_("Planen er opprettet fra malen som utkast."),
    )
    if posted.saved is not None:
        return redirect(f"{NAMESPACE}:overview", posted.saved.pk)
    context = {
        "form": posted.form,
        "can_write": can_write(request),
        "templates": list(blueprints.BLUEPRINTS.values()),
        "network_templates": network_templates,
    }
    return render(request, "plans/plan_from_template.html", context, status=posted.status)


def plan_move(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Move the plan's start date: what has not happened yet moves by the same interval."""
    plan = access.get_plan_for(plan_id)

    def move_form(data: Any, row: Plan) -> forms.MoveStartForm:
        return forms.MoveStartForm(data, initial={"start": row.start, "version": row.version})

    posted = post_form(
        request,
        move_form(_posted(request), plan),
        lambda f: blueprints.move_plan_start(
            tenant_of(request),
            plan,
            acting_user(request),
            f.cleaned_data["start"],
            version=f.cleaned_data["version"],
        ),
        fresh=lambda current: move_form(None, current),
        done=_("Planen er flyttet."),
    )
    if posted.saved is not None:
        return redirect(f"{NAMESPACE}:overview", plan.pk)
    context = plan_context(request, posted.current or plan, "move", form=posted.form)
    return render(request, "plans/plan_move.html", context, status=posted.status)


def plan_overview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan at a glance; the leader approves a draft here ("Godkjenn plan")."""
    plan = access.get_plan_for(plan_id, "template_adoption")  # the link to its changes
    status = 200
    if request.method == "POST":
        if request.POST.get("action") != "approve":
            return HttpResponse(_("Ukjent handling."), status=400)
        # Only the leader approves, only a draft: the service's rules (403, 400).
        posted = post_action(request, services.approve_plan, plan)
        if posted.saved is not None:
            messages.success(request, _("Planen er godkjent."))
            return redirect(f"{NAMESPACE}:overview", plan.pk)
        status, plan = posted.status, posted.current or plan
    context = plan_context(
        request,
        plan,
        "overview",
        overview=queries.plan_overview(plan),
        can_approve=is_leader(request) and plan.status == PlanStatus.DRAFT,
        api_base=f"/api/plans/{plan.pk}/",
    )
    return render(request, "plans/overview.html", context, status=status)


def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's frame and text sections."""
    plan = access.get_plan_for(plan_id)
    posted = post_form(
        request,
        forms.PlanForm(_posted(request), instance=plan),
        lambda f: services.update_plan(
            tenant_of(request),
            plan,
            acting_user(request),
            f.service_data(),
            version=f.edited_version,
        ),
        fresh=lambda current: forms.PlanForm(instance=current),
        done=_("Planen er lagret."),
    )
    if posted.saved is not None:
        return redirect(f"{NAMESPACE}:overview", plan.pk)
    plan = posted.current or plan
    context = plan_context(request, plan, "edit", form=posted.form, creating=False)
    return render(request, "plans/plan_form.html", context, status=posted.status)


def activity_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The month-by-month Gantt of main activities, milestones and decision points."""
    plan = access.get_plan_for(plan_id)
    context = plan_context(request, plan, "gantt", gantt=queries.gantt(plan))
    return render(request, "plans/gantt.html", context)


# A part's pages ----------------------------------------------------------------------


def _posted(request: HttpRequest) -> Any:
    """The sent form data on POST (even when empty), None on GET: bound only when sent."""
    return request.POST if request.method == "POST" else None


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _list_context(request: HttpRequest, plan: Plan, part: PlanPart, form: Any) -> dict[str, Any]:
    rows = part.rows(plan)
    extra: dict[str, Any] = {}
    if part.key == "risks":
        rows = list(rows)
        extra["matrix"] = queries.risk_matrix(rows)
    elif part.key == "budget_lines":
        extra["budget"] = queries.budget_summary(plan)
    return plan_context(
        request,
        plan,
        part.key,
        part=part,
        rows=rows,
        form=form,
        list_url=reverse(f"{NAMESPACE}:{part.key}", args=[plan.pk]),
        **extra,
    )


def part_list(request: HttpRequest, plan_id: int, part_key: str) -> HttpResponse:
    """A part's rows and the form to add one."""
    part = PARTS_BY_KEY[part_key]
    plan = access.get_plan_for(plan_id)
    posted = post_form(
        request,
        part.form(_posted(request), plan=plan),
        lambda f: part.create(tenant_of(request), plan, acting_user(request), f.service_data()),
        done=_("%(what)s er lagt til.") % {"what": part.singular},
    )
    if posted.saved is not None:
        return redirect(f"{NAMESPACE}:{part.key}", plan.pk)
    form = posted.form if can_write(request) else None
    context = _list_context(request, plan, part, form)
    return render(request, "plans/part_list.html", context, status=posted.status)


def describe(obj: models.Model, form: forms.ServiceForm) -> list[tuple[str, Any]]:
    """The row's fields as label and shown value, for readers."""
    shown = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        try:
            found = obj._meta.get_field(name)
        except FieldDoesNotExist:
            found = None
        # Not a reverse relation (a body's members: the form shows them).
        model_field = found if isinstance(found, models.Field) else None
        if model_field is not None and model_field.choices:
            value: Any = getattr(obj, f"get_{name}_display")()
        elif model_field is not None and model_field.many_to_one:
            value = getattr(obj, name) or ""
        elif model_field is not None and model_field.many_to_many:
            value = ", ".join(str(row) for row in getattr(obj, name).all())
        else:
            value = field.prepare_value(form.initial.get(name, getattr(obj, name, "")))
        if isinstance(value, bool):
            value = _("Ja") if value else _("Nei")
        shown.append((str(field.label), value))
    return shown


def part_detail(request: HttpRequest, plan_id: int, pk: int, part_key: str) -> HttpResponse:
    """One row: its edit form (or its values, for readers), inline rows for htmx."""
    part = PARTS_BY_KEY[part_key]
    plan = access.get_plan_for(plan_id)
    obj = access.get_part_for(part, plan, pk)
    list_url = reverse(f"{NAMESPACE}:{part.key}", args=[plan.pk])
    row_context = {
        "plan": plan,
        "part": part,
        "list_url": list_url,
        "can_write": can_write(request),
    }
    if request.method != "POST":
        quick_form = part.quick_form if can_write(request) else None
        if is_htmx(request) and quick_form and request.GET.get("row") == "form":
            quick = quick_form(instance=obj, plan=plan)
            return render(request, part.row_template, {**row_context, "row": obj, "quick": quick})
        if is_htmx(request) and part.quick_form and request.GET.get("row") in ("show", "form"):
            return render(request, part.row_template, {**row_context, "row": obj})
        return _detail_page(request, plan, part, obj, part.form(instance=obj, plan=plan))

    require_write(request)  # also for the actions below
    action = request.POST.get("action", "save")
    if action == "delete":
        return _delete(request, plan, part, obj)
    if action == "submit":
        return _submit(request, plan, part, obj)
    inline = bool(part.quick_form) and request.POST.get("form") == "quick"
    form_class = part.quick_form if inline and part.quick_form else part.form
    posted = post_form(
        request,
        form_class(request.POST, instance=obj, plan=plan),
        lambda f: part.update(
            tenant_of(request),
            obj,
            acting_user(request),
            f.service_data(),
            version=f.edited_version,
        ),
        fresh=lambda current: form_class(instance=current, plan=plan),
    )
    if posted.saved is not None and is_htmx(request) and inline:
        return render(request, part.row_template, {**row_context, "row": posted.saved})
    if posted.saved is not None:
        messages.success(request, _("%(what)s er lagret.") % {"what": part.singular})
        return redirect(f"{NAMESPACE}:{part.key}", plan.pk)
    form, status, obj = posted.form, posted.status, posted.current or obj
    if is_htmx(request) and inline:
        context = {**row_context, "row": obj, "quick": form}
        return render(request, part.row_template, context, status=status)
    if inline:  # without JavaScript the quick form's errors show on the whole page
        form = _with_errors_of(part.form(request.POST, instance=obj, plan=plan), form, status)
    return _detail_page(request, plan, part, obj, form, status=status)


def _with_errors_of(full: forms.ServiceForm, quick: forms.ServiceForm, status: int) -> Any:
    if status == 409:
        fresh = type(full)(instance=quick.instance, plan=full.plan)
        fresh.stale = True
        return fresh
    full.is_valid()
    shown = full.errors  # the ErrorDict of the form just cleaned
    for name, errors in quick.errors.items():
        shown.setdefault(name, full.error_class())
        for error in errors:
            if error not in shown[name]:
                shown[name].append(error)
    return full


def detail_heading(part: PlanPart, obj: Any) -> str:
    if part.key == "status_reports":
        return str(obj)  # "Statusrapport 01.03.2026"
    name = obj.label if part.key == "budget_lines" else obj
    return f"{part.singular}: {name}"


def _detail_page(
    request: HttpRequest,
    plan: Plan,
    part: PlanPart,
    obj: Any,
    form: forms.ServiceForm,
    status: int = 200,
) -> HttpResponse:
    frozen = getattr(obj, "is_submitted", False)
    context = plan_context(
        request,
        plan,
        part.key,
        part=part,
        obj=obj,
        heading=detail_heading(part, obj),
        form=form if can_write(request) and not frozen else None,
        values=describe(obj, form),
        frozen=frozen,
        list_url=reverse(f"{NAMESPACE}:{part.key}", args=[plan.pk]),
        rows=history.change_rows(history.changes_for(plan, obj)[:OBJECT_CHANGES]),
        history_url=reverse(f"{NAMESPACE}:history", args=[plan.pk])
        + f"?type={obj._meta.model_name}&object={obj.pk}",
    )
    return render(request, "plans/part_detail.html", context, status=status)


def _delete(request: HttpRequest, plan: Plan, part: PlanPart, obj: Any) -> HttpResponse:
    posted = post_action(request, part.delete, obj, versioned=False)
    if posted.saved is None:
        form = part.form(instance=obj, plan=plan)
        return _detail_page(request, plan, part, obj, form, status=posted.status)
    messages.success(request, _("%(what)s er slettet.") % {"what": part.singular})
    return redirect(f"{NAMESPACE}:{part.key}", plan.pk)


def _submit(request: HttpRequest, plan: Plan, part: PlanPart, obj: Any) -> HttpResponse:
    """The project leader submits a status report: it is frozen from then on."""
    if part.key != "status_reports":
        return HttpResponse(_("Ukjent handling."), status=400)
    # Only the leader submits, a report once: the service's rules (403, 400).
    posted = post_action(request, services.submit_status_report, obj)
    if posted.saved is not None:
        messages.success(request, _("Rapporten er sendt inn og kan ikke lenger endres."))
        return redirect(f"{NAMESPACE}:{part.key}-detail", plan.pk, obj.pk)
    obj = posted.current or obj
    return _detail_page(request, plan, part, obj, part.form(instance=obj, plan=plan), posted.status)
