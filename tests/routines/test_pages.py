"""The /rutiner/ pages: who reaches them, what they show, and how their forms write.

Given Nordre Land's units and routines (seed 000: two approved in 2018, so overdue for
review, and one draft), requests go to the municipality's host with Django's test client,
logged in by role; rows are read back inside the municipality's schema.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.plans import services as plan_services
from tenants.routines import services
from tenants.routines.models import (
    Routine,
    RoutineReview,
    RoutineStatus,
    RoutineStep,
    RoutineVersion,
    Unit,
    UnitAdoption,
)
from tests.conftest import client_for, host_of
from tests.plans.conftest import inside
from tests.plans.test_validators import national_id

FNR = national_id("150312")
TODAY = timezone.localdate()


def page(user, municipality):
    return client_for(host_of(municipality), user)


def text_of(response) -> str:
    """The page's text as a person reads it (tags dropped, spaces squeezed)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def units_by_name(municipality) -> dict[str, Unit]:
    with inside(municipality):
        return {unit.name: unit for unit in Unit.objects.all()}


def routine_post(
    by_name: dict[str, Unit],
    steps: list[tuple[str, Any, str]] | None = None,
    *,
    initial_steps: int = 0,
    **over: Any,
) -> dict[str, Any]:
    """The create/edit form as a browser sends it, with `steps` as formset rows."""
    units = by_name
    if steps is None:
        steps = [("Avtal observasjon.", units["PPT"].pk, "Innen to uker")]
    data: dict[str, Any] = {
        "title": "Rutine for tverrfaglig observasjon",
        "kind": "routine",
        "purpose": "Observere barnet sammen før tiltak velges.",
        "level": "individual",
        "bti_levels": ["1", "2"],
        "owner_unit": str(units["Barnehagene"].pk),
        "units": [str(units["Barnehagene"].pk), str(units["PPT"].pk)],
        "internal_control_area": "Oppvekst",
        "review_interval_months": "12",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(initial_steps),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "100",
        "action": "save",
    }
    for i, (action, unit, timing) in enumerate(steps):
        data[f"steps-{i}-action"] = action
        data[f"steps-{i}-responsible_unit"] = "" if unit is None else str(unit)
        data[f"steps-{i}-timing"] = timing
    data.update(over)
    return data


@pytest.fixture
def seeded(routines_a, nordre_land) -> dict[str, Routine]:
    """The seed routines by role: `first` and `second` approved, `draft` never approved."""
    first, second, draft = routines_a
    return {"first": first, "second": second, "draft": draft}


def routine_paths(routines: dict[str, Routine], unit: Unit) -> list[str]:
    first = routines["first"].pk
    return [
        "/rutiner/",
        "/rutiner/ny/",
        "/rutiner/forfall/",
        "/rutiner/enheter/",
        f"/rutiner/enheter/{unit.pk}/",
        f"/rutiner/{first}/",
        f"/rutiner/{routines['draft'].pk}/",
        f"/rutiner/{first}/rediger/",
        f"/rutiner/{first}/versjoner/1/",
        f"/rutiner/{first}/sammenlign/",
    ]


# Who reaches the pages ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader_a", "editor_a", "viewer_a", "consultant_a"])
def test_every_page_renders_for_each_role(role, request, seeded, nordre_land):
    # Given a member of Nordre Land in the role
    user = request.getfixturevalue(role)
    unit = units_by_name(nordre_land)["PPT"]
    client = page(user, nordre_land)

    # When they open each routine page, Then each answers 200
    for path in routine_paths(seeded, unit):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    # And only writers are offered to write
    listed = client.get("/rutiner/").content.decode()
    assert ("Ny rutine" in listed) == (role != "viewer_a")


def test_other_municipalitys_user_gets_404_on_every_routine_page(seeded, nordre_land, leader_b):
    # Given Nesseby's leader on Nordre Land's host
    unit = units_by_name(nordre_land)["PPT"]
    client = page(leader_b, nordre_land)

    # When they open or post to the routine pages, Then each answers 404
    for path in routine_paths(seeded, unit):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"action": "approve"}).status_code == 404, path


def test_routine_ids_of_another_municipality_are_404_on_its_own_host(
    seeded, nordre_land, nesseby, leader_b
):
    # Given Nordre Land's routine and unit ids, tried by Nesseby's leader on Nesseby's host
    unit = units_by_name(nordre_land)["PPT"]
    client = page(leader_b, nesseby)

    # When they open the id paths there, Then Nesseby has no such rows: 404
    for path in routine_paths(seeded, unit):
        if any(ch.isdigit() for ch in path):
            assert client.get(path).status_code == 404, path
            assert client.post(path, {"action": "discard"}).status_code == 404, path


