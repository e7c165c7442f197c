"""Wagtail hooks: documents used only on members-only pages are members-only too, and
Samla's members-only rule, not the readers group's lagging copy, decides who reads a page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.models import Page, ReferenceIndex

from cms.access import can_read


@hooks.register("before_serve_document")
def serve_documents_as_their_pages(document: Any, request: HttpRequest) -> HttpResponse | None:
    """A document is served to whoever may read one of the pages that use it.

    A document no page uses (just uploaded, or linked from elsewhere) is served to anyone,
    as Wagtail does; one used only on members-only pages follows those pages' rule
    (cms.access): anonymous readers are sent to log in, others get 404.
    """
    page_type = ReferenceIndex._get_base_content_type(Page)
    page_ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    }
    if not page_ids:
        return None
    pages = Page.objects.filter(pk__in=page_ids).specific()
    if any(can_read(page, request.user) for page in pages):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


ServeChain = Callable[[Page, HttpRequest, Any, Any], HttpResponse]


@hooks.register("on_serve_page", order=-1)
def members_rule_over_readers_groups(callback: ServeChain) -> ServeChain:
    """Around Wagtail's view-restriction check: a restriction to a network's readers
    group (kept by cms.services) is left to the page's `serve`, which asks cms.access
    at request time. The group lags until the nightly sync (a consultant whose role ended
    today is still in it, an operator never is); the rows do not. Any other restriction
    (one made by hand in Wagtail's admin) is Wagtail's to check, as before."""

    def inner(page: Page, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponse:
        restrictions = page.get_view_restrictions()
        if not restrictions:
            return callback(page, request, args, kwargs)
        managed = set(
            restrictions.filter(groups__samla_readers_of__isnull=False).values_list("pk", flat=True)
        )
        if not managed or any(
            not restriction.accept_request(request)
            for restriction in restrictions
            if restriction.pk not in managed
        ):
            return callback(page, request, args, kwargs)
        response: HttpResponse = page.serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return inner
