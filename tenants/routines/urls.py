"""Routes of the routines API on a municipality's host: `/api/units/` and `/api/routines/`.

`api_patterns` is spliced into `samla/urls_tenant.py`; every route is named in the
`routines` namespace (`routines:routine-list`, …).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from tenants.routines import api, export_api
from tenants.routines import library_api as library_views
from tenants.routines.suggestions_api import RoutineSuggestions

app_name = "routines"

ROUTINE = "routines/<int:routine_id>/"

routes: list[URLPattern | URLResolver] = [
    path("units/", api.UnitList.as_view(), name="unit-list"),
    path("units/<int:pk>/", api.UnitDetail.as_view(), name="unit-detail"),
    path("routines/", api.RoutineList.as_view(), name="routine-list"),
    path("routines/due/", api.RoutinesDue.as_view(), name="routine-due"),
    path("routines/suggestions/", RoutineSuggestions.as_view(), name="routine-suggestions"),
    path("routines/handbook.docx", export_api.HandbookDocx.as_view(), name="handbook-docx"),
    path("routines/handbook.pdf", export_api.HandbookPdf.as_view(), name="handbook-pdf"),
    path(ROUTINE, api.RoutineDetail.as_view(), name="routine-detail"),
    path(f"{ROUTINE}versions/", api.VersionList.as_view(), name="version-list"),
    path(f"{ROUTINE}versions/<int:number>/", api.VersionDetail.as_view(), name="version-detail"),
    path(f"{ROUTINE}compare/", api.RoutineCompare.as_view(), name="routine-compare"),
    path(f"{ROUTINE}approve/", api.RoutineApprove.as_view(), name="routine-approve"),
    path(f"{ROUTINE}retire/", api.RoutineRetire.as_view(), name="routine-retire"),
    path(f"{ROUTINE}reviews/", api.ReviewList.as_view(), name="review-list"),
    path(f"{ROUTINE}adoptions/", api.AdoptionList.as_view(), name="adoption-list"),
    path(f"{ROUTINE}adoptions/<int:pk>/", api.AdoptionDetail.as_view(), name="adoption-detail"),
    # The network's library (tenants/routines/library_api.py).
    path("routines/adopt/", library_views.RoutineAdopt.as_view(), name="routine-adopt"),
    path("routines/library/", library_views.LibraryList.as_view(), name="library-list"),
    path(
        "routines/library/<int:pk>/", library_views.LibraryDetail.as_view(), name="library-detail"
    ),
    path(f"{ROUTINE}share/", library_views.RoutineShare.as_view(), name="routine-share"),
    path(f"{ROUTINE}unshare/", library_views.RoutineUnshare.as_view(), name="routine-unshare"),
    path(
        f"{ROUTINE}library-changes/", library_views.LibraryChanges.as_view(), name="library-changes"
    ),
    path(
        f"{ROUTINE}library-changes/take/", library_views.LibraryTake.as_view(), name="library-take"
    ),
]

api_patterns: list[URLPattern | URLResolver] = [
    path("api/", include((routes, app_name), namespace=app_name)),
]
