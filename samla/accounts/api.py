"""Account endpoints: API tokens and who-am-I."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from samla.accounts.access import roles_of
from samla.accounts.integrations import revoke_integration_token
from samla.accounts.models import IntegrationToken


class CredentialsSerializer(serializers.Serializer[dict[str, str]]):
    username = serializers.CharField(max_length=150, label=_("Brukernavn"))
    password = serializers.CharField(max_length=256, label=_("Passord"), trim_whitespace=False)


class ObtainTokenView(APIView):
    """Exchange a user name and password for an API token (public host only)."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    creates = True  # the schema documents 201
    may_lock_out = True  # axes answers 429 after repeated failures

    @extend_schema(
        request=CredentialsSerializer,
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request._request, **credentials.validated_data)
        if user is None:
            # A lockout is answered by the axes middleware (429) instead of this.
            return Response(
                {"detail": _("Feil brukernavn eller passord.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        _instance, token = AuthToken.objects.create(user)
        return Response({"token": token}, status=status.HTTP_201_CREATED)


class RevokeTokenView(APIView):
    """Revoke the token this request was made with (a login token or an integration's)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        elif isinstance(request.auth, IntegrationToken):
            revoke_integration_token(request.auth, request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user and their roles on this host."""

    @extend_schema(responses=inline_serializer("Me", {"username": serializers.CharField()}))
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "username": user.get_username(),
                "name": user.display_name,  # type: ignore[union-attr]
                "email": user.email,  # type: ignore[union-attr]
                "host": request.get_host(),
                "roles": roles_of(user, request.tenant),  # type: ignore[attr-defined,arg-type]
            }
        )
