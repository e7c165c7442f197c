"""The CMS read from a municipality's workspace: its tools, methods and gathering programmes.

Pages live in the public schema; a municipality's host reads them through its search_path.
Everything here is a query: which tool and programme pages the workspace lists, filtered
by the members-only rule of `cms.access` (`hidden_subtree_paths`: a fixed number of
queries for any number of pages, no query per page), and `public_links()`, under which
Wagtail's URLs (documents, links in rich text) are built for the public host from the
public schema's cache.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.urls import get_script_prefix, get_urlconf, set_script_prefix, set_urlconf
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.models import Page

from cms.access import hidden_subtree_paths
from cms.models import CollaborationMethod, GatheringProgrammePage, ToolIndexPage, ToolPage
from networks.models import NetworkMembership
from samla.urls_helpers import public_url
from tenants.models import Municipality

P = TypeVar("P", bound=Page)


def readable(pages: Sequence[P], user: Any) -> list[P]:
    """The pages the user may read, in order: `cms.access.can_read` for many pages at once,
    through the members-only subtrees hidden from the user (a fixed number of queries,
    whatever the number of pages)."""
    if not pages:
        return []
    hidden = tuple(hidden_subtree_paths(user))
    return [page for page in pages if not page.path.startswith(hidden)] if hidden else list(pages)


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
