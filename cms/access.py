"""Who may read a CMS page: members-only pages are read by their network's members.

A page marked `members_only` (or under one) belongs to the network of its nearest
NetworkPage (the page itself or an ancestor). It is read by users with a current role in
a municipality that is a current member of that network, by the network's coordinators
and by operators. A members-only page outside any network is read by anyone with a
current role in some municipality. This reads Samla's own rows at request time rather
than copying membership into Wagtail view-restriction groups, so it never goes stale
(docs/decisions/0007-wagtail-public-schema-roles-as-groups.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from wagtail.models import Page

from networks.models import NetworkMembership
from samla.accounts.models import (
    CoordinatorRole,
    MunicipalityMembership,
    PlatformOperator,
    User,
)

if TYPE_CHECKING:
    from networks.models import LearningNetwork


def restricting_page(page: Page) -> Page | None:
    """The page itself or its nearest ancestor marked members-only, or None."""
    chain = [page, *page.get_ancestors().specific().order_by("-depth")]
    for candidate in chain:
        if getattr(candidate.specific, "members_only", False):
            return candidate.specific
    return None


def network_of(page: Page) -> LearningNetwork | None:
    """The network of the nearest NetworkPage at or above the page, or None."""
    from cms.models import NetworkPage

    if isinstance(page.specific, NetworkPage):
        return page.specific.network
    ancestor = NetworkPage.objects.ancestor_of(page).select_related("network").last()
    if ancestor is None:
        return None
    network: LearningNetwork = ancestor.network
    return network


def reads_network(user: User | AnonymousUser, network: LearningNetwork | None) -> bool:
    """Whether the user is among those a members-only page of the network is for."""
    if not user.is_authenticated or not user.is_active:
        return False
    if PlatformOperator.objects.filter(user_id=user.pk).exists():
        return True
    memberships = MunicipalityMembership.objects.active().filter(user_id=user.pk)
    if network is None:
        return memberships.exists()
    if CoordinatorRole.objects.filter(user_id=user.pk, network_id=network.pk).exists():
        return True
    return (
        NetworkMembership.objects.current()
        .filter(
            network_id=network.pk,
            municipality_id__in=memberships.values("municipality_id"),
        )
        .exists()
    )


def can_read(page: Page, user: Any) -> bool:
    """Whether the user may read the (live) page."""
    restricting = restricting_page(page)
    if restricting is None:
        return True
    return reads_network(user, network_of(restricting))
