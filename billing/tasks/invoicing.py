"""Celery tasks of invoicing (public schema): the monthly invoices of as-delivered orders
and the daily fall of unpaid invoices past their due date.

`invoice_deliveries` (beat: the 1st of each month) invoices, for every as-delivered order,
each earlier month's delivered lines not yet invoiced: last month's, and an older month's
whose deliveries were recorded late. It is idempotent: a line is invoiced once, and the
order's row is locked while its lines are picked, so running it twice (or twice at once)
makes one invoice per order and month. One order that cannot be invoiced (a seller
without an account number) is reported and does not stop the others.

`mark_overdue` (beat: daily) marks issued invoices past their due date as overdue.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from billing.models import BillingMode, Order, OrderLine
from billing.services import invoices as services
from samla.celery import app

logger = logging.getLogger(__name__)


@app.task(name="billing.invoice_deliveries")
def invoice_deliveries(on: str | None = None) -> dict[str, Any]:
    """Invoice the deliveries of the months before `on`'s month (ISO date; today if None)."""
    today = datetime.date.fromisoformat(on) if on else timezone.localdate()
    before = services.first_of_month(today)
    delivered = OrderLine.objects.filter(
        order_id=OuterRef("pk"), delivered_on__isnull=False, delivered_on__lt=before
    )
    orders = (
        Order.objects.filter(
            billing_mode=BillingMode.AS_DELIVERED, status__in=services.INVOICEABLE_ORDER
        )
        .filter(Exists(delivered))
        .order_by("pk")
    )
    issued: list[int] = []
    failed: dict[int, str] = {}
    for order in orders:
        for month in services.months_to_invoice(order, before):
            try:
                invoice = services.invoice_deliveries(order, month, None)
            except ValidationError as exc:
                failed[order.pk] = "; ".join(exc.messages)
                logger.warning("order %s not invoiced for %s: %s", order.pk, month, exc.messages)
                break
            if invoice is not None:
                issued.append(invoice.pk)
    return {"on": today.isoformat(), "issued": issued, "failed": failed}


@app.task(name="billing.mark_overdue")
def mark_overdue(on: str | None = None) -> dict[str, Any]:
    """Mark issued invoices past their due date on `on` (ISO date; today if None) overdue."""
    today = datetime.date.fromisoformat(on) if on else timezone.localdate()
    fallen = services.mark_overdue(today)
    return {"on": today.isoformat(), "overdue": [invoice.pk for invoice in fallen]}
