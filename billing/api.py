"""The programme packages API on the public host: thin views over `access` and `services`.

`/api/packages/` (GET: the catalogue, every consultancy's published packages and the
drafts of the user's own consultancies, filterable by `consultancy` and `kind`; POST: a
new draft, members of the consultancy and operators), `/api/packages/{id}/` (GET, PATCH
naming `version`: 409 when someone saved first; DELETE a draft), `…/publish/` and
`…/unpublish/`. Every package carries its prices from `billing.pricing`: net, VAT and
gross per item and for the package, as strings with two decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from billing import access, pricing
from billing.kinds import KINDS, ItemKind, UnitChoice, VatChoice
from billing.line_serializers import PRICE_FIELDS, TOTAL_FIELDS, PricedLineSerializer, money
from billing.models import Package, PackageItem, PackageStatus
from billing.services import packages as services
from samla.accounts.access import acting_user
from samla.api.schema import SamlaAutoSchema

TAG = "packages"
MAX_INT = 2**31 - 1


def price_of(package: Package) -> pricing.PackagePrice:
    """The package's price, computed once per package per response."""
    cached: pricing.PackagePrice | None = getattr(package, "_price", None)
    if cached is None:
        cached = pricing.price_package(package)
        package._price = cached  # type: ignore[attr-defined]
    return cached


class PackageItemSerializer(PricedLineSerializer):
    class Meta:
        model = PackageItem
        fields = [
            "id",
            "order",
            "kind",
            "kind_label",
            "name",
            "description",
            *PRICE_FIELDS,
            "schedule_week",
            *TOTAL_FIELDS,
        ]
        read_only_fields = fields

    def line_price(self, item: PackageItem) -> pricing.LinePrice[PackageItem]:
        """The item's line of its package's price (computed once for the package)."""
        for line in price_of(item.package).lines:
            if line.item.pk == item.pk:
                return line
        return pricing.line_price(item, item.package.consultancy)


class TotalsSerializer(serializers.Serializer[pricing.PackagePrice]):
    net = money()
    vat = money()
    gross = money()


class PackageSerializer(serializers.ModelSerializer[Package]):
    consultancy = serializers.IntegerField(source="consultancy_id", read_only=True)
    consultancy_name = serializers.CharField(source="consultancy.name", read_only=True)
    programme_page = serializers.IntegerField(
        source="programme_page_id", read_only=True, allow_null=True
    )
    programme_url = serializers.SerializerMethodField()
    items = PackageItemSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = Package
        fields = [
            "id",
            "consultancy",
            "consultancy_name",
            "title",
            "slug",
            "description",
            "programme_page",
            "programme_url",
            "duration_weeks",
            "status",
            "version",
            "published_at",
            "updated_at",
            "items",
            "totals",
        ]
        read_only_fields = fields

    def get_programme_url(self, package: Package) -> str | None:
        page = package.programme_page
        return None if page is None else page.url

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, package: Package) -> dict[str, Decimal]:
        price = price_of(package)
        return TotalsSerializer(price).data

    def to_representation(self, instance: Package) -> dict[str, Any]:
        # The fields above document the shape (and the schema); the catalogue of a hundred
        # packages with their items is written directly, which is ten times faster than
        # DRF's field-by-field serialisation and gives the same JSON (a test compares them).
        return package_data(instance)

    def to_representation_by_fields(self, instance: Package) -> dict[str, Any]:
        return dict(super().to_representation(instance))


_DATETIME = serializers.DateTimeField()
_KIND_LABELS = {kind.slug: kind.label for kind in KINDS}
_UNIT_LABELS = dict(UnitChoice.choices)


def _item_data(line: pricing.LinePrice[PackageItem]) -> dict[str, Any]:
    item = line.item
    return {
        "id": item.pk,
        "order": item.order,
        "kind": item.kind,
        "kind_label": str(_KIND_LABELS[item.kind]),
        "name": item.name,
        "description": item.description,
        "quantity": f"{item.quantity:.4f}",
        "unit": item.unit,
        "unit_price": f"{item.unit_price:.2f}",
        "vat": item.vat,
        "vat_rate": f"{line.category.rate:.2f}",
        "schedule_week": item.schedule_week,
        "net": f"{line.net:.2f}",
        "vat_amount": f"{line.vat:.2f}",
        "gross": f"{line.gross:.2f}",
    }


def package_data(package: Package) -> dict[str, Any]:
    """A package as the API writes it: its fields, items and totals (billing.pricing)."""
    price = price_of(package)
    page = package.programme_page
    return {
        "id": package.pk,
        "consultancy": package.consultancy_id,
        "consultancy_name": package.consultancy.name,
        "title": package.title,
        "slug": package.slug,
        "description": package.description,
        "programme_page": package.programme_page_id,
        "programme_url": None if page is None else page.url,
        "duration_weeks": package.duration_weeks,
        "status": package.status,
        "version": package.version,
        "published_at": _DATETIME.to_representation(package.published_at)
        if package.published_at
        else None,
        "updated_at": _DATETIME.to_representation(package.updated_at),
        "items": [_item_data(line) for line in price.lines],
        "totals": {
            "net": f"{price.net:.2f}",
            "vat": f"{price.vat:.2f}",
            "gross": f"{price.gross:.2f}",
        },
    }


class PackageItemInputSerializer(serializers.Serializer[dict[str, Any]]):
    # Amounts are checked by the service (billing.money), in Norwegian: no negatives, no
    # fractions of an øre, no floats' lost øre.
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=None, decimal_places=None)
    unit = serializers.ChoiceField(choices=UnitChoice.choices, required=False)
    unit_price = serializers.DecimalField(
        max_digits=None, decimal_places=None, help_text=_("NOK eks. mva, høyst to desimaler")
    )
    vat = serializers.ChoiceField(choices=VatChoice.choices, required=False)
    schedule_week = serializers.IntegerField(min_value=1, max_value=520)


