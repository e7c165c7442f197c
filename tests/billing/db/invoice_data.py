"""Orders ready to invoice, for the invoices' tests: an order of a package with its lines,
confirmed (as `billing.services.orders.confirm_order` leaves it, without the plan's
schedule, which these tests are not about), and lines marked delivered."""

from __future__ import annotations

import datetime
from typing import Any

from billing.models import BillingMode, Order, OrderLine, OrderStatus, Package
from tenants.models import Municipality


def make_order(
    package: Package,
    municipality: Municipality,
    *,
    mode: str = BillingMode.UP_FRONT,
    status: str = OrderStatus.CONFIRMED,
    start: datetime.date = datetime.date(2026, 9, 7),
    **fields: Any,
) -> Order:
    order = Order.objects.create(
        package=package,
        consultancy=package.consultancy,
        municipality=municipality,
        plan_id=1,
        plan_title="Oppvekstplan",
        title=package.title,
        buyer_reference=fields.pop("buyer_reference", "3150bdn"),
        purchase_order=fields.pop("purchase_order", "IO-2026-17"),
        invoice_name=fields.pop("invoice_name", f"{municipality.name} kommune"),
        invoice_org_number=municipality.org_number,
        invoice_street="Postboks 173",
        invoice_postcode="2882",
        invoice_city="Dokka",
        invoice_email="faktura@kommune.example",
        start_date=start,
        end_date=start + datetime.timedelta(weeks=package.duration_weeks, days=-1),
        billing_mode=mode,
        status=status,
        **fields,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            package_item=item,
            position=position,
            kind=item.kind,
            name=item.name,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            unit_price=item.unit_price,
            vat=item.vat,
            scheduled_on=start + datetime.timedelta(weeks=item.schedule_week - 1),
        )
        for position, item in enumerate(package.items.order_by("order", "id"), start=1)
    )
    return order


def deliver(order: Order, position: int, on: datetime.date) -> OrderLine:
    line = order.lines.get(position=position)
    line.delivered_on = on
    line.save(update_fields=["delivered_on"])
    return line
