"""Open comparison: every member's consent first, and it ends when one is missing.

Given network X with Nordre Land and Nesseby: each municipality's leader gives its
consent on its own host; the coordinator's switch refuses (400, naming the municipalities
that have not consented) until all current members have; a withdrawn consent or a new
member turns the switch off in the same transaction; only leaders consent, only the
network's coordinators and operators switch.
"""

from __future__ import annotations

import pytest

from networks.models import LearningNetwork, NetworkMembership, OpenComparisonConsent
from samla.accounts.models import MunicipalityRole
from tests.conftest import make_member
from tests.networks.comparison_world import extra_municipality
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(network_x, nesseby):
    network_x.municipalities.add(nesseby)
    return network_x


def membership(network, municipality) -> NetworkMembership:
    return NetworkMembership.objects.current().get(network=network, municipality=municipality)


def consent_url(network, municipality) -> str:
    return (
        f"/api/network-memberships/{membership(network, municipality).pk}/open-comparison-consent/"
    )


def switch(user, network, value=True):
    return public_api(user).patch(
        f"/api/networks/{network.pk}/", {"open_comparison": value}, format="json"
    )


def test_switch_refuses_until_every_member_consented(
    both, coordinator_x, leader_a, leader_b, nordre_land, nesseby
):
    refused = switch(coordinator_x, both)
    assert refused.status_code == 400
    message = refused.json()["open_comparison"][0]
    assert "Nordre Land" in message and "Unjárga/Nesseby" in message
    both.refresh_from_db()
    assert both.open_comparison is False

    given = municipality_api(leader_a, nordre_land).put(consent_url(both, nordre_land))
    assert given.status_code == 200
    assert given.json()["consented"] is True
    assert given.json()["given_by"]
    row = OpenComparisonConsent.objects.get()
    assert row.given_by == leader_a and row.withdrawn_at is None
    refused = switch(coordinator_x, both)
    assert refused.status_code == 400
    assert "Nordre Land" not in refused.json()["open_comparison"][0]

    assert municipality_api(leader_b, nesseby).put(consent_url(both, nesseby)).status_code == 200
    turned_on = switch(coordinator_x, both)
    assert turned_on.status_code == 200, turned_on.content
    assert turned_on.json()["open_comparison"] is True
    # giving it again changes nothing
    assert (
        municipality_api(leader_a, nordre_land)
        .put(consent_url(both, nordre_land))
        .json()["consented"]
    )
    assert OpenComparisonConsent.objects.count() == 2


def _all_consented(network, *leaders_and_municipalities):
    for leader, municipality in leaders_and_municipalities:
        OpenComparisonConsent.objects.create(
            membership=membership(network, municipality), given_by=leader
        )
    network.open_comparison = True
    network.save()


def test_a_withdrawn_consent_turns_it_off(both, leader_a, leader_b, nordre_land, nesseby):
    _all_consented(both, (leader_a, nordre_land), (leader_b, nesseby))
    api = municipality_api(leader_b, nesseby)
    assert api.delete(consent_url(both, nesseby)).status_code == 204
    both.refresh_from_db()
    assert both.open_comparison is False
    withdrawn = OpenComparisonConsent.objects.get(membership__municipality=nesseby)
    assert withdrawn.withdrawn_by == leader_b and withdrawn.withdrawn_at is not None
    assert api.get(consent_url(both, nesseby)).json()["consented"] is False
    # the other member's names are hidden again from Nesseby's users
    names = public_api(leader_b).get(f"/api/networks/{both.pk}/comparison/").json()["rows"]
    assert [r["municipality"]["slug"] for r in names] == ["nesseby"]


def test_a_new_member_turns_it_off(both, coordinator_x, leader_a, leader_b, nordre_land, nesseby):
    _all_consented(both, (leader_a, nordre_land), (leader_b, nesseby))
    newcomer = extra_municipality(1, "Nykommer")
    added = public_api(coordinator_x).post(
        f"/api/networks/{both.pk}/members/", {"municipality": newcomer.pk}, format="json"
    )
    assert added.status_code == 201
    both.refresh_from_db()
    assert both.open_comparison is False
    refused = switch(coordinator_x, both)
    assert refused.status_code == 400 and "Nykommer" in refused.json()["open_comparison"][0]


def test_the_switch_set_by_hand_is_not_in_force_without_consents(both, leader_b, nesseby):
    """Belt and braces: a switch set outside the services does not open anything."""
    LearningNetwork.objects.filter(pk=both.pk).update(open_comparison=True)
    rows = public_api(leader_b).get(f"/api/networks/{both.pk}/comparison/").json()["rows"]
    assert [r["municipality"]["slug"] for r in rows] == ["nesseby"]


def test_a_member_that_rejoins_consents_again(both, leader_a, nordre_land):
    api = municipality_api(leader_a, nordre_land)
    assert api.put(consent_url(both, nordre_land)).status_code == 200
    old = membership(both, nordre_land)
    assert api.post(f"/api/network-memberships/{old.pk}/leave/").status_code == 200
    NetworkMembership.objects.create(network=both, municipality=nordre_land)
    assert api.get(consent_url(both, nordre_land)).json()["consented"] is False


def test_only_leaders_consent_and_only_coordinators_switch(
    both, coordinator_y, leader_a, leader_b, operator, nordre_land, nesseby
):
    editor = make_member(nordre_land, "redaktor", MunicipalityRole.EDITOR)
    refused = municipality_api(editor, nordre_land).put(consent_url(both, nordre_land))
    assert refused.status_code == 403
    assert "prosjektleder" in refused.json()["detail"]
    assert (
        municipality_api(editor, nordre_land).delete(consent_url(both, nordre_land)).status_code
        == 403
    )
    assert OpenComparisonConsent.objects.count() == 0
    # another municipality's membership id is 404 on this host
    other = consent_url(both, nesseby)
    assert municipality_api(leader_a, nordre_land).put(other).status_code == 404
    assert municipality_api(leader_a, nesseby).put(other).status_code == 404
    assert (
        municipality_api(None, nordre_land).get(consent_url(both, nordre_land)).status_code == 401
    )
    # a member's leader cannot switch; another network's coordinator gets 404
    assert switch(leader_a, both, False).status_code == 403
    assert switch(coordinator_y, both, False).status_code == 404
    assert switch(operator, both, False).status_code == 200


@pytest.mark.parametrize("body", [{}, {"open_comparison": "kanskje"}, {"open_comparison": None}])
def test_bad_switch_body_is_a_400(both, coordinator_x, body):
    response = public_api(coordinator_x).patch(f"/api/networks/{both.pk}/", body, format="json")
    assert response.status_code == 400
    assert "open_comparison" in response.json()
