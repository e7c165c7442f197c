"""Through a real Celery worker: an EHF invoice the access point refuses with 500 at first is
retried by the broker after its backoff and reaches the access point once.

Marked `worker`: it needs CELERY_TEST_BROKER_URL (Redis); skipped without it locally,
failed without it in CI (`tests.gates`). The invoice is committed (the worker is another
process on another connection) and removed after. The fake access point runs in this
process; the worker is pointed at it, with a one-second backoff, through the environment
set before it starts.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.cache import cache

from billing.models import Consultancy, Invoice, InvoiceEvent, InvoiceStatus, SendState
from billing.tasks.sending import send_invoice
from tenants.db import connection
from tenants.models import Municipality
from tests.billing.ap_fake import FakeAccessPoint
from tests.billing.conftest import ACCOUNT
from tests.billing.db.test_sending import EHF
from tests.foundation.test_celery import Worker, real_worker  # noqa: F401 (a fixture)
from tests.numbers import org_number

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module", autouse=True)
def access_point() -> Iterator[FakeAccessPoint]:
    """The fake access point, named to the worker (started after this) by its environment."""
    names = (
        "SAMLA_ACCESS_POINT_URL",
        "SAMLA_ACCESS_POINT_KEY",
        "SAMLA_ACCESS_POINT_RETRY_SECONDS",
    )
    saved = {name: os.environ.get(name) for name in names}
    with FakeAccessPoint() as fake:
        os.environ["SAMLA_ACCESS_POINT_URL"] = fake.url
        os.environ["SAMLA_ACCESS_POINT_KEY"] = fake.key
        os.environ["SAMLA_ACCESS_POINT_RETRY_SECONDS"] = "1"
        try:
            yield fake
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the suite's per-test transaction: the worker sees only committed rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        cache.clear()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def committed_invoice(django_db_blocker) -> Iterator[Invoice]:
    with django_db_blocker.unblock():
        seller = Consultancy.objects.create(
            slug="sending-worker",
            name="Sendetest AS",
            org_number=org_number("93456781"),
            bank_account=ACCOUNT,
            kid_prefix="66",
        )
        invoice = Invoice.objects.create(
            consultancy=seller,
            municipality=Municipality.objects.get(slug="nordre-land"),
            status=InvoiceStatus.ISSUED,
            number=1,
            kid="6600000011",
            buyer_reference="3150bdn",
            issue_date=datetime.date(2026, 12, 1),
            due_date=datetime.date(2026, 12, 31),
            gross_total=Decimal("100.00"),
            ehf_xml=EHF,
            send_state=SendState.PENDING,
        )
        try:
            yield invoice
        finally:
            InvoiceEvent.objects.filter(invoice_id=invoice.pk).delete()
            Invoice.objects.filter(pk=invoice.pk).delete()
            seller.delete()


def test_a_failed_send_is_retried_by_the_worker_and_delivered_once(
    access_point: FakeAccessPoint,
    committed_invoice: Invoice,
    real_worker: Worker,  # noqa: F811
    django_db_blocker,
) -> None:
    # Given an access point that answers 500 to the first try
    access_point.fail_next(1, status=500)

    with django_db_blocker.unblock():
        # When the invoice's send goes to the worker
        sent = send_invoice.delay(committed_invoice.pk)
        result = real_worker.result(sent.id, timeout=60)

        # Then the worker retried it after its backoff, and it succeeded
        assert result.state == "SUCCESS", real_worker.log_text()[-3000:]
        outcome = cast(dict[str, Any], result.result)
        assert (outcome["state"], outcome["attempts"]) == (SendState.SENT, 2)
        # and the access point was asked twice with one key and has the document once
        assert [r.idempotency_key for r in access_point.requests] == [
            f"samla-invoice-{committed_invoice.pk}"
        ] * 2
        [received] = access_point.received
        assert received.body == EHF.encode("utf-8")
        invoice = Invoice.objects.get(pk=committed_invoice.pk)
        assert (invoice.send_state, invoice.access_point_id, invoice.send_attempts) == (
            SendState.SENT,
            received.message_id,
            2,
        )
        assert list(
            InvoiceEvent.objects.filter(invoice=invoice).values_list("action", "source")
        ) == [("send", "access-point")]
