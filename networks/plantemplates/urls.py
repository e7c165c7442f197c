"""Routes of network plan templates: `public_patterns` on the public host (the API and the
coordinator's pages under `/nettverk/<slug>/maler/`, namespace `plantemplates`),
`municipality_patterns` on a municipality's host (tenants.template_adoptions.api)."""

from django.urls import include, path

from networks.plantemplates import api, views
from tenants.template_adoptions import api as municipality_api
from tenants.template_adoptions import views as municipality_views

page_patterns = [
    path("nettverk/<slug:slug>/maler/", views.template_list, name="list"),
    path("nettverk/<slug:slug>/maler/<int:pk>/", views.template_detail, name="detail"),
]

public_patterns = [
    path("", include((page_patterns, "plantemplates"), namespace="plantemplates")),
    path(
        "api/networks/<int:network_id>/plan-templates/",
        api.NetworkTemplateList.as_view(),
        name="api-network-plan-templates",
    ),
    path("api/plan-templates/", api.TemplateList.as_view(), name="api-plan-templates"),
    path("api/plan-templates/<int:pk>/", api.TemplateDetail.as_view(), name="api-plan-template"),
    path(
        "api/plan-templates/<int:pk>/publish/",
        api.TemplatePublish.as_view(),
        name="api-plan-template-publish",
    ),
    path(
        "api/plan-templates/<int:pk>/versions/",
        api.TemplateVersions.as_view(),
        name="api-plan-template-versions",
    ),
]

municipality_patterns = [
    path(
        "api/network-plan-templates/",
        municipality_api.NetworkTemplateList.as_view(),
        name="api-network-plan-templates",
    ),
    path(
        "api/network-plan-templates/<int:pk>/",
        municipality_api.NetworkTemplateDetail.as_view(),
        name="api-network-plan-template",
    ),
    path(
        "api/network-plan-templates/<int:pk>/versions/",
        municipality_api.NetworkTemplateVersions.as_view(),
        name="api-network-plan-template-versions",
    ),
    path(
        "api/network-plan-templates/<int:pk>/start/",
        municipality_api.PlanFromNetworkTemplate.as_view(),
        name="api-network-plan-template-start",
    ),
    path(
        "api/plans/<int:plan_id>/template-changes/",
        municipality_api.PlanTemplateChanges.as_view(),
        name="api-plan-template-changes",
    ),
    path(
        "api/plans/<int:plan_id>/template-changes/take/",
        municipality_api.PlanTemplateTake.as_view(),
        name="api-plan-template-take",
    ),
    path(
        "planer/<int:plan_id>/nettverksmal/",
        municipality_views.template_changes,
        name="network-plan-template-changes",
    ),
]
