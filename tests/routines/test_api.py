"""The routines API does what a municipality's people do with routines, through the services.

Given Nordre Land's units and routines (seed 000: two approved in 2018, so both overdue
for review today, and one draft), its leader, an editor, a consultant and a viewer.
"""

from __future__ import annotations

import datetime

import pytest

from tenants.plans.models import Body, Measure, Milestone
from tenants.routines.models import Routine, RoutineStatus, RoutineVersion, Unit, UnitAdoption
from tests.plans.conftest import api_as, inside
from tests.plans.seeds import build_nordre_land_plan

TODAY = datetime.date.today()
ISO_TODAY = TODAY.isoformat()


@pytest.fixture
def plan_a(nordre_land, leader_a):
    with inside(nordre_land):
        return build_nordre_land_plan(nordre_land, leader_a)


@pytest.fixture
def leader(leader_a, nordre_land):
    return api_as(leader_a, nordre_land)


@pytest.fixture
def editor(editor_a, nordre_land):
    return api_as(editor_a, nordre_land)


def by_title(routines_a, nordre_land) -> dict[str, Routine]:
    with inside(nordre_land):
        return {r.head.title: r for r in Routine.objects.listed()}


def new_routine(units_a, **over):
    data = {
        "title": "Rutine for tverrfaglig observasjon",
        "kind": "routine",
        "purpose": "Observere barnet sammen før tiltak velges.",
        "level": "individual",
        "bti_levels": [1, 2],
        "owner_unit": units_a["Barnehagene"].pk,
        "units": [units_a["Barnehagene"].pk, units_a["PPT"].pk],
        "methods": ["bti"],
        "review_interval_months": 6,
        "steps": [
            {"action": "Avtal observasjon.", "responsible_unit": units_a["PPT"].pk},
            {
                "action": "Observer i barnehagen.",
                "responsible_unit": units_a["Barnehagene"].pk,
                "timing": "Innen to uker",
            },
        ],
    }
    data.update(over)
    return data


# Units ---------------------------------------------------------------------------------


def test_units_are_listed_in_their_order(units_a, viewer_a, nordre_land) -> None:
    response = api_as(viewer_a, nordre_land).get("/api/units/")
    assert response.status_code == 200
    names = [unit["name"] for unit in response.json()]
    assert names[:2] == ["Helsestasjonen", "Barnehagene"] and len(names) == 8
    assert response["X-Total-Count"] == "8"
    assert response.json()[0]["kind"] == "health_clinic"


def test_a_writer_creates_changes_and_deletes_a_unit(editor, nordre_land) -> None:
    created = editor.post("/api/units/", {"name": "Skolehelsetjenesten", "kind": "health"})
    assert created.status_code == 201, created.content
    unit = created.json()
    assert unit["version"] == 1 and unit["kind"] == "health"

    url = f"/api/units/{unit['id']}/"
    changed = editor.patch(url, {"leader_name": "Kari Nordmann", "version": 1})
    assert changed.status_code == 200, changed.content
    assert changed.json()["leader_name"] == "Kari Nordmann" and changed.json()["version"] == 2

    replaced = editor.put(url, {"name": "Skolehelse", "kind": "health", "version": 2})
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["name"] == "Skolehelse"

    assert editor.delete(url).status_code == 204
    with inside(nordre_land):
        assert not Unit.objects.filter(pk=unit["id"]).exists()


def test_a_stale_unit_change_is_409_with_the_current_unit(units_a, editor, nordre_land) -> None:
    unit = units_a["PPT"]
    url = f"/api/units/{unit.pk}/"
    assert editor.patch(url, {"leader_name": "Ny", "version": unit.version}).status_code == 200
    stale = editor.patch(url, {"leader_name": "Eldre", "version": unit.version})
    assert stale.status_code == 409
    assert stale.json()["current"]["leader_name"] == "Ny"
    assert "Noen andre har endret" in stale.json()["detail"]


def test_a_unit_a_routine_names_is_not_deleted(routines_a, units_a, editor, nordre_land) -> None:
    response = editor.delete(f"/api/units/{units_a['PPT'].pk}/")
    assert response.status_code == 400
    assert "er brukt i en rutine" in response.json()["non_field_errors"][0]
    with inside(nordre_land):
        assert Unit.objects.filter(pk=units_a["PPT"].pk).exists()


# Routines: list, filters, detail -------------------------------------------------------------


