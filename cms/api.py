"""Wagtail's API v2 on the public host (`/api/cms/v2/`): pages, images, documents.

Read-only and answering what an anonymous reader may see, whoever asks: no sign-in is
read (the members-only rule is Samla's own, cms.access, not Wagtail's view restrictions,
which Wagtail's API would otherwise apply), so members-only pages and every page under
them are left out, and drafts never show. It is Wagtail's contract, not Samla's: the
OpenAPI schema leaves it out (cms/schema.py) and samla/api/schema.py names its routes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, ReferenceIndex

from cms.access import hidden_subtree_paths


class AnonymousReaderMixin:
    """No authentication, no permission check: every caller is an anonymous reader."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        # PostgreSQL refuses NUL in a string; Wagtail's search would pass it on (a 500).
        if any("\x00" in value for value in request.GET.values()):
            raise BadRequestError(_("Ugyldig tegn (NUL) i spørringen."))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class PublicPagesAPIViewSet(AnonymousReaderMixin, PagesAPIViewSet):
    """Live pages outside every members-only subtree."""

    def get_base_queryset(self) -> Any:
        pages = super().get_base_queryset()
        hidden = hidden_subtree_paths(AnonymousUser())
        if hidden:
            excluded = Q()
            for path in hidden:
                excluded |= Q(path__startswith=path)
            pages = pages.exclude(excluded)
        return pages


class PublicImagesAPIViewSet(AnonymousReaderMixin, ImagesAPIViewSet):
    pass


class PublicDocumentsAPIViewSet(AnonymousReaderMixin, DocumentsAPIViewSet):
    """Documents, minus those used only on pages an anonymous reader may not read (the
    rule documents are served by, cms/wagtail_hooks.py), in a fixed number of queries."""

    def get_queryset(self) -> Any:
        documents = super().get_queryset()
        hidden = documents_only_on_hidden_pages(documents.model)
        return documents.exclude(pk__in=hidden) if hidden else documents


def documents_only_on_hidden_pages(document_model: type[Model]) -> set[int]:
    """Ids of documents that pages use, none of which an anonymous reader may read."""
    hidden_paths = tuple(hidden_subtree_paths(AnonymousUser()))
    if not hidden_paths:
        return set()
    page_type = ContentType.objects.get_for_model(Page)
    uses = list(
        ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(document_model),
            base_content_type=page_type,
        ).values_list("to_object_id", "object_id")
    )
    paths = dict(
        Page.objects.filter(pk__in={int(page_id) for _doc, page_id in uses}).values_list(
            "pk", "path"
        )
    )
    readable: set[int] = set()
    used: set[int] = set()
    for document_id, page_id in uses:
        used.add(int(document_id))
        path = paths.get(int(page_id))
        if path is not None and not path.startswith(hidden_paths):
            readable.add(int(document_id))
    return used - readable


api_router = WagtailAPIRouter("cms-api")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
