"""Tokens work on the hosts their user may use and nowhere else; logins lock out."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from samla.accounts.models import MunicipalityMembership, MunicipalityRole
from tests.conftest import PASSWORD, PUBLIC_HOST, api_client_for, client_for, host_of, make_member


def obtain_token(username: str, password: str = PASSWORD):
    return api_client_for(PUBLIC_HOST).post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_token_works_on_allowed_hosts_only(leader_a, nordre_land, nesseby):
    response = obtain_token(leader_a.username)
    assert response.status_code == 201
    token = response.json()["token"]

    own = api_client_for(host_of(nordre_land), token).get("/api/me/")
    assert own.status_code == 200
    assert own.json()["roles"]["municipality"]["role"] == "leader"
    assert own.json()["roles"]["municipality"]["slug"] == "nordre-land"

    assert api_client_for(host_of(nesseby), token).get("/api/me/").status_code == 404
    assert api_client_for("ukjent.localhost", token).get("/api/me/").status_code == 404

    public = api_client_for(PUBLIC_HOST, token).get("/api/me/")
    assert public.status_code == 200
    assert [m["slug"] for m in public.json()["roles"]["municipalities"]] == ["nordre-land"]


def test_token_is_not_issued_on_a_municipality_host(leader_a, nordre_land):
    response = api_client_for(host_of(nordre_land)).post(
        "/api/auth/token/", {"username": leader_a.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 404


def test_wrong_password_gets_norwegian_400(leader_a):
    response = obtain_token(leader_a.username, "feil")
    assert response.status_code == 400
    assert response.json()["detail"] == "Feil brukernavn eller passord."


def test_missing_fields_get_field_errors(db):
    response = api_client_for(PUBLIC_HOST).post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_me_without_credentials_is_401(nordre_land):
    assert api_client_for(PUBLIC_HOST).get("/api/me/").status_code == 401
    assert api_client_for(host_of(nordre_land)).get("/api/me/").status_code == 401


def test_revoked_token_stops_working(leader_a, nordre_land):
    token = obtain_token(leader_a.username).json()["token"]
    client = api_client_for(host_of(nordre_land), token)
    assert client.post("/api/auth/token/revoke/").status_code == 204
    assert client.get("/api/me/").status_code == 401


def test_garbage_token_is_401(nordre_land):
    client = api_client_for(host_of(nordre_land), "x" * 64)
    assert client.get("/api/me/").status_code == 401


def test_inactive_user_token_stops_working(leader_a, nordre_land):
    token = obtain_token(leader_a.username).json()["token"]
    leader_a.is_active = False
    leader_a.save()
    assert api_client_for(host_of(nordre_land), token).get("/api/me/").status_code == 401


def test_consultant_access_ends_on_its_end_date(nordre_land):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    consultant = make_member(
        nordre_land, "konsulent.test", role=MunicipalityRole.CONSULTANT, valid_until=yesterday
    )
    assert client_for(host_of(nordre_land), consultant).get("/").status_code == 404
    MunicipalityMembership.objects.filter(user=consultant).update(valid_until=timezone.localdate())
    assert client_for(host_of(nordre_land), consultant).get("/").status_code == 200


def test_consultant_membership_requires_an_end_date(nordre_land):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_member(nordre_land, "konsulent.uten-slutt", role=MunicipalityRole.CONSULTANT)


def test_api_token_lockout_after_repeated_failures(leader_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert obtain_token(leader_a.username, "feil").status_code == 400
    locked = obtain_token(leader_a.username, "feil")
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger" in locked.json()["detail"]
    # Even the right password is refused while locked out.
    assert obtain_token(leader_a.username).status_code == 429
    assert AccessAttempt.objects.filter(username=leader_a.username).exists()


def test_page_login_lockout(leader_a, nordre_land, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = client_for(host_of(nordre_land))
    data = {"username": leader_a.username, "password": "feil"}
    assert client.post("/accounts/login/", data).status_code == 200
    locked = client.post("/accounts/login/", data)
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger" in locked.content.decode()


def test_login_page_logs_in_and_redirects_home(leader_a, nordre_land):
    client = client_for(host_of(nordre_land))
    response = client.post(
        "/accounts/login/", {"username": leader_a.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_session_of_a_replayed_on_b_reaches_nothing(leader_a, nordre_land, nesseby):
    client = client_for(host_of(nordre_land))
    client.post("/accounts/login/", {"username": leader_a.username, "password": PASSWORD})
    client.defaults["HTTP_HOST"] = host_of(nesseby)
    assert client.get("/").status_code == 404
    assert client.get("/api/me/").status_code == 404
