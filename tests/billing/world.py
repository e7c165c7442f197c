"""Committed billing data for the browser walk (tests/browser): a consultancy with one
published package and one draft, an order of the published one by Nordre Land for a plan
of its own (confirmed: its schedule in that plan, its invoice issued), and their removal
(the consultancy's invoices, orders and packages go with it; its member is a browser user,
`BROWSER_USERS["consultant"]`, removed with the others)."""

from __future__ import annotations

import threading
from typing import Any

from billing.models import Consultancy, Package
from billing.services import packages as services
from samla.accounts.models import ConsultancyMembership, User
from tests.billing.conftest import ACCOUNT
from tests.billing.invoice_world import make_fuzz_invoices
from tests.numbers import org_number

BROWSER_CONSULTANCY = "nettleser-pakkeselskap"
BROWSER_CONSULTANT = "nettleser.pakkekonsulent"
BROWSER_PACKAGE = "Nettleserpakke: Ett lag"
BROWSER_DRAFT = "Nettleserpakke: trykksaker"


BROWSER_ORDER_PLAN = "Nettleserplan: bestilt pakke"


def remove_browser_packages() -> None:
    """The consultancy with its invoices, orders and packages, and the order's plan."""
    from django_tenants.utils import tenant_context

    from billing.models import Invoice, InvoiceKind, Order
    from tenants.models import Municipality
    from tenants.plans.models import Change, Plan

    invoices = Invoice.objects.filter(consultancy__slug=BROWSER_CONSULTANCY)
    invoices.filter(kind=InvoiceKind.CREDIT_NOTE).delete()  # they protect what they credit
    invoices.delete()
    Order.objects.filter(consultancy__slug=BROWSER_CONSULTANCY).delete()
    Consultancy.objects.filter(slug=BROWSER_CONSULTANCY).delete()
    municipality = Municipality.objects.filter(slug="nordre-land").first()
    if municipality is not None:
        with tenant_context(municipality):
            plans = list(Plan.objects.filter(title=BROWSER_ORDER_PLAN).values_list("pk", flat=True))
            Plan.objects.filter(pk__in=plans).delete()
            Change.objects.filter(plan_id__in=plans).delete()


def _browser_order(package: Package, leader: User) -> int:
    """Nordre Land's leader orders the package for a plan of its own and confirms it."""
    import datetime

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from billing.models import BillingMode
    from billing.services import orders
    from tenants.models import Municipality
    from tenants.plans.models import Plan

    municipality = Municipality.objects.get(slug="nordre-land")
    start = timezone.localdate().replace(day=1)
    with tenant_context(municipality):
        plan = Plan.objects.create(
            title=BROWSER_ORDER_PLAN,
            start=start,
            end=start + datetime.timedelta(weeks=60),
        )
    order = orders.place_order(
        leader,
        municipality,
        package,
        {
            "plan": plan.pk,
            "start_date": start,
            "buyer_reference": "Nettleser 3150",
            "purchase_order": "IO-2026-17",
            "billing_mode": BillingMode.UP_FRONT,
        },
    )
    order = orders.confirm_order(leader, order, version=order.version)
    return int(order.pk)


def make_browser_packages(leader: User | None = None) -> dict[str, int]:
    """The consultancy, its published package (`{package}`) and a draft (`{draft_package}`);
    with Nordre Land's `leader`, its confirmed order of the package (`{order}`)."""
    consultancy = Consultancy.objects.create(
        slug=BROWSER_CONSULTANCY,
        name="Nettleser Pakkeselskap",
        org_number=org_number("97654321"),
        street="Storgata 1",
        postcode="0155",
        city="Oslo",
        kid_prefix="97",
        bank_account=ACCOUNT,
    )
    member = User.objects.filter(username=BROWSER_CONSULTANT).first()
    if member is None:
        member = User.objects.create_user(username=BROWSER_CONSULTANT)
    ConsultancyMembership.objects.create(user=member, consultancy=consultancy)
    package = services.create_package(
        member,
        consultancy,
        {
            "title": BROWSER_PACKAGE,
            "description": "Fagdager, ledersamlinger og veiledning over et år.",
            "duration_weeks": 52,
            "items": [
                {"kind": "training_day", "quantity": "6", "unit_price": "18500.00",
                 "schedule_week": 6},
                {"kind": "leadership_gathering", "quantity": "4", "unit_price": "18500.00",
                 "schedule_week": 1},
                {"kind": "network_leader_supervision", "quantity": "8", "unit_price": "1450.00",
                 "schedule_week": 10},
                {"kind": "website", "quantity": "1", "unit_price": "25000.00",
                 "schedule_week": 2},
            ],
        },
    )  # fmt: skip
    package = services.publish_package(member, package, version=package.version)
    draft = services.create_package(
        member,
        consultancy,
        {
            "title": BROWSER_DRAFT,
            "duration_weeks": 12,
            "items": [
                {"kind": "print", "quantity": "200", "unit_price": "12.50", "schedule_week": 2}
            ],
        },
    )
    ids = {"package": package.pk, "draft_package": draft.pk}
    if leader is not None:
        ids["order"] = _browser_order(package, leader)
    return ids


