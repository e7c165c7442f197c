"""Who sees and edits which programme package: lookups that answer 404 for "not yours".

- Any signed-in user sees the catalogue: every consultancy's published packages.
- A consultancy's members also see its drafts, and create, edit, publish and delete its
  packages; platform operators see and manage every package.
- A draft of another consultancy is 404 (as an id that does not exist); a published
  package of another consultancy is visible, and changing it is 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from billing.models import Consultancy, Package, PackageItem, PackageStatus
from networks.access import User, is_operator
from samla.accounts.models import ConsultancyMembership


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
