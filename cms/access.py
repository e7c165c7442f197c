"""Who may read a CMS page: members-only pages are read by their network's members.

A page marked `members_only` (or under one) belongs to the network of its nearest
NetworkPage (the page itself or an ancestor). It is read by users with a current role in
a municipality that is a current member of that network, by the network's coordinators
and by operators. A members-only page outside any network is read by anyone with a
current role in some municipality. This reads Samla's own rows at request time, so it
never goes stale; the Wagtail view restrictions to each network's readers group
(cms.services) mirror it for Wagtail's machinery but lag it, and this has the last word
(docs/decisions/0007-wagtail-public-schema-roles-as-groups.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
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

P = TypeVar("P", bound=Page)


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


def readable_network_ids(user: User | AnonymousUser) -> tuple[bool, set[int]]:
    """In bulk: (whether the user reads members-only pages outside networks, the ids of
    the networks whose members-only pages the user reads). Operators read all of them;
    the same rule as `reads_network`, in a fixed number of queries."""
    from networks.models import LearningNetwork

    if not user.is_authenticated or not user.is_active:
        return False, set()
    if PlatformOperator.objects.filter(user_id=user.pk).exists():
        return True, set(LearningNetwork.objects.values_list("pk", flat=True))
    memberships = MunicipalityMembership.objects.active().filter(user_id=user.pk)
    has_membership = memberships.exists()
    coordinated = set(
        CoordinatorRole.objects.filter(user_id=user.pk).values_list("network_id", flat=True)
    )
    member_of = set(
        NetworkMembership.objects.current()
        .filter(municipality_id__in=memberships.values("municipality_id"))
        .values_list("network_id", flat=True)
    )
    return has_membership, coordinated | member_of


def hidden_subtree_paths(user: User | AnonymousUser) -> list[str]:
    """The tree paths of the members-only pages the user may not read: the user may read
    a page unless its path starts with one of them. One query for the members-only pages
    of every type, one for the network pages, and those of `readable_network_ids`."""
    from cms.models import NetworkPage

    page_models = [
        model
        for model in members_only_page_models()
        if not model._meta.abstract and not model._meta.proxy
    ]
    if not page_models:
        return []
    querysets = [
        model.objects.filter(members_only=True).values_list("path", flat=True)
        for model in page_models
    ]
    restricted = sorted(set(querysets[0].union(*querysets[1:], all=True)))
    if not restricted:
        return []
    network_paths = dict(NetworkPage.objects.values_list("path", "network_id"))
    outside_networks, networks = readable_network_ids(user)
    hidden = []
    for path in restricted:
        # The nearest NetworkPage at or above the restricting page holds its network.
        owners = [p for p in network_paths if path.startswith(p)]
        network_id = network_paths[max(owners, key=len)] if owners else None
        readable = outside_networks if network_id is None else network_id in networks
        if not readable:
            hidden.append(path)
    return hidden


def readable_pages(pages: QuerySet[P], user: User | AnonymousUser) -> QuerySet[P]:
    """The pages of `pages` the user may read: none under a members-only page hidden from
    them (`hidden_subtree_paths`, a fixed number of queries whatever the pages' number)."""
    hidden = hidden_subtree_paths(user)
    if not hidden:
        return pages
    excluded = Q()
    for path in hidden:
        excluded |= Q(path__startswith=path)
    return pages.exclude(excluded)


def members_only_page_models() -> list[type[Page]]:
    """Every concrete page model with the `members_only` field (every SamlaPage)."""
    from wagtail.models import get_page_models

    return [
        model
        for model in get_page_models()
        if any(field.name == "members_only" for field in model._meta.concrete_fields)
        and model._meta.get_field("members_only").model is model
    ]
