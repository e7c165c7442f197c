"""One error format for everything under `/api/`: DRF's JSON shape, whatever went wrong.

An error body is `{"detail": "…"}`, or for invalid input `{"field": ["…"], …}` with
`non_field_errors` for what belongs to no field; a stale edit (409) adds `current`. This
holds whatever the authentication, the `Accept` header or the layer that refused: DRF's
exception handler answers for API views, and `ApiErrorsAsJson` rewrites any other error
under `/api/` (an unknown path, an unknown host, a server error) into the same shape.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
JSON_TYPES = ("application/json", "application/problem+json")
# Headers an error response keeps when its body is rewritten.
KEPT_HEADERS = ("Retry-After", "Allow", "WWW-Authenticate", "Vary")


class Refused(exceptions.APIException):
    """400 with one sentence, for a request that is well-formed but cannot be answered."""

    status_code = 400
    default_detail = "Forespørselen kan ikke behandles."
    default_code = "refused"


# The error body as a schema, for `extend_schema(responses=…)` of hand-documented views.
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def status_message(status: int) -> str:
    """A short Norwegian sentence for an HTTP error status."""
    messages = {
        400: _("Forespørselen er ugyldig."),
        401: _("Du må logge inn for å bruke API-et."),
        403: _("Du har ikke tilgang til dette."),
        404: _("Fant ikke det du ba om."),
        405: _("Metoden er ikke tillatt her."),
        406: _("Svaret kan ikke leveres i formatet du ba om."),
        409: _("Endringen kom i konflikt med en annen endring."),
        413: _("Forespørselen er for stor."),
        415: _("Innholdstypen støttes ikke."),
        429: _("For mange forespørsler. Vent litt og prøv igjen."),
    }
    if status in messages:
        return messages[status]
    if status >= 500:
        return _("Noe gikk galt hos oss. Feilen er logget, prøv igjen senere.")
    return _("Forespørselen kunne ikke behandles.")


def validation_detail(exc: DjangoValidationError) -> dict[str, Any]:
    """A Django ValidationError as DRF's field-keyed error body."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key): messages
            for key, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's ValidationError as 400; errors are always rendered as JSON.

    A download endpoint negotiates its document type; its errors must still go out as
    JSON labelled as JSON, so the renderer is switched here for every error.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is not None:
        request = context.get("request")
        if request is not None:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
    return response


class ApiErrorsAsJson:
    """Rewrite any non-JSON error response under `/api/` as `{"detail": …}` JSON.

    Outermost middleware: it also sees what django-tenants answers for an unknown host,
    what URL resolution answers for an unknown path (the debug page when DEBUG is on) and
    Django's 500 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(API_PREFIX):
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if content_type in JSON_TYPES and _is_json(response):
            return response
        if response.status_code >= 500:
            logger.error(
                "API %s %s answered %s", request.method, request.path, response.status_code
            )
        rewritten = JsonResponse(
            {"detail": status_message(response.status_code)}, status=response.status_code
        )
        for header in KEPT_HEADERS:
            if header in response:
                rewritten[header] = response[header]
        return rewritten


def _is_json(response: HttpResponse) -> bool:
    if getattr(response, "streaming", False):
        return True
    try:
        json.loads(response.content or b"null")
    except ValueError:
        return False
    return True
