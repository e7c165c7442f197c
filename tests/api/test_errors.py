"""Every error under /api/ is JSON in one shape, whatever the host, the login or `Accept`."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.test import override_settings
from django.test.client import RequestFactory
from rest_framework.settings import api_settings

from samla.accounts.models import User
from samla.api.errors import ApiErrorsAsJson
from tenants.models import Municipality
from tenants.plans.models import Plan
from tests.conftest import PUBLIC_HOST, api_client_for, client_for, host_of
from tests.plans.conftest import api_as, inside


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].split(";")[0] == "application/json"
    body = json.loads(response.content)
    assert isinstance(body, dict) and body
    return body


def test_options_on_a_plan_answers_its_metadata(plan_a: Plan, leader_a: User, nordre_land) -> None:
    """Regression: OPTIONS /api/plans/{id}/ was a 500 (DRF looked for a `pk` kwarg)."""
    api = api_as(leader_a, nordre_land)
    response = api.options(f"/api/plans/{plan_a.pk}/")
    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]
    with inside(nordre_land):
        milestone = plan_a.milestones.first()
    assert api.options(f"/api/plans/{plan_a.pk}/milestones/{milestone.pk}/").status_code == 200


def test_unknown_api_path_is_json_404(leader_a: User, nordre_land: Municipality) -> None:
    api = api_as(leader_a, nordre_land)
    body = assert_json_error(api.get("/api/does-not-exist/"), 404)
    assert body["detail"] == "Fant ikke det du ba om."


@override_settings(DEBUG=True)
def test_unknown_api_path_is_json_even_with_debug_on(leader_a, nordre_land) -> None:
    assert_json_error(api_as(leader_a, nordre_land).get("/api/nowhere/"), 404)


def test_non_member_with_a_session_gets_json_404(plan_a: Plan, leader_b: User, nordre_land) -> None:
    client = client_for(host_of(nordre_land), leader_b)
    assert_json_error(client.get(f"/api/plans/{plan_a.pk}/"), 404)
    assert_json_error(client.get("/api/plans/"), 404)


@pytest.mark.parametrize("accept", ["application/pdf", "application/json", "*/*"])
def test_failed_download_is_json_labelled_as_json(
    accept: str, plan_a: Plan, leader_b: User, nordre_land: Municipality
) -> None:
    anonymous = api_client_for(host_of(nordre_land))
    assert_json_error(anonymous.get(f"/api/plans/{plan_a.pk}/export.pdf", HTTP_ACCEPT=accept), 401)
    stranger = api_as(leader_b, nordre_land)
    assert_json_error(stranger.get(f"/api/plans/{plan_a.pk}/export.pdf", HTTP_ACCEPT=accept), 404)
    with inside(nordre_land):
        report = plan_a.status_reports.first()
    if report is not None:
        url = f"/api/plans/{plan_a.pk}/status-reports/{report.pk}/export.pdf"
        assert_json_error(stranger.get(url, HTTP_ACCEPT=accept), 404)


def test_a_download_asked_for_as_html_is_refused_in_json(plan_a: Plan, nordre_land) -> None:
    anonymous = api_client_for(host_of(nordre_land))
    response = anonymous.get(f"/api/plans/{plan_a.pk}/export.pdf", HTTP_ACCEPT="text/html")
    assert_json_error(response, 406)


def test_unsubmitted_report_pdf_is_a_json_400(plan_a: Plan, leader_a: User, nordre_land) -> None:
    api = api_as(leader_a, nordre_land)
    created = api.post(
        f"/api/plans/{plan_a.pk}/status-reports/", {"date": "2018-03-01"}, format="json"
    )
    assert created.status_code == 201, created.content
    url = f"/api/plans/{plan_a.pk}/status-reports/{created.json()['id']}/export.pdf"
    body = assert_json_error(api.get(url, HTTP_ACCEPT="application/pdf"), 400)
    assert "ikke sendt inn" in body["detail"]


@pytest.mark.parametrize(
    "spelling", ["NORDRE-LAND.LOCALHOST", "nordre-land.localhost.", "Nordre-Land.Localhost.:8000"]
)
def test_host_names_are_case_insensitive_and_may_end_in_a_dot(
    spelling: str, leader_a: User, nordre_land: Municipality
) -> None:
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(leader_a)
    response = api_client_for(spelling, token).get("/api/me/")
    assert response.status_code == 200, response.content
    assert response.json()["roles"]["municipality"]["slug"] == "nordre-land"


def test_unknown_host_answers_json_under_api() -> None:
    assert_json_error(api_client_for("ingen-kommune.localhost").get("/api/plans/"), 404)


def test_anonymous_is_json_401_on_both_hosts(nordre_land: Municipality) -> None:
    for host in (PUBLIC_HOST, host_of(nordre_land)):
        assert_json_error(api_client_for(host).get("/api/me/"), 401)


def test_a_server_error_under_api_becomes_json() -> None:
    def broken(request: HttpRequest) -> HttpResponse:
        return HttpResponseServerError("<h1>Server Error (500)</h1>", content_type="text/html")

    request = RequestFactory().get("/api/plans/")
    body = assert_json_error(ApiErrorsAsJson(broken)(request), 500)
    assert "Noe gikk galt" in body["detail"]
    page = ApiErrorsAsJson(broken)(RequestFactory().get("/planer/"))
    assert page["Content-Type"].startswith("text/html")


def test_validation_errors_keep_drfs_shape(plan_a: Plan, leader_a: User, nordre_land) -> None:
    api = api_as(leader_a, nordre_land)
    response = api.post(f"/api/plans/{plan_a.pk}/risks/", {"title": ""}, format="json")
    body = assert_json_error(response, 400)
    assert set(body) >= {"title", "likelihood", "consequence"}
    assert all(isinstance(messages, list) for messages in body.values())


# Paging --------------------------------------------------------------------------------


def test_lists_page_through_the_link_header(plan_a: Plan, leader_a: User, nordre_land) -> None:
    api = api_as(leader_a, nordre_land)
    everything = api.get(f"/api/plans/{plan_a.pk}/milestones/")
    total = len(everything.json())
    assert total >= 3 and everything["X-Total-Count"] == str(total)
    assert "Link" not in everything

    first = api.get(f"/api/plans/{plan_a.pk}/milestones/", {"page_size": 2})
    assert [m["id"] for m in first.json()] == [m["id"] for m in everything.json()[:2]]
    assert 'rel="next"' in first["Link"] and "page=2" in first["Link"]
    second = api.get(f"/api/plans/{plan_a.pk}/milestones/", {"page_size": 2, "page": 2})
    assert [m["id"] for m in second.json()] == [m["id"] for m in everything.json()[2:4]]
    assert 'rel="prev"' in second["Link"]

    past_the_end = api.get(f"/api/plans/{plan_a.pk}/milestones/", {"page": 99})
    assert assert_json_error(past_the_end, 404)["detail"] == "Siden finnes ikke."
    for page in ("0", "-1", "x", str(10**30)):
        response = api.get(f"/api/plans/{plan_a.pk}/milestones/", {"page": page})
        assert assert_json_error(response, 400)["page"]
    for size in ("0", "501", "x"):
        response = api.get(f"/api/plans/{plan_a.pk}/milestones/", {"page_size": size})
        assert assert_json_error(response, 400)["page_size"]


# Throttling ----------------------------------------------------------------------------


def rates(**given: str) -> dict:
    return {
        **api_settings.user_settings,
        "DEFAULT_THROTTLE_RATES": {"write": "1000/min", "export": "1000/min", **given},
    }


def test_writes_are_throttled_per_user_with_retry_after(
    plan_a: Plan, leader_a: User, nordre_land: Municipality
) -> None:
    api = api_as(leader_a, nordre_land)
    url = f"/api/plans/{plan_a.pk}/risks/"
    risk = {"title": "Risiko", "likelihood": 2, "consequence": 3}
    with override_settings(REST_FRAMEWORK=rates(write="3/min")):
        answers = [api.post(url, risk, format="json").status_code for _ in range(4)]
        assert answers == [201, 201, 201, 429]
        refused = api.post(url, risk, format="json")
        assert_json_error(refused, 429)
        assert int(refused["Retry-After"]) > 0
        assert api.get(url).status_code == 200  # reading is not limited by the write rate
        with inside(nordre_land):
            assert plan_a.risks.filter(title="Risiko").count() == 3


def test_exports_are_throttled(plan_a: Plan, leader_a: User, nordre_land: Municipality) -> None:
    api = api_as(leader_a, nordre_land)
    url = f"/api/plans/{plan_a.pk}/calendar.ics"
    with override_settings(REST_FRAMEWORK=rates(export="2/min")):
        assert [api.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_api_reads_json_only(plan_a: Plan, leader_a: User, nordre_land) -> None:
    api = api_as(leader_a, nordre_land)
    url = f"/api/plans/{plan_a.pk}/risks/"
    risk = {"title": "Skjema", "likelihood": "2", "consequence": "3"}
    for body_format in ("multipart",):
        assert_json_error(api.post(url, risk, format=body_format), 415)
    form = api.post(url, "title=Skjema", content_type="application/x-www-form-urlencoded")
    assert_json_error(form, 415)
    with inside(nordre_land):
        assert not plan_a.risks.filter(title="Skjema").exists()
