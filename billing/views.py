"""Billing's pages: the catalogue, the package editor, a consultancy's orders and revenue,
and a municipality's order flow and order pages.

The catalogue, on the public host and on a municipality's host (there: published packages
only):
`/pakker/`: every published package (and the drafts of the user's own consultancies),
filtered by consultancy and item kind, with the price excluding and including VAT.
`/pakker/<pk>/`: one package, its items by week from the start, and the price summary
with the VAT per category, from `billing.pricing` (the figures the invoice will carry).
For the consultancy's members (and operators), on the public host, the same page
publishes, unpublishes and deletes the package (POST with the version seen: someone
else's change first is 409); on a municipality's host its leader orders it from there.

The consultancy's side (public host, its members and operators): `/selskaper/` and
`/selskaper/<slug>/` (its packages, the Stripe account and its onboarding link),
`/selskaper/<slug>/pakker/ny/` and `/pakker/<pk>/rediger/` (the package editor: fields
and item rows, through `billing.services.packages`), `/selskaper/<slug>/bestillinger/`
and `/selskaper/<slug>/inntekter/` (revenue by month, `billing.queries`).

The buyer's side (a municipality's host): `/pakker/<pk>/bestill/` (form, price summary,
confirmation: `billing.services.orders.place_order` and `confirm_order` in one
transaction), `/bestillinger/` and `/bestillinger/<pk>/` (lines, invoices with KID, due
date, the Stripe link and the EHF file, events). `/bestillinger/<pk>/` on the public host
is the seller's view of the same order. Only the municipality's leader sees the order's
buttons; everyone else reads.
"""

from __future__ import annotations

from typing import Any

import stripe
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from billing import access, forms, pricing, queries, stripe_gateway
from billing.api import filtered, price_of
from billing.kinds import KINDS
from billing.models import (
    Consultancy,
    InvoiceKind,
    Order,
    OrderStatus,
    Package,
    PackageStatus,
)
from billing.services import invoices as invoice_services
from billing.services import orders as order_services
from billing.services import packages as services
from billing.services.transitions import TransitionRefused
from billing.states import ORDER_ACTIONS, order_actions_from
from samla.accounts.access import acting_user, is_public, tenant_of
from tenants.models import Municipality
from tenants.plans.forms import add_service_errors


def host_municipality(request: HttpRequest) -> Municipality | None:
    """The municipality whose host this is; None on the public host."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or is_public(tenant):
        return None
    return tenant_of(request)


def _catalogue(request: HttpRequest) -> QuerySet[Package]:
    """The packages the user sees here: on a municipality's host the published ones only."""
    visible = access.packages_for(acting_user(request))
    if host_municipality(request) is not None:
        visible = visible.filter(status=PackageStatus.PUBLISHED)
    return visible


# The catalogue ----------------------------------------------------------------------------


