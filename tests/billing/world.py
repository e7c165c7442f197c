"""Committed billing data for the browser walk (tests/browser): a consultancy with one
published package, and its removal (the consultancy's packages and member go with it)."""

from __future__ import annotations

from billing.models import Consultancy
from billing.services import packages as services
from samla.accounts.models import ConsultancyMembership, User
from tests.numbers import org_number

BROWSER_CONSULTANCY = "nettleser-pakkeselskap"
BROWSER_CONSULTANT = "nettleser.pakkekonsulent"
BROWSER_PACKAGE = "Nettleserpakke: Ett lag"


def remove_browser_packages() -> None:
    Consultancy.objects.filter(slug=BROWSER_CONSULTANCY).delete()
    User.objects.filter(username=BROWSER_CONSULTANT).delete()


def make_browser_packages() -> dict[str, int]:
    """The consultancy and its published package; the package's id (`{package}`)."""
    consultancy = Consultancy.objects.create(
        slug=BROWSER_CONSULTANCY,
        name="Nettleser Pakkeselskap",
        org_number=org_number("97654321"),
    )
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
    return {"package": package.pk}
