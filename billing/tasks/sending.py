"""Sending an issued invoice's EHF document through the access point, once.

`send_invoice(invoice_id)` is queued by `issue_invoice` after commit. It reads the frozen
`Invoice.ehf_xml` and, under the invoice's row lock (a second run waits, then sees SENT
and skips), sends it with an idempotency key of Samla's own ("samla-invoice-<id>"), the
same on every try: an access point that took the document but whose answer was lost
recognises the retry and does not deliver it twice.

- Sent: `send_state` SENT, the access point's message id and `sent_at` stored, and the
  invoice's "send" event written (`transition_invoice`, source "access-point").
- A failure worth retrying (timeout, no connection, 5xx): `send_attempts` + 1, FAILED with
  the error kept, the invoice untouched otherwise, and the task retried with exponential
  backoff (`retry_countdown`). Without a broker (tasks run in the request) it is not
  retried in place; the state says FAILED.
- Refused for good (4xx, no document): FAILED with the error, no retry.
- No access point configured: NOT_CONFIGURED (the EHF file is downloaded instead).

`resend_unsent` (beat, daily) queues the send again for invoices issued in the last
`RESEND_DAYS` whose send failed (the task's retries spent, a refusal that a fix at the
receiver may lift, or a failure in place without a broker) or is still pending after an
hour; the row lock and the idempotency key keep that from delivering anything twice.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import access_point
from billing.models import Invoice, InvoiceEvent, InvoiceStatus, SendState
from billing.services.transitions import transition_invoice
from billing.states import INVOICE_ACTIONS
from samla.celery import app

logger = logging.getLogger(__name__)

MAX_RETRIES = 10
MAX_COUNTDOWN = 6 * 60 * 60
SOURCE = "access-point"
RESEND_DAYS = 60
RESEND_BATCH = 500


@dataclass(frozen=True)
class Outcome:
    state: str
    retry: bool = False
    attempts: int = 0
    message_id: str = ""
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "retry": self.retry,
            "attempts": self.attempts,
            "message_id": self.message_id,
            "error": self.error,
        }


def invoice_key(invoice: Invoice) -> str:
    """The idempotency key of the invoice's delivery: the same on every try."""
    return f"samla-invoice-{invoice.pk}"


def retry_countdown(attempts: int) -> int:
    """Seconds before try `attempts` + 1: the base (SAMLA_ACCESS_POINT_RETRY_SECONDS, a
    minute) doubled per failed try, at most six hours."""
    base = int(getattr(settings, "SAMLA_ACCESS_POINT_RETRY_SECONDS", 60))
    return int(min(MAX_COUNTDOWN, base * 2 ** max(0, attempts - 1)))


def deliver(invoice_id: int, point: access_point.AccessPoint | None = None) -> Outcome:
    """Send the invoice's document once (see the module's text); what happened."""
    point = point if point is not None else access_point.configured()
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("municipality")
            .filter(pk=invoice_id)
            .first()
        )
        if invoice is None:
            return Outcome("missing")
        if invoice.send_state == SendState.SENT:
            return Outcome(SendState.SENT, attempts=invoice.send_attempts,
                           message_id=invoice.access_point_id)  # fmt: skip
        if point is None:
            if invoice.send_state != SendState.NOT_CONFIGURED:
                invoice.send_state = SendState.NOT_CONFIGURED
                invoice.save(update_fields=["send_state"])
            return Outcome(SendState.NOT_CONFIGURED)
        if invoice.status == InvoiceStatus.DRAFT or not invoice.ehf_xml:
            return _failed(invoice, _("Fakturaen har ikke noe EHF-dokument ennå."), retry=False)
        try:
            message_id = point.send(
                invoice.ehf_xml.encode("utf-8"),
                invoice_key=invoice_key(invoice),
                receiver=access_point.peppol_id(invoice.municipality.org_number),
            )
        except access_point.RetryableSendError as exc:
            return _failed(invoice, str(exc), retry=True)
        except access_point.PermanentSendError as exc:
            return _failed(invoice, str(exc), retry=False)
        return _sent(invoice, message_id)


def _failed(invoice: Invoice, error: str, *, retry: bool) -> Outcome:
    invoice.send_attempts += 1
    invoice.send_state = SendState.FAILED
    invoice.send_error = error[:500]
    invoice.save(update_fields=["send_attempts", "send_state", "send_error"])
    logger.warning("EHF invoice %s not sent (try %s): %s", invoice.pk, invoice.send_attempts, error)
    return Outcome(SendState.FAILED, retry=retry, attempts=invoice.send_attempts, error=error)


def _sent(invoice: Invoice, message_id: str) -> Outcome:
    attempts = invoice.send_attempts + 1
    fields: dict[str, Any] = {
        "send_state": SendState.SENT,
        "send_attempts": attempts,
        "send_error": "",
        "access_point_id": message_id,
        "sent_at": timezone.now(),
    }
    detail = {"message_id": message_id, "attempt": attempts}
    if invoice.status in INVOICE_ACTIONS["send"].sources:
        transition_invoice(invoice, "send", source=SOURCE, detail=detail, fields=fields)
    else:
        # Credited before it went out: it is still sent (its credit note refers to it),
        # and the event says so without a change of state.
        for name, value in fields.items():
            setattr(invoice, name, value)
        invoice.save(update_fields=list(fields))
        InvoiceEvent.objects.create(
            invoice=invoice,
            action="send",
            from_status=invoice.status,
            to_status=invoice.status,
            source=SOURCE,
            at=timezone.now(),
            detail=detail,
        )
    return Outcome(SendState.SENT, attempts=attempts, message_id=message_id)


@app.task(name="billing.send_invoice", bind=True, max_retries=MAX_RETRIES, acks_late=True)
def send_invoice(self: Any, invoice_id: int) -> dict[str, Any]:
    """Send the invoice's EHF document through the configured access point."""
    outcome = deliver(invoice_id)
    in_place = self.request.called_directly or self.request.is_eager
    if outcome.retry and not in_place and self.request.retries < self.max_retries:
        raise self.retry(countdown=retry_countdown(outcome.attempts))
    return outcome.as_dict()


@app.task(name="billing.resend_unsent")
def resend_unsent() -> dict[str, Any]:
    """Queue the send again for recent invoices whose send failed or never happened."""
    now = timezone.now()
    unsent = (
        Invoice.objects.filter(
            send_state__in=(SendState.FAILED, SendState.PENDING),
            issued_at__gte=now - datetime.timedelta(days=RESEND_DAYS),
            issued_at__lte=now - datetime.timedelta(hours=1),
        )
        .exclude(status=InvoiceStatus.DRAFT)
        .order_by("issued_at", "pk")
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    queued = list(unsent)
    for invoice_id in queued:
        send_invoice.delay(invoice_id)
    return {"queued": queued}
