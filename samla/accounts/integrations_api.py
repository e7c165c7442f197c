"""The integration tokens API on a municipality's host: list, create, read, revoke.

Only the municipality's leader reaches it (others get 403, other municipalities 404).
Creating answers 201 with the secret, the only time it is shown; nothing else ever
shows the secret or its digest. Revoking is its own route, `…/{id}/revoke/`, so a test
run can leave it out.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from samla.accounts import integrations
from samla.accounts.access import acting_user, tenant_of
from samla.accounts.models import TOKEN_STATUS_LABELS, IntegrationToken
from samla.accounts.permissions import TenantAccess

TAG = "integration-tokens"


class LeaderOnly(TenantAccess):
    """TenantAccess, and the leader role for every method (reading included)."""

    message = integrations.LEADER_ONLY_MESSAGE

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        return integrations.is_leader_of(request.user, tenant_of(request))


class IntegrationTokenSerializer(serializers.ModelSerializer[IntegrationToken]):
    """A token as lists show it: never the secret nor its digest."""

    status = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField(help_text=_("Navnet på den som laget den"))
    revoked_by = serializers.SerializerMethodField(
        help_text=_("Navnet på den som trakk den tilbake")
    )

    class Meta:
        model = IntegrationToken
        fields = [
            "id",
            "name",
            "can_write",
            "token_prefix",
            "status",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "revoked_by",
            "last_used_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "string",
            "enum": list(TOKEN_STATUS_LABELS),
            "description": "active: virker; expired: utløpt; revoked: trukket tilbake",
        }
    )
    def get_status(self, token: IntegrationToken) -> str:
        return token.status

    def get_created_by(self, token: IntegrationToken) -> str | None:
        return token.created_by.display_name if token.created_by else None

    def get_revoked_by(self, token: IntegrationToken) -> str | None:
        return token.revoked_by.display_name if token.revoked_by else None


class IntegrationTokenCreatedSerializer(IntegrationTokenSerializer):
    """The new token with its secret: store it now, it is never shown again."""

    token = serializers.SerializerMethodField(
        help_text=_("Hemmeligheten, vist bare nå. Send den som «Authorization: Bearer …».")
    )

    class Meta(IntegrationTokenSerializer.Meta):
        fields = [*IntegrationTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields

    def get_token(self, token: IntegrationToken) -> str:
        return str(self.context["secret"])


class IntegrationTokenCreateSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(
        max_length=integrations.NAME_MAX_LENGTH,
        help_text=_("Hva nøkkelen brukes til, f.eks. «Sak/arkiv» (unikt i kommunen)"),
    )
    can_write = serializers.BooleanField(
        default=False, help_text=_("Sann: lese og endre. Usann (standard): bare lese.")
    )
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=integrations.MAX_EXPIRY_DAYS,
        help_text=_("Dager til nøkkelen utløper (1–%(max)d)")
        % {"max": integrations.MAX_EXPIRY_DAYS},
    )


class LeaderOnlySchema(api_settings.DEFAULT_SCHEMA_CLASS):  # type: ignore[name-defined]
    """The project's schema inspector, plus 403 on reads: only the leader may read these."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if "403" not in responses and "401" in responses:
            responses["403"] = {**responses["401"], "description": str(LEADER_ONLY_DESCRIPTION)}
        return responses


LEADER_ONLY_DESCRIPTION = _("Bare kommunens prosjektleder kan se og endre integrasjonsnøkler.")


class IntegrationTokensView(GenericAPIView[IntegrationToken]):
    permission_classes = [LeaderOnly]
    serializer_class = IntegrationTokenSerializer
    schema = LeaderOnlySchema()

    def get_queryset(self) -> Any:
        return integrations.integration_tokens_for(tenant_of(self.request), self.request.user)


@extend_schema(tags=[TAG])
class IntegrationTokenList(IntegrationTokensView):
    """The municipality's integration tokens, and creating one (the leader only)."""

    creates = True  # POST answers 201

    @extend_schema(
        summary="Kommunens integrasjonsnøkler",
        responses={200: IntegrationTokenSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        tokens = self.get_queryset()
        page = self.paginate_queryset(tokens)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(tokens, many=True).data)

    @extend_schema(
        summary="Lag en integrasjonsnøkkel",
        request=IntegrationTokenCreateSerializer,
        responses={201: IntegrationTokenCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        given = IntegrationTokenCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        token, secret = integrations.create_integration_token(
            tenant_of(request),
            acting_user(request),
            **given.validated_data,
        )
        body = IntegrationTokenCreatedSerializer(token, context={"secret": secret}).data
        return Response(body, status=status.HTTP_201_CREATED)


class IntegrationTokenScoped(IntegrationTokensView):
    """A view under `/api/integration-tokens/{id}/`: the token is resolved before the method."""

    token: IntegrationToken

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before method dispatch: a wrong id is 404 whatever the method.
        self.token = integrations.get_integration_token_for(
            tenant_of(request),
            request.user,
            kwargs["token_id"],
        )


@extend_schema(tags=[TAG])
class IntegrationTokenDetail(IntegrationTokenScoped):
    """One integration token (without its secret)."""

    @extend_schema(summary="Én integrasjonsnøkkel", responses={200: IntegrationTokenSerializer})
    def get(self, request: Request, token_id: int) -> Response:
        return Response(self.get_serializer(self.token).data)


@extend_schema(tags=[TAG])
class IntegrationTokenRevoke(IntegrationTokenScoped):
    """Revoke the token at once; it stays listed as revoked. Revoking twice changes nothing."""

    @extend_schema(
        summary="Trekk tilbake en integrasjonsnøkkel",
        request=None,
        responses={200: IntegrationTokenSerializer},
    )
    def post(self, request: Request, token_id: int) -> Response:
        token = integrations.revoke_integration_token(self.token, acting_user(request))
        return Response(self.get_serializer(token).data)
