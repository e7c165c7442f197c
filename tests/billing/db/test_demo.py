"""The billing demo: Samarbeid Sør's "Ett lag" package from seed 004 and KS-Konsulent's
facilitation package, published, with valid details; sold to the demo's municipalities
(here Nordre Land stands in for Larvik, Nesseby for Steinkjer) through the services: the
order's lines in the plan, deliveries, a paid and an open invoice, an up-front order and
the licences; loading twice adds nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing import pricing
from billing.demo import DemoSales, load_demo_billing, load_demo_sales, months_back
from billing.models import (
    BankPayment,
    BillingMode,
    Consultancy,
    ConsultantGrant,
    Invoice,
    InvoiceEvent,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Licence,
    LicenceStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Package,
    PackageItem,
)
from samla.accounts.models import User
from tenants.models import Municipality
from tests.billing.db.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_packages_are_published_and_priced(operator):
    ett_lag, facilitation = load_demo_billing()
    assert ett_lag.title == "Helhetlig innsats – Ett lag" and ett_lag.is_published
    assert facilitation.consultancy.name == "KS-Konsulent" and facilitation.is_published
    kinds = set(ett_lag.items.values_list("kind", flat=True))
    assert kinds == {
        "leadership_gathering",
        "all_leaders_gathering",
        "training_day",
        "network_leader_supervision",
        "website",
        "print",
        "other",
    }
    days = sum(item.quantity for item in ett_lag.items.filter(kind="leadership_gathering"))
    assert days == Decimal(6)  # seed 004: four days in 2021, two in 2022
    assert ett_lag.items.filter(kind="training_day").count() == 3  # 3 + 1 + 3 days
    price = pricing.price_package(Package.objects.get(pk=ett_lag.pk))
    # 10 standard days and 16 hours, 7 exempt training days, website and print.
    assert price.net == Decimal("10") * 18500 + 16 * 1450 + 7 * 18500 + 25000 + 8000
    assert price.vat == (price.net - 7 * 18500) * Decimal("0.25")
    for consultancy in Consultancy.objects.all():
        consultancy.full_clean()


def test_loading_twice_adds_nothing(operator):
    load_demo_billing()
    counts = (Consultancy.objects.count(), Package.objects.count(), PackageItem.objects.count())
    load_demo_billing()
    assert (
        Consultancy.objects.count(),
        Package.objects.count(),
        PackageItem.objects.count(),
    ) == counts


def test_the_demo_keeps_what_someone_entered(operator):
    Consultancy.objects.create(
        slug="samarbeid-sor", name="Samarbeid Sør", org_number="912660680", city="Arendal"
    )
    make_user("ingen")
    load_demo_billing()
    sor = Consultancy.objects.get(slug="samarbeid-sor")
    assert (sor.city, sor.legal_name) == ("Arendal", "Samarbeid Sør AS")


# Sold to the demo's municipalities ----------------------------------------------------------


def make_plan(municipality: Municipality, title: str) -> int:
    """A plan around today, as the demo's seed plans are (mid-way today)."""
    from tenants.plans.models import Plan

    today = timezone.localdate()
    with tenant_context(municipality):
        plan = Plan.objects.create(
            title=title,
            start=today - datetime.timedelta(days=900),
            end=today + datetime.timedelta(days=900),
        )
    return int(plan.pk)


@pytest.fixture
def buyers(
    nordre_land: Municipality,
    nesseby: Municipality,
    leader_a: User,
    leader_b: User,
    sor_member: User,
    operator: User,
) -> dict[str, Municipality]:
    make_plan(nordre_land, "Bedre tverrfaglig innsats (BTI)")
    make_plan(nesseby, "Bedre å være barn")
    return {"larvik": nordre_land, "steinkjer": nesseby}


