"""Routes of integration tokens on a municipality's host: the API and the leader's page."""

from django.urls import path

from samla.accounts import integrations_api as api
from samla.accounts.integrations_views import integration_tokens_page

urlpatterns = [
    path("api/integration-tokens/", api.IntegrationTokenList.as_view(), name="integration-tokens"),
    path(
        "api/integration-tokens/<int:token_id>/",
        api.IntegrationTokenDetail.as_view(),
        name="integration-token",
    ),
    path(
        "api/integration-tokens/<int:token_id>/revoke/",
        api.IntegrationTokenRevoke.as_view(),
        name="integration-token-revoke",
    ),
    path(
        "innstillinger/integrasjoner/",
        integration_tokens_page,
        name="integration-tokens-page",
    ),
]
