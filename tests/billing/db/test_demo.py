"""The billing demo: Samarbeid Sør's "Ett lag" package from seed 004 and KS-Konsulent's
facilitation package, published, with valid details; loading twice adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing import pricing
from billing.demo import load_demo_billing
from billing.models import Consultancy, Package, PackageItem
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
