"""Page access on municipality hosts: log in first, then membership or 404; while the
municipality's licence has lapsed, reading only (403 for anything else)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.views import APIView

from samla.accounts.access import (
    LICENCE_LAPSED_MESSAGE,
    LicenceLapsed,
    is_public,
    membership_for_request,
)


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
        try:
            membership = membership_for_request(request, request.user, tenant)
        except LicenceLapsed as refused:
            return licence_lapsed_response(request, refused, is_api=is_api)
        if membership is None:
            raise Http404
        request.membership = membership  # type: ignore[attr-defined]
        return None


def licence_lapsed_response(
    request: HttpRequest, refused: LicenceLapsed, *, is_api: bool
) -> HttpResponse:
    """403 for a change while the licence has lapsed: the API's error body, or a page that
    says so (with the banner) and links back to where the person came from."""
    if is_api:
        return JsonResponse({"detail": str(LICENCE_LAPSED_MESSAGE)}, status=403)
    back = request.headers.get("Referer", "/")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    return render(
        request,
        "accounts/licence_lapsed.html",
        {"membership": refused.membership, "back": back},
        status=403,
    )
