"""The one place that decides what a user may reach on a host.

Pages go through TenantAccessMiddleware, the API through the TenantAccess permission;
both ask `active_membership`. A host the user has no role in looks like it does not
exist: the same 404 as an unknown id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants.models import Municipality

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def open_view(view: ViewFunc) -> ViewFunc:
    """Mark a view as reachable without membership (login, logout, health)."""
    view.samla_open = True  # type: ignore[attr-defined]
    return view


def tenant_of(request: Any) -> Municipality:
    """The municipality (or the public tenant) django-tenants resolved for this request."""
    tenant: Municipality = request.tenant
    return tenant


def acting_user(request: Any) -> User:
    """The signed-in user of a request that the access layer has let through."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def is_public(tenant: Municipality) -> bool:
    return bool(tenant.schema_name == get_public_schema_name())


def active_membership(
    user: AbstractBaseUser | AnonymousUser, municipality: Municipality
) -> MunicipalityMembership | None:
    """The user's current role in the municipality, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    return (
        MunicipalityMembership.objects.active()
        .filter(user_id=user.pk, municipality_id=municipality.pk)
        .first()
    )


def membership_of(request: HttpRequest) -> MunicipalityMembership | None:
    """The membership resolved for this request by the access layer."""
    return getattr(request, "membership", None)


WRITE_ROLES = frozenset({MunicipalityRole.LEADER, MunicipalityRole.EDITOR})
LEADER_ROLES = frozenset({MunicipalityRole.LEADER})


def roles_of(user: AbstractBaseUser, tenant: Municipality) -> dict[str, Any]:
    """The user's roles as seen from a host: there only, or everywhere on the public host."""
    if not is_public(tenant):
        membership = active_membership(user, tenant)
        return {"municipality": _membership_json(membership) if membership else None}
    memberships = (
        MunicipalityMembership.objects.active()
        .filter(user_id=user.pk)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    coordinator_roles = user.coordinator_roles.select_related(  # type: ignore[attr-defined]
        "network", "competence_base"
    )
    return {
        "municipalities": [_membership_json(m) for m in memberships],
        "networks": [
            {"slug": r.network.slug, "name": r.network.name, "role": "coordinator"}
            for r in coordinator_roles
            if r.network_id
        ],
        "competence_bases": [
            {"slug": r.competence_base.slug, "name": r.competence_base.name, "role": "coordinator"}
            for r in coordinator_roles
            if r.competence_base_id
        ],
        "consultancies": [
            {"slug": m.consultancy.slug, "name": m.consultancy.name, "role": "member"}
            for m in user.consultancy_roles.select_related("consultancy")  # type: ignore[attr-defined]
        ],
        "operator": hasattr(user, "operator_role"),
    }


def _membership_json(membership: MunicipalityMembership) -> dict[str, Any]:
    return {
        "slug": membership.municipality.slug,
        "name": membership.municipality.name,
        "role": membership.role,
        "role_display": str(membership.get_role_display()),
        "valid_until": membership.valid_until.isoformat() if membership.valid_until else None,
    }
