"""The OpenAPI schema of each host is true to its URL map, and documents what it answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from knox.models import AuthToken

from samla.accounts.models import User
from samla.api.schema import UNDOCUMENTED_ROUTES
from tenants.models import Municipality
from tests.conftest import PUBLIC_HOST, api_client_for, host_of

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def api_routes(urlconf: str) -> dict[str, set[str]]:
    """Every route under /api/ in a URL map, with the methods its view implements."""
    routes: dict[str, set[str]] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                path = "/" + CONVERTER.sub(r"{\1}", route)
                if not path.startswith("/api/"):
                    continue
                view = getattr(pattern.callback, "cls", None)
                allowed = getattr(view, "http_method_names", HTTP_METHODS)
                routes[path] = {
                    m for m in HTTP_METHODS if m in allowed and view and hasattr(view, m)
                }

    walk(get_resolver(urlconf).url_patterns, "")
    return routes


def schema_of(host: str, user: User) -> dict[str, Any]:
    _instance, token = AuthToken.objects.create(user)
    response = api_client_for(host, token).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content
    return response.json()


def operations(schema: dict[str, Any]) -> dict[str, set[str]]:
    return {path: {m for m in item if m in HTTP_METHODS} for path, item in schema["paths"].items()}


@pytest.mark.parametrize(
    ("host_kind", "urlconf"),
    [("public", "samla.urls_public"), ("municipality", "samla.urls_tenant")],
)
def test_each_host_documents_exactly_its_own_routes(
    host_kind: str, urlconf: str, leader_a: User, nordre_land: Municipality
) -> None:
    host = PUBLIC_HOST if host_kind == "public" else host_of(nordre_land)
    documented = operations(schema_of(host, leader_a))
    routes = {p: m for p, m in api_routes(urlconf).items() if p not in UNDOCUMENTED_ROUTES}
    assert documented == routes


def test_public_schema_has_the_token_route_and_no_municipality_routes(leader_a: User) -> None:
    paths = schema_of(PUBLIC_HOST, leader_a)["paths"]
    assert "/api/auth/token/" in paths
    assert not [p for p in paths if p.startswith("/api/plans")]


def test_municipality_schema_has_the_plans_and_what_is_shared(
    leader_a: User, nordre_land: Municipality
) -> None:
    paths = schema_of(host_of(nordre_land), leader_a)["paths"]
    assert "/api/plans/{plan_id}/milestones/{pk}/" in paths
    assert "/api/me/" in paths
    assert "/api/auth/token/" not in paths


def test_operations_document_the_statuses_they_answer(
    leader_a: User, nordre_land: Municipality
) -> None:
    paths = schema_of(host_of(nordre_land), leader_a)["paths"]

    def codes(path: str, method: str) -> set[str]:
        return set(paths[path][method]["responses"])

    assert codes("/api/plans/", "post") >= {"201", "400", "401", "403", "404", "429"}
    assert "200" not in codes("/api/plans/", "post")
    assert codes("/api/plans/{plan_id}/milestones/", "post") >= {"201", "400"}
    assert codes("/api/plans/{plan_id}/milestones/{pk}/", "patch") >= {
        "200", "400", "401", "403", "404", "409", "429",
    }  # fmt: skip
    assert codes("/api/plans/{plan_id}/approve/", "post") >= {"200", "409"}
    assert codes("/api/plans/{plan_id}/export.pdf", "get") >= {"200", "401", "404", "429"}
    assert "409" not in codes("/api/plans/{plan_id}/milestones/", "post")
    body = paths["/api/plans/{plan_id}/milestones/{pk}/"]["patch"]["responses"]["409"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Conflict"
    }


def test_lists_document_their_pages(leader_a: User, nordre_land: Municipality) -> None:
    schema = schema_of(host_of(nordre_land), leader_a)
    get = schema["paths"]["/api/plans/{plan_id}/risks/"]["get"]
    assert {p["name"] for p in get["parameters"] if p["in"] == "query"} == {"page", "page_size"}
    assert set(get["responses"]["200"]["headers"]) >= {"Link", "X-Total-Count"}
    body = get["responses"]["200"]["content"]["application/json"]["schema"]
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert body["type"] == "array"


def test_public_token_route_documents_lockout(leader_a: User) -> None:
    responses = schema_of(PUBLIC_HOST, leader_a)["paths"]["/api/auth/token/"]["post"]["responses"]
    assert {"201", "400", "429"} <= set(responses)
    assert "401" not in responses


def test_updates_require_the_version_they_edit_and_creates_do_not(
    leader_a: User, nordre_land: Municipality
) -> None:
    schema = schema_of(host_of(nordre_land), leader_a)
    item = schema["paths"]["/api/plans/{plan_id}/milestones/{pk}/"]

    def body(operation: dict[str, Any]) -> dict[str, Any]:
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]

    assert "version" in body(item["put"])["required"]
    assert body(item["patch"])["required"] == ["version"]
    create = schema["paths"]["/api/plans/{plan_id}/milestones/"]["post"]
    assert "version" not in body(create).get("required", [])
    assert set(item["put"]["requestBody"]["content"]) == {"application/json"}
    assert "415" in item["put"]["responses"]
