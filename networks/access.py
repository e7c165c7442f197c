"""Who may see which network and its members: lookups that answer 404 for "not yours".

- A platform operator sees every network and its members.
- A network's coordinator sees that network and its members (another network's
  coordinator gets 404 for it, as for an id that does not exist).
- A member of a municipality sees the networks the municipality currently belongs to,
  but not the member list: other municipalities' names are not shown to a municipality
  unless the network compares openly (a later setting), so for now the members are the
  coordinators' and operators' only (403, since the network itself is visible).
- A municipality's own memberships are looked up through the municipality of the host,
  so another municipality's membership id is 404.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from networks.models import LearningNetwork, NetworkMembership
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
    return networks.filter(
        Q(pk__in=coordinated.values("network_id")) | Q(pk__in=member_of.values("network_id"))
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
