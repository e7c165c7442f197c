"""Stripe's webhook (POST /api/stripe/webhook/ on the public host): signed events applied
once, in any order, from Stripe's current state; forged, stale and unreadable ones refused."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest
import stripe
from django.test import Client

from billing import stripe_gateway
from billing.models import (
    Consultancy,
    Invoice,
    InvoiceEvent,
    InvoiceStatus,
    StripeAccountState,
    StripeEvent,
)
from tenants.models import Municipality
from tests.billing.db.stripe_data import make_invoice
from tests.billing.stripe_fake import WEBHOOK_SECRET, FakeStripe
from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings
from tests.conftest import PUBLIC_HOST, host_of

__all__ = ["stripe_fake", "stripe_settings"]
URL = "/api/stripe/webhook/"


def send(
    event: dict[str, Any] | str,
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    host: str = PUBLIC_HOST,
    signature: str | None = None,
) -> Any:
    payload = event if isinstance(event, str) else json.dumps(event)
    header = signature
    if header is None:
        header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    return Client(HTTP_HOST=host).post(
        URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


@pytest.fixture
def connected(stripe_settings: FakeStripe, sor: Consultancy) -> Consultancy:
    return stripe_gateway.create_connected_account(sor)


@pytest.fixture
def pushed(connected: Consultancy, nordre_land: Municipality) -> Invoice:
    return stripe_gateway.push_invoice(make_invoice(connected, nordre_land, 1))


def remote(fake: FakeStripe, invoice: Invoice) -> dict[str, Any]:
    return fake.find(invoice.stripe_invoice_id)[1]


def test_invoice_paid_by_card_marks_the_samla_invoice_paid(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    paid = stripe_settings.pay_by_card(connected.stripe_account_id, pushed.stripe_invoice_id)
    event = stripe_settings.event("invoice.paid", paid, account=connected.stripe_account_id)

    response = send(event)

    assert response.status_code == 200, response.content
    assert response.json()["replay"] is False
    invoice = Invoice.objects.get(pk=pushed.pk)
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.amount_paid == invoice.gross_total
    assert invoice.stripe_status == "paid"
    [payment] = InvoiceEvent.objects.filter(invoice=invoice, action="pay")
    assert payment.source == f"stripe:{event['id']}"
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.type == "invoice.paid"
    assert stored.account == connected.stripe_account_id
    assert stored.outcome.startswith("applied:")
    # Paid by card: nothing is marked out of band in Stripe afterwards.
    assert not stripe_settings.calls("POST", f"/v1/invoices/{pushed.stripe_invoice_id}/pay")


def test_a_replayed_event_is_answered_and_not_applied_again(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    paid = stripe_settings.pay_by_card(connected.stripe_account_id, pushed.stripe_invoice_id)
    event = stripe_settings.event("invoice.paid", paid, account=connected.stripe_account_id)
    send(event)

    again = send(event)

    assert again.status_code == 200
    assert again.json()["replay"] is True
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    invoice = Invoice.objects.get(pk=pushed.pk)
    assert invoice.amount_paid == invoice.gross_total
    assert InvoiceEvent.objects.filter(invoice=invoice, action__in=["pay", "payment"]).count() == 1


def test_a_second_paid_event_for_the_same_invoice_books_nothing_more(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    paid = stripe_settings.pay_by_card(connected.stripe_account_id, pushed.stripe_invoice_id)
    account = connected.stripe_account_id
    send(stripe_settings.event("invoice.paid", paid, account=account))

    send(stripe_settings.event("invoice.payment_succeeded", paid, account=account))

    invoice = Invoice.objects.get(pk=pushed.pk)
    assert invoice.amount_paid == invoice.gross_total
    assert InvoiceEvent.objects.filter(invoice=invoice, action__in=["pay", "payment"]).count() == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"secret": "whsec_someone_else"}, "Signaturen er ugyldig"),
        ({"timestamp": int(time.time()) - 301}, "for gammel"),
        ({"signature": ""}, "Signaturen er ugyldig"),
        ({"signature": "t=abc,v1=00"}, "Signaturen er ugyldig"),
    ],
    ids=["forged", "stale", "unsigned", "garbled-header"],
)
def test_a_forged_or_stale_event_is_refused_and_nothing_changes(
    stripe_settings: FakeStripe,
    pushed: Invoice,
    connected: Consultancy,
    change: dict[str, Any],
    expected: str,
) -> None:
    paid = stripe_settings.pay_by_card(connected.stripe_account_id, pushed.stripe_invoice_id)
    event = stripe_settings.event("invoice.paid", paid, account=connected.stripe_account_id)

    response = send(event, **change)

    assert response.status_code == 400
    assert expected in response.json()["detail"]
    assert not StripeEvent.objects.filter(event_id=event["id"]).exists()
    assert Invoice.objects.get(pk=pushed.pk).status == InvoiceStatus.ISSUED


def test_a_signed_body_that_is_not_an_event_is_refused(stripe_settings: FakeStripe) -> None:
    stored = StripeEvent.objects.count()
    for body in ("not json", json.dumps([1, 2]), json.dumps({"id": "evt_1", "type": "x"})):
        response = send(body)
        assert response.status_code == 400, body
        assert response.json()["detail"]
    assert StripeEvent.objects.count() == stored


def test_without_a_webhook_secret_nothing_is_accepted(
    settings: Any, stripe_settings: FakeStripe
) -> None:
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = send(stripe_settings.event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 400
    assert "ikke satt opp" in response.json()["detail"]


def test_an_unknown_type_is_stored_and_ignored(stripe_settings: FakeStripe) -> None:
    event = stripe_settings.event("customer.created", {"id": "cus_1", "object": "customer"})

    response = send(event)

    assert response.status_code == 200
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.outcome.startswith("ignored:")
    assert stored.payload == event


def test_invoice_paid_before_invoice_finalized_ends_paid(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    account = connected.stripe_account_id
    finalized = stripe_settings.event(
        "invoice.finalized", remote(stripe_settings, pushed), account=account
    )
    paid = stripe_settings.pay_by_card(account, pushed.stripe_invoice_id)
    # The push was cut short before Samla stored Stripe's id: the metadata names the invoice.
    Invoice.objects.filter(pk=pushed.pk).update(
        stripe_invoice_id="", stripe_hosted_url="", stripe_status=""
    )

    send(stripe_settings.event("invoice.paid", paid, account=account))
    send(finalized)  # the older event, with the invoice open in its snapshot

    invoice = Invoice.objects.get(pk=pushed.pk)
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.stripe_status == "paid"
    assert invoice.stripe_invoice_id == pushed.stripe_invoice_id
    assert invoice.stripe_hosted_url == paid["hosted_invoice_url"]
    assert invoice.amount_paid == invoice.gross_total


def test_an_amount_that_is_not_the_invoices_is_stored_and_not_booked(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    paid = stripe_settings.pay_by_card(connected.stripe_account_id, pushed.stripe_invoice_id)
    paid["amount_paid"] -= 100  # one krone short of Samla's total
    event = stripe_settings.event("invoice.paid", paid, account=connected.stripe_account_id)

    response = send(event)

    assert response.status_code == 200
    assert response.json()["outcome"].startswith("mismatch:")
    invoice = Invoice.objects.get(pk=pushed.pk)
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.amount_paid == Decimal("0.00")
    assert StripeEvent.objects.get(event_id=event["id"]).outcome.startswith("mismatch:")


def test_a_voided_stripe_invoice_is_noted_and_samlas_stays(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    voided = stripe_settings.void_invoice(connected.stripe_account_id, {}, pushed.stripe_invoice_id)

    response = send(
        stripe_settings.event("invoice.voided", voided, account=connected.stripe_account_id)
    )

    assert "credit it in Samla" in response.json()["outcome"]
    invoice = Invoice.objects.get(pk=pushed.pk)
    assert (invoice.status, invoice.stripe_status) == (InvoiceStatus.ISSUED, "void")


def test_an_event_from_another_account_does_not_touch_the_invoice(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    paid = stripe_settings.pay_by_card(connected.stripe_account_id, pushed.stripe_invoice_id)

    response = send(stripe_settings.event("invoice.paid", paid, account="acct_someone_else"))

    assert response.json()["outcome"].startswith("ignored:")
    assert Invoice.objects.get(pk=pushed.pk).status == InvoiceStatus.ISSUED


def test_account_updated_follows_the_accounts_current_state(
    stripe_settings: FakeStripe, connected: Consultancy
) -> None:
    account_id = connected.stripe_account_id
    onboarding = stripe_settings.event("account.updated", stripe_settings.find(account_id)[1])
    stripe_settings.update_account(
        account_id,
        charges_enabled=True,
        details_submitted=True,
        requirements={"currently_due": [], "past_due": [], "disabled_reason": None},
    )
    enabled = stripe_settings.event("account.updated", stripe_settings.find(account_id)[1])

    send(enabled)
    assert (
        Consultancy.objects.get(pk=connected.pk).stripe_account_state == StripeAccountState.ENABLED
    )
    send(onboarding)  # older, arriving late: Stripe's account now is what counts

    assert (
        Consultancy.objects.get(pk=connected.pk).stripe_account_state == StripeAccountState.ENABLED
    )


def test_stripe_unreachable_while_applying_is_503_and_nothing_is_stored(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    paid = stripe_settings.pay_by_card(connected.stripe_account_id, pushed.stripe_invoice_id)
    event = stripe_settings.event("invoice.paid", paid, account=connected.stripe_account_id)
    stripe_settings.fail_next(2, status=503)

    response = send(event)

    assert response.status_code == 503
    assert "Stripe svarte ikke" in response.json()["detail"]
    assert not StripeEvent.objects.filter(event_id=event["id"]).exists()
    assert send(event).status_code == 200  # Stripe sends it again
    assert Invoice.objects.get(pk=pushed.pk).status == InvoiceStatus.PAID


def test_the_webhook_is_on_the_public_host_and_takes_only_post(
    stripe_settings: FakeStripe, nordre_land: Municipality
) -> None:
    event = stripe_settings.event("customer.created", {"id": "cus_1", "object": "customer"})

    assert send(event, host=host_of(nordre_land)).status_code == 404
    assert Client(HTTP_HOST=PUBLIC_HOST).get(URL).status_code == 405
    assert not StripeEvent.objects.filter(event_id=event["id"]).exists()


def test_an_invoice_stripe_no_longer_has_is_stored_and_ignored(
    stripe_settings: FakeStripe, pushed: Invoice, connected: Consultancy
) -> None:
    snapshot = remote(stripe_settings, pushed)
    event = stripe_settings.event(
        "invoice.finalized", snapshot, account=connected.stripe_account_id
    )
    del stripe_settings.objects[connected.stripe_account_id][pushed.stripe_invoice_id]

    response = send(event)

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored: Stripe answered 404 resource_missing"
    assert Invoice.objects.get(pk=pushed.pk).stripe_status == "open"