def test_ett_lag_is_ordered_delivered_and_invoiced_paid_and_open(
    buyers: dict[str, Municipality], leader_a: User, sor_member: User
) -> None:
    load_demo_billing()
    sales = load_demo_sales(buyers)
    today = timezone.localdate()
    order = sales.ett_lag
    assert order is not None
    assert (order.municipality, order.package.slug) == (
        buyers["larvik"],
        "helhetlig-innsats-ett-lag",
    )
    assert order.billing_mode == BillingMode.AS_DELIVERED
    assert order.status == OrderStatus.IN_DELIVERY
    assert order.created_by_id == leader_a.pk
    assert order.start_date.weekday() == 0 and order.start_date.month == months_back(today, 2).month
    assert order.buyer_reference
    confirm = OrderEvent.objects.get(order=order, action="confirm")
    assert confirm.actor_id == leader_a.pk
    # The consultancy's members are let in as consultants until the package ends.
    assert ConsultantGrant.objects.filter(order=order).exists()

    lines = list(order.lines.order_by("position"))
    assert len(lines) == 16
    from tenants.plans.models import Activity

    with tenant_context(order.municipality):
        activities = dict(
            Activity.objects.filter(pk__in=[line.plan_activity_id for line in lines]).values_list(
                "pk", "plan_id"
            )
        )
    assert set(activities.values()) == {order.plan_id}
    assert len(activities) == len(lines)  # every line in the plan

    held = [line for line in lines if line.scheduled_on <= today]
    assert held and all(line.delivered_on == line.scheduled_on for line in held)
    assert {line.delivered_by_id for line in held} == {sor_member.pk}
    assert all(line.delivered_on is None for line in lines if line.scheduled_on > today)
    # What was held is done in the plan (the milestone reached that day), nothing overdue.
    from tenants.plans.models import Milestone

    with tenant_context(order.municipality):
        done = set(
            Activity.objects.filter(status="done", plan_id=order.plan_id).values_list(
                "pk", flat=True
            )
        )
        reached = dict(Milestone.objects.filter(status="done").values_list("pk", "done_on"))
        overdue = Milestone.objects.filter(due__lt=today).exclude(status="done").count()
    assert done == {line.plan_activity_id for line in held}
    assert reached == {
        line.plan_milestone_id: line.scheduled_on for line in held if line.plan_milestone_id
    }
    assert reached and overdue == 0

    invoices = list(Invoice.objects.filter(order=order).order_by("number"))
    assert [invoice.kind for invoice in invoices] == [InvoiceKind.INVOICE] * 2
    paid, open_ = invoices
    assert (paid.status, open_.status) == (InvoiceStatus.PAID, InvoiceStatus.ISSUED)
    assert (paid.period_start, open_.period_start) == (months_back(today, 2), months_back(today, 1))
    assert paid.amount_paid == paid.gross_total > 0 and open_.amount_paid == 0
    assert paid.kid and open_.kid and paid.ehf_xml and open_.ehf_xml
    assert open_.due_date == today + datetime.timedelta(days=30)
    payment = InvoiceEvent.objects.get(invoice=paid, action="pay")
    assert payment.source == f"bank:DEMO-{paid.kid}"
    # Each month's invoice has exactly the lines held that month.
    for invoice in invoices:
        invoiced = set(
            InvoiceLine.objects.filter(invoice=invoice).values_list("order_line", flat=True)
        )
        assert invoiced == {
            line.pk
            for line in held
            if invoice.period_start <= line.scheduled_on <= invoice.period_end
        }
        assert invoiced
    assert paid.gross_total == sum(
        (
            line.quantity * line.unit_price * (Decimal("1.25") if line.vat == "standard" else 1)
            for line in held
            if line.scheduled_on < months_back(today, 1)
        ),
        Decimal(0),
    )


def test_facilitation_up_front_and_the_licences(
    buyers: dict[str, Municipality], leader_b: User
) -> None:
    load_demo_billing()
    sales = load_demo_sales(buyers)
    order = sales.facilitation
    assert order is not None
    assert (order.municipality, order.consultancy.slug) == (buyers["steinkjer"], "ks-konsulent")
    assert (order.billing_mode, order.status) == (BillingMode.UP_FRONT, OrderStatus.CONFIRMED)
    # Invoiced ahead of a start next month: nothing in the plan is due yet.
    assert order.start_date > timezone.localdate() and order.start_date.weekday() == 0
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.lines.count() == order.lines.count() == 6

    year = timezone.localdate().year
    states = {licence.municipality.slug: licence.status for licence in sales.licences}
    assert states == {"nordre-land": LicenceStatus.ACTIVE, "nesseby": LicenceStatus.INVOICED}
    assert all(licence.year == year for licence in sales.licences)
    paid = Invoice.objects.get(licence__municipality=buyers["larvik"])
    assert paid.status == InvoiceStatus.PAID and paid.consultancy.is_platform
    assert Licence.objects.get(municipality=buyers["larvik"]).band == "large"  # 48 900


def _counts(municipality: Municipality) -> tuple[int, ...]:
    from tenants.plans.models import Activity, Milestone

    with tenant_context(municipality):
        plan_rows = (Activity.objects.count(), Milestone.objects.count())
    return (
        *plan_rows,
        Order.objects.count(),
        OrderLine.objects.filter(delivered_on__isnull=False).count(),
        OrderEvent.objects.count(),
        Invoice.objects.count(),
        InvoiceEvent.objects.count(),
        InvoiceLine.objects.count(),
        Licence.objects.count(),
        BankPayment.objects.count(),
        ConsultantGrant.objects.count(),
    )


def test_selling_twice_adds_nothing(buyers: dict[str, Municipality]) -> None:
    load_demo_billing(buyers)
    counts = _counts(buyers["larvik"])
    assert counts[0] and counts[5] == 5  # 2 for "Ett lag", 1 up front, 2 licences
    again = load_demo_sales(buyers)
    assert _counts(buyers["larvik"]) == counts
    assert isinstance(again, DemoSales) and again.ett_lag and again.facilitation
    assert len(again.licences) == 2


def test_a_buyer_without_a_plan_that_holds_the_package_gets_no_order(
    nordre_land: Municipality, leader_a: User, sor_member: User, operator: User
) -> None:
    from tenants.plans.models import Plan

    today = timezone.localdate()
    with tenant_context(nordre_land):
        Plan.objects.create(title="Kort plan", start=today, end=today + datetime.timedelta(days=60))
    load_demo_billing()
    sales = load_demo_sales({"larvik": nordre_land})
    assert sales.ett_lag is None and sales.facilitation is None
    assert not Order.objects.exists()
    assert not Invoice.objects.filter(order__isnull=False).exists()
    assert [licence.status for licence in sales.licences] == [LicenceStatus.ACTIVE]