def test_anonymous_is_sent_to_log_in(seeded, nordre_land):
    unit = units_by_name(nordre_land)["PPT"]
    client = page(None, nordre_land)
    for path in routine_paths(seeded, unit):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_a_wrong_host_does_not_serve_the_pages(seeded, nordre_land, leader_a):
    unit = units_by_name(nordre_land)["PPT"]
    client = client_for("ukjent.localhost", leader_a)
    for path in routine_paths(seeded, unit):
        assert client.get(path).status_code == 404, path


def test_guessed_ids_are_404(seeded, nordre_land, leader_a):
    client = page(leader_a, nordre_land)
    first = seeded["first"].pk
    for path in [
        "/rutiner/987654/",
        "/rutiner/987654/rediger/",
        f"/rutiner/{first}/versjoner/9/",
        f"/rutiner/{first}/sammenlign/?fra=1&til=9",
        f"/rutiner/{first}/sammenlign/?fra=x&til=1",
        "/rutiner/enheter/987654/",
    ]:
        assert client.get(path).status_code == 404, path


def test_the_municipality_home_links_to_the_routines(nordre_land, leader_a):
    response = page(leader_a, nordre_land).get("/")
    assert 'href="/rutiner/"' in response.content.decode()


# The list -----------------------------------------------------------------------------


def test_the_list_shows_each_routine_with_status_owner_review_and_use(
    seeded, nordre_land, leader_a
):
    # When the leader opens the list
    text = text_of(page(leader_a, nordre_land).get("/rutiner/"))

    # Then every routine is there, with its status and owner
    assert "Overgang fra barnehage til skole" in text
    assert "Samarbeid med NAV om familier med lav inntekt" in text
    assert "Godkjent" in text and "Utkast" in text
    assert "Barnehagene" in text and "NAV Nordre Land" in text
    # And the approved routines' reviews (due 2019 and 2020) say "Forfalt" in words
    assert text.count("Forfalt") == 2
    assert "20.03.2019 Forfalt" in text


def test_the_list_says_in_use_when_every_unit_adopted(seeded, nordre_land, leader_a):
    # Given every unit of the first routine has adopted it
    with inside(nordre_land):
        routine = Routine.objects.get(pk=seeded["first"].pk)
        for unit in routine.current.units.all():
            services.record_unit_adoption(
                nordre_land, leader_a, routine, unit=unit.pk, adopted_on=TODAY
            )

    # When the list is opened, Then that routine's row says "Ja"
    html = page(leader_a, nordre_land).get("/rutiner/").content.decode()
    row = next(r for r in html.split("<tr>") if "Overgang fra barnehage" in r)
    assert ">Ja<" in row
    other = next(r for r in html.split("<tr>") if "helsestasjon og barnevern" in r)
    assert ">Nei<" in other


def test_the_list_filters_by_unit_bti_level_and_status(seeded, nordre_land, leader_a):
    units = units_by_name(nordre_land)
    client = page(leader_a, nordre_land)

    def titles(query: str) -> set[str]:
        response = client.get(f"/rutiner/?{query}")
        assert response.status_code == 200
        text = text_of(response)
        return {
            title
            for title in (
                "Overgang fra barnehage til skole",
                "Samarbeid mellom helsestasjon og barnevern ved bekymring",
                "Samarbeid med NAV om familier med lav inntekt",
            )
            if title in text
        }

    assert titles(f"unit={units['PPT'].pk}") == {"Overgang fra barnehage til skole"}
    assert titles(f"unit={units['Barneverntjenesten'].pk}") == {
        "Samarbeid mellom helsestasjon og barnevern ved bekymring",
        "Samarbeid med NAV om familier med lav inntekt",
    }
    assert titles("bti=0") == {"Samarbeid mellom helsestasjon og barnevern ved bekymring"}
    assert titles("status=draft") == {"Samarbeid med NAV om familier med lav inntekt"}
    assert titles("status=retired") == set()
    assert "Ingen rutiner passer med filteret." in text_of(client.get("/rutiner/?status=retired"))


def test_a_bad_filter_is_a_400_with_a_message(seeded, nordre_land, leader_a):
    response = page(leader_a, nordre_land).get("/rutiner/?unit=abc&bti=9&status=x")
    assert response.status_code == 400
    assert "Filteret har ugyldige verdier" in text_of(response)


