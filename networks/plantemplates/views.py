"""The coordinator's pages of a network's plan templates on the public host.

`/nettverk/<slug>/maler/`: the network's templates and, for its coordinators and operators,
a form to create one from a built-in blueprint or a copy of another template.
`/nettverk/<slug>/maler/<pk>/`: one template, its content by part, forms to edit its details
and the rows of its simple parts, publishing, its published versions with what changed in
each, and deleting. Members of a member municipality see the published templates read-only
(`access`); anyone else gets 404. Every write goes through `services`; the page carries the
working copy's version, so a save over someone else's answers 409 and saves nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import JSONField, OuterRef, Subquery
from django.forms import BaseFormSet, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from networks.access import networks_for
from networks.models import LearningNetwork
from networks.plantemplates import access, content, forms, services
from networks.plantemplates.models import PlanTemplate, PlanTemplateVersion
from samla.accounts.access import acting_user
from tenants.plans.models import BodyKind, GoalLevel
from tenants.template_adoptions.views import describe

# "milestones[2].code: Kan ikke være tom." → the list, the row and the field.
CONTENT_ERROR = re.compile(r"^(?P<part>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?: (?P<msg>.*)$")


def _network(request: HttpRequest, slug: str) -> LearningNetwork:
    network = networks_for(acting_user(request)).filter(slug=slug).first()
    if network is None:
        raise Http404(_("Fant ikke nettverket."))
    return network


def _template(request: HttpRequest, slug: str, pk: int) -> PlanTemplate:
    template = access.get_template_for(acting_user(request), pk)
    if template.network.slug != slug:
        raise Http404(_("Fant ikke planmalen."))
    return template


def _with_latest(templates: Any) -> list[PlanTemplate]:
    """The templates with their latest published version's date and content (one query)."""
    latest = PlanTemplateVersion.objects.filter(template=OuterRef("pk")).order_by("-number")
    rows = list(
        templates.annotate(
            latest_at=Subquery(latest.values("published_at")[:1]),
            latest_title=Subquery(latest.values("title")[:1]),
            latest_description=Subquery(latest.values("description")[:1]),
            latest_content=Subquery(latest.values("content")[:1], output_field=JSONField()),
        )
    )
    for row in rows:
        row.changed = not row.is_published or (
            row.latest_content != row.content
            or row.latest_title != row.title
            or row.latest_description != row.description
        )
    return rows


def _refused(form: Form, exc: ValidationError) -> None:
    """A service's refusal on the form, by field where the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, found in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, found)


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest, slug: str) -> HttpResponse:
    user = acting_user(request)
    network = _network(request, slug)
    manages = access.can_manage(user, network)
    templates = _with_latest(access.templates_for(user, network))
    form = forms.NewTemplateForm(
        request.POST if request.method == "POST" else None, templates=templates
    )
    status = 200
    if request.method == "POST":
        access.require_manager(user, network)
        status = 400
        if form.is_valid():
            data = {
                "title": form.cleaned_data["title"],
                "description": form.cleaned_data["description"],
                "content": form.content(),
            }
            try:
                made = services.create_template(user, network, data)
            except ValidationError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("Malen «%(title)s» er opprettet.") % {"title": made})
                return redirect("plantemplates:detail", slug=network.slug, pk=made.pk)
    return render(
        request,
        "plantemplates/template_list.html",
        {"network": network, "manages": manages, "rows": templates, "form": form},
        status=status,
    )


# One template ------------------------------------------------------------------------------


def offset_text(value: Any) -> str:
    """An offset from the plan's start as a reader sees it."""
    if not isinstance(value, list) or not value:
        return "–"
    text = _("måned %(n)s") % {"n": value[0]}
    if len(value) > 1 and value[1]:
        days = abs(value[1])
        if value[1] < 0:
            text += ", " + ngettext("%(days)s dag før", "%(days)s dager før", days) % {"days": days}
        else:
            text += ", " + ngettext("%(days)s dag etter", "%(days)s dager etter", days) % {
                "days": days
            }
    return text


def _goal_rows(goals: list[Any], depth: int = 0) -> list[list[str]]:
    rows = []
    levels = dict(GoalLevel.choices)
    for goal in goals:
        level = str(levels.get(goal.get("level"), goal.get("level")))
        due = offset_text(goal.get("due")) if goal.get("due") else "–"
        rows.append([goal.get("text", ""), level, due, str(depth + 1)])
        rows += _goal_rows(goal.get("children", []), depth + 1)
    return rows


