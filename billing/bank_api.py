"""The bank API on the public host: statements in, payments to resolve. Thin views over
`billing.services.bank`; a consultancy's members and operators only.

- `POST /api/bank-statements/`: a camt.053 file for one of the user's consultancies, as
  a multipart upload (`consultancy`, `file`) or as JSON (`consultancy`, `document`: the
  XML text); at most 10 MB. 201 with the statement and its payments as matched; 409 when
  the file was imported before (nothing booked twice).
- `GET /api/payments/?match=open|matched|partial|excess|unmatched|resolved&consultancy=`:
  the payments of the user's consultancies' statements, newest first.
- `POST /api/payments/{id}/resolve/`: `{"invoice": id or null, "note": "…"}`; 409 when
  it is already settled.

What the user cannot see is 404, as an id that does not exist.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from billing import access, camt
from billing.models import BankPayment, BankStatement, Consultancy, Invoice, PaymentMatch
from billing.services import bank as services
from networks.access import User, is_operator
from samla.accounts.access import acting_user
from samla.api.schema import SamlaAutoSchema

TAG = "bank"
MAX_INT = 2**31 - 1
# The upload's own fields and multipart framing around the file.
BODY_ALLOWANCE = 64 * 1024
MATCH_FILTERS = ["open", *PaymentMatch.values]


# Lookups -----------------------------------------------------------------------------------


def payments_for(user: User) -> QuerySet[BankPayment]:
    """The payments the user may see: on their consultancies' accounts; all for operators."""
    payments = BankPayment.objects.select_related("statement", "invoice", "resolved_by")
    if not user.is_authenticated or not user.is_active:
        return payments.none()
    if is_operator(user):
        return payments
    return payments & services.payments_of(access.managed_consultancies(user))


def get_payment_for(user: User, payment_id: int) -> BankPayment:
    payment = payments_for(user).filter(pk=payment_id).first()
    if payment is None:
        raise Http404(_("Fant ikke innbetalingen."))
    return payment


