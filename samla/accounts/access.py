"""The one place that decides what a user may reach on a host.

Pages go through TenantAccessMiddleware, the API through the TenantAccess permission;
both ask `membership_for_request`: the user's own role (`active_membership`), or else a
network coordinator's read-only plan grant (`plan_grant`). A host the user has no role
in looks like it does not exist: the same 404 as an unknown id.

The plan grant: a coordinator of a network in which the municipality is a current
member that shares its plans (`Sharing.PLANS`) reads that municipality's plans, as a
viewer would, on the plan pages and the plans API (the URL namespaces in
`GRANT_NAMESPACES`) with safe methods only. Anything else on the host (its home page,
integrations, memberships, a write of any kind) is 404 for them, as for anyone without a
role; and the service layer, which asks `active_membership` itself, never sees the grant.
It ends the moment the municipality shares figures only again or leaves the network.

The consultant grant (`billing.models.ConsultantGrant`): while a confirmed order runs, the
members of its consultancy who have no membership of their own in the buying municipality
act there as consultants (`active_membership` answers an unsaved consultant membership that
ends with the grant), so the pages, the API and the services that ask for a role see it.
A person's own membership row is never touched and wins; the grant costs one query, only
when there is no membership.

The lapsed licence: a municipality whose current licence (`billing.models.Licence`, today
within its dates) has lapsed keeps read access and export; every unsafe request on its host
is refused (`LicenceLapsed`, 403 with a Norwegian message) and pages show a banner. Whether
it has lapsed is read in the membership's own query (`licence_lapsed` on the membership),
so it costs no query of its own; a municipality without licence rows is unaffected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tenants.utils import get_public_schema_name

from billing.models import ConsultantGrant, Licence, LicenceStatus
from networks.models import NetworkMembership, Sharing
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


def _licence_lapsed() -> Exists:
    """Whether the row's municipality's current licence has lapsed (for `annotate`)."""
    today = timezone.localdate()
    return Exists(
        Licence.objects.filter(
            municipality_id=OuterRef("municipality_id"),
            valid_from__lte=today,
            valid_until__gte=today,
            status=LicenceStatus.LAPSED,
        )
    )


def active_membership(
    user: AbstractBaseUser | AnonymousUser, municipality: Municipality
) -> MunicipalityMembership | None:
    """The user's current role in the municipality: their own, else the consultant role a
    running grant of their consultancy gives them; None without either."""
    if not user.is_authenticated or not user.is_active:
        return None
    own = (
        MunicipalityMembership.objects.active()
        .filter(user_id=user.pk, municipality_id=municipality.pk)
        .annotate(licence_lapsed=_licence_lapsed())
        .first()
    )
    if own is not None:
        return own
    return consultant_grant(user, municipality)


def consultant_grant(
    user: AbstractBaseUser, municipality: Municipality
) -> MunicipalityMembership | None:
    """The unsaved consultant membership a current, unrevoked grant of one of the user's
    consultancies gives them in the municipality (ending with the grant), or None."""
    today = timezone.localdate()
    found = (
        ConsultantGrant.objects.filter(
            municipality_id=municipality.pk,
            consultancy__members__user_id=user.pk,
            valid_from__lte=today,
            valid_until__gte=today,
            revoked_at__isnull=True,
        )
        .annotate(licence_lapsed=_licence_lapsed())
        .order_by("-valid_until")
        .values_list("valid_until", "licence_lapsed")
        .first()
    )
    if found is None:
        return None
    valid_until, lapsed = found
    # Nothing saves it: pages and HasRole read `.role`, the services read it through
    # active_membership.
    granted = MunicipalityMembership(
        user_id=user.pk,
        municipality=municipality,
        role=MunicipalityRole.CONSULTANT,
        valid_until=valid_until,
    )
    granted.via_consultant_grant = True  # type: ignore[attr-defined]
    granted.licence_lapsed = lapsed  # type: ignore[attr-defined]
    return granted


GRANT_NAMESPACES = frozenset({"plans", "plan_pages"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def plan_grant(user: AbstractBaseUser | AnonymousUser, municipality: Municipality) -> bool:
    """Whether a network coordinator may read the municipality's plans (it shares them)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(
        NetworkMembership.objects.current()
        .filter(
            municipality_id=municipality.pk,
            sharing=Sharing.PLANS,
            network__coordinators__user_id=user.pk,
        )
        .exists()
    )


