"""The page of a plan's network template changes (`/planer/{id}/nettverksmal/`).

Which template and version the plan came from, and the changes the network has published
since that the municipality has not taken, each with a check box; the leader takes the
checked ones (the same service as the API), the rest stay listed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks.plantemplates.content import KIND_LABELS, PARTS, Change
from samla.accounts.access import acting_user, tenant_of
from tenants.plans import access
from tenants.plans.views import int_or_none, plan_context
from tenants.template_adoptions import services
from tenants.template_adoptions.models import Adoption

FIELD_LABELS = {
    "code": gettext_lazy("nummer"),
    "title": gettext_lazy("tittel"),
    "name": gettext_lazy("navn"),
    "at": gettext_lazy("tidspunkt"),
    "text": gettext_lazy("kriterium eller grunnlag"),
    "description": gettext_lazy("beskrivelse"),
    "start": gettext_lazy("start"),
    "end": gettext_lazy("slutt"),
    "due": gettext_lazy("frist"),
    "level": gettext_lazy("nivå"),
    "parent": gettext_lazy("overordnet mål"),
    "first_month": gettext_lazy("første måned"),
    "last_month": gettext_lazy("siste måned"),
    "purpose": gettext_lazy("formål"),
    "result": gettext_lazy("resultat"),
    "milestones": gettext_lazy("milepæler"),
    "kind": gettext_lazy("type"),
    "mandate": gettext_lazy("mandat"),
}


def _value(value: Any) -> str:
    """A template value as a reader sees it: offsets in months (and days) from the start."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list) and all(isinstance(v, int) for v in value) and len(value) <= 2:
        months = _("måned %(n)s") % {"n": value[0]}
        return months if len(value) == 1 or not value[1] else f"{months} {value[1]:+d} d."
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def describe(change: Change) -> dict[str, Any]:
    """One row of the page's table."""
    if change.kind == "changed" and change.before and change.after:
        details = [
            f"{FIELD_LABELS.get(name, name)}: {_value(change.before.get(name))} → "
            f"{_value(change.after.get(name))}"
            for name in change.changed_fields
        ]
    else:
        details = []
    return {
        "key": change.key,
        "part": PARTS[change.part],
        "kind": KIND_LABELS[change.kind],
        "label": change.label,
        "details": details,
    }


def template_changes(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for(plan_id)
    adoption = Adoption.objects.filter(plan=plan).first()
    if adoption is None:
        raise Http404(_("Planen er ikke laget fra en nettverksmal."))
    status = 200
    if request.method == "POST":
        try:
            services.take_changes(
                tenant_of(request),
                plan,
                acting_user(request),
                request.POST.getlist("keys"),
                template_version=int_or_none(request.POST.get("template_version")),
            )
        except services.StaleAdoption:
            messages.error(
                request, _("Nettverket har publisert malen på nytt. Se gjennom endringene igjen.")
            )
            status = 409
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            status = 400
        else:
            messages.success(request, _("Endringene er tatt inn i planen."))
            return redirect("network-plan-template-changes", plan.pk)
        adoption.refresh_from_db()
    latest, pending = services.pending_changes(adoption)
    context = plan_context(
        request,
        plan,
        "template",
        adoption=adoption,
        latest=latest,
        changes=[describe(change) for change in pending],
    )
    return render(request, "template_adoptions/changes.html", context, status=status)
