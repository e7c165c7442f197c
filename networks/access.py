"""Who may see which network and its members: lookups that answer 404 for "not yours".

- A platform operator sees every network and its members.
- A network's coordinator sees that network and its members (another network's
  coordinator gets 404 for it, as for an id that does not exist).
- A coordinator of a competence base sees the networks its municipalities currently
  belong to, and in their comparison the rows of its own municipalities only (the
  medians stay the network's). It does not manage members and gets no plan grant.
- A member of a municipality sees the networks the municipality currently belongs to,
  but not the member list (403, since the network itself is visible); in the comparison
  it sees its own figures beside the network's medians, and other municipalities' rows
  and names only where the network compares openly (`comparison_scope`).
- A municipality's own memberships are looked up through the municipality of the host,
  so another municipality's membership id is 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from networks.models import LearningNetwork, NetworkMembership, OpenComparisonConsent
from samla.accounts.models import CoordinatorRole, MunicipalityMembership, PlatformOperator
from tenants.models import Municipality

User = AbstractBaseUser | AnonymousUser


def is_operator(user: User) -> bool:
    return bool(user.is_authenticated and PlatformOperator.objects.filter(user_id=user.pk).exists())


def coordinates(user: User, network: LearningNetwork) -> bool:
    """Whether the user is one of the network's coordinators."""
    return bool(
        user.is_authenticated
        and CoordinatorRole.objects.filter(user_id=user.pk, network_id=network.pk).exists()
    )


def networks_for(user: User) -> QuerySet[LearningNetwork]:
    """The networks the user may see: coordinated, belonged to, or all for operators."""
    networks = LearningNetwork.objects.all()
    if not user.is_authenticated or not user.is_active:
        return networks.none()
    if is_operator(user):
        return networks
    coordinated = CoordinatorRole.objects.filter(user_id=user.pk, network__isnull=False)
    municipalities = MunicipalityMembership.objects.active().filter(user_id=user.pk)
    member_of = NetworkMembership.objects.current().filter(
        municipality_id__in=municipalities.values("municipality_id")
    )
    in_bases = NetworkMembership.objects.current().filter(
        municipality__competence_bases__coordinators__user_id=user.pk
    )
    return networks.filter(
        Q(pk__in=coordinated.values("network_id"))
        | Q(pk__in=member_of.values("network_id"))
        | Q(pk__in=in_bases.values("network_id"))
    )


def get_network_for(user: User, network_id: int) -> LearningNetwork:
    """The network if the user may see it; 404 otherwise, as for an id that does not exist."""
    network = networks_for(user).filter(pk=network_id).first()
    if network is None:
        raise Http404(_("Fant ikke nettverket."))
    return network


def can_manage_members(user: User, network: LearningNetwork) -> bool:
    """Operators and the network's coordinators add and remove members, and see them."""
    return is_operator(user) or coordinates(user, network)


def require_member_manager(user: User, network: LearningNetwork) -> None:
    if not can_manage_members(user, network):
        raise PermissionDenied(
            _("Bare nettverkets koordinatorer og driftsoperatører ser og endrer medlemmene.")
        )


def current_member(network: LearningNetwork, municipality_id: int) -> NetworkMembership:
    """The municipality's current membership of the network, or 404."""
    membership = (
        NetworkMembership.objects.current()
        .select_related("municipality")
        .filter(network=network, municipality_id=municipality_id)
        .first()
    )
    if membership is None:
        raise Http404(_("Kommunen er ikke medlem av nettverket."))
    return membership


def memberships_of(municipality: Municipality) -> QuerySet[NetworkMembership]:
    """The municipality's current memberships, with their networks."""
    return (
        NetworkMembership.objects.current()
        .filter(municipality=municipality)
        .select_related("network")
        .order_by("network__name", "id")
    )


def get_membership_for(municipality: Municipality, membership_id: int) -> NetworkMembership:
    """One of the municipality's current memberships; 404 for anyone else's."""
    membership = memberships_of(municipality).filter(pk=membership_id).first()
    if membership is None:
        raise Http404(_("Fant ikke medlemskapet."))
    return membership


def get_network_by_slug_for(user: User, slug: str) -> LearningNetwork:
    """The network by its slug if the user may see it (the pages); 404 otherwise."""
    network = networks_for(user).filter(slug=slug).first()
    if network is None:
        raise Http404(_("Fant ikke nettverket."))
    return network


# The comparison -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonScope:
    """What one user sees of a network's comparison.

    `rows`: the municipalities whose rows (names and figures) are shown; None for every
    member. `own`: the user's own municipalities in the network (marked as such).
    `names`: whether other municipalities are named at all. `plan_links`: whether a row
    links to the municipality's plans where it shares them (the network's coordinators:
    the read-only grant of `samla.accounts.access.plan_grant` is theirs only).
    """

    rows: frozenset[int] | None
    own: frozenset[int]
    names: bool
    plan_links: bool
    manages: bool

    def shows(self, municipality_id: int) -> bool:
        return self.rows is None or municipality_id in self.rows


def open_comparison_in_force(network: LearningNetwork) -> bool:
    """The switch is on and every current member has a standing consent (one query)."""
    if not network.open_comparison:
        return False
    return not missing_consents(network).exists()


def missing_consents(network: LearningNetwork) -> QuerySet[NetworkMembership]:
    """Current memberships without a standing consent to open comparison."""
    consented = OpenComparisonConsent.objects.standing().values("membership_id")
    return (
        NetworkMembership.objects.current()
        .filter(network=network)
        .exclude(pk__in=consented)
        .select_related("municipality")
        .order_by("municipality__name")
    )


def comparison_scope(user: User, network: LearningNetwork) -> ComparisonScope:
    """The user's view of the network's comparison (the network is already theirs to see)."""
    if coordinates(user, network):
        return ComparisonScope(None, frozenset(), True, True, True)
    if is_operator(user):
        return ComparisonScope(None, frozenset(), True, False, True)
    user_id = int(user.pk) if user.pk is not None else 0
    members = NetworkMembership.objects.current().filter(network=network)
    own = frozenset(
        members.filter(
            municipality__memberships__in=MunicipalityMembership.objects.active().filter(
                user_id=user_id
            )
        ).values_list("municipality_id", flat=True)
    )
    in_bases = frozenset(
        members.filter(municipality__competence_bases__coordinators__user_id=user_id).values_list(
            "municipality_id", flat=True
        )
    )
    if open_comparison_in_force(network):
        return ComparisonScope(None, own, True, False, False)
    return ComparisonScope(own | in_bases, own, bool(in_bases), False, False)
