"""Stripe's webhook on the public host: POST /api/stripe/webhook/.

No session, no token and no CSRF token: what proves the sender is the `Stripe-Signature`
header over the raw body (`billing.services.stripe_events.verify`). A forged or stale
event is 400 with a Norwegian message, a replay 200 with nothing done again, and Stripe
unreachable while the event is applied 503 (nothing stored: Stripe sends it again).
The route is not part of Samla's documented API (`samla.api.schema.UNDOCUMENTED_ROUTES`).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import stripe_gateway
from billing.services import stripe_events


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = stripe_events.verify(request.body, request.headers.get("Stripe-Signature"))
    except stripe_events.InvalidEvent as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    try:
        received = stripe_events.receive(event)
    except stripe_gateway.StripeError:
        return JsonResponse(
            {"detail": _("Stripe svarte ikke; varselet behandles når Stripe sender det igjen.")},
            status=503,
        )
    return JsonResponse(
        {
            "id": received.event.event_id,
            "replay": not received.new,
            "outcome": received.event.outcome,
        }
    )
