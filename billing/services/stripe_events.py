"""Stripe's webhook events, verified, stored once by id and applied in the same transaction.

`verify(payload, signature)` checks the `Stripe-Signature` header on the raw body with the
SDK (tolerance 300 s) and returns the event; `receive(event)` stores it as a `StripeEvent`
(its id is unique: a replay finds the row and does nothing again) and applies it:

- `account.updated`: the consultancy's `stripe_account_state` (from `charges_enabled`,
  `details_submitted` and the requirements);
- `invoice.finalized`, `invoice.paid`, `invoice.payment_succeeded`, `invoice.voided` and
  the other `invoice.*` events: the Samla invoice is brought to the Stripe invoice's state
  as it is *now* (read from Stripe; events come in any order and are snapshots of their
  moment, so `invoice.paid` before `invoice.finalized` comes to the same end): hosted URL
  and status stored, and a payment Stripe took booked through
  `billing.services.bank.record_payment` with the amount Stripe reports. An amount that is
  not the Samla invoice's total is stored and not booked, and the outcome says so for a
  person to look at. A voided Stripe invoice leaves Samla's invoice as it is (a credit
  note is Samla's way), and says so.
- Other types are stored and ignored.

Each event's outcome is written on its row ("applied: …", "ignored: …", "mismatch: …").
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import stripe_gateway
from billing.models import Consultancy, Invoice, InvoiceKind, InvoiceStatus, StripeEvent
from billing.services import bank

TOLERANCE_SECONDS = 300
OUTCOME_LENGTH = 200


class InvalidEvent(Exception):
    """A forged, stale or unreadable webhook (400): nothing is stored."""


@dataclass(frozen=True)
class Received:
    event: StripeEvent
    # False: the event was seen before (a replay); nothing was done again.
    new: bool


def verify(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event in `payload` if `signature` is Stripe's for it, made within the tolerance."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise InvalidEvent(_("Stripe-varsler er ikke satt opp (mangler hemmelig nøkkel)."))
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature, secret, TOLERANCE_SECONDS)
        event = json.loads(text)
    except stripe.SignatureVerificationError:
        raise InvalidEvent(
            _("Signaturen er ugyldig eller for gammel: varselet er ikke fra Stripe.")
        ) from None
    except (UnicodeDecodeError, ValueError, IndexError):
        raise InvalidEvent(_("Varselet kunne ikke leses.")) from None
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance((event.get("data") or {}).get("object"), dict)
        and isinstance(event.get("created"), int)
        and 0 <= event["created"] < 2**40
    ):
        raise InvalidEvent(_("Varselet mangler id, type eller objekt."))
    return event


def receive(event: dict[str, Any]) -> Received:
    """Store the event once and apply it, in one transaction (a replay: the stored row)."""
    stored = StripeEvent(
        event_id=event["id"][:100],
        type=event["type"][:100],
        account=str(event.get("account") or "")[:64],
        created=datetime.datetime.fromtimestamp(event["created"], tz=datetime.UTC),
        payload=event,
        received_at=timezone.now(),
    )
    with transaction.atomic():
        stored.pk = _insert_once(stored)
        if stored.pk is None:
            return Received(StripeEvent.objects.get(event_id=stored.event_id), new=False)
        stored.outcome = apply(event)[:OUTCOME_LENGTH]
        StripeEvent.objects.filter(pk=stored.pk).update(outcome=stored.outcome)
    return Received(stored, new=True)


def _insert_once(event: StripeEvent) -> int | None:
    """The new row's id, or None when the event id is stored already. One statement
    (`ON CONFLICT DO NOTHING`) rather than an insert in a savepoint: a webhook is a handful
    of queries. A second delivery at the same moment waits here for the first's commit."""
    table = StripeEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (event_id, type, account, created, payload, received_at, outcome)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s::jsonb, %s, '')"
            " ON CONFLICT (event_id) DO NOTHING RETURNING id",
            [
                event.event_id,
                event.type,
                event.account,
                event.created,
                json.dumps(event.payload),
                event.received_at,
            ],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def apply(event: dict[str, Any]) -> str:
    """What the event changes in Samla; its outcome in words. Stripe refusing to read the
    object (it no longer has it): stored and ignored, as asking again would not help; Stripe
    unreachable raises (the webhook answers 503 and Stripe sends the event again)."""
    try:
        return _apply(event)
    except stripe.InvalidRequestError as exc:
        return f"ignored: Stripe answered {exc.http_status} {exc.code or ''}".strip()


def _apply(event: dict[str, Any]) -> str:
    kind = event["type"]
    snapshot = event["data"]["object"]
    source = f"{bank.STRIPE_SOURCE}:{event['id']}"
    if kind == "account.updated":
        return _account_updated(snapshot)
    if kind.startswith("invoice.") and snapshot.get("object") == "invoice":
        return _invoice_changed(event, snapshot, source)
    return f"ignored: {kind} is not used"


