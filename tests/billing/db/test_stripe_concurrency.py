"""The same Stripe event delivered twice at the same moment, on two connections: it is
stored once and the payment is booked once.

Stripe retries a delivery it thinks failed, so two copies can arrive together. The rows
are committed (each thread has its own connection) and removed afterwards; the threads are
released together. The insert of the event (`ON CONFLICT DO NOTHING` on its unique id)
makes the second wait for the first transaction and then do nothing. Three rounds make an
overlap likely.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from billing import stripe_gateway
from billing.models import (
    Consultancy,
    Invoice,
    InvoiceEvent,
    InvoiceStatus,
    StripeCustomer,
    StripeEvent,
)
from billing.services import stripe_events
from tenants.db import connection
from tenants.models import Municipality
from tests.billing.db.conftest import make_consultancy
from tests.billing.db.stripe_data import make_invoice
from tests.billing.stripe_fake import FakeStripe
from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings
from tests.numbers import org_number

__all__ = ["stripe_fake", "stripe_settings"]
ROUNDS = 3
WAIT_SECONDS = 60


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Replaces the per-test transaction: every connection must see the rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def seller(stripe_settings: FakeStripe) -> Iterator[Consultancy]:
    consultancy = make_consultancy("samtidig-stripe", "Samtidig Stripe", org_number()[:8])
    try:
        yield stripe_gateway.create_connected_account(consultancy)
    finally:
        consultancy.refresh_from_db()
        StripeEvent.objects.filter(account=consultancy.stripe_account_id).delete()
        Invoice.objects.filter(consultancy=consultancy).delete()
        StripeCustomer.objects.filter(consultancy=consultancy).delete()
        consultancy.delete()


def deliver(event: dict[str, Any], start: threading.Barrier, outcomes: list[bool]) -> None:
    """One delivery on this thread's own connection, released with the other."""
    try:
        start.wait(timeout=WAIT_SECONDS)
        outcomes.append(stripe_events.receive(event).new)
    finally:
        connections.close_all()


def test_two_deliveries_of_one_event_at_once_book_it_once(
    stripe_settings: FakeStripe, seller: Consultancy
) -> None:
    municipality = Municipality.objects.get(slug="nordre-land")
    account = seller.stripe_account_id
    for round_ in range(1, ROUNDS + 1):
        # Given an invoice paid by card in Stripe, and its event
        invoice = stripe_gateway.push_invoice(make_invoice(seller, municipality, round_))
        paid = stripe_settings.pay_by_card(account, invoice.stripe_invoice_id)
        event = stripe_settings.event("invoice.paid", paid, account=account)
        start = threading.Barrier(2)
        outcomes: list[bool] = []

        # When two deliveries of it arrive at once
        threads = [
            threading.Thread(target=deliver, args=(event, start, outcomes)) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=WAIT_SECONDS)

        # Then one applied it and the other found it stored; the payment is booked once
        assert sorted(outcomes) == [False, True], round_
        assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
        stored = Invoice.objects.get(pk=invoice.pk)
        assert (stored.status, stored.amount_paid) == (InvoiceStatus.PAID, stored.gross_total)
        assert (
            InvoiceEvent.objects.filter(invoice=stored, action__in=["pay", "payment"]).count() == 1
        )
