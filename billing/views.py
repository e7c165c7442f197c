"""The package catalogue's pages on the public host (any signed-in user).

`/pakker/`: every published package (and the drafts of the user's own consultancies),
filtered by consultancy and item kind, with the price excluding and including VAT.
`/pakker/<pk>/`: one package, its items by week from the start, and the price summary
with the VAT per category, from `billing.pricing` (the figures the invoice will carry).
The consultancy's package editor comes with the orders (the API edits packages today).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from billing import access
from billing.api import filtered, price_of
from billing.kinds import KINDS
from billing.models import Consultancy
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


@login_required
@require_GET
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    package = access.get_package_for(user, pk)
    price = price_of(package)
    context: dict[str, Any] = {
        "package": package,
        "price": price,
        "lines": price.lines,
        "manages": access.can_manage(user, package.consultancy),
    }
    return render(request, "billing/package_detail.html", context)
