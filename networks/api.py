"""The networks API: thin views over `networks.access` and `networks.services`.

On the public host (`samla/urls_public.py`): `/api/networks/` (what the user coordinates
or belongs to; everything for operators), one network, and its members (coordinators and
operators: list, add, read, remove). On a municipality's host (`samla/urls_tenant.py`):
`/api/network-memberships/`, the municipality's memberships with what each shares; its
leader changes the sharing choice (PATCH) and leaves a network (`…/leave/`).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from networks import access, services
from networks.models import LearningNetwork, NetworkMembership, Sharing
from samla.accounts.access import acting_user, tenant_of

TAG = "networks"
_M = TypeVar("_M", bound=models.Model)


# Serializers ----------------------------------------------------------------------------


class NetworkSerializer(serializers.ModelSerializer[LearningNetwork]):
    class Meta:
        model = LearningNetwork
        fields = [
            "id",
            "name",
            "slug",
            "organiser",
            "theme",
            "region",
            "starts_on",
            "ends_on",
            "description",
        ]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer[NetworkMembership]):
    """A member municipality as its network's coordinators see it."""

    id = serializers.IntegerField(
        source="municipality_id", read_only=True, help_text=_("Kommunens id")
    )
    name = serializers.CharField(source="municipality.name", read_only=True)
    slug = serializers.CharField(source="municipality.slug", read_only=True)
    number = serializers.CharField(
        source="municipality.number",
        read_only=True,
        allow_null=True,
        help_text=_("Kommunenummeret (fire siffer)"),
    )

    class Meta:
        model = NetworkMembership
        fields = ["id", "name", "slug", "number", "joined_on", "sharing"]
        read_only_fields = fields


class MemberCreateSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=_("Id-en til kommunen som skal bli medlem")
    )


class MembershipSerializer(serializers.ModelSerializer[NetworkMembership]):
    """One of the municipality's memberships, with its network and what it shares."""

    network = NetworkSerializer(read_only=True)

    class Meta:
        model = NetworkMembership
        fields = ["id", "network", "joined_on", "left_on", "sharing"]
        read_only_fields = fields


class SharingSerializer(serializers.Serializer[dict[str, Any]]):
    sharing = serializers.ChoiceField(
        choices=Sharing.choices,
        help_text=_(
            "figures: bare statustall (standard); plans: statustall og planene, kun lesing"
        ),
    )


# Schema: the member endpoints answer 403 to reads too ----------------------------------


class ManagersOnlySchema(api_settings.DEFAULT_SCHEMA_CLASS):  # type: ignore[name-defined]
    """The project's inspector, plus 403 on reads: members are for coordinators and operators."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if "403" not in responses and "401" in responses:
            responses["403"] = {
                **responses["401"],
                "description": str(_("Bare nettverkets koordinatorer og driftsoperatører.")),
            }
        return responses


# Public host: networks and members --------------------------------------------------------


@extend_schema(tags=[TAG])
class NetworkList(GenericAPIView[LearningNetwork]):
    """The networks the user coordinates or whose member municipality they belong to."""

    serializer_class = NetworkSerializer

    def get_queryset(self) -> Any:
        return access.networks_for(acting_user(self.request)).order_by("name", "id")

    @extend_schema(summary="Nettverkene dine", responses={200: NetworkSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NetworkScoped(GenericAPIView[_M], Generic[_M]):
    """A view under `/api/networks/{network_id}/`: the network is resolved before the method."""

    network: LearningNetwork

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.network = access.get_network_for(acting_user(request), kwargs["network_id"])


@extend_schema(tags=[TAG])
class NetworkDetail(NetworkScoped[LearningNetwork]):
    serializer_class = NetworkSerializer

    @extend_schema(summary="Ett nettverk", responses={200: NetworkSerializer})
    def get(self, request: Request, network_id: int) -> Response:
        return Response(self.get_serializer(self.network).data)


class MembersScoped(NetworkScoped[NetworkMembership]):
    serializer_class = MemberSerializer
    schema = ManagersOnlySchema()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        access.require_member_manager(acting_user(request), self.network)


@extend_schema(tags=[TAG])
class MemberList(MembersScoped):
    """The network's current members; adding one (coordinators and operators)."""

    creates = True  # POST answers 201

    @extend_schema(summary="Medlemmene i nettverket", responses={200: MemberSerializer(many=True)})
    def get(self, request: Request, network_id: int) -> Response:
        members = (
            NetworkMembership.objects.current()
            .filter(network=self.network)
            .select_related("municipality")
            .order_by("municipality__name", "id")
        )
        page = self.paginate_queryset(members)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Legg til en kommune",
        request=MemberCreateSerializer,
        responses={201: MemberSerializer},
    )
    def post(self, request: Request, network_id: int) -> Response:
        given = MemberCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = services.add_member(
            acting_user(request), self.network, given.validated_data["municipality"]
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class MemberDetail(MembersScoped):
    """One member municipality; DELETE ends its membership today."""

    membership: NetworkMembership

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.membership = access.current_member(self.network, kwargs["municipality_id"])

    @extend_schema(summary="Ett medlem", responses={200: MemberSerializer})
    def get(self, request: Request, network_id: int, municipality_id: int) -> Response:
        return Response(self.get_serializer(self.membership).data)

    @extend_schema(summary="Ta kommunen ut av nettverket", responses={204: None})
    def delete(self, request: Request, network_id: int, municipality_id: int) -> Response:
        services.remove_member(acting_user(request), self.network, self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


# A municipality's host: its memberships ---------------------------------------------------


class MembershipsView(GenericAPIView[NetworkMembership]):
    serializer_class = MembershipSerializer

    def get_queryset(self) -> Any:
        return access.memberships_of(tenant_of(self.request))


@extend_schema(tags=[TAG])
class MembershipList(MembershipsView):
    """The networks the municipality belongs to, and what it shares with each."""

    @extend_schema(summary="Kommunens nettverk", responses={200: MembershipSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MembershipScoped(MembershipsView):
    membership: NetworkMembership

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.membership = access.get_membership_for(tenant_of(request), kwargs["membership_id"])


@extend_schema(tags=[TAG])
class MembershipDetail(MembershipScoped):
    """One membership; its `sharing` is set by the municipality's leader."""

    @extend_schema(summary="Ett medlemskap", responses={200: MembershipSerializer})
    def get(self, request: Request, membership_id: int) -> Response:
        return Response(self.get_serializer(self.membership).data)

    @extend_schema(
        summary="Velg hva nettverket får se",
        request=SharingSerializer,
        responses={200: MembershipSerializer},
    )
    def patch(self, request: Request, membership_id: int) -> Response:
        given = SharingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        membership = services.set_sharing(
            tenant_of(request),
            acting_user(request),
            self.membership,
            given.validated_data["sharing"],
        )
        return Response(self.get_serializer(membership).data)


@extend_schema(tags=[TAG])
class MembershipLeave(MembershipScoped):
    """The municipality leaves the network today (its leader only)."""

    @extend_schema(
        summary="Meld kommunen ut av nettverket",
        request=None,
        responses={200: MembershipSerializer},
    )
    def post(self, request: Request, membership_id: int) -> Response:
        membership = services.leave_network(
            tenant_of(request), acting_user(request), self.membership
        )
        return Response(self.get_serializer(membership).data)
