"""The plan pages: who reaches them, what they show, and how their forms write.

Requests go to the municipality's host with Django's test client, logged in as a
member; plan rows are read back inside the municipality's schema.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.utils import timezone

from tenants.db import connection
from tenants.plans import services
from tenants.plans.models import Milestone, Plan, PlanStatus, Risk, StatusReport
from tests.conftest import client_for, host_of
from tests.plans.conftest import inside

D = datetime.date


def page(user, municipality):
    return client_for(host_of(municipality), user)


def text_of(response) -> str:
    """The page's text as a person reads it (tags dropped, spaces squeezed)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def current_plan(user, today: datetime.date | None = None) -> Plan:
    """A plan running now, with a milestone ahead, one overdue and an undecided point."""
    today = today or timezone.localdate()
    plan = services.create_plan(
        connection.tenant,
        user,
        {
            "title": "Tidlig innsats",
            "start": today - datetime.timedelta(days=120),
            "end": today + datetime.timedelta(days=300),
            "leaders": ["Synnøve Flått"],
        },
    )
    services.create_milestone(
        connection.tenant,
        plan,
        user,
        {"code": "MP1", "title": "Kartlegging ferdig", "due": today - datetime.timedelta(days=10)},
    )
    services.create_milestone(
        connection.tenant,
        plan,
        user,
        {"code": "MP2", "title": "Rutiner vedtatt", "due": today + datetime.timedelta(days=20)},
    )
    services.create_decision_point(
        connection.tenant,
        plan,
        user,
        {"code": "BP1", "title": "Plan godkjent", "due": today - datetime.timedelta(days=5)},
    )
    services.create_risk(
        connection.tenant,
        plan,
        user,
        {"title": "Enhetene mangler tid", "likelihood": 4, "consequence": 5},
    )
    services.create_risk(
        connection.tenant,
        plan,
        user,
        {"title": "Prosjektleder slutter", "likelihood": 1, "consequence": 4},
    )
    services.create_phase(connection.tenant, plan, user, {"order": 1, "name": "Kartlegging"})
    services.create_phase(
        connection.tenant, plan, user, {"order": 2, "name": "Rutiner", "is_current": True}
    )
    services.create_budget_line(
        connection.tenant,
        plan,
        user,
        {"kind": "cost", "label": "Prosjektleder", "amount": Decimal("150000")},
    )
    services.create_budget_line(
        connection.tenant,
        plan,
        user,
        {"kind": "grant", "label": "Skjønnsmidler", "amount": Decimal("100000"), "settled": False},
    )
    return plan


# Who reaches the pages ----------------------------------------------------------------


PLAN_PATHS = [
    "/planer/{plan}/",
    "/planer/{plan}/rediger/",
    "/planer/{plan}/aktivitetsplan/",
    "/planer/{plan}/milepaeler/",
    "/planer/{plan}/risikoer/",
    "/planer/{plan}/budsjett/",
    "/planer/{plan}/organisering/",
    "/planer/{plan}/milepaeler/{milestone}/",
]


def paths_for(plan: Plan) -> list[str]:
    milestone = plan.milestones.first()
    return [p.format(plan=plan.pk, milestone=milestone.pk) for p in PLAN_PATHS]


def test_other_municipalitys_user_gets_404_on_every_plan_page(plan_a, nordre_land, leader_b):
    # Given Nesseby's leader and Nordre Land's plan
    with inside(nordre_land):
        paths = paths_for(plan_a)
    client = page(leader_b, nordre_land)

    # When they open the plan's pages on Nordre Land's host
    # Then each answers 404, as for a page that does not exist
    for path in [*paths, "/planer/", "/planer/ny/"]:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"title": "x"}).status_code == 404, path


