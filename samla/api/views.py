"""The schema endpoint: `/api/schema/` answers with the schema of the host it is asked on.

Kept apart from `schema.py`: drf-spectacular's views import the schema class named in
the settings, which lives there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response


class HostSchemaView(SpectacularAPIView):
    """The OpenAPI schema of the host it is asked on (django-tenants picks the URL map)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.urlconf = getattr(request._request, "urlconf", None) or settings.ROOT_URLCONF
        return super().get(request, *args, **kwargs)
