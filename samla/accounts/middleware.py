"""Page access on municipality hosts: log in first, then membership or 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.views import APIView

from samla.accounts.access import is_public, membership_for_request


class TenantAccessMiddleware:
    """Resolve the request's membership once; refuse what it does not allow.

    API views are also checked by the TenantAccess permission, because DRF
    authenticates tokens inside the view, after this middleware has run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        tenant = getattr(request, "tenant", None)
        if tenant is None or is_public(tenant) or getattr(view_func, "samla_open", False):
            return None
        is_api = isinstance(getattr(view_func, "cls", None), type) and issubclass(
            view_func.cls,  # type: ignore[attr-defined]
            APIView,
        )
        if not request.user.is_authenticated:
            # A token is read by DRF inside the view; its permission decides there.
            return None if is_api else redirect_to_login(request.get_full_path())
        membership = membership_for_request(request, request.user, tenant)
        if membership is None:
            raise Http404
        request.membership = membership  # type: ignore[attr-defined]
        return None
