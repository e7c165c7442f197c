"""A consultancy's details: organisation number, bank account and KID prefix checked,
the platform fee from settings unless its own."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from billing.models import Consultancy, StripeAccountState
from tests.billing.conftest import ACCOUNT
from tests.billing.db.conftest import make_consultancy

pytestmark = pytest.mark.django_db


def test_a_complete_consultancy_is_valid(sor):
    sor.contact_name = "Kari Konsulent"
    sor.contact_email = "kari@samarbeid-sor.example"
    sor.street, sor.postcode, sor.city = "Markens gate 1", "4611", "Kristiansand"
    sor.full_clean()
    assert sor.stripe_account_state == StripeAccountState.NONE
    assert sor.vat_registered and sor.in_business_register


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("org_number", "912345678", "Organisasjonsnummer"),
        ("org_number", "12345", "Organisasjonsnummer"),
        ("bank_account", "86011117948", "Kontonummeret"),
        ("bank_account", "1234567", "Kontonummeret"),
        ("kid_prefix", "1a", "KID-prefikset"),
        ("postcode", "461", "Postnummeret"),
        ("platform_fee_percent", Decimal("101"), ""),
    ],
)
def test_bad_details_are_refused(sor, field, value, message):
    setattr(sor, field, value)
    with pytest.raises(ValidationError) as refused:
        sor.full_clean()
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])


def test_an_iban_is_an_account_too(sor):
    sor.bank_account = "NO9386011117947"
    sor.full_clean()


def test_kid_prefixes_are_unique_but_may_be_empty(sor):
    make_consultancy("a", "A", "93456780")
    make_consultancy("b", "B", "94567891")  # two without a prefix
    with pytest.raises(IntegrityError), transaction.atomic():
        make_consultancy("c", "C", "95678902", kid_prefix="17")
    assert Consultancy.objects.filter(bank_account=ACCOUNT).count() == 3


def test_the_platform_fee_is_the_settings_unless_its_own(sor, settings):
    settings.SAMLA_PLATFORM_FEE_PERCENT = "4.50"
    assert sor.fee_percent == Decimal("4.50")
    sor.platform_fee_percent = Decimal("3.25")
    assert sor.fee_percent == Decimal("3.25")
