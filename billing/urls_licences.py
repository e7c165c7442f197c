"""Routes of Samla's licences: the operators' API on the public host."""

from django.urls import URLPattern, URLResolver, path

from billing import licences_api

public_patterns: list[URLPattern | URLResolver] = [
    path("api/licences/", licences_api.LicenceList.as_view(), name="api-licences"),
    path("api/licences/<int:pk>/", licences_api.LicenceDetail.as_view(), name="api-licence"),
]
tenant_patterns: list[URLPattern | URLResolver] = []