def _add_routines(municipality, user, units: dict[str, Unit], n: int) -> None:
    """n approved routines, each with units and adoptions (through the services)."""
    for i in range(n):
        routine = services.create_routine(
            municipality,
            user,
            {
                "title": f"Rutine {i}",
                "owner_unit": units["PPT"].pk,
                "units": [units["PPT"].pk, units["Barnehagene"].pk],
                "steps": [{"action": "Gjør noe.", "responsible_unit": units["PPT"].pk}],
            },
        )
        routine = services.approve_routine(
            municipality,
            user,
            routine,
            version=routine.version,
            approved_on=TODAY,
            approved_by="Kommunalsjef",
        )
        services.record_unit_adoption(
            municipality, user, routine, unit=units["PPT"].pk, adopted_on=TODAY
        )


@pytest.mark.parametrize("path", ["/rutiner/", "/rutiner/forfall/"])
def test_list_pages_use_the_same_queries_for_3_and_23_routines(path, seeded, nordre_land, leader_a):
    # Given the seed's three routines
    units = units_by_name(nordre_land)
    client = page(leader_a, nordre_land)
    client.get(path)  # warm caches (content types, the session)

    def count() -> int:
        with CaptureQueriesContext(db_connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = count()
    # When twenty approved routines with units and adoptions are added
    with inside(nordre_land):
        _add_routines(nordre_land, leader_a, units, 20)
    many = count()

    # Then the page asks as many queries as before, and few
    assert many == few
    assert many <= 12


def test_due_page_lists_overdue_and_soon(seeded, nordre_land, leader_a):
    # Given one routine due in ten days (approved so that its review falls then)
    with inside(nordre_land):
        routine = Routine.objects.get(pk=seeded["second"].pk)
        routine.next_review = TODAY + datetime.timedelta(days=10)
        routine.save(update_fields=["next_review"])

    # When the due page is opened
    text = text_of(page(leader_a, nordre_land).get("/rutiner/forfall/"))

    # Then the overdue one is under "Forfalt" and the other under the next 30 days
    overdue, _, soon = text.partition("Forfaller innen 30 dager")
    assert "Overgang fra barnehage til skole" in overdue
    assert "Samarbeid mellom helsestasjon og barnevern" in soon
    assert "Samarbeid med NAV" not in text  # a draft has no review


# Creating and editing -----------------------------------------------------------------


def test_writer_creates_a_routine_with_two_steps(seeded, nordre_land, editor_a, methods):
    units = units_by_name(nordre_land)
    data = routine_post(
        units,
        [
            ("Avtal observasjon.", units["PPT"].pk, "Innen to uker"),
            ("Observer barnet i barnehagen.", units["Barnehagene"].pk, ""),
        ],
        methods=["ansvarsgruppe"],
    )

    response = page(editor_a, nordre_land).post("/rutiner/ny/", data)

    assert response.status_code == 302
    with inside(nordre_land):
        routine = Routine.objects.get(draft__title="Rutine for tverrfaglig observasjon")
        version = routine.draft
        assert response["Location"] == f"/rutiner/{routine.pk}/"
        assert routine.status == RoutineStatus.DRAFT
        assert [s.action for s in version.steps.all()] == [
            "Avtal observasjon.",
            "Observer barnet i barnehagen.",
        ]
        assert version.bti_levels == [1, 2]
        assert version.methods == ["ansvarsgruppe"]
        assert {u.name for u in version.units.all()} == {"Barnehagene", "PPT"}


def test_add_step_button_adds_a_row_and_saves_nothing(seeded, nordre_land, editor_a):
    units = units_by_name(nordre_land)
    before = Routine.objects.count
    with inside(nordre_land):
        count = before()
    data = routine_post(units, action="add_step", title="")

    response = page(editor_a, nordre_land).post("/rutiner/ny/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="steps-TOTAL_FORMS" value="2"' in html
    assert "Trinn 2" in text_of(response)
    assert "Avtal observasjon." in html  # what was typed stays
    assert "Ingenting ble lagret" not in html  # no errors shown for an unfinished form
    with inside(nordre_land):
        assert before() == count


def test_removing_a_step_row_leaves_it_out(seeded, nordre_land, editor_a):
    units = units_by_name(nordre_land)
    data = routine_post(
        units, [("Beholdes.", units["PPT"].pk, ""), ("Fjernes.", units["PPT"].pk, "")]
    )
    data["steps-1-DELETE"] = "on"  # the second row's "Fjern trinn 2" ticked
    assert page(editor_a, nordre_land).post("/rutiner/ny/", data).status_code == 302
    with inside(nordre_land):
        version = Routine.objects.get(draft__title=data["title"]).draft
        assert [s.action for s in version.steps.all()] == ["Beholdes."]


@pytest.mark.parametrize(
    ("over", "steps", "field_text"),
    [
        ({"review_interval_months": "0"}, None, "Gjennomgangsintervallet må være"),
        ({}, [("Uten ansvarlig.", None, "")], "Trinn 1: Hvert trinn må ha en ansvarlig enhet."),
        ({"owner_unit": "987654"}, None, "Velg et gyldig valg"),
        ({"title": ""}, None, "Tittel:"),
        ({"purpose": f"Gjelder {FNR} sin sak."}, None, "Formål:"),
    ],
)
def test_bad_input_shows_the_errors_and_writes_nothing(
    over, steps, field_text, seeded, nordre_land, editor_a
):
    units = units_by_name(nordre_land)
    with inside(nordre_land):
        routines, versions = Routine.objects.count(), RoutineVersion.objects.count()
    data = routine_post(units, steps, **over)

    response = page(editor_a, nordre_land).post("/rutiner/ny/", data)

    assert response.status_code == 400
    text = text_of(response)
    assert "Ingenting ble lagret" in text
    assert field_text in text, text[:1500]
    with inside(nordre_land):
        assert Routine.objects.count() == routines
        assert RoutineVersion.objects.count() == versions


def test_viewer_cannot_post_a_routine(seeded, nordre_land, viewer_a):
    units = units_by_name(nordre_land)
    response = page(viewer_a, nordre_land).post("/rutiner/ny/", routine_post(units))
    assert response.status_code == 403
    with inside(nordre_land):
        assert not Routine.objects.filter(draft__title="Rutine for tverrfaglig observasjon")


def test_editing_an_approved_routine_starts_a_draft_version(seeded, nordre_land, editor_a):
    units = units_by_name(nordre_land)
    routine = seeded["first"]
    client = page(editor_a, nordre_land)
    form = client.get(f"/rutiner/{routine.pk}/rediger/")
    assert "Overgang fra barnehage til skole" in form.content.decode()
    with inside(nordre_land):
        version = Routine.objects.get(pk=routine.pk).version

    data = routine_post(
        units,
        [("Nytt første trinn.", units["PPT"].pk, "")],
        initial_steps=3,
        title="Overgang barnehage–skole",
        version=str(version),
        change_note="Kortere.",
    )
    response = client.post(f"/rutiner/{routine.pk}/rediger/", data)

    assert response.status_code == 302
    with inside(nordre_land):
        fresh = Routine.objects.listed().get(pk=routine.pk)
        assert fresh.current.number == 1
        assert fresh.current.title == "Overgang fra barnehage til skole"
        assert fresh.draft.number == 2 and fresh.draft.title == "Overgang barnehage–skole"
        assert fresh.draft.change_note == "Kortere."
        assert [s.action for s in fresh.draft.steps.all()] == ["Nytt første trinn."]
    # And the detail page shows the draft, and both versions can be compared
    text = text_of(client.get(f"/rutiner/{routine.pk}/"))
    assert "Innhold: utkast til versjon 2" in text
    compare = text_of(client.get(f"/rutiner/{routine.pk}/sammenlign/?fra=1&til=2"))
    assert "Forskjeller mellom versjon 1 og versjon 2" in compare
    assert "Overgang fra barnehage til skole" in compare and "Overgang barnehage–skole" in compare
    assert "Nytt første trinn. (PPT)" in compare


def test_linking_a_milestone_only_does_not_start_a_draft(seeded, nordre_land, leader_a):
    # Given a plan with a milestone
    with inside(nordre_land):
        plan = plan_services.create_plan(
            nordre_land,
            leader_a,
            {"title": "Tidlig innsats", "start": datetime.date(2018, 1, 1),
             "end": datetime.date(2019, 12, 31)},
        )  # fmt: skip
        milestone = plan_services.create_milestone(
            nordre_land, plan, leader_a, {"code": "MP4", "title": "Rutiner utarbeidd",
                                          "due": datetime.date(2018, 6, 1)}
        )  # fmt: skip
        routine = Routine.objects.listed().get(pk=seeded["first"].pk)
        steps = [(s.action, s.responsible_unit_id, s.timing) for s in routine.current.steps.all()]
        unit_ids = [str(pk) for pk in routine.current.units.values_list("pk", flat=True)]
    client = page(leader_a, nordre_land)

    # When the leader sends the edit form unchanged but for the milestone
    html = client.get(f"/rutiner/{routine.pk}/rediger/").content.decode()
    assert "MP4 Rutiner utarbeidd" in html
    data = routine_post(
        units_by_name(nordre_land),
        steps,
        initial_steps=3,
        title=routine.current.title,
        kind=routine.current.kind,
        purpose=routine.current.purpose,
        level=routine.current.level,
        bti_levels=[str(level) for level in routine.current.bti_levels],
        units=unit_ids,
        methods=routine.current.methods,
        version=str(routine.version),
        milestones=[str(milestone.pk)],
    )
    assert client.post(f"/rutiner/{routine.pk}/rediger/", data).status_code == 302

    # Then the routine is linked, with no new draft
    with inside(nordre_land):
        fresh = Routine.objects.get(pk=routine.pk)
        assert fresh.draft_id is None
        assert list(fresh.milestones.all()) == [milestone]


def test_a_stale_edit_shows_the_conflict_and_writes_nothing(seeded, nordre_land, editor_a):
    units = units_by_name(nordre_land)
    draft = seeded["draft"]
    with inside(nordre_land):
        old = Routine.objects.get(pk=draft.pk).version
        # Someone else saves first
        services.update_routine(
            nordre_land, editor_a, Routine.objects.get(pk=draft.pk),
            {"title": "Endret av en annen"}, version=old,
        )  # fmt: skip
    data = routine_post(units, initial_steps=1, title="Min endring", version=str(old))

    response = page(editor_a, nordre_land).post(f"/rutiner/{draft.pk}/rediger/", data)

    assert response.status_code == 409
    assert "Noen andre har endret dette" in text_of(response)
    assert 'value="Endret av en annen"' in response.content.decode()
    with inside(nordre_land):
        assert Routine.objects.listed().get(pk=draft.pk).draft.title == "Endret av en annen"


# Actions on a routine -----------------------------------------------------------------


def test_leader_approves_the_draft_with_a_role(seeded, nordre_land, leader_a):
    draft = seeded["draft"]
    with inside(nordre_land):
        version = Routine.objects.get(pk=draft.pk).version
    client = page(leader_a, nordre_land)
    assert "Godkjenn utkastet" in text_of(client.get(f"/rutiner/{draft.pk}/"))

    response = client.post(
        f"/rutiner/{draft.pk}/",
        {
            "action": "approve",
            "approve-version": str(version),
            "approve-approved_on": str(TODAY),
            "approve-approved_by": "Kommunedirektørens ledergruppe",
        },
    )

    assert response.status_code == 302
    with inside(nordre_land):
        routine = Routine.objects.listed().get(pk=draft.pk)
        assert routine.status == RoutineStatus.APPROVED
        assert routine.current.approved_by == "Kommunedirektørens ledergruppe"
    assert "Rutinen er godkjent." in text_of(client.get(f"/rutiner/{draft.pk}/"))


def test_approving_with_a_body_of_the_plans(seeded, nordre_land, leader_a):
    draft = seeded["draft"]
    with inside(nordre_land):
        plan = plan_services.create_plan(
            nordre_land, leader_a, {"title": "Plan", "start": datetime.date(2018, 1, 1),
                                    "end": datetime.date(2019, 1, 1)}
        )  # fmt: skip
        body = plan_services.create_body(
            nordre_land, plan, leader_a, {"kind": "steering", "name": "Styringsgruppe"}
        )
        version = Routine.objects.get(pk=draft.pk).version
    client = page(leader_a, nordre_land)
    assert "Styringsgruppe (Plan)" in client.get(f"/rutiner/{draft.pk}/").content.decode()

    response = client.post(
        f"/rutiner/{draft.pk}/",
        {"action": "approve", "approve-version": str(version),
         "approve-approved_on": str(TODAY), "approve-approved_by_body": str(body.pk)},
    )  # fmt: skip

    assert response.status_code == 302
    with inside(nordre_land):
        current = Routine.objects.listed().get(pk=draft.pk).current
        assert current.approved_by_body_id == body.pk and current.approved_by == "Styringsgruppe"


def test_approving_without_approver_or_with_a_future_date_is_refused(seeded, nordre_land, leader_a):
    draft = seeded["draft"]
    with inside(nordre_land):
        version = Routine.objects.get(pk=draft.pk).version
    client = page(leader_a, nordre_land)
    tomorrow = TODAY + datetime.timedelta(days=1)

    response = client.post(
        f"/rutiner/{draft.pk}/",
        {"action": "approve", "approve-version": str(version),
         "approve-approved_on": str(tomorrow), "approve-approved_by": ""},
    )  # fmt: skip

    assert response.status_code == 400
    text = text_of(response)
    assert "Oppgi hvilken gruppe eller rolle som godkjente rutinen." in text
    assert "Datoen kan ikke være fram i tid." in text
    with inside(nordre_land):
        assert Routine.objects.get(pk=draft.pk).status == RoutineStatus.DRAFT


def test_an_editor_cannot_approve(seeded, nordre_land, editor_a):
    draft = seeded["draft"]
    with inside(nordre_land):
        version = Routine.objects.get(pk=draft.pk).version
    client = page(editor_a, nordre_land)
    assert "Godkjenn utkastet" not in text_of(client.get(f"/rutiner/{draft.pk}/"))

    response = client.post(
        f"/rutiner/{draft.pk}/",
        {"action": "approve", "approve-version": str(version),
         "approve-approved_on": str(TODAY), "approve-approved_by": "Meg"},
    )  # fmt: skip

    assert response.status_code == 403
    with inside(nordre_land):
        assert Routine.objects.get(pk=draft.pk).status == RoutineStatus.DRAFT


def test_a_viewer_posting_any_action_gets_403(seeded, nordre_land, viewer_a):
    first = seeded["first"]
    client = page(viewer_a, nordre_land)
    for action in ("approve", "discard", "retire", "review", "adopt"):
        assert client.post(f"/rutiner/{first.pk}/", {"action": action}).status_code == 403


def test_a_stale_action_shows_the_conflict(seeded, nordre_land, leader_a):
    first = seeded["first"]
    response = page(leader_a, nordre_land).post(
        f"/rutiner/{first.pk}/",
        {"action": "review", "review-version": "0", "review-reviewed_on": str(TODAY)},
    )
    assert response.status_code == 409
    assert "Noen andre har endret dette" in text_of(response)
    with inside(nordre_land):
        assert not RoutineReview.objects.exists()


def test_discarding_a_never_approved_draft_deletes_the_routine(seeded, nordre_land, editor_a):
    draft = seeded["draft"]
    with inside(nordre_land):
        version = Routine.objects.get(pk=draft.pk).version
    response = page(editor_a, nordre_land).post(
        f"/rutiner/{draft.pk}/", {"action": "discard", "discard-version": str(version)}
    )
    assert response.status_code == 302 and response["Location"] == "/rutiner/"
    with inside(nordre_land):
        assert not Routine.objects.filter(pk=draft.pk).exists()


def test_leader_records_a_review_and_retires(seeded, nordre_land, leader_a):
    first = seeded["first"]
    client = page(leader_a, nordre_land)
    with inside(nordre_land):
        version = Routine.objects.get(pk=first.pk).version

    response = client.post(
        f"/rutiner/{first.pk}/",
        {"action": "review", "review-version": str(version),
         "review-reviewed_on": str(TODAY), "review-note": "Fungerer godt."},
    )  # fmt: skip
    assert response.status_code == 302
    text = text_of(client.get(f"/rutiner/{first.pk}/"))
    assert "Fungerer godt." in text and "Forfalt" not in text

    response = client.post(
        f"/rutiner/{first.pk}/",
        {"action": "retire", "retire-version": str(version + 1), "retire-retired_on": str(TODAY)},
    )
    assert response.status_code == 302
    with inside(nordre_land):
        routine = Routine.objects.get(pk=first.pk)
        assert routine.status == RoutineStatus.RETIRED and routine.next_review is None
    # A retired routine cannot be edited: the edit page says so and a POST is refused
    edit = client.get(f"/rutiner/{first.pk}/rediger/")
    assert "Rutinen er utgått og kan ikke endres." in text_of(edit)
    assert client.post(f"/rutiner/{first.pk}/rediger/", {}).status_code == 400


def test_units_adopt_confirm_and_remove_adoption(seeded, nordre_land, editor_a):
    first = seeded["first"]
    units = units_by_name(nordre_land)
    client = page(editor_a, nordre_land)
    adopted_on = TODAY - datetime.timedelta(days=30)

    # A unit not in the routine is refused at the field
    response = client.post(
        f"/rutiner/{first.pk}/",
        {"action": "adopt", "adopt-unit": str(units["NAV Nordre Land"].pk),
         "adopt-adopted_on": str(adopted_on)},
    )  # fmt: skip
    assert response.status_code == 400
    with inside(nordre_land):
        assert not UnitAdoption.objects.exists()

    # PPT adopts it
    response = client.post(
        f"/rutiner/{first.pk}/",
        {"action": "adopt", "adopt-unit": str(units["PPT"].pk),
         "adopt-adopted_on": str(adopted_on)},
    )  # fmt: skip
    assert response.status_code == 302
    with inside(nordre_land):
        adoption = UnitAdoption.objects.get()

    # and confirms use today
    prefix = f"adoption-{adoption.pk}"
    response = client.post(
        f"/rutiner/{first.pk}/",
        {"action": "confirm", "adoption": str(adoption.pk),
         f"{prefix}-version": str(adoption.version), f"{prefix}-confirmed_on": str(TODAY)},
    )  # fmt: skip
    assert response.status_code == 302
    with inside(nordre_land):
        assert UnitAdoption.objects.get().confirmed_on == TODAY

    # A confirmation before the adoption is refused with the service's message
    response = client.post(
        f"/rutiner/{first.pk}/",
        {"action": "confirm", "adoption": str(adoption.pk),
         f"{prefix}-version": str(adoption.version + 1),
         f"{prefix}-confirmed_on": str(adopted_on - datetime.timedelta(days=1))},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Bekreftet dato kan ikke være før innføringen." in text_of(response)

    # An adoption of another routine is 404 here
    other = seeded["second"]
    assert (
        client.post(
            f"/rutiner/{other.pk}/", {"action": "unadopt", "adoption": str(adoption.pk)}
        ).status_code
        == 404
    )

    # Removing it
    response = client.post(
        f"/rutiner/{first.pk}/", {"action": "unadopt", "adoption": str(adoption.pk)}
    )
    assert response.status_code == 302
    with inside(nordre_land):
        assert not UnitAdoption.objects.exists()


def test_an_unknown_action_is_a_400(seeded, nordre_land, leader_a):
    response = page(leader_a, nordre_land).post(f"/rutiner/{seeded['first'].pk}/", {"action": "x"})
    assert response.status_code == 400


# Versions -----------------------------------------------------------------------------


def test_a_version_page_shows_its_content_read_only(seeded, nordre_land, viewer_a):
    first = seeded["first"]
    response = page(viewer_a, nordre_land).get(f"/rutiner/{first.pk}/versjoner/1/")
    text = text_of(response)
    assert "Versjon 1: Overgang fra barnehage til skole" in text
    assert "Godkjent 20. mars 2018 av Styringsgruppa" in text
    assert "Overføringsmøte med foreldre, barnehage og skole." in text
    assert "<form" not in response.content.decode().split("<main", 1)[1]


def test_compare_with_one_version_says_to_pick_two(seeded, nordre_land, viewer_a):
    response = page(viewer_a, nordre_land).get(f"/rutiner/{seeded['first'].pk}/sammenlign/")
    assert response.status_code == 200
    assert "Velg to forskjellige versjoner" in text_of(response)


# Units --------------------------------------------------------------------------------


def test_writer_adds_and_edits_a_unit(nordre_land, editor_a):
    client = page(editor_a, nordre_land)
    response = client.post(
        "/rutiner/enheter/",
        {"name": "Helsestasjonen", "kind": "health_clinic", "email": "hs@nordre-land.no",
         "order": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    with inside(nordre_land):
        unit = Unit.objects.get(name="Helsestasjonen")

    response = client.post(
        f"/rutiner/enheter/{unit.pk}/",
        {"name": "Helsestasjon og skolehelsetjeneste", "kind": "health_clinic",
         "order": "1", "version": str(unit.version)},
    )  # fmt: skip
    assert response.status_code == 302
    with inside(nordre_land):
        assert Unit.objects.get(pk=unit.pk).name == "Helsestasjon og skolehelsetjeneste"
    assert "Helsestasjon og skolehelsetjeneste" in text_of(client.get("/rutiner/enheter/"))


def test_a_duplicate_unit_name_is_refused_at_the_field(seeded, nordre_land, editor_a):
    response = page(editor_a, nordre_land).post(
        "/rutiner/enheter/", {"name": "ppt", "kind": "ppt", "order": "0"}
    )
    assert response.status_code == 400
    assert "Kommunen har allerede en enhet som heter «ppt»." in text_of(response)
    with inside(nordre_land):
        assert Unit.objects.filter(name__iexact="ppt").count() == 1


def test_a_unit_in_use_is_not_deleted(seeded, nordre_land, editor_a):
    unit = units_by_name(nordre_land)["PPT"]
    response = page(editor_a, nordre_land).post(
        f"/rutiner/enheter/{unit.pk}/", {"action": "delete"}
    )
    assert response.status_code == 400
    assert "er brukt i en rutine og kan ikke slettes" in text_of(response)
    with inside(nordre_land):
        assert Unit.objects.filter(pk=unit.pk).exists()


def test_an_unused_unit_is_deleted(nordre_land, editor_a, leader_a):
    with inside(nordre_land):
        unit = services.create_unit(nordre_land, leader_a, {"name": "Kulturskolen"})
    response = page(editor_a, nordre_land).post(
        f"/rutiner/enheter/{unit.pk}/", {"action": "delete"}
    )
    assert response.status_code == 302
    with inside(nordre_land):
        assert not Unit.objects.filter(pk=unit.pk).exists()


def test_a_viewer_reads_units_but_cannot_change_them(seeded, nordre_land, viewer_a):
    unit = units_by_name(nordre_land)["PPT"]
    client = page(viewer_a, nordre_land)
    response = client.get(f"/rutiner/enheter/{unit.pk}/")
    assert response.status_code == 200 and "Slett enheten" not in text_of(response)
    assert client.post(f"/rutiner/enheter/{unit.pk}/", {"action": "delete"}).status_code == 403
    assert client.post("/rutiner/enheter/", {"name": "X", "kind": "other"}).status_code == 403
    with inside(nordre_land):
        assert Unit.objects.filter(pk=unit.pk).exists()
        assert RoutineStep.objects.filter(responsible_unit=unit).exists()


def test_the_routine_page_uses_the_same_queries_for_few_and_many_units_and_steps(
    nordre_land, leader_a, units_a, methods
):
    # Given two approved routines, one with 2 units and steps, one with 8 of each, every
    # unit adopted
    names = list(units_a)

    def routine_with(count: int) -> int:
        picked = [units_a[name].pk for name in names[:count]]
        routine = services.create_routine(
            nordre_land,
            leader_a,
            {
                "title": f"Rutine med {count} enheter",
                "owner_unit": picked[0],
                "units": picked,
                "methods": ["bti", "stafettlogg"],
                "steps": [
                    {"action": f"Trinn {i}.", "responsible_unit": pk} for i, pk in enumerate(picked)
                ],
            },
        )
        routine = services.approve_routine(
            nordre_land, leader_a, routine, version=routine.version,
            approved_on=TODAY, approved_by="Kommunalsjef",
        )  # fmt: skip
        for pk in picked:
            services.record_unit_adoption(nordre_land, leader_a, routine, unit=pk, adopted_on=TODAY)
        return routine.pk

    with inside(nordre_land):
        few, many = routine_with(2), routine_with(8)
    client = page(leader_a, nordre_land)
    client.get(f"/rutiner/{few}/")  # warm caches

    def count(pk: int) -> int:
        with CaptureQueriesContext(db_connection) as queries:
            response = client.get(f"/rutiner/{pk}/")
        assert response.status_code == 200
        assert "I bruk i alle enhetene Ja" in text_of(response)
        return len(queries)

    # When each routine's page is opened, Then both take the same few queries
    assert count(few) == count(many) <= 20


def test_due_page_suggests_a_milestone_whose_routines_are_approved(seeded, nordre_land, leader_a):
    # Given MP4 of a plan being written, fulfilled by an approved routine and a draft
    with inside(nordre_land):
        plan = plan_services.create_plan(
            nordre_land, leader_a,
            {"title": "Samhandling for barn og unge", "start": datetime.date(2018, 1, 1),
             "end": datetime.date(2018, 12, 31)},
        )  # fmt: skip
        mp4 = plan_services.create_milestone(
            nordre_land, plan, leader_a,
            {"code": "MP4", "title": "Forslag til rutiner er utarbeidd",
             "due": datetime.date(2018, 4, 1)},
        )  # fmt: skip
        approved = Routine.objects.filter(status="approved").order_by("id").first()
        draft = Routine.objects.filter(status="draft").order_by("id").first()
        for routine in (approved, draft):
            services.update_routine(
                nordre_land, leader_a, routine, {"milestones": [mp4.pk]}, version=routine.version
            )
    # While a linked routine is a draft, nothing is suggested
    text = text_of(page(leader_a, nordre_land).get("/rutiner/forfall/"))
    assert "Ingen milepæler eller tiltak venter" in text
    # When the draft's link is taken away, every linked routine is approved
    with inside(nordre_land):
        draft.refresh_from_db()
        services.update_routine(
            nordre_land, leader_a, draft, {"milestones": []}, version=draft.version
        )
    response = page(leader_a, nordre_land).get("/rutiner/forfall/")
    text = text_of(response)
    # Then MP4 is offered, with a link to it in the plan, and it is not marked done
    assert "MP4 Forslag til rutiner er utarbeidd" in text
    assert f"/planer/{plan.pk}/milepaeler/{mp4.pk}/" in response.content.decode()
    with inside(nordre_land):
        mp4.refresh_from_db()
        assert mp4.status != "done"
