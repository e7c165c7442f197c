"""The gatherings API on the public host: who sees and changes what, bad input, documents.

Given network X (Nordre Land, coordinator X) with a gathering going on now and network Y
(Nesseby, coordinator Y): X's coordinator runs the gathering; Nordre Land's leader sees it,
registers and answers for Nordre Land and sees only Nordre Land's rows; Y's coordinator, a
guessed id, an anonymous caller and a municipality's host get nothing.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar
from openpyxl import load_workbook

from networks.gatherings import services
from networks.gatherings.models import Answer, Gathering, GroupTask, Registration
from tests.conftest import make_member
from tests.gatherings.conftest import GRID_ANSWER, soon
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db

PERSON = {"name": "Kari Nordmann", "role": "Rektor", "unit": "Skolen"}


def gathering_body(**changes):
    body = {
        "title": "Samling i Tromsø",
        "starts_at": "2027-03-27T09:00:00+01:00",
        "ends_at": "2027-03-28T15:00:00+01:00",
        "place": "Tromsø",
        "capacity": 40,
    }
    return {**body, **changes}


# Gatherings -----------------------------------------------------------------------------------


def test_coordinator_creates_updates_and_deletes_a_gathering(coordinator_x, network_x):
    api = public_api(coordinator_x)
    made = api.post(f"/api/networks/{network_x.pk}/gatherings/", gathering_body())
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["seats_taken"] == 0 and body["version"] == 1
    assert len(body["evaluation_code"]) == 8
    path = f"/api/gatherings/{body['id']}/"
    changed = api.patch(path, {"place": "Alta", "version": 1})
    assert changed.status_code == 200 and changed.json()["place"] == "Alta"
    stale = api.patch(path, {"place": "Vadsø", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["place"] == "Alta"
    assert "endret" in stale.json()["detail"]
    assert api.delete(path).status_code == 204
    assert not Gathering.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2027-03-26T09:00:00+01:00"}, "ends_at"),
        ({"starts_at": "nå"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:59:59-23:59"}, "starts_at"),
        ({"starts_at": "1899-01-01T09:00:00Z"}, "starts_at"),
        ({"capacity": 0}, "capacity"),
        ({"programme_url": "javascript:alert(1)"}, "programme_url"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_gathering_input_is_a_norwegian_400_and_writes_nothing(
    coordinator_x, network_x, changes, field
):
    answer = public_api(coordinator_x).post(
        f"/api/networks/{network_x.pk}/gatherings/", gathering_body(**changes)
    )
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert not Gathering.objects.exists()


def test_a_member_sees_the_gathering_but_cannot_manage_it(leader_a, gathering, network_x):
    api = public_api(leader_a)
    listed = api.get(f"/api/networks/{network_x.pk}/gatherings/")
    assert listed.status_code == 200
    assert [g["title"] for g in listed.json()] == ["Stiklestad-samlingen"]
    assert listed.json()[0]["evaluation_code"] is None
    assert (
        api.post(f"/api/networks/{network_x.pk}/gatherings/", gathering_body()).status_code == 403
    )
    assert api.patch(f"/api/gatherings/{gathering.pk}/", {"version": 1}).status_code == 403
    assert api.delete(f"/api/gatherings/{gathering.pk}/").status_code == 403
    assert api.get(f"/api/gatherings/{gathering.pk}/evaluation/").status_code == 403


def test_another_network_guessed_ids_anonymous_and_wrong_host_get_nothing(
    coordinator_y, leader_b, gathering, grid_task, network_x, nordre_land
):
    paths = [
        f"/api/networks/{network_x.pk}/gatherings/",
        f"/api/networks/{network_x.pk}/gatherings.ics",
        f"/api/gatherings/{gathering.pk}/",
        f"/api/gatherings/{gathering.pk}/registrations/",
        f"/api/gatherings/{gathering.pk}/tasks/",
        f"/api/gatherings/{gathering.pk}/evaluation/",
        f"/api/gatherings/{gathering.pk}/evaluation/export.xlsx",
        f"/api/tasks/{grid_task.pk}/answers/",
    ]
    for user in (coordinator_y, leader_b):
        api = public_api(user)
        for path in paths:
            assert api.get(path).status_code == 404, (user, path)
        assert api.post(f"/api/tasks/{grid_task.pk}/close/").status_code == 404
        assert (
            api.post(f"/api/tasks/{grid_task.pk}/answers/", {"answer": GRID_ANSWER}).status_code
            == 404
        )
    anonymous = public_api(None)
    for path in paths:
        assert anonymous.get(path).status_code == 401, path
    # a guessed id
    coordinator = public_api(coordinator_y)
    assert coordinator.get("/api/gatherings/999999/").status_code == 404
    assert coordinator.get("/api/tasks/999999/answers/").status_code == 404
    # the public routes are not on a municipality's host
    tenant = municipality_api(leader_b, nordre_land)
    assert tenant.get(f"/api/gatherings/{gathering.pk}/").status_code == 404
    assert GroupTask.objects.get(pk=grid_task.pk).is_open
    assert not Answer.objects.exists()


# Registrations -------------------------------------------------------------------------------


def test_members_register_and_see_only_their_municipalitys_registration(
    gathering, leader_a, coordinator_x, network_x, nesseby, nordre_land
):
    network_x.municipalities.add(nesseby)
    nesseby_leader = make_member(nesseby, "leder.nesseby.x")
    path = f"/api/gatherings/{gathering.pk}/registrations/"
    first = public_api(leader_a).post(path, {"participants": [PERSON, PERSON]})
    assert first.status_code == 201, first.content
    assert first.json()["municipality"]["name"] == "Nordre Land"
    again = public_api(leader_a).post(
        path, {"municipality": nordre_land.pk, "participants": [PERSON]}
    )
    assert again.status_code == 200
    assert public_api(nesseby_leader).post(path, {"participants": [PERSON]}).status_code == 201
    # each municipality sees its own; the coordinator sees both
    mine = public_api(leader_a).get(path).json()
    assert [r["municipality"]["name"] for r in mine] == ["Nordre Land"]
    every = public_api(coordinator_x).get(path).json()
    assert [r["municipality"]["name"] for r in every] == ["Nordre Land", "Unjárga/Nesseby"]
    assert (
        public_api(coordinator_x).get(f"/api/gatherings/{gathering.pk}/").json()["seats_taken"] == 2
    )
    # a municipality that is not the user's is a field error
    other = public_api(leader_a).post(path, {"municipality": nesseby.pk, "participants": [PERSON]})
    assert other.status_code == 400 and "municipality" in other.json()


def test_registration_over_capacity_is_refused_with_a_norwegian_message(gathering, leader_a):
    answer = public_api(leader_a).post(
        f"/api/gatherings/{gathering.pk}/registrations/", {"participants": [PERSON] * 11}
    )
    assert answer.status_code == 400
    assert "full" in answer.json()["participants"][0]
    assert not Registration.objects.exists()


# Tasks and answers ---------------------------------------------------------------------------


def test_answers_are_one_per_municipality_and_closed_tasks_refuse_them(
    grid_task, leader_a, coordinator_x
):
    api = public_api(leader_a)
    path = f"/api/tasks/{grid_task.pk}/answers/"
    first = api.post(path, {"answer": GRID_ANSWER})
    assert first.status_code == 201, first.content
    edited = api.post(path, {"answer": {**GRID_ANSWER, "external": "NAV"}})
    assert edited.status_code == 200
    assert Answer.objects.get().content["external"] == "NAV"
    closed = public_api(coordinator_x).post(f"/api/tasks/{grid_task.pk}/close/")
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    late = api.post(path, {"answer": GRID_ANSWER})
    assert late.status_code == 409
    assert "lukket" in late.json()["detail"]
    assert late.json()["current"]["is_open"] is False
    assert Answer.objects.get().content["external"] == "NAV"
    # the member cannot close
    assert api.post(f"/api/tasks/{grid_task.pk}/close/").status_code == 403


@pytest.mark.parametrize("value", [0, 6, "fem", None, 2.5])
def test_an_out_of_range_scale_answer_is_a_400(scale_task, leader_a, value):
    answer = public_api(leader_a).post(
        f"/api/tasks/{scale_task.pk}/answers/", {"answer": {"value": value}}
    )
    assert answer.status_code == 400, answer.content
    assert not Answer.objects.exists()


def test_a_viewer_reads_but_does_not_answer(grid_task, viewer_a, leader_a):
    public_api(leader_a).post(f"/api/tasks/{grid_task.pk}/answers/", {"answer": GRID_ANSWER})
    api = public_api(viewer_a)
    assert len(api.get(f"/api/tasks/{grid_task.pk}/answers/").json()) == 1
    refused = api.post(f"/api/tasks/{grid_task.pk}/answers/", {"answer": GRID_ANSWER})
    assert refused.status_code == 403


def test_members_see_other_municipalities_answers_only_in_open_comparison(
    grid_task, leader_a, network_x, nesseby
):
    network_x.municipalities.add(nesseby)
    services.submit_answer(make_member(nesseby, "leder.nesseby.y"), grid_task, None, GRID_ANSWER)
    services.submit_answer(leader_a, grid_task, None, GRID_ANSWER)
    path = f"/api/tasks/{grid_task.pk}/answers/"
    names = [a["municipality"]["name"] for a in public_api(leader_a).get(path).json()]
    assert names == ["Nordre Land"]
    network_x.open_comparison = True
    network_x.save()
    names = [a["municipality"]["name"] for a in public_api(leader_a).get(path).json()]
    assert names == ["Nordre Land", "Unjárga/Nesseby"]


def test_polling_with_since_returns_only_newer_answers(grid_task, leader_a, coordinator_x):
    api = public_api(coordinator_x)
    path = f"/api/tasks/{grid_task.pk}/answers/"
    services.submit_answer(leader_a, grid_task, None, GRID_ANSWER)
    later = soon(hours=1).isoformat()
    assert api.get(path, {"since": later}).json() == []
    earlier = soon(hours=-1).isoformat()
    assert len(api.get(path, {"since": earlier}).json()) == 1
    bad = api.get(path, {"since": "i går"})
    assert bad.status_code == 400 and "since" in bad.json()
    # ISO 8601 allows offsets PostgreSQL does not (beyond ±15:59): the same moment in UTC.
    far_offset = api.get(path, {"since": "2077-06-07T20:51:20+17:39"})
    assert far_offset.status_code == 200 and far_offset.json() == []
    past_offset = api.get(path, {"since": "2001-06-07T20:51:20-23:59"})
    assert past_offset.status_code == 200 and len(past_offset.json()) == 1
    overflow = api.get(path, {"since": "0001-01-01T00:00:00+23:59"})
    assert overflow.status_code == 400 and "since" in overflow.json()


def test_list_query_counts_do_not_grow_with_rows(coordinator_x, network_x, gathering, grid_task):
    from tenants.models import Municipality

    api = public_api(coordinator_x)
    paths = [
        f"/api/networks/{network_x.pk}/gatherings/",
        f"/api/gatherings/{gathering.pk}/registrations/",
        f"/api/gatherings/{gathering.pk}/tasks/",
        f"/api/tasks/{grid_task.pk}/answers/",
    ]
    nl = Municipality.objects.get(slug="nordre-land")
    services.register(make_member(nl, "leder.nl.1"), gathering, None, [PERSON])
    services.submit_answer(make_member(nl, "leder.nl.4"), grid_task, None, GRID_ANSWER)
    for path in paths:
        api.get(path)

    def counts() -> list[int]:
        found = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert api.get(path).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    network_x.municipalities.add(*Municipality.objects.without_public().exclude(pk=nl.pk))
    for other in Municipality.objects.without_public().exclude(pk=nl.pk):
        leader = make_member(other, f"leder.{other.slug}.2")
        services.register(leader, gathering, None, [PERSON] * 3)
        services.submit_answer(leader, grid_task, None, GRID_ANSWER)
    for n in range(4):
        services.create_gathering(
            coordinator_x, network_x, {"title": f"S{n}", "starts_at": soon(), "ends_at": soon(1)}
        )
        services.create_task(coordinator_x, gathering, {"title": f"T{n}", "kind": "text"})
    assert counts() == few


# Documents -----------------------------------------------------------------------------------


def test_the_calendar_has_a_stable_uid_and_all_day_and_timed_events(coordinator_x, network_x):
    api = public_api(coordinator_x)
    timed = api.post(f"/api/networks/{network_x.pk}/gatherings/", gathering_body()).json()
    whole = api.post(
        f"/api/networks/{network_x.pk}/gatherings/",
        gathering_body(
            title="To hele dager",
            starts_at="2027-11-28T00:00:00+01:00",
            ends_at="2027-11-29T23:00:00+01:00",
            all_day=True,
        ),
    ).json()
    answer = api.get(f"/api/networks/{network_x.pk}/gatherings.ics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    events = {str(e["summary"]): e for e in Calendar.from_ical(answer.content).walk("VEVENT")}
    assert str(events["Samling i Tromsø"]["uid"]) == f"gathering-{timed['id']}@samla.no"
    start = events["Samling i Tromsø"].decoded("dtstart")
    assert start.hour == 9 and str(start.tzinfo) == "Europe/Oslo"
    assert str(events["Samling i Tromsø"]["location"]) == "Tromsø"
    import datetime

    assert events["To hele dager"].decoded("dtstart") == datetime.date(2027, 11, 28)
    assert events["To hele dager"].decoded("dtend") == datetime.date(2027, 11, 30)
    again = Calendar.from_ical(api.get(f"/api/networks/{network_x.pk}/gatherings.ics").content)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == {
        f"gathering-{timed['id']}@samla.no",
        f"gathering-{whole['id']}@samla.no",
    }


def test_evaluation_results_and_their_xlsx(gathering, coordinator_x):
    api = public_api(coordinator_x)
    path = f"/api/gatherings/{gathering.pk}/evaluation/"
    set_up = api.put(
        path,
        {
            "open": True,
            "questions": [
                {"text": "Hvor nyttig var samlingen?", "kind": "scale"},
                {"text": "Hva tar du med deg?", "kind": "text"},
            ],
        },
    )
    assert set_up.status_code == 200, set_up.content
    gathering.refresh_from_db()
    scale, text = gathering.evaluation_questions.all()
    for device, value, words in (("a", "5", "=1+1"), ("b", "4", ""), ("c", "4", "Nettverket")):
        given = {f"q{scale.pk}": value}
        if words:
            given[f"q{text.pk}"] = words
        services.submit_evaluation(gathering, device, given)
    body = api.get(path).json()
    assert body["submissions"] == 3
    first = body["questions"][0]
    assert first["count"] == 3 and first["mean"] == "4.33"
    assert first["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    assert body["questions"][1]["texts"] == ["=1+1", "Nettverket"]
    download = api.get(f"{path}export.xlsx")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.content))
    figures = book["Tall"]
    rows = [list(r) for r in figures.iter_rows(min_row=5, values_only=True)]
    assert rows == [["Hvor nyttig var samlingen?", 3, 4.33, 0, 0, 0, 2, 1]]
    texts = [list(r) for r in book["Fritekst"].iter_rows(min_row=2, values_only=True)]
    assert texts == [["Hva tar du med deg?", "=1+1"], ["Hva tar du med deg?", "Nettverket"]]
    assert book["Fritekst"]["B2"].data_type == "s"  # text, not a formula
