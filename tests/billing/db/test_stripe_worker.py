"""The Stripe tasks through a real Celery worker and broker, against the local Stripe fake.

Marked `worker`: it needs CELERY_TEST_BROKER_URL (Redis); skipped without it locally,
failed without it in CI (`tests.gates`). The worker is another process: the data is
committed (and removed after), and the worker finds the fake through STRIPE_SECRET_KEY
and STRIPE_API_BASE, set in the environment before it starts.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.utils import timezone

from billing import stripe_gateway
from billing.models import (
    Consultancy,
    Invoice,
    InvoiceStatus,
    StripeAccountState,
    StripeCustomer,
)
from billing.services import bank
from billing.tasks import stripe_sync
from tenants.db import connection
from tenants.models import Municipality
from tests.billing.db.conftest import make_consultancy
from tests.billing.db.stripe_data import make_invoice
from tests.billing.stripe_fake import API_KEY, WEBHOOK_SECRET, FakeStripe
from tests.foundation.test_celery import Worker, real_worker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.worker
STRIPE_ENV = ("STRIPE_SECRET_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET")


@pytest.fixture(scope="module", autouse=True)
def fake_for_the_worker() -> Iterator[FakeStripe]:
    """The fake, named in the environment the worker (started after this) inherits."""
    fake = FakeStripe().start()
    saved = {key: os.environ.get(key) for key in STRIPE_ENV}
    os.environ.update(
        STRIPE_SECRET_KEY=API_KEY, STRIPE_API_BASE=fake.url, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET
    )
    yield fake
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    fake.stop()


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Replaces the suite's per-test transaction: the worker sees only committed rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        cache.clear()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def seller(
    settings: Any, fake_for_the_worker: FakeStripe, django_db_blocker: Any
) -> Iterator[Consultancy]:
    """A consultancy with its Stripe account, committed; removed with its invoices after."""
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_API_BASE = fake_for_the_worker.url
    with django_db_blocker.unblock():
        consultancy = make_consultancy("stripe-worker", "Stripe Arbeider", "93456780")
        try:
            made = stripe_gateway.create_connected_account(consultancy)
            made.stripe_account_state = StripeAccountState.ENABLED
            made.save(update_fields=["stripe_account_state"])
            yield made
        finally:
            Invoice.objects.filter(consultancy=consultancy).delete()
            StripeCustomer.objects.filter(consultancy=consultancy).delete()
            consultancy.delete()


def _wait(condition: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_an_invoice_is_pushed_and_marked_paid_by_the_worker(
    seller: Consultancy,
    fake_for_the_worker: FakeStripe,
    real_worker: Worker,  # noqa: F811
    django_db_blocker: Any,
) -> None:
    with django_db_blocker.unblock():
        nordre_land = Municipality.objects.get(slug="nordre-land")
        invoice = make_invoice(seller, nordre_land, 1)

        # When the push goes through the broker
        pushed = real_worker.result(stripe_sync.push_invoice.delay(invoice.pk).id)

        # Then the worker made the invoice in Stripe and stored its id
        assert pushed.state == "SUCCESS", real_worker.log_text()[-3000:]
        stored = Invoice.objects.get(pk=invoice.pk)
        outcome = cast(dict[str, Any], pushed.result)
        assert outcome["stripe"] == stored.stripe_invoice_id != ""
        assert stored.stripe_status == "open"

        # When the bank payment is booked (the task is sent on commit)
        bank.record_payment(stored, stored.gross_total, source="bank:W-1", at=timezone.now())

        # Then the worker marks the Stripe invoice paid out of band
        remote = fake_for_the_worker.find(stored.stripe_invoice_id)[1]
        assert _wait(lambda: remote["status"] == "paid"), real_worker.log_text()[-3000:]
        assert remote["paid_out_of_band"] is True
        assert _wait(lambda: Invoice.objects.get(pk=invoice.pk).stripe_status == "paid")
        assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID
