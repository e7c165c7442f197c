"""Routes of billing's invoices, the same on the public host (`public_patterns`) and a
municipality's host (`tenant_patterns`), included by `billing.urls`: who sees what is
the access layer's (`billing.access.invoices_for`), by host."""

from django.urls import URLPattern, URLResolver, path

from billing import invoices_api

_patterns: list[URLPattern | URLResolver] = [
    path("api/invoices/", invoices_api.InvoiceList.as_view(), name="api-invoices"),
    path("api/invoices/<int:pk>/", invoices_api.InvoiceDetail.as_view(), name="api-invoice"),
    path(
        "api/invoices/<int:pk>/ehf.xml", invoices_api.InvoiceEhf.as_view(), name="api-invoice-ehf"
    ),
    path(
        "api/invoices/<int:pk>/credit/",
        invoices_api.InvoiceCredit.as_view(),
        name="api-invoice-credit",
    ),
    path(
        "api/orders/<int:pk>/invoices/",
        invoices_api.OrderInvoices.as_view(),
        name="api-order-invoices",
    ),
]

public_patterns: list[URLPattern | URLResolver] = list(_patterns)
tenant_patterns: list[URLPattern | URLResolver] = list(_patterns)