def consultant_grants_of(user: AbstractBaseUser) -> list[MunicipalityMembership]:
    """The unsaved consultant memberships the user's consultancies' running grants give,
    one per municipality (the latest end), by municipality name."""
    today = timezone.localdate()
    grants = (
        ConsultantGrant.objects.filter(
            consultancy__members__user_id=user.pk,
            valid_from__lte=today,
            valid_until__gte=today,
            revoked_at__isnull=True,
        )
        .select_related("municipality")
        .order_by("municipality__name", "municipality_id", "-valid_until")
    )
    found: dict[int, MunicipalityMembership] = {}
    for grant in grants:
        if grant.municipality_id not in found:
            granted = MunicipalityMembership(
                user_id=user.pk,
                municipality=grant.municipality,
                role=MunicipalityRole.CONSULTANT,
                valid_until=grant.valid_until,
            )
            granted.via_consultant_grant = True  # type: ignore[attr-defined]
            found[grant.municipality_id] = granted
    return list(found.values())


LICENCE_LAPSED_MESSAGE = gettext_lazy(
    "Lisensen er utløpt: dere kan lese og eksportere, men ikke endre. Kontakt Samla for å "
    "fornye lisensen."
)


class LicenceLapsed(PermissionDenied):
    """An unsafe request to a municipality whose licence has lapsed (403)."""

    def __init__(self, membership: MunicipalityMembership) -> None:
        super().__init__(str(LICENCE_LAPSED_MESSAGE))
        self.membership = membership


def licence_lapsed(membership: MunicipalityMembership | None) -> bool:
    """Whether the membership's municipality's current licence has lapsed (read with it)."""
    return bool(getattr(membership, "licence_lapsed", False))


def is_granted(membership: MunicipalityMembership | None) -> bool:
    """Whether the request's membership stands for the coordinator's plan grant."""
    return bool(getattr(membership, "via_plan_grant", False))


def membership_for_request(
    request: HttpRequest, user: AbstractBaseUser | AnonymousUser, municipality: Municipality
) -> MunicipalityMembership | None:
    """The user's role on this request: their own (or a consultancy's grant), else the
    read-only plan grant where the request is a safe one to the plans; None (404) otherwise.
    An unsafe request while the municipality's licence has lapsed: `LicenceLapsed`."""
    membership = active_membership(user, municipality)
    if membership is not None:
        if request.method not in SAFE_METHODS and licence_lapsed(membership):
            raise LicenceLapsed(membership)
        return membership
    match = getattr(request, "resolver_match", None)
    if (
        request.method in SAFE_METHODS
        and match is not None
        and GRANT_NAMESPACES.intersection(match.namespaces)
        and plan_grant(user, municipality)
    ):
        # An unsaved viewer role: pages and HasRole read `.role`; nothing writes with it.
        granted = MunicipalityMembership(
            user_id=user.pk or 0, municipality=municipality, role=MunicipalityRole.VIEWER
        )
        granted.via_plan_grant = True  # type: ignore[attr-defined]
        return granted
    return None


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
    own = list(
        MunicipalityMembership.objects.active()
        .filter(user_id=user.pk)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    held = {membership.municipality_id for membership in own}
    granted = [m for m in consultant_grants_of(user) if m.municipality_id not in held]
    # Without grants, the database's order (its collation) stands.
    memberships = sorted([*own, *granted], key=lambda m: m.municipality.name) if granted else own
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
