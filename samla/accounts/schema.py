"""How the OpenAPI schema describes Samla's own authentication classes (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
