"""The Stripe onboarding API on the public host: a consultancy's link to Stripe's onboarding.

`POST /api/consultancies/{id}/stripe/onboarding/` (the consultancy's members and platform
operators): the consultancy's connected account is made if it has none, and a one-time
link to Stripe's onboarding comes back (`{"url": …}`); Stripe sends the user back to the
consultancy's page. 409 when Stripe is not set up, or for Samla itself (the platform
seller uses the platform's own account); 502 when Stripe does not answer.
Another consultancy's id is 404, as one that does not exist.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import access, stripe_gateway
from billing.models import Consultancy
from samla.accounts.access import acting_user

TAG = "stripe"


def consultancy_page(consultancy: Consultancy) -> str:
    """Where Stripe sends the user back: the consultancy's page (the front page without it)."""
    try:
        return reverse("billing_pages:consultancy", args=[consultancy.slug])
    except NoReverseMatch:
        return "/"


class OnboardingSerializer(serializers.Serializer[dict[str, Any]]):
    url = serializers.URLField(help_text=_("Stripes registreringsside, gyldig noen minutter"))
    account = serializers.CharField(help_text=_("Selskapets Stripe-konto"))
    state = serializers.CharField(help_text=_("Stripe-kontoens status i Samla"))


@extend_schema(tags=[TAG])
class StripeOnboarding(APIView):
    # Stripe not set up answers 409 (documented through the conflict methods).
    conflict_methods: ClassVar[frozenset[str]] = frozenset({"POST"})

    @extend_schema(
        summary="Lenke til Stripes registrering av selskapets konto",
        request=None,
        responses={
            200: OnboardingSerializer,
            502: OpenApiResponse(
                response=inline_serializer(
                    "StripeUnavailable", {"detail": serializers.CharField()}
                ),
                description=_("Stripe svarte ikke; prøv igjen om litt."),
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        consultancy = access.managed_consultancies(user).filter(pk=pk).first()
        if consultancy is None:
            raise Http404(_("Fant ikke konsulentselskapet."))
        if not stripe_gateway.enabled():
            return Response(
                {"detail": str(stripe_gateway.NotConfigured())}, status=status.HTTP_409_CONFLICT
            )
        if consultancy.is_platform:
            return Response(
                {"detail": _("Samla fakturerer på plattformens egen Stripe-konto.")},
                status=status.HTTP_409_CONFLICT,
            )
        page = request.build_absolute_uri(consultancy_page(consultancy))
        try:
            url = stripe_gateway.onboarding_link(consultancy, return_url=page, refresh_url=page)
        except stripe_gateway.StripeError:
            return Response(
                {"detail": _("Stripe svarte ikke; prøv igjen om litt.")},
                status=status.HTTP_502_BAD_GATEWAY,
            )
        consultancy.refresh_from_db(fields=["stripe_account_id", "stripe_account_state"])
        return Response(
            OnboardingSerializer(
                {
                    "url": url,
                    "account": consultancy.stripe_account_id,
                    "state": consultancy.stripe_account_state,
                }
            ).data
        )
