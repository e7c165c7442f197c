"""Absolute URLs of hosts: the public host and each municipality's sub-domain."""

from __future__ import annotations

from django.conf import settings

from tenants.models import Municipality


def host_url(host: str, path: str = "/") -> str:
    port = f":{settings.SAMLA_PORT}" if settings.SAMLA_PORT else ""
    return f"{settings.SAMLA_SCHEME}://{host}{port}{path}"


def municipality_host(slug: str) -> str:
    """The municipality's primary host, under the base domain."""
    return f"{slug}.{settings.SAMLA_BASE_DOMAIN}"


def municipality_hosts(slug: str) -> list[str]:
    """Every host of the municipality: the primary one, then one per alias base domain."""
    aliases = [f"{slug}.{alias}" for alias in settings.SAMLA_ALIAS_DOMAINS]
    primary = municipality_host(slug)
    return [primary, *(host for host in dict.fromkeys(aliases) if host != primary)]


def municipality_url(municipality: Municipality, path: str = "/") -> str:
    return host_url(municipality_host(municipality.slug), path)


def public_url(path: str = "/") -> str:
    return host_url(settings.SAMLA_BASE_DOMAIN, path)
