"""Package services: who may change what, every refusal in Norwegian with nothing written,
and prices computed exactly as the EHF invoice will state them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing import pricing
from billing.models import Consultancy, Package, PackageItem, PackageStatus
from billing.services import packages as services
from tests.billing.db.conftest import items, make_package

pytestmark = pytest.mark.django_db


def test_a_member_creates_a_draft_with_defaults_from_the_kind(sor_member, sor):
    package = make_package(sor_member, sor, publish=False)
    assert package.status == PackageStatus.DRAFT
    assert package.slug == "helhetlig-innsats"
    first, second, third, fourth = package.items.order_by("order")
    assert (first.kind, first.name, first.unit, first.vat) == (
        "training_day",
        "Fagdag",
        "DAY",
        "exempt_education",
    )
    assert (second.name, second.vat) == ("Ledersamling 1: Leder som menneske", "standard")
    assert (third.unit, third.quantity) == ("HUR", Decimal("7.5"))
    assert fourth.unit == "C62"


def test_totals_are_exact_and_vat_is_per_category(sor_package):
    price = pricing.price_package(sor_package)
    assert [line.net for line in price.lines] == [
        Decimal("37000.00"),
        Decimal("37000.00"),
        Decimal("10879.13"),  # 7.5 × 1450.55 = 10879.125, half up
        Decimal("12000.00"),
    ]
    assert price.net == Decimal("96879.13")
    assert price.vat == Decimal("14969.78")  # 25 % of 59 879.13; the training days exempt
    assert price.gross == Decimal("111848.91")
    assert [(row.category.code, row.taxable) for row in price.totals.breakdown] == [
        ("E", Decimal("37000.00")),
        ("S", Decimal("59879.13")),
    ]


def test_vat_is_rounded_once_per_category_not_per_line(sor_member, sor):
    cheap = {"kind": "print", "quantity": "1", "unit_price": "0.02", "schedule_week": 1}
    package = make_package(sor_member, sor, items=[cheap, cheap])
    price = pricing.price_package(package)
    assert [line.vat for line in price.lines] == [Decimal("0.01"), Decimal("0.01")]
    assert price.vat == Decimal("0.01")  # 25 % of 0.04, as BR-CO-14 recomputes it


def test_a_seller_outside_the_vat_register_charges_no_vat(sor_member, sor):
    Consultancy.objects.filter(pk=sor.pk).update(vat_registered=False)
    package = make_package(sor_member, Consultancy.objects.get(pk=sor.pk))
    price = pricing.price_package(Package.objects.get(pk=package.pk))
    assert price.vat == Decimal("0.00")
    assert {row.category.code for row in price.totals.breakdown} == {"O"}
    assert price.gross == price.net


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unit_price": "-1.00"}, "negativ"),
        ({"unit_price": "100.005"}, "øre"),
        ({"unit_price": 100.5}, "flyttall"),
        ({"unit_price": "tusen"}, "ikke et tall"),
        ({"unit_price": "99999999999.00"}, "for stort"),
        ({"unit_price": "1e30"}, "for stort"),
        ({"quantity": "1e999999"}, "for stort"),
        ({"quantity": "0"}, "større enn null"),
        ({"quantity": "1.00001"}, "fire"),
        ({"kind": "massasje"}, "Ukjent type"),
        ({"unit": "KGM"}, "Ukjent enhet"),
        ({"vat": "15"}, "Ukjent mva"),
        ({"schedule_week": 0}, "Uke fra start"),
        ({"schedule_week": 53}, "etter pakkens siste uke"),
        ({"schedule_week": "1"}, "heltall"),
        ({"name": "x" * 201}, "høyst 200"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_written(sor_member, sor, change, message):
    lines = items()
    lines[1] = {**lines[1], **change}
    with pytest.raises(ValidationError) as refused:
        services.create_package(
            sor_member, sor, {"title": "Ny", "duration_weeks": 52, "items": lines}
        )
    text = " ".join(refused.value.message_dict["items"])
    assert text.startswith("Linje 2: ") and message in text
    assert not Package.objects.exists() and not PackageItem.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "duration_weeks": 10}, "title"),
        ({"title": "Ny"}, "duration_weeks"),
        ({"title": "Ny", "duration_weeks": 0}, "duration_weeks"),
        ({"title": "Ny", "duration_weeks": 10, "slug": "Ikke Slug"}, "slug"),
        ({"title": "Ny", "duration_weeks": 10, "description": "Tekst\x07"}, "description"),
        ({"title": "Ny", "duration_weeks": 10, "items": "alt"}, "items"),
        ({"title": "Ny", "duration_weeks": 10, "programme_page": 987654}, "programme_page"),
    ],
)
def test_bad_package_fields_are_refused(sor_member, sor, data, field):
    with pytest.raises(ValidationError) as refused:
        services.create_package(sor_member, sor, data)
    assert field in refused.value.message_dict
    assert not Package.objects.exists()


def test_a_package_with_no_items_is_not_published(sor_member, sor):
    package = services.create_package(sor_member, sor, {"title": "Tom", "duration_weeks": 4})
    with pytest.raises(ValidationError) as refused:
        services.publish_package(sor_member, package, version=package.version)
    assert "uten linjer" in refused.value.message_dict["items"][0]
    assert Package.objects.get(pk=package.pk).status == PackageStatus.DRAFT


def test_a_published_package_is_frozen_until_unpublished(sor_member, sor_package):
    with pytest.raises(ValidationError, match="avpubliser"):
        services.update_package(
            sor_member, sor_package, {"items": items()[:1]}, version=sor_package.version
        )
    with pytest.raises(ValidationError, match="avpubliser"):
        services.delete_package(sor_member, sor_package)
    assert sor_package.items.count() == 4
    draft = services.unpublish_package(sor_member, sor_package, version=sor_package.version)
    changed = services.update_package(
        sor_member, draft, {"items": items()[:1], "title": "Kortere"}, version=draft.version
    )
    assert (changed.title, changed.items.count(), changed.version) == ("Kortere", 1, 4)
    services.delete_package(sor_member, changed)
    assert not Package.objects.exists()


def test_a_stale_version_is_refused(sor_member, sor_draft):
    services.update_package(sor_member, sor_draft, {"title": "Først"}, version=1)
    with pytest.raises(services.StalePackage):
        services.update_package(sor_member, sor_draft, {"title": "Sist"}, version=1)
    assert Package.objects.get(pk=sor_draft.pk).title == "Først"


def test_shortening_the_package_keeps_every_item_inside_it(sor_member, sor_draft):
    with pytest.raises(ValidationError) as refused:
        services.update_package(sor_member, sor_draft, {"duration_weeks": 5}, version=1)
    assert "etter pakkens slutt" in refused.value.message_dict["duration_weeks"][0]


def test_another_consultancys_member_changes_nothing(ks_member, sor_draft, sor):
    with pytest.raises(PermissionDenied):
        services.update_package(ks_member, sor_draft, {"title": "Kapret"}, version=1)
    with pytest.raises(PermissionDenied):
        services.create_package(ks_member, sor, {"title": "Kapret", "duration_weeks": 4})
    with pytest.raises(PermissionDenied):
        services.delete_package(ks_member, sor_draft)
    assert Package.objects.get(pk=sor_draft.pk).title == "Utkast"


def test_an_operator_manages_any_consultancys_packages(operator, sor_draft):
    published = services.publish_package(operator, sor_draft, version=1)
    assert published.is_published


def test_the_slug_is_unique_per_consultancy(sor_member, sor, ks_member, ks):
    first = make_package(sor_member, sor, publish=False)
    second = make_package(sor_member, sor, publish=False)
    other = make_package(ks_member, ks, publish=False)
    assert (first.slug, second.slug, other.slug) == (
        "helhetlig-innsats",
        "helhetlig-innsats-2",
        "helhetlig-innsats",
    )
    with pytest.raises(ValidationError) as refused:
        make_package(sor_member, sor, publish=False, slug="helhetlig-innsats")
    assert "kortnavnet" in refused.value.message_dict["slug"][0]