def test_anonymous_is_sent_to_log_in(plan_a, nordre_land):
    # Given nobody logged in
    with inside(nordre_land):
        paths = paths_for(plan_a)
    client = page(None, nordre_land)

    # When they open a plan page, Then they are sent to the login page
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_guessed_ids_of_another_municipalitys_plan_get_404(
    plan_a, plan_b, nordre_land, nesseby, leader_a
):
    # Given Nesseby's plan and a risk in it, and Nordre Land's leader
    with inside(nesseby):
        risk_b = plan_b.risks.first()
    with inside(nordre_land):
        milestone_a = plan_a.milestones.first()
    client = page(leader_a, nordre_land)

    # When the leader types Nesseby's ids into Nordre Land's pages
    guesses = [
        f"/planer/{plan_b.pk + 1000}/",
        f"/planer/{plan_a.pk}/risikoer/{risk_b.pk}/",
        f"/planer/{plan_a.pk}/milepaeler/{milestone_a.pk + 1000}/",
    ]
    if plan_b.pk != plan_a.pk:
        guesses.append(f"/planer/{plan_b.pk}/")

    # Then nothing is found, and nothing is written
    for path in guesses:
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"likelihood": 5, "consequence": 5}).status_code == 404, path
    with inside(nesseby):
        assert Risk.objects.get(pk=risk_b.pk).likelihood == risk_b.likelihood


