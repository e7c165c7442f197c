"""The CMS's pages on a municipality's host: "Verktøy" (the shared tools and the catalogue
of collaboration methods) and "Samlinger" (the programmes of its networks' gatherings).

The pages are Wagtail's, in the public schema, but served here by these views on the
municipality's own paths (a municipality's URL map has no Wagtail routes). Links between
them are built from the tool's slug and the gathering's id; documents and links inside
rich text point to the public host (`cms.workspace.public_links`). The access middleware
has already sent an anonymous user to log in and answered 404 to a non-member.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from wagtail.rich_text import RichText

from cms import workspace
from samla.accounts.access import tenant_of


def _rich(html: str) -> SafeString:
    expanded: str = RichText(html).__html__()
    return mark_safe(expanded)  # noqa: S308 - Wagtail's expansion of sanitised rich text


@require_GET
def tools_page(request: HttpRequest) -> HttpResponse:
    """The shared tools the user reads, each with its intro, and the collaboration methods."""
    index = workspace.tool_index()
    tools = workspace.tools_for(request.user, index)
    methods = list(workspace.collaboration_methods())
    with workspace.public_links():
        intro = _rich(index.intro) if index is not None and index.intro else ""
        tool_rows = [{"tool": tool, "intro": _rich(tool.intro)} for tool in tools]
        method_rows = [
            {
                "method": method,
                "when_to_use": _rich(method.when_to_use) if method.when_to_use else "",
                "who_takes_part": _rich(method.who_takes_part) if method.who_takes_part else "",
            }
            for method in methods
        ]
    context = {"intro": intro, "tools": tool_rows, "methods": method_rows}
    return render(request, "cms/workspace/tools.html", context)


@require_GET
def tool_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One tool, its body rendered by the CMS's block templates."""
    tool = workspace.tool_for(request.user, slug)
    if tool is None:
        raise Http404
    with workspace.public_links():
        intro = _rich(tool.intro) if tool.intro else ""
        body = [mark_safe(block.render()) for block in tool.body]  # noqa: S308 - block templates
    return render(request, "cms/workspace/tool.html", {"tool": tool, "intro": intro, "body": body})


@require_GET
def gatherings_page(request: HttpRequest) -> HttpResponse:
    """The programmes of the municipality's networks' gatherings: coming, then past."""
    programmes = workspace.programmes_for(tenant_of(request), request.user)
    return render(request, "cms/workspace/gatherings.html", {"programmes": programmes})


@require_GET
def gathering_page(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """A gathering's programme, sessions by day, and its group tasks."""
    page = workspace.programme_for(tenant_of(request), request.user, gathering_id)
    if page is None:
        raise Http404
    days: list[tuple[Any, list[SafeString]]] = []
    with workspace.public_links():
        intro = _rich(page.intro) if page.intro else ""
        for day, sessions in page.sessions_by_day():
            days.append((day, [mark_safe(session.render()) for session in sessions]))  # noqa: S308
    context = {
        "page": page,
        "gathering": page.gathering,
        "intro": intro,
        "days": days,
        "tasks": list(page.gathering.tasks.all()),
    }
    return render(request, "cms/workspace/gathering.html", context)


# Included in samla/urls_tenant.py (the municipality's host only).
workspace_patterns = [
    path("verktoy/", tools_page, name="workspace-tools"),
    path("verktoy/<slug:slug>/", tool_page, name="workspace-tool"),
    path("samlinger/", gatherings_page, name="workspace-gatherings"),
    path("samlinger/<int:gathering_id>/", gathering_page, name="workspace-gathering"),
]
