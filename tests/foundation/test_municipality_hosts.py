"""Each municipality's hosts: `<slug>.<base>` primary, one more per alias base domain.

In the demo the base domain is `samla.localhost` (one login spans it) and `localhost`
an alias; provisioning makes both hosts, and `samla upgrade` gives a database made under
the old base domain the new primary host while keeping the old one.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from tenants import services
from tenants.models import Domain, Municipality
from tests.conftest import PASSWORD, make_member
from tests.numbers import org_number

DEMO_HOSTS = override_settings(
    SAMLA_BASE_DOMAIN="samla.localhost",
    SAMLA_ALIAS_DOMAINS=["localhost"],
    SAMLA_PUBLIC_HOSTS=["samla.localhost", "localhost", "127.0.0.1"],
    SAMLA_SHARED_COOKIE_DOMAIN=".samla.localhost",
)


def hosts_of(municipality: Municipality) -> dict[str, bool]:
    return dict(Domain.objects.filter(tenant=municipality).values_list("domain", "is_primary"))


@DEMO_HOSTS
def test_provisioning_creates_the_primary_host_and_the_alias(db):
    municipality = services.provision_municipality(
        name="Larvik", slug="larvik", org_number="940029899"
    )
    assert hosts_of(municipality) == {"larvik.samla.localhost": True, "larvik.localhost": False}


def test_without_aliases_a_municipality_has_one_host(db):
    municipality = services.provision_municipality(
        name="Larvik", slug="larvik", org_number="940029899"
    )
    assert hosts_of(municipality) == {"larvik.localhost": True}


@DEMO_HOSTS
def test_a_slug_whose_alias_host_is_taken_is_refused(db, nordre_land):
    # nordre-land.localhost is the seed municipality's host
    with pytest.raises(ValidationError) as refused:
        services.provision_municipality(
            name="Nordre Land 2", slug="nordre-land", org_number=org_number("97451299")
        )
    assert "er allerede i bruk" in str(refused.value.message_dict["slug"])


@DEMO_HOSTS
def test_upgrade_gives_existing_municipalities_the_new_primary_host(db, nordre_land, nesseby):
    # Given municipalities made under the old base domain `localhost`
    assert hosts_of(nordre_land) == {"nordre-land.localhost": True}
    public = Municipality.objects.get(schema_name="public")

    # When the hosts are brought up to the settings (as `samla upgrade` does)
    added = services.ensure_municipality_hosts()
    services.ensure_public_tenant()

    # Then each gains <slug>.samla.localhost as primary and keeps <slug>.localhost
    assert added["nordre-land"] == ["nordre-land.samla.localhost"]
    assert hosts_of(nordre_land) == {
        "nordre-land.samla.localhost": True,
        "nordre-land.localhost": False,
    }
    assert hosts_of(nesseby)["nesseby.samla.localhost"] is True
    # and the public host answers on both names, samla.localhost primary
    public_hosts = hosts_of(public)
    assert public_hosts["samla.localhost"] is True
    assert public_hosts["localhost"] is False
    # and running it again changes nothing
    assert services.ensure_municipality_hosts() == {}
    assert hosts_of(nordre_land)["nordre-land.samla.localhost"] is True


@DEMO_HOSTS
def test_both_hosts_reach_the_municipality(db, nordre_land, client):
    services.ensure_municipality_hosts()
    services.ensure_public_tenant()
    leader = make_member(nordre_land, "leder.to-verter")
    for host in ["nordre-land.samla.localhost:8000", "nordre-land.localhost:8000"]:
        client.logout()
        client.post(
            "/accounts/login/",
            {"username": leader.username, "password": PASSWORD},
            HTTP_HOST=host,
        )
        assert client.get("/planer/", HTTP_HOST=host).status_code == 200
    for host in ["samla.localhost:8000", "localhost:8000"]:
        assert client.get("/", HTTP_HOST=host).status_code == 200


@DEMO_HOSTS
def test_a_host_of_another_municipality_is_left_with_it(db, nordre_land, nesseby):
    Domain.objects.create(domain="nesseby.samla.localhost", tenant=nordre_land, is_primary=False)
    services.ensure_municipality_hosts()
    assert Domain.objects.get(domain="nesseby.samla.localhost").tenant_id == nordre_land.pk
    assert hosts_of(nesseby) == {"nesseby.localhost": True}


@DEMO_HOSTS
def test_the_upgrade_command_reports_the_hosts_it_added(db, nordre_land, monkeypatch):
    # Only the host step: the migrations are test_upgrade.py's.
    monkeypatch.setattr("samla.management.commands.upgrade.call_command", lambda *a, **k: None)
    monkeypatch.setattr("samla.management.commands.upgrade.ensure_template", lambda **k: None)
    out = StringIO()
    call_command("upgrade", stdout=out)
    assert "nordre-land: nye adresser nordre-land.samla.localhost" in out.getvalue()
    assert hosts_of(nordre_land)["nordre-land.samla.localhost"] is True
