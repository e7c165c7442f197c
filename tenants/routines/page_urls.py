"""Routes of the routine pages, mounted at `rutiner/` on a municipality's host."""

from __future__ import annotations

from django.urls import path

from tenants.routines import views

app_name = "routine_pages"

urlpatterns = [
    path("", views.routine_list, name="list"),
    path("ny/", views.routine_create, name="create"),
    path("forfall/", views.routines_due, name="due"),
    path("enheter/", views.unit_list, name="units"),
    path("enheter/<int:unit_id>/", views.unit_edit, name="unit"),
    path("<int:routine_id>/", views.routine_detail, name="detail"),
    path("<int:routine_id>/rediger/", views.routine_edit, name="edit"),
    path("<int:routine_id>/versjoner/<int:number>/", views.version_detail, name="version"),
    path("<int:routine_id>/sammenlign/", views.version_compare, name="compare"),
]
