"""Routes of the plans API, mounted at `api/plans/` on a municipality's host."""

from __future__ import annotations

from django.urls import URLPattern, path

from tenants.plans import api, blueprint_api, export_api, history_api

app_name = "plans"


def part(prefix: str, name: str, list_view: type, detail_view: type) -> list[URLPattern]:
    return [
        path(f"<int:plan_id>/{prefix}/", list_view.as_view(), name=f"{name}-list"),
        path(f"<int:plan_id>/{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}-detail"),
    ]


urlpatterns = [
    path("", api.PlanList.as_view(), name="plan-list"),
    path("<int:plan_id>/", api.PlanDetail.as_view(), name="plan-detail"),
    path("<int:plan_id>/approve/", api.PlanApprove.as_view(), name="plan-approve"),
    *part("phases", "phase", api.PhaseList, api.PhaseDetail),
    *part("goals", "goal", api.GoalList, api.GoalDetail),
    *part("measures", "measure", api.MeasureList, api.MeasureDetail),
    *part("milestones", "milestone", api.MilestoneList, api.MilestoneDetail),
    *part("decision-points", "decision-point", api.DecisionPointList, api.DecisionPointDetail),
    *part("activities", "activity", api.ActivityList, api.ActivityDetail),
    *part("risks", "risk", api.RiskList, api.RiskDetail),
    *part("success-factors", "success-factor", api.SuccessFactorList, api.SuccessFactorDetail),
    *part("budget-lines", "budget-line", api.BudgetLineList, api.BudgetLineDetail),
    *part("bodies", "body", api.BodyList, api.BodyDetail),
    *part("meeting-series", "meeting-series", api.MeetingSeriesList, api.MeetingSeriesDetail),
    *part("meetings", "meeting", api.MeetingList, api.MeetingDetail),
    *part("status-reports", "status-report", api.StatusReportList, api.StatusReportDetail),
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
