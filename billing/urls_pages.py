"""Routes of billing's pages (public host: `public_patterns`; a municipality's host:
`tenant_patterns`), included by `billing.urls`.

Namespace `billing_pages` on both hosts. A municipality's host also gets the catalogue
(`/pakker/`, `/pakker/<pk>/`) under the same namespace and names as the public host's
(`billing:package-list`, `billing:package-detail`), so links resolve on either host.
"""

from django.urls import URLPattern, URLResolver, include, path

from billing import views

public_pages = [
    path("selskaper/", views.consultancy_list, name="consultancies"),
    path("selskaper/<slug:slug>/", views.consultancy_overview, name="consultancy"),
    path("selskaper/<slug:slug>/pakker/ny/", views.package_create, name="package-create"),
    path(
        "selskaper/<slug:slug>/bestillinger/",
        views.consultancy_orders,
        name="consultancy-orders",
    ),
    path("selskaper/<slug:slug>/inntekter/", views.consultancy_revenue, name="consultancy-revenue"),
    path("pakker/<int:pk>/rediger/", views.package_edit, name="package-edit"),
    path("bestillinger/<int:pk>/", views.order_detail, name="order"),
]

tenant_pages = [
    path("bestillinger/", views.municipality_orders, name="orders"),
    path("bestillinger/<int:pk>/", views.order_detail, name="order"),
    path("pakker/<int:pk>/bestill/", views.order_create, name="order-create"),
]

tenant_catalogue = [
    path("pakker/", views.package_list, name="package-list"),
    path("pakker/<int:pk>/", views.package_detail, name="package-detail"),
]

public_patterns: list[URLPattern | URLResolver] = [
    path("", include((public_pages, "billing_pages"), namespace="billing_pages")),
]
tenant_patterns: list[URLPattern | URLResolver] = [
    path("", include((tenant_pages, "billing_pages"), namespace="billing_pages")),
    path("", include((tenant_catalogue, "billing"), namespace="billing")),
]
