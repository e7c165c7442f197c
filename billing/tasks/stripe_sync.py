"""Celery tasks between Samla's invoices and Stripe (public schema).

`push_invoice(invoice_id)` makes an issued invoice in Stripe (queued on commit by
`billing.services.invoices.issue_invoice` when Stripe is set up);
`mark_paid_out_of_band(invoice_id)` marks it paid there after a bank payment
(`billing.services.bank.record_payment`); `credit_in_stripe(credit_note_id)` makes the
Stripe credit note of a Samla credit note. Each retries with exponential backoff while
Stripe cannot be reached or answers 5xx/429, and is safe to run twice: the gateway's
idempotency keys are derived from Samla's rows, and a step already done is only re-read.

`reconcile()` (beat: nightly) repairs what missed webhooks and lost tasks left behind:
each invoice with a Stripe id that is not final on both sides is read from Stripe and
brought to its state (paid there: the payment booked; paid in Samla by bank and still open
there: marked paid out of band), unpaid issued invoices that never reached Stripe are
pushed, and credit notes not yet in Stripe are made there. It returns (and logs) what it
changed.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.db import transaction
from django.db.models import Q

from billing import stripe_gateway
from billing.models import Invoice, InvoiceKind, InvoiceStatus
from billing.services import stripe_events
from samla.celery import app

logger = logging.getLogger(__name__)

# Worth another try later: the network, Stripe's own trouble, its rate limit.
TRANSIENT = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 10,
}
FINAL_IN_STRIPE = ("paid", "void", "uncollectible")
UNPAID = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)


def _pushable(invoice: Invoice) -> bool:
    return (
        stripe_gateway.enabled()
        and invoice.kind == InvoiceKind.INVOICE
        and invoice.number is not None
        and stripe_gateway.can_invoice(invoice.consultancy)
    )


@app.task(name="billing.stripe_push_invoice", **RETRY)
def push_invoice(invoice_id: int) -> dict[str, Any]:
    """The issued invoice in Stripe; skipped without Stripe or a seller's account."""
    invoice = Invoice.objects.select_related("consultancy").get(pk=invoice_id)
    if not _pushable(invoice):
        return {"invoice": invoice_id, "pushed": False}
    pushed = stripe_gateway.push_invoice(invoice)
    return {"invoice": invoice_id, "pushed": True, "stripe": pushed.stripe_invoice_id}


@app.task(name="billing.stripe_mark_paid_out_of_band", **RETRY)
def mark_paid_out_of_band(invoice_id: int) -> dict[str, Any]:
    """The Stripe invoice marked paid outside Stripe (the bank booked the payment)."""
    invoice = Invoice.objects.select_related("consultancy").get(pk=invoice_id)
    if not stripe_gateway.enabled() or not invoice.stripe_invoice_id:
        return {"invoice": invoice_id, "marked": False}
    marked = stripe_gateway.pay_out_of_band(invoice)
    return {"invoice": invoice_id, "marked": True, "stripe_status": marked.stripe_status}


@app.task(name="billing.stripe_credit", **RETRY)
def credit_in_stripe(credit_note_id: int) -> dict[str, Any]:
    """The Stripe credit note of a Samla credit note whose invoice is in Stripe."""
    note = Invoice.objects.get(pk=credit_note_id)
    if not stripe_gateway.enabled():
        return {"credit_note": credit_note_id, "credited": False}
    made = stripe_gateway.credit(note)
    return {"credit_note": credit_note_id, "credited": bool(made.stripe_invoice_id)}


def _reconcile_one(invoice_id: int) -> str | None:
    """One invoice brought to Stripe's state, or Stripe to Samla's; what changed (or None)."""
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("consultancy")
            .get(pk=invoice_id)
        )
        before = (invoice.status, invoice.stripe_status, invoice.amount_paid)
        if invoice.status == InvoiceStatus.PAID and invoice.stripe_status == "open":
            stripe_gateway.pay_out_of_band(invoice)
            return f"invoice {invoice.pk}: marked paid out of band in Stripe"
        if invoice.stripe_status in ("", "draft") and _pushable(invoice):
            # A push that stopped half-way: finished (lines already there are not re-added).
            stripe_gateway.push_invoice(invoice)
            invoice.refresh_from_db(fields=["stripe_status"])
            if (invoice.status, invoice.stripe_status, invoice.amount_paid) != before:
                return f"invoice {invoice.pk}: push to Stripe finished"
        outcome = stripe_events.sync_invoice(invoice, None, source="stripe:reconcile")
        invoice.refresh_from_db(fields=["status", "stripe_status", "amount_paid"])
        after = (invoice.status, invoice.stripe_status, invoice.amount_paid)
        return outcome if after != before or outcome.startswith("mismatch") else None


@app.task(name="billing.stripe_reconcile")
def reconcile() -> dict[str, Any]:
    """Nightly: Samla and Stripe agreed again; what was changed and what failed."""
    if not stripe_gateway.enabled():
        return {"enabled": False, "changed": [], "failed": {}}
    changed: list[str] = []
    failed: dict[int, str] = {}
    open_in_stripe = (
        Invoice.objects.filter(kind=InvoiceKind.INVOICE)
        .exclude(stripe_invoice_id="")
        .exclude(Q(stripe_status__in=FINAL_IN_STRIPE) & ~Q(status__in=UNPAID))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for invoice_id in open_in_stripe:
        try:
            outcome = _reconcile_one(invoice_id)
        except stripe.StripeError as exc:
            failed[invoice_id] = str(exc)[:200]
            continue
        if outcome:
            changed.append(outcome)
    never_pushed = (
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, stripe_invoice_id="", status__in=UNPAID)
        .select_related("consultancy")
        .order_by("pk")
    )
    for invoice in never_pushed:
        if not _pushable(invoice):
            continue
        try:
            stripe_gateway.push_invoice(invoice)
        except stripe.StripeError as exc:
            failed[invoice.pk] = str(exc)[:200]
            continue
        changed.append(f"invoice {invoice.pk}: pushed to Stripe")
    credit_notes = (
        Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, stripe_invoice_id="")
        .exclude(status=InvoiceStatus.DRAFT)
        .exclude(credited_invoice__stripe_invoice_id="")
        .order_by("pk")
    )
    for note in credit_notes:
        try:
            made = stripe_gateway.credit(note)
        except stripe.StripeError as exc:
            failed[note.pk] = str(exc)[:200]
            continue
        if made.stripe_invoice_id:
            changed.append(f"credit note {note.pk}: made in Stripe")
    for line in changed:
        logger.info("stripe reconcile: %s", line)
    for pk, error in failed.items():
        logger.warning("stripe reconcile: invoice %s failed: %s", pk, error)
    return {"enabled": True, "changed": changed, "failed": failed}