@login_required
@require_GET
def package_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    visible = _catalogue(request)
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
    on_public = host_municipality(request) is None
    return render(
        request,
        "billing/package_list.html",
        {
            "rows": rows,
            "consultancies": consultancies,
            "kinds": KINDS,
            "chosen": chosen,
            "manages": on_public and access.managed_consultancies(user).exists(),
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
            return redirect("billing_pages:consultancy", slug=package.consultancy.slug)
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


def _visible_package(request: HttpRequest, pk: int) -> Package:
    package = _catalogue(request).filter(pk=pk).first()
    if package is None:
        raise Http404(_("Fant ikke pakken."))
    return package


@login_required
@require_http_methods(["GET", "POST"])
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    municipality = host_municipality(request)
    package = _visible_package(request, pk)
    status = 200
    if request.method == "POST":
        if municipality is not None:
            raise PermissionDenied(_("Pakkene endres på konsulentselskapets sider."))
        answer = _act(request, package)
        if isinstance(answer, HttpResponse):
            return answer
        status = answer
        package = _visible_package(request, pk)
    price = price_of(package)
    context: dict[str, Any] = {
        "package": package,
        "price": price,
        "lines": price.lines,
        "manages": municipality is None and access.can_manage(user, package.consultancy),
        "orders": municipality is not None and access.is_buyer_leader(user, municipality),
    }
    return render(request, "billing/package_detail.html", context, status=status)


# The package editor (public host) ---------------------------------------------------------


def _editor(
    request: HttpRequest,
    consultancy: Consultancy,
    form: forms.PackageForm,
    items: forms.ItemFormSet,
    *,
    package: Package | None = None,
    item_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "consultancy": consultancy,
        "package": package,
        "form": form,
        "items": items,
        "item_errors": item_errors or [],
        "creating": package is None,
        "kinds": KINDS,
    }
    return render(request, "billing/package_form.html", context, status=status)


def _put_errors(form: forms.PackageForm, error: ValidationError) -> list[str]:
    """A service's errors on the form by field; the items' errors returned apart."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return []
    found = dict(error.message_dict)
    item_errors = found.pop("items", [])
    for name in ("version", "__all__", "slug"):
        if name in found:
            form.add_error(None, found.pop(name))
    if found:
        add_service_errors(form, ValidationError(found))
    return item_errors


@login_required
@require_http_methods(["GET", "POST"])
def package_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new draft package of the consultancy, with its item rows."""
    user = acting_user(request)
    consultancy = _managed(user, slug)
    pages = forms.programme_pages(consultancy)
    if request.method != "POST":
        form = forms.PackageForm(pages=pages)
        return _editor(request, consultancy, form, forms.ItemFormSet(initial=[{}]))
    if request.POST.get("action") == "add_item":
        typed = forms.unbound_values(forms.PackageForm, request.POST)
        form = forms.PackageForm(initial=typed, pages=pages)
        items = forms.ItemFormSet(forms.with_added_row(request.POST))
        return _editor(request, consultancy, form, items)
    form = forms.PackageForm(request.POST, pages=pages)
    items = forms.ItemFormSet(request.POST)
    if not (form.is_valid() & items.is_valid()):
        return _editor(request, consultancy, form, items, status=400)
    try:
        package = services.create_package(
            user, consultancy, {**form.service_data(), "items": items.items()}
        )
    except ValidationError as exc:
        errors = _put_errors(form, exc)
        return _editor(request, consultancy, form, items, item_errors=errors, status=400)
    messages.success(request, _("Pakken er lagret som utkast."))
    return redirect("billing:package-detail", pk=package.pk)


def _edit_forms(package: Package, data: Any = None) -> tuple[forms.PackageForm, forms.ItemFormSet]:
    pages = forms.programme_pages(package.consultancy)
    form = forms.PackageForm(data, initial=forms.package_initial(package), pages=pages)
    items = forms.ItemFormSet(data, initial=forms.items_initial(package))
    return form, items


@login_required
@require_http_methods(["GET", "POST"])
def package_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's fields and items (a published package is unpublished first)."""
    user = acting_user(request)
    package = access.get_package_for(user, pk)
    access.require_manager(user, package.consultancy)
    consultancy = package.consultancy
    if request.method != "POST":
        form, items = _edit_forms(package)
        return _editor(request, consultancy, form, items, package=package)
    if request.POST.get("action") == "add_item":
        typed = forms.unbound_values(forms.PackageForm, request.POST)
        form = forms.PackageForm(initial=typed, pages=forms.programme_pages(consultancy))
        items = forms.ItemFormSet(forms.with_added_row(request.POST))
        return _editor(request, consultancy, form, items, package=package)
    form, items = _edit_forms(package, request.POST)
    if not (form.is_valid() & items.is_valid()):
        return _editor(request, consultancy, form, items, package=package, status=400)
    try:
        services.update_package(
            user,
            package,
            {**form.service_data(), "items": items.items()},
            version=form.edited_version,
        )
    except services.StalePackage:
        fresh = access.get_package_for(user, pk)
        form, items = _edit_forms(fresh)
        form.stale = True
        return _editor(request, consultancy, form, items, package=fresh, status=409)
    except ValidationError as exc:
        errors = _put_errors(form, exc)
        return _editor(
            request, consultancy, form, items, package=package, item_errors=errors, status=400
        )
    messages.success(request, _("Endringene i pakken er lagret."))
    return redirect("billing:package-detail", pk=package.pk)


# The consultancy's pages (public host) ----------------------------------------------------


def _managed(user: Any, slug: str) -> Consultancy:
    """A consultancy the user acts for; 404 for any other (as for one that does not exist)."""
    consultancy = access.managed_consultancies(user).filter(slug=slug).first()
    if consultancy is None:
        raise Http404(_("Fant ikke konsulentselskapet."))
    return consultancy


def _public_only(request: HttpRequest) -> None:
    if host_municipality(request) is not None:
        raise Http404


@login_required
@require_GET
def consultancy_list(request: HttpRequest) -> HttpResponse:
    """The consultancies the user acts for (operators: all of them)."""
    consultancies = access.managed_consultancies(acting_user(request)).order_by("name")
    return render(request, "billing/consultancy_list.html", {"rows": list(consultancies)})


def _stripe_onboarding(request: HttpRequest, consultancy: Consultancy) -> HttpResponse:
    """To Stripe's onboarding of the consultancy's connected account (made on first use)."""
    if not stripe_gateway.enabled():
        messages.error(request, _("Kortbetaling er ikke satt opp."))
        return redirect("billing_pages:consultancy", slug=consultancy.slug)
    here = request.build_absolute_uri(
        reverse("billing_pages:consultancy", kwargs={"slug": consultancy.slug})
    )
    try:
        link = stripe_gateway.onboarding_link(consultancy, here, here)
    except stripe.StripeError:
        messages.error(request, _("Stripe svarte ikke. Prøv igjen om litt."))
        return redirect("billing_pages:consultancy", slug=consultancy.slug)
    return HttpResponseRedirect(link)


@login_required
@require_http_methods(["GET", "POST"])
def consultancy_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """The consultancy's packages, its Stripe account and links to its orders and revenue."""
    consultancy = _managed(acting_user(request), slug)
    if request.method == "POST":
        if request.POST.get("action") != "stripe":
            messages.error(request, _("Ukjent handling."))
            return redirect("billing_pages:consultancy", slug=slug)
        return _stripe_onboarding(request, consultancy)
    packages = list(
        Package.objects.filter(consultancy=consultancy)
        .select_related("consultancy")
        .prefetch_related("items")
        .order_by("title", "id")
    )
    rows = [{"package": package, "price": price_of(package)} for package in packages]
    context = {
        "consultancy": consultancy,
        "rows": rows,
        "stripe_enabled": stripe_gateway.enabled(),
    }
    return render(request, "billing/consultancy_overview.html", context)


@login_required
@require_GET
def consultancy_orders(request: HttpRequest, slug: str) -> HttpResponse:
    """The consultancy's orders, newest first, with what is invoiced and paid on each."""
    user = acting_user(request)
    consultancy = _managed(user, slug)
    orders = queries.order_rows(
        access.orders_for(user, None).filter(consultancy=consultancy)
    ).order_by("-created_at", "-id")
    context = {"consultancy": consultancy, "rows": list(orders), "seller": True}
    return render(request, "billing/consultancy_orders.html", context)


@login_required
@require_GET
def consultancy_revenue(request: HttpRequest, slug: str) -> HttpResponse:
    """Invoiced by month: net, VAT, gross, Samla's fee, paid and open."""
    consultancy = _managed(acting_user(request), slug)
    months = queries.revenue_by_month(consultancy)
    context = {
        "consultancy": consultancy,
        "rows": months,
        "total": queries.revenue_total(months),
    }
    return render(request, "billing/consultancy_revenue.html", context)


# The buyer's pages (a municipality's host) and the order page (both hosts) ----------------


def _municipality(request: HttpRequest) -> Municipality:
    municipality = host_municipality(request)
    if municipality is None:
        raise Http404
    return municipality


def _plans() -> list[tuple[int, str]]:
    """The municipality's plans, in its schema (the host's)."""
    from tenants.plans.models import Plan

    return list(Plan.objects.order_by("title").values_list("pk", "title"))


def _order_form_page(
    request: HttpRequest,
    package: Package,
    form: forms.OrderForm,
    *,
    summary: pricing.PackagePrice | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "package": package,
        "form": form,
        "price": price_of(package),
        "summary": summary,
        "hidden": forms.hidden_copy(form) if summary is not None else [],
        "chosen": forms.chosen_labels(form) if summary is not None else {},
        "has_plans": len(form.fields["plan"].choices) > 1,  # type: ignore[attr-defined]
        "end_date": (
            order_services.end_of(form.cleaned_data["start_date"], package.duration_weeks)
            if summary is not None
            else None
        ),
    }
    return render(request, "billing/order_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Order a package: the form, then its summary with prices, then the confirmation."""
    user = acting_user(request)
    municipality = _municipality(request)
    package = _visible_package(request, pk)
    if not access.is_buyer_leader(user, municipality):
        raise PermissionDenied(_("Bare kommunens prosjektleder bestiller pakker."))
    plans = _plans()
    if request.method != "POST":
        last = Order.objects.filter(municipality_id=municipality.pk).order_by("-created_at").first()
        initial = forms.order_initial(municipality.name, municipality.org_number, last)
        return _order_form_page(request, package, forms.OrderForm(initial=initial, plans=plans))
    form = forms.OrderForm(request.POST, plans=plans)
    if not form.is_valid():
        return _order_form_page(request, package, form, status=400)
    if request.POST.get("action") == "edit":
        return _order_form_page(request, package, form)
    if request.POST.get("action") != "confirm":
        return _order_form_page(request, package, form, summary=price_of(package))
    try:
        with transaction.atomic():
            order = order_services.place_order(user, municipality, package, form.service_data())
            order = order_services.confirm_order(user, order, version=order.version)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _order_form_page(request, package, form, status=400)
    messages.success(request, _("Bestillingen er bekreftet."))
    return redirect("billing_pages:order", pk=order.pk)


@login_required
@require_GET
def municipality_orders(request: HttpRequest) -> HttpResponse:
    """The municipality's orders, newest first."""
    user = acting_user(request)
    municipality = _municipality(request)
    orders = queries.order_rows(access.orders_for(user, municipality)).order_by(
        "-created_at", "-id"
    )
    context = {
        "rows": list(orders),
        "leader": access.is_buyer_leader(user, municipality),
    }
    return render(request, "billing/order_list.html", context)


ORDER_BUTTONS = ("confirm", "cancel")


def _order_action(request: HttpRequest, order: Order) -> HttpResponse | int:
    """Confirm or cancel from the order page (the leader): a redirect, or the status."""
    user = acting_user(request)
    action = request.POST.get("action", "")
    version = request.POST.get("version", "")
    if action not in ORDER_BUTTONS or not version.isdigit():
        messages.error(request, _("Ukjent handling."))
        return 400
    try:
        if action == "confirm":
            order_services.confirm_order(user, order, version=int(version))
            messages.success(request, _("Bestillingen er bekreftet."))
        else:
            reason = request.POST.get("reason", "")[:500]
            order_services.cancel_order(user, order, version=int(version), reason=reason)
            messages.success(request, _("Bestillingen er kansellert."))
    except order_services.StaleOrder:
        messages.error(request, _("Noen andre har endret bestillingen siden du hentet den."))
        return 409
    except (TransitionRefused, order_services.OrderConflict) as exc:
        messages.error(request, str(exc))
        return 409
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return 400
    return redirect("billing_pages:order", pk=order.pk)


def _action_label(action: str) -> str:
    known = ORDER_ACTIONS.get(action)
    if action == "place":
        return _("Bestilt")
    return str(known.label) if known is not None else action


def _seller_action(request: HttpRequest, order: Order) -> HttpResponse | int:
    """The seller records a line as held on a day, completes the order when every line is
    delivered, or credits one of its invoices (a paid one before the order is cancelled): a
    redirect, or the status to show the page with."""
    user = acting_user(request)
    action = request.POST.get("action", "")
    try:
        if action == "deliver" and request.POST.get("line", "").isdigit():
            line = order_services.record_delivery(
                user, order, int(request.POST["line"]), request.POST.get("held_on", "")
            )
            done = _("Leveringen av «%(name)s» er registrert.") % {"name": line.name}
        elif action == "complete" and request.POST.get("version", "").isdigit():
            order_services.complete_order(user, order, version=int(request.POST["version"]))
            done = _("Bestillingen er fullført.")
        elif action == "credit" and request.POST.get("invoice", "").isdigit():
            invoice = order.invoices.filter(
                pk=int(request.POST["invoice"]), kind=InvoiceKind.INVOICE
            ).first()
            if invoice is None:
                raise ValidationError(_("Velg en av bestillingens fakturaer."))
            note = invoice_services.credit_invoice(
                invoice, user, request.POST.get("reason", "")[:500]
            )
            done = _("Faktura %(number)s er kreditert med kreditnota %(note)s.") % {
                "number": invoice.number,
                "note": note.number,
            }
        else:
            messages.error(request, _("Ukjent handling."))
            return 400
    except order_services.StaleOrder:
        messages.error(request, _("Noen andre har endret bestillingen siden du hentet den."))
        return 409
    except (TransitionRefused, invoice_services.NotCreditable) as exc:
        messages.error(request, str(exc))
        return 409
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return 400
    messages.success(request, done)
    return redirect("billing_pages:order", pk=order.pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An order: lines with dates and delivery, the price, invoices and events."""
    user = acting_user(request)
    municipality = host_municipality(request)
    visible = access.orders_for(user, municipality)
    if visible.filter(pk=pk).first() is None:
        raise Http404(_("Fant ikke bestillingen."))
    leader = municipality is not None and access.is_buyer_leader(user, municipality)
    seller = municipality is None  # the public host shows sellers (and operators) only
    status = 200
    if request.method == "POST":
        if not (leader or seller):
            raise PermissionDenied(_("Bare kommunens prosjektleder endrer bestillingen."))
        act = _order_action if leader else _seller_action
        answer = act(request, visible.get(pk=pk))
        if isinstance(answer, HttpResponse):
            return answer
        status = answer
    order = queries.order_page(visible, pk)
    assert order is not None
    lines = list(order.lines.all())
    buttons = []
    if leader:
        allowed = {action.name for action in order_actions_from(order.status)}
        buttons = [ORDER_ACTIONS[name] for name in ORDER_BUTTONS if name in allowed]
    context = {
        "order": order,
        "lines": lines,
        "price": pricing.price_items(lines, order.consultancy),
        "invoices": list(order.invoices.all()),
        "events": [
            {"event": event, "label": _action_label(event.action)} for event in order.events.all()
        ],
        "buttons": buttons,
        "delivers": seller and order.status in ORDER_ACTIONS["deliver"].sources,
        "credits": seller,
        "completes": seller
        and order.status in ORDER_ACTIONS["complete"].sources
        and all(line.delivered_on is not None for line in lines),
        "today": timezone.localdate(),
        "on_public": municipality is None,
        "stripe_enabled": stripe_gateway.enabled(),
        "draft": order.status == OrderStatus.DRAFT,
    }
    return render(request, "billing/order_detail.html", context, status=status)
