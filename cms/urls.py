"""The CMS's routes: Wagtail on the public host; search on both hosts."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api import api_router
from cms.search import search_view, workspace_search

public_patterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("dokumenter/", include(wagtaildocs_urls)),
    path("sok/", search_view, name="cms-search"),
    # Wagtail's read-only API v2: what an anonymous reader may see.
    path("api/cms/v2/", api_router.urls),
    # Wagtail's page serving catches every path under it, so it has a prefix of its own.
    path("innhold/", include(wagtail_urls)),
]

# On a municipality's host: the same search, links to the public host.
municipality_patterns = [
    path("sok/", workspace_search, name="cms-search"),
]
