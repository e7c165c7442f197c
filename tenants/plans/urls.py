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


urlpatterns = [
    path("", api.PlanList.as_view(), name="plan-list"),
    path("<int:plan_id>/", api.PlanDetail.as_view(), name="plan-detail"),
    path("<int:plan_id>/approve/", api.PlanApprove.as_view(), name="plan-approve"),
    *[route for part in PARTS for route in part_routes(part)],
    path(
        "<int:plan_id>/status-reports/<int:pk>/submit/",
        api.StatusReportSubmit.as_view(),
        name="status-report-submit",
    ),
    path(
        "<int:plan_id>/risks/<int:pk>/reassessments/",
        history_api.RiskReassessments.as_view(),
        name="risk-reassessments",
    ),
    path("<int:plan_id>/history/", history_api.PlanHistory.as_view(), name="plan-history"),
    path(
        "<int:plan_id>/history/<int:change_id>/restore/",
        history_api.RestoreChange.as_view(),
        name="plan-history-restore",
    ),
    path("<int:plan_id>/export.docx", export_api.PlanDocx.as_view(), name="plan-export-docx"),
    path("<int:plan_id>/export.pdf", export_api.PlanPdf.as_view(), name="plan-export-pdf"),
    path("<int:plan_id>/export.xlsx", export_api.PlanXlsx.as_view(), name="plan-export-xlsx"),
    path("<int:plan_id>/calendar.ics", export_api.PlanCalendar.as_view(), name="plan-calendar"),
    path(
        "<int:plan_id>/status-reports/<int:pk>/export.pdf",
        export_api.StatusReportPdf.as_view(),
        name="status-report-export-pdf",
    ),
    path("from-template/", blueprint_api.PlanFromTemplate.as_view(), name="plan-from-template"),
    path(
        "<int:plan_id>/move-start/", blueprint_api.PlanMoveStart.as_view(), name="plan-move-start"
    ),
]
