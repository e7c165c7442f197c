"""Wagtail's API v2 on the public host (`/api/cms/v2/`): pages, images, documents.

Read-only and answering what an anonymous reader may see, whoever asks: no sign-in is
read (the members-only rule is Samla's own, cms.access, not Wagtail's view restrictions,
which Wagtail's API would otherwise apply), so members-only pages and every page under
them are left out, and drafts never show. It is Wagtail's contract, not Samla's: the
OpenAPI schema leaves it out (cms/schema.py) and samla/api/schema.py names its routes.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, ReferenceIndex

from cms.access import hidden_subtree_paths, readable_pages
from samla.api.errors import status_message

# Wagtail's own API answers `{"message": "<English>"}`; under /api/ Samla answers DRF's
# `{"detail": "<Norwegian>"}` (docs/decisions/0005). Each of Wagtail's 400 messages
# (wagtail/api/v2/{filters,pagination,views}.py) → a Norwegian one, its parts kept.
WAGTAIL_PARENT_PARAMETERS = {
    "parent": "child_of",
    "descendant": "ancestor_of",
    "ancestor": "descendant_of",
    "translation_of": "translation_of",
}


def _wagtail_messages() -> list[tuple[re.Pattern[str], Any]]:
    def page_parameter(match: re.Match[str]) -> str:
        parameter = WAGTAIL_PARENT_PARAMETERS.get(match["which"], match["which"])
        return _("Siden i «%(parameter)s» finnes ikke.") % {"parameter": parameter}

    table: list[tuple[str, Any]] = [
        (
            r"(?P<parameter>\w+) must be a positive integer",
            lambda m: _("«%(parameter)s» må være et positivt heltall.") % m.groupdict(),
        ),
        (
            r"limit cannot be higher than (?P<limit>\d+)",
            lambda m: _("«limit» kan ikke være høyere enn %(limit)s.") % m.groupdict(),
        ),
        (r"type doesn't exist", lambda m: _("Ukjent sidetype i «type».")),
        (
            r"unknown fields: (?P<fields>.*)",
            lambda m: _("Ukjente felt i «fields»: %(fields)s.") % m.groupdict(),
        ),
        (
            r"'(?P<field>.*)' does not support nested fields",
            lambda m: _("Feltet «%(field)s» har ingen underfelt.") % m.groupdict(),
        ),
        (r"fields error: .*", lambda m: _("Parameteren «fields» er ugyldig.")),
        (
            r"cannot order by '(?P<field>.*)' \((unknown|invalid) field\)",
            lambda m: _("Kan ikke sortere etter «%(field)s» (ukjent felt).") % m.groupdict(),
        ),
        (
            r"cannot order by '(?P<field>.*)' while searching .*",
            lambda m: _("Kan ikke sortere etter «%(field)s» i et søk.") % m.groupdict(),
        ),
        (
            r"cannot filter by '(?P<field>.*)' while searching .*",
            lambda m: _("Kan ikke filtrere på «%(field)s» i et søk.") % m.groupdict(),
        ),
        (
            r"random ordering .*",
            lambda m: _(
                "Tilfeldig rekkefølge (order=random) kan ikke kombineres med andre felt "
                "eller med «offset»."
            ),
        ),
        (r"search is disabled", lambda m: _("Søk er slått av.")),
        (
            r"filtering by tag with a search query is not supported",
            lambda m: _("Kan ikke filtrere på emneord og søke samtidig."),
        ),
        (
            r"filtering by descendant_of with child_of is not supported",
            lambda m: _("«descendant_of» og «child_of» kan ikke brukes sammen."),
        ),
        (
            r"(?P<which>parent|descendant|ancestor|translation_of) page doesn't exist",
            page_parameter,
        ),
        (
            r"query parameter is not an operation or a recognised field: (?P<names>.*)",
            lambda m: _("Ukjente parametere i spørringen: %(names)s.") % m.groupdict(),
        ),
        (
            r"field filter error\. '(?P<value>.*)' is not a valid value for (?P<field>\w+) .*",
            lambda m: _("«%(value)s» er ikke en gyldig verdi for «%(field)s».") % m.groupdict(),
        ),
        (
            r"field filter error\. null characters are not allowed for (?P<field>\w+)",
            lambda m: _("Ugyldig tegn (NUL) i «%(field)s».") % m.groupdict(),
        ),
    ]
    return [(re.compile(pattern, re.DOTALL), message) for pattern, message in table]


WAGTAIL_MESSAGES = _wagtail_messages()


def norwegian_message(message: str) -> str:
    """Wagtail's English 400 message in Norwegian; the plain 400 sentence if unknown."""
    for pattern, translate in WAGTAIL_MESSAGES:
        match = pattern.fullmatch(message)
        if match is not None:
            return str(translate(match))
    return status_message(400)


