"""Routes both URL maps serve: login and out, health, who-am-I, API tokens and schema."""

from django.urls import path
from drf_spectacular.views import SpectacularSwaggerView

from samla.accounts import api as accounts_api
from samla.accounts.views import login_view, logout_view
from samla.api.views import HostSchemaView
from samla.health import healthz

common_patterns = [
    path("accounts/login/", login_view(), name="login"),
    path("accounts/logout/", logout_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("api/me/", accounts_api.MeView.as_view(), name="api-me"),
    path("api/auth/token/revoke/", accounts_api.RevokeTokenView.as_view(), name="api-token-revoke"),
    path("api/schema/", HostSchemaView.as_view(), name="api-schema"),
    path("api/schema/ui/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
