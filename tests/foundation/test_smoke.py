"""Given the two seed municipalities, each host shows its own home page to its members."""

from tests.conftest import PUBLIC_HOST, client_for, host_of


def test_member_sees_own_home_page(nordre_land, leader_a):
    response = client_for(host_of(nordre_land), leader_a).get("/")
    assert response.status_code == 200
    assert "Nordre Land" in response.content.decode()
    assert "Prosjektleder" in response.content.decode()


def test_landing_lists_municipalities(nordre_land, nesseby):
    response = client_for(PUBLIC_HOST).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nordre Land" in body and "Unjárga/Nesseby" in body
