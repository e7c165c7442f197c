"""Routing a request to its municipality's schema by host name (django-tenants).

Host names are case-insensitive and may end in a dot (`Nordre-Land.samla.no.`); the
domain rows are stored in lower case without it, so the host is normalised before the
lookup. A deleted (or purged) municipality is not found: its hosts answer 404 from the
moment of its deletion (tenants/lifecycle.py). The lookup reads the row on every request
(no cache), so no process serves a deleted municipality a moment longer.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www


def normalised_host(host: str) -> str:
    """`Nordre-Land.Localhost.:8000` → `nordre-land.localhost`."""
    return str(remove_www(host.split(":")[0].rstrip(".").lower()))


class MunicipalityMiddleware(TenantMainMiddleware):
    """django-tenants' router with host names compared as DNS compares them."""

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        return normalised_host(request.get_host())

    def get_tenant(self, domain_model: type[models.Model], hostname: str) -> Any:
        domain = domain_model._default_manager.select_related("tenant").get(domain=hostname)
        tenant = domain.tenant  # type: ignore[attr-defined]
        if tenant.deleted_at is not None or tenant.purged_at is not None:
            raise domain_model.DoesNotExist(hostname)  # type: ignore[attr-defined]
        return tenant
