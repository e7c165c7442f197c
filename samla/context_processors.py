"""What every page template needs: the host's municipality and the user's role there."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from samla.accounts.access import is_public


def samla(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    municipality = None if tenant is None or is_public(tenant) else tenant
    return {"municipality": municipality, "membership": getattr(request, "membership", None)}