def test_the_list_shows_each_routine_with_its_versions(routines_a, viewer_a, nordre_land) -> None:
    response = api_as(viewer_a, nordre_land).get("/api/routines/")
    assert response.status_code == 200
    rows = {row["title"]: row for row in response.json()}
    assert len(rows) == 3
    first = rows["Overgang fra barnehage til skole"]
    assert first["status"] == "approved" and first["status_label"] == "Godkjent"
    assert first["current"]["number"] == 1 and first["draft"] is None
    assert first["current"]["owner_unit_name"] == "Barnehagene"
    assert first["current"]["approved_by"] == "Styringsgruppa"
    assert first["next_review"] == "2019-03-20" and first["last_reviewed"] is None
    assert first["review_overdue"] is True and first["review_due"] is True
    assert first["in_use"] is False and first["adopted_units"] == []
    assert first["milestones"] == [] and first["measures"] == []
    assert first["library_entry_id"] is None and first["source_municipality"] == ""
    draft = rows["Samarbeid med NAV om familier med lav inntekt"]
    assert draft["status_label"] == "Utkast" and draft["current"] is None
    assert draft["draft"]["number"] == 1 and draft["review_due"] is False


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("status=draft", {"Samarbeid med NAV om familier med lav inntekt"}),
        ("status=approved", {"Overgang fra barnehage til skole",
                             "Samarbeid mellom helsestasjon og barnevern ved bekymring"}),
        ("status=retired", set()),
        ("bti_level=0", {"Samarbeid mellom helsestasjon og barnevern ved bekymring"}),
        ("bti_level=3", {"Samarbeid mellom helsestasjon og barnevern ved bekymring",
                         "Samarbeid med NAV om familier med lav inntekt"}),
        ("due=1", {"Overgang fra barnehage til skole",
                   "Samarbeid mellom helsestasjon og barnevern ved bekymring"}),
        ("due=1&bti_level=1", {"Overgang fra barnehage til skole",
                               "Samarbeid mellom helsestasjon og barnevern ved bekymring"}),
        ("due=0", {"Overgang fra barnehage til skole",
                   "Samarbeid mellom helsestasjon og barnevern ved bekymring",
                   "Samarbeid med NAV om familier med lav inntekt"}),
    ],
)  # fmt: skip
def test_the_list_filters(query, titles, routines_a, viewer_a, nordre_land) -> None:
    response = api_as(viewer_a, nordre_land).get(f"/api/routines/?{query}")
    assert response.status_code == 200, response.content
    assert {row["title"] for row in response.json()} == titles


def test_the_unit_filter_finds_routines_naming_the_unit(
    routines_a, units_a, viewer_a, nordre_land
) -> None:
    api = api_as(viewer_a, nordre_land)
    barnevern = api.get(f"/api/routines/?unit={units_a['Barneverntjenesten'].pk}").json()
    assert {row["title"] for row in barnevern} == {
        "Samarbeid mellom helsestasjon og barnevern ved bekymring",
        "Samarbeid med NAV om familier med lav inntekt",
    }
    nobody = api.get(f"/api/routines/?unit={units_a['Psykisk helse og rus'].pk}").json()
    assert nobody == []


def test_what_is_due_lists_overdue_and_soon_due_routines_first_due_first(
    routines_a, leader, nordre_land
) -> None:
    with inside(nordre_land):
        soon = Routine.objects.get(pk=routines_a[1].pk)
        soon.next_review = TODAY + datetime.timedelta(days=20)
        soon.save()
    response = leader.get("/api/routines/due/")
    assert response.status_code == 200
    rows = response.json()
    assert [row["title"] for row in rows] == [
        "Overgang fra barnehage til skole",
        "Samarbeid mellom helsestasjon og barnevern ved bekymring",
    ]
    assert [(row["review_overdue"], row["review_due"]) for row in rows] == [
        (True, True),
        (False, True),
    ]
    with inside(nordre_land):
        Routine.objects.filter(pk=soon.pk).update(next_review=TODAY + datetime.timedelta(days=31))
    assert len(leader.get("/api/routines/due/").json()) == 1


# Routines: writing ------------------------------------------------------------------------


