"""The package catalogue's pages on the public host (any signed-in user).

`/pakker/`: every published package (and the drafts of the user's own consultancies),
filtered by consultancy and item kind, with the price excluding and including VAT.
`/pakker/<pk>/`: one package, its items by week from the start, and the price summary
with the VAT per category, from `billing.pricing` (the figures the invoice will carry).
For the consultancy's members (and operators) the same page publishes, unpublishes and
deletes the package (POST with the version seen: someone else's change first is 409);
editing the items in a page comes with the orders (the API edits packages today).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from billing import access
from billing.api import filtered, price_of
from billing.kinds import KINDS
from billing.models import Consultancy, Package
from billing.services import packages as services
from samla.accounts.access import acting_user


@login_required
@require_GET
def package_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    visible = access.packages_for(user)
    chosen = {name: request.GET.get(name, "") for name in ("consultancy", "kind")}
    packages = list(
        filtered(visible, {k: v for k, v in chosen.items() if v}).order_by(
            "consultancy__name", "title", "id"
        )
    )
    rows = [{"package": package, "price": price_of(package)} for package in packages]
    consultancies = Consultancy.objects.filter(
        pk__in=visible.order_by().values("consultancy_id")
    ).order_by("name")
    return render(
        request,
        "billing/package_list.html",
        {
            "rows": rows,
            "consultancies": consultancies,
            "kinds": KINDS,
            "chosen": chosen,
            "manages": access.managed_consultancies(user).exists(),
        },
    )


ACTIONS = {
    "publish": (services.publish_package, gettext_lazy("Pakken er publisert i katalogen.")),
    "unpublish": (
        services.unpublish_package,
        gettext_lazy("Pakken er tatt ut av katalogen."),
    ),
}


def _act(request: HttpRequest, package: Package) -> HttpResponse | int:
    """Publish, unpublish or delete from the page: a redirect, or the status to show it with."""
    user = acting_user(request)
    access.require_manager(user, package.consultancy)
    action = request.POST.get("action", "")
    version = request.POST.get("version", "")
    try:
        if action == "delete":
            services.delete_package(user, package)
            messages.success(request, _("Pakken «%(title)s» er slettet.") % {"title": package})
            return redirect("billing:package-list")
        if action not in ACTIONS or not version.isdigit():
            messages.error(request, _("Ukjent handling."))
            return 400
        change, done = ACTIONS[action]
        change(user, package, version=int(version))
    except services.StalePackage:
        messages.error(request, _("Noen andre har endret pakken siden du hentet den."))
        return 409
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return 400
    messages.success(request, str(done))
    return redirect("billing:package-detail", pk=package.pk)


@login_required
@require_http_methods(["GET", "POST"])
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    package = access.get_package_for(user, pk)
    status = 200
    if request.method == "POST":
        answer = _act(request, package)
        if isinstance(answer, HttpResponse):
            return answer
        status = answer
        package = access.get_package_for(user, pk)
    price = price_of(package)
    context: dict[str, Any] = {
        "package": package,
        "price": price,
        "lines": price.lines,
        "manages": access.can_manage(user, package.consultancy),
    }
    return render(request, "billing/package_detail.html", context, status=status)
