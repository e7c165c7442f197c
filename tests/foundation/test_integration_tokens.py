"""Integration tokens: a leader's named, scoped, expiring, revocable tokens for own systems.

Given Nordre Land (A) and Nesseby (B) with a leader in each, A's leader makes tokens for
A's systems; they work on A's host only, with the access they were given, and stop
working when they expire or are revoked.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context
from knox.models import AuthToken
from rest_framework.test import APIClient

from samla.accounts import integrations
from samla.accounts.models import (
    IntegrationToken,
    MunicipalityMembership,
    MunicipalityRole,
    User,
)
from tenants.plans.models import Change, Plan
from tests.conftest import PUBLIC_HOST, api_client_for, client_for, host_of, make_member

TOKENS = "/api/integration-tokens/"
PAGE = "/innstillinger/integrasjoner/"
NEW_PLAN = {"title": "Plan fra sak/arkiv", "start": "2026-01-01", "end": "2026-12-31"}


def api_as(user: User | None, municipality) -> APIClient:
    """An API client on the municipality's host with the user's login token."""
    if user is None:
        return api_client_for(host_of(municipality))
    _instance, token = AuthToken.objects.create(user)
    return api_client_for(host_of(municipality), token)


def rows(response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()


def create(api: APIClient, **data: Any):
    body = {"name": "Sak/arkiv", "can_write": False, "expires_in_days": 90, **data}
    return api.post(TOKENS, body, format="json")


@pytest.fixture
def leader_api(leader_a, nordre_land) -> APIClient:
    return api_as(leader_a, nordre_land)


@pytest.fixture
def read_only(leader_a, nordre_land) -> tuple[IntegrationToken, str]:
    return integrations.create_integration_token(nordre_land, leader_a, "Power BI", False, 30)


@pytest.fixture
def read_write(leader_a, nordre_land) -> tuple[IntegrationToken, str]:
    return integrations.create_integration_token(nordre_land, leader_a, "Sak/arkiv", True, 365)


def detail_of(response) -> str:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"]


# Creating and listing ------------------------------------------------------------------


def test_leader_creates_a_read_only_and_a_read_write_token(leader_api, leader_a, nordre_land):
    # When the leader creates two tokens
    first = create(leader_api, name="Power BI", can_write=False, expires_in_days=30)
    second = create(leader_api, name="Sak/arkiv", can_write=True, expires_in_days=730)

    # Then each answers 201 with its secret, once
    assert first.status_code == 201, first.content
    assert second.status_code == 201, second.content
    body = first.json()
    assert body["token"].startswith("samla_int_") and len(body["token"]) >= 50
    assert body["token"].startswith(body["token_prefix"])
    assert body["name"] == "Power BI" and body["can_write"] is False
    assert body["status"] == "active" and body["last_used_at"] is None
    assert body["created_by"] == leader_a.display_name
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(
        minutes=1
    )

    # And the list and the detail show both without secret or digest
    listed = rows(leader_api.get(TOKENS))
    assert {t["name"] for t in listed} == {"Power BI", "Sak/arkiv"}
    one = leader_api.get(f"{TOKENS}{body['id']}/")
    assert one.status_code == 200
    for shown in [*listed, one.json()]:
        assert "token" not in shown and "digest" not in shown
        assert body["token"] not in str(shown)

    # And each is backed by a service account in A only, with the role matching its access
    token = IntegrationToken.objects.get(pk=body["id"])
    assert token.digest != body["token"] and body["token"] not in token.digest
    user = token.service_user
    assert user.is_integration and not user.has_usable_password()
    memberships = MunicipalityMembership.objects.filter(user=user)
    assert [(m.municipality_id, m.role) for m in memberships] == [
        (nordre_land.pk, MunicipalityRole.VIEWER)
    ]
    writer = IntegrationToken.objects.get(pk=second.json()["id"])
    assert writer.service_user.memberships.get().role == MunicipalityRole.EDITOR


def test_read_only_token_reads_plans_but_cannot_write(read_only, nordre_land, leader_a):
    _token, secret = read_only
    api = api_client_for(host_of(nordre_land), secret)

    assert api.get("/api/plans/").status_code == 200
    me = api.get("/api/me/").json()
    assert me["roles"]["municipality"]["role"] == "viewer"

    refused = api.post("/api/plans/", NEW_PLAN, format="json")
    assert refused.status_code == 403
    with tenant_context(nordre_land):
        assert not Plan.objects.filter(title=NEW_PLAN["title"]).exists()


def test_read_write_token_creates_a_plan_and_history_names_the_token(read_write, nordre_land):
    _token, secret = read_write
    api = api_client_for(host_of(nordre_land), secret)

    created = api.post("/api/plans/", NEW_PLAN, format="json")

    assert created.status_code == 201, created.content
    with tenant_context(nordre_land):
        change = Change.objects.get(plan_id=created.json()["id"], object_type="plan")
    assert "Sak/arkiv" in change.user_name
    assert "integrasjon" in change.user_name


def test_bearer_keyword_is_accepted_too(read_only, nordre_land):
    _token, secret = read_only
    api = APIClient(HTTP_HOST=host_of(nordre_land))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/plans/").status_code == 200


# Scope ---------------------------------------------------------------------------------


def test_token_is_404_on_another_municipalitys_host_and_for_a_guessed_id(
    read_write, nordre_land, nesseby
):
    _token, secret = read_write
    other = api_client_for(host_of(nesseby), secret)
    for path in ("/api/plans/", "/api/me/", "/api/plans/1/", TOKENS):
        assert other.get(path).status_code == 404, path
    assert other.post("/api/plans/", NEW_PLAN, format="json").status_code == 404

    own = api_client_for(host_of(nordre_land), secret)
    assert own.get("/api/plans/987654/").status_code == 404
    assert own.patch("/api/plans/987654/", {"title": "x"}, format="json").status_code == 404


def test_token_is_refused_on_the_public_host(read_only):
    _token, secret = read_only
    response = api_client_for(PUBLIC_HOST, secret).get("/api/me/")
    assert response.status_code == 401
    assert "kommunen" in detail_of(response)


def test_an_integration_cannot_manage_tokens(read_write, nordre_land):
    token, secret = read_write
    api = api_client_for(host_of(nordre_land), secret)
    assert api.get(TOKENS).status_code == 403
    assert create(api, name="Ny").status_code == 403
    assert api.post(f"{TOKENS}{token.pk}/revoke/").status_code == 403
    assert IntegrationToken.objects.count() == 1


def test_service_account_cannot_log_in_or_get_a_login_token(read_write, nordre_land):
    token, _secret = read_write
    username = token.service_user.username
    for password in ("!", token.service_user.password):
        form = client_for(host_of(nordre_land)).post(
            "/accounts/login/", {"username": username, "password": password}
        )
        assert form.status_code == 200 and "_auth_user_id" not in form.client.session
        obtained = api_client_for(PUBLIC_HOST).post(
            "/api/auth/token/", {"username": username, "password": password}, format="json"
        )
        assert obtained.status_code == 400
    assert not AuthToken.objects.filter(user=token.service_user).exists()
    # Its pages need a login it cannot have: the token is not read there
    page = api_client_for(host_of(nordre_land), _secret).get("/planer/")
    assert page.status_code == 302


# Who may manage tokens ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [MunicipalityRole.EDITOR, MunicipalityRole.VIEWER])
def test_editor_and_viewer_cannot_create_list_or_revoke(role, read_only, nordre_land):
    token, _secret = read_only
    member = make_member(nordre_land, f"{role}.nordre-land", role=role)
    api = api_as(member, nordre_land)

    assert api.get(TOKENS).status_code == 403
    assert api.get(f"{TOKENS}{token.pk}/").status_code == 403
    assert create(api, name="Ny").status_code == 403
    assert api.post(f"{TOKENS}{token.pk}/revoke/").status_code == 403
    assert client_for(host_of(nordre_land), member).get(PAGE).status_code == 403

    token.refresh_from_db()
    assert token.revoked_at is None and IntegrationToken.objects.count() == 1


def test_anonymous_gets_401(read_only, nordre_land):
    token, _secret = read_only
    api = api_as(None, nordre_land)
    assert api.get(TOKENS).status_code == 401
    assert create(api).status_code == 401
    assert api.post(f"{TOKENS}{token.pk}/revoke/").status_code == 401
    page = client_for(host_of(nordre_land)).get(PAGE)
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_another_municipalitys_leader_cannot_see_or_revoke(
    read_only, nordre_land, nesseby, leader_b
):
    token, _secret = read_only
    on_a = api_as(leader_b, nordre_land)
    assert on_a.get(TOKENS).status_code == 404
    assert on_a.get(f"{TOKENS}{token.pk}/").status_code == 404
    assert on_a.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404

    on_b = api_as(leader_b, nesseby)
    assert rows(on_b.get(TOKENS)) == []
    assert on_b.get(f"{TOKENS}{token.pk}/").status_code == 404
    assert on_b.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
    page = client_for(host_of(nesseby), leader_b).post(
        PAGE, {"action": "revoke", "token": token.pk}
    )
    assert page.status_code == 404

    token.refresh_from_db()
    assert token.revoked_at is None


def test_guessed_ids_are_404_for_the_leader(leader_api):
    for path in (f"{TOKENS}987654/", f"{TOKENS}987654/revoke/"):
        assert leader_api.get(path).status_code == 404
        assert leader_api.post(path).status_code == 404


def test_listing_takes_the_same_queries_for_one_token_or_many(leader_a, nordre_land):
    api = api_as(leader_a, nordre_land)
    integrations.create_integration_token(nordre_land, leader_a, "En", False, 30)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(TOKENS).status_code == 200
            assert client_for(host_of(nordre_land), leader_a).get(PAGE).status_code == 200
        return len(queries)

    one = queries_for_list()
    other_leader = make_member(nordre_land, "leder2.nordre-land")
    for n in range(5):
        token, _ = integrations.create_integration_token(
            nordre_land, other_leader, f"Nøkkel {n}", n % 2 == 0, 90
        )
        if n % 2:
            integrations.revoke_integration_token(token, leader_a)
    assert len(rows(api.get(TOKENS))) == 6
    assert queries_for_list() == one


# Expiry, revocation, last use -----------------------------------------------------------


def test_expired_token_is_401_with_a_norwegian_message(read_only, nordre_land):
    token, secret = read_only
    IntegrationToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    response = api_client_for(host_of(nordre_land), secret).get("/api/plans/")
    assert response.status_code == 401
    assert "utløp" in detail_of(response)
    assert response["WWW-Authenticate"] == "Token"


def test_revoked_token_is_401_and_stays_listed(read_write, nordre_land, leader_api, leader_a):
    token, secret = read_write
    api = api_client_for(host_of(nordre_land), secret)
    assert api.get("/api/plans/").status_code == 200

    revoked = leader_api.post(f"{TOKENS}{token.pk}/revoke/")
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revoked_by"] == leader_a.display_name

    response = api.get("/api/plans/")
    assert response.status_code == 401
    assert "trukket tilbake" in detail_of(response)
    assert [t["status"] for t in rows(leader_api.get(TOKENS))] == ["revoked"]
    token.service_user.refresh_from_db()
    assert not token.service_user.is_active
    assert not MunicipalityMembership.objects.active().filter(user=token.service_user).exists()

    # Revoking again changes nothing; the name is free for a new token
    again = leader_api.post(f"{TOKENS}{token.pk}/revoke/")
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert create(leader_api, name="sak/ARKIV").status_code == 201


def test_an_integration_may_revoke_its_own_token_only(read_only, read_write, nordre_land):
    own, secret = read_only
    other, _ = read_write
    with pytest.raises(PermissionDenied):
        integrations.revoke_integration_token(other, own.service_user)

    integrations.revoke_integration_token(own, own.service_user)

    own.refresh_from_db()
    other.refresh_from_db()
    assert own.revoked_by == own.service_user and other.revoked_at is None
    assert api_client_for(host_of(nordre_land), secret).get("/api/me/").status_code == 401


def test_unknown_prefixed_token_is_401_and_other_tokens_go_to_knox(nordre_land, leader_a):
    unknown = api_client_for(host_of(nordre_land), "samla_int_" + "x" * 43).get("/api/me/")
    assert unknown.status_code == 401
    assert detail_of(unknown) == "Ugyldig integrasjonsnøkkel."
    # A login token is still knox's business
    assert api_as(leader_a, nordre_land).get("/api/me/").status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Token samla_int_",
        "Token samla_int_abc def",
        "Bearer samla_int_" + "x" * 200,
        "Token samla_int_\xe6\xf8\xe5",
    ],
)
def test_malformed_prefixed_tokens_are_401(header, nordre_land):
    api = APIClient(HTTP_HOST=host_of(nordre_land))
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert detail_of(response) == "Ugyldig integrasjonsnøkkel."


def test_options_and_head_answer_without_error(read_only, leader_api):
    token, _secret = read_only
    for path in (TOKENS, f"{TOKENS}{token.pk}/", f"{TOKENS}{token.pk}/revoke/"):
        assert leader_api.options(path).status_code == 200, path
    assert leader_api.head(TOKENS).status_code == 200


def test_last_use_is_recorded_at_most_once_a_minute(read_only, nordre_land):
    token, secret = read_only
    api = api_client_for(host_of(nordre_land), secret)

    assert api.get("/api/me/").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/me/").status_code == 200
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert updates == []
    token.refresh_from_db()
    assert token.last_used_at == first

    # A minute later the next request records it again
    earlier = first - datetime.timedelta(minutes=2)
    IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert api.get("/api/me/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first


# Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Sak\x07arkiv"}, "name"),
        ({"name": "power bi"}, "name"),  # taken, whatever the case
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 731}, "expires_in_days"),
        ({"expires_in_days": "snart"}, "expires_in_days"),
        ({"expires_in_days": None}, "expires_in_days"),
        ({"can_write": "kanskje"}, "can_write"),
    ],
)
def test_bad_input_is_400_and_nothing_is_written(data, field, read_only, leader_api):
    users = User.objects.count()
    response = create(leader_api, **data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert IntegrationToken.objects.count() == 1 and User.objects.count() == users


def test_the_number_of_usable_tokens_is_bounded(leader_a, nordre_land, monkeypatch):
    monkeypatch.setattr(integrations, "MAX_USABLE_TOKENS", 2)
    api = api_as(leader_a, nordre_land)
    assert create(api, name="En").status_code == 201
    assert create(api, name="To").status_code == 201
    refused = create(api, name="Tre")
    assert refused.status_code == 400
    assert "non_field_errors" in refused.json()


# The page ------------------------------------------------------------------------------


def test_page_creates_lists_and_revokes(leader_a, nordre_land):
    client = client_for(host_of(nordre_land), leader_a)
    empty = client.get(PAGE)
    assert empty.status_code == 200
    assert "ingen integrasjonsnøkler" in empty.content.decode()

    # When the leader creates a token on the page
    created = client.post(
        PAGE, {"action": "create", "name": "Sak/arkiv", "can_write": "1", "expires_in_days": "365"}
    )

    # Then the secret is shown once, with its warning, and not cached
    assert created.status_code == 200
    html = created.content.decode()
    token = IntegrationToken.objects.get()
    assert token.can_write and token.service_user.is_integration
    assert "bare denne ene gangen" in html
    assert "«Authorization: Bearer samla_int_…»" in html and "://nordre-land.localhost/api/" in html
    secret = html.split('id="new-secret" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("samla_int_") and integrations.digest_of(secret) == token.digest
    assert "no-store" in created["Cache-Control"]
    listed = client.get(PAGE).content.decode()
    assert "Sak/arkiv" in listed and secret not in listed and "Lese og endre" in listed

    # When the leader asks to revoke it, the page asks first
    asked = client.post(PAGE, {"action": "confirm-revoke", "token": token.pk})
    assert asked.status_code == 200 and "Trekke tilbake «Sak/arkiv»?" in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None

    # And the confirmation revokes it
    done = client.post(PAGE, {"action": "revoke", "token": token.pk}, follow=True)
    assert done.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == leader_a
    assert "Trukket tilbake" in done.content.decode()


def test_page_refuses_bad_input_with_400(leader_a, nordre_land):
    client = client_for(host_of(nordre_land), leader_a)
    response = client.post(PAGE, {"action": "create", "name": "", "expires_in_days": "9999"})
    assert response.status_code == 400
    assert not IntegrationToken.objects.exists()
    assert client.post(PAGE, {"action": "noe"}).status_code == 400
    assert client.post(PAGE, {"action": "revoke", "token": "987654"}).status_code == 404


# The schema ------------------------------------------------------------------------------


def test_schema_documents_the_routes_and_the_security_scheme(leader_api):
    response = leader_api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    scheme = schema["components"]["securitySchemes"]["integrationToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    paths = schema["paths"]
    assert "201" in paths[TOKENS]["post"]["responses"]
    assert f"{TOKENS}{{token_id}}/revoke/" in paths
    created = schema["components"]["schemas"]["IntegrationTokenCreated"]["allOf"]
    assert created[0] == {"$ref": "#/components/schemas/IntegrationToken"}
    assert created[1]["required"] == ["token"]
    listed = schema["components"]["schemas"]["IntegrationToken"]["properties"]
    assert "token" not in listed and "digest" not in listed
    assert listed["status"]["allOf"] == [
        {"$ref": "#/components/schemas/IntegrationTokenStatusEnum"}
    ]


def test_the_token_revoke_route_revokes_the_integration_token_it_is_called_with(
    read_only, nordre_land
):
    token, secret = read_only
    api = api_client_for(host_of(nordre_land), secret)
    assert api.post("/api/auth/token/revoke/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == token.service_user
    assert api.get("/api/me/").status_code == 401