def test_a_writer_creates_a_routine_with_steps_and_links(
    units_a, methods, plan_a, editor, nordre_land
) -> None:
    with inside(nordre_land):
        milestone = Milestone.objects.get(plan=plan_a, code="MP4")
        measure = Measure.objects.create(plan=plan_a, text="Felles rutiner for overganger")
    data = new_routine(units_a, milestones=[milestone.pk], measures=[measure.pk])
    response = editor.post("/api/routines/", data)
    assert response.status_code == 201, response.content
    routine = response.json()
    assert routine["status"] == "draft" and routine["version"] == 1
    assert routine["draft"]["number"] == 1 and routine["title"] == data["title"]
    assert routine["milestones"] == [milestone.pk] and routine["measures"] == [measure.pk]

    version = editor.get(f"/api/routines/{routine['id']}/versions/1/").json()
    assert [step["order"] for step in version["steps"]] == [1, 2]
    assert version["steps"][0]["responsible_unit_name"] == "PPT"
    assert version["steps"][1]["timing"] == "Innen to uker"
    assert version["methods"] == ["bti"] and version["bti_levels"] == [1, 2]
    assert {unit["name"] for unit in version["units"]} == {"Barnehagene", "PPT"}
    assert version["is_approved"] is False and version["review_interval_months"] == 6


def test_a_consultant_writes_too(units_a, methods, consultant_a, nordre_land) -> None:
    response = api_as(consultant_a, nordre_land).post("/api/routines/", new_routine(units_a))
    assert response.status_code == 201, response.content


def test_patching_an_approved_routine_starts_a_draft_and_keeps_the_version_in_force(
    routines_a, editor, nordre_land
) -> None:
    routine = routines_a[0]
    url = f"/api/routines/{routine.pk}/"
    version = editor.get(url).json()["version"]
    response = editor.patch(url, {"title": "Overgang barnehage–skole", "version": version})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["version"] == version + 1
    assert body["current"]["title"] == "Overgang fra barnehage til skole"
    assert body["draft"]["number"] == 2 and body["title"] == "Overgang barnehage–skole"

    versions = editor.get(f"{url}versions/").json()
    assert [(v["number"], v["approved_on"]) for v in versions] == [(1, "2018-03-20"), (2, None)]

    compared = editor.get(f"{url}compare/?from=1&to=2")
    assert compared.status_code == 200, compared.content
    diff = compared.json()
    assert [change["field"] for change in diff["diff"]] == ["title"]
    assert diff["diff"][0]["label"] == "Tittel"
    assert diff["before"]["title"] == "Overgang fra barnehage til skole"
    assert diff["after"]["steps"] == diff["before"]["steps"] and len(diff["after"]["steps"]) == 3
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    # Without numbers: the draft against the version before it.
    default = editor.get(f"{url}compare/").json()
    assert (default["from_version"], default["to_version"]) == (1, 2)
    assert default["diff"] == diff["diff"]
    only_to = editor.get(f"{url}compare/?to=1").json()
    assert (only_to["from_version"], only_to["to_version"], only_to["diff"]) == (1, 1, [])


def test_a_stale_patch_is_409_and_nothing_changes(routines_a, editor, nordre_land) -> None:
    routine = routines_a[2]
    url = f"/api/routines/{routine.pk}/"
    version = editor.get(url).json()["version"]
    assert editor.patch(url, {"purpose": "Først", "version": version}).status_code == 200
    stale = editor.patch(url, {"purpose": "Sist", "version": version})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == version + 1
    with inside(nordre_land):
        assert RoutineVersion.objects.get(pk=routine.draft_id).purpose == "Først"


def test_links_are_changed_without_a_new_draft(routines_a, plan_a, editor, nordre_land) -> None:
    routine = routines_a[0]
    url = f"/api/routines/{routine.pk}/"
    with inside(nordre_land):
        milestone = Milestone.objects.get(plan=plan_a, code="MP4")
    version = editor.get(url).json()["version"]
    body = editor.patch(url, {"milestones": [milestone.pk], "version": version}).json()
    assert body["milestones"] == [milestone.pk] and body["draft"] is None


def test_deleting_discards_the_draft_and_a_never_approved_routine_goes(
    routines_a, editor, nordre_land
) -> None:
    approved, _second, draft_only = routines_a
    url = f"/api/routines/{approved.pk}/"
    version = editor.get(url).json()["version"]
    editor.patch(url, {"title": "Ny tittel", "version": version})
    kept = editor.delete(f"{url}?version={version + 1}")
    assert kept.status_code == 200, kept.content
    assert kept.json()["draft"] is None and kept.json()["current"]["number"] == 1

    gone = editor.delete(
        f"/api/routines/{draft_only.pk}/", {"version": draft_only.version}, format="json"
    )
    assert gone.status_code == 204
    with inside(nordre_land):
        assert not Routine.objects.filter(pk=draft_only.pk).exists()
        assert RoutineVersion.objects.filter(routine=approved).count() == 1