# The API fuzzer's packages (tests/api/test_fuzz.py), committed; removed with the fuzz
# consultancy (cascade).
CURRENT_VERSION_OF = "__samla_current_version_of__"  # read by tests/api/fuzz_hooks.py


def _fuzz_items() -> list[dict[str, object]]:
    return [
        {"kind": "training_day", "quantity": "2", "unit_price": "18500.00", "schedule_week": 1},
        {"kind": "website", "quantity": "1", "unit_price": "12000.00", "schedule_week": 2},
    ]


def make_fuzz_package(member: User, consultancy: Consultancy, title: str) -> int:
    """A draft package with items (the deletes run deletes one made just before it)."""
    package = services.create_package(
        member, consultancy, {"title": title, "duration_weeks": 12, "items": _fuzz_items()}
    )
    return int(package.pk)


def make_fuzz_packages(
    member: User, consultancy: Consultancy
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """A draft with items (for `…/publish/`) and a published package (for `…/unpublish/`),
    and the examples that reach each with its current version, and a new package."""
    draft = make_fuzz_package(member, consultancy, "Fuzz-utkast")
    published = make_fuzz_package(member, consultancy, "Fuzz-pakke")
    package = services.publish_package(member, Package.objects.get(pk=published), version=1)
    return {
        "examples": {
            **make_fuzz_bank(member, consultancy),
            # The Stripe onboarding link (below).
            **make_fuzz_stripe(consultancy),
            # The seller's invoice operations on both hosts (tests/billing/invoice_world.py).
            **make_fuzz_invoices(member, consultancy),
            "POST /api/packages/": [
                {
                    "body": {
                        "consultancy": consultancy.pk,
                        "title": "Fuzz: ny pakke",
                        "duration_weeks": 12,
                        "items": _fuzz_items(),
                    }
                }
            ],
            "POST /api/packages/{pk}/publish/": [
                {
                    "body": {CURRENT_VERSION_OF: f"/api/packages/{draft}/"},
                    "path_parameters": {"pk": draft},
                }
            ],
            "POST /api/packages/{pk}/unpublish/": [
                {
                    "body": {CURRENT_VERSION_OF: f"/api/packages/{package.pk}/"},
                    "path_parameters": {"pk": package.pk},
                }
            ],
            # The orders API's, on both hosts (below).
            **make_fuzz_orders(member, consultancy),
        }
    }


def fresh_package(consultancy: Consultancy, member: User) -> int:
    """A draft package for the public deletes run, committed on a connection of its own (the
    fuzz test's body runs in a transaction that is rolled back)."""
    from django.db import connections

    made: list[int] = []

    def make() -> None:
        try:
            made.append(make_fuzz_package(member, consultancy, "Fuzz: slettes"))
        finally:
            connections.close_all()

    maker = threading.Thread(target=make)
    maker.start()
    maker.join()
    return made[0]


# The API fuzzer's bank statements: the fuzz consultancy gets an account of its own and a
# committed statement of payments without KID (open, for `…/resolve/`); the examples upload
# a second statement and resolve one payment. The ids carry the consultancy's slug, so a
# later run on a kept database never meets them.


def fuzz_account() -> str:
    """A valid Norwegian account number no consultancy has."""
    import secrets

    from stdnum.no import kontonr

    while True:
        body = "9" + "".join(secrets.choice("0123456789") for _ in range(9))
        for digit in "0123456789":
            if (
                kontonr.is_valid(body + digit)
                and not Consultancy.objects.filter(bank_account=body + digit).exists()
            ):
                return body + digit


def camt053(account: str, message_id: str, amounts: list[str]) -> str:
    """A camt.053.001.02 statement of `account` with one booked credit per amount, no KID."""
    entries = "".join(
        f"""<Ntry><Amt Ccy="NOK">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-12-01</Dt></BookgDt><AcctSvcrRef>{message_id}-{index}</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Fuzz kommune</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>Faktura uten KID</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        for index, amount in enumerate(amounts, 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-12-02T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{message_id}-1</Id><Acct><Id><Othr><Id>{account}</Id></Othr></Id></Acct>
{entries}</Stmt></BkToCstmrStmt></Document>"""


def make_fuzz_bank(member: User, consultancy: Consultancy) -> dict[str, list[dict[str, Any]]]:
    """The consultancy's account and imported statement; the bank API's examples."""
    from billing.models import BankPayment
    from billing.services import bank

    account = fuzz_account()
    Consultancy.objects.filter(pk=consultancy.pk).update(bank_account=account)
    consultancy.bank_account = account
    amounts = ["1500.00", "250.50", "9999.99", "42.00", "18500.00", "300.00"]
    statement = bank.import_statement(
        member, consultancy, camt053(account, f"FUZZ-{consultancy.slug}-1", amounts).encode()
    )
    kept = BankPayment.objects.filter(statement=statement).order_by("id").last()
    assert kept is not None
    return {
        "POST /api/bank-statements/": [
            {
                "body": {
                    "consultancy": consultancy.pk,
                    "document": camt053(account, f"FUZZ-{consultancy.slug}-2", ["777.00"]),
                }
            }
        ],
        "POST /api/payments/{pk}/resolve/": [
            {
                "path_parameters": {"pk": kept.pk},
                "body": {"invoice": None, "note": "Fuzz: tilbakebetalt til innbetaler"},
            }
        ],
    }


def remove_fuzz_bank(slug: str) -> None:
    """The fuzz consultancy's statements and their payments (a statement is its
    consultancy's by the account: no cascade reaches it). Before the invoices they name."""
    from billing.models import BankStatement

    accounts = Consultancy.objects.filter(slug=slug).exclude(bank_account="")
    BankStatement.objects.filter(account__in=accounts.values("bank_account")).delete()


# The API fuzzer's orders: in the fuzz municipality (for its host's runs, by its leader, who
# is also made a member of the fuzz consultancy so that the seller's actions answer 2xx on
# that host too) and in its third municipality `<slug>-c` (for the public host, whose buyer
# is the fuzz consultant, made that municipality's leader, and a buyer of its own who
# proposes what the seller answers). Each action gets an order in the state it starts from.
# Removed by tests/billing/licence_world.remove_fuzz_billing (orders of the fuzz
# municipalities) and with the fuzz users (the buyer's name starts like theirs).


def _fuzz_plan(municipality: Any, title: str) -> int:
    import datetime

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from tenants.plans.models import Plan

    today = timezone.localdate()
    with tenant_context(municipality):
        plan = Plan.objects.create(
            title=title,
            start=today - datetime.timedelta(days=90),
            end=today + datetime.timedelta(days=400),
        )
    return int(plan.pk)


def _fuzz_order_set(
    package: Package, municipality: Any, plan: int, buyer: User, seller: User, proposer: User
) -> dict[str, int]:
    """Orders of the package, each in the state its example's action starts from, and the
    open amendments (proposed by `proposer`) to accept and reject."""
    import datetime

    from django.utils import timezone

    from billing.models import BillingMode, Order
    from billing.services import orders

    today = timezone.localdate()
    data = {
        "plan": plan,
        "start_date": today - datetime.timedelta(days=14),
        "buyer_reference": "Fuzz 3150",
        "billing_mode": BillingMode.AS_DELIVERED,
    }

    def placed() -> Any:
        return orders.place_order(buyer, municipality, package, data)

    def confirmed() -> Any:
        order = placed()
        return orders.confirm_order(buyer, order, version=order.version)

    made: dict[str, int] = {
        "confirm": placed().pk,
        "cancel": placed().pk,
        "deliver": confirmed().pk,
        "propose": confirmed().pk,
    }
    finished = confirmed()
    for line in list(finished.lines.all()):
        orders.record_delivery(seller, finished, line.pk, today)
    made["complete"] = finished.pk
    for answer in ("accept", "reject"):
        order = confirmed()
        line = order.lines.order_by("position").first()
        assert line is not None
        moved = (today + datetime.timedelta(days=30)).isoformat()
        amendment = orders.propose_amendment(proposer, order, {"move": {str(line.pk): moved}})
        made[answer] = order.pk
        made[f"{answer}_amendment"] = amendment.pk
    deliverable = Order.objects.get(pk=made["deliver"]).lines.order_by("position").first()
    assert deliverable is not None
    made["line"] = deliverable.pk
    # Last, so that it heads the list: the fuzzer's own PATCH example re-saves the first
    # order listed, and only a draft can be changed.
    made["patch"] = placed().pk
    return made


def _fuzz_order_examples(ids: dict[str, int], create: dict[str, Any]) -> dict[str, list[dict]]:
    import datetime

    from django.utils import timezone

    today = timezone.localdate()

    def versioned(order: int) -> dict[str, Any]:
        return {
            "body": {CURRENT_VERSION_OF: f"/api/orders/{order}/"},
            "path_parameters": {"pk": order},
        }

    return {
        "POST /api/orders/": [{"body": create}],
        # (PATCH /api/orders/{pk}/: the fuzzer's own example, on the first order listed.)
        "POST /api/orders/{pk}/confirm/": [versioned(ids["confirm"])],
        "POST /api/orders/{pk}/cancel/": [versioned(ids["cancel"])],
        "POST /api/orders/{pk}/complete/": [versioned(ids["complete"])],
        "POST /api/orders/{pk}/deliveries/": [
            {
                "body": {"line": ids["line"], "held_on": today.isoformat()},
                "path_parameters": {"pk": ids["deliver"]},
            }
        ],
        "POST /api/orders/{pk}/amendments/": [
            {
                "body": {
                    "add": [
                        {
                            "kind": "print",
                            "name": "Fuzz: plakater",
                            "quantity": "50",
                            "unit_price": "12.50",
                            "scheduled_on": (today + datetime.timedelta(days=21)).isoformat(),
                        }
                    ]
                },
                "path_parameters": {"pk": ids["propose"]},
            }
        ],
        **{
            f"POST /api/orders/{{pk}}/amendments/{{amendment_pk}}/{answer}/": [
                {
                    "path_parameters": {
                        "pk": ids[answer],
                        "amendment_pk": ids[f"{answer}_amendment"],
                    }
                }
            ]
            for answer in ("accept", "reject")
        },
    }


def make_fuzz_orders(member: User, consultancy: Consultancy) -> dict[str, list[dict]]:
    """The orders of both hosts' examples (see above); the examples, merged per operation."""
    from billing.models import Order, PackageStatus
    from samla.accounts.models import MunicipalityMembership, MunicipalityRole
    from tenants.models import Municipality

    home = Municipality.objects.get(slug=consultancy.slug)
    third = Municipality.objects.get(slug=f"{consultancy.slug}-c")
    leader = MunicipalityMembership.objects.get(
        municipality=home, role=MunicipalityRole.LEADER
    ).user
    ConsultancyMembership.objects.get_or_create(user=leader, consultancy=consultancy)
    MunicipalityMembership.objects.create(
        user=member, municipality=third, role=MunicipalityRole.LEADER
    )
    buyer = User.objects.create_user(username=f"{consultancy.slug}.bestiller")
    MunicipalityMembership.objects.create(
        user=buyer, municipality=third, role=MunicipalityRole.LEADER
    )
    package = services.create_package(
        member,
        consultancy,
        {"title": "Fuzz: bestillbar", "duration_weeks": 12, "items": _fuzz_items()},
    )
    package = services.publish_package(member, package, version=package.version)
    assert package.status == PackageStatus.PUBLISHED
    home_plan = _fuzz_plan(home, "Fuzz: bestillinger")
    third_plan = _fuzz_plan(third, "Fuzz: bestillinger (C)")
    # The fuzz municipality's last: its draft to re-save heads the lists of both hosts.
    public = _fuzz_order_set(package, third, third_plan, buyer, member, buyer)
    at_home = _fuzz_order_set(package, home, home_plan, leader, member, member)
    start = Order.objects.get(pk=at_home["patch"]).start_date.isoformat()
    create = {
        "package": package.pk,
        "start_date": start,
        "buyer_reference": "Fuzz: ny bestilling",
        "billing_mode": "as_delivered",
    }
    examples: dict[str, list[dict]] = {}
    for ids, body in (
        (at_home, {**create, "plan": home_plan}),
        (public, {**create, "plan": third_plan, "municipality": third.pk}),
    ):
        for label, cases in _fuzz_order_examples(ids, body).items():
            examples.setdefault(label, []).extend(cases)
    return examples


# The API fuzzer and Stripe: the onboarding link for the fuzz consultancy (its member runs
# as `consultant`), and the Stripe fake the fuzz server talks to. The server is another
# process: `fuzz_stripe_env()` starts a fake in this process (for the rest of the session)
# and gives the environment that points the server at it, to merge into the server's env.
_FUZZ_STRIPE: list[Any] = []


def fuzz_stripe_env() -> dict[str, str]:
    from tests.billing.stripe_fake import API_KEY, WEBHOOK_SECRET, FakeStripe

    if not _FUZZ_STRIPE:
        _FUZZ_STRIPE.append(FakeStripe().start())
    return {
        "STRIPE_SECRET_KEY": API_KEY,
        "STRIPE_API_BASE": _FUZZ_STRIPE[0].url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


def make_fuzz_stripe(consultancy: Consultancy) -> dict[str, list[dict[str, Any]]]:
    return {
        "POST /api/consultancies/{pk}/stripe/onboarding/": [
            {"path_parameters": {"pk": consultancy.pk}}
        ]
    }
