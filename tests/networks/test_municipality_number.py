"""Municipalities carry their official four-digit number (kommunenummer): given when
provisioned (service or `samla municipality create --number`), four digits, unique;
a bad or taken number is a Norwegian field error and nothing is created."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tenants import services
from tenants.models import Domain, Municipality
from tests.numbers import org_number

pytestmark = pytest.mark.django_db


def test_provisioning_records_the_number(db):
    municipality = services.provision_municipality(
        name="Larvik", slug="larvik", org_number="940029899", number=" 3805 "
    )
    assert Municipality.objects.get(pk=municipality.pk).number == "3805"


def test_the_command_takes_the_number(db, capsys):
    call_command(
        "municipality", "create", "--name", "Leka", "--slug", "leka",
        "--org-number", "945962151", "--number", "5052",
    )  # fmt: skip
    assert Municipality.objects.get(slug="leka").number == "5052"


@pytest.mark.parametrize("number", ["344", "34480", "34a8", "3 448", "٣٤٤٨"])
def test_a_number_that_is_not_four_digits_is_refused(db, number):
    before = (Municipality.objects.count(), Domain.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.provision_municipality(
            name="Nord-Odal", slug="nord-odal", org_number=org_number("97451234"), number=number
        )
    assert refused.value.message_dict["number"] == [
        "Kommunenummeret må være fire siffer (for eksempel 3448)."
    ]
    assert (Municipality.objects.count(), Domain.objects.count()) == before


def test_a_taken_number_is_refused(db, nordre_land):
    nordre_land.number = "3448"
    nordre_land.save(update_fields=["number"])
    with pytest.raises(ValidationError) as refused:
        services.provision_municipality(
            name="Nord-Odal", slug="nord-odal", org_number=org_number("97451234"), number="3448"
        )
    assert refused.value.message_dict["number"] == ["Kommunenummeret 3448 er allerede registrert."]
    assert not Municipality.objects.filter(slug="nord-odal").exists()


def test_the_command_reports_a_bad_number_in_norwegian(db):
    with pytest.raises(CommandError, match="number: Kommunenummeret må være fire siffer"):
        call_command(
            "municipality", "create", "--name", "Leka", "--slug", "leka",
            "--org-number", "945962151", "--number", "52",
        )  # fmt: skip
    assert not Municipality.objects.filter(slug="leka").exists()


def test_existing_municipalities_may_have_no_number(nordre_land, nesseby):
    assert nordre_land.number is None and nesseby.number is None
    # two empty numbers do not collide
    nordre_land.full_clean()
