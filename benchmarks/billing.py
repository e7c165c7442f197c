"""What billing costs: the package catalogue, Stripe's webhook and an invoice's making.

Run from the repository root:

    .venv/bin/python benchmarks/billing.py                     # 100 packages, 30 requests
    .venv/bin/python benchmarks/billing.py --packages 20 --repeat 5 --webhooks 30 --invoices 3

It works in a scratch database of its own (`samla_bench_<pid>`, see benchmarks/provision.py),
runs `samla upgrade`, makes four consultancies with a member each and `--packages`
published packages of 12 items spread over them (through `billing.services.packages`), and
a user of no consultancy. Then, in-process with Django's test client on the public host
(after three warm-up requests), it times as that user:

- `catalogue_ms_median`: `GET /api/packages/?page_size=500`, every package with its items
  and totals (net, VAT, gross per item and package);
- `catalogue_page_ms_median`: the catalogue page `/pakker/`;

each with its query count (`_queries`), which must not grow with the number of packages.

Then Stripe, against the local fake of Stripe's API (`tests.billing.stripe_fake`, started
in this process on a free port; the settings pointed at it, Celery tasks run eagerly and no
access point is configured): a municipality with a plan and its leader, a seller with a
Stripe connected account and a published package of 40 items, and orders of it placed and
confirmed (billed as delivered) through `billing.services.orders`.

- `invoice_build_ms`: an order's 40 lines to an issued invoice (`draft_invoice` and
  `issue_invoice`: number, KID, totals, the EHF document frozen) and, on commit, the
  delivery task (`billing.deliver_invoice`): `billing.stripe_gateway.push_invoice` to the
  fake (customer, 40 lines, VAT, finalized) and the EHF document written again with the
  hosted link. Median of `--invoices` orders (one warm-up first);
  `invoice_issue_ms` is the part before the commit, `invoice_stripe_requests` the
  requests one invoice makes to Stripe.
- `webhook_ms_median`: `POST /api/stripe/webhook/` with one signed `invoice.paid` event
  (a new event id each, for an invoice of its own the fake has just marked paid by card):
  the signature verified on the raw body, the event stored, the invoice read back from
  Stripe and booked paid. Median of `--webhooks` (after three warm-ups), with
  `webhook_queries`.

Targets: catalogue at most 60 ms median, webhook at most 20 ms, invoice at most 500 ms.
Only `name=value` lines go to stdout.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.provision import (  # noqa: E402
    measure_requests,
    org_numbers,
    percentile,
    report_from_scratch_database,
)

CONSULTANCIES = 4
WEBHOOK = "/api/stripe/webhook/"
WARM_UP = 3
INVOICE_ITEMS = 40
KINDS = (
    "training_day",
    "leadership_gathering",
    "all_leaders_gathering",
    "network_leader_supervision",
    "website",
    "print",
)


def build_world(packages: int) -> dict[str, Any]:
    from billing.models import Consultancy
    from billing.services import packages as services
    from samla.accounts.models import ConsultancyMembership, User

    numbers = org_numbers(98_000_000)
    members = []
    for index in range(CONSULTANCIES):
        consultancy = Consultancy.objects.create(
            name=f"Konsulent {index + 1}", slug=f"konsulent-{index + 1}", org_number=next(numbers)
        )
        member = User.objects.create_user(username=f"konsulent.{index + 1}")
        ConsultancyMembership.objects.create(user=member, consultancy=consultancy)
        members.append((member, consultancy))
    for number in range(packages):
        member, consultancy = members[number % CONSULTANCIES]
        items = [
            {
                "kind": KINDS[line % len(KINDS)],
                "quantity": str(1 + line % 3),
                "unit_price": f"{12500 + 37 * line}.50",
                "schedule_week": 1 + line * 4,
            }
            for line in range(12)
        ]
        package = services.create_package(
            member,
            consultancy,
            {"title": f"Programpakke {number + 1}", "duration_weeks": 52, "items": items},
        )
        services.publish_package(member, package, version=package.version)
    reader = User.objects.create_user(username="leser")
    return {"reader": reader}


def run(packages: int, repeat: int, webhooks: int, invoices: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    # Tasks run in this process (no broker) and nothing is sent to an access point.
    for name in ("CELERY_BROKER_URL", "SAMLA_ACCESS_POINT_URL", "SAMLA_ACCESS_POINT_KEY"):
        os.environ.pop(name, None)
    django.setup()
    from django.conf import settings
    from django.test import Client

    call_command("upgrade", verbosity=0)
    world = build_world(packages)
    client = Client(HTTP_HOST=settings.SAMLA_BASE_DOMAIN)
    client.force_login(world["reader"])
    results: dict[str, float | int] = {"packages": packages, "repeat": repeat}
    targets = {
        "catalogue": "/api/packages/?page_size=500",
        "catalogue_page": "/pakker/",
    }
    for name, path in targets.items():
        figures = measure_requests(client, path, repeat)
        assert figures["status"] == 200, (name, figures["status"])
        results[f"{name}_ms_median"] = figures["ms_median"]
        results[f"{name}_ms_p95"] = figures["ms_p95"]
        results[f"{name}_queries"] = int(figures["queries"])
    results.update(run_stripe(webhooks, invoices))
    return results


# Stripe: the webhook and an invoice's making ------------------------------------------------


def build_seller_world(orders: int) -> dict[str, Any]:
    """A municipality with its leader, a seller on a Stripe connected account with a
    member and a published package of 40 items, and `orders` confirmed orders of it billed
    as delivered (each of 40 lines, each into a plan of its own)."""
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from billing import stripe_gateway
    from billing.models import BillingMode, Consultancy
    from billing.services import orders as order_services
    from billing.services import packages as services
    from samla.accounts.models import (
        ConsultancyMembership,
        MunicipalityMembership,
        MunicipalityRole,
        User,
    )
    from tenants.plans.models import Plan
    from tenants.services import provision_municipality

    numbers = org_numbers(97_000_000)
    municipality = provision_municipality(
        name="Benkeby", slug="benkeby", org_number=next(numbers), county="Agder"
    )
    today = timezone.localdate()
    with tenant_context(municipality):
        # A plan per order: a plan holds at most 100 activities.
        plans = [
            int(
                Plan.objects.create(
                    title=f"Helhetlig innsats i Benkeby {number + 1}",
                    start=today - datetime.timedelta(days=30),
                    end=today + datetime.timedelta(days=800),
                ).pk
            )
            for number in range(orders)
        ]
    leader = User.objects.create_user(username="leder.benkeby")
    MunicipalityMembership.objects.create(
        user=leader, municipality=municipality, role=MunicipalityRole.LEADER
    )
    seller = Consultancy.objects.create(
        name="Fakturerende konsulent",
        legal_name="Fakturerende konsulent AS",
        slug="fakturerende",
        org_number=next(numbers),
        street="Markens gate 1",
        postcode="4611",
        city="Kristiansand",
        bank_account="86011117947",
        kid_prefix="42",
        contact_email="post@fakturerende.example",
    )
    member = User.objects.create_user(username="konsulent.fakturerende")
    ConsultancyMembership.objects.create(user=member, consultancy=seller)
    seller = stripe_gateway.create_connected_account(seller)
    items = [
        {
            "kind": KINDS[line % len(KINDS)],
            "name": f"Samling {line + 1}",
            "quantity": str(1 + line % 3),
            "unit_price": f"{12500 + 37 * line}.50",
            "schedule_week": 1 + line,
        }
        for line in range(INVOICE_ITEMS)
    ]
    package = services.create_package(
        member,
        seller,
        {"title": "Programpakke med 40 linjer", "duration_weeks": 52, "items": items},
    )
    package = services.publish_package(member, package, version=package.version)
    made = []
    for number in range(orders):
        order = order_services.place_order(
            leader,
            municipality,
            package,
            {
                "plan": plans[number],
                "start_date": today,
                "billing_mode": BillingMode.AS_DELIVERED,
                "buyer_reference": f"Bestilling {number + 1}",
            },
        )
        made.append(order_services.confirm_order(leader, order, version=order.version))
    return {"member": member, "seller": seller, "orders": made}


def issue(order: Any, lines: list[Any], actor: Any) -> tuple[Any, float]:
    """Draft and issue the invoice of `lines`; the invoice (after its commit, when the
    delivery task has run) and the milliseconds until the commit."""
    from django.db import transaction

    from billing.services import invoices

    started = time.perf_counter()
    with transaction.atomic():
        draft = invoices.draft_invoice(order, lines, period=(order.start_date, order.end_date))
        issued = invoices.issue_invoice(draft, actor)
        before_commit = time.perf_counter()
    return issued, (before_commit - started) * 1000


def time_invoices(world: dict[str, Any], fake: Any, count: int) -> dict[str, float | int]:
    from billing.models import Invoice

    builds, issues, requests = [], [], []
    for order in world["orders"][: count + 1]:
        lines = list(order.lines.order_by("position"))
        assert len(lines) == INVOICE_ITEMS
        recorded = len(fake.recorded)
        started = time.perf_counter()
        issued, issue_ms = issue(order, lines, world["member"])
        build_ms = (time.perf_counter() - started) * 1000
        invoice = Invoice.objects.get(pk=issued.pk)
        assert invoice.stripe_status == "open", invoice.stripe_status
        assert invoice.stripe_hosted_url and invoice.stripe_hosted_url in invoice.ehf_xml
        builds.append(build_ms)
        issues.append(issue_ms)
        requests.append(len(fake.recorded) - recorded)
    # The first built the seller's Stripe customer: a warm-up.
    return {
        "invoice_build_ms": statistics.median(builds[1:]),
        "invoice_issue_ms": statistics.median(issues[1:]),
        "invoice_stripe_requests": requests[-1],
    }


def paid_events(world: dict[str, Any], fake: Any, count: int) -> Iterator[str]:
    """`count` signed `invoice.paid` payloads (JSON, signature header) for invoices of one
    line each, issued and pushed to the fake, then paid there by card."""
    from billing.models import Invoice

    account = world["seller"].stripe_account_id
    lines = [
        line
        for order in reversed(world["orders"])
        for line in order.lines.filter(invoice_lines__isnull=True).order_by("position")
    ]
    assert len(lines) >= count, "too few order lines for the webhooks"
    for line in lines[:count]:
        issued, _ms = issue(line.order, [line], world["member"])
        invoice = Invoice.objects.get(pk=issued.pk)
        paid = fake.pay_by_card(account, invoice.stripe_invoice_id)
        yield json.dumps(fake.event("invoice.paid", paid, account=account))


def time_webhooks(world: dict[str, Any], fake: Any, count: int) -> dict[str, float | int]:
    import stripe
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from billing.models import Invoice, InvoiceStatus

    payloads = list(paid_events(world, fake, count + WARM_UP + 1))
    client = Client(HTTP_HOST=settings.SAMLA_BASE_DOMAIN)

    def post(payload: str) -> Any:
        header = stripe.WebhookSignature.generate_signature_header(
            payload, settings.STRIPE_WEBHOOK_SECRET
        )
        response = client.post(
            WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 200, response.content
        assert response.json()["outcome"].startswith("applied:"), response.json()
        return response

    for payload in payloads[:WARM_UP]:
        post(payload)
    queries: list[str] = []

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not sql.startswith("SET search_path"):
            queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        post(payloads[WARM_UP])
    durations = []
    for payload in payloads[WARM_UP + 1 :]:
        # The signature is made before the clock starts; Stripe's comes with the request.
        header = stripe.WebhookSignature.generate_signature_header(
            payload, settings.STRIPE_WEBHOOK_SECRET
        )
        started = time.perf_counter()
        response = client.post(
            WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and response.json()["outcome"].startswith("applied:")
    stripe_ids = [json.loads(payload)["data"]["object"]["id"] for payload in payloads]
    paid = Invoice.objects.filter(stripe_invoice_id__in=stripe_ids, status=InvoiceStatus.PAID)
    assert paid.count() == len(payloads), "every event booked its invoice paid"
    return {
        "webhooks": count,
        "webhook_ms_median": statistics.median(durations),
        "webhook_ms_p95": percentile(durations, 0.95),
        "webhook_queries": len(queries),
    }


def run_stripe(webhooks: int, invoices: int) -> dict[str, float | int]:
    from django.test import override_settings

    from tests.billing.stripe_fake import API_KEY, WEBHOOK_SECRET, FakeStripe

    fake = FakeStripe().start()
    try:
        with override_settings(
            STRIPE_SECRET_KEY=API_KEY,
            STRIPE_API_BASE=fake.url,
            STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        ):
            # The invoices' orders, and enough order lines for the webhooks' invoices.
            needed = invoices + 1 + -(-(webhooks + WARM_UP + 1) // INVOICE_ITEMS)
            world = build_seller_world(needed)
            results = time_invoices(world, fake, invoices)
            results.update(time_webhooks(world, fake, webhooks))
    finally:
        fake.stop()
    return {"invoices": invoices, **results}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=100, help="published packages")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per target")
    parser.add_argument("--webhooks", type=int, default=30, help="timed webhook events")
    parser.add_argument("--invoices", type=int, default=5, help="timed invoices of 40 lines")
    args = parser.parse_args(argv)
    if min(args.packages, args.repeat, args.webhooks, args.invoices) < 1:
        parser.error("--packages, --repeat, --webhooks and --invoices must be at least 1")
    return report_from_scratch_database(
        lambda: run(args.packages, args.repeat, args.webhooks, args.invoices), decimals=2
    )


if __name__ == "__main__":
    sys.exit(main())
