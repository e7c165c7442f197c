"""The indicators API on the public host: thin views over `access` and `services`.

`/api/indicators/` (the shared catalogue: everyone signed in reads it, operators and
coordinators add), `/api/indicators/{id}/` (read; change naming the `version` edited),
`/api/indicators/{id}/values/` (the values the user may read, filtered by municipality,
network and period; POST enters or corrects one value), `/api/indicators/{id}/import/`
(an SSB Statistikkbanken CSV, sent as the JSON string `csv`: the API reads JSON only) and
`/api/indicators/{id}/medians/` (the median per period, shown only where at least five
municipalities contribute).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from networks.indicators import access, queries, services
from networks.indicators.models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    Indicator,
    IndicatorValue,
)
from networks.indicators.periods import parse_period
from networks.models import LearningNetwork
from samla.accounts.access import acting_user

TAG = "indicators"
MAX_ID = 2**63 - 1


# Serializers ----------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Versjonen du har endret; kreves ved endring (PATCH)."),
    )

    class Meta:
        model = Indicator
        fields = [
            "id", "name", "unit", "better", "source", "source_key", "description",
            "min_value", "max_value", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list[Any] = []  # the services check uniqueness, with Norwegian messages


class ValueSerializer(serializers.ModelSerializer[IndicatorValue]):
    municipality = serializers.IntegerField(
        source="municipality_id", read_only=True, help_text=_("Kommunens id")
    )
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    municipality_number = serializers.CharField(
        source="municipality.number", read_only=True, allow_null=True
    )
    indicator = serializers.IntegerField(source="indicator_id", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = [
            "id", "indicator", "municipality", "municipality_name", "municipality_number",
            "period", "starts_on", "ends_on", "value", "origin", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ValueField(serializers.DecimalField):
    """A value as a JSON number or a text with a decimal point or comma (`"12,5"`)."""

    def __init__(self, **kwargs: Any) -> None:
        message = _("Oppgi verdien som et tall, f.eks. 12,5.")
        kwargs.setdefault("error_messages", {"invalid": message})
        super().__init__(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            data = data.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
        return super().to_internal_value(data)


class ValueCreateSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("Id-en til kommunen verdien gjelder")
    )
    period = serializers.CharField(
        max_length=20, help_text=_("År (2023), kvartal (2023K1), måned (2023M01) eller 2023-2024")
    )
    value = ValueField(help_text=_("Verdien; desimalkomma eller -punktum"))


class ImportSerializer(serializers.Serializer[dict[str, Any]]):
    csv = serializers.CharField(
        max_length=2_000_000,
        trim_whitespace=False,
        help_text=_("Filen fra SSBs Statistikkbank («semikolonseparert med overskrift») som tekst"),
    )
    network = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text=_("Nettverket det importeres for: hver rad må være et av medlemmene"),
    )


class ImportResultSerializer(serializers.Serializer[dict[str, Any]]):
    created = serializers.IntegerField(help_text=_("Nye verdier"))
    updated = serializers.IntegerField(help_text=_("Endrede verdier"))
    unchanged = serializers.IntegerField(help_text=_("Verdier som allerede var slik"))
    missing = serializers.IntegerField(help_text=_("Felt merket som manglende («..», «:», «-»)"))


class MedianSerializer(serializers.Serializer[dict[str, Any]]):
    period = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    median = serializers.DecimalField(max_digits=VALUE_DIGITS + 2, decimal_places=VALUE_PLACES)
    municipalities = serializers.IntegerField(help_text=_("Antall kommuner medianen bygger på"))


# Query parameters -----------------------------------------------------------------------


def _id_parameter(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_ID:
        raise ValidationError({name: [_("Oppgi en id (et positivt heltall).")]})
    return value


def _network_parameter(request: Request) -> LearningNetwork | None:
    network_id = _id_parameter(request, "network")
    if network_id is None:
        return None
    return access.get_network_for(acting_user(request), network_id)


NETWORK_PARAMETER = OpenApiParameter(
    "network", int, description=str(_("Bare medlemmene i dette nettverket (id)"))
)


# Views ----------------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class IndicatorList(GenericAPIView[Indicator]):
    """The shared catalogue; operators and coordinators add to it."""

    serializer_class = IndicatorSerializer
    creates = True

    def get_queryset(self) -> QuerySet[Indicator]:
        return Indicator.objects.order_by("name", "id")

    @extend_schema(summary="Indikatorkatalogen", responses={200: IndicatorSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="Ny indikator", responses={201: IndicatorSerializer})
    def post(self, request: Request) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("version", None)
        indicator = services.create_indicator(acting_user(request), data)
        return Response(self.get_serializer(indicator).data, status=status.HTTP_201_CREATED)


class IndicatorScoped(GenericAPIView[Any]):
    """A view under `/api/indicators/{indicator_id}/`: the indicator is resolved first."""

    indicator: Indicator

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.indicator = access.get_indicator(kwargs["indicator_id"])


@extend_schema(tags=[TAG])
class IndicatorDetail(IndicatorScoped):
    serializer_class = IndicatorSerializer
    conflict_methods = frozenset({"PATCH"})

    @extend_schema(summary="Én indikator", responses={200: IndicatorSerializer})
    def get(self, request: Request, indicator_id: int) -> Response:
        return Response(self.get_serializer(self.indicator).data)

    @extend_schema(summary="Endre indikatoren", responses={200: IndicatorSerializer})
    def patch(self, request: Request, indicator_id: int) -> Response:
        given = self.get_serializer(self.indicator, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        version = data.pop("version", None)
        try:
            indicator = services.update_indicator(
                acting_user(request), self.indicator, data, version=version
            )
        except services.StaleVersion as exc:
            return Response(
                {
                    "detail": str(
                        _(
                            "Noen andre har endret dette mens du redigerte. Se den gjeldende "
                            "versjonen og gjør endringen din på nytt."
                        )
                    ),
                    "current": self.get_serializer(exc.current).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(indicator).data)


@extend_schema(tags=[TAG])
class ValueList(IndicatorScoped):
    """The indicator's values the user may read; entering or correcting one."""

    serializer_class = ValueSerializer
    creates = True

    @extend_schema(
        summary="Verdiene",
        parameters=[
            OpenApiParameter("municipality", int, description=str(_("Bare denne kommunen (id)"))),
            NETWORK_PARAMETER,
            OpenApiParameter(
                "period", str, description=str(_("Bare denne perioden (2023, 2023K1 …)"))
            ),
        ],
        responses={200: ValueSerializer(many=True)},
    )
    def get(self, request: Request, indicator_id: int) -> Response:
        municipality = _id_parameter(request, "municipality")
        network = _network_parameter(request)
        period = request.query_params.get("period")
        values = access.values_for(acting_user(request), self.indicator, network)
        if municipality is not None:
            values = values.filter(municipality_id=municipality)
        if period not in (None, ""):
            try:
                values = values.filter(period=parse_period(period).label)
            except ValidationError as exc:
                raise ValidationError({"period": exc.messages}) from exc
        values = values.select_related("municipality").order_by(
            "municipality__name", "municipality_id", "starts_on", "ends_on"
        )
        page = self.paginate_queryset(values)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Registrer eller rett en verdi",
        request=ValueCreateSerializer,
        responses={201: ValueSerializer, 200: ValueSerializer},
    )
    def post(self, request: Request, indicator_id: int) -> Response:
        given = ValueCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        row, created = services.set_value(
            acting_user(request),
            self.indicator,
            data["municipality"],
            data["period"],
            data["value"],
        )
        row = IndicatorValue.objects.select_related("municipality").get(pk=row.pk)
        return Response(
            self.get_serializer(row).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(tags=[TAG])
class ValueImport(IndicatorScoped):
    """Import an SSB Statistikkbanken CSV: all or nothing, re-importing changes nothing."""

    serializer_class = ImportSerializer

    @extend_schema(
        summary="Importer en CSV fra SSBs Statistikkbank",
        request=ImportSerializer,
        responses={200: ImportResultSerializer},
    )
    def post(self, request: Request, indicator_id: int) -> Response:
        given = ImportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        network_id = given.validated_data.get("network")
        network = None
        if network_id is not None:
            network = access.get_network_for(acting_user(request), network_id)
        outcome = services.import_csv(
            acting_user(request), self.indicator, given.validated_data["csv"], network
        )
        return Response(
            ImportResultSerializer(
                {
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                    "missing": outcome.missing,
                }
            ).data
        )


@extend_schema(tags=[TAG])
class MedianList(IndicatorScoped):
    """The median per period, of a network's members (or of every municipality); only
    periods where at least five municipalities contribute are shown."""

    serializer_class = MedianSerializer
    pagination_class = None

    @extend_schema(
        summary="Medianen per periode",
        parameters=[NETWORK_PARAMETER],
        responses={
            200: OpenApiResponse(
                MedianSerializer(many=True), description=str(_("Periodene, eldste først"))
            )
        },
    )
    def get(self, request: Request, indicator_id: int) -> Response:
        network = _network_parameter(request)
        medians = queries.medians(self.indicator, network)
        return Response([MedianSerializer(row).data for row in medians])
