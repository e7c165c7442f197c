"""Routes of billing's bank part: statements and payments, on the public host only
(`public_patterns`; a municipality's host has none), included by `billing.urls`."""

from django.urls import URLPattern, URLResolver, path

from billing import bank_api

public_patterns: list[URLPattern | URLResolver] = [
    path("api/bank-statements/", bank_api.StatementImport.as_view(), name="api-bank-statements"),
    path("api/payments/", bank_api.PaymentList.as_view(), name="api-payments"),
    path(
        "api/payments/<int:pk>/resolve/",
        bank_api.PaymentResolve.as_view(),
        name="api-payment-resolve",
    ),
]
tenant_patterns: list[URLPattern | URLResolver] = []
