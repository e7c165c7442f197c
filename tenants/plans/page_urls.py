"""Routes of the plan pages, mounted at `planer/` on a municipality's host."""

from __future__ import annotations

from django.urls import URLPattern, path

from tenants.plans import history_views, views
from tenants.plans.registry import PARTS, PlanPart

app_name = "plan_pages"


def part_routes(part: PlanPart) -> list[URLPattern]:
    """`<plan>/milepaeler/` (`plan_pages:milestones`) and its rows' pages."""
    kwargs = {"part_key": part.key}
    return [
        path(f"<int:plan_id>/{part.page_slug}/", views.part_list, kwargs, name=part.key),
        path(
            f"<int:plan_id>/{part.page_slug}/<int:pk>/",
            views.part_detail,
            kwargs,
            name=f"{part.key}-detail",
        ),
    ]


urlpatterns = [
    path("", views.plan_list, name="list"),
    path("ny/", views.plan_create, name="create"),
    path("ny/fra-mal/", views.plan_from_template, name="create-from-template"),
    path("<int:plan_id>/", views.plan_overview, name="overview"),
    path("<int:plan_id>/rediger/", views.plan_edit, name="edit"),
    path("<int:plan_id>/flytt/", views.plan_move, name="move"),
    path("<int:plan_id>/aktivitetsplan/", views.activity_plan, name="gantt"),
    path("<int:plan_id>/historikk/", history_views.plan_history, name="history"),
    *[route for part in PARTS for route in part_routes(part)],
]
