"""The Stripe tasks (billing/tasks/stripe_sync.py), run as Celery runs them without a broker
(eagerly, retries included): pushing an invoice, marking it paid after a bank payment,
crediting, and the nightly reconciliation of what missed webhooks left behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import stripe
from celery.exceptions import Retry
from django.conf import settings
from django.utils import timezone

from billing import stripe_gateway
from billing.models import Consultancy, Invoice, InvoiceEvent, InvoiceStatus
from billing.services import bank
from billing.tasks import stripe_sync
from samla.celery import app
from tenants.models import Municipality
from tests.billing.db.stripe_data import make_credit_note, make_invoice
from tests.billing.stripe_fake import FakeStripe
from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings

__all__ = ["stripe_fake", "stripe_settings"]


@pytest.fixture
def connected(stripe_settings: FakeStripe, sor: Consultancy) -> Consultancy:
    return stripe_gateway.create_connected_account(sor)


def stripe_invoices(fake: FakeStripe, consultancy: Consultancy) -> list[dict[str, Any]]:
    scope = fake.objects.get(consultancy.stripe_account_id, {})
    return [o for o in scope.values() if o["object"] == "invoice"]


def test_push_invoice_pushes_and_twice_is_once(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = make_invoice(connected, nordre_land, 1)

    first = stripe_sync.push_invoice.delay(invoice.pk).get()
    second = stripe_sync.push_invoice.delay(invoice.pk).get()

    assert first["pushed"] and second["pushed"]
    assert (
        first["stripe"] == second["stripe"] == Invoice.objects.get(pk=invoice.pk).stripe_invoice_id
    )
    assert len(stripe_invoices(stripe_settings, connected)) == 1


def test_push_invoice_is_retried_later_while_stripe_cannot_be_reached(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = make_invoice(connected, nordre_land, 1)
    # After the invoice is made, the connection drops (and again on the SDK's own retry).
    stripe_settings.fail_next(2, status=0, after=4)

    with pytest.raises(Retry) as retried:
        stripe_sync.push_invoice.apply(args=[invoice.pk], throw=True)

    # Celery sends it again after a backoff; then it finishes the same Stripe invoice.
    assert isinstance(retried.value.exc, stripe.APIConnectionError)
    # The first backoff, with jitter: 0–30 s.
    when = retried.value.when
    assert isinstance(when, int) and 0 <= when <= 30
    assert stripe_sync.push_invoice.apply(args=[invoice.pk], retries=1).get()["pushed"]
    [remote] = stripe_invoices(stripe_settings, connected)
    assert remote["status"] == "open"
    assert len(remote["lines"]["data"]) == 4
    assert Invoice.objects.get(pk=invoice.pk).stripe_status == "open"


def test_without_stripe_or_a_sellers_account_nothing_is_pushed(
    settings: Any, stripe_fake: FakeStripe, sor: Consultancy, nordre_land: Municipality
) -> None:
    invoice = make_invoice(sor, nordre_land, 1)
    assert stripe_sync.push_invoice.delay(invoice.pk).get() == {
        "invoice": invoice.pk,
        "pushed": False,
    }
    settings.STRIPE_SECRET_KEY = "sk_test_samla_fake"
    settings.STRIPE_API_BASE = stripe_fake.url
    # Stripe is set up, and the seller has not connected an account.
    assert stripe_sync.push_invoice.delay(invoice.pk).get()["pushed"] is False
    assert not stripe_fake.recorded


def test_a_bank_payment_marks_the_stripe_invoice_paid_out_of_band(
    stripe_settings: FakeStripe,
    connected: Consultancy,
    nordre_land: Municipality,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    invoice = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))

    with django_capture_on_commit_callbacks(execute=True):
        bank.record_payment(invoice, invoice.gross_total, source="bank:E-1", at=timezone.now())

    remote = stripe_settings.find(invoice.stripe_invoice_id)[1]
    assert (remote["status"], remote["paid_out_of_band"]) == ("paid", True)
    assert Invoice.objects.get(pk=invoice.pk).stripe_status == "paid"


def test_a_credit_note_is_made_in_stripe(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    invoice = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))
    note = make_credit_note(invoice, 2)

    assert stripe_sync.credit_in_stripe.delay(note.pk).get()["credited"] is True
    assert stripe_sync.credit_in_stripe.delay(note.pk).get()["credited"] is True
    assert len(stripe_settings.calls("POST", "/v1/credit_notes")) == 1


def test_reconcile_repairs_what_missed_webhooks_and_lost_tasks_left(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    # Paid by card, and the webhook never came.
    by_card = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))
    stripe_settings.pay_by_card(connected.stripe_account_id, by_card.stripe_invoice_id)
    # Paid by bank in Samla, and the task that tells Stripe was lost.
    by_bank = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 2))
    Invoice.objects.filter(pk=by_bank.pk).update(
        status=InvoiceStatus.PAID, amount_paid=by_bank.gross_total
    )
    # Issued while Stripe was down: never pushed.
    never = make_invoice(connected, nordre_land, 3)
    # Credited in Samla, the Stripe credit note never made.
    credited = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 4))
    note = make_credit_note(credited, 5)
    # Open on both sides: nothing to do.
    untouched = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 6))

    report = stripe_sync.reconcile.delay().get()

    assert report["failed"] == {}
    assert len(report["changed"]) == 4, report
    card = Invoice.objects.get(pk=by_card.pk)
    assert (card.status, card.amount_paid) == (InvoiceStatus.PAID, card.gross_total)
    assert InvoiceEvent.objects.get(invoice=card, action="pay").source == "stripe:reconcile"
    assert stripe_settings.find(by_bank.stripe_invoice_id)[1]["paid_out_of_band"] is True
    assert Invoice.objects.get(pk=never.pk).stripe_status == "open"
    assert Invoice.objects.get(pk=note.pk).stripe_invoice_id.startswith("cn_")
    assert Invoice.objects.get(pk=untouched.pk).status == InvoiceStatus.ISSUED

    again = stripe_sync.reconcile.delay().get()

    assert again == {"enabled": True, "changed": [], "failed": {}}
    assert InvoiceEvent.objects.filter(invoice=card, action__in=["pay", "payment"]).count() == 1


def test_reconcile_goes_on_past_an_invoice_stripe_cannot_find(
    stripe_settings: FakeStripe, connected: Consultancy, nordre_land: Municipality
) -> None:
    lost = make_invoice(
        connected, nordre_land, 1, stripe_invoice_id="in_gone", stripe_status="open"
    )
    paid = stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 2))
    stripe_settings.pay_by_card(connected.stripe_account_id, paid.stripe_invoice_id)

    report = stripe_sync.reconcile.delay().get()

    assert list(report["failed"]) == [lost.pk]
    assert Invoice.objects.get(pk=paid.pk).status == InvoiceStatus.PAID


def test_reconcile_without_stripe_does_nothing(sor: Consultancy) -> None:
    assert stripe_sync.reconcile.delay().get() == {"enabled": False, "changed": [], "failed": {}}


def test_reconcile_runs_nightly_from_beat() -> None:
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "billing.stripe_reconcile"
    ]
    assert len(entries) == 1
    assert "billing.stripe_reconcile" in app.tasks