class PackageInputFields(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200, required=False)
    slug = serializers.SlugField(max_length=100, required=False)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    programme_page = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_INT
    )
    duration_weeks = serializers.IntegerField(min_value=1, max_value=520, required=False)
    items = serializers.ListField(
        child=PackageItemInputSerializer(), required=False, max_length=services.MAX_ITEMS
    )


class PackageCreateSerializer(PackageInputFields):
    consultancy = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    title = serializers.CharField(max_length=200)
    duration_weeks = serializers.IntegerField(min_value=1, max_value=520)


class PackageUpdateSerializer(PackageInputFields):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class PackageVersionSerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, help_text=_("Versjonen av pakken du har sett")
    )


class ListSchema(SamlaAutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET"


class PackagesView(GenericAPIView[Package]):
    serializer_class = PackageSerializer
    filter_backends = []
    creates: ClassVar[bool] = False
    conflict_methods: ClassVar[frozenset[str]] = frozenset()

    def conflict(self, exc: services.StalePackage) -> Response:
        current = access.get_package_for(acting_user(self.request), exc.current.pk)
        return Response(
            {
                "detail": str(_("Noen andre har endret pakken siden du hentet den.")),
                "current": PackageSerializer(current).data,
            },
            status=status.HTTP_409_CONFLICT,
        )

    def fresh(self, package: Package) -> dict[str, Any]:
        """The package as stored now, read as the catalogue reads it."""
        found = access.get_package_for(acting_user(self.request), package.pk)
        return dict(self.get_serializer(found).data)


def filtered(packages: QuerySet[Package], params: Any) -> QuerySet[Package]:
    """The catalogue's filters: `consultancy` (id), `kind` (an item kind), `status`."""
    consultancy = str(params.get("consultancy", ""))
    if consultancy.isdecimal() and int(consultancy) <= MAX_INT:
        packages = packages.filter(consultancy_id=int(consultancy))
    elif consultancy:
        packages = packages.none()
    kind = params.get("kind")
    if kind:
        packages = (
            packages.filter(items__kind=kind).distinct()
            if kind in ItemKind.values
            else (packages.none())
        )
    state = params.get("status")
    if state:
        packages = (
            packages.filter(status=state) if state in PackageStatus.values else packages.none()
        )
    return packages


@extend_schema(tags=[TAG])
class PackageList(PackagesView):
    """The catalogue; POST makes a draft package of a consultancy the user belongs to."""

    creates = True
    schema = ListSchema()

    @extend_schema(
        summary="Pakkekatalogen (publiserte pakker, og utkast i egne selskaper)",
        parameters=[
            OpenApiParameter("consultancy", int, description="Bare dette selskapets pakker"),
            OpenApiParameter(
                "kind", str, enum=ItemKind.values, description="Pakker med en linje av typen"
            ),
            OpenApiParameter("status", str, enum=PackageStatus.values),
        ],
        responses={200: PackageSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        packages = filtered(access.packages_for(acting_user(request)), request.query_params)
        page = self.paginate_queryset(packages.order_by("consultancy__name", "title", "id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Ny pakke (utkast; selskapets medlemmer og driftsoperatører)",
        request=PackageCreateSerializer,
        responses={201: PackageSerializer},
    )
    def post(self, request: Request) -> Response:
        given = PackageCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        user = acting_user(request)
        consultancy = access.get_managed_consultancy(user, data.pop("consultancy"))
        package = services.create_package(user, consultancy, data)
        return Response(self.fresh(package), status=status.HTTP_201_CREATED)


class PackageScoped(PackagesView):
    package: Package

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.package = access.get_package_for(acting_user(request), kwargs["pk"])

    def get_object(self) -> Package:
        return self.package


@extend_schema(tags=[TAG])
class PackageDetail(PackageScoped):
    conflict_methods = frozenset({"PATCH"})

    @extend_schema(summary="Én pakke med linjer og priser", responses={200: PackageSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.package).data)

    @extend_schema(
        summary="Endre et utkast (linjene erstattes når «items» er med)",
        request=PackageUpdateSerializer,
        responses={200: PackageSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        access.require_manager(user, self.package.consultancy)
        given = PackageUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        version = data.pop("version")
        try:
            package = services.update_package(user, self.package, data, version=version)
        except services.StalePackage as exc:
            return self.conflict(exc)
        return Response(self.fresh(package))

    @extend_schema(summary="Slett et utkast", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.delete_package(acting_user(request), self.package)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PackageStateChange(PackageScoped):
    conflict_methods = frozenset({"POST"})
    change: ClassVar[Any]

    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        access.require_manager(user, self.package.consultancy)
        given = PackageVersionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            package = type(self).change(user, self.package, version=given.validated_data["version"])
        except services.StalePackage as exc:
            return self.conflict(exc)
        return Response(self.fresh(package))


@extend_schema(tags=[TAG])
class PackagePublish(PackageStateChange):
    change = staticmethod(services.publish_package)

    @extend_schema(
        summary="Publiser pakken i katalogen (ikke uten linjer)",
        request=PackageVersionSerializer,
        responses={200: PackageSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


@extend_schema(tags=[TAG])
class PackageUnpublish(PackageStateChange):
    change = staticmethod(services.unpublish_package)

    @extend_schema(
        summary="Ta pakken ut av katalogen (tilbake til utkast som kan endres)",
        request=PackageVersionSerializer,
        responses={200: PackageSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)
