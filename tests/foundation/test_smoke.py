"""Given the two seed municipalities, each host shows its own home page to its members."""

from tests.conftest import PUBLIC_HOST, client_for, host_of


def test_member_sees_own_home_page(nordre_land, leader_a):
    response = client_for(host_of(nordre_land), leader_a).get("/")
    assert response.status_code == 200
    assert "Nordre Land" in response.content.decode()
    assert "Prosjektleder" in response.content.decode()
    assert 'href="/innstillinger/integrasjoner/"' in response.content.decode()


def test_only_the_leader_is_offered_the_integrations_page(nordre_land):
    from samla.accounts.models import MunicipalityRole
    from tests.conftest import make_member

    viewer = make_member(nordre_land, "leser", role=MunicipalityRole.VIEWER)
    body = client_for(host_of(nordre_land), viewer).get("/").content.decode()
    assert "/planer/" in body and "/innstillinger/integrasjoner/" not in body


def test_landing_lists_municipalities(nordre_land, nesseby):
    response = client_for(PUBLIC_HOST).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nordre Land" in body and "Unjárga/Nesseby" in body