# Serializers ---------------------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer[BankPayment]):
    match_label = serializers.CharField(source="get_match_display", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    invoice_number = serializers.IntegerField(
        source="invoice.number", read_only=True, allow_null=True, default=None
    )
    excess = serializers.SerializerMethodField(
        help_text=gettext_lazy("Overbetalt på fakturaen (alle innbetalinger), for overbetalinger")
    )
    resolved_by = serializers.CharField(
        source="resolved_by.get_full_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = BankPayment
        fields = [
            "id",
            "statement",
            "entry_reference",
            "booked_on",
            "amount",
            "kid",
            "payer",
            "match",
            "match_label",
            "invoice",
            "invoice_number",
            "excess",
            "note",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_excess(self, payment: BankPayment) -> str | None:
        invoice = payment.invoice
        if payment.match != PaymentMatch.EXCESS or invoice is None:
            return None
        return f"{max(invoice.amount_paid - invoice.gross_total, 0):.2f}"


class StatementSerializer(serializers.ModelSerializer[BankStatement]):
    payments = serializers.SerializerMethodField()

    class Meta:
        model = BankStatement
        fields = ["id", "message_id", "statement_id", "account", "imported_at", "payments"]
        read_only_fields = fields

    @extend_schema_field(PaymentSerializer(many=True))
    def get_payments(self, statement: BankStatement) -> list[dict[str, Any]]:
        payments = statement.payments.select_related("statement", "invoice", "resolved_by")
        return list(PaymentSerializer(payments.order_by("id"), many=True).data)


class StatementUploadSerializer(serializers.Serializer[dict[str, Any]]):
    consultancy = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    file = serializers.FileField(
        allow_empty_file=False,
        help_text=gettext_lazy("Kontoutskriften (ISO 20022 camt.053), høyst 10 MB"),
    )


class StatementDocumentSerializer(serializers.Serializer[dict[str, Any]]):
    consultancy = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    document = serializers.CharField(
        max_length=camt.MAX_BYTES,
        trim_whitespace=False,
        help_text=gettext_lazy("Kontoutskriften (ISO 20022 camt.053) som XML-tekst"),
    )


class ResolveSerializer(serializers.Serializer[dict[str, Any]]):
    invoice = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "Fakturaen innbetalingen føres på (en ukjent innbetaling), eller null"
        ),
    )
    note = serializers.CharField(
        max_length=services.NOTE_LIMIT, help_text=gettext_lazy("Hva som er gjort")
    )


# Views ---------------------------------------------------------------------------------------


class ListSchema(SamlaAutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET"


@extend_schema(tags=[TAG])
class StatementImport(GenericAPIView[BankStatement]):
    """Import a bank statement: its credits matched to the consultancy's invoices by KID."""

    serializer_class = StatementSerializer
    parser_classes = [MultiPartParser, JSONParser]
    creates = True
    conflict_methods: ClassVar[frozenset[str]] = frozenset({"POST"})

    @extend_schema(
        summary="Les inn en kontoutskrift (camt.053) og avstem innbetalingene mot KID",
        request={
            "multipart/form-data": StatementUploadSerializer,
            "application/json": StatementDocumentSerializer,
        },
        responses={201: StatementSerializer},
    )
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdecimal() or int(length) > camt.MAX_BYTES + BODY_ALLOWANCE:
            raise ValidationError({"file": _("Filen er for stor (høyst 10 MB).")})
        consultancy_id, data = _uploaded(request)
        consultancy = _consultancy_for(user, consultancy_id)
        try:
            statement = services.import_statement(user, consultancy, data)
        except services.StatementAlreadyImported as exc:
            body: dict[str, Any] = {"detail": str(exc)}
            if exc.statement.account == consultancy.bank_account:
                body["current"] = StatementSerializer(exc.statement).data
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(StatementSerializer(statement).data, status=status.HTTP_201_CREATED)


def _uploaded(request: Request) -> tuple[int, bytes]:
    """The consultancy named and the file's bytes, from a multipart upload or JSON."""
    if request.content_type.startswith("multipart/"):
        upload = StatementUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        if file.size > camt.MAX_BYTES:
            raise ValidationError({"file": _("Filen er for stor (høyst 10 MB).")})
        return int(upload.validated_data["consultancy"]), bytes(file.read())
    given = StatementDocumentSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    document: str = given.validated_data["document"]
    return int(given.validated_data["consultancy"]), document.encode("utf-8")


def _consultancy_for(user: User, consultancy_id: int) -> Consultancy:
    """One of the user's consultancies (all for operators); 404 otherwise."""
    consultancy = access.managed_consultancies(user).filter(pk=consultancy_id).first()
    if consultancy is None:
        raise Http404(_("Fant ikke konsulentselskapet."))
    return consultancy


@extend_schema(tags=[TAG])
class PaymentList(GenericAPIView[BankPayment]):
    """The payments of the user's consultancies' bank statements."""

    serializer_class = PaymentSerializer
    schema = ListSchema()

    @extend_schema(
        summary="Innbetalinger fra kontoutskriftene (det som må avstemmes: match=open)",
        parameters=[
            OpenApiParameter(
                "match",
                str,
                enum=MATCH_FILTERS,
                description=gettext_lazy("open: delbetalinger, overbetalinger og ukjente"),
            ),
            OpenApiParameter("consultancy", int, description=gettext_lazy("Bare dette selskapets")),
        ],
        responses={200: PaymentSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        payments = payments_for(user)
        match = request.query_params.get("match") or None
        if match is not None and match not in MATCH_FILTERS:
            raise ValidationError(
                {"match": _("Ukjent filter «%(match)s».") % {"match": match[:50]}}
            )
        payments = services.open_payments(payments, match)
        consultancy = request.query_params.get("consultancy")
        if consultancy:
            if not consultancy.isdecimal() or int(consultancy) > MAX_INT:
                raise ValidationError({"consultancy": _("Må være et heltall.")})
            found = access.managed_consultancies(user).filter(pk=int(consultancy))
            payments = payments & services.payments_of(found)
        page = self.paginate_queryset(payments.order_by("-booked_on", "-id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=[TAG])
class PaymentResolve(GenericAPIView[BankPayment]):
    """A person settles a payment the import could not match."""

    serializer_class = PaymentSerializer
    conflict_methods: ClassVar[frozenset[str]] = frozenset({"POST"})

    @extend_schema(
        summary="Avstem en innbetaling for hånd (før den på en faktura, eller noter hvorfor ikke)",
        request=ResolveSerializer,
        responses={200: PaymentSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        payment = get_payment_for(user, pk)
        given = ResolveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        invoice = None
        invoice_id = given.validated_data.get("invoice")
        if invoice_id is not None:
            consultancy = services.consultancy_of(payment)
            invoice = Invoice.objects.filter(pk=invoice_id, consultancy=consultancy).first()
            if invoice is None:
                raise ValidationError(
                    {"invoice": _("Fant ikke fakturaen blant selskapets fakturaer.")}
                )
        try:
            resolved = services.resolve_payment(
                user, payment, invoice, given.validated_data["note"]
            )
        except services.PaymentAlreadyResolved as exc:
            current = get_payment_for(user, exc.payment.pk)
            return Response(
                {"detail": str(exc), "current": PaymentSerializer(current).data},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(PaymentSerializer(get_payment_for(user, resolved.pk)).data)
