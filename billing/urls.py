"""Routes of billing: on the public host the packages API and the catalogue's pages
(namespace `billing`); orders, invoices, Stripe and the pages each keep their own routes
in `billing/urls_<part>.py`, gathered here for both hosts."""

from django.urls import include, path

from billing import (
    api,
    urls_bank,
    urls_invoices,
    urls_licences,
    urls_orders,
    urls_pages,
    urls_stripe,
    views,
)

PARTS = (urls_orders, urls_invoices, urls_stripe, urls_bank, urls_licences, urls_pages)

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
    *(pattern for part in PARTS for pattern in part.public_patterns),
]

tenant_patterns = [pattern for part in PARTS for pattern in part.tenant_patterns]
