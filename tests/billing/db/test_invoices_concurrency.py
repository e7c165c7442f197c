"""Invoices issued at the same moment on separate database connections keep the seller's
number series unbroken: no gap, no repeat, and an issue that fails after taking its
number gives it back.

Given a seller and a draft invoice for each of several confirmed orders (committed, so
that every connection sees them), when one thread per draft issues it at once (released
together, each on its own connection; only the series' row lock stands between them),
one of them for an order whose buyer's organisation number is wrong (its EHF document is
refused after the number is taken), then the others carry exactly the next numbers with
distinct KIDs, the failed one stays an unnumbered draft, and the series has no gap. Four
rounds make it likely that the issues really overlap (without the lock this test fails).
Running the monthly task twice at once for the same deliveries makes one invoice.
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection as default_connection

from billing.models import (
    BillingMode,
    Consultancy,
    Invoice,
    InvoiceSeries,
    Order,
    OrderLine,
    Package,
)
from billing.services import invoices as services
from billing.tasks import invoicing
from samla.accounts.models import User
from tenants.db import connection
from tenants.models import Municipality
from tests.billing.db.conftest import make_consultancy, make_package, make_user
from tests.billing.db.invoice_data import make_order
from tests.numbers import org_number

THREADS = 5
ROUNDS = 4
WAIT_SECONDS = 60


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Replaces the per-test transaction: every connection must see the rows."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def seller() -> Iterator[dict[str, Any]]:
    """A committed seller with a published package, removed afterwards with all it made."""
    consultancy = make_consultancy("samtidig-selger", "Samtidig Selger", org_number()[:8])
    member = make_user("samtidig.selger")
    from samla.accounts.models import ConsultancyMembership

    ConsultancyMembership.objects.create(user=member, consultancy=consultancy)
    package = make_package(member, consultancy)
    try:
        yield {"consultancy": consultancy, "package": package}
    finally:
        orders = Order.objects.filter(consultancy=consultancy)
        Invoice.objects.filter(consultancy=consultancy, credited_invoice__isnull=False).delete()
        Invoice.objects.filter(consultancy=consultancy).delete()
        OrderLine.objects.filter(order__in=orders).delete()
        orders.delete()
        Package.objects.filter(consultancy=consultancy).delete()
        Consultancy.objects.filter(pk=consultancy.pk).delete()
        User.objects.filter(username="samtidig.selger").delete()


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run each call in its own thread (own connection), released together; each one's
    result or the exception it raised."""
    start = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            # Connected before the start, so that the calls themselves begin together.
            default_connection.ensure_connection()
            connection.set_schema_to_public()
            start.wait(timeout=WAIT_SECONDS)
            outcomes[index] = calls[index]()
        except BaseException as exc:  # reported in the test's thread
            outcomes[index] = exc
        finally:
            default_connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert all(not thread.is_alive() for thread in threads)
    return outcomes


def test_invoices_issued_at_once_number_unbroken_and_a_failed_one_leaves_no_gap(seller):
    buyer = Municipality.objects.get(slug="nordre-land")
    package = seller["package"]
    invoices = Invoice.objects.filter(consultancy=seller["consultancy"], number__isnull=False)
    for round_ in range(ROUNDS):
        orders = [make_order(package, buyer) for _ in range(THREADS)]
        broken = orders[2]
        # Not a valid organisation number: its EHF document is refused after the number
        # is taken.
        Order.objects.filter(pk=broken.pk).update(invoice_org_number="123456789")

        # Drafts first: what runs at once is only the issuing (no order lock between them).
        drafts = [
            services.draft_invoice(
                order, list(order.lines.all()), period=(order.start_date, order.end_date)
            )
            for order in orders
        ]

        outcomes = at_once(
            [functools.partial(services.issue_invoice, draft, None) for draft in drafts]
        )

        failed = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        assert len(failed) == 1 and isinstance(outcomes[2], ValidationError), outcomes
        issued = (THREADS - 1) * (round_ + 1)
        assert sorted(invoices.values_list("number", flat=True)) == list(range(1, issued + 1))
        assert len(set(invoices.values_list("kid", flat=True))) == issued
        assert not invoices.filter(order=broken).exists()
        assert Invoice.objects.get(order=broken).status == "draft"
        series = InvoiceSeries.objects.get(consultancy=seller["consultancy"])
        assert series.next_number == issued + 1


def test_the_monthly_task_run_twice_at_once_makes_one_invoice(seller):
    buyer = Municipality.objects.get(slug="nordre-land")
    order = make_order(seller["package"], buyer, mode=BillingMode.AS_DELIVERED)
    line = order.lines.get(position=2)
    line.delivered_on = datetime.date(2026, 9, 8)
    line.save()

    outcomes = at_once([lambda: invoicing.invoice_deliveries("2026-10-01")] * 2)

    assert not any(isinstance(outcome, BaseException) for outcome in outcomes), outcomes
    made = Invoice.objects.filter(order=order)
    assert made.count() == 1
    issued = [pk for outcome in outcomes for pk in outcome["issued"]]
    assert issued.count(made.get().pk) == 1


def test_two_sellers_without_a_kid_prefix_issuing_at_once_get_different_kids(seller):
    buyer = Municipality.objects.get(slug="nordre-land")
    member = make_user("samtidig.andre")
    second = make_consultancy("samtidig-andre", "Samtidig Andre", org_number()[:8])
    try:
        from samla.accounts.models import ConsultancyMembership

        ConsultancyMembership.objects.create(user=member, consultancy=second)
        other_package = make_package(member, second)
        orders = [make_order(seller["package"], buyer), make_order(other_package, buyer)]

        outcomes = at_once(
            [functools.partial(services.invoice_up_front, order, None) for order in orders]
        )

        assert all(isinstance(outcome, Invoice) for outcome in outcomes), outcomes
        assert outcomes[0].kid != outcomes[1].kid
        prefixes = Consultancy.objects.filter(
            pk__in=[seller["consultancy"].pk, second.pk]
        ).values_list("kid_prefix", flat=True)
        assert len(set(prefixes)) == 2 and all(prefixes)
    finally:
        Invoice.objects.filter(consultancy=second).delete()
        Order.objects.filter(consultancy=second).delete()
        Package.objects.filter(consultancy=second).delete()
        second.delete()
        member.delete()
