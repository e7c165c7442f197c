"""The gatherings' pages: the coordinator's list, gathering, live screen (polled fragment
with ETag), projection and evaluation; the join page and the anonymous evaluation.

Given network X's gathering with a grid task and a scale task: its coordinator sees
everything, Nordre Land's leader sees the gathering and registers, Y's coordinator gets 404,
an anonymous visitor is sent to log in, and a join code reaches exactly its municipality's
answers to this gathering's open tasks.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.gatherings import limits, services
from networks.gatherings.models import Answer, EvaluationSubmission, JoinCode, Registration
from tests.conftest import PUBLIC_HOST, client_for, host_of, make_member
from tests.gatherings.conftest import GRID_ANSWER, soon

pytestmark = pytest.mark.django_db


def pages_of(gathering, municipality) -> list[str]:
    return [
        f"/nettverk/{gathering.network.slug}/samlinger/",
        f"/samlinger/{gathering.pk}/",
        f"/samlinger/{gathering.pk}/direkte/",
        f"/samlinger/{gathering.pk}/visning/{municipality.pk}/",
        f"/samlinger/{gathering.pk}/evaluering/",
    ]


def test_the_coordinator_sees_every_page(
    coordinator_x, gathering, grid_task, nordre_land, leader_a
):
    services.submit_answer(leader_a, grid_task, None, GRID_ANSWER)
    browser = client_for(PUBLIC_HOST, coordinator_x)
    for path in pages_of(gathering, nordre_land):
        answer = browser.get(path)
        assert answer.status_code == 200, path
    live = browser.get(f"/samlinger/{gathering.pk}/direkte/").content.decode()
    code = JoinCode.objects.get(gathering=gathering, municipality=nordre_land).code
    assert code in live and f"/svar/{code}/" in live and "<svg" in live
    assert 'hx-trigger="every 3s"' in live
    assert "Familiens hus samler tjenestene" in live


def test_members_see_the_gathering_but_not_the_coordinators_pages(leader_a, gathering, nordre_land):
    browser = client_for(PUBLIC_HOST, leader_a)
    first, second, *managers = pages_of(gathering, nordre_land)
    assert browser.get(first).status_code == 200
    assert browser.get(second).status_code == 200
    for path in managers:
        assert browser.get(path).status_code == 403, path


def test_a_member_finds_the_answer_page_of_their_own_municipality_only(
    leader_a, viewer_a, grid_task, nordre_land, network_x, nesseby
):
    network_x.municipalities.add(nesseby)
    services.ensure_join_codes(grid_task.gathering)
    codes = {
        c.municipality.slug: c.code for c in JoinCode.objects.filter(gathering=grid_task.gathering)
    }
    page = client_for(PUBLIC_HOST, leader_a).get(f"/samlinger/{grid_task.gathering.pk}/")
    text = page.content.decode()
    assert f"/svar/{codes['nordre-land']}/" in text
    assert codes["nesseby"] not in text and "Unjárga" not in text
    # a reader does not answer for the municipality
    reader = client_for(PUBLIC_HOST, viewer_a).get(f"/samlinger/{grid_task.gathering.pk}/")
    assert codes["nordre-land"] not in reader.content.decode()


def test_others_get_404_anonymous_logs_in_and_municipality_hosts_do_not_serve_them(
    coordinator_y, leader_b, gathering, nordre_land
):
    for user in (coordinator_y, leader_b):
        browser = client_for(PUBLIC_HOST, user)
        for path in pages_of(gathering, nordre_land):
            assert browser.get(path).status_code == 404, (user, path)
    anonymous = client_for(PUBLIC_HOST)
    for path in pages_of(gathering, nordre_land):
        answer = anonymous.get(path)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"], path
    tenant = client_for(host_of(nordre_land), leader_b)
    assert tenant.get(f"/samlinger/{gathering.pk}/").status_code == 404
    assert client_for(PUBLIC_HOST, coordinator_y).get("/samlinger/987654/").status_code == 404


def test_a_member_registers_on_the_page(leader_a, gathering):
    browser = client_for(PUBLIC_HOST, leader_a)
    done = browser.post(
        f"/samlinger/{gathering.pk}/",
        {"action": "register", "participants": "Kari Nordmann; Rektor; Skolen\nOla; ; PPT"},
    )
    assert done.status_code == 302
    people = Registration.objects.get().participants.all()
    assert [(p.name, p.role, p.unit) for p in people] == [
        ("Kari Nordmann", "Rektor", "Skolen"),
        ("Ola", "", "PPT"),
    ]
    full = browser.post(
        f"/samlinger/{gathering.pk}/",
        {"action": "register", "participants": "\n".join(["Person"] * 11)},
    )
    assert full.status_code == 400
    assert "full" in full.content.decode()
    assert Registration.objects.get().participants.count() == 2


def test_the_live_fragment_is_cheap_and_304_while_nothing_changed(
    coordinator_x, gathering, grid_task, leader_a, network_x
):
    from tenants.models import Municipality

    browser = client_for(PUBLIC_HOST, coordinator_x)
    path = f"/samlinger/{gathering.pk}/direkte/"
    services.submit_answer(leader_a, grid_task, None, GRID_ANSWER)
    first = browser.get(path, HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and "<h1" not in first.content.decode()
    etag = first["ETag"]
    same = browser.get(path, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=etag)
    assert same.status_code == 304
    with CaptureQueriesContext(connection) as few:
        browser.get(path, HTTP_HX_REQUEST="true")
    # more municipalities answer: the fragment changes, its queries do not grow
    for other in Municipality.objects.without_public().exclude(slug="nordre-land"):
        network_x.municipalities.add(other)
        services.submit_answer(make_member(other, f"l.{other.slug}"), grid_task, None, GRID_ANSWER)
    changed = browser.get(path, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    with CaptureQueriesContext(connection) as many:
        browser.get(path, HTTP_HX_REQUEST="true")
    assert len(many) == len(few)
    # the request's own (host, session, user), access (two), the change marker, tasks,
    # answers: eight, whatever the number of answers (django-tenants sets the search path
    # before each)
    real = [q for q in few.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(real) <= 8


# Join codes -----------------------------------------------------------------------------------


def test_the_join_code_leads_to_the_municipalitys_open_tasks(
    grid_task, scale_task, coordinator_x, nordre_land
):
    code = JoinCode.objects.get(gathering=grid_task.gathering, municipality=nordre_land).code
    anonymous = client_for(PUBLIC_HOST)
    assert anonymous.get("/svar/").status_code == 200
    entered = anonymous.post("/svar/", {"code": f" {code[:3].lower()}-{code[3:]} "})
    assert entered.status_code == 302 and entered["Location"] == f"/svar/{code}/"
    page = anonymous.get(f"/svar/{code}/").content.decode()
    assert "Nordre Land" in page and "Gruppeoppgave 1" in page
    assert "Forhold vi er fornøyde med" in page and "De kan bidra fordi" in page
    saved = anonymous.post(f"/svar/{code}/", {"task": grid_task.pk, **GRID_ANSWER})
    assert saved.status_code == 302
    answer = Answer.objects.get(task=grid_task)
    assert answer.municipality == nordre_land and answer.via_code
    bad = anonymous.post(f"/svar/{code}/", {"task": scale_task.pk, "value": "9"})
    assert bad.status_code == 400
    assert not Answer.objects.filter(task=scale_task).exists()
    services.close_task(coordinator_x, grid_task)
    late = anonymous.post(f"/svar/{code}/", {"task": grid_task.pk, **GRID_ANSWER, "external": "X"})
    assert late.status_code == 409
    assert "lukket" in late.content.decode()
    assert Answer.objects.get(task=grid_task).content["external"] == "Bufetat"


def test_a_join_code_reaches_nothing_outside_its_gathering(
    grid_task, coordinator_x, network_x, nordre_land
):
    code = JoinCode.objects.get(gathering=grid_task.gathering, municipality=nordre_land).code
    other = services.create_gathering(
        coordinator_x, network_x, {"title": "Annen", "starts_at": soon(), "ends_at": soon(1)}
    )
    other_task = services.create_task(coordinator_x, other, {"title": "Annen", "kind": "text"})
    anonymous = client_for(PUBLIC_HOST)
    assert anonymous.post(f"/svar/{code}/", {"task": other_task.pk, "text": "x"}).status_code == 404
    assert anonymous.post(f"/svar/{code}/", {"task": "x", "text": "x"}).status_code == 404
    # and it is no login: the coordinator's pages still want one
    assert anonymous.get(f"/samlinger/{grid_task.gathering.pk}/").status_code == 302
    assert not Answer.objects.exists()


def test_guessing_codes_is_rate_limited(grid_task, nordre_land):
    anonymous = client_for(PUBLIC_HOST)
    for _ in range(limits.MAX_WRONG_CODES):
        assert anonymous.post("/svar/", {"code": "ZZZZZZ"}).status_code == 400
    real = JoinCode.objects.get(gathering=grid_task.gathering, municipality=nordre_land).code
    assert anonymous.post("/svar/", {"code": real}).status_code == 429
    assert anonymous.get(f"/svar/{real}/").status_code == 429


# Evaluation -----------------------------------------------------------------------------------


def test_the_anonymous_evaluation_once_per_device(gathering, coordinator_x):
    gathering = services.set_evaluation(
        coordinator_x,
        gathering,
        True,
        [
            {"text": "Hvor nyttig var samlingen?", "kind": "scale"},
            {"text": "Savnet?", "kind": "text"},
        ],
    )
    scale, text = gathering.evaluation_questions.all()
    phone = client_for(PUBLIC_HOST)
    entered = phone.post("/svar/", {"code": gathering.evaluation_code.lower()})
    assert entered["Location"] == f"/evaluering/{gathering.evaluation_code}/"
    path = entered["Location"]
    assert "Hvor nyttig var samlingen?" in phone.get(path).content.decode()
    bad = phone.post(path, {f"q{scale.pk}": "6"})
    assert bad.status_code == 400 and not EvaluationSubmission.objects.exists()
    sent = phone.post(path, {f"q{scale.pk}": "4", f"q{text.pk}": "Mer tid til gruppene"})
    assert sent.status_code == 302
    again = phone.post(path, {f"q{scale.pk}": "5"})
    assert again.status_code == 409
    assert "allerede sendt inn" in again.content.decode()
    assert EvaluationSubmission.objects.count() == 1
    # another device may answer
    assert client_for(PUBLIC_HOST).post(path, {f"q{scale.pk}": "5"}).status_code == 302
    results = client_for(PUBLIC_HOST, coordinator_x).get(f"/samlinger/{gathering.pk}/evaluering/")
    page = results.content.decode()
    assert "gjennomsnitt 4,50" in page or "gjennomsnitt 4.50" in page
    assert "Mer tid til gruppene" in page


# The coordinator's forms ------------------------------------------------------------------


def test_the_coordinator_creates_a_gathering_a_task_and_the_evaluation_on_the_pages(
    coordinator_x, network_x, leader_a
):
    from networks.gatherings.models import Gathering

    browser = client_for(PUBLIC_HOST, coordinator_x)
    path = f"/nettverk/{network_x.slug}/samlinger/"
    backwards = browser.post(
        path, {"title": "Baklengs", "starts_at": "2027-03-28T09:00", "ends_at": "2027-03-27T15:00"}
    )
    assert backwards.status_code == 400
    assert "før den starter" in backwards.content.decode()
    made = browser.post(
        path,
        {
            "title": "Vårsamling",
            "starts_at": "2027-03-27T09:00",
            "ends_at": "2027-03-28T15:00",
            "place": "Alta",
            "capacity": "30",
        },
    )
    assert made.status_code == 302
    gathering = Gathering.objects.get(title="Vårsamling")
    assert gathering.starts_at.hour == 8  # 09:00 in Oslo, winter time
    # a member cannot
    assert client_for(PUBLIC_HOST, leader_a).post(path, {"title": "X"}).status_code == 403

    added = browser.post(
        f"/samlinger/{gathering.pk}/",
        {"action": "add-task", "title": "Gruppeoppgave 1", "kind": "grid"},
    )
    assert added.status_code == 302
    assert gathering.tasks.get().kind == "grid"

    evaluation = f"/samlinger/{gathering.pk}/evaluering/"
    saved = browser.post(
        evaluation,
        {"scale_questions": "Nyttig?\nRelevant?", "text_questions": "Savnet?", "open": "on"},
    )
    assert saved.status_code == 302
    gathering.refresh_from_db()
    assert gathering.evaluation_open
    assert [(q.text, q.kind) for q in gathering.evaluation_questions.all()] == [
        ("Nyttig?", "scale"),
        ("Relevant?", "scale"),
        ("Savnet?", "text"),
    ]
    page = browser.get(evaluation).content.decode()
    assert "Nyttig?\nRelevant?" in page
