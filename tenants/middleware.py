"""Routing a request to its municipality's schema by host name (django-tenants).

Host names are case-insensitive and may end in a dot (`Nordre-Land.samla.no.`); the
domain rows are stored in lower case without it, so the host is normalised before the
lookup.
"""

from __future__ import annotations

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
