"""The invoicing tasks: the monthly invoices of as-delivered orders (run twice, one
invoice; a delivery recorded late is invoiced next time; one seller's trouble does not stop
the others), the daily fall of unpaid invoices, and what happens after an invoice is
issued: into Stripe first (the fake), so that the EHF document the access point (the fake)
receives carries the hosted invoice link; Stripe refusing never holds the document back."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

from billing import stripe_gateway
from billing.ehf import validation
from billing.models import (
    BillingMode,
    Consultancy,
    Invoice,
    InvoiceStatus,
    OrderStatus,
    SendState,
)
from billing.services import invoices as services
from billing.tasks import invoicing
from tests.billing.ap_fake import FakeAccessPoint
from tests.billing.db.invoice_data import deliver, make_order
from tests.billing.stripe_fake import FakeStripe
from tests.billing.stripe_fake.fixtures import stripe_fake, stripe_settings

pytestmark = pytest.mark.django_db

__all__ = ["stripe_fake", "stripe_settings"]


@pytest.fixture
def as_delivered(sor_package, nordre_land):
    order = make_order(sor_package, nordre_land, mode=BillingMode.AS_DELIVERED)
    deliver(order, 1, datetime.date(2026, 9, 7))
    deliver(order, 2, datetime.date(2026, 10, 5))
    deliver(order, 3, datetime.date(2026, 11, 2))
    return order


def test_the_monthly_task_invoices_earlier_months_once(as_delivered):
    first = invoicing.invoice_deliveries("2026-11-01")

    invoices = Invoice.objects.filter(order=as_delivered).order_by("number")
    assert [(i.period_start, i.lines.count()) for i in invoices] == [
        (datetime.date(2026, 9, 1), 1),
        (datetime.date(2026, 10, 1), 1),
    ]
    # November has not ended on the 1st of November: its delivery waits
    assert first == {"on": "2026-11-01", "issued": [i.pk for i in invoices], "failed": {}}
    assert invoicing.invoice_deliveries("2026-11-01")["issued"] == []
    assert invoices.count() == 2


def test_a_delivery_recorded_late_is_invoiced_next_time(as_delivered):
    invoicing.invoice_deliveries("2026-11-01")
    deliver(as_delivered, 4, datetime.date(2026, 10, 30))  # recorded after the 1st

    later = invoicing.invoice_deliveries("2026-12-01")

    made = Invoice.objects.filter(pk__in=later["issued"]).order_by("period_start")
    assert [(i.period_start, [line.name for line in i.lines.all()]) for i in made] == [
        (datetime.date(2026, 10, 1), ["Nettside"]),
        (datetime.date(2026, 11, 1), ["Veiledning av nettverksledere"]),
    ]


def test_up_front_draft_and_cancelled_orders_are_left_alone(sor_package, nordre_land):
    for mode, status in (
        (BillingMode.UP_FRONT, OrderStatus.CONFIRMED),
        (BillingMode.AS_DELIVERED, OrderStatus.DRAFT),
        (BillingMode.AS_DELIVERED, OrderStatus.CANCELLED),
    ):
        order = make_order(sor_package, nordre_land, mode=mode, status=status)
        deliver(order, 1, datetime.date(2026, 9, 7))
    assert invoicing.invoice_deliveries("2026-11-01")["issued"] == []
    assert not Invoice.objects.exists()


def test_one_seller_that_cannot_invoice_does_not_stop_the_others(
    as_delivered, ks_member, ks, nordre_land
):
    from tests.billing.db.conftest import make_package

    ks_order = make_order(make_package(ks_member, ks), nordre_land, mode=BillingMode.AS_DELIVERED)
    deliver(ks_order, 1, datetime.date(2026, 9, 7))
    Consultancy.objects.filter(pk=as_delivered.consultancy_id).update(bank_account="")

    outcome = invoicing.invoice_deliveries("2026-10-01")

    assert list(outcome["failed"]) == [as_delivered.pk]
    assert "kontonummer" in outcome["failed"][as_delivered.pk]
    assert [Invoice.objects.get(pk=pk).order_id for pk in outcome["issued"]] == [ks_order.pk]


def test_the_daily_task_marks_invoices_past_due(sor_package, nordre_land):
    invoice = services.invoice_up_front(make_order(sor_package, nordre_land), None)
    due = invoice.due_date
    assert due is not None
    assert invoicing.mark_overdue(due.isoformat())["overdue"] == []
    day_after = (due + datetime.timedelta(days=1)).isoformat()
    assert invoicing.mark_overdue(day_after) == {"on": day_after, "overdue": [invoice.pk]}
    assert invoicing.mark_overdue(day_after)["overdue"] == []
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.OVERDUE


@pytest.fixture
def ap(settings) -> Iterator[FakeAccessPoint]:
    with FakeAccessPoint() as fake:
        settings.SAMLA_ACCESS_POINT_URL = fake.url
        settings.SAMLA_ACCESS_POINT_KEY = fake.key
        settings.SAMLA_ACCESS_POINT_TIMEOUT = 2.0
        yield fake


def issue(order: Any, capture: Any) -> Invoice:
    with capture(execute=True):
        invoice = services.invoice_up_front(order, None)
    return Invoice.objects.get(pk=invoice.pk)


def test_issued_invoice_goes_to_stripe_then_its_document_with_the_link_is_sent(
    stripe_settings: FakeStripe,
    ap,
    sor,
    sor_package,
    nordre_land,
    django_capture_on_commit_callbacks,
):
    stripe_gateway.create_connected_account(sor)

    invoice = issue(make_order(sor_package, nordre_land), django_capture_on_commit_callbacks)

    assert invoice.stripe_invoice_id and invoice.stripe_hosted_url
    assert invoice.send_state == SendState.SENT
    [got] = ap.received
    assert got.body == invoice.ehf_xml.encode("utf-8")
    assert invoice.stripe_hosted_url in invoice.ehf_xml
    validation.assert_valid(got.body)


def test_stripe_refusing_does_not_hold_the_document_back(
    stripe_settings: FakeStripe,
    ap,
    sor,
    sor_package,
    nordre_land,
    django_capture_on_commit_callbacks,
):
    stripe_gateway.create_connected_account(sor)
    stripe_settings.fail_next(10, status=400)

    invoice = issue(make_order(sor_package, nordre_land), django_capture_on_commit_callbacks)

    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.stripe_hosted_url == ""
    assert invoice.send_state == SendState.SENT
    assert len(ap.received) == 1


def test_without_stripe_or_an_access_point_the_invoice_waits_for_download(
    sor_package, nordre_land, django_capture_on_commit_callbacks
):
    invoice = issue(make_order(sor_package, nordre_land), django_capture_on_commit_callbacks)
    assert invoice.send_state == SendState.NOT_CONFIGURED
    assert invoice.stripe_invoice_id == ""


def test_a_credit_note_is_made_in_stripe_too(
    stripe_settings: FakeStripe,
    ap,
    sor,
    sor_package,
    nordre_land,
    django_capture_on_commit_callbacks,
):
    stripe_gateway.create_connected_account(sor)
    invoice = issue(make_order(sor_package, nordre_land), django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        note = services.credit_invoice(invoice, None, "Avlyst")

    note = Invoice.objects.get(pk=note.pk)
    assert note.stripe_invoice_id.startswith("cn_")
    assert len(ap.received) == 2


def test_beat_runs_both_tasks_and_they_are_registered():
    from celery.schedules import crontab
    from django.conf import settings

    from samla.celery import app

    schedule = {e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["billing.mark_overdue"] == crontab(hour=3, minute=20)
    assert schedule["billing.invoice_deliveries"] == crontab(day_of_month=1, hour=4, minute=0)
    for name in ("billing.mark_overdue", "billing.invoice_deliveries", "billing.deliver_invoice"):
        assert name in app.tasks
