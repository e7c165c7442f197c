"""URL map of a municipality's host: everything here is that municipality's own."""

from django.urls import include, path

from samla import views
from samla.urls_common import common_patterns
from tenants.plans import blueprint_api

urlpatterns = [
    path("", views.municipality_home, name="home"),
    path("api/plans/", include("tenants.plans.urls")),
    path("planer/", include("tenants.plans.page_urls")),
    path("api/plan-templates/", blueprint_api.PlanTemplateList.as_view(), name="plan-templates"),
    path("", include("samla.accounts.integration_urls")),
    *common_patterns,
]
