"""Who reaches routines and units: roles decide writing; another municipality never sees them.

Given Nordre Land (A) with its units and routines (seed 000) and an adoption of one, and
Nesseby (B) with a unit of its own, a leader in each. Every endpoint under `/api/units/`
and `/api/routines/` is walked from the URL map, so a route added later is covered.
"""

from __future__ import annotations

import datetime

import pytest

from networks.models import LearningNetwork, NetworkMembership, Organiser, Sharing
from samla.accounts.models import CoordinatorRole, MunicipalityRole, User
from tenants.routines import services
from tenants.routines.models import Routine, Unit, UnitAdoption
from tests.conftest import client_for, host_of, make_member
from tests.plans.conftest import api_as, inside
from tests.urlmaps import GUESSED_ID, routes_of

PREFIXES = ("/api/units/", "/api/routines/")


@pytest.fixture
def adoption_a(routines_a, units_a, nordre_land, leader_a) -> UnitAdoption:
    with inside(nordre_land):
        return services.record_unit_adoption(
            nordre_land, leader_a, routines_a[0], unit=units_a["Barnehagene"].pk,
            adopted_on=datetime.date(2018, 8, 1),
        )  # fmt: skip


@pytest.fixture
def unit_b(nesseby, leader_b) -> Unit:
    with inside(nesseby):
        return services.create_unit(nesseby, leader_b, {"name": "Nesseby oppvekstsenter"})


def every_url(routine: Routine, adoption: UnitAdoption, unit: Unit) -> list[str]:
    """Every routines endpoint: as the map samples it (guessed ids), and with A's real ids."""
    urls = set()
    for route in routes_of("samla.urls_tenant"):
        if not route.path.startswith(PREFIXES):
            continue
        urls.add(route.path)
        real = route.path.replace(f"/api/routines/{GUESSED_ID}/", f"/api/routines/{routine.pk}/")
        real = real.replace(f"/adoptions/{GUESSED_ID}/", f"/adoptions/{adoption.pk}/")
        real = real.replace(f"/versions/{GUESSED_ID}/", "/versions/1/")
        urls.add(real.replace(f"/api/units/{GUESSED_ID}/", f"/api/units/{unit.pk}/"))
    assert len(urls) >= 25, "the routines routes were not found in the URL map"
    return sorted(urls)


def snapshot(municipality) -> list:
    with inside(municipality):
        return [
            sorted(Routine.objects.values_list("pk", "version", "status", "draft_id")),
            sorted(Unit.objects.values_list("pk", "version", "name")),
            sorted(UnitAdoption.objects.values_list("pk", "version")),
        ]


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_other_municipalitys_user_gets_404_everywhere_on_a(
    method, routines_a, adoption_a, units_a, nordre_land, leader_b
) -> None:
    api = api_as(leader_b, nordre_land)
    before = snapshot(nordre_land)
    for url in every_url(routines_a[0], adoption_a, units_a["PPT"]):
        body = {"title": "Kapret", "name": "Kapret", "version": 1, "unit": units_a["PPT"].pk}
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 404, (url, response.status_code)
    assert snapshot(nordre_land) == before


def test_other_municipalitys_session_gets_404_too(
    routines_a, adoption_a, units_a, nordre_land, leader_b
) -> None:
    client = client_for(host_of(nordre_land), leader_b)
    for url in every_url(routines_a[0], adoption_a, units_a["PPT"]):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_anonymous_gets_401(method, routines_a, adoption_a, units_a, nordre_land) -> None:
    api = api_as(None, nordre_land)
    before = snapshot(nordre_land)
    for url in every_url(routines_a[0], adoption_a, units_a["PPT"]):
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 401, (url, response.status_code)
        assert response.json()["detail"]
    assert snapshot(nordre_land) == before


@pytest.mark.parametrize("host", ["ukjent.localhost", "testserver", "nordre-land.example.org"])
def test_a_wrong_host_is_404(host, routines_a, leader_a) -> None:
    client = client_for(host, leader_a)
    assert client.get("/api/routines/").status_code == 404
    assert client.get(f"/api/routines/{routines_a[0].pk}/").status_code == 404
    assert client.post("/api/units/", {"name": "X"}).status_code == 404


def test_as_ids_mean_nothing_on_bs_host(
    routines_a, adoption_a, units_a, unit_b, nordre_land, nesseby, leader_b
) -> None:
    """B's own leader, on B's host, with A's ids: B's schema has no such rows."""
    api = api_as(leader_b, nesseby)
    routine = routines_a[0]
    assert api.get("/api/routines/").json() == []
    assert [u["name"] for u in api.get("/api/units/").json()] == ["Nesseby oppvekstsenter"]
    for url in (
        f"/api/routines/{routine.pk}/",
        f"/api/routines/{routine.pk}/versions/",
        f"/api/routines/{routine.pk}/versions/1/",
        f"/api/routines/{routine.pk}/compare/?from=1&to=1",
        f"/api/routines/{routine.pk}/adoptions/{adoption_a.pk}/",
        f"/api/routines/{routine.pk}/reviews/",
    ):
        assert api.get(url).status_code == 404, url
    if units_a["PPT"].pk != unit_b.pk:
        assert api.get(f"/api/units/{units_a['PPT'].pk}/").status_code == 404
    before = snapshot(nordre_land)
    patched = api.patch(f"/api/routines/{routine.pk}/", {"title": "Kapret", "version": 1})
    assert patched.status_code == 404
    approve = {"version": 1, "approved_on": "2020-01-01", "approved_by": "X"}
    assert api.post(f"/api/routines/{routine.pk}/approve/", approve).status_code == 404
    assert snapshot(nordre_land) == before


