"""Routes of billing's bank part: statements and payments (public host: `public_patterns`;
a municipality's host: `tenant_patterns`), included by `billing.urls`."""

from django.urls import URLPattern, URLResolver

public_patterns: list[URLPattern | URLResolver] = []
tenant_patterns: list[URLPattern | URLResolver] = []
