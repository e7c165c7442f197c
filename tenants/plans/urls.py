"""Routes of the plans API, mounted at `api/plans/` on a municipality's host."""

from __future__ import annotations

from django.urls import URLPattern, path

from tenants.plans import api, blueprint_api, export_api, history_api
from tenants.plans.registry import PARTS, PlanPart

app_name = "plans"


def part_routes(part: PlanPart) -> list[URLPattern]:
    """`<plan>/milestones/` (`plans:milestone-list`) and `<plan>/milestones/<pk>/` (…-detail)."""
    list_view, detail_view = api.PART_VIEWS.get(part.name) or api.part_views(part)
    return [
        path(f"<int:plan_id>/{part.api_slug}/", list_view.as_view(), name=f"{part.url_name}-list"),
        path(
            f"<int:plan_id>/{part.api_slug}/<int:pk>/",
            detail_view.as_view(),
            name=f"{part.url_name}-detail",
        ),
    ]


REPORT = "<int:plan_id>/status-reports/<int:pk>/"
RISK = "<int:plan_id>/risks/<int:pk>/"
CHANGE = "<int:plan_id>/history/<int:change_id>/"

urlpatterns = [
    path("", api.PlanList.as_view(), name="plan-list"),
    path("<int:plan_id>/", api.PlanDetail.as_view(), name="plan-detail"),
    path("<int:plan_id>/approve/", api.PlanApprove.as_view(), name="plan-approve"),
    *[route for part in PARTS for route in part_routes(part)],
    path(f"{REPORT}submit/", api.StatusReportSubmit.as_view(), name="status-report-submit"),
    path(
        f"{RISK}reassessments/", history_api.RiskReassessments.as_view(), name="risk-reassessments"
    ),
    path("<int:plan_id>/history/", history_api.PlanHistory.as_view(), name="plan-history"),
    path(f"{CHANGE}restore/", history_api.RestoreChange.as_view(), name="plan-history-restore"),
    *[
        path(f"<int:plan_id>/{document}", view.as_view(), name=f"plan-{name.replace('_', '-')}")
        for document, (name, view) in export_api.DOCUMENT_VIEWS.items()
    ],
    path(
        f"{REPORT}export.pdf", export_api.StatusReportPdf.as_view(), name="status-report-export-pdf"
    ),
    path("from-template/", blueprint_api.PlanFromTemplate.as_view(), name="plan-from-template"),
    path(
        "<int:plan_id>/move-start/", blueprint_api.PlanMoveStart.as_view(), name="plan-move-start"
    ),
]
