"""Routes of the gatherings: the API and the pages, all on the public host."""

from django.urls import include, path

from networks.gatherings import api, views

api_patterns = [
    path(
        "api/networks/<int:network_id>/gatherings/",
        api.GatheringList.as_view(),
        name="api-network-gatherings",
    ),
    path(
        "api/networks/<int:network_id>/gatherings.ics",
        api.NetworkCalendar.as_view(),
        name="api-network-gatherings-calendar",
    ),
    path("api/gatherings/<int:gathering_id>/", api.GatheringDetail.as_view(), name="api-gathering"),
    path(
        "api/gatherings/<int:gathering_id>/registrations/",
        api.RegistrationList.as_view(),
        name="api-gathering-registrations",
    ),
    path(
        "api/gatherings/<int:gathering_id>/tasks/",
        api.TaskList.as_view(),
        name="api-gathering-tasks",
    ),
    path(
        "api/gatherings/<int:gathering_id>/evaluation/",
        api.EvaluationDetail.as_view(),
        name="api-gathering-evaluation",
    ),
    path(
        "api/gatherings/<int:gathering_id>/evaluation/export.xlsx",
        api.EvaluationExport.as_view(),
        name="api-gathering-evaluation-xlsx",
    ),
    path("api/tasks/<int:task_id>/answers/", api.AnswerList.as_view(), name="api-task-answers"),
    path("api/tasks/<int:task_id>/close/", api.TaskClose.as_view(), name="api-task-close"),
]

page_patterns = [
    path("nettverk/<slug:slug>/samlinger/", views.network_gatherings, name="network"),
    path("samlinger/<int:gathering_id>/", views.gathering_detail, name="detail"),
    path("samlinger/<int:gathering_id>/direkte/", views.live, name="live"),
    path(
        "samlinger/<int:gathering_id>/visning/<int:municipality_id>/",
        views.projection,
        name="projection",
    ),
    path("samlinger/<int:gathering_id>/evaluering/", views.evaluation_results, name="evaluation"),
    path("svar/", views.join, name="join"),
    path("svar/<str:code>/", views.join_tasks, name="join-tasks"),
    path("evaluering/<str:code>/", views.evaluate, name="evaluate"),
]

public_patterns = [
    *api_patterns,
    path("", include((page_patterns, "gatherings"), namespace="gatherings")),
]
