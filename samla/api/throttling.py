"""Per-user rate limits on writes and on document exports, counted in the cache.

Rates come from settings (`API_THROTTLE_WRITE`, `API_THROTTLE_EXPORT` in the
environment); a refused request answers 429 with `Retry-After`. The cache is Redis in
production, so every web process counts together; its keys carry the schema, so the
count is per user and municipality.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SettingsRateThrottle(UserRateThrottle):
    """Reads its rate from the settings when asked (DRF reads them once, at import)."""

    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        rate = rates.get(self.scope or "")
        return str(rate) if rate else None


class WriteThrottle(SettingsRateThrottle):
    """Changes (POST, PUT, PATCH, DELETE) by one user."""

    scope = "write"

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class ExportThrottle(SettingsRateThrottle):
    """Documents rendered for one user (Word, PDF, Excel, calendar): the costly reads."""

    scope = "export"
