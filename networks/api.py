"""The networks API: thin views over `networks.access` and `networks.services`.

On the public host (`samla/urls_public.py`): `/api/networks/` (what the user coordinates
or belongs to; everything for operators), one network, and its members (coordinators and
operators: list, add, read, remove). On a municipality's host (`samla/urls_tenant.py`):
`/api/network-memberships/`, the municipality's memberships with what each shares; its
leader changes the sharing choice (PATCH) and leaves a network (`…/leave/`).

The comparison (`/api/networks/{id}/comparison/`, members as rows, unpaginated: a
network's members fit one answer) and the trends (`…/trends/?figure=`) read the roll-up
through `networks.comparison`, scoped by `networks.access.comparison_scope`. Open
comparison: the coordinator PATCHes the network's `open_comparison`; a member's leader
gives (PUT) or withdraws (DELETE) its consent at
`/api/network-memberships/{id}/open-comparison-consent/` on the municipality's host.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from networks import access, comparison, services
from networks import comparison_exports as exports
from networks.figures import FIGURES
from networks.models import LearningNetwork, NetworkMembership, OpenComparisonConsent, Sharing
from samla.accounts.access import acting_user, tenant_of
from samla.api.downloads import BinaryRenderer, attachment, renderer_for
from samla.api.throttling import ExportThrottle

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
            "open_comparison",
        ]
        read_only_fields = fields


class OpenComparisonSerializer(serializers.Serializer[dict[str, Any]]):
    open_comparison = serializers.BooleanField(
        help_text=_("Åpen sammenligning: bare når alle medlemmene har samtykket")
    )


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


class FigureColumnSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    # A declared field; DRF's metaclass takes it off the class, so Field.label is untouched.
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()
    better = serializers.CharField(help_text=_("higher, lower eller neither"))
    median = serializers.FloatField(
        allow_null=True,
        help_text=_("Medianen, bare der minst fem kommuner har et tall (ellers null)"),
    )
    contributors = serializers.IntegerField(help_text=_("Kommuner med et tall"))


class CellSerializer(serializers.Serializer[Any]):
    figure = serializers.CharField()
    value = serializers.JSONField(allow_null=True, help_text=_("Tallet (tekst for fasen)"))
    state = serializers.ChoiceField(choices=[s.value for s in comparison.State])
    state_label = serializers.CharField()


class ComparisonMunicipalitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    number = serializers.CharField(allow_null=True)


class ComparisonRowSerializer(serializers.Serializer[Any]):
    municipality = ComparisonMunicipalitySerializer()
    own = serializers.BooleanField(help_text=_("Brukerens egen kommune"))
    sharing = serializers.ChoiceField(choices=Sharing.choices)
    snapshot_date = serializers.DateField(
        allow_null=True, help_text=_("Tallene er fra denne dagen")
    )
    plans_url = serializers.CharField(
        allow_null=True, help_text=_("Kommunens planer (kun lesing), der den deler dem")
    )
    cells = CellSerializer(many=True)


class ComparisonSerializer(serializers.Serializer[Any]):
    network = serializers.IntegerField()
    date = serializers.DateField()
    competence_base = serializers.IntegerField(allow_null=True)
    members = serializers.IntegerField(help_text=_("Medlemmer i utvalget"))
    names = serializers.BooleanField(help_text=_("Om andre kommuners navn vises"))
    figures = FigureColumnSerializer(many=True)
    rows = ComparisonRowSerializer(many=True)


class TrendValueSerializer(serializers.Serializer[Any]):
    municipality = serializers.IntegerField()
    value = serializers.JSONField(allow_null=True)


class TrendPointSerializer(serializers.Serializer[Any]):
    week = serializers.DateField(help_text=_("Mandagen i uka"))
    median = serializers.FloatField(allow_null=True)
    contributors = serializers.IntegerField()
    values = TrendValueSerializer(many=True)


class TrendSerializer(serializers.Serializer[Any]):
    network = serializers.IntegerField()
    figure = FigureColumnSerializer()
    date = serializers.DateField()
    weeks = serializers.IntegerField()
    competence_base = serializers.IntegerField(allow_null=True)
    municipalities = ComparisonMunicipalitySerializer(many=True)
    points = TrendPointSerializer(many=True)


class ConsentSerializer(serializers.Serializer[Any]):
    consented = serializers.BooleanField()
    given_at = serializers.DateTimeField(allow_null=True)
    given_by = serializers.CharField(allow_null=True)


def _figure_json(figure: Any, median: Any = None, contributors: int = 0) -> dict[str, Any]:
    return {
        "key": figure.key,
        "label": str(figure.label),
        "unit": str(figure.unit),
        "better": str(figure.better),
        "median": median,
        "contributors": contributors,
    }


def comparison_json(result: comparison.Comparison) -> dict[str, Any]:
    labels = comparison.state_labels()  # translated once, not once per cell
    return {
        "network": result.network.pk,
        "date": result.as_of,
        "competence_base": result.competence_base.pk if result.competence_base else None,
        "members": result.members,
        "names": result.names,
        "figures": [_figure_json(c.figure, c.median, c.contributors) for c in result.columns],
        "rows": [
            {
                "municipality": {
                    "id": row.municipality_id,
                    "name": row.name,
                    "slug": row.slug,
                    "number": row.number,
                },
                "own": row.own,
                "sharing": row.sharing,
                "snapshot_date": row.snapshot_date,
                "plans_url": row.plans_url,
                "cells": [
                    {
                        "figure": key,
                        "value": cell.value,
                        "state": str(cell.state),
                        "state_label": labels[cell.state],
                    }
                    for key, cell in row.cells.items()
                ],
            }
            for row in result.rows
        ],
    }


def trend_json(result: comparison.Trend) -> dict[str, Any]:
    return {
        "network": result.network.pk,
        "figure": _figure_json(result.figure),
        "date": result.as_of,
        "weeks": result.weeks,
        "competence_base": result.competence_base.pk if result.competence_base else None,
        "municipalities": [
            {"id": mid, "name": name, "slug": slug, "number": number}
            for mid, (name, slug, number) in result.municipalities.items()
        ],
        "points": [
            {
                "week": point.week,
                "median": point.median,
                "contributors": point.contributors,
                "values": [{"municipality": m, "value": v} for m, v in point.values.items()],
            }
            for point in result.points
        ],
    }


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

    @extend_schema(
        summary="Slå åpen sammenligning på eller av (koordinatorer og driftsoperatører)",
        request=OpenComparisonSerializer,
        responses={200: NetworkSerializer},
    )
    def patch(self, request: Request, network_id: int) -> Response:
        given = OpenComparisonSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        network = services.set_open_comparison(
            acting_user(request), self.network, given.validated_data["open_comparison"]
        )
        return Response(self.get_serializer(network).data)


COMPARISON_PARAMETERS = [
    OpenApiParameter(
        "competence_base",
        {"type": "integer", "minimum": 1},
        description=str(_("Bare kommunene i denne kompetansebasen (id)")),
    ),
    OpenApiParameter(
        "date",
        OpenApiTypes.DATE,
        description=str(_("Tallene slik de var denne dagen (ikke i fremtiden)")),
    ),
]


@extend_schema(tags=[TAG])
class NetworkComparison(NetworkScoped[LearningNetwork]):
    """The members as rows and the figures as columns, with the medians (not paginated)."""

    serializer_class = ComparisonSerializer
    pagination_class = None

    @extend_schema(
        summary="Sammenligning av medlemmene",
        parameters=[
            *COMPARISON_PARAMETERS,
            OpenApiParameter(
                "sort",
                str,
                enum=[f"{d}{k}" for k in comparison.sort_keys() for d in ("", "-")],
                description=str(_("Sorter etter navn eller et tall; «-» først gir synkende")),
            ),
        ],
        responses={200: ComparisonSerializer},
    )
    def get(self, request: Request, network_id: int) -> Response:
        params = request.query_params
        as_of = comparison.parse_as_of(params.get("date"))
        base = comparison.parse_competence_base(params.get("competence_base"))
        scope = access.comparison_scope(acting_user(request), self.network)
        result = comparison.compare(self.network, scope, as_of, base, params.get("sort", ""))
        # The serializer documents the shape; the rows are plain data already (a nested
        # serializer per cell would cost more than the query for 400 members).
        return Response(comparison_json(result))


XlsxRenderer = renderer_for(exports.XLSX, "xlsx")
PdfRenderer = renderer_for(exports.PDF, "pdf")


class ComparisonDocument(NetworkScoped[LearningNetwork]):
    """The comparison as a document: the rows and names the user may see, as in the JSON."""

    serializer_class = ComparisonSerializer  # not the body; keeps the schema generator quiet
    pagination_class = None
    throttle_classes = [ExportThrottle]
    extension = ""
    renderer: type[BaseRenderer] = BinaryRenderer

    def get_renderers(self) -> list[BaseRenderer]:
        return [JSONRenderer(), self.renderer()]

    def get(self, request: Request, network_id: int) -> HttpResponse:
        params = request.query_params
        as_of = comparison.parse_as_of(params.get("date"))
        base = comparison.parse_competence_base(params.get("competence_base"))
        scope = access.comparison_scope(acting_user(request), self.network)
        result = comparison.compare(self.network, scope, as_of, base, params.get("sort", ""))
        if self.extension == "xlsx":
            content, content_type = exports.comparison_xlsx(result), exports.XLSX
        else:
            content, content_type = exports.comparison_pdf(result), exports.PDF
        title = f"sammenligning-{self.network.slug}-{as_of.isoformat()}"
        return attachment(content, content_type, title, self.extension)


def _document_schema(content_type: str, summary: str, operation_id: str) -> Any:
    return extend_schema(
        tags=[TAG],
        summary=summary,
        operation_id=operation_id,
        parameters=COMPARISON_PARAMETERS,
        request=None,
        responses={
            (200, content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description=str(_("Dokumentet som vedlegg."))
            )
        },
    )


class ComparisonXlsx(ComparisonDocument):
    extension = "xlsx"
    renderer = XlsxRenderer

    @_document_schema(exports.XLSX, "Sammenligningen som regneark", "networks_comparison_xlsx")
    def get(self, request: Request, network_id: int) -> HttpResponse:
        return super().get(request, network_id)


class ComparisonPdf(ComparisonDocument):
    extension = "pdf"
    renderer = PdfRenderer

    @_document_schema(exports.PDF, "Sammenligningen som PDF-rapport", "networks_comparison_pdf")
    def get(self, request: Request, network_id: int) -> HttpResponse:
        return super().get(request, network_id)


@extend_schema(tags=[TAG])
class NetworkTrends(NetworkScoped[LearningNetwork]):
    """One figure week by week: each member's value (as far as shown) and the median."""

    serializer_class = TrendSerializer
    pagination_class = None

    @extend_schema(
        summary="Utviklingen i ett tall",
        parameters=[
            OpenApiParameter(
                "figure",
                str,
                enum=list(FIGURES),
                description=str(_("Tallets nøkkel (standard: milestones_done)")),
            ),
            OpenApiParameter(
                "weeks",
                {"type": "integer", "minimum": 1, "maximum": comparison.MAX_WEEKS},
                description=str(_("Antall uker bakover (standard 26)")),
            ),
            *COMPARISON_PARAMETERS,
        ],
        responses={200: TrendSerializer},
    )
    def get(self, request: Request, network_id: int) -> Response:
        params = request.query_params
        figure = comparison.parse_figure(params.get("figure", comparison.DEFAULT_FIGURE))
        as_of = comparison.parse_as_of(params.get("date"))
        weeks = comparison.parse_weeks(params.get("weeks"))
        base = comparison.parse_competence_base(params.get("competence_base"))
        scope = access.comparison_scope(acting_user(request), self.network)
        result = comparison.trend(self.network, scope, figure, as_of, weeks, base)
        return Response(trend_json(result))


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

    def get_object(self) -> NetworkMembership:
        """The resolved membership (DRF's OPTIONS asks for it; these URLs name no `pk`)."""
        return self.membership


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


