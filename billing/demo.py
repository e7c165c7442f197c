"""Demo billing data: Samarbeid Sør's details and its "Helhetlig innsats – Ett lag" package
from seed 004, and KS-Konsulent with a network facilitation package. Idempotent.

Seed 004 names the programme's parts and how many days each has, over 2021–2022
(four days of leadership gatherings, two day gatherings for all leaders, six training
days on conversations, a training day and supervision for the network leaders, a website
and print; in 2022 two more leadership gatherings, one day gathering, an experience
gathering for the network leaders and a year's supervision of the network groups), but
leaves every price as "xx". The demo's prices (18 500 kr a day, 1 450 kr an hour of
supervision) are made up, in the range such programmes are sold at. The weeks follow the
seed's plan from the first leadership gathering in December.

With the demo's municipalities given (`samla.demo`), the packages are also sold, through
the same services a user's clicks reach: Larvik's leader orders "Ett lag" for the BTI plan,
billed as delivered, from the first Monday two months back; Samarbeid Sør's consultant
records the lines held so far (Larvik's leader marks them done in the plan), and the two
months behind us are invoiced (EHF), the first paid by a bank payment with its KID, the
second open. Steinkjer's leader orders KS-Konsulent's facilitation up front, starting next
month (one open invoice). Samla's own licence for this year is issued to
every demo municipality by the demo's operator, Larvik's paid, the others invoiced. No
Stripe keys are needed: invoices go out as EHF. An order or licence already there is kept.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import (
    BillingMode,
    Consultancy,
    Invoice,
    Licence,
    Order,
    OrderLine,
    OrderStatus,
    Package,
)
from billing.services import packages as services
from samla.accounts.models import (
    ConsultancyMembership,
    MunicipalityMembership,
    MunicipalityRole,
    PlatformOperator,
    User,
)
from tenants.models import Municipality

logger = logging.getLogger(__name__)

SOR_SLUG = "samarbeid-sor"
KS_SLUG = "ks-konsulent"
DAY = "18500.00"
HOUR = "1450.00"

SOR_DETAILS = {
    "legal_name": "Samarbeid Sør AS",
    "contact_name": "Konsulent Samarbeid Sør",
    "contact_email": "post@samarbeid-sor.example",
    "contact_phone": "38 00 00 00",
    "street": "Markens gate 1",
    "postcode": "4611",
    "city": "Kristiansand",
    "bank_account": "86011117947",
    "kid_prefix": "17",
}

KS_DETAILS = {
    "name": "KS-Konsulent",
    # A made-up number with a valid check digit, not the real company's.
    "org_number": "998047706",
    "legal_name": "KS-Konsulent AS",
    "contact_name": "Rådgiver KS-Konsulent",
    "contact_email": "post@ks-konsulent.example",
    "street": "Haakon VIIs gate 9",
    "postcode": "0161",
    "city": "Oslo",
    "bank_account": "86011117947",
    "kid_prefix": "18",
}


def _item(
    kind: str, name: str, quantity: str, price: str, week: int, **extra: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "quantity": quantity,
        "unit_price": price,
        "schedule_week": week,
        **extra,
    }


ETT_LAG_ITEMS = [
    _item("leadership_gathering", "Ledersamling 1: «Forankring for forandring»", "2", DAY, 1),
    _item("training_day", "Fagdager for barnehage, skole og støttetjenester", "3", DAY, 6),
    _item("training_day", "Opplæringsdag for nettverksledere", "1", DAY, 7),
    _item("website", "Nettside for programmet", "1", "25000.00", 8),
    _item("training_day", "Fagdager i samtalemetodikk og FIT", "3", DAY, 10),
    _item("network_leader_supervision", "Veiledning av nettverksledere (2021)", "8", HOUR, 10),
    _item("print", "Trykksaker", "1", "8000.00", 12),
    _item("leadership_gathering", "Ledersamling 2: «Kultur finnes i marinaden»", "1", DAY, 19),
    _item("all_leaders_gathering", "Erfaringsdeling for alle ledere", "1", DAY, 23),
    _item("leadership_gathering", "Ledersamling 3", "1", DAY, 40),
    _item("all_leaders_gathering", "Dagssamling for alle ledere (høst)", "1", DAY, 48),
    _item("network_leader_supervision", "Veiledning av nettverksgruppene (2022)", "8", HOUR, 56),
    _item("leadership_gathering", "Ledersamling: veien videre", "1", DAY, 60),
    _item("other", "Erfaringssamling for nettverksledere", "1", DAY, 66, unit="DAY"),
    _item("all_leaders_gathering", "Dagssamling for alle ledere: resultater", "1", DAY, 70),
    _item("leadership_gathering", "Ledersamling: avslutning («Kick inn»)", "1", DAY, 76),
]

FACILITATION_ITEMS = [
    _item("other", "Oppstartsmøte med nettverkets koordinatorer", "4", HOUR, 1, unit="HUR"),
    _item("all_leaders_gathering", "Prosessledelse av nettverkssamling 1", "2", DAY, 4),
    _item("all_leaders_gathering", "Prosessledelse av nettverkssamling 2", "2", DAY, 16),
    _item("network_leader_supervision", "Veiledning av koordinatorene", "12", HOUR, 8),
    _item("training_day", "Fagdag: implementering i kommunene", "1", DAY, 20),
    _item("other", "Oppsummering og rapport", "1", "15000.00", 26, unit="C62"),
]


def _fill(consultancy: Consultancy, details: dict[str, str]) -> None:
    """Fill the details the consultancy lacks (what someone has entered stays)."""
    changed = [name for name, value in details.items() if not getattr(consultancy, name)]
    for name in changed:
        setattr(consultancy, name, details[name])
    if changed:
        consultancy.full_clean()
        consultancy.save(update_fields=changed)


def _programme_page(consultancy: Consultancy) -> int | None:
    from cms.models import ConsultancyPage, ContentPage  # the CMS imports billing's models

    home = ConsultancyPage.objects.filter(consultancy=consultancy).first()
    if home is None:
        return None
    page = ContentPage.objects.child_of(home).order_by("path").first()
    return None if page is None else int(page.pk)


def _package(consultancy: Consultancy, slug: str, data: dict[str, Any]) -> Package:
    found = Package.objects.filter(consultancy=consultancy, slug=slug).first()
    if found is not None:
        return found
    operator = PlatformOperator.objects.select_related("user").order_by("pk").first()
    if operator is None:
        raise RuntimeError("The billing demo needs the demo's operator (samla.demo).")
    package = services.create_package(operator.user, consultancy, {"slug": slug, **data})
    return services.publish_package(operator.user, package, version=package.version)


def load_demo_billing(municipalities: Mapping[str, Municipality] | None = None) -> list[Package]:
    """The demo's consultancies and their published packages and, with the demo's
    municipalities by slug, its orders, invoices and licences; safe to run again."""
    packages = _load_packages()
    if municipalities:
        load_demo_sales(municipalities)
    return packages


def _load_packages() -> list[Package]:
    with transaction.atomic():
        sor = Consultancy.objects.filter(slug=SOR_SLUG).first()
        if sor is None:
            sor = Consultancy.objects.create(
                slug=SOR_SLUG, name="Samarbeid Sør", org_number="912660680"
            )
        _fill(sor, SOR_DETAILS)
        ks = Consultancy.objects.filter(slug=KS_SLUG).first()
        if ks is None:
            ks = Consultancy(slug=KS_SLUG, **KS_DETAILS)
            ks.full_clean()
            ks.save()
        ett_lag = _package(
            sor,
            "helhetlig-innsats-ett-lag",
            {
                "title": "Helhetlig innsats – Ett lag",
                "description": (
                    "Et kompetanse- og lederstøtteprogram over to år for kommuner som vil "
                    "bygge én helhetlig tjeneste for barn og familier: ledersamlinger, "
                    "dagssamlinger for alle ledere, fagdager i samtalemetodikk og FIT, "
                    "opplæring og veiledning av nettverksledere, nettside og trykksaker. "
                    "Kommunen dekker lokaler og lunsj; reise og diett er med i dagsprisen."
                ),
                "programme_page": _programme_page(sor),
                "duration_weeks": 78,
                "items": ETT_LAG_ITEMS,
            },
        )
        facilitation = _package(
            ks,
            "nettverksfasilitering",
            {
                "title": "Fasilitering av læringsnettverk",
                "description": (
                    "KS-Konsulent leder nettverkssamlingene, veileder koordinatorene og "
                    "oppsummerer nettverkets arbeid i en rapport, over et halvt år."
                ),
                "duration_weeks": 26,
                "items": FACILITATION_ITEMS,
            },
        )
    return [ett_lag, facilitation]


# Orders, invoices and licences ------------------------------------------------------------

ETT_LAG_BUYER = "larvik"  # the BTI plan (five years) holds the 78 weeks; its consultant is Sør's
FACILITATION_BUYER = "steinkjer"  # in KS Trøndelag's network
PAID_LICENCE = "larvik"
# Inhabitants, rounded (SSB); Vikna and Nærøy as before their merger (see samla.demo).
POPULATION = {
    "nordre-land": 6_600,
    "nesseby": 900,
    "larvik": 48_900,
    "steinkjer": 24_500,
    "leka": 560,
    "bindal": 1_400,
    "vikna": 4_500,
    "naeroy": 5_000,
}
BUYER_REFERENCE = "Prosjektleder helhetlig innsats"
LICENCE_REFERENCE = "Samla-lisens"


@dataclass
class DemoSales:
    """What the demo sold (the rows already there on a second run)."""

    ett_lag: Order | None = None
    facilitation: Order | None = None
    licences: list[Licence] = field(default_factory=list)


def first_monday_of(month: datetime.date) -> datetime.date:
    first = month.replace(day=1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7)


def months_back(today: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months before today's."""
    first = today.replace(day=1)
    for _step in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


