"""The invoices API, on both hosts: thin views over `billing.access` and
`billing.services.invoices`.

- `GET /api/invoices/`: the invoices and credit notes the user sees on this host (a
  municipality's host: its own; the public host: the user's consultancies', all for
  operators), filterable by `status`, `kind` and `order`.
- `GET /api/invoices/{id}/`: one with its lines, totals, KID, number, due date, the Stripe
  page where it can be paid by card, the state of its sending, and its history.
- `GET /api/invoices/{id}/ehf.xml`: the EHF document as issued (an attachment).
- `POST /api/invoices/{id}/credit/`: the seller (a member of the consultancy, or an
  operator) credits it; 201 with the credit note; asked again, 200 with the credit note
  that stands (nothing is credited twice); 409 for a draft or a credit note.
- `POST /api/orders/{id}/invoices/`: the seller invoices a month's deliveries
  (`{"month": "YYYY-MM"}`); 201 with the invoice, 204 when there is nothing to invoice.

What the user cannot see is 404 (as an id that does not exist); a buyer who sees an
invoice and tries a seller's action is 403. The platform fee (between Samla and the
seller) is shown to the seller only.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from billing import access
from billing.models import (
    Invoice,
    InvoiceEvent,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Order,
)
from billing.services import invoices as services
from billing.services.transitions import TransitionRefused
from billing.states import invoice_actions_from
from samla.accounts.access import acting_user, is_public
from samla.api.downloads import attachment, renderer_for
from samla.api.errors import ERROR_REF, Refused
from samla.api.schema import SamlaAutoSchema
from samla.api.throttling import ExportThrottle
from tenants.models import Municipality

TAG = "invoices"
MAX_INT = 2**31 - 1
XML = "application/xml"
MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


def host_municipality(request: Request) -> Municipality | None:
    """The municipality whose host the request came to; None on the public host."""
    tenant: Municipality = request.tenant  # type: ignore[attr-defined]
    return None if is_public(tenant) else tenant


def ehf_path(invoice: Invoice) -> str | None:
    return f"/api/invoices/{invoice.pk}/ehf.xml" if invoice.ehf_xml else None


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    consultancy_name = serializers.CharField(source="consultancy.name", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    net_total = _money(help_text=gettext_lazy("Sum eks. mva"))
    vat_total = _money(help_text=gettext_lazy("Mva"))
    gross_total = _money(help_text=gettext_lazy("Å betale, inkl. mva"))
    amount_paid = _money()
    send_state_label = serializers.CharField(source="get_send_state_display", read_only=True)
    ehf_url = serializers.SerializerMethodField()
    stripe_hosted_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("Stripes side der fakturaen kan betales med kort")
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "kind",
            "kind_label",
            "number",
            "status",
            "status_label",
            "consultancy",
            "consultancy_name",
            "municipality",
            "municipality_name",
            "order",
            "licence",
            "credited_invoice",
            "buyer_reference",
            "issue_date",
            "due_date",
            "period_start",
            "period_end",
            "kid",
            "currency",
            "net_total",
            "vat_total",
            "gross_total",
            "amount_paid",
            "send_state",
            "send_state_label",
            "sent_at",
            "stripe_hosted_url",
            "ehf_url",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_ehf_url(self, invoice: Invoice) -> str | None:
        return ehf_path(invoice)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_stripe_hosted_url(self, invoice: Invoice) -> str | None:
        return invoice.stripe_hosted_url or None


class InvoiceLineSerializer(serializers.ModelSerializer[InvoiceLine]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=4, read_only=True)
    unit_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text=gettext_lazy("NOK eks. mva"),
    )
    net_amount = _money(help_text=gettext_lazy("Antall × enhetspris, eks. mva"))

    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "position",
            "order_line",
            "kind",
            "kind_label",
            "name",
            "quantity",
            "unit",
            "unit_price",
            "vat",
            "net_amount",
        ]
        read_only_fields = fields


class InvoiceEventSerializer(serializers.ModelSerializer[InvoiceEvent]):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceEvent
        fields = ["id", "action", "from_status", "to_status", "actor", "actor_name", "source", "at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, event: InvoiceEvent) -> str | None:
        actor = event.actor
        if actor is None:
            return None
        return actor.get_full_name() or actor.get_username()


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    events = InvoiceEventSerializer(many=True, read_only=True)
    credit_note = serializers.SerializerMethodField()
    platform_fee = serializers.SerializerMethodField(
        help_text=gettext_lazy("Samlas gebyr av nettobeløpet; bare for selgeren")
    )
    actions = serializers.SerializerMethodField(
        help_text=gettext_lazy("Det brukeren kan gjøre med fakturaen nå")
    )

    class Meta(InvoiceSerializer.Meta):
        fields = [
            *InvoiceSerializer.Meta.fields,
            "platform_fee",
            "credit_note",
            "actions",
            "lines",
            "events",
        ]
        read_only_fields = fields

    def _is_seller(self, invoice: Invoice) -> bool:
        return bool(self.context.get("seller"))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_credit_note(self, invoice: Invoice) -> int | None:
        note = Invoice.objects.filter(credited_invoice_id=invoice.pk).values_list("pk", flat=True)
        return note.first()

    @extend_schema_field(_money(allow_null=True))
    def get_platform_fee(self, invoice: Invoice) -> str | None:
        return f"{invoice.platform_fee:.2f}" if self._is_seller(invoice) else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, invoice: Invoice) -> list[str]:
        if not self._is_seller(invoice) or invoice.kind != InvoiceKind.INVOICE:
            return []
        return [a.name for a in invoice_actions_from(invoice.status) if a.name == "credit"]


class CreditSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Hvorfor fakturaen krediteres (står i historikken)"),
    )


class MonthSerializer(serializers.Serializer[dict[str, Any]]):
    month = serializers.RegexField(
        MONTH.pattern,
        max_length=7,
        help_text=gettext_lazy("Måneden leveransene ble holdt: ÅÅÅÅ-MM"),
        error_messages={
            "invalid": gettext_lazy("Oppgi måneden som ÅÅÅÅ-MM, for eksempel 2026-09.")
        },
    )

    def validate_month(self, value: str) -> datetime.date:
        found = MONTH.match(value)
        year = int(found["year"]) if found else 0
        if found is None or not 2000 <= year <= 2100:
            raise serializers.ValidationError(_("Oppgi en måned fra 2000-01 til 2100-12."))
        return datetime.date(year, int(found["month"]), 1)


class ListSchema(SamlaAutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET"


def filtered(invoices: QuerySet[Invoice], params: Any) -> QuerySet[Invoice]:
    """The list's filters: `status`, `kind`, `order` (an id); an unknown value finds none."""
    state = params.get("status")
    if state:
        invoices = (
            invoices.filter(status=state) if state in InvoiceStatus.values else invoices.none()
        )
    kind = params.get("kind")
    if kind:
        invoices = invoices.filter(kind=kind) if kind in InvoiceKind.values else invoices.none()
    order = str(params.get("order", ""))
    if order.isdigit() and int(order) <= MAX_INT:
        invoices = invoices.filter(order_id=int(order))
    elif order:
        invoices = invoices.none()
    return invoices


