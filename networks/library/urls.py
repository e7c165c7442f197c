"""Routes of the routine library on the public host (`public_patterns`)."""

from django.urls import URLPattern, path

from networks.library import api

public_patterns: list[URLPattern] = [
    path("api/library/routines/", api.LibraryRoutineList.as_view(), name="api-library-routines"),
    path(
        "api/library/routines/<int:pk>/",
        api.LibraryRoutineDetail.as_view(),
        name="api-library-routine",
    ),
]