def test_a_part_of_another_plan_in_the_same_municipality_is_404(plan_a, nordre_land, leader_a):
    # Given two plans in Nordre Land
    with inside(nordre_land):
        other = current_plan(leader_a)
        milestone = other.milestones.first()
    client = page(leader_a, nordre_land)

    # When the milestone of one is opened under the other
    response = client.get(f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/")

    # Then it is not found
    assert response.status_code == 404


# What the pages show ---------------------------------------------------------------


def test_the_home_page_links_to_the_plans(nordre_land, leader_a):
    response = page(leader_a, nordre_land).get("/")
    assert 'href="/planer/"' in response.content.decode()


def test_plan_list_shows_the_plans_and_the_new_plan_button(plan_a, nordre_land, leader_a):
    response = page(leader_a, nordre_land).get("/planer/")
    assert response.status_code == 200
    assert "Barn/unge og tverrfaglig samarbeid" in text_of(response)
    assert "Ny plan" in text_of(response)


def test_overview_shows_what_is_next_overdue_risky_and_the_budget(nordre_land, leader_a):
    # Given a running plan with one milestone ahead, one overdue and an undecided point
    with inside(nordre_land):
        plan = current_plan(leader_a)

    # When its leader opens the overview
    response = page(leader_a, nordre_land).get(f"/planer/{plan.pk}/")
    text = text_of(response)

    # Then the next milestone, the overdue ones, the highest risks, the current phase and
    # the budget balance (with the unsettled grant) are there
    assert response.status_code == 200
    assert "Neste milepæler MP2 Rutiner vedtatt" in text
    assert "1 milepæl forfalt MP1 Kartlegging ferdig" in text
    assert "1 beslutningspunkt ikke besluttet BP1 Plan godkjent" in text
    assert text.index("Enhetene mangler tid") < text.index("Prosjektleder slutter")
    assert "RF 20 (Høy)" in text
    assert "Nåværende fase Rutiner" in text
    assert "Kostnader 150 000,00 kr" in text.replace("\xa0", " ")
    assert "Balanse \u221250 000,00 kr ikke finansiert" in text.replace("\xa0", " ")
    assert "Herav ikke avklart 100 000,00 kr" in text.replace("\xa0", " ")
    # and the export buttons link to the documents
    for name in ("export.docx", "export.pdf", "export.xlsx", "calendar.ics"):
        assert f'href="/api/plans/{plan.pk}/{name}"' in response.content.decode()


def test_overview_of_the_seed_plan_shows_its_overdue_milestones(plan_a, nordre_land, leader_a):
    # Given the Nordre Land plan of 2017–18, whose milestones were never marked done
    response = page(leader_a, nordre_land).get(f"/planer/{plan_a.pk}/")
    text = text_of(response)

    # Then all eight show as overdue, and the unsettled funding is said
    assert "8 milepæler forfalt" in text
    assert "Finansieringen er ikke avklart" in text


def test_gantt_marks_activities_milestones_and_decisions_in_their_months(
    plan_a, nordre_land, leader_a
):
    # Given the Nordre Land plan (section 6.2: HA03 in November 2017, MP2 in February 2018)
    response = page(leader_a, nordre_land).get(f"/planer/{plan_a.pk}/aktivitetsplan/")
    html = response.content.decode()

    # Then it is a table with a caption, column and row headers
    assert response.status_code == 200
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    # and it scrolls inside its own focusable region
    assert 'class="samla-scroll" role="region"' in html and 'tabindex="0"' in html
    # and its months run September 2017 to September 2018 (BP5 falls in September 2018)
    months = re.findall(r'<span class="ds-sr-only">(\w+ \d{4})</span></th>', html)
    assert months[0] == "september 2017" and months[-1] == "september 2018"
    assert len(months) == 13
    # and HA03 is marked in November only
    row = re.search(r"HA03 Kartleggingsarbeid</th>(.*?)</tr>", html, re.S)[1]
    cells = re.findall(r"<td[^>]*>", row)
    assert [i for i, c in enumerate(cells) if "samla-gantt__on" in c] == [2]
    # and MP2 sits in February 2018's column of the milestone row, BP1 in November 2017's
    milestone_row = re.search(r"Milepæler</th>(.*?)</tr>", html, re.S)[1]
    month_cells = re.findall(r"<td[^>]*>(.*?)</td>", milestone_row, re.S)
    assert "MP2" in month_cells[5]
    decision_row = re.search(r"Beslutningspunkter</th>(.*?)</tr>", html, re.S)[1]
    assert "BP1" in re.findall(r"<td[^>]*>(.*?)</td>", decision_row, re.S)[2]


def test_risk_page_shows_the_matrix_with_counts_and_written_levels(plan_b, nesseby, leader_b):
    # Given Nesseby's risk assessment (section 4.2: no. 2 at S4 K4, no. 4 at S3 K4)
    response = page(leader_b, nesseby).get(f"/planer/{plan_b.pk}/risikoer/")
    html = response.content.decode()

    # Then the matrix is a table with both scales as headers
    assert response.status_code == 200
    matrix = re.search(r'<table class="ds-table samla-matrix".*?</table>', html, re.S)[0]
    assert "<caption" in matrix
    assert 'scope="row">5 Meget stor' in matrix and 'scope="col">5 Svært alvorlig' in matrix
    # and each cell says its level in words and counts its risks
    rows = re.findall(r"<tr>(.*?)</tr>", matrix, re.S)[1:]  # likelihood 5 down to 1
    s4 = re.findall(r"<td[^>]*>(.*?)</td>", rows[1], re.S)
    assert "Høy · RF 16" in s4[3] and "1 risiko" in s4[3]
    assert "Prosjektet forankres ikke blant ansatte" in s4[3]
    s1 = re.findall(r"<td[^>]*>(.*?)</td>", rows[4], re.S)
    assert "Lav · RF 2" in s1[1] and "Koordinator utfører ikke" in s1[1]
    assert "ingen" in s1[0]


def test_every_part_page_opens_for_the_leader(plan_a, nordre_land, leader_a):
    client = page(leader_a, nordre_land)
    slugs = [
        "faser", "maal", "tiltak", "milepaeler", "beslutningspunkter", "hovedaktiviteter",
        "risikoer", "suksessfaktorer", "budsjett", "organisering", "moteplan", "moter",
        "rapporter",
    ]  # fmt: skip
    for slug in slugs:
        response = client.get(f"/planer/{plan_a.pk}/{slug}/")
        assert response.status_code == 200, slug
        assert 'name="action" value="save"' in response.content.decode(), slug


def test_organisation_shows_bodies_with_mandate_and_members(plan_a, nordre_land, leader_a):
    response = page(leader_a, nordre_land).get(f"/planer/{plan_a.pk}/organisering/")
    text = text_of(response)
    assert "Styringsgruppe (Styringsgruppe)" in text
    assert "Mandat: Beslutter ved beslutningspunktene" in text
    assert "Rektor Dokka Videregående skole Rektor" in text


def test_budget_page_shows_sums_per_kind_and_balance(plan_a, nordre_land, leader_a):
    response = page(leader_a, nordre_land).get(f"/planer/{plan_a.pk}/budsjett/")
    text = text_of(response).replace("\xa0", " ")
    assert "Kostnader 230 000,00 kr" in text
    assert "Balanse \u2212230 000,00 kr ikke finansiert" in text  # the minus sign


def test_markup_typed_into_a_plan_shows_as_text(nordre_land, leader_a):
    # Given a plan whose title and purpose hold markup
    with inside(nordre_land):
        plan = services.create_plan(
            nordre_land,
            leader_a,
            {
                "title": "<script>alert(1)</script>Plan",
                "purpose": "<b>fet</b>",
                "start": D(2025, 1, 1),
                "end": D(2025, 12, 31),
            },
        )

    # When its overview is shown
    html = page(leader_a, nordre_land).get(f"/planer/{plan.pk}/").content.decode()

    # Then the markup is escaped, not run
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Plan" in html
    assert "&lt;b&gt;fet&lt;/b&gt;" in html


# Forms -----------------------------------------------------------------------------


def test_new_plan_form_creates_a_draft(nordre_land, editor_a):
    # Given an editor on the "Ny plan" form
    client = page(editor_a, nordre_land)
    assert client.get("/planer/ny/").status_code == 200

    # When they fill it in and send it
    response = client.post(
        "/planer/ny/",
        {"title": "Ny plan for BTI", "start": "2026-01-01", "end": "2026-12-31", "leaders": "A\nB"},
    )

    # Then the plan exists as a draft, with its leaders, and they land on its overview
    with inside(nordre_land):
        plan = Plan.objects.get(title="Ny plan for BTI")
    assert plan.status == PlanStatus.DRAFT and plan.leaders == ["A", "B"]
    assert response.status_code == 302 and response["Location"] == f"/planer/{plan.pk}/"


def test_new_plan_with_bad_input_shows_norwegian_errors_and_writes_nothing(nordre_land, leader_a):
    # Given the form filled in wrong: nothing at all, end before start, a date that is no date
    client = page(leader_a, nordre_land)
    response = client.post("/planer/ny/", {})
    assert response.status_code == 400 and "Dette feltet er påkrevd." in text_of(response)
    response = client.post("/planer/ny/", {"title": "", "start": "2026-05-01", "end": "2026-01-01"})
    text = text_of(response)

    # Then the form comes back with the errors next to the fields, and no plan is made
    assert response.status_code == 400
    assert "Ingenting ble lagret" in text
    assert "Dette feltet er påkrevd." in text
    response = client.post(
        "/planer/ny/", {"title": "X", "start": "2026-05-01", "end": "2026-01-01"}
    )
    assert "Slutt kan ikke være før start." in text_of(response)
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(
        "/planer/ny/", {"title": "X", "start": "31.02.2026", "end": "2026-01-01"}
    )
    assert response.status_code == 400 and "Oppgi en gyldig dato." in text_of(response)
    with inside(nordre_land):
        assert not Plan.objects.exists()


def test_a_milestone_outside_the_period_or_with_a_taken_code_is_refused(
    plan_a, nordre_land, editor_a
):
    client = page(editor_a, nordre_land)
    url = f"/planer/{plan_a.pk}/milepaeler/"

    # When a milestone falls after the plan's end
    response = client.post(
        url, {"code": "MP9", "title": "Sent", "due": "2019-01-01", "status": "planned"}
    )
    # Then the date field says why
    assert response.status_code == 400
    assert "Datoen må ligge innenfor planperioden (01.09.2017–31.08.2018)." in text_of(response)

    # When a code already used is given again
    response = client.post(
        url, {"code": "mp1", "title": "Igjen", "due": "2018-01-01", "status": "planned"}
    )
    assert response.status_code == 400
    assert "Nummeret «mp1» er allerede brukt i denne planen." in text_of(response)

    # Then nothing was written
    with inside(nordre_land):
        assert plan_a.milestones.count() == 8


def test_an_editor_adds_and_changes_a_milestone(plan_a, nordre_land, editor_a):
    client = page(editor_a, nordre_land)
    url = f"/planer/{plan_a.pk}/milepaeler/"
    response = client.post(
        url, {"code": "MP9", "title": "Evaluering", "due": "2018-06-01", "status": "planned"}
    )
    assert response.status_code == 302
    with inside(nordre_land):
        milestone = plan_a.milestones.get(code="MP9")
    response = client.post(
        f"{url}{milestone.pk}/",
        {
            "code": "MP9", "title": "Evaluering gjort", "due": "2018-06-01", "status": "done",
            "version": milestone.version,
        },
    )  # fmt: skip
    assert response.status_code == 302
    with inside(nordre_land):
        milestone.refresh_from_db()
    assert milestone.title == "Evaluering gjort" and milestone.status == "done"
    assert milestone.version == 2


def test_a_risk_outside_the_scale_is_refused_in_norwegian(plan_a, nordre_land, editor_a):
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/risikoer/",
        {"title": "For høy", "likelihood": "7", "consequence": "0", "status": "open"},
    )
    assert response.status_code == 400
    assert "Velg et gyldig valg. 7 er ikke et av de tilgjengelige valgene." in text_of(response)
    with inside(nordre_land):
        assert not plan_a.risks.filter(title="For høy").exists()


