"""Provisioning: a municipality gets its row, schema and host in one step, or nothing at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists

from tenants import services
from tenants.db import connection
from tenants.models import Domain, Municipality
from tests.numbers import org_number as valid_org_number


def tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def footprint() -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        schemas = cursor.fetchone()[0]
    return Municipality.objects.count(), Domain.objects.count(), schemas


def test_provisioning_creates_row_schema_and_domain(db):
    municipality = services.provision_municipality(
        name="Larvik", slug="larvik", org_number="940029899", county="Vestfold"
    )
    assert municipality.schema_name == "larvik"
    assert schema_exists("larvik")
    assert Domain.objects.get(tenant=municipality).domain == "larvik.localhost"
    assert tables_in("larvik") == tables_in(services.template_schema())
    assert "django_migrations" in tables_in("larvik")


def test_hyphenated_slug_gets_an_underscored_schema(db):
    municipality = services.provision_municipality(
        name="Nord-Odal", slug="nord-odal", org_number=valid_org_number("97451234")
    )
    assert municipality.schema_name == "nord_odal"
    assert schema_exists("nord_odal")


BAD_INPUT = [
    ({"slug": "nordre-land"}, "slug", "er allerede i bruk"),
    ({"org_number": "964950768"}, "org_number", "er allerede registrert"),
    ({"org_number": "964950769"}, "org_number", "kontrollsifferet stemmer ikke"),
    ({"org_number": "12345"}, "org_number", "må være ni siffer"),
    ({"org_number": "96495076a"}, "org_number", "må være ni siffer"),
    ({"slug": "public"}, "slug", "er reservert"),
    ({"slug": "www"}, "slug", "er reservert"),
    ({"slug": "api"}, "slug", "er reservert"),
    ({"slug": "admin"}, "slug", "er reservert"),
    ({"slug": "cms"}, "slug", "er reservert"),
    ({"slug": "pg-catalog"}, "slug", "er reservert"),
    ({"slug": "Nordre Land"}, "slug", "kan ikke brukes i en adresse"),
    ({"slug": "nordre_land"}, "slug", "kan ikke brukes i en adresse"),
    ({"slug": "-land"}, "slug", "kan ikke brukes i en adresse"),
    ({"slug": "land-"}, "slug", "kan ikke brukes i en adresse"),
    ({"slug": "9land"}, "slug", "kan ikke brukes i en adresse"),
    ({"slug": "nord--land"}, "slug", "kan ikke brukes i en adresse"),
    ({"slug": "a" * 64}, "slug", "kan ikke brukes i en adresse"),
    ({"slug": ""}, "slug", "kan ikke brukes i en adresse"),
    ({"slug": "værøy"}, "slug", "kan ikke brukes i en adresse"),
    ({"name": "  "}, "name", "kan ikke være tomt"),
    ({"name": "x" * 101}, "name", "høyst 100 tegn"),
]


@pytest.mark.parametrize(("override", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_in_norwegian_and_leaves_nothing(
    override, field, message, nordre_land
):
    fields = {
        "name": "Ny kommune",
        "slug": "ny-kommune",
        "org_number": valid_org_number("98765432"),
    }
    fields.update(override)
    before = footprint()
    with pytest.raises(ValidationError) as caught:
        services.provision_municipality(**fields)
    assert any(message in m for m in caught.value.message_dict[field])
    assert footprint() == before


def test_failure_during_clone_leaves_nothing(db, monkeypatch):
    monkeypatch.setattr(services, "template_schema", lambda: "no_such_template")
    before = footprint()
    with pytest.raises(services.ProvisioningFailed):
        services.provision_municipality(
            name="Halden", slug="halden", org_number=valid_org_number("95954416")
        )
    connection.set_schema_to_public()
    assert footprint() == before
    assert not schema_exists("halden")
    assert not Municipality.objects.filter(slug="halden").exists()


def test_command_creates_and_reports_errors_in_norwegian(db, capsys):
    call_command(
        "municipality", "create", "--name", "Gran", "--slug", "gran",
        "--org-number", valid_org_number("96195015"),
    )  # fmt: skip
    assert "Opprettet Gran (http://gran.localhost/)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="er allerede i bruk"):
        call_command(
            "municipality", "create", "--name", "Gran", "--slug", "gran",
            "--org-number", valid_org_number("96195016"),
        )  # fmt: skip


def test_template_is_current_and_rebuilt_when_stale(db):
    assert services.template_is_current()
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{services.template_schema()}".django_migrations '  # noqa: S608
            "WHERE app = 'sessions'"
        )
    assert not services.template_is_current()
    services.ensure_template()
    assert services.template_is_current()


def test_check_command_reports_missing_tables(nordre_land, capsys):
    call_command("municipality", "check", "nordre-land")
    assert "Skjemaet er i orden." in capsys.readouterr().out
    with pytest.raises(CommandError, match="Fant ingen kommune"):
        call_command("municipality", "check", "finnes-ikke")
