"""An issued invoice's EHF document through the access point: once, retried, or left to download.

The access point is the local fake (tests/billing/ap_fake.py) over real HTTP; the task's
work is `deliver`, which `send_invoice` runs (and retries with backoff through a broker:
tests/billing/db/test_sending_worker.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone

from billing.access_point import HttpAccessPoint
from billing.models import Consultancy, Invoice, InvoiceEvent, InvoiceStatus, SendState
from billing.tasks import sending
from tenants.models import Municipality
from tests.billing.ap_fake import FakeAccessPoint
from tests.billing.db.test_bank_services import make_invoice

EHF = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'
    '<cbc:ID xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    "1</cbc:ID><!-- Kunde: Nordre Land kommune, Dokka --></Invoice>"
)


@pytest.fixture
def ap(settings) -> Iterator[FakeAccessPoint]:
    """The fake access point, configured as Samla's."""
    with FakeAccessPoint() as fake:
        settings.SAMLA_ACCESS_POINT_URL = fake.url
        settings.SAMLA_ACCESS_POINT_KEY = fake.key
        settings.SAMLA_ACCESS_POINT_TIMEOUT = 2.0
        yield fake


@pytest.fixture
def invoice(sor: Consultancy, nordre_land: Municipality) -> Invoice:
    return make_invoice(sor, nordre_land, 1, "46250.00", ehf_xml=EHF)


