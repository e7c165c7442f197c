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
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from billing.models import Consultancy, Package
from billing.services import packages as services
from samla.accounts.models import PlatformOperator

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


def load_demo_billing() -> list[Package]:
    """The demo's consultancies and their published packages; safe to run again."""
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