def test_a_national_identity_number_is_refused(plan_a, nordre_land, editor_a):
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/risikoer/",
        {"title": "Gjelder 01010012356", "likelihood": "2", "consequence": "2", "status": "open"},
    )
    assert response.status_code == 400
    assert "fødselsnummer" in text_of(response)


def test_pasted_control_characters_are_refused(plan_a, nordre_land, editor_a):
    with inside(nordre_land):
        before = Risk.objects.count()
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/risikoer/",
        {"title": "Tid\x0bsnød", "likelihood": "2", "consequence": "2", "status": "open"},
    )
    assert response.status_code == 400
    assert "kontrolltegn" in text_of(response)
    with inside(nordre_land):
        assert Risk.objects.count() == before


def test_a_body_is_saved_with_its_members(plan_a, nordre_land, editor_a):
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/organisering/",
        {
            "kind": "project", "name": "Framdriftsgruppe", "mandate": "Gjør arbeidet", "order": "2",
            "members": "Synnøve Flått | Prosjektleder | Velferd | Leder\nKari | Helsesykepleier",
        },
    )  # fmt: skip
    assert response.status_code == 302
    with inside(nordre_land):
        body = plan_a.bodies.get(name="Framdriftsgruppe")
        members = [(m.name, m.title, m.unit, m.role) for m in body.members.all()]
    assert members == [
        ("Synnøve Flått", "Prosjektleder", "Velferd", "Leder"),
        ("Kari", "Helsesykepleier", "", ""),
    ]


