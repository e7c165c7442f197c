"""Routes of billing's orders, the same on the public host (`public_patterns`) and a
municipality's host (`tenant_patterns`), included by `billing.urls`: who sees and does
what is the access layer's (`billing.access.orders_for`) and the services', by host."""

from django.urls import URLPattern, URLResolver, path

from billing import orders_api

_patterns: list[URLPattern | URLResolver] = [
    path("api/orders/", orders_api.OrderList.as_view(), name="api-orders"),
    path("api/orders/<int:pk>/", orders_api.OrderDetail.as_view(), name="api-order"),
    path(
        "api/orders/<int:pk>/confirm/",
        orders_api.OrderConfirm.as_view(),
        name="api-order-confirm",
    ),
    path("api/orders/<int:pk>/cancel/", orders_api.OrderCancel.as_view(), name="api-order-cancel"),
    path(
        "api/orders/<int:pk>/complete/",
        orders_api.OrderComplete.as_view(),
        name="api-order-complete",
    ),
    path(
        "api/orders/<int:pk>/deliveries/",
        orders_api.OrderDeliveries.as_view(),
        name="api-order-deliveries",
    ),
    path(
        "api/orders/<int:pk>/amendments/",
        orders_api.OrderAmendments.as_view(),
        name="api-order-amendments",
    ),
    path(
        "api/orders/<int:pk>/amendments/<int:amendment_pk>/accept/",
        orders_api.AmendmentAccept.as_view(),
        name="api-order-amendment-accept",
    ),
    path(
        "api/orders/<int:pk>/amendments/<int:amendment_pk>/reject/",
        orders_api.AmendmentReject.as_view(),
        name="api-order-amendment-reject",
    ),
]

public_patterns: list[URLPattern | URLResolver] = list(_patterns)
tenant_patterns: list[URLPattern | URLResolver] = list(_patterns)
