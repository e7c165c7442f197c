"""The OpenAPI schema, true per host: what each host serves and every status it answers.

`/api/schema/` is generated from the URL map of the host it is asked on: the public
host documents the public API (tokens, who-am-I), a municipality's host the tenant API
(plans, templates, integration tokens) and what both share. `SamlaAutoSchema` adds the
error answers every operation can give (400, 401, 403, 404, 409, 429) with their body
schemas, 201 on creating POSTs, and the paging headers on lists.

Routes on these maps that are not Samla's own documented API are named once, in
`UNDOCUMENTED_ROUTES`; a test compares the schema of each host against its URL map and
reads that list.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

from samla.api.pagination import PAGE_HEADERS
from samla.api.throttling import SAFE_METHODS, ExportThrottle

# Routes under /api/ that the schema does not document, and why. Routes served by other
# frameworks (Wagtail's API, a payment provider's webhook) belong here too.
UNDOCUMENTED_ROUTES: dict[str, str] = {
    "/api/schema/": "the schema itself",
    "/api/schema/ui/": "Swagger UI, an HTML page over the schema",
    "/api/stripe/webhook/": "Stripe's signed webhook (billing/webhooks.py), not a client API",
    # Wagtail's router mounts each endpoint with a regex (`^pages/`), which the route walk
    # of tests/api/test_schema.py keeps in the path.
    **{
        f"/api/cms/v2/^{endpoint}/{tail}": "Wagtail's read-only API v2 (cms/api.py)"
        for endpoint in ("pages", "images", "documents")
        for tail in ("", "{pk}/", "find/")
    },
}

ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "description": "Et feilsvar: en setning på norsk om hva som gikk galt.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": (
            "Ugyldige verdier: feltnavn → liste med meldinger på norsk; "
            "`non_field_errors` for det som ikke gjelder ett felt, `detail` for hele forespørselen."
        ),
        "properties": {
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
            "detail": {"type": "string"},
        },
        "additionalProperties": True,
    },
    "Conflict": {
        "type": "object",
        "description": "Noen andre lagret først: meldingen og raden slik den er nå.",
        "properties": {
            "detail": {"type": "string"},
            "current": {"type": "object", "additionalProperties": True},
        },
        "required": ["detail"],
    },
}

ERROR_DESCRIPTIONS = {
    "400": _("Ugyldige verdier; ingenting er lagret."),
    "401": _("Ikke innlogget, eller ugyldig eller utløpt nøkkel."),
    "403": _("Rollen din tillater ikke dette."),
    "404": _("Finnes ikke, eller du er ikke medlem av kommunen."),
    "409": _("Noen andre har endret dette siden versjonen du redigerte."),
    "415": _("Innholdet må sendes som JSON (`Content-Type: application/json`)."),
    "429": _("For mange forespørsler; prøv igjen etter `Retry-After` sekunder."),
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Sekunder å vente."}}


class SamlaAutoSchema(AutoSchema):
    """drf-spectacular's inspector, told what Samla's views really answer.

    Views declare what the inspector cannot see: `creates = True` (POST answers 201),
    `conflict_methods` (methods that answer 409 on a stale version).
    """

    def _is_create_operation(self) -> bool:
        if self.method == "POST" and getattr(self.view, "creates", False):
            return True
        return bool(super()._is_create_operation())

    def _names_version(self, serializer: Any, direction: Any) -> bool:
        """An update (PUT/PATCH) of a versioned row: its body must name the version edited."""
        return (
            direction == "request"
            and self.method in ("PUT", "PATCH")
            and self.method in getattr(self.view, "conflict_methods", ())
            and "version" in getattr(serializer, "fields", {})
        )

    def _get_serializer_name(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> str:
        name = str(super()._get_serializer_name(serializer, direction, bypass_extensions))
        if self.method == "PUT" and self._names_version(serializer, direction):
            # Its own component: the create body (POST) shares the name otherwise.
            name = name.removesuffix("Request") + "UpdateRequest"
        return name

    def _map_serializer(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer(serializer, direction, bypass_extensions)
        if self._names_version(serializer, direction):
            schema = {**schema, "required": sorted({*schema.get("required", ()), "version"})}
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, component in self._error_codes().items():
            if code in responses:
                continue
            response: dict[str, Any] = {
                "description": str(ERROR_DESCRIPTIONS[code]),
                "content": {"application/json": {"schema": self._error_ref(component)}},
            }
            if code == "429":
                response["headers"] = RETRY_AFTER
            responses[code] = response
        return responses

    def _get_response_headers_for_code(self, status_code: str, direction: Any = "response") -> Any:
        headers = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "200" and self.method == "GET" and self._is_list_view():
            paginator = self._get_paginator()
            if paginator is not None:
                headers = {**PAGE_HEADERS, **(headers or {})}
        return headers

    def _error_codes(self) -> dict[str, str]:
        """Which errors this operation can answer, and the body each has."""
        method = self.method
        unsafe = method not in SAFE_METHODS
        open_view = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes: dict[str, str] = {}
        if unsafe or self._has_query_parameters():
            codes["400"] = "ValidationError"
        if unsafe and self._get_request_body() is not None:
            codes["415"] = "Error"
        if not open_view:
            codes["401"] = "Error"
            # Reads too where the view is for one role only (`forbids_reads = True`).
            if unsafe or getattr(self.view, "forbids_reads", False):
                codes["403"] = "Error"
            if self._on_municipality_host() or "{" in self.path:
                codes["404"] = "Error"
        elif "{" in self.path:
            codes["404"] = "Error"
        if method in getattr(self.view, "conflict_methods", ()):
            codes["409"] = "Conflict"
        throttled = unsafe or any(isinstance(t, ExportThrottle) for t in self.view.get_throttles())
        if throttled or getattr(self.view, "may_lock_out", False):
            codes["429"] = "Error"
        return codes

    def _has_query_parameters(self) -> bool:
        if self._is_list_view() and self._get_paginator() is not None:
            return True
        return any(getattr(p, "location", None) == "query" for p in self.get_override_parameters())

    def _on_municipality_host(self) -> bool:
        request = getattr(self.view, "request", None)
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return True
        return str(tenant.schema_name) != "public"

    def _error_ref(self, name: str) -> dict[str, Any]:
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            schema=ERROR_SCHEMAS[name],
            object=f"samla-error-{name}",
        )
        self.registry.register_on_missing(component)
        return dict(component.ref)
