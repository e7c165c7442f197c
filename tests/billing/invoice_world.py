"""The API fuzzer's invoices (tests/api/test_fuzz.py), committed: the fuzz consultancy's
orders of a package of its own by the fuzz municipality, through the orders services (a
plan of the municipality's, confirmed): one billed up front (its invoice issued, for
`…/credit/`) and one billed as delivered with its lines held last month (for
`POST /api/orders/{pk}/invoices/`).

The municipality's leader is also made a member of the consultancy, so that on the
municipality's host, where the runs act as its leader, the seller's operations can answer
2xx too (a buyer who is not the seller is refused: 403). Crediting twice answers the
credit note that stands (200), so the runs' order does not matter. Everything is removed
with the fuzz municipality's billing rows (tests/billing/licence_world.py) and the
consultancy.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import BillingMode, Consultancy, Invoice
from billing.services import orders
from billing.services import packages as package_services
from samla.accounts.models import ConsultancyMembership, User
from tenants.db import connection
from tenants.models import Municipality


def _fuzz_account() -> str:
    from tests.billing.world import fuzz_account

    return fuzz_account()


def make_fuzz_invoices(member: User, consultancy: Consultancy) -> dict[str, list[dict[str, Any]]]:
    """The orders and invoices; the examples of the seller's invoice operations."""
    slug = consultancy.slug
    municipality = Municipality.objects.get(slug=slug)
    leader = User.objects.get(username=f"{slug}.leader")
    ConsultancyMembership.objects.get_or_create(user=leader, consultancy=consultancy)
    consultancy.refresh_from_db()
    # What an invoice must name: the seller's account and address.
    consultancy.bank_account = consultancy.bank_account or _fuzz_account()
    consultancy.city = consultancy.city or "Oslo"
    consultancy.save(update_fields=["bank_account", "city"])
    package = package_services.create_package(
        member,
        consultancy,
        {
            "title": "Fuzz: fakturert pakke",
            "duration_weeks": 12,
            "items": [
                {"kind": "leadership_gathering", "quantity": "1", "unit_price": "18500.00",
                 "schedule_week": 1},
                {"kind": "training_day", "quantity": "2", "unit_price": "9250.00",
                 "schedule_week": 2},
            ],
        },
    )  # fmt: skip
    package = package_services.publish_package(member, package, version=package.version)
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    with tenant_context(municipality):
        from tenants.plans.models import Plan

        plan = Plan.objects.create(
            title="Fuzz: bestilte pakker",
            start=last_month - datetime.timedelta(days=31),
            end=last_month + datetime.timedelta(days=730),
        )
    connection.set_schema_to_public()
    made = {}
    for mode in (BillingMode.UP_FRONT, BillingMode.AS_DELIVERED):
        order = orders.place_order(
            leader,
            municipality,
            package,
            {
                "plan": plan.pk,
                "start_date": last_month,
                "buyer_reference": "Fuzz 3150",
                "billing_mode": mode,
            },
        )
        made[mode] = orders.confirm_order(leader, order, version=order.version)
    delivered = made[BillingMode.AS_DELIVERED]
    for line in delivered.lines.order_by("position"):
        orders.record_delivery(member, delivered, line.pk, last_month)
    invoice = Invoice.objects.get(order=made[BillingMode.UP_FRONT])
    return {
        "POST /api/invoices/{pk}/credit/": [
            {"path_parameters": {"pk": invoice.pk}, "body": {"reason": "Fuzz: kreditert"}}
        ],
        "POST /api/orders/{pk}/invoices/": [
            {
                "path_parameters": {"pk": delivered.pk},
                "body": {"month": last_month.strftime("%Y-%m")},
            }
        ],
    }
