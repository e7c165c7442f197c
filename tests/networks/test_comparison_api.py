"""The comparison and the trends through the API, as each kind of user sees them.

Given network X with Nordre Land and up to twelve more members, each with a roll-up row:
its coordinators and operators see every row with the medians (shown only where five or
more contribute), a competence base's coordinator the rows of its base, a municipality's
user its own row beside the medians and no other name (unless the network compares
openly), another network's coordinator 404. Bad input is a Norwegian 400.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from networks.models import CompetenceBase, NetworkMembership, Sharing
from samla.accounts.models import CoordinatorRole
from tests.conftest import make_member
from tests.networks.comparison_world import (
    extra_municipality,
    join,
    members_with_figures,
    snapshot,
)
from tests.networks.conftest import _user, public_api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rollup")]

TODAY = timezone.localdate


def url(network, what="comparison"):
    return f"/api/networks/{network.pk}/{what}/"


def column(body, key):
    return next(f for f in body["figures"] if f["key"] == key)


def cell(row, key):
    return next(c for c in row["cells"] if c["figure"] == key)


def names(body):
    return [r["municipality"]["name"] for r in body["rows"]]


def test_coordinator_sees_every_member_and_the_medians(coordinator_x, network_x, nordre_land):
    members_with_figures(network_x, 5)
    snapshot(nordre_land, milestones_done=None)
    response = public_api(coordinator_x).get(url(network_x))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["members"] == 6 and body["names"] is True
    assert names(body) == ["Nordre Land", *[f"Testkommune {i:02d}" for i in range(1, 6)]]
    done = column(body, "milestones_done")
    assert (done["median"], done["contributors"]) == (3, 5)
    # a text figure has no median
    assert column(body, "current_phase")["median"] is None
    first = body["rows"][1]
    assert cell(first, "milestones_done")["state"] == "worse"
    assert cell(first, "milestones_done")["state_label"] == "Svakere enn medianen"
    assert cell(body["rows"][5], "milestones_done")["state"] == "better"
    assert cell(body["rows"][0], "milestones_done") == {
        "figure": "milestones_done",
        "value": None,
        "state": "missing",
        "state_label": "Mangler tall",
    }
    # overdue milestones need following up, whatever the median says
    assert cell(body["rows"][2], "milestones_overdue")["state"] == "attention"


def test_median_needs_five_contributors(coordinator_x, network_x):
    members_with_figures(network_x, 4)
    body = public_api(coordinator_x).get(url(network_x)).json()
    done = column(body, "milestones_done")
    assert done["median"] is None and done["contributors"] == 4
    assert {cell(r, "milestones_done")["state"] for r in body["rows"]} <= {"none", "missing"}


def test_the_date_picks_the_rows_of_that_day(coordinator_x, network_x, nordre_land):
    ten_days_ago = TODAY() - datetime.timedelta(days=10)
    snapshot(nordre_land, ten_days_ago, milestones_done=1)
    snapshot(nordre_land, milestones_done=7)
    api = public_api(coordinator_x)
    # Nordre Land joined today (the fixture), so ten days ago it was not yet a member
    assert api.get(url(network_x), {"date": ten_days_ago.isoformat()}).json()["rows"] == []
    NetworkMembership.objects.filter(municipality=nordre_land).update(joined_on=ten_days_ago)
    then = api.get(url(network_x), {"date": ten_days_ago.isoformat()}).json()
    assert cell(then["rows"][0], "milestones_done")["value"] == 1
    assert then["rows"][0]["snapshot_date"] == ten_days_ago.isoformat()
    now = api.get(url(network_x)).json()
    assert cell(now["rows"][0], "milestones_done")["value"] == 7


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"date": "2999-01-01"}, "date", "fremtiden"),
        ({"date": "i går"}, "date", "ÅÅÅÅ-MM-DD"),
        ({"date": "2024-02-30"}, "date", "ÅÅÅÅ-MM-DD"),
        ({"competence_base": "999999"}, "competence_base", "kompetansebasen"),
        ({"competence_base": "x"}, "competence_base", "kompetansebasen"),
    ],
)
def test_bad_comparison_input_is_a_norwegian_400(coordinator_x, network_x, params, field, words):
    response = public_api(coordinator_x).get(url(network_x), params)
    assert response.status_code == 400
    assert words in response.json()[field][0]


def test_future_date_is_refused_also_for_tomorrow(coordinator_x, network_x):
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = public_api(coordinator_x).get(url(network_x), {"date": tomorrow})
    assert response.status_code == 400
    assert "fremtiden" in response.json()["date"][0]


def test_filtered_by_competence_base(coordinator_x, network_x, nordre_land):
    made = members_with_figures(network_x, 3)
    base = CompetenceBase.objects.create(name="Innherred", slug="innherred")
    base.municipalities.add(made[0], made[2])
    body = public_api(coordinator_x).get(url(network_x), {"competence_base": base.pk}).json()
    assert names(body) == ["Testkommune 01", "Testkommune 03"]
    assert body["competence_base"] == base.pk and body["members"] == 2


def test_sorted_by_a_figure_with_missing_values_last(coordinator_x, network_x, nordre_land):
    members_with_figures(network_x, 3)
    api = public_api(coordinator_x)
    down = api.get(url(network_x), {"sort": "-milestones_done"}).json()
    assert names(down) == ["Testkommune 03", "Testkommune 02", "Testkommune 01", "Nordre Land"]
    up = api.get(url(network_x), {"sort": "milestones_done"}).json()
    assert names(up) == ["Testkommune 01", "Testkommune 02", "Testkommune 03", "Nordre Land"]
    # an unknown sort key is the name order, not an error
    assert names(api.get(url(network_x), {"sort": "drop table"}).json())[0] == "Nordre Land"


def test_plans_link_only_where_the_member_shares_its_plans(
    coordinator_x, operator, network_x, nordre_land
):
    made = members_with_figures(network_x, 2)
    NetworkMembership.objects.filter(municipality=made[1]).update(sharing=Sharing.PLANS)
    body = public_api(coordinator_x).get(url(network_x)).json()
    links = {r["municipality"]["slug"]: r["plans_url"] for r in body["rows"]}
    assert links["cmp-1"] is None and links["nordre-land"] is None
    assert links["cmp-2"].endswith("cmp-2.localhost/planer/") or "cmp-2." in links["cmp-2"]
    # operators compare too, but the read-only grant is the network's coordinators'
    operator_rows = public_api(operator).get(url(network_x)).json()["rows"]
    assert len(operator_rows) == 3
    assert all(r["plans_url"] is None for r in operator_rows)


def test_municipal_user_sees_own_figures_beside_the_median_and_no_other_name(
    leader_a, network_x, nordre_land
):
    members_with_figures(network_x, 5)
    snapshot(nordre_land, milestones_done=9)
    response = public_api(leader_a).get(url(network_x))
    assert response.status_code == 200
    body = response.json()
    assert body["names"] is False
    assert names(body) == ["Nordre Land"]
    assert body["rows"][0]["own"] is True
    assert column(body, "milestones_done")["median"] == 3.5  # of six members: 1..5 and 9
    assert cell(body["rows"][0], "milestones_done")["state"] == "better"
    assert b"Testkommune" not in response.content
    trends = public_api(leader_a).get(url(network_x, "trends"), {"figure": "milestones_done"})
    assert trends.status_code == 200
    assert b"Testkommune" not in trends.content
    assert [m["name"] for m in trends.json()["municipalities"]] == ["Nordre Land"]


def test_open_comparison_shows_every_name_to_members(leader_a, network_x, nordre_land):
    members_with_figures(network_x, 2)
    network_x.open_comparison = True
    network_x.save()
    api = public_api(leader_a)
    # the switch alone is not enough: every current member must have consented
    assert names(api.get(url(network_x)).json()) == ["Nordre Land"]
    from networks.models import OpenComparisonConsent

    for membership in NetworkMembership.objects.current().filter(network=network_x):
        OpenComparisonConsent.objects.create(membership=membership, given_by=leader_a)
    body = api.get(url(network_x)).json()
    assert body["names"] is True
    assert names(body) == ["Nordre Land", "Testkommune 01", "Testkommune 02"]
    assert all(r["plans_url"] is None for r in body["rows"])


def test_competence_base_coordinator_sees_the_rows_of_its_base(network_x, nordre_land):
    made = members_with_figures(network_x, 6)
    base = CompetenceBase.objects.create(name="Namdalen", slug="namdalen")
    base.municipalities.add(made[0], made[1])
    user = _user("koordinator.namdalen")
    CoordinatorRole.objects.create(user=user, competence_base=base)
    api = public_api(user)
    assert [n["slug"] for n in api.get("/api/networks/").json()] == ["nettverk-x"]
    body = api.get(url(network_x)).json()
    assert names(body) == ["Testkommune 01", "Testkommune 02"]
    assert column(body, "milestones_done")["median"] == 3.5  # the network's: 1..6
    assert all(r["plans_url"] is None for r in body["rows"])
    # it does not manage the members
    assert api.get(f"/api/networks/{network_x.pk}/members/").status_code == 403


def test_others_get_404_or_401(coordinator_y, leader_b, network_x, network_y):
    for what in ("comparison", "trends"):
        params = {"figure": "milestones_done"}
        assert public_api(coordinator_y).get(url(network_x, what), params).status_code == 404
        assert public_api(leader_b).get(url(network_x, what), params).status_code == 404
        assert public_api(None).get(url(network_x, what), params).status_code == 401
        guessed = f"/api/networks/987654/{what}/"
        assert public_api(coordinator_y).get(guessed, params).status_code == 404


def test_trends_without_a_figure_show_the_milestones_done(coordinator_x, network_x):
    response = public_api(coordinator_x).get(url(network_x, "trends"))
    assert response.status_code == 200
    assert response.json()["figure"]["key"] == "milestones_done"


def test_trends_week_by_week_with_the_median(coordinator_x, network_x):
    made = members_with_figures(network_x, 5)
    three_weeks_ago = TODAY() - datetime.timedelta(weeks=3)
    for index, municipality in enumerate(made, start=1):
        snapshot(municipality, three_weeks_ago, milestones_done=index * 10)
    snapshot(made[0], three_weeks_ago - datetime.timedelta(days=1), milestones_done=999)
    response = public_api(coordinator_x).get(
        url(network_x, "trends"), {"figure": "milestones_done", "weeks": "8"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["figure"]["key"] == "milestones_done"
    points = body["points"]
    assert len(points) in (2, 3)  # the week three weeks ago (maybe the day before's), this week
    last = points[-1]
    assert last["median"] == 3 and last["contributors"] == 5
    then = next(p for p in points if p["median"] == 30)
    assert then["contributors"] == 5
    assert len(body["municipalities"]) == 6  # Nordre Land too, without figures
    assert body["municipalities"][0] == {
        "id": network_x.memberships.get(municipality__slug="nordre-land").municipality_id,
        "name": "Nordre Land",
        "slug": "nordre-land",
        "number": network_x.memberships.get(municipality__slug="nordre-land").municipality.number,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"figure": ""}, "figure"),
        ({"figure": "finnes_ikke"}, "figure"),
        ({"figure": "milestones_done", "weeks": "0"}, "weeks"),
        ({"figure": "milestones_done", "weeks": "x"}, "weeks"),
        ({"figure": "milestones_done", "date": "2999-12-31"}, "date"),
    ],
)
def test_bad_trend_input_is_a_norwegian_400(coordinator_x, network_x, params, field):
    response = public_api(coordinator_x).get(url(network_x, "trends"), params)
    assert response.status_code == 400
    message = response.json()[field][0]
    assert any(word in message for word in ("Ukjent", "uker", "fremtiden")), message


def _queries(api, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(path).status_code == 200
    # django-tenants sets the search path before each query: count the queries themselves
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith("SET search_path"))


def test_query_count_does_not_grow_with_the_members(coordinator_x, leader_a, network_x):
    members_with_figures(network_x, 3)
    coordinator, member = public_api(coordinator_x), public_api(leader_a)
    few = {who: _queries(api, url(network_x)) for who, api in (("c", coordinator), ("m", member))}
    few_trends = _queries(coordinator, url(network_x, "trends") + "?figure=milestones_done")
    members_with_figures(network_x, 9, start=4)
    many = {who: _queries(api, url(network_x)) for who, api in (("c", coordinator), ("m", member))}
    many_trends = _queries(coordinator, url(network_x, "trends") + "?figure=milestones_done")
    assert few == many
    assert few_trends == many_trends
    # the host, the token (twice), operator, network, coordinator, members, latest rows
    assert many["c"] <= 8


def test_a_member_that_left_is_gone_from_today_but_in_the_past(coordinator_x, network_x):
    municipality = extra_municipality(50, "Forlatt")
    membership = join(network_x, municipality, days_ago=30)
    snapshot(municipality, TODAY() - datetime.timedelta(days=20), milestones_done=2)
    membership.left_on = TODAY() - datetime.timedelta(days=5)
    membership.save()
    api = public_api(coordinator_x)
    assert "Forlatt" not in names(api.get(url(network_x)).json())
    ten_days_ago = (TODAY() - datetime.timedelta(days=10)).isoformat()
    assert "Forlatt" in names(api.get(url(network_x), {"date": ten_days_ago}).json())


def test_own_row_for_a_member_of_two_municipalities(network_x, nordre_land):
    made = members_with_figures(network_x, 1)
    user = make_member(nordre_land, "to.kommuner")
    from samla.accounts.models import MunicipalityMembership

    MunicipalityMembership.objects.create(user=user, municipality=made[0], role="viewer")
    body = public_api(user).get(url(network_x)).json()
    assert sorted(names(body)) == ["Nordre Land", "Testkommune 01"]
    assert all(r["own"] for r in body["rows"])
