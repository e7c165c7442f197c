"""Routes of billing on the public host: the packages API and the catalogue's pages
(namespace `billing`)."""

from django.urls import include, path

from billing import api, views

page_patterns = [
    path("pakker/", views.package_list, name="package-list"),
    path("pakker/<int:pk>/", views.package_detail, name="package-detail"),
]

public_patterns = [
    path("", include((page_patterns, "billing"), namespace="billing")),
    path("api/packages/", api.PackageList.as_view(), name="api-packages"),
    path("api/packages/<int:pk>/", api.PackageDetail.as_view(), name="api-package"),
    path(
        "api/packages/<int:pk>/publish/", api.PackagePublish.as_view(), name="api-package-publish"
    ),
    path(
        "api/packages/<int:pk>/unpublish/",
        api.PackageUnpublish.as_view(),
        name="api-package-unpublish",
    ),
]