def test_a_meeting_is_saved_with_minutes(plan_a, nordre_land, editor_a):
    client = page(editor_a, nordre_land)
    response = client.post(
        f"/planer/{plan_a.pk}/moter/",
        {
            "title": "Styringsgruppemøte", "held_on": "2018-02-01", "attendees": "Rådmann\nPL",
            "decisions": "Kartleggingen godkjennes",
            "actions": "Sende rapport | PL | 2018-02-15\nInnkalle | Rådmann | | x",
        },
    )  # fmt: skip
    assert response.status_code == 302
    text = text_of(client.get(f"/planer/{plan_a.pk}/moter/"))
    assert "Til stede: Rådmann, PL" in text
    assert "Kartleggingen godkjennes" in text
    assert "Sende rapport PL 2018-02-15 Nei" in text
    # a due date that is no date is refused
    response = client.post(
        f"/planer/{plan_a.pk}/moter/",
        {"title": "M", "held_on": "2018-02-01", "actions": "Gjøre | PL | i morgen"},
    )
    assert response.status_code == 400
    assert "Punkt 1: fristen må være en dato (ÅÅÅÅ-MM-DD)." in text_of(response)


def test_an_activity_takes_months(plan_a, nordre_land, editor_a):
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/hovedaktiviteter/",
        {"code": "HA11", "name": "Plandokumenter", "start_month": "2017-11", "end_month": "2018-01",
         "status": "planned"},
    )  # fmt: skip
    assert response.status_code == 302
    with inside(nordre_land):
        activity = plan_a.activities.get(code="HA11")
    assert (activity.start_month, activity.end_month) == (D(2017, 11, 1), D(2018, 1, 1))


