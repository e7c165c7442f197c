"""Bad input to the routines API is refused with a Norwegian 400 (or 403, 404), never a 500,
and nothing is written.

Given Nordre Land's units and routines (seed 000: two approved, one draft), its leader and
an editor.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tenants.routines.models import (
    Routine,
    RoutineReview,
    RoutineStep,
    RoutineVersion,
    Unit,
    UnitAdoption,
)
from tests.plans.conftest import api_as, inside
from tests.plans.test_validators import national_id

FNR = national_id("150312")
HUGE = 2**70
GUESSED = 987654
TOMORROW = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
NATIONAL_ID = "fødselsnummer"


def counts(nordre_land) -> dict[str, Any]:
    """Every row the API could write, and each routine's and unit's version."""
    with inside(nordre_land):
        return {
            "rows": [
                m.objects.count()
                for m in (Routine, RoutineVersion, RoutineStep, Unit, UnitAdoption, RoutineReview)
            ],
            "routines": sorted(Routine.objects.values_list("pk", "version", "status")),
            "versions": sorted(RoutineVersion.objects.values_list("pk", "version", "title")),
            "units": sorted(Unit.objects.values_list("pk", "version", "name")),
        }


def refused(response, field: str, text: str, status: int = 400) -> None:
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    messages = body[field]
    flat = str(messages)
    assert text in flat, flat


@pytest.fixture
def editor(editor_a, nordre_land):
    return api_as(editor_a, nordre_land)


@pytest.fixture
def leader(leader_a, nordre_land):
    return api_as(leader_a, nordre_land)


def routine_body(units_a, **over) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Rutine for tverrfaglig observasjon",
        "owner_unit": units_a["Barnehagene"].pk,
        "units": [units_a["Barnehagene"].pk, units_a["PPT"].pk],
        "review_interval_months": 12,
        "steps": [{"action": "Avtal observasjon.", "responsible_unit": units_a["PPT"].pk}],
    }
    data.update(over)
    return data


def step(units_a, **over) -> list[dict[str, Any]]:
    return [{"action": "Gjør noe.", "responsible_unit": units_a["PPT"].pk, **over}]


# (id, change to a valid new routine, field, message)
CREATE_CASES: list[tuple[str, Any, str, str]] = [
    ("interval-0", {"review_interval_months": 0}, "review_interval_months",
     "Sikre denne verdien er større enn eller lik 1."),
    ("interval-negative", {"review_interval_months": -12}, "review_interval_months", "1"),
    ("interval-61", {"review_interval_months": 61}, "review_interval_months", "60"),
    ("interval-huge", {"review_interval_months": HUGE}, "review_interval_months", "60"),
    ("interval-text", {"review_interval_months": "årlig"}, "review_interval_months", "heltall"),
    ("no-title", {"title": ""}, "title", "Dette feltet må ikke være blankt."),
    ("title-list", {"title": ["a"]}, "title", "Skriv inn tekst."),
    ("title-fnr", {"title": f"Rutine for {FNR}"}, "title", NATIONAL_ID),
    ("title-nul", {"title": "Rutine\x00"}, "title", "Null-tegn er ikke tillatt."),
    ("purpose-fnr", {"purpose": f"Gjelder {FNR[:6]} {FNR[6:]}"}, "purpose", NATIONAL_ID),
    ("area-fnr", {"internal_control_area": FNR}, "internal_control_area", NATIONAL_ID),
    ("note-fnr", {"change_note": f"Endret for {FNR}"}, "change_note", NATIONAL_ID),
    ("unknown-kind", {"kind": "lov"}, "kind", "er ikke et gyldig valg"),
    ("unknown-level", {"level": "kommune"}, "level", "er ikke et gyldig valg"),
    ("bti-4", {"bti_levels": [4]}, "bti_levels", "Sikre denne verdien er mindre enn eller lik 3."),
    ("bti-text", {"bti_levels": "alle"}, "bti_levels", "Forventet en liste"),
    ("unknown-method", {"methods": ["tarotkort"]}, "methods", "Ukjent samhandlingsmetode"),
    ("no-owner", {"owner_unit": None}, "owner_unit", "Dette feltet må ikke være tomt."),
    ("unknown-owner", {"owner_unit": GUESSED}, "owner_unit", "finnes ikke i denne kommunen"),
    ("owner-text", {"owner_unit": "PPT"}, "owner_unit", "En gyldig heltall er nødvendig."),
    ("owner-huge", {"owner_unit": HUGE}, "owner_unit", "mindre enn eller lik"),
    ("owner-bool", {"owner_unit": True}, "owner_unit", "heltall"),
    ("owner-float", {"owner_unit": 1.5}, "owner_unit", "heltall"),
    ("unknown-unit", {"units": [GUESSED]}, "units", "finnes ikke i denne kommunen"),
    ("units-text", {"units": "PPT"}, "units", "Forventet en liste"),
    ("units-huge", {"units": [HUGE]}, "units", "mindre enn eller lik"),
    ("steps-text", {"steps": "gjør noe"}, "steps", "Forventet en liste"),
    ("step-not-object", {"steps": [1]}, "steps", "Ugyldige data"),
    ("step-without-unit", {"steps": [{"action": "Gjør noe."}]}, "steps",
     "Dette feltet er påkrevd."),
    ("step-null-unit", {"steps": [{"action": "Gjør noe.", "responsible_unit": None}]}, "steps",
     "Dette feltet må ikke være tomt."),
    ("step-unknown-unit", {"steps": [{"action": "Gjør noe.", "responsible_unit": GUESSED}]},
     "steps", "finnes ikke i denne kommunen"),
    ("step-unit-text", {"steps": [{"action": "Gjør noe.", "responsible_unit": "PPT"}]},
     "steps", "En gyldig heltall er nødvendig."),
    ("step-no-action", {"steps": [{"action": "", "responsible_unit": 1}]}, "steps",
     "Dette feltet må ikke være blankt."),
    ("unknown-milestone", {"milestones": [GUESSED]}, "milestones", "finnes ikke i denne kommunen"),
    ("milestone-text", {"milestones": ["MP4"]}, "milestones", "En gyldig heltall er nødvendig."),
    ("unknown-measure", {"measures": [GUESSED]}, "measures", "finnes ikke i denne kommunen"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [case[1:] for case in CREATE_CASES],
    ids=[case[0] for case in CREATE_CASES],
)
def test_a_bad_new_routine_is_refused(
    change, field, message, units_a, methods, routines_a, editor, nordre_land
) -> None:
    before = counts(nordre_land)
    response = editor.post("/api/routines/", routine_body(units_a, **change))
    refused(response, field, message)
    assert counts(nordre_land) == before


@pytest.mark.parametrize(
    ("over", "text"),
    [({"action": f"Ring {FNR}"}, NATIONAL_ID), ({"timing": f"Etter {FNR}"}, NATIONAL_ID)],
    ids=["action-fnr", "timing-fnr"],
)
def test_a_step_naming_a_person_is_refused(over, text, units_a, editor, nordre_land) -> None:
    before = counts(nordre_land)
    response = editor.post("/api/routines/", routine_body(units_a, steps=step(units_a, **over)))
    refused(response, "steps", text)
    assert counts(nordre_land) == before


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'"tittel"', b"null", b'{"title": "x", "owner_unit": 1e400}'],
    ids=["truncated", "list", "string", "null", "overflowing-number"],
)
def test_malformed_json_is_a_400(body, units_a, editor, nordre_land) -> None:
    before = counts(nordre_land)
    response = editor.post("/api/routines/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()
    assert counts(nordre_land) == before


def test_a_form_body_is_a_415(units_a, editor, nordre_land) -> None:
    response = editor.post("/api/units/", {"name": "PPT 2"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["detail"]


# (id, body of a PATCH to the approved routine, field, message)
PATCH_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("no-version", {"title": "Ny"}, "version", "Oppgi versjonen du har endret"),
    ("version-text", {"title": "Ny", "version": "siste"}, "version", "heltall"),
    ("version-huge", {"title": "Ny", "version": HUGE}, "version", "mindre enn eller lik"),
    ("version-0", {"title": "Ny", "version": 0}, "version", "større enn eller lik 1"),
    ("interval-0", {"review_interval_months": 0, "version": 1}, "review_interval_months", "1"),
    ("note-fnr", {"change_note": FNR, "version": 1}, "change_note", NATIONAL_ID),
    ("unknown-owner", {"owner_unit": GUESSED, "version": 1}, "owner_unit", "finnes ikke"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [case[1:] for case in PATCH_CASES],
    ids=[case[0] for case in PATCH_CASES],
)
def test_a_bad_change_is_refused_and_starts_no_draft(
    body, field, message, routines_a, editor, nordre_land
) -> None:
    routine = routines_a[0]
    if body.get("version") == 1:
        body = {**body, "version": routine.version}
    before = counts(nordre_land)
    refused(editor.patch(f"/api/routines/{routine.pk}/", body), field, message)
    assert counts(nordre_land) == before


def test_a_retired_routine_is_not_changed(routines_a, leader, nordre_land) -> None:
    routine = routines_a[0]
    url = f"/api/routines/{routine.pk}/"
    retired = leader.post(
        f"{url}retire/", {"version": routine.version, "retired_on": "2024-01-01"}
    ).json()
    before = counts(nordre_land)
    response = leader.patch(url, {"title": "Igjen", "version": retired["version"]})
    refused(response, "non_field_errors", "Rutinen er utgått og kan ikke endres.")
    assert counts(nordre_land) == before


def test_discarding_needs_the_version_and_a_draft(routines_a, editor, nordre_land) -> None:
    approved, _second, draft = routines_a
    before = counts(nordre_land)
    refused(
        editor.delete(f"/api/routines/{draft.pk}/"), "version", "Dette feltet må ikke være tomt."
    )
    refused(editor.delete(f"/api/routines/{draft.pk}/?version=x"), "version", "heltall")
    stale = editor.delete(f"/api/routines/{draft.pk}/?version={draft.version + 5}")
    assert stale.status_code == 409 and stale.json()["current"]["id"] == draft.pk
    refused(
        editor.delete(f"/api/routines/{approved.pk}/?version={approved.version}"),
        "non_field_errors",
        "Rutinen har ikke noe utkast.",
    )
    assert counts(nordre_land) == before


# Approval, retirement, reviews --------------------------------------------------------------


def test_only_the_leader_approves_with_a_norwegian_403(
    routines_a, editor_a, consultant_a, viewer_a, nordre_land
) -> None:
    routine = routines_a[2]
    body = {"version": routine.version, "approved_on": "2020-01-01", "approved_by": "Rådmannen"}
    before = counts(nordre_land)
    for user in (editor_a, consultant_a):
        response = api_as(user, nordre_land).post(f"/api/routines/{routine.pk}/approve/", body)
        refused(response, "detail", "Bare kommunens leder kan godkjenne rutiner.", status=403)
    viewer = api_as(viewer_a, nordre_land).post(f"/api/routines/{routine.pk}/approve/", body)
    assert viewer.status_code == 403 and viewer.json()["detail"]
    assert counts(nordre_land) == before


APPROVE_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("no-approver", {"approved_on": "2020-01-01"}, "approved_by",
     "Oppgi hvilken gruppe eller rolle som godkjente rutinen."),
    ("blank-approver", {"approved_on": "2020-01-01", "approved_by": "  "}, "approved_by",
     "Oppgi hvilken gruppe eller rolle"),
    ("unknown-body", {"approved_on": "2020-01-01", "approved_by_body": GUESSED},
     "approved_by_body", "Gruppen finnes ikke i denne kommunen."),
    ("body-text", {"approved_on": "2020-01-01", "approved_by_body": "styringsgruppa"},
     "approved_by_body", "heltall"),
    ("approver-fnr", {"approved_on": "2020-01-01", "approved_by": FNR}, "approved_by",
     NATIONAL_ID),
    ("no-date", {"approved_by": "Rådmannen"}, "approved_on", "Dette feltet er påkrevd."),
    ("future-date", {"approved_on": TOMORROW, "approved_by": "Rådmannen"}, "approved_on",
     "Datoen kan ikke være fram i tid."),
    ("bad-date", {"approved_on": "20.01.2020", "approved_by": "Rådmannen"}, "approved_on",
     "Dato har feil format"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [case[1:] for case in APPROVE_CASES],
    ids=[case[0] for case in APPROVE_CASES],
)
def test_a_bad_approval_is_refused(body, field, message, routines_a, leader, nordre_land) -> None:
    routine = routines_a[2]
    before = counts(nordre_land)
    response = leader.post(
        f"/api/routines/{routine.pk}/approve/", {**body, "version": routine.version}
    )
    refused(response, field, message)
    assert counts(nordre_land) == before


def test_approving_needs_a_draft_and_the_version(routines_a, leader, nordre_land) -> None:
    approved, _second, draft = routines_a
    before = counts(nordre_land)
    body = {"approved_on": "2020-01-01", "approved_by": "Rådmannen"}
    refused(
        leader.post(f"/api/routines/{draft.pk}/approve/", body),
        "version",
        "Dette feltet er påkrevd.",
    )
    refused(
        leader.post(f"/api/routines/{approved.pk}/approve/", {**body, "version": approved.version}),
        "non_field_errors",
        "Rutinen har ikke noe utkast å godkjenne.",
    )
    stale = leader.post(
        f"/api/routines/{draft.pk}/approve/", {**body, "version": draft.version + 1}
    )
    assert stale.status_code == 409 and stale.json()["current"]["status"] == "draft"
    assert counts(nordre_land) == before


def test_retiring_and_reviews_are_for_the_leader_and_approved_routines(
    routines_a, editor, leader, nordre_land
) -> None:
    approved, _second, draft = routines_a
    before = counts(nordre_land)
    url = f"/api/routines/{approved.pk}/"
    refused(
        editor.post(f"{url}retire/", {"version": approved.version, "retired_on": "2024-01-01"}),
        "detail",
        "Bare kommunens leder kan sette en rutine som utgått.",
        status=403,
    )
    refused(
        editor.post(f"{url}reviews/", {"version": approved.version, "reviewed_on": "2024-01-01"}),
        "detail",
        "Bare kommunens leder kan registrere en gjennomgang.",
        status=403,
    )
    refused(
        leader.post(f"{url}reviews/", {"version": approved.version, "reviewed_on": TOMORROW}),
        "reviewed_on",
        "Datoen kan ikke være fram i tid.",
    )
    refused(
        leader.post(
            f"{url}reviews/",
            {"version": approved.version, "reviewed_on": "2024-01-01", "note": FNR},
        ),
        "note",
        NATIONAL_ID,
    )
    refused(
        leader.post(
            f"/api/routines/{draft.pk}/retire/",
            {"version": draft.version, "retired_on": "2024-01-01"},
        ),
        "non_field_errors",
        "Bare en godkjent rutine kan settes som utgått.",
    )
    refused(
        leader.post(
            f"/api/routines/{draft.pk}/reviews/",
            {"version": draft.version, "reviewed_on": "2024-01-01"},
        ),
        "non_field_errors",
        "Bare en godkjent rutine kan gjennomgås.",
    )
    assert counts(nordre_land) == before


# Adoption -----------------------------------------------------------------------------------


def test_bad_adoptions_are_refused(routines_a, units_a, editor, nordre_land) -> None:
    routine = routines_a[1]  # Helsestasjonen and Barneverntjenesten
    url = f"/api/routines/{routine.pk}/adoptions/"
    before = counts(nordre_land)
    refused(
        editor.post(url, {"unit": units_a["PPT"].pk, "adopted_on": "2020-01-01"}),
        "unit",
        "Enheten er ikke med i denne rutinen.",
    )
    refused(
        editor.post(url, {"unit": GUESSED, "adopted_on": "2020-01-01"}),
        "unit",
        "finnes ikke i denne kommunen",
    )
    refused(editor.post(url, {"unit": "PPT", "adopted_on": "2020-01-01"}), "unit", "heltall")
    refused(
        editor.post(url, {"unit": units_a["Helsestasjonen"].pk, "adopted_on": TOMORROW}),
        "adopted_on",
        "fram i tid",
    )
    refused(
        editor.post(
            url,
            {
                "unit": units_a["Helsestasjonen"].pk,
                "adopted_on": "2020-01-01",
                "confirmed_on": "2019-01-01",
            },
        ),
        "confirmed_on",
        "Bekreftet dato kan ikke være før innføringen.",
    )
    assert counts(nordre_land) == before

    made = editor.post(url, {"unit": units_a["Helsestasjonen"].pk, "adopted_on": "2020-01-01"})
    adoption = made.json()
    refused(
        editor.post(url, {"unit": units_a["Helsestasjonen"].pk, "adopted_on": "2020-01-01"}),
        "unit",
        "Enheten har allerede tatt rutinen i bruk.",
    )
    detail = f"{url}{adoption['id']}/"
    refused(editor.patch(detail, {"confirmed_on": "2021-01-01"}), "version", "påkrevd")
    refused(
        editor.patch(detail, {"version": adoption["version"], "confirmed_on": "2019-12-31"}),
        "confirmed_on",
        "Bekreftet dato kan ikke være før innføringen.",
    )
    refused(
        editor.patch(detail, {"version": adoption["version"], "confirmed_on": None}),
        "confirmed_on",
        "Dette feltet må ikke være tomt.",
    )
    with inside(nordre_land):
        assert UnitAdoption.objects.get(pk=adoption["id"]).confirmed_on is None


# Units ---------------------------------------------------------------------------------------


UNIT_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("no-name", {"name": ""}, "name", "Dette feltet må ikke være blankt."),
    ("taken-name", {"name": "ppt"}, "name", "Kommunen har allerede en enhet som heter «ppt»."),
    ("name-fnr", {"name": f"Enhet {FNR}"}, "name", NATIONAL_ID),
    ("leader-fnr", {"name": "Ny enhet", "leader_name": FNR}, "leader_name", NATIONAL_ID),
    ("unknown-kind", {"name": "Ny enhet", "kind": "sykehus"}, "kind", "er ikke et gyldig valg"),
    ("bad-email", {"name": "Ny enhet", "email": "ikke-epost"}, "email", "gyldig epost-adresse"),
    ("order-huge", {"name": "Ny enhet", "order": HUGE}, "order", "mindre enn eller lik"),
    ("order-negative", {"name": "Ny enhet", "order": -1}, "order", "større enn eller lik 0"),
    ("name-too-long", {"name": "x" * 201}, "name", "200 tegn"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [case[1:] for case in UNIT_CASES],
    ids=[case[0] for case in UNIT_CASES],
)
def test_a_bad_unit_is_refused(body, field, message, units_a, editor, nordre_land) -> None:
    before = counts(nordre_land)
    refused(editor.post("/api/units/", body), field, message)
    assert counts(nordre_land) == before


def test_a_unit_change_needs_its_version(units_a, editor, nordre_land) -> None:
    unit = units_a["PPT"]
    before = counts(nordre_land)
    refused(editor.patch(f"/api/units/{unit.pk}/", {"leader_name": "Ny"}), "version", "Oppgi")
    refused(
        editor.patch(f"/api/units/{unit.pk}/", {"name": "Barnehagene", "version": unit.version}),
        "name",
        "Kommunen har allerede en enhet",
    )
    refused(editor.put(f"/api/units/{unit.pk}/", {"version": unit.version}), "name", "påkrevd")
    assert counts(nordre_land) == before


# Query parameters and ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("unit=PPT", "unit", "En gyldig heltall er nødvendig."),
        (f"unit={GUESSED}", "unit", "finnes ikke i denne kommunen"),
        (f"unit={HUGE}", "unit", "mindre enn eller lik"),
        ("unit=0", "unit", "større enn eller lik 1"),
        ("bti_level=4", "bti_level", "mindre enn eller lik 3"),
        ("bti_level=-1", "bti_level", "større enn eller lik 0"),
        ("bti_level=to", "bti_level", "En gyldig heltall er nødvendig."),
        ("status=gyldig", "status", "er ikke et gyldig valg"),
        ("due=ja", "due", "er ikke et gyldig valg"),
        ("due=2", "due", "er ikke et gyldig valg"),
        ("page=0", "page", "Sidenummeret må være et positivt heltall."),
        ("unit=1%002", "unit", "heltall"),
    ],
)
def test_bad_filters_are_a_norwegian_400(query, field, message, routines_a, editor) -> None:
    refused(editor.get(f"/api/routines/?{query}"), field, message)


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("from=1.5", 400, "from"),
        ("to=zwei", 400, "to"),
        ("from=en&to=1", 400, "from"),
        (f"from=1&to={HUGE}", 400, "to"),
        ("from=0&to=1", 400, "from"),
        ("from=1&to=9", 404, "detail"),
    ],
)
def test_bad_compare_parameters(query, status, field, routines_a, editor) -> None:
    response = editor.get(f"/api/routines/{routines_a[0].pk}/compare/?{query}")
    assert response.status_code == status, response.content
    assert response.json()[field]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/routines/{HUGE}/",
        f"/api/routines/{2**63}/versions/",
        "/api/routines/0/",
        f"/api/units/{HUGE}/",
        "/api/routines/{routine}/versions/0/",
        f"/api/routines/{{routine}}/versions/{HUGE}/",
        f"/api/routines/{{routine}}/adoptions/{HUGE}/",
        f"/api/routines/{{routine}}/compare/?from={2**31}&to=1",
    ],
)
def test_ids_out_of_range_are_not_found_or_refused(path, routines_a, editor) -> None:
    response = editor.get(path.replace("{routine}", str(routines_a[0].pk)))
    assert response.status_code in (400, 404), response.content
    assert response.json()
