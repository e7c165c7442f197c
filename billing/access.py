"""Who sees and edits which programme package: lookups that answer 404 for "not yours".

- Any signed-in user sees the catalogue: every consultancy's published packages.
- A consultancy's members also see its drafts, and create, edit, publish and delete its
  packages; platform operators see and manage every package.
- A draft of another consultancy is 404 (as an id that does not exist); a published
  package of another consultancy is visible, and changing it is 403.
- Orders and invoices: on a municipality's host its members see its own; on the public
  host a consultancy's members see the consultancy's, operators all (below).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from billing.models import Consultancy, Invoice, Order, Package, PackageItem, PackageStatus
from networks.access import User, is_operator
from samla.accounts.models import ConsultancyMembership, MunicipalityMembership, MunicipalityRole
from tenants.models import Municipality


def is_member(user: User, consultancy: Consultancy | int) -> bool:
    consultancy_id = consultancy if isinstance(consultancy, int) else consultancy.pk
    return bool(
        user.is_authenticated
        and user.is_active
        and ConsultancyMembership.objects.filter(
            user_id=user.pk, consultancy_id=consultancy_id
        ).exists()
    )


def can_manage(user: User, consultancy: Consultancy | int) -> bool:
    return is_operator(user) or is_member(user, consultancy)


def require_manager(user: User, consultancy: Consultancy | int) -> None:
    if not can_manage(user, consultancy):
        raise PermissionDenied(
            _("Bare konsulentselskapets medlemmer og driftsoperatører endrer selskapets pakker.")
        )


def managed_consultancies(user: User) -> QuerySet[Consultancy]:
    """The consultancies whose packages the user manages."""
    if not user.is_authenticated or not user.is_active:
        return Consultancy.objects.none()
    if is_operator(user):
        return Consultancy.objects.all()
    return Consultancy.objects.filter(members__user_id=user.pk)


def get_managed_consultancy(user: User, consultancy_id: int) -> Consultancy:
    """A consultancy the user manages; 403 for one that exists and is not theirs, else 404."""
    consultancy = Consultancy.objects.filter(pk=consultancy_id).first()
    if consultancy is None:
        raise Http404(_("Fant ikke konsulentselskapet."))
    require_manager(user, consultancy)
    return consultancy


def packages_for(user: User) -> QuerySet[Package]:
    """The packages the user sees: published ones, and drafts of consultancies they manage.

    Ready for a list: consultancy joined, items prefetched in order (two queries in all).
    """
    packages = Package.objects.select_related("consultancy", "programme_page").prefetch_related(
        Prefetch("items", queryset=PackageItem.objects.order_by("order", "id"))
    )
    if not user.is_authenticated or not user.is_active:
        return packages.none()
    if is_operator(user):
        return packages
    own = ConsultancyMembership.objects.filter(user_id=user.pk).values("consultancy_id")
    return packages.filter(Q(status=PackageStatus.PUBLISHED) | Q(consultancy_id__in=own))


def get_package_for(user: User, package_id: int) -> Package:
    """The package if the user may see it; 404 otherwise, as for an id that does not exist."""
    package = packages_for(user).filter(pk=package_id).first()
    if package is None:
        raise Http404(_("Fant ikke pakken."))
    return package


# Orders and invoices ----------------------------------------------------------------------
#
# On a municipality's host (`municipality` given) its members (leader, editor, viewer) see
# its orders and invoices; only its leader orders, confirms, cancels and answers
# amendments. On the public host (`municipality` None) a consultancy's members see the
# consultancy's orders and invoices, operators all of them. Anything else is 404, as an id
# that does not exist.

BUYER_ROLES = (MunicipalityRole.LEADER, MunicipalityRole.EDITOR, MunicipalityRole.VIEWER)


def _buyer_member(user: User, municipality: Municipality) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and MunicipalityMembership.objects.active()
        .filter(user_id=user.pk, municipality_id=municipality.pk, role__in=BUYER_ROLES)
        .exists()
    )


def is_buyer_leader(user: User, municipality: Municipality) -> bool:
    """Whether the user is the municipality's leader today (orders, confirms, cancels)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and MunicipalityMembership.objects.active()
        .filter(user_id=user.pk, municipality_id=municipality.pk, role=MunicipalityRole.LEADER)
        .exists()
    )


def is_seller(user: User, consultancy: Consultancy | int) -> bool:
    """Whether the user acts for the consultancy: one of its members, or an operator."""
    return can_manage(user, consultancy)


def _own_consultancies(user: User) -> QuerySet[ConsultancyMembership]:
    if user.pk is None:
        return ConsultancyMembership.objects.none()
    return ConsultancyMembership.objects.filter(user_id=user.pk)


def orders_for(user: User, municipality: Municipality | None) -> QuerySet[Order]:
    """The orders the user sees on this host (municipality None: the public host)."""
    orders = Order.objects.select_related("consultancy", "municipality", "package")
    if not user.is_authenticated or not user.is_active:
        return orders.none()
    if municipality is not None:
        if not _buyer_member(user, municipality):
            return orders.none()
        return orders.filter(municipality_id=municipality.pk)
    if is_operator(user):
        return orders
    return orders.filter(consultancy_id__in=_own_consultancies(user).values("consultancy_id"))


def get_order_for(user: User, order_id: int, municipality: Municipality | None) -> Order:
    """The order if the user sees it on this host; 404 otherwise."""
    order = orders_for(user, municipality).filter(pk=order_id).first()
    if order is None:
        raise Http404(_("Fant ikke bestillingen."))
    return order


def invoices_for(user: User, municipality: Municipality | None) -> QuerySet[Invoice]:
    """The invoices and credit notes the user sees on this host (as `orders_for`; on a
    municipality's host its licence invoices too)."""
    invoices = Invoice.objects.select_related("consultancy", "municipality", "order")
    if not user.is_authenticated or not user.is_active:
        return invoices.none()
    if municipality is not None:
        if not _buyer_member(user, municipality):
            return invoices.none()
        return invoices.filter(municipality_id=municipality.pk)
    if is_operator(user):
        return invoices
    return invoices.filter(consultancy_id__in=_own_consultancies(user).values("consultancy_id"))


def get_invoice_for(user: User, invoice_id: int, municipality: Municipality | None) -> Invoice:
    """The invoice if the user sees it on this host; 404 otherwise."""
    invoice = invoices_for(user, municipality).filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404(_("Fant ikke fakturaen."))
    return invoice