# Wagtail's query parameters that are read as integers (ids, the page of results).
INTEGER_PARAMETERS = (
    "id",
    "offset",
    "limit",
    "child_of",
    "descendant_of",
    "ancestor_of",
    "translation_of",
)
BIGINT_MAX = 2**63 - 1


class Refused(BadRequestError):
    """A 400 whose message is Samla's own, in Norwegian already."""


class AnonymousReaderMixin:
    """No authentication, no permission check: every caller is an anonymous reader."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        # PostgreSQL refuses NUL in a string; Wagtail's search would pass it on (a 500).
        if any("\x00" in value for value in request.GET.values()):
            raise Refused(_("Ugyldig tegn (NUL) i spørringen."))
        # PostgreSQL's ids and offsets are bigint: a larger number is a 500 there.
        for parameter in INTEGER_PARAMETERS:
            value = request.GET.get(parameter, "").strip()
            if value.lstrip("-").isdigit() and abs(int(value)) > BIGINT_MAX:
                message = _("Tallet i «%(parameter)s» er for stort.")
                raise Refused(message % {"parameter": parameter})
        # Wagtail passes it to the search backend, which raises ValueError (a 500).
        if request.GET.get("search_operator", "and") not in ("and", "or"):
            raise Refused(_("«search_operator» må være «and» eller «or»."))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def handle_exception(self, exc: Exception) -> Response:
        """Wagtail's 404 and 400 in DRF's shape with a Norwegian `detail`; the rest
        through DRF (and Samla's exception handler), always rendered as JSON."""
        if isinstance(exc, Http404):
            response = Response({"detail": status_message(404)}, status=404)
        elif isinstance(exc, Refused):
            response = Response({"detail": str(exc)}, status=400)
        elif isinstance(exc, BadRequestError):
            response = Response({"detail": norwegian_message(str(exc))}, status=400)
        else:
            response = super().handle_exception(exc)  # type: ignore[misc]
        self.request.accepted_renderer = JSONRenderer()  # type: ignore[attr-defined]
        self.request.accepted_media_type = "application/json"  # type: ignore[attr-defined]
        return response


class PublicPagesAPIViewSet(AnonymousReaderMixin, PagesAPIViewSet):
    """Live pages outside every members-only subtree."""

    def get_base_queryset(self) -> Any:
        return readable_pages(super().get_base_queryset(), AnonymousUser())


class PublicImagesAPIViewSet(AnonymousReaderMixin, ImagesAPIViewSet):
    """Images, by the documents' rule: minus those used only on pages an anonymous reader
    may not read. No page type shows an image today (no image block, no image feature in
    rich text), so the library is listed as Wagtail's documents are; the rule holds the
    day a page type gets one. Fields: id, title, width, height, tags and the file's
    address, never the uploader or the collection."""

    def get_queryset(self) -> Any:
        images = super().get_queryset()
        hidden = used_only_on_hidden_pages(images.model)
        return images.exclude(pk__in=hidden) if hidden else images


class PublicDocumentsAPIViewSet(AnonymousReaderMixin, DocumentsAPIViewSet):
    """Documents, minus those used only on pages an anonymous reader may not read (the
    rule documents are served by, cms/wagtail_hooks.py), in a fixed number of queries."""

    def get_queryset(self) -> Any:
        documents = super().get_queryset()
        hidden = used_only_on_hidden_pages(documents.model)
        return documents.exclude(pk__in=hidden) if hidden else documents


def used_only_on_hidden_pages(media_model: type[Model]) -> set[int]:
    """Ids of documents (or images) that pages use, none of which an anonymous reader
    may read."""
    hidden_paths = tuple(hidden_subtree_paths(AnonymousUser()))
    if not hidden_paths:
        return set()
    page_type = ContentType.objects.get_for_model(Page)
    uses = list(
        ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(media_model),
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