def test_a_new_routine_in_b_cannot_name_as_units(
    units_a, unit_b, nordre_land, nesseby, leader_b
) -> None:
    """Ids of A's units are unknown in B's schema: refused, not linked across."""
    api = api_as(leader_b, nesseby)
    foreign = max(unit.pk for unit in units_a.values()) + 1000
    response = api.post(
        "/api/routines/",
        {
            "title": "Overgang",
            "owner_unit": unit_b.pk,
            "units": [foreign],
            "steps": [{"action": "Møte.", "responsible_unit": foreign}],
        },
    )
    assert response.status_code == 400
    assert "finnes ikke i denne kommunen" in str(response.json())
    with inside(nesseby):
        assert not Routine.objects.exists()


def test_a_row_of_another_routine_is_not_found(
    routines_a, adoption_a, editor_a, nordre_land
) -> None:
    """Within one municipality too: an adoption is only reached under its own routine, and
    a version number only names that routine's version."""
    api = api_as(editor_a, nordre_land)
    other = routines_a[1]
    url = f"/api/routines/{other.pk}/adoptions/{adoption_a.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"version": 1, "confirmed_on": "2020-01-01"}).status_code == 404
    assert api.delete(url).status_code == 404
    assert api.get(f"/api/routines/{other.pk}/versions/2/").status_code == 404
    assert api.get(f"/api/routines/{GUESSED_ID}/versions/1/").status_code == 404
    with inside(nordre_land):
        assert UnitAdoption.objects.filter(pk=adoption_a.pk, confirmed_on=None).exists()


def test_a_viewer_reads_everything_and_writes_nothing(
    routines_a, adoption_a, units_a, viewer_a, nordre_land
) -> None:
    api = api_as(viewer_a, nordre_land)
    routine = routines_a[0]
    for url in (
        "/api/units/",
        f"/api/units/{units_a['PPT'].pk}/",
        "/api/routines/",
        "/api/routines/due/",
        f"/api/routines/{routine.pk}/",
        f"/api/routines/{routine.pk}/versions/",
        f"/api/routines/{routine.pk}/versions/1/",
        f"/api/routines/{routine.pk}/compare/?from=1&to=1",
        f"/api/routines/{routine.pk}/reviews/",
        f"/api/routines/{routine.pk}/adoptions/",
        f"/api/routines/{routine.pk}/adoptions/{adoption_a.pk}/",
    ):
        assert api.get(url).status_code == 200, url
    before = snapshot(nordre_land)
    writes = [
        ("post", "/api/units/", {"name": "Ny"}),
        ("patch", f"/api/units/{units_a['PPT'].pk}/", {"name": "Ny", "version": 1}),
        ("delete", f"/api/units/{units_a['PPT'].pk}/", {}),
        ("post", "/api/routines/", {"title": "Ny", "owner_unit": units_a["PPT"].pk}),
        ("patch", f"/api/routines/{routine.pk}/", {"title": "Ny", "version": routine.version}),
        ("delete", f"/api/routines/{routine.pk}/?version={routine.version}", {}),
        ("post", f"/api/routines/{routine.pk}/adoptions/", {"unit": 1, "adopted_on": "2020-01-01"}),
        ("delete", f"/api/routines/{routine.pk}/adoptions/{adoption_a.pk}/", {}),
        ("post", f"/api/routines/{routine.pk}/retire/", {"version": 1, "retired_on": "2020-01-01"}),
    ]  # fmt: skip
    for method, url, body in writes:
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 403, (url, response.status_code)
        assert response.json()["detail"]
    assert snapshot(nordre_land) == before


def test_a_consultant_whose_membership_ended_is_refused(routines_a, units_a, nordre_land) -> None:
    ended = make_member(
        nordre_land, "konsulent.slutt", role=MunicipalityRole.CONSULTANT,
        valid_until=datetime.date.today() - datetime.timedelta(days=1),
    )  # fmt: skip
    api = api_as(ended, nordre_land)
    before = snapshot(nordre_land)
    assert api.get("/api/routines/").status_code == 404
    response = api.post("/api/units/", {"name": "Etter slutt"})
    assert response.status_code == 404
    assert snapshot(nordre_land) == before


def test_a_coordinator_with_the_plan_grant_does_not_reach_routines(
    routines_a, units_a, nordre_land
) -> None:
    """Nordre Land shares its plans with a network: its coordinator reads the plans API,
    never the routines (the grant covers plans only)."""
    network = LearningNetwork.objects.create(
        name="Nettverk R", slug="nettverk-r", organiser=Organiser.KS
    )
    network.municipalities.add(nordre_land)
    NetworkMembership.objects.filter(network=network, municipality=nordre_land).update(
        sharing=Sharing.PLANS
    )
    coordinator = User.objects.create_user(username="koordinator.r", password="x" * 20)
    CoordinatorRole.objects.create(user=coordinator, network=network)
    api = api_as(coordinator, nordre_land)
    assert api.get("/api/plans/").status_code == 200  # the grant is there
    routine = routines_a[0]
    for url in (
        "/api/units/",
        "/api/routines/",
        "/api/routines/due/",
        f"/api/routines/{routine.pk}/",
        f"/api/routines/{routine.pk}/versions/1/",
    ):
        assert api.get(url).status_code == 404, url
