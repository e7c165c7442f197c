"""Routes of billing's stripe (public host: `public_patterns`; a municipality's host:
`tenant_patterns`), included by `billing.urls`: Stripe's webhook (not in the documented
API: `samla.api.schema.UNDOCUMENTED_ROUTES`) and a consultancy's onboarding link."""

from django.urls import URLPattern, URLResolver, path

from billing import stripe_api, webhooks

public_patterns: list[URLPattern | URLResolver] = [
    path("api/stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
    path(
        "api/consultancies/<int:pk>/stripe/onboarding/",
        stripe_api.StripeOnboarding.as_view(),
        name="api-stripe-onboarding",
    ),
]
tenant_patterns: list[URLPattern | URLResolver] = []
