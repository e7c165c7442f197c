"""Celery tasks of invoicing (public schema): the monthly invoices of as-delivered orders
and the daily fall of unpaid invoices past their due date.

`invoice_deliveries` (beat: the 1st of each month) invoices, for every as-delivered order,
each earlier month's delivered lines not yet invoiced: last month's, and an older month's
whose deliveries were recorded late. It is idempotent: a line is invoiced once, and the
order's row is locked while its lines are picked, so running it twice (or twice at once)
makes one invoice per order and month. One order that cannot be invoiced (a seller
without an account number) is reported and does not stop the others.

`mark_overdue` (beat: daily) marks issued invoices past their due date as overdue.

`deliver_invoice` runs after an invoice or credit note is issued (queued on commit by
`billing.services.invoices.issue_invoice`): with Stripe set up, the invoice goes there
first, so that the EHF document's payment note carries the hosted invoice page, and then
the document is sent (`billing.tasks.sending.send_invoice`). Stripe is never in the way
of the EHF: when the push fails, the document goes without the link and the Stripe task
retries the push on its own (and the nightly reconciliation after it).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from billing import stripe_gateway
from billing.models import BillingMode, Invoice, InvoiceKind, Order, OrderLine
from billing.services import ehf_documents
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


@app.task(name="billing.deliver_invoice", bind=True)
def deliver_invoice(self: Any, invoice_id: int) -> dict[str, Any]:
    """An issued invoice into Stripe (when set up) and its EHF document sent."""
    from billing.tasks.sending import send_invoice
    from billing.tasks.stripe_sync import TRANSIENT, credit_in_stripe, push_invoice

    invoice = Invoice.objects.select_related("consultancy").filter(pk=invoice_id).first()
    if invoice is None:
        return {"invoice": invoice_id, "delivered": False}
    stripe = "off"
    if stripe_gateway.enabled():
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            credit_in_stripe.delay(invoice_id)
            stripe = "queued"
        else:
            stripe = _push_first(self, invoice, push_invoice, TRANSIENT)
    send_invoice.delay(invoice_id)
    return {"invoice": invoice_id, "delivered": True, "stripe": stripe}


def _push_first(task: Any, invoice: Invoice, push_invoice: Any, transient: Any) -> str:
    """Push the invoice in this process and write its document again with the hosted
    link; on failure the document goes without it (the push is retried by the Stripe
    task through a broker, and by the nightly reconciliation)."""
    try:
        stripe = "pushed" if push_invoice(invoice.pk)["pushed"] else "skipped"
    except transient:
        logger.warning("invoice %s: Stripe unreachable, sent without the link", invoice.pk)
        if not task.request.is_eager:
            push_invoice.delay(invoice.pk)
        return "retrying"
    except Exception:
        logger.exception("invoice %s: not pushed to Stripe, sent without the link", invoice.pk)
        return "failed"
    invoice.refresh_from_db()
    ehf_documents.refreeze(invoice)
    return stripe