def _account_updated(snapshot: dict[str, Any]) -> str:
    consultancy = (
        Consultancy.objects.select_for_update()
        .filter(stripe_account_id=snapshot.get("id") or "-")
        .first()
    )
    if consultancy is None:
        return f"ignored: no consultancy has account {snapshot.get('id')}"
    current = (
        stripe_gateway.retrieve_account(consultancy.stripe_account_id)
        if stripe_gateway.enabled()
        else snapshot
    )
    state = stripe_gateway.account_state(current)
    if state == consultancy.stripe_account_state:
        return f"applied: consultancy {consultancy.pk} stays {state}"
    before = consultancy.stripe_account_state
    consultancy.stripe_account_state = state
    consultancy.save(update_fields=["stripe_account_state"])
    return f"applied: consultancy {consultancy.pk} {before} → {state}"


def _find_invoice(event: dict[str, Any], snapshot: dict[str, Any]) -> Invoice | None:
    """The Samla invoice the Stripe invoice is, on the account the event came from."""
    stripe_id = snapshot.get("id") or "-"
    found = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("consultancy")
        .filter(stripe_invoice_id=stripe_id, kind=InvoiceKind.INVOICE)
        .first()
    )
    if found is None:
        # The event may come before push_invoice stored the id: Samla's id is in the metadata.
        samla_id = str((snapshot.get("metadata") or {}).get("samla_invoice", ""))
        if samla_id.isdecimal() and samla_id.isascii():
            found = (
                Invoice.objects.select_for_update(of=("self",))
                .select_related("consultancy")
                .filter(
                    pk=int(samla_id),
                    kind=InvoiceKind.INVOICE,
                    stripe_invoice_id__in=["", stripe_id],
                )
                .first()
            )
    if found is None:
        return None
    expected = "" if found.consultancy.is_platform else found.consultancy.stripe_account_id
    if str(event.get("account") or "") != expected:
        return None
    return found


def _invoice_changed(event: dict[str, Any], snapshot: dict[str, Any], source: str) -> str:
    invoice = _find_invoice(event, snapshot)
    if invoice is None:
        return f"ignored: no Samla invoice is Stripe's {snapshot.get('id')}"
    return sync_invoice(invoice, snapshot, source=source)


def sync_invoice(invoice: Invoice, snapshot: dict[str, Any] | None, *, source: str) -> str:
    """Bring the (locked) Samla invoice to its Stripe invoice's current state: read from
    Stripe when it is set up (else `snapshot`); a payment Stripe took is booked. In the
    caller's transaction; what changed, in words."""
    remote: dict[str, Any] | None = snapshot
    if stripe_gateway.enabled():
        stripe_id = invoice.stripe_invoice_id or str((snapshot or {}).get("id", ""))
        remote = stripe_gateway.retrieve_invoice(invoice, stripe_id)
    if remote is None:
        return f"ignored: invoice {invoice.pk}: Stripe is not set up"
    stripe_gateway.store_remote(invoice, remote)
    status = remote.get("status")
    if status == "paid":
        return _paid(invoice, remote, source)
    if status == "void":
        return (
            f"applied: invoice {invoice.pk} voided in Stripe; Samla's invoice is "
            f"{invoice.status} (credit it in Samla)"
        )
    return f"applied: invoice {invoice.pk} is {status} in Stripe"


def _paid(invoice: Invoice, remote: dict[str, Any], source: str) -> str:
    if remote.get("paid_out_of_band"):
        return f"applied: invoice {invoice.pk} paid out of band (booked from the bank)"
    if invoice.status == InvoiceStatus.PAID:
        return f"applied: invoice {invoice.pk} already paid"
    if invoice.status == InvoiceStatus.CREDITED:
        return f"ignored: invoice {invoice.pk} is credited"
    paid_ore = remote.get("amount_paid")
    expected = stripe_gateway.ore(invoice.gross_total)
    if (
        not isinstance(paid_ore, int)
        or paid_ore != expected
        or str(remote.get("currency", "")).lower() != stripe_gateway.CURRENCY
    ):
        return (
            f"mismatch: invoice {invoice.pk} paid {paid_ore} {remote.get('currency')} "
            f"in Stripe, Samla's total is {expected} nok: not booked"
        )
    transitions = remote.get("status_transitions") or {}
    paid_at = transitions.get("paid_at")
    at = (
        datetime.datetime.fromtimestamp(paid_at, tz=datetime.UTC)
        if isinstance(paid_at, int)
        else timezone.now()
    )
    try:
        bank.record_payment(invoice, Decimal(paid_ore) / 100, source=source, at=at)
    except ValidationError as exc:
        return f"ignored: invoice {invoice.pk}: {'; '.join(exc.messages)}"
    return f"applied: invoice {invoice.pk} paid {Decimal(paid_ore) / 100:.2f} by card"
