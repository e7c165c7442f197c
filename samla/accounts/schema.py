"""How the OpenAPI schema describes Samla's own authentication classes (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    """An integration token: `Authorization: Bearer samla_int_…` (or `Token samla_int_…`)."""

    target_class = "samla.accounts.integrations.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "samla_int_…",
            "description": (
                "Integrasjonsnøkkel for kommunens egne systemer, laget av prosjektlederen "
                "under /innstillinger/integrasjoner/ eller /api/integration-tokens/. Sendes "
                "som `Authorization: Bearer samla_int_…` (eller `Token samla_int_…`), og "
                "gjelder bare på kommunens egen adresse, med lese- eller skrivetilgang."
            ),
        }


class IntegrationTokenCreatedScheme(OpenApiSerializerExtension):
    """The created token: the listed token's schema plus its secret (`allOf`).

    One component holds the token's fields, so its `status` choices are named once.
    """

    target_class = "samla.accounts.integrations_api.IntegrationTokenCreatedSerializer"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        from samla.accounts.integrations_api import IntegrationTokenSerializer

        listed = auto_schema.resolve_serializer(IntegrationTokenSerializer, direction)
        secret = {
            "type": "string",
            "readOnly": True,
            "description": (
                "Hemmeligheten, vist bare nå: lagre den med en gang. "
                "Sendes som `Authorization: Bearer samla_int_…`."
            ),
        }
        return {
            "allOf": [
                listed.ref,
                {"type": "object", "properties": {"token": secret}, "required": ["token"]},
            ]
        }
