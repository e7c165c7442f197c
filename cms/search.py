"""Search across the shared content: live pages the user may read and collaboration methods.

`search(user, query, limit=...)` runs Wagtail's database backend (PostgreSQL full text,
the `norwegian` configuration, so "samlingen" finds "Samlingene") over live pages, minus
the subtrees of members-only pages the user may not read (cms.access, read in bulk: a
fixed number of queries whatever the number of pages or results), and over the
collaboration methods (an indexed snippet, public). The same search is served on the
public host (`/sok/`) and on a municipality's host (`/sok/`), where links point to the
public host, the only one that serves pages.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from cms.access import hidden_subtree_paths
from cms.models import CollaborationMethod, HomePage
from samla.urls_helpers import public_url

MAX_QUERY_LENGTH = 200
DEFAULT_LIMIT = 20
SNIPPET_WORDS = 30


class QueryError(ValueError):
    """A query that cannot be searched; the message is for the user (Norwegian)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclasses.dataclass(frozen=True)
class Result:
    title: str
    kind: str
    snippet: str
    url: str | None


@dataclasses.dataclass(frozen=True)
class Results:
    query: str
    items: list[Result]
    total: int  # every match, of which `items` shows at most `limit` pages and methods


def clean_query(raw: str | None) -> str:
    """The query stripped of surrounding space; QueryError if empty or too long."""
    # PostgreSQL refuses NUL in a string literal; it is never part of a word.
    query = (raw or "").replace("\x00", " ").strip()
    if not query:
        raise QueryError(_("Skriv inn et søkeord."), 200)
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            _("Søket er for langt: høyst %(max)s tegn.") % {"max": MAX_QUERY_LENGTH}, 400
        )
    return query


def readable_pages(user: Any) -> Any:
    """Live pages the user may read: every members-only subtree the user may not read is
    left out by its path prefix."""
    pages = Page.objects.live().filter(depth__gt=1)
    hidden = hidden_subtree_paths(user)
    if hidden:
        excluded = Q()
        for path in hidden:
            excluded |= Q(path__startswith=path)
        pages = pages.exclude(excluded)
    return pages


def page_path(page: Page, home_url_path: str | None) -> str | None:
    """The page's path on the public host (pages are served under /innhold/)."""
    url_path: str = page.url_path
    if home_url_path is None or not url_path.startswith(home_url_path):
        return None
    return "/innhold/" + url_path[len(home_url_path) :]


def snippet_of(text: str) -> str:
    return Truncator(strip_tags(text or "").strip()).words(SNIPPET_WORDS)


def _page_text(page: Page) -> str:
    """The page's description, intro, or rich-text body (a StreamField body is skipped:
    rendering it costs more than a snippet is worth)."""
    for attribute in ("search_description", "intro", "body"):
        value = getattr(page, attribute, "")
        if value and isinstance(value, str):
            return value
    return ""


def search(user: Any, query: str, *, limit: int = DEFAULT_LIMIT) -> Results:
    """The pages and collaboration methods that match the query, best first, that the
    user may read. Pages first, then methods; at most `limit` of each."""
    query = clean_query(query)
    found = readable_pages(user).search(query)
    hits = list(found[:limit])
    total = len(hits) if len(hits) < limit else found.count()
    ids = [page.pk for page in hits]
    specific = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    home = HomePage.objects.values_list("url_path", flat=True).first()
    items: list[Result] = []
    for page_id in ids:
        page = specific.get(page_id)
        if page is None:
            continue
        path = page_path(page, home)
        items.append(
            Result(
                title=page.title,
                kind=str(page._meta.verbose_name),
                snippet=snippet_of(_page_text(page)),
                url=path,
            )
        )
    methods = get_search_backend().search(query, CollaborationMethod.objects.all())
    method_hits = list(methods[:limit])
    total += len(method_hits) if len(method_hits) < limit else methods.count()
    for method in method_hits:
        items.append(
            Result(
                title=method.name,
                kind=str(CollaborationMethod._meta.verbose_name),
                snippet=snippet_of(method.summary),
                url=method.link or None,
            )
        )
    return Results(query=query, items=items, total=total)


def _render(request: HttpRequest, *, absolute: bool) -> HttpResponse:
    raw = request.GET.get("q")
    context: dict[str, Any] = {"query": (raw or "")[: MAX_QUERY_LENGTH * 2], "results": None}
    status = 200
    if raw is not None:
        try:
            results = search(request.user, raw)
        except QueryError as error:
            context["error"] = error.message
            status = error.status
        else:
            items = results.items
            if absolute:
                items = [
                    dataclasses.replace(item, url=public_url(item.url))
                    if item.url and item.url.startswith("/")
                    else item
                    for item in items
                ]
            context["results"] = items
            context["total"] = results.total
    return render(request, "cms/search.html", context, status=status)


def search_view(request: HttpRequest) -> HttpResponse:
    """The search page on the public host."""
    return _render(request, absolute=False)


def workspace_search(request: HttpRequest) -> HttpResponse:
    """The same search on a municipality's host; links point to the public host."""
    return _render(request, absolute=True)
