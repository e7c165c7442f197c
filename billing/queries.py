"""What billing's pages read: lists with their figures in a fixed number of queries.

- `order_rows`: orders with what has been invoiced and paid on each (two subqueries, no
  row per invoice in Python).
- `revenue_by_month`: a consultancy's issued invoices and credit notes summed by month of
  issue (net, VAT, gross, the platform fee, paid and open) in one query; a credit note
  counts against its month.
- `order_page`: one order with its lines, invoices and events (who) in four queries.
- `order_price`: an order's lines priced as the invoice will price them (`billing.money`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from billing.models import (
    Consultancy,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Order,
    OrderEvent,
    OrderLine,
)

AMOUNT: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=AMOUNT)
OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)


def _signed(field: str) -> Case:
    """An invoice's amount, negative on a credit note (it takes the amount back)."""
    return Case(
        When(kind=InvoiceKind.CREDIT_NOTE, then=-F(field)),
        default=F(field),
        output_field=AMOUNT,
    )


def _issued() -> QuerySet[Invoice]:
    return Invoice.objects.exclude(status=InvoiceStatus.DRAFT)


def order_rows(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The orders with `invoiced` (gross, credit notes taken off) and `paid` annotated."""
    per_order = _issued().filter(order=OuterRef("pk")).order_by().values("order")
    invoiced = per_order.annotate(total=Sum(_signed("gross_total"))).values("total")
    paid = per_order.annotate(total=Sum("amount_paid")).values("total")
    return orders.annotate(
        invoiced=Coalesce(Subquery(invoiced, output_field=AMOUNT), ZERO),
        paid=Coalesce(Subquery(paid, output_field=AMOUNT), ZERO),
    )


@dataclass(frozen=True)
class Month:
    month: datetime.date
    invoices: int
    net: Decimal
    vat: Decimal
    gross: Decimal
    platform_fee: Decimal
    paid: Decimal
    open: Decimal

    @property
    def payout(self) -> Decimal:
        """What the consultancy keeps: the gross less Samla's fee."""
        return self.gross - self.platform_fee


def revenue_by_month(consultancy: Consultancy) -> list[Month]:
    """The consultancy's issued invoices by month of issue, newest month first."""
    rows = (
        _issued()
        .filter(consultancy=consultancy, issue_date__isnull=False)
        .annotate(month=TruncMonth("issue_date"))
        .order_by()
        .values("month")
        .annotate(
            count=Sum(Case(When(kind=InvoiceKind.INVOICE, then=Value(1)), default=Value(0))),
            net=Sum(_signed("net_total")),
            vat=Sum(_signed("vat_total")),
            gross=Sum(_signed("gross_total")),
            fee=Sum(_signed("platform_fee")),
            paid=Sum("amount_paid"),
            open=Sum(
                Case(
                    When(
                        kind=InvoiceKind.INVOICE,
                        status__in=OPEN,
                        then=F("gross_total") - F("amount_paid"),
                    ),
                    default=ZERO,
                    output_field=AMOUNT,
                )
            ),
        )
        .order_by("-month")
    )
    return [
        Month(
            month=row["month"],
            invoices=row["count"] or 0,
            net=row["net"] or Decimal("0.00"),
            vat=row["vat"] or Decimal("0.00"),
            gross=row["gross"] or Decimal("0.00"),
            platform_fee=row["fee"] or Decimal("0.00"),
            paid=row["paid"] or Decimal("0.00"),
            open=row["open"] or Decimal("0.00"),
        )
        for row in rows
    ]


def revenue_total(months: Iterable[Month]) -> Month | None:
    """The months added up (None when there are none)."""
    months = list(months)
    if not months:
        return None
    return Month(
        month=months[-1].month,
        invoices=sum(m.invoices for m in months),
        net=sum((m.net for m in months), Decimal("0.00")),
        vat=sum((m.vat for m in months), Decimal("0.00")),
        gross=sum((m.gross for m in months), Decimal("0.00")),
        platform_fee=sum((m.platform_fee for m in months), Decimal("0.00")),
        paid=sum((m.paid for m in months), Decimal("0.00")),
        open=sum((m.open for m in months), Decimal("0.00")),
    )


def order_page(orders: QuerySet[Order], order_id: int) -> Order | None:
    """One order (from what the user sees) with lines, invoices and events with actors."""
    return (
        orders.select_related("created_by")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("delivered_by")),
            Prefetch(
                "invoices",
                queryset=Invoice.objects.order_by("issue_date", "number", "id"),
            ),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        )
        .filter(pk=order_id)
        .first()
    )