def reread(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


def test_an_issued_invoice_is_sent_once_and_recorded(ap, invoice, nordre_land):
    outcome = sending.deliver(invoice.pk)

    # The access point got the frozen document, for the municipality, under the invoice's key
    [got] = ap.received
    assert got.body == EHF.encode("utf-8")
    assert got.headers["peppol-receiver"] == f"0192:{nordre_land.org_number}"
    assert got.idempotency_key == f"samla-invoice-{invoice.pk}"
    # and the invoice says it was sent, with the access point's id
    sent = reread(invoice)
    assert (sent.send_state, sent.access_point_id, sent.send_attempts, sent.send_error) == (
        SendState.SENT,
        got.message_id,
        1,
        "",
    )
    assert sent.sent_at is not None
    assert sent.status == InvoiceStatus.ISSUED
    assert outcome == sending.Outcome(SendState.SENT, attempts=1, message_id=got.message_id)
    event = InvoiceEvent.objects.get(invoice=invoice)
    assert (event.action, event.source, event.from_status, event.to_status) == (
        "send",
        "access-point",
        InvoiceStatus.ISSUED,
        InvoiceStatus.ISSUED,
    )
    assert event.detail == {"message_id": got.message_id, "attempt": 1}


def test_an_access_point_answering_500_then_200_gets_the_document_once(ap, invoice):
    # Given an access point that fails once
    ap.fail_next(1, status=500)

    # When the task runs, fails, and runs again (its retry)
    first = sending.deliver(invoice.pk)
    failed = reread(invoice)
    second = sending.deliver(invoice.pk)

    # Then the first try is kept as a failure to retry, the invoice otherwise untouched
    assert (first.state, first.retry, first.attempts) == (SendState.FAILED, True, 1)
    assert (failed.send_state, failed.send_attempts) == (SendState.FAILED, 1)
    assert failed.send_error.startswith("Aksesspunktet svarte 500")
    assert (failed.status, failed.version) == (invoice.status, invoice.version)
    # and the retry sent it: one document at the access point
    assert second.state == SendState.SENT
    assert len(ap.received) == 1
    assert (reread(invoice).send_state, reread(invoice).send_attempts) == (SendState.SENT, 2)


def test_a_timeout_after_the_access_point_took_it_is_retried_with_the_same_key(
    ap, invoice, settings
):
    # Given an access point that takes the document but answers after the client's timeout
    settings.SAMLA_ACCESS_POINT_TIMEOUT = 0.5
    ap.hang_next(1, seconds=3)

    first = sending.deliver(invoice.pk)
    second = sending.deliver(invoice.pk)

    # Then the retry carried the same Idempotency-Key, and the access point has it once
    assert (first.state, first.retry) == (SendState.FAILED, True)
    assert "innen 0.5 sekunder" in first.error
    assert [r.idempotency_key for r in ap.requests] == [f"samla-invoice-{invoice.pk}"] * 2
    assert len(ap.received) == 1
    assert second.message_id == ap.received[0].message_id
    assert reread(invoice).access_point_id == ap.received[0].message_id


def test_a_refusal_is_kept_and_not_retried(ap, invoice):
    ap.fail_next(1, status=422)

    outcome = sending.deliver(invoice.pk)

    assert (outcome.state, outcome.retry) == (SendState.FAILED, False)
    failed = reread(invoice)
    assert failed.send_state == SendState.FAILED
    assert "422" in failed.send_error
    assert not InvoiceEvent.objects.filter(invoice=invoice).exists()


def test_an_invoice_already_sent_is_not_sent_again(ap, invoice):
    sending.deliver(invoice.pk)

    again = sending.deliver(invoice.pk)

    assert again.state == SendState.SENT
    assert len(ap.requests) == 1
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == 1


def test_without_an_access_point_the_invoice_waits_for_download(settings, invoice):
    settings.SAMLA_ACCESS_POINT_URL = ""
    Invoice.objects.filter(pk=invoice.pk).update(send_state=SendState.PENDING)

    outcome = sending.deliver(invoice.pk)

    assert outcome.state == SendState.NOT_CONFIGURED
    assert reread(invoice).send_state == SendState.NOT_CONFIGURED


def test_an_invoice_without_its_document_is_not_sent(ap, sor, nordre_land):
    bare = make_invoice(sor, nordre_land, 2, "100.00")

    outcome = sending.deliver(bare.pk)

    assert (outcome.state, outcome.retry) == (SendState.FAILED, False)
    assert reread(bare).send_error == "Fakturaen har ikke noe EHF-dokument ennå."
    assert ap.requests == []


def test_an_invoice_credited_before_it_went_out_is_still_sent_with_its_state(ap, sor, nordre_land):
    credited = make_invoice(sor, nordre_land, 3, "100.00", ehf_xml=EHF,
                            status=InvoiceStatus.CREDITED)  # fmt: skip

    outcome = sending.deliver(credited.pk)

    assert outcome.state == SendState.SENT
    assert reread(credited).status == InvoiceStatus.CREDITED
    event = InvoiceEvent.objects.get(invoice=credited)
    assert (event.action, event.from_status, event.to_status) == (
        "send",
        InvoiceStatus.CREDITED,
        InvoiceStatus.CREDITED,
    )


def test_the_task_in_process_does_not_retry_in_place(ap, invoice):
    # Without a broker the task runs in the sender's process: a failure is recorded, and
    # not retried there and then (the request would wait for every backoff)
    ap.fail_next(3, status=503)

    result = sending.send_invoice.apply(args=[invoice.pk]).get()

    assert result["state"] == SendState.FAILED
    assert result["retry"] is True
    assert len(ap.requests) == 1


def test_a_missing_invoice_is_nothing_to_send(ap):
    assert sending.deliver(2**31 - 1).state == "missing"


def test_backoff_doubles_from_the_base_and_stops_at_six_hours(settings):
    settings.SAMLA_ACCESS_POINT_RETRY_SECONDS = 60

    countdowns = [sending.retry_countdown(n) for n in (1, 2, 3, 4, 12)]

    assert countdowns == [60, 120, 240, 480, 6 * 60 * 60]


def test_the_access_point_may_be_given(invoice):
    with FakeAccessPoint() as fake:
        outcome = sending.deliver(invoice.pk, HttpAccessPoint(fake.url, fake.key, 2))

    assert outcome.state == SendState.SENT
    assert len(fake.received) == 1


def test_the_daily_sweep_sends_again_what_failed_or_waits(ap, sor, nordre_land):
    # Given invoices issued two hours ago: one failed, one pending, one sent, one for download;
    # one failed that was issued a minute ago (its own retry is due), one long ago
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    states = {
        1: (SendState.FAILED, two_hours_ago),
        2: (SendState.PENDING, two_hours_ago),
        3: (SendState.SENT, two_hours_ago),
        4: (SendState.NOT_CONFIGURED, two_hours_ago),
        5: (SendState.FAILED, timezone.now()),
        6: (SendState.FAILED, two_hours_ago - datetime.timedelta(days=90)),
    }
    made = {
        number: make_invoice(
            sor, nordre_land, number, "100.00", ehf_xml=EHF, send_state=state, issued_at=at
        )
        for number, (state, at) in states.items()
    }

    # When the daily sweep runs (its sends run here, eagerly)
    result = sending.resend_unsent.apply().get()

    # Then the failed and the pending one of the last weeks were sent, nothing else
    queued = [pk for pk in result["queued"] if pk in {m.pk for m in made.values()}]
    assert queued == [made[1].pk, made[2].pk]
    assert sorted(r.idempotency_key for r in ap.received) == sorted(
        f"samla-invoice-{made[n].pk}" for n in (1, 2)
    )
    sent = dict(Invoice.objects.filter(consultancy=sor).values_list("number", "send_state"))
    assert sent == {
        1: SendState.SENT,
        2: SendState.SENT,
        3: SendState.SENT,
        4: SendState.NOT_CONFIGURED,
        5: SendState.FAILED,
        6: SendState.FAILED,
    }


def test_beat_runs_the_sweep_daily():
    from celery.schedules import crontab
    from django.conf import settings

    from samla.celery import app

    [entry] = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "billing.resend_unsent"
    ]
    assert "billing.resend_unsent" in app.tasks
    assert entry["schedule"] == crontab(hour=7, minute=5)
