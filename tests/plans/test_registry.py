"""A part declared in the registry reaches the API, the pages, the history and the isolation
walk with no further edits: each test walks the registry rather than a list of its own.
"""

from __future__ import annotations

import dataclasses
import importlib

import pytest
from django.urls import clear_url_caches, resolve, reverse

from tenants.plans import history_api, services, views
from tenants.plans.registry import PARTS, PlanPart, part_named
from tests.api.test_schema import schema_of
from tests.conftest import host_of
from tests.plans.conftest import api_as, inside
from tests.urlmaps import GUESSED_ID, routes_of

TENANT_URLS = "samla.urls_tenant"


def ids(part: PlanPart) -> str:
    return part.name


@pytest.mark.parametrize("part", PARTS, ids=ids)
def test_each_part_has_its_api_routes(part: PlanPart) -> None:
    base = f"/api/plans/1/{part.api_slug}/"
    assert reverse(f"plans:{part.url_name}-list", TENANT_URLS, kwargs={"plan_id": 1}) == base
    detail = reverse(f"plans:{part.url_name}-detail", TENANT_URLS, kwargs={"plan_id": 1, "pk": 2})
    assert detail == f"{base}2/"
    for path in (base, detail):
        view = resolve(path, TENANT_URLS).func.cls  # type: ignore[attr-defined]
        assert view.part is part
        assert view.serializer_class is part.serializer


@pytest.mark.parametrize("part", PARTS, ids=ids)
def test_each_part_has_its_pages_and_menu_entry(part: PlanPart) -> None:
    base = f"/planer/1/{part.page_slug}/"
    assert reverse(f"plan_pages:{part.key}", TENANT_URLS, args=[1]) == base
    assert reverse(f"plan_pages:{part.key}-detail", TENANT_URLS, args=[1, 2]) == f"{base}2/"
    assert views.PARTS_BY_KEY[part.key] is part


@pytest.mark.parametrize("part", PARTS, ids=ids)
def test_each_part_has_its_history_type_and_services(part: PlanPart) -> None:
    assert part.history_type in history_api.OBJECT_TYPES
    assert history_api.PART_SERIALIZERS[part.history_type] is part.serializer
    assert services.__getattr__(f"create_{part.name}") == part.create
    assert services.__getattr__(f"update_{part.name}") == part.update
    assert services.__getattr__(f"delete_{part.name}") == part.delete


def test_the_isolation_walk_reaches_every_part() -> None:
    walked = {route.path for route in routes_of(TENANT_URLS)}
    for part in PARTS:
        assert f"/api/plans/{GUESSED_ID}/{part.api_slug}/" in walked, part.name
        assert f"/api/plans/{GUESSED_ID}/{part.api_slug}/{GUESSED_ID}/" in walked, part.name
        assert f"/planer/{GUESSED_ID}/{part.page_slug}/{GUESSED_ID}/" in walked, part.name


def test_the_schema_documents_every_part(leader_a, nordre_land) -> None:
    paths = schema_of(host_of(nordre_land), leader_a)["paths"]
    for part in PARTS:
        listed = paths[f"/api/plans/{{plan_id}}/{part.api_slug}/"]
        one = paths[f"/api/plans/{{plan_id}}/{part.api_slug}/{{pk}}/"]
        assert {"get", "post"} <= set(listed), part.name
        assert {"get", "put", "patch", "delete"} <= set(one), part.name
        slug = part.api_slug.replace("-", "_")
        assert listed["get"]["operationId"] == f"plans_{slug}_list"


@pytest.fixture
def hazards():
    """A throwaway declaration (risks again, under a new slug) added to the registry at
    runtime, with the URL maps rebuilt from it; everything is put back afterwards."""
    from samla import urls_tenant
    from tenants.plans import page_urls, registry, urls

    extra = dataclasses.replace(
        part_named("risk"), name="hazard", key="hazards", api_slug="hazards", page_slug="farer"
    )

    def rebuild() -> None:
        importlib.reload(urls)
        importlib.reload(page_urls)
        importlib.reload(urls_tenant)  # its include()s hold the maps they read
        clear_url_caches()

    original = registry.PARTS
    registry.PARTS = (*original, extra)
    try:
        rebuild()
        yield extra
    finally:
        registry.PARTS = original
        rebuild()


def test_a_part_declared_at_runtime_is_routed_and_served(
    hazards, plan_a, nordre_land, leader_a
) -> None:
    # Given a declaration added to the registry (and the URL maps rebuilt)
    # Then the API routes it under its name and slug, and answers with its rows
    url = reverse("plans:hazard-list", TENANT_URLS, kwargs={"plan_id": plan_a.pk})
    assert url == f"/api/plans/{plan_a.pk}/hazards/"
    response = api_as(leader_a, nordre_land).get(url)
    assert response.status_code == 200, response.content
    with inside(nordre_land):
        assert len(response.json()) == plan_a.risks.count() > 0
    # and the pages have a route for it
    assert reverse("plan_pages:hazards", TENANT_URLS, args=[plan_a.pk]).endswith("/farer/")


def test_the_documents_load_every_documented_part() -> None:
    from tenants.plans.documents.loader import PlanData
    from tenants.plans.registry import documented_parts

    fields = {f.name for f in dataclasses.fields(PlanData)} - {"plan"}
    assert fields == {part.key for part in documented_parts()}
