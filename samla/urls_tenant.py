"""URL map of a municipality's host: everything here is that municipality's own."""

from django.urls import include, path

from billing.urls import tenant_patterns as billing_patterns
from cms.urls import municipality_patterns as cms_patterns
from cms.views import workspace_patterns
from networks.plantemplates.urls import municipality_patterns as plan_template_patterns
from networks.urls import municipality_patterns as network_patterns
from samla import views
from samla.urls_common import common_patterns
from tenants.plans import blueprint_api
from tenants.routines.urls import api_patterns as routine_api_patterns

urlpatterns = [
    path("", views.municipality_home, name="home"),
    *plan_template_patterns,
    path("api/plans/", include("tenants.plans.urls")),
    path("planer/", include("tenants.plans.page_urls")),
    path("rutiner/", include("tenants.routines.page_urls")),
    path("api/plan-templates/", blueprint_api.PlanTemplateList.as_view(), name="plan-templates"),
    *routine_api_patterns,
    *billing_patterns,
    path("", include("samla.accounts.integration_urls")),
    *network_patterns,
    *workspace_patterns,
    *common_patterns,
    *cms_patterns,
]