def months_ahead(today: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after today's."""
    first = today.replace(day=1)
    for _step in range(count):
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return first


def _leader(municipality: Municipality) -> User | None:
    membership = (
        MunicipalityMembership.objects.filter(
            municipality=municipality, role=MunicipalityRole.LEADER
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return None if membership is None else membership.user


def _member(consultancy: Consultancy) -> User | None:
    membership = (
        ConsultancyMembership.objects.filter(consultancy=consultancy)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return None if membership is None else membership.user


def _plan_for(municipality: Municipality, first: datetime.date, last: datetime.date) -> int | None:
    """The municipality's first plan whose period holds the days, or None."""
    from tenants.plans.models import Plan  # a tenant model: read inside the schema

    with tenant_context(municipality):
        plan = Plan.objects.filter(start__lte=first, end__gte=last).order_by("pk").first()
    return None if plan is None else int(plan.pk)


def _existing(package: Package, municipality: Municipality) -> Order | None:
    return (
        Order.objects.filter(package=package, municipality=municipality)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("pk")
        .first()
    )


def _place_and_confirm(
    package: Package, buyer: Municipality, start: datetime.date, mode: str
) -> Order | None:
    """The buyer's leader orders the package for a plan that holds it, and confirms."""
    from billing.services import orders

    leader = _leader(buyer)
    last = orders.end_of(start, package.duration_weeks)
    plan = _plan_for(buyer, start, last)
    if leader is None or plan is None:
        logger.warning("demo: %s has no leader or no plan for %s–%s", buyer.slug, start, last)
        return None
    order = orders.place_order(
        leader,
        buyer,
        package,
        {
            "plan": plan,
            "start_date": start,
            "billing_mode": mode,
            "buyer_reference": BUYER_REFERENCE,
            "invoice_email": f"faktura@{buyer.slug}.kommune.example",
        },
    )
    return orders.confirm_order(leader, order, version=order.version)


def pay_by_bank(invoice: Invoice, at: datetime.datetime) -> Invoice:
    """The invoice paid in full, as a bank statement's entry with its KID books it."""
    from billing.services import bank

    return bank.record_payment(
        invoice, invoice.gross_total, source=f"bank:DEMO-{invoice.kid}", at=at
    )


def mark_held_in_plan(order: Order, lines: list[OrderLine]) -> None:
    """The buyer's leader marks what was held done in the plan (the milestone reached on
    the day, the activity done), as a municipality keeps its plan up to date."""
    from tenants.plans import services as plan_services
    from tenants.plans.models import Activity, Milestone

    leader = _leader(order.municipality)
    assert leader is not None  # the one who placed the order
    tenant = order.municipality
    with tenant_context(tenant):
        for line in lines:
            if line.plan_milestone_id is not None:
                milestone = Milestone.objects.get(pk=line.plan_milestone_id)
                plan_services.update_milestone(
                    tenant,
                    milestone,
                    leader,
                    {"status": "done", "done_on": line.scheduled_on},
                    version=milestone.version,
                )
            if line.plan_activity_id is not None:
                activity = Activity.objects.get(pk=line.plan_activity_id)
                plan_services.update_activity(
                    tenant, activity, leader, {"status": "done"}, version=activity.version
                )


def sell_ett_lag(package: Package, buyer: Municipality, today: datetime.date) -> Order | None:
    """The package ordered as delivered from two months back, what is held so far
    delivered, and the two months behind us invoiced: the first paid, the second open."""
    from billing.services import invoices, orders

    found = _existing(package, buyer)
    if found is not None:
        return found
    seller = _member(package.consultancy)
    if seller is None:
        logger.warning("demo: %s has no member to deliver", package.consultancy.slug)
        return None
    with transaction.atomic():
        order = _place_and_confirm(
            package, buyer, first_monday_of(months_back(today, 2)), BillingMode.AS_DELIVERED
        )
        if order is None:
            return None
        held = list(order.lines.filter(scheduled_on__lte=today).order_by("scheduled_on", "pk"))
        for line in held:
            orders.record_delivery(seller, order, line.pk, line.scheduled_on)
        mark_held_in_plan(order, held)
        billed = [
            invoices.invoice_deliveries(order, months_back(today, count), seller)
            for count in (2, 1)
        ]
        first = billed[0]
        if first is not None:
            pay_by_bank(first, timezone.now())
    return Order.objects.get(pk=order.pk)


def sell_facilitation(package: Package, buyer: Municipality, today: datetime.date) -> Order | None:
    """KS-Konsulent's facilitation ordered up front, starting next month: one open invoice."""
    found = _existing(package, buyer)
    if found is not None:
        return found
    with transaction.atomic():
        return _place_and_confirm(
            package, buyer, first_monday_of(months_ahead(today, 1)), BillingMode.UP_FRONT
        )


def issue_licences(
    municipalities: Mapping[str, Municipality], today: datetime.date
) -> list[Licence]:
    """This year's licence for each municipality (one paid); those there are kept."""
    from billing.services import licences

    operator = PlatformOperator.objects.select_related("user").order_by("pk").first()
    if operator is None:
        raise RuntimeError("The billing demo needs the demo's operator (samla.demo).")
    made = []
    for slug, municipality in municipalities.items():
        found = Licence.objects.filter(municipality=municipality, year=today.year).first()
        if found is not None:
            made.append(found)
            continue
        with transaction.atomic():
            licence, invoice = licences.issue_licence(
                operator.user,
                municipality,
                {
                    "year": today.year,
                    "population": POPULATION.get(slug, 5_000),
                    "buyer_reference": LICENCE_REFERENCE,
                },
            )
            if slug == PAID_LICENCE:
                pay_by_bank(invoice, timezone.now())
        made.append(licence)
    licences.refresh_licences(today)  # a paid licence is active
    return list(Licence.objects.filter(pk__in=[licence.pk for licence in made]).order_by("pk"))


def load_demo_sales(municipalities: Mapping[str, Municipality]) -> DemoSales:
    """The demo's orders, invoices and licences for the municipalities by slug, dated
    from today (deliveries can't be recorded ahead of time)."""
    today = timezone.localdate()
    sor = Consultancy.objects.get(slug=SOR_SLUG)
    ks = Consultancy.objects.get(slug=KS_SLUG)
    sales = DemoSales()
    if ETT_LAG_BUYER in municipalities:
        ett_lag = Package.objects.select_related("consultancy").get(
            consultancy=sor, slug="helhetlig-innsats-ett-lag"
        )
        sales.ett_lag = sell_ett_lag(ett_lag, municipalities[ETT_LAG_BUYER], today)
    if FACILITATION_BUYER in municipalities:
        facilitation = Package.objects.select_related("consultancy").get(
            consultancy=ks, slug="nettverksfasilitering"
        )
        sales.facilitation = sell_facilitation(
            facilitation, municipalities[FACILITATION_BUYER], today
        )
    sales.licences = issue_licences(municipalities, today)
    return sales
