"""Log in and out (username and password now; OpenID Connect plugs in as a backend later)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samla.accounts.access import open_view


def login_view() -> Any:
    """The login page, reachable on every host."""
    return open_view(
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        )
    )


def logout_view() -> Any:
    return open_view(auth_views.LogoutView.as_view())


def locked_out(request: HttpRequest, response: HttpResponse, credentials: Any) -> HttpResponse:
    """What axes answers once a user name and address have failed too often."""
    message = _(
        "For mange mislykkede innlogginger. Kontoen er midlertidig sperret; prøv igjen om litt."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)
