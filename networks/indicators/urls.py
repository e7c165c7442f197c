"""Routes of the indicators on the public host: the API and the network's indicator pages."""

from django.urls import path

from networks.indicators import api, views

public_patterns = [
    path("api/indicators/", api.IndicatorList.as_view(), name="api-indicators"),
    path("api/indicators/<int:indicator_id>/", api.IndicatorDetail.as_view(), name="api-indicator"),
    path(
        "api/indicators/<int:indicator_id>/values/",
        api.ValueList.as_view(),
        name="api-indicator-values",
    ),
    path(
        "api/indicators/<int:indicator_id>/import/",
        api.ValueImport.as_view(),
        name="api-indicator-import",
    ),
    path(
        "api/indicators/<int:indicator_id>/medians/",
        api.MedianList.as_view(),
        name="api-indicator-medians",
    ),
    path(
        "nettverk/<slug:slug>/indikatorer/",
        views.network_indicators,
        name="network-indicators",
    ),
    path(
        "nettverk/<slug:slug>/indikatorer/<int:indicator_id>/",
        views.indicator_chart,
        name="network-indicator",
    ),
    path(
        "nettverk/<slug:slug>/indikatorer/<int:indicator_id>/importer/",
        views.indicator_import,
        name="network-indicator-import",
    ),
]
