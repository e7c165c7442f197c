"""The coordinator's pages of a network's plan templates (`/nettverk/<slug>/maler/…`).

Given network X (Nordre Land is its member) with its coordinator, and network Y with its
own: X's coordinator creates a template from a built-in blueprint or a copy, edits its
details and rows (a bad row saves nothing and says why by the field), publishes, sees what
changed between versions, and deletes a draft (a published one is refused on the page).
Y's coordinator gets 404 on every page and POST; an anonymous visitor the login page;
Nordre Land's leader sees published templates read-only and cannot write. A save from a
stale page is refused with a message (409). The list's query count is flat.
"""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.plantemplates import services
from networks.plantemplates.models import PlanTemplate
from tests.conftest import PUBLIC_HOST, client_for
from tests.plantemplates.conftest import template_content

pytestmark = pytest.mark.django_db

LIST = "/nettverk/nettverk-x/maler/"


def detail(template: PlanTemplate) -> str:
    return f"{LIST}{template.pk}/"


def rows_post(template: PlanTemplate, part: str, rows: list[dict], **extra) -> dict:
    """The part's formset as the page sends it: the rows, then one empty row to add."""
    data = {
        "action": "part",
        "part": part,
        "version": template.version,
        f"{part}-TOTAL_FORMS": len(rows) + 1,
        f"{part}-INITIAL_FORMS": len(rows),
        f"{part}-MIN_NUM_FORMS": 0,
        f"{part}-MAX_NUM_FORMS": 100,
        **extra,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{part}-{index}-{name}"] = value
    return data


def milestone_rows(template: PlanTemplate) -> list[dict]:
    rows = []
    for row in template.content["milestones"]:
        at = row["at"]
        rows.append(
            {
                "code": row["code"],
                "title": row["title"],
                "at_months": at[0],
                "at_days": at[1] if len(at) > 1 else "",
                "text": row.get("text", ""),
            }
        )
    return rows


def test_the_coordinator_creates_a_template_from_a_blueprint_and_from_a_copy(
    coordinator_x, network_x, template_x
):
    client = client_for(PUBLIC_HOST, coordinator_x)
    page = client.get(LIST).content.decode()
    assert "0–24-plan" in page and "Ny planmal" in page
    assert 'value="blueprint:ks-prosjektplan"' in page
    assert f'value="template:{template_x.pk}"' in page

    response = client.post(
        LIST, {"title": "Ny mal", "description": "Fra KS", "start": "blueprint:ks-prosjektplan"}
    )
    assert response.status_code == 302
    made = PlanTemplate.objects.get(title="Ny mal")
    assert response["Location"] == detail(made)
    assert made.network == network_x and not made.is_published
    assert made.content["milestones"]  # the blueprint's

    client.post(LIST, {"title": "Kopi", "start": f"template:{template_x.pk}"})
    assert PlanTemplate.objects.get(title="Kopi").content == template_x.content

    page = client.get(LIST).content.decode()
    assert "Utkast, ikke publisert" in page and "Som publisert" in page


def test_a_bad_new_template_is_refused_and_nothing_saved(coordinator_x, network_x):
    client = client_for(PUBLIC_HOST, coordinator_x)
    response = client.post(LIST, {"title": " ", "start": "blueprint:finnes-ikke"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ingenting ble lagret" in text
    assert "Velg et gyldig valg" in text or "gyldig" in text
    assert not PlanTemplate.objects.exists()


def test_the_detail_page_shows_the_content_by_part(coordinator_x, template_x):
    page = client_for(PUBLIC_HOST, coordinator_x).get(detail(template_x)).content.decode()
    assert "<h1" in page and "0–24-plan" in page
    for text in (
        "Kartlegging",
        "Alle barn får hjelp tidlig",
        "Arbeidsmål",
        "MP1",
        "måned 5",
        "måned 12, 1 dag før",
        "BP1",
        "HA01",
        "Styringsgruppe",
    ):
        assert text in page, text
    assert "Rediger malen" in page and "Publiser som versjon 2" in page


def test_the_coordinator_edits_details_and_rows(coordinator_x, template_x):
    client = client_for(PUBLIC_HOST, coordinator_x)
    response = client.post(
        detail(template_x),
        {
            "action": "details",
            "version": template_x.version,
            "title": "0–24-plan, ny",
            "description": "Ny tekst",
            "months": 18,
        },
    )
    assert response.status_code == 302
    template_x.refresh_from_db()
    assert template_x.title == "0–24-plan, ny" and template_x.content["months"] == 18

    rows = milestone_rows(template_x)
    rows[1]["title"] = "Rutiner godkjent"
    data = rows_post(
        template_x,
        "milestones",
        rows,
        **{
            "milestones-2-code": "MP3",
            "milestones-2-title": "Evaluering",
            "milestones-2-at_months": "11",
        },
    )
    response = client.post(detail(template_x), data)
    assert response.status_code == 302
    template_x.refresh_from_db()
    assert [m["code"] for m in template_x.content["milestones"]] == ["MP1", "MP2", "MP3"]
    assert template_x.content["milestones"][1]["title"] == "Rutiner godkjent"
    assert template_x.content["milestones"][2]["at"] == [11]
    assert template_x.content["milestones"][0]["text"] == "Rapport"  # kept

    # Removing a row: the decision point goes.
    points = [{"code": "BP1", "title": "Plan godkjent", "at_months": 2, "DELETE": "on"}]
    response = client.post(detail(template_x), rows_post(template_x, "decision_points", points))
    assert response.status_code == 302
    template_x.refresh_from_db()
    assert template_x.content["decision_points"] == []
    page = client.get(detail(template_x)).content.decode()
    assert "Endret siden siste publisering" in page and "MP3 Evaluering" in page


def test_bad_rows_are_refused_by_the_field_and_nothing_saved(coordinator_x, template_x):
    client = client_for(PUBLIC_HOST, coordinator_x)
    before = copy.deepcopy(template_x.content)
    version = template_x.version
    rows = milestone_rows(template_x)
    rows[1]["code"] = "MP1"  # twice
    response = client.post(detail(template_x), rows_post(template_x, "milestones", rows))
    assert response.status_code == 400
    assert "Nummeret «MP1» står to ganger." in response.content.decode()

    rows = milestone_rows(template_x)
    rows[0]["title"] = "x" * 5000  # too long: the form's own check
    rows[1]["at_months"] = "snart"
    response = client.post(detail(template_x), rows_post(template_x, "milestones", rows))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ingenting ble lagret" in text and 'id="id_milestones-1-at_months-error"' in text

    # Removing MP1, which the main activity HA01 names: validate_content refuses.
    rows = milestone_rows(template_x)
    rows[0]["DELETE"] = "on"
    response = client.post(detail(template_x), rows_post(template_x, "milestones", rows))
    assert response.status_code == 400
    assert "Bare nummer på milepæler i malen." in response.content.decode()

    # A phase with an empty name (whitespace): the service's message by the field.
    phases = [
        {"name": "   ", "description": "", "start_months": 0, "end_months": 5},
        {"name": "Rutiner", "description": "", "start_months": 5, "end_months": 12},
    ]
    response = client.post(detail(template_x), rows_post(template_x, "phases", phases))
    assert response.status_code == 400
    assert 'id="id_phases-0-name-error"' in response.content.decode()

    response = client.post(
        detail(template_x),
        {"action": "details", "version": version, "title": "", "months": 500},
    )
    assert response.status_code == 400
    template_x.refresh_from_db()
    assert template_x.content == before and template_x.version == version
    assert template_x.title == "0–24-plan"


def test_a_stale_save_is_refused(coordinator_x, operator, template_x):
    client = client_for(PUBLIC_HOST, coordinator_x)
    old_version = template_x.version
    services.update_template(operator, template_x, {"title": "Av driften"}, version=old_version)
    rows = milestone_rows(template_x)
    rows[0]["title"] = "Min endring"
    data = rows_post(template_x, "milestones", rows)
    data["version"] = old_version
    response = client.post(detail(template_x), data)
    assert response.status_code == 409
    assert "Noen andre har lagret malen" in response.content.decode()
    response = client.post(detail(template_x), {"action": "publish", "version": old_version})
    assert response.status_code == 409
    template_x.refresh_from_db()
    assert template_x.title == "Av driften"
    assert template_x.content["milestones"][0]["title"] == "Kartlegging ferdig"
    assert template_x.published_version == 1


def test_the_coordinator_publishes_and_sees_what_changed(coordinator_x, template_x):
    client = client_for(PUBLIC_HOST, coordinator_x)
    response = client.post(detail(template_x), {"action": "publish", "version": template_x.version})
    assert response.status_code == 400  # nothing changed since version 1
    assert "Ingenting er endret siden versjon 1." in response.content.decode()

    content = copy.deepcopy(template_x.content)
    content["milestones"][1]["at"] = [9]
    content["milestones"].append({"code": "MP3", "title": "Evaluering", "at": [11]})
    template = services.update_template(
        coordinator_x, template_x, {"content": content}, version=template_x.version
    )
    response = client.post(detail(template), {"action": "publish", "version": template.version})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.published_version == 2
    page = client.get(detail(template)).content.decode()
    assert "Versjon 2, publisert" in page and "Versjon 1, publisert" in page
    assert "MP3 Evaluering" in page and "tidspunkt: måned 8 → måned 9" in page


def test_delete_a_draft_and_the_page_says_a_published_one_cannot_go(
    coordinator_x, template_x, draft_x
):
    client = client_for(PUBLIC_HOST, coordinator_x)
    response = client.post(detail(template_x), {"action": "delete"})
    assert response.status_code == 400
    assert "En publisert mal kan ikke slettes" in response.content.decode()
    assert PlanTemplate.objects.filter(pk=template_x.pk).exists()

    response = client.post(detail(draft_x), {"action": "delete"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not PlanTemplate.objects.filter(pk=draft_x.pk).exists()


def test_another_networks_coordinator_gets_404_everywhere(coordinator_y, template_x, draft_x):
    client = client_for(PUBLIC_HOST, coordinator_y)
    before = PlanTemplate.objects.get(pk=template_x.pk)
    assert client.get(LIST).status_code == 404
    assert (
        client.post(LIST, {"title": "Inn", "start": "blueprint:ks-prosjektplan"}).status_code == 404
    )
    for template in (template_x, draft_x):
        assert client.get(detail(template)).status_code == 404
        for action in ("details", "publish", "delete"):
            data = {"action": action, "version": template.version, "title": "Y", "months": 3}
            assert client.post(detail(template), data).status_code == 404
    # A guessed id, and a template under another network's slug.
    assert client.get(f"{LIST}999999/").status_code == 404
    assert client.get(f"/nettverk/nettverk-y/maler/{template_x.pk}/").status_code == 404
    assert PlanTemplate.objects.count() == 2
    after = PlanTemplate.objects.get(pk=template_x.pk)
    assert (after.title, after.version) == (before.title, before.version)


def test_anonymous_is_sent_to_login(template_x):
    client = client_for(PUBLIC_HOST)
    for path in (LIST, detail(template_x)):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        response = client.post(path, {"action": "delete"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert PlanTemplate.objects.filter(pk=template_x.pk).exists()


def test_a_member_sees_published_templates_read_only_and_cannot_write(
    leader_a, template_x, draft_x
):
    client = client_for(PUBLIC_HOST, leader_a)
    page = client.get(LIST).content.decode()
    assert "0–24-plan" in page and "Utkast" not in page and "Ny planmal" not in page
    page = client.get(detail(template_x)).content.decode()
    assert "MP1" in page and "Rediger malen" not in page and "Slett malen" not in page
    assert client.get(detail(draft_x)).status_code == 404
    version = template_x.version
    assert (
        client.post(LIST, {"title": "Inn", "start": "blueprint:ks-prosjektplan"}).status_code == 403
    )
    for action in ("details", "publish", "delete"):
        data = {"action": action, "version": version, "title": "Kommunens", "months": 3}
        assert client.post(detail(template_x), data).status_code == 403
    assert client.post(detail(draft_x), {"action": "delete"}).status_code == 404
    template_x.refresh_from_db()
    assert template_x.version == version and template_x.title == "0–24-plan"
    assert PlanTemplate.objects.count() == 2


def test_a_member_sees_the_published_version_not_the_working_copy(
    leader_a, coordinator_x, template_x
):
    content = copy.deepcopy(template_x.content)
    content["milestones"].append({"code": "MP9", "title": "Hemmelig utkast", "at": [10]})
    template = services.update_template(
        coordinator_x,
        template_x,
        {"title": "Ny tittel i arbeid", "content": content},
        version=template_x.version,
    )
    page = client_for(PUBLIC_HOST, leader_a).get(detail(template)).content.decode()
    assert "0–24-plan" in page
    assert "Ny tittel i arbeid" not in page and "MP9" not in page
    page = client_for(PUBLIC_HOST, coordinator_x).get(detail(template)).content.decode()
    assert "Ny tittel i arbeid" in page and "MP9 Hemmelig utkast" in page
    assert "Endret</strong> tittel" in page


def test_a_post_without_the_version_saves_nothing(coordinator_x, template_x):
    client = client_for(PUBLIC_HOST, coordinator_x)
    data = {"action": "details", "title": "Uten versjon", "months": 12}
    response = client.post(detail(template_x), data)
    assert response.status_code == 400
    assert "Ingenting ble lagret" in response.content.decode()
    data = rows_post(template_x, "milestones", milestone_rows(template_x))
    del data["version"]
    response = client.post(detail(template_x), data)
    assert response.status_code == 400
    assert "Oppgi versjonen" in response.content.decode()
    assert client.post(detail(template_x), {"action": "ukjent"}).status_code == 400
    template_x.refresh_from_db()
    assert template_x.title == "0–24-plan" and template_x.version == 2


def test_an_operator_manages_the_templates(operator, template_x):
    client = client_for(PUBLIC_HOST, operator)
    assert "Ny planmal" in client.get(LIST).content.decode()
    assert "Rediger malen" in client.get(detail(template_x)).content.decode()


def _count(user, path) -> int:
    client = client_for(PUBLIC_HOST, user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith("SET search_path"))


def test_the_list_query_count_is_the_same_for_1_and_5_templates(coordinator_x, network_x):
    def make(title: str) -> None:
        template = services.create_template(
            coordinator_x, network_x, {"title": title, "content": template_content()}
        )
        services.publish_template(coordinator_x, template, version=template.version)

    make("Mal 1")
    one = _count(coordinator_x, LIST)
    for n in range(2, 6):
        make(f"Mal {n}")
    assert _count(coordinator_x, LIST) == one