def readable(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The content's parts as tables: id, heading, column headers and rows of text."""
    kinds = dict(BodyKind.choices)
    dated = [
        [r["code"], r["title"], offset_text(r.get("at")), r.get("text", "") or "–"]
        for r in data.get("milestones", [])
    ]
    points = [
        [r["code"], r["title"], offset_text(r.get("at")), r.get("text", "") or "–"]
        for r in data.get("decision_points", [])
    ]
    return [
        {
            "id": "phases",
            "heading": _("Faser"),
            "columns": [_("Fase"), _("Beskrivelse"), _("Start"), _("Slutt")],
            "rows": [
                [
                    p["name"],
                    p.get("description") or "–",
                    offset_text(p["start"]),
                    offset_text(p["end"]),
                ]
                for p in data.get("phases", [])
            ],
        },
        {
            "id": "goals",
            "heading": _("Mål"),
            "columns": [_("Mål"), _("Nivå"), _("Frist"), _("Nivå i treet")],
            "rows": _goal_rows(data.get("goals", [])),
        },
        {
            "id": "milestones",
            "heading": _("Milepæler"),
            "columns": [_("Nummer"), _("Tittel"), _("Når"), _("Kriterium")],
            "rows": dated,
        },
        {
            "id": "decision_points",
            "heading": _("Beslutningspunkter"),
            "columns": [_("Nummer"), _("Tittel"), _("Når"), _("Grunnlag")],
            "rows": points,
        },
        {
            "id": "activities",
            "heading": _("Hovedaktiviteter"),
            "columns": [_("Nummer"), _("Navn"), _("Måneder"), _("Milepæler")],
            "rows": [
                [
                    a["code"],
                    a["name"],
                    f"{a['first_month']}–{a['last_month']}",
                    ", ".join(a.get("milestones", [])) or "–",
                ]
                for a in data.get("activities", [])
            ],
        },
        {
            "id": "bodies",
            "heading": _("Organisering"),
            "columns": [_("Navn"), _("Type"), _("Mandat")],
            "rows": [
                [b["name"], str(kinds.get(b["kind"], b["kind"])), b.get("mandate") or "–"]
                for b in data.get("bodies", [])
            ],
        },
    ]


def _versions(template: PlanTemplate) -> list[dict[str, Any]]:
    """The published versions, newest first, each after the first with what changed."""
    versions = list(template.versions.select_related("published_by").order_by("number"))
    found = []
    previous: PlanTemplateVersion | None = None
    for version in versions:
        changes = (
            [describe(c) for c in content.changes(previous.content, version.content)]
            if previous is not None
            else None
        )
        found.append({"version": version, "changes": changes, "previous": previous})
        previous = version
    return found[::-1]


def _details_form(template: PlanTemplate, data: Any = None) -> forms.DetailsForm:
    initial = {
        "version": template.version,
        "title": template.title,
        "description": template.description,
        "months": template.content.get("months"),
    }
    return forms.DetailsForm(data, initial=initial)


def _render(
    request: HttpRequest,
    template: PlanTemplate,
    *,
    status: int = 200,
    details: forms.DetailsForm | None = None,
    bound_part: tuple[str, BaseFormSet[Any], list[str]] | None = None,
) -> HttpResponse:
    user = acting_user(request)
    manages = access.can_manage(user, template.network)
    versions = _versions(template)
    latest = versions[0]["version"] if versions else None
    pending: list[dict[str, Any]] = []
    if manages:
        shown: Any = template
        if latest is not None:
            pending = [describe(c) for c in content.changes(latest.content, template.content)]
            for name, label in (("title", _("Tittel")), ("description", _("Beskrivelse"))):
                if getattr(latest, name) != getattr(template, name):
                    pending.insert(0, {"kind": _("Endret"), "part": label, "label": ""})
    else:  # members see what is published
        shown = latest
    parts = []
    if manages:
        for part, (_form, heading) in forms.ROW_PARTS.items():
            if bound_part is not None and bound_part[0] == part:
                formset, errors = bound_part[1], bound_part[2]
            else:
                formset, errors = forms.row_formset(part, template.content), []
            parts.append({"part": part, "heading": heading, "formset": formset, "errors": errors})
    context = {
        "network": template.network,
        "template": template,
        "manages": manages,
        "shown": shown,
        "sections": readable(shown.content),
        "versions": versions,
        "pending": pending,
        "details": details or _details_form(template),
        "parts": parts,
    }
    return render(request, "plantemplates/template_detail.html", context, status=status)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _stale(request: HttpRequest, exc: services.StaleTemplate) -> HttpResponse:
    messages.error(
        request,
        _(
            "Noen andre har lagret malen etter at du åpnet den. Ingenting ble lagret: "
            "se malen slik den er nå, og gjør endringen på nytt."
        ),
    )
    return _render(request, exc.current, status=409)


def _save_details(request: HttpRequest, template: PlanTemplate) -> HttpResponse:
    form = _details_form(template, request.POST)
    if not form.is_valid():
        return _render(request, template, status=400, details=form)
    data = {
        "title": form.cleaned_data["title"],
        "description": form.cleaned_data["description"],
        "content": {**template.content, "months": form.cleaned_data["months"]},
    }
    try:
        services.update_template(
            acting_user(request), template, data, version=form.cleaned_data["version"]
        )
    except services.StaleTemplate as exc:
        return _stale(request, exc)
    except ValidationError as exc:
        for name, found in exc.message_dict.items():
            for message in found:
                field = "months" if name == "content" and message.startswith("months") else name
                form.add_error(field if field in form.fields else None, message)
        return _render(request, template, status=400, details=form)
    messages.success(request, _("Malen er lagret."))
    return redirect("plantemplates:detail", slug=template.network.slug, pk=template.pk)


def _save_part(request: HttpRequest, template: PlanTemplate) -> HttpResponse:
    part = request.POST.get("part", "")
    if part not in forms.ROW_PARTS:
        messages.error(request, _("Ukjent del av malen."))
        return _render(request, template, status=400)
    formset = forms.row_formset(part, template.content, request.POST)
    if not formset.is_valid():
        errors = [str(e) for e in formset.non_form_errors()]
        return _render(request, template, status=400, bound_part=(part, formset, errors))
    rows, sources = [], []
    for index, form in enumerate(formset.forms):
        if index >= formset.initial_form_count() and not form.has_changed():
            continue  # the empty row for a new one, left empty
        if form.cleaned_data.get("DELETE"):
            continue
        rows.append(form.as_content())
        sources.append(form)
    try:
        services.update_template(
            acting_user(request),
            template,
            {"content": {**template.content, part: rows}},
            version=_version(request),
        )
    except services.StaleTemplate as exc:
        return _stale(request, exc)
    except ValidationError as exc:
        errors = []
        for name, found in exc.message_dict.items():
            for message in found:
                match = CONTENT_ERROR.match(message)
                if name != "content" or match is None or match["part"] != part:
                    errors.append(message)
                    continue
                form = sources[int(match["index"])]
                field = form.error_field(match["field"]) if match["field"] else None
                form.add_error(field, match["msg"])
        return _render(request, template, status=400, bound_part=(part, formset, errors))
    messages.success(request, _("%(part)s er lagret.") % {"part": forms.ROW_PARTS[part][1]})
    return redirect("plantemplates:detail", slug=template.network.slug, pk=template.pk)


def _publish(request: HttpRequest, template: PlanTemplate) -> HttpResponse:
    try:
        published = services.publish_template(
            acting_user(request), template, version=_version(request)
        )
    except services.StaleTemplate as exc:
        return _stale(request, exc)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _render(request, template, status=400)
    messages.success(request, _("Versjon %(n)s er publisert.") % {"n": published.published_version})
    return redirect("plantemplates:detail", slug=template.network.slug, pk=template.pk)


def _delete(request: HttpRequest, template: PlanTemplate) -> HttpResponse:
    try:
        services.delete_template(acting_user(request), template)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _render(request, template, status=400)
    messages.success(request, _("Malen «%(title)s» er slettet.") % {"title": template.title})
    return redirect("plantemplates:list", slug=template.network.slug)


ACTIONS = {
    "details": _save_details,
    "part": _save_part,
    "publish": _publish,
    "delete": _delete,
}


@login_required
@require_http_methods(["GET", "POST"])
def template_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    template = _template(request, slug, pk)
    if request.method == "POST":
        access.require_manager(acting_user(request), template.network)
        action = ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Ukjent handling."))
            return _render(request, template, status=400)
        return action(request, template)
    return _render(request, template)
