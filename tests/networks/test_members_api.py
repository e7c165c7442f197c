"""Networks and their members through the API, on the public host and a municipality's.

Given network X (Nordre Land, coordinator X) and network Y (Nesseby, coordinator Y): a
coordinator sees and manages their own network only (another's is 404), operators see
all, a municipal user sees their municipality's networks but not the members, and a
municipality's leader alone sets what it shares and leaves. Bad input is a Norwegian 4xx
and writes nothing.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.models import NetworkMembership, Sharing
from samla.accounts.models import MunicipalityRole
from tests.conftest import make_member
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db


def members_of(network) -> list[str]:
    return sorted(
        NetworkMembership.objects.current()
        .filter(network=network)
        .values_list("municipality__slug", flat=True)
    )


# Networks ---------------------------------------------------------------------------------


def test_coordinator_lists_and_reads_only_their_network(coordinator_x, network_x, network_y):
    api = public_api(coordinator_x)
    listed = api.get("/api/networks/")
    assert listed.status_code == 200
    assert [n["slug"] for n in listed.json()] == ["nettverk-x"]
    assert listed["X-Total-Count"] == "1"
    assert api.get(f"/api/networks/{network_x.pk}/").json()["theme"] == "0–24"
    # another network's id looks like one that does not exist
    other = api.get(f"/api/networks/{network_y.pk}/")
    assert other.status_code == 404
    assert api.get(f"/api/networks/{network_y.pk}/members/").status_code == 404
    assert api.get("/api/networks/999999/").status_code == 404


def test_operator_sees_every_network(operator, network_x, network_y):
    listed = public_api(operator).get("/api/networks/").json()
    assert [n["slug"] for n in listed] == ["nettverk-x", "nettverk-y"]


def test_municipal_user_sees_their_networks_but_not_the_members(
    leader_a, network_x, network_y, nordre_land
):
    api = public_api(leader_a)
    assert [n["slug"] for n in api.get("/api/networks/").json()] == ["nettverk-x"]
    assert api.get(f"/api/networks/{network_y.pk}/").status_code == 404
    members = api.get(f"/api/networks/{network_x.pk}/members/")
    assert members.status_code == 403
    assert "koordinator" in members.json()["detail"]
    assert api.get(f"/api/networks/{network_x.pk}/members/{nordre_land.pk}/").status_code == 403


def test_anonymous_gets_401_everywhere(network_x, nordre_land):
    api = public_api(None)
    for path in (
        "/api/networks/",
        f"/api/networks/{network_x.pk}/",
        f"/api/networks/{network_x.pk}/members/",
        f"/api/networks/{network_x.pk}/members/{nordre_land.pk}/",
    ):
        assert api.get(path).status_code == 401, path
    assert (
        api.post(f"/api/networks/{network_x.pk}/members/", {"municipality": 1}).status_code == 401
    )
    tenant = municipality_api(None, nordre_land)
    assert tenant.get("/api/network-memberships/").status_code == 401


def test_network_list_query_count_does_not_grow_with_networks(coordinator_x, network_x):
    api = public_api(coordinator_x)
    api.get("/api/networks/")  # warm the token and the session
    with CaptureQueriesContext(connection) as few:
        api.get("/api/networks/")
    from networks.models import LearningNetwork, Organiser
    from samla.accounts.models import CoordinatorRole

    for n in range(5):
        more = LearningNetwork.objects.create(name=f"N{n}", slug=f"n-{n}", organiser=Organiser.KS)
        CoordinatorRole.objects.create(user=coordinator_x, network=more)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/networks/").json()) == 6
    assert len(many) == len(few)


# Members ----------------------------------------------------------------------------------


def test_coordinator_adds_reads_and_removes_a_member(coordinator_x, network_x, nesseby):
    api = public_api(coordinator_x)
    added = api.post(f"/api/networks/{network_x.pk}/members/", {"municipality": nesseby.pk})
    assert added.status_code == 201, added.content
    assert added.json()["id"] == nesseby.pk
    assert added.json()["sharing"] == "figures"
    assert members_of(network_x) == ["nesseby", "nordre-land"]
    listed = api.get(f"/api/networks/{network_x.pk}/members/").json()
    assert [m["name"] for m in listed] == ["Nordre Land", "Unjárga/Nesseby"]
    one = api.get(f"/api/networks/{network_x.pk}/members/{nesseby.pk}/")
    assert one.status_code == 200 and one.json()["slug"] == "nesseby"

    removed = api.delete(f"/api/networks/{network_x.pk}/members/{nesseby.pk}/")
    assert removed.status_code == 204
    assert members_of(network_x) == ["nordre-land"]
    # the ended membership is kept, dated
    ended = NetworkMembership.objects.get(network=network_x, municipality=nesseby)
    assert ended.left_on is not None
    # and the municipality can be added again: a new row
    again = api.post(f"/api/networks/{network_x.pk}/members/", {"municipality": nesseby.pk})
    assert again.status_code == 201
    assert NetworkMembership.objects.filter(network=network_x, municipality=nesseby).count() == 2


def test_operator_manages_any_networks_members(operator, network_y, nordre_land):
    api = public_api(operator)
    added = api.post(f"/api/networks/{network_y.pk}/members/", {"municipality": nordre_land.pk})
    assert added.status_code == 201
    assert members_of(network_y) == ["nesseby", "nordre-land"]


def test_another_networks_coordinator_cannot_touch_the_members(
    coordinator_y, network_x, nordre_land, nesseby
):
    api = public_api(coordinator_y)
    path = f"/api/networks/{network_x.pk}/members/"
    assert api.post(path, {"municipality": nesseby.pk}).status_code == 404
    assert api.delete(f"{path}{nordre_land.pk}/").status_code == 404
    assert members_of(network_x) == ["nordre-land"]


def test_municipal_leader_cannot_add_members_on_the_public_host(leader_a, network_x, nesseby):
    answer = public_api(leader_a).post(
        f"/api/networks/{network_x.pk}/members/", {"municipality": nesseby.pk}
    )
    assert answer.status_code == 403
    assert members_of(network_x) == ["nordre-land"]


def test_adding_a_member_twice_is_a_norwegian_400(coordinator_x, network_x, nordre_land):
    answer = public_api(coordinator_x).post(
        f"/api/networks/{network_x.pk}/members/", {"municipality": nordre_land.pk}
    )
    assert answer.status_code == 400
    assert answer.json()["municipality"] == ["Nordre Land er allerede medlem av nettverket."]
    assert NetworkMembership.objects.filter(network=network_x).count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"municipality": 999_999}, "finnes ikke"),
        ({"municipality": "x"}, "heltall"),
        ({}, "påkrevd"),
    ],
)
def test_adding_an_unknown_municipality_is_a_400(coordinator_x, network_x, body, message):
    answer = public_api(coordinator_x).post(f"/api/networks/{network_x.pk}/members/", body)
    assert answer.status_code == 400
    assert message in " ".join(answer.json()["municipality"]).lower()
    assert members_of(network_x) == ["nordre-land"]


def test_the_public_schema_row_is_not_a_municipality(coordinator_x, network_x):
    from tenants.models import Municipality

    public = Municipality.objects.get(schema_name="public")
    answer = public_api(coordinator_x).post(
        f"/api/networks/{network_x.pk}/members/", {"municipality": public.pk}
    )
    assert answer.status_code == 400


def test_removing_a_non_member_is_404(coordinator_x, network_x, nesseby):
    answer = public_api(coordinator_x).delete(f"/api/networks/{network_x.pk}/members/{nesseby.pk}/")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "Kommunen er ikke medlem av nettverket."


# A municipality's own memberships (its host) -----------------------------------------------


def membership(network, municipality) -> NetworkMembership:
    return NetworkMembership.objects.current().get(network=network, municipality=municipality)


def test_members_see_their_municipalitys_memberships(leader_a, network_x, network_y, nordre_land):
    viewer = make_member(nordre_land, "leser.nl", role=MunicipalityRole.VIEWER)
    listed = municipality_api(viewer, nordre_land).get("/api/network-memberships/")
    assert listed.status_code == 200
    assert [(m["network"]["slug"], m["sharing"]) for m in listed.json()] == [
        ("nettverk-x", "figures")
    ]


def test_leader_sets_sharing_and_leaves(leader_a, network_x, nordre_land):
    row = membership(network_x, nordre_land)
    api = municipality_api(leader_a, nordre_land)
    path = f"/api/network-memberships/{row.pk}/"
    changed = api.patch(path, {"sharing": "plans"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["sharing"] == "plans"
    row.refresh_from_db()
    assert row.sharing == Sharing.PLANS

    left = api.post(f"{path}leave/")
    assert left.status_code == 200
    assert left.json()["left_on"] is not None
    assert members_of(network_x) == []
    # a membership that has ended is no longer theirs to change
    assert api.patch(path, {"sharing": "figures"}).status_code == 404
    assert api.get("/api/network-memberships/").json() == []


@pytest.mark.parametrize("role", [MunicipalityRole.EDITOR, MunicipalityRole.VIEWER])
def test_only_the_leader_sets_sharing_or_leaves(role, network_x, nordre_land):
    user = make_member(nordre_land, f"{role}.nl", role=role)
    row = membership(network_x, nordre_land)
    api = municipality_api(user, nordre_land)
    assert api.get(f"/api/network-memberships/{row.pk}/").status_code == 200
    assert api.patch(f"/api/network-memberships/{row.pk}/", {"sharing": "plans"}).status_code == 403
    assert api.post(f"/api/network-memberships/{row.pk}/leave/").status_code == 403
    row.refresh_from_db()
    assert (row.sharing, row.left_on) == (Sharing.FIGURES, None)


def test_another_municipalitys_leader_gets_404(leader_b, network_x, nordre_land, nesseby):
    row = membership(network_x, nordre_land)
    # on their own host the id is not theirs
    api = municipality_api(leader_b, nesseby)
    assert api.get(f"/api/network-memberships/{row.pk}/").status_code == 404
    assert api.patch(f"/api/network-memberships/{row.pk}/", {"sharing": "plans"}).status_code == 404
    assert api.post(f"/api/network-memberships/{row.pk}/leave/").status_code == 404
    # on the other municipality's host they are not a member at all
    other_host = municipality_api(leader_b, nordre_land)
    assert other_host.get("/api/network-memberships/").status_code == 404
    assert (
        other_host.patch(f"/api/network-memberships/{row.pk}/", {"sharing": "plans"}).status_code
        == 404
    )
    row.refresh_from_db()
    assert (row.sharing, row.left_on) == (Sharing.FIGURES, None)


def test_a_guessed_membership_id_is_404(leader_a, nordre_land):
    assert (
        municipality_api(leader_a, nordre_land).get("/api/network-memberships/999999/").status_code
        == 404
    )


def test_an_unknown_sharing_choice_is_a_400(leader_a, network_x, nordre_land):
    row = membership(network_x, nordre_land)
    answer = municipality_api(leader_a, nordre_land).patch(
        f"/api/network-memberships/{row.pk}/", {"sharing": "everything"}
    )
    assert answer.status_code == 400
    assert "sharing" in answer.json()
    row.refresh_from_db()
    assert row.sharing == Sharing.FIGURES
