"""Wagtail hooks: documents used only on members-only pages are members-only too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
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