class InvoicesView(GenericAPIView[Invoice]):
    serializer_class: Any = InvoiceSerializer
    filter_backends = []

    def detail(self, invoice_id: int, *, code: int = status.HTTP_200_OK) -> Response:
        """The invoice as this user sees it on this host, read fresh."""
        user = acting_user(self.request)
        invoice = access.get_invoice_for(user, invoice_id, host_municipality(self.request))
        full = (
            Invoice.objects.select_related("consultancy", "municipality", "order")
            .prefetch_related("lines", "events__actor")
            .get(pk=invoice.pk)
        )
        context = {
            **self.get_serializer_context(),
            "seller": access.is_seller(user, full.consultancy_id),
        }
        return Response(InvoiceDetailSerializer(full, context=context).data, status=code)

    def require_seller(self, consultancy_id: int) -> None:
        if not access.is_seller(acting_user(self.request), consultancy_id):
            raise PermissionDenied(
                _("Bare konsulentselskapet som har sendt fakturaen, kan kreditere og fakturere.")
            )


@extend_schema(tags=[TAG])
class InvoiceList(InvoicesView):
    """Invoices and credit notes the user sees on this host."""

    schema = ListSchema()

    @extend_schema(
        summary="Fakturaer og kreditnotaer",
        parameters=[
            OpenApiParameter("status", str, enum=InvoiceStatus.values),
            OpenApiParameter("kind", str, enum=InvoiceKind.values),
            OpenApiParameter("order", int, description="Bare fakturaene til denne bestillingen"),
        ],
        responses={200: InvoiceSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        invoices = filtered(
            access.invoices_for(acting_user(request), host_municipality(request)),
            request.query_params,
        )
        page = self.paginate_queryset(invoices.order_by("-issue_date", "-number", "-id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=[TAG])
class InvoiceDetail(InvoicesView):
    serializer_class = InvoiceDetailSerializer

    @extend_schema(
        summary="Én faktura med linjer, KID, forfall, betalingslenke og historikk",
        responses={200: InvoiceDetailSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail(pk)


@extend_schema(tags=[TAG])
class InvoiceEhf(InvoicesView):
    """The EHF document as it was issued, for download."""

    serializer_class = serializers.Serializer
    throttle_classes = [ExportThrottle]

    def get_renderers(self) -> list[BaseRenderer]:
        return [JSONRenderer(), renderer_for(XML, "xml")()]

    @extend_schema(
        summary="EHF-dokumentet (Peppol BIS Billing 3.0) som vedlegg",
        operation_id="invoices_ehf_xml",
        request=None,
        responses={
            (200, XML): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("EHF-dokumentet som vedlegg.")
            ),
            400: OpenApiResponse(
                ERROR_REF, description=gettext_lazy("Fakturaen er ikke utstedt ennå.")
            ),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        invoice = access.get_invoice_for(acting_user(request), pk, host_municipality(request))
        if not invoice.ehf_xml:
            raise Refused(_("Fakturaen er ikke utstedt ennå, så den har ikke noe EHF-dokument."))
        name = _("kreditnota") if invoice.kind == InvoiceKind.CREDIT_NOTE else _("faktura")
        return attachment(
            invoice.ehf_xml.encode("utf-8"), XML, f"{name}-{invoice.number}", "xml", "faktura"
        )


@extend_schema(tags=[TAG])
class InvoiceCredit(InvoicesView):
    """The seller credits the whole invoice with a credit note."""

    creates: ClassVar[bool] = True
    conflict_methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    serializer_class = InvoiceDetailSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before the method is dispatched: a guessed id is 404 whatever the method.
        self.invoice = access.get_invoice_for(
            acting_user(request), kwargs["pk"], host_municipality(request)
        )

    @extend_schema(
        summary="Krediter fakturaen (selgeren): en kreditnota for hele beløpet",
        request=CreditSerializer,
        responses={
            201: InvoiceDetailSerializer,
            200: OpenApiResponse(
                InvoiceDetailSerializer,
                description=gettext_lazy("Allerede kreditert: kreditnotaen som står."),
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        invoice = self.invoice
        self.require_seller(invoice.consultancy_id)
        given = CreditSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            note = services.credit_invoice(invoice, user, given.validated_data.get("reason", ""))
        except (services.NotCreditable, TransitionRefused) as refused:
            # Asked again (a client retrying): the credit note that stands, nothing doubled.
            existing = Invoice.objects.filter(credited_invoice_id=invoice.pk).first()
            if existing is not None:
                return self.detail(existing.pk)
            return Response({"detail": str(refused)}, status=status.HTTP_409_CONFLICT)
        return self.detail(note.pk, code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class OrderInvoices(InvoicesView):
    """The seller invoices what was delivered in a month."""

    creates: ClassVar[bool] = True
    serializer_class = InvoiceDetailSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before the method is dispatched: a guessed id is 404 whatever the method.
        self.order: Order = access.get_order_for(
            acting_user(request), kwargs["pk"], host_municipality(request)
        )

    @extend_schema(
        summary="Fakturer leveransene i en måned (selgeren)",
        request=MonthSerializer,
        responses={
            201: InvoiceDetailSerializer,
            204: OpenApiResponse(
                description=gettext_lazy("Ingen leveranser i måneden som ikke er fakturert.")
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        order = self.order
        self.require_seller(order.consultancy_id)
        given = MonthSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        invoice = services.invoice_deliveries(order, given.validated_data["month"], user)
        if invoice is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self.detail(invoice.pk, code=status.HTTP_201_CREATED)