def consent_json(consent: OpenComparisonConsent | None) -> dict[str, Any]:
    if consent is None:
        return {"consented": False, "given_at": None, "given_by": None}
    return {
        "consented": True,
        "given_at": consent.given_at,
        "given_by": consent.given_by.display_name,
    }


@extend_schema(tags=[TAG])
class MembershipConsent(MembershipScoped):
    """The municipality's consent to open comparison in the network (its leader gives it)."""

    def standing(self) -> OpenComparisonConsent | None:
        return (
            OpenComparisonConsent.objects.standing()
            .select_related("given_by")
            .filter(membership=self.membership)
            .first()
        )

    @extend_schema(summary="Samtykke til åpen sammenligning", responses={200: ConsentSerializer})
    def get(self, request: Request, membership_id: int) -> Response:
        return Response(ConsentSerializer(consent_json(self.standing())).data)

    @extend_schema(
        summary="Gi samtykke til åpen sammenligning",
        request=None,
        responses={200: ConsentSerializer},
    )
    def put(self, request: Request, membership_id: int) -> Response:
        services.give_consent(tenant_of(request), acting_user(request), self.membership)
        return Response(ConsentSerializer(consent_json(self.standing())).data)

    @extend_schema(
        summary="Trekk samtykket tilbake (åpen sammenligning slås av)",
        responses={204: None},
    )
    def delete(self, request: Request, membership_id: int) -> Response:
        services.withdraw_consent(tenant_of(request), acting_user(request), self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