def test_the_leader_approves_a_draft_by_a_body(routines_a, plan_a, leader, nordre_land) -> None:
    routine = routines_a[2]
    with inside(nordre_land):
        body = Body.objects.filter(plan=plan_a).first()
    url = f"/api/routines/{routine.pk}/approve/"
    response = leader.post(
        url, {"version": routine.version, "approved_on": ISO_TODAY, "approved_by_body": body.pk}
    )
    assert response.status_code == 200, response.content
    approved = response.json()
    assert approved["status"] == "approved" and approved["draft"] is None
    assert approved["current"]["approved_by"] == body.name
    assert approved["current"]["approved_on"] == ISO_TODAY
    assert approved["next_review"] is not None and approved["review_due"] is False
    assert leader.get(f"/api/routines/{routine.pk}/versions/1/").json()["is_approved"] is True


def test_the_leader_reviews_and_retires_a_routine(routines_a, leader, nordre_land) -> None:
    routine = routines_a[0]
    url = f"/api/routines/{routine.pk}/"
    version = leader.get(url).json()["version"]
    review = leader.post(
        f"{url}reviews/", {"version": version, "reviewed_on": ISO_TODAY, "note": "Fortsatt god."}
    )
    assert review.status_code == 201, review.content
    assert review.json()["note"] == "Fortsatt god." and review.json()["reviewed_on"] == ISO_TODAY
    after = leader.get(url).json()
    assert after["last_reviewed"] == ISO_TODAY and after["review_overdue"] is False
    assert [r["note"] for r in leader.get(f"{url}reviews/").json()] == ["Fortsatt god."]

    retired = leader.post(f"{url}retire/", {"version": after["version"], "retired_on": ISO_TODAY})
    assert retired.status_code == 200, retired.content
    assert retired.json()["status"] == "retired" and retired.json()["retired_on"] == ISO_TODAY
    assert retired.json()["next_review"] is None


# Adoption -----------------------------------------------------------------------------------


def test_units_adopt_a_routine_until_it_is_in_use(routines_a, units_a, editor, nordre_land) -> None:
    routine = routines_a[1]  # Helsestasjonen and Barneverntjenesten
    url = f"/api/routines/{routine.pk}/adoptions/"
    first = editor.post(url, {"unit": units_a["Helsestasjonen"].pk, "adopted_on": "2018-05-01"})
    assert first.status_code == 201, first.content
    assert first.json()["unit_name"] == "Helsestasjonen" and first.json()["confirmed_on"] is None
    assert editor.get(f"/api/routines/{routine.pk}/").json()["in_use"] is False
    editor.post(url, {"unit": units_a["Barneverntjenesten"].pk, "adopted_on": "2018-06-01"})
    row = editor.get(f"/api/routines/{routine.pk}/").json()
    assert row["in_use"] is True
    assert row["adopted_units"] == sorted(
        [units_a["Helsestasjonen"].pk, units_a["Barneverntjenesten"].pk]
    )
    assert len(editor.get(url).json()) == 2

    adoption = first.json()
    detail = f"{url}{adoption['id']}/"
    assert editor.get(detail).json()["adopted_on"] == "2018-05-01"
    confirmed = editor.patch(detail, {"version": adoption["version"], "confirmed_on": ISO_TODAY})
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["confirmed_on"] == ISO_TODAY
    stale = editor.patch(detail, {"version": adoption["version"], "confirmed_on": ISO_TODAY})
    assert stale.status_code == 409 and stale.json()["current"]["confirmed_on"] == ISO_TODAY

    assert editor.delete(detail).status_code == 204
    with inside(nordre_land):
        assert not UnitAdoption.objects.filter(pk=adoption["id"]).exists()
    assert editor.get(f"/api/routines/{routine.pk}/").json()["in_use"] is False


def test_a_draft_is_not_adopted(routines_a, units_a, editor, nordre_land) -> None:
    routine = routines_a[2]
    response = editor.post(
        f"/api/routines/{routine.pk}/adoptions/",
        {"unit": units_a["NAV Nordre Land"].pk, "adopted_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "Bare en godkjent rutine" in response.json()["non_field_errors"][0]
    with inside(nordre_land):
        assert not UnitAdoption.objects.exists()
        assert Routine.objects.get(pk=routine.pk).status == RoutineStatus.DRAFT
