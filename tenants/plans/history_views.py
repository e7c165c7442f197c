"""The plan's history page: every change (or one object's), and restoring deleted parts.

Thin: reads through `history`, restores through `services.restore_deleted`; readers see
the history but no restore buttons, and their POST is refused (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samla.accounts.access import acting_user, tenant_of
from tenants.plans import access, history, services
from tenants.plans.views import NAMESPACE, int_or_none, plan_context, require_write

SHOWN_CHANGES = 200


def plan_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET: the changes, newest first; POST `change=<id>`: restore that deletion."""
    plan = access.get_plan_for(plan_id)
    status = 200
    if request.method == "POST":
        require_write(request)
        change_id = int_or_none(request.POST.get("change"))
        change = (
            None if change_id is None else history.changes_for(plan).filter(pk=change_id).first()
        )
        if change is None:
            raise Http404
        try:
            restored = services.restore_deleted(
                tenant_of(request), plan, acting_user(request), change.pk
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            status = 400
        else:
            messages.success(
                request, _("«%(what)s» er gjenopprettet.") % {"what": str(restored)[:120]}
            )
            return redirect(f"{NAMESPACE}:history", plan.pk)

    changes = history.changes_for(plan)
    object_type, object_id = request.GET.get("type"), int_or_none(request.GET.get("object"))
    if object_type and object_id:
        changes = changes.filter(object_type=object_type, object_id=object_id)
    rows = history.change_rows(changes[:SHOWN_CHANGES])
    context = plan_context(
        request,
        plan,
        "history",
        rows=rows,
        deleted=list(history.deleted_parts(plan)[:SHOWN_CHANGES]),
        filtered=bool(object_type and object_id),
    )
    return render(request, "plans/history/page.html", context, status=status)
