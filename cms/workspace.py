"""The CMS read from a municipality's workspace: its tools, methods and gathering programmes.

Pages live in the public schema; a municipality's host reads them through its search_path.
Everything here is a query: which tool and programme pages the workspace lists, filtered
by the members-only rule of `cms.access` in a fixed number of queries for any number of
pages (no query per page), and `public_links()`, under which Wagtail's URLs (documents,
links in rich text) are built for the public host from the public schema's cache.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.urls import get_script_prefix, get_urlconf, set_script_prefix, set_urlconf
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.models import Page

from cms.models import (
    CollaborationMethod,
    ConsultancyPage,
    ContentPage,
    GatheringProgrammePage,
    HomePage,
    NetworkPage,
    NewsIndexPage,
    NewsPage,
    ToolIndexPage,
    ToolPage,
)
from networks.models import NetworkMembership
from samla.accounts.models import CoordinatorRole, MunicipalityMembership, PlatformOperator
from samla.urls_helpers import public_url
from tenants.models import Municipality

# Every concrete page type carrying `members_only` (SamlaPage is abstract).
SAMLA_PAGE_MODELS: tuple[type[Page], ...] = (
    HomePage,
    NetworkPage,
    GatheringProgrammePage,
    ConsultancyPage,
    ContentPage,
    ToolIndexPage,
    ToolPage,
    NewsIndexPage,
    NewsPage,
)

P = TypeVar("P", bound=Page)


def _path_and_ancestors(path: str) -> list[str]:
    """The tree paths of the page and its ancestors, root first."""
    step = Page.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


@dataclass
class _Reader:
    """Which networks' members-only pages the user reads (cms.access.reads_network), once."""

    user: Any
    _loaded: bool = False
    operator: bool = False
    in_a_municipality: bool = False
    network_ids: set[int] = field(default_factory=set)

    def reads(self, network_id: int | None) -> bool:
        if not self.user.is_authenticated or not self.user.is_active:
            return False
        if not self._loaded:
            self._load()
        if self.operator:
            return True
        if network_id is None:
            return self.in_a_municipality
        return network_id in self.network_ids

    def _load(self) -> None:
        self._loaded = True
        self.operator = PlatformOperator.objects.filter(user_id=self.user.pk).exists()
        if self.operator:
            return
        municipality_ids = list(
            MunicipalityMembership.objects.active()
            .filter(user_id=self.user.pk)
            .values_list("municipality_id", flat=True)
        )
        self.in_a_municipality = bool(municipality_ids)
        self.network_ids = set(
            CoordinatorRole.objects.filter(user_id=self.user.pk).values_list(
                "network_id", flat=True
            )
        ) | set(
            NetworkMembership.objects.current()
            .filter(municipality_id__in=municipality_ids)
            .values_list("network_id", flat=True)
        )


def readable(pages: Sequence[P], user: Any) -> list[P]:
    """The pages the user may read, in order: `cms.access.can_read` for many pages at once.

    A page is restricted by the nearest members-only page at or above it, which belongs to
    the network of the nearest NetworkPage at or above that one. One query finds the
    members-only paths among all the pages' ancestors, one the network pages, and the
    user's networks are read once, whatever the number of pages.
    """
    if not pages:
        return []
    chains = {page.pk: _path_and_ancestors(page.path) for page in pages}
    paths = sorted({path for chain in chains.values() for path in chain})
    flagged: QuerySet[Any] | None = None
    for model in SAMLA_PAGE_MODELS:
        part = (
            model.objects.filter(path__in=paths, members_only=True).order_by().values_list("path")
        )
        flagged = part if flagged is None else flagged.union(part)
    assert flagged is not None
    restricted = {path for (path,) in flagged}
    if not restricted:
        return list(pages)
    network_of_path = dict(
        NetworkPage.objects.filter(path__in=paths).values_list("path", "network_id")
    )
    reader = _Reader(user)
    allowed = []
    for page in pages:
        chain = chains[page.pk]
        restricting = next((path for path in reversed(chain) if path in restricted), None)
        if restricting is not None:
            network_id = next(
                (
                    network_of_path[path]
                    for path in reversed(_path_and_ancestors(restricting))
                    if path in network_of_path
                ),
                None,
            )
            if not reader.reads(network_id):
                continue
        allowed.append(page)
    return allowed


# Tools and methods.


def tool_index() -> ToolIndexPage | None:
    """The live tool index (there is at most one), or None."""
    index: ToolIndexPage | None = ToolIndexPage.objects.live().first()
    return index


def tools_for(user: Any, index: ToolIndexPage | None) -> list[ToolPage]:
    """The index's live tools the user may read, in the editors' order, bodies not loaded."""
    if index is None:
        return []
    tools = ToolPage.objects.child_of(index).live().defer_streamfields().order_by("path")
    return readable(list(tools), user)


def tool_for(user: Any, slug: str) -> ToolPage | None:
    """The live tool with this slug under the index, if the user may read it."""
    index = tool_index()
    if index is None:
        return None
    tool: ToolPage | None = ToolPage.objects.child_of(index).live().filter(slug=slug).first()
    if tool is None or not readable([tool], user):
        return None
    return tool


def collaboration_methods() -> QuerySet[CollaborationMethod]:
    return CollaborationMethod.objects.order_by("name")


# Gathering programmes.


def _programmes_of(municipality: Municipality) -> QuerySet[GatheringProgrammePage]:
    """Live programme pages of gatherings of networks the municipality is a current member of."""
    network_ids = (
        NetworkMembership.objects.current()
        .filter(municipality_id=municipality.pk)
        .values("network_id")
    )
    pages: QuerySet[GatheringProgrammePage] = (
        GatheringProgrammePage.objects.live()
        .filter(gathering__network_id__in=network_ids)
        .select_related("gathering", "gathering__network")
    )
    return pages


@dataclass(frozen=True)
class Programmes:
    coming: list[GatheringProgrammePage]
    past: list[GatheringProgrammePage]


def programmes_for(municipality: Municipality, user: Any) -> Programmes:
    """The programmes of the municipality's networks the user reads: coming (and going on)
    soonest first, then past, latest first."""
    listed = _programmes_of(municipality).defer_streamfields()  # type: ignore[attr-defined]
    pages = readable(list(listed.order_by("gathering__starts_at")), user)
    now = timezone.now()
    coming = [page for page in pages if page.gathering.ends_at >= now]
    past = [page for page in reversed(pages) if page.gathering.ends_at < now]
    return Programmes(coming=coming, past=past)


def programme_for(
    municipality: Municipality, user: Any, gathering_id: int
) -> GatheringProgrammePage | None:
    """The programme of the gathering, if it is one of the municipality's networks' and the
    user may read it; None for anything else (the caller answers 404 for both)."""
    page = _programmes_of(municipality).filter(gathering_id=gathering_id).first()
    if page is None or not readable([page], user):
        return None
    return page


# Links to the public host.


@contextmanager
def public_links() -> Iterator[None]:
    """Build Wagtail's URLs as on the public host while inside: `reverse` uses the public
    URL map with the public host's address as prefix, and the site root paths are read
    from the public schema's cache (a municipality's own key would go stale when a page
    moves). For rendering blocks and rich text on a municipality's host."""
    urlconf, prefix = get_urlconf(), get_script_prefix()
    set_urlconf("samla.urls_public")
    set_script_prefix(public_url("/"))
    try:
        with schema_context(get_public_schema_name()):
            yield
    finally:
        set_urlconf(urlconf)
        set_script_prefix(prefix)
