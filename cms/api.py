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
from django.db.models import Q
from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.access import hidden_subtree_paths


class AnonymousReaderMixin:
    """No authentication, no permission check: every caller is an anonymous reader."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


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
    pass


api_router = WagtailAPIRouter("cms-api")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
