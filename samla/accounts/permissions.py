"""The API side of the access layer (DRF authenticates inside the view)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from samla.accounts.access import is_public, membership_for_request


class TenantAccess(BasePermission):
    """Authenticated, and on a municipality host a current member of it.

    Not a member: 404, the same as for a municipality or object that does not exist.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        tenant = request.tenant  # type: ignore[attr-defined]
        if is_public(tenant):
            return True
        membership = membership_for_request(request._request, request.user, tenant)
        if membership is None:
            raise NotFound()
        request._request.membership = membership  # type: ignore[attr-defined]
        return True


class HasRole(TenantAccess):
    """TenantAccess, and for unsafe methods one of `view.write_roles`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        membership = getattr(request._request, "membership", None)
        return membership is not None and membership.role in getattr(view, "write_roles", ())
