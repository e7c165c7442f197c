"""Samla's licences on the public host, for platform operators: thin views over
`billing.services.licences`.

`/api/licences/` (GET: every municipality's licences with their state and invoice,
filterable by `municipality`, `year` and `status`; POST: issue a municipality's licence
for a year and its invoice) and `/api/licences/{id}/`. Anyone else: 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from billing import licences
from billing.models import Invoice, Licence, LicenceStatus
from billing.services import licences as services
from networks.access import is_operator
from samla.accounts.access import acting_user
from samla.api.schema import SamlaAutoSchema
from tenants.models import Municipality

TAG = "licences"
MAX_INT = 2**31 - 1


class LicenceInvoiceSerializer(serializers.ModelSerializer[Invoice]):
    class Meta:
        model = Invoice
        fields = ["id", "number", "status", "kid", "issue_date", "due_date", "gross_total"]


class LicenceSerializer(serializers.ModelSerializer[Licence]):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    band = serializers.ChoiceField(choices=[(band.slug, band.label) for band in licences.BANDS])
    band_label = serializers.SerializerMethodField()
    invoice = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = [
            "id",
            "municipality",
            "municipality_name",
            "year",
            "band",
            "band_label",
            "population",
            "amount",
            "valid_from",
            "valid_until",
            "status",
            "invoice",
        ]
        read_only_fields = fields

    def get_band_label(self, licence: Licence) -> str:
        return str(licences.BANDS_BY_SLUG[licence.band].label)

    @extend_schema_field(LicenceInvoiceSerializer(allow_null=True))
    def get_invoice(self, licence: Licence) -> dict[str, Any] | None:
        # The list prefetches `invoices`: the licence's own invoice (not its credit note).
        invoices = [i for i in licence.invoices.all() if i.kind == "invoice"]
        return dict(LicenceInvoiceSerializer(invoices[-1]).data) if invoices else None


class LicenceCreateSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    population = serializers.IntegerField(min_value=1, max_value=licences.MAX_POPULATION)
    buyer_reference = serializers.CharField(
        max_length=200, help_text=gettext_lazy("Kommunens bestillerreferanse (EHF BT-10)")
    )


class ListSchema(SamlaAutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET"


def _operators_only(request: Request) -> None:
    if not is_operator(acting_user(request)):
        raise PermissionDenied(_("Bare driftsoperatører ser og utsteder lisenser."))


def _licences() -> Any:
    return Licence.objects.select_related("municipality").prefetch_related("invoices")


class LicencesView(GenericAPIView[Licence]):
    serializer_class = LicenceSerializer
    filter_backends = []
    forbids_reads = True  # 403 for everyone but operators, documented for GET as well

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _operators_only(request)


@extend_schema(tags=[TAG])
class LicenceList(LicencesView):
    schema = ListSchema()

    @extend_schema(
        summary="Kommunenes lisenser (driftsoperatører)",
        parameters=[
            OpenApiParameter("municipality", int),
            OpenApiParameter("year", int),
            OpenApiParameter("status", str, enum=LicenceStatus.values),
        ],
        responses={200: LicenceSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = _licences()
        for name in ("municipality", "year"):
            value = str(request.query_params.get(name, ""))
            if value:
                rows = (
                    rows.filter(**{f"{name}_id" if name == "municipality" else name: int(value)})
                    if value.isdecimal() and int(value) <= MAX_INT
                    else rows.none()
                )
        state = request.query_params.get("status")
        if state:
            rows = rows.filter(status=state) if state in LicenceStatus.values else rows.none()
        page = self.paginate_queryset(rows.order_by("municipality__name", "-year", "id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Utsted årets lisens og fakturaen for den",
        request=LicenceCreateSerializer,
        responses={201: LicenceSerializer},
    )
    def post(self, request: Request) -> Response:
        given = LicenceCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        municipality = Municipality.objects.live().filter(pk=data.pop("municipality")).first()
        if municipality is None:
            raise serializers.ValidationError({"municipality": [_("Fant ikke kommunen.")]})
        licence, _invoice = services.issue_licence(acting_user(request), municipality, data)
        return Response(
            self.get_serializer(_licences().get(pk=licence.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=[TAG])
class LicenceDetail(LicencesView):
    @extend_schema(summary="Én lisens", responses={200: LicenceSerializer})
    def get(self, request: Request, pk: int) -> Response:
        licence = _licences().filter(pk=pk).first()
        if licence is None:
            raise Http404(_("Fant ikke lisensen."))
        return Response(self.get_serializer(licence).data)