# Roles -----------------------------------------------------------------------------


def test_a_viewer_sees_no_edit_controls_and_cannot_write(plan_a, nordre_land, viewer_a):
    client = page(viewer_a, nordre_land)
    with inside(nordre_land):
        milestone = plan_a.milestones.get(code="MP1")

    # When a viewer opens the pages, Then there are no forms to change anything
    for path in (
        "/planer/",
        f"/planer/{plan_a.pk}/",
        f"/planer/{plan_a.pk}/milepaeler/",
        f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/",
    ):
        html = client.get(path).content.decode()
        assert 'name="action"' not in html, path
        assert "Ny plan" not in html and "hx-get" not in html, path
    assert "Prosjektplan utarbeidd" in text_of(
        client.get(f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/")
    )

    # and htmx asking for a row's form gets the row as it is
    row = client.get(
        f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/", {"row": "form"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert row.startswith("<tr") and "<form" not in row and "Prosjektplan utarbeidd" in row

    # When they post anyway, Then they are refused and nothing changes
    assert (
        client.post(
            "/planer/ny/", {"title": "X", "start": "2026-01-01", "end": "2026-02-01"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/",
            {"form": "quick", "status": "done", "due": "2017-11-01", "version": 1},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/", {"action": "delete"}
        ).status_code
        == 403
    )
    assert client.post(f"/planer/{plan_a.pk}/", {"action": "approve"}).status_code == 403
    with inside(nordre_land):
        milestone.refresh_from_db()
        assert milestone.status == "planned" and Plan.objects.count() == 1


def test_only_the_leader_approves_the_plan(plan_a, nordre_land, leader_a, editor_a):
    # Given a draft plan: the editor sees no approve button and is refused
    html = page(editor_a, nordre_land).get(f"/planer/{plan_a.pk}/").content.decode()
    assert "Godkjenn plan" not in html
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/", {"action": "approve", "version": plan_a.version}
    )
    assert response.status_code == 403

    # When the leader approves it
    client = page(leader_a, nordre_land)
    assert "Godkjenn plan" in client.get(f"/planer/{plan_a.pk}/").content.decode()
    response = client.post(
        f"/planer/{plan_a.pk}/", {"action": "approve", "version": plan_a.version}
    )

    # Then it is approved, by the leader, today
    assert response.status_code == 302
    with inside(nordre_land):
        plan_a.refresh_from_db()
    assert plan_a.status == PlanStatus.APPROVED and plan_a.approved_on == timezone.localdate()


def test_the_leader_submits_a_report_and_it_freezes(plan_a, nordre_land, leader_a, editor_a):
    # Given a report draft made by an editor
    editor = page(editor_a, nordre_land)
    response = editor.post(
        f"/planer/{plan_a.pk}/rapporter/",
        {"kind": "status", "date": "2018-03-01", "summary": "Kartleggingen er i gang."},
    )
    assert response.status_code == 302
    with inside(nordre_land):
        report = StatusReport.objects.get(plan=plan_a)
    url = f"/planer/{plan_a.pk}/rapporter/{report.pk}/"
    # the editor may not submit it
    assert "Send inn rapporten" not in editor.get(url).content.decode()
    assert editor.post(url, {"action": "submit", "version": report.version}).status_code == 403

    # When the leader submits it
    leader = page(leader_a, nordre_land)
    response = leader.post(url, {"action": "submit", "version": report.version})

    # Then it is frozen with the milestones of the day, and shows no form any more
    assert response.status_code == 302
    html = leader.get(url).content.decode()
    assert "Rapporten er låst" in html and 'name="action"' not in html
    assert "Prosjektplan utarbeidd" in html
    response = leader.post(
        url, {"kind": "status", "date": "2018-03-02", "version": report.version + 1}
    )
    assert response.status_code == 400
    with inside(nordre_land):
        report.refresh_from_db()
    assert report.is_submitted and report.date == D(2018, 3, 1)


# Inline edits and concurrent changes --------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_milestone_row_swaps_to_a_form_and_back(plan_a, nordre_land, editor_a):
    client = page(editor_a, nordre_land)
    with inside(nordre_land):
        milestone = plan_a.milestones.get(code="MP1")
    url = f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/"

    # When htmx asks for the row's form
    response = client.get(url, {"row": "form"}, **HTMX)
    html = response.content.decode()
    # Then it gets one table row with status and date fields, not a whole page
    assert html.startswith("<tr") and "<html" not in html
    assert 'name="status"' in html and 'name="due"' in html and f'hx-post="{url}"' in html

    # When the form is sent
    response = client.post(
        url,
        {"form": "quick", "status": "done", "due": "2017-11-02", "version": milestone.version},
        **HTMX,
    )
    # Then the row comes back showing the new status and date
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("<tr")
    assert "Nådd" in html and "02.11.2017" in html
    with inside(nordre_land):
        milestone.refresh_from_db()
    assert milestone.status == "done" and milestone.done_on is not None


def test_a_row_request_for_a_part_without_inline_edit_gets_the_page(plan_a, nordre_land, editor_a):
    with inside(nordre_land):
        point = plan_a.decision_points.first()
    response = page(editor_a, nordre_land).get(
        f"/planer/{plan_a.pk}/beslutningspunkter/{point.pk}/", {"row": "show"}, **HTMX
    )
    assert response.status_code == 200 and "<html" in response.content.decode()


def test_inline_edit_with_a_bad_date_answers_400_with_the_error_in_the_row(
    plan_a, nordre_land, editor_a
):
    client = page(editor_a, nordre_land)
    with inside(nordre_land):
        milestone = plan_a.milestones.get(code="MP1")
    response = client.post(
        f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/",
        {"form": "quick", "status": "done", "due": "2030-01-01", "version": milestone.version},
        **HTMX,
    )
    assert response.status_code == 400
    assert response.content.decode().startswith("<tr")
    assert "Datoen må ligge innenfor planperioden" in text_of(response)
    with inside(nordre_land):
        milestone.refresh_from_db()
    assert milestone.status == "planned"


def test_risk_likelihood_and_consequence_change_inline(plan_b, nesseby, leader_b):
    client = page(leader_b, nesseby)
    with inside(nesseby):
        risk = plan_b.risks.get(likelihood=1, consequence=2)
    url = f"/planer/{plan_b.pk}/risikoer/{risk.pk}/"
    form = client.get(url, {"row": "form"}, **HTMX).content.decode()
    assert 'name="likelihood"' in form and 'name="consequence"' in form
    response = client.post(
        url,
        {"form": "quick", "likelihood": "3", "consequence": "5", "version": risk.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert "15 (Høy)" in text_of(response)
    with inside(nesseby):
        risk.refresh_from_db()
    assert (risk.likelihood, risk.consequence, risk.score) == (3, 5, 15)


def test_a_stale_inline_edit_answers_409_with_the_current_values(
    plan_a, nordre_land, editor_a, leader_a
):
    # Given someone else changed the milestone after the editor opened it
    with inside(nordre_land):
        milestone = plan_a.milestones.get(code="MP1")
        services.update_milestone(
            nordre_land, milestone, leader_a, {"status": "in_progress"}, version=1
        )
    client = page(editor_a, nordre_land)

    # When the editor saves the version they had
    response = client.post(
        f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/",
        {"form": "quick", "status": "done", "due": "2017-11-01", "version": 1},
        **HTMX,
    )

    # Then they are told, shown the current values, and their change is not written
    assert response.status_code == 409
    html = response.content.decode()
    assert "Noen andre har endret dette mens du redigerte" in text_of(response)
    assert '<option value="in_progress" selected>' in html
    assert 'name="version" value="2"' in html
    with inside(nordre_land):
        milestone.refresh_from_db()
    assert milestone.status == "in_progress"


def test_a_stale_full_edit_without_javascript_shows_the_current_values(
    plan_a, nordre_land, editor_a, leader_a
):
    with inside(nordre_land):
        milestone = plan_a.milestones.get(code="MP2")
        services.update_milestone(
            nordre_land, milestone, leader_a, {"title": "Nåsituasjon kartlagt"}, version=1
        )
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/",
        {
            "code": "MP2",
            "title": "Min tittel",
            "due": "2018-02-01",
            "status": "planned",
            "version": 1,
        },
    )
    assert response.status_code == 409
    assert "Noen andre har endret dette" in text_of(response)
    assert 'value="Nåsituasjon kartlagt"' in response.content.decode()


def test_deleting_a_goal_with_sub_goals_is_refused_with_a_message(plan_a, nordre_land, editor_a):
    with inside(nordre_land):
        main = services.create_goal(
            nordre_land, plan_a, editor_a, {"level": "main", "text": "Hovedmål"}
        )
        services.create_goal(
            nordre_land, plan_a, editor_a, {"level": "impact", "text": "Effekt", "parent": main.pk}
        )
    client = page(editor_a, nordre_land)
    response = client.post(f"/planer/{plan_a.pk}/maal/{main.pk}/", {"action": "delete"})
    assert response.status_code == 400
    assert "Målet har undermål" in text_of(response)
    # the tree shows the sub-goal under its parent
    text = text_of(client.get(f"/planer/{plan_a.pk}/maal/"))
    assert text.index("Hovedmål") < text.index("↳ Effekt")


def test_a_milestone_can_be_deleted(plan_a, nordre_land, editor_a):
    with inside(nordre_land):
        milestone = plan_a.milestones.get(code="MP8")
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/milepaeler/{milestone.pk}/", {"action": "delete"}
    )
    assert response.status_code == 302
    with inside(nordre_land):
        assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_stale_plan_edit_answers_409_and_writes_nothing(plan_a, nordre_land, editor_a, leader_a):
    # Given the leader approved the plan after the editor opened its form (version 1)
    with inside(nordre_land):
        services.approve_plan(nordre_land, plan_a, leader_a)
    # When the editor saves the form they had
    response = page(editor_a, nordre_land).post(
        f"/planer/{plan_a.pk}/rediger/",
        {"title": "Ny tittel", "start": "2017-09-01", "end": "2018-08-31", "status": "draft",
         "version": 1},
    )  # fmt: skip
    # Then they are told, see the approved plan's values, and nothing of theirs is written
    assert response.status_code == 409
    assert "Noen andre har endret dette" in text_of(response)
    assert '<option value="approved" selected>' in response.content.decode()
    with inside(nordre_land):
        plan_a.refresh_from_db()
    assert plan_a.title == "Barn/unge og tverrfaglig samarbeid"
    assert plan_a.status == PlanStatus.APPROVED
